//! Test-only: the one place that finds what some tests need beyond the
//! repository, and tells build scripts whether it is there.
//!
//! * the real data, `../shared/data` beside the repository or
//!   `$HOTSPOT_SHARED_DATA` (see its SOURCES.md);
//! * a PostgreSQL/PostGIS server, `$HOTSPOT_TEST_POSTGRES_URL`
//!   (`scripts/postgres.sh` starts one).
//!
//! libtest cannot mark a test skipped once it runs, so the decision is made
//! at compile time: a crate's `build.rs` calls [`emit_cfgs`], and its tests
//! carry `#[cfg_attr(not(has_shared_data), ignore = "…")]` (or
//! `has_postgres`). A missing prerequisite then shows as "ignored" in the
//! test summary, never as a pass. Under CI (`CI` set) both cfgs are always
//! on, so a missing prerequisite fails the tests that need it: they call
//! [`shared_data`] or [`postgres_url`], which panic saying what is missing.

use std::path::{Path, PathBuf};

/// Names the real data directory when it is not `../shared/data`.
pub const SHARED_DATA_VAR: &str = "HOTSPOT_SHARED_DATA";
/// Names the PostgreSQL test database.
pub const POSTGRES_URL_VAR: &str = "HOTSPOT_TEST_POSTGRES_URL";
/// Set by CI services (GitHub, GitLab, .ci/run's caller): missing
/// prerequisites fail instead of being ignored.
pub const CI_VAR: &str = "CI";

/// Where the real data is expected: `$HOTSPOT_SHARED_DATA`, else
/// `shared/data` beside the repository.
pub fn shared_data_dir() -> PathBuf {
    match std::env::var_os(SHARED_DATA_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        // This crate is backend/testenv: the repository is two levels up.
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// The real data directory, when it is there (it holds SOURCES.md).
pub fn find_shared_data() -> Option<PathBuf> {
    let dir = shared_data_dir();
    dir.join("SOURCES.md").is_file().then_some(dir)
}

/// The real data directory; panics saying how to provide it. For tests
/// marked `#[cfg_attr(not(has_shared_data), ignore = "…")]`.
#[track_caller]
pub fn shared_data() -> PathBuf {
    // No closure: #[track_caller] reports the test's line, not this one.
    match find_shared_data() {
        Some(dir) => dir,
        None => panic!(
            "the real data is missing: no SOURCES.md in {} (put the shared data there or set \
             {SHARED_DATA_VAR}; see CONTRIBUTING.md, \"Test tiers and prerequisites\")",
            shared_data_dir().display()
        ),
    }
}

/// `$HOTSPOT_TEST_POSTGRES_URL`, when set and not empty.
pub fn find_postgres_url() -> Option<String> {
    std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|u| !u.is_empty())
}

/// `$HOTSPOT_TEST_POSTGRES_URL`; panics saying how to set it. For tests
/// marked `#[cfg_attr(not(has_postgres), ignore = "…")]`.
#[track_caller]
pub fn postgres_url() -> String {
    match find_postgres_url() {
        Some(url) => url,
        None => panic!(
            "{POSTGRES_URL_VAR} is not set: run `. scripts/postgres.sh` for a PostgreSQL/PostGIS \
             test server (scripts/test does), or point it at one of your own"
        ),
    }
}

/// Whether we run under CI, where a missing prerequisite is an error.
pub fn in_ci() -> bool {
    means_ci(std::env::var(CI_VAR).ok().as_deref())
}

/// CI services set `CI=true` (some `1`); an empty, `false` or `0` value
/// is someone switching it off.
fn means_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// For a `build.rs`: sets `cfg(has_shared_data)` and `cfg(has_postgres)`
/// for this package when the prerequisite is present, or always under CI,
/// and asks Cargo to re-run when that may change.
///
/// A data directory that appears later, without any of the variables
/// changing, is not noticed (watching a missing path would rebuild on
/// every run): see CONTRIBUTING.md.
pub fn emit_cfgs() {
    println!("cargo::rustc-check-cfg=cfg(has_shared_data)");
    println!("cargo::rustc-check-cfg=cfg(has_postgres)");
    println!("cargo::rustc-check-cfg=cfg(has_gdal)");
    for var in [CI_VAR, SHARED_DATA_VAR, POSTGRES_URL_VAR] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    let ci = in_ci();
    let data = find_shared_data();
    if let Some(dir) = &data {
        // Removing the data flips the cfg back.
        println!(
            "cargo::rerun-if-changed={}",
            dir.join("SOURCES.md").display()
        );
    }
    if ci || data.is_some() {
        println!("cargo::rustc-cfg=has_shared_data");
    }
    if ci || find_postgres_url().is_some() {
        println!("cargo::rustc-cfg=has_postgres");
    }
    // GDAL's `ogrinfo` (Debian's gdal-bin) for the OGC API tests.
    if ci || has_gdal() {
        println!("cargo::rustc-cfg=has_gdal");
    }
}

/// Whether GDAL's `ogrinfo` runs here.
pub fn has_gdal() -> bool {
    std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_is_any_value_but_empty_false_or_zero() {
        for (value, ci) in [
            (None, false),
            (Some(""), false),
            (Some("false"), false),
            (Some("0"), false),
            (Some("true"), true),
            (Some("1"), true),
        ] {
            assert_eq!(means_ci(value), ci, "CI={value:?}");
        }
    }

    #[test]
    fn the_default_data_directory_is_beside_the_repository() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert!(repo.join("Cargo.lock").is_file(), "{}", repo.display());
        if std::env::var_os(SHARED_DATA_VAR).is_none() {
            assert_eq!(shared_data_dir(), repo.join("../shared/data"));
        }
    }
}
