//! Bounds on what a server's answer can make `armor` do: a body with too many JSON values
//! fails before it is decoded, and a change the server made (2xx) succeeds whatever shape
//! its answer has.

use crate::util::{Armor, Emu, Run, canned_server, repoint_session, vm_create};

#[test]
fn a_body_with_too_many_json_values_fails_before_it_is_decoded() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    let with_limit = |limit: &str, args: &[&str]| {
        Run::from(armor.command(args).env("ARMOR_MAX_RESPONSE_VALUES", limit).output().unwrap())
    };
    // The demo estate's VM list has hundreds of values and keys: over a limit of 50.
    for format in ["json", "table"] {
        let run = with_limit("50", &["vm", "list", "-o", format]).failure(&[
            "GET /vms",
            "more than the limit of 50 JSON values and keys",
            "set ARMOR_MAX_RESPONSE_VALUES to change the limit",
        ]);
        // The advice names the limit that was hit, once.
        assert_eq!(run.stderr.matches("to change the limit").count(), 1, "{run:#?}");
        assert!(!run.stderr.contains("ARMOR_MAX_RESPONSE_BYTES"), "{run:#?}");
    }
    with_limit("5000", &["vm", "list"]).success();
    with_limit("0", &["vm", "list"]).failure(&["ARMOR_MAX_RESPONSE_VALUES", "above 0"]);
}

#[test]
fn a_power_action_answered_with_an_odd_body_succeeds() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    for body in ["true", "", "\"OK\"", "null", "[]", "{\"id\":2001,\"name\":\"web-01\",\"status\":8}"] {
        repoint_session(&armor, &canned_server(200, "application/json", body));
        let run = armor.run(&["vm", "stop", "2001", "--yes"]).success();
        let line = if body.starts_with('{') {
            "VM 2001 (web-01): powered off."
        } else {
            "VM 2001: shut down accepted."
        };
        assert_eq!(run.stdout.trim(), line, "{body:?}: {run:#?}");
        let run = armor.run(&["vm", "start", "2001", "-o", "json"]).success();
        assert_eq!(run.json()["id"], 2001, "{body:?}: {run:#?}");
        let run = armor.run(&["vm", "rename", "2001", "new-name", "--yes"]).success();
        assert!(run.stdout.contains("VM 2001 is now named"), "{body:?}: {run:#?}");
    }
    // An error status is still an error.
    repoint_session(&armor, &canned_server(409, "application/json", "true"));
    armor.run(&["vm", "stop", "2001", "--yes"]).failure(&["409"]);
}

#[test]
fn a_vm_order_answered_with_several_orders_or_none_succeeds() {
    let emu = Emu::start();
    let armor = Armor::new().env("ARMOR_VM_SECRET", "Sup3r-secret!");
    armor.login(&emu, &[]);
    let args = vm_create("w", "1", &["--yes"]);
    let two = r#"[{"id":7,"status":"submitted","vms":[{"vmId":11}]},{"id":8,"status":"submitted","vms":[{"vmId":12}]}]"#;
    repoint_session(&armor, &canned_server(200, "application/json", two));
    let run = armor.run(&args).success();
    assert_eq!(run.stdout, "Order 7 submitted: VM(s) 11.\nOrder 8 submitted: VM(s) 12.\n", "{run:#?}");
    let run = armor.run(&[&args[..], &["-o", "json"]].concat()).success();
    assert_eq!(run.json()[1]["id"], 8);
    for body in ["true", "", "[1,2]"] {
        repoint_session(&armor, &canned_server(201, "application/json", body));
        let run = armor.run(&args).success();
        assert!(run.stdout.contains("Order placed"), "{body:?}: {run:#?}");
    }
}

#[test]
fn a_huge_error_body_is_quoted_as_text_not_built_into_a_tree() {
    let emu = Emu::start();
    let armor = Armor::new();
    armor.login(&emu, &[]);
    // 20,000 values in `detail` (a field kept as raw JSON): past what an error body is
    // read for, so its start is quoted instead of its message.
    let body = format!(r#"{{"message":"the message","detail":[{}1]}}"#, "1,".repeat(20_000));
    repoint_session(&armor, &canned_server(500, "application/json", Box::leak(body.into_boxed_str())));
    let run =
        armor.run(&["vm", "list"]).failure(&["HTTP 500", r#"{"message":"the message","detail":[1,1,1"#]);
    assert!(run.stderr.len() < 600, "{run:#?}");
    // A small one is read for its message.
    repoint_session(
        &armor,
        &canned_server(500, "application/json", r#"{"message":"the message","detail":[1]}"#),
    );
    let run = armor.run(&["vm", "list"]).failure(&["HTTP 500: the message"]);
    assert!(!run.stderr.contains("detail"), "{run:#?}");
}
