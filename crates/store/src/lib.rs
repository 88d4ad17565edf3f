//! Storage for gongjian over SQLite (one office, the default) and PostgreSQL (a province).
//!
//! Architecture Invariant: the same SQL text runs on both backends through one `sqlx::AnyPool`.
//! Only the DDL (two migration folders) differs. One exception: a PostgreSQL status streams its
//! two bulk scans by binary COPY on native connections (`status::copy`), the same `SELECT`s. Column types follow the portable rules:
//! ids, flags and money (fen) are BIGINT, dates are TEXT `YYYY-MM-DD`, timestamps BIGINT unix
//! seconds, lists TEXT `|a|b|`. Sums are written `CAST(SUM(x) AS BIGINT)`.
//!
//! Architecture Invariant: every editable row carries `version`; an update names the version it
//! started from and is refused with [`StoreError::Conflict`] when the row has moved on.

mod activity;
mod adjustments;
mod admin;
mod approvals;
mod audit;
mod backup;
mod batches;
mod calendar;
mod campaigns;
mod catalog;
mod dossier;
mod funding;
mod hq;
mod import;
mod land;
mod leads;
mod meetings;
mod notify;
mod people;
mod problem_attachments;
mod problems;
mod project_index;
mod projects;
mod rankings;
mod report_filing;
mod report_photos;
mod reports;
mod rows;
mod seed;
mod sign_in;
mod status;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod tours;
mod uploads;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

/// How long a SQLite statement waits for the one writer's lock before it gives up.
pub(crate) const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

pub use activity::{ProblemSpan, ProjectFacet, SpanProblem};
pub use adjustments::{AdjustedField, PlanAdjustment};
pub use admin::{RESET_SECONDS, SessionInfo, UnitSummary};
pub use approvals::{ApprovalNode, ApprovalPlan, DueNode, FinishedNode};
pub use audit::{
    AuditCheck, AuditContext, AuditEntry, AuditFilter, AuditSource, BrokenEntry, GENESIS,
    audit_actor, audit_source, entry_hash, source_label, with_audit,
};
pub use backup::{BackupSummary, RestoreSummary};
pub use batches::{Batch, BatchItem, NewBatch};
pub use calendar::{CalendarImport, CalendarImportRecord, DayChange};
pub use campaigns::{
    Campaign, CampaignSettings, CarryOver, KeyTask, ProjectTarget, TargetProgress, UnitTarget,
    next_year_settings,
};
pub use dossier::{NewTeamMember, NewVisit, ServiceTeam, TeamMember, Visit};
pub use funding::{FUNDING_SOURCES, FundingLine, Registration, RegistrationRow};
pub use hq::{DIGITAL_TAGS, Digital, DigitalTrack, HqGroup, HqMember};
pub use import::{ImportOutcome, LedgerRow, LedgerWriter, RowProblem};
pub use land::{ParcelFields, ParcelImportOutcome, ParcelListRow, ParcelRecord, check_parcel};
pub use leads::{LeadEvent, LeadFields, LeadImportOutcome, LeadListRow, LeadRecord, check_lead};
pub use meetings::{Agenda, AgendaItem, Decision, Meeting, MeetingKind, NewDecision};
pub use notify::{
    Claimed, Contact, DeliveryFilter, NewChannel, Notification, Outgoing, SENDING_SECONDS,
    StoredChannel, valid_email, valid_mobile,
};
pub use people::{
    NewUser, Region, RegionScope, SESSION_IDLE_SECONDS, SESSION_SECONDS, SessionUser, UserRecord,
    UserSummary, hash_password, new_token, verify_password,
};
pub use problem_attachments::{ATTACHMENTS_PER_PROBLEM, AttachmentMeta};
pub use problems::{
    NewProblem, Problem, ProblemActor, ProblemEvent, ProblemImportOutcome, ProblemLine,
    ProblemListRow, ProblemViewer, StepExtra,
};
pub use projects::{
    ChangeRecord, ProjectFilter, ProjectPage, ProjectSummary, SortColumn, SortOrder,
};
pub use rankings::{FrozenProject, NewRanking, PublishedRanking, RankingRow, UsedReport};
pub use report_filing::{
    Actor, CorrectionRequest, EntryFlags, FiledReport, Filing, FilingOptions, PeriodReport,
    ProjectKey, ReportEntry, ReportEvent, ReportHistory, ReportRevision, ReportState, Review,
    StoredReport, UnitReporting,
};
pub use report_photos::{PHOTOS_PER_REPORT, Photo, PhotoMeta};
pub use reports::ReportRecord;
pub use seed::{
    SeedLedger, SeedOutcome, SeedProblem, SeedProject, SeedRegion, SeedReport, SeedUnit, SeedUser,
};
pub use sign_in::SignInFailures;
pub use status::{Judging, LedgerStatus};
pub use tours::{NewTour, Tour, split_members};
pub use uploads::{KEPT_SECONDS, KeptUpload};

