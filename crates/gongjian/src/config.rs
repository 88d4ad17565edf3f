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
    /// The address users type, as `https://xm.example.gov.cn` when a reverse proxy serves
    /// HTTPS: cookies are then sent only over HTTPS, browsers are told to keep to it (HSTS),
    /// and a form is accepted only from this origin.
    pub public_url: Option<String>,
    /// Behind a reverse proxy: the client's address is the last one in `X-Forwarded-For`
    /// (sign-in throttling counts by it). Never set it without a proxy that writes that header.
    pub trust_proxy: bool,
    /// Hours a session may go unused before it ends.
    pub session_idle_hours: u32,
    /// A folder for scheduled backups while serving (none: no scheduled backup).
    pub backup_dir: Option<String>,
    /// Hours between scheduled backups.
    pub backup_every_hours: u32,
    /// How many scheduled backups to keep; older ones are deleted.
    pub backup_keep: u32,
    /// Reminders and the channels that carry them (`[notify]`).
    pub notify: notify::NotifyConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: None,
            addr: "127.0.0.1:8080".into(),
            public_url: None,
            trust_proxy: false,
            session_idle_hours: 8,
            backup_dir: None,
            backup_every_hours: 24,
            backup_keep: 7,
            notify: notify::NotifyConfig::default(),
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
            .merge(Env::prefixed("GONGJIAN_").only(&[
                "database_url",
                "addr",
                "public_url",
                "trust_proxy",
                "session_idle_hours",
                "backup_dir",
                "backup_every_hours",
                "backup_keep",
            ]))
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

    /// The public URL's origin (`https://host[:port]`), checked.
    pub fn public_origin(&self) -> Result<Option<String>> {
        let Some(url) = self
            .public_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        else {
            return Ok(None);
        };
        let bad = || {
            anyhow!("public_url“{url}”无效，应如 https://xm.example.gov.cn / invalid public_url")
        };
        let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
        let host = rest.split('/').next().unwrap_or_default();
        if !matches!(scheme, "http" | "https") || host.is_empty() {
            return Err(bad());
        }
        Ok(Some(format!("{scheme}://{host}")))
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
    #[allow(clippy::result_large_err)] // figment's own Jail error type
    fn deployment_keys() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("GONGJIAN_PUBLIC_URL", "https://xm.example.gov.cn/gongjian/");
            jail.set_env("GONGJIAN_TRUST_PROXY", "true");
            jail.set_env("GONGJIAN_SESSION_IDLE_HOURS", "2");
            let c = Config::load(None, None, None).map_err(|e| e.to_string())?;
            assert_eq!(
                c.public_origin().map_err(|e| e.to_string())?.as_deref(),
                Some("https://xm.example.gov.cn")
            );
            assert!(c.trust_proxy);
            assert_eq!(c.session_idle_hours, 2);
            jail.set_env("GONGJIAN_PUBLIC_URL", "xm.example.gov.cn");
            let c = Config::load(None, None, None).map_err(|e| e.to_string())?;
            assert!(c.public_origin().is_err());
            Ok(())
        });
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        assert!(Config::load(Some(Path::new("/nonexistent/gongjian.toml")), None, None).is_err());
    }
}
