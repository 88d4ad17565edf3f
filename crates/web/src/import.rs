//! The import page (导入): the lead office uploads the ledger, a period's progress sheet or a
//! problem list; the file is checked first — counts, new units, every problem by sheet, row and
//! column, nothing written — and kept; a confirmation imports it with the same all-or-nothing
//! code as `gongjian import` (`imports.rs`), as the signed-in user.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::progress::Period;
use domain::{Bilingual, Lang, bi};
use serde::Deserialize;
use store::{Actor, SessionUser};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::imports::{ImportProblem, LedgerImport, ProblemsImport, ReportsImport};
use crate::pages::render_form;
use crate::policy;

/// The largest workbook taken (the body limit of the server is this plus the form).
pub const MAX_WORKBOOK_BYTES: usize = 10 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Ledger,
    Reports,
    Problems,
    Leads,
    Parcels,
}

impl Kind {
    fn parse(code: &str) -> Option<Kind> {
        match code {
            "ledger" => Some(Kind::Ledger),
            "reports" => Some(Kind::Reports),
            "problems" => Some(Kind::Problems),
            "leads" => Some(Kind::Leads),
            "parcels" => Some(Kind::Parcels),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Kind::Ledger => "ledger",
            Kind::Reports => "reports",
            Kind::Problems => "problems",
            Kind::Leads => "leads",
            Kind::Parcels => "parcels",
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Kind::Ledger => "import.ledger",
            Kind::Reports => "import.reports",
            Kind::Problems => "import.problems",
            Kind::Leads => "import.leads",
            Kind::Parcels => "import.parcels",
        }
    }
}

/// One problem (or warning) of the file, where it is.
struct Issue {
    sheet: String,
    row: String,
    column: String,
    message: String,
}

