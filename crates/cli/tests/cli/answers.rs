//! Bounds on what a server's answer can make `armor` do: a body with too many JSON values
//! fails before it is decoded, and a change the server made (2xx) succeeds whatever shape
//! its answer has.

use crate::util::{Armor, Emu, Run};

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
        with_limit("50", &["vm", "list", "-o", format]).failure(&[
            "GET /vms",
            "more than the limit of 50 JSON values and keys",
            "set ARMOR_MAX_RESPONSE_VALUES to change the limit",
        ]);
    }
    with_limit("5000", &["vm", "list"]).success();
    with_limit("0", &["vm", "list"]).failure(&["ARMOR_MAX_RESPONSE_VALUES", "above 0"]);
}
