//! Faults, with the real `hotspot` binary:
//!
//! * the process SIGKILLed at several points of an import: no partial
//!   import, all or none of the incidents, and the import can be re-run;
//! * the SQLite file locked by another process: the CLI and the HTTP import
//!   fail with a clear "locked"/"busy" error after the busy timeout, reads
//!   carry on, nothing is lost, and the retry succeeds;
//! * a full disk (a tiny tmpfs when mounting is allowed, else a file-size
//!   limit): a clear error and the store unchanged;
//! * PostgreSQL restarted under a running service: it recovers by itself.
//!
//! Uses the 16 real Northamptonshire months from `../shared/data` when
//! present, else a generated 200,000-row police.uk file. The PostgreSQL
//! test is ignored without `HOTSPOT_TEST_POSTGRES_URL` (it uses the same
//! server binaries for a private cluster), and fails under CI.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};
use support::{binary, hotspot, repo_root, Server};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// What the fault tests import: police.uk months and ward boundaries.
struct Input {
    months: PathBuf,
    wards: PathBuf,
    _generated: Option<tempfile::TempDir>,
}

fn input() -> Input {
    if let Some(shared) = hotspot_testenv::find_shared_data() {
        return Input {
            months: shared.join("policeuk/northamptonshire"),
            wards: shared.join("boundaries/northants_wards2022.geojson"),
            _generated: None,
        };
    }
    eprintln!("../shared/data is absent: generating a 200,000-row police.uk file instead");
    let dir = tempfile::tempdir().unwrap();
    let months = dir.path().join("months");
    std::fs::create_dir(&months).unwrap();
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(months.join("2025-01-generated-street.csv")).unwrap(),
    );
    writeln!(out, "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context").unwrap();
    let types = ["Burglary", "Shoplifting", "Vehicle crime", "Robbery"];
    for i in 0..200_000u64 {
        // A deterministic scatter over the sample's fictional town.
        let lon = -0.95 + ((i * 7919) % 10_000) as f64 * 0.00002;
        let lat = 52.20 + ((i * 104_729) % 10_000) as f64 * 0.00002;
        writeln!(
            out,
            "{i:064x},2025-01,Generated,Generated,{lon:.6},{lat:.6},On or near Somewhere,E01000001,Somewhere 001A,{},Under investigation,",
            types[(i % 4) as usize]
        )
        .unwrap();
    }
    out.flush().unwrap();
    Input {
        months,
        wards: repo_root().join("data/wards.geojson"),
        _generated: Some(dir),
    }
}

/// Counts read straight from the SQLite file, after an integrity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    imports: i64,
    incidents: i64,
    rejected: i64,
    areas: i64,
}

fn counts(db: &Path) -> Counts {
    runtime().block_on(async {
        let mut conn = SqliteConnectOptions::from_str(&format!("sqlite:{}", db.display()))
            .unwrap()
            .read_only(true)
            .connect()
            .await
            .unwrap();
        let check: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(check, "ok", "integrity check of {}", db.display());
        async fn one(conn: &mut sqlx::SqliteConnection, sql: &str) -> i64 {
            sqlx::query(sql)
                .fetch_one(conn)
                .await
                .unwrap()
                .get::<i64, _>(0)
        }
        Counts {
            imports: one(&mut conn, "SELECT count(*) FROM imports").await,
            incidents: one(&mut conn, "SELECT count(*) FROM incidents").await,
            rejected: one(&mut conn, "SELECT count(*) FROM rejected_rows").await,
            areas: one(&mut conn, "SELECT count(*) FROM areas").await,
        }
    })
}

