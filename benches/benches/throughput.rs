//! Throughput, each figure next to its reference measured in the same run:
//!
//! - the emulator per endpoint class (password login, token reissue, `GET /me`, a
//!   resource list, a signed ARMOR-PSK request) against a minimal axum JSON server, with
//!   the same load generator (32 keep-alive connections);
//! - reissue and signed `GET /vms` over a long run (default 60 s): the first 10 s against
//!   the last 10 s;
//! - the library (64 tasks × `client.vms().list()`, tokens of 4 s so that renewals fall
//!   due every 1.33 s) against raw reqwest with a static token doing the same GET and
//!   decode, in rounds of 2 s taken in turn (2 × `ARMOR_BENCH_SECS` per side in all).
//!
//! `cargo bench -p armor-bench --bench throughput` (env `ARMOR_BENCH_SECS`, default 5,
//! `ARMOR_BENCH_FLAT_SECS`, default 60, 0 to skip, and `ARMOR_BENCH_ONLY`, a comma list of
//! the parts to run: `emulator`, `library`, `flat`). Under `cargo test --benches` it is a
//! smoke run of a few seconds that fails on any failed request.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use armor_bench::load::{self, Report, Scenario};
use armor_bench::servers::Servers;
use armor_bench::{bench_mode, env_secs};
use armor_client::core::infra::Vm;
use armor_client::{Client, SessionStore};
use armor_emulator::{EmulatorConfig, TokenUnit};
use bytes::Bytes;
use hyper::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::SecretString;

/// Settings of one run.
struct Plan {
    secs: f64,
    flat_secs: u64,
    connections: usize,
    tasks: usize,
    /// Rounds of raw reqwest and of the library, in turn, `round_secs` each.
    rounds: usize,
    round_secs: f64,
}

/// The renewal-due emulator's token lifetime; renewal falls due after a third of it.
const SHORT_TTL: Duration = Duration::from_secs(4);

