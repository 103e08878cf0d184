//! `hotspot sync police-uk --force NAME`: fetches the months of street-level
//! crime police.uk has published and this store lacks, from the police.uk
//! API (<https://data.police.uk/docs/>), and imports them through the same
//! atomic import as a downloaded street file.
//!
//! * Which months: `crimes-street-dates`, less those whose dataset key
//!   (`police.uk:<force>:<month>`) is stored, from a download or an
//!   earlier sync.
//! * Where: the loaded areas' bounding box, asked for with `crimes-street`
//!   and a custom-area `poly`. An area holding more than 10,000 crimes gets
//!   503 (the documented limit): it is split in four and asked again.
//!   Crimes outside every loaded area are dropped (the box also covers
//!   neighbouring forces), and each crime is kept once (by its API id).
//!   Crimes without a location come from `crimes-no-location`.
//! * Politely: at most 10 requests a second (the API allows 15, bursts of
//!   30), and 429, 500, 502 and 504 answers and network errors are retried
//!   up to 5 times, waiting 1, 2, 4, 8 s (or the `Retry-After` given).

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use geo::{BoundingRect, Contains};
use hotspot_ingest::police_uk_api::{month_key, street_csv, ApiCategory, ApiCrime};
use hotspot_server::pipeline::{run_import, ImportKind};
use serde::de::DeserializeOwned;
use serde::Deserialize;

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Fetch the police.uk months not yet loaded for one force.
    PoliceUk(PoliceUkSync),
}

#[derive(Args, Debug)]
pub struct PoliceUkSync {
    /// The police.uk force id, e.g. `northamptonshire` (see
    /// https://data.police.uk/api/forces).
    #[arg(long)]
    pub force: String,
    /// The areas whose crimes are fetched (imported first).
    #[arg(long, default_value = "wards")]
    pub layer: String,
    /// The earliest month to fetch, YYYY-MM (default: every month published).
    #[arg(long)]
    pub since: Option<hotspot_core::Month>,
    /// The API's address (a mirror, or a test server).
    #[arg(long, default_value = "https://data.police.uk/api")]
    pub api_url: String,
}

pub async fn run(db: &str, cmd: SyncCommand) -> anyhow::Result<()> {
    match cmd {
        SyncCommand::PoliceUk(args) => police_uk(db, args).await,
    }
}

#[derive(Deserialize)]
struct Force {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct Available {
    date: String,
}

async fn police_uk(db: &str, args: PoliceUkSync) -> anyhow::Result<()> {
    let store = hotspot_store::open(db).await?;
    let areas = store.load_areas(&args.layer).await?;
    if areas.is_empty() {
        bail!(
            "no {} areas are loaded: import boundaries first (sync fetches the crimes inside them)",
            args.layer
        );
    }
    let mut api = Api::new(&args.api_url)?;
    let force: Force = api.get(&format!("forces/{}", args.force)).await?;
    let loaded: HashSet<String> = store.dataset_keys().await?.into_iter().collect();
    let mut months: Vec<String> = api
        .get::<Vec<Available>>("crimes-street-dates")
        .await?
        .into_iter()
        .map(|a| a.date)
        .filter(|m| !loaded.contains(&month_key(&force.name, m)))
        .filter(|m| {
            args.since
                .is_none_or(|s| m.parse::<hotspot_core::Month>().is_ok_and(|m| m >= s))
        })
        .collect();
    months.sort();
    let Some(latest) = months.last() else {
        println!(
            "nothing to fetch: every month police.uk has published for {} is loaded",
            force.name
        );
        return Ok(());
    };
    let categories: Vec<ApiCategory> = api.get(&format!("crime-categories?date={latest}")).await?;
    let area = Area::of(&areas);
    let mut files = Vec::new();
    for m in &months {
        let mut crimes = area.crimes(&mut api, m).await?;
        let unlocated: Vec<ApiCrime> = api
            .get(&format!(
                "crimes-no-location?category=all-crime&force={}&date={m}",
                force.id
            ))
            .await?;
        eprintln!(
            "{m}: {} crimes in the areas, {} without a location",
            crimes.len(),
            unlocated.len()
        );
        crimes.extend(unlocated);
        let csv = street_csv(&force.name, &crimes, &categories);
        let name = format!("police.uk-api/{m}-{}-street.csv", force.id);
        files.push(hotspot_ingest::source_from_bytes(&name, csv.into_bytes())?);
    }
    let report = run_import(store.as_ref(), ImportKind::POLICE_UK, files).await?;
    crate::import::print_report(&report);
    Ok(())
}

/// The loaded areas: their bounding box to ask for, and their shapes to keep
/// only the crimes inside.
struct Area {
    shapes: Vec<geo_types::MultiPolygon<f64>>,
    bbox: [f64; 4],
}

/// Splits of an area that still holds more than 10,000 crimes.
const MAX_SPLITS: u32 = 8;

impl Area {
    fn of(areas: &[hotspot_core::Area]) -> Self {
        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for a in areas {
            if let Some(r) = a.geometry.bounding_rect() {
                bbox = [
                    bbox[0].min(r.min().x),
                    bbox[1].min(r.min().y),
                    bbox[2].max(r.max().x),
                    bbox[3].max(r.max().y),
                ];
            }
        }
        Area {
            shapes: areas.iter().map(|a| a.geometry.clone()).collect(),
            bbox,
        }
    }

