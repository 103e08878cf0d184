//! `hotspot interventions add|list|evaluate|delete`: the intervention log
//! and its evaluation (before/after, displacement buffer, WDQ).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use hotspot_core::CrimeGroups;
use hotspot_engine::InterventionEvaluation;
use hotspot_server::interventions::{self, InterventionRequest, Site};
use hotspot_store::Store;

use crate::analyse::dataset;

#[derive(Subcommand, Debug)]
pub enum InterventionsCommand {
    /// Record an intervention.
    Add(AddArgs),
    /// List recorded interventions, newest start first.
    List,
    /// Before/after change against a control area, displacement buffer and WDQ.
    Evaluate {
        id: i64,
        /// Control ward codes, comma-separated (default: chosen automatically).
        #[arg(long)]
        control: Option<String>,
        /// Before period in months, e.g. 2024-01..2024-06 (default: as long
        /// as the after period, just before the intervention).
        #[arg(long)]
        before: Option<String>,
        /// Also write the JSON (with target, buffer and control GeoJSON) here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Delete a recorded intervention.
    Delete { id: i64 },
}

#[derive(Args, Debug)]
pub struct AddArgs {
    #[arg(long)]
    pub name: String,
    /// patrols, target hardening, day of action, CCTV, … (free text).
    #[arg(long)]
    pub kind: String,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    pub start: String,
    /// Last day, YYYY-MM-DD (default: ongoing).
    #[arg(long)]
    pub end: Option<String>,
    /// The target area: a GeoJSON file with a Polygon or MultiPolygon (WGS84).
    #[arg(long, conflicts_with = "site")]
    pub area: Option<PathBuf>,
    /// The target site as LON,LAT (with --radius).
    #[arg(long, requires = "radius")]
    pub site: Option<String>,
    /// Radius around --site, metres.
    #[arg(long)]
    pub radius: Option<f64>,
    /// Displacement buffer width, metres.
    #[arg(long, default_value_t = interventions::DEFAULT_BUFFER_M)]
    pub buffer: f64,
    /// Crime groups it targets (repeat or comma-separate).
    #[arg(long = "group", value_delimiter = ',')]
    pub groups: Vec<String>,
    /// Crime types it targets (repeat or comma-separate).
    #[arg(long = "type", value_delimiter = ',')]
    pub types: Vec<String>,
    #[arg(long)]
    pub notes: Option<String>,
}

fn site(text: &str) -> anyhow::Result<Site> {
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| anyhow::anyhow!("--site {text:?}: expected LON,LAT in degrees"))?;
    match parts.as_slice() {
        &[lon, lat] => Ok(Site { lon, lat }),
        _ => anyhow::bail!("--site {text:?}: expected LON,LAT in degrees"),
    }
}

fn pct(p: Option<f64>) -> String {
    p.map_or("n/a".into(), |p| format!("{p:+.1}%"))
}

pub async fn run(db: &str, groups: CrimeGroups, cmd: InterventionsCommand) -> anyhow::Result<()> {
    let store = hotspot_store::open(db).await?;
    match cmd {
        InterventionsCommand::Add(a) => add(&*store, &groups, a).await,
        InterventionsCommand::List => list(&*store).await,
        InterventionsCommand::Delete { id } => {
            if !store.delete_intervention(id).await? {
                anyhow::bail!("no intervention with id {id}");
            }
            println!("deleted intervention {id}");
            Ok(())
        }
        InterventionsCommand::Evaluate {
            id,
            control,
            before,
            out,
        } => evaluate(&*store, db, groups, id, control, before, out).await,
    }
}

/// `interventions add`: validated as the API validates a request, then stored.
async fn add(store: &dyn Store, groups: &CrimeGroups, a: AddArgs) -> anyhow::Result<()> {
    let area = a
        .area
        .as_ref()
        .map(|p| {
            let text = std::fs::read_to_string(p).with_context(|| p.display().to_string())?;
            text.parse::<geojson::GeoJson>()
                .with_context(|| format!("{}: not GeoJSON", p.display()))
        })
        .transpose()?;
    let req = InterventionRequest {
        name: a.name,
        kind: a.kind,
        start: a.start,
        end: a.end,
        buffer_m: Some(a.buffer),
        groups: a.groups,
        types: a.types,
        notes: a.notes,
        area,
        site: a.site.as_deref().map(site).transpose()?,
        radius_m: a.radius,
    };
    let who = std::env::var("USER").ok().map(|u| format!("cli:{u}"));
    let new = interventions::validate(req, groups, who)?;
    let stored = store.create_intervention(&new).await?;
    println!("recorded intervention {}: {}", stored.id, new.name);
    Ok(())
}

