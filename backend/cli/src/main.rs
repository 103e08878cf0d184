//! `hotspot`: import incidents and boundaries, run analyses, serve the API.

mod analyse;
mod analyses;
mod basemap;
mod briefing;
mod cli;
mod harm;
mod import;
mod interventions;
mod patterns;
mod serve;
mod sync;
mod users;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    if !matches!(args.command, cli::Command::Serve(_)) {
        restore_default_sigpipe();
    }
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

/// Lets a command piped into `head` stop quietly, as Unix tools do, instead
/// of panicking with "failed printing to stdout: Broken pipe": Rust ignores
/// SIGPIPE, so every `println!` to a closed pipe would panic. Restoring the
/// default action ends the process on that write (exit status 141 in a
/// shell, like `yes | head`). Not for `serve`, whose socket writes must
/// keep getting an error rather than a signal.
#[cfg(unix)]
fn restore_default_sigpipe() {
    // SAFETY: called once at start-up, before any thread that writes; it
    // only changes the process's action for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_default_sigpipe() {}
