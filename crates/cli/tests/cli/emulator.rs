//! `armor emulator`: prints its URL first and serves until stopped.

use crate::util::*;

#[test]
fn emulator_prints_its_url_first_and_serves() {
    let armor = Armor::new();
    let mut emulator = armor.emulator(&[
        "--token-ttl",
        "30",
        "--expires-in-unit",
        "seconds",
        "--demo-password",
        "s3cret-demo",
    ]);
    let url = &emulator.url;
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let rest: Vec<String> = emulator.lines.by_ref().take(2).map(Result::unwrap).collect();
    assert!(rest[0].contains(USER) && rest[1].contains("s3cret-demo"), "{rest:?}");
    let run = armor.login_at(url, "s3cret-demo", &[]).success();
    assert!(run.stdout.contains("Logged in"));
    assert_eq!(armor.session()["auth"]["length_secs"], 30);
}

#[test]
fn emulator_refuses_settings_it_cannot_serve() {
    let armor = Armor::new();
    armor.run(&["emulator", "--token-ttl", "45"]).failure(&["cannot be reported in minutes"]);
    armor.run(&["emulator", "--listen", "203.0.113.1:1"]).failure(&["cannot listen on 203.0.113.1:1"]);
}

#[test]
fn emulator_reissue_grace_and_fault_options() {
    let armor = Armor::new();
    let emulator =
        armor.emulator(&["--reissue-grace", "60", "--reissue-fault", "drop", "--reissue-fault-count", "1"]);
    armor.login_at(&emulator.url, PASS, &[]);
    let before = armor.session_bytes();
    // Applied, then the connection dropped: the answer never comes, nothing is stored.
    armor.run(&["token", "reissue"]).failure(&[
        "token reissue failed",
        "broke during POST",
        "may have acted on it",
    ]);
    assert_eq!(armor.session_bytes(), before);
    // The old token lives on for the grace period, and can be reissued once more.
    armor.run(&["whoami"]).success();
    armor.run(&["token", "reissue"]).success();
    armor.run(&["whoami"]).success();
    let run = armor.run(&["emulator", "--reissue-fault-count", "1"]);
    assert_eq!(run.code, 2, "a count without a fault is a usage error: {run:#?}");
}
