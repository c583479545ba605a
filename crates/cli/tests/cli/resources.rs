//! Resource commands through the real binary: happy paths in token and API-key mode,
//! --what-if, confirmation refusals, ids, wildcards, --wait, armor api.

use std::time::Duration;

use armor_emulator::EmulatorConfig;

use crate::util::*;

fn emu() -> Emu {
    Emu::with(|c| c.power_delay = Duration::from_millis(300))
}

/// Runs every resource command once, changing things, and checks the outcome.
fn exercise(armor: &Armor, emu: &Emu) {
    let run = |args: &[&str]| armor.run(args).success();
    let json = |args: &[&str]| armor.run(&[args, &["-o", "json"]].concat()).success().json();

    // Accounts, users, datacenters.
    assert!(run(&["account", "show", "1000"]).stdout.contains("Demo Corp"));
    assert_eq!(json(&["account", "show", "1001"])["name"], "Demo Corp - Staging");
    assert!(run(&["account", "address"]).stdout.contains("Richardson TX 75080"));
    assert_eq!(json(&["account", "address", "1002"])["accountId"], "1002");
    assert_eq!(json(&["user", "list"]).as_array().unwrap().len(), 5);
    assert_eq!(json(&["user", "show", "4923"])["email"], "sam.rivera@armor.example");
    assert!(run(&["datacenter", "list"]).stdout.contains("US Central"));

    // VMs.
    let vms = json(&["vm", "list"]);
    assert_eq!(vms.as_array().unwrap().len(), 16, "14 Complete VMs and 2 agent-only ones");
    let guid = vms[0]["coreInstanceId"].as_str().unwrap().to_owned();
    assert!(run(&["vm", "list"]).stdout.lines().next().unwrap().contains("WORKLOAD"));
    assert_eq!(json(&["vm", "show", "2001"])["name"], "web-01");
    assert_eq!(json(&["vm", "show", &guid])["id"], 2001);
    assert!(run(&["vm", "start", "2005", "--wait"]).stdout.contains("powered on"));
    assert!(run(&["vm", "stop", "2001", "--yes", "--wait"]).stdout.contains("powered off"));
    assert!(run(&["vm", "stop", "2002", "--type", "forceoff", "--yes"]).stdout.contains("powered off"));
    assert!(
        run(&["vm", "stop", "2004", "--type", "poweroff", "--yes", "--wait", "--timeout", "30"])
            .stdout
            .contains("powered off")
    );
    assert!(run(&["vm", "restart", "2006", "--yes", "--wait"]).stdout.contains("powered on"));
    assert!(run(&["vm", "reset", "2007", "--yes"]).stdout.contains("transitioning"));
    run(&["vm", "rename", "2008", "pay-api-01b", "--yes"]);
    assert_eq!(json(&["vm", "show", "2008"])["name"], "pay-api-01b");
    run(&["vm", "remove", "2009", "--yes", "--delete-now"]);
    armor.run(&["vm", "show", "2009"]).failure(&["HTTP 404", "not found"]);
    let order = armor.run_stdin(
        &vm_create("cli-vm", "11", &["--disk", "60", "--secret-stdin", "--yes", "-o", "json"]),
        "Str0ng-Secret!\n",
    );
    let order = order.success().json();
    let new_id = order["vms"][0]["vmId"].as_u64().unwrap().to_string();
    assert_eq!(json(&["vm", "show", &new_id])["name"], "cli-vm");

    // Workloads and tiers.
    assert_eq!(json(&["workload", "list"]).as_array().unwrap().len(), 3);
    assert!(run(&["workload", "show", "1"]).stdout.contains("Database"));
    run(&["workload", "rename", "2", "Payments v2", "--yes"]);
    assert_eq!(json(&["workload", "show", "2"])["name"], "Payments v2");
    assert!(run(&["tier", "add", "--workload", "3", "Blue"]).stdout.contains("added to workload 3"));
    let tiers = json(&["tier", "list", "--workload", "3"]);
    let blue = tiers.as_array().unwrap().iter().find(|t| t["name"] == "Blue").unwrap()["id"].to_string();
    assert_eq!(json(&["tier", "show", "--workload", "3", &blue])["name"], "Blue");
    run(&["tier", "rename", "--workload", "3", &blue, "Green", "--yes"]);
    assert_eq!(json(&["tier", "show", "--workload", "3", &blue])["name"], "Green");
    run(&["tier", "remove", "--workload", "3", &blue, "--yes"]);
    run(&["workload", "remove", "3", "--yes"]);
    armor.run(&["workload", "show", "3"]).failure(&["HTTP 404"]);

    // Raw calls.
    let body = armor
        .run_stdin(&["api", "POST", "/apps/1/tiers", "--body", "-"], r#"{"name":"From stdin"}"#)
        .success();
    assert!(body.stdout.contains("From stdin"), "{body:#?}");
    assert!(run(&["api", "GET", "/locations"]).stdout.contains("DFW01"));
    let stats = emu.stats();
    for key in [
        "POST /orders/vms",
        "PUT /vms/{id}",
        "DELETE /vms/{id}",
        "POST /vms/{id}/power/{action}",
        "POST /apps/{id}/tiers",
        "DELETE /apps/{id}",
    ] {
        assert!(stats.get(key).ok >= 1, "{key} was called: {stats:?}");
    }
    assert_eq!(stats.endpoints.values().map(|e| e.server_error).sum::<u64>(), 0);
}

#[test]
fn every_resource_command_with_a_token() {
    let emu = emu();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    exercise(&armor, &emu);
}

#[test]
fn every_resource_command_with_an_api_key() {
    let emu = emu();
    let armor = Armor::new()
        .env("ARMOR_SERVER", emu.url())
        .env("ARMOR_API_KEY_ID", EmulatorConfig::DEMO_API_KEY_ID)
        .env("ARMOR_API_KEY_SECRET", EmulatorConfig::DEMO_API_KEY_SECRET);
    exercise(&armor, &emu);
    assert_eq!(emu.stats().get("POST /auth/authorize").total, 0);
    assert!(!armor.config_dir().exists());
}

#[test]
fn what_if_sends_nothing_and_hides_secrets() {
    let emu = emu();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = emu.requests();
    let cases: [&[&str]; 12] = [
        &["vm", "start", "2001", "--what-if"],
        &["vm", "stop", "2001", "--what-if"],
        &["vm", "restart", "2001", "--what-if"],
        &["vm", "reset", "2001", "--what-if"],
        &["vm", "rename", "2001", "x", "--what-if"],
        &["vm", "remove", "2001", "--what-if"],
        &["workload", "rename", "1", "x", "--what-if"],
        &["workload", "remove", "1", "--what-if"],
        &["tier", "add", "--workload", "1", "x", "--what-if"],
        &["tier", "rename", "--workload", "1", "11", "x", "--what-if"],
        &["tier", "remove", "--workload", "1", "11", "--what-if"],
        &["api", "DELETE", "/apps/1", "--what-if"],
    ];
    for args in cases {
        let run = armor.run(args).success();
        assert!(
            run.stdout.starts_with("What if: ")
                && run.stdout.contains(emu.url())
                && run.stdout.contains("Nothing was sent"),
            "{run:#?}"
        );
    }
    let run = armor.run(&["vm", "remove", "2001", "--what-if"]).success();
    assert!(
        run.stdout.contains("DELETE")
            && run.stdout.contains(r#""vmId":2001"#)
            && run.stdout.contains("X-Account-Context: 1000"),
        "{run:#?}"
    );
    let run = armor.env("ARMOR_VM_SECRET", "Top-Secret-99").run(&[
        "vm",
        "create",
        "--name",
        "n",
        "--location",
        "DFW01",
        "--sku",
        "A1-101",
        "--workload-name",
        "W",
        "--tier-name",
        "T",
        "--what-if",
    ]);
    let run = run.success();
    assert!(
        run.stdout.contains("POST")
            && run.stdout.contains("<redacted>")
            && !run.stdout.contains("Top-Secret-99"),
        "{run:#?}"
    );
    assert_eq!(emu.requests(), before, "nothing was sent");
}

#[test]
fn high_impact_commands_refuse_without_yes_or_a_terminal() {
    let emu = emu();
    let armor = Armor::new().env("ARMOR_VM_SECRET", "Str0ng-Secret!");
    armor.login(&emu, &[]);
    let before = emu.requests();
    let cases: [&[&str]; 10] = [
        &["vm", "stop", "2001"],
        &["vm", "restart", "2001"],
        &["vm", "reset", "2001"],
        &["vm", "rename", "2001", "x"],
        &["vm", "remove", "2001"],
        &vm_create("n", "11", &[]),
        &["workload", "rename", "1", "x"],
        &["workload", "remove", "1"],
        &["tier", "rename", "--workload", "1", "11", "x"],
        &["tier", "remove", "--workload", "1", "11"],
    ];
    for args in cases {
        armor.run(args).failure(&["without confirmation", "--yes"]);
    }
    // Medium impact: no prompt by default, but --confirm needs a terminal.
    armor.run(&["vm", "start", "2001", "--confirm"]).failure(&["--confirm needs a terminal"]);
    armor.run(&["tier", "add", "--workload", "1", "x", "--confirm"]).failure(&["--confirm needs a terminal"]);
    assert_eq!(emu.requests(), before, "nothing was sent");
    armor.run(&["vm", "start", "2001"]).success();
}

#[test]
fn ids_are_checked_before_any_request_and_unknown_ids_are_404() {
    let emu = emu();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let before = emu.requests();
    for (args, needle) in [
        (&["vm", "show", "abc"][..], "expected a VM id (a number) or a core instance GUID"),
        (&["vm", "show", "0"], "invalid VM id"),
        (&["vm", "stop", "3x", "--yes"], "invalid VM id"),
        (&["vm", "rename", "x1", "n", "--yes"], "invalid VM id"),
        (&["workload", "show", "1.5"], "invalid workload id"),
        (&["tier", "show", "--workload", "1", "t"], "invalid tier id"),
        (&["user", "show", "me"], "invalid user id"),
        (&["account", "show", "zero"], "invalid account id"),
        (&["api", "FETCH", "/vms"], "unsupported method"),
        (&["api", "GET", "vms"], "invalid path"),
        (&["api", "POST", "/apps/1/tiers", "--body", "{oops"], "not valid JSON"),
    ] {
        let run = armor.run(args);
        assert!(run.code == 1 && run.stderr.contains(needle), "{args:?}: {run:#?}");
    }
    assert_eq!(emu.requests(), before, "refused before any request");
    armor.run(&["vm", "show", "9999"]).failure(&["GET /vms/9999 failed with HTTP 404", "reference id"]);
    armor.run(&["vm", "show", "00000000-0000-0000-0000-000000000000"]).failure(&["HTTP 404"]);
    armor.run(&["vm", "stop", "9999", "--yes"]).failure(&["HTTP 404"]);
    armor.run(&["account", "show", "4242"]).failure(&["not one of your accounts"]);
    armor.run(&["account", "address", "4242"]).failure(&["HTTP 403"]);
}

#[test]
fn wildcard_filters() {
    let emu = emu();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let count = |args: &[&str]| {
        armor.run(&[args, &["-o", "json"]].concat()).success().json().as_array().unwrap().len()
    };
    assert_eq!(count(&["vm", "list", "--name", "web-*"]), 3);
    assert_eq!(count(&["vm", "list", "--name", "*DB-0?"]), 5);
    armor.run(&["vm", "list", "--name", "nothing*"]).failure(&["no VM", "nothing*"]);
    assert_eq!(count(&["user", "list", "--last-name", "smith*"]), 2);
    assert_eq!(count(&["user", "list", "--first-name", "?am", "--username", "*@armor.example"]), 1);
    assert_eq!(count(&["datacenter", "list", "--location", "dfw01"]), 1);
    assert_eq!(count(&["datacenter", "list", "--name", "US *"]), 2);
    assert_eq!(count(&["datacenter", "list", "--id", "4"]), 1);
    assert_eq!(count(&["workload", "list", "--name", "pay*"]), 1);
    assert_eq!(count(&["tier", "list", "--workload", "1", "--name", "*a*"]), 2);
}

#[test]
fn wait_reaches_the_state_or_times_out() {
    let emu = Emu::with(|c| c.power_delay = Duration::from_millis(400));
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let run = armor.run(&["vm", "stop", "2001", "--yes", "--wait", "-o", "json"]).success();
    assert_eq!(run.json()["status"], 8);
    assert!(emu.stats().get("GET /vms/{id}").ok >= 1, "it polled");
    let slow = Emu::with(|c| c.power_delay = Duration::from_secs(30));
    let armor = Armor::new();
    armor.login(&slow, &[]);
    armor
        .run(&["vm", "stop", "2001", "--yes", "--wait", "--timeout", "1"])
        .failure(&["timed out after 1s", "VM 2001"]);
}

#[test]
fn api_calls() {
    let emu = emu();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let file = armor.dir.path().join("tier.json");
    std::fs::write(&file, r#"{"name":"From file"}"#).unwrap();
    let run =
        armor.run(&["api", "POST", "/apps/1/tiers", "--body", &format!("@{}", file.display())]).success();
    assert!(run.stdout.contains("From file"));
    let run = armor.run(&["api", "GET", "/vms/9999"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.is_empty()
            && run.stderr.contains("answered HTTP 404 (expected 2xx): {")
            && run.stderr.contains("NotFound"),
        "{run:#?}"
    );
    let run = armor.run(&["api", "GET", "/vms/9999", "--expect", "404"]).success();
    assert!(run.stdout.contains("NotFound"), "{run:#?}");
    armor.run(&["api", "GET", "/vms", "--expect", "201"]).failure(&["expected 201"]);
    armor
        .run(&["api", "POST", "/apps/1/tiers", "--body", "@/nonexistent/x.json"])
        .failure(&["cannot read the body"]);
}
