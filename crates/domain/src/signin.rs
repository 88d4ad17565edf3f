//! How failed sign-ins slow the next attempt: five failures within fifteen minutes are free
//! (a clerk mistyping), then each further attempt waits, twice as long each time, from thirty
//! seconds up to fifteen minutes. Counted per username and per client address alike, so
//! neither guessing one account's password nor trying many accounts from one place is fast.

/// How far back failures count, in seconds.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures within the window that cost nothing.
pub const FREE_FAILURES: usize = 5;
/// The first wait, doubled for each further failure.
pub const FIRST_WAIT_SECS: i64 = 30;
/// The longest wait.
pub const MAX_WAIT_SECS: i64 = 15 * 60;

/// Seconds still to wait before another attempt, given the times of earlier failures (unix
/// seconds, any order) and now; `None` when an attempt may be made now.
pub fn wait(failures: &[i64], now: i64) -> Option<i64> {
    let recent: Vec<i64> = failures
        .iter()
        .copied()
        .filter(|at| *at > now - WINDOW_SECS && *at <= now)
        .collect();
    let over = recent.len().checked_sub(FREE_FAILURES)?;
    let last = recent.iter().copied().max()?;
    let doubled = u32::try_from(over)
        .ok()
        .and_then(|n| FIRST_WAIT_SECS.checked_mul(2i64.checked_pow(n)?))
        .unwrap_or(MAX_WAIT_SECS);
    let until = last + doubled.min(MAX_WAIT_SECS);
    (until > now).then_some(until - now)
}

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Passwords guessed first: common ones, keyboard runs, and this product's published demo
/// password. Compared without case, spaces and punctuation.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "0123456789",
    "1234567890a",
    "a1234567890",
    "qwertyuiop",
    "qwertyuiop123",
    "1qaz2wsx3edc",
    "1q2w3e4r5t",
    "1q2w3e4r5t6y",
    "zxcvbnm123",
    "asdfghjkl1",
    "password123",
    "password1234",
    "passw0rd123",
    "p@ssw0rd123",
    "administrator",
    "admin12345",
    "admin123456",
    "adminadmin",
    "welcome123",
    "iloveyou123",
    "woaini1314",
    "woaini520",
    "5201314520",
    "1314520520",
    "1111111111",
    "0000000000",
    "8888888888",
    "6666666666",
    "9999999999",
    "1234512345",
    "abcdefghij",
    "abc1234567",
    "abcd123456",
    "qazwsxedc123",
    "gongjiandemo",
    "gongjian123",
    "gongjian2025",
    "gongjian2026",
    "fagaiju123",
    "zhongdianxiangmu",
];

/// Whether `password` may be set for `username`: at least [`MIN_PASSWORD_CHARS`] characters,
/// not the username, not one of the passwords guessed first.
pub fn check_password(password: &str, username: &str) -> Result<(), crate::Bilingual> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(crate::bi(
            format!("密码至少 {MIN_PASSWORD_CHARS} 位"),
            format!("the password must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    let plain = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (typed, user) = (plain(password), plain(username));
    if typed == user || (!user.is_empty() && typed.contains(&user) && typed.len() <= user.len() + 4)
    {
        return Err(crate::bi(
            "密码不能与用户名相同或相近",
            "the password must not be (close to) the username",
        ));
    }
    if COMMON.iter().any(|c| plain(c) == typed) || typed.chars().all(|c| typed.starts_with(c)) {
        return Err(crate::bi(
            "密码过于常见，容易被猜中，请换一个",
            "the password is too common to be safe; choose another",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_that_may_be_set() {
        let cases: &[(&str, &str, bool)] = &[
            ("绿水青山就是金山银山", "wang", true),
            ("Fuqing-2025-fgj", "wang", true),
            ("short", "wang", false),
            ("123456789", "wang", false),
            ("1234567890", "wang", false),
            ("Password123", "wang", false),
            ("gongjian-demo", "wang", false),
            ("aaaaaaaaaaaa", "wang", false),
            ("wangxiaoming", "wangxiaoming", false),
            ("WangXiaoMing1", "wangxiaoming", false),
            ("wangxiaoming-is-a-clerk-at-fgj", "wangxiaoming", true),
        ];
        for (password, username, ok) in cases {
            assert_eq!(
                check_password(password, username).is_ok(),
                *ok,
                "{password} / {username}"
            );
        }
    }

    #[test]
    fn waits_grow_after_five_failures() {
        let now = 1_000_000;
        // (failures as seconds before now, the wait expected)
        let cases: &[(&[i64], Option<i64>)] = &[
            (&[], None),
            (&[1, 2, 3, 4], None),
            // The fifth failure is still free; the sixth attempt waits only after it.
            (&[0, 1, 2, 3, 4], Some(30)),
            (&[10, 11, 12, 13, 14], Some(20)),
            (&[40, 41, 42, 43, 44], None),
            (&[0, 1, 2, 3, 4, 5], Some(60)),
            (&[0, 1, 2, 3, 4, 5, 6], Some(120)),
            (&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], Some(900)),
            (&[0; 40], Some(900)),
            // Failures older than the window no longer count.
            (&[0, 1, 2, 3, 901, 902, 903], None),
            // A failure "in the future" (clocks apart) is not counted.
            (&[-5, 1, 2, 3, 4], None),
        ];
        for (ago, expected) in cases {
            let failures: Vec<i64> = ago.iter().map(|a| now - a).collect();
            assert_eq!(wait(&failures, now), *expected, "{ago:?}");
        }
    }
}
