//! API keys (ARMOR-PSK) and profiles through the real binary.

use armor_emulator::EmulatorConfig;

use crate::util::*;

const KEY: &str = EmulatorConfig::DEMO_API_KEY_ID;
const SECRET: &str = EmulatorConfig::DEMO_API_KEY_SECRET;

fn key_login(armor: &Armor, emu: &Emu, extra: &[&str]) -> Run {
    let mut args = vec!["login", "--server", emu.url(), "--api-key-id", KEY, "--api-key-secret-stdin"];
    args.extend_from_slice(extra);
    armor.run_stdin(&args, &format!("{SECRET}\n"))
}

fn assert_no_secret(run: &Run) {
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET), "secret leaked: {run:#?}");
}

#[test]
fn a_stored_api_key_works_for_every_session_command() {
    let emu = Emu::start();
    let armor = Armor::new();
    let run = key_login(&armor, &emu, &["--account", "1001", "-vv"]).success();
    assert_no_secret(&run);
    assert!(
        run.stdout.contains(&format!("with API key {KEY}")) && run.stdout.contains("do not expire"),
        "{run:#?}"
    );
    let s = armor.session();
    assert_eq!(s["auth"]["mode"], "api_key");
    assert_eq!(s["auth"]["key_id"], KEY);
    assert_eq!(s["account_id"], 1001);
    #[cfg(unix)]
    assert_eq!(mode(&armor.session_path("default")), 0o600, "the file holds the secret");

    let status = armor.run(&["status"]).success();
    assert!(
        status.stdout.contains(&format!("API key {KEY} (ARMOR-PSK)"))
            && status.stdout.contains("does not expire"),
        "{status:#?}"
    );
    assert_no_secret(&status);
    let j = armor.run(&["status", "-o", "json"]).success();
    assert_no_secret(&j);
    let j = j.json();
    assert_eq!(j["mode"], "api_key");
    assert_eq!(j["key_id"], KEY);
    assert_eq!(j["expires_at"], serde_json::Value::Null);
    assert_eq!(j["state"], "active");

    for args in [
        &["whoami"][..],
        &["account", "list"],
        &["account", "context"],
        &["account", "context", "1002"],
        &["-v", "whoami"],
    ] {
        assert_no_secret(&armor.run(args).success());
    }
    assert_eq!(armor.session()["account_id"], 1002);
    // Keys may not manage keys: the server's 403 comes through with its message.
    armor.run(&["api", "GET", "/users/4922/keys"]).failure(&["HTTP 403"]);
    let run = armor.run(&["-vv", "api", "GET", "/users/4922/keys"]);
    assert!(run.stderr.contains("cannot be used with ARMOR-PSK"), "{run:#?}");
    assert_no_secret(&run);
    armor.run(&["token", "print"]).failure(&["uses an API key", "no token"]);
    armor.run(&["token", "reissue"]).failure(&["uses an API key"]);
    let stats = emu.stats();
    assert_eq!(stats.get("POST /auth/authorize").total, 0);
    assert_eq!(stats.get("POST /auth/token/reissue").total, 0);
    assert_eq!(stats.get("GET /me").client_error, 0);
    armor.run(&["logout", "--yes"]).success();
    assert!(armor.session_bytes().is_none());
}

#[test]
fn a_key_from_the_environment_stores_nothing() {
    let emu = Emu::start();
    let armor = Armor::new()
        .env("ARMOR_SERVER", emu.url())
        .env("ARMOR_API_KEY_ID", KEY)
        .env("ARMOR_API_KEY_SECRET", SECRET)
        .env("ARMOR_ACCOUNT_ID", "1002");
    let me = armor.run(&["whoami", "-o", "json"]).success().json();
    assert_eq!(me["user"]["username"], USER);
    let list = armor.run(&["account", "list", "-o", "json"]).success();
    assert_eq!(list.json().as_array().unwrap().len(), 3);
    let status = armor.run(&["status", "-o", "json"]).success();
    assert_no_secret(&status);
    let j = status.json();
    assert_eq!(j["mode"], "api_key");
    assert_eq!(j["profile"], "(environment)");
    assert_eq!(j["account_id"], 1002);
    assert_eq!(j["session_file"], serde_json::Value::Null);
    armor.run(&["logout", "--yes"]).failure(&["ARMOR_API_KEY_ID", "nothing is stored"]);
    assert!(!armor.config_dir().exists(), "nothing written");
}

