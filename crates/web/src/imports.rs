//! Imports of the office's workbooks — the ledger, a period's progress sheet, a problem list —
//! as one check-then-write step each, shared by the command line (`gongjian import …`) and the
//! import page: the file is read, every problem is named by sheet, row and column, and only a
//! clean file is written, all or nothing. A dry run answers the same without writing. The
//! audit log records what an import writes as source `import`, under the importing user.

use std::collections::HashMap;

use domain::Money;
use domain::plausibility::Kind;
use domain::progress::Period;
use domain::text::clean_name;
use serde::Serialize;
use store::{Actor, AuditSource, Filing, FilingOptions, ReportEntry, Store, StoreError};

/// What a ledger import found and did.
#[derive(Serialize)]
pub struct LedgerImport {
    /// Projects found in the file.
    pub projects: usize,
    pub total_investment_wan: f64,
    pub annual_plan_wan: f64,
    pub dry_run: bool,
    /// Whether the database was changed.
    pub written: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub new_units: Vec<String>,
    pub new_regions: Vec<String>,
    pub skipped_rows: Vec<office::SkippedRow>,
    pub errors: Vec<office::ImportError>,
    pub sheets: Vec<office::SheetSummary>,
}

/// Projects per part handed from the reading thread to the writer, and parts in flight: the
/// rows of one INSERT statement each, so memory is a few statements' worth whatever the file.
const LEDGER_PART: usize = 200;
const PARTS_IN_FLIGHT: usize = 4;

/// Reads a ledger workbook and, when it is clean, writes it as `actor` (or, on a dry run,
/// answers what it would write).
///
/// The workbook is read on a blocking thread and its projects are written while the rest is
/// read, all in one transaction that is committed only when the whole file read cleanly and
/// every row matched (see [`office::stream_ledger`] and [`store::LedgerWriter`]). The
/// transaction is begun with the first projects, so a file refused on its first rows never
/// takes the write lock. The file's bytes move to the reading thread (no copy of a large file).
pub async fn ledger(
    store: &Store,
    bytes: Vec<u8>,
    actor: Option<i64>,
    dry_run: bool,
) -> Result<LedgerImport, StoreError> {
    store::audit_source(AuditSource::Import);
    let (send, mut parts) = tokio::sync::mpsc::channel(PARTS_IN_FLIGHT);
    let reading = tokio::task::spawn_blocking(move || {
        office::stream_ledger(&bytes, LEDGER_PART, &mut |projects| {
            // The writer stopped (a database error it answers with): read on, write nothing.
            let _ = send.blocking_send(crate::ledger_rows(projects));
        })
    });
    let mut writer: Option<store::LedgerWriter> = None;
    while let Some(rows) = parts.recv().await {
        let w = match &mut writer {
            Some(w) => w,
            None => writer.insert(store.ledger_writer(actor, dry_run).await?),
        };
        w.rows(rows).await?;
    }
    let parsed = reading.await.unwrap_or_else(|_| unreadable());
    let mut report = LedgerImport {
        projects: parsed.tally.projects,
        total_investment_wan: parsed.tally.total_investment.wan_f64(),
        annual_plan_wan: parsed.tally.annual_plan.wan_f64(),
        dry_run,
        written: false,
        created: 0,
        updated: 0,
        unchanged: 0,
        new_units: Vec::new(),
        new_regions: Vec::new(),
        skipped_rows: parsed.skipped_rows,
        errors: parsed.errors,
        sheets: parsed.sheets,
    };

    // Only a clean file is written; a file with problems reports them alone.
    if !report.errors.is_empty() {
        if let Some(w) = writer {
            w.abandon().await?;
        }
        return Ok(report);
    }
    let Some(w) = writer else {
        return Ok(report);
    };
    let outcome = w.finish().await?;
    report.written = !outcome.rolled_back;
    report.created = outcome.created;
    report.updated = outcome.updated;
    report.unchanged = outcome.unchanged;
    report.new_units = outcome.new_units;
    report.new_regions = outcome.new_regions;
    report
        .errors
        .extend(outcome.problems.into_iter().map(import_error));
    Ok(report)
}

