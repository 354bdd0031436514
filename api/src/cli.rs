//! The `duban` command line.

use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use duban_domain::Env;
use duban_domain::clock::{SharedClock, SystemClock};
use duban_domain::directory::{NewUser, users};
use duban_domain::messages::Catalogue;
use duban_domain::policy::Actor;

use crate::settings::Settings;
use crate::startup::{Application, environment, open_database};
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
    /// Read a published notice and store it as a draft plan (or only show it).
    Import(ImportArgs),
    /// Load the Nantong demo: units, one user per role, the sample plan issued and in progress.
    Demo,
    /// Run the scheduled jobs (a worker replica), or one job once.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Write a consistent copy of the database to FILE while the service
    /// runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump when on PATH).
    Backup { file: std::path::PathBuf },
    /// Replace the SQLite database with a backup (stop the service first);
    /// refuses a file that is not a Duban database or is newer than this binary.
    Restore { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Run only the scheduled jobs, until SIGTERM / Ctrl-C.
    Run,
    /// Run one job once as if the time were --at: reminders, ack_reminders,
    /// report_reminders, escalations or dispatch.
    RunOnce {
        job: String,
        /// RFC 3339 time, e.g. 2026-03-02T09:00:00+08:00 (default: now).
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The notice: text (UTF-8 or GBK), Word .docx, Excel .xlsx/.xls, PDF
    /// with a text layer, or a saved web page; the kind is read from the content.
    pub file: std::path::PathBuf,
    /// Parse and match only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// The text's charset (gbk, gb18030, utf-8) when detection should not decide.
    #[arg(long)]
    pub charset: Option<String>,
    /// Create the units the directory lacks.
    #[arg(long)]
    pub create_units: bool,
    /// The office user the plan is recorded under (default: the first active office user).
    #[arg(long = "as")]
    pub as_user: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Do not run the scheduled jobs in this process.
    #[arg(long)]
    pub no_jobs: bool,
    /// Load the Nantong demo first when the database is empty.
    #[arg(long)]
    pub demo: bool,
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
    let logging = telemetry::init();
    let settings = Settings::load()?;
    if let Some(l) = &logging {
        l.configure(&settings.log.level, settings.log.format);
    }
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
        Command::Import(args) => import(settings, clock, args).await,
        Command::Jobs(cmd) => jobs(settings, clock, cmd).await,
        Command::Backup { file } => {
            println!("{}", crate::backup::backup(&settings, &file).await?);
            Ok(())
        }
        Command::Restore { file } => {
            println!("{}", crate::backup::restore(&settings, &file).await?);
            Ok(())
        }
        Command::Demo => {
            let (env, catalogue) = environment(&settings, clock).await?;
            let (logins, again) = crate::demo::load(&env, &settings, catalogue).await?;
            env.db.close().await?;
            println!(
                "{}",
                if again {
                    "The demo was already loaded; its passwords have been reset."
                } else {
                    "Demo loaded: the Nantong notice (通政办发〔2013〕35号) as if issued twenty weeks ago, worked on and escalated up to today."
                }
            );
            crate::demo::print_logins(&logins, None);
            println!("Start the service with: duban serve");
            Ok(())
        }
    }
}

fn job_context(
    settings: &Settings,
    env: Env,
    catalogue: Arc<Catalogue>,
    metrics: &crate::metrics::Metrics,
) -> anyhow::Result<Arc<duban_jobs::JobContext>> {
    let ctx =
        duban_jobs::JobContext::new(env, settings.jobs.clone(), settings.mail.clone(), catalogue)?
            .with_metrics(metrics.jobs().clone());
    Ok(Arc::new(ctx))
}