#[test]
fn half_a_key_in_the_environment_is_an_error() {
    Armor::new().env("ARMOR_API_KEY_ID", KEY).run(&["whoami"]).failure(&["ARMOR_API_KEY_SECRET is not"]);
    Armor::new().env("ARMOR_API_KEY_SECRET", SECRET).run(&["whoami"]).failure(&["ARMOR_API_KEY_ID is not"]);
}

#[test]
fn a_wrong_secret_is_refused_without_echoing_it() {
    let emu = Emu::start();
    let armor = Armor::new();
    let run = armor.run_stdin(
        &["login", "--server", emu.url(), "--api-key-id", KEY, "--api-key-secret-stdin"],
        "not-the-secret-123\n",
    );
    let run = run.failure(&["HTTP 401", "Signature does not match key"]);
    assert!(!run.stderr.contains("not-the-secret-123"));
    assert!(armor.session_bytes().is_none());
    armor
        .run(&["login", "--server", emu.url(), "--api-key-id", KEY])
        .failure(&["--api-key-secret-stdin", "ARMOR_API_KEY_SECRET"]);
    armor.run(&["login", "--api-key-secret-stdin"]).code.eq(&2).then_some(()).expect("needs --api-key-id");
}

#[test]
fn two_profiles_on_two_emulators_do_not_mix() {
    let (a, b) = (Emu::start(), Emu::with(|c| c.demo_username = "other@armor.example".into()));
    let armor = Armor::new();
    armor.login(&a, &["--account", "1001"]);
    let run = armor.run_stdin(
        &[
            "login",
            "--profile",
            "ci",
            "--server",
            b.url(),
            "--api-key-id",
            KEY,
            "--api-key-secret-stdin",
            "--account",
            "1002",
        ],
        &format!("{SECRET}\n"),
    );
    run.success();
    // Both at once, many times.
    let children: Vec<_> = (0..6)
        .map(|i| {
            let profile = if i % 2 == 0 { "default" } else { "ci" };
            armor
                .command(&["--profile", profile, "whoami", "-o", "json"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let run = Run::from(child.wait_with_output().unwrap());
        let want = if i % 2 == 0 { USER } else { "other@armor.example" };
        assert_eq!(run.json()["user"]["username"], want);
    }
    assert_eq!(armor.run(&["status", "-o", "json"]).success().json()["account_id"], 1001);
    let ci = armor.run(&["--profile", "ci", "status", "-o", "json"]).success().json();
    assert_eq!(
        (ci["server"].as_str(), ci["account_id"].as_u64(), ci["mode"].as_str()),
        (Some(b.url()), Some(1002), Some("api_key"))
    );
    assert_eq!(a.stats().get("GET /me").ok, 4, "1 login + 3 whoami, all on a");
    assert_eq!(b.stats().get("GET /me").ok, 4, "1 login + 3 whoami, all on b");

    let list = armor.run(&["profile", "list"]).success();
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert!(lines[0].contains("NAME") && lines[0].contains("MODE"), "{list:#?}");
    assert!(
        lines[1].contains("ci")
            && lines[1].contains("api_key")
            && lines[1].contains(KEY)
            && lines[1].contains("never"),
        "{list:#?}"
    );
    assert!(
        lines[2].starts_with('*') && lines[2].contains("default") && lines[2].contains(USER),
        "{list:#?}"
    );
    assert_no_secret(&list);

    armor.run(&["profile", "use", "ci"]).success();
    assert_eq!(armor.run(&["status", "-o", "json"]).success().json()["profile"], "ci");
    let j = armor.run(&["profile", "list", "-o", "json"]).success().json();
    assert_eq!(j[0]["name"], "ci");
    assert_eq!(j[0]["default"], true);
    armor
        .run(&["profile", "use", "nope"])
        .failure(&["no stored session for profile \"nope\"", "ci, default"]);
    // Logout removes only its own profile.
    armor.run(&["logout", "--yes"]).success();
    assert!(armor.session_path("default").exists() && !armor.session_path("ci").exists());
    armor.run(&["--profile", "default", "status"]).success();
}
