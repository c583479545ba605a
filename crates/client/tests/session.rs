//! The session lifecycle against a real emulator on an ephemeral loopback port, with one
//! manual clock shared by client and emulator: time advances, nobody sleeps.

use std::sync::Arc;
use std::time::Duration;

use armor_client::core::{AccessToken, AccountId, Clock, ManualClock};
use armor_client::{Client, Error, ErrorKind, SessionStore};
use armor_emulator::{Emulator, EmulatorConfig};
use jiff::Timestamp;
use secrecy::SecretString;

struct Env {
    emu: Emulator,
    clock: ManualClock,
    dir: tempfile::TempDir,
}

impl Env {
    async fn new() -> Env {
        let clock = ManualClock::new(Timestamp::from_second(1_800_000_000).unwrap());
        let config = EmulatorConfig { clock: Arc::new(clock.clone()), ..Default::default() };
        let emu = Emulator::start(config).await.unwrap();
        Env { emu, clock, dir: tempfile::tempdir().unwrap() }
    }

    fn client(&self) -> Client {
        self.client_for("default")
    }

    fn client_for(&self, profile: &str) -> Client {
        Client::builder()
            .server(self.emu.url())
            .store(SessionStore::new(self.dir.path(), profile).unwrap())
            .clock(Arc::new(self.clock.clone()))
            .build()
            .unwrap()
    }

    async fn login(&self) -> Client {
        let c = self.client();
        c.login(EmulatorConfig::DEMO_USERNAME, password(), None).await.unwrap();
        c
    }

    fn reissues(&self) -> (u64, u64) {
        let s = self.emu.stats().get("POST /auth/token/reissue");
        (s.ok, s.client_error)
    }

    fn file(&self, profile: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join("sessions").join(format!("{profile}.json"))).unwrap()
    }
}

fn password() -> SecretString {
    SecretString::from(EmulatorConfig::DEMO_PASSWORD)
}

#[tokio::test]
async fn login_stores_a_session_with_the_first_account() {
    let env = Env::new().await;
    let c = env.login().await;
    let s = c.session().await.unwrap();
    assert_eq!(s.user.username, EmulatorConfig::DEMO_USERNAME);
    assert_eq!(s.account_id, Some(AccountId(1000)));
    assert!(s.accounts.len() >= 3);
    assert_eq!(s.token().unwrap().length(), Duration::from_secs(900), "15 minutes read by the auto rule");
    assert_eq!(s.token().unwrap().started_at, env.clock.now());
    assert_eq!(s.token().unwrap().expires_at.as_second(), env.clock.now().as_second() + 900);
    assert!(!s.departments.is_empty() && s.permissions.is_object() && !s.features.is_empty());
    // A second client (another process) sees the same session.
    assert_eq!(env.client().session().await.unwrap(), s);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let store = c.store().unwrap();
        assert_eq!(mode(&store.path()), 0o600);
        assert_eq!(mode(store.path().parent().unwrap()), 0o700);
    }
}

#[tokio::test]
async fn login_with_an_account_context() {
    let env = Env::new().await;
    let c = env.client();
    let s = c.login(EmulatorConfig::DEMO_USERNAME, password(), Some(AccountId(1002))).await.unwrap();
    assert_eq!(s.account_id, Some(AccountId(1002)));
    let err = c.login(EmulatorConfig::DEMO_USERNAME, password(), Some(AccountId(7))).await.unwrap_err();
    assert!(matches!(err, Error::UnknownAccount { .. }), "{err}");
    assert!(err.to_string().contains("1000, 1001, 1002"), "{err}");
}

#[tokio::test]
async fn wrong_password_is_an_api_error_and_stores_nothing() {
    let env = Env::new().await;
    let c = env.client();
    let err = c.login(EmulatorConfig::DEMO_USERNAME, "nope".into(), None).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("credentials are invalid"), "{err}");
    assert!(matches!(c.session().await, Err(Error::NoSession { .. })));
}

