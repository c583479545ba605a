//! `load URL CLASS SECONDS [CONNECTIONS]`: drives an emulator running in another process
//! (e.g. `armor emulator`) with one endpoint class — `auth`, `reissue` (needs
//! `--keep-old-tokens`), `me`, `vms`, `psk` — and prints `CLASS REQUESTS RATE FAILED`.
//! Used by `scripts/bench` for the emulator's memory after a million requests.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use armor_bench::load::{self, Scenario};
use armor_emulator::EmulatorConfig;
use bytes::Bytes;
use hyper::header::{AUTHORIZATION, HeaderName, HeaderValue};

fn usage() -> ExitCode {
    eprintln!("usage: load http://127.0.0.1:PORT auth|reissue|me|vms|psk SECONDS [CONNECTIONS]");
    ExitCode::from(2)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(url), Some(class), Some(secs)) = (args.first(), args.get(1), args.get(2)) else {
        return usage();
    };
    let Ok(addr) = url.trim_start_matches("http://").trim_end_matches('/').parse::<SocketAddr>() else {
        return usage();
    };
    let Ok(secs) = secs.parse::<f64>() else { return usage() };
    let connections = args.get(3).and_then(|c| c.parse().ok()).unwrap_or(32);
    let (user, password) = (EmulatorConfig::DEMO_USERNAME, EmulatorConfig::DEMO_PASSWORD);
    let bearer = || async {
        let token = load::login_token(addr, user, password).await;
        (token.clone(), HeaderValue::from_str(&format!("FH-AUTH {token}")).expect("header"))
    };
    let account = (HeaderName::from_static("x-account-context"), HeaderValue::from_static("1000"));
    let scenario = match class.as_str() {
        "auth" => Scenario::Login { username: user.into(), password: password.into() },
        "reissue" => {
            let (token, _) = bearer().await;
            let body = serde_json::json!({ "token": token }).to_string();
            Scenario::Post { path: "/auth/token/reissue".into(), body: Bytes::from(body) }
        }
        "me" => Scenario::Get { path: "/me".into(), headers: vec![(AUTHORIZATION, bearer().await.1)] },
        "vms" => {
            Scenario::Get { path: "/vms".into(), headers: vec![(AUTHORIZATION, bearer().await.1), account] }
        }
        "psk" => Scenario::PskGet {
            path: "/vms".into(),
            account: 1000,
            key_id: EmulatorConfig::DEMO_API_KEY_ID.into(),
            secret: EmulatorConfig::DEMO_API_KEY_SECRET.into(),
        },
        _ => return usage(),
    };
    let r = load::run(addr, scenario, connections, Duration::from_secs_f64(secs)).await;
    println!("{class} {} {:.0} {}", r.ok, r.rate(), r.failed);
    if r.failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
