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

#[cfg(test)]
mod tests {
    use super::*;

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
