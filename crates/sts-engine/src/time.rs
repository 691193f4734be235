//! Virtual time. The simulation never reads a wall clock: every instant is a [`SimTime`]
//! counted in milliseconds from a fixed epoch, and every delay is a [`SimDuration`].

use std::fmt;
use std::ops::{Add, Sub};

/// The fixed wall-clock instant that virtual time 0 corresponds to, for rendering
/// timestamps (`2025-01-01T00:00:00Z`). A constant, so traces never depend on "now".
pub const EPOCH_UNIX_SECONDS: i64 = 1_735_689_600;

/// An instant of virtual time, in milliseconds since the simulation started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of virtual time, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimDuration {
    /// `s` whole seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1000)
    }
    /// `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }
    /// Milliseconds in this span.
    pub const fn as_millis(self) -> u64 {
        self.0
    }
    /// Parses `500ms`, `3s`, `2m`, `1h`, `1m30s` or a bare number of seconds.
    pub fn parse(text: &str) -> Option<SimDuration> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        if let Ok(n) = t.parse::<u64>() {
            return n.checked_mul(1000).map(SimDuration);
        }
        let mut total: u64 = 0;
        let mut num = String::new();
        let mut chars = t.chars().peekable();
        let mut any = false;
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                num.push(c);
                continue;
            }
            let unit_ms: u64 = match c {
                'm' if chars.peek() == Some(&'s') => {
                    chars.next();
                    1
                }
                's' => 1000,
                'm' => 60_000,
                'h' => 3_600_000,
                _ => return None,
            };
            let n: u64 = num.parse().ok()?;
            num.clear();
            total = total.checked_add(n.checked_mul(unit_ms)?)?;
            any = true;
        }
        if !num.is_empty() || !any {
            return None;
        }
        Some(SimDuration(total))
    }
}

impl SimTime {
    /// Time zero, when the scenario starts.
    pub const ZERO: SimTime = SimTime(0);
    /// Milliseconds since the simulation started.
    pub const fn as_millis(self) -> u64 {
        self.0
    }
    /// The span from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
    /// RFC 3339 rendering (`2025-01-01T00:00:05Z`) as the API server would print it.
    pub fn rfc3339(self) -> String {
        let secs = EPOCH_UNIX_SECONDS + (self.0 / 1000) as i64;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )
    }
}

impl SimTime {
    /// Go's `time.RFC1123Z` (`Wed, 01 Jan 2025 00:00:05 +0000`), as `kubectl describe`
    /// prints timestamps.
    pub fn rfc1123z(self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let secs = EPOCH_UNIX_SECONDS + (self.0 / 1000) as i64;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} +0000",
            DAYS[days.rem_euclid(7) as usize],
            MONTHS[(m as usize).clamp(1, 12) - 1],
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Sub<SimDuration> for SimTime {
    type Output = SimTime;
    fn sub(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_sub(d.0))
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl fmt::Display for SimTime {
    /// `mm:ss.mmm` (hours are prepended past one hour), the trace's time column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let s = (self.0 / 1000) % 60;
        let m = (self.0 / 60_000) % 60;
        let h = self.0 / 3_600_000;
        if h > 0 {
            write!(f, "{h}:{m:02}:{s:02}.{ms:03}")
        } else {
            write!(f, "{m:02}:{s:02}.{ms:03}")
        }
    }
}

/// kubectl's AGE column (`k8s.io/apimachinery/pkg/util/duration.HumanDuration`).
pub fn human_duration(d: SimDuration) -> String {
    let secs = d.0 / 1000;
    if secs < 2 * 60 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if days < 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{days}d")
        } else {
            format!("{days}d{h}h")
        };
    }
    format!("{days}d")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations() {
        assert_eq!(SimDuration::parse("3s"), Some(SimDuration(3000)));
        assert_eq!(SimDuration::parse("500ms"), Some(SimDuration(500)));
        assert_eq!(SimDuration::parse("1m30s"), Some(SimDuration(90_000)));
        assert_eq!(SimDuration::parse("12"), Some(SimDuration(12_000)));
        assert_eq!(SimDuration::parse("3x"), None);
        assert_eq!(SimDuration::parse("s"), None);
    }

    #[test]
    fn renders_timestamps_and_ages() {
        assert_eq!(SimTime(0).rfc3339(), "2025-01-01T00:00:00Z");
        assert_eq!(
            SimTime(86_400_000 * 59 + 5000).rfc3339(),
            "2025-03-01T00:00:05Z"
        );
        assert_eq!(SimTime(72_300).to_string(), "01:12.300");
        assert_eq!(human_duration(SimDuration::from_secs(90)), "90s");
        assert_eq!(human_duration(SimDuration::from_secs(150)), "2m30s");
        assert_eq!(
            human_duration(SimDuration::from_secs(3600 * 3 + 60)),
            "3h1m"
        );
    }
}