/// Rows of `hotspot imports` (its header line excluded).
fn import_runs(db: &Path) -> Vec<String> {
    let out = hotspot(db, &["imports"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn wal(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after the start (while files are read and parsed).
    Delay(Duration),
    /// Once the write-ahead log has grown by this many bytes (inside the
    /// import's transaction).
    WalGrowth(u64),
}

#[test]
fn an_import_killed_at_any_point_leaves_no_partial_data_and_can_be_retried() {
    let input = input();
    let dir = tempfile::tempdir().unwrap();
    let months = input.months.to_str().unwrap();
    let wards = input.wards.to_str().unwrap();

    // The reference: one uninterrupted import.
    let reference = dir.path().join("reference.db");
    hotspot(&reference, &["import", "boundaries", wards]);
    let started = Instant::now();
    hotspot(&reference, &["import", "police-uk", months]);
    let full_time = started.elapsed();
    let full = counts(&reference);
    assert!(full.incidents > 90_000, "{full:?}");
    eprintln!("uninterrupted import: {full:?} in {full_time:?}");

    let points = [
        KillAt::Delay(Duration::from_millis(30)),
        KillAt::WalGrowth(256 * 1024),
        KillAt::WalGrowth(2 * 1024 * 1024),
        KillAt::WalGrowth(8 * 1024 * 1024),
        KillAt::Delay(full_time * 3 / 4),
    ];
    let mut killed_inside_the_transaction = 0;
    for (n, at) in points.into_iter().enumerate() {
        let db = dir.path().join(format!("killed-{n}.db"));
        hotspot(&db, &["import", "boundaries", wards]);
        let before = counts(&db);
        let wal_before = file_len(&wal(&db));
        let mut child = Command::new(binary())
            .arg("--db")
            .arg(format!("sqlite:{}", db.display()))
            .args(["import", "police-uk", months])
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        let mut finished = false;
        let mut wal_at_kill = 0;
        loop {
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            let grown = file_len(&wal(&db)).saturating_sub(wal_before);
            let due = match at {
                KillAt::Delay(d) => t0.elapsed() >= d,
                KillAt::WalGrowth(bytes) => grown >= bytes,
            };
            if due {
                wal_at_kill = grown;
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        if !finished {
            child.kill().unwrap(); // SIGKILL: no destructors, no rollback
            child.wait().unwrap();
        }
        let after = counts(&db);
        eprintln!(
            "kill {n} at {at:?}: finished first: {finished}; WAL grown {wal_at_kill} B; {after:?}"
        );
        assert_eq!(after.areas, before.areas, "the ward layer is untouched");
        if after.incidents == 0 {
            // Nothing of the import remains: no run, no rows.
            assert_eq!(after, before, "kill {n} at {at:?}");
            assert_eq!(import_runs(&db).len(), before.imports as usize);
            if wal_at_kill > 0 {
                killed_inside_the_transaction += 1;
            }
        } else {
            // It committed before the kill: then all of it is there.
            assert_eq!(after.incidents, full.incidents, "kill {n} at {at:?}");
            assert_eq!(after.rejected, full.rejected);
            assert_eq!(after.imports, before.imports + 1);
        }
        // The retry (or the repeat) gives the full import.
        hotspot(&db, &["import", "police-uk", months]);
        let retried = counts(&db);
        assert_eq!(retried.incidents, full.incidents);
        assert_eq!(retried.rejected, full.rejected);
        assert_eq!(retried.imports, full.imports);
        let runs = import_runs(&db);
        assert_eq!(runs.len(), 2, "{runs:?}");
    }
    assert!(
        killed_inside_the_transaction >= 2,
        "too few kills landed inside the import's transaction ({killed_inside_the_transaction})"
    );
}

/// Holds SQLite's write lock on a database from this process.
fn lock_exclusively(db: &Path) -> (tokio::runtime::Runtime, sqlx::SqliteConnection) {
    let rt = runtime();
    let conn = rt.block_on(async {
        let mut conn = SqliteConnectOptions::from_str(&format!("sqlite:{}", db.display()))
            .unwrap()
            .connect()
            .await
            .unwrap();
        sqlx::query("BEGIN EXCLUSIVE")
            .execute(&mut conn)
            .await
            .unwrap();
        // Write inside the lock, as a long-running writer would.
        sqlx::query("UPDATE imports SET files = files WHERE id = 1")
            .execute(&mut conn)
            .await
            .unwrap();
        conn
    });
    (rt, conn)
}

/// The sample's wards and its first police.uk month: a store with
/// something to lose before a fault is provoked.
fn import_wards_and_first_month(db: &Path, data: &Path) {
    hotspot(
        db,
        &[
            "import",
            "boundaries",
            data.join("wards.geojson").to_str().unwrap(),
        ],
    );
    let first = data.join("policeuk/2024-01-sample-street.csv");
    hotspot(db, &["import", "police-uk", first.to_str().unwrap()]);
}

#[test]
fn a_locked_database_gives_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("locked.db");
    let data = repo_root().join("data");
    import_wards_and_first_month(&db, &data);
    let before = counts(&db);
    let server = Server::start(
        &db,
        &[
            "--no-sample",
            "--anonymous-role",
            "admin",
            "--rate-limit",
            "0",
            "--static-dir",
            dir.path().join("no-client").to_str().unwrap(),
        ],
    );
    let (_, wards_before) = server.get_json("/api/wards");

    let (rt, conn) = lock_exclusively(&db);
    let second = data.join("policeuk/2024-02-sample-street.csv");
    let third = data.join("policeuk/2024-03-sample-street.csv");
    // The CLI and an HTTP upload both try to write while the lock is held.
    let cli = Command::new(binary())
        .arg("--db")
        .arg(format!("sqlite:{}", db.display()))
        .args(["import", "police-uk", second.to_str().unwrap()])
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let upload = {
        let url = format!(
            "{}/api/imports?kind=police.uk&name=2024-03-sample-street.csv",
            server.base
        );
        let body = std::fs::read(&third).unwrap();
        std::thread::spawn(move || {
            let t = Instant::now();
            let res = Server::client().post(url).body(body).send().unwrap();
            let status = res.status().as_u16();
            let json: serde_json::Value = res.json().unwrap_or_default();
            (status, json, t.elapsed())
        })
    };
    // Reads are answered from the snapshot meanwhile, without waiting.
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let (status, wards_during) = server.get_json("/api/wards");
    assert_eq!(status, 200);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(wards_during, wards_before);

    let out = cli.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("CLI import under the lock: {stderr}");
    assert!(!out.status.success());
    assert!(
        stderr.contains("database is locked") || stderr.contains("busy"),
        "{stderr}"
    );
    let (status, json, waited) = upload.join().unwrap();
    eprintln!("HTTP import under the lock after {waited:?}: {status} {json}");
    assert_eq!(status, 503, "{json}");
    assert_eq!(json["error"]["status"], 503);
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.contains("busy"), "{message}");
    assert!(
        !message.contains("sqlite") && !message.contains("code:"),
        "{message}"
    );

    // Release the lock (rolling back the other writer): nothing was lost.
    rt.block_on(async move {
        let mut conn = conn;
        sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
    });
    assert_eq!(counts(&db), before);
    // The same imports now succeed.
    hotspot(&db, &["import", "police-uk", second.to_str().unwrap()]);
    let res = Server::client()
        .post(format!(
            "{}/api/imports?kind=police.uk&name=2024-03-sample-street.csv",
            server.base
        ))
        .body(std::fs::read(&third).unwrap())
        .send()
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let after = counts(&db);
    assert_eq!(after.imports, before.imports + 2);
    assert!(after.incidents > before.incidents);
}

/// A tiny filesystem: a tmpfs when mounting is allowed (root), unmounted on drop.
struct TinyDisk {
    dir: tempfile::TempDir,
    mounted: bool,
}

impl TinyDisk {
    fn new(bytes: u64) -> TinyDisk {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        TinyDisk { dir, mounted }
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(self.dir.path()).status();
        }
    }
}

#[test]
fn a_full_disk_gives_a_clear_error_and_leaves_the_store_unchanged() {
    let input = input();
    let months = input.months.to_str().unwrap();
    let data = repo_root().join("data");
    const LIMIT: u64 = 6 * 1024 * 1024;
    let disk = TinyDisk::new(LIMIT);
    let ulimit = !disk.mounted;
    assert!(
        !ulimit || Command::new("bash").arg("--version").output().is_ok(),
        "cannot mount a tmpfs (not root?) and no bash for `ulimit -f`"
    );
    eprintln!(
        "full disk emulated with {}",
        if ulimit {
            "a 6 MiB file-size limit (ulimit -f; mounting a tmpfs is not allowed here)"
        } else {
            "a 6 MiB tmpfs"
        }
    );
    let db = disk.dir.path().join("full.db");
    import_wards_and_first_month(&db, &data);
    let before = counts(&db);
    let runs_before = import_runs(&db);

    let mut command = if ulimit {
        // Ignore SIGXFSZ so that writes past the limit fail with EFBIG
        // instead of killing the process; ulimit -f counts KiB in bash.
        let mut c = Command::new("bash");
        c.arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f {}; exec \"$0\" \"$@\"",
                LIMIT / 1024
            ))
            .arg(binary());
        c
    } else {
        Command::new(binary())
    };
    let out = command
        .arg("--db")
        .arg(format!("sqlite:{}", db.display()))
        .args(["import", "police-uk", months])
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("import onto the full disk: {stderr}");
    assert!(!out.status.success(), "the import should not fit");
    assert!(
        stderr.contains("database or disk is full") || stderr.contains("disk I/O error"),
        "{stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");

    // Nothing changed. (On the tmpfs, first make a little room, as an
    // operator would: the failed transaction's log may have taken the rest.)
    if disk.mounted {
        let grown = Command::new("mount")
            .args(["-o", &format!("remount,size={}", 4 * LIMIT)])
            .arg(disk.dir.path())
            .status()
            .unwrap();
        assert!(grown.success());
    }
    assert_eq!(counts(&db), before);
    assert_eq!(import_runs(&db), runs_before);
}

