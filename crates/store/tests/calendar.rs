//! Calendar imports on each backend: two at once take turns and both count.
#![allow(clippy::unwrap_used)]

use store::testing::{Backend, TestDb};

fn year_json(year: i32) -> String {
    format!(
        r#"{{"year": {year}, "papers": [], "days": [{{"name": "元旦", "date": "{year}-01-01", "isOffDay": true}}]}}"#
    )
}

#[tokio::test]
async fn two_imports_at_once_both_count() {
    TestDb::each_backend(|Backend { store, .. }| async move {
        let (a, b) = (year_json(2027), year_json(2028));
        let (first, second) = tokio::join!(
            store.import_calendar_year(&a, None),
            store.import_calendar_year(&b, None)
        );
        first.unwrap();
        second.unwrap();
        let calendar = store.work_calendar().await.unwrap();
        assert!(!calendar.is_provisional(2027) && !calendar.is_provisional(2028));
        assert_eq!(store.calendar_imports().await.unwrap().len(), 2);
        // The same year twice at once: the later one stands, no key conflict.
        let (first, second) = tokio::join!(
            store.import_calendar_year(&a, None),
            store.import_calendar_year(&a, None)
        );
        first.unwrap();
        second.unwrap();
        assert_eq!(store.calendar_imports().await.unwrap().len(), 4);
        store.close().await;
    })
    .await;
}
