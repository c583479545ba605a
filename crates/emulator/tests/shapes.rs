//! The shape-mutation property: take a valid emulator response of every read endpoint,
//! replace any non-required field, at any depth, with `null`, `""`, `-1`, `0`, `[]`,
//! `{}`, a number as a string, or remove it. The client's models must still decode it,
//! and print it back as JSON. Every field of every sample is tried with every
//! replacement, then random combinations of several.

mod common;

use armor_core::accounts::{AccountAddress, AccountUser};
use armor_core::auth::TokenResponse;
use armor_core::infra::{Datacenter, Tier, Vm, VmDetail, Workload};
use armor_core::lenient::{self, One};
use armor_core::{Account, Me};
use armor_emulator::mutate::{KINDS, Step, fields, mutate_at};
use armor_emulator::{Emulator, EmulatorConfig};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

type Check = fn(Value) -> Result<String, String>;

fn check<T: DeserializeOwned + Serialize>(v: Value) -> Result<String, String> {
    let t: T = lenient::from_value(v).map_err(|e| format!("{}: {}", e.json_path, e.source))?;
    serde_json::to_string(&t).map_err(|e| e.to_string())
}

/// Every read endpoint's response, with the model the client reads it as.
async fn samples() -> Vec<(&'static str, Value, Check)> {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let http = reqwest::Client::new();
    let token = common::demo_token(&http, emu.url()).await;
    let reissue: Value = http
        .post(format!("{}/auth/token/reissue", emu.url()))
        .json(&serde_json::json!({"token": token}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = reissue["access_token"].as_str().unwrap().to_owned();
    let get = async |path: &str| -> Value {
        let r = http
            .get(format!("{}{path}", emu.url()))
            .header("Authorization", format!("FH-AUTH {token}"))
            .header("X-Account-Context", "1000")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}");
        r.json().await.unwrap()
    };
    let agent = "3f6c1a2e-8b4d-4e0f-9a71-5c2d8e9b0a14";
    let out: Vec<(&'static str, Value, Check)> = vec![
        ("/auth/token/reissue", reissue.clone(), check::<TokenResponse>),
        ("/me", get("/me").await, check::<Me>),
        ("/accounts", get("/accounts").await, check::<Vec<Account>>),
        ("/accounts/1000", get("/accounts/1000").await, check::<One<AccountAddress>>),
        ("/users", get("/users").await, check::<Vec<AccountUser>>),
        ("/users/4923", get("/users/4923").await, check::<One<AccountUser>>),
        ("/locations", get("/locations").await, check::<Vec<Datacenter>>),
        ("/vms", get("/vms").await, check::<Vec<Vm>>),
        ("/vms/2001", get("/vms/2001").await, check::<One<VmDetail>>),
        ("/vms/core/agent", get(&format!("/vms/core/{agent}")).await, check::<One<VmDetail>>),
        ("/apps", get("/apps").await, check::<Vec<Workload>>),
        ("/apps/1", get("/apps/1").await, check::<One<Workload>>),
        ("/apps/1/tiers", get("/apps/1/tiers").await, check::<Vec<Tier>>),
        ("/apps/1/tiers/11", get("/apps/1/tiers/11").await, check::<One<Tier>>),
    ];
    emu.stop().await;
    out
}

#[tokio::test]
async fn any_loose_field_decodes_and_prints() {
    let samples = samples().await;
    let mut covered = 0usize;
    for (path, sample, check) in samples {
        check(sample.clone()).unwrap_or_else(|e| panic!("{path} as sent: {e}"));
        let targets: Vec<Vec<Step>> = fields(&sample, path);
        assert!(!targets.is_empty(), "{path}");
        covered += targets.len();
        // Every field, at any depth, with every replacement, one at a time.
        for target in &targets {
            for kind in 0..KINDS {
                let mut v = sample.clone();
                mutate_at(&mut v, target, kind);
                if let Err(e) = check(v) {
                    panic!("{path}: field {target:?} replaced by kind {kind}: {e}");
                }
            }
        }
        // And several at once, as a property.
        let mut runner =
            TestRunner::new(Config { cases: 64, failure_persistence: None, ..Config::default() });
        let one = (0..targets.len(), 0..KINDS);
        runner
            .run(&proptest::collection::vec(one, 2..6), |changes| {
                let mut v = sample.clone();
                for (i, kind) in &changes {
                    mutate_at(&mut v, &targets[*i], *kind);
                }
                let r = check(v);
                prop_assert!(r.is_ok(), "{path}: {changes:?}: {r:?}");
                Ok(())
            })
            .unwrap();
    }
    assert!(covered > 500, "the samples have {covered} fields");
}

#[test]
fn a_required_field_that_is_missing_names_its_path() {
    let e = lenient::from_slice::<Vec<Account>>(br#"[{"id":1000},{"name":"x"}]"#).unwrap_err();
    assert_eq!(e.json_path, "[1]");
    assert!(e.source.to_string().contains("missing field `id`"), "{e:?}");
    let e = lenient::from_slice::<TokenResponse>(br#"{"access_token":null,"expires_in":15}"#).unwrap_err();
    assert_eq!(e.json_path, "access_token");
    let e = lenient::from_slice::<TokenResponse>(
        br#"{"access_token":"2261bac252204c2ea93ed32ea1ffd3ab","expires_in":"soon"}"#,
    )
    .unwrap_err();
    assert_eq!(e.json_path, "expires_in");
}

#[test]
fn the_mutations_break_a_model_that_is_not_tolerant() {
    #[derive(serde::Deserialize, Serialize)]
    struct Strict {
        #[allow(dead_code)]
        name: String,
    }
    let sample = serde_json::json!({"name": "web-01"});
    let targets = fields(&sample, "/x");
    let failures = (0..KINDS)
        .filter(|kind| {
            let mut v = sample.clone();
            mutate_at(&mut v, &targets[0], *kind);
            check::<Strict>(v).is_err()
        })
        .count();
    assert_eq!(failures, KINDS - 2, "every replacement but the two strings breaks a strict String field");
}
