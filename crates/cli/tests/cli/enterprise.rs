//! TLS with a private CA (`armor emulator --tls`, `--ca-cert`, `ARMOR_CA_BUNDLE`),
//! `--jq`, `armor exec` and `armor man`.

use crate::util::*;

#[test]
fn login_and_reissue_over_https_with_the_ca() {
    let emu = Emu::tls();
    assert!(emu.url().starts_with("https://127.0.0.1:"), "{}", emu.url());
    let ca = emu.ca_file();
    let armor = Armor::new().env("ARMOR_CA_BUNDLE", &ca);
    armor.login(&emu, &[]);
    let before = armor.token();
    armor.run(&["token", "reissue"]).success();
    assert_ne!(armor.token(), before);
    assert_eq!(emu.reissues(), (1, 0));
    let run = armor.run(&["status", "-o", "json"]).success();
    assert_eq!(run.json()["server"], emu.url());
    // The flag works as well as the variable.
    let flag = Armor::new();
    let run = flag.run_stdin(
        &["login", "--ca-cert", &ca, "--server", emu.url(), "--username", USER, "--password-stdin"],
        &format!("{PASS}\n"),
    );
    run.success();
}

#[test]
fn https_without_the_ca_fails_in_one_line_naming_host_and_variable() {
    let emu = Emu::tls();
    // Another CA as the whole "OS" trust store (rustls-native-certs honours SSL_CERT_FILE),
    // so the result does not depend on the machine's store.
    let other = Emu::tls();
    let armor = Armor::new().env("SSL_CERT_FILE", &other.ca_file());
    let host = emu.url().trim_start_matches("https://").to_owned();
    let run = armor.run_stdin(
        &["login", "--server", emu.url(), "--username", USER, "--password-stdin"],
        &format!("{PASS}\n"),
    );
    run.failure(&[&host, "unknown issuer", "ARMOR_CA_BUNDLE", "--ca-cert"]);
    assert!(armor.session_bytes().is_none());
    assert_eq!(emu.requests(), 0);
    // The wrong CA given explicitly fails the same way.
    let armor = Armor::new().env("SSL_CERT_FILE", &other.ca_file()).env("ARMOR_CA_BUNDLE", &other.ca_file());
    armor
        .run_stdin(
            &["login", "--server", emu.url(), "--username", USER, "--password-stdin"],
            &format!("{PASS}\n"),
        )
        .failure(&[&host, "unknown issuer"]);
}

#[test]
fn unusable_ca_bundles_are_clear_errors() {
    let emu = Emu::tls();
    let armor = Armor::new();
    let junk = armor.dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    armor.run(&["status", "--ca-cert", junk.to_str().unwrap()]).failure(&["junk.pem", "no PEM CERTIFICATE"]);
    armor.run(&["status", "--ca-cert", "/nonexistent/ca.pem"]).failure(&["/nonexistent/ca.pem"]);
    assert_eq!(emu.requests(), 0);
}

#[test]
fn http_stays_loopback_only_with_tls_support() {
    let armor = Armor::new();
    armor
        .run_stdin(&["login", "--server", "http://10.1.2.3", "--username", USER, "--password-stdin"], "pw\n")
        .failure(&["refusing plain http://"]);
    // Plain http to loopback never goes through a proxy from the environment.
    let emu = Emu::start();
    let armor =
        Armor::new().env("HTTP_PROXY", "http://10.255.255.1:9").env("ALL_PROXY", "http://10.255.255.1:9");
    armor.login(&emu, &[]);
}

#[test]
fn jq_prints_one_name_per_line() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let all = armor.run(&["vm", "list", "-o", "json"]).success().json();
    // Agent-only VMs have a null name: jq prints it as JSON, the others raw.
    let names: Vec<&str> =
        all.as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap_or("null")).collect();
    assert!(names.contains(&"null"), "the demo tenant has agent-only VMs without a name");
    let run = armor.run(&["vm", "list", "--jq", ".[].name"]).success();
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), names);
    // Non-strings print as JSON.
    let run = armor.run(&["vm", "list", "--jq", "length"]).success();
    assert_eq!(run.stdout.trim(), names.len().to_string());
    let run = armor.run(&["status", "--jq", "{state, mode}"]).success();
    assert_eq!(run.stdout.trim(), r#"{"state":"active","mode":"token"}"#);
    let run = armor.run(&["api", "GET", "/me", "--jq", ".user.username"]).success();
    assert_eq!(run.stdout.trim(), USER);
}