#[tokio::test]
async fn reissue_updates_token_and_expiry_but_keeps_the_start() {
    let env = Env::new().await;
    let c = env.login().await;
    let before = c.session().await.unwrap();
    env.clock.advance(Duration::from_secs(120));
    let after = c.reissue_token(None).await.unwrap();
    assert_ne!(after.token().unwrap().access_token, before.token().unwrap().access_token);
    assert_eq!(after.token().unwrap().started_at, before.token().unwrap().started_at);
    assert_eq!(
        after.token().unwrap().expires_at.as_second(),
        before.token().unwrap().expires_at.as_second() + 120
    );
    assert_eq!(env.reissues(), (1, 0));
    assert_eq!(env.client().session().await.unwrap(), after, "persisted");
}

#[tokio::test]
async fn failed_reissue_leaves_the_session_byte_for_byte() {
    let env = Env::new().await;
    let c = env.login().await;
    let before = env.file("default");
    // A token the server does not know: 401.
    let stranger = AccessToken::parse("0123456789abcdef0123456789abcdef").unwrap();
    let err = c.reissue_token(Some(stranger)).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(env.file("default"), before);
    // The server down: unreachable.
    let Env { emu, dir, .. } = env;
    emu.stop().await;
    let err = c.reissue_token(None).await.unwrap_err();
    assert!(matches!(err, Error::Unreachable { .. }), "{err}");
    assert_eq!(std::fs::read(dir.path().join("sessions/default.json")).unwrap(), before);
}

#[tokio::test]
async fn fresh_sessions_are_not_renewed() {
    let env = Env::new().await;
    let c = env.login().await;
    env.clock.advance(Duration::from_secs(299));
    c.whoami().await.unwrap();
    assert_eq!(env.reissues(), (0, 0));
}

#[tokio::test]
async fn a_call_after_a_third_of_the_lifetime_reissues_once() {
    let env = Env::new().await;
    let c = env.login().await;
    let old = c.session().await.unwrap().token().unwrap().access_token.clone();
    env.clock.advance(Duration::from_secs(301));
    c.whoami().await.unwrap();
    c.whoami().await.unwrap();
    assert_eq!(env.reissues(), (1, 0));
    assert_ne!(c.session().await.unwrap().token().unwrap().access_token, old);
}

#[tokio::test]
async fn concurrent_callers_in_one_process_share_one_reissue() {
    let env = Env::new().await;
    let c = env.login().await;
    let old = c.session().await.unwrap().token().unwrap().access_token.clone();
    env.clock.advance(Duration::from_secs(400));
    let calls: Vec<_> = (0..12)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(
                async move { c.ensure_fresh().await.map(|s| s.token().unwrap().access_token.clone()) },
            )
        })
        .collect();
    let mut tokens = Vec::new();
    for call in calls {
        tokens.push(call.await.unwrap().unwrap());
    }
    // Renewal is advisory here: callers that find it in progress go on with the old,
    // still valid token instead of waiting.
    let new = c.session().await.unwrap().token().unwrap().access_token.clone();
    assert_ne!(new, old);
    assert!(tokens.iter().all(|t| *t == old || *t == new));
    assert_eq!(env.reissues(), (1, 0));
}

#[tokio::test]
async fn separate_clients_of_one_profile_reissue_once() {
    let env = Env::new().await;
    env.login().await;
    env.clock.advance(Duration::from_secs(400));
    // Each client read the (due) session when built, like separate processes would.
    let clients: Vec<Client> = (0..8).map(|_| env.client()).collect();
    let calls: Vec<_> = clients.into_iter().map(|c| tokio::spawn(async move { c.whoami().await })).collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(env.reissues(), (1, 0));
}

