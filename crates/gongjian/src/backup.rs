//! `gongjian backup`, `gongjian restore` and `gongjian audit`, and the scheduled backup that
//! `serve` runs when `backup_dir` is set.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use store::{AuditFilter, Store};

use crate::config::Config;

/// Writes the backup beside `out` first and renames it into place, so `out` is never half a
/// backup.
async fn write_backup(store: &Store, out: &Path) -> Result<store::BackupSummary> {
    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = std::fs::File::create(&partial).with_context(|| {
        format!(
            "无法创建 {} / cannot create {}",
            partial.display(),
            partial.display()
        )
    })?;
    let written = store.backup(std::io::BufWriter::new(file)).await;
    let summary = match written {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    std::fs::rename(&partial, out).with_context(|| {
        format!(
            "无法写入 {} / cannot write {}",
            out.display(),
            out.display()
        )
    })?;
    Ok(summary)
}

pub async fn backup(config: &Config, out: &Path, json: bool) -> Result<ExitCode> {
    let store = crate::open(config).await?;
    let summary = write_backup(&store, out).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: u64 = summary.tables.values().sum();
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or_default();
    say!(
        "已备份 {} 张表、{rows} 行到 {}（{:.1} MB）/ backed up {} tables, {rows} rows to {} ({:.1} MB)",
        summary.tables.len(),
        out.display(),
        size as f64 / 1e6,
        summary.tables.len(),
        out.display(),
        size as f64 / 1e6
    );
    say!(
        "审计链头 / audit chain head: {} {}",
        summary.audit_seq,
        summary.audit_hash
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(config: &Config, file: &Path, json: bool) -> Result<ExitCode> {
    let input = std::fs::File::open(file).with_context(|| {
        format!(
            "无法打开 {} / cannot open {}",
            file.display(),
            file.display()
        )
    })?;
    let store = crate::open(config).await?;
    let summary = store.restore(input).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: u64 = summary.tables.values().sum();
    say!(
        "已恢复 {} 张表、{rows} 行（备份来自 {}）/ restored {} tables, {rows} rows (backed up from {})",
        summary.tables.len(),
        summary.from,
        summary.tables.len(),
        summary.from
    );
    Ok(ExitCode::SUCCESS)
}

/// `--expect SEQ:HASH`: a head printed earlier (in a bulletin) that must still be in the chain.
pub async fn verify(config: &Config, expect: Option<&str>, json: bool) -> Result<ExitCode> {
    let store = crate::open(config).await?;
    let check = store.audit_verify().await?;
    let expected = match expect {
        None => None,
        Some(text) => {
            let Some((seq, hash)) = text.trim().split_once(':') else {
                bail!("--expect 应写作 序号:哈希 / --expect takes SEQ:HASH");
            };
            let seq: i64 = seq.trim().parse().map_err(|_| {
                anyhow::anyhow!("--expect 的序号不是数字 / --expect: SEQ is not a number")
            })?;
            let found = store.audit_hash_at(seq).await?;
            Some((seq, found.as_deref() == Some(hash.trim())))
        }
    };
    let ok = check.ok() && expected.is_none_or(|(_, found)| found);
    if json {
        let value = serde_json::json!({
            "ok": ok,
            "entries": check.entries,
            "head_seq": check.head_seq,
            "head_hash": check.head_hash,
            "broken": check.broken,
            "unsealed": check.unsealed,
            "expected_found": expected.map(|(_, found)| found),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        match &check.broken {
            None => say!(
                "审计链完整：{} 条，链头 {} {} / the audit chain holds: {} entries, head {} {}",
                check.entries,
                check.head_seq,
                check.head_hash,
                check.entries,
                check.head_seq,
                check.head_hash
            ),
            Some(b) => say!(
                "审计链在第 {} 条（编号 {}）处不符：{} / the audit chain breaks at entry {} (id {}): {}",
                b.seq,
                b.id,
                b.zh,
                b.seq,
                b.id,
                b.en
            ),
        }
        if check.unsealed > 0 {
            say!(
                "另有 {} 条在应用之外直接改动数据库的记录尚未封存 / {} entries of changes made in the database directly are not sealed yet",
                check.unsealed,
                check.unsealed
            );
        }
        match expected {
            Some((seq, true)) => {
                say!("第 {seq} 条的哈希与所给一致 / entry {seq} has the given hash")
            }
            Some((seq, false)) => say!(
                "第 {seq} 条的哈希与所给不一致（此前公布的链头已被改写）/ entry {seq} does not have the given hash (the chain published earlier was rewritten)"
            ),
            None => {}
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub async fn list(config: &Config, filter: AuditFilter, json: bool) -> Result<ExitCode> {
    let store = crate::open(config).await?;
    let entries = store.audit_entries(&filter).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(ExitCode::SUCCESS);
    }
    for e in &entries {
        let at = chrono::DateTime::from_timestamp(e.at, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        say!(
            "{}\t{at}\t{}\t{}\t{}:{}\t{}\t{} → {}",
            e.seq.map_or("-".to_string(), |s| s.to_string()),
            e.actor.as_deref().unwrap_or("—"),
            store::source_label(&e.source).0,
            e.object,
            e.object_id.as_deref().unwrap_or(""),
            e.action,
            e.old.as_deref().unwrap_or("—"),
            e.new.as_deref().unwrap_or("—")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Every `every`, a backup into `dir` named by its time; only the newest `keep` stay. The first
/// a minute after start, so a misconfigured folder shows at once in the log.
pub fn schedule(store: Store, dir: PathBuf, every: Duration, keep: usize) {
    let planned = planned_after(FIRST_BACKUP_AFTER);
    run_schedule(store, dir, (FIRST_BACKUP_AFTER, every), keep, None, planned);
}

/// The wall-clock time `after` from now, in milliseconds: a first turn's planned time.
fn planned_after(after: Duration) -> i64 {
    chrono::Utc::now().timestamp_millis() + i64::try_from(after.as_millis()).unwrap_or(0)
}

/// What one turn of the schedule did (read by the tests, through `done`).
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
enum Turn {
    /// The backup, and the period it is the one of.
    Written(PathBuf, String),
    /// Another instance backing up into the same folder took this period.
    Skipped(String),
    Failed(String),
}

/// The schedule's loop: the first backup `first` after start (planned for `planned_ms` on the
/// wall clock), then one `every`; each outcome is also sent to `done` when given (the tests
/// follow the loop through it).
///
/// Instances sharing the database and the folder write one backup per period between them:
/// each turn takes the lease of its period (its planned time on the wall clock divided by
/// `every`; planned times are exactly `every` apart, so one instance's turns never share a
/// period however late they run) for the job `backup:` + the folder.
fn run_schedule(
    store: Store,
    dir: PathBuf,
    (first, every): (Duration, Duration),
    keep: usize,
    done: Option<tokio::sync::mpsc::UnboundedSender<Turn>>,
    mut planned_ms: i64,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let job = format!("backup:{}", dir.display());
        let holder = format!("serve:{}", std::process::id());
        let every_ms = i64::try_from(every.as_millis()).unwrap_or(i64::MAX).max(1);
        let mut next = tokio::time::Instant::now() + first;
        loop {
            tokio::time::sleep_until(next).await;
            next += every;
            let slot = (planned_ms / every_ms).to_string();
            planned_ms += every_ms;
            let lease = (every_ms / 1000).max(1);
            let turn = match store.take_lease(&job, &slot, &holder, lease).await {
                Ok(false) => Turn::Skipped(slot),
                Ok(true) => match scheduled(&store, &dir, keep).await {
                    Ok(path) => {
                        tracing::info!("backup written: {}", path.display());
                        let _ = store.finish_lease(&job, &slot, &holder).await;
                        Turn::Written(path, slot)
                    }
                    Err(e) => {
                        tracing::error!("scheduled backup failed / 定时备份失败: {e:#}");
                        Turn::Failed(format!("{e:#}"))
                    }
                },
                Err(e) => {
                    tracing::error!("scheduled backup failed / 定时备份失败: {e:#}");
                    Turn::Failed(format!("{e:#}"))
                }
            };
            if let Some(done) = &done {
                let _ = done.send(turn);
            }
        }
    })
}

/// How long after start the first scheduled backup is written.
const FIRST_BACKUP_AFTER: Duration = Duration::from_secs(60);

async fn scheduled(store: &Store, dir: &Path, keep: usize) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "无法创建 {} / cannot create {}",
            dir.display(),
            dir.display()
        )
    })?;
    let name = format!(
        "gongjian-{}.jsonl.gz",
        chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f")
    );
    let path = dir.join(name);
    let _ = write_backup(store, &path).await?;
    prune(dir, keep)?;
    Ok(path)
}

/// Deletes all but the newest `keep` scheduled backups in `dir` (their names sort by time).
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("gongjian-") && n.ends_with(".jsonl.gz"))
        })
        .collect();
    found.sort();
    let surplus = found.len().saturating_sub(keep.max(1));
    let removed: Vec<PathBuf> = found.into_iter().take(surplus).collect();
    for path in &removed {
        std::fs::remove_file(path).with_context(|| {
            format!(
                "无法删除 {} / cannot delete {}",
                path.display(),
                path.display()
            )
        })?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// What the schedule does each time: a backup named by its time in the folder (created when
    /// missing), the oldest beyond `keep` deleted; each one restores.
    #[tokio::test]
    async fn a_scheduled_backup_writes_a_named_file_and_keeps_n() {
        let db = store::testing::TestDb::new(store::Dialect::Sqlite).await;
        let store = db.store().await;
        store.create_region("福清市", None, None).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("backups");
        for old in [
            "gongjian-20200101-000000.jsonl.gz",
            "gongjian-20200102-000000.jsonl.gz",
        ] {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(old), b"old").unwrap();
        }
        let written = scheduled(&store, &folder, 2).await.unwrap();
        let name = written.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("gongjian-20") && name.ends_with(".jsonl.gz"),
            "{name}"
        );
        let mut left: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["gongjian-20200102-000000.jsonl.gz".to_string(), name]
        );
        let target = store::testing::TestDb::new(store::Dialect::Sqlite).await;
        let restored = target.store().await;
        let summary = restored
            .restore(std::fs::File::open(&written).unwrap())
            .await
            .unwrap();
        assert_eq!(summary.tables["regions"], 1);
    }

    /// The schedule itself, on short intervals: a backup each time, never more than `keep`
    /// kept, none before its time; a folder that cannot be made is reported each time and the
    /// schedule goes on.
    #[tokio::test]
    async fn the_schedule_writes_each_time_and_keeps_n() {
        let db = store::testing::TestDb::new(store::Dialect::Sqlite).await;
        let store = db.store().await;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("backups");
        let kept = || {
            std::fs::read_dir(&folder)
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .ends_with(".jsonl.gz")
                })
                .count()
        };
        let (first, every) = (Duration::from_millis(100), Duration::from_millis(300));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let start = tokio::time::Instant::now();
        let task = run_schedule(
            store.clone(),
            folder.clone(),
            (first, every),
            2,
            Some(tx),
            planned_after(first),
        );
        let mut written = Vec::new();
        for k in 0..4u32 {
            let Turn::Written(path, _) = rx.recv().await.unwrap() else {
                panic!("backup {k} not written")
            };
            // Never early (a sleep ends at its time or later).
            assert!(start.elapsed() >= first + every * k, "backup {k}");
            assert_eq!(kept(), (k as usize + 1).min(2), "backup {k}");
            written.push(path);
        }
        task.abort();
        assert!(written[2..].iter().all(|p| p.exists()));
        assert!(written[..2].iter().all(|p| !p.exists()));

        // A folder that cannot be made (a file stands in its way): each time an error, and on.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, b"a file").unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let task = run_schedule(
            store,
            blocked.join("backups"),
            (first, every),
            2,
            Some(tx),
            planned_after(first),
        );
        for _ in 0..2 {
            let Turn::Failed(why) = rx.recv().await.unwrap() else {
                panic!("a failure expected")
            };
            assert!(why.contains("无法创建"), "{why}");
        }
        task.abort();
    }

    /// Two instances on one database backing up into one folder write one backup per period
    /// between them.
    #[tokio::test]
    async fn two_instances_write_one_backup_a_period() {
        let db = store::testing::TestDb::new(store::Dialect::Sqlite).await;
        let (a, b) = (db.store().await, db.store().await);
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("shared");
        let (first, every) = (Duration::from_millis(100), Duration::from_millis(400));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        // Started together: the same planned times.
        let planned = planned_after(first);
        let one = run_schedule(
            a,
            folder.clone(),
            (first, every),
            10,
            Some(tx.clone()),
            planned,
        );
        let two = run_schedule(b, folder.clone(), (first, every), 10, Some(tx), planned);
        let mut written: Vec<String> = vec![];
        let mut skipped: Vec<String> = vec![];
        for _ in 0..6 {
            match rx.recv().await.unwrap() {
                Turn::Written(_, slot) => written.push(slot),
                Turn::Skipped(slot) => skipped.push(slot),
                Turn::Failed(e) => panic!("{e}"),
            }
        }
        one.abort();
        two.abort();
        // Three periods: one backup in each, the other instance's turn skipped.
        let mut periods = written.clone();
        periods.dedup();
        assert_eq!(periods, written, "one backup a period: {written:?}");
        assert_eq!(
            (written.len(), skipped.len()),
            (3, 3),
            "{written:?} {skipped:?}"
        );
        assert!(skipped.iter().all(|s| written.contains(s)));
        let files = std::fs::read_dir(&folder).unwrap().count();
        assert_eq!(files, 3);
    }

    #[test]
    fn pruning_keeps_the_newest_and_touches_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "gongjian-20261201-030000.jsonl.gz",
            "gongjian-20261202-030000.jsonl.gz",
            "gongjian-20261203-030000.jsonl.gz",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let removed = prune(dir.path(), 2).unwrap();
        assert_eq!(
            removed,
            vec![dir.path().join("gongjian-20261201-030000.jsonl.gz")]
        );
        assert!(dir.path().join("notes.txt").exists());
        assert!(
            dir.path()
                .join("gongjian-20261203-030000.jsonl.gz")
                .exists()
        );
        assert!(prune(dir.path(), 0).unwrap().len() == 1);
    }
}
