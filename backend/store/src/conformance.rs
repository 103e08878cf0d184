//! The behaviour every [`Store`] backend must have, as one test suite.
//!
//! Each backend's test module runs it with [`conformance_tests!`], which
//! writes one `#[tokio::test]` per check. The backend supplies a fresh empty
//! store, a way to make its database refuse incidents of category `BOOM` (a
//! trigger), a clean-up, and attributes for every test (PostgreSQL's mark
//! them ignored when no test server is configured).

use chrono::{NaiveDate, NaiveTime};
use hotspot_core::{Area, Incident, Location, Role};

use crate::common::now;
use crate::{
    AreaBatch, AuditEntry, FileOutcome, IncidentBatch, IncidentFile, InterventionSite,
    NewIntervention, PopulationBatch, RejectedRow, Store, StoreError,
};

/// Writes the suite's tests. `$open` is an `async fn() -> S` giving a
/// fresh empty store `S: Store`, `$refuse` an `async fn(&S)` making it
/// refuse incidents of category `BOOM`, `$close` an `async fn(S)` run after
/// a test passes; the attributes go on every test.
macro_rules! conformance_tests {
    ($(#[$attr:meta])* $open:path, $refuse:path, $close:path) => {
        conformance::conformance_tests!(@each [$(#[$attr])*] $open, $close;
            import_round_trips_incidents_and_quarantine,
            reimporting_the_same_bytes_changes_nothing_and_new_bytes_replace,
            unchanged_and_new_files_in_one_batch,
            large_imports_span_several_insert_chunks,
            areas_and_populations,
            imports_and_rejected_rows_page_newest_and_oldest_first,
            users_tokens_and_audit,
            interventions_round_trip_list_and_delete,
            later_outcomes_update_stored_crimes_once,
            a_streamed_import_abandoned_midway_leaves_the_store_as_it_was,
        );

        #[tokio::test]
        $(#[$attr])*
        async fn a_failing_import_leaves_the_store_as_it_was() {
            let s = $open().await;
            $refuse(&s).await;
            conformance::a_failing_import_leaves_the_store_as_it_was(&s).await;
            $close(s).await;
        }
    };
    // The attributes travel as one token tree: a list repeated inside the
    // list of names would not expand.
    (@each $attrs:tt $open:path, $close:path; $($name:ident,)*) => {
        $(conformance::conformance_tests!(@one $attrs $open, $close, $name);)*
    };
    (@one [$(#[$attr:meta])*] $open:path, $close:path, $name:ident) => {
        #[tokio::test]
        $(#[$attr])*
        async fn $name() {
            let s = $open().await;
            conformance::$name(&s).await;
            $close(s).await;
        }
    };
}
pub(crate) use conformance_tests;

pub(crate) fn incident(category: &str, month: &str, line: u64, located: bool) -> Incident {
    Incident {
        source: "police.uk".into(),
        external_id: Some(format!("id-{line}")),
        category: category.into(),
        month: month.parse().unwrap(),
        date: None,
        time: None,
        location: located.then_some(Location {
            lon: -0.9,
            lat: 52.24,
            x: 475_000.0,
            y: 260_000.0,
        }),
        location_label: Some("On or near Supermarket".into()),
        lsoa_code: None,
        outcome: None,
        origin_line: line,
    }
}

pub(crate) fn file(key: &str, sha: &str, incidents: Vec<Incident>) -> IncidentFile {
    IncidentFile {
        file_name: format!("{key}.csv"),
        dataset_key: key.into(),
        sha256: sha.into(),
        rows: incidents.len() as u64 + 1,
        incidents,
        rejected: vec![RejectedRow {
            line: 99,
            field: Some("Longitude".into()),
            reason: "not a number".into(),
            raw: "x,y,z".into(),
        }],
        notes: Vec::new(),
    }
}

pub(crate) fn batch(files: Vec<IncidentFile>) -> IncidentBatch {
    IncidentBatch {
        kind: "police.uk".into(),
        files,
        outcomes: Vec::new(),
    }
}

pub(crate) fn square() -> geo_types::MultiPolygon<f64> {
    geo_types::MultiPolygon(vec![geo_types::Polygon::new(
        geo_types::LineString::from(vec![
            (-0.9, 52.2),
            (-0.8, 52.2),
            (-0.8, 52.3),
            (-0.9, 52.3),
            (-0.9, 52.2),
        ]),
        vec![],
    )])
}

pub(crate) fn area(code: &str, population: Option<f64>) -> Area {
    Area {
        code: code.into(),
        name: format!("Ward {code}"),
        population,
        geometry: square(),
    }
}

pub(crate) async fn import_round_trips_incidents_and_quarantine(s: &dyn Store) {
    let mut inc = incident("Burglary", "2025-03", 2, true);
    inc.date = NaiveDate::from_ymd_opt(2025, 3, 14);
    inc.time = NaiveTime::from_hms_opt(23, 5, 0);
    inc.lsoa_code = Some("E01027000".into());
    inc.outcome = Some("Under investigation".into());
    let rep = s
        .import_incidents(batch(vec![file(
            "k1",
            "a",
            vec![inc.clone(), incident("Drugs", "2025-03", 3, false)],
        )]))
        .await
        .unwrap();
    assert_eq!((rep.accepted, rep.rejected), (2, 1));
    assert_eq!(rep.files[0].outcome, FileOutcome::Added);
    assert!(rep.changed());
    let loaded = s.load_incidents().await.unwrap();
    assert_eq!(loaded.len(), 2);
    assert_eq!(loaded[0].incident, inc);
    assert_eq!(loaded[1].incident.location, None);
    assert!(loaded[0].id < loaded[1].id, "incidents load in id order");
    let q = s.rejected_rows(rep.import_id, 100, 0).await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].line, q[0].field.as_deref()), (99, Some("Longitude")));
    assert_eq!(q[0].file_name, "k1.csv");
    assert_eq!(Some(q[0].import_id), rep.import_id);
    let runs = s.imports().await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].kind.as_str(), runs[0].files, runs[0].accepted),
        ("police.uk", 1, 2)
    );
    assert_eq!((runs[0].rejected, runs[0].unchanged), (1, 0));
    assert!(
        chrono::DateTime::parse_from_rfc3339(&runs[0].created_at).is_ok(),
        "{}",
        runs[0].created_at
    );
    s.ping().await.unwrap();
}

pub(crate) async fn reimporting_the_same_bytes_changes_nothing_and_new_bytes_replace(
    s: &dyn Store,
) {
    let f = file("k1", "a", vec![incident("Burglary", "2025-03", 2, true)]);
    s.import_incidents(batch(vec![f.clone()])).await.unwrap();
    let again = s.import_incidents(batch(vec![f])).await.unwrap();
    assert!(!again.changed());
    assert_eq!(again.import_id, None);
    assert_eq!(again.files[0].outcome, FileOutcome::Unchanged);
    assert_eq!(s.imports().await.unwrap().len(), 1);
    assert_eq!(s.load_incidents().await.unwrap().len(), 1);

    let v2 = file(
        "k1",
        "b",
        vec![
            incident("Robbery", "2025-03", 2, true),
            incident("Robbery", "2025-03", 3, true),
        ],
    );
    let rep = s.import_incidents(batch(vec![v2])).await.unwrap();
    assert_eq!(rep.files[0].outcome, FileOutcome::Replaced);
    let all = s.load_incidents().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|i| i.incident.category == "Robbery"));
    // The replaced version's quarantine went with it.
    assert_eq!(s.rejected_rows(None, 100, 0).await.unwrap().len(), 1);
}

