//! Faults and hostile peers: retries, bounded bodies, clean terminal output, no secrets
//! left behind, --what-if sending nothing, colour, and symlinks.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use armor_emulator::{EmulatorConfig, FaultRule};

use crate::util::{Armor, Emu, canned_server, raw_server, repoint_session, vm_create};

fn faulty(rules: &[&str]) -> Emu {
    let rules: Vec<FaultRule> = rules.iter().map(|r| r.parse().unwrap()).collect();
    Emu::with(|c| {
        c.faults = rules;
        c.power_delay = Duration::ZERO;
    })
}

#[test]
fn reads_are_retried_and_logged_with_v() {
    // Rate 0.5 spreads faults evenly: every other GET /vms fails once, then succeeds.
    let emu = faulty(&["GET /vms=503:0.5", "GET /me=reset:0.5"]);
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let mut retried = 0;
    for _ in 0..4 {
        let run = armor.run(&["-v", "vm", "list"]).success();
        retried += run.stderr.matches("retrying").count();
        let run = armor.run(&["-v", "whoami"]).success();
        retried += run.stderr.matches("retrying").count();
    }
    assert!(retried >= 4, "{retried}");
    let stats = emu.stats();
    assert!(stats.faults["GET /vms=503"] >= 2 && stats.faults["GET /me=reset"] >= 2, "{stats:?}");
    assert_eq!(stats.get("GET /vms").ok, 4);
}

#[test]
fn reads_give_up_after_three_attempts() {
    let emu = faulty(&["GET /vms=503:1"]);
    let armor = Armor::new();
    armor.login(&emu, &[]);
    armor.run(&["vm", "list"]).failure(&["GET /vms failed with HTTP 503"]);
    assert_eq!(emu.stats().faults["GET /vms=503"], u64::from(armor_client::MAX_ATTEMPTS));
}

#[test]
fn changes_are_never_retried() {
    let emu = faulty(&["POST /vms/{id}/power/off=reset:1", "PUT /vms/{id}=503:1"]);
    let armor = Armor::new();
    armor.login(&emu, &[]);
    armor
        .run(&["vm", "stop", "2001", "--type", "poweroff", "--yes"])
        .failure(&["/vms/2001/power/off", "may have acted on it"]);
    armor.run(&["vm", "rename", "2001", "x", "--yes"]).failure(&["HTTP 503"]);
    let stats = emu.stats();
    assert_eq!(stats.faults["POST /vms/{id}/power/off=reset"], 1, "{stats:?}");
    assert_eq!(stats.faults["PUT /vms/{id}=503"], 1, "{stats:?}");
    assert_eq!(stats.get("POST /vms/{id}/power/{action}").total, 0);
}

/// A server whose first `broken` answers announce 100 bytes, send 2 and close; the rest
/// answer `[]`. Returns the URL and the number of requests it has had.
fn broken_body_server(broken: usize) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let url = raw_server(move |n| {
        seen.fetch_add(1, Ordering::SeqCst);
        let resp = if n < broken {
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{"
        } else {
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]"
        };
        resp.into()
    });
    (url, count)
}

#[test]
fn reads_whose_body_breaks_off_are_retried_and_changes_are_not() {
    use std::sync::atomic::Ordering;
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let (url, count) = broken_body_server(2);
    repoint_session(&armor, &url);
    let run = armor.run(&["-v", "vm", "list"]).success();
    assert_eq!(run.stderr.matches("the response body broke off").count(), 2, "{run:#?}");
    assert_eq!(count.load(Ordering::SeqCst), 3);
    // Three attempts in all, then the error.
    let (url, count) = broken_body_server(3);
    repoint_session(&armor, &url);
    // The server was reached: the error says that its answer broke off.
    let run = armor
        .run(&["vm", "list"])
        .failure(&["the answer to GET", "/vms (HTTP 200) broke off before its end"]);
    assert!(!run.stderr.contains("could not reach") && !run.stderr.contains("may have acted"), "{run:#?}");
    assert_eq!(count.load(Ordering::SeqCst), 3);
    // A change is sent once, and the server may have acted on it.
    let (url, count) = broken_body_server(1);
    repoint_session(&armor, &url);
    armor.run(&["vm", "rename", "6", "x", "--yes"]).failure(&["/vms/6", "broke off", "may have acted on it"]);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

/// A server that answers every request with 200 and a body that never ends (or, with
/// `announce`, a Content-Length of 100 MB).
fn endless_server(announce: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let _ = s.read(&mut buf);
                let length = if announce { "Content-Length: 104857600\r\n" } else { "" };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n"
                );
                let _ = s.write_all(head.as_bytes());
                let chunk = [b'x'; 16384];
                while s.write_all(&chunk).is_ok() {}
            });
        }
    });
    url
}

