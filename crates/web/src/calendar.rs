//! The working-day calendar page (`/calendar`): a year as a month grid (days off, make-up
//! workdays, official or provisional), the State Council's notice pasted (or a holiday-cn JSON
//! file uploaded), previewed with what it changes, and confirmed; every import kept (who, when,
//! which notice, what changed). Everyone signed in reads; the administrator and the lead office
//! import.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::{Datelike, NaiveDate, Weekday};
use domain::calendar::{Basis, WorkCalendar};
use domain::{Bilingual, Lang, bi};
use serde::Deserialize;
use store::{CalendarImport, SessionUser, StoreError};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::i18n::Tr;
use crate::pages::{format_time, render_form};
use crate::policy;
use axum::Router;
use axum::routing::{get, post};

/// The mark beside a date computed on a provisional year, or on one the calendar does not
/// cover: written with `|safe` in templates (its texts are this crate's own), empty for an
/// official date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mark(String);

impl Mark {
    pub fn of(basis: Basis, lang: Lang) -> Mark {
        if basis == Basis::Official {
            return Mark::default();
        }
        let class = if basis == Basis::Unknown {
            "prov unknown"
        } else {
            "prov"
        };
        Mark(format!(
            " <abbr class=\"{class}\" title=\"{}\">{}</abbr>",
            basis.explain().get(lang),
            basis.mark().get(lang)
        ))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for Mark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The largest text or file taken: a notice is a few KB, a holiday-cn year about 5 KB.
const MAX_SOURCE_BYTES: usize = 256 * 1024;

pub struct DayCell {
    /// 0 for the blanks before the 1st and after the last day.
    pub day: u32,
    /// "", "weekend", "off" (a holiday), "makeup" (a make-up workday on a weekend).
    pub class: &'static str,
    pub title: String,
}

pub struct MonthGrid {
    pub title: String,
    pub weeks: Vec<Vec<DayCell>>,
    pub workdays: u32,
}

pub struct YearLink {
    pub year: i32,
    pub provisional: bool,
    pub current: bool,
}

pub struct HolidayLine {
    pub date: String,
    pub name: String,
    pub off: bool,
}

pub struct ChangeLine {
    pub date: String,
    pub before: &'static str,
    pub after: &'static str,
    pub name: String,
}

pub struct ImportLine {
    pub at: String,
    pub who: String,
    pub year: i32,
    pub format: &'static str,
    pub title: String,
    pub changes: Vec<ChangeLine>,
}

pub struct Preview {
    pub year: i32,
    pub title: String,
    pub was_provisional: bool,
    pub months: Vec<MonthGrid>,
    pub days_off: usize,
    pub makeup: usize,
    pub changes: Vec<ChangeLine>,
    pub source: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarTemplate {
    tr: Tr,
    user: SessionUser,
    year: i32,
    provisional: bool,
    workdays: u32,
    years: Vec<YearLink>,
    weekdays: Vec<&'static str>,
    months: Vec<MonthGrid>,
    holidays: Vec<HolidayLine>,
    may_import: bool,
    text: String,
    errors: Vec<String>,
    done: Option<String>,
    preview: Option<Preview>,
    imports: Vec<ImportLine>,
}

fn weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A year's twelve months, weeks starting on Monday.
fn grid(calendar: &WorkCalendar, year: i32, lang: Lang) -> Vec<MonthGrid> {
    (1..=12)
        .filter_map(|month| {
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            let mut weeks: Vec<Vec<DayCell>> = Vec::new();
            let mut week: Vec<DayCell> = (0..first.weekday().num_days_from_monday())
                .map(|_| blank())
                .collect();
            let mut workdays = 0;
            let mut date = first;
            while date.month() == month {
                let working = calendar.is_workday(date).unwrap_or(false);
                workdays += u32::from(working);
                let name = calendar.day_name(date).unwrap_or_default().to_string();
                let class = match (working, weekend(date)) {
                    (true, true) => "makeup",
                    (true, false) => "",
                    (false, _) if !name.is_empty() => "off",
                    (false, _) => "weekend",
                };
                let title = match class {
                    "makeup" => format!("{name} {}", bi("调休上班", "make-up workday").get(lang)),
                    "off" => format!("{name} {}", bi("放假", "day off").get(lang)),
                    _ => String::new(),
                };
                week.push(DayCell {
                    day: date.day(),
                    class,
                    title: format!("{date} {title}").trim().to_string(),
                });
                if week.len() == 7 {
                    weeks.push(std::mem::take(&mut week));
                }
                let Some(next) = date.succ_opt() else { break };
                date = next;
            }
            if !week.is_empty() {
                while week.len() < 7 {
                    week.push(blank());
                }
                weeks.push(week);
            }
            let title = match lang {
                Lang::Zh => format!("{month}月"),
                Lang::En => first.format("%B").to_string(),
            };
            Some(MonthGrid {
                title,
                weeks,
                workdays,
            })
        })
        .collect()
}

fn blank() -> DayCell {
    DayCell {
        day: 0,
        class: "",
        title: String::new(),
    }
}

fn kind_label(kind: &str, lang: Lang) -> &'static str {
    match (kind, lang) {
        ("workday", Lang::Zh) => "上班",
        ("workday", Lang::En) => "workday",
        ("off", Lang::Zh) => "放假",
        ("off", Lang::En) => "day off",
        (_, Lang::Zh) => "未知",
        (_, Lang::En) => "unknown",
    }
}

fn change_lines(changes: &[store::DayChange], lang: Lang) -> Vec<ChangeLine> {
    changes
        .iter()
        .map(|c| ChangeLine {
            date: c.date.to_string(),
            before: kind_label(&c.before, lang),
            after: kind_label(&c.after, lang),
            name: c.name.clone(),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct CalendarQuery {
    #[serde(default)]
    year: String,
    /// After an import: the year imported and the days it changed.
    #[serde(default)]
    imported: String,
    #[serde(default)]
    changed: String,
    #[serde(default)]
    moved: String,
}

/// The year a page opens on: the one asked for, else the year 60 days from today (so in
/// November and December the office sees the year whose notice it awaits).
fn default_year(calendar: &WorkCalendar, today: NaiveDate) -> i32 {
    let ahead = today
        .checked_add_days(chrono::Days::new(60))
        .unwrap_or(today)
        .year();
    if calendar.years().contains(&ahead) {
        ahead
    } else {
        today.year()
    }
}

struct Shown {
    year: Option<i32>,
    text: String,
    errors: Vec<Bilingual>,
    done: Option<Bilingual>,
    preview: Option<(CalendarImport, String)>,
}

/// A notice read but not yet saved: the year as it would be, with what changes.
async fn preview_of(
    state: &AppState,
    import: CalendarImport,
    source: String,
    lang: Lang,
) -> Result<Preview, AppError> {
    let mut years = domain::calendar::builtin_years().map_err(StoreError::Calendar)?;
    years.extend(state.store.imported_calendar_years().await?);
    years.push(import.year.clone());
    let after = WorkCalendar::new(years).map_err(StoreError::Calendar)?;
    Ok(Preview {
        year: import.year.year,
        title: import.year.papers.first().cloned().unwrap_or_default(),
        was_provisional: import.was_provisional,
        months: grid(&after, import.year.year, lang),
        days_off: import.year.days.iter().filter(|d| d.off).count(),
        makeup: import.year.days.iter().filter(|d| !d.off).count(),
        changes: change_lines(&import.changes, lang),
        source,
    })
}

impl ImportLine {
    fn new(r: store::CalendarImportRecord, lang: Lang) -> ImportLine {
        ImportLine {
            at: format_time(r.imported_at),
            who: r
                .user
                .unwrap_or_else(|| bi("命令行", "command line").get(lang).to_string()),
            year: r.year,
            format: match (r.format.as_str(), lang) {
                ("notice", Lang::Zh) => "通知文本",
                ("notice", Lang::En) => "notice text",
                (_, _) => "JSON",
            },
            title: r.title,
            changes: change_lines(&r.changes, lang),
        }
    }
}

async fn show(state: &AppState, user: SessionUser, tr: Tr, shown: Shown) -> PageResult {
    let lang = tr.lang;
    let calendar = state.store.work_calendar().await?;
    let today = state.today();
    let mut errors = shown.errors;
    let year = match shown.year {
        Some(y) if calendar.years().contains(&y) => y,
        Some(y) => {
            let known = calendar.years();
            errors.push(bi(
                format!(
                    "工作日日历没有{y}年（覆盖{}—{}年）",
                    known.first().copied().unwrap_or_default(),
                    known.last().copied().unwrap_or_default()
                ),
                format!(
                    "the working-day calendar has no {y} (it covers {}–{})",
                    known.first().copied().unwrap_or_default(),
                    known.last().copied().unwrap_or_default()
                ),
            ));
            default_year(&calendar, today)
        }
        None => default_year(&calendar, today),
    };
    let official = calendar.official_years();
    let last_shown = calendar
        .first_provisional_from(today.year())
        .unwrap_or(today.year())
        .max(year)
        .max(today.year() + 1);
    let years = calendar
        .years()
        .into_iter()
        .filter(|y| official.contains(y) || *y <= last_shown)
        .map(|y| YearLink {
            year: y,
            provisional: calendar.is_provisional(y),
            current: y == year,
        })
        .collect();
    let holidays = calendar
        .year(year)
        .map(|y| {
            y.days
                .iter()
                .map(|d| HolidayLine {
                    date: d.date.to_string(),
                    name: d.name.clone(),
                    off: d.off,
                })
                .collect()
        })
        .unwrap_or_default();
    let workdays = match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) => calendar.workdays_between(a, b).unwrap_or(0),
        _ => 0,
    };
    let preview = match shown.preview {
        Some((import, source)) => Some(preview_of(state, import, source, lang).await?),
        None => None,
    };
    let imports = state
        .store
        .calendar_imports()
        .await?
        .into_iter()
        .map(|r| ImportLine::new(r, lang))
        .collect();
    let invalid = !errors.is_empty();
    render_form(
        &CalendarTemplate {
            may_import: policy::is_office(&user),
            user,
            year,
            provisional: calendar.is_provisional(year),
            workdays,
            years,
            weekdays: match lang {
                Lang::Zh => vec!["一", "二", "三", "四", "五", "六", "日"],
                Lang::En => vec!["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
            },
            months: grid(&calendar, year, lang),
            holidays,
            text: shown.text,
            errors: errors.iter().map(|m| m.get(lang).to_string()).collect(),
            done: shown.done.map(|m| m.get(lang).to_string()),
            preview,
            imports,
            tr,
        },
        invalid,
    )
}

/// `GET /calendar`
pub async fn page(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Query(q): Query<CalendarQuery>,
) -> PageResult {
    let year = q.year.trim().parse::<i32>().ok();
    let done = q.imported.trim().parse::<i32>().ok().map(|y| {
        let changed = q.changed.trim().parse::<usize>().unwrap_or(0);
        let moved = q.moved.trim().parse::<usize>().unwrap_or(0);
        bi(
            format!(
                "已导入{y}年节假日安排：{changed} 天与此前不同，{moved} 个按工作日计的问题期限已重算。"
            ),
            format!(
                "The {y} holiday arrangements are imported: {changed} days differ from before, {moved} problem deadlines in working days were dated again."
            ),
        )
    });
    show(
        &state,
        user,
        tr,
        Shown {
            year: year.or_else(|| q.imported.trim().parse().ok()),
            text: String::new(),
            errors: Vec::new(),
            done,
            preview: None,
        },
    )
    .await
}

/// The text a preview form sends: the pasted notice (`text`), or an uploaded file (`file`),
/// which wins when both are given.
async fn source_of(mut multipart: Multipart) -> Result<String, Bilingual> {
    let mut text = String::new();
    let mut file: Option<Vec<u8>> = None;
    let broke = || {
        bi(
            "上传中断或文件过大（不超过 256 KB）",
            "the upload broke off or the file is too large (at most 256 KB)",
        )
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(broke()),
        };
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|_| broke())?;
        if bytes.len() > MAX_SOURCE_BYTES {
            return Err(broke());
        }
        match name.as_str() {
            "text" => text = String::from_utf8_lossy(&bytes).into_owned(),
            "file" if !bytes.is_empty() => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    if let Some(bytes) = file {
        // UTF-8, UTF-16 with its mark, or GBK as Notepad saves it on a Chinese Windows.
        return office::read_text(&bytes);
    }
    if text.trim().is_empty() {
        return Err(bi(
            "请粘贴通知全文，或选择 JSON 文件",
            "paste the notice, or choose a JSON file",
        ));
    }
    Ok(text)
}

/// `POST /calendar/preview`: reads the text and shows the year and what it would change;
/// nothing is stored.
pub async fn preview(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    multipart: Multipart,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    let (text, outcome) = match source_of(multipart).await {
        Ok(text) => {
            let outcome = state.store.preview_calendar_import(&text).await;
            (
                text,
                outcome.map_err(|e| match e {
                    StoreError::Calendar(c) => Ok(c.message().clone()),
                    e => Err(e),
                }),
            )
        }
        Err(m) => (String::new(), Err(Ok(m))),
    };
    let shown = match outcome {
        Ok(import) => Shown {
            year: Some(import.year.year),
            text: text.clone(),
            errors: Vec::new(),
            done: None,
            preview: Some((import, text)),
        },
        Err(Ok(message)) => Shown {
            year: None,
            text,
            errors: vec![message],
            done: None,
            preview: None,
        },
        Err(Err(e)) => return Err(e.into()),
    };
    show(&state, user, tr, shown).await
}

#[derive(Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    source: String,
}

/// `POST /calendar/import`: stores the previewed year (read again from the same text).
pub async fn import(
    State(state): State<AppState>,
    PageUser { user, tr }: PageUser,
    Form(form): Form<ImportForm>,
) -> PageResult {
    if !policy::is_office(&user) {
        return Err(AppError::Forbidden.into());
    }
    if form.source.len() > MAX_SOURCE_BYTES {
        return Err(AppError::BadRequest(bi(
            "文本过长（不超过 256 KB）",
            "the text is too long (at most 256 KB)",
        ))
        .into());
    }
    match state
        .store
        .import_calendar_year(&form.source, Some(user.id))
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!(
            "/calendar?imported={}&changed={}&moved={}",
            done.year.year,
            done.changes.len(),
            done.moved_deadlines
        ))
        .into_response()),
        Err(StoreError::Calendar(c)) => {
            show(
                &state,
                user,
                tr,
                Shown {
                    year: None,
                    text: form.source,
                    errors: vec![c.message().clone()],
                    done: None,
                    preview: None,
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The pages of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(page))
        .route("/calendar/preview", post(preview))
        .route("/calendar/import", post(import))
}
