//! Requests of other Armor clients, not ours, against a real emulator: the original
//! ArmorPowerShell module's bodies (its API data's field names, PowerShell's JSON layout,
//! its headers) sent as raw HTTP/1.1 over TCP; a Python-client-style login and GETs with a
//! `{}` body; an ARMOR-PSK request signed by the `openssl` command line with a UUID nonce.
//! Also the leniency a real ASP.NET server has, and the fh-auth contract's negative
//! checks, which must still hold.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::{Command, Stdio};

use armor_emulator::{Emulator, EmulatorConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const USER: &str = EmulatorConfig::DEMO_USERNAME;
const PASS: &str = EmulatorConfig::DEMO_PASSWORD;

// ---------------------------------------------------------------------------------------
// Raw HTTP/1.1, so that nothing of ours (and no HTTP library) shapes the request.

/// Sends one request as the given bytes and returns the status and the JSON body.
async fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method != "GET" || !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let mut body = response[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 4 + size..];
    }
    out
}

/// A hashtable as Windows PowerShell 5.1's `ConvertTo-Json` writes it: CRLF line ends,
/// four-space indents, two spaces after each colon, empty arrays over three lines.
fn ps_json(pairs: &[(&str, Value)]) -> String {
    let lines: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let value = match v {
                Value::Array(a) if a.is_empty() => "[\r\n\r\n              ]".to_owned(),
                other => other.to_string(),
            };
            format!("    \"{k}\":  {value}")
        })
        .collect();
    format!("{{\r\n{}\r\n}}", lines.join(",\r\n"))
}

/// The original ArmorPowerShell module, as it talks to the API: `Invoke-WebRequest` with
/// its session headers (`Content-Type` removed on GET), bodies from its API data.
struct Module {
    addr: SocketAddr,
    token: Option<String>,
    account: Option<u64>,
    content_type: &'static str,
}

impl Module {
    fn new(emu: &Emulator, content_type: &'static str) -> Module {
        Module { addr: emu.addr(), token: None, account: None, content_type }
    }

    async fn send(&self, method: &str, path: &str, body: Option<&[(&str, Value)]>) -> (u16, Value) {
        let mut headers = vec![
            (
                "User-Agent",
                "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.1".to_owned(),
            ),
            ("Accept", "application/json".to_owned()),
        ];
        if method != "GET" {
            headers.push(("Content-Type", self.content_type.to_owned()));
        }
        if let Some(t) = &self.token {
            headers.push(("Authorization", format!("FH-AUTH {t}")));
        }
        if let Some(a) = self.account {
            headers.push(("X-Account-Context", a.to_string()));
        }
        let body = match (method, body) {
            ("GET", _) => String::new(),
            (_, Some(pairs)) => ps_json(pairs),
            (_, None) => String::new(),
        };
        raw(self.addr, method, path, &headers, body.as_bytes()).await
    }

    /// `Connect-Armor`: authorize, token, `/me`, then the first account as the context.
    async fn connect(&mut self) {
        let (s, auth) = self
            .send("POST", "/auth/authorize", Some(&[("Password", json!(PASS)), ("Username", json!(USER))]))
            .await;
        assert_eq!(s, 200, "{auth}");
        let code = auth["code"].clone();
        let (s, tok) = self
            .send("POST", "/auth/token", Some(&[("grant_type", json!("authorization_code")), ("code", code)]))
            .await;
        assert_eq!(s, 200, "{tok}");
        self.token = Some(tok["access_token"].as_str().unwrap().to_owned());
        let (s, me) = self.send("GET", "/me", None).await;
        assert_eq!(s, 200, "{me}");
        self.account = me["accounts"][0]["id"].as_u64();
        assert!(self.account.is_some(), "{me}");
    }
}

fn assert_error_body(body: &Value, status: u16) {
    let described = body["error_description"].is_string() || body["Message"].is_string();
    assert!(described, "a JSON error body: {body}");
    if body.get("status").is_some() {
        assert_eq!(body["status"], status, "{body}");
    }
}

fn description(body: &Value) -> String {
    body["error_description"].as_str().or(body["Message"].as_str()).unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------------------------------
// The original module.

#[tokio::test]
async fn the_original_module_connects_reissues_and_reads_its_identity() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let mut module = Module::new(&emu, "application/json");
    module.connect().await;
    // Update-ArmorApiToken.
    let old = module.token.clone().unwrap();
    let (s, tok) = module.send("POST", "/auth/token/reissue", Some(&[("token", json!(old))])).await;
    assert_eq!(s, 200, "{tok}");
    module.token = Some(tok["access_token"].as_str().unwrap().to_owned());
    assert_ne!(module.token.as_deref(), Some(old.as_str()));
    // Get-ArmorIdentity, Get-ArmorAccount.
    let (s, me) = module.send("GET", "/me", None).await;
    assert_eq!((s, me["user"]["username"].as_str()), (200, Some(USER)));
    assert_eq!(module.send("GET", "/accounts", None).await.0, 200);
    emu.stop().await;
}

