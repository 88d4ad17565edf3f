//! Published rankings (亮晒): the units' figures frozen as they were published. Publishing the
//! same period again adds a revision beside the old one; a published table never changes.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::progress::{Period, ProjectStatus, Status, UnitStatus};
use domain::{Lang, Money, bi};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyArguments;
use sqlx::{Arguments, AssertSqlSafe};

use crate::projects::{date, placeholders};
use crate::{Result, Store, StoreError, now};

/// One unit's line of a ranking, as printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankingRow {
    pub rank: usize,
    pub unit: String,
    pub projects: usize,
    /// Σ annual plan and Σ year to date of the unit's rated projects, in fen.
    pub plan_fen: i64,
    pub ytd_fen: i64,
    /// Completion rate as a fraction; `None` when no project is rated.
    pub rate: Option<f64>,
    /// `green`, `yellow`, `red`; `None` when not rated.
    pub light: Option<String>,
    /// Indicator key → value (0..1.5) in the scheme's order.
    pub indicators: Vec<(String, f64)>,
    pub score: f64,
    pub double_half: bool,
    /// 开门红; `None` before the end of March (and in rankings published before it was kept).
    #[serde(default)]
    pub strong_start: Option<bool>,
}

impl RankingRow {
    /// The ranked units of a status, with their sums.
    pub fn from_status(status: &Status) -> Vec<RankingRow> {
        Self::groups(status, &status.units, |p| p.unit.as_deref())
    }

    /// The ranked regions of a status, with their sums.
    pub fn regions_of(status: &Status) -> Vec<RankingRow> {
        Self::groups(status, &status.regions, |p| p.region.as_deref())
    }

    fn groups(
        status: &Status,
        groups: &[UnitStatus],
        key: impl Fn(&ProjectStatus) -> Option<&str>,
    ) -> Vec<RankingRow> {
        let mut sums: HashMap<&str, (i64, i64)> = HashMap::new();
        for p in &status.projects {
            if let (Some(group), Some(plan)) = (key(p), p.annual_plan)
                && plan.fen() > 0
            {
                let s = sums.entry(group).or_default();
                s.0 += plan.fen();
                s.1 += p.year_to_date.fen();
            }
        }
        groups
            .iter()
            .map(|u| {
                let (plan_fen, ytd_fen) = sums.get(u.unit.as_str()).copied().unwrap_or_default();
                RankingRow {
                    rank: u.rank,
                    unit: u.unit.clone(),
                    projects: u.projects,
                    plan_fen,
                    ytd_fen,
                    rate: u.figures.rate.map(|r| r.to_f64()),
                    light: u.figures.light.map(|l| l.code().to_string()),
                    indicators: u.indicators.clone(),
                    score: u.score,
                    double_half: u.figures.double_half,
                    strong_start: u.strong_start,
                }
            })
            .collect()
    }
}

/// A ranking as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedRanking {
    pub id: i64,
    pub period: String,
    pub as_of: NaiveDate,
    pub revision: i64,
    /// 序时进度 as a fraction.
    pub expected: f64,
    /// The scoring scheme as TOML.
    pub scheme: String,
    pub rows: Vec<RankingRow>,
    /// The regions ranked the same way.
    pub regions: Vec<RankingRow>,
    /// Why a revision was published.
    pub note: Option<String>,
    pub published_at: i64,
    pub published_by: Option<String>,
    /// The audit chain's head (seq, hash) when it was published, for its bulletin.
    pub audit_head: Option<(i64, String)>,
}

/// What a publication records.
#[derive(Debug, Clone)]
pub struct NewRanking<'a> {
    pub period: Period,
    pub as_of: NaiveDate,
    pub expected: f64,
    pub scheme: &'a str,
    pub rows: &'a [RankingRow],
    pub regions: &'a [RankingRow],
    /// Every project as judged, frozen for the drill-down with the reports it came from.
    pub projects: &'a [ProjectStatus],
    pub note: Option<&'a str>,
    pub actor: Option<i64>,
}

/// A project's line of a published ranking, as it was judged when the ranking was published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrozenProject {
    pub project_id: i64,
    pub name: String,
    pub unit: Option<String>,
    pub region: Option<String>,
    /// The plan it was judged against (in a fixed window, its target there).
    pub plan: Option<Money>,
    pub year_to_date: Money,
    /// Its own 序时进度 as a fraction; `None` before its investment period.
    pub expected: Option<f64>,
    /// `green`, `yellow`, `red`; `None` when not rated.
    pub light: Option<String>,
    /// Without a light because no lamp is due yet (未到考核期), not for want of a plan.
    pub not_due: bool,
    /// Why its lamp is not green (or why it has none), in each language, "；"-joined.
    pub why_zh: String,
    pub why_en: String,
    /// The year's counted reports its year to date came from, in order.
    pub reports: Vec<UsedReport>,
}