/// What a check or an import found, as the page shows it.
struct Outcome {
    kind: &'static str,
    file: String,
    period: String,
    /// What the file holds and what it does (would do), label and figure.
    counts: Vec<(String, String)>,
    new_units: Vec<String>,
    skipped: Vec<String>,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    /// The kept upload to confirm (a clean check).
    confirm: Option<i64>,
    headline: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportTemplate {
    tr: Tr,
    user: SessionUser,
    period: String,
    outcome: Option<Outcome>,
    errors: Vec<String>,
}

fn may(user: &SessionUser) -> Result<(), AppError> {
    if policy::imports(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn issue(
    sheet: &str,
    row: Option<u32>,
    column: Option<&str>,
    zh: &str,
    en: &str,
    lang: Lang,
) -> Issue {
    Issue {
        sheet: sheet.to_string(),
        row: row.map(|r| r.to_string()).unwrap_or_default(),
        column: column.unwrap_or_default().to_string(),
        message: match lang {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
        },
    }
}

fn office_issue(e: &office::ImportError, lang: Lang) -> Issue {
    issue(
        &e.sheet,
        e.row,
        e.column.as_deref(),
        &e.message_zh,
        &e.message_en,
        lang,
    )
}

fn report_issue(p: &ImportProblem, lang: Lang) -> Issue {
    issue(
        &p.sheet,
        p.row,
        p.column.as_deref(),
        &p.message_zh,
        &p.message_en,
        lang,
    )
}

fn skipped(rows: &[office::SkippedRow]) -> Vec<String> {
    rows.iter()
        .map(|s| format!("{} · {} · {}", s.sheet, s.row, s.reason))
        .collect()
}

fn headline(tr: &Tr, errors: usize, written: bool) -> String {
    if errors > 0 {
        tr.t("import.refused").replace("{n}", &errors.to_string())
    } else if written {
        tr.t("import.written").to_string()
    } else {
        tr.t("import.checked").to_string()
    }
}

fn ledger_outcome(r: LedgerImport, tr: &Tr, file: &str) -> Outcome {
    let lang = tr.lang;
    let errors: Vec<Issue> = r.errors.iter().map(|e| office_issue(e, lang)).collect();
    Outcome {
        kind: Kind::Ledger.label_key(),
        file: file.to_string(),
        period: String::new(),
        counts: vec![
            (tr.t("import.projects").into(), r.projects.to_string()),
            (
                tr.t("import.total_wan").into(),
                format!("{:.2}", r.total_investment_wan),
            ),
            (
                tr.t("import.plan_wan").into(),
                format!("{:.2}", r.annual_plan_wan),
            ),
            (tr.t("import.created").into(), r.created.to_string()),
            (tr.t("import.updated").into(), r.updated.to_string()),
            (tr.t("import.unchanged").into(), r.unchanged.to_string()),
        ],
        new_units: r.new_units.iter().chain(&r.new_regions).cloned().collect(),
        skipped: skipped(&r.skipped_rows),
        headline: headline(tr, errors.len(), r.written),
        errors,
        warnings: Vec::new(),
        confirm: None,
    }
}

fn reports_outcome(r: ReportsImport, tr: &Tr, file: &str) -> Outcome {
    let lang = tr.lang;
    let errors: Vec<Issue> = r.errors.iter().map(|e| report_issue(e, lang)).collect();
    Outcome {
        kind: Kind::Reports.label_key(),
        file: file.to_string(),
        period: r.period.clone(),
        counts: vec![
            (tr.t("import.report_rows").into(), r.reports.to_string()),
            (
                tr.t("import.completed_wan").into(),
                format!("{:.2}", r.completed_wan),
            ),
            (tr.t("import.ytd_wan").into(), format!("{:.2}", r.ytd_wan)),
            (tr.t("import.filed").into(), r.filed.to_string()),
            (tr.t("import.revised").into(), r.revised.to_string()),
        ],
        new_units: Vec::new(),
        skipped: skipped(&r.skipped_rows),
        headline: headline(tr, errors.len(), r.written),
        errors,
        warnings: r.warnings.iter().map(|w| report_issue(w, lang)).collect(),
        confirm: None,
    }
}

fn problems_outcome(r: ProblemsImport, tr: &Tr, file: &str) -> Outcome {
    let lang = tr.lang;
    let errors: Vec<Issue> = r.errors.iter().map(|e| office_issue(e, lang)).collect();
    Outcome {
        kind: Kind::Problems.label_key(),
        file: file.to_string(),
        period: String::new(),
        counts: vec![
            (tr.t("import.problem_rows").into(), r.problems.to_string()),
            (tr.t("import.created").into(), r.created.to_string()),
        ],
        new_units: r.new_units.clone(),
        skipped: skipped(&r.skipped_rows),
        headline: headline(tr, errors.len(), r.written),
        errors,
        warnings: Vec::new(),
        confirm: None,
    }
}

fn list_outcome(kind: Kind, r: crate::imports::ListImport, tr: &Tr, file: &str) -> Outcome {
    let lang = tr.lang;
    let errors: Vec<Issue> = r.errors.iter().map(|e| office_issue(e, lang)).collect();
    Outcome {
        kind: kind.label_key(),
        file: file.to_string(),
        period: String::new(),
        counts: vec![
            (tr.t("import.rows").into(), r.rows.to_string()),
            (tr.t("import.created").into(), r.created.to_string()),
            (tr.t("import.updated").into(), r.updated.to_string()),
            (tr.t("import.unchanged").into(), r.unchanged.to_string()),
        ],
        new_units: r.new_units.clone(),
        skipped: skipped(&r.skipped_rows),
        headline: headline(tr, errors.len(), r.written),
        errors,
        warnings: Vec::new(),
        confirm: None,
    }
}

/// One check or import of a file.
struct Job<'a> {
    kind: Kind,
    file: &'a str,
    period: Option<Period>,
    bytes: &'a [u8],
    dry_run: bool,
}

/// Checks (`dry_run`) or imports the job's file as the user.
async fn run(
    state: &AppState,
    user: &SessionUser,
    tr: &Tr,
    job: Job<'_>,
) -> Result<Outcome, AppError> {
    let store = &state.store;
    let Job {
        kind,
        file,
        period,
        bytes,
        dry_run,
    } = job;
    Ok(match kind {
        Kind::Ledger => {
            let r = crate::imports::ledger(store, bytes.to_vec(), Some(user.id), dry_run).await?;
            ledger_outcome(r, tr, file)
        }
        Kind::Reports => {
            let period = period.ok_or_else(|| {
                AppError::BadRequest(bi(
                    "请填写报告期，如 2025-06",
                    "give the period, as 2025-06",
                ))
            })?;
            let actor = Actor {
                user_id: Some(user.id),
                unit: None,
                reviewer: true,
            };
            let r =
                crate::imports::reports(store, bytes, file, period, &actor, dry_run, state.today())
                    .await?;
            reports_outcome(r, tr, file)
        }
        Kind::Problems => {
            let r =
                crate::imports::problems(store, bytes, file, Some(user.id), dry_run, state.today())
                    .await?;
            problems_outcome(r, tr, file)
        }
        Kind::Leads => {
            let r =
                crate::imports::leads(store, bytes, file, Some(user.id), dry_run, state.today())
                    .await?;
            list_outcome(kind, r, tr, file)
        }
        Kind::Parcels => {
            let r = crate::imports::parcels(store, bytes, file, Some(user.id), dry_run).await?;
            list_outcome(kind, r, tr, file)
        }
    })
}

/// The last month before `today`: the period most imports are for.
fn default_period(today: chrono::NaiveDate) -> String {
    use chrono::Datelike as _;
    let first = today.with_day0(0).unwrap_or(today);
    Period::month_of(first - chrono::Duration::days(1)).key()
}

fn or_default_period(period: String, state: &AppState) -> String {
    if period.trim().is_empty() {
        default_period(state.today())
    } else {
        period
    }
}

/// The page: the forms, with what a check or an import found and any message. Answered as
/// refused (422) when something is wrong.
async fn show(
    state: &AppState,
    user: SessionUser,
    tr: Tr,
    period: String,
    outcome: Option<Outcome>,
    errors: Vec<Bilingual>,
) -> PageResult {
    let invalid = !errors.is_empty() || outcome.as_ref().is_some_and(|o| !o.errors.is_empty());
    let lang = tr.lang;
    render_form(
        &ImportTemplate {
            period: or_default_period(period, state),
            errors: errors.iter().map(|m| m.get(lang).to_string()).collect(),
            tr,
            user,
            outcome,
        },
        invalid,
    )
}

/// `GET /import`.
pub async fn page(State(state): State<AppState>, PageUser { user, tr }: PageUser) -> PageResult {
    may(&user)?;
    show(&state, user, tr, String::new(), None, Vec::new()).await
}

/// The upload as sent: which import, the period, the file.
struct Upload {
    kind: Kind,
    period: String,
    name: String,
    bytes: Vec<u8>,
}

async fn upload_of(mut multipart: Multipart) -> Result<Upload, Bilingual> {
    let broke = || {
        bi(
            "上传中断或文件过大（不超过 10 MB）",
            "the upload broke off or the file is too large (at most 10 MB)",
        )
    };
    let (mut kind, mut period, mut name, mut bytes) =
        (None, String::new(), String::new(), Vec::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(broke()),
        };
        let field_name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let data = field.bytes().await.map_err(|_| broke())?;
        match field_name.as_str() {
            "kind" => kind = Kind::parse(String::from_utf8_lossy(&data).trim()),
            "period" => period = String::from_utf8_lossy(&data).trim().to_string(),
            "file" => {
                if data.len() > MAX_WORKBOOK_BYTES {
                    return Err(broke());
                }
                name = file_name.unwrap_or_default();
                bytes = data.to_vec();
            }
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| bi("请选择导入的内容", "choose what to import"))?;
    if bytes.is_empty() {
        return Err(bi("请选择 Excel 文件", "choose an Excel file"));
    }
    Ok(Upload {
        kind,
        period,
        name,
        bytes,
    })
}

fn period_of(kind: Kind, text: &str) -> Result<Option<Period>, Bilingual> {
    if kind != Kind::Reports {
        return Ok(None);
    }
    Period::parse(text).map(Some)
}

/// `POST /import/check`: reads and checks the file against the database, writing nothing of
/// it, and keeps it for the confirmation.
pub async fn check(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    multipart: Multipart,
) -> PageResult {
    may(&user)?;
    let upload = match upload_of(multipart).await {
        Ok(u) => u,
        Err(m) => return show(&state, user, tr, String::new(), None, vec![m]).await,
    };
    let period = match period_of(upload.kind, &upload.period) {
        Ok(p) => p,
        Err(m) => return show(&state, user, tr, String::new(), None, vec![m]).await,
    };
    let job = Job {
        kind: upload.kind,
        file: &upload.name,
        period,
        bytes: &upload.bytes,
        dry_run: true,
    };
    let mut outcome = run(&state, &user, &tr, job).await?;
    if outcome.errors.is_empty() {
        let id = state
            .store
            .keep_upload(
                user.id,
                upload.kind.code(),
                &upload.name,
                period.map(|p| p.key()).as_deref(),
                &upload.bytes,
            )
            .await?;
        outcome.confirm = Some(id);
    }
    show(&state, user, tr, upload.period, Some(outcome), Vec::new()).await
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    id: i64,
}

/// `POST /import/confirm`: imports the checked file, once.
pub async fn confirm(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<ConfirmForm>,
) -> PageResult {
    may(&user)?;
    let gone = || {
        bi(
            "该文件已导入或已过期（检查后一天内有效），请重新上传",
            "that file was imported already or has expired (a day after its check); upload it again",
        )
    };
    let Some(kept) = state.store.kept_upload(form.id, user.id).await? else {
        return show(&state, user, tr, String::new(), None, vec![gone()]).await;
    };
    // Claimed before importing: a second click of the same confirmation imports nothing.
    if !state.store.drop_upload(kept.id, user.id).await? {
        return show(&state, user, tr, String::new(), None, vec![gone()]).await;
    }
    let kind = Kind::parse(&kept.kind).ok_or(AppError::NotFound)?;
    let period = match period_of(kind, kept.period.as_deref().unwrap_or_default()) {
        Ok(p) => p,
        Err(m) => return show(&state, user, tr, String::new(), None, vec![m]).await,
    };
    let job = Job {
        kind,
        file: &kept.name,
        period,
        bytes: &kept.data,
        dry_run: false,
    };
    let outcome = run(&state, &user, &tr, job).await?;
    let period = kept.period.unwrap_or_default();
    show(&state, user, tr, period, Some(outcome), Vec::new()).await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/import", get(page))
        .route("/import/check", post(check))
        .route("/import/confirm", post(confirm))
}
