//! The State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) as an office
//! receives it: the text pasted from the government's site, read into a [`HolidayYear`].
//!
//! The notice's year comes from its title ("关于2027年部分节假日安排的通知") or its first
//! sentence ("现将2027年元旦、春节……"). Each numbered holiday line ("一、元旦：…") is cut into
//! sentences: one that says 上班 lists make-up workdays, one that says 放假, 补休 or 补假 lists days
//! off (a range "A至B" is every day from A to B); other sentences (共N天, 鼓励……休息) are notes.
//! A date without a year is in the notice's year, one without a month in the month named before
//! it. A weekday in brackets after a date ("（周四）", "（星期四）", "（农历腊月二十八、周日）") must
//! be that date's weekday: a mismatch is a mistyped date, refused rather than guessed.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use super::{CalendarError, HolidayDay, HolidayYear, belongs_to, err};
use crate::text::to_half_width;

/// Reads a calendar file as the office has it: holiday-cn JSON (starting with `{`), else the
/// notice's text.
pub fn read_calendar_text(text: &str) -> Result<HolidayYear, CalendarError> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        HolidayYear::from_json(text)
    } else {
        from_notice(text)
    }
}

const HOLIDAYS: [&str; 7] = ["元旦", "春节", "清明", "劳动", "端午", "中秋", "国庆"];

/// Reads the notice's text. Nothing is guessed: a line that names a holiday but whose dates
/// cannot be read, a day given two meanings, a date outside the notice's year (other than the
/// previous December) all refuse the whole text, naming the line.
pub fn from_notice(text: &str) -> Result<HolidayYear, CalendarError> {
    let lines: Vec<String> = text
        .lines()
        .map(|l| to_half_width(l).trim().to_string())
        .collect();
    let (year, title) = notice_year(&lines)?;
    // Each numbered holiday line with its body; a line a paste has broken off (no number, and
    // a date in it or only a few characters, such as "上班。") continues the holiday above it;
    // the notice's closing paragraph (long, no date) does not.
    let mut holidays: Vec<(usize, String, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some((name, body)) = holiday_line(line) {
            holidays.push((i + 1, name, body.to_string()));
        } else if let Some(last) = holidays.last_mut()
            && !line.is_empty()
            && (has_date(line) || line.chars().count() <= 12)
            && last.0 == i
        {
            last.2.push_str(line);
            last.0 = i + 1;
        }
    }
    let mut days: BTreeMap<NaiveDate, (HolidayDay, usize)> = BTreeMap::new();
    let holiday_lines = holidays.len();
    for (number, name, body) in &holidays {
        let (number, name, body) = (*number, name.clone(), body.as_str());
        let line_err = |zh: String, en: String| {
            err(
                format!("第{number}行（{name}）：{zh}"),
                format!("line {number} ({name}): {en}"),
            )
        };
        let mut any_off = false;
        for sentence in clauses(body) {
            let sentence = sentence.as_str();
            let meaning = if sentence.contains("上班") {
                Some(false)
            } else if ["放假", "补休", "补假"]
                .iter()
                .any(|w| sentence.contains(w))
            {
                Some(true)
            } else {
                None
            };
            let Some(off) = meaning else { continue };
            let dates = sentence_dates(sentence, year).map_err(|(zh, en)| line_err(zh, en))?;
            if dates.is_empty() {
                return Err(line_err(
                    format!("“{}”中读不出日期", sentence.trim()),
                    format!("no date can be read in “{}”", sentence.trim()),
                ));
            }
            any_off |= off;
            for date in dates {
                if !belongs_to(date, year) {
                    return Err(line_err(
                        format!("{date} 不在{year}年内"),
                        format!("{date} is not in {year}"),
                    ));
                }
                if let Some((before, at)) = days.get(&date)
                    && before.off != off
                {
                    return Err(line_err(
                        format!(
                            "{date} 已在第{at}行列为{}，不能又列为{}",
                            what(before.off),
                            what(off)
                        ),
                        format!(
                            "{date} is already a {} on line {at}, and cannot also be a {}",
                            what_en(before.off),
                            what_en(off)
                        ),
                    ));
                }
                days.entry(date).or_insert((
                    HolidayDay {
                        name: name.clone(),
                        date,
                        off,
                    },
                    number,
                ));
            }
        }
        if !any_off {
            return Err(line_err(
                "没有读出放假日期（应如“1月1日至3日放假”）".to_string(),
                "no days off could be read (as in “1月1日至3日放假”)".to_string(),
            ));
        }
    }
    if holiday_lines == 0 {
        return Err(err(
            format!(
                "没有找到节日安排（应有“一、元旦：1月1日放假……”这样的行），这不像{year}年的节假日安排通知"
            ),
            format!(
                "no holiday lines (such as “一、元旦：1月1日放假……”) were found: this does not look like the {year} holiday notice"
            ),
        ));
    }
    Ok(HolidayYear {
        year,
        papers: title.into_iter().collect(),
        days: days.into_values().map(|(d, _)| d).collect(),
        provisional: false,
    })
}

