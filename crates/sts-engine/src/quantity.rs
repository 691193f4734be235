//! Kubernetes resource quantities (`500m`, `2`, `1Gi`, `512Mi`, `1e3`), reduced to the
//! integers the scheduler compares: millicores for CPU, bytes for everything else.

/// Parses a quantity into thousandths of its unit (millicores for CPU; milli-bytes are
/// never useful, so memory and storage use [`parse_bytes`]).
pub fn parse_milli(text: &str) -> Option<i128> {
    let (num, mult_num, mult_den) = split(text)?;
    let (int, frac_digits) = decimal(num)?;
    // value = int / 10^frac_digits * mult_num / mult_den, times 1000 for milli.
    let scaled = int.checked_mul(1000)?.checked_mul(mult_num)?;
    let den = 10i128.checked_pow(frac_digits)?.checked_mul(mult_den)?;
    Some(ceil_div(scaled, den))
}

/// Parses a quantity into whole units (bytes for memory and storage), rounding up.
pub fn parse_bytes(text: &str) -> Option<i128> {
    parse_milli(text).map(|m| ceil_div(m, 1000))
}

fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && ((a > 0) == (b > 0)) {
        q + 1
    } else {
        q
    }
}

/// Splits a quantity into its number and its suffix multiplier (numerator, denominator).
fn split(text: &str) -> Option<(&str, i128, i128)> {
    let t = text.trim();
    let idx = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(t.len());
    let (num, suffix) = t.split_at(idx);
    if num.is_empty() {
        return None;
    }
    let (n, d): (i128, i128) = match suffix {
        "" => (1, 1),
        "m" => (1, 1000),
        "k" => (1_000, 1),
        "M" => (1_000_000, 1),
        "G" => (1_000_000_000, 1),
        "T" => (1_000_000_000_000, 1),
        "P" => (1_000_000_000_000_000, 1),
        "Ki" => (1 << 10, 1),
        "Mi" => (1 << 20, 1),
        "Gi" => (1 << 30, 1),
        "Ti" => (1 << 40, 1),
        "Pi" => (1 << 50, 1),
        s if s.starts_with(['e', 'E']) => {
            let exp: u32 = s[1..].parse().ok()?;
            (10i128.checked_pow(exp)?, 1)
        }
        _ => return None,
    };
    Some((num, n, d))
}

/// `"1.25"` → (125, 2).
fn decimal(num: &str) -> Option<(i128, u32)> {
    let (neg, digits) = match num.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, num.strip_prefix('+').unwrap_or(num)),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    if (whole.is_empty() && frac.is_empty()) || frac.len() > 9 || whole.len() > 18 {
        return None;
    }
    if !whole
        .chars()
        .chain(frac.chars())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let mut v: i128 = 0;
    for c in whole.chars().chain(frac.chars()) {
        v = v * 10 + (c as i128 - '0' as i128);
    }
    Some((if neg { -v } else { v }, frac.len() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_and_memory() {
        assert_eq!(parse_milli("500m"), Some(500));
        assert_eq!(parse_milli("2"), Some(2000));
        assert_eq!(parse_milli("0.5"), Some(500));
        assert_eq!(parse_bytes("1Gi"), Some(1 << 30));
        assert_eq!(parse_bytes("512Mi"), Some(512 << 20));
        assert_eq!(parse_bytes("1G"), Some(1_000_000_000));
        assert_eq!(parse_bytes("1e3"), Some(1000));
        assert_eq!(parse_bytes("abc"), None);
        assert_eq!(parse_bytes("1Zi"), None);
    }
}
