//! Token rotation under concurrency and faults, against a real emulator on an ephemeral
//! loopback port with one manual clock shared by client and emulator.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use armor_client::core::{AccessToken, Clock, ManualClock};
use armor_client::{Client, Error, Freshness, RenewalPolicy, SessionStore, Timeouts};
use armor_emulator::{Emulator, EmulatorConfig, ReissueFault, TokenUnit};
use jiff::Timestamp;
use secrecy::SecretString;
use serde_json::Value;

struct Env {
    emu: Emulator,
    clock: ManualClock,
    dir: tempfile::TempDir,
}

impl Env {
    /// Tokens of `ttl` seconds, reported in seconds.
    async fn new(ttl: u64, tweak: impl FnOnce(&mut EmulatorConfig)) -> Env {
        let clock = ManualClock::new(Timestamp::from_second(1_800_000_000).unwrap());
        let mut config = EmulatorConfig {
            clock: Arc::new(clock.clone()),
            token_ttl: Duration::from_secs(ttl),
            expires_in_unit: TokenUnit::Seconds,
            ..Default::default()
        };
        tweak(&mut config);
        let emu = Emulator::start(config).await.unwrap();
        Env { emu, clock, dir: tempfile::tempdir().unwrap() }
    }

    fn store(&self) -> SessionStore {
        SessionStore::new(self.dir.path(), "default").unwrap()
    }

    fn client_with(&self, timeouts: Timeouts) -> Client {
        Client::builder()
            .server(self.emu.url())
            .store(self.store())
            .clock(Arc::new(self.clock.clone()))
            .timeouts(timeouts)
            .build()
            .unwrap()
    }

    fn client(&self) -> Client {
        self.client_with(Timeouts::default())
    }

    async fn login(&self) -> Client {
        let c = self.client();
        c.login(EmulatorConfig::DEMO_USERNAME, SecretString::from(EmulatorConfig::DEMO_PASSWORD), None)
            .await
            .unwrap();
        c
    }

    /// (ok, client errors, server errors) of the reissue endpoint.
    fn reissues(&self) -> (u64, u64, u64) {
        let s = self.emu.stats().get("POST /auth/token/reissue");
        (s.ok, s.client_error, s.server_error)
    }

    fn me_failures(&self) -> u64 {
        self.emu.stats().get("GET /me").client_error
    }

    fn file(&self) -> Vec<u8> {
        std::fs::read(self.store().path()).unwrap()
    }

    fn advance(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }
}

async fn token_of(c: &Client) -> AccessToken {
    c.session().await.unwrap().token().unwrap().access_token.clone()
}