/// Whether a line holds a date ("3日", "12月").
fn has_date(line: &str) -> bool {
    let chars: Vec<char> = line.chars().collect();
    chars
        .windows(2)
        .any(|w| w[0].is_ascii_digit() && (w[1] == '日' || w[1] == '月'))
}

/// A holiday's text cut into sentences (at 。 and ；, outside brackets); a sentence that says
/// both 放假 and 上班 is cut at its commas too, so each part keeps one meaning.
fn clauses(body: &str) -> Vec<String> {
    let split = |text: &str, at: &[char]| -> Vec<String> {
        let mut out = vec![String::new()];
        let mut depth = 0i32;
        for c in text.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth <= 0 && at.contains(&c) {
                out.push(String::new());
            } else if let Some(last) = out.last_mut() {
                last.push(c);
            }
        }
        out
    };
    split(body, &['.', ';', '；'])
        .into_iter()
        .flat_map(|sentence| {
            let both = sentence.contains("上班")
                && ["放假", "补休", "补假"]
                    .iter()
                    .any(|w| sentence.contains(w));
            if !both {
                return vec![sentence];
            }
            // Parts with no meaning of their own ("9月29日（星期日）" before "10月9日（星期六）上班")
            // belong to the next part that has one.
            let mut out = Vec::new();
            let mut waiting = String::new();
            for part in split(&sentence, &[',']) {
                waiting.push_str(&part);
                let meaning = ["上班", "放假", "补休", "补假"]
                    .iter()
                    .any(|w| part.contains(w));
                if meaning {
                    out.push(std::mem::take(&mut waiting));
                } else {
                    waiting.push('、');
                }
            }
            out.push(waiting);
            out
        })
        .collect()
}

fn what(off: bool) -> &'static str {
    if off { "放假" } else { "上班" }
}

fn what_en(off: bool) -> &'static str {
    if off { "day off" } else { "workday" }
}

