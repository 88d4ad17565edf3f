//! The campaign's rhythm leaves the system (issue 18): which reminders a day brings
//! (`gather`), to whom on which channel (`route`), recorded once (`store::Outgoing`), and sent
//! (`send`) by the scheduler of `serve` or by `gongjian notify`.
//!
//! A day run twice sends nothing new: every message has a key of what makes it the same one,
//! and the store records each key once. Sending claims a message first, so two instances never
//! send the same one; a failure is tried again later with backoff, and given up after
//! [`MAX_ATTEMPTS`].

pub mod config;
pub mod gather;
pub mod route;
pub mod send;

use std::time::Duration;

use chrono::NaiveDate;
use domain::progress::Period;
use domain::remind::Nudge;
use serde::Serialize;
use store::{Outgoing, Store};

pub use config::{Channels, NotifyConfig, Rhythm};
pub use gather::{Audience, Reminder, gather};
pub use send::{Outcome, Sender};

/// Tries of a message before it is given up.
pub const MAX_ATTEMPTS: i64 = 5;

/// Seconds before the next try, after the n-th failed one.
pub fn backoff(attempts: i64) -> i64 {
    match attempts {
        ..=1 => 60,
        2 => 5 * 60,
        3 => 30 * 60,
        _ => 2 * 3600,
    }
}

/// A message of a run, as `gongjian notify --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageLine {
    pub channel: String,
    pub to: String,
    pub kind: String,
    pub subject: String,
    /// `sent`, `pending` (waiting for a retry or the robot's next minute), `failed`, or
    /// `would_send` on a dry run.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The unit it concerns.
    #[serde(skip)]
    pub unit_id: Option<i64>,
}

/// What a day's run made: the new messages only.
#[derive(Debug, Clone, Serialize)]
pub struct DayRun {
    pub as_of: NaiveDate,
    pub messages: Vec<MessageLine>,
    /// What could not be worked out or configured, said and left out.
    pub warnings: Vec<domain::Bilingual>,
}

/// Records the reminders of `day` (only the new ones) and, unless `dry_run`, sends what waits.
/// `wait`: keep sending while robots' minutes are full, as a command run by hand does.
pub async fn run_day(
    store: &Store,
    sender: &Sender,
    rhythm: &Rhythm,
    day: NaiveDate,
    dry_run: bool,
    wait: bool,
    holder: &str,
) -> store::Result<DayRun> {
    let gathered = gather(store, day, rhythm).await?;
    let channels = sender.channels();
    let contacts = store.contacts().await?;
    let messages = route::route(&gathered.reminders, day, &contacts, &channels);
    let mut warnings = gathered.warnings;
    warnings.extend(channels.warnings.iter().cloned());
    let lines = record_and_send(store, sender, messages, dry_run, wait, holder).await?;
    Ok(DayRun {
        as_of: day,
        messages: lines,
        warnings,
    })
}

/// Records messages and sends them; returns the new ones as they now stand.
async fn record_and_send(
    store: &Store,
    sender: &Sender,
    messages: Vec<Outgoing>,
    dry_run: bool,
    wait: bool,
    holder: &str,
) -> store::Result<Vec<MessageLine>> {
    let fresh: Vec<Outgoing> = if dry_run {
        let keys: Vec<String> = messages.iter().map(|m| m.dedup.clone()).collect();
        let known = store.recorded_notifications(&keys).await?;
        messages
            .into_iter()
            .zip(known)
            .filter(|(_, k)| !k)
            .map(|(m, _)| m)
            .collect()
    } else {
        let new = store.record_notifications(&messages).await?;
        messages
            .into_iter()
            .zip(new)
            .filter(|(_, n)| *n)
            .map(|(m, _)| m)
            .collect()
    };
    if !dry_run {
        deliver(store, sender, holder, wait).await?;
    }
    let keys: Vec<String> = fresh.iter().map(|m| m.dedup.clone()).collect();
    let states = if dry_run {
        Default::default()
    } else {
        store.notification_states(&keys).await?
    };
    Ok(fresh
        .into_iter()
        .map(|m| {
            let (state, error) = states
                .get(&m.dedup)
                .cloned()
                .unwrap_or_else(|| ("would_send".into(), None));
            MessageLine {
                to: m.target,
                unit_id: m.unit_id,
                channel: m.channel,
                kind: m.kind,
                subject: m.subject,
                state,
                error,
            }
        })
        .collect())
}