/// Which engine a URL points at; kept for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone saved the row after this editor loaded it (修改冲突).
    #[error(
        "修改冲突：该记录已被他人修改（当前版本 {current}），请刷新后重试 / someone else changed this record (now version {current}); reload and try again"
    )]
    Conflict { current: i64 },
    #[error("记录不存在 / not found")]
    NotFound,
    /// A unique key would be violated, e.g. a project code already in use.
    #[error("{zh} / {en}")]
    Duplicate {
        field: &'static str,
        zh: String,
        en: String,
    },
    #[error("数据库地址无效 / invalid database URL: {0}")]
    BadUrl(String),
    #[error("数据库迁移失败 / migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("数据库错误 / database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A calendar file or a stored calendar year that does not read.
    #[error("{0}")]
    Calendar(domain::calendar::CalendarError),
    /// A write that would break a rule of the domain (e.g. a cycle among approval nodes).
    #[error("{} / {}", .0.zh, .0.en)]
    Rule(domain::Bilingual),
    /// Several entries of one write refused, each with its reason; nothing was written.
    #[error("{}", joined(.0))]
    Invalid(Vec<domain::Bilingual>),
    /// The actor may not touch this row (e.g. another unit's project).
    #[error("{} / {}", .0.zh, .0.en)]
    Forbidden(domain::Bilingual),
}

fn joined(messages: &[domain::Bilingual]) -> String {
    let zh: Vec<&str> = messages.iter().map(|m| m.zh.as_str()).collect();
    let en: Vec<&str> = messages.iter().map(|m| m.en.as_str()).collect();
    format!("{} / {}", zh.join("；"), en.join("; "))
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database behind the app: a pool and the dialect it speaks.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// PostgreSQL only: native connections for the status's bulk read (`status::copy`), the
    /// one read the `Any` driver makes too slow at a million rows. Opened on first use.
    pg: Option<sqlx::PgPool>,
    /// The last status computed, with the data generation it was computed at.
    status_cache: status::GenerationCache<
        (chrono::NaiveDate, domain::progress::Scheme),
        std::sync::Arc<LedgerStatus>,
    >,
    /// The last monthly investment sums, with their data generation and date.
    monthly_cache: status::GenerationCache<chrono::NaiveDate, Vec<(u32, domain::Money)>>,
    /// Seconds a session may go unused before it ends.
    session_idle: i64,
    /// The working-day calendar last built, with the imported years it was built from: built
    /// again only when they differ (see `calendar::Store::work_calendar`).
    calendar_cache: calendar::CalendarCache,
}

/// Shows a database URL without its password, for logs and error messages.
pub struct RedactedUrl<'a>(pub &'a str);

impl fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.0;
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                let creds = &url[scheme_end + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => {
                        write!(f, "{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                    }
                    None => f.write_str(url),
                }
            }
            _ => f.write_str(url),
        }
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

/// Turns `sqlite://PATH`, `sqlite:PATH` or a bare path into a URL that creates the file when missing.
fn normalise_url(url: &str) -> Result<(String, Dialect)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((url.to_string(), Dialect::Postgres));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        return Err(StoreError::BadUrl(url.to_string()));
    }
    if url.contains("://") && !url.starts_with("sqlite://") {
        return Err(StoreError::BadUrl(format!(
            "{} (支持 sqlite://路径 或 postgres://… / use sqlite://PATH or postgres://…)",
            RedactedUrl(url)
        )));
    }
    let with_mode = if path.contains('?') {
        path.to_string()
    } else {
        format!("{path}?mode=rwc")
    };
    Ok((format!("sqlite://{with_mode}"), Dialect::Sqlite))
}

