//! The `duban` command line.

use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use duban_domain::clock::{SharedClock, SystemClock};
use duban_domain::directory::{NewUser, users};

use crate::settings::Settings;
use crate::startup::{Application, open_database};
use crate::telemetry;

#[derive(Debug, Parser)]
#[command(
    name = "duban",
    version,
    about = "Duban 督办: government supervision of tasks, deadlines and units"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API (migrating the database first).
    Serve(ServeArgs),
    /// Bring the database schema up to date.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Do not run the scheduled jobs in this process.
    #[arg(long)]
    pub no_jobs: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a generated password when none is given.
    Create(CreateUserArgs),
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    #[arg(long)]
    pub username: String,
    /// Omit to have one generated and printed once.
    #[arg(long)]
    pub password: Option<String>,
    /// admin, office, unit_staff, unit_head, inspector, leader; repeat or comma-separate.
    #[arg(long = "role", required = true, value_delimiter = ',')]
    pub roles: Vec<String>,
    #[arg(long)]
    pub unit_id: Option<i64>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub display_name: Option<String>,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings.log.level, settings.log.format);
    let clock: SharedClock = Arc::new(SystemClock);
    match cli.command {
        Command::Serve(args) => serve(settings, clock, args).await,
        Command::Migrate => {
            let db = open_database(&settings).await?;
            db.close().await?;
            println!("database schema is up to date");
            Ok(())
        }
        Command::User(UserCommand::Create(args)) => create_user(settings, clock, args).await,
    }
}

async fn serve(settings: Settings, clock: SharedClock, args: ServeArgs) -> anyhow::Result<()> {
    let host = settings
        .server
        .bind
        .rsplit_once(':')
        .map_or("127.0.0.1", |(h, _)| h)
        .replace("0.0.0.0", "127.0.0.1");
    let app = Application::build(settings, clock).await?;
    if let Some((username, password)) = &app.first_admin {
        println!("================================================================");
        println!(" First start: created the administrator account (shown once)");
        println!("   username: {username}");
        println!("   password: {password}");
        println!("================================================================");
    }
    if !args.no_jobs {
        tracing::info!("no scheduled jobs are configured in this build");
    }
    let base = format!("http://{host}:{}", app.port());
    println!("Duban is listening on {base}");
    println!("  sign in:  POST {base}/api/v1/auth/login");
    println!("  API docs: {base}/api/v1/docs");
    app.run_until_stopped().await.context("serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

async fn create_user(
    settings: Settings,
    clock: SharedClock,
    args: CreateUserArgs,
) -> anyhow::Result<()> {
    let db = open_database(&settings).await?;
    let generated = args.password.is_none();
    let password = args
        .password
        .unwrap_or_else(duban_domain::password::generate);
    let new = NewUser::parse(
        &args.username,
        args.display_name.as_deref(),
        args.email.as_deref(),
        args.unit_id,
        &args.roles,
        &password,
    )
    .map_err(|e| anyhow::anyhow!(describe(e)))?;
    let user = users::create_unchecked(&db, clock.as_ref(), None, new)
        .await
        .map_err(|e| anyhow::anyhow!(describe(e)))?;
    db.close().await?;
    println!("created user '{}' (id {})", user.username, user.id);
    if generated {
        println!("password: {password}");
    }
    Ok(())
}

/// A domain error as a person at a terminal should read it.
fn describe(e: duban_domain::DomainError) -> String {
    match e {
        duban_domain::DomainError::Invalid(errors) => errors
            .iter()
            .map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.message))
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}
