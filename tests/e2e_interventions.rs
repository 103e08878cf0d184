//! The intervention log from the command line: record an intervention
//! around the sample's Kingsmead estate, list it, evaluate it against an
//! automatically chosen control, and delete it.

mod support;

use support::{hotspot, hotspot_unchecked};

#[test]
fn the_cli_records_evaluates_and_deletes_interventions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("interventions.db");
    hotspot(&db, &["import", "boundaries", "data/wards.geojson"]);
    hotspot(&db, &["import", "police-uk", "data/policeuk"]);

    // The Kingsmead ward's boundary as the target area.
    let wards: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("data/wards.geojson").unwrap_or_else(|_| {
            std::fs::read_to_string(support::repo_root().join("data/wards.geojson")).unwrap()
        }),
    )
    .unwrap();
    let kingsmead = wards["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"].to_string().contains("Kingsmead"))
        .unwrap();
    let area = dir.path().join("kingsmead.geojson");
    std::fs::write(&area, kingsmead["geometry"].to_string()).unwrap();

    let out = hotspot(
        &db,
        &[
            "interventions",
            "add",
            "--name",
            "Kingsmead target hardening",
            "--kind",
            "target hardening",
            "--start",
            "2025-01-01",
            "--area",
            area.to_str().unwrap(),
            "--group",
            "serious-acquisitive",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("recorded intervention 1"), "{text}");
    hotspot(
        &db,
        &[
            "interventions",
            "add",
            "--name",
            "Castle patrols",
            "--kind",
            "patrols",
            "--start",
            "2025-06-14",
            "--site=-0.885,52.24",
            "--radius",
            "300",
            "--buffer",
            "250",
        ],
    );
    let list = hotspot(&db, &["interventions", "list"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("Kingsmead target hardening") && text.contains("Castle patrols"),
        "{text}"
    );
    assert!(text.contains("300 m around"), "{text}");

    let json = dir.path().join("evaluation.json");
    let eval = hotspot(
        &db,
        &[
            "interventions",
            "evaluate",
            "1",
            "--out",
            json.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&eval.stdout);
    for needle in [
        "target",
        "buffer",
        "control",
        "Chosen automatically",
        "WDQ",
        "Caveats:",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    // Regression to the mean is the first caveat.
    let caveats = text.split("Caveats:").nth(1).unwrap();
    assert!(
        caveats.trim_start().starts_with("* Regression to the mean"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["areas"]["features"].as_array().unwrap().len(), 3);
    assert_eq!(v["evaluation"]["periods"]["before"]["from"], "2024-01");

    let user = hotspot(
        &db,
        &[
            "interventions",
            "evaluate",
            "1",
            "--control",
            "E05999004,E05999008",
            "--before",
            "2024-07..2024-12",
        ],
    );
    let text = String::from_utf8_lossy(&user.stdout);
    assert!(
        text.contains("Given by the user") && text.contains("× 2.000"),
        "{text}"
    );

    let bad = hotspot_unchecked(
        &db,
        &[
            "interventions",
            "add",
            "--name",
            "x",
            "--kind",
            "y",
            "--start",
            "2025-02-30",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("start"));

    hotspot(&db, &["interventions", "delete", "1"]);
    let gone = hotspot_unchecked(&db, &["interventions", "evaluate", "1"]);
    assert!(!gone.status.success());
    assert!(String::from_utf8_lossy(&gone.stderr).contains("no intervention with id 1"));
}