#[test]
fn endless_and_huge_bodies_fail_clearly() {
    for announce in [false, true] {
        let url = endless_server(announce);
        let armor = Armor::new().env("ARMOR_MAX_RESPONSE_BYTES", "1000000").env("ARMOR_PASSWORD", "pw");
        let run = armor.run(&["login", "--server", &url, "--username", "u"]).failure(&[
            "POST /auth/authorize",
            "larger than the limit of 1000000 bytes",
            "ARMOR_MAX_RESPONSE_BYTES",
        ]);
        assert_eq!(run.stderr.matches("to change the limit").count(), 1, "{run:#?}");
    }
    Armor::new()
        .env("ARMOR_MAX_RESPONSE_BYTES", "lots")
        .run(&["status"])
        .failure(&["ARMOR_MAX_RESPONSE_BYTES"]);
}

#[test]
fn server_text_is_plain_on_one_line() {
    let hostile = r#"{"message":"\u001b[2J\u001b]0;owned\u0007bad\u0007\nnews\r\nhere\u009b31m!"}"#;
    let url = canned_server(400, "application/json", hostile);
    let armor = Armor::new().env("ARMOR_PASSWORD", "pw");
    let run = armor.run(&["login", "--server", &url, "--username", "u"]).failure(&["bad news here!"]);
    assert!(!run.stderr.trim_end().chars().any(char::is_control), "{run:#?}");

    // Tables too; JSON stays exact.
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let vms = r#"[{"vmId":1,"name":"web\u001b[31m\u0007-01\nfake line","status":1,"location":"DFW01"}]"#;
    repoint_session(&armor, &canned_server(200, "application/json", vms));
    let run = armor.run(&["vm", "list"]).success();
    assert!(run.stdout.contains("web-01 fake line"), "{run:#?}");
    assert!(!run.stdout.chars().any(|c| c.is_control() && c != '\n'), "{run:#?}");
    let run = armor.run(&["vm", "list", "-o", "json"]).success();
    assert_eq!(run.json()[0]["name"], "web\u{1b}[31m\u{7}-01\nfake line");
}

#[test]
fn a_hostile_user_name_is_plain_in_login_logout_and_v_output() {
    // One body for authorize, token and /me.
    let body = r#"{"code":"abc","access_token":"0123456789abcdef0123456789abcdef","expires_in":15,
        "token_type":"Bearer","user":{"username":"ev\u001b]0;T\u0007il\u001b[2J\nfake"},"accounts":[{"id":1}]}"#;
    let url = canned_server(200, "application/json", body);
    let armor = Armor::new().env("ARMOR_PASSWORD", "pw");
    let run = armor.run(&["-v", "login", "--server", &url, "--username", "u"]).success();
    assert!(run.stdout.contains("as evil fake (profile default)"), "{run:#?}");
    assert!(!run.stdout.chars().any(|c| c.is_control() && c != '\n'), "{run:#?}");
    assert!(!run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'), "{run:#?}");
    let run = armor.run(&["logout", "--what-if"]).success();
    assert!(run.stdout.contains("(evil fake on"), "{run:#?}");
    assert!(!run.stdout.chars().any(|c| c.is_control() && c != '\n'), "{run:#?}");
}

#[test]
fn api_errors_quote_a_bounded_part_of_the_body() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let long: &'static str =
        Box::leak(format!("{{\"Message\":\"{}\"}}", "y".repeat(20_000)).into_boxed_str());
    repoint_session(&armor, &canned_server(500, "application/json", long));
    let run = armor.run(&["api", "GET", "/vms"]).failure(&["answered HTTP 500 (expected 2xx)"]);
    assert!(run.stderr.len() < 1000 && run.stdout.is_empty(), "{run:#?}");
    let run = armor.run(&["vm", "list"]).failure(&["GET /vms failed with HTTP 500"]);
    assert!(run.stderr.len() < 1000, "{run:#?}");
}

#[test]
fn an_odd_field_in_an_error_body_does_not_hide_its_message() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    // camelCase names, the status as a string, a numeric reference id, an object error.
    let body = r#"{"message":"VM 5 is locked","status":"409","referenceId":12345,"error":{"code":"x"}}"#;
    repoint_session(&armor, &canned_server(409, "application/json", body));
    let run = armor
        .run(&["vm", "list"])
        .failure(&["GET /vms failed with HTTP 409: VM 5 is locked (reference id 12345)"]);
    assert!(!run.stderr.contains("\"status\""), "{run:#?}");
}