/// A row the store could not match, as an import error of its sheet and row.
fn import_error(p: store::RowProblem) -> office::ImportError {
    office::ImportError {
        sheet: p.sheet,
        row: Some(p.row),
        column: None,
        message_zh: p.message_zh,
        message_en: p.message_en,
    }
}

/// The reading thread did not come back (it cannot panic: the reader catches that): the file
/// is reported as unreadable, as the reader would.
fn unreadable() -> office::LedgerImport {
    office::LedgerImport {
        errors: vec![office::ImportError {
            sheet: String::new(),
            row: None,
            column: None,
            message_zh: "文件已损坏，无法解析".into(),
            message_en: "the file is damaged and cannot be parsed".into(),
        }],
        ..office::LedgerImport::default()
    }
}

/// A problem of one row of a progress sheet.
#[derive(Serialize)]
pub struct ImportProblem {
    pub sheet: String,
    pub row: Option<u32>,
    pub column: Option<String>,
    /// The project the row names, once matched to the ledger.
    pub project: Option<String>,
    /// What kind of problem: `over_total`, `cumulative_fall`, `over_plan`, `spike`, … (see
    /// `domain::plausibility::Kind`), or `cell`, `unknown_project`, `ambiguous_name`,
    /// `duplicate`, `plan_differs`.
    pub kind: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

/// What an import of a progress sheet found and did.
#[derive(Serialize)]
pub struct ReportsImport {
    pub file: String,
    pub period: String,
    /// Report rows found in the file.
    pub reports: usize,
    pub completed_wan: f64,
    pub ytd_wan: f64,
    pub dry_run: bool,
    /// Whether the database was changed.
    pub written: bool,
    /// Reports written (or that would be, on a dry run).
    pub filed: usize,
    /// Of those, corrections of approved (locked) reports, kept as revisions.
    pub revised: usize,
    /// Things to look at that do not stop the import (e.g. 年度计划 differing from the ledger).
    pub warnings: Vec<ImportProblem>,
    pub skipped_rows: Vec<office::SkippedRow>,
    pub errors: Vec<ImportProblem>,
    pub sheets: Vec<office::SheetSummary>,
}

fn problem(sheet: &str, row: u32, kind: &'static str, zh: String, en: String) -> ImportProblem {
    ImportProblem {
        sheet: sheet.into(),
        row: Some(row),
        column: None,
        project: None,
        kind,
        message_zh: zh,
        message_en: en,
    }
}

/// Reads a period's progress sheet, matches its rows to the ledger by 项目编号 or 项目名称,
/// checks every figure (异常提示) and, when nothing refuses it, files the reports as `actor`.
pub async fn reports(
    store: &Store,
    bytes: &[u8],
    file_name: &str,
    period: Period,
    actor: &Actor,
    dry_run: bool,
    today: chrono::NaiveDate,
) -> Result<ReportsImport, StoreError> {
    store::audit_source(AuditSource::Import);
    let parsed = office::read_reports(bytes);
    let mut summary = ReportsImport {
        file: file_name.to_string(),
        period: period.key(),
        reports: parsed.reports.len(),
        completed_wan: parsed
            .reports
            .iter()
            .filter_map(|r| r.completed)
            .sum::<Money>()
            .wan_f64(),
        ytd_wan: parsed
            .reports
            .iter()
            .filter_map(|r| r.year_to_date)
            .sum::<Money>()
            .wan_f64(),
        dry_run,
        written: false,
        filed: 0,
        revised: 0,
        warnings: Vec::new(),
        skipped_rows: parsed.skipped_rows,
        errors: parsed
            .errors
            .into_iter()
            .map(|e| ImportProblem {
                sheet: e.sheet,
                row: e.row,
                column: e.column,
                project: None,
                kind: "cell",
                message_zh: e.message_zh,
                message_en: e.message_en,
            })
            .collect(),
        sheets: parsed.sheets,
    };

    // Every row is matched and checked even when others are wrong: the whole file is answered
    // in one pass.
    {
        let keys = store.project_keys().await?;
        let by_code: HashMap<&str, usize> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| k.code.as_deref().map(|c| (c, i)))
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            by_name.entry(clean_name(&k.name)).or_default().push(i);
        }
        let mut entries = Vec::new();
        let mut rows_of: HashMap<i64, (String, u32)> = HashMap::new();
        // Each entry's row and project name.
        let mut places: Vec<(office::ImportedReport, String)> = Vec::new();
        for r in &parsed.reports {
            let found = match (&r.code, &r.name) {
                (Some(code), _) if by_code.contains_key(code.as_str()) => {
                    Ok(by_code[code.as_str()])
                }
                (code, Some(name)) => match by_name.get(&clean_name(name)).map(Vec::as_slice) {
                    Some([one]) => Ok(*one),
                    Some([_, _, ..]) => Err(problem(
                        &r.sheet,
                        r.row,
                        "ambiguous_name",
                        format!("项目名称“{name}”在台账中有多个，请填写项目编号"),
                        format!("several projects are named “{name}”; give the 项目编号"),
                    )),
                    _ => Err(problem(
                        &r.sheet,
                        r.row,
                        "unknown_project",
                        match code {
                            Some(c) => format!("台账中没有项目“{name}”（编号 {c}）"),
                            None => format!("台账中没有项目“{name}”"),
                        },
                        format!("no project “{name}” in the ledger"),
                    )),
                },
                (Some(code), None) => Err(problem(
                    &r.sheet,
                    r.row,
                    "unknown_project",
                    format!("台账中没有编号为“{code}”的项目"),
                    format!("no project with code “{code}” in the ledger"),
                )),
                (None, None) => continue,
            };
            let key = match found {
                Ok(i) => &keys[i],
                Err(p) => {
                    summary.errors.push(p);
                    continue;
                }
            };
            if let Some((sheet, row)) = rows_of.get(&key.id) {
                summary.errors.push(problem(
                    &r.sheet,
                    r.row,
                    "duplicate",
                    format!("“{}”与{sheet}第{row}行重复", key.name),
                    format!("“{}” repeats {sheet} row {row}", key.name),
                ));
                continue;
            }
            rows_of.insert(key.id, (r.sheet.clone(), r.row));
            if let Some(plan) = r.annual_plan
                && key.annual_plan != Some(plan)
            {
                let ledger = key.annual_plan.map_or_else(
                    || "未填".to_string(),
                    |m| format!("{} 万元", m.wan_display()),
                );
                summary.warnings.push(ImportProblem {
                    project: Some(key.name.clone()),
                    ..problem(
                    &r.sheet,
                    r.row,
                    "plan_differs",
                    format!(
                        "“{}”年度计划投资 {} 万元与台账（{ledger}）不一致，以台账为准",
                        key.name,
                        plan.wan_display()
                    ),
                    format!(
                        "“{}”: annual plan {} differs from the ledger's ({ledger}); the ledger's counts",
                        key.name,
                        plan.wan_display()
                    ),
                )});
            }
            places.push((r.clone(), key.name.clone()));
            entries.push(ReportEntry {
                project_id: key.id,
                completed: r.completed,
                year_to_date: r.year_to_date,
                started: r.started,
                halted: r.halted,
                actual_start: r.actual_start,
                stage: None,
                progress: r.progress.clone(),
                problems: None,
                version: None,
                reason: Some(format!("导入 {file_name}")),
            });
        }
        // 异常提示 of every matched row: errors refuse the file, warnings are listed.
        let checks = store.check_reports(period, &entries, actor, today).await?;
        for check in checks {
            let Some((r, name)) = places.get(check.index) else {
                continue;
            };
            for f in check.flags {
                // The cell a figure came from: the period's column for a negative amount, the
                // year to date's for the rest (else whichever the sheet has).
                let column = match f.kind {
                    Kind::Negative | Kind::Spike | Kind::Repeated => {
                        r.completed_column.clone().or(r.ytd_column.clone())
                    }
                    _ => r.ytd_column.clone().or(r.completed_column.clone()),
                };
                let p = ImportProblem {
                    project: Some(name.clone()),
                    column,
                    ..problem(
                        &r.sheet,
                        r.row,
                        f.kind.code(),
                        format!("“{name}”：{}", f.message.zh),
                        format!("“{name}”: {}", f.message.en),
                    )
                };
                if f.kind.is_error() {
                    summary.errors.push(p);
                } else {
                    summary.warnings.push(p);
                }
            }
        }
        // In the workbook's order: sheet by sheet, row by row.
        let sheet_order = |name: &str| summary.sheets.iter().position(|s| s.sheet == name);
        let mut errors = std::mem::take(&mut summary.errors);
        errors.sort_by_key(|p| (sheet_order(&p.sheet), p.row));
        summary.errors = errors;
        let mut warnings = std::mem::take(&mut summary.warnings);
        warnings.sort_by_key(|p| (sheet_order(&p.sheet), p.row));
        summary.warnings = warnings;
        if summary.errors.is_empty() {
            let options = FilingOptions {
                filing: Filing::Submit,
                source: "import",
                check_versions: false,
                dry_run,
                today,
            };
            match store.file_reports(period, &entries, actor, options).await {
                Ok(filed) => {
                    summary.filed = filed.len();
                    summary.revised = filed.iter().filter(|f| f.revised).count();
                    summary.written = !dry_run;
                    if let Some(end) = period.last_day().filter(|_| !dry_run) {
                        // The figures ready for the first status after the import.
                        store.prepare_status(end).await?;
                    }
                }
                Err(StoreError::Invalid(messages)) => {
                    summary
                        .errors
                        .extend(messages.into_iter().map(|m| ImportProblem {
                            sheet: String::new(),
                            row: None,
                            column: None,
                            project: None,
                            kind: "refused",
                            message_zh: m.zh,
                            message_en: m.en,
                        }));
                }
                Err(e) => return Err(e),
            }
        }
    }

    Ok(summary)
}