fn main() -> ExitCode {
    let plan = if bench_mode() {
        Plan {
            secs: env_secs("ARMOR_BENCH_SECS", 5.0),
            flat_secs: env_secs("ARMOR_BENCH_FLAT_SECS", 60.0) as u64,
            connections: 32,
            tasks: 64,
            // Short rounds, so that a change in what else the machine runs falls on both sides
            // alike: 2 s each, 2 x ARMOR_BENCH_SECS per side in all.
            rounds: (env_secs("ARMOR_BENCH_SECS", 5.0).round() as usize).max(1),
            round_secs: 2.0,
        }
    } else {
        Plan { secs: 0.3, flat_secs: 1, connections: 4, tasks: 8, rounds: 1, round_secs: 0.3 }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("load runtime");
    let main_emu = EmulatorConfig { keep_old_tokens: true, ..Default::default() };
    let short_emu =
        EmulatorConfig { token_ttl: SHORT_TTL, expires_in_unit: TokenUnit::Seconds, ..Default::default() };
    let servers = Servers::start(vec![main_emu, short_emu], 2);
    let only = std::env::var("ARMOR_BENCH_ONLY").unwrap_or_default();
    const PARTS: [&str; 3] = ["emulator", "library", "flat"];
    if let Some(bad) = only.split(',').map(str::trim).find(|p| !p.is_empty() && !PARTS.contains(p)) {
        eprintln!("error: ARMOR_BENCH_ONLY: unknown part {bad:?} (parts: {})", PARTS.join(", "));
        return ExitCode::FAILURE;
    }
    let runs = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    let failures = rt.block_on(async {
        let mut failures = 0;
        if runs("emulator") {
            failures += emulator_classes(&servers, &plan).await;
        }
        if runs("library") {
            failures += library(&servers, &plan).await;
        }
        if plan.flat_secs > 0 && runs("flat") {
            failures += flat(&servers, &plan).await;
        }
        failures
    });
    drop(servers);
    if failures > 0 {
        eprintln!("{failures} failed requests");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn scenarios(token: &str) -> Vec<(&'static str, Scenario)> {
    let bearer = |t: &str| HeaderValue::from_str(&format!("FH-AUTH {t}")).expect("header");
    let account = (HeaderName::from_static("x-account-context"), HeaderValue::from_static("1000"));
    let reissue = serde_json::json!({ "token": token }).to_string();
    vec![
        (
            "auth: POST /auth/authorize + /auth/token",
            Scenario::Login {
                username: EmulatorConfig::DEMO_USERNAME.into(),
                password: EmulatorConfig::DEMO_PASSWORD.into(),
            },
        ),
        (
            "reissue: POST /auth/token/reissue",
            Scenario::Post { path: "/auth/token/reissue".into(), body: Bytes::from(reissue) },
        ),
        ("GET /me", Scenario::Get { path: "/me".into(), headers: vec![(AUTHORIZATION, bearer(token))] }),
        (
            "resource list: GET /vms",
            Scenario::Get { path: "/vms".into(), headers: vec![(AUTHORIZATION, bearer(token)), account] },
        ),
        ("signed PSK: GET /vms", psk_vms()),
    ]
}

fn psk_vms() -> Scenario {
    Scenario::PskGet {
        path: "/vms".into(),
        account: 1000,
        key_id: EmulatorConfig::DEMO_API_KEY_ID.into(),
        secret: EmulatorConfig::DEMO_API_KEY_SECRET.into(),
    }
}

fn minimal() -> Scenario {
    Scenario::Get { path: "/".into(), headers: Vec::new() }
}

fn line(what: &str, r: &Report, reference: Option<f64>) {
    let ratio = reference.map_or(String::new(), |base| format!("{:>6.0}%", 100.0 * r.rate() / base));
    println!("  {what:<44} {:>9.0} req/s {ratio}  ({} failed)", r.rate(), r.failed);
}

/// Every endpoint class, between two runs of the minimal server.
async fn emulator_classes(servers: &Servers, plan: &Plan) -> u64 {
    let emu = servers.emulators[0];
    let d = Duration::from_secs_f64(plan.secs);
    let token = load::login_token(emu, EmulatorConfig::DEMO_USERNAME, EmulatorConfig::DEMO_PASSWORD).await;
    println!(
        "emulator vs minimal axum JSON server ({} connections, {:.0} s each):",
        plan.connections, plan.secs
    );
    let before = load::run(servers.minimal, minimal(), plan.connections, d).await;
    let mut results = Vec::new();
    for (what, scenario) in scenarios(&token) {
        results.push((what, load::run(emu, scenario, plan.connections, d).await));
    }
    let after = load::run(servers.minimal, minimal(), plan.connections, d).await;
    let base = (before.rate() + after.rate()) / 2.0;
    line("minimal axum (before)", &before, None);
    line("minimal axum (after)", &after, None);
    let mut failed = before.failed + after.failed;
    for (what, r) in &results {
        line(what, r, Some(base));
        failed += r.failed + u64::from(r.ok == 0);
    }
    failed
}

/// Reissue and signed `GET /vms` over a long run: the first 10 s against the last. The
/// run alternates 2 s of the endpoint with 0.5 s of the minimal server, so that a change
/// in what else the machine runs shows in the reference too: besides the raw rates, the
/// ratio to the reference of the same window is compared.
async fn flat(servers: &Servers, plan: &Plan) -> u64 {
    let emu = servers.emulators[0];
    let token = load::login_token(emu, EmulatorConfig::DEMO_USERNAME, EmulatorConfig::DEMO_PASSWORD).await;
    let chunk = Duration::from_secs(2).min(Duration::from_secs(plan.flat_secs));
    let probe = chunk / 4;
    let chunks = (plan.flat_secs / chunk.as_secs()).max(1) as usize;
    let window = (10 / chunk.as_secs() as usize).clamp(1, chunks);
    println!(
        "flatness over {} s (first 10 s vs last 10 s; reference: minimal server between 2 s chunks):",
        plan.flat_secs
    );
    let reissue = serde_json::json!({ "token": token }).to_string();
    let mut failed = 0;
    for (what, scenario) in [
        (
            "reissue (old tokens kept)",
            Scenario::Post { path: "/auth/token/reissue".into(), body: reissue.into() },
        ),
        ("signed PSK GET /vms", psk_vms()),
    ] {
        let mut rates = Vec::new();
        for _ in 0..chunks {
            let r = load::run(emu, scenario.clone(), plan.connections, chunk).await;
            let m = load::run(servers.minimal, minimal(), plan.connections, probe).await;
            failed += r.failed + m.failed + u64::from(r.ok == 0);
            rates.push((r.rate(), m.rate()));
        }
        let sum = |w: &[(f64, f64)]| w.iter().fold((0.0, 0.0), |(a, b), (r, m)| (a + r, b + m));
        let (first, first_ref) = sum(&rates[..window]);
        let (last, last_ref) = sum(&rates[chunks - window..]);
        let n = window as f64;
        let (first_ratio, last_ratio) = (first / first_ref.max(1.0), last / last_ref.max(1.0));
        println!(
            "  {what:<28} first {:>7.0} req/s ({:>3.0}% of ref), last {:>7.0} req/s ({:>3.0}% of ref): raw {:+.1}%, vs ref {:+.1}%",
            first / n,
            100.0 * first_ratio,
            last / n,
            100.0 * last_ratio,
            100.0 * (last - first) / first.max(1.0),
            100.0 * (last_ratio - first_ratio) / first_ratio.max(1e-9),
        );
    }
    failed
}

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    failed: AtomicU64,
}

/// Runs `tasks` tasks of `call` for `d`; returns (requests per second, failed).
async fn tasks<F, Fut>(n: usize, d: Duration, call: F) -> (f64, u64)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let call = Arc::new(call);
    let tally = Arc::new(Tally::default());
    let start = Instant::now();
    let deadline = start + d;
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (call, tally) = (call.clone(), tally.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let counter = if call().await { &tally.ok } else { &tally.failed };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("task");
    }
    let elapsed = start.elapsed().as_secs_f64();
    (tally.ok.load(Ordering::Relaxed) as f64 / elapsed, tally.failed.load(Ordering::Relaxed))
}

/// Raw reqwest: one client, a static token, the same GET and decode as the library.
async fn raw_reqwest(emu: SocketAddr, n: usize, d: Duration) -> (f64, u64) {
    let token = load::login_token(emu, EmulatorConfig::DEMO_USERNAME, EmulatorConfig::DEMO_PASSWORD).await;
    let auth = HeaderValue::from_str(&format!("FH-AUTH {token}")).expect("header");
    let client = reqwest::Client::new();
    let url = format!("http://{emu}/vms");
    tasks(n, d, move || {
        let req = client
            .get(&url)
            .header(AUTHORIZATION, auth.clone())
            .header("X-Account-Context", "1000")
            .header(reqwest::header::ACCEPT, "application/json");
        async move {
            let Ok(resp) = req.send().await else { return false };
            if !resp.status().is_success() {
                return false;
            }
            let Ok(body) = resp.bytes().await else { return false };
            serde_json::from_slice::<Vec<Vm>>(&body).is_ok()
        }
    })
    .await
}

/// The library: a stored session whose token falls due for renewal every 1.33 s.
/// Returns (requests per second, failed, renewal windows passed).
async fn library_run(emu: SocketAddr, n: usize, d: Duration) -> (f64, u64, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SessionStore::new(dir.path(), "default").expect("store");
    let client =
        Client::builder().server(format!("http://{emu}")).store(store).build().expect("library client");
    let password = SecretString::from(EmulatorConfig::DEMO_PASSWORD);
    client.login(EmulatorConfig::DEMO_USERNAME, password, None).await.expect("login");
    let logged_in = Instant::now();
    let c = client.clone();
    let (rate, failed) = tasks(n, d, move || {
        let c = c.clone();
        async move { c.vms().list().await.is_ok() }
    })
    .await;
    let interval = SHORT_TTL.as_secs_f64() / 3.0;
    let windows = (logged_in.elapsed().as_secs_f64() / interval) as u64;
    drop(dir);
    (rate, failed, windows)
}

fn reissues(servers: &Servers) -> u64 {
    servers.stats().get(1).map_or(0, |s| s.get("POST /auth/token/reissue").ok)
}

/// Library against raw reqwest, in short rounds taken in turn.
async fn library(servers: &Servers, plan: &Plan) -> u64 {
    let d = Duration::from_secs_f64(plan.round_secs);
    let n = plan.tasks;
    println!(
        "library vs raw reqwest ({n} tasks x GET /vms + decode; {} rounds of {:.0} s each, in turn):",
        plan.rounds, plan.round_secs
    );
    let (mut raw, mut lib, mut failed, mut windows) = (0.0, 0.0, 0, 0);
    let mut ratios = Vec::new();
    let before = reissues(servers);
    for round in 1..=plan.rounds {
        // The long-lived token's emulator: the static token stays valid.
        let (r, raw_failed) = raw_reqwest(servers.emulators[0], n, d).await;
        let (l, lib_failed, w) = library_run(servers.emulators[1], n, d).await;
        println!(
            "  round {round}: raw reqwest (static token) {r:>7.0} req/s, armor-client (renewals due) {l:>7.0} req/s: {:>3.0}%  ({} failed)",
            100.0 * l / r.max(1.0),
            raw_failed + lib_failed
        );
        (raw, lib, windows) = (raw + r, lib + l, windows + w);
        ratios.push(l / r.max(1.0));
        failed += raw_failed + lib_failed;
    }
    let renewed = reissues(servers) - before;
    ratios.sort_by(f64::total_cmp);
    println!(
        "  library / raw reqwest: {:.0}% (median round {:.0}%); reissues {renewed}, renewal windows passed {windows}",
        100.0 * lib / raw.max(1.0),
        100.0 * ratios[ratios.len() / 2]
    );
    failed
}
