//! `armor token reissue` (the seed) and `armor token print`, and every bad input.

use crate::util::*;

#[test]
fn reissue_replaces_the_token_and_keeps_the_start() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = armor.session();
    let run = armor.run(&["token", "reissue"]).success();
    assert!(run.stdout.contains("Token reissued for profile default"), "{run:#?}");
    let after = armor.session();
    assert_ne!(after["auth"]["access_token"], before["auth"]["access_token"]);
    assert_eq!(after["auth"]["started_at"], before["auth"]["started_at"]);
    assert!(after["auth"]["expires_at"].as_str() >= before["auth"]["expires_at"].as_str());
    assert_eq!(emu.reissues(), (1, 0));
    let j = armor.run(&["token", "reissue", "-o", "json"]).success().json();
    assert_eq!(j["state"], "active");
    assert_eq!(emu.reissues(), (2, 0));
}

#[test]
fn reissue_a_token_from_an_argument_or_stdin() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let t = armor.token();
    armor.run(&["token", "reissue", &t]).success();
    let t = armor.token();
    armor.run_stdin(&["token", "reissue", "-"], &format!("{t}\n")).success();
    assert_eq!(emu.reissues(), (2, 0));
}

#[test]
fn what_if_sends_nothing() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = armor.session_bytes();
    let sent = emu.requests();
    let run = armor.run(&["token", "reissue", "--what-if"]).success();
    assert!(run.stdout.contains("What if: POST") && run.stdout.contains("/auth/token/reissue"), "{run:#?}");
    assert_eq!(emu.requests(), sent);
    assert_eq!(armor.session_bytes(), before);
}

#[test]
fn confirm_without_a_terminal_refuses() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    armor.run(&["token", "reissue", "--confirm"]).failure(&["--confirm needs a terminal"]);
    assert_eq!(emu.reissues(), (0, 0));
}

#[test]
fn bad_tokens_are_refused_before_any_request() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = armor.session_bytes();
    let cases: [(&[&str], &str, &str); 6] = [
        (&["token", "reissue", ""], "", "invalid token: the token is empty"),
        (
            &["token", "reissue", "2261bac252204c2e a93ed32ea1ffd3a"],
            "",
            "invalid token: the token contains white space",
        ),
        (
            &["token", "reissue", "2261bac252204c2ea93ed32ea1ffd3\u{1b}b"],
            "",
            "invalid token: the token contains white space or control",
        ),
        (
            &["token", "reissue", "2261bac252204c"],
            "",
            "invalid token: the token is not 32 lowercase letters or digits (got 14",
        ),
        (&["token", "reissue", "-"], "", "no token on stdin"),
        (
            &["token", "reissue", "-"],
            "2261bac252204c2ea93ed32ea1ffd3a\t\n",
            "invalid token: the token contains white space",
        ),
    ];
    for (args, stdin, needle) in cases {
        let run = armor.run_stdin(args, stdin).failure(&[needle]);
        assert!(!run.stderr.contains("2261bac2"), "the token is not echoed: {run:#?}");
    }
    assert_eq!(emu.reissues(), (0, 0));
    assert_eq!(armor.session_bytes(), before);
}

#[test]
fn a_401_on_reissue_changes_nothing() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = armor.session_bytes();
    armor.run(&["token", "reissue", "0123456789abcdef0123456789abcdef"]).failure(&[
        "token reissue failed",
        "HTTP 401",
        "armor login",
    ]);
    assert_eq!(armor.session_bytes(), before);
    assert_eq!(emu.reissues(), (0, 1));
}

#[test]
fn an_unreachable_server_changes_nothing() {
    let mut emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    emu.stop();
    let before = armor.session_bytes();
    armor.run(&["token", "reissue"]).failure(&["could not reach", "/auth/token/reissue"]);
    assert_eq!(armor.session_bytes(), before);
}

#[test]
fn a_malformed_token_from_the_server_changes_nothing() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let bodies = [
        r#"{"access_token":"2261bac252204c","id_token":"x","expires_in":15,"token_type":"Bearer"}"#,
        r#"{"access_token":"2261BAC252204C2EA93ED32EA1FFD3AB","expires_in":15}"#,
    ];
    for body in bodies {
        repoint_session(&armor, &canned_server(200, "application/json", body));
        let before = armor.session_bytes();
        armor.run(&["token", "reissue"]).failure(&["malformed access token", "not changed"]);
        assert_eq!(armor.session_bytes(), before);
    }
    // A lifetime that is not a number is refused as such.
    repoint_session(
        &armor,
        &canned_server(
            200,
            "application/json",
            r#"{"access_token":"2261bac252204c2ea93ed32ea1ffd3ab","expires_in":"soon"}"#,
        ),
    );
    let before = armor.session_bytes();
    armor.run(&["token", "reissue"]).failure(&["expires_in is a string, not a number", "not changed"]);
    assert_eq!(armor.session_bytes(), before);
    // A token that expires at once would replace a live session with a dead one.
    for lifetime in ["0", "\"0\""] {
        let body: &'static str = Box::leak(
            format!(r#"{{"access_token":"2261bac252204c2ea93ed32ea1ffd3ab","expires_in":{lifetime}}}"#)
                .into_boxed_str(),
        );
        repoint_session(&armor, &canned_server(200, "application/json", body));
        let before = armor.session_bytes();
        armor.run(&["token", "reissue"]).failure(&["expires_in", "session was not changed"]);
        assert_eq!(armor.session_bytes(), before);
    }
}

#[test]
fn api_errors_keep_the_status_when_the_body_is_not_json() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    repoint_session(&armor, &canned_server(502, "text/html", "<html>Bad Gateway</html>"));
    armor.run(&["token", "reissue"]).failure(&["HTTP 502", "Bad Gateway"]);
    repoint_session(&armor, &canned_server(503, "text/plain", "maintenance window"));
    armor.run(&["token", "reissue"]).failure(&["HTTP 503", "maintenance window"]);
}

#[test]
fn print_shows_only_the_token() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let run = armor.run(&["token", "print"]).success();
    assert_eq!(run.stdout, format!("{}\n", armor.token()));
    assert_eq!(emu.reissues(), (0, 0));
}