pub(crate) async fn later_outcomes_update_stored_crimes_once(s: &dyn Store) {
    let march = file(
        "k1",
        "a",
        vec![
            incident("Burglary", "2025-03", 2, true),
            incident("Burglary", "2025-03", 3, true),
        ],
    );
    s.import_incidents(batch(vec![march])).await.unwrap();
    // A later download: its April file, and outcomes for a March crime
    // (and for one never stored).
    let april = file("k2", "b", vec![incident("Robbery", "2025-04", 7, true)]);
    let outcomes = vec![
        ("id-2".to_string(), "Offender fined".to_string()),
        ("id-999".to_string(), "Local resolution".to_string()),
    ];
    let later = IncidentBatch {
        outcomes: outcomes.clone(),
        ..batch(vec![april.clone()])
    };
    let rep = s.import_incidents(later).await.unwrap();
    assert_eq!(rep.outcomes_updated, 1);
    let outcome = |all: &[crate::StoredIncident], id: &str| {
        all.iter()
            .find(|i| i.incident.external_id.as_deref() == Some(id))
            .unwrap()
            .incident
            .outcome
            .clone()
    };
    let all = s.load_incidents().await.unwrap();
    assert_eq!(outcome(&all, "id-2").as_deref(), Some("Offender fined"));
    assert_eq!(outcome(&all, "id-3"), None);
    // The same download again changes nothing.
    let again = s
        .import_incidents(IncidentBatch {
            outcomes,
            ..batch(vec![april])
        })
        .await
        .unwrap();
    assert!(!again.changed());
    assert_eq!(again.import_id, None);
}

