//! Token rotation across processes, with faults: honest exit status on broken sockets,
//! advisory renewal, sane `expires_in`, prepared saves, deferred signals, bounded waits,
//! and loops of concurrent commands (the long ones are `#[ignore]`d; see each test).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::sleep;
use std::time::{Duration, Instant};

use armor_emulator::ReissueFault;

use crate::util::*;

const NEW_TOKEN: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn a_socket_the_server_closes_is_an_error_not_success() {
    // The emulator refuses bodies over 1 MiB early: the upload hits a closed socket
    // (EPIPE or reset) or gets 413; either way the command fails with one line.
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let big = armor.dir.path().join("big.json");
    std::fs::write(&big, format!("{{\"name\":\"{}\"}}", "x".repeat(10_000_000))).unwrap();
    let body = format!("@{}", big.display());
    let password = "p".repeat(10 * 1024 * 1024);
    for _ in 0..3 {
        armor.run(&["api", "PUT", "/apps/1", "--body", &body]).failure(&[]);
        let fresh = Armor::new();
        let run = fresh.run_stdin(
            &["login", "--server", emu.url(), "--username", USER, "--password-stdin"],
            &format!("{password}\n"),
        );
        let run = run.failure(&[]);
        assert!(fresh.session_bytes().is_none(), "{run:#?}");
    }
}

