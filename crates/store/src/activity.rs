//! What the office's documents read besides the status (issue 18): each project's industry,
//! stage and actual start and completion, for the analysis's breakdowns and its 开工/竣工; the
//! problems raised and solved in a span of days, for the analysis and the weekly bulletin.

use chrono::{Days, NaiveDate};

use crate::{Result, Store};

/// A project as the analysis groups it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFacet {
    pub id: i64,
    pub name: String,
    pub industry: Option<String>,
    pub stage: Option<domain::Stage>,
    pub actual_start: Option<NaiveDate>,
    pub actual_completion: Option<NaiveDate>,
}

/// A problem raised, or solved (resolved or closed off), in a span of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanProblem {
    pub id: i64,
    pub project: String,
    pub title: String,
    pub unit: Option<String>,
    /// `resolved` or `closed` for a solved one; the status now for a raised one.
    pub status: String,
}

/// Problems of a span.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProblemSpan {
    pub raised: Vec<SpanProblem>,
    /// Reached 已解决 or 已销号 in the span (by the steps' times, China's days).
    pub solved: Vec<SpanProblem>,
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
}

type FacetRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// Every project's industry, stage and actual start and completion.
    pub async fn project_facets(&self) -> Result<Vec<ProjectFacet>> {
        let rows: Vec<FacetRow> = sqlx::query_as(
            "SELECT id, name, industry, stage, actual_start, actual_completion FROM projects \
             ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, industry, stage, start, completion)| ProjectFacet {
                    id,
                    name,
                    industry: industry.filter(|i| !i.trim().is_empty()),
                    stage: stage.as_deref().and_then(domain::Stage::parse),
                    actual_start: date(start),
                    actual_completion: date(completion),
                },
            )
            .collect())
    }

    /// Problems raised from `from` to `to` (both included), and those solved in those days.
    pub async fn problem_span(&self, from: NaiveDate, to: NaiveDate) -> Result<ProblemSpan> {
        type Row = (i64, String, String, Option<String>, String);
        let raised: Vec<Row> = sqlx::query_as(
            "SELECT q.id, p.name, q.title, u.name, q.status FROM problems q \
             JOIN projects p ON p.id = q.project_id LEFT JOIN units u ON u.id = q.unit_id \
             WHERE q.raised_on >= $1 AND q.raised_on <= $2 ORDER BY q.raised_on, q.id",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.pool())
        .await?;
        let solved: Vec<Row> = sqlx::query_as(
            "SELECT q.id, p.name, q.title, u.name, MAX(e.to_status) FROM problem_events e \
             JOIN problems q ON q.id = e.problem_id JOIN projects p ON p.id = q.project_id \
             LEFT JOIN units u ON u.id = q.unit_id \
             WHERE e.to_status IN ('resolved', 'closed') AND e.at >= $1 AND e.at < $2 \
             GROUP BY q.id, p.name, q.title, u.name ORDER BY q.id",
        )
        .bind(domain::dates::china_day_start(from))
        .bind(domain::dates::china_day_start(to + Days::new(1)))
        .fetch_all(self.pool())
        .await?;
        let line = |(id, project, title, unit, status): Row| SpanProblem {
            id,
            project,
            title,
            unit,
            status,
        };
        Ok(ProblemSpan {
            raised: raised.into_iter().map(line).collect(),
            solved: solved.into_iter().map(line).collect(),
        })
    }
}
