//! A small load run against the real `hotspot serve` on the sample: 20
//! connections, 200 requests per endpoint, at most 10 s each, with an
//! analyst's API token made with the CLI.
//!
//! It lives with the hotspot package's end-to-end tests so that Cargo
//! builds the binary for it (in hotspot-loadtest's own tests it had to be
//! found in the target folder, and the test passed without running when it
//! was not there).

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::repo_root;

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cli(bin: &Path, db: &str, args: &[&str]) -> String {
    let out = Command::new(bin)
        .args(["--db", db])
        .args(args)
        .env("HOTSPOT_PASSWORD", "a long load-test passphrase")
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "hotspot {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_bounded_load_run_against_the_sample() {
    let bin = Path::new(support::binary());
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("load.db").display());
    cli(bin, &db, &["users", "add", "ana", "--role", "analyst"]);
    let token = cli(bin, &db, &["users", "token", "ana", "--label", "load"])
        .trim()
        .to_string();
    // The public role by default: the token is what opens /api/incidents.
    let mut child = Command::new(bin)
        .args([
            "--db",
            &db,
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--rate-limit",
            "0",
        ])
        .arg("--static-dir")
        .arg(dir.path().join("no-client"))
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _serve = Serve(child);
    let base = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("unexpected first line from serve: {line:?}"));

    let config = hotspot_loadtest::Config {
        url: format!("http://{base}"),
        token: Some(token),
        connections: 20,
        requests: 200,
        max_time: Duration::from_secs(10),
        warmup: 20,
        paths: vec![
            "/api/wards?group=serious-acquisitive".into(),
            "/api/incidents?limit=100".into(),
        ],
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let reports = rt.block_on(hotspot_loadtest::run(&config)).unwrap();
    let table = hotspot_loadtest::table(&reports);
    eprintln!("{table}");
    for r in &reports {
        assert_eq!(r.errors, 0, "{r:?}");
        assert!(r.requests + r.cut <= 200, "{r:?}");
        assert!(r.elapsed <= Duration::from_millis(10_500), "{r:?}");
        // 200 requests of the sample finish well within 10 s.
        assert_eq!(r.requests, 200, "{r:?}");
        assert!(r.p50 <= r.p90 && r.p90 <= r.p99 && r.p99 <= r.max, "{r:?}");
        assert!(r.throughput() > 0.0 && r.bytes > 0);
    }

    // Without the token the analyst endpoint is refused: every request is
    // counted as an error.
    let anonymous = hotspot_loadtest::Config {
        token: None,
        warmup: 0,
        requests: 50,
        paths: vec!["/api/incidents?limit=1".into()],
        ..config
    };
    let reports = rt.block_on(hotspot_loadtest::run(&anonymous)).unwrap();
    assert_eq!(reports[0].requests, 50);
    assert_eq!(reports[0].errors, 50);
    assert!(reports[0].first_error.as_deref().unwrap().contains("401"));
}
