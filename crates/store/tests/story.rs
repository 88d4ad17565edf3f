//! One storage story, run on SQLite always and on PostgreSQL when `GONGJIAN_TEST_POSTGRES` is set.
#![allow(clippy::unwrap_used)]

use domain::{Level, Money, ProjectFields, Role, Stage, UnitKind};
use store::testing::{Backend, TestDb};
use store::{LedgerRow, NewUser, ProjectFilter, SortColumn, SortOrder, Store, StoreError};

fn project(
    name: &str,
    code: Option<&str>,
    stage: Stage,
    total_wan: i64,
    unit_id: i64,
) -> ProjectFields {
    ProjectFields {
        name: name.into(),
        code: code.map(Into::into),
        stage: Some(stage),
        level: Some(Level::County),
        tags: vec!["亿元以上".into()],
        total_investment: Some(Money::from_wan(total_wan)),
        annual_plan: Some(Money::from_fen(total_wan * 300_000 + 1)),
        unit_id: Some(unit_id),
        content: Some(format!("{name}建设内容")),
        planned_start: chrono::NaiveDate::from_ymd_opt(2025, 3, 1),
        funding_sources: vec!["自筹".into(), "银行贷款".into()],
        ..ProjectFields::default()
    }
}

async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    TestDb::each_backend(|Backend { store, .. }| {
        let run = test(store.clone());
        async move {
            run.await;
            store.close().await;
        }
    })
    .await;
}

