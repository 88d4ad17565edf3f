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
/// digits to ASCII, thousands separators and spaces dropped. A comma that does not group
/// thousands ("1,2", "1,5", "12,34.5") is kept, so the text does not read as a number at all:
/// "1,2" is never 12 (see [`commas_group_thousands`]).
pub fn normalize_number_text(text: &str) -> String {
    let spaced: String = to_half_width(text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let grouped = commas_group_thousands(&spaced);
    spaced
        .chars()
        .filter(|c| {
            let separator = matches!(c, '_' | '\'') || (grouped && *c == ',');
            !separator
        })
        .collect()
}

/// Whether every comma in a number groups thousands: one to three digits before the first,
/// exactly three between and after each, none in the decimals ("1,200", "12,345.6"; not "1,2",
/// "1,5", "1234,567" or "1,200.000,1"). A number without a comma passes.
pub fn commas_group_thousands(text: &str) -> bool {
    let text = to_half_width(text);
    if !text.contains(',') {
        return true;
    }
    // The number itself, without a unit after it ("1,200人", "1,200万元").
    let number: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '+'))
        .collect();
    let unsigned = number.trim_start_matches(['-', '+']);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if fraction.contains(',') {
        return false;
    }
    let mut groups = whole.split(',');
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.chars().all(|c| c.is_ascii_digit()));
    first_ok && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
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
        assert_eq!(normalize_number_text("-1,234,567.89"), "-1234567.89");
        // A comma that does not group thousands stays, so the text is not a number.
        for bad in [
            "1,2",
            "1,5",
            "12,34",
            "1234,567",
            "1,200.000,1",
            ",123",
            "1,,200",
        ] {
            assert!(!commas_group_thousands(bad), "{bad}");
            assert!(normalize_number_text(bad).contains(','), "{bad}");
        }
        for good in [
            "1,200",
            "12,345.6",
            "１，２００",
            "100",
            "1,000,000",
            "1,200人",
        ] {
            assert!(commas_group_thousands(good), "{good}");
        }
        assert_eq!(to_half_width("ＡＢ１"), "AB1");
    }
}
