//! When a certificate is due for renewal (SPEC §13; RFC 9773 §4.2 for
//! the CA's suggested window): inside the window the CA suggests, at a
//! uniformly random moment in it chosen once; without one, when a third
//! of the certificate's lifetime is left (Let's Encrypt's "about two
//! thirds through": a 6-day certificate after about 4 days, a 90-day one
//! with 30 left), or when it ends within a window the user gives. Times
//! are Unix seconds.

/// Why a certificate is due (or would be).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The user asked for it.
    Forced,
    /// It ends within the user's window.
    Window,
    /// A third of its lifetime (or less) is left.
    Lifetime,
    /// Inside the CA's suggested renewal window (ARI).
    Ari,
}

impl Reason {
    /// The name in `renew --format json` (`forced`, `window`,
    /// `lifetime`, `ari`).
    pub fn name(self) -> &'static str {
        match self {
            Reason::Forced => "forced",
            Reason::Window => "window",
            Reason::Lifetime => "lifetime",
            Reason::Ari => "ari",
        }
    }
}

/// The moment a certificate valid from `not_before` to `not_after`
/// becomes due: `within` seconds before its end when given, else when a
/// third of its lifetime is left.
pub fn due_at(not_before: i64, not_after: i64, within: Option<i64>) -> i64 {
    match within {
        Some(w) => not_after - w,
        None => not_after - (not_after - not_before).max(0) / 3,
    }
}

/// Whether it is due at `now`, and why.
pub fn due(not_before: i64, not_after: i64, now: i64, within: Option<i64>) -> Option<Reason> {
    (now >= due_at(not_before, not_after, within)).then_some(match within {
        Some(_) => Reason::Window,
        None => Reason::Lifetime,
    })
}

/// The moment to renew inside a suggested window `[start, end]` (RFC
/// 9773 §4.2): `start + (end - start) * fraction`, `fraction` uniform in
/// [0, 1) and chosen once per window. A window that has already started
/// or ended renews at `now` (the caller sees `moment <= now`).
pub fn ari_moment(start: i64, end: i64, fraction: f64) -> i64 {
    let span = (end - start).max(0) as f64;
    start + (span * fraction.clamp(0.0, 1.0)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn a_third_of_the_lifetime_left() {
        // 90 days: due with 30 left.
        assert_eq!(due_at(0, 90 * DAY, None), 60 * DAY);
        assert_eq!(due(0, 90 * DAY, 60 * DAY - 1, None), None);
        assert_eq!(due(0, 90 * DAY, 60 * DAY, None), Some(Reason::Lifetime));
        // 6-day (160 h) certificates: after 4 days, not 30 days early.
        assert_eq!(due_at(0, 6 * DAY, None), 4 * DAY);
        assert_eq!(due(0, 6 * DAY, 3 * DAY, None), None);
        // 7-day Pebble test certificates just issued: not due.
        assert_eq!(due(0, 7 * DAY, 60, None), None);
        // A window given by the user wins.
        assert_eq!(
            due(0, 90 * DAY, 70 * DAY, Some(30 * DAY)),
            Some(Reason::Window)
        );
        assert_eq!(due(0, 90 * DAY, 50 * DAY, Some(30 * DAY)), None);
        // Expired: due.
        assert_eq!(due(0, DAY, 2 * DAY, None), Some(Reason::Lifetime));
        // A certificate whose dates are reversed is due at once.
        assert_eq!(due(10, 0, 5, None), Some(Reason::Lifetime));
    }

    #[test]
    fn the_ari_moment_lies_in_the_window() {
        assert_eq!(ari_moment(100, 200, 0.0), 100);
        assert_eq!(ari_moment(100, 200, 0.5), 150);
        assert!(ari_moment(100, 200, 0.999_999) < 200);
        assert_eq!(ari_moment(100, 50, 0.7), 100);
        assert_eq!(ari_moment(100, 200, 7.0), 200);
    }
}
