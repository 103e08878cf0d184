//! Starting the real `hotspot` binary for end-to-end tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_hotspot")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `hotspot --db sqlite:DB ARGS...` and returns its output; panics with
/// its stderr if it fails.
pub fn hotspot(db: &Path, args: &[&str]) -> Output {
    let out = hotspot_unchecked(db, args);
    assert!(
        out.status.success(),
        "hotspot {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn hotspot_unchecked(db: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .arg("--db")
        .arg(format!("sqlite:{}", db.display()))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("run hotspot")
}

/// Imports the sample's wards and its police.uk street files for `months`
/// (`YYYY-MM`) into `db`.
pub fn sample_wards_and_months(db: &Path, months: &[&str]) {
    hotspot(db, &["import", "boundaries", "data/wards.geojson"]);
    let files: Vec<String> = months
        .iter()
        .map(|m| format!("data/policeuk/{m}-sample-street.csv"))
        .collect();
    let mut args = vec!["import", "police-uk"];
    args.extend(files.iter().map(String::as_str));
    hotspot(db, &args);
}

/// A running `hotspot serve`, killed on drop.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts `hotspot serve` on a free loopback port and waits until it listens.
    pub fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(binary())
            .arg("--db")
            .arg(format!("sqlite:{}", db.display()))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .current_dir(repo_root())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start hotspot serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let base = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap_or_else(|| panic!("unexpected first line from serve: {line:?}"));
        Server {
            base: format!("http://{base}"),
            child,
        }
    }

    pub fn client() -> reqwest::blocking::Client {
        reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap()
    }

    pub fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let res = Self::client()
            .get(format!("{}{path}", self.base))
            .send()
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().unwrap_or(serde_json::Value::Null))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A PDF's text as a reader would extract it (lopdf), whitespace collapsed
/// to single spaces so that assertions need not know the layout.
pub fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(!pages.is_empty());
    let text = doc.extract_text(&pages).expect("its text extracts");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