/// What an import of a problem list found and did.
#[derive(serde::Serialize)]
pub struct ProblemsImport {
    pub file: String,
    /// Problem rows found in the file.
    pub problems: usize,
    pub dry_run: bool,
    /// Whether the database was changed.
    pub written: bool,
    /// Problems written (or that would be, on a dry run).
    pub created: usize,
    /// Units the list names that the database did not know: created with the problems.
    pub new_units: Vec<String>,
    pub skipped_rows: Vec<office::SkippedRow>,
    pub errors: Vec<office::ImportError>,
    pub sheets: Vec<office::SheetSummary>,
}

/// Reads a problem list (问题清单), matches it to the ledger and, when it is clean, writes the
/// problems as `actor`, all or nothing.
pub async fn problems(
    store: &Store,
    bytes: &[u8],
    file_name: &str,
    actor: Option<i64>,
    dry_run: bool,
    today: chrono::NaiveDate,
) -> Result<ProblemsImport, StoreError> {
    store::audit_source(AuditSource::Import);
    let parsed = office::read_problems(bytes);
    let mut summary = ProblemsImport {
        file: file_name.to_string(),
        problems: parsed.problems.len(),
        dry_run,
        written: false,
        created: 0,
        new_units: Vec::new(),
        skipped_rows: parsed.skipped_rows,
        errors: parsed.errors,
        sheets: parsed.sheets,
    };
    if summary.errors.is_empty() {
        let rows: Vec<store::ProblemListRow> = parsed
            .problems
            .into_iter()
            .map(|p| store::ProblemListRow {
                sheet: p.sheet,
                row: p.row,
                project_code: p.project_code,
                project_name: p.project_name,
                title: p.title,
                description: p.description,
                category: p.category,
                unit_name: p.unit_name,
                co_unit_names: p.co_unit_names,
                raised_on: p.raised_on.unwrap_or(today),
                deadline: p.deadline,
                status: p.status,
            })
            .collect();
        let outcome = store.import_problems(&rows, actor, dry_run).await?;
        summary.created = outcome.created;
        summary.new_units = outcome.new_units;
        summary.written = !outcome.rolled_back;
        summary
            .errors
            .extend(outcome.problems.into_iter().map(import_error));
    }
    Ok(summary)
}

