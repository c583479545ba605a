//! Automatic renewal and expiry with short token lifetimes, and many processes at once.

use std::process::Stdio;
use std::thread::sleep;
use std::time::Duration;

use crate::util::*;

fn short_lived(ttl: u64) -> (Emu, Armor) {
    let emu = Emu::short(ttl);
    // The emulator reports seconds with token type FH-AUTH; the auto rule reads them so.
    let armor = Armor::new();
    armor.login(&emu, &[]);
    (emu, armor)
}

/// A session of 900 s tokens, checked fresh, whose stored token is then put 400 s into
/// its lifetime: renewal is due without waiting, and a renewed token stays fresh for
/// 300 s however slowly the test machine runs the processes that follow (real short
/// lifetimes made these tests depend on the machine's speed).
fn renewal_due() -> (Emu, Armor) {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    armor.run(&["whoami"]).success();
    assert_eq!(emu.reissues(), (0, 0), "fresh: no reissue");
    armor.expire_in(500);
    (emu, armor)
}

#[test]
fn a_call_after_a_third_of_the_session_reissues_once() {
    let (emu, armor) = renewal_due();
    let first = armor.token();
    armor.run(&["whoami"]).success();
    assert_eq!(emu.reissues(), (1, 0));
    assert_ne!(armor.token(), first);
    armor.run(&["account", "list"]).success();
    armor.run(&["token", "print"]).success();
    assert_eq!(emu.reissues(), (1, 0), "the new token is fresh again");
}

#[test]
fn a_call_after_expiry_fails_with_the_time_and_removes_the_session() {
    let (emu, armor) = short_lived(2);
    let expires_at = armor.session()["auth"]["expires_at"].as_str().unwrap().to_owned();
    let shown = expires_at.parse::<jiff::Timestamp>().unwrap().to_string();
    sleep(Duration::from_millis(2200));
    let run = armor.run(&["whoami"]).failure(&["session expired at", "armor login"]);
    assert!(run.stderr.contains(&shown), "names {shown}: {run:#?}");
    assert!(armor.session_bytes().is_none(), "removed");
    armor.run(&["whoami"]).failure(&["no Armor session"]);
    assert_eq!(emu.reissues(), (0, 0));
    assert_eq!(emu.stats().get("GET /me").total, 1, "only login's");
}

#[test]
fn status_of_an_expired_session_says_so() {
    let (_emu, armor) = short_lived(1);
    sleep(Duration::from_millis(1200));
    let run = armor.run(&["status", "-o", "json"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert_eq!(run.json()["state"], "expired");
    assert_eq!(run.json()["seconds_remaining"], 0);
}

#[test]
fn sixteen_processes_at_once_reissue_exactly_once() {
    let (emu, armor) = renewal_due();
    let children: Vec<_> = (0..16)
        .map(|i| {
            let args: &[&str] = if i % 2 == 0 { &["whoami", "-o", "json"] } else { &["token", "print"] };
            armor.command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    for child in children {
        let run = Run::from(child.wait_with_output().unwrap());
        assert_eq!(run.code, 0, "{run:#?}");
    }
    assert_eq!(emu.reissues(), (1, 0), "exactly one reissue, and no stale token sent to it");
    // Renewal is advisory here: a process that finds it in progress goes on with the
    // still-valid token, and if the server has invalidated it meanwhile (401), resends
    // once with the new one. Every whoami ends with one success.
    let me = emu.stats().get("GET /me");
    assert_eq!(me.ok, 2 + 8, "login's, the first whoami's, and one per whoami: {me:?}");
    assert!(me.client_error <= 8, "at most one resend per whoami: {me:?}");
}