/// The notice's year, and its title line when the text has one.
fn notice_year(lines: &[String]) -> Result<(i32, Option<String>), CalendarError> {
    for line in lines {
        for marker in ["年部分节假日安排", "年节假日安排"] {
            if let Some(year) = year_before(line, marker) {
                return Ok((year, Some(line.clone())));
            }
        }
    }
    for line in lines {
        if let Some(at) = line.find("现将") {
            let rest = &line[at + "现将".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if digits.len() == 4
                && rest[digits.len()..].starts_with('年')
                && let Ok(year) = digits.parse::<i32>()
                && super::YEARS.contains(&year)
            {
                return Ok((year, None));
            }
        }
    }
    Err(err(
        "这不是国务院办公厅的节假日安排通知：没有找到“关于YYYY年部分节假日安排的通知”，请把通知的标题一并粘贴",
        "this is not the State Council's holiday notice: “关于YYYY年部分节假日安排的通知” was not found; paste the notice with its title",
    ))
}

/// The four digits right before `marker` in `line`, as a year in the calendar's range.
fn year_before(line: &str, marker: &str) -> Option<i32> {
    let at = line.find(marker)?;
    let head = &line[..at];
    let digits: String = head
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let year: i32 = digits.parse().ok()?;
    (digits.len() == 4 && super::YEARS.contains(&year)).then_some(year)
}

/// "一、元旦：…" → ("元旦", "…"); lines that are not a numbered holiday are `None`.
fn holiday_line(line: &str) -> Option<(String, &str)> {
    let numeral = line
        .char_indices()
        .take_while(|(_, c)| "一二三四五六七八九十".contains(*c))
        .last()?;
    let rest = &line[numeral.0 + numeral.1.len_utf8()..];
    let rest = rest.strip_prefix('、')?;
    let (name, body) = rest.split_once(':')?;
    let name = name.trim();
    HOLIDAYS
        .iter()
        .any(|h| name.contains(h))
        .then(|| (name.to_string(), body))
}

type Refusal = (String, String);

/// The dates of one sentence: single days, lists ("2月14日、2月28日") and ranges ("1月28日至2月4日",
/// "2018年12月30日至2019年1月1日"), each range expanded to its days.
fn sentence_dates(sentence: &str, notice_year: i32) -> Result<Vec<NaiveDate>, Refusal> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out = Vec::new();
    let (mut year, mut month): (i32, Option<u32>) = (notice_year, None);
    let mut range_from: Option<NaiveDate> = None;
    let mut pending_range = false;
    let mut last: Option<NaiveDate> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            let value: u32 = number.parse().unwrap_or(u32::MAX);
            match chars.get(i) {
                Some('年') => {
                    year = i32::try_from(value).unwrap_or(i32::MAX);
                    i += 1;
                }
                Some('月') => {
                    month = Some(value);
                    i += 1;
                }
                Some('日') => {
                    i += 1;
                    let Some(m) = month else {
                        return Err((
                            format!("“{number}日”前没有月份"),
                            format!("“{number}日” has no month before it"),
                        ));
                    };
                    let date = NaiveDate::from_ymd_opt(year, m, value).ok_or_else(|| {
                        (
                            format!("{year}年{m}月{value}日不是有效日期"),
                            format!("{year}-{m}-{value} is not a valid date"),
                        )
                    })?;
                    if pending_range {
                        let from = range_from.take().unwrap_or(date);
                        pending_range = false;
                        if date < from {
                            return Err((
                                format!("区间 {from} 至 {date} 的结束早于开始"),
                                format!("the range {from} to {date} ends before it begins"),
                            ));
                        }
                        if (date - from).num_days() > 31 {
                            return Err((
                                format!("区间 {from} 至 {date} 超过一个月，不像节假日"),
                                format!("the range {from} to {date} is longer than a month"),
                            ));
                        }
                        let mut day = from;
                        while day < date {
                            if let Some(next) = day.succ_opt() {
                                out.push(next);
                                day = next;
                            } else {
                                break;
                            }
                        }
                    } else {
                        out.push(date);
                    }
                    last = Some(date);
                }
                _ => {}
            }
            continue;
        }
        match c {
            '至' | '~' | '～' | '—' | '-' => {
                if let Some(from) = last {
                    range_from = Some(from);
                    pending_range = true;
                }
            }
            '(' => {
                let start = i + 1;
                let mut depth = 1;
                i += 1;
                while i < chars.len() && depth > 0 {
                    match chars[i] {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                let end = if depth == 0 { i - 1 } else { i };
                let note: String = chars[start..end].iter().collect();
                // A weekday right after a date must be that date's.
                if let (Some(date), Some(weekday)) = (last, stated_weekday(&note))
                    && chars[..start - 1].iter().rev().find(|c| !c.is_whitespace()) == Some(&'日')
                    && date.weekday() != weekday
                {
                    return Err((
                        format!(
                            "{date} 是{}，而通知写的是“{note}”",
                            weekday_zh(date.weekday())
                        ),
                        format!(
                            "{date} is a {:?}, but the notice says “{note}”",
                            date.weekday()
                        ),
                    ));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if pending_range {
        return Err((
            "“至”后面没有日期".to_string(),
            "a range (至) has no end date".to_string(),
        ));
    }
    Ok(out)
}

/// "周四", "星期四", "星期日", "周天" in a note → the weekday.
fn stated_weekday(note: &str) -> Option<Weekday> {
    for marker in ["星期", "周"] {
        if let Some(at) = note.find(marker) {
            let day = note[at + marker.len()..].chars().next()?;
            return match day {
                '一' => Some(Weekday::Mon),
                '二' => Some(Weekday::Tue),
                '三' => Some(Weekday::Wed),
                '四' => Some(Weekday::Thu),
                '五' => Some(Weekday::Fri),
                '六' => Some(Weekday::Sat),
                '日' | '天' => Some(Weekday::Sun),
                _ => None,
            };
        }
    }
    None
}

fn weekday_zh(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{WorkCalendar, builtin_years};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The notices of 2019 (元旦 across the year end, 星期 forms), 2020 (国庆节、中秋节 together),
    /// 2024 (与周末连休, a 鼓励 sentence with a date in brackets), 2025 and 2026 (周 forms, lunar
    /// notes, 不调休), each as published, with the indentation a paste brings.
    const N2019: &str = "国务院办公厅关于2019年部分节假日安排的通知
国办发明电〔2018〕15号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2019年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。
　　二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。
　　三、清明节：4月5日放假，与周末连休。
　　四、劳动节：5月1日放假。
　　五、端午节：6月7日放假，与周末连休。
　　六、中秋节：9月13日放假，与周末连休。
　　七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。";

    const N2020: &str = "国务院办公厅关于2020年部分节假日安排的通知
一、元旦：2020年1月1日放假，共1天。
二、春节：1月24日至30日放假调休，共7天。1月19日（星期日）、2月1日（星期六）上班。
三、清明节：4月4日至6日放假，共3天。
四、劳动节：5月1日至5日放假调休，共5天。4月26日（星期日）、5月9日（星期六）上班。
五、端午节：6月25日至27日放假调休，共3天。6月28日（星期日）上班。
六、国庆节、中秋节：10月1日至8日放假调休，共8天。9月27日（星期日）、10月10日（星期六）上班。";

    const N2024: &str = "国务院办公厅关于2024年部分节假日安排的通知
  一、元旦：1月1日放假，与周末连休。
  二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
  三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
  四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
  五、端午节：6月10日放假，与周末连休。
  六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
  七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。";

    const N2025: &str = "国务院办公厅关于2025年部分节假日安排的通知
　　一、元旦：1月1日（周三）放假1天，不调休。
　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。
　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。";

    const N2026: &str = "国务院办公厅关于２０２６年部分节假日安排的通知
　　一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
　　二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
　　三、清明节：4月4日（周六）至6日（周一）放假，共3天。
　　四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
　　五、端午节：6月19日（周五）至21日（周日）放假，共3天。
　　六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
　　七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。";

    fn working(year: &HolidayYear) -> Vec<(NaiveDate, bool)> {
        year.days.iter().map(|d| (d.date, d.off)).collect()
    }

    /// Each notice reads to exactly the days of the official dataset for its year (2019 is not
    /// built in, and 2020's 春节 was lengthened by a second notice: their days are spelt out).
    #[test]
    fn notices_read_as_the_official_calendar() {
        let builtin = builtin_years().unwrap();
        for (text, year) in [(N2024, 2024), (N2025, 2025), (N2026, 2026)] {
            let read = from_notice(text).unwrap();
            assert_eq!(read.year, year);
            assert!(!read.provisional);
            let official = builtin.iter().find(|y| y.year == year).unwrap();
            assert_eq!(working(&read), working(official), "{year}");
            assert!(read.papers[0].contains("部分节假日安排"));
        }
        let y = from_notice(N2019).unwrap();
        assert_eq!(y.year, 2019);
        let off: Vec<NaiveDate> = y.days.iter().filter(|d| d.off).map(|d| d.date).collect();
        assert_eq!(
            &off[..3],
            &[d("2018-12-30"), d("2018-12-31"), d("2019-01-01")]
        );
        let worked: Vec<NaiveDate> = y.days.iter().filter(|d| !d.off).map(|d| d.date).collect();
        assert_eq!(
            worked,
            [
                "2018-12-29",
                "2019-02-02",
                "2019-02-03",
                "2019-09-29",
                "2019-10-12"
            ]
            .map(d)
        );
        assert_eq!(
            y.days
                .iter()
                .find(|x| x.date == d("2019-10-07"))
                .unwrap()
                .name,
            "国庆节"
        );
        let y = from_notice(N2020).unwrap();
        let national: Vec<(NaiveDate, bool)> = y
            .days
            .iter()
            .filter(|x| x.name == "国庆节、中秋节")
            .map(|x| (x.date, x.off))
            .collect();
        assert_eq!(national.len(), 10);
        assert_eq!(national[0], (d("2020-09-27"), false));
        assert_eq!(national[9], (d("2020-10-10"), false));
        assert!(national[1..9].iter().all(|(_, off)| *off));
        // Names as the notice gives them.
        let y = from_notice(N2025).unwrap();
        assert_eq!(
            y.days
                .iter()
                .find(|x| x.date == d("2025-10-06"))
                .unwrap()
                .name,
            "国庆节、中秋节"
        );
    }

    #[test]
    fn an_imported_notice_replaces_the_provisional_year() {
        let text = "国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至12日（周五）放假调休，共8天。2月20日（周六）上班。";
        let y = read_calendar_text(text).unwrap();
        let mut years = builtin_years().unwrap();
        let before = WorkCalendar::new(years.clone()).unwrap();
        assert!(before.is_provisional(2027));
        years.push(y);
        let after = WorkCalendar::new(years).unwrap();
        assert!(!after.is_provisional(2027));
        assert!(!after.is_workday(d("2027-02-11")).unwrap());
        assert!(after.is_workday(d("2027-02-20")).unwrap());
        // What the notice does not name is a plain week: 端午 is worked until a notice says so.
        assert!(after.is_workday(d("2027-06-09")).unwrap());
        assert!(!before.is_workday(d("2027-06-09")).unwrap());
    }

    /// A paste that broke a holiday's text over two lines, and a sentence that says both 放假
    /// and 上班 between commas.
    #[test]
    fn broken_lines_and_mixed_sentences() {
        let text = "国务院办公厅关于2026年部分节假日安排的通知
　　二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
2月14日（周六）、2月28日（周六）上班。
　　七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天，9月20日（周日），10月10日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。";
        let y = from_notice(text).unwrap();
        let worked: Vec<NaiveDate> = y.days.iter().filter(|d| !d.off).map(|d| d.date).collect();
        assert_eq!(
            worked,
            ["2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"].map(d)
        );
        assert_eq!(y.days.iter().filter(|d| d.off).count(), 9 + 7);
        // A line broken before its keyword still joins its holiday.
        let broken = "国务院办公厅关于2024年部分节假日安排的通知
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）
上班。";
        let y = from_notice(broken).unwrap();
        assert_eq!(y.days.iter().filter(|d| !d.off).count(), 2);
        // A year out of range in the first sentence is refused like one in the title.
        assert!(
            from_notice("经国务院批准，现将2207年元旦放假安排通知如下。\n一、元旦：1月1日放假。")
                .is_err()
        );
    }

    #[test]
    fn json_and_text_are_told_apart() {
        let json =
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#;
        assert_eq!(read_calendar_text(json).unwrap().year, 2027);
        assert_eq!(
            read_calendar_text(&format!("\u{feff}{json}"))
                .unwrap()
                .days
                .len(),
            1
        );
    }

    /// Refusals name the line and say why, in both languages.
    #[test]
    fn refusals_name_the_line() {
        let head = "国务院办公厅关于2027年部分节假日安排的通知\n";
        let cases: &[(&str, &str)] = &[
            ("今天天气很好。\n明天也是。", "节假日安排通知"),
            (
                "国务院办公厅关于2027年部分节假日安排的通知\n各部门：请做好值班。",
                "没有找到节日安排",
            ),
            ("一、元旦：放假一天。", "第2行"),
            ("一、元旦：1月1日至放假。", "第2行"),
            ("一、元旦：1月32日放假。", "第2行"),
            ("一、元旦：3日放假。", "没有月份"),
            ("一、元旦：1月1日（周一）放假。", "星期五"),
            ("一、元旦：1月3日至1月1日放假。", "结束早于开始"),
            ("一、元旦：2028年1月1日放假。", "不在2027年内"),
            ("一、元旦：1月1日上班。", "没有读出放假日期"),
            (
                "一、元旦：1月1日放假。\n二、春节：2月5日至8日放假调休。1月1日（周五）上班。",
                "第3行",
            ),
        ];
        for (body, expected) in cases {
            let text = if body.contains("通知") || body.contains("天气") {
                body.to_string()
            } else {
                format!("{head}{body}")
            };
            let e = from_notice(&text).unwrap_err();
            assert!(e.0.zh.contains(expected), "{body}: {}", e.0.zh);
            assert!(!e.0.en.is_empty(), "{body}");
        }
        // The title may also be missing when the first sentence names the year.
        let y = from_notice(
            "经国务院批准，现将2027年元旦、春节放假安排通知如下。\n一、元旦：1月1日放假。",
        )
        .unwrap();
        assert_eq!(y.year, 2027);
    }
}