/// A PostgreSQL cluster of this test's own (initdb in a temporary folder, a
/// free loopback port), so that restarting it disturbs no other test.
/// Stopped and removed on drop.
struct PrivatePostgres {
    bindir: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PrivatePostgres {
    fn start() -> Result<PrivatePostgres, String> {
        let bindir = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|_| "PostgreSQL is not installed (run `bash scripts/postgres.sh`)")?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").is_file())
            .max()
            .ok_or("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")?;
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let dir =
            std::env::temp_dir().join(format!("hotspot-faults-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let pg = PrivatePostgres {
            bindir,
            dir,
            port,
            as_postgres: root,
        };
        if root {
            pg.run(
                "chown",
                &["postgres:postgres", pg.dir.to_str().unwrap()],
                false,
            )?;
        }
        let data = pg.dir.to_str().unwrap().to_string();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            true,
        )?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={data} -c fsync=off"
        );
        pg.run(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-l",
                &format!("{data}/server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
            true,
        )?;
        pg.run(
            "psql",
            &[
                "-h",
                &data,
                "-p",
                &port.to_string(),
                "-U",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-qc",
                "CREATE EXTENSION postgis",
            ],
            true,
        )
        .map_err(|e| format!("PostGIS is not available: {e}"))?;
        Ok(pg)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs a PostgreSQL program (as the postgres user when we are root).
    fn run(&self, program: &str, args: &[&str], postgres_bin: bool) -> Result<(), String> {
        let exe = if postgres_bin {
            self.bindir.join(program)
        } else {
            PathBuf::from(program)
        };
        let mut cmd = if postgres_bin && self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    fn pg_ctl(&self, action: &str) {
        let data = self.dir.to_str().unwrap().to_string();
        // With -l: a restarted server must not write to (and so hold open)
        // this pg_ctl's output pipe.
        let log = format!("{data}/server.log");
        self.run(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-m", "fast", "-w", "-t", "60", action,
            ],
            true,
        )
        .unwrap();
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.dir.to_str().unwrap().to_string();
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "stop"], true);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running `hotspot --db postgres://… serve`, killed on drop.
struct PgServer(std::process::Child, String);

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// GET with a short timeout: (status, body), or the transport error.
fn get(base: &str, path: &str) -> Result<(u16, serde_json::Value), String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(40))
        .build()
        .unwrap();
    let res = client
        .get(format!("{base}{path}"))
        .send()
        .map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    Ok((status, res.json().unwrap_or_default()))
}