pub(crate) async fn unchanged_and_new_files_in_one_batch(s: &dyn Store) {
    let old = file("k1", "a", vec![incident("Burglary", "2025-03", 2, true)]);
    s.import_incidents(batch(vec![old.clone()])).await.unwrap();
    let new = file("k2", "b", vec![incident("Drugs", "2025-04", 2, true)]);
    let rep = s.import_incidents(batch(vec![old, new])).await.unwrap();
    assert!(rep.changed());
    let outcomes: Vec<_> = rep.files.iter().map(|f| f.outcome).collect();
    assert_eq!(outcomes, [FileOutcome::Unchanged, FileOutcome::Added]);
    assert_eq!((rep.accepted, rep.rejected), (1, 1));
    assert_eq!((rep.files[0].accepted, rep.files[0].rejected), (0, 0));
    let runs = s.imports().await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(Some(runs[0].id), rep.import_id, "newest first");
    assert_eq!((runs[0].files, runs[0].unchanged), (2, 1));
    assert_eq!(s.load_incidents().await.unwrap().len(), 2);
}

/// More rows than one multi-row INSERT holds on either backend.
pub(crate) async fn large_imports_span_several_insert_chunks(s: &dyn Store) {
    let n = 9_001;
    let incidents: Vec<_> = (0..n)
        .map(|i| incident("Drugs", "2025-04", i + 2, i % 3 != 0))
        .collect();
    let mut f = file("big", "a", incidents);
    f.rejected = (0..n)
        .map(|i| RejectedRow {
            line: n + 2 + i,
            field: None,
            reason: "wrong number of fields".into(),
            raw: format!("row {i}"),
        })
        .collect();
    let rep = s.import_incidents(batch(vec![f])).await.unwrap();
    assert_eq!((rep.accepted, rep.rejected), (n, n));
    let all = s.load_incidents().await.unwrap();
    assert_eq!(all.len() as u64, n);
    assert_eq!(all.last().unwrap().incident.origin_line, n + 1);
    let located = all.iter().filter(|i| i.incident.location.is_some()).count();
    assert_eq!(located as u64, n - n.div_ceil(3));
    let page = s
        .rejected_rows(rep.import_id, 10, (n - 5) as i64)
        .await
        .unwrap();
    assert_eq!(page.len(), 5);
    assert_eq!(page.last().unwrap().raw, format!("row {}", n - 1));
}

