//! Command-line arguments and dispatch.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{analyse, analyses, briefing, import, interventions, patterns, serve, sync, users};

#[derive(Parser, Debug)]
#[command(
    name = "hotspot",
    version,
    about = "Crime and disorder hotspot mapping for Community Safety Partnerships"
)]
pub struct Cli {
    /// Database URL: sqlite:PATH (created on first use) or
    /// postgres://USER:PASSWORD@HOST/DB (PostGIS; migrated on first use).
    #[arg(
        long,
        global = true,
        env = "HOTSPOT_DB",
        default_value = "sqlite:hotspot.db"
    )]
    pub db: String,
    /// Crime groups configuration (TOML); `hotspot groups` prints the default.
    #[arg(long = "groups", global = true, env = "HOTSPOT_GROUPS")]
    pub groups_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the HTTP service (API and map). On an empty database it first
    /// loads the built-in sample data.
    Serve(serve::ServeArgs),
    /// Import incidents, boundaries or populations (atomic, idempotent).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Fetch data published since the last import (police.uk months).
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// List import runs.
    Imports,
    /// List or export quarantined (rejected) rows.
    Rejected(import::RejectedArgs),
    /// Ward statistics: counts, rates, share, change, rank, priority wards.
    Wards(analyse::WardsArgs),
    /// Kernel density surface (GeoTIFF, GeoJSON cells or grid JSON).
    Density(analyse::DensityArgs),
    /// Hotspot polygons (top X% of density) as GeoJSON.
    Hotspots(analyse::HotspotsArgs),
    /// Getis-Ord Gi* hot and cold spots on a grid or on wards (GeoJSON).
    Gistar(patterns::GiArgs),
    /// Change map: counts before and after per grid cell, with an exact
    /// test for a change in rate (GeoJSON).
    Change(analyses::ChangeArgs),
    /// DBSCAN point clusters as outlines (GeoJSON).
    Clusters(analyses::ClustersArgs),
    /// Relative risk: the selection's density over residents' or other
    /// incidents' (dual KDE), 1 = the area's average (GeoJSON).
    RelativeRisk(analyses::RelativeRiskArgs),
    /// Emerging hot and cold spots over time steps (GeoJSON).
    Emerging(patterns::EmergingArgs),
    /// Knox near-repeat test (needs dated incidents).
    NearRepeat(patterns::NearRepeatArgs),
    /// Hour-of-day x day-of-week table and monthly trend with spikes.
    Temporal(patterns::TemporalArgs),
    /// Train hotspot maps on one period, test on the next: hit rate, PAI,
    /// RRI for KDE, grid counts, ward counts and Gi*; recommends one.
    Evaluate(patterns::EvaluateArgs),
    /// Days-of-action sites covering the most weighted incidents, compared
    /// with the busiest wards' centroids.
    Plan(patterns::PlanArgs),
    /// Places to visit for target hardening, with reasons and expiry dates.
    TargetHardening(patterns::HardeningArgs),
    /// One ward's briefing (map, counts, trend, hotspots, interventions) as
    /// PDF, PNG, CSV or GeoPackage.
    Briefing(briefing::BriefingArgs),
    /// The intervention log: record, list, evaluate (before/after,
    /// displacement buffer, WDQ) and delete interventions.
    #[command(subcommand)]
    Interventions(interventions::InterventionsCommand),
    /// Accounts and API tokens (create the first admin here).
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Show the audit log: who viewed or exported what, when.
    Audit {
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Write the built-in sample data (seeded generator).
    Sample(SampleArgs),
    /// Print the crime groups in use, as TOML to copy and edit.
    Groups,
}

#[derive(Args, Debug)]
pub struct SampleArgs {
    /// Folder to write into.
    #[arg(long, default_value = "data")]
    pub out: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = hotspot_sample::SampleOptions::default().seed)]
    pub seed: u64,
}

pub fn load_groups(path: Option<&PathBuf>) -> anyhow::Result<hotspot_core::CrimeGroups> {
    match path {
        None => Ok(hotspot_core::CrimeGroups::default()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
            hotspot_core::CrimeGroups::from_toml(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let groups = load_groups(cli.groups_file.as_ref())?;
    match cli.command {
        Command::Serve(args) => serve::run(&cli.db, groups, args).await,
        Command::Import(cmd) => import::run(&cli.db, cmd).await,
        Command::Sync(cmd) => sync::run(&cli.db, cmd).await,
        Command::Imports => import::list(&cli.db).await,
        Command::Rejected(args) => import::rejected(&cli.db, args).await,
        Command::Wards(args) => analyse::wards(&cli.db, groups, args).await,
        Command::Density(args) => analyse::density(&cli.db, groups, args).await,
        Command::Hotspots(args) => analyse::hotspots(&cli.db, groups, args).await,
        Command::Gistar(args) => patterns::gistar(&cli.db, groups, args).await,
        Command::Change(args) => analyses::change(&cli.db, groups, args).await,
        Command::Clusters(args) => analyses::clusters(&cli.db, groups, args).await,
        Command::RelativeRisk(args) => analyses::relative_risk(&cli.db, groups, args).await,
        Command::Emerging(args) => patterns::emerging(&cli.db, groups, args).await,
        Command::NearRepeat(args) => patterns::near_repeat(&cli.db, groups, args).await,
        Command::Temporal(args) => patterns::temporal(&cli.db, groups, args).await,
        Command::Evaluate(args) => patterns::evaluate(&cli.db, groups, args).await,
        Command::Plan(args) => patterns::plan(&cli.db, groups, args).await,
        Command::TargetHardening(args) => patterns::target_hardening(&cli.db, groups, args).await,
        Command::Briefing(args) => briefing::run(&cli.db, groups, args).await,
        Command::Interventions(cmd) => interventions::run(&cli.db, groups, cmd).await,
        Command::Users(cmd) => users::run(&cli.db, cmd).await,
        Command::Audit { limit } => users::audit(&cli.db, limit).await,
        Command::Sample(args) => {
            let opts = hotspot_sample::SampleOptions {
                seed: args.seed,
                ..Default::default()
            };
            let written = hotspot_sample::write_to(&args.out, &opts)?;
            for p in written {
                println!("{}", p.display());
            }
            Ok(())
        }
        Command::Groups => {
            print!("{}", groups.to_toml());
            Ok(())
        }
    }
}