impl FrozenProject {
    /// Its reports as a clerk reads them: "2025-01 至 2025-05（5期），其中 2025-03 为第2版"; a
    /// revision is named only for a report corrected after it was filed.
    pub fn reports_text(&self, lang: Lang) -> String {
        let (Some(first), Some(last)) = (self.reports.first(), self.reports.last()) else {
            return String::new();
        };
        let n = self.reports.len();
        let span = match (n, lang) {
            (1, _) => first.period.clone(),
            (_, Lang::Zh) => format!("{} 至 {}（{n}期）", first.period, last.period),
            (_, Lang::En) => format!("{} to {} ({n} periods)", first.period, last.period),
        };
        let corrected: Vec<String> = self
            .reports
            .iter()
            .filter(|r| r.revision > 1)
            .map(|r| match lang {
                Lang::Zh => format!("{} 为第{}版", r.period, r.revision),
                Lang::En => format!("{} revision {}", r.period, r.revision),
            })
            .collect();
        match (corrected.is_empty(), lang) {
            (true, _) => span,
            (false, Lang::Zh) => format!("{span}，其中 {}", corrected.join("、")),
            (false, Lang::En) => format!("{span}; corrected: {}", corrected.join(", ")),
        }
    }
}

/// A report a frozen figure came from, as it stood when the ranking was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsedReport {
    /// The period's key ("2025-06").
    pub period: String,
    /// 1 as first filed; each correction of the locked report adds one.
    pub revision: i64,
    /// Every write of the report adds one (filing, review, correction): with the report's
    /// events it names exactly the figures used.
    pub version: i64,
}

/// Rows per multi-row insert of frozen projects (13 parameters each).
const FREEZE_CHUNK: usize = 1_000;

type FrozenRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    String,
);

