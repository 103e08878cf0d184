//! `hotspot-loadtest`: bounded load against a Hotspot service on loopback.
//!
//! ```sh
//! hotspot-loadtest --url http://127.0.0.1:8080 --token hs_… \
//!     --connections 200 --requests 20000 --seconds 30 \
//!     '/api/wards?group=serious-acquisitive' '/api/incidents?limit=1000'
//! ```

use std::time::Duration;

use clap::Parser;

/// Load-tests Hotspot endpoints one after another, each until --requests
/// requests have completed or --seconds have passed, and prints requests,
/// errors, throughput and exact p50/p90/p99/max latency per endpoint.
/// Only loopback URLs (127.0.0.0/8, [::1]) are accepted.
#[derive(Parser, Debug)]
#[command(name = "hotspot-loadtest", version)]
struct Args {
    /// Base URL of the service, e.g. http://127.0.0.1:8080 (loopback only).
    #[arg(long)]
    url: String,
    /// API token, sent as `Authorization: Bearer TOKEN` (or HOTSPOT_TOKEN).
    #[arg(long, env = "HOTSPOT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Concurrent connections.
    #[arg(long, default_value_t = 200)]
    connections: usize,
    /// Requests per endpoint (the run of an endpoint stops after this many).
    #[arg(long, default_value_t = 10_000)]
    requests: u64,
    /// Seconds per endpoint at most (the run of an endpoint stops then).
    #[arg(long, default_value_t = 30.0)]
    seconds: f64,
    /// Unrecorded requests per endpoint before measuring.
    #[arg(long, default_value_t = 0)]
    warmup: u64,
    /// Endpoint paths with their query strings, e.g. '/api/wards?group=serious-acquisitive'.
    #[arg(required = true)]
    paths: Vec<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 3600.0) {
        anyhow::bail!("--seconds must be between 0 and 3600");
    }
    let config = hotspot_loadtest::Config {
        url: args.url,
        token: args.token,
        connections: args.connections,
        requests: args.requests,
        max_time: Duration::from_secs_f64(args.seconds),
        warmup: args.warmup,
        paths: args.paths,
    };
    eprintln!(
        "{} connections; each endpoint until {} requests or {:.0} s",
        config.connections,
        config.requests,
        config.max_time.as_secs_f64()
    );
    let reports = hotspot_loadtest::run(&config).await?;
    print!("{}", hotspot_loadtest::table(&reports));
    let mut failed = false;
    for r in &reports {
        if let Some(e) = &r.first_error {
            eprintln!("{}: {} errors, e.g. {e}", r.path, r.errors);
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}
