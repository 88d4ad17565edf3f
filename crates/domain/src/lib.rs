//! Pure rules of a key-project campaign (项目攻坚行动).
//!
//! Architecture Invariant: nothing here does I/O. No async, no database, no HTTP; values are
//! parsed at the edge into the types of this crate and only valid values travel inward.

pub mod access;
pub mod approval;
pub mod calendar;
pub mod dates;
pub mod demo;
pub mod money;
pub mod phases;
pub mod plausibility;
pub mod problem;
pub mod progress;
pub mod project;
pub mod region;
pub mod schedule;
pub mod search;
pub mod text;
pub mod unit;

pub use money::{AmountUnit, Money};
pub use project::{Field, FieldError, Level, Project, ProjectFields, ProjectInput, Stage};
pub use region::RegionCode;
pub use unit::{Role, Unit, UnitKind};

use serde::{Deserialize, Serialize};

/// A message for a person, in 简体中文 and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

pub fn bi(zh: impl Into<String>, en: impl Into<String>) -> Bilingual {
    Bilingual {
        zh: zh.into(),
        en: en.into(),
    }
}

impl Bilingual {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl std::fmt::Display for Bilingual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.zh, self.en)
    }
}

impl std::error::Error for Bilingual {}

/// The language of the interface: 简体中文 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}