/// Expects the backend to refuse incidents of category `BOOM`.
pub(crate) async fn a_failing_import_leaves_the_store_as_it_was(s: &dyn Store) {
    s.import_incidents(batch(vec![file(
        "k1",
        "a",
        vec![incident("Burglary", "2025-03", 2, true)],
    )]))
    .await
    .unwrap();
    // The database refuses one row deep inside the second file, after the
    // first file has replaced k1.
    let many: Vec<_> = (0..5000)
        .map(|i| incident("Drugs", "2025-04", i + 2, true))
        .collect();
    let mut bad = many.clone();
    bad.push(incident("BOOM", "2025-04", 9999, true));
    let replaced = file("k1", "changed", many);
    let err = s
        .import_incidents(batch(vec![replaced, file("k2", "c", bad)]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("refused"), "{err}");
    let all = s.load_incidents().await.unwrap();
    assert_eq!(all.len(), 1, "nothing from the failed import may remain");
    assert_eq!(all[0].incident.category, "Burglary");
    assert_eq!(s.imports().await.unwrap().len(), 1);
    assert_eq!(s.rejected_rows(None, 100, 0).await.unwrap().len(), 1);
    // The store still works after the rollback.
    let rep = s
        .import_incidents(batch(vec![file(
            "k3",
            "d",
            vec![incident("Robbery", "2025-05", 2, true)],
        )]))
        .await
        .unwrap();
    assert!(rep.changed());
    assert_eq!(s.load_incidents().await.unwrap().len(), 2);
}

/// An import fed a file at a time and abandoned after some files (rolled
/// back, or dropped as on an error) leaves nothing of itself; committed, the
/// same files land as one batch would.
pub(crate) async fn a_streamed_import_abandoned_midway_leaves_the_store_as_it_was(s: &dyn Store) {
    let first = file("k1", "a", vec![incident("Burglary", "2025-03", 2, true)]);
    s.import_incidents(batch(vec![first])).await.unwrap();
    let many: Vec<_> = (0..5000)
        .map(|i| incident("Drugs", "2025-04", i + 2, true))
        .collect();
    let (replaced, added) = (file("k1", "b", many.clone()), file("k2", "c", many));
    for rollback in [true, false] {
        let mut import = s.begin_incident_import("police.uk").await.unwrap();
        let outcome = import.add_file(&replaced).await.unwrap();
        assert_eq!(outcome, FileOutcome::Replaced);
        let outcome = import.add_file(&added).await.unwrap();
        assert_eq!(outcome, FileOutcome::Added);
        match rollback {
            true => import.rollback().await.unwrap(),
            false => drop(import),
        }
        let all = s.load_incidents().await.unwrap();
        assert_eq!(all.len(), 1, "rollback {rollback}: nothing may remain");
        assert_eq!(all[0].incident.category, "Burglary");
        assert_eq!(s.imports().await.unwrap().len(), 1);
        assert_eq!(s.rejected_rows(None, 100, 0).await.unwrap().len(), 1);
    }
    let mut import = s.begin_incident_import("police.uk").await.unwrap();
    import.add_file(&replaced).await.unwrap();
    import.add_file(&added).await.unwrap();
    let rep = import.commit().await.unwrap();
    assert_eq!((rep.accepted, rep.rejected), (10_000, 2));
    let all = s.load_incidents().await.unwrap();
    assert_eq!(all.len(), 10_000);
    assert!(
        all.windows(2).all(|w| w[0].id < w[1].id),
        "by id, across pages"
    );
    assert_eq!(s.imports().await.unwrap().len(), 2);
}

pub(crate) async fn areas_and_populations(s: &dyn Store) {
    let rep = s
        .import_areas(AreaBatch {
            layer: "wards".into(),
            file_name: "wards.geojson".into(),
            sha256: "w1".into(),
            areas: vec![area("E05000001", Some(1000.0)), area("E05000002", None)],
            rejected: vec![],
        })
        .await
        .unwrap();
    assert!(rep.changed());
    let pops = PopulationBatch {
        layer: "wards".into(),
        file_name: "pop.csv".into(),
        sha256: "p1".into(),
        rows: 2,
        populations: vec![
            ("E05000002".into(), 2500.0, 2),
            ("E05999999".into(), 10.0, 3),
        ],
        rejected: vec![],
    };
    let rep = s.import_populations(pops.clone()).await.unwrap();
    assert_eq!((rep.accepted, rep.rejected), (1, 1));
    let areas = s.load_areas("wards").await.unwrap();
    assert_eq!(areas.len(), 2);
    assert_eq!(areas[0].population, Some(1000.0));
    assert_eq!(areas[1].population, Some(2500.0));
    assert_eq!(areas[1].geometry, square());
    let q = s.rejected_rows(rep.import_id, 10, 0).await.unwrap();
    assert!(q[0].reason.contains("E05999999"));
    // The same population file again changes nothing.
    let again = s.import_populations(pops).await.unwrap();
    assert!(!again.changed());
    assert!(s.load_areas("lsoas").await.unwrap().is_empty());

    // A table none of whose codes is an area is refused, and the stored
    // populations and import runs stay as they were.
    let runs = s.imports().await.unwrap().len();
    let err = s
        .import_populations(PopulationBatch {
            layer: "wards".into(),
            file_name: "lsoa-pop.csv".into(),
            sha256: "p2".into(),
            rows: 1,
            populations: vec![("E01000001".into(), 1500.0, 2)],
            rejected: vec![],
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NothingAccepted(_)), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("lsoa-pop.csv") && msg.contains("E01000001"),
        "{msg}"
    );
    assert_eq!(s.imports().await.unwrap().len(), runs);
    let areas = s.load_areas("wards").await.unwrap();
    assert_eq!(areas[1].population, Some(2500.0));

    // A new boundary file replaces the layer; populations survive.
    s.import_areas(AreaBatch {
        layer: "wards".into(),
        file_name: "wards2.geojson".into(),
        sha256: "w2".into(),
        areas: vec![area("E05000002", None)],
        rejected: vec![],
    })
    .await
    .unwrap();
    let areas = s.load_areas("wards").await.unwrap();
    assert_eq!(areas.len(), 1);
    assert_eq!(areas[0].population, Some(2500.0));
    assert_eq!(areas[0].name, "Ward E05000002");
}

pub(crate) async fn imports_and_rejected_rows_page_newest_and_oldest_first(s: &dyn Store) {
    let mut ids = Vec::new();
    for k in 0..3 {
        let rep = s
            .import_incidents(batch(vec![file(
                &format!("k{k}"),
                "a",
                vec![incident("Burglary", "2025-03", 2, true)],
            )]))
            .await
            .unwrap();
        ids.push(rep.import_id.unwrap());
    }
    let runs: Vec<_> = s.imports().await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(runs, ids.iter().rev().copied().collect::<Vec<_>>());
    let all = s.rejected_rows(None, 100, 0).await.unwrap();
    assert_eq!(
        all.iter().map(|r| r.import_id).collect::<Vec<_>>(),
        ids,
        "oldest first"
    );
    let page = s.rejected_rows(None, 1, 1).await.unwrap();
    assert_eq!(page, vec![all[1].clone()]);
    assert_eq!(
        s.rejected_rows(Some(ids[2]), 100, 0).await.unwrap(),
        vec![all[2].clone()]
    );
    assert!(s.rejected_rows(Some(-1), 100, 0).await.unwrap().is_empty());
}

pub(crate) async fn users_tokens_and_audit(s: &dyn Store) {
    let u = s
        .create_user("ana", "$argon2id$fake", Role::Analyst)
        .await
        .unwrap();
    assert!(matches!(
        s.create_user("ana", "x", Role::Admin).await,
        Err(StoreError::Conflict(_))
    ));
    let (user, hash) = s.user_credentials("ana").await.unwrap().unwrap();
    assert_eq!(user, u);
    assert_eq!(
        (user.role, hash.as_str(), user.disabled),
        (Role::Analyst, "$argon2id$fake", false)
    );
    assert!(s.user_credentials("bob").await.unwrap().is_none());
    let id = s
        .create_token(u.id, "api", "scripts", "abc", None)
        .await
        .unwrap();
    let t = s.token(id).await.unwrap().unwrap();
    assert_eq!(
        (t.user.username.as_str(), t.secret_hash.as_str()),
        ("ana", "abc")
    );
    assert_eq!((t.kind.as_str(), t.expires_at.as_deref()), ("api", None));
    let session = s
        .create_token(
            u.id,
            "session",
            "browser",
            "def",
            Some("2030-01-01T00:00:00Z"),
        )
        .await
        .unwrap();
    let t = s.token(session).await.unwrap().unwrap();
    assert_eq!(t.expires_at.as_deref(), Some("2030-01-01T00:00:00Z"));
    s.delete_token(id).await.unwrap();
    assert!(s.token(id).await.unwrap().is_none());
    assert!(s.token(session).await.unwrap().is_some());
    let entry = AuditEntry {
        at: now(),
        username: Some("ana".into()),
        role: Role::Analyst,
        client: Some("127.0.0.1".into()),
        method: "GET".into(),
        path: "/api/incidents".into(),
        query: Some("type=Burglary".into()),
        status: 200,
    };
    let anonymous = AuditEntry {
        username: None,
        role: Role::Public,
        client: None,
        query: None,
        status: 404,
        ..entry.clone()
    };
    s.append_audit(&[entry.clone(), entry.clone(), anonymous.clone()])
        .await
        .unwrap();
    let log = s.audit_log(10, 0).await.unwrap();
    assert_eq!(log, vec![anonymous, entry.clone(), entry.clone()]);
    assert_eq!(s.audit_log(1, 2).await.unwrap(), vec![entry]);
    s.create_user("zed", "h", Role::Admin).await.unwrap();
    let names: Vec<_> = s
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["ana", "zed"]);
}

