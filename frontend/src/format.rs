//! Numbers and months for people.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The server's default `--suppress-below`: counts of 1 and 2 are withheld
/// from the public role.
pub const DEFAULT_SUPPRESS_BELOW: u64 = 3;
/// How a figure derived from a suppressed count (rate, share, change) is shown.
pub const SUPPRESSED: &str = "suppressed";

thread_local! {
    /// The threshold in force (`/api/me`'s `suppress_below`). The client is
    /// single-threaded; a thread-local keeps host unit tests independent.
    static SUPPRESS_BELOW: std::cell::Cell<u64> = const { std::cell::Cell::new(DEFAULT_SUPPRESS_BELOW) };
}

/// Sets the threshold the server reported (`/api/me`); values below 2 are
/// read as 2 (a withheld count is at least 1, so "fewer than 2").
pub fn set_suppress_below(n: u64) {
    SUPPRESS_BELOW.with(|c| c.set(n.max(2)));
}

/// The threshold in force: counts from 1 to this − 1 are withheld.
pub fn suppress_below() -> u64 {
    SUPPRESS_BELOW.with(|c| c.get())
}

/// How a suppressed count (the API's `null`, withheld from the public role)
/// is shown: "fewer than 3" with the default threshold.
pub fn fewer_than() -> String {
    format!("fewer than {}", suppress_below())
}

/// The withheld counts in words: "1 or 2", "1 to 9", or "1".
pub fn withheld_counts() -> String {
    match suppress_below() {
        0..=2 => "1".into(),
        3 => "1 or 2".into(),
        n => format!("1 to {}", n - 1),
    }
}

/// The withheld counts as a range: "1–2", "1–9", or "1".
pub fn withheld_range() -> String {
    match suppress_below() {
        0..=2 => "1".into(),
        n => format!("1–{}", n - 1),
    }
}

/// A count from the API: `1,234`, or "fewer than 3" when it is `null`
/// (suppressed). Never 0 or NaN for a withheld value.
pub fn count_text(v: Option<u64>) -> String {
    match v {
        Some(n) => thousands(n),
        None => fewer_than(),
    }
}

/// A number with `decimals` places and thousands separators.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int = thousands(int.parse().unwrap_or(0));
    let sign = if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// `+12.5%`, `−3.0%`, `0.0%`.
pub fn signed_percent(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let body = number(v, 1);
    if v > 0.0 && body != "0.0" {
        format!("+{body}%")
    } else {
        format!("{body}%")
    }
}

/// `+12`, `−3`, `0`.
/// A p-value as a report writes it: three decimals, "< 0.001" below.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

pub fn signed(v: i64) -> String {
    match v {
        v if v > 0 => format!("+{}", thousands(v as u64)),
        v if v < 0 => format!("−{}", thousands(v.unsigned_abs())),
        _ => "0".into(),
    }
}

/// `2025-01` → `Jan 2025` (anything else unchanged).
pub fn month_label(m: &str) -> String {
    if crate::filters::is_month(m) {
        let i: usize = m[5..].parse().unwrap_or(1);
        format!("{} {}", MONTHS[i - 1], &m[..4])
    } else {
        m.to_string()
    }
}

/// `2025-01` → `Jan` (the chart's axis), `Jan 25` when `with_year`.
pub fn month_short(m: &str, with_year: bool) -> String {
    if crate::filters::is_month(m) {
        let i: usize = m[5..].parse().unwrap_or(1);
        if with_year {
            format!("{} {}", MONTHS[i - 1], &m[2..4])
        } else {
            MONTHS[i - 1].to_string()
        }
    } else {
        m.to_string()
    }
}

/// `1st`, `2nd`, `3rd`, `11th`...
pub fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Escapes text for HTML/SVG.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(number(1234.567, 1), "1,234.6");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(number(-12.0, 0), "−12");
        assert_eq!(signed_percent(12.46), "+12.5%");
        assert_eq!(signed_percent(-3.0), "−3.0%");
        assert_eq!(signed_percent(0.0), "0.0%");
        assert_eq!(signed(-4), "−4");
        assert_eq!(month_label("2025-01"), "Jan 2025");
        assert_eq!(month_short("2025-12", true), "Dec 25");
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(23), "23rd");
        assert_eq!(esc("<a&'\">"), "&lt;a&amp;&#39;&quot;&gt;");
        assert_eq!(count_text(Some(1234)), "1,234");
        assert_eq!(count_text(Some(0)), "0");
        assert_eq!(count_text(None), "fewer than 3");
    }

    #[test]
    fn suppression_threshold_follows_the_server() {
        assert_eq!(suppress_below(), 3);
        assert_eq!(
            (withheld_counts(), withheld_range()),
            ("1 or 2".into(), "1–2".into())
        );
        set_suppress_below(10);
        assert_eq!(count_text(None), "fewer than 10");
        assert_eq!(
            (withheld_counts(), withheld_range()),
            ("1 to 9".into(), "1–9".into())
        );
        set_suppress_below(0);
        assert_eq!(fewer_than(), "fewer than 2");
        assert_eq!(
            (withheld_counts(), withheld_range()),
            ("1".into(), "1".into())
        );
        set_suppress_below(DEFAULT_SUPPRESS_BELOW);
    }
}
