//! police.uk as downloaded: a data.police.uk custom-download zip (a folder
//! per month with street, outcomes and stop-and-search files) imported with
//! one command. Built here from the sample's street files, with an outcomes
//! file and a stop-and-search file in police.uk's published formats.

mod support;

use std::io::Write;
use std::path::Path;

use support::{hotspot, Server};

const STOP_AND_SEARCH_HEADER: &str = "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing";

/// A crime of the sample's October, imported before the download.
fn october_crime() -> String {
    let street = std::fs::read_to_string(
        support::repo_root().join("data/policeuk/2025-10-sample-street.csv"),
    )
    .unwrap();
    crime_ids(&street).remove(0)
}

/// The first two Crime IDs of a street file.
fn crime_ids(street: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(street.as_bytes());
    r.records()
        .filter_map(|r| Some(r.ok()?.get(0)?.to_string()))
        .filter(|id| !id.is_empty())
        .take(2)
        .collect()
}

/// A download of the sample's last two months; returns the zip and the
/// Crime IDs given outcomes.
fn download(dir: &Path) -> (std::path::PathBuf, Vec<(String, &'static str)>) {
    let months = ["2025-11", "2025-12"];
    let path = dir.join("download.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let mut given: Vec<(String, &str)> = Vec::new();
    for m in months {
        let street = std::fs::read_to_string(
            support::repo_root().join(format!("data/policeuk/{m}-sample-street.csv")),
        )
        .unwrap();
        zip.start_file(format!("{m}/{m}-sample-street.csv"), opts)
            .unwrap();
        zip.write_all(street.as_bytes()).unwrap();
        // Outcomes recorded this month (categories the sample's street
        // files never use). November's crimes get a second, later outcome in
        // the December file: the latest is kept.
        let ids = crime_ids(&street);
        let mut outcomes = String::from("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n");
        let line = |id: &str, outcome: &str| {
            format!("{id},{m},Sample Police,Sample Police,,,,,,{outcome}\n")
        };
        for id in &ids {
            outcomes.push_str(&line(id, "Offender fined"));
        }
        if m == "2025-12" {
            for (id, _) in &given {
                outcomes.push_str(&line(id, "Offender sent to prison"));
            }
            outcomes.push_str(&line("not-a-crime-here", "Court result unavailable"));
            // A crime of October, a month imported before the download.
            outcomes.push_str(&line(&october_crime(), "Offender sent to prison"));
            outcomes
                .push_str("broken,December,Sample Police,Sample Police,,,,,,Local resolution\n");
        }
        zip.start_file(format!("{m}/{m}-sample-outcomes.csv"), opts)
            .unwrap();
        zip.write_all(outcomes.as_bytes()).unwrap();
        given.extend(ids.iter().map(|id| (id.clone(), m)));
        zip.start_file(format!("{m}/{m}-sample-stop-and-search.csv"), opts)
            .unwrap();
        writeln!(zip, "{STOP_AND_SEARCH_HEADER}").unwrap();
        writeln!(zip, "Person search,{m}-03T21:15:00+00:00,False,,52.2386,-0.8960,Male,18-24,,,Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,False,False").unwrap();
    }
    zip.finish().unwrap();
    (path, given)
}

#[test]
fn a_download_zip_imports_streets_with_their_latest_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let (zip, given) = download(dir.path());

    // The street files alone, for comparison.
    let plain = dir.path().join("plain.db");
    support::sample_wards_and_months(&plain, &["2025-11", "2025-12"]);

    let db = dir.path().join("zip.db");
    support::sample_wards_and_months(&db, &["2025-10"]);
    let out = hotspot(&db, &["import", "police-uk", zip.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("2 stop-and-search files not imported"),
        "{text}"
    );
    assert!(
        text.contains("2 outcomes are for crimes of months not in this download"),
        "{text}"
    );
    assert!(
        text.contains("1 crimes imported earlier took a later outcome"),
        "{text}"
    );
    // The unreadable outcome row is quarantined, naming its file.
    let rejected = dir.path().join("rejected.csv");
    hotspot(
        &db,
        &[
            "rejected",
            "--import",
            "3",
            "--csv",
            rejected.to_str().unwrap(),
        ],
    );
    let rejected = std::fs::read_to_string(rejected).unwrap();
    assert!(
        rejected.contains("2025-12-sample-outcomes.csv: not a month (YYYY-MM): \"\"December\"\""),
        "{rejected}"
    );

    let zipped = Server::start(&db, &["--anonymous-role", "analyst"]);
    let unzipped = Server::start(&plain, &["--anonymous-role", "analyst"]);
    let q = "/api/incidents?period=2025-11..2025-12&limit=10000";
    let (_, a) = zipped.get_json(q);
    let (_, b) = unzipped.get_json(q);
    assert_eq!(a["numberMatched"], b["numberMatched"]);
    let outcome = |fc: &serde_json::Value, id: &str| {
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["crime_id"] == id)
            .map(|f| f["properties"]["outcome"].clone())
            .unwrap()
    };
    for (id, month) in &given {
        let latest = if *month == "2025-11" {
            "Offender sent to prison"
        } else {
            "Offender fined"
        };
        assert_eq!(outcome(&a, id), latest, "{id}");
        assert_ne!(
            outcome(&b, id),
            latest,
            "{id}: the street file's own outcome differs"
        );
    }
    // October's crime, imported before, took the download's later outcome.
    let (_, october) = zipped.get_json("/api/incidents?period=2025-10&limit=10000");
    assert_eq!(
        outcome(&october, &october_crime()),
        "Offender sent to prison"
    );
    drop(zipped);

    // The same zip again changes nothing; with stop-and-search, two searches arrive.
    let again = hotspot(&db, &["import", "police-uk", zip.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing changed"));
    hotspot(
        &db,
        &[
            "import",
            "police-uk",
            "--stop-and-search",
            zip.to_str().unwrap(),
        ],
    );
    let server = Server::start(&db, &["--anonymous-role", "analyst"]);
    let (_, s) = server.get_json("/api/incidents?period=2025-11..2025-12&source=stop-and-search");
    assert_eq!(s["numberMatched"], 2, "{s}");
    let props = &s["features"][0]["properties"];
    assert_eq!(props["time"], "21:15");
    assert!(
        !props.to_string().contains("Male"),
        "nothing about the person searched: {props}"
    );
}
