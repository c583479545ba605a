//! What a hostile client cannot do to the emulator (grow its memory, starve it of
//! connections), and fault injection.

use std::time::Duration;

use armor_emulator::{Emulator, EmulatorConfig, FaultRule};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn start(tweak: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig::default();
    tweak(&mut config);
    Emulator::start(config).await.unwrap()
}

/// Sends raw bytes and reads until the server closes (or 5 s pass).
async fn raw(emu: &Emulator, request: &[u8]) -> String {
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn unknown_methods_share_one_stats_key() {
    let emu = start(|_| {}).await;
    for i in 0..50 {
        let method = format!("M{i}{}", "X".repeat(2000));
        let answer =
            raw(&emu, format!("{method} /vms HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
                .await;
        assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    }
    let stats = emu.stats();
    assert!(stats.endpoints.len() <= 2, "{:?}", stats.endpoints.keys().collect::<Vec<_>>());
    assert!(stats.endpoints.keys().all(|k| k.starts_with("OTHER ")), "{stats:?}");
    assert_eq!(stats.endpoints.values().map(|e| e.total).sum::<u64>(), 50);
    emu.stop().await;
}

#[tokio::test]
async fn echoed_text_is_truncated() {
    let emu = start(|_| {}).await;
    let long = "a".repeat(5000);
    let body: Value = reqwest::get(format!("{}/{long}", emu.url())).await.unwrap().json().await.unwrap();
    let text = body.to_string();
    assert!(text.contains("no such endpoint") && text.len() < 600, "{text}");
    emu.stop().await;
}

#[tokio::test]
async fn slow_headers_are_timed_out() {
    let emu = start(|c| c.header_timeout = Duration::from_millis(200)).await;
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(b"GET /_emulator/stats HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was closed");
    emu.stop().await;
}

#[tokio::test]
async fn idle_connections_cannot_starve_requests() {
    let emu = start(|c| c.max_connections = 8).await;
    let mut idle = Vec::new();
    for i in 0..40 {
        let mut s = TcpStream::connect(emu.addr()).await.unwrap();
        if i % 2 == 0 {
            s.write_all(b"GET /me HTTP/1.1\r\nHo").await.unwrap();
        }
        idle.push(s);
    }
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    for _ in 0..3 {
        let resp = http.get(format!("{}/_emulator/stats", emu.url())).send().await.unwrap();
        assert_eq!(resp.status(), 200);
    }
    drop(idle);
    emu.stop().await;
}

#[tokio::test]
async fn bodies_that_never_arrive_cannot_starve_requests() {
    // Requests whose headers came but whose bodies never do (with a token and with an
    // ARMOR-PSK header, whose body is read to check the signature): each is answered
    // within the timeout and its connection no longer counts as busy.
    let emu = start(|c| {
        c.max_connections = 4;
        c.header_timeout = Duration::from_millis(300);
    })
    .await;
    let psk = format!(
        "ARMOR-PSK {}:c2ln:nonce1:{}",
        EmulatorConfig::DEMO_API_KEY_ID,
        jiff::Timestamp::now().as_second()
    );
    let mut stuck = Vec::new();
    for i in 0..8 {
        let mut s = TcpStream::connect(emu.addr()).await.unwrap();
        let head = if i % 2 == 0 {
            "POST /auth/authorize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n".to_owned()
        } else {
            format!(
                "PUT /vms/2001 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: {psk}\r\n"
            )
        };
        s.write_all(format!("{head}Content-Length: 100\r\n\r\n{{").as_bytes()).await.unwrap();
        stuck.push(s);
    }
    for s in &mut stuck[..2] {
        let mut buf = [0u8; 256];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await.unwrap().unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    for _ in 0..3 {
        let resp = http.get(format!("{}/_emulator/stats", emu.url())).send().await.unwrap();
        assert_eq!(resp.status(), 200);
    }
    drop(stuck);
    emu.stop().await;
}

#[tokio::test]
async fn faults_are_injected_and_counted() {
    let rules = [
        "GET /locations=429:1",
        "GET /vms=500:1",
        "POST /auth/token=reset:1",
        "GET /_emulator/stats=delay:50:1",
    ];
    let emu = start(|c| c.faults = rules.iter().map(|r| r.parse::<FaultRule>().unwrap()).collect()).await;
    let http = reqwest::Client::new();
    let resp = http.get(format!("{}/locations", emu.url())).send().await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "1");
    let resp = http.get(format!("{}/vms", emu.url())).send().await.unwrap();
    assert_eq!(resp.status(), 500);
    let err = http.post(format!("{}/auth/token", emu.url())).body("{}").send().await.unwrap_err();
    assert!(!err.is_timeout(), "{err}");
    assert_eq!(http.get(format!("{}/_emulator/stats", emu.url())).send().await.unwrap().status(), 200);
    let stats: Value =
        http.get(format!("{}/_emulator/stats", emu.url())).send().await.unwrap().json().await.unwrap();
    for (rule, n) in [
        ("GET /locations=429", 1),
        ("GET /vms=500", 1),
        ("POST /auth/token=reset", 1),
        ("GET /_emulator/stats=delay:50", 2),
    ] {
        assert_eq!(stats["faults"][rule], n, "{rule}: {stats}");
    }
    // Faults answer before routing: the endpoints never saw those requests.
    assert!(stats["endpoints"].get("GET /vms").is_none(), "{stats}");
    emu.stop().await;
}