    /// Month `m`'s located crimes inside the areas, each once.
    async fn crimes(&self, api: &mut Api, m: &str) -> anyhow::Result<Vec<ApiCrime>> {
        let all = crimes_in(api, self.bbox, m.to_string(), 0).await?;
        let mut seen = HashSet::new();
        Ok(all
            .into_iter()
            .filter(|c| c.id.is_none_or(|id| seen.insert(id)))
            .filter(|c| {
                let Some(l) = &c.location else { return false };
                let (Ok(x), Ok(y)) = (l.longitude.parse::<f64>(), l.latitude.parse::<f64>()) else {
                    return false;
                };
                let p = geo_types::Point::new(x, y);
                self.shapes.iter().any(|s| s.contains(&p))
            })
            .collect())
    }
}

type Fetch<'a> = Pin<Box<dyn Future<Output = anyhow::Result<Vec<ApiCrime>>> + 'a>>;

/// The crimes in `bbox` (lon/lat), split in four while police.uk says the
/// area holds too many (503).
fn crimes_in(api: &mut Api, bbox: [f64; 4], month: String, depth: u32) -> Fetch<'_> {
    Box::pin(async move {
        let [w, s, e, n] = bbox;
        let poly = format!("{s:.5},{w:.5}:{n:.5},{w:.5}:{n:.5},{e:.5}:{s:.5},{e:.5}");
        let path = format!("crimes-street/all-crime?date={month}&poly={poly}");
        match api.get_status(&path).await? {
            Ok(body) => {
                serde_json::from_str(&body).with_context(|| format!("{path}: not a list of crimes"))
            }
            Err(503) if depth < MAX_SPLITS => {
                let (mx, my) = ((w + e) / 2.0, (s + n) / 2.0);
                let mut out = Vec::new();
                for q in [
                    [w, s, mx, my],
                    [mx, s, e, my],
                    [w, my, mx, n],
                    [mx, my, e, n],
                ] {
                    out.extend(crimes_in(api, q, month.clone(), depth + 1).await?);
                }
                Ok(out)
            }
            Err(status) => bail!("{path}: HTTP {status}"),
        }
    })
}

/// The police.uk API, asked politely.
struct Api {
    base: String,
    http: reqwest::Client,
    last: Option<tokio::time::Instant>,
}

/// Least time between two requests (10 a second).
const SPACING: Duration = Duration::from_millis(100);
const RETRIES: u32 = 5;

impl Api {
    fn new(base: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("hotspot/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Api {
            base: base.trim_end_matches('/').to_string(),
            http,
            last: None,
        })
    }

    async fn get<T: DeserializeOwned>(&mut self, path: &str) -> anyhow::Result<T> {
        match self.get_status(path).await? {
            Ok(body) => serde_json::from_str(&body).with_context(|| format!("{}/{path}: unexpected answer", self.base)),
            Err(404) => bail!("{}/{path}: not found (is the force id right? see https://data.police.uk/api/forces)", self.base),
            Err(status) => bail!("{}/{path}: HTTP {status}", self.base),
        }
    }

    /// The body of a 200 answer, or another status after the retries.
    async fn get_status(&mut self, path: &str) -> anyhow::Result<Result<String, u16>> {
        let url = format!("{}/{path}", self.base);
        for attempt in 0..=RETRIES {
            if let Some(last) = self.last {
                tokio::time::sleep_until(last + SPACING).await;
            }
            self.last = Some(tokio::time::Instant::now());
            let wait = Duration::from_secs(1 << attempt);
            let res = match self.http.get(&url).send().await {
                Ok(r) => r,
                Err(e) if attempt < RETRIES => {
                    eprintln!("{url}: {e}; retrying in {} s", wait.as_secs());
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Err(e) => return Err(e).context(url),
            };
            let status = res.status().as_u16();
            if matches!(status, 429 | 500 | 502 | 504) && attempt < RETRIES {
                let wait = res
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok()?.parse().ok())
                    .map_or(wait, Duration::from_secs);
                eprintln!("{url}: HTTP {status}; retrying in {} s", wait.as_secs());
                tokio::time::sleep(wait).await;
                continue;
            }
            if status != 200 {
                return Ok(Err(status));
            }
            return Ok(Ok(res.text().await.with_context(|| url.clone())?));
        }
        unreachable!("the last attempt returns")
    }
}