#[test]
#[cfg_attr(
    not(has_postgres),
    ignore = "needs HOTSPOT_TEST_POSTGRES_URL (. scripts/postgres.sh; CONTRIBUTING.md)"
)]
fn the_service_recovers_when_postgresql_restarts_under_it() {
    // The shared server is not restarted; its URL says PostgreSQL is
    // installed here, so a private cluster that will not start is a failure.
    hotspot_testenv::postgres_url();
    let pg = PrivatePostgres::start()
        .unwrap_or_else(|e| panic!("cannot start a private PostgreSQL cluster: {e}"));
    let url = pg.url();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(binary())
        .arg("--db")
        .arg(&url)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--no-sample",
            "--rate-limit",
            "0",
        ])
        .args([
            "--anonymous-role",
            "admin",
            "--refresh-seconds",
            "0",
            "--static-dir",
        ])
        .arg(dir.path().join("no-client"))
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let base = format!(
        "http://{}",
        line.split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
    );
    let server = PgServer(child, base.clone());
    let month = repo_root().join("data/policeuk/2024-01-sample-street.csv");
    let upload = |name: &str| {
        Server::client()
            .post(format!(
                "{}/api/imports?kind=police.uk&name={name}",
                server.1
            ))
            .body(std::fs::read(&month).unwrap())
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(upload("2024-01-sample-street.csv"), 201);
    let (status, health) = get(&base, "/api/health").unwrap();
    assert_eq!(status, 200, "{health}");
    let incidents = health["data"]["incidents"].clone();

    // Restart PostgreSQL under the running service (connections in its pool
    // are cut), then ask again at once and keep asking.
    pg.pg_ctl("restart");
    let t = Instant::now();
    let mut seen = Vec::new();
    loop {
        let r = get(&base, "/api/health");
        let status = r.as_ref().map(|(s, _)| *s).unwrap_or(0);
        seen.push(status);
        if let Ok((s, body)) = &r {
            assert!(
                *s == 200 || *s == 503,
                "after the restart: {s} {body} (want 200, or 503 while it reconnects)"
            );
            if *s == 503 {
                let m = body["error"]["message"].as_str().unwrap_or_default();
                assert!(!m.contains("postgres") && !m.contains("code"), "{m}");
            }
        }
        if status == 200 {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "not recovered: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("recovered after the restart in {:?}: {seen:?}", t.elapsed());
    let (_, health) = get(&base, "/api/health").unwrap();
    assert_eq!(health["data"]["incidents"], incidents);
    // Writes work again too (the same file again: unchanged, 200).
    assert_eq!(upload("2024-01-sample-street.csv"), 200);

    // PostgreSQL down for a while: a clear 503 (after the pool's wait), and
    // recovery once it is back.
    pg.pg_ctl("stop");
    let t = Instant::now();
    let (status, body) = get(&base, "/api/health").unwrap();
    eprintln!(
        "with PostgreSQL stopped: {status} {body} after {:?}",
        t.elapsed()
    );
    assert_eq!(status, 503, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("database"));
    let (status, _) = get(&base, "/api/categories").unwrap();
    assert_eq!(status, 200, "reads from the snapshot carry on");
    let data = pg.dir.to_str().unwrap().to_string();
    let options = format!(
        "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories={data} -c fsync=off",
        pg.port
    );
    pg.run(
        "pg_ctl",
        &[
            "-D",
            &data,
            "-l",
            &format!("{data}/server.log"),
            "-w",
            "-o",
            &options,
            "start",
        ],
        true,
    )
    .unwrap();
    let (status, body) = get(&base, "/api/health").unwrap();
    assert_eq!(status, 200, "{body}");
}
