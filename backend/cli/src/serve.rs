//! `hotspot serve`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use hotspot_core::{CrimeGroups, Role};
use hotspot_ingest::CsvMapping;
use hotspot_server::pipeline::ImportKind;
use hotspot_server::{AppState, ServerConfig};

/// Column mapping of the sample's partner (fly-tipping) file.
pub const SAMPLE_PARTNER_MAPPING: &str =
    "id=Reference,date=Reported,x=Easting,y=Northing,crs=27700,category=Type,source=fly-tipping";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. The default is loopback only: incident data is
    /// sensitive, so exposing it is a deliberate choice.
    #[arg(long, env = "HOTSPOT_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Sample data folder loaded into an empty database.
    #[arg(long, default_value = "data")]
    pub sample_dir: PathBuf,
    /// Do not load the sample data into an empty database.
    #[arg(long)]
    pub no_sample: bool,
    /// The built map client (see frontend/README.md); the start page is
    /// served when it holds no index.html.
    #[arg(long, env = "HOTSPOT_STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,
    /// Role of callers who have not signed in. Leave at `public` for real
    /// data; a wider role is refused unless the service listens on
    /// loopback only (e.g. to demonstrate the fictional sample).
    #[arg(long, default_value = "public")]
    pub anonymous_role: Role,
    /// Counts below this are suppressed for the public role.
    #[arg(long, default_value_t = hotspot_core::disclosure::DEFAULT_SUPPRESS_BELOW)]
    pub suppress_below: u64,
    /// Requests per second per client address (bursts of twice that); 0 = no limit.
    #[arg(long, default_value_t = 50)]
    pub rate_limit: u32,
    /// Mark the session cookie Secure (when served over HTTPS, e.g. behind a proxy).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Seconds between checks for imports made by another instance sharing
    /// the database (several instances over one PostGIS); 0 = never.
    #[arg(long, default_value_t = 30)]
    pub refresh_seconds: u64,
    /// Address of a reverse proxy or load balancer whose X-Forwarded-For
    /// header names the real client (repeatable). Others' headers are ignored.
    #[arg(long = "trusted-proxy")]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Largest accepted upload, in MiB.
    #[arg(long, default_value_t = 512)]
    pub max_upload_mib: usize,
    /// Uncached analyses computed at once (default: the number of cores, at
    /// least 2); identical requests in flight share one computation.
    #[arg(long)]
    pub analysis_slots: Option<usize>,
    /// Analyses that may wait for a slot; past this the service answers 503
    /// with Retry-After rather than queue without bound.
    #[arg(long, default_value_t = 64)]
    pub analysis_queue: usize,
    #[command(flatten)]
    pub basemap: crate::basemap::BasemapArgs,
    /// A harm index (CSV `crime_type,weight` under `# name:` and `# source:`
    /// lines; see docs/methods.md#harm-weighting): lets callers weigh
    /// density, hotspots, Gi* and ward figures by harm (`weight=harm`).
    #[arg(long, value_name = "FILE", env = "HOTSPOT_HARM_INDEX")]
    pub harm_index: Option<std::path::PathBuf>,
    /// The snapshot file: the incidents as columns, mapped at start-up
    /// instead of read row by row from the database, and rewritten after
    /// each import (docs/scale.md#the-snapshot-file). Default: beside a
    /// SQLite database (`hotspot.db.snapshot`); for PostgreSQL, none unless
    /// given. `off` turns it off.
    #[arg(long, value_name = "FILE|off", env = "HOTSPOT_SNAPSHOT")]
    pub snapshot: Option<PathBuf>,
}

/// The sample folder: as given, or the repository's `data/` when run from elsewhere.
fn sample_dir(given: &Path) -> Option<PathBuf> {
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    [given.to_path_buf(), built_in]
        .into_iter()
        .find(|d| d.join("wards.geojson").is_file())
}

