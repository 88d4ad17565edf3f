//! The demo: 福清市's 2025 项目攻坚行动 as its 发改局 would keep it half-way through the year,
//! and the same generator at any size for tests and benchmarks.
//!
//! [`ledger`] makes the ledger (regions, units, users, projects) from one seed, with no
//! database; [`seed`] writes the campaign's life on top of a stored ledger (approval plans,
//! reports and reviews, targets, problems, a meeting, the service push, a published ranking)
//! through the store's public API and bulk loads. The domain and the store know no demo.

pub mod ledger;
pub mod seed;

pub use ledger::{
    DEMO_PROJECTS, DEMO_SEED, DEMO_YEAR, DemoCampaign, campaign, demo_campaign, demo_day,
};

use domain::progress::Period;
use store::{Result, SeedOutcome, Store};

/// The landed 招商 leads the demo makes ledger projects: the ledger then holds
/// [`DEMO_PROJECTS`] + this many.
pub const DEMO_LEAD_PROJECTS: usize = 2;

/// What [`load`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub ledger: SeedOutcome,
    pub approval_plans: usize,
}

/// Writes the whole demo into an empty store (users with `password`): the ledger, 60 approval
/// plans, the campaign with its targets, reports January to June (May reviewed and its ranking
/// published, June still coming in), problems raised in the first half with the last June
/// meeting's decisions, and June's service push.
pub async fn load(store: &Store, demo: &DemoCampaign, password: &str) -> Result<Loaded> {
    let ledger = store.seed_ledger(&demo.ledger, password).await?;
    let calendar = store.work_calendar().await?;
    let approval_plans = seed::approvals(store, &calendar, demo_day(), 60).await?;
    let june = Period {
        year: demo.year,
        month: 6,
        part: None,
    };
    seed::campaign(store, demo).await?;
    seed::reports(store, june).await?;
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(demo.year, m, d);
    if let (Some(from), Some(to), Some(meeting)) = (day(1, 6), day(6, 27), day(6, 23)) {
        seed::problems(store, 140, from, to).await?;
        seed::meeting(store, meeting).await?;
    }
    seed::service(store, june).await?;
    seed::ranking(store, Period { month: 5, ..june }).await?;
    seed::pipeline(store, demo_day()).await?;
    seed::batches_and_tours(store, demo_day()).await?;
    seed::hq_and_track(store).await?;
    Ok(Loaded {
        ledger,
        approval_plans,
    })
}