#[test]
fn a_failed_advisory_renewal_warns_once_and_a_failed_mandatory_one_fails() {
    let emu = Emu::with(|c| c.reissue_fault = Some(ReissueFault::Error));
    let armor = Armor::new();
    armor.login(&emu, &[]);
    // Advisory: 500 s of 900 left.
    let before = armor.expire_in(500);
    let run = armor.run(&["whoami"]).success();
    let warnings: Vec<_> = run.stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{run:#?}");
    assert!(warnings[0].contains("WARN") && warnings[0].contains("token renewal failed"), "{run:#?}");
    assert!(warnings[0].contains("HTTP 500"), "{run:#?}");
    assert_eq!(armor.session_bytes(), before, "unchanged");
    // Mandatory: the last minute.
    let before = armor.expire_in(30);
    armor.run(&["whoami"]).failure(&["/auth/token/reissue failed with HTTP 500"]);
    assert_eq!(armor.session_bytes(), before, "unchanged");
    assert_eq!(emu.stats().get("POST /auth/token/reissue").server_error, 2);
}

#[test]
fn unusable_expires_in_is_refused_and_the_session_left_byte_for_byte() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let cases: &[(&'static str, &str)] = &[
        (r#"{"access_token":"0123456789abcdef0123456789abcdef","token_type":"Bearer"}"#, "is missing"),
        (r#"{"access_token":"0123456789abcdef0123456789abcdef","expires_in":0}"#, "is 0"),
        (r#"{"access_token":"0123456789abcdef0123456789abcdef","expires_in":-15}"#, "-15 is negative"),
        (r#"{"access_token":"0123456789abcdef0123456789abcdef","expires_in":"fifteen"}"#, "not a number"),
        (r#"{"access_token":"0123456789abcdef0123456789abcdef","expires_in":null}"#, "is missing"),
        (r#"{"access_token":"0123456789abcdef0123456789abcdef","expires_in":1000000000000}"#, "24 hours"),
        (
            r#"{"access_token":"0123456789abcdef0123456789abcdef","expires_in":18446744073709551615}"#,
            "24 hours",
        ),
        (
            r#"{"access_token":"0123456789abcdef0123456789abcdef","expires_in":86401,"token_type":"FH-AUTH"}"#,
            "24 hours",
        ),
    ];
    for (body, needle) in cases {
        let server = canned_server(200, "application/json", body);
        repoint_session(&armor, &server);
        let before = armor.session_bytes();
        armor.run(&["token", "reissue"]).failure(&["expires_in", needle, "session was not changed"]);
        assert_eq!(armor.session_bytes(), before, "byte for byte: {body}");
    }
    // With minutes forced, 1441 minutes is over a day.
    let minutes = Armor::new().env("ARMOR_EXPIRES_IN_UNIT", "minutes");
    minutes.login(&emu, &[]);
    let server = canned_server(
        200,
        "application/json",
        r#"{"access_token":"0123456789abcdef0123456789abcdef","expires_in":1441}"#,
    );
    repoint_session(&minutes, &server);
    let before = minutes.session_bytes();
    minutes.run(&["token", "reissue"]).failure(&["1441 means 86460 s", "24 hours"]);
    assert_eq!(minutes.session_bytes(), before);
}

#[cfg(unix)]
#[test]
fn a_read_only_sessions_dir_fails_before_the_reissue_is_sent() {
    use std::os::unix::fs::PermissionsExt;
    let emu = Emu::start();
    let armor = Armor::unprivileged();
    armor.login(&emu, &[]);
    let sessions = armor.config_dir().join("sessions");
    let before = armor.session_bytes();
    std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o500)).unwrap();
    armor.run(&["token", "reissue"]).failure(&["could not create a temporary file in"]);
    assert_eq!(emu.stats().get("POST /auth/token/reissue").total, 0, "nothing was sent");
    assert_eq!(armor.session_bytes(), before);
    std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o700)).unwrap();
    armor.run(&["whoami"]).success();
    armor.run(&["token", "reissue"]).success();
    armor.run(&["whoami"]).success();
    assert_eq!(emu.reissues(), (1, 0));
}

#[test]
fn a_fresh_token_does_not_wait_behind_a_hung_reissue() {
    let emu = Emu::with(|c| c.reissue_fault = Some(ReissueFault::Hang));
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = armor.session_bytes();
    let mut hung =
        armor.command(&["token", "reissue"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    // Wait until it holds the profile's lock (it writes its pid into the lock file).
    let lock = armor.config_dir().join("sessions").join("default.lock");
    while std::fs::read_to_string(&lock).ok() != Some(hung.id().to_string()) {
        sleep(Duration::from_millis(5));
    }
    armor.run(&["whoami"]).success();
    armor.run(&["account", "list"]).success();
    assert!(hung.try_wait().unwrap().is_none(), "the reissue is still hanging, holding the lock");
    hung.kill().unwrap();
    hung.wait().unwrap();
    assert_eq!(armor.session_bytes(), before);
}

/// A server that answers the first request (the reissue) only after `go` is received,
/// with a valid token response; `got` reports that the request arrived.
fn held_reissue_server() -> (String, mpsc::Receiver<()>, mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (got_tx, got) = mpsc::channel();
    let (go, go_rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 65536];
        let _ = s.read(&mut buf);
        got_tx.send(()).unwrap();
        let _ = go_rx.recv();
        let body = format!(r#"{{"access_token":"{NEW_TOKEN}","expires_in":900,"token_type":"FH-AUTH"}}"#);
        let resp = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = s.write_all(resp.as_bytes());
    });
    (url, got, go)
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_reissue_waits_for_the_save_then_exits() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let (server, got, go) = held_reissue_server();
    repoint_session(&armor, &server);
    let child =
        armor.command(&["token", "reissue"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    got.recv().unwrap();
    let killed =
        std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    go.send(()).unwrap();
    let run = Run::from(child.wait_with_output().unwrap());
    assert_eq!(run.code, 128 + 15, "exits with SIGTERM's status after the save: {run:#?}");
    assert_eq!(armor.token(), NEW_TOKEN, "the new token was saved");
}

/// Runs `loops` of `args`, one after another per loop, until `for_`; counts failures
/// (printing the first few). Returns (runs, failures).
fn run_loops(armor: &Armor, loops: &[&[&str]], for_: Duration) -> (u64, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let runs = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    std::thread::scope(|scope| {
        for args in loops {
            let (stop, runs, failures) = (stop.clone(), runs.clone(), failures.clone());
            scope.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let run = armor.run(args);
                    runs.fetch_add(1, Ordering::SeqCst);
                    if run.code != 0 && failures.fetch_add(1, Ordering::SeqCst) < 3 {
                        eprintln!("failed: {args:?}: {}", run.stderr.trim());
                    }
                }
            });
        }
        sleep(for_);
        stop.store(true, Ordering::SeqCst);
    });
    (runs.load(Ordering::SeqCst), failures.load(Ordering::SeqCst))
}

const REISSUE: &[&str] = &["token", "reissue"];
const WHOAMI: &[&str] = &["whoami"];

fn reissue_and_whoami_loops(for_: Duration) {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let (runs, failures) = run_loops(&armor, &[REISSUE, WHOAMI, WHOAMI, WHOAMI, WHOAMI], for_);
    eprintln!("{runs} commands, {failures} failed; reissues (ok, refused): {:?}", emu.reissues());
    assert_eq!(failures, 0, "of {runs}");
    assert_eq!(emu.reissues().1, 0, "no reissue of a dead token");
    armor.run(&["whoami"]).success();
}

#[test]
fn reissue_and_whoami_loops_on_one_profile_never_fail() {
    reissue_and_whoami_loops(Duration::from_secs(3));
}

/// The issue's 30-second run: `cargo test -p armor-cli --test cli -- --ignored
/// reissue_and_whoami_loops_for_30_seconds --nocapture`.
#[test]
#[ignore = "30 s; run by hand (see the doc comment)"]
fn reissue_and_whoami_loops_for_30_seconds() {
    reissue_and_whoami_loops(Duration::from_secs(30));
}

/// 200 `kill -9` of random `armor` processes over 60 s across eight loops of
/// `token reissue` / `whoami` (token TTL 30 s), then `armor whoami`. Run with
/// `cargo test -p armor-cli --test cli -- --ignored kill_nine --nocapture`; it prints how
/// often a kill landed in the window between a reissue's exchange and its save, which
/// strands the session (README, "What a crash can cost").
#[cfg(unix)]
#[test]
#[ignore = "60 s; run by hand (see the doc comment)"]
fn kill_nine_during_reissues() {
    let emu = Emu::short(30);
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<u32>();
    let mut stranded = 0;
    let mut kills = 0;
    std::thread::scope(|scope| {
        for i in 0..8 {
            let args: &[&str] = if i % 2 == 0 { REISSUE } else { WHOAMI };
            let (stop, tx, armor) = (stop.clone(), tx.clone(), &armor);
            scope.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let child: Child =
                        armor.command(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
                    let _ = tx.send(child.id());
                    let _ = Run::from(child.wait_with_output().unwrap());
                }
            });
        }
        drop(tx);
        let started = Instant::now();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut checked = Instant::now();
        while kills < 200 && started.elapsed() < Duration::from_secs(70) {
            sleep(Duration::from_millis(200));
            // The newest process, after a random 0-15 ms: most land inside a command.
            let Some(pid) = rx.try_iter().last() else { continue };
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            sleep(Duration::from_micros(seed % 15_000));
            let status = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .stderr(Stdio::null())
                .status()
                .unwrap();
            // Count only kills of a process that was still running.
            if status.success() {
                kills += 1;
            }
            // Stranded right now? (A whoami failing with 401 means the stored token is dead.)
            if checked.elapsed() > Duration::from_secs(2) {
                checked = Instant::now();
                let run = armor.run(&["whoami"]);
                if run.code != 0 && run.stderr.contains("401") {
                    stranded += 1;
                    eprintln!("stranded after {kills} kills: {}", run.stderr.trim());
                    armor.login(&emu, &[]);
                }
            }
        }
        stop.store(true, Ordering::SeqCst);
    });
    let after = armor.run(&["whoami"]);
    let temp_files = std::fs::read_dir(armor.config_dir().join("sessions"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    eprintln!(
        "{kills} kills; stranded {stranded} time(s) during the run; whoami afterwards: exit {} {}; \
         reissues (ok, refused): {:?}; temporary files left: {temp_files}",
        after.code,
        after.stderr.trim(),
        emu.reissues()
    );
    assert!(after.code == 0 || after.stderr.contains("401"), "{after:#?}");
}