/// `interventions list`: one line each, newest start first.
async fn list(store: &dyn Store) -> anyhow::Result<()> {
    let all = store.interventions().await?;
    if all.is_empty() {
        println!("no interventions recorded");
    }
    for i in all {
        let n = &i.intervention;
        let targets: Vec<&str> = n
            .groups
            .iter()
            .chain(&n.types)
            .map(String::as_str)
            .collect();
        println!(
            "{:>4}  {}  {} to {}  {} ({}), buffer {} m, targets: {}",
            i.id,
            n.name,
            n.start_date,
            n.end_date.map_or("ongoing".into(), |d| d.to_string()),
            n.kind,
            n.site.map_or("polygon".into(), |s| format!(
                "{} m around {:.5},{:.5}",
                s.radius_m, s.lon, s.lat
            )),
            n.buffer_m,
            if targets.is_empty() {
                "all crime".into()
            } else {
                targets.join(", ")
            }
        );
    }
    Ok(())
}

/// `interventions evaluate`: the evaluation as text, and as JSON with
/// `--out`.
async fn evaluate(
    store: &dyn Store,
    db: &str,
    groups: CrimeGroups,
    id: i64,
    control: Option<String>,
    before: Option<String>,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    let i = store
        .intervention(id)
        .await?
        .with_context(|| format!("no intervention with id {id}"))?;
    let codes: Vec<String> = control
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let before = before
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--before {e}"))?;
    let opts = interventions::options(&codes, before)?;
    let ds = dataset(db, groups).await?;
    let e = ds.evaluate_intervention(&interventions::spec(&i), &opts)?;
    println!(
        "Intervention {}: {} ({})",
        i.id, i.intervention.name, i.intervention.kind
    );
    print_evaluation(&e);
    if let Some(path) = out {
        let json = interventions::evaluation_to_api(&i, &e);
        std::fs::write(&path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| path.display().to_string())?;
        eprintln!("written to {}", path.display());
    }
    Ok(())
}

/// The evaluation's text: periods, counts table, control, WDQ, caveats.
fn print_evaluation(e: &InterventionEvaluation) {
    let p = &e.periods;
    println!("{}", p.note);
    println!();
    println!(
        "{:<10} {:>10} {:>14} {:>10} {:>10}",
        "area", "before", "before scaled", "after", "change"
    );
    for (name, c) in [
        ("target", &e.target),
        ("buffer", &e.buffer),
        ("control", &e.control),
    ] {
        println!(
            "{:<10} {:>10} {:>14.1} {:>10} {:>10}",
            name,
            c.before,
            c.before_scaled,
            c.after,
            pct(c.change_pct)
        );
    }
    if (p.before_scale - 1.0).abs() > 1e-12 {
        println!(
            "(changes compare after with before × {:.3}, for the periods' lengths)",
            p.before_scale
        );
    }
    println!();
    println!("Control: {}", e.control_choice.reason);
    let w = &e.wdq;
    println!(
        "Success measure {:+.4}, buffer measure {:+.4}, WDQ {}, total net effect {:+.1}",
        w.success_measure,
        w.buffer_measure,
        w.wdq.map_or("not computed".into(), |q| format!("{q:.3}")),
        w.total_net_effect
    );
    println!("{}", e.interpretation);
    println!();
    println!("{}", e.robustness.note);
    for w in &e.robustness.windows {
        println!(
            "  before {}..{}: target before (scaled) {:.1}, WDQ {}: {}",
            w.before.from,
            w.before.to,
            w.target_before_scaled,
            w.wdq.map_or("–".into(), |q| format!("{q:.3}")),
            w.verdict
        );
    }
    println!();
    println!("Caveats:");
    for c in &e.caveats {
        println!("* {c}");
    }
}
