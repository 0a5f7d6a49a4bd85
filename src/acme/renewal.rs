//! When a certificate is due for renewal (SPEC §13; RFC 9773 §4.2 for
//! the CA's suggested window): inside the window the CA suggests, at a
//! uniformly random moment in it chosen once; without one, when a third
//! of the certificate's lifetime is left (Let's Encrypt's "about two
//! thirds through": a 6-day certificate after about 4 days, a 90-day one
//! with 30 left), or when it ends within a window the user gives. Times
//! are Unix seconds.
//!
//! What `renew` learnt from the CA is kept per record as a
//! [`RenewalState`] (a cache in the keystore: `Store::acme_renewal_state`):
//! the window the CA suggested, the moment chosen in it, and when the CA
//! may be asked again (its `Retry-After`, RFC 9773 §4.3), or that the
//! directory offers no `renewalInfo` at all.

use serde::{Deserialize, Serialize};

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

/// The next check when the CA sends no `Retry-After` (RFC 9773 §4.3.2
/// asks clients to check at least daily; Let's Encrypt answers 6 h).
pub const DEFAULT_RETRY: i64 = 6 * 3600;
/// The shortest wait honoured before the next check (a CA asking for
/// less is asked no sooner than this).
pub const MIN_RETRY: i64 = 60;
/// The longest wait honoured (a CA, or a damaged cache, asking for more
/// is asked again after this).
pub const MAX_RETRY: i64 = 7 * 86_400;

/// The wait before the next ARI check, in seconds: the CA's
/// `Retry-After` clamped to [`MIN_RETRY`]..=[`MAX_RETRY`], or
/// [`DEFAULT_RETRY`] when it sent none.
pub fn retry_after(given: Option<i64>) -> i64 {
    given.unwrap_or(DEFAULT_RETRY).clamp(MIN_RETRY, MAX_RETRY)
}

/// The CA's suggested renewal window (RFC 9773 §4.2) and the moment
/// chosen in it, Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub start: i64,
    pub end: i64,
    /// Uniformly random in `[start, end]`, chosen once per window.
    pub moment: i64,
}

/// What `renew` keeps for one record between runs (stored as JSON text;
/// a cache: losing it costs one more check).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalState {
    /// The serial of the certificate this belongs to, as the record keeps
    /// it (`CertSummary::serial`); a state for another serial is stale.
    pub serial: String,
    /// The ACME directory URL asked.
    pub directory: String,
    /// The ARI certificate identifier (RFC 9773 §4.1: base64url AKI
    /// keyIdentifier, `.`, base64url serial); `None` when the directory
    /// offers no `renewalInfo`.
    #[serde(default)]
    pub cert_id: Option<String>,
    /// The CA's window; `None` when the directory offers no
    /// `renewalInfo` (the lifetime rule decides).
    #[serde(default)]
    pub window: Option<Window>,
    /// When the CA (or its directory) was asked.
    pub checked: i64,
    /// When it may be asked again.
    pub next_check: i64,
    /// The page the CA gave to explain its window (`explanationURL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation_url: Option<String>,
}

impl RenewalState {
    /// The stored state, when it parses (a damaged one is none).
    pub fn parse(text: &str) -> Option<RenewalState> {
        serde_json::from_str(text).ok()
    }

    /// The JSON text to store.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Whether this state may decide now without asking the CA: it
    /// belongs to the certificate `serial` from `directory`, and its next
    /// check has not come. A state checked in the future (the clock went
    /// back) or waiting longer than [`MAX_RETRY`] is not trusted.
    pub fn fresh(&self, serial: &str, directory: &str, now: i64) -> bool {
        self.serial == serial
            && self.directory == directory
            && self.checked <= now + MIN_RETRY
            && now < self.next_check
            && self.next_check - self.checked <= MAX_RETRY
    }

    /// The decision at `now`: inside the window at or after its moment
    /// (`Some(Ari)`); `None` when not yet. A state without a window (no
    /// ARI at this directory) is decided by the caller's lifetime rule.
    pub fn due(&self, now: i64) -> Option<Reason> {
        self.window.filter(|w| now >= w.moment).map(|_| Reason::Ari)
    }
}

