//! Substring search over Chinese text without a word segmenter: character bigrams.
//!
//! A clerk types two or three characters ("污水", "学校", "FQ2025-01") and expects every project
//! whose name, content or code contains them. Full-text engines split text into words, and
//! Chinese has no spaces; SQLite's trigram tokenizer cannot answer the two-character queries
//! that are the common case. So gongjian indexes every pair of neighbouring characters
//! (a bigram) at its position, and a query becomes the phrase of its own bigrams: consecutive
//! positions mean the query occurs as a substring. A one-character query is a prefix query on
//! the bigrams starting with that character; every character starts one, since the last
//! character of a text is paired with an end marker.
//!
//! Both the text and the query are folded the same way first: full-width ASCII to half-width,
//! lower case, whitespace dropped. Each character is written as four base-36 digits, so every
//! token is a plain ASCII word that any full-text engine (SQLite FTS5, PostgreSQL `tsvector`)
//! stores as is, and no user text ever reaches the query syntax.

use crate::text::to_half_width;

/// Width of one encoded character: 36⁴ = 1,679,616 covers every Unicode scalar value.
const CODE_WIDTH: usize = 4;
/// Pairs with the last character of a text, so that it too starts a bigram.
const END: char = '\0';

/// Folds text for matching: half-width, lower case, no whitespace.
pub fn fold(text: &str) -> Vec<char> {
    to_half_width(text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != END)
        .flat_map(char::to_lowercase)
        .collect()
}

fn encode(c: char, out: &mut String) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut n = c as u32;
    let mut digits = [b'0'; CODE_WIDTH];
    for d in digits.iter_mut().rev() {
        *d = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    out.extend(digits.iter().map(|&b| char::from(b)));
}

fn bigram(a: char, b: char) -> String {
    let mut token = String::with_capacity(2 * CODE_WIDTH);
    encode(a, &mut token);
    encode(b, &mut token);
    token
}

/// The bigram tokens of a text in order, the last character paired with the end marker.
pub fn index_tokens(text: &str) -> Vec<String> {
    let chars = fold(text);
    (0..chars.len())
        .map(|i| bigram(chars[i], chars.get(i + 1).copied().unwrap_or(END)))
        .collect()
}

/// The tokens of a text, space-separated: what SQLite's FTS5 (`unicode61` tokenizer) indexes.
pub fn index_text(text: &str) -> String {
    // Written straight into one string: an import indexes every project's text at once.
    let chars = fold(text);
    let mut out = String::with_capacity(chars.len() * (2 * CODE_WIDTH + 1));
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        encode(c, &mut out);
        encode(chars.get(i + 1).copied().unwrap_or(END), &mut out);
    }
    out
}

/// What a query asks the index for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchQuery {
    /// These bigrams at consecutive positions (two or more characters typed).
    Phrase(Vec<String>),
    /// Any bigram starting with this encoded character (one character typed).
    Prefix(String),
}

impl SearchQuery {
    /// `None` for a query that is empty once folded (only spaces).
    pub fn parse(query: &str) -> Option<SearchQuery> {
        let chars = fold(query);
        match chars.as_slice() {
            [] => None,
            [one] => {
                let mut code = String::with_capacity(CODE_WIDTH);
                encode(*one, &mut code);
                Some(SearchQuery::Prefix(code))
            }
            _ => Some(SearchQuery::Phrase(
                chars.windows(2).map(|w| bigram(w[0], w[1])).collect(),
            )),
        }
    }

    /// The FTS5 `MATCH` expression: a quoted phrase, or a prefix token.
    pub fn fts5(&self) -> String {
        match self {
            SearchQuery::Phrase(tokens) => format!("\"{}\"", tokens.join(" ")),
            SearchQuery::Prefix(code) => format!("{code}*"),
        }
    }

    /// The PostgreSQL `tsquery` literal: tokens joined by `<->` (followed by), or a prefix.
    pub fn tsquery(&self) -> String {
        match self {
            SearchQuery::Phrase(tokens) => tokens
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(" <-> "),
            SearchQuery::Prefix(code) => format!("'{code}':*"),
        }
    }
}

