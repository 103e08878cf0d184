//! `hotspot users ...` and `hotspot audit`: accounts, API tokens and the
//! audit log, from the command line (how the first admin is created).

use std::io::BufRead;

use clap::Subcommand;
use hotspot_core::Role;

#[derive(Subcommand, Debug)]
pub enum UsersCommand {
    /// Create an account. The password is read from HOTSPOT_PASSWORD or,
    /// if unset, from the first line of standard input (never an argument,
    /// which would show in the process list and shell history).
    Add {
        username: String,
        /// public, partner, analyst or admin.
        #[arg(long)]
        role: Role,
    },
    /// List accounts.
    List,
    /// Make an API token for a user's scripts; it is printed once.
    Token {
        username: String,
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("HOTSPOT_PASSWORD") {
        return Ok(p);
    }
    eprintln!("password (at least 12 characters), then Enter:");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run(db: &str, cmd: UsersCommand) -> anyhow::Result<()> {
    let store = hotspot_store::open(db).await?;
    match cmd {
        UsersCommand::Add { username, role } => {
            let password = read_password()?;
            let user =
                hotspot_server::create_account(store.as_ref(), &username, &password, role).await?;
            println!("created {} ({})", user.username, user.role);
        }
        UsersCommand::List => {
            for u in store.users().await? {
                println!(
                    "{:<24} {:<8} created {}{}",
                    u.username,
                    u.role,
                    u.created_at,
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
        }
        UsersCommand::Token { username, label } => {
            let (user, _) = store
                .user_credentials(&username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no user called {username:?}"))?;
            let token =
                hotspot_server::auth::issue_token(store.as_ref(), user.id, "api", &label, None)
                    .await?;
            eprintln!(
                "API token for {} ({}); send it as 'Authorization: Bearer <token>':",
                user.username, user.role
            );
            println!("{token}");
        }
    }
    Ok(())
}

pub async fn audit(db: &str, limit: i64) -> anyhow::Result<()> {
    let store = hotspot_store::open(db).await?;
    for e in store.audit_log(limit, 0).await? {
        println!(
            "{} {:<16} {:<8} {:<15} {} {}{} -> {}",
            e.at,
            e.username.as_deref().unwrap_or("(anonymous)"),
            e.role,
            e.client.as_deref().unwrap_or("-"),
            e.method,
            e.path,
            e.query.map(|q| format!("?{q}")).unwrap_or_default(),
            e.status
        );
    }
    Ok(())
}
