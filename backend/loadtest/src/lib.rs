//! A bounded HTTP load generator for Hotspot's API.
//!
//! [`run`] drives one endpoint at a time with `connections` concurrent
//! workers, each with a keep-alive connection of its own, until either
//! `requests` requests have completed or `seconds` have passed, whichever
//! comes first. Every latency (request sent to last body byte) is recorded,
//! so the percentiles are exact (nearest rank over the sorted latencies),
//! not histogram estimates: at the tens of thousands of requests a run here
//! makes, a sorted `Vec` costs well under a millisecond and needs no
//! dependency.
//!
//! Only loopback addresses are accepted ([`check_loopback`]): this tool must
//! not be pointed at anybody else's service. Proxies from the environment and
//! redirects are disabled for the same reason.

pub mod region;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use reqwest::Url;

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL, e.g. `http://127.0.0.1:8080` (loopback only).
    pub url: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub token: Option<String>,
    /// Concurrent connections (one worker each).
    pub connections: usize,
    /// Requests per endpoint: the run of an endpoint stops after this many.
    pub requests: u64,
    /// Time per endpoint: the run of an endpoint stops after this long.
    pub max_time: Duration,
    /// Requests per endpoint made before measuring, not recorded.
    pub warmup: u64,
    /// Paths with query strings, e.g. `/api/wards?group=serious-acquisitive`;
    /// or `@FILE`, a file of such paths, one per line, asked in turn (request
    /// `n` asks line `n` modulo their number): with as many lines as
    /// requests, every request is a different question, none cached.
    pub paths: Vec<String>,
}

/// The figures for one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointReport {
    pub path: String,
    /// Requests that completed (any status).
    pub requests: u64,
    /// Completed requests that were not 2xx, plus transport errors.
    pub errors: u64,
    /// Requests in flight when the time bound struck; not counted above.
    pub cut: u64,
    /// Wall time from the first request to the last completion.
    pub elapsed: Duration,
    /// Response body bytes received.
    pub bytes: u64,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// One example error, if there were any.
    pub first_error: Option<String>,
}

impl EndpointReport {
    /// Completed requests per second.
    pub fn throughput(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.requests as f64 / secs
        } else {
            0.0
        }
    }
}

/// Refuses every URL whose host is not a loopback IP address
/// (127.0.0.0/8 or ::1). Host names, `localhost` included, are refused too:
/// what they resolve to is not ours to decide.
pub fn check_loopback(url: &str) -> anyhow::Result<Url> {
    let parsed = Url::parse(url).with_context(|| format!("not a URL: {url:?}"))?;
    if parsed.scheme() != "http" {
        bail!("only http:// URLs are supported (got {url:?})");
    }
    let host = parsed
        .host_str()
        .with_context(|| format!("no host in {url:?}"))?;
    let ip = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>();
    match ip {
        Ok(ip) if ip.is_loopback() => Ok(parsed),
        _ => bail!(
            "refusing to load-test {host}: only loopback addresses (127.0.0.0/8, [::1]) \
             are allowed; traffic to other hosts is forbidden"
        ),
    }
}

/// The nearest-rank `p`th percentile (0 < p ≤ 100) of sorted values.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn client(token: Option<&str>) -> anyhow::Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(token) = token {
        let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
            .context("the token is not a valid header value")?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::AUTHORIZATION, value);
    }
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .connect_timeout(Duration::from_secs(10))
        .build()?)
}

/// What one worker saw.
#[derive(Default)]
struct WorkerResult {
    latencies: Vec<Duration>,
    errors: u64,
    cut: u64,
    bytes: u64,
    last_done: Option<Instant>,
    first_error: Option<String>,
}

async fn worker(
    client: reqwest::Client,
    urls: Arc<[Url]>,
    issued: Arc<AtomicU64>,
    limit: u64,
    deadline: tokio::time::Instant,
) -> WorkerResult {
    let mut r = WorkerResult::default();
    loop {
        if tokio::time::Instant::now() >= deadline {
            break;
        }
        let n = issued.fetch_add(1, Ordering::Relaxed);
        if n >= limit {
            break;
        }
        let url = urls[(n % urls.len() as u64) as usize].clone();
        let started = Instant::now();
        let request = async {
            let res = client.get(url).send().await?;
            let status = res.status();
            let body = res.bytes().await?;
            Ok::<_, reqwest::Error>((status, body.len() as u64))
        };
        match tokio::time::timeout_at(deadline, request).await {
            Err(_) => {
                r.cut += 1;
                break;
            }
            Ok(outcome) => {
                let now = Instant::now();
                r.latencies.push(now - started);
                r.last_done = Some(now);
                match outcome {
                    Ok((status, bytes)) => {
                        r.bytes += bytes;
                        if !status.is_success() {
                            r.errors += 1;
                            r.first_error
                                .get_or_insert_with(|| format!("HTTP {status}"));
                        }
                    }
                    Err(e) => {
                        r.errors += 1;
                        r.first_error.get_or_insert_with(|| e.to_string());
                    }
                }
            }
        }
    }
    r
}