/// Highest position a PostgreSQL `tsvector` keeps; later tokens are left out rather than piled
/// onto this position, where they could fake a phrase.
const TSVECTOR_MAX_POSITION: usize = 16_383;

/// A PostgreSQL `tsvector` literal for several texts (name, content, code), each text's tokens at
/// consecutive positions and a gap between texts, so no phrase runs from one text into the next.
pub fn tsvector(texts: &[&str]) -> String {
    let mut positions: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    let mut next = 1;
    for text in texts {
        for token in index_tokens(text) {
            if next > TSVECTOR_MAX_POSITION {
                break;
            }
            positions.entry(token).or_default().push(next);
            next += 1;
        }
        next += 1;
    }
    positions
        .into_iter()
        .map(|(token, at)| {
            let at: Vec<String> = at.iter().map(usize::to_string).collect();
            format!("'{token}':{}", at.join(","))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(token: &str) -> String {
        token
            .as_bytes()
            .chunks(CODE_WIDTH)
            .map(|c| {
                let n = u32::from_str_radix(std::str::from_utf8(c).unwrap_or("0"), 36).unwrap_or(0);
                char::from_u32(n).unwrap_or('?')
            })
            .collect()
    }

    /// What the index promises: a query's phrase occurs in a text's tokens exactly when the
    /// folded query is a substring of the folded text.
    fn matches(text: &str, query: &str) -> bool {
        let tokens = index_tokens(text);
        match SearchQuery::parse(query) {
            None => true,
            Some(SearchQuery::Prefix(code)) => tokens.iter().any(|t| t.starts_with(&code)),
            Some(SearchQuery::Phrase(q)) => tokens.windows(q.len()).any(|w| w == q.as_slice()),
        }
    }

    #[test]
    fn tokens_are_bigrams_of_the_folded_text() {
        let tokens = index_tokens("污水 处理");
        let pairs: Vec<String> = tokens.iter().map(|t| decode(t)).collect();
        assert_eq!(pairs, ["污水", "水处", "处理", "理\0"]);
        assert!(
            tokens
                .iter()
                .all(|t| t.len() == 8 && t.bytes().all(|b| b.is_ascii_alphanumeric()))
        );
    }

    #[test]
    fn index_text_is_the_tokens_spaced() {
        for text in [
            "",
            "污",
            "污水 处理",
            "ＦＱ２０２５-0001 福清",
            "\u{3000}a\u{0}b ",
        ] {
            assert_eq!(index_text(text), index_tokens(text).join(" "), "{text:?}");
        }
    }

    #[test]
    fn finds_substrings_of_any_length() {
        let name = "福清市江阴港区污水处理厂二期工程";
        for q in [
            "污水",
            "污水处理",
            "江",
            "工程",
            "福清市江阴港区污水处理厂二期工程",
            "程",
        ] {
            assert!(matches(name, q), "{q}");
        }
        for q in ["污处", "水厂", "港口", "二期工程三", "氵"] {
            assert!(!matches(name, q), "{q}");
        }
    }

    #[test]
    fn folds_width_case_and_spaces() {
        assert!(matches("FQ2025-0001", "fq2025-00"));
        assert!(matches("FQ2025-0001", "ｆｑ２０２５"));
        assert!(matches("福清 核电", "清核"));
        assert!(matches("5G基站", "5g"));
        assert!(!matches("FQ2025-0001", "2025-02"));
        assert_eq!(SearchQuery::parse(" \u{3000} "), None);
    }

    #[test]
    fn query_syntax_holds_no_user_text() {
        let q = SearchQuery::parse("a\" OR 1=1 --'").expect("query");
        assert!(
            q.fts5()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '"')
        );
        assert!(
            q.tsquery()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " '<->".contains(c))
        );
        assert_eq!(SearchQuery::parse("污").map(|q| q.fts5().len()), Some(5));
    }

    #[test]
    fn tsvector_keeps_texts_apart() {
        let v = tsvector(&["污水", "处理"]);
        // 污水 at 1, 水+end at 2, gap at 3, 处理 at 4, 理+end at 5.
        assert_eq!(v.matches(':').count(), 4);
        let shui_chu = bigram('水', '处');
        assert!(!v.contains(&shui_chu));
        assert!(v.contains(":4"));
    }
}