/// Sends every message due now; with `wait`, also those a robot's full minute holds back (a
/// minute at most each time). How many went out.
pub async fn deliver(
    store: &Store,
    sender: &Sender,
    holder: &str,
    wait: bool,
) -> store::Result<usize> {
    let mut sent = 0;
    // The latest a robot's full minute put a message off to, in this call.
    let mut put_off: Option<i64> = None;
    loop {
        let claimed = store.claim_notifications(holder, 50).await?;
        if claimed.is_empty() {
            // Only what a robot's minute held back is waited for; retries after a failure
            // are the scheduler's.
            match put_off.take() {
                Some(at) if wait => {
                    let secs = (at - chrono::Utc::now().timestamp()).clamp(1, 60);
                    tokio::time::sleep(Duration::from_secs(secs as u64)).await;
                    continue;
                }
                _ => break,
            }
        }
        for m in claimed {
            match sender.send(&m).await {
                Outcome::Sent => {
                    store.notification_sent(m.id, holder).await?;
                    sent += 1;
                }
                Outcome::Later(secs) => {
                    let at = chrono::Utc::now().timestamp() + secs as i64;
                    store.notification_later(m.id, holder, at).await?;
                    put_off = put_off.max(Some(at));
                }
                Outcome::Failed(error) => {
                    tracing::warn!(id = m.id, channel = %m.channel, %error, "a message was not sent");
                    let retry = (m.attempts < MAX_ATTEMPTS)
                        .then(|| chrono::Utc::now().timestamp() + backoff(m.attempts));
                    store
                        .notification_failed(m.id, holder, &error, retry)
                        .await?;
                }
            }
        }
    }
    Ok(sent)
}

/// The lead office's one-tap 催报 from the review page: every unit still missing reports of
/// `period` is reminded now, once a day. Returns the new messages (none when the units were
/// reminded this way today already).
pub async fn chase_reports(
    store: &Store,
    sender: &Sender,
    period: &Period,
    day: NaiveDate,
    holder: &str,
) -> store::Result<Vec<MessageLine>> {
    let Some(deadline) = period.deadline() else {
        return Ok(vec![]);
    };
    let calendar = store.work_calendar().await?;
    let n = domain::remind::nudge(&calendar, deadline, day, &[1, 2, 3, 4, 5], true)
        .ok()
        .flatten()
        .unwrap_or(if day > deadline {
            Nudge::Overdue(0)
        } else {
            Nudge::Due
        });
    let mut reminders = vec![];
    for u in store.period_overview(period).await? {
        let missing = u.missing();
        if missing == 0 {
            continue;
        }
        let mut r = gather::report_reminder(period, deadline, n, u.unit_id, &u.unit, missing);
        r.kind = "report_chase";
        r.object = format!("chase:{}", period.key());
        r.daily = true;
        r.subject.zh = format!("【催报】{}", r.subject.zh);
        r.subject.en = format!("Reminder from the lead office: {}", r.subject.en);
        reminders.push(r);
    }
    let contacts = store.contacts().await?;
    let messages = route::route(&reminders, day, &contacts, &sender.channels());
    record_and_send(store, sender, messages, false, false, holder).await
}

/// The configuration and the sender of a running server, shared by the scheduler and the pages.
pub struct Notifier {
    pub config: NotifyConfig,
    pub sender: Sender,
}

/// Leaves the channels (and their secrets) out.
impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier")
            .field("enabled", &self.config.enabled)
            .field("remind_at", &self.config.remind_at)
            .finish_non_exhaustive()
    }
}

impl Notifier {
    /// No channel in force until [`Notifier::refresh`] reads them.
    pub fn new(config: NotifyConfig, link_base: Option<String>) -> Notifier {
        Notifier {
            config,
            sender: Sender::new(Channels::default(), link_base),
        }
    }

    /// Reads the channels again: the configuration file's and the administration pages'.
    pub async fn refresh(&self, store: &Store) -> store::Result<()> {
        self.sender
            .set_channels(Channels::load(store, &self.config).await?);
        Ok(())
    }
}

/// Runs inside `serve`: the day's reminders once a day at the configured time (once across
/// instances, by a lease), and sending every minute. `today` gives China's date and minute.
pub async fn schedule(
    store: Store,
    notifier: std::sync::Arc<Notifier>,
    holder: String,
    clock: impl Fn() -> (NaiveDate, u32) + Send + 'static,
) {
    let at = config::minutes_of(&notifier.config.remind_at).unwrap_or(8 * 60 + 30);
    let rhythm = notifier.config.rhythm().unwrap_or_default();
    let sender = &notifier.sender;
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        // Channels added or removed in the administration pages take effect within a minute.
        if let Err(e) = notifier.refresh(&store).await {
            tracing::warn!(%e, "the channels could not be read");
        }
        let (day, minute) = clock();
        if minute >= at
            && let Err(e) = remind_once(&store, sender, &rhythm, day, &holder).await
        {
            tracing::warn!(%e, "the day's reminders did not run");
        }
        if let Err(e) = deliver(&store, sender, &holder, false).await {
            tracing::warn!(%e, "sending messages failed");
        }
    }
}

/// The day's reminders, unless this or another instance has made them.
pub async fn remind_once(
    store: &Store,
    sender: &Sender,
    rhythm: &Rhythm,
    day: NaiveDate,
    holder: &str,
) -> store::Result<Option<DayRun>> {
    let slot = day.to_string();
    if !store.take_lease("remind", &slot, holder, 600).await? {
        return Ok(None);
    }
    let run = run_day(store, sender, rhythm, day, false, false, holder).await?;
    store.finish_lease("remind", &slot, holder).await?;
    tracing::info!(day = %day, messages = run.messages.len(), "the day's reminders were made");
    Ok(Some(run))
}
