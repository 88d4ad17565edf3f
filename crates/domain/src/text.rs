//! Text as it arrives from sheets and forms: full-width characters, padding, separators.

/// Maps full-width ASCII variants (０-９, Ａ-Ｚ, ．, －, ，…) to ASCII and the ideographic space to a
/// space. Chinese characters are left alone.
pub fn to_half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3002}' => '.',
            _ => c,
        })
        .collect()
}

/// Trims half- and full-width spaces (and the no-break space) from both ends and collapses the
/// inner runs that copy-paste leaves behind in names.
pub fn clean_name(text: &str) -> String {
    let trimmed =
        text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}');
    let mut out = String::with_capacity(trimmed.len());
    let mut last_space = false;
    for c in trimmed.chars() {
        let space = c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}';
        if space {
            if !last_space {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
        last_space = space;
    }
    out
}

/// Turns "１,２３４.５ ", "1，234" or " 12 " into a plain decimal literal ("1234.5"): full-width
/// digits to ASCII, thousands separators and spaces dropped.
pub fn normalize_number_text(text: &str) -> String {
    to_half_width(text)
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '_' | '\'') && !c.is_whitespace() && *c != '\u{a0}')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_names_and_numbers() {
        assert_eq!(
            clean_name("\u{3000} 福清核电  三期 \u{3000}"),
            "福清核电 三期"
        );
        assert_eq!(normalize_number_text("１，２３４．５ "), "1234.5");
        assert_eq!(normalize_number_text(" 12,000 "), "12000");
        assert_eq!(to_half_width("ＡＢ１"), "AB1");
    }
}
