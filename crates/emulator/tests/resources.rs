//! Resource endpoints over real HTTP: per-account scoping, power transitions on a manual
//! clock, renames, removals, orders, tiers, bad input; and every resource's shape
//! checked against the field names and types of Armor's v1 documents.

mod common;

use std::sync::Arc;
use std::time::Duration;

use armor_core::ManualClock;
use armor_emulator::{Emulator, EmulatorConfig};
use jiff::Timestamp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// Field names and JSON types of the v1 "Armor Services API" definitions
// (AccountVmDto, VmDetail, ApplicationDetail, LocationDto, OrderDto, GetUserResponse,
// AccountDetail, UserAccountDto, Disk, ProductDetail), transcribed for these tests.
const VM_LIST: &[(&str, &str)] = &[
    ("coreInstanceId", "string"),
    ("dateCreated", "string"),
    ("providerRefId", "string"),
    ("provider", "string"),
    ("hostName", "string"),
    ("externalAddress", "string"),
    ("isRegistered", "boolean"),
    ("dateRegistered", "string"),
    ("lastPing", "string"),
    ("needsReboot", "boolean"),
    ("customProvider", "string"),
    ("customLocation", "string"),
    ("instanceType", "string"),
    ("status", "integer"),
    ("isCore", "boolean"),
    ("externalVmIsDeleted", "boolean"),
    ("accountId", "integer"),
    ("vmId", "integer"),
    ("workLoadId", "integer"),
    ("workLoadName", "string"),
    ("location", "string"),
    ("operatingSystem", "string"),
    ("isArmor", "boolean"),
    ("ipAddress", "string"),
    ("zone", "string"),
    ("name", "string"),
    ("cpu", "integer"),
    ("memory", "integer"),
    ("storage", "integer"),
    ("statusId", "integer"),
    ("deployed", "boolean"),
    ("vcdOrgVdcId", "integer"),
    ("isRecoveryVm", "boolean"),
    ("product", "object"),
    ("tags", "array"),
    ("scheduledEvents", "array"),
    ("vmServices", "array"),
    ("multiVmVapp", "boolean"),
];
const VM_DETAIL: &[(&str, &str)] = &[
    ("hostType", "string"),
    ("canUseFluidScale", "boolean"),
    ("disks", "array"),
    ("isDeleted", "boolean"),
    ("canReplicate", "boolean"),
    ("id", "integer"),
    ("coreInstanceId", "string"),
    ("biosUuid", "string"),
    ("name", "string"),
    ("provider", "string"),
    ("location", "string"),
    ("zone", "string"),
    ("ipAddress", "string"),
    ("status", "integer"),
    ("appId", "integer"),
    ("appName", "string"),
    ("osId", "string"),
    ("os", "string"),
    ("deployed", "boolean"),
    ("cpu", "integer"),
    ("memory", "integer"),
    ("storage", "integer"),
    ("notes", "string"),
    ("vCenterId", "integer"),
    ("vCenterName", "string"),
    ("vcdOrgVdcId", "integer"),
    ("isRecoveryVm", "boolean"),
    ("coreDateRegistered", "string"),
    ("coreLastPing", "string"),
    ("latestCommunicationTimestamp", "string"),
    ("vmDateCreated", "string"),
    ("product", "object"),
    ("vmServices", "array"),
    ("uuid", "string"),
    ("isHealthy", "boolean"),
    ("health", "integer"),
    ("tags", "array"),
    ("scheduledEvents", "array"),
    ("advBackupStatus", "boolean"),
    ("advBackupSku", "string"),
    ("vmBackupInProgress", "boolean"),
    ("profileName", "string"),
    ("multiVmVapp", "boolean"),
    ("osProvider", "string"),
    ("currentOsName", "string"),
    ("currentOsId", "integer"),
    ("needsReboot", "boolean"),
    ("rebootMessage", "string"),
    ("dsmUrl", "string"),
    ("isWafProtected", "boolean"),
];
const WORKLOAD: &[(&str, &str)] = &[
    ("id", "integer"),
    ("name", "string"),
    ("location", "string"),
    ("zone", "string"),
    ("status", "integer"),
    ("deployed", "boolean"),
    ("tierCount", "integer"),
    ("vmCount", "integer"),
    ("totalCpu", "integer"),
    ("totalMemory", "integer"),
    ("totalStorage", "integer"),
    ("isRecoveryWorkload", "boolean"),
    ("tiers", "array"),
    ("notes", "string"),
    ("health", "integer"),
    ("tags", "array"),
];
const TIER: &[(&str, &str)] = &[("id", "integer"), ("name", "string"), ("vms", "array")];
const DATACENTER: &[(&str, &str)] = &[
    ("id", "integer"),
    ("location", "string"),
    ("name", "string"),
    ("zones", "array"),
    ("displayName", "string"),
];
const ORDER: &[(&str, &str)] = &[
    ("id", "integer"),
    ("accountId", "integer"),
    ("status", "string"),
    ("dateCreated", "string"),
    ("dateCompleted", "string"),
    ("vms", "array"),
    ("software", "array"),
    ("subscriptions", "array"),
];
const USER: &[(&str, &str)] = &[
    ("id", "integer"),
    ("status", "string"),
    ("title", "string"),
    ("firstName", "string"),
    ("lastName", "string"),
    ("email", "string"),
    ("phonePrimary", "object"),
    ("timezone", "string"),
    ("culture", "string"),
    ("permissions", "array"),
    ("lastModified", "string"),
    ("passwordLastSet", "string"),
    ("mustChangePassword", "boolean"),
    ("lastLogin", "string"),
    ("apiKeyCount", "integer"),
    ("isPrimaryBillingNotificationUser", "boolean"),
    ("isPrimaryAccountNotificationUser", "boolean"),
    ("isPrimaryTechnicalNotificationUser", "boolean"),
];
const ADDRESS: &[(&str, &str)] = &[
    ("name", "string"),
    ("accountId", "string"),
    ("addressLine1", "string"),
    ("addressLine2", "string"),
    ("city", "string"),
    ("state", "string"),
    ("postalCode", "string"),
    ("country", "string"),
    ("accountSignupType", "string"),
];
const ACCOUNT: &[(&str, &str)] = &[
    ("id", "integer"),
    ("currency", "string"),
    ("name", "string"),
    ("status", "string"),
    ("parent", "integer"),
    ("products", "object"),
    ("accountType", "string"),
    ("isSynced", "boolean"),
    ("isFreeTrial", "boolean"),
];
const DISK: &[(&str, &str)] = &[
    ("id", "integer"),
    ("capacity", "integer"),
    ("name", "string"),
    ("type", "string"),
    ("scsiBusNo", "integer"),
    ("scsiUnitNo", "integer"),
];
const PRODUCT: &[(&str, &str)] = &[
    ("sku", "string"),
    ("size", "string"),
    ("isExpired", "boolean"),
    ("storagePolicyClass", "string"),
    ("productCategory", "string"),
    ("productSubCategory", "string"),
];

