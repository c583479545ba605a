//! Servers under test on a runtime of their own (two worker threads, like a separate
//! process), so that they do not share a scheduler with the load generator.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use armor_emulator::{Emulator, EmulatorConfig, Stats};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

/// What the minimal reference server answers: a small JSON object.
#[derive(Debug, Serialize)]
struct Hello {
    ok: bool,
    service: &'static str,
}

/// The reference: the smallest useful axum JSON server (`GET /`).
pub fn minimal_router() -> Router {
    Router::new().route("/", get(|| async { Json(Hello { ok: true, service: "minimal" }) }))
}

/// Running servers: emulators (one per config given) and a minimal axum server.
#[derive(Debug)]
pub struct Servers {
    /// The emulators' addresses, in the order of the configs.
    pub emulators: Vec<SocketAddr>,
    /// The minimal axum server's address.
    pub minimal: SocketAddr,
    stats_request: Option<mpsc::Sender<mpsc::Sender<Vec<Stats>>>>,
    thread: Option<JoinHandle<()>>,
}

impl Servers {
    /// Starts them on a new thread with a `workers`-thread Tokio runtime.
    pub fn start(configs: Vec<EmulatorConfig>, workers: usize) -> Servers {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (req_tx, req_rx) = mpsc::channel::<mpsc::Sender<Vec<Stats>>>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let mut emulators = Vec::new();
                for config in configs {
                    emulators.push(Emulator::start(config).await.expect("emulator starts"));
                }
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let minimal = listener.local_addr().expect("address");
                tokio::spawn(async move { axum::serve(listener, minimal_router()).await });
                let addrs = emulators.iter().map(Emulator::addr).collect::<Vec<_>>();
                ready_tx.send((addrs, minimal)).expect("benchmark waits");
                // Serve stats requests until the benchmark drops its sender.
                let emus = emulators;
                tokio::task::spawn_blocking(move || {
                    while let Ok(reply) = req_rx.recv() {
                        let _ = reply.send(emus.iter().map(Emulator::stats).collect());
                    }
                })
                .await
                .expect("stats thread");
            });
        });
        let (emulators, minimal) = ready_rx.recv().expect("servers start");
        Servers { emulators, minimal, stats_request: Some(req_tx), thread: Some(thread) }
    }

    /// The request counters of every emulator.
    pub fn stats(&self) -> Vec<Stats> {
        let (tx, rx) = mpsc::channel();
        match &self.stats_request {
            Some(req) if req.send(tx).is_ok() => rx.recv().unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        // Ends the stats loop, then the runtime with every server on it.
        self.stats_request.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
