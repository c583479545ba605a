//! Whole runs: the demo, verbose output without secrets, usage errors, pipes.

use std::process::Stdio;

use crate::util::*;

#[test]
fn verbose_output_never_contains_the_password_or_a_token() {
    let emu = Emu::start();
    let armor = Armor::new();
    let mut stderr = String::new();
    let mut tokens = Vec::new();
    let run = armor
        .run_stdin(
            &["-vv", "login", "--server", emu.url(), "--username", USER, "--password-stdin"],
            &format!("{PASS}\n"),
        )
        .success();
    stderr += &run.stderr;
    tokens.push(armor.token());
    assert!(run.stderr.contains("http request"), "-v logs requests: {run:#?}");
    stderr += &armor.run(&["-vv", "token", "reissue"]).success().stderr;
    tokens.push(armor.token());
    // Renewal due (the token is put 400 of its 900 s in), so whoami reissues it.
    armor.expire_in(500);
    stderr += &armor.run(&["-vvv", "whoami"]).success().stderr;
    tokens.push(armor.token());
    stderr += &armor.run(&["-vv", "account", "list"]).success().stderr;
    let run =
        Run::from(armor.command(&["account", "list"]).env("ARMOR_VERBOSE", "2").output().unwrap()).success();
    assert!(run.stderr.contains("http request"), "ARMOR_VERBOSE works like -vv: {run:#?}");
    stderr += &run.stderr;
    // `armor api` streams the body; it logs its request all the same.
    let run = armor.run(&["-vv", "api", "GET", "/me"]).success();
    assert!(run.stderr.contains("http request"), "-vv api logs its request: {run:#?}");
    stderr += &run.stderr;
    stderr += &armor.run(&["-v", "logout", "--yes"]).success().stderr;
    assert_eq!(emu.reissues(), (2, 0));
    assert!(!stderr.contains(PASS), "password leaked");
    for t in &tokens {
        assert!(!stderr.contains(t.as_str()), "token leaked");
    }
}

#[test]
fn demo_walks_through_the_lifecycle() {
    let armor = Armor::new();
    let run = armor.run(&["demo"]).success();
    for step in [
        "$ armor login",
        "$ armor status",
        "$ armor token reissue",
        "$ armor whoami",
        "$ armor logout --yes",
        "1 token reissue",
    ] {
        assert!(run.stdout.contains(step), "{step:?} missing: {run:#?}");
    }
    assert!(!armor.config_dir().exists(), "the demo leaves the user's config alone");
}

#[test]
fn usage_errors_exit_2() {
    let armor = Armor::new();
    for args in [&["--bogus"][..], &["auth"], &["status", "extra"], &["--output", "xml", "status"]] {
        let run = armor.run(args);
        assert_eq!(run.code, 2, "{run:#?}");
    }
    let run = armor.run(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("token") && run.stdout.contains("login"));
}

/// Commands are built on use (clap's `defer`); help, completions and man pages still see
/// every one, with its own about text.
#[test]
fn commands_built_on_use_still_show_whole_in_help_completions_and_man_pages() {
    let armor = Armor::new();
    let run = armor.run(&["api", "--help"]);
    assert!(run.stdout.starts_with("Call any API endpoint"), "{run:#?}");
    let run = armor.run(&["help", "vm", "list"]);
    assert!(run.code == 0 && run.stdout.contains("GET /vms"), "{run:#?}");
    let run = armor.run(&["completions", "bash"]);
    // The `help` subcommand's tree reaches the subcommands of each group.
    assert!(run.stdout.contains("armor__subcmd__help__subcmd__vm__subcmd__list"), "{}", run.stdout.len());
    assert!(run.stdout.contains("--body") && run.stdout.contains("--token-ttl"));
    let dir = armor.config_dir().join("man");
    assert_eq!(armor.run(&["man", dir.to_str().unwrap()]).code, 0);
    let page = std::fs::read_to_string(dir.join("armor-vm-list.1")).unwrap();
    assert!(page.contains("GET /vms"), "{page}");
    let api = std::fs::read_to_string(dir.join("armor-api.1")).unwrap();
    assert!(api.contains("Call any API endpoint"), "{api}");
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let armor = Armor::new();
    let mut child = armor
        .command(&["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty());
}