#[tokio::test]
async fn the_original_modules_resource_bodies_succeed() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    // PowerShell 7 adds a charset to the module's Content-Type.
    let mut module = Module::new(&emu, "application/json; charset=utf-8");
    module.connect().await;
    let account = module.account.unwrap();

    let (s, vms) = module.send("GET", "/vms", None).await;
    assert_eq!(s, 200, "{vms}");
    let vm = vms[0]["vmId"].as_u64().expect("a VM in the demo account");
    let (_, apps) = module.send("GET", "/apps", None).await;
    let app = apps[0]["id"].as_u64().expect("a workload in the demo account");
    let (_, detail) = module.send("GET", &format!("/apps/{app}"), None).await;
    let tier = detail["tiers"][0]["id"].as_u64().expect("a tier");
    let (_, locations) = module.send("GET", "/locations", None).await;
    let location = locations[0]["location"].as_str().expect("a datacenter").to_owned();

    // Rename-ArmorCompleteVM, Rename-ArmorCompleteWorkload: {id, name}.
    let (s, body) = module
        .send("PUT", &format!("/vms/{vm}"), Some(&[("name", json!("renamed-by-module")), ("id", json!(vm))]))
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(module.send("GET", &format!("/vms/{vm}"), None).await.1["name"], "renamed-by-module");
    let (s, body) = module
        .send("PUT", &format!("/apps/{app}"), Some(&[("id", json!(app)), ("name", json!("Module App"))]))
        .await;
    assert_eq!((s, body["name"].as_str()), (200, Some("Module App")), "{body}");

    // New-ArmorCompleteWorkloadTier: {name}; Rename-ArmorCompleteWorkloadTier: {name}.
    let (s, body) =
        module.send("POST", &format!("/apps/{app}/tiers"), Some(&[("name", json!("Module Tier"))])).await;
    assert_eq!(s, 200, "{body}");
    let new_tier =
        body["tiers"].as_array().unwrap().iter().find(|t| t["name"] == "Module Tier").unwrap()["id"]
            .as_u64()
            .unwrap();
    let (s, body) = module
        .send("PUT", &format!("/apps/{app}/tiers/{new_tier}"), Some(&[("name", json!("Module Tier 2"))]))
        .await;
    assert_eq!(s, 200, "{body}");

    // Start-ArmorCompleteVM: a POST with an empty body and a JSON Content-Type.
    let (s, body) = module.send("POST", &format!("/vms/{vm}/power/on"), None).await;
    assert_eq!(s, 200, "{body}");

    // New-ArmorCompleteVM with an existing workload and tier (appName/tierName unset: null).
    let existing = [
        ("tierName", Value::Null),
        ("storage", json!([])),
        ("name", json!("module-vm")),
        ("quantity", json!(1)),
        ("appId", json!(app)),
        ("secret", json!("Sup3r-Secret-Passw0rd!")),
        ("location", json!(location)),
        ("sku", json!("A1-101")),
        ("appName", Value::Null),
        ("tierId", json!(tier)),
    ];
    let (s, order) = module.send("POST", "/orders/vms", Some(&existing)).await;
    assert_eq!(s, 200, "{order}");
    assert_eq!(order["vms"][0]["appId"], app, "{order}");

    // ... and with a new workload and tier: its unset id parameters go out as 0.
    let new = [
        ("appName", json!("portal")),
        ("tierName", json!("presentation")),
        ("appId", json!(0)),
        ("tierId", json!(0)),
        ("storage", json!([])),
        ("secret", json!("Sup3r-Secret-Passw0rd!")),
        ("sku", json!("A1-101")),
        ("quantity", json!(1)),
        ("name", json!("web")),
        ("location", json!(location)),
    ];
    let (s, order) = module.send("POST", "/orders/vms", Some(&new)).await;
    assert_eq!(s, 200, "{order}");
    let new_vm = order["vms"][0]["vmId"].as_u64().unwrap();
    let new_app = order["vms"][0]["appId"].as_u64().unwrap();
    let (_, apps) = module.send("GET", "/apps", None).await;
    assert!(apps.as_array().unwrap().iter().any(|a| a["id"] == new_app && a["name"] == "portal"), "{apps}");

    // Remove-ArmorCompleteVM: {accountId, vmId, userEmail, isActive, deleteNow} -> 202.
    let removal = [
        ("vmId", json!(new_vm)),
        ("userEmail", json!(USER)),
        ("accountId", json!(account)),
        ("isActive", json!(false)),
        ("deleteNow", json!(false)),
    ];
    let (s, body) = module.send("DELETE", &format!("/vms/{new_vm}"), Some(&removal)).await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(module.send("GET", &format!("/vms/{new_vm}"), None).await.0, 404);

    // Remove-ArmorCompleteWorkloadTier and -Workload: `{}` bodies, ignored.
    let (s, body) = module.send("DELETE", &format!("/apps/{app}/tiers/{new_tier}"), Some(&[])).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = module.send("DELETE", &format!("/apps/{new_app}"), Some(&[])).await;
    assert_eq!(s, 202, "{body}");
    emu.stop().await;
}

