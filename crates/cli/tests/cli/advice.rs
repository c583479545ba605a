//! The advice the CLI adds to library errors: `armor-client` says what happened and which
//! kind of error it is; `armor` says what to do about it with its own commands and flags.
//! These tests pin the whole error line.

use crate::util::{Armor, Emu};

#[test]
fn no_session_advises_login() {
    let run = Armor::new().run(&["whoami"]).failure(&[]);
    assert_eq!(run.stderr, "error: no Armor session for profile \"default\"; run `armor login`\n");
}

#[test]
fn another_server_advises_login_there_or_another_profile() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let run = armor.run(&["whoami", "--server", "https://api.example.com"]).failure(&[]);
    let expected = format!(
        "error: profile \"default\" is logged in to {}, not https://api.example.com; \
         run `armor login --server https://api.example.com` or use another --profile\n",
        emu.url().trim_end_matches('/')
    );
    assert_eq!(run.stderr, expected);
}

#[test]
fn a_corrupt_session_advises_replacing_it() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    std::fs::write(armor.session_path("default"), b"not json").unwrap();
    let run = armor.run(&["whoami"]).failure(&[]);
    let path = armor.session_path("default");
    let expected = format!(
        "error: session file {} is corrupt or truncated: expected ident at line 1 column 2; \
         run `armor login` to replace it\n",
        path.display()
    );
    assert_eq!(run.stderr, expected);
}

#[test]
fn a_session_file_of_a_newer_format_is_named_and_left_alone() {
    let armor = Armor::new();
    let path = armor.session_path("default");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let newer = br#"{"format":99,"server":"https://api.armor.com","something_new":{"x":1}}"#;
    std::fs::write(&path, newer).unwrap();
    let run = armor.run(&["whoami"]).failure(&[]);
    let expected = format!(
        "error: session file {} has format 99, newer than this version reads (up to 1); \
         update armor, or run `armor login` to replace it\n",
        path.display()
    );
    assert_eq!(run.stderr, expected);
    assert_eq!(std::fs::read(&path).unwrap(), newer, "left as it was");
    // As the advice says, a login replaces it.
    let emu = Emu::start();
    armor.login(&emu, &[]);
    assert_eq!(armor.session()["format"], 1);
    armor.run(&["whoami"]).success();
}
