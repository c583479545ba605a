//! Test helpers: an emulator on an ephemeral loopback port (in this test process), and
//! the real `armor` binary run in a temp dir with a scrubbed environment.

use std::io::{BufRead, BufReader, Lines, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Duration;

use armor_emulator::{Emulator, EmulatorConfig, Stats, TokenUnit};
use serde_json::Value;

pub const USER: &str = EmulatorConfig::DEMO_USERNAME;
pub const PASS: &str = EmulatorConfig::DEMO_PASSWORD;

/// An emulator running on its own Tokio runtime.
pub struct Emu {
    pub rt: tokio::runtime::Runtime,
    emu: Option<Emulator>,
    url: String,
}

impl Emu {
    pub fn start() -> Emu {
        Self::with(|_| {})
    }

    /// Tokens living `ttl` seconds, reported in seconds.
    pub fn short(ttl: u64) -> Emu {
        Self::with(|c| {
            c.token_ttl = Duration::from_secs(ttl);
            c.expires_in_unit = TokenUnit::Seconds;
        })
    }

    pub fn with(tweak: impl FnOnce(&mut EmulatorConfig)) -> Emu {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let mut config = EmulatorConfig::default();
        tweak(&mut config);
        let emu = rt.block_on(Emulator::start(config)).unwrap();
        let url = emu.url().to_owned();
        Emu { rt, emu: Some(emu), url }
    }

    /// An emulator serving https with a freshly generated CA (see [`Emu::ca_file`]).
    pub fn tls() -> Emu {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let emu = rt.block_on(Emulator::start_tls(EmulatorConfig::default())).unwrap();
        let url = emu.url().to_owned();
        Emu { rt, emu: Some(emu), url }
    }

    /// The PEM file of a TLS emulator's CA.
    pub fn ca_file(&self) -> String {
        let ca = self.emu.as_ref().and_then(Emulator::ca_file).expect("a TLS emulator");
        ca.display().to_string()
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn stats(&self) -> Stats {
        self.emu.as_ref().map(Emulator::stats).unwrap_or_default()
    }

    /// (ok, client errors) of POST /auth/token/reissue.
    pub fn reissues(&self) -> (u64, u64) {
        let s = self.stats().get("POST /auth/token/reissue");
        (s.ok, s.client_error)
    }

    /// Total requests to every endpoint.
    pub fn requests(&self) -> u64 {
        self.stats().endpoints.values().map(|e| e.total).sum()
    }

    pub fn stop(&mut self) {
        if let Some(emu) = self.emu.take() {
            self.rt.block_on(emu.stop());
        }
    }
}

/// A scratch home for `armor`: config dir, scrubbed environment.
pub struct Armor {
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    /// Run `armor` as this user (and group) id.
    uid: Option<u32>,
}

impl Armor {
    pub fn new() -> Armor {
        Armor { dir: tempfile::tempdir().unwrap(), env: Vec::new(), uid: None }
    }

    /// Runs `armor` as user `nobody` (65534) when the tests run as root, whom file modes
    /// do not restrict; as is otherwise.
    #[cfg(unix)]
    pub fn unprivileged() -> Armor {
        let mut armor = Armor::new();
        let probe = armor.dir.path().join("probe");
        std::fs::create_dir(&probe).unwrap();
        std::fs::set_permissions(&probe, std::os::unix::fs::PermissionsExt::from_mode(0o500)).unwrap();
        if std::fs::write(probe.join("x"), b"").is_ok() {
            std::os::unix::fs::chown(armor.dir.path(), Some(65534), Some(65534)).unwrap();
            armor.uid = Some(65534);
        }
        armor
    }

    pub fn env(mut self, k: &str, v: &str) -> Armor {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn session_path(&self, profile: &str) -> PathBuf {
        self.config_dir().join("sessions").join(format!("{profile}.json"))
    }

    pub fn session_bytes(&self) -> Option<Vec<u8>> {
        std::fs::read(self.session_path("default")).ok()
    }

    pub fn session(&self) -> Value {
        serde_json::from_slice(&self.session_bytes().expect("a session file")).unwrap()
    }

    /// Makes the stored token expire `secs` seconds from now (it lives 900 s on the server),
    /// so the client sees it in the advisory or mandatory renewal window without waiting;
    /// returns the session file's new bytes.
    pub fn expire_in(&self, secs: i64) -> Option<Vec<u8>> {
        let mut s = self.session();
        let now = jiff::Timestamp::now();
        let at =
            |d: i64| Value::String(now.checked_add(jiff::SignedDuration::from_secs(d)).unwrap().to_string());
        s["auth"]["length_secs"] = 900.into();
        s["auth"]["issued_at"] = at(secs - 900);
        s["auth"]["expires_at"] = at(secs);
        std::fs::write(self.session_path("default"), serde_json::to_vec_pretty(&s).unwrap()).unwrap();
        self.session_bytes()
    }

    pub fn token(&self) -> String {
        self.session()["auth"]["access_token"].as_str().unwrap().to_owned()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_armor"));
        cmd.args(args)
            .env_clear()
            .env("HOME", self.dir.path())
            .env("ARMOR_CONFIG_DIR", self.config_dir())
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        #[cfg(unix)]
        if let Some(id) = self.uid {
            std::os::unix::process::CommandExt::uid(&mut cmd, id);
            std::os::unix::process::CommandExt::gid(&mut cmd, id);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The process may exit before reading; that is its business.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        Run::from(child.wait_with_output().unwrap())
    }

    /// Logs in to `emu` with the demo credentials.
    pub fn login(&self, emu: &Emu, extra: &[&str]) -> Run {
        self.login_at(emu.url(), PASS, extra).success()
    }

    /// `armor login` to `server` as the demo user with `password` (on stdin), then `extra`.
    pub fn login_at(&self, server: &str, password: &str, extra: &[&str]) -> Run {
        let mut args = vec!["login", "--server", server, "--username", USER, "--password-stdin"];
        args.extend_from_slice(extra);
        self.run_stdin(&args, &format!("{password}\n"))
    }

    /// Starts `armor emulator` with `args` as a child process and reads the URL it prints
    /// first.
    pub fn emulator(&self, args: &[&str]) -> EmulatorProcess {
        let mut child = self
            .command(&[&["emulator"], args].concat())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = lines.next().unwrap().unwrap();
        EmulatorProcess { child, lines, url }
    }
}

/// `armor emulator` running as a child process; killed when dropped, also when the test
/// fails.
pub struct EmulatorProcess {
    child: Child,
    /// What it prints after its URL.
    pub lines: Lines<BufReader<ChildStdout>>,
    /// The URL it printed first.
    pub url: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The outcome of one `armor` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn success(self) -> Run {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        self
    }

    /// Exit 1 with one `error:` line on stderr containing each of `needles`.
    pub fn failure(self, needles: &[&str]) -> Run {
        assert_eq!(self.code, 1, "expected exit 1: {self:#?}");
        assert!(self.stderr.starts_with("error: "), "{self:#?}");
        assert_eq!(self.stderr.trim_end().lines().count(), 1, "one line: {self:#?}");
        for n in needles {
            assert!(self.stderr.contains(n), "stderr lacks {n:?}: {self:#?}");
        }
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {self:#?}"))
    }
}

/// A one-connection-at-a-time HTTP server that answers every request with `status` and
/// `body`, for server misbehaviour the emulator does not produce.
pub fn canned_server(status: u16, content_type: &'static str, body: &'static str) -> String {
    raw_server(move |_| {
        format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    })
}

/// A one-connection-at-a-time HTTP server that reads each request and sends `answer(n)`,
/// raw, to the `n`th (from 0); returns its URL.
pub fn raw_server(answer: impl Fn(usize) -> String + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut n = 0;
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 65536];
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = s.read(&mut buf);
            let _ = s.write_all(answer(n).as_bytes());
            n += 1;
        }
    });
    url
}

/// Points the stored session of `armor` at another server (as if it had logged in there).
pub fn repoint_session(armor: &Armor, server: &str) {
    let mut s = armor.session();
    s["server"] = Value::String(server.into());
    std::fs::write(armor.session_path("default"), serde_json::to_vec_pretty(&s).unwrap()).unwrap();
}

#[cfg(unix)]
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// `armor vm create` of a VM `name` in DFW01 (SKU A1-101) into workload 1's tier `tier`,
/// followed by `extra`.
pub fn vm_create<'a>(name: &'a str, tier: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "vm",
        "create",
        "--name",
        name,
        "--location",
        "DFW01",
        "--sku",
        "A1-101",
        "--workload-id",
        "1",
        "--tier-id",
        tier,
    ];
    args.extend_from_slice(extra);
    args
}