/// Runs one endpoint (its `urls` in turn) with the given bounds and
/// returns its figures.
pub async fn run_endpoint(
    clients: &[reqwest::Client],
    urls: Arc<[Url]>,
    path: &str,
    requests: u64,
    max_time: Duration,
) -> EndpointReport {
    let issued = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + max_time;
    let handles: Vec<_> = clients
        .iter()
        .map(|c| {
            tokio::spawn(worker(
                c.clone(),
                urls.clone(),
                issued.clone(),
                requests,
                deadline,
            ))
        })
        .collect();
    let mut latencies = Vec::with_capacity(requests.min(1 << 20) as usize);
    let (mut errors, mut cut, mut bytes) = (0, 0, 0);
    let mut last_done = started;
    let mut first_error = None;
    for h in handles {
        let r = h.await.expect("load worker panicked");
        latencies.extend(r.latencies);
        errors += r.errors;
        cut += r.cut;
        bytes += r.bytes;
        if let Some(t) = r.last_done {
            last_done = last_done.max(t);
        }
        if first_error.is_none() {
            first_error = r.first_error;
        }
    }
    latencies.sort_unstable();
    EndpointReport {
        path: path.to_string(),
        requests: latencies.len() as u64,
        errors,
        cut,
        elapsed: last_done - started,
        bytes,
        p50: percentile(&latencies, 50.0),
        p90: percentile(&latencies, 90.0),
        p99: percentile(&latencies, 99.0),
        max: latencies.last().copied().unwrap_or_default(),
        first_error,
    }
}

