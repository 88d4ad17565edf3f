//! Pure rules of a key-project campaign (项目攻坚行动).
//!
//! Architecture Invariant: nothing here does I/O. No async, no database, no HTTP; values are
//! parsed at the edge into the types of this crate and only valid values travel inward.

/// An enum of codes with their Chinese and English names (and the aliases offices write),
/// the one shape of the code/label enums: stages, levels, unit kinds, roles.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($code:literal, $zh:literal, $en:literal $(, $alias:literal)*)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Position in the natural order, from 1: what lists sort by.
            pub fn rank(self) -> i64 {
                $name::ALL.iter().position(|v| *v == self).map_or(0, |i| i as i64 + 1)
            }

            /// The stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            pub fn label(self, lang: crate::Lang) -> &'static str {
                match lang { crate::Lang::Zh => self.label_zh(), crate::Lang::En => self.label_en() }
            }

            /// Reads the code, the Chinese label or a common alias.
            pub fn parse(text: &str) -> Option<$name> {
                let t = $crate::text::clean_name(text);
                $(
                    if t == $code || t == $zh || t.eq_ignore_ascii_case($en) $(|| t == $alias)* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }
    };
}

pub mod access;
pub mod approval;
pub mod batches;
pub mod calendar;
pub mod dates;
pub mod land;
pub mod leads;
pub mod money;
pub mod phases;
pub mod plausibility;
pub mod problem;
pub mod progress;
pub mod project;
pub mod region;
pub mod remind;
pub mod schedule;
pub mod search;
pub mod signin;
pub mod text;
pub mod tours;
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
