//! Databases for tests: a temporary SQLite file always, and a fresh PostgreSQL database when
//! `GONGJIAN_TEST_POSTGRES` holds a server URL. Each [`TestDb`] is its own database, dropped
//! when the test ends, so parallel runs never collide.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor};

use crate::{Dialect, Store};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The environment variable naming the PostgreSQL server the storage tests also run against.
pub const POSTGRES_ENV: &str = "GONGJIAN_TEST_POSTGRES";

pub struct TestDb {
    pub url: String,
    pub dialect: Dialect,
    _dir: Option<tempfile_dir::Dir>,
    admin_url: Option<String>,
    name: String,
}

/// A tiny owned temp directory, removed on drop (std only, so the crate needs no extra dependency).
mod tempfile_dir {
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("gongjian_test_{}_{n}_{nanos}", std::process::id())
}

/// One run of [`TestDb::each_backend`]: the store, its backend, and its URL (to open it again).
pub struct Backend {
    pub store: Store,
    pub dialect: Dialect,
    pub url: String,
}

impl TestDb {
    /// The backends to run a storage test on: SQLite, plus PostgreSQL when configured.
    pub fn backends() -> Vec<Dialect> {
        let mut backends = vec![Dialect::Sqlite];
        if std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty()) {
            backends.push(Dialect::Postgres);
        }
        backends
    }

    pub async fn new(dialect: Dialect) -> TestDb {
        let name = unique_name();
        match dialect {
            Dialect::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}", dir.join("test.db").display());
                TestDb {
                    url,
                    dialect,
                    _dir: Some(tempfile_dir::Dir(dir)),
                    admin_url: None,
                    name,
                }
            }
            Dialect::Postgres => {
                let admin_url = std::env::var(POSTGRES_ENV).expect("GONGJIAN_TEST_POSTGRES");
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to test PostgreSQL");
                conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("create test database");
                let _ = conn.close().await;
                let url = database_url(&admin_url, &name);
                TestDb {
                    url,
                    dialect,
                    _dir: None,
                    admin_url: Some(admin_url),
                    name,
                }
            }
        }
    }

    /// Runs `test` on a fresh store over each backend the machine has (SQLite always,
    /// PostgreSQL when `GONGJIAN_TEST_POSTGRES` is set), one after the other; each database is
    /// dropped once its run is over.
    pub async fn each_backend<F, Fut>(test: F)
    where
        F: Fn(Backend) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        for dialect in TestDb::backends() {
            let db = TestDb::new(dialect).await;
            let backend = Backend {
                store: db.store().await,
                dialect,
                url: db.url.clone(),
            };
            test(backend).await;
            drop(db);
        }
    }

    /// Opens the store on this database with migrations applied.
    pub async fn store(&self) -> Store {
        Store::open(&self.url).await.expect("open test store")
    }
}

/// The server URL with its database replaced by `name`, keeping any `?query`.
fn database_url(server_url: &str, name: &str) -> String {
    let (base, query) = server_url
        .split_once('?')
        .map_or((server_url, ""), |(b, q)| (b, q));
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let without_db = match base[host_start..].find('/') {
        Some(i) => &base[..host_start + i],
        None => base,
    };
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{without_db}/{name}{query}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(admin_url) = self.admin_url.clone() else {
            return;
        };
        let name = self.name.clone();
        // Drop may run inside a runtime; a fresh thread with its own runtime avoids blocking it.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = conn
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn swaps_the_database_in_server_urls() {
        assert_eq!(
            super::database_url("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(super::database_url("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            super::database_url("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