/// Every field of `v` is in `shape` with the right JSON type (null allowed), and every
/// field in `required` is present and not null.
fn conforms(what: &str, v: &Value, shape: &[(&str, &str)], required: &[&str]) {
    let obj = v.as_object().unwrap_or_else(|| panic!("{what}: not an object: {v}"));
    for (k, val) in obj {
        let (_, ty) = shape
            .iter()
            .find(|(name, _)| name == k)
            .unwrap_or_else(|| panic!("{what}: field {k:?} is not in the v1 document"));
        let ok = match *ty {
            "integer" => val.is_i64() || val.is_u64(),
            "string" => val.is_string(),
            "boolean" => val.is_boolean(),
            "array" => val.is_array(),
            _ => val.is_object(),
        };
        assert!(ok || val.is_null(), "{what}: field {k:?} should be {ty}, is {val}");
    }
    for r in required {
        assert!(obj.get(*r).is_some_and(|x| !x.is_null()), "{what}: required field {r:?} missing in {v}");
    }
}

struct Env {
    emu: Emulator,
    clock: ManualClock,
    http: reqwest::Client,
    token: String,
}

impl Env {
    async fn new() -> Env {
        let clock = ManualClock::new(Timestamp::from_second(1_800_000_000).unwrap());
        let config = EmulatorConfig {
            clock: Arc::new(clock.clone()),
            power_delay: Duration::from_secs(5),
            ..Default::default()
        };
        let emu = Emulator::start(config).await.unwrap();
        let http = reqwest::Client::new();
        let url = emu.url().to_owned();
        let token = common::demo_token(&http, &url).await;
        Env { emu, clock, http, token }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        account: Option<u32>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.emu.url()))
            .header("Authorization", format!("FH-AUTH {}", self.token));
        if let Some(a) = account {
            req = req.header("X-Account-Context", a.to_string());
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(1000), None).await
    }
}

