//! The real `hotspot` binary on PostgreSQL/PostGIS: two `hotspot serve`
//! instances over one database, as behind a load balancer. The first loads
//! the sample into the empty database; the second serves the same data, and
//! a session started on one is honoured by the other.
//!
//! Needs `HOTSPOT_TEST_POSTGRES_URL` (set by `scripts/test`, from
//! `scripts/postgres.sh`): ignored when it is unset, and failing under CI. Each run
//! uses a schema of its own, dropped at the end.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use hotspot_store::testing::{drop_schema, fresh_schema};
use support::{binary, repo_root, Server as SqliteServer};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn hotspot(url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new(binary())
        .arg("--db")
        .arg(url)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .expect("run hotspot");
    assert!(
        out.status.success(),
        "hotspot {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A running `hotspot --db postgres://… serve`, killed on drop.
struct Instance {
    child: Child,
    base: String,
}

impl Instance {
    fn start(url: &str, static_dir: &str) -> Instance {
        let mut child = Command::new(binary())
            .arg("--db")
            .arg(url)
            .args(["serve", "--addr", "127.0.0.1:0", "--static-dir", static_dir])
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start hotspot serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap_or_else(|| panic!("unexpected first line from serve: {line:?}"));
        Instance {
            base: format!("http://{base}"),
            child,
        }
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> (u16, serde_json::Value) {
        let mut req = SqliteServer::client().get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            req = req.header("Cookie", cookie);
        }
        let res = req.send().unwrap();
        let status = res.status().as_u16();
        (status, res.json().unwrap_or(serde_json::Value::Null))
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[cfg_attr(
    not(has_postgres),
    ignore = "needs HOTSPOT_TEST_POSTGRES_URL (. scripts/postgres.sh; CONTRIBUTING.md)"
)]
fn two_instances_serve_the_sample_from_one_postgis_database() {
    let base_url = hotspot_testenv::postgres_url();
    let (schema, url) = runtime().block_on(fresh_schema(&base_url)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let no_client = dir.path().join("no-client");
    let no_client = no_client.to_str().unwrap();

    // The first admin-made account, from the command line, into PostGIS.
    hotspot(
        &url,
        &["users", "add", "ana", "--role", "analyst"],
        &[("HOTSPOT_PASSWORD", "a long enough passphrase")],
    );

    // Instance A finds the database empty and loads the sample.
    let a = Instance::start(&url, no_client);
    let (status, health) = a.get("/api/health", None);
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["data"]["areas"], 16);
    let incidents = health["data"]["incidents"].as_u64().unwrap();
    assert!(incidents > 5000, "{health}");

    // Instance B starts on the same database: the data is already there.
    let b = Instance::start(&url, no_client);
    let (status, health_b) = b.get("/api/health", None);
    assert_eq!(status, 200);
    assert_eq!(health_b["data"], health["data"], "both serve one dataset");

    // Anonymous callers get public aggregates from either instance.
    let (status, wards) = b.get("/api/wards?period=2025-01..2025-12", None);
    assert_eq!(status, 200, "{wards}");
    assert_eq!(wards["features"].as_array().unwrap().len(), 16);
    let (status, _) = b.get("/api/incidents?limit=1", None);
    assert!(status == 401 || status == 403, "{status}");

    // Sign in on A; the session lives in the shared database, so B knows it.
    let res = SqliteServer::client()
        .post(format!("{}/api/login", a.base))
        .json(&serde_json::json!({"username": "ana", "password": "a long enough passphrase"}))
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (status, me) = b.get("/api/me", Some(&cookie));
    assert_eq!(status, 200);
    assert_eq!(me["username"], "ana", "{me}");
    let (status, wards) = b.get(
        "/api/wards?period=2025-01..2025-12&compare=year",
        Some(&cookie),
    );
    assert_eq!(status, 200);
    let top = wards["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["rank"] == 1)
        .unwrap();
    assert_eq!(top["properties"]["name"], "Castle");
    let (status, page) = b.get("/api/incidents?limit=5", Some(&cookie));
    assert_eq!(status, 200);
    assert_eq!(page["features"].as_array().unwrap().len(), 5);

    // The import runs are in PostGIS for the CLI too.
    let out = hotspot(&url, &["imports"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("police.uk") && text.contains("boundaries"),
        "{text}"
    );

    drop(a);
    drop(b);
    runtime().block_on(drop_schema(&base_url, &schema)).unwrap();
}
