//! `armor emulator`: prints its URL first and serves until stopped.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::util::*;

#[test]
fn emulator_prints_its_url_first_and_serves() {
    let armor = Armor::new();
    let mut child = Killed(
        armor
            .command(&[
                "emulator",
                "--token-ttl",
                "30",
                "--expires-in-unit",
                "seconds",
                "--demo-password",
                "s3cret-demo",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let url = lines.next().unwrap().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let rest: Vec<String> = lines.by_ref().take(2).map(Result::unwrap).collect();
    assert!(rest[0].contains(USER) && rest[1].contains("s3cret-demo"), "{rest:?}");
    let run = armor
        .run_stdin(&["login", "--server", &url, "--username", USER, "--password-stdin"], "s3cret-demo\n")
        .success();
    assert!(run.stdout.contains("Logged in"));
    assert_eq!(armor.session()["auth"]["length_secs"], 30);
}

/// Kills the child when dropped, also when the test fails.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
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
    let mut child = Killed(
        armor
            .command(&[
                "emulator",
                "--reissue-grace",
                "60",
                "--reissue-fault",
                "drop",
                "--reissue-fault-count",
                "1",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = BufReader::new(child.0.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    armor.run_stdin(
        &["login", "--server", &url, "--username", USER, "--password-stdin"],
        &format!("{PASS}\n"),
    );
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