/// Runs every endpoint in turn (after its warm-up) and returns their figures.
pub async fn run(config: &Config) -> anyhow::Result<Vec<EndpointReport>> {
    let base = check_loopback(&config.url)?;
    if config.connections == 0 {
        bail!("--connections must be at least 1");
    }
    if config.paths.is_empty() {
        bail!("give at least one endpoint path");
    }
    let clients = (0..config.connections)
        .map(|_| client(config.token.as_deref()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut reports = Vec::new();
    for path in &config.paths {
        let (label, urls) = endpoint_urls(&base, path)?;
        if config.warmup > 0 {
            run_endpoint(
                &clients,
                urls.clone(),
                &label,
                config.warmup,
                config.max_time,
            )
            .await;
        }
        reports.push(run_endpoint(&clients, urls, &label, config.requests, config.max_time).await);
    }
    Ok(reports)
}

/// The URLs of one endpoint argument (a path, or `@FILE` of paths) and
/// the label its report row shows.
fn endpoint_urls(base: &Url, arg: &str) -> anyhow::Result<(String, Arc<[Url]>)> {
    let paths: Vec<String> = match arg.strip_prefix('@') {
        None => vec![arg.to_string()],
        Some(file) => std::fs::read_to_string(file)
            .with_context(|| format!("reading {file}"))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
    };
    let urls = paths
        .iter()
        .map(|path| {
            if !path.starts_with('/') {
                bail!("endpoint paths start with '/': {path:?}");
            }
            let url = base
                .join(path)
                .with_context(|| format!("bad path {path:?}"))?;
            // Joining a path keeps the host, but check again all the same.
            check_loopback(url.as_str())
        })
        .collect::<anyhow::Result<Vec<Url>>>()?;
    let label = match (arg.strip_prefix('@'), paths.first()) {
        (None, _) => arg.to_string(),
        (Some(_), None) => bail!("{arg}: no paths in the file"),
        (Some(_), Some(first)) => format!("{first} … ({} different)", paths.len()),
    };
    Ok((label, urls.into()))
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The figures as a Markdown table.
pub fn table(reports: &[EndpointReport]) -> String {
    let mut out = String::from(
        "| endpoint | requests | errors | cut | req/s | p50 ms | p90 ms | p99 ms | max ms | MB |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in reports {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {:.0} | {} | {} | {} | {} | {:.1} |\n",
            r.path,
            r.requests,
            r.errors,
            r.cut,
            r.throughput(),
            ms(r.p50),
            ms(r.p90),
            ms(r.p99),
            ms(r.max),
            r.bytes as f64 / 1e6
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.3.2.1/",
            "http://[::1]:9000/api",
        ] {
            check_loopback(ok).unwrap();
        }
        for bad in [
            "http://10.0.0.1:8080",
            "http://192.168.1.5",
            "http://example.org",
            "http://localhost:8080",
            "http://[::2]:80",
            "http://0.0.0.0:8080",
            "https://127.0.0.1",
            "ftp://127.0.0.1",
            "not a url",
        ] {
            let err = check_loopback(bad).unwrap_err().to_string();
            assert!(!err.is_empty(), "{bad}");
        }
        assert!(check_loopback("http://10.0.0.1")
            .unwrap_err()
            .to_string()
            .contains("forbidden"));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&v, 90.0), Duration::from_millis(90));
        assert_eq!(percentile(&v, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&v, 100.0), Duration::from_millis(100));
        let one = [Duration::from_millis(7)];
        assert_eq!(percentile(&one, 50.0), one[0]);
        assert_eq!(percentile(&one, 99.0), one[0]);
        assert_eq!(percentile(&[], 99.0), Duration::ZERO);
        let three: Vec<Duration> = [3, 1, 2].map(Duration::from_millis).to_vec();
        let mut sorted = three.clone();
        sorted.sort();
        assert_eq!(percentile(&sorted, 50.0), Duration::from_millis(2));
    }

    #[tokio::test]
    async fn a_non_loopback_url_is_refused_before_any_request() {
        let err = run(&Config {
            url: "http://192.0.2.1:80".into(),
            token: None,
            connections: 1,
            requests: 1,
            max_time: Duration::from_secs(1),
            warmup: 0,
            paths: vec!["/api/health".into()],
        })
        .await
        .unwrap_err();
        assert!(err.to_string().contains("loopback"), "{err}");
    }

    #[tokio::test]
    async fn both_bounds_hold_against_a_local_listener() {
        // A tiny HTTP/1.1 responder on loopback: answers every request with
        // 200 (or 404 for /missing) after `delay`.
        async fn serve(listener: tokio::net::TcpListener, delay: Duration) {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let mut have = Vec::new();
                    loop {
                        let Ok(n) = sock.read(&mut buf).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        have.extend_from_slice(&buf[..n]);
                        while let Some(end) = have.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&have[..end]).to_string();
                            have.drain(..end + 4);
                            tokio::time::sleep(delay).await;
                            let status = if head.contains("/missing") {
                                "404 Not Found"
                            } else {
                                "200 OK"
                            };
                            let reply = format!(
                                "HTTP/1.1 {status}\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok"
                            );
                            if sock.write_all(reply.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, Duration::from_millis(5)));
        let mut config = Config {
            url: format!("http://{addr}"),
            token: Some("hs_1_secret".into()),
            connections: 8,
            requests: 100,
            max_time: Duration::from_secs(20),
            warmup: 5,
            paths: vec!["/ok".into(), "/missing".into()],
        };
        // The count bound: exactly 100 each; the 404s are errors.
        let reports = run(&config).await.unwrap();
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].requests, 100);
        assert_eq!(reports[0].errors, 0);
        assert_eq!(reports[1].requests, 100);
        assert_eq!(reports[1].errors, 100);
        assert_eq!(
            reports[1].first_error.as_deref(),
            Some("HTTP 404 Not Found")
        );
        let r = &reports[0];
        assert!(r.p50 >= Duration::from_millis(5), "{r:?}");
        assert!(r.p50 <= r.p90 && r.p90 <= r.p99 && r.p99 <= r.max, "{r:?}");
        assert_eq!(r.bytes, 200);
        assert!(table(&reports).contains("| `/ok` | 100 | 0 | 0 |"));
        // The time bound: far more requests than fit in 0.5 s.
        config.requests = u64::MAX;
        config.warmup = 0;
        config.max_time = Duration::from_millis(500);
        config.paths = vec!["/ok".into()];
        let started = Instant::now();
        let reports = run(&config).await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(3), "{reports:?}");
        assert!(reports[0].requests > 10, "{reports:?}");
        assert!(
            reports[0].elapsed <= Duration::from_millis(600),
            "{reports:?}"
        );
        // A file of paths, asked in turn: every third request is /missing.
        let file = std::env::temp_dir().join(format!("loadtest-paths-{}", std::process::id()));
        std::fs::write(&file, "/ok?a=1\n/missing?b=2\n\n/ok?c=3\n").unwrap();
        config.requests = 30;
        config.max_time = Duration::from_secs(20);
        config.paths = vec![format!("@{}", file.display())];
        let reports = run(&config).await.unwrap();
        std::fs::remove_file(&file).unwrap();
        assert_eq!((reports[0].requests, reports[0].errors), (30, 10));
        assert_eq!(reports[0].path, "/ok?a=1 … (3 different)");
    }
}
