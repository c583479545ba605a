//! Helpers shared by the emulator's test binaries.

use armor_emulator::EmulatorConfig;
use serde_json::{Value, json};

/// Logs the demo user in over HTTP (authorize, then token) and returns the access token.
pub async fn demo_token(http: &reqwest::Client, url: &str) -> String {
    let creds = json!({"username": EmulatorConfig::DEMO_USERNAME, "password": EmulatorConfig::DEMO_PASSWORD});
    let code: Value =
        http.post(format!("{url}/auth/authorize")).json(&creds).send().await.unwrap().json().await.unwrap();
    let body = json!({"code": code["code"], "grant_type": "authorization_code"});
    let tok: Value =
        http.post(format!("{url}/auth/token")).json(&body).send().await.unwrap().json().await.unwrap();
    tok["access_token"].as_str().expect("an access token").to_owned()
}