/// `tasks` tasks spread over `clients` clients of one profile call `GET /me` without
/// pause while the clock moves one second per round, for `rounds` rounds. Returns the
/// failed calls.
///
/// Each round waits until every task has made a call at the new time and, if renewal is
/// due then, until the renewed session is on disk (at most 10 real seconds; else the run
/// ends there, and that round is reported as a failure). Advisory renewal does not hold
/// back the other callers, so without that wait the clock could move on while the
/// reissue is still on its way: the token would be issued a second late and one renewal
/// window would fall past the end of the run (a flake seen in CI: 2 reissues, not 3).
///
/// Nothing here panics while the tasks run, and each task yields after every call: a
/// call that fails without awaiting anything (no session) must not keep a worker thread
/// from seeing the stop, or a failing test would hang instead of failing.
async fn hammer(env: &Env, clients: usize, tasks: usize, rounds: u64) -> Vec<String> {
    let clients: Vec<Client> = (0..clients).map(|_| env.client()).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let c = clients[i % clients.len()].clone();
            let (stop, calls) = (stop.clone(), calls.clone());
            tokio::spawn(async move {
                let mut failures = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    if let Err(e) = c.get::<Value>("/me").await {
                        failures.push(e.to_string());
                    }
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
                failures
            })
        })
        .collect();
    let mut failures = Vec::new();
    'rounds: for round in 0..=rounds {
        if round > 0 {
            env.advance(1);
        }
        let seen = calls.load(Ordering::SeqCst);
        while calls.load(Ordering::SeqCst) < seen + 2 * tasks as u64 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while renewal_due(env) {
            if std::time::Instant::now() >= deadline {
                failures.push(format!("round {round}: no renewal within 10 s"));
                break 'rounds;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    stop.store(true, Ordering::SeqCst);
    for h in handles {
        failures.extend(h.await.unwrap());
    }
    failures
}

/// Whether the stored session's token is due for renewal at the clock's time (`false`
/// without a session: the calls' failures say so).
fn renewal_due(env: &Env) -> bool {
    let session = env.store().load().ok().flatten();
    session.is_some_and(|s| s.freshness(&RenewalPolicy::default(), env.clock.now()) != Freshness::Fresh)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_tasks_through_renewals_fail_nothing_and_reissue_once_per_window() {
    // 30 s tokens: renewal due 10 s after each issue; 30 s of (manual) time.
    let env = Env::new(30, |_| {}).await;
    env.login().await;
    let failures = hammer(&env, 1, 64, 30).await;
    assert!(failures.is_empty(), "{} failed: {:?}", failures.len(), &failures[..failures.len().min(3)]);
    // Issued at 0, renewed at 10, 20, 30: exactly one reissue per window, none refused.
    assert_eq!(env.reissues(), (3, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clients_of_one_profile_through_renewals_fail_nothing_and_reissue_once_per_window() {
    // Eight clients (like eight processes) of one profile, eight tasks each.
    let env = Env::new(30, |_| {}).await;
    env.login().await;
    let failures = hammer(&env, 8, 64, 30).await;
    assert!(failures.is_empty(), "{} failed: {:?}", failures.len(), &failures[..failures.len().min(3)]);
    assert_eq!(env.reissues(), (3, 0, 0));
}

/// A reissue slower than a round of calls (advisory renewal holds no one back) still
/// renews once per window: a regression test of the hammer itself, which once let the
/// clock move on while the reissue was on its way and lost a window (flaky in CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_reissue_still_renews_once_per_window() {
    let slow = "POST /auth/token/reissue=delay:100:1".parse().unwrap();
    let env = Env::new(30, |c| c.faults = vec![slow]).await;
    env.login().await;
    let failures = hammer(&env, 8, 64, 30).await;
    assert!(failures.is_empty(), "{} failed: {:?}", failures.len(), &failures[..failures.len().min(3)]);
    assert_eq!(env.reissues(), (3, 0, 0));
}

#[tokio::test]
async fn a_long_lived_client_sees_another_processs_reissue_without_a_401() {
    let env = Env::new(900, |_| {}).await;
    let long_lived = env.login().await;
    long_lived.whoami().await.unwrap();
    let other = env.client();
    env.advance(60);
    let renewed = other.reissue_token(None).await.unwrap();
    // The old token is dead now; the long-lived client notices the new file before sending.
    long_lived.whoami().await.unwrap();
    assert_eq!(token_of(&long_lived).await, renewed.token().unwrap().access_token);
    assert_eq!(env.me_failures(), 0, "no request went out with the old token");
}

/// What the path names is what counts, not the file read: the session moved away (or its
/// directory) with another put in its place, or a link made to it before another process
/// replaced it, is noticed before the next request (regressions of a stamp taken of the
/// open file instead of the path).
#[tokio::test]
async fn a_long_lived_client_follows_the_path_whatever_happens_to_the_file_it_read() {
    let env = Env::new(900, |_| {}).await;
    let sessions = env.dir.path().join("sessions");
    // Moved away, and a new login in its place.
    let long_lived = env.login().await;
    long_lived.whoami().await.unwrap();
    std::fs::rename(env.store().path(), env.dir.path().join("moved.json")).unwrap();
    let other = env.login().await;
    assert_eq!(token_of(&long_lived).await, token_of(&other).await);
    // Moved away only: no session.
    std::fs::rename(env.store().path(), env.dir.path().join("moved-again.json")).unwrap();
    assert!(matches!(long_lived.session().await, Err(Error::NoSession { .. })));
    // The directory moved, and a new login in its place.
    let long_lived = env.login().await;
    long_lived.whoami().await.unwrap();
    std::fs::rename(&sessions, env.dir.path().join("sessions.bak")).unwrap();
    let other = env.login().await;
    assert_eq!(token_of(&long_lived).await, token_of(&other).await);
    // A link made after it was read (a backup), then a reissue by another process.
    let long_lived = env.login().await;
    long_lived.whoami().await.unwrap();
    std::fs::hard_link(env.store().path(), env.dir.path().join("backup.json")).unwrap();
    env.advance(60);
    let renewed = env.client().reissue_token(None).await.unwrap();
    long_lived.whoami().await.unwrap();
    assert_eq!(token_of(&long_lived).await, renewed.token().unwrap().access_token);
    assert_eq!(env.me_failures(), 0, "no request went out with the old token");
}

/// Overlapping calls of a token session may share the check of the session file (a 401
/// is resent); those of an API-key session, whose 401 is not resent, never skip it (a
/// hostile review's finding).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_of_an_api_key_session_check_the_session_file_even_when_they_overlap() {
    let env = Env::new(900, |c| c.faults = vec!["GET /vms=delay:30000:1".parse().unwrap()]).await;
    let c = env.client();
    let secret = SecretString::from(EmulatorConfig::DEMO_API_KEY_SECRET);
    c.login_api_key(EmulatorConfig::DEMO_API_KEY_ID, secret, None).await.unwrap();
    // A call the server holds in flight meanwhile.
    let slow = tokio::spawn({
        let c = c.clone();
        async move { c.vms().list().await }
    });
    // The server has it (a fault is counted before its delay): it is in flight.
    while env.emu.stats().faults.values().sum::<u64>() == 0 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let path = env.store().path();
    let mut went_out = 0;
    for _ in 0..30 {
        c.whoami().await.unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        // Logged out by another process just after a check: the next call must notice.
        went_out += u32::from(c.whoami().await.is_ok());
        std::fs::write(&path, &bytes).unwrap();
    }
    assert!(!slow.is_finished(), "the calls overlapped the slow one throughout");
    slow.abort();
    assert_eq!(went_out, 0, "calls sent with a session removed from the file");
}

#[tokio::test]
async fn a_401_during_another_processs_reissue_is_resent_once_with_the_new_token() {
    let env = Env::new(900, |_| {}).await;
    let c = env.login().await;
    let store = env.store();
    // Another process: holds the lock, has exchanged the token, has not saved yet.
    let lock = store.lock().await.unwrap();
    let old = token_of(&c).await;
    let reply: Value = reqwest::Client::new()
        .post(format!("{}/auth/token/reissue", env.emu.url()))
        .json(&serde_json::json!({ "token": old.expose() }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let call = tokio::spawn({
        let c = c.clone();
        async move { c.whoami().await }
    });
    // Let the call go out with the old token and wait for the lock; then save and unlock.
    while env.me_failures() == 0 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let mut session: Value = serde_json::from_slice(&env.file()).unwrap();
    session["auth"]["access_token"] = reply["access_token"].clone();
    std::fs::write(store.path(), serde_json::to_vec(&session).unwrap()).unwrap();
    drop(lock);
    call.await.unwrap().unwrap();
    let me = env.emu.stats().get("GET /me");
    assert_eq!((me.client_error, me.ok), (1, 2), "one 401, then one resend (plus login's)");
}

#[tokio::test]
async fn a_401_for_the_current_token_is_not_resent() {
    let env = Env::new(900, |_| {}).await;
    let c = env.login().await;
    // Someone exchanged the token and never saved it: nothing to resend with.
    let old = token_of(&c).await;
    reqwest::Client::new()
        .post(format!("{}/auth/token/reissue", env.emu.url()))
        .json(&serde_json::json!({ "token": old.expose() }))
        .send()
        .await
        .unwrap();
    let err = c.whoami().await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(env.me_failures(), 1, "sent once, never looped");
}

#[tokio::test]
async fn advisory_renewal_failures_keep_the_valid_token_and_mandatory_ones_fail() {
    let env = Env::new(900, |c| c.reissue_fault = Some(ReissueFault::Error)).await;
    let c = env.login().await;
    let before = env.file();
    env.advance(301);
    c.whoami().await.unwrap();
    assert_eq!(env.reissues(), (0, 0, 1));
    assert_eq!(env.file(), before, "unchanged");
    // No new attempt right away (a twentieth of the lifetime), then one more.
    c.whoami().await.unwrap();
    assert_eq!(env.reissues(), (0, 0, 1));
    env.advance(45);
    c.whoami().await.unwrap();
    assert_eq!(env.reissues(), (0, 0, 2));
    // The last minute: renewal is mandatory, and its failure an error.
    env.advance(900 - 301 - 45 - 60);
    let err = c.whoami().await.unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert_eq!(env.file(), before);
}

#[tokio::test]
async fn a_reissue_dropped_after_it_was_applied_is_survived_within_the_grace_period() {
    let env = Env::new(900, |c| {
        c.reissue_fault = Some(ReissueFault::Drop);
        c.reissue_fault_count = Some(1);
        c.reissue_grace = Duration::from_secs(120);
    })
    .await;
    let c = env.login().await;
    let old = token_of(&c).await;
    env.advance(301);
    // The server reissued, the answer was lost: the old token still works for a while.
    c.whoami().await.unwrap();
    assert_eq!(token_of(&c).await, old);
    env.advance(60);
    c.whoami().await.unwrap();
    assert_ne!(token_of(&c).await, old, "renewed with the old token within the grace period");
    assert_eq!(env.reissues().0, 2);
    assert_eq!(env.me_failures(), 0);
}

#[tokio::test]
async fn a_reissue_dropped_after_it_was_applied_without_grace_strands_the_session() {
    let env = Env::new(900, |c| c.reissue_fault = Some(ReissueFault::Drop)).await;
    let c = env.login().await;
    env.advance(301);
    // The documented window: the server exchanged the token but the answer never came.
    let err = c.whoami().await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
}

#[tokio::test]
async fn the_reissue_has_its_own_timeout() {
    let env = Env::new(900, |c| c.reissue_fault = Some(ReissueFault::Hang)).await;
    env.login().await;
    let c = env.client_with({
        let mut t = Timeouts::default();
        t.reissue = Duration::from_millis(200);
        t
    });
    let err = c.reissue_token(None).await.unwrap_err();
    // A POST without an answer may have been applied: said so, never retried.
    assert!(matches!(err, Error::ConnectionLost { .. }), "{err}");
    // Advisory renewal against the hanging server: the call still succeeds.
    env.advance(301);
    c.whoami().await.unwrap();
}

#[tokio::test]
async fn an_advisory_renewal_that_outlasts_the_token_fails_instead_of_using_it() {
    let env = Env::new(900, |c| c.reissue_fault = Some(ReissueFault::Hang)).await;
    env.login().await;
    let mut timeouts = Timeouts::default();
    // Long enough for the mover below to see the pending reissue on a loaded machine (it
    // says so if it does not).
    timeouts.reissue = Duration::from_secs(2);
    let c = env.client_with(timeouts);
    env.advance(301);
    // The token runs out while the advisory reissue hangs: the clock moves once the
    // reissue's temporary file exists (it is created just before the request is sent).
    let sessions = env.store().path().parent().unwrap().to_owned();
    let clock = env.clock.clone();
    let done = Arc::new(AtomicBool::new(false));
    let mover = tokio::spawn({
        let done = done.clone();
        async move {
            let pending = || {
                std::fs::read_dir(&sessions)
                    .unwrap()
                    .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
            };
            while !pending() {
                tokio::time::sleep(Duration::from_millis(5)).await;
                assert!(!done.load(Ordering::SeqCst), "the call ended before its reissue was seen pending");
            }
            clock.advance(Duration::from_secs(900));
        }
    });
    let result = c.whoami().await;
    done.store(true, Ordering::SeqCst);
    mover.await.unwrap();
    let err = result.unwrap_err();
    // The reissue's own failure, not a warning and then a request with a dead token.
    assert!(matches!(err, Error::ConnectionLost { .. }), "{err}");
    assert_eq!(env.emu.stats().get("GET /me").total, 1, "only the login's GET /me");
}

#[tokio::test]
async fn a_fresh_token_never_waits_for_the_lock() {
    let env = Env::new(900, |_| {}).await;
    let c = env.login().await;
    let _held = env.store().lock().await.unwrap();
    // Fresh, and advisory renewal due: neither waits for the lock another process holds.
    c.whoami().await.unwrap();
    env.advance(301);
    c.whoami().await.unwrap();
    assert_eq!(env.reissues(), (0, 0, 0));
}

#[tokio::test]
async fn writes_wait_for_the_lock_at_most_the_timeout_and_name_its_holder() {
    let env = Env::new(900, |_| {}).await;
    env.login().await;
    let c = env.client_with({
        let mut t = Timeouts::default();
        t.lock = Duration::from_millis(100);
        t
    });
    let held = env.store().lock().await.unwrap();
    let err = c.set_account(armor_client::core::AccountId(1001)).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
    assert!(text.contains(&format!("held by process {}", std::process::id())), "{text}");
    drop(held);
    c.set_account(armor_client::core::AccountId(1001)).await.unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn an_unwritable_sessions_dir_fails_before_the_reissue_is_sent() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new(900, |_| {}).await;
    let c = env.login().await;
    let sessions = env.store().path().parent().unwrap().to_owned();
    std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o500)).unwrap();
    if std::fs::write(sessions.join("probe"), b"").is_ok() {
        // Privileged (root ignores the mode): nothing to test here; the CLI test covers it.
        std::fs::remove_file(sessions.join("probe")).unwrap();
        std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o700)).unwrap();
        return;
    }
    let err = c.reissue_token(None).await.unwrap_err();
    assert!(err.to_string().contains("temporary file"), "{err}");
    assert_eq!(env.emu.stats().get("POST /auth/token/reissue").total, 0, "nothing sent");
    std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o700)).unwrap();
    c.reissue_token(None).await.unwrap();
    c.whoami().await.unwrap();
}