/// What an import of a lead sheet (招商项目库) or a parcel list (征迁交地) found and did.
#[derive(serde::Serialize)]
pub struct ListImport {
    pub file: String,
    /// Rows found in the file.
    pub rows: usize,
    pub dry_run: bool,
    /// Whether the database was changed.
    pub written: bool,
    /// Added, updated and unchanged (or that would be, on a dry run).
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Units the list names that the database did not know: created with the rows.
    pub new_units: Vec<String>,
    pub skipped_rows: Vec<office::SkippedRow>,
    pub errors: Vec<office::ImportError>,
    pub sheets: Vec<office::SheetSummary>,
}

/// Reads a lead sheet and, when it is clean, writes it as `actor`, all or nothing: leads named
/// as one already in the 库 are updated.
pub async fn leads(
    store: &Store,
    bytes: &[u8],
    file_name: &str,
    actor: Option<i64>,
    dry_run: bool,
    today: chrono::NaiveDate,
) -> Result<ListImport, StoreError> {
    store::audit_source(AuditSource::Import);
    let parsed = office::read_leads(bytes);
    let mut summary = ListImport {
        file: file_name.to_string(),
        rows: parsed.leads.len(),
        dry_run,
        written: false,
        created: 0,
        updated: 0,
        unchanged: 0,
        new_units: Vec::new(),
        skipped_rows: parsed.skipped_rows,
        errors: parsed.errors,
        sheets: parsed.sheets,
    };
    if summary.errors.is_empty() {
        let rows: Vec<store::LeadListRow> = parsed
            .leads
            .into_iter()
            .map(|l| store::LeadListRow {
                sheet: l.sheet,
                row: l.row,
                unit_name: l.unit_name,
                fields: store::LeadFields {
                    name: l.name,
                    investor: l.investor,
                    industry: l.industry,
                    chain: l.chain,
                    planned_investment: l.planned_investment,
                    source: l.source,
                    unit_id: None,
                    team: l.team,
                    stage: l.stage,
                    dates: domain::leads::LeadDates(l.dates),
                    contract_value: l.contract_value,
                    expected_output: l.expected_output,
                    expected_tax: l.expected_tax,
                    note: l.note,
                },
            })
            .collect();
        let outcome = store.import_leads(&rows, actor, dry_run, today).await?;
        summary.created = outcome.created;
        summary.updated = outcome.updated;
        summary.unchanged = outcome.unchanged;
        summary.new_units = outcome.new_units;
        summary.written = !outcome.rolled_back;
        summary
            .errors
            .extend(outcome.problems.into_iter().map(import_error));
    }
    Ok(summary)
}

