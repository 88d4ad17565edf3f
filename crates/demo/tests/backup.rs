//! Backup and restore of the whole demo, from each backend into each: the same rows, the same
//! status and an audit chain that still verifies; a damaged archive or a database in use
//! restores nothing.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use domain::progress::Scheme;
use store::testing::TestDb;
use store::{AuditContext, AuditSource, with_audit};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
}

#[tokio::test]
async fn a_backup_restores_into_either_backend() {
    for from in TestDb::backends() {
        let source_db = TestDb::new(from).await;
        let source = source_db.store().await;
        let mut context = AuditContext::new(AuditSource::Cli);
        context.actor = Some("tester".into());
        with_audit(context, async {
            demo::load(&source, &demo::demo_campaign(), "demo-pw")
                .await
                .unwrap();
        })
        .await;
        let mut archive = Vec::new();
        let written = source.backup(&mut archive).await.unwrap();
        // The ledger, and the two landed leads the demo made ledger projects.
        assert_eq!(
            written.tables["projects"],
            (demo::DEMO_PROJECTS + demo::DEMO_LEAD_PROJECTS) as u64
        );
        for table in [
            "leads",
            "lead_events",
            "parcels",
            "project_registrations",
            "project_funding",
        ] {
            assert!(written.tables[table] > 0, "{table}: {:?}", written.tables);
        }
        assert!(written.tables["reports"] > 1000, "{:?}", written.tables);
        assert!(written.tables["audit_log"] > 1000, "{:?}", written.tables);
        assert!(!written.tables.contains_key("sessions"));
        let status = source.status(day(), &Scheme::default()).await.unwrap();
        let head = source.audit_head().await.unwrap();

        for to in TestDb::backends() {
            let target_db = TestDb::new(to).await;
            let target = target_db.store().await;
            let read = target.restore(archive.as_slice()).await.unwrap();
            assert_eq!(read.tables, written.tables, "{from:?} → {to:?}");
            // Everything read back: the same rows again, the same status, the chain intact.
            let mut again = Vec::new();
            let rewritten = target.backup(&mut again).await.unwrap();
            assert_eq!(rewritten.tables, written.tables, "{from:?} → {to:?}");
            let restored = target.status(day(), &Scheme::default()).await.unwrap();
            assert_eq!(*restored, *status, "{from:?} → {to:?}");
            assert_eq!(target.audit_head().await.unwrap(), head);
            let check = target.audit_verify().await.unwrap();
            assert!(check.ok(), "{from:?} → {to:?}: {check:?}");
            assert_eq!(check.unsealed, 0);
            // Search works (the index is rebuilt) and new rows get new ids.
            let admin = target.user_by_username("admin").await.unwrap().unwrap();
            assert!(store::verify_password("demo-pw", &admin.password_hash));
            let region = target.create_region("新区", None, None).await.unwrap();
            assert!(region > 0);
            assert!(target.audit_verify().await.unwrap().ok());
            // A database that now holds data takes no second restore.
            let err = target.restore(archive.as_slice()).await.unwrap_err();
            assert!(err.to_string().contains("空数据库"), "{err}");
            target.close().await;
        }

        // A cut archive, or one with a byte changed, restores nothing.
        let target_db = TestDb::new(from).await;
        let target = target_db.store().await;
        let cut = &archive[..archive.len() / 2];
        assert!(target.restore(cut).await.is_err());
        assert!(target.holds_no_data().await.unwrap());
        let mut lines = decompress(&archive);
        let at = lines.find("\"2025-").unwrap() + 1;
        lines.replace_range(at..at + 1, "3");
        let altered = compress(&lines);
        let err = target.restore(altered.as_slice()).await.unwrap_err();
        assert!(target.holds_no_data().await.unwrap(), "{err}");
        assert!(target.restore(&b"not a backup"[..]).await.is_err());
        assert!(target.holds_no_data().await.unwrap());
        target.close().await;
        source.close().await;
    }
}

fn decompress(archive: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(archive)
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn compress(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    out.write_all(text.as_bytes()).unwrap();
    out.finish().unwrap()
}