/// The real-time run: 64 tasks on one client calling `GET /me` for 10 s while
/// 3-second tokens fall due for renewal every second. Run with `cargo test -p
/// armor-client --test rotation -- --ignored ten_real_seconds --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "10 s of real time; run by hand (see the doc comment)"]
async fn sixty_four_tasks_for_ten_real_seconds() {
    let config = EmulatorConfig {
        token_ttl: Duration::from_secs(3),
        expires_in_unit: TokenUnit::Seconds,
        ..Default::default()
    };
    let emu = Emulator::start(config).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = Client::builder()
        .server(emu.url())
        .store(SessionStore::new(dir.path(), "default").unwrap())
        .build()
        .unwrap();
    client
        .login(EmulatorConfig::DEMO_USERNAME, SecretString::from(EmulatorConfig::DEMO_PASSWORD), None)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let handles: Vec<_> = (0..64)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                let (mut calls, mut failures) = (0u64, Vec::new());
                while started.elapsed() < Duration::from_secs(10) {
                    if let Err(e) = c.get::<Value>("/me").await {
                        failures.push(e.to_string());
                    }
                    calls += 1;
                }
                (calls, failures)
            })
        })
        .collect();
    let (mut calls, mut failures) = (0, Vec::new());
    for h in handles {
        let (c, f) = h.await.unwrap();
        calls += c;
        failures.extend(f);
    }
    let reissue = emu.stats().get("POST /auth/token/reissue");
    let me = emu.stats().get("GET /me");
    eprintln!(
        "{calls} calls, {} failed; reissues ok {} refused {}; GET /me 401s (resent) {}",
        failures.len(),
        reissue.ok,
        reissue.client_error,
        me.client_error
    );
    assert!(failures.is_empty(), "{:?}", &failures[..failures.len().min(3)]);
    // One renewal window per second: at most 10 in 10 s, and none reissued twice (a
    // second reissue of a token would be refused).
    assert!((8..=10).contains(&reissue.ok), "{reissue:?}");
    assert_eq!(reissue.client_error, 0);
}
