//! Micro-benchmarks (divan): ARMOR-PSK signing, session load and save, decoding `/me`
//! and `/vms` (plain serde into the models, and the library's way). Fixtures come from
//! a real emulator at start-up.
//!
//! `cargo bench -p armor-bench --bench micro`; `cargo test -p armor-bench --benches`
//! runs each once as a smoke test.

use std::sync::OnceLock;

use armor_client::core::infra::Vm;
use armor_client::core::{Me, lenient, psk};
use armor_client::{Client, Method, Session, SessionStore};
use armor_emulator::{Emulator, EmulatorConfig};
use secrecy::SecretString;

fn main() {
    divan::main();
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: SessionStore,
    session: Session,
    me: Vec<u8>,
    vms: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            let emu = Emulator::start(EmulatorConfig::default()).await.expect("emulator");
            let dir = tempfile::tempdir().expect("temp dir");
            let store = SessionStore::new(dir.path(), "default").expect("store");
            let client = Client::builder().server(emu.url()).store(store.clone()).build().expect("client");
            let password = SecretString::from(EmulatorConfig::DEMO_PASSWORD);
            let session = client.login(EmulatorConfig::DEMO_USERNAME, password, None).await.expect("login");
            let me = client.request_raw(Method::GET, "/me", None).await.expect("GET /me").body;
            let vms = client.request_raw(Method::GET, "/vms", None).await.expect("GET /vms").body;
            emu.stop().await;
            Fixture { _dir: dir, store, session, me, vms }
        })
    })
}

/// One ARMOR-PSK `Authorization` header (HMAC-SHA512 over a request without a body).
#[divan::bench]
fn psk_sign() -> String {
    let signable = psk::Signable {
        key_id: divan::black_box(EmulatorConfig::DEMO_API_KEY_ID),
        method: "GET",
        path: "/vms",
        nonce: "4f8a0c5e9b7d41a2b3c6d8e0f1a2b3c4",
        timestamp: 1_800_000_000,
        body: b"",
    };
    psk::authorization(divan::black_box(EmulatorConfig::DEMO_API_KEY_SECRET), &signable)
}

/// Reading the session file (what every CLI command does first).
#[divan::bench]
fn session_load(bencher: divan::Bencher) {
    let f = fixture();
    bencher.bench(|| f.store.load().expect("load").expect("a session"));
}

/// Replacing the session file atomically (temp file, fsync, rename, fsync of the dir).
#[divan::bench]
fn session_save(bencher: divan::Bencher) {
    let f = fixture();
    bencher.bench(|| f.store.save(&f.session).expect("save"));
}

/// Decoding the emulator's `GET /me` body.
#[divan::bench]
fn decode_me(bencher: divan::Bencher) {
    let f = fixture();
    bencher
        .counter(divan::counter::BytesCount::new(f.me.len()))
        .bench(|| serde_json::from_slice::<Me>(divan::black_box(&f.me)).expect("a /me body"));
}

/// Decoding the emulator's `GET /vms` body.
#[divan::bench]
fn decode_vms(bencher: divan::Bencher) {
    let f = fixture();
    bencher
        .counter(divan::counter::BytesCount::new(f.vms.len()))
        .bench(|| serde_json::from_slice::<Vec<Vm>>(divan::black_box(&f.vms)).expect("a /vms body"));
}

/// Decoding it the library's way: one scan (value count, PascalCase keys), then the
/// tolerant reader (plain serde, and the careful way only if that fails).
#[divan::bench]
fn decode_vms_library(bencher: divan::Bencher) {
    let f = fixture();
    bencher.counter(divan::counter::BytesCount::new(f.vms.len())).bench(|| {
        let body = divan::black_box(&f.vms);
        let scan = lenient::Scan::of(body, 400_000);
        assert!(scan.values < 400_000);
        lenient::decode::<Vec<Vm>>(body, scan).expect("a /vms body")
    });
}

/// The library's one pass alone (value count, PascalCase keys) over the `/vms` body.
#[divan::bench]
fn scan_vms(bencher: divan::Bencher) {
    let f = fixture();
    bencher
        .counter(divan::counter::BytesCount::new(f.vms.len()))
        .bench(|| lenient::Scan::of(divan::black_box(&f.vms), 400_000));
}