/// The window to keep after the CA suggested `[start, end]` for the
/// certificate `serial`: the previous state's moment when it was chosen
/// for the same certificate and the same window, else a new one at
/// `fraction` (uniform in [0, 1)) of it (RFC 9773 §4.2: "select a
/// uniform random time within the suggested window").
pub fn choose(
    previous: Option<&RenewalState>,
    serial: &str,
    start: i64,
    end: i64,
    fraction: f64,
) -> Window {
    if let Some(w) = previous
        .filter(|p| p.serial == serial)
        .and_then(|p| p.window)
        .filter(|w| w.start == start && w.end == end)
    {
        return w;
    }
    Window {
        start,
        end,
        moment: ari_moment(start, end, fraction),
    }
}

/// A uniform fraction in [0, 1) from the system's random source (0.0
/// when it fails: the window's start, the earliest moment the CA allows).
pub fn random_fraction() -> f64 {
    let mut b = [0u8; 8];
    if aws_lc_rs::rand::fill(&mut b).is_err() {
        return 0.0;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
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

    fn state(serial: &str, window: Option<Window>, checked: i64, next: i64) -> RenewalState {
        RenewalState {
            serial: serial.to_string(),
            directory: "https://ca.test/dir".to_string(),
            cert_id: window.map(|_| "aki.serial".to_string()),
            window,
            checked,
            next_check: next,
            explanation_url: None,
        }
    }

    #[test]
    fn the_moment_is_chosen_once_per_window_and_again_when_it_changes() {
        let first = choose(None, "01", 1000, 2000, 0.25);
        assert_eq!(
            first,
            Window {
                start: 1000,
                end: 2000,
                moment: 1250
            }
        );
        let kept = state("01", Some(first), 0, 10);
        // The same window for the same certificate keeps its moment,
        // whatever the new draw.
        assert_eq!(choose(Some(&kept), "01", 1000, 2000, 0.9), first);
        // A moved window (the CA's incident, a revocation) is drawn anew.
        assert_eq!(choose(Some(&kept), "01", 500, 900, 0.5).moment, 700);
        // Another certificate's state is not reused.
        assert_eq!(choose(Some(&kept), "02", 1000, 2000, 0.9).moment, 1900);
        // A window in the past: its moment is past, so due now.
        let past = choose(None, "01", 10, 20, 0.5);
        assert_eq!(state("01", Some(past), 30, 40).due(30), Some(Reason::Ari));
    }

    #[test]
    fn random_moments_fall_inside_the_window() {
        let mut seen_low = false;
        let mut seen_high = false;
        for _ in 0..200 {
            let f = random_fraction();
            assert!((0.0..1.0).contains(&f));
            let m = ari_moment(1000, 2000, f);
            assert!((1000..2000).contains(&m));
            seen_low |= m < 1500;
            seen_high |= m >= 1500;
        }
        assert!(seen_low && seen_high, "200 draws all on one side");
    }

    #[test]
    fn a_state_decides_only_for_its_certificate_until_its_next_check() {
        let w = Window {
            start: 100,
            end: 200,
            moment: 150,
        };
        let s = state("0a", Some(w), 50, 50 + DEFAULT_RETRY);
        assert!(s.fresh("0a", "https://ca.test/dir", 60));
        assert_eq!(s.due(149), None);
        assert_eq!(s.due(150), Some(Reason::Ari));
        // Stale: another serial (the certificate was replaced), another
        // directory, the next check come, or a time the clock cannot have.
        assert!(!s.fresh("0b", "https://ca.test/dir", 60));
        assert!(!s.fresh("0a", "https://other.test/dir", 60));
        assert!(!s.fresh("0a", "https://ca.test/dir", 50 + DEFAULT_RETRY));
        assert!(!s.fresh("0a", "https://ca.test/dir", 50 - 2 * MIN_RETRY));
        assert!(!state("0a", Some(w), 0, MAX_RETRY + 1).fresh("0a", "https://ca.test/dir", 1));
        // No ARI at the directory: no window, the lifetime rule decides.
        assert_eq!(state("0a", None, 0, 100).due(10_000), None);
        // Round trip; a damaged text is none.
        assert_eq!(RenewalState::parse(&s.to_text()), Some(s));
        assert_eq!(RenewalState::parse("{\"serial\":"), None);
    }

    #[test]
    fn retry_after_is_clamped_and_defaults_to_six_hours() {
        assert_eq!(retry_after(None), 6 * 3600);
        assert_eq!(retry_after(Some(86_400)), 86_400);
        assert_eq!(retry_after(Some(0)), MIN_RETRY);
        assert_eq!(retry_after(Some(-5)), MIN_RETRY);
        assert_eq!(retry_after(Some(365 * 86_400)), MAX_RETRY);
    }
}
