//! Shared parts of armor's benchmarks (`cargo bench -p armor-bench`): servers running on
//! their own runtime and threads ([`servers`]), and a lean HTTP/1.1 load generator on raw
//! hyper connections ([`load`]), so that the emulator and a minimal axum server are
//! measured with the same client in the same run.

pub mod load;
pub mod servers;

/// Whether the binary runs as a real benchmark (`cargo bench` passes `--bench`) rather
/// than as a smoke test (`cargo test --benches`).
pub fn bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Seconds from the environment variable `name`, else `default`.
pub fn env_secs(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