#[test]
fn bad_jq_is_a_one_line_error_before_any_request() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = emu.requests();
    armor.run(&["vm", "list", "--jq", ".[]["]).failure(&["invalid --jq expression"]);
    armor.run(&["vm", "list", "--jq", "nosuchfn"]).failure(&["invalid --jq expression", "nosuchfn"]);
    assert_eq!(emu.requests(), before);
    armor.run(&["vm", "list", "--jq", ".foo"]).failure(&["--jq:"]);
    let run = armor.run(&["token", "print", "--jq", "."]).failure(&["--jq works only"]);
    assert!(run.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn exec_gives_the_child_a_fresh_token_and_returns_its_status() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    // The child calls the API with the token from its environment, like curl would.
    let script =
        r#"test -n "$ARMOR_TOKEN" && test "$ARMOR_ACCOUNT_ID" = 1000 && printf '%s\n' "$ARMOR_SERVER""#;
    let run = armor.run(&["exec", "--", "sh", "-c", script]).success();
    assert_eq!(run.stdout.trim(), emu.url());
    let run = armor.run(&["exec", "--", "sh", "-c", r#"printf %s "$ARMOR_TOKEN""#]).success();
    assert_eq!(run.stdout, armor.token());
    let run = armor.run(&["exec", "--", "sh", "-c", "exit 7"]);
    assert_eq!(run.code, 7, "{run:#?}");
    assert!(run.stderr.is_empty(), "{run:#?}");
    armor.run(&["exec", "--", "/nonexistent/program"]).failure(&["cannot run"]);
}

#[cfg(unix)]
#[test]
fn exec_curl_calls_the_api_with_the_token() {
    if std::process::Command::new("curl").arg("--version").output().is_err() {
        eprintln!("curl is not installed; skipping the curl example");
        return;
    }
    let emu = Emu::start();
    let armor = Armor::new().env("PATH", &std::env::var("PATH").unwrap_or_default());
    armor.login(&emu, &[]);
    let me_before = emu.stats().get("GET /me").ok;
    let script = r#"curl -sf -H "Authorization: FH-AUTH $ARMOR_TOKEN" "$ARMOR_SERVER/me""#;
    let run = armor.run(&["exec", "--", "sh", "-c", script]).success();
    let me: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(me["user"]["username"], USER);
    assert_eq!(emu.stats().get("GET /me").ok, me_before + 1);
    // A failing curl (401 with -f is exit 22) is armor's exit status too.
    let run = armor.run(&[
        "exec",
        "--",
        "sh",
        "-c",
        r#"curl -sf -H "Authorization: FH-AUTH x$ARMOR_TOKEN" "$ARMOR_SERVER/me""#,
    ]);
    assert_eq!(run.code, 22, "{run:#?}");
}

#[cfg(unix)]
#[test]
fn exec_with_an_api_key_says_there_is_no_token() {
    let emu = Emu::start();
    let armor = Armor::new()
        .env("ARMOR_SERVER", emu.url())
        .env("ARMOR_API_KEY_ID", armor_emulator::EmulatorConfig::DEMO_API_KEY_ID)
        .env("ARMOR_API_KEY_SECRET", armor_emulator::EmulatorConfig::DEMO_API_KEY_SECRET)
        .env("ARMOR_TOKEN", "stale");
    let run = armor.run(&[
        "exec",
        "--",
        "sh",
        "-c",
        r#"printf '%s|%s' "${ARMOR_TOKEN-unset}" "$ARMOR_ACCOUNT_ID""#,
    ]);
    let run = run.success();
    assert_eq!(run.stdout, "unset|1000");
    assert!(run.stderr.contains("API key") && run.stderr.contains("ARMOR_TOKEN"), "{run:#?}");
}

#[test]
fn man_pages_one_per_subcommand() {
    let armor = Armor::new();
    let dir = armor.dir.path().join("man");
    let run = armor.run(&["man", dir.to_str().unwrap()]).success();
    assert!(run.stdout.contains("man pages"), "{run:#?}");
    for page in ["armor.1", "armor-login.1", "armor-vm-list.1", "armor-exec.1", "armor-token-reissue.1"] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{page} is not roff");
    }
    let login = std::fs::read_to_string(dir.join("armor-login.1")).unwrap();
    assert!(login.contains("password") && login.contains("ARMOR_CA_BUNDLE"), "{login}");
}

#[test]
fn keyring_login_keeps_the_secret_out_of_the_session_file() {
    use armor_emulator::EmulatorConfig as C;
    let emu = Emu::start();
    let armor = Armor::new().env("ARMOR_KEYRING_BACKEND", "mock");
    let args = [
        "login",
        "--server",
        emu.url(),
        "--api-key-id",
        C::DEMO_API_KEY_ID,
        "--api-key-secret-stdin",
        "--keyring",
    ];
    let run = armor.run_stdin(&args, &format!("{}\n", C::DEMO_API_KEY_SECRET)).success();
    assert!(run.stdout.contains("OS credential store"), "{run:#?}");
    let bytes = armor.session_bytes().unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains(C::DEMO_API_KEY_SECRET));
    let s = armor.session();
    assert_eq!(s["auth"]["keyring"]["user"], format!("default:{}", C::DEMO_API_KEY_ID));
    // status says where the secret is, without reading it.
    let j = armor.run(&["status", "-o", "json"]).success().json();
    assert_eq!(j["secret_location"], "keyring");
    let run = armor.run(&["status"]).success();
    assert!(run.stdout.contains("OS credential store"), "{run:#?}");
    // The mock store lives in one process only: another process finds no secret, and says so.
    armor.run(&["whoami"]).failure(&["credential store", "--keyring"]);
    // Changing the account context rewrites the session: still no secret in it.
    armor.run(&["account", "context", "1001"]).success();
    assert!(!String::from_utf8_lossy(&armor.session_bytes().unwrap()).contains(C::DEMO_API_KEY_SECRET));
    // Without --keyring the secret is in the file, and status says so.
    let args = ["login", "--server", emu.url(), "--api-key-id", C::DEMO_API_KEY_ID, "--api-key-secret-stdin"];
    armor.run_stdin(&args, &format!("{}\n", C::DEMO_API_KEY_SECRET)).success();
    assert_eq!(armor.run(&["status", "-o", "json"]).success().json()["secret_location"], "session_file");
    // --keyring is for API keys only.
    armor.run(&["login", "--server", emu.url(), "--username", USER, "--keyring"]).failure(&["--api-key-id"]);
    assert_eq!(armor.run(&["login", "--keyring"]).code, 2);
}