#[tokio::test]
async fn an_expired_session_is_removed_with_its_expiry_time() {
    let env = Env::new().await;
    let c = env.login().await;
    let expires_at = c.session().await.unwrap().token().unwrap().expires_at;
    env.clock.advance(Duration::from_secs(900));
    let err = c.whoami().await.unwrap_err();
    match &err {
        Error::SessionExpired { expired_at } => assert_eq!(*expired_at, expires_at),
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains(&expires_at.to_string()), "{err}");
    assert!(!c.store().unwrap().path().exists());
    assert!(matches!(c.whoami().await, Err(Error::NoSession { .. })));
    assert_eq!(env.reissues(), (0, 0));
}

#[tokio::test]
async fn account_context_is_validated_and_persisted() {
    let env = Env::new().await;
    let c = env.login().await;
    c.set_account(AccountId(1001)).await.unwrap();
    assert_eq!(env.client().session().await.unwrap().account_id, Some(AccountId(1001)));
    let err = c.set_account(AccountId(55)).await.unwrap_err();
    assert!(err.to_string().contains("1000, 1001, 1002"), "{err}");
    assert_eq!(env.client().session().await.unwrap().account_id, Some(AccountId(1001)));
}

#[tokio::test]
async fn profiles_are_separate() {
    let env = Env::new().await;
    env.login().await;
    assert!(matches!(env.client_for("other").session().await, Err(Error::NoSession { .. })));
    assert!(env.client().logout().await.unwrap());
    assert!(!env.client().logout().await.unwrap());
}

#[tokio::test]
async fn a_different_server_than_the_sessions_is_refused() {
    let env = Env::new().await;
    env.login().await;
    let err = Client::builder()
        .server("http://127.0.0.1:9")
        .store(SessionStore::new(env.dir.path(), "default").unwrap())
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::ServerMismatch { .. }), "{err}");
}

#[tokio::test]
async fn corrupt_session_files_are_reported() {
    let env = Env::new().await;
    let c = env.login().await;
    let path = c.store().unwrap().path();
    let full = std::fs::read(&path).unwrap();
    std::fs::write(&path, &full[..full.len() / 2]).unwrap();
    let err = env.client().whoami().await.unwrap_err();
    assert!(matches!(err, Error::CorruptSession { .. }), "{err}");
    // Login replaces it.
    env.login().await;
}

#[tokio::test]
async fn memory_only_clients_work_without_a_store() {
    let env = Env::new().await;
    let c = Client::builder().server(env.emu.url()).clock(Arc::new(env.clock.clone())).build().unwrap();
    c.login(EmulatorConfig::DEMO_USERNAME, password(), None).await.unwrap();
    env.clock.advance(Duration::from_secs(400));
    c.whoami().await.unwrap();
    assert_eq!(env.reissues(), (1, 0));
    assert!(!env.dir.path().join("sessions").exists());
}

#[tokio::test]
async fn concurrent_resource_calls_with_renewal_due_share_one_reissue() {
    let env = Env::new().await;
    let c = env.login().await;
    env.clock.advance(Duration::from_secs(400));
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.vms().list().await.map(|v| v.len()) })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().unwrap() > 0);
    }
    // Advisory renewal never waits: a call that went out with the old token just before
    // the reissue got 401 and was resent once with the new one (see the rotation tests).
    assert_eq!(env.reissues(), (1, 0));
    let vms = env.emu.stats().get("GET /vms");
    assert_eq!(vms.ok, 16, "one success per call");
    assert!(vms.client_error <= 16, "at most one resend per call: {vms:?}");
}

#[tokio::test]
async fn requests_after_an_explicit_reissue_use_the_new_token() {
    // The emulator invalidates the old token: a request still holding it would get 401.
    let env = Env::new().await;
    let c = env.login().await;
    c.vms().list().await.unwrap();
    let renewed = c.reissue_token(None).await.unwrap();
    c.vms().list().await.unwrap();
    c.set_account(AccountId(1001)).await.unwrap();
    c.vms().list().await.unwrap();
    assert_eq!(c.ensure_fresh().await.unwrap().token(), renewed.token());
    assert_eq!(env.emu.stats().get("GET /vms").client_error, 0);
}