async fn load_sample(state: &AppState, dir: &Path) -> anyhow::Result<()> {
    let read =
        |p: PathBuf| hotspot_ingest::read_sources(&p).with_context(|| p.display().to_string());
    let steps = [
        (
            ImportKind::Boundaries {
                layer: "wards".into(),
                options: Default::default(),
            },
            dir.join("wards.geojson"),
        ),
        (ImportKind::POLICE_UK, dir.join("policeuk")),
        (
            ImportKind::Csv(CsvMapping::parse(SAMPLE_PARTNER_MAPPING)?),
            dir.join("partner/fly-tipping.csv"),
        ),
    ];
    for (kind, path) in steps {
        let report = hotspot_server::import_files(state, kind, read(path.clone())?).await?;
        tracing::info!(
            path = %path.display(),
            accepted = report.accepted,
            rejected = report.rejected,
            "sample data imported"
        );
    }
    Ok(())
}

pub async fn run(db: &str, groups: CrimeGroups, args: ServeArgs) -> anyhow::Result<()> {
    if args.anonymous_role > Role::Public && !args.addr.ip().is_loopback() {
        anyhow::bail!(
            "--anonymous-role {} gives everyone who can reach {} more than public aggregates: \
             only allowed on a loopback address",
            args.anonymous_role,
            args.addr
        );
    }
    let store = hotspot_store::open(db).await?;
    let config = ServerConfig {
        max_upload_bytes: args.max_upload_mib * 1024 * 1024,
        static_dir: Some(args.static_dir.clone()),
        anonymous_role: args.anonymous_role,
        suppress_below: args.suppress_below,
        rate_limit_per_second: std::num::NonZeroU32::new(args.rate_limit),
        secure_cookies: args.secure_cookies,
        trusted_proxies: args.trusted_proxies.clone(),
        refresh_every: (args.refresh_seconds > 0)
            .then(|| std::time::Duration::from_secs(args.refresh_seconds)),
        analysis_slots: args
            .analysis_slots
            .unwrap_or(ServerConfig::default().analysis_slots),
        analysis_queue: args.analysis_queue,
        basemap: args.basemap.basemap()?,
        harm_index: match &args.harm_index {
            Some(path) => Some(std::sync::Arc::new(crate::harm::load(path)?)),
            None => None,
        },
        snapshot_file: match &args.snapshot {
            Some(off) if off.as_os_str() == "off" => None,
            Some(file) => Some(file.clone()),
            None => hotspot_server::default_snapshot_file(db),
        },
    };
    let state = AppState::new(store, groups, config).await?;
    let overview = state.dataset().overview();
    if overview.incidents == 0 && overview.areas == 0 && !args.no_sample {
        match sample_dir(&args.sample_dir) {
            Some(dir) => {
                eprintln!(
                    "empty database: loading the sample data from {}",
                    dir.display()
                );
                load_sample(&state, &dir).await?;
            }
            None => eprintln!(
                "empty database and no sample data at {}: import your own with `hotspot import`",
                args.sample_dir.display()
            ),
        }
    }
    let listener = listen(args.addr).with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    let o = state.dataset().overview();
    println!(
        "Hotspot listening on http://{addr}/ ({} incidents, {} areas)",
        o.incidents, o.areas
    );
    hotspot_server::serve(listener, state, stop_signal()).await?;
    Ok(())
}

/// Connections waiting to be accepted. The 128 of `TcpListener::bind` (the
/// standard library's) overflowed when 200 clients connected at once while
/// the workers were busy: the kernel dropped their SYNs and they retried a
/// second later, a second on the p99 of the cache-miss load test.
const ACCEPT_BACKLOG: u32 = 1024;

fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    // As `TcpListener::bind` does on Unix: a restart may reuse the port at once.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(ACCEPT_BACKLOG)
}

/// Ctrl-C, or the SIGTERM a service manager or `docker stop` sends: either
/// stops the service gracefully, so requests in flight and a snapshot file
/// being written are finished first.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    /// 300 clients connect while nothing accepts (the workers busy): every
    /// handshake completes into the queue. With a backlog of 128 the
    /// kernel dropped the SYNs beyond it, and those clients waited a second.
    /// (The kernel caps the backlog at `net.core.somaxconn`, 4096 by default
    /// since Linux 5.4.)
    #[tokio::test]
    async fn a_burst_of_connections_waits_in_the_accept_queue() {
        let listener = super::listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        let clients = tokio::task::spawn_blocking(move || {
            (0..300)
                .map(|_| std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500)))
                .collect::<Result<Vec<_>, _>>()
        });
        let clients = clients
            .await
            .unwrap()
            .expect("every client connects at once");
        assert_eq!(clients.len(), 300);
        drop(listener);
    }
}