/// Writes a ranking's projects as judged, with the counted reports of the year to `as_of`.
async fn freeze_projects(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    dialect: crate::Dialect,
    ranking_id: i64,
    as_of: NaiveDate,
    projects: &[ProjectStatus],
) -> Result<()> {
    let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
    let used: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT project_id, period, revision, version FROM reports WHERE status IN ('submitted', 'approved') \
         AND period_end >= $1 AND period_end <= $2 ORDER BY project_id, period_end, period",
    )
    .bind(year_start.to_string())
    .bind(as_of.to_string())
    .fetch_all(&mut **tx)
    .await?;
    let mut reports: HashMap<i64, String> = HashMap::new();
    for (id, period, revision, version) in used {
        let text = reports.entry(id).or_default();
        if !text.is_empty() {
            text.push(',');
        }
        text.push_str(&format!("{period}:{revision}:{version}"));
    }
    let enc = |e: sqlx::error::BoxDynError| StoreError::Db(sqlx::Error::Encode(e));
    const PER_ROW: usize = 13;
    for chunk in projects.chunks(FREEZE_CHUNK) {
        let mut args = AnyArguments::default();
        let mut values = Vec::with_capacity(chunk.len());
        for (i, p) in chunk.iter().enumerate() {
            let why: Vec<domain::Bilingual> = match (&p.judgement, &p.pending) {
                (Some(j), _) => j.why.iter().map(|r| r.text()).collect(),
                (None, Some(r)) => vec![r.text()],
                (None, None) => Vec::new(),
            };
            let join = |f: fn(&domain::Bilingual) -> &str| {
                why.iter().map(f).collect::<Vec<_>>().join("；")
            };
            args.add(ranking_id).map_err(enc)?;
            args.add(p.id).map_err(enc)?;
            args.add(p.name.to_string()).map_err(enc)?;
            args.add(p.unit.as_deref().map(str::to_string))
                .map_err(enc)?;
            args.add(p.region.as_deref().map(str::to_string))
                .map_err(enc)?;
            args.add(p.annual_plan.map(Money::fen)).map_err(enc)?;
            args.add(p.year_to_date.fen()).map_err(enc)?;
            args.add(p.expected.map(|e| e.to_f64().to_string()))
                .map_err(enc)?;
            args.add(p.judgement.as_ref().map(|j| j.light.code().to_string()))
                .map_err(enc)?;
            args.add(i64::from(p.judgement.is_none() && p.pending.is_some()))
                .map_err(enc)?;
            args.add(join(|b| b.zh.as_str())).map_err(enc)?;
            args.add(join(|b| b.en.as_str())).map_err(enc)?;
            args.add(reports.remove(&p.id).unwrap_or_default())
                .map_err(enc)?;
            values.push(format!(
                "({})",
                placeholders(dialect, i * PER_ROW + 1, PER_ROW)
            ));
        }
        let sql = format!(
            "INSERT INTO ranking_projects (ranking_id, project_id, name, unit, region, plan_fen, ytd_fen, \
             expected, light, not_due, why_zh, why_en, reports) VALUES {}",
            values.join(", ")
        );
        sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

type RankingDbRow = (
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
);

const COLUMNS: &str = "r.id, r.period, r.as_of, r.revision, r.expected, r.scheme, r.rows, r.note, \
     r.published_at, u.display_name, r.regions, r.audit_seq, r.audit_hash \
     FROM rankings r LEFT JOIN users u ON u.id = r.published_by";

fn published(r: RankingDbRow) -> Result<PublishedRanking> {
    let read = |text: &str| -> Result<Vec<RankingRow>> {
        serde_json::from_str(text).map_err(|e| {
            StoreError::Rule(bi(
                format!("已发布排名的数据无法读取：{e}"),
                format!("a published ranking does not read: {e}"),
            ))
        })
    };
    let rows = read(&r.6)?;
    let regions = read(&r.10)?;
    Ok(PublishedRanking {
        id: r.0,
        period: r.1,
        as_of: date(Some(r.2)).unwrap_or_default(),
        revision: r.3,
        expected: r.4.parse().unwrap_or(0.0),
        scheme: r.5,
        rows,
        regions,
        note: r.7,
        published_at: r.8,
        published_by: r.9,
        audit_head: r.11.zip(r.12),
    })
}

impl Store {
    /// Publishes a period's ranking: revision 1, or the next revision with a note saying why.
    /// Publishing what is already the latest revision is refused (nothing would change).
    pub async fn publish_ranking(&self, new: &NewRanking<'_>) -> Result<PublishedRanking> {
        let key = new.period.key();
        let write = |rows: &[RankingRow]| {
            serde_json::to_string(rows).map_err(|e| {
                StoreError::Rule(bi(
                    format!("排名无法保存：{e}"),
                    format!("the ranking cannot be saved: {e}"),
                ))
            })
        };
        let rows = write(new.rows)?;
        let regions = write(new.regions)?;
        let mut tx = self.begin_write().await?;
        let latest: Option<(i64, String, String, String)> = sqlx::query_as(
            "SELECT revision, rows, as_of, regions FROM rankings WHERE period = $1 ORDER BY revision DESC LIMIT 1",
        )
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
        let note = new.note.map(str::trim).filter(|n| !n.is_empty());
        let revision = match &latest {
            None => 1,
            Some((revision, old_rows, old_as_of, old_regions)) => {
                if *old_rows == rows
                    && *old_regions == regions
                    && *old_as_of == new.as_of.to_string()
                {
                    return Err(StoreError::Rule(bi(
                        format!(
                            "{}排名与已发布的第{revision}版相同，无需重新发布",
                            new.period.label_zh()
                        ),
                        format!("the {key} ranking is the same as published revision {revision}"),
                    )));
                }
                if note.is_none() {
                    return Err(StoreError::Rule(bi(
                        format!(
                            "{}排名已发布第{revision}版，发布更正版须说明原因",
                            new.period.label_zh()
                        ),
                        format!(
                            "the {key} ranking is published (revision {revision}); a revision needs a reason"
                        ),
                    )));
                }
                revision + 1
            }
        };
        // Everything recorded before this publication, as the chain stood.
        let (audit_seq, audit_hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        let (ranking_id,): (i64,) = sqlx::query_as(
            "INSERT INTO rankings (period, as_of, revision, expected, scheme, rows, note, published_at, \
             published_by, regions, audit_seq, audit_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&key)
        .bind(new.as_of.to_string())
        .bind(revision)
        .bind(new.expected.to_string())
        .bind(new.scheme)
        .bind(&rows)
        .bind(note)
        .bind(now())
        .bind(new.actor)
        .bind(&regions)
        .bind(audit_seq)
        .bind(audit_hash)
        .fetch_one(&mut *tx)
        .await?;
        freeze_projects(&mut tx, self.dialect(), ranking_id, new.as_of, new.projects).await?;
        self.commit(tx).await?;
        self.published_ranking(&new.period, Some(revision))
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A period's published ranking: the given revision, or the latest.
    pub async fn published_ranking(
        &self,
        period: &Period,
        revision: Option<i64>,
    ) -> Result<Option<PublishedRanking>> {
        let row: Option<RankingDbRow> = match revision {
            Some(n) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} WHERE r.period = $1 AND r.revision = $2"
                )))
                .bind(period.key())
                .bind(n)
                .fetch_optional(self.pool())
                .await?
            }
            None => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} WHERE r.period = $1 ORDER BY r.revision DESC LIMIT 1"
                )))
                .bind(period.key())
                .fetch_optional(self.pool())
                .await?
            }
        };
        row.map(published).transpose()
    }

    /// The projects of a published ranking as they were judged (of one unit when `unit` is
    /// given), by unit and name; empty for a ranking published before projects were frozen
    /// with it (migration 0027).
    pub async fn frozen_projects(
        &self,
        ranking_id: i64,
        unit: Option<&str>,
    ) -> Result<Vec<FrozenProject>> {
        let select = "SELECT project_id, name, unit, region, plan_fen, ytd_fen, expected, light, \
             not_due, why_zh, why_en, reports FROM ranking_projects WHERE ranking_id = $1";
        let rows: Vec<FrozenRow> = match unit {
            Some(unit) => {
                sqlx::query_as(AssertSqlSafe(format!(
                    "{select} AND unit = $2 ORDER BY name, project_id"
                )))
                .bind(ranking_id)
                .bind(unit)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query_as(AssertSqlSafe(format!(
                    "{select} ORDER BY unit, name, project_id"
                )))
                .bind(ranking_id)
                .fetch_all(self.pool())
                .await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|r| FrozenProject {
                project_id: r.0,
                name: r.1,
                unit: r.2,
                region: r.3,
                plan: r.4.map(Money::from_fen),
                year_to_date: Money::from_fen(r.5),
                expected: r.6.and_then(|e| e.parse().ok()),
                light: r.7,
                not_due: r.8 != 0,
                why_zh: r.9,
                why_en: r.10,
                reports: r
                    .11
                    .split(',')
                    .filter_map(|item| {
                        let mut parts = item.split(':');
                        Some(UsedReport {
                            period: parts.next()?.to_string(),
                            revision: parts.next()?.parse().ok()?,
                            version: parts.next()?.parse().ok()?,
                        })
                    })
                    .collect(),
            })
            .collect())
    }

    /// Every publication, latest period and revision first, without their rows.
    pub async fn ranking_publications(&self) -> Result<Vec<(String, i64, i64, Option<String>)>> {
        Ok(sqlx::query_as(
            "SELECT period, revision, published_at, note FROM rankings ORDER BY period DESC, revision DESC",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The reports a frozen figure came from, as the drill-down words them: the span, and the
    /// corrected ones with their revision.
    #[test]
    fn reports_as_a_clerk_reads_them() {
        let used = |items: &[(&str, i64)]| FrozenProject {
            project_id: 1,
            name: "龙田物流园".into(),
            unit: None,
            region: None,
            plan: None,
            year_to_date: Money::ZERO,
            expected: None,
            light: None,
            not_due: false,
            why_zh: String::new(),
            why_en: String::new(),
            reports: items
                .iter()
                .map(|(period, revision)| UsedReport {
                    period: (*period).into(),
                    revision: *revision,
                    version: revision + 1,
                })
                .collect(),
        };
        for (items, zh, en) in [
            (&[][..], "", ""),
            (&[("2025-06", 1)][..], "2025-06", "2025-06"),
            (
                &[("2025-01", 1), ("2025-02", 1), ("2025-03", 1)][..],
                "2025-01 至 2025-03（3期）",
                "2025-01 to 2025-03 (3 periods)",
            ),
            (
                &[("2025-01", 1), ("2025-02", 3), ("2025-03", 2)][..],
                "2025-01 至 2025-03（3期），其中 2025-02 为第3版、2025-03 为第2版",
                "2025-01 to 2025-03 (3 periods); corrected: 2025-02 revision 3, 2025-03 revision 2",
            ),
        ] {
            let p = used(items);
            assert_eq!(p.reports_text(Lang::Zh), zh);
            assert_eq!(p.reports_text(Lang::En), en);
        }
    }

    /// A published table read back equals the live one it froze, to the last bit of every
    /// rate, indicator and score (the demo's June table differed by one ULP before serde_json's
    /// `float_roundtrip`, and the rankings page said "数据已变化" right after publishing).
    #[test]
    fn frozen_rows_read_back_exactly() {
        let mut rows = Vec::new();
        for i in 1..2_000u32 {
            let rate = f64::from(i * 7_919 % 10_007) / f64::from(i * 13 + 17);
            rows.push(RankingRow {
                rank: i as usize,
                unit: format!("单位{i}"),
                projects: 3,
                plan_fen: 34_708_410_000,
                ytd_fen: 18_661_420_000,
                rate: Some(rate),
                light: Some("green".into()),
                indicators: vec![("investment_progress".into(), rate * 2.0 / 3.0)],
                score: 100.0 * rate / 7.0,
                double_half: true,
                strong_start: None,
            });
        }
        rows.push(RankingRow {
            rate: Some(0.5376627739501751),
            indicators: vec![("investment_progress".into(), 1.0753255479003503)],
            score: 102.2662773950175,
            ..rows[0].clone()
        });
        let text = serde_json::to_string(&rows).unwrap();
        let back: Vec<RankingRow> = serde_json::from_str(&text).unwrap();
        assert!(back == rows);
    }
}
