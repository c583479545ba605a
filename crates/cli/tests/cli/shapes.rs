//! Every read command against the loose shapes the real API sends: the demo tenant's
//! (parent -1, agent-only VMs with no name and vmId 0, padded currency, zone-less times,
//! products map, one-element lists), PascalCase `/me`, and responses with fields
//! mutated at random (`--mutate-responses`).

use crate::util::*;

/// The read commands, each in table and JSON form.
const READS: &[&[&str]] = &[
    &["status"],
    &["whoami"],
    &["account", "list"],
    &["account", "show", "1000"],
    &["account", "address"],
    &["account", "address", "1001"],
    &["datacenter", "list"],
    &["vm", "list"],
    &["vm", "show", "2001"],
    &["vm", "show", "3f6c1a2e-8b4d-4e0f-9a71-5c2d8e9b0a14"],
    &["workload", "list"],
    &["workload", "show", "1"],
    &["tier", "list", "--workload", "1"],
    &["tier", "show", "--workload", "1", "11"],
    &["user", "list"],
    &["user", "show", "4923"],
];

fn every_read_command(armor: &Armor) {
    for args in READS {
        armor.run(args).success();
        armor.run(&[args, &["-o", "json"][..]].concat()).success().json();
    }
    armor.run(&["token", "reissue"]).success();
    assert_eq!(armor.run(&["token", "print"]).success().stdout.trim().len(), 32);
    armor.run(&["logout", "--yes"]).success();
}

#[test]
fn every_read_command_shows_what_the_loose_demo_tenant_has() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let accounts = armor.run(&["account", "list", "-o", "json"]).success().json();
    assert_eq!(accounts[0]["parent"], -1);
    assert_eq!(accounts[0]["currency"], "USD", "read trimmed");
    assert!(armor.run(&["account", "show", "1000"]).success().stdout.contains("AA-CORE, ARMOR-COMPLETE"));
    // Agent-only VMs: listed with vmId 0 and no name (`-`), shown by their GUID.
    let vms = armor.run(&["vm", "list", "-o", "json"]).success().json();
    let agent = vms.as_array().unwrap().iter().find(|v| v["vmId"] == 0).unwrap();
    assert_eq!((&agent["name"], &agent["provider"]), (&serde_json::Value::Null, &serde_json::json!("aws")));
    let table = armor.run(&["vm", "list"]).success().stdout;
    let row = table.lines().find(|l| l.contains("Amazon Linux 2")).unwrap();
    assert!(row.starts_with("0 ") && row.contains(" - "), "{row}");
    let show = armor.run(&["vm", "show", "3f6c1a2e-8b4d-4e0f-9a71-5c2d8e9b0a14"]).success().stdout;
    assert!(
        show.contains("Name:") && show.lines().any(|l| l.starts_with("Workload:") && l.ends_with(" -")),
        "{show}"
    );
    // Zone-less .NET times are read as UTC.
    let user = armor.run(&["user", "show", "4923", "-o", "json"]).success().json();
    assert!(user["lastLogin"].as_str().unwrap().ends_with('Z'), "{user}");
    assert!(user["mustChangePassword"].is_boolean(), "unknown fields are kept");
    // workload show lists the embedded tiers and VMs.
    let w = armor.run(&["workload", "show", "1"]).success().stdout;
    assert!(
        w.contains("TIER") && w.contains("Database") && w.contains("web-01") && w.contains("db-02"),
        "{w}"
    );
    every_read_command(&armor);
}

#[test]
fn every_read_command_works_with_a_pascal_case_me() {
    let emu = Emu::with(|c| c.pascal_case_me = true);
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let who = armor.run(&["whoami"]).success().stdout;
    assert!(who.lines().any(|l| l.starts_with("User id:") && l.ends_with(" -")), "Links is \"\": {who}");
    assert!(who.contains("Dana Demo"), "{who}");
    every_read_command(&armor);
}

#[test]
fn every_read_command_survives_mutated_responses() {
    for seed in [1, 2, 3, 42] {
        let emu = Emu::with(|c| c.mutate_responses = Some(seed));
        let armor = Armor::new();
        armor.login(&emu, &[]);
        every_read_command(&armor);
    }
}

#[test]
fn a_missing_access_token_is_a_one_line_error_naming_it() {
    let url = canned_server(200, "application/json", r#"{"code":"abc","success":true,"expires_in":15}"#);
    let armor = Armor::new();
    let run = armor.run_stdin(&["login", "--server", &url, "--username", USER, "--password-stdin"], "pw\n");
    let run = run.failure(&["/auth/token", "missing field `access_token`"]);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{run:?}");
    assert!(armor.session_bytes().is_none());
}

#[test]
fn changes_read_the_one_element_lists_the_v1_documents_answer() {
    // The v1 documents answer power actions, renames, new tiers and orders with a list of
    // one: the change was made, so the command must not fail on the shape.
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let body = r#"[{"id":6,"name":"nn","status":4,"tiers":[{"id":2,"name":"T","vms":[]}],"vms":[]}]"#;
    repoint_session(&armor, &canned_server(200, "application/json", body));
    for args in [
        &["vm", "start", "6"][..],
        &["vm", "stop", "6", "--yes"],
        &["vm", "rename", "6", "nn", "--yes"],
        &["workload", "rename", "1", "nn", "--yes"],
        &["tier", "add", "--workload", "1", "T"],
        &["tier", "rename", "--workload", "1", "2", "T", "--yes"],
    ] {
        armor.run(args).success();
    }
    let order = vm_create("n", "2", &["--secret-stdin", "--yes"]);
    armor.run_stdin(&order, "Secret-123\n").success();
}

#[test]
fn a_blank_username_in_me_is_a_one_line_error_naming_it() {
    // One body for authorize, token and /me: all but the user is fine.
    let body = r#"{"code":"abc","access_token":"0123456789abcdef0123456789abcdef","expires_in":15,
        "token_type":"Bearer","user":{"username":"  "},"accounts":[{"id":1}]}"#;
    let url = canned_server(200, "application/json", body);
    let armor = Armor::new();
    let run = armor.run_stdin(&["login", "--server", &url, "--username", USER, "--password-stdin"], "pw\n");
    let run = run.failure(&["GET /me", "user.username", "non-blank"]);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{run:?}");
    assert!(armor.session_bytes().is_none());
}

#[test]
fn every_read_command_works_against_armor_emulator_mutate_responses() {
    let armor = Armor::new();
    let emulator = armor.emulator(&["--mutate-responses", "9", "--pascal-case-me"]);
    armor.login_at(&emulator.url, PASS, &[]);
    armor.run(&["status"]).success();
    every_read_command(&armor);
}

#[test]
fn waiting_on_a_vm_without_a_status_is_a_one_line_error_naming_it() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    // A server that answers every request with a VM that has no numeric status.
    let url = canned_server(200, "application/json", r#"{"id":2001,"name":"web-01","status":"on"}"#);
    repoint_session(&armor, &url);
    let run = armor.run(&["vm", "start", "2001", "--wait", "--server", &url]);
    run.failure(&["GET /vms/2001", "`status`", "no VM status"]);
}
