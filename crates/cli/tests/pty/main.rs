//! The interactive paths through a real pseudo-terminal (expectrl): the username prompt,
//! the password prompt without echo, High-impact confirmations answered `y` and `n`, and
//! Ctrl-C at the password prompt.
//!
//! A test binary of its own, its tests one at a time: a pseudo-terminal's slave end is
//! open in the parent for a moment around the fork, and a process that another test
//! spawns in that moment inherits it and keeps the terminal open (no end of file) for
//! as long as it lives.
#![cfg(unix)]

use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession as Session;
use expectrl::{ControlCode, Eof, Expect};

#[path = "../cli/util.rs"]
#[allow(dead_code)]
mod util;

use util::*;

/// Held by each test: only one spawns processes at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `armor ARGS` on a new pseudo-terminal (stdin, stdout and stderr), in `armor`'s scratch
/// home with its scrubbed environment.
fn spawn(armor: &Armor, args: &[&str]) -> Session {
    let mut cmd = armor.command(args);
    cmd.stdin(std::process::Stdio::inherit());
    let mut s = Session::spawn(cmd).expect("spawn armor on a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

/// Everything it prints until it exits, and how it exited.
fn finish(mut s: Session) -> (String, WaitStatus) {
    let rest = s.expect(Eof).expect("armor to exit");
    // (Eof matches the whole rest of the output.)
    let text = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    let status = s.get_process().wait().expect("exit status");
    (text, status)
}

/// Waits until armor has turned the terminal's echo off (the prompt is printed just
/// before that; text typed in between would still be echoed by the terminal).
fn wait_for_echo_off(s: &Session) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while s.get_process().get_echo().expect("termios") {
        assert!(std::time::Instant::now() < deadline, "echo never turned off");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn exited(status: WaitStatus) -> Option<i32> {
    match status {
        WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    }
}

#[test]
fn login_prompts_for_username_and_hides_the_password() {
    let _serial = serial();
    let emu = Emu::start();
    let armor = Armor::new();
    let mut s = spawn(&armor, &["login", "--server", emu.url()]);
    // ptyprocess starts with echo off; a person's terminal has it on. (armor waits for
    // the user name first, so this cannot race with its own echo change.)
    s.get_process_mut().set_echo(true, Some(Duration::from_secs(20))).expect("echo on");
    s.expect("Username (e-mail): ").unwrap();
    s.send_line(USER).unwrap();
    // The user name is echoed, as typed text is on a terminal...
    let typed = s.expect("Password: ").unwrap();
    assert!(String::from_utf8_lossy(typed.before()).contains(USER), "no echo captured");
    wait_for_echo_off(&s);
    s.send_line(PASS).unwrap();
    let (text, status) = finish(s);
    assert_eq!(exited(status), Some(0), "{status:?}: {text}");
    assert!(text.contains("Logged in to"), "{text}");
    // ...but the password is not (it would be in the pty's output).
    assert!(!text.contains(PASS), "the password was echoed: {text:?}");
    assert_eq!(armor.session()["user"]["username"], USER);
}

#[test]
fn ctrl_c_at_the_password_prompt_stores_nothing() {
    let _serial = serial();
    let emu = Emu::start();
    let armor = Armor::new();
    let mut s = spawn(&armor, &["login", "--server", emu.url(), "--username", USER]);
    s.expect("Password: ").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    let (text, status) = finish(s);
    assert_ne!(exited(status), Some(0), "{status:?}: {text}");
    assert!(armor.session_bytes().is_none(), "a session was stored");
    assert_eq!(emu.requests(), 0);
}

#[test]
fn high_impact_confirmation_no_keeps_and_yes_changes() {
    let _serial = serial();
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let id = "2001";
    let before = armor.run(&["vm", "show", id, "-o", "json"]).success().json();

    let mut s = spawn(&armor, &["vm", "rename", id, "renamed-by-pty"]);
    s.expect("[y/N] ").unwrap();
    s.send_line("n").unwrap();
    let (text, status) = finish(s);
    assert_eq!(exited(status), Some(1), "{status:?}: {text}");
    assert!(text.contains("cancelled"), "{text}");
    let same = armor.run(&["vm", "show", id, "-o", "json"]).success().json();
    assert_eq!(same["name"], before["name"]);

    let mut s = spawn(&armor, &["vm", "rename", id, "renamed-by-pty"]);
    s.expect("[y/N] ").unwrap();
    s.send_line("y").unwrap();
    let (text, status) = finish(s);
    assert_eq!(exited(status), Some(0), "{status:?}: {text}");
    let after = armor.run(&["vm", "show", id, "-o", "json"]).success().json();
    assert_eq!(after["name"], "renamed-by-pty");

    // Logout is High impact too: `n` keeps the session.
    let mut s = spawn(&armor, &["logout"]);
    s.expect("[y/N] ").unwrap();
    s.send_line("n").unwrap();
    let (_, status) = finish(s);
    assert_eq!(exited(status), Some(1));
    assert!(armor.session_bytes().is_some());
}

#[test]
fn ctrl_c_during_exec_reaches_the_child_and_armor_returns_its_status() {
    let _serial = serial();
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let mut s = spawn(&armor, &["exec", "--", "sh", "-c", "echo ready; sleep 30"]);
    s.expect("ready").unwrap();
    // A Ctrl-C typed in the instant the child starts is now and then lost on the way to
    // the terminal's line discipline (seen: every process alive, none ignoring SIGINT):
    // type it again, as a person would, until the terminal closes.
    s.set_expect_timeout(Some(Duration::from_secs(2)));
    let mut text = String::new();
    for _ in 0..5 {
        s.send(ControlCode::EndOfText).unwrap();
        if let Ok(rest) = s.expect(Eof) {
            text = String::from_utf8_lossy(rest.as_bytes()).into_owned();
            break;
        }
    }
    let status = s.get_process().wait().expect("exit status");
    // The child died of SIGINT (2); armor lived to report it the shell way.
    assert_eq!(exited(status), Some(130), "{status:?}: {text}");
}
