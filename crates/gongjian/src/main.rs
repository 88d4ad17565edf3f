//! `gongjian`: the one binary. Subcommands run the demo, serve, migrate, import and export the
//! ledger, seed synthetic data and add users.

/// Prints a line to standard output; when the reader has gone (output piped into `head`), stops
/// quietly with success, as Unix tools do, instead of panicking on the closed pipe.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

mod backup;
mod calendar;
mod config;
mod ledger;
mod pipeline;
mod problems;
mod remind;
mod reports;
mod status;

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use domain::{Role, UnitKind};
use store::{NewUser, RedactedUrl, Store};

use crate::config::Config;

/// The demo admin's password; printed at start so a newcomer can sign in.
pub const DEMO_PASSWORD: &str = "gongjian-demo";

#[derive(Parser)]
#[command(
    name = "gongjian",
    version,
    about = "重点项目攻坚行动平台 / key-project campaign platform"
)]
struct Cli {
    /// A TOML config file (default: ./gongjian.toml when present). Environment GONGJIAN_* and flags override it.
    #[arg(long, global = true, env = "GONGJIAN_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct DbArg {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (also GONGJIAN_DATABASE_URL).
    #[arg(long = "db")]
    db: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Creates (or reuses) a SQLite demo database with a county campaign and serves it.
    Demo {
        /// SQLite file of the demo.
        #[arg(long, default_value = "gongjian-demo.db")]
        db: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Serves the web app and API.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on (also GONGJIAN_ADDR).
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Applies pending database migrations.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Imports from the office's spreadsheets.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Exports to spreadsheets.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Fills the database with a synthetic ledger (same generator as the demo).
    Seed {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        projects: usize,
        #[arg(long, default_value_t = demo::DEMO_SEED)]
        seed: u64,
        /// Also monthly reports from January to this month (YYYY-MM) for every project with an
        /// annual plan.
        #[arg(long)]
        reports_through: Option<String>,
        /// Also this many problems over the projects, raised 5 January to 20 October 2025.
        #[arg(long)]
        problems: Option<usize>,
        /// Seed even a database that has its own users: the seed adds the demo's users, whose
        /// password is published.
        #[arg(long)]
        force: bool,
    },
    /// Manages users.
    #[command(subcommand)]
    User(UserCommand),
    /// Writes a consistent backup of everything (users, history, reports, files, calendars,
    /// campaigns, rankings, the audit log) while the server runs.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The backup file (gzip-compressed JSON lines).
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Restores a backup into an empty database of either backend (SQLite → PostgreSQL is a
    /// backup, then a restore).
    Restore {
        /// A file written by `gongjian backup`.
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        json: bool,
    },
    /// The audit log (审计日志): every change, chained by SHA-256.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 序时进度, project lights and unit rankings as of a date (from the reports).
    Status {
        #[command(flatten)]
        db: DbArg,
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: String,
        /// A TOML scoring scheme: [[indicator]] key = "investment_progress" weight = 0.5
        #[arg(long)]
        scheme: Option<PathBuf>,
        /// Prints one JSON object instead of the tables.
        #[arg(long)]
        json: bool,
    },
    /// Problems (问题专单) raised by a date: status, level and working days overdue.
    Problems {
        #[command(flatten)]
        db: DbArg,
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: String,
        /// Prints one JSON object instead of the list.
        #[arg(long)]
        json: bool,
    },
    /// The next weekly meeting's agenda (一周一例会): problems at level 3 or 4, red projects,
    /// decisions due.
    Agenda {
        #[command(flatten)]
        db: DbArg,
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: String,
        /// Prints one JSON object instead of the agenda.
        #[arg(long)]
        json: bool,
        /// Also writes the meeting pack (会议材料) as a Word document to this file.
        #[arg(long)]
        docx: Option<PathBuf>,
    },
    /// The official working-day calendar (工作日): holidays and make-up workdays.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Writes a document the office forwards, as .docx: analysis (旬分析/月度分析),
    /// ranking-bulletin (亮晒通报), weekly-bulletin (一周一通报) or project-report (进展专报).
    Document {
        /// analysis | ranking-bulletin | weekly-bulletin | project-report
        kind: String,
        #[command(flatten)]
        db: DbArg,
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: String,
        /// The .docx file to write.
        #[arg(long)]
        out: PathBuf,
        /// The project of a project-report.
        #[arg(long)]
        project: Option<i64>,
    },
    /// Runs one day's reminders (催报, problems due, escalations, decisions, approval nodes) and
    /// prints what it sent; a day run twice sends nothing new.
    Notify {
        #[command(flatten)]
        db: DbArg,
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: String,
        /// Lists what would be sent; records and sends nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints one JSON object: {"as_of", "messages": [{"channel", "to", "kind", "subject"}]}.
        #[arg(long)]
        json: bool,
    },
    /// The 招商 funnel as of a date: how many leads had reached each stage (策划生成 → 投产) and
    /// each unit's signed, landed and started leads with its 履约率.
    Funnel {
        #[command(flatten)]
        db: DbArg,
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: String,
        /// Prints one JSON object: {"as_of", "stages": [{"stage", "count", "amount_wan"}],
        /// "units": [{"unit", "signed", "landed", "started", "fulfilment_rate"}]}.
        #[arg(long)]
        json: bool,
    },
    /// 征迁交地 as of a date: each parcel delivered or overdue, each town's area delivered and
    /// whether it has cleared its overdue parcels (交地清零).
    Land {
        #[command(flatten)]
        db: DbArg,
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: String,
        /// Prints one JSON object: {"as_of", "parcels": [{"name", "project", "town", "area_mu",
        /// "delivered", "overdue"}], "towns": [{"town", "parcels", "area_mu", "delivered_mu",
        /// "overdue", "cleared"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Computes an approval plan on working days: critical path and 模拟审批 (serial vs parallel).
    Schedule {
        /// {"start": "YYYY-MM-DD", "nodes": [{"id", "name", "duration", "after": [ids]}]}
        file: PathBuf,
        /// Prints one JSON object instead of the table.
        #[arg(long)]
        json: bool,
        /// Lists nodes past their planned_finish without an actual_finish as of this date.
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Adds or replaces a year: the State Council's notice (国务院办公厅关于YYYY年部分节假日安排的通知)
    /// pasted as text, or a holiday-cn JSON file.
    Import {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Reads and checks the file and shows what it would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints the year read, in holiday-cn's shape: {"year", "days": [{"date", "name", "isOffDay"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Prints the number of working days from FROM to TO, both included (YYYY-MM-DD).
    Workdays {
        from: String,
        to: String,
        /// Also use the years imported into this database.
        #[command(flatten)]
        db: DbArg,
        /// Prints {"workdays": N, "provisional": true|false}.
        #[arg(long)]
        json: bool,
    },
    /// Prints the date N working days after DATE (DATE itself not counted).
    Add {
        date: String,
        #[arg(allow_hyphen_values = true)]
        n: String,
        #[command(flatten)]
        db: DbArg,
        /// Prints {"date": "YYYY-MM-DD", "provisional": true|false}.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Imports a ledger workbook (.xlsx): all or nothing.
    Ledger {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Checks everything and reports, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints one JSON object instead of the text report.
        #[arg(long)]
        json: bool,
    },
    /// Imports a problem list (问题清单 .xlsx): all or nothing.
    Problems {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Checks everything and reports, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints one JSON object instead of the text report.
        #[arg(long)]
        json: bool,
    },
    /// Imports the 招商项目库 (.xlsx): 当前阶段 and the date of each stage; leads already in the
    /// 库 by name are updated. All or nothing.
    Leads {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Checks everything and reports, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints one JSON object instead of the text report.
        #[arg(long)]
        json: bool,
    },
    /// Imports a 征迁交地 list of parcels (.xlsx): 地块名称, 关联项目, 所在乡镇, 面积（亩）, households,
    /// graves, 计划/实际交地时间. All or nothing.
    Parcels {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// Checks everything and reports, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints one JSON object instead of the text report.
        #[arg(long)]
        json: bool,
    },
    /// Imports a monthly or ten-day progress sheet (.xlsx) as the period's reports: all or nothing.
    Reports {
        file: PathBuf,
        #[command(flatten)]
        db: DbArg,
        /// The period: 2025-06, or 2025-06-上旬 / 中旬 / 下旬.
        #[arg(long)]
        period: String,
        /// Checks everything and reports, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Prints one JSON object instead of the text report.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Writes the whole ledger to an .xlsx file (one header row, 万元).
    Ledger {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes the 招商项目库 to an .xlsx file in the columns `import leads` reads.
    Leads {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes the parcels (征迁交地) to an .xlsx file in the columns `import parcels` reads, with
    /// their delivery state on a date (default today).
    Parcels {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        out: PathBuf,
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recomputes the chain and names the first entry that does not fit (exit 1).
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// A head printed earlier, SEQ:HASH (as in a ranking bulletin): checks it is still in
        /// the chain.
        #[arg(long)]
        expect: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Lists entries, newest first.
    List {
        #[command(flatten)]
        db: DbArg,
        /// Only this user's changes.
        #[arg(long)]
        user: Option<String>,
        /// Only this table, or TABLE:KEY for one row (e.g. projects:42).
        #[arg(long)]
        object: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds a user; the password is read from standard input.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        /// The user's unit by name; created when it does not exist yet.
        #[arg(long)]
        unit: String,
        /// admin | lead_office | task_lead | support | responsible | linked | leadership (or the Chinese name).
        #[arg(long)]
        role: String,
        /// The name shown in pages and history (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// Confines the user to a region (辖区) and the regions under it: its name or GB/T 2260
        /// code.
        #[arg(long)]
        region: Option<String>,
    },
    /// Lists the users: role, unit, state, last sign-in, open sessions.
    List {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        json: bool,
    },
    /// Disables a user (their sessions end); `--enable` lets them in again.
    Disable {
        #[command(flatten)]
        db: DbArg,
        username: String,
        #[arg(long)]
        enable: bool,
    },
    /// Sets a temporary password (read from standard input) that its user must change at the
    /// next sign-in; their sessions end.
    Reset {
        #[command(flatten)]
        db: DbArg,
        username: String,
    },
    /// Sets how a user is reached: the mobile number (a group robot's @, SMS) and e-mail
    /// address; an empty value removes it.
    Contact {
        #[command(flatten)]
        db: DbArg,
        username: String,
        #[arg(long)]
        mobile: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时 / error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    // Every change a command makes is recorded as made from the command line, by the
    // system user who ran it.
    let mut context = store::AuditContext::new(store::AuditSource::Cli);
    context.actor = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .map(|u| format!("{u}（命令行）"));
    match runtime.block_on(store::with_audit(context, run(cli))) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GONGJIAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn open(config: &Config) -> Result<Store> {
    let url = config.database_url()?;
    Store::open(url)
        .await
        .with_context(|| format!("打开数据库 / opening the database {}", RedactedUrl(url)))
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let load = |db: &DbArg, addr: Option<SocketAddr>| {
        Config::load(cli.config.as_deref(), db.db.clone(), addr)
    };
    match &cli.command {
        Command::Demo { db, addr } => demo(db, *addr).await,
        Command::Serve { db, addr } => {
            let config = load(db, *addr)?;
            let store = open(&config).await?;
            let addr = config.addr()?;
            // A new installation has no user, and none with a known password: the first
            // administrator is created in the browser through a one-time link.
            let setup = if store.usernames().await?.is_empty() {
                Some(store::new_token()?)
            } else {
                None
            };
            let store = store.with_session_idle(i64::from(config.session_idle_hours.max(1)) * 3600);
            let mut state = web::AppState::new(store, false);
            state.public_origin = config.public_origin()?;
            state.trust_proxy = config.trust_proxy;
            if let Some(token) = &setup {
                state = state.with_setup_token(token.clone());
            }
            if let Some(dir) = &config.backup_dir {
                let every = Duration::from_secs(u64::from(config.backup_every_hours.max(1)) * 3600);
                backup::schedule(
                    state.store.clone(),
                    PathBuf::from(dir),
                    every,
                    config.backup_keep.max(1) as usize,
                );
            }
            if let Err(m) = config.notify.rhythm() {
                bail!("{} / {}", m.zh, m.en);
            }
            if notify::config::minutes_of(&config.notify.remind_at).is_none() {
                bail!(
                    "notify.remind_at“{}”无效，应如 08:30 / invalid notify.remind_at, expected HH:MM",
                    config.notify.remind_at
                );
            }
            let notifier = std::sync::Arc::new(notify::Notifier::new(
                config.notify.clone(),
                config.public_origin()?,
            ));
            notifier.refresh(&state.store).await?;
            state.notifier = notifier.clone();
            if config.notify.enabled {
                let holder = format!("serve:{}:{}", std::process::id(), addr);
                tokio::spawn(notify::schedule(
                    state.store.clone(),
                    notifier,
                    holder,
                    china_now,
                ));
            }
            web::serve(state, addr, |bound| {
                say!("gongjian 已启动 / listening on http://{bound}");
                if let Some(token) = &setup {
                    say!(
                        "首次使用：请在浏览器中打开以下链接创建系统管理员（仅可使用一次）/ \
                         first start: open this link to create the administrator (it works once):"
                    );
                    say!("  http://{bound}/setup?token={token}");
                }
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { db } => {
            let config = load(db, None)?;
            open(&config).await?;
            say!("数据库已是最新版本 / database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(ImportCommand::Ledger {
            file,
            db,
            dry_run,
            json,
        }) => {
            let config = load(db, None)?;
            ledger::import(&config, file, *dry_run, *json).await
        }
        Command::Import(ImportCommand::Reports {
            file,
            db,
            period,
            dry_run,
            json,
        }) => {
            let config = load(db, None)?;
            reports::import(&config, file, period, *dry_run, *json).await
        }
        Command::Import(ImportCommand::Problems {
            file,
            db,
            dry_run,
            json,
        }) => problems::import(&load(db, None)?, file, *dry_run, *json).await,
        Command::Import(ImportCommand::Leads {
            file,
            db,
            dry_run,
            json,
        }) => {
            pipeline::import(
                &load(db, None)?,
                pipeline::List::Leads,
                file,
                *dry_run,
                *json,
            )
            .await
        }
        Command::Import(ImportCommand::Parcels {
            file,
            db,
            dry_run,
            json,
        }) => {
            pipeline::import(
                &load(db, None)?,
                pipeline::List::Parcels,
                file,
                *dry_run,
                *json,
            )
            .await
        }
        Command::Export(ExportCommand::Leads { db, out }) => {
            pipeline::export(&load(db, None)?, pipeline::List::Leads, out, None).await
        }
        Command::Export(ExportCommand::Parcels { db, out, as_of }) => {
            pipeline::export(
                &load(db, None)?,
                pipeline::List::Parcels,
                out,
                as_of.as_deref(),
            )
            .await
        }
        Command::Funnel { db, as_of, json } => {
            pipeline::funnel(&load(db, None)?, as_of, *json).await
        }
        Command::Land { db, as_of, json } => pipeline::land(&load(db, None)?, as_of, *json).await,
        Command::Export(ExportCommand::Ledger { db, out }) => {
            let config = load(db, None)?;
            ledger::export(&config, out).await
        }
        Command::Seed {
            db,
            projects,
            seed,
            reports_through,
            problems,
            force,
        } => {
            let config = load(db, None)?;
            let through = reports_through
                .as_deref()
                .map(domain::progress::Period::parse)
                .transpose()
                .map_err(|m| anyhow!("{} / {}", m.zh, m.en))?;
            let store = open(&config).await?;
            let campaign = demo::campaign(*projects, *seed);
            // A real installation's users must not get company with a published password: any
            // database with users already (even one named like a demo user) needs --force.
            let theirs = store.usernames().await?;
            if !theirs.is_empty() && !force {
                return Err(anyhow!(
                    "数据库已有用户（{}），seed 会加入密码公开的演示账号；确需如此请加 --force / \
                     the database has users ({}); seed adds the demo's users, whose password is \
                     published: add --force if that is really meant",
                    theirs.join("、"),
                    theirs.join(", ")
                ));
            }
            let started = std::time::Instant::now();
            let outcome = store.seed_ledger(&campaign.ledger, DEMO_PASSWORD).await?;
            say!(
                "已生成 {} 个项目（{} 个单位，新增 {} 个用户，密码 {DEMO_PASSWORD}），用时 {:.1} 秒 / seeded {} projects in {:.1}s",
                outcome.projects,
                outcome.units,
                outcome.users,
                started.elapsed().as_secs_f64(),
                outcome.projects,
                started.elapsed().as_secs_f64()
            );
            if let Some(through) = through {
                let n = demo::seed::reports(&store, through).await?;
                if let Some(end) = through.last_day() {
                    // The figures ready for the first status (see Store::prepare_status).
                    store.prepare_status(end).await?;
                }
                say!(
                    "已生成 {n} 份月报（截至{}）/ seeded {n} monthly reports through {}",
                    through.label_zh(),
                    through.key()
                );
            }
            if let Some(count) = problems {
                let day = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d);
                let (Some(from), Some(to)) = (day(1, 5), day(10, 20)) else {
                    return Ok(ExitCode::FAILURE);
                };
                let n = demo::seed::problems(&store, *count, from, to).await?;
                say!("已生成 {n} 个问题 / seeded {n} problems");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Status {
            db,
            as_of,
            scheme,
            json,
        } => status::run(&load(db, None)?, as_of, scheme.as_deref(), *json).await,
        Command::Problems { db, as_of, json } => {
            problems::run(&load(db, None)?, as_of, *json).await
        }
        Command::Agenda {
            db,
            as_of,
            json,
            docx,
        } => problems::agenda(&load(db, None)?, as_of, *json, docx.as_deref()).await,
        Command::Calendar(CalendarCommand::Import {
            file,
            db,
            dry_run,
            json,
        }) => calendar::import(&load(db, None)?, file, *dry_run, *json).await,
        Command::Calendar(CalendarCommand::Workdays { from, to, db, json }) => {
            calendar::workdays(&load(db, None)?, from, to, *json).await
        }
        Command::Calendar(CalendarCommand::Add { date, n, db, json }) => {
            calendar::add(&load(db, None)?, date, n, *json).await
        }
        Command::Schedule {
            file,
            json,
            as_of,
            db,
        } => calendar::plan(&load(db, None)?, file, as_of.as_deref(), *json).await,
        Command::User(UserCommand::Add {
            db,
            username,
            unit,
            role,
            name,
            region,
        }) => {
            let config = load(db, None)?;
            let role = Role::parse(role).ok_or_else(|| {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                anyhow!(
                    "未知角色“{role}”，可选：{} / unknown role “{role}”",
                    known.join(", ")
                )
            })?;
            let password = read_password(username)?;
            let store = open(&config).await?;
            let region_id = match region {
                Some(r) => Some(store.region_named(r).await?),
                None => None,
            };
            let display_name = name.clone().unwrap_or_else(|| username.clone());
            let new = NewUser {
                username: username.trim(),
                display_name: &display_name,
                password: &password,
                role,
                unit_id: 0,
            };
            // The user and, when new, the unit: both or neither.
            let (id, created) = store
                .add_user_in_unit(
                    &new,
                    unit.trim(),
                    UnitKind::guess(unit.trim()),
                    false,
                    region_id,
                )
                .await?;
            if created {
                say!("新建单位“{}” / created unit “{}”", unit.trim(), unit.trim());
            }
            say!(
                "已添加用户 {username}（{}）/ added user #{id}",
                role.label_zh()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::List { db, json }) => {
            let store = open(&load(db, None)?).await?;
            let users = store.users().await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&users)?);
                return Ok(ExitCode::SUCCESS);
            }
            for u in &users {
                let last = u
                    .last_sign_in
                    .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_else(|| "从未登录 / never".into());
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.role.label_zh(),
                    u.unit,
                    u.region.as_deref().unwrap_or("全部区域 / all regions"),
                    if u.active {
                        "启用"
                    } else {
                        "已停用 / disabled"
                    },
                    last,
                    u.sessions
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Disable {
            db,
            username,
            enable,
        }) => {
            let store = open(&load(db, None)?).await?;
            match store.set_user_active(username.trim(), *enable).await {
                Ok(()) if *enable => say!("已启用用户 {username} / enabled {username}"),
                Ok(()) => say!(
                    "已停用用户 {username}，其登录已全部退出 / disabled {username}; their sessions ended"
                ),
                Err(store::StoreError::NotFound) => {
                    bail!("没有用户“{username}” / no user “{username}”")
                }
                Err(e) => return Err(e.into()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { db, out, json } => backup::backup(&load(db, None)?, out, *json).await,
        Command::Restore { file, db, json } => backup::restore(&load(db, None)?, file, *json).await,
        Command::Audit(AuditCommand::Verify { db, expect, json }) => {
            backup::verify(&load(db, None)?, expect.as_deref(), *json).await
        }
        Command::Audit(AuditCommand::List {
            db,
            user,
            object,
            limit,
            json,
        }) => {
            let filter = store::AuditFilter {
                actor: user.clone(),
                object: object.clone(),
                limit: *limit,
                ..store::AuditFilter::default()
            };
            backup::list(&load(db, None)?, filter, *json).await
        }
        Command::Document {
            kind,
            db,
            as_of,
            out,
            project,
        } => remind::document(&load(db, None)?, kind, as_of, out, *project).await,
        Command::Notify {
            db,
            as_of,
            dry_run,
            json,
        } => remind::run(&load(db, None)?, as_of, *dry_run, *json).await,
        Command::User(UserCommand::Contact {
            db,
            username,
            mobile,
            email,
        }) => {
            remind::contact(
                &load(db, None)?,
                username,
                mobile.as_deref(),
                email.as_deref(),
            )
            .await
        }
        Command::User(UserCommand::Reset { db, username }) => {
            let store = open(&load(db, None)?).await?;
            let Some(user) = store.user_by_username(username.trim()).await? else {
                bail!("没有用户“{username}” / no user “{username}”");
            };
            let password = read_password(&user.username)?;
            store.set_password(user.id, &password, true).await?;
            say!(
                "已为 {username} 设置临时密码，其登录后须先修改；原有登录已退出 / \
                 set a temporary password for {username}, to be changed at the next sign-in; \
                 their sessions ended"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// China's date and minute of the day (UTC+08:00; China keeps no summer time).
fn china_now() -> (chrono::NaiveDate, u32) {
    use chrono::Timelike;
    let now = domain::dates::china_datetime(chrono::Utc::now().timestamp())
        .unwrap_or_else(|| chrono::Utc::now().naive_utc());
    (now.date(), now.hour() * 60 + now.minute())
}

/// A password from standard input, checked as any new password is (`domain::signin`).
fn read_password(username: &str) -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("密码 / password: ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("读取密码 / reading the password")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    domain::signin::check_password(&password, username.trim())
        .map_err(|m| anyhow!("{} / {}", m.zh, m.en))?;
    Ok(password)
}

async fn demo(db: &std::path::Path, addr: SocketAddr) -> Result<ExitCode> {
    let url = format!("sqlite://{}", db.display());
    let store = Store::open(&url).await.with_context(|| {
        format!(
            "打开演示数据库 / opening the demo database {}",
            db.display()
        )
    })?;
    let campaign = demo::demo_campaign();
    if store.count_projects().await? == 0 && store.user_by_username("admin").await?.is_none() {
        let loaded = demo::load(&store, &campaign, DEMO_PASSWORD).await?;
        say!(
            "已生成演示数据：{} 个项目，{} 个审批计划 / demo data: {} projects, {} approval plans",
            loaded.ledger.projects,
            loaded.approval_plans,
            loaded.ledger.projects,
            loaded.approval_plans
        );
    }
    let state = web::AppState::new(store, true).on_day(demo::demo_day());
    // The demo day's reminders, once: the inbox shows what the campaign's rhythm sends.
    if let Err(e) = notify::remind_once(
        &state.store,
        &state.notifier.sender,
        &notify::Rhythm::default(),
        demo::demo_day(),
        "demo",
    )
    .await
    {
        tracing::warn!(%e, "the demo day's reminders were not made");
    }
    web::serve(state, addr, |bound| {
        say!("{}", campaign.name);
        say!("gongjian 演示已启动 / demo running at http://{bound}");
        say!("登录 / sign in:  admin / {DEMO_PASSWORD}   (系统管理员)");
        for user in campaign
            .ledger
            .users
            .iter()
            .filter(|u| u.username != "admin")
        {
            say!(
                "                 {} / {DEMO_PASSWORD}   ({}, {})",
                user.username,
                user.role.label_zh(),
                user.display_name
            );
        }
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