impl Store {
    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let (url, dialect) = normalise_url(url)?;
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|e| StoreError::BadUrl(format!("{}: {e}", RedactedUrl(&url))))?
            .disable_statement_logging();
        let pool_options = match dialect {
            // SQLite has one writer; a few connections serve readers in WAL mode.
            Dialect::Sqlite => AnyPoolOptions::new().max_connections(4).after_connect(|conn, _| {
                Box::pin(async move {
                    // The busy timeout first: switching a new file to WAL waits for another
                    // process opening it at the same moment instead of failing at once.
                    let setup = format!(
                        "PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}; PRAGMA journal_mode=WAL; \
                         PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; \
                         PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
                    );
                    conn.execute(sqlx::AssertSqlSafe(setup)).await?;
                    Ok(())
                })
            }),
            Dialect::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(15))
            .connect_with(options)
            .await?;
        let pg = match dialect {
            Dialect::Sqlite => None,
            Dialect::Postgres => {
                let options = sqlx::postgres::PgConnectOptions::from_str(&url)
                    .map_err(|e| StoreError::BadUrl(format!("{}: {e}", RedactedUrl(&url))))?
                    .disable_statement_logging();
                Some(
                    // A status reads in up to five streams at once (see `reports::copy_parts`).
                    sqlx::postgres::PgPoolOptions::new()
                        .max_connections(8)
                        .acquire_timeout(Duration::from_secs(15))
                        .connect_lazy_with(options),
                )
            }
        };
        Ok(Store {
            pool,
            dialect,
            pg,
            status_cache: status::GenerationCache::default(),
            calendar_cache: calendar::CalendarCache::default(),
            monthly_cache: status::GenerationCache::default(),
            session_idle: people::SESSION_IDLE_SECONDS,
        })
    }

    /// Applies the pending migrations. PostgreSQL's are serialised by sqlx's advisory lock;
    /// SQLite has none, so two processes starting at once on a new file both read "nothing
    /// applied" and the later one finds the other's tables ("table already exists"): it tries
    /// again, for up to ten seconds, and then finds them applied.
    pub async fn migrate(&self) -> Result<()> {
        let mut attempts = 0;
        loop {
            let run = match self.dialect {
                Dialect::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await,
                Dialect::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await,
            };
            match run {
                Ok(()) => break,
                Err(_) if self.dialect == Dialect::Sqlite && attempts < 100 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        self.drain_index_backlog().await?;
        self.install_audit_triggers().await?;
        Ok(())
    }

    /// Sessions end after `seconds` unused (eight hours unless set).
    pub fn with_session_idle(mut self, seconds: i64) -> Store {
        self.session_idle = seconds;
        self
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that writes. On SQLite it takes the one writer's lock first (`BEGIN
    /// IMMEDIATE`, waiting up to the busy timeout): a transaction that has read and then writes
    /// while another connection holds that lock gets `SQLITE_BUSY` at once, unwaited (its
    /// snapshot would be stale), as when a refused write's rollback has not yet run.
    ///
    /// The transaction carries the task's audit context (who, from where) to the audit
    /// triggers, and ends with [`Store::commit`], which seals its audit entries.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        };
        self.set_audit_context(&mut tx).await?;
        Ok(tx)
    }

    pub async fn close(&self) {
        if let Some(pg) = &self.pg {
            pg.close().await;
        }
        self.pool.close().await;
    }
}

/// Seconds since the Unix epoch, the timestamp type of every table.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// How to write a versioned row that may not exist yet (a project's registration, its 智改数转
/// figures, a campaign's track targets), from the version there now and the one the editor read
/// (0: read none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VersionedWrite {
    Insert,
    Update,
}

impl VersionedWrite {
    pub(crate) fn of(current: Option<i64>, read: i64) -> Result<VersionedWrite> {
        match current {
            None if read == 0 => Ok(VersionedWrite::Insert),
            Some(current) if current == read => Ok(VersionedWrite::Update),
            Some(current) => Err(StoreError::Conflict { current }),
            None => Err(StoreError::Conflict { current: 0 }),
        }
    }

    /// What the write answered: an insert that lost to another's is a conflict, and so is an
    /// update that found the version moved on.
    pub(crate) fn done(
        self,
        written: std::result::Result<sqlx::any::AnyQueryResult, sqlx::Error>,
    ) -> Result<()> {
        match written {
            Ok(r) if r.rows_affected() == 1 => Ok(()),
            Ok(_) => Err(StoreError::Conflict { current: 0 }),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(StoreError::Conflict { current: 1 })
            }
            Err(e) => Err(StoreError::Db(e)),
        }
    }
}

/// Turns a unique-key violation into a message about the field, other errors pass through.
pub(crate) fn on_unique(
    err: sqlx::Error,
    field: &'static str,
    zh: String,
    en: String,
) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Duplicate { field, zh, en }
        }
        _ => StoreError::Db(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_database_urls() {
        assert_eq!(
            normalise_url("sqlite://a.db").unwrap(),
            ("sqlite://a.db?mode=rwc".into(), Dialect::Sqlite)
        );
        assert_eq!(
            normalise_url("data/x.db").unwrap().0,
            "sqlite://data/x.db?mode=rwc"
        );
        assert_eq!(
            normalise_url("postgres://u@h/db").unwrap().1,
            Dialect::Postgres
        );
        assert!(normalise_url("mysql://x").is_err());
        assert!(normalise_url("").is_err());
    }

    #[test]
    fn hides_passwords() {
        assert_eq!(
            RedactedUrl("postgres://u:secret@h:5432/db").to_string(),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            RedactedUrl("postgres://u@h/db").to_string(),
            "postgres://u@h/db"
        );
    }
}