#[test]
fn https_proxy_and_no_proxy_are_honoured() {
    let emu = Emu::tls();
    let ca = emu.ca_file();
    // A "proxy" that refuses every CONNECT: going through it fails.
    let proxy = canned_server(403, "text/plain", "no");
    let armor = Armor::new().env("ARMOR_CA_BUNDLE", &ca).env("HTTPS_PROXY", &proxy);
    let login = ["login", "--server", emu.url(), "--username", USER, "--password-stdin"];
    armor.run_stdin(&login, &format!("{PASS}\n")).failure(&["could not reach"]);
    assert_eq!(emu.requests(), 0);
    // NO_PROXY lets it through directly.
    let armor = armor.env("NO_PROXY", "127.0.0.1");
    armor.run_stdin(&login, &format!("{PASS}\n")).success();
}

#[cfg(unix)]
#[test]
fn exec_renews_a_token_that_is_due_first() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let old = armor.token();
    // Make renewal due without waiting: 100 s of a 900 s token left (less than 2/3).
    armor.expire_in(100);
    let run = armor.run(&["exec", "--", "sh", "-c", r#"printf %s "$ARMOR_TOKEN""#]).success();
    assert_eq!(emu.reissues(), (1, 0));
    assert_ne!(run.stdout, old);
    assert_eq!(run.stdout, armor.token());
}

/// `armor emulator --tls` itself: the URL, then the CA file; `ARMOR_CA_BUNDLE` with that
/// file logs in; SIGTERM stops it and removes the CA file.
#[cfg(unix)]
#[test]
fn the_tls_emulator_command_prints_its_ca_file_after_the_url() {
    use std::io::{BufRead, BufReader};
    let armor = Armor::new();
    let mut child = armor
        .command(&["emulator", "--tls"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let stop = |child: &mut std::process::Child| {
        let _ = std::process::Command::new("kill").args(["-TERM", &pid]).status();
        child.wait().unwrap()
    };
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap();
    let ca = lines.next().unwrap().unwrap();
    let result = std::panic::catch_unwind(|| {
        assert!(url.starts_with("https://127.0.0.1:"), "{url}");
        assert!(std::fs::read_to_string(&ca).unwrap().starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
        let login = ["login", "--server", url.as_str(), "--username", USER, "--password-stdin"];
        let with_ca = Armor::new().env("ARMOR_CA_BUNDLE", &ca);
        with_ca.run_stdin(&login, &format!("{PASS}\n")).success();
        with_ca.run(&["token", "reissue"]).success();
    });
    let status = stop(&mut child);
    result.unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!std::path::Path::new(&ca).exists(), "the CA file outlived the emulator");
}

/// SIGTERM and SIGHUP sent to `armor exec` are passed on to its child, SIGINT (which a
/// terminal sends to the child itself) does not end armor, and armor returns the child's
/// status — also after a renewal, whose signal handlers used to end armor at once
/// (exit 130, the child left running) and a SIGTERM orphaned the child.
#[cfg(unix)]
#[test]
fn exec_passes_termination_signals_to_the_child_and_returns_its_status() {
    use std::io::{BufRead, BufReader};
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    // Ends with 42 on SIGTERM, 43 on SIGHUP, 9 if no signal came within 10 s.
    let script = r#"trap 'exit 42' TERM; trap 'exit 43' HUP; trap '' INT; echo ready
        i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; exit 9"#;
    for (renew, signals, code) in [
        (false, &["TERM"][..], 42),
        (false, &["HUP"][..], 43),
        (true, &["INT", "TERM"][..], 42),
        (true, &["HUP"][..], 43),
    ] {
        if renew {
            // Renewal due: 100 s of a 900 s token left.
            armor.expire_in(100);
        }
        let reissues = emu.reissues().0;
        let mut child = armor
            .command(&["exec", "--", "sh", "-c", script])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut ready).unwrap();
        assert_eq!(ready, "ready\n");
        assert_eq!(emu.reissues().0, reissues + u64::from(renew));
        for signal in signals {
            let sent = std::process::Command::new("kill")
                .args([&format!("-{signal}"), &child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
        }
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "renewed: {renew}, signals: {signals:?}: {status:?}");
    }
}

/// Renewal due while another process renews (holds the lock): `armor exec` waits for that
/// renewal and hands the child the new token, not the old one the renewal invalidates.
#[cfg(unix)]
#[test]
fn exec_waits_for_another_processs_renewal_instead_of_handing_out_the_old_token() {
    use std::io::{Read, Write};
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let old = armor.token();
    armor.expire_in(100);
    let mut s = armor.session();
    // The other process: takes the lock, ...
    let store = armor_client::SessionStore::new(armor.config_dir(), "default").unwrap();
    let lock = emu.rt.block_on(store.lock()).unwrap();
    let mut child = armor
        .command(&["-v", "exec", "--", "sh", "-c", r#"printf %s "$ARMOR_TOKEN""#])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Until armor exec waits for the lock (else the test could pass without the fix).
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut logged = String::new();
    while !logged.contains("waiting for the session lock") {
        let mut line = String::new();
        let read = std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
        assert!(read > 0, "armor exec ended without waiting for the lock: {logged}");
        logged += &line;
    }
    // ... exchanges the token and saves the new one, then lets go of the lock.
    let addr = emu.url().trim_start_matches("http://").to_owned();
    let body = format!(r#"{{"token":"{old}"}}"#);
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /auth/token/reissue HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let reply: serde_json::Value =
        serde_json::from_str(&answer[answer.find("\r\n\r\n").unwrap() + 4..]).unwrap();
    let new = reply["access_token"].as_str().unwrap().to_owned();
    let now = jiff::Timestamp::now();
    s["auth"]["access_token"] = serde_json::Value::String(new.clone());
    s["auth"]["issued_at"] = serde_json::Value::String(now.to_string());
    s["auth"]["expires_at"] =
        serde_json::Value::String((now + jiff::SignedDuration::from_secs(900)).to_string());
    std::fs::write(armor.session_path("default"), serde_json::to_vec_pretty(&s).unwrap()).unwrap();
    drop(lock);
    let out = child.wait_with_output().unwrap();
    std::io::Read::read_to_string(&mut stderr, &mut logged).unwrap();
    assert!(out.status.success(), "{out:?} {logged}");
    assert!(logged.contains(&format!("held by process {}", std::process::id())), "{logged}");
    assert!(!logged.contains(&new) && !logged.contains(&old), "no token in -v output");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), new, "the renewed token, not the invalidated one");
    assert_eq!(emu.reissues(), (1, 0), "armor exec sent no reissue of its own");
}