/// Reads a parcel list and, when it is clean, writes it as `actor`, all or nothing: a parcel of
/// the same project and name is updated.
pub async fn parcels(
    store: &Store,
    bytes: &[u8],
    file_name: &str,
    actor: Option<i64>,
    dry_run: bool,
) -> Result<ListImport, StoreError> {
    store::audit_source(AuditSource::Import);
    let parsed = office::read_parcels(bytes);
    let mut summary = ListImport {
        file: file_name.to_string(),
        rows: parsed.parcels.len(),
        dry_run,
        written: false,
        created: 0,
        updated: 0,
        unchanged: 0,
        new_units: Vec::new(),
        skipped_rows: parsed.skipped_rows,
        errors: parsed.errors,
        sheets: parsed.sheets,
    };
    if summary.errors.is_empty() {
        let rows: Vec<store::ParcelListRow> = parsed
            .parcels
            .into_iter()
            .map(|p| store::ParcelListRow {
                sheet: p.sheet,
                row: p.row,
                project_code: p.project_code,
                project_name: p.project_name,
                town_name: p.town_name,
                fields: store::ParcelFields {
                    name: p.name,
                    project_id: None,
                    town_unit_id: None,
                    area_milli_mu: p.area_milli_mu,
                    households_total: p.households_total,
                    households_signed: p.households_signed,
                    households_demolished: p.households_demolished,
                    graves_total: p.graves_total,
                    graves_moved: p.graves_moved,
                    planned_delivery: p.planned_delivery,
                    actual_delivery: p.actual_delivery,
                    note: p.note,
                },
            })
            .collect();
        let outcome = store.import_parcels(&rows, actor, dry_run).await?;
        summary.created = outcome.created;
        summary.updated = outcome.updated;
        summary.unchanged = outcome.unchanged;
        summary.new_units = outcome.new_units;
        summary.written = !outcome.rolled_back;
        summary
            .errors
            .extend(outcome.problems.into_iter().map(import_error));
    }
    Ok(summary)
}
