//! `hotspot`: import incidents and boundaries, run analyses, serve the API.

mod analyse;
mod briefing;
mod cli;
mod import;
mod interventions;
mod patterns;
mod serve;
mod users;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "hotspot=info,hotspot_server=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// The error and its causes, leaving out a cause whose text the message
/// before it already includes (thiserror messages often embed their source).
fn error_chain(e: &anyhow::Error) -> String {
    let mut out: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.last().is_some_and(|prev| prev.contains(&text)) {
            out.push(text);
        }
    }
    out.join(": ")
}
