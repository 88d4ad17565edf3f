//! Layered configuration: defaults → TOML file → `GONGJIAN_*` environment → command-line flags.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: Option<String>,
    pub addr: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: None,
            addr: "127.0.0.1:8080".into(),
        }
    }
}

/// Only the flags that were given override the layers below them.
#[derive(Serialize)]
struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addr: Option<String>,
}

impl Config {
    pub fn load(
        file: Option<&Path>,
        db: Option<String>,
        addr: Option<SocketAddr>,
    ) -> Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.exists() {
                    return Err(anyhow!(
                        "找不到配置文件 {} / config file not found",
                        path.display()
                    ));
                }
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("gongjian.toml")),
        }
        figment = figment
            .merge(Env::prefixed("GONGJIAN_").only(&["database_url", "addr"]))
            .merge(Serialized::defaults(Flags {
                database_url: db,
                addr: addr.map(|a| a.to_string()),
            }));
        figment
            .extract()
            .context("配置无效 / invalid configuration")
    }

    pub fn database_url(&self) -> Result<&str> {
        self.database_url.as_deref().filter(|u| !u.is_empty()).ok_or_else(|| {
            anyhow!("未指定数据库：请用 --db sqlite://文件 或 postgres://… ，或设置 GONGJIAN_DATABASE_URL / no database: pass --db or set GONGJIAN_DATABASE_URL")
        })
    }

    pub fn addr(&self) -> Result<SocketAddr> {
        self.addr
            .parse()
            .with_context(|| format!("监听地址“{}”无效 / invalid address", self.addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment's own Jail error type
    fn layers_override_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "gongjian.toml",
                "database_url = \"sqlite://file.db\"\naddr = \"0.0.0.0:9000\"",
            )?;
            let c = Config::load(None, None, None).map_err(|e| e.to_string())?;
            assert_eq!(
                (c.database_url.as_deref(), c.addr.as_str()),
                (Some("sqlite://file.db"), "0.0.0.0:9000")
            );

            jail.set_env("GONGJIAN_DATABASE_URL", "postgres://env/db");
            let c = Config::load(None, None, None).map_err(|e| e.to_string())?;
            assert_eq!(c.database_url.as_deref(), Some("postgres://env/db"));

            let c = Config::load(
                None,
                Some("sqlite://flag.db".into()),
                Some("127.0.0.1:1".parse().map_err(|_| "addr")?),
            )
            .map_err(|e| e.to_string())?;
            assert_eq!(
                (c.database_url.as_deref(), c.addr.as_str()),
                (Some("sqlite://flag.db"), "127.0.0.1:1")
            );
            Ok(())
        });
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        assert!(Config::load(Some(Path::new("/nonexistent/gongjian.toml")), None, None).is_err());
    }
}