pub(crate) async fn interventions_round_trip_list_and_delete(s: &dyn Store) {
    assert!(s.interventions().await.unwrap().is_empty());
    let patrols = NewIntervention {
        name: "Estate patrols".into(),
        kind: "patrols".into(),
        area: square(),
        site: None,
        start_date: NaiveDate::from_ymd_opt(2025, 3, 15).unwrap(),
        end_date: Some(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()),
        buffer_m: 200.0,
        groups: vec!["serious-acquisitive".into()],
        types: vec!["Burglary".into(), "Vehicle crime".into()],
        notes: Some("two PCSOs, evenings".into()),
        created_by: Some("ana".into()),
    };
    let cctv = NewIntervention {
        name: "Market CCTV".into(),
        kind: "CCTV".into(),
        site: Some(InterventionSite {
            lon: -0.85,
            lat: 52.25,
            radius_m: 150.0,
        }),
        start_date: NaiveDate::from_ymd_opt(2025, 5, 1).unwrap(),
        end_date: None,
        buffer_m: 350.5,
        groups: vec![],
        types: vec![],
        notes: None,
        created_by: None,
        ..patrols.clone()
    };
    let a = s.create_intervention(&patrols).await.unwrap();
    let b = s.create_intervention(&cctv).await.unwrap();
    assert!(b.id > a.id);
    assert_eq!(a.intervention, patrols);
    assert!(!a.created_at.is_empty());
    let got = s.intervention(a.id).await.unwrap().unwrap();
    assert_eq!(got, a, "every field round-trips");
    assert_eq!(s.intervention(b.id).await.unwrap().unwrap(), b);
    // Newest start first.
    let ids: Vec<i64> = s
        .interventions()
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(ids, [b.id, a.id]);
    assert!(s.delete_intervention(a.id).await.unwrap());
    assert!(!s.delete_intervention(a.id).await.unwrap());
    assert!(s.intervention(a.id).await.unwrap().is_none());
    assert!(s.intervention(9999).await.unwrap().is_none());
    assert_eq!(s.interventions().await.unwrap(), vec![b]);
}
