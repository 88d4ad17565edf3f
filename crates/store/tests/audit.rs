//! The audit log on each backend: every change is an entry with who, from where, old → new,
//! sealed into one chain; a hand edit of an entry, of the chain's end or of the data itself is
//! found.
#![allow(clippy::unwrap_used)]

use domain::{Role, UnitKind};
use store::testing::{Backend, TestDb};
use store::{AuditContext, AuditFilter, AuditSource, with_audit};

fn as_clerk() -> AuditContext {
    AuditContext {
        actor: Some("clerk".into()),
        source: AuditSource::Page,
        address: Some("10.0.0.7".into()),
    }
}

fn all() -> AuditFilter {
    AuditFilter {
        limit: 1000,
        ..AuditFilter::default()
    }
}

#[tokio::test]
async fn every_change_is_chained_and_a_hand_edit_is_named() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let (region, unit) = with_audit(as_clerk(), async {
            let region = store.create_region("龙田镇", None, None).await.unwrap();
            let unit = store
                .create_unit("龙田镇政府", UnitKind::Town, Some(region))
                .await
                .unwrap();
            (region, unit)
        })
        .await;
        let entries = store.audit_entries(&all()).await.unwrap();
        let inserted: Vec<_> = entries.iter().filter(|e| e.action == "insert").collect();
        assert!(
            inserted.iter().any(|e| e.object == "regions"
                && e.object_id.as_deref() == Some(&region.to_string()[..])),
            "{dialect:?}: {entries:?}"
        );
        let unit_entry = inserted.iter().find(|e| e.object == "units").unwrap();
        assert_eq!(unit_entry.actor.as_deref(), Some("clerk"));
        assert_eq!(unit_entry.source, "page");
        assert_eq!(unit_entry.address.as_deref(), Some("10.0.0.7"));
        assert!(unit_entry.new.as_deref().unwrap().contains("龙田镇政府"));
        assert!(entries.iter().all(|e| e.seq.is_some() && e.hash.is_some()));

        // A user's password is never written into the log; that it changed is.
        with_audit(as_clerk(), async {
            let (id, _) = store
                .add_user_in_unit(
                    &store::NewUser {
                        username: "lt",
                        display_name: "龙田",
                        password: "a-long-password-1",
                        role: Role::Responsible,
                        unit_id: 0,
                    },
                    "龙田镇政府",
                    UnitKind::Town,
                    false,
                    None,
                )
                .await
                .unwrap();
            store
                .set_password(id, "another-password-2", true)
                .await
                .unwrap();
        })
        .await;
        let users = store
            .audit_entries(&AuditFilter {
                object: Some("users".into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(users.len(), 2, "{users:?}");
        assert!(
            users
                .iter()
                .all(|e| !e.new.as_deref().unwrap_or("").contains("argon2"))
        );
        assert!(
            users[0].new.as_deref().unwrap().contains("changed"),
            "{users:?}"
        );

        // What holds nothing of its own is not audited: sessions, uploads waiting for their
        // import, failed sign-ins (each failure is one entry of its own instead).
        let user = store.user_by_username("lt").await.unwrap().unwrap();
        store.create_session(user.id).await.unwrap();
        let kept = store
            .keep_upload(user.id, "ledger", "a.xlsx", None, b"x")
            .await
            .unwrap();
        store.drop_upload(kept, user.id).await.unwrap();
        let attempt = store.record_sign_in_failure("lt", None).await.unwrap();
        store
            .charge_sign_in_attempt(attempt, Some("10.0.0.9"))
            .await
            .unwrap();
        let objects: Vec<String> = store
            .audit_entries(&all())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.object)
            .collect();
        for derived in ["sessions", "kept_uploads", "sign_in_failures"] {
            assert!(
                !objects.iter().any(|o| o == derived),
                "{dialect:?} {derived}"
            );
        }
        assert!(objects.iter().any(|o| o == "sign_in"));

        // The chain verifies; the head is its last entry.
        let check = store.audit_verify().await.unwrap();
        assert!(check.ok(), "{check:?}");
        let (seq, hash) = store.audit_head().await.unwrap();
        assert_eq!((check.entries, &check.head_hash), (seq, &hash));
        assert_eq!(store.audit_hash_at(seq).await.unwrap(), Some(hash.clone()));

        // A change made in the database by hand is recorded without a name, and sealed by the
        // next change made through the application.
        sqlx::query("UPDATE units SET name = '改过的名字' WHERE id = $1")
            .bind(unit)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(store.audit_verify().await.unwrap().unsealed, 1);
        with_audit(as_clerk(), store.create_region("新区", None, None))
            .await
            .unwrap();
        let check = store.audit_verify().await.unwrap();
        assert!(check.ok() && check.unsealed == 0, "{check:?}");
        let by_hand = store
            .audit_entries(&AuditFilter {
                object: Some(format!("units:{unit}")),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(by_hand[0].source, "database");
        assert_eq!(by_hand[0].actor, None);

        // Rewriting an entry by hand: verify names it.
        let target = by_hand[0].seq.unwrap();
        sqlx::query(
            "UPDATE audit_log SET new = REPLACE(new, '改过的名字', '龙田镇政府') WHERE seq = $1",
        )
        .bind(target)
        .execute(store.pool())
        .await
        .unwrap();
        let check = store.audit_verify().await.unwrap();
        let broken = check.broken.unwrap();
        assert_eq!(broken.seq, target, "{dialect:?}");
        assert!(broken.zh.contains("内容与哈希不符"), "{}", broken.zh);

        // Removing the last entry: the head no longer matches.
        let fresh = TestDb::new(dialect).await;
        let other = fresh.store().await;
        with_audit(as_clerk(), other.create_region("甲", None, None))
            .await
            .unwrap();
        with_audit(as_clerk(), other.create_region("乙", None, None))
            .await
            .unwrap();
        let (last, _) = other.audit_head().await.unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq = $1")
            .bind(last)
            .execute(other.pool())
            .await
            .unwrap();
        let check = other.audit_verify().await.unwrap();
        assert!(check.broken.unwrap().zh.contains("链头"));
        other.close().await;
        store.close().await;
    })
    .await;
}

#[tokio::test]
async fn writes_at_once_make_one_chain() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let writes = (0..16).map(|i| {
            let store = store.clone();
            tokio::spawn(with_audit(as_clerk(), async move {
                store
                    .create_region(&format!("区{i}"), None, None)
                    .await
                    .unwrap();
            }))
        });
        for w in writes {
            w.await.unwrap();
        }
        let check = store.audit_verify().await.unwrap();
        assert!(check.ok(), "{dialect:?}: {check:?}");
        assert_eq!(check.entries, 16);
        store.close().await;
    })
    .await;
}
