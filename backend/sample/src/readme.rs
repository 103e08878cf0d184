//! `README.md` for the generated folder.
//!
//! Generated together with the data so that its sizes, row counts and seed
//! can never disagree with the files beside it.

use hotspot_core::Month;

use crate::snap::{SnapPoints, Zone, HOTSPOTS};
use crate::wards::Borough;
use crate::{SampleFile, SampleOptions, DEFAULT_SEED};

/// The sample's README. Long because it is mostly the README's own text,
/// written out in order with the figures filled in; splitting it would
/// scatter one document over several functions.
pub(crate) fn readme(
    opts: &SampleOptions,
    months: &[Month],
    borough: &Borough,
    snaps: &SnapPoints,
    files: &[SampleFile],
) -> String {
    let rows = |f: &SampleFile| {
        f.contents
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_sub(1)
    };
    let find = |p: &str| files.iter().find(|f| f.relative_path == p);
    let street: Vec<&SampleFile> = files
        .iter()
        .filter(|f| f.relative_path.starts_with("policeuk/"))
        .collect();
    let street_rows: usize = street.iter().map(|f| rows(f)).sum();
    let street_bytes: usize = street.iter().map(|f| f.contents.len()).sum();
    let total_bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    let period = match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "no months".to_string(),
    };
    let seed_note = if opts.seed == DEFAULT_SEED {
        format!("{} (the default)", opts.seed)
    } else {
        format!("{} (not the default {DEFAULT_SEED})", opts.seed)
    };
    let in_borough = snaps
        .points
        .iter()
        .filter(|p| p.zone != Zone::Outside)
        .count();
    let outside = snaps.points.len() - in_borough;

    let mut s = String::new();
    s.push_str("# Sample data: Hotspot Sample Borough\n\n");
    s.push_str(
        "**Everything in this folder is fictional and generated.** No real crime, person or \
place is described. The borough, its wards, LSOAs, streets, crime IDs, populations and \
incidents are made up by the project's seeded generator (crate `hotspot-sample`, \
`backend/sample`). Only the coordinates are real-world: the borough is placed on the \
British National Grid near E 470000 N 260000 in the English Midlands so that \
projections, distances and maps behave as they would for a real Community Safety \
Partnership. Any resemblance to real places there is coincidental.\n\n",
    );
    s.push_str(
        "`hotspot serve` loads this data on a fresh machine so a new user sees a working \
hotspot map at once.\n\n",
    );
    s.push_str("## Regenerating\n\n");
    s.push_str(&format!(
        "This folder, this README included, is the output of the generator with seed \
**{seed_note}**, {} months ({period}) and {} police.uk rows a month before seasonal \
variation. Regenerate it with\n\n```sh\ncargo run -p hotspot -- sample --out data\n```\n\n\
(`hotspot sample` with the installed binary; or, without the CLI, \
`cargo run -p hotspot-sample --bin generate-sample -- --out data --seed {}`). \
The same seed gives byte-identical files, and a test in `backend/sample` fails if the \
committed files drift from the generator, so edit the generator, not these files.\n\n",
        months.len(),
        opts.incidents_per_month,
        opts.seed
    ));

    s.push_str("## Files\n\n| file | what | rows | size |\n|---|---|---:|---:|\n");
    if let Some(f) = find("wards.geojson") {
        s.push_str(&format!(
            "| `wards.geojson` | ward boundaries (features) | {} | {} |\n",
            borough.wards.len(),
            size(f.contents.len())
        ));
    }
    if let Some(f) = find("population.csv") {
        s.push_str(&format!(
            "| `population.csv` | residents per ward | {} | {} |\n",
            rows(f),
            size(f.contents.len())
        ));
    }
    s.push_str(&format!(
        "| `policeuk/YYYY-MM-sample-street.csv` | police.uk street files, {} of them | {} | {} |\n",
        street.len(),
        street_rows,
        size(street_bytes)
    ));
    if let Some(f) = find("partner/fly-tipping.csv") {
        s.push_str(&format!(
            "| `partner/fly-tipping.csv` | partner fly-tipping reports | {} | {} |\n",
            rows(f),
            size(f.contents.len())
        ));
    }
    s.push_str(&format!(
        "| **total** (without this README) | | | **{}** |\n\n",
        size(total_bytes)
    ));

    s.push_str("### `wards.geojson`\n\n");
    s.push_str(
        "An RFC 7946 FeatureCollection of 16 `Polygon` wards in WGS84 longitude/latitude \
(6 decimal places, exterior rings counter-clockwise and closed), one feature per line. \
Properties: `WD24CD` (fictional code, `E05999001`…), `WD24NM` (name) and `population` \
(residents). The wards tile the borough exactly, with no gaps or overlaps: they are \
built in British National Grid metres from a jittered 4 × 4 grid whose shared edges are \
densified into a few jittered vertices, each edge computed once and used by both \
neighbouring wards, and every vertex projected and rounded once.\n\n",
    );
    s.push_str("| code | ward | population | role in the sample |\n|---|---|---:|---|\n");
    for w in &borough.wards {
        let role = match w.name {
            "Castle" => {
                "town centre: night-time economy (violence, public order, theft from the person)"
            }
            "Eastfield" => "retail park (shoplifting, vehicle crime)",
            "Kingsmead" => {
                "housing estate: burglary and vehicle crime growing through the second year"
            }
            "Abbey Fields" => "town park (ASB, criminal damage, drugs)",
            "Northgate" | "Riverside" => "back-alley fly-tipping hotspot",
            _ => "",
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            w.code, w.name, w.population, role
        ));
    }
    let total_pop: u32 = borough.wards.iter().map(|w| w.population).sum();
    s.push_str(&format!("| | **total** | **{total_pop}** | |\n\n"));

    s.push_str("### `population.csv`\n\n");
    s.push_str(
        "`ward_code,ward_name,population`: the same figures as the GeoJSON `population` \
property, for the separate population import path (rates per 1,000 residents).\n\n",
    );

    s.push_str("### `policeuk/YYYY-MM-sample-street.csv`\n\n");
    s.push_str(&format!(
        "One file a month in police.uk's street-level format, with its exact 12-column header \
`Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,\
Crime type,Last outcome category,Context`, `\\n` line ends and UTF-8. \"Reported by\" and \
\"Falls within\" are `Sample Constabulary`. All 14 police.uk crime types appear in roughly \
their national shares (violence and sexual offences ≈ 35 %, anti-social behaviour ≈ 20 %, \
shoplifting ≈ 9 % … theft from the person ≈ 0.3 %).\n\n\
Incidents are placed to make hotspots: the {} concentrations listed in the ward table above, plus a diffuse background across \
all wards weighted by population. How the file mirrors police.uk's real quirks:\n\n",
        HOTSPOTS.len()
    ));
    s.push_str(&format!(
        "* **Snap points.** police.uk publishes each crime at the nearest of a fixed set of \
anonymised map points, labelled `On or near …` (a street, or a place such as \
`Supermarket`, `Parking Area`, `Nightclub`). The sample uses {in_borough} such points in \
the borough (denser in the hotspots) and {outside} outside it, so many rows share a \
point, as in real files. Longitude/latitude have 6 decimal places.\n\
* **Anti-social behaviour** rows have a blank `Crime ID` and a blank outcome.\n\
* **Crime IDs** are 64 hexadecimal characters. A few crimes each month appear on two \
rows with the same ID and different outcomes, as police.uk sometimes publishes them.\n\
* **No location.** About 1 % of rows have blank longitude, latitude and LSOA and \
`Location` = `No Location`.\n\
* **Outside the area.** About 0.6 % of rows are recorded by the force but located in \
fictional neighbouring districts (`Sample Vale …`, `Sample Heath …`, LSOA codes \
`E01998…`), several kilometres outside the borough.\n\
* **LSOAs** are fictional (`E01999001`…, names like `Sample Borough 006C`): each ward \
splits into up to six. Join incidents to wards by point-in-polygon, as with real data; \
no snap point lies within 20 m of a ward boundary, so every reader agrees on the ward.\n\
* **Months only.** `Month` is `YYYY-MM`; there is no day or time. `Context` is blank.\n\
* **Seasonality.** Violence and public order peak in summer and December, ASB and \
bicycle theft in summer, burglary in the dark months, shoplifting before Christmas.\n\
* **Outcomes.** The last three months carry many `Under investigation` outcomes, as \
recent police.uk months do.\n\
* **Change over time.** From the thirteenth month on, extra burglaries and vehicle \
crimes appear in Kingsmead, growing each month, so a year-on-year comparison shows an \
emerging hotspot.\n\n"
    ));

    s.push_str("### `partner/fly-tipping.csv`\n\n");
    s.push_str(
        "A partner (council) data set with full dates and times, in British National Grid: \
`Reference,Reported,Easting,Northing,Type`. `Reported` is UK format `DD/MM/YYYY HH:MM` \
(mostly daytime reports); `Easting`/`Northing` are whole metres (EPSG:27700); `Type` is \
one of `Household waste`, `Black bags`, `White goods`, `Construction waste`. About 60 \
reports a month, more in summer, over the same months as the police data, more than half \
of them in two back alleys (Northgate and Riverside). Import it with the generic CSV \
mapping\n\n```text\nid=Reference,date=Reported,x=Easting,y=Northing,crs=27700,category=Type,source=fly-tipping\n```\n\n",
    );
    s.push_str(
        "## Licence\n\nGenerated by the project; no third-party data. It may be used under \
the project's licence (Apache-2.0).\n",
    );
    s
}

/// `12,345 bytes (12.3 kB)`.
fn size(bytes: usize) -> String {
    let mut digits = bytes.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    format!("{digits}{grouped} bytes ({:.1} kB)", bytes as f64 / 1000.0)
}