fn assert_api_error(body: &Value) {
    assert!(
        body["Message"].is_string() && body["ErrorCode"].is_string() && body["ReferenceId"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn every_resource_matches_the_v1_shapes() {
    let env = Env::new().await;
    let (s, vms) = env.get("/vms").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(vms.as_array().unwrap().len(), 16);
    for v in vms.as_array().unwrap() {
        if v["isCore"] == true {
            conforms("vm", v, VM_LIST, &["vmId", "name", "status", "coreInstanceId", "location"]);
            conforms("product", &v["product"], PRODUCT, &["sku"]);
        } else {
            // Agent-only (Armor Anywhere on AWS): vmId 0, no name, no product.
            conforms("agent vm", v, VM_LIST, &["vmId", "coreInstanceId", "provider"]);
            assert_eq!(
                (v["vmId"].as_i64(), &v["name"], &v["provider"]),
                (Some(0), &Value::Null, &json!("aws"))
            );
            let (s, d) = env.get(&format!("/vms/core/{}", v["coreInstanceId"].as_str().unwrap())).await;
            assert_eq!(s, StatusCode::OK);
            conforms("agent vm detail", &d[0], VM_DETAIL, &["id", "coreInstanceId"]);
        }
    }
    assert_eq!(vms.as_array().unwrap().iter().filter(|v| v["vmId"] == 0).count(), 2);
    let (_, vm) = env.get("/vms/2001").await;
    conforms("vm detail", &vm, VM_DETAIL, &["id", "name", "status", "appId", "os"]);
    conforms("disk", &vm["disks"][0], DISK, &["id", "capacity"]);
    let guid = vm["coreInstanceId"].as_str().unwrap();
    let (s, by_guid) = env.get(&format!("/vms/core/{guid}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(by_guid[0]["id"], 2001, "a one-element list, as the v1 document says");
    let (_, apps) = env.get("/apps").await;
    for a in apps.as_array().unwrap() {
        conforms("workload", a, WORKLOAD, &["id", "name", "vmCount", "tierCount"]);
        assert!(a.get("tiers").is_none(), "the list has no tiers");
    }
    let (_, app) = env.get("/apps/1").await;
    conforms("workload detail", &app, WORKLOAD, &["id", "tiers"]);
    for t in app["tiers"].as_array().unwrap() {
        conforms("tier", t, TIER, &["id", "name", "vms"]);
    }
    let (_, locations) = env.get("/locations").await;
    assert_eq!(locations.as_array().unwrap().len(), 4);
    conforms("datacenter", &locations[0], DATACENTER, &["id", "location", "name"]);
    let (_, users) = env.get("/users").await;
    assert!(users.as_array().unwrap().len() >= 5);
    for u in users.as_array().unwrap() {
        conforms("user", u, USER, &["id", "email"]);
    }
    let (_, address) = env.get("/accounts/1000").await;
    conforms("address", &address[0], ADDRESS, &["name", "accountId", "city"]);
    let (_, accounts) = env.get("/accounts").await;
    conforms("account", &accounts[0], ACCOUNT, &["id", "name"]);
    assert_eq!(accounts[0]["parent"], -1, "a top-level account");
    assert_eq!(accounts[0]["currency"], "USD       ", "padded, as .NET sends it");
    assert!(accounts[0]["products"]["ARMOR-COMPLETE"].is_array(), "products map to features");
    let order = json!({"name": "new-vm", "location": "DFW01", "appId": 1, "tierId": 11, "storage": [{"size": 50, "sku": "SAN-001"}], "secret": "Str0ng-Secret!", "sku": "A1-101", "quantity": 1});
    let (s, placed) = env.call(Method::POST, "/orders/vms", Some(1000), Some(order)).await;
    assert_eq!(s, StatusCode::OK, "{placed}");
    conforms("order", &placed, ORDER, &["id", "accountId", "status", "vms"]);
    assert_eq!(placed["vms"][0]["secret"], Value::Null, "the secret is never echoed");
}

#[tokio::test]
async fn resources_are_scoped_by_account_context() {
    let env = Env::new().await;
    let (_, staging) = env.call(Method::GET, "/vms", Some(1001), None).await;
    assert_eq!(staging.as_array().unwrap().len(), 4);
    let staging_vm = staging[0]["vmId"].as_u64().unwrap();
    // Another account's VM is not found from this account.
    let (s, body) = env.get(&format!("/vms/{staging_vm}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_api_error(&body);
    let (s, _) = env.call(Method::GET, "/vms", None, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "resources need X-Account-Context");
    assert_eq!(env.call(Method::GET, "/vms", Some(7), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(env.get("/accounts/4242").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn unknown_and_invalid_ids() {
    let env = Env::new().await;
    for path in [
        "/vms/9999",
        "/apps/999",
        "/apps/1/tiers/999",
        "/users/1",
        "/vms/core/00000000-0000-0000-0000-000000000000",
    ] {
        let (s, body) = env.get(path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert_api_error(&body);
    }
    for path in ["/vms/abc", "/vms/0", "/apps/x", "/apps/1/tiers/-1", "/vms/core/not-a-guid"] {
        assert_eq!(env.get(path).await.0, StatusCode::BAD_REQUEST, "{path}");
    }
    assert_eq!(
        env.call(Method::POST, "/vms/2001/power/explode", Some(1000), None).await.0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn power_actions_finish_after_the_delay() {
    let env = Env::new().await;
    let (s, vm) = env.call(Method::POST, "/vms/2001/power/shutdown", Some(1000), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(vm["status"], 3, "transitioning");
    env.clock.advance(Duration::from_secs(4));
    assert_eq!(env.get("/vms/2001").await.1["status"], 3);
    env.clock.advance(Duration::from_secs(1));
    assert_eq!(env.get("/vms/2001").await.1["status"], 8, "powered off");
    env.call(Method::POST, "/vms/2001/power/on", Some(1000), None).await;
    env.clock.advance(Duration::from_secs(5));
    assert_eq!(env.get("/vms/2001").await.1["status"], 4, "powered on");
    let (_, vm) = env.call(Method::POST, "/vms/2001/power/forceOff", Some(1000), None).await;
    assert_eq!(vm["status"], 8, "forceOff only marks it off, at once");
}

#[tokio::test]
async fn renames_persist_and_removals_answer_202() {
    let env = Env::new().await;
    let (s, vm) = env
        .call(Method::PUT, "/vms/2002", Some(1000), Some(json!({"id": 2002, "name": "web-02-renamed"})))
        .await;
    assert_eq!((s, vm["name"].as_str()), (StatusCode::OK, Some("web-02-renamed")));
    assert_eq!(env.get("/vms/2002").await.1["name"], "web-02-renamed");
    assert_eq!(
        env.call(Method::PUT, "/vms/2002", Some(1000), Some(json!({"name": "  "}))).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        env.call(Method::PUT, "/vms/2002", Some(1000), Some(json!({"nom": "x"}))).await.0,
        StatusCode::BAD_REQUEST
    );
    // A body id other than the path's is refused, and nothing is renamed.
    for (path, id) in [("/vms/2002", 2001), ("/apps/2", 1), ("/apps/1/tiers/2", 1)] {
        let (s, e) = env.call(Method::PUT, path, Some(1000), Some(json!({"id": id, "name": "other"}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}: {e}");
        assert!(e.to_string().contains("must match the id in the path"), "{path}: {e}");
    }
    assert_eq!(env.get("/vms/2002").await.1["name"], "web-02-renamed");
    assert_eq!(env.get("/vms/2001").await.1["name"], "web-01");

    let body = json!({"accountId": 1000, "vmId": 2003, "userEmail": "demo@armor.example", "isActive": true, "deleteNow": true});
    let (s, _) = env.call(Method::DELETE, "/vms/2003", Some(1000), Some(body.clone())).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert_eq!(env.get("/vms/2003").await.0, StatusCode::NOT_FOUND);
    assert_eq!(env.call(Method::DELETE, "/vms/2003", Some(1000), Some(body)).await.0, StatusCode::NOT_FOUND);
    let mismatch =
        json!({"accountId": 1000, "vmId": 2004, "userEmail": "demo@armor.example", "isActive": true});
    assert_eq!(
        env.call(Method::DELETE, "/vms/2005", Some(1000), Some(mismatch)).await.0,
        StatusCode::BAD_REQUEST
    );

    let (s, w) =
        env.call(Method::PUT, "/apps/2", Some(1000), Some(json!({"id": 2, "name": "Payments v2"}))).await;
    assert_eq!((s, w["name"].as_str()), (StatusCode::OK, Some("Payments v2")));
    assert_eq!(
        env.call(Method::DELETE, "/apps/2", Some(1000), None).await.0,
        StatusCode::BAD_REQUEST,
        "still has VMs"
    );
    assert_eq!(env.call(Method::DELETE, "/apps/3", Some(1000), None).await.0, StatusCode::ACCEPTED);
    assert_eq!(env.get("/apps/3").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tiers_can_be_added_renamed_and_removed() {
    let env = Env::new().await;
    let (s, w) = env.call(Method::POST, "/apps/1/tiers", Some(1000), Some(json!({"name": "Cache"}))).await;
    assert_eq!(s, StatusCode::OK);
    let tier =
        w["tiers"].as_array().unwrap().iter().find(|t| t["name"] == "Cache").unwrap()["id"].as_u64().unwrap();
    assert_eq!(
        env.call(Method::POST, "/apps/1/tiers", Some(1000), Some(json!({"name": "cache"}))).await.0,
        StatusCode::BAD_REQUEST,
        "duplicate"
    );
    let (_, w) = env
        .call(Method::PUT, &format!("/apps/1/tiers/{tier}"), Some(1000), Some(json!({"name": "Redis"})))
        .await;
    assert!(w["tiers"].as_array().unwrap().iter().any(|t| t["name"] == "Redis"));
    assert_eq!(env.get(&format!("/apps/1/tiers/{tier}")).await.1["name"], "Redis");
    assert_eq!(
        env.call(Method::DELETE, "/apps/1/tiers/11", Some(1000), None).await.0,
        StatusCode::BAD_REQUEST,
        "tier with VMs"
    );
    assert_eq!(
        env.call(Method::DELETE, &format!("/apps/1/tiers/{tier}"), Some(1000), None).await.0,
        StatusCode::OK
    );
    assert_eq!(env.get(&format!("/apps/1/tiers/{tier}")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn orders_create_vms_and_validate_their_bodies() {
    let env = Env::new().await;
    let good = json!({"name": "batch", "location": "phx01", "appId": -1, "appName": "Batch", "tierId": -1, "tierName": "Workers", "storage": [], "secret": "Str0ng-Secret!", "sku": "A1-101", "quantity": 2});
    let (s, order) = env.call(Method::POST, "/orders/vms", Some(1000), Some(good.clone())).await;
    assert_eq!(s, StatusCode::OK, "{order}");
    let ids: Vec<u64> =
        order["vms"].as_array().unwrap().iter().map(|v| v["vmId"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    let (_, vm) = env.get(&format!("/vms/{}", ids[0])).await;
    assert_eq!(
        (vm["status"].as_i64(), vm["name"].as_str(), vm["location"].as_str()),
        (Some(100), Some("batch-1"), Some("PHX01"))
    );
    env.clock.advance(Duration::from_secs(5));
    assert_eq!(env.get(&format!("/vms/{}", ids[0])).await.1["status"], 4, "provisioned");
    let (_, apps) = env.get("/apps").await;
    assert!(apps.as_array().unwrap().iter().any(|a| a["name"] == "Batch" && a["vmCount"] == 2));
    let bad = |patch: Value| {
        let mut b = good.clone();
        b.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
        b
    };
    for patch in [
        json!({"secret": "short"}),
        json!({"location": "MOON01"}),
        json!({"quantity": 0}),
        json!({"name": ""}),
        json!({"appId": 999}),
        json!({"appId": -1, "appName": null}),
        json!({"storage": [{"size": 0}]}),
        json!({"sku": 5}),
    ] {
        let (s, body) = env.call(Method::POST, "/orders/vms", Some(1000), Some(bad(patch.clone()))).await;
        assert!(s == StatusCode::BAD_REQUEST || s == StatusCode::NOT_FOUND, "{patch}: {s} {body}");
    }
}