#[tokio::test]
async fn ledger_story() {
    each_backend(|store| async move {
        // Migrations are idempotent.
        store.migrate().await.unwrap();
        let town = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let park = store
            .create_unit("元洪投资区管委会", UnitKind::Park, None)
            .await
            .unwrap();
        let dup = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap_err();
        assert!(matches!(dup, StoreError::Duplicate { .. }), "{dup:?}");

        let user = store
            .create_user(NewUser {
                username: "clerk",
                display_name: "王文员",
                password: "pw-123456",
                role: Role::Responsible,
                unit_id: town,
            })
            .await
            .unwrap();

        // Create: money stays exact to the fen.
        let a = store
            .create_project(
                &project(
                    "龙田镇污水处理厂",
                    Some("LT-1"),
                    Stage::UnderConstruction,
                    12_000,
                    town,
                ),
                Some(user),
                "web",
            )
            .await
            .unwrap();
        assert_eq!(a.version, 1);
        assert_eq!(
            a.fields.annual_plan,
            Some(Money::from_fen(12_000 * 300_000 + 1))
        );
        assert_eq!(a.unit_name.as_deref(), Some("龙田镇"));
        assert_eq!(a.fields.tags, vec!["亿元以上"]);
        let b = store
            .create_project(
                &project("元洪食品产业园二期", None, Stage::ToStart, 560_000, park),
                None,
                "web",
            )
            .await
            .unwrap();

        // A duplicate code is a clear error, not a crash.
        let err = store
            .create_project(
                &project("另一个", Some("LT-1"), Stage::Planning, 1, town),
                None,
                "web",
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Duplicate { field: "code", .. }),
            "{err:?}"
        );

        // Update with the right version; history records field, old and new, and the unit by name.
        let mut edit = a.fields.clone();
        edit.stage = Some(Stage::Completed);
        edit.unit_id = Some(park);
        let a2 = store
            .update_project(a.id, 1, &edit, Some(user), "web")
            .await
            .unwrap();
        assert_eq!(a2.version, 2);
        let history = store.project_history(a.id).await.unwrap();
        let stage = history.iter().find(|c| c.field == "stage").unwrap();
        assert_eq!(
            (stage.old_value.as_str(), stage.new_value.as_str()),
            ("在建", "竣工")
        );
        assert_eq!(stage.user_name.as_deref(), Some("王文员"));
        let unit = history.iter().find(|c| c.field == "unit_id").unwrap();
        assert_eq!(
            (unit.old_value.as_str(), unit.new_value.as_str()),
            ("龙田镇", "元洪投资区管委会")
        );
        assert!(history.iter().any(|c| c.field == "_created"));

        // A second editor who loaded version 1 is refused, and nothing is overwritten.
        let mut stale = a.fields.clone();
        stale.name = "改名".into();
        let err = store
            .update_project(a.id, 1, &stale, None, "web")
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { current: 2 }),
            "{err:?}"
        );
        assert_eq!(
            store.project(a.id).await.unwrap().unwrap().fields.name,
            "龙田镇污水处理厂"
        );

        // The list: filters, search, sort, paging.
        let all = store
            .list_projects(&ProjectFilter::default())
            .await
            .unwrap();
        assert_eq!(all.total, 2);
        let by_stage = store
            .list_projects(&ProjectFilter {
                stage: Some(Stage::ToStart),
                ..ProjectFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            by_stage.items.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![b.id]
        );
        let search = store
            .list_projects(&ProjectFilter {
                q: Some("污水".into()),
                ..ProjectFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(search.total, 1);
        let like_chars = store
            .list_projects(&ProjectFilter {
                q: Some("%".into()),
                ..ProjectFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(like_chars.total, 0);
        let tag = store
            .list_projects(&ProjectFilter {
                tag: Some("亿元以上".into()),
                ..ProjectFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(tag.total, 2);
        let big = store
            .list_projects(&ProjectFilter {
                min_total: Some(Money::from_wan(100_000)),
                ..ProjectFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(big.items[0].id, b.id);
        assert_eq!(big.total, 1);
        let sorted = store
            .list_projects(&ProjectFilter {
                sort: SortColumn::TotalInvestment,
                order: SortOrder::Desc,
                ..ProjectFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(sorted.items[0].id, b.id);
        for sort in SortColumn::ALL {
            for order in [SortOrder::Asc, SortOrder::Desc] {
                let page = store
                    .list_projects(&ProjectFilter {
                        sort: *sort,
                        order,
                        per_page: 1,
                        page: 2,
                        ..ProjectFilter::default()
                    })
                    .await
                    .unwrap();
                assert_eq!((page.total, page.items.len()), (2, 1), "{sort:?} {order:?}");
            }
        }
        let unit_filter = store
            .list_projects(&ProjectFilter {
                unit_id: Some(park),
                ..ProjectFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(unit_filter.total, 2);

        // Sessions.
        let token = store.create_session(user).await.unwrap();
        let who = store.session_user(&token).await.unwrap().unwrap();
        assert_eq!(
            (who.username.as_str(), who.role, who.unit_name.as_str()),
            ("clerk", Role::Responsible, "龙田镇")
        );
        assert!(store.session_user("forged").await.unwrap().is_none());
        store.delete_session(&token).await.unwrap();
        assert!(store.session_user(&token).await.unwrap().is_none());
    })
    .await;
}

fn row(name: &str, code: Option<&str>, unit: &str) -> LedgerRow {
    LedgerRow {
        sheet: "Sheet1".into(),
        row: 3,
        fields: ProjectFields {
            unit_id: None,
            ..project(name, code, Stage::UnderConstruction, 500, 0)
        },
        unit_name: Some(unit.into()),
        lead_department_name: Some("市商务局".into()),
        region_name: Some("350181".into()),
    }
}

#[tokio::test]
async fn ledger_import_is_all_or_nothing() {
    each_backend(|store| async move {
        let rows = vec![
            row("江阴港区7号泊位", Some("JY-7"), "江阴港城经济区管委会"),
            row("渔溪镇乡村振兴示范片", None, "渔溪镇"),
        ];

        // A dry run reports what would happen and writes nothing.
        let dry = store.import_ledger(&rows, None, true).await.unwrap();
        assert_eq!((dry.created, dry.rolled_back), (2, true));
        assert_eq!(
            dry.new_units,
            vec!["江阴港城经济区管委会", "市商务局", "渔溪镇"]
        );
        assert_eq!(store.count_projects().await.unwrap(), 0);
        assert!(store.units().await.unwrap().is_empty());

        let done = store.import_ledger(&rows, None, false).await.unwrap();
        assert_eq!(
            (done.created, done.updated, done.rolled_back),
            (2, 0, false)
        );
        let units = store.units().await.unwrap();
        let park = units
            .iter()
            .find(|u| u.name == "江阴港城经济区管委会")
            .unwrap();
        assert_eq!(park.kind, UnitKind::Park);
        assert_eq!(
            units.iter().find(|u| u.name == "市商务局").unwrap().kind,
            UnitKind::Department
        );
        assert_eq!(
            store.regions().await.unwrap()[0].code.as_deref(),
            Some("350181")
        );

        // Importing the same sheet again changes nothing; a changed amount updates with history.
        let again = store.import_ledger(&rows, None, false).await.unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
        let mut changed = rows.clone();
        changed[0].fields.total_investment = Some(Money::from_wan(900));
        let upd = store.import_ledger(&changed, None, false).await.unwrap();
        assert_eq!((upd.created, upd.updated, upd.unchanged), (0, 1, 1));
        let id = first_found(&store, "JY-7").await;
        let hist = store.project_history(id).await.unwrap();
        let total = hist
            .iter()
            .find(|c| c.field == "total_investment_wan")
            .unwrap();
        assert_eq!(
            (
                total.old_value.as_str(),
                total.new_value.as_str(),
                total.source.as_str()
            ),
            ("500", "900", "import")
        );

        // A row with a code matches a project of the same name that has no code yet; a sheet
        // value that contradicts a kept stored value is a problem, not a silent bad merge.
        let mut coded = rows[1].clone();
        coded.fields.code = Some("YX-1".into());
        let matched = store.import_ledger(&[coded], None, false).await.unwrap();
        assert_eq!((matched.created, matched.updated), (0, 1));
        let mut plan_only = rows[1].clone();
        plan_only.fields.total_investment = None;
        plan_only.fields.annual_plan = Some(Money::from_wan(9_999));
        let bad = store
            .import_ledger(&[plan_only], None, false)
            .await
            .unwrap();
        assert!(bad.rolled_back);
        assert!(
            bad.problems[0].message_zh.contains("年度计划投资"),
            "{:?}",
            bad.problems
        );

        // A file whose rows clash with the database is rolled back as a whole.
        let clash = vec![
            row("新项目甲", Some("NEW-1"), "新单位"),
            row("江阴港区7号泊位（重复编号）", Some("JY-7"), "x"),
        ];
        let mut clash = clash;
        clash[1].fields.code = Some("NEW-1".into());
        let err = store.import_ledger(&clash, None, false).await;
        assert!(err.is_err());
        assert_eq!(store.count_projects().await.unwrap(), 2);
        assert!(store.unit_by_name("新单位").await.unwrap().is_none());
    })
    .await;
}

/// The projects a search finds.
async fn search(store: &Store, q: &str) -> Vec<store::ProjectSummary> {
    let filter = ProjectFilter {
        q: Some(q.into()),
        ..ProjectFilter::default()
    };
    store.list_projects(&filter).await.unwrap().items
}

/// Names of the projects a search finds.
async fn found(store: &Store, q: &str) -> Vec<String> {
    search(store, q).await.into_iter().map(|p| p.name).collect()
}

/// The id of the first project a search finds.
async fn first_found(store: &Store, q: &str) -> i64 {
    search(store, q).await[0].id
}

/// A ledger written as it is read, part by part in one transaction: a project changed in two
/// parts is changed twice on top of itself, a unit named in two parts is created once, a dry
/// run answers exactly what the write then does, and nothing stands before `finish`.
#[tokio::test]
async fn a_ledger_written_in_parts() {
    each_backend(|store| async move {
        let a = row("江阴港区7号泊位", Some("JY-7"), "江阴港城经济区管委会");
        let b = row("渔溪镇乡村振兴示范片", None, "渔溪镇");
        store
            .import_ledger(&[a.clone(), b.clone()], None, false)
            .await
            .unwrap();
        let units_before = store.units().await.unwrap().len();

        let mut a900 = a.clone();
        a900.fields.total_investment = Some(Money::from_wan(900));
        let mut a_named = a.clone();
        a_named.fields.total_investment = None;
        a_named.fields.content = Some("7号泊位及配套堆场".into());
        let mut new_region = row("新港物流园", Some("C-1"), "新单位甲");
        new_region.region_name = Some("新区".into());
        let parts = vec![
            vec![new_region, a900],
            vec![row("二期码头", Some("E-1"), "新单位甲"), a_named],
            vec![],
        ];
        for dry_run in [true, false] {
            let mut w = store.ledger_writer(None, dry_run).await.unwrap();
            for part in parts.clone() {
                w.rows(part).await.unwrap();
            }
            if !dry_run {
                // Not committed yet: another connection sees nothing new.
                assert_eq!(store.count_projects().await.unwrap(), 2);
            }
            let out = w.finish().await.unwrap();
            assert_eq!(
                (out.created, out.updated, out.unchanged, out.rolled_back),
                (2, 2, 0, dry_run),
                "dry run {dry_run}"
            );
            assert_eq!(out.new_units, vec!["新单位甲"]);
            assert_eq!(out.new_regions, vec!["新区"]);
        }

        assert_eq!(store.count_projects().await.unwrap(), 4);
        assert_eq!(store.units().await.unwrap().len(), units_before + 1);
        assert_eq!(found(&store, "二期码头").await, vec!["二期码头"]);
        assert_eq!(found(&store, "新港物流").await, vec!["新港物流园"]);
        let id = first_found(&store, "JY-7").await;
        let now = store.project(id).await.unwrap().unwrap();
        // The second part kept the first part's total and changed the content on top of it.
        assert_eq!(now.fields.total_investment, Some(Money::from_wan(900)));
        assert_eq!(now.fields.content.as_deref(), Some("7号泊位及配套堆场"));
        assert_eq!(found(&store, "配套堆场").await, vec!["江阴港区7号泊位"]);
        let fields: Vec<String> = store
            .project_history(id)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.source == "import" && c.field != "_created")
            .map(|c| c.field)
            .collect();
        assert!(
            fields.contains(&"total_investment_wan".to_string())
                && fields.contains(&"content".to_string()),
            "{fields:?}"
        );

        // A writer abandoned or dropped leaves nothing, units included.
        let mut w = store.ledger_writer(None, false).await.unwrap();
        w.rows(vec![row("放弃的项目", Some("F-1"), "新单位丙")])
            .await
            .unwrap();
        w.abandon().await.unwrap();
        let mut w = store.ledger_writer(None, false).await.unwrap();
        w.rows(vec![row("丢下的项目", Some("G-1"), "新单位丁")])
            .await
            .unwrap();
        drop(w);
        assert_eq!(store.count_projects().await.unwrap(), 4);
        assert_eq!(store.units().await.unwrap().len(), units_before + 1);
    })
    .await;
}

#[tokio::test]
async fn seeding_the_demo_campaign() {
    each_backend(|store| async move {
        let mut campaign = demo::campaign(3_200, 7);
        // A tag on nearly every project, so its filter matches enough rows for the index walk.
        for (i, p) in campaign.ledger.projects.iter_mut().enumerate() {
            if i % 40 != 0 {
                p.fields.tags.push("百日攻坚".into());
            }
        }
        let outcome = store.seed_ledger(&campaign.ledger, "pw").await.unwrap();
        assert_eq!(outcome.projects, 3_200);
        assert_eq!(store.count_projects().await.unwrap(), 3_200);
        let admin = store.user_by_username("admin").await.unwrap().unwrap();
        assert!(store::verify_password("pw", &admin.password_hash));
        // Pages of a large filtered list come in exactly the order of a full sort, whichever
        // plan the backend takes (SQLite walks the sort index above a few thousand matches).
        let filter = ProjectFilter {
            min_total: Some(Money::ZERO),
            sort: SortColumn::TotalInvestment,
            order: SortOrder::Desc,
            per_page: 40,
            page: 2,
            ..ProjectFilter::default()
        };
        let page = store.list_projects(&filter).await.unwrap();
        let mut all = store.all_projects().await.unwrap();
        all.retain(|p| p.fields.total_investment.is_some());
        assert!(all.len() > 3_000, "enough rows for SQLite's index walk");
        all.sort_by(|a, b| {
            let key = |p: &domain::Project| {
                (
                    p.fields.total_investment.is_some(),
                    p.fields.total_investment,
                    p.id,
                )
            };
            key(b).cmp(&key(a))
        });
        let expected: Vec<i64> = all.iter().skip(40).take(40).map(|p| p.id).collect();
        assert_eq!(
            page.items.iter().map(|p| p.id).collect::<Vec<_>>(),
            expected
        );

        // Tag and search filters, alone (counted from their own tables) and with a stage
        // (counted over projects), agree with a plain scan of the ledger on every plan.
        let folded = |t: &str| domain::search::fold(t).into_iter().collect::<String>();
        let all = store.all_projects().await.unwrap();
        for (tag, q, stage) in [
            (Some("亿元以上"), None, None),
            (Some("亿元以上"), None, Some(Stage::UnderConstruction)),
            (None, Some("道路"), None),
            (None, Some("路"), Some(Stage::UnderConstruction)),
            (Some("亿元以上"), Some("项目"), None),
            // Above the walk threshold: a search and a tag on most rows, alone and together.
            (None, Some("ｆｑ"), None),
            (Some("百日攻坚"), None, None),
            (Some("百日攻坚"), Some("FQ20"), None),
        ] {
            let mut expected: Vec<&domain::Project> = all
                .iter()
                .filter(|p| tag.is_none_or(|t| p.fields.tags.iter().any(|x| x == t)))
                .filter(|p| stage.is_none_or(|s| p.fields.stage == Some(s)))
                .filter(|p| {
                    q.is_none_or(|q| {
                        let f = &p.fields;
                        [Some(&f.name), f.content.as_ref(), f.code.as_ref()]
                            .into_iter()
                            .flatten()
                            .any(|t| folded(t).contains(&folded(q)))
                    })
                })
                .collect();
            expected.sort_by_key(|p| std::cmp::Reverse((p.fields.total_investment, p.id)));
            let filter = ProjectFilter {
                tag: tag.map(Into::into),
                q: q.map(Into::into),
                stage,
                sort: SortColumn::TotalInvestment,
                order: SortOrder::Desc,
                per_page: 30,
                page: 3,
                ..ProjectFilter::default()
            };
            let page = store.list_projects(&filter).await.unwrap();
            assert_eq!(
                page.total as usize,
                expected.len(),
                "{tag:?} {q:?} {stage:?}"
            );
            assert!(
                expected.len() > 60,
                "{tag:?} {q:?} {stage:?}: {}",
                expected.len()
            );
            let want: Vec<i64> = expected.iter().skip(60).take(30).map(|p| p.id).collect();
            let got: Vec<i64> = page.items.iter().map(|p| p.id).collect();
            assert_eq!(got, want, "{tag:?} {q:?} {stage:?}");
        }

        // Seeding again collides on project codes: refused as a whole, nothing half-written.
        let err = store
            .seed_ledger(&demo::campaign(5, 8).ledger, "pw")
            .await
            .unwrap_err();
        assert!(
            matches!(err, store::StoreError::Duplicate { field: "code", .. }),
            "{err:?}"
        );
        assert_eq!(store.count_projects().await.unwrap(), 3_200);
    })
    .await;
}

async fn matching(store: &Store, q: Option<&str>, tag: Option<&str>) -> Vec<String> {
    let page = store
        .list_projects(&ProjectFilter {
            q: q.map(Into::into),
            tag: tag.map(Into::into),
            sort: SortColumn::Name,
            ..ProjectFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total as usize, page.items.len());
    page.items.into_iter().map(|p| p.name).collect()
}

/// Search and the tag filter read derived tables; they must follow every write path (create,
/// edit, import, seed) and the backlog that indexes projects older than the tables.
#[tokio::test]
async fn search_and_tags_follow_the_ledger() {
    each_backend(|store| async move {
        let town = store
            .create_unit("江阴镇", UnitKind::Town, None)
            .await
            .unwrap();
        store
            .create_project(
                &project(
                    "江阴港区污水处理厂",
                    Some("JY-2025-01"),
                    Stage::UnderConstruction,
                    9_000,
                    town,
                ),
                None,
                "web",
            )
            .await
            .unwrap();
        let mut fields = project("福清核电配套道路", None, Stage::Planning, 300, town);
        fields.tags = vec!["省重点".into(), "省重点".into()];
        fields.content = Some("新建道路 3.2 公里，含污 水管网".into());
        let b = store.create_project(&fields, None, "web").await.unwrap();

        // Two characters, one character, a code fragment typed full-width, words split by a space.
        assert_eq!(
            matching(&store, Some("污水"), None).await,
            ["江阴港区污水处理厂", "福清核电配套道路"]
        );
        assert_eq!(
            matching(&store, Some("厂"), None).await,
            ["江阴港区污水处理厂"]
        );
        assert_eq!(
            matching(&store, Some("ｊｙ－２０２５"), None).await,
            ["江阴港区污水处理厂"]
        );
        assert_eq!(
            matching(&store, Some("核电 配套"), None).await,
            ["福清核电配套道路"]
        );
        assert!(matching(&store, Some("污处"), None).await.is_empty());
        assert!(matching(&store, Some("\" OR 1=1"), None).await.is_empty());
        assert_eq!(matching(&store, Some("   "), None).await.len(), 2);
        assert_eq!(
            matching(&store, None, Some("省重点")).await,
            ["福清核电配套道路"]
        );

        // An edit moves the project in search and tags.
        let mut renamed = b.fields.clone();
        renamed.name = "福清核电进港大道".into();
        renamed.tags = vec!["亿元以上".into()];
        store
            .update_project(b.id, b.version, &renamed, None, "web")
            .await
            .unwrap();
        assert!(matching(&store, Some("配套道路"), None).await.is_empty());
        assert_eq!(
            matching(&store, Some("进港"), None).await,
            ["福清核电进港大道"]
        );
        assert!(matching(&store, None, Some("省重点")).await.is_empty());
        assert_eq!(matching(&store, None, Some("亿元以上")).await.len(), 2);

        // Imported rows are found like typed ones.
        let outcome = store
            .import_ledger(
                &[row("元洪码头扩建工程", Some("YH-9"), "元洪投资区管委会")],
                None,
                false,
            )
            .await
            .unwrap();
        assert_eq!(outcome.created, 1);
        assert_eq!(
            matching(&store, Some("码头"), None).await,
            ["元洪码头扩建工程"]
        );

        // Projects the derived tables do not know yet (as after upgrading) are indexed on migrate.
        for sql in [
            "DELETE FROM project_tags",
            "DELETE FROM project_search",
            "INSERT INTO project_index_backlog (project_id) SELECT id FROM projects",
        ] {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        assert!(matching(&store, Some("污水"), None).await.is_empty());
        store.migrate().await.unwrap();
        assert_eq!(matching(&store, Some("污水"), None).await.len(), 2);
        assert_eq!(matching(&store, Some("码头"), None).await.len(), 1);
        assert_eq!(matching(&store, None, Some("亿元以上")).await.len(), 3);
    })
    .await;
}

/// Two instances starting at once on one new SQLite file both come up migrated (sqlx takes no
/// lock on SQLite: the later one used to stop at "table already exists").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_starts_at_once_on_a_new_sqlite_file() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("new.db").display());
        let (a, b) = tokio::join!(Store::open(&url), Store::open(&url));
        let (a, b) = (
            a.unwrap_or_else(|e| panic!("round {round}: {e}")),
            b.unwrap_or_else(|e| panic!("round {round}: {e}")),
        );
        assert_eq!(a.count_projects().await.unwrap(), 0);
        assert_eq!(b.count_projects().await.unwrap(), 0);
        a.close().await;
        b.close().await;
    }
}

/// A session ends after idle time as well as sixteen hours after sign-in; a use keeps it
/// alive; signing in is recorded on the user.
#[tokio::test]
async fn sessions_end_when_idle() {
    TestDb::each_backend(|Backend { store, dialect, .. }| async move {
        let store = store.with_session_idle(3600);
        let unit = store
            .create_unit("龙田镇", UnitKind::Town, None)
            .await
            .unwrap();
        let id = store
            .create_user(NewUser {
                username: "lin",
                display_name: "林",
                password: "Longtian-2025-lin",
                role: Role::Responsible,
                unit_id: unit,
            })
            .await
            .unwrap();
        let token = store.create_session(id).await.unwrap();
        assert!(store.session_user(&token).await.unwrap().is_some());
        let users = store.users().await.unwrap();
        assert!(users[0].last_sign_in.is_some() && users[0].sessions == 1);
        let back = |secs: i64| {
            let store = store.clone();
            async move {
                sqlx::query("UPDATE sessions SET last_seen = last_seen - $1")
                    .bind(secs)
                    .execute(store.pool())
                    .await
                    .unwrap();
            }
        };
        back(3000).await;
        assert!(
            store.session_user(&token).await.unwrap().is_some(),
            "{dialect:?}: 50 minutes idle"
        );
        // That use counted: another 50 minutes are allowed from it.
        back(3000).await;
        assert!(store.session_user(&token).await.unwrap().is_some());
        back(3700).await;
        assert!(
            store.session_user(&token).await.unwrap().is_none(),
            "{dialect:?}: over an hour idle"
        );
        assert_eq!(store.users().await.unwrap()[0].sessions, 0);
        store.close().await;
    })
    .await;
}