async fn jobs(settings: Settings, clock: SharedClock, cmd: JobsCommand) -> anyhow::Result<()> {
    match cmd {
        JobsCommand::Run => {
            let (env, catalogue) = environment(&settings, clock).await?;
            let metrics = Arc::new(crate::metrics::Metrics::new(Default::default()));
            let ctx = job_context(&settings, env.clone(), catalogue, &metrics)?;
            // A worker replica serves its own job counters and the store's figures.
            let exporter =
                crate::startup::metrics_server(&settings, &env, &metrics)?.map(|(server, _)| {
                    let handle = server.handle();
                    tokio::spawn(server);
                    handle
                });
            println!("Duban jobs are running (Ctrl-C or SIGTERM stops them)");
            duban_jobs::run_forever(ctx, shutdown_signal()).await;
            if let Some(h) = exporter {
                h.stop(true).await;
            }
            Ok(())
        }
        JobsCommand::RunOnce { job, at } => {
            let at = match at {
                Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .with_context(|| {
                        format!("--at '{t}': expected RFC 3339, e.g. 2026-03-02T09:00:00+08:00")
                    })?
                    .with_timezone(&chrono::Utc),
                None => clock.now(),
            };
            let (env, catalogue) = environment(&settings, clock).await?;
            let metrics = crate::metrics::Metrics::new(Default::default());
            let ctx = job_context(&settings, env, catalogue, &metrics)?;
            let job: duban_jobs::Job = job.parse()?;
            // SIGTERM stops it as it stops the scheduler: nothing new is
            // sent, and what is in flight is handed back after the grace.
            let (handle, outcome) = duban_jobs::spawn_once(ctx, job, at);
            let stopper = tokio::spawn(async move {
                shutdown_signal().await;
                handle.stop().await;
            });
            let outcome = outcome.await.context("running the job")??;
            stopper.abort();
            println!("{outcome}");
            Ok(())
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

async fn import(settings: Settings, clock: SharedClock, args: ImportArgs) -> anyhow::Result<()> {
    use duban_domain::workflow::import;
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let file_name = args.file.file_name().and_then(|n| n.to_str());
    let content_type = args
        .charset
        .as_ref()
        .map(|c| format!("text/plain; charset={c}"));
    let text = crate::routes::import::notice_text(&bytes, file_name, content_type.as_deref())
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let report = if args.dry_run {
        // Match names against the directory only where one already exists:
        // a dry run creates no database.
        let mut notice = duban_domain::importer::parse_notice(&text);
        let existing_sqlite = settings
            .database
            .url
            .strip_prefix("sqlite://")
            .map(|rest| rest.split('?').next().unwrap_or(rest))
            .map(|path| std::path::Path::new(path).exists());
        let mut groups = Default::default();
        let mut unknown = Vec::new();
        if existing_sqlite != Some(false) {
            let mut db_settings = settings.database.clone();
            db_settings.url = db_settings.url.replace("mode=rwc", "mode=ro");
            match duban_domain::db::Db::connect(&db_settings).await {
                Ok(db) => match duban_domain::directory::units::all(db.conn()).await {
                    Ok(units) => {
                        (groups, unknown) =
                            import::match_units(&mut notice, &import::Directory::new(units));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "dry run: no unit directory to match against")
                    }
                },
                Err(e) => tracing::warn!(error = %e, "dry run: no unit directory to match against"),
            }
        }
        import::ImportReport {
            notice,
            groups,
            unknown_units: unknown,
            created_units: Vec::new(),
            plan_id: None,
            assignments: 0,
        }
    } else {
        let (env, _) = environment(&settings, clock).await?;
        let actor = office_actor(&env.db, args.as_user.as_deref()).await?;
        let r = import::import_notice(&env.ctx(&actor), &text, false, args.create_units)
            .await
            .map_err(|e| anyhow::anyhow!(describe(e)))?;
        env.db.close().await?;
        r
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_import(&report);
    }
    Ok(())
}

async fn office_actor(
    db: &duban_domain::db::Db,
    username: Option<&str>,
) -> anyhow::Result<duban_domain::policy::Actor> {
    use duban_domain::entities::user;
    use duban_domain::role::Role;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let candidates = user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .all(db.conn())
        .await?;
    let found = candidates
        .into_iter()
        .find(|u| username.is_none_or(|n| u.username == n) && u.roles.contains(Role::Office));
    let u = found.ok_or_else(|| {
        anyhow::anyhow!(
            "no active office user{}: create one with `duban user create --role office ...`",
            username
                .map(|n| format!(" named '{n}'"))
                .unwrap_or_default()
        )
    })?;
    duban_domain::identity::load_actor(db, u.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

fn print_import(r: &duban_domain::workflow::import::ImportReport) {
    let p = &r.notice.plan;
    println!("文号 doc no : {}", p.doc_no.as_deref().unwrap_or("-"));
    println!("标题 title  : {}", p.title.as_deref().unwrap_or("-"));
    println!("发文 issuer : {}", p.issuer.as_deref().unwrap_or("-"));
    println!(
        "日期 date   : {}",
        p.issued_on
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into())
    );
    println!(
        "{} sections, {} tasks, {} plan indicators",
        r.notice.sections.len(),
        r.notice.tasks.len(),
        r.notice.indicators.len()
    );
    for t in &r.notice.tasks {
        let units: Vec<String> = t
            .units
            .iter()
            .map(|u| {
                format!(
                    "{}{}",
                    u.name,
                    if u.role == duban_domain::importer::UnitRole::Lead {
                        "(牵头)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        println!(
            "  {} {}  | {} | {} {}",
            t.number,
            t.title,
            units.join("、"),
            t.due_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into()),
            t.due_text.as_deref().unwrap_or("")
        );
    }
    if !r.unknown_units.is_empty() {
        println!(
            "Units not in the directory ({}): {}",
            r.unknown_units.len(),
            r.unknown_units.join("、")
        );
        println!("  (create them in one step with --create-units)");
    }
    for w in &r.notice.warnings {
        println!("warning: {w}");
    }
    match r.plan_id {
        Some(id) => println!(
            "Stored as draft plan {id} with {} draft assignments; check it, then issue it.",
            r.assignments
        ),
        None => println!("Dry run: nothing was written."),
    }
}

async fn serve(settings: Settings, clock: SharedClock, args: ServeArgs) -> anyhow::Result<()> {
    let host = settings
        .server
        .bind
        .rsplit_once(':')
        .map_or("127.0.0.1", |(h, _)| h)
        .replace("0.0.0.0", "127.0.0.1");
    // One store, clock and calendar for the demo loader, the jobs and the API.
    let (env, catalogue) = environment(&settings, clock).await?;
    let demo_logins = if args.demo {
        let empty = duban_domain::directory::units::all(env.db.conn())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .is_empty();
        if empty {
            Some(
                crate::demo::load(&env, &settings, catalogue.clone())
                    .await?
                    .0,
            )
        } else {
            println!(
                "The database already holds data: the demo is not loaded again (`duban demo` resets its passwords)."
            );
            None
        }
    } else {
        None
    };
    let metrics = Arc::new(crate::metrics::Metrics::new(Default::default()));
    // The jobs stop at the signal itself, beside the HTTP server's drain
    // (not after it): nothing is claimed or sent once SIGTERM has come.
    let scheduler = if args.no_jobs {
        None
    } else {
        let ctx = job_context(&settings, env.clone(), catalogue.clone(), &metrics)?;
        let handle = duban_jobs::spawn_scheduler(ctx);
        tracing::info!(
            jobs = handle.job_count(),
            "scheduled jobs running in this process"
        );
        // Also stopped when the HTTP server ends for another reason.
        let (http_ended, ended) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            tokio::select! {
                () = shutdown_signal() => {}
                _ = ended => {}
            }
            handle.stop().await
        });
        Some((http_ended, task))
    };
    let app = Application::serve_with_metrics(settings, env, catalogue, metrics).await?;
    if let Some((username, password)) = &app.first_admin {
        println!("================================================================");
        println!(" First start: created the administrator account (shown once)");
        println!("   username: {username}");
        println!("   password: {password}");
        println!("================================================================");
    }
    let base = format!("http://{host}:{}", app.port());
    if let Some(logins) = &demo_logins {
        crate::demo::print_logins(logins, Some(&base));
    }
    println!("Duban is listening on {base}");
    println!("  open in a browser: {base}/  (登录 with a username and password)");
    println!("  API sign-in:       POST {base}/api/v1/auth/login");
    println!("  API docs:          {base}/api/v1/docs");
    app.run_until_stopped().await.context("serving HTTP")?;
    if let Some((http_ended, task)) = scheduler {
        let _ = http_ended.send(());
        task.await.context("stopping the jobs")?;
    }
    tracing::info!("stopped");
    Ok(())
}

async fn create_user(
    settings: Settings,
    clock: SharedClock,
    args: CreateUserArgs,
) -> anyhow::Result<()> {
    let (env, _) = environment(&settings, clock).await?;
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
    let system = Actor::system();
    let user = users::create(&env.ctx(&system), new)
        .await
        .map_err(|e| anyhow::anyhow!(describe(e)))?;
    env.db.close().await?;
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
