//! What the `hotspot` command prints and how it ends, with the real binary:
//! output into a closed pipe, import reports and exit statuses, `--help`.

mod support;

use std::process::{Command, Stdio};

use support::{binary, hotspot, hotspot_unchecked};

/// `hotspot … | head` must not panic when `head` has gone: the command ends
/// as Unix tools do, by SIGPIPE, with nothing on stderr.
#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::ExitStatusExt;

    // A pipe whose read end is closed before the child starts, so the very
    // first write fails (no race with a reader that might read first).
    let mut fds = [0; 2];
    // SAFETY: `pipe` fills both descriptors, which are then owned here.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let (read_end, write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read_end);
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(binary())
        .arg("--db")
        .arg(format!("sqlite:{}", dir.path().join("x.db").display()))
        .arg("groups")
        .stdout(Stdio::from(write_end))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}", out.status);
}

/// An import whose every row is rejected fails (exit status 1) with the
/// commonest reasons, and stores nothing.
#[test]
fn an_import_with_every_row_rejected_fails() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let csv = dir.path().join("street.csv");
    std::fs::write(
        &csv,
        "Crime ID,Month,Longitude,Latitude,Crime type\n\
         a,2025-13,-0.89,52.23,Burglary\n\
         b,2025-13,-0.89,52.23,Burglary\n\
         c,2025-02,0,0,Burglary\n",
    )
    .unwrap();
    let out = hotspot_unchecked(&db, &["import", "police-uk", csv.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("all 3 rows were rejected"), "{stderr}");
    assert!(stderr.contains("2 × Month:"), "{stderr}");
    let runs = hotspot(&db, &["imports"]);
    assert_eq!(String::from_utf8_lossy(&runs.stdout).lines().count(), 1);

    // In a folder of months, one wholly bad month refuses the batch rather
    // than replacing that month with nothing.
    let months = dir.path().join("months");
    std::fs::create_dir(&months).unwrap();
    std::fs::write(
        months.join("2025-01-force-street.csv"),
        "Crime ID,Month,Longitude,Latitude,Crime type\na,2025-01,-0.89,52.23,Burglary\n",
    )
    .unwrap();
    std::fs::copy(&csv, months.join("2025-02-force-street.csv")).unwrap();
    let out = hotspot_unchecked(&db, &["import", "police-uk", months.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2025-02-force-street.csv"), "{stderr}");
    let runs = hotspot(&db, &["imports"]);
    assert_eq!(String::from_utf8_lossy(&runs.stdout).lines().count(), 1);
}

/// The options that change what is stored are part of an import's version:
/// the same boundary file with another `--name-field` replaces the layer,
/// and the same CSV with another mapping replaces its dataset.
#[test]
fn reimporting_with_other_options_is_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let wards = dir.path().join("wards.geojson");
    std::fs::write(
        &wards,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "properties":{"ward_code":"E05013213","ward_name":"Brickhill","district":"Bedford"},
            "geometry":{"type":"Polygon","coordinates":[[[-0.9,52.2],[-0.8,52.2],[-0.8,52.3],[-0.9,52.2]]]}}]}"#,
    )
    .unwrap();
    let run = |args: &[&str]| String::from_utf8(hotspot(&db, args).stdout).unwrap();
    let path = wards.to_str().unwrap();
    assert!(run(&["import", "boundaries", path]).starts_with("added"));
    assert!(run(&["import", "boundaries", path]).starts_with("unchanged"));
    // Naming the property auto-detection chose stores the same thing.
    let same = run(&["import", "boundaries", path, "--name-field", "WARD_NAME"]);
    assert!(same.starts_with("unchanged"), "{same}");
    let other = run(&["import", "boundaries", path, "--name-field", "district"]);
    assert!(other.starts_with("replaced"), "{other}");

    let csv = dir.path().join("partner.csv");
    std::fs::write(&csv, "Date,Lon,Lat,Kind\n2025-03-04,-0.85,52.25,Graffiti\n").unwrap();
    let csv = csv.to_str().unwrap();
    let mapping = "date=Date,lon=Lon,lat=Lat,source=partner";
    assert!(run(&["import", "csv", csv, "--mapping", mapping]).starts_with("added"));
    assert!(run(&["import", "csv", csv, "--mapping", mapping]).starts_with("unchanged"));
    let with_category = format!("{mapping},category=Kind");
    let out = run(&["import", "csv", csv, "--mapping", &with_category]);
    assert!(out.starts_with("replaced"), "{out}");
}

/// A streamed import that fails on a later file (here one without the
/// required columns) rolls back the files stored before it: the store keeps
/// the earlier version of the month it had begun to replace.
#[test]
fn a_bad_file_late_in_a_folder_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let months = dir.path().join("months");
    std::fs::create_dir(&months).unwrap();
    let month = |m: &str, rows: &str| {
        let path = months.join(format!("2025-{m}-force-street.csv"));
        let text = format!("Crime ID,Month,Longitude,Latitude,Crime type\n{rows}");
        std::fs::write(path, text).unwrap();
    };
    month("01", "a,2025-01,-0.89,52.23,Burglary\n");
    month("02", "b,2025-02,-0.89,52.23,Burglary\n");
    let folder = months.to_str().unwrap();
    hotspot(&db, &["import", "police-uk", folder]);

    // January changes, February is the same, and a third file is unusable.
    month(
        "01",
        "a,2025-01,-0.89,52.23,Burglary\nc,2025-01,-0.89,52.23,Robbery\n",
    );
    std::fs::write(
        months.join("2025-03-force-street.csv"),
        "Crime ID,Month\nd,2025-03\n",
    )
    .unwrap();
    let out = hotspot_unchecked(&db, &["import", "police-uk", folder]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2025-03-force-street.csv"), "{stderr}");
    let runs = hotspot(&db, &["imports"]);
    let runs = String::from_utf8_lossy(&runs.stdout).to_string();
    assert_eq!(runs.lines().count(), 2, "one run, the first: {runs}");

    // January's first version is still the one stored.
    month("01", "a,2025-01,-0.89,52.23,Burglary\n");
    std::fs::remove_file(months.join("2025-03-force-street.csv")).unwrap();
    let again = hotspot(&db, &["import", "police-uk", folder]);
    let again = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(again.contains("nothing changed"), "{again}");
}