// ---------------------------------------------------------------------------------------
// Logins in every spelling; a Python-style client.

async fn login_with(http: &reqwest::Client, url: &str, creds: Value) -> String {
    let r = http.post(format!("{url}/auth/authorize")).json(&creds).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{creds}");
    let code: Value = r.json().await.unwrap();
    let body = json!({"code": code["code"], "grant_type": "authorization_code"});
    let tok: Value =
        http.post(format!("{url}/auth/token")).json(&body).send().await.unwrap().json().await.unwrap();
    tok["access_token"].as_str().expect("a token").to_owned()
}

#[tokio::test]
async fn logins_in_any_spelling_get_a_code_and_the_rest_of_the_flow_works() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let http = reqwest::Client::new();
    for (u, p) in [
        ("username", "password"),
        ("Username", "Password"),
        ("userName", "password"),
        ("USERNAME", "PASSWORD"),
    ] {
        let token = login_with(&http, emu.url(), json!({u: USER, p: PASS})).await;
        let r = http
            .post(format!("{}/auth/token/reissue", emu.url()))
            .json(&json!({"Token": token}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{u}");
        let new: Value = r.json().await.unwrap();
        let r = http
            .get(format!("{}/me", emu.url()))
            .header("Authorization", format!("FH-AUTH {}", new["access_token"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{u}");
    }
    emu.stop().await;
}

#[tokio::test]
async fn a_python_style_client_works_end_to_end() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let http = reqwest::Client::new();
    let url = emu.url();
    let token = login_with(&http, url, json!({"userName": USER, "password": PASS})).await;
    // `requests.get(url, json={})`: a `{}` body with a JSON Content-Type on every GET.
    let get = |path: &str, token: &str, account: Option<&str>| {
        let mut r = http
            .get(format!("{url}{path}"))
            .header("Authorization", format!("FH-AUTH {token}"))
            .json(&json!({}));
        if let Some(a) = account {
            r = r.header("X-Account-Context", a);
        }
        r.send()
    };
    let me: Value = get("/me", &token, None).await.unwrap().json().await.unwrap();
    assert_eq!(me["user"]["username"], USER);
    let r =
        http.post(format!("{url}/auth/token/reissue")).json(&json!({"token": token})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let token = r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
    let account = me["accounts"][0]["id"].to_string();
    for (path, ctx) in [("/me", None), ("/accounts", None), ("/vms", Some(account.as_str()))] {
        let r = get(path, &token, ctx).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(r.json::<Value>().await.unwrap().is_object() || path != "/me");
    }
    emu.stop().await;
}

// ---------------------------------------------------------------------------------------
// ARMOR-PSK signed by openssl, as Armor's shell sample does.

fn openssl(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the openssl command line is installed");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openssl {args:?}");
    out.stdout
}

/// A random UUID (version 4), 36 characters with dashes, like `uuidgen`.
fn uuid() -> String {
    let hex = String::from_utf8(openssl(&["rand", "-hex", "16"], b"")).unwrap();
    let mut h: Vec<char> = hex.trim().chars().collect();
    h[12] = '4';
    h[16] = ['8', '9', 'a', 'b'][h[16].to_digit(16).unwrap() as usize % 4];
    let h: String = h.into_iter().collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// `Authorization` for a bodiless request, signed by `openssl dgst -sha512 -hmac`.
fn openssl_psk(method: &str, path: &str, nonce: &str, secret: &str) -> String {
    let key = EmulatorConfig::DEMO_API_KEY_ID;
    let ts = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let message = format!("{key}{method}{path}{nonce}{ts}");
    let mac = openssl(&["dgst", "-sha512", "-hmac", secret, "-binary"], message.as_bytes());
    assert_eq!(mac.len(), 64, "a raw HMAC-SHA512");
    let signature = String::from_utf8(openssl(&["base64", "-A"], &mac)).unwrap();
    format!("ARMOR-PSK {key}:{}:{nonce}:{ts}", signature.trim())
}

#[tokio::test]
async fn armor_psk_signed_by_openssl_with_a_uuid_nonce_and_no_account_context() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let http = reqwest::Client::new();
    let secret = EmulatorConfig::DEMO_API_KEY_SECRET;
    for path in ["/me", "/accounts"] {
        let nonce = uuid();
        assert_eq!((nonce.len(), nonce.matches('-').count()), (36, 4), "{nonce}");
        let auth = openssl_psk("GET", path, &nonce, secret);
        let r = http.get(format!("{}{path}", emu.url())).header("Authorization", &auth).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}: {}", r.text().await.unwrap());
        // The same header again is a replay.
        let r = http.get(format!("{}{path}", emu.url())).header("Authorization", &auth).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path} replayed");
    }
    let wrong = openssl_psk("GET", "/me", &uuid(), "not-the-secret");
    let r = http.get(format!("{}/me", emu.url())).header("Authorization", wrong).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    emu.stop().await;
}

// ---------------------------------------------------------------------------------------
// ASP.NET's leniency, and what stays an error.

async fn post_raw(emu: &Emulator, path: &str, content_type: Option<&str>, body: &[u8]) -> (u16, Value) {
    let headers: Vec<(&str, String)> =
        content_type.map(|c| ("Content-Type", c.to_owned())).into_iter().collect();
    raw(emu.addr(), "POST", path, &headers, body).await
}

#[tokio::test]
async fn a_real_servers_leniency() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let creds = format!(r#"{{"Username":"{USER}","Password":"{PASS}","rememberMe":true}}"#);
    // Content-Type in any case, with parameters; text/json; a byte-order mark; unknown fields.
    for ct in
        ["application/json", "Application/JSON; Charset=UTF-8", "application/json;charset=utf-8", "text/json"]
    {
        let (s, body) = post_raw(&emu, "/auth/authorize", Some(ct), creds.as_bytes()).await;
        assert_eq!(s, 200, "{ct}: {body}");
    }
    let bom = [b"\xEF\xBB\xBF".as_slice(), creds.as_bytes()].concat();
    let (s, body) = post_raw(&emu, "/auth/authorize", Some("application/json"), &bom).await;
    assert_eq!(s, 200, "BOM: {body}");

    // Ids sent as strings, where ASP.NET converts them.
    let http = reqwest::Client::new();
    let token = login_with(&http, emu.url(), json!({"username": USER, "password": PASS})).await;
    let auth = ("Authorization", format!("FH-AUTH {token}"));
    let (_, me) = raw(emu.addr(), "GET", "/me", std::slice::from_ref(&auth), b"").await;
    let account = me["accounts"][0]["id"].as_u64().unwrap();
    let ctx = ("X-Account-Context", account.to_string());
    let json_ct = ("Content-Type", "application/json".to_owned());
    let headers = [auth.clone(), ctx.clone(), json_ct.clone()];
    let (_, vms) = raw(emu.addr(), "GET", "/vms", &headers, b"").await;
    let vm = vms[0]["vmId"].as_u64().unwrap();
    let body = json!({"AccountId": account.to_string(), "VmId": vm.to_string(), "UserEmail": USER, "IsActive": true});
    let (s, resp) =
        raw(emu.addr(), "DELETE", &format!("/vms/{vm}"), &headers, body.to_string().as_bytes()).await;
    assert_eq!(s, 202, "{resp}");

    // A body on GET is ignored, even one that is not JSON at all.
    for body in [b"{}".as_slice(), b"{not json", b"\xEF\xBB\xBF[1,2]"] {
        for path in ["/me", "/accounts", "/vms"] {
            let (s, resp) = raw(emu.addr(), "GET", path, &headers, body).await;
            assert_eq!(s, 200, "GET {path} with {body:?}: {resp}");
        }
    }
    emu.stop().await;
}

#[tokio::test]
async fn what_is_still_refused() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let json_ct = Some("application/json");
    let cases: &[(&str, Option<&str>, &str, u16, &str)] = &[
        // Two spellings of one field.
        (
            "/auth/authorize",
            json_ct,
            r#"{"username":"a@b.c","Username":"a@b.c","password":"p"}"#,
            400,
            "username",
        ),
        ("/auth/token", json_ct, r#"{"code":"c","CODE":"c","grant_type":"authorization_code"}"#, 400, "code"),
        // A missing field, in any spelling of the others.
        ("/auth/authorize", json_ct, r#"{"Username":"a@b.c"}"#, 400, "password"),
        ("/auth/token", json_ct, r#"{"Code":"c"}"#, 400, "grant_type"),
        ("/auth/token/reissue", json_ct, r#"{"Tokn":"c"}"#, 400, "token"),
        // Not JSON, empty, not an object.
        ("/auth/authorize", json_ct, "{nope", 400, "JSON"),
        ("/auth/authorize", json_ct, "", 400, "empty"),
        ("/auth/authorize", json_ct, "\u{feff}", 400, "empty"),
        ("/auth/authorize", json_ct, r#"["a@b.c","p"]"#, 400, "invalid type"),
        // Other media types and charsets.
        ("/auth/authorize", None, r#"{"username":"a","password":"p"}"#, 415, "Content-Type"),
        ("/auth/authorize", Some("text/plain"), r#"{"username":"a","password":"p"}"#, 415, "text/plain"),
        (
            "/auth/authorize",
            Some("application/json; charset=iso-8859-1"),
            r#"{"username":"a","password":"p"}"#,
            415,
            "charset",
        ),
    ];
    for (path, ct, body, want, mention) in cases {
        let (s, resp) = post_raw(&emu, path, *ct, body.as_bytes()).await;
        assert_eq!(s, *want, "{path} {ct:?} {body}: {resp}");
        assert_error_body(&resp, *want);
        assert!(description(&resp).contains(mention), "{body}: {resp} should mention {mention}");
    }
    // A number where the contract has a string stays wrong (only numbers come from strings).
    let (s, resp) = post_raw(&emu, "/auth/authorize", json_ct, br#"{"Username":5,"password":"p"}"#).await;
    assert_eq!(s, 400, "{resp}");
    assert!(description(&resp).contains("field `username`: invalid type"), "{resp}");
    emu.stop().await;
}

/// Schemathesis-style negative checks from the fh-auth contract's request schemas: every
/// body that breaks a schema (not an object, a required property missing, a property of
/// the wrong type, a value outside its enum) is a 4xx with the contract's ErrorResponse,
/// in the documented spelling and in another case.
#[tokio::test]
async fn the_fh_auth_contracts_negative_checks_still_pass() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let operations: &[(&str, &[(&str, &str)])] = &[
        ("/auth/authorize", &[("username", "a@b.c"), ("password", "wrong-password")]),
        ("/auth/token", &[("code", "0123456789abcdef"), ("grant_type", "authorization_code")]),
        ("/auth/token/reissue", &[("token", "0123456789abcdef0123456789abcdef")]),
    ];
    let mut checked = 0;
    for (path, props) in operations {
        let valid: serde_json::Map<String, Value> =
            props.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
        let mut bodies: Vec<Value> =
            vec![json!([]), json!("x"), json!(1), json!(null), json!(true), json!([valid.clone()])];
        for (name, _) in *props {
            let mut without = valid.clone();
            without.remove(*name);
            bodies.push(Value::Object(without.clone()));
            for spelling in [name.to_string(), name.to_uppercase()] {
                for wrong in [json!(1), json!(true), json!(null), json!([]), json!({}), json!(1.5)] {
                    let mut b = without.clone();
                    b.insert(spelling.clone(), wrong);
                    bodies.push(Value::Object(b));
                }
            }
        }
        if *path == "/auth/token" {
            bodies.push(json!({"code": "0123456789abcdef", "grant_type": "password"}));
        }
        for body in bodies {
            let (s, resp) = post_raw(&emu, path, Some("application/json"), body.to_string().as_bytes()).await;
            assert!((400..500).contains(&s), "{path} {body}: {s} {resp}");
            assert!(
                resp["error"].is_string() && resp["error_description"].is_string(),
                "{path} {body}: {resp}"
            );
            assert_eq!(resp["status"], s, "{path} {body}: {resp}");
            checked += 1;
        }
    }
    assert_eq!(checked, 84, "every generated case was sent");
    // None of them counted as a failed login: the demo user still gets in.
    let http = reqwest::Client::new();
    login_with(&http, emu.url(), json!({"username": USER, "password": PASS})).await;
    emu.stop().await;
}