#[test]
fn what_if_sends_nothing_with_an_environment_key() {
    let emu = Emu::start();
    let armor = Armor::new()
        .env("ARMOR_API_KEY_ID", EmulatorConfig::DEMO_API_KEY_ID)
        .env("ARMOR_API_KEY_SECRET", EmulatorConfig::DEMO_API_KEY_SECRET)
        .env("ARMOR_SERVER", emu.url());
    let server = ["--server", emu.url()];
    let commands: &[&[&str]] = &[
        &["vm", "stop", "2001", "--what-if"],
        &["vm", "start", "2001", "--what-if"],
        &["vm", "rename", "2001", "x", "--what-if"],
        &["vm", "remove", "2001", "--what-if"],
        &vm_create("n", "1", &["--what-if"]),
        &["workload", "rename", "1", "x", "--what-if"],
        &["workload", "remove", "1", "--what-if"],
        &["api", "DELETE", "/apps/1", "--what-if"],
    ];
    for args in commands {
        let mut all = server.to_vec();
        all.extend_from_slice(args);
        let run = armor.run(&all).success();
        assert!(run.stdout.contains("What if") && run.stdout.contains(emu.url()), "{args:?}: {run:#?}");
    }
    assert_eq!(emu.requests(), 0, "{:?}", emu.stats());
}

#[test]
fn empty_profile_is_an_error_and_no_colour_off_a_terminal() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.run(&["--profile", "", "status"]).failure(&["invalid profile name \"\""]);
    armor.login(&emu, &[]);
    let run = armor.run(&["-v", "whoami"]).success();
    assert!(run.stderr.contains("DEBUG") && !run.stderr.contains('\u{1b}'), "{run:#?}");
}

#[test]
fn stale_temp_files_are_removed_by_the_next_command_and_logout() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let sessions = armor.config_dir().join("sessions");
    let token = armor.token();
    let stale = |name: &str| {
        let p = sessions.join(name);
        std::fs::write(&p, format!("{{\"access_token\":\"{token}\"}}")).unwrap();
        p
    };
    let (a, other) = (stale(".default.AbC123.tmp"), stale(".other.XyZ789.tmp"));
    armor.run(&["vm", "list"]).success();
    assert!(!a.exists(), "the next command removes this profile's leftovers");
    assert!(other.exists(), "another profile's are left to it");
    let b = stale(".default.QwE456.tmp");
    armor.run(&["logout", "--yes"]).success();
    assert!(!b.exists());
    for entry in std::fs::read_dir(&sessions).unwrap() {
        let p = entry.unwrap().path();
        if p != other {
            assert!(!std::fs::read_to_string(&p).unwrap_or_default().contains(&token), "{}", p.display());
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinked_session_and_lock_files_are_refused() {
    use crate::util::mode;
    use std::os::unix::fs::{PermissionsExt, symlink};
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let session = armor.session_path("default");
    let target = armor.dir.path().join("elsewhere.json");
    std::fs::rename(&session, &target).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    symlink(&target, &session).unwrap();
    let shown = session.display().to_string();
    armor.run(&["status"]).failure(&[&shown, "symbolic link"]);
    armor.run(&["whoami"]).failure(&[&shown, "symbolic link"]);
    assert_eq!(mode(&target), 0o644, "the target's permissions are untouched");

    std::fs::remove_file(&session).unwrap();
    std::fs::rename(&target, &session).unwrap();
    std::fs::set_permissions(&session, std::fs::Permissions::from_mode(0o600)).unwrap();
    let lock = armor.config_dir().join("sessions").join("default.lock");
    let _ = std::fs::remove_file(&lock);
    let lock_target = armor.dir.path().join("created-by-armor");
    symlink(&lock_target, &lock).unwrap();
    armor.run(&["logout", "--yes"]).failure(&[&lock.display().to_string(), "symbolic link"]);
    assert!(!lock_target.exists(), "nothing is created at the link's target");
}

#[test]
fn an_endless_request_body_fails_clearly_and_sends_nothing() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = emu.requests();
    armor
        .run(&["api", "POST", "/apps/1/tiers", "--body", "@/dev/zero", "--yes"])
        .failure(&["the body from /dev/zero is larger than the limit of 33554432 bytes"]);
    let mut cmd = armor.command(&["api", "POST", "/apps/1/tiers", "--body", "-", "--yes"]);
    let stdin = std::fs::File::open("/dev/zero").unwrap();
    let run = crate::util::Run::from(cmd.stdin(stdin).output().unwrap());
    run.failure(&["the body from stdin is larger than the limit"]);
    assert_eq!(emu.requests(), before, "nothing was sent");
}
