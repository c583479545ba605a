//! Real HTTP against an emulator on an ephemeral loopback port.

use std::sync::Arc;
use std::time::Duration;

use armor_core::ManualClock;
use armor_emulator::{Emulator, EmulatorConfig, TokenUnit};
use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::{Value, json};

const USER: &str = EmulatorConfig::DEMO_USERNAME;
const PASS: &str = EmulatorConfig::DEMO_PASSWORD;

struct Env {
    emu: Emulator,
    http: reqwest::Client,
    clock: ManualClock,
}

impl Env {
    async fn new() -> Env {
        Self::with(|_| {}).await
    }

    async fn with(tweak: impl FnOnce(&mut EmulatorConfig)) -> Env {
        let clock = ManualClock::new(Timestamp::from_second(1_800_000_000).unwrap());
        let mut config = EmulatorConfig { clock: Arc::new(clock.clone()), ..Default::default() };
        tweak(&mut config);
        let emu = Emulator::start(config).await.expect("emulator starts");
        Env { emu, http: reqwest::Client::new(), clock }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.emu.url(), path)
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self.http.post(self.url(path)).json(&body).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str, token: Option<&str>, account: Option<&str>) -> (StatusCode, Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.header("Authorization", format!("FH-AUTH {t}"));
        }
        if let Some(a) = account {
            req = req.header("X-Account-Context", a);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn code(&self) -> String {
        let (s, body) = self.post("/auth/authorize", json!({"username": USER, "password": PASS})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        body["code"].as_str().unwrap().to_owned()
    }

    async fn login(&self) -> String {
        let code = self.code().await;
        let (s, body) =
            self.post("/auth/token", json!({"code": code, "grant_type": "authorization_code"})).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    async fn reissue(&self, token: &str) -> (StatusCode, Value) {
        self.post("/auth/token/reissue", json!({"token": token})).await
    }

    async fn stats(&self) -> Value {
        self.get("/_emulator/stats", None, None).await.1
    }
}

fn assert_auth_error(body: &Value, status: u16) {
    assert!(body["error"].is_string(), "{body}");
    assert!(body["error_description"].is_string(), "{body}");
    assert_eq!(body["status"], status, "{body}");
}

fn is_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[tokio::test]
async fn authorize_returns_a_code() {
    let env = Env::new().await;
    let (s, body) = env.post("/auth/authorize", json!({"username": USER, "password": PASS})).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body["code"].as_str().is_some_and(|c| !c.is_empty()));
    assert_eq!(body["success"], true);
    assert_eq!(body["redirect_uri"], Value::Null);
}

#[tokio::test]
async fn authorize_rejects_wrong_credentials_then_rate_limits() {
    let env = Env::with(|c| c.max_failed_logins = 3).await;
    for _ in 0..3 {
        let (s, body) = env.post("/auth/authorize", json!({"username": USER, "password": "nope"})).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_auth_error(&body, 401);
        assert_eq!(body["error"], "invalid_credentials");
    }
    let (s, body) = env.post("/auth/authorize", json!({"username": USER, "password": PASS})).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_auth_error(&body, 429);
    // Other usernames are not affected; the limit lifts after a minute.
    let (s, _) = env.post("/auth/authorize", json!({"username": "x@y.z", "password": "a"})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    env.clock.advance(Duration::from_secs(61));
    env.code().await;
}

#[tokio::test]
async fn token_exchange_gives_a_32_hex_token_in_minutes() {
    let env = Env::new().await;
    let code = env.code().await;
    let (s, body) = env.post("/auth/token", json!({"code": code, "grant_type": "authorization_code"})).await;
    assert_eq!(s, StatusCode::OK);
    assert!(is_token(body["access_token"].as_str().unwrap()), "{body}");
    assert!(body["id_token"].is_string());
    assert_eq!(body["expires_in"], 15);
    assert_eq!(body["token_type"], "Bearer");
}

#[tokio::test]
async fn expires_in_can_be_seconds() {
    let env = Env::with(|c| {
        c.expires_in_unit = TokenUnit::Seconds;
        c.token_ttl = Duration::from_secs(7);
    })
    .await;
    let code = env.code().await;
    let (_, body) = env.post("/auth/token", json!({"code": code, "grant_type": "authorization_code"})).await;
    assert_eq!(body["expires_in"], 7);
    assert_eq!(body["token_type"], "FH-AUTH");
}

#[tokio::test]
async fn a_code_works_once() {
    let env = Env::new().await;
    let code = env.code().await;
    let req = json!({"code": code, "grant_type": "authorization_code"});
    assert_eq!(env.post("/auth/token", req.clone()).await.0, StatusCode::OK);
    let (s, body) = env.post("/auth/token", req).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_auth_error(&body, 400);
}

#[tokio::test]
async fn a_code_expires() {
    let env = Env::new().await;
    let code = env.code().await;
    env.clock.advance(Duration::from_secs(120));
    let (s, _) = env.post("/auth/token", json!({"code": code, "grant_type": "authorization_code"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_code_within_its_ttl_works() {
    let env = Env::with(|c| c.code_ttl = Duration::from_secs(10)).await;
    let code = env.code().await;
    env.clock.advance(Duration::from_secs(9));
    let (s, _) = env.post("/auth/token", json!({"code": code, "grant_type": "authorization_code"})).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn token_rejects_unknown_codes_and_other_grant_types() {
    let env = Env::new().await;
    let (s, body) =
        env.post("/auth/token", json!({"code": "nope", "grant_type": "authorization_code"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let code = env.code().await;
    let (s, body) = env.post("/auth/token", json!({"code": code, "grant_type": "password"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn reissue_invalidates_the_old_token() {
    let env = Env::new().await;
    let old = env.login().await;
    let (s, body) = env.reissue(&old).await;
    assert_eq!(s, StatusCode::OK);
    let new = body["access_token"].as_str().unwrap().to_owned();
    assert!(is_token(&new) && new != old);
    assert_eq!(body["expires_in"], 15);
    assert_eq!(env.get("/me", Some(&old), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(env.get("/me", Some(&new), None).await.0, StatusCode::OK);
    let (s, body) = env.reissue(&old).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_auth_error(&body, 401);
}

#[tokio::test]
async fn reissue_can_keep_old_tokens() {
    let env = Env::with(|c| c.keep_old_tokens = true).await;
    let old = env.login().await;
    assert_eq!(env.reissue(&old).await.0, StatusCode::OK);
    assert_eq!(env.get("/me", Some(&old), None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn reissue_grace_keeps_the_old_token_for_a_while() {
    let env = Env::with(|c| c.reissue_grace = Duration::from_secs(30)).await;
    let old = env.login().await;
    let new = env.reissue(&old).await.1["access_token"].as_str().unwrap().to_owned();
    env.clock.advance(Duration::from_secs(29));
    assert_eq!(env.get("/me", Some(&old), None).await.0, StatusCode::OK);
    assert_eq!(env.get("/me", Some(&new), None).await.0, StatusCode::OK);
    env.clock.advance(Duration::from_secs(1));
    assert_eq!(env.get("/me", Some(&old), None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn reissue_faults() {
    use armor_emulator::ReissueFault;
    // Drop: applied (the old token is dead), but no answer.
    let env = Env::with(|c| c.reissue_fault = Some(ReissueFault::Drop)).await;
    let old = env.login().await;
    let sent = env.http.post(env.url("/auth/token/reissue")).json(&json!({"token": old})).send().await;
    let answered = match sent {
        Ok(r) => r.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!answered, "the connection was dropped");
    assert_eq!(env.get("/me", Some(&old), None).await.0, StatusCode::UNAUTHORIZED);
    // Error, twice only: 500 and nothing reissued, then normal again.
    let env = Env::with(|c| {
        c.reissue_fault = Some(ReissueFault::Error);
        c.reissue_fault_count = Some(2);
    })
    .await;
    let old = env.login().await;
    for _ in 0..2 {
        assert_eq!(env.reissue(&old).await.0, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(env.get("/me", Some(&old), None).await.0, StatusCode::OK);
    }
    assert_eq!(env.reissue(&old).await.0, StatusCode::OK);
    // Hang: no answer until the emulator stops, and stopping does not wait forever.
    let env = Env::with(|c| c.reissue_fault = Some(ReissueFault::Hang)).await;
    let old = env.login().await;
    let hung = env.http.post(env.url("/auth/token/reissue")).json(&json!({"token": old})).send();
    let hung = tokio::spawn(hung);
    // The server has it (the fault is counted before it takes effect) ...
    while !env.emu.stats().faults.contains_key("reissue-fault=hang") {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // ... and holds it.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!hung.is_finished());
    assert_eq!(env.emu.stats().faults["reissue-fault=hang"], 1);
    env.emu.stop().await;
    let answer = hung.await.unwrap().unwrap();
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE, "answered when the emulator stops");
}

#[tokio::test]
async fn reissue_rejects_unknown_and_expired_tokens() {
    let env = Env::new().await;
    assert_eq!(env.reissue("0123456789abcdef0123456789abcdef").await.0, StatusCode::UNAUTHORIZED);
    let token = env.login().await;
    env.clock.advance(Duration::from_secs(901));
    assert_eq!(env.reissue(&token).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn reissue_extends_the_lifetime() {
    let env = Env::new().await;
    let token = env.login().await;
    env.clock.advance(Duration::from_secs(600));
    let new = env.reissue(&token).await.1["access_token"].as_str().unwrap().to_owned();
    env.clock.advance(Duration::from_secs(600));
    assert_eq!(env.get("/me", Some(&new), None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn me_returns_the_demo_identity() {
    let env = Env::new().await;
    let token = env.login().await;
    let (s, me) = env.get("/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["user"]["username"], USER);
    assert_eq!(me["user"]["type"], "user");
    assert!(me["user"]["links"]["userId"].is_u64());
    let accounts = me["accounts"].as_array().unwrap();
    assert!(accounts.len() >= 3);
    for a in accounts {
        assert!(a["id"].is_u64() && a["name"].is_string() && a["currency"].is_string());
        assert!(["Claimed", "Pending", "Inactive"].contains(&a["status"].as_str().unwrap()));
        assert!(a["products"].is_array());
    }
    assert!(!me["departments"].as_array().unwrap().is_empty());
    assert!(me["permissions"].is_object());
    assert!(me["features"][0]["feature"].is_string());
    // With an account context the user has: fine. Without access: 403. Not a number: 400.
    assert_eq!(env.get("/me", Some(&token), Some("1001")).await.0, StatusCode::OK);
    let (s, body) = env.get("/me", Some(&token), Some("4242")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_auth_error(&body, 403);
    assert_eq!(env.get("/me", Some(&token), Some("abc")).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn me_and_accounts_need_a_valid_token() {
    let env = Env::new().await;
    let token = env.login().await;
    for path in ["/me", "/accounts"] {
        let (s, body) = env.get(path, None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}");
        assert_auth_error(&body, 401);
        assert_eq!(
            env.get(path, Some("0123456789abcdef0123456789abcdef"), None).await.0,
            StatusCode::UNAUTHORIZED
        );
        let r = env
            .http
            .get(env.url(path))
            .header("Authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    env.clock.advance(Duration::from_secs(900));
    assert_eq!(env.get("/me", Some(&token), None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn accounts_lists_the_users_accounts() {
    let env = Env::new().await;
    let token = env.login().await;
    let (s, body) = env.get("/accounts", Some(&token), Some("1000")).await;
    assert_eq!(s, StatusCode::OK);
    let list = body.as_array().unwrap();
    assert!(list.len() >= 3);
    assert_eq!(list[0]["id"], 1000);
    assert!(list[0]["products"].is_object(), "the v1 document's map of product lines");
    assert_eq!(env.get("/accounts", Some(&token), Some("9")).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn stats_count_by_route_template_and_outcome() {
    let env = Env::new().await;
    let token = env.login().await;
    let token = env.reissue(&token).await.1["access_token"].as_str().unwrap().to_owned();
    env.reissue("0123456789abcdef0123456789abcdef").await;
    env.get("/me", Some(&token), None).await;
    env.get("/nope", None, None).await;
    let stats = env.stats().await;
    let e = &stats["endpoints"];
    assert_eq!(
        e["POST /auth/token/reissue"],
        json!({"total": 2, "ok": 1, "client_error": 1, "server_error": 0})
    );
    assert_eq!(e["POST /auth/authorize"]["ok"], 1);
    assert_eq!(e["POST /auth/token"]["ok"], 1);
    assert_eq!(e["GET /me"]["total"], 1);
    assert_eq!(e["GET <unmatched>"]["client_error"], 1);
    assert!(e.get("GET /_emulator/stats").is_none(), "stats do not count themselves");
    assert_eq!(env.emu.stats().get("POST /auth/token/reissue").total, 2);
}

#[tokio::test]
async fn bad_input_gets_json_4xx() {
    let env = Env::new().await;
    let raw = |path: &'static str, body: Vec<u8>, ctype: Option<&'static str>| {
        let mut req = env.http.post(env.url(path)).body(body);
        if let Some(c) = ctype {
            req = req.header("Content-Type", c);
        }
        req.send()
    };
    let json_ct = Some("application/json");
    let cases: Vec<(&str, Vec<u8>, Option<&str>, u16)> = vec![
        ("/auth/authorize", b"{not json".to_vec(), json_ct, 400),
        ("/auth/authorize", b"{\"username\":\"a@b.c\"}".to_vec(), json_ct, 400),
        ("/auth/authorize", b"{\"username\":5,\"password\":\"x\"}".to_vec(), json_ct, 400),
        ("/auth/authorize", b"[]".to_vec(), json_ct, 400),
        ("/auth/authorize", b"".to_vec(), json_ct, 400),
        ("/auth/token", b"{\"code\":null,\"grant_type\":\"authorization_code\"}".to_vec(), json_ct, 400),
        ("/auth/token/reissue", b"{\"tokn\":\"x\"}".to_vec(), json_ct, 400),
        ("/auth/token/reissue", b"{\"token\":\"x\"}".to_vec(), None, 415),
        ("/auth/token/reissue", vec![b' '; 1024 * 1024 + 1], json_ct, 413),
    ];
    for (path, body, ctype, want) in cases {
        let r = raw(path, body, ctype).await.unwrap();
        assert_eq!(r.status().as_u16(), want, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_auth_error(&body, want);
    }
    let r = env.http.get(env.url("/auth/token")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_auth_error(&r.json().await.unwrap(), 405);
    let r = env.http.delete(env.url("/definitely/not/here")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_auth_error(&r.json().await.unwrap(), 404);
    // The server is still fine afterwards.
    env.login().await;
}

#[tokio::test]
async fn bad_config_is_refused_at_start() {
    let config = EmulatorConfig { token_ttl: Duration::from_secs(30), ..Default::default() };
    let err = Emulator::start(config).await.unwrap_err();
    assert!(err.to_string().contains("minutes"), "{err}");
}

#[tokio::test]
async fn stops_cleanly() {
    let env = Env::new().await;
    let url = env.url("/me");
    env.emu.stop().await;
    assert!(env.http.get(url).send().await.is_err());
}

#[tokio::test]
async fn an_unspecified_listen_address_gives_a_loopback_url() {
    let config = EmulatorConfig { listen: "0.0.0.0:0".parse().unwrap(), ..Default::default() };
    let emu = Emulator::start(config).await.unwrap();
    assert!(emu.url().starts_with("http://127.0.0.1:"), "{}", emu.url());
    let r = reqwest::get(format!("{}/_emulator/stats", emu.url())).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    emu.stop().await;
}
