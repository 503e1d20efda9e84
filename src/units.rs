//! Numbers with their units, written one way by every output: the engine's messages, the
//! narration of events, `lpm run`, the lab's tables and the dashboard.
//!
//! lpm's own formatters rather than a crate's: three significant figures (`1.16 GiB`,
//! `96.0 GiB`, `124 GiB`) is the precision a migration figure carries, and neither `bytesize`
//! nor `humansize` writes it without rewriting their output (their precision follows the
//! number of decimals, not the magnitude).

const KIB: f64 = 1024.0;

/// A count and its noun, singular or plural: `1 partition`, `2 partitions`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Bytes in binary units with three significant figures: `512 B`, `12.0 MiB`, `1.25 GiB`; in
/// scientific notation past YiB (a hostile scenario's sizes must still print briefly).
pub fn bytes(b: f64) -> String {
    const UNITS: [&str; 8] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    if b.is_nan() {
        return "NaN B".into();
    }
    if b.is_infinite() {
        return format!("more than {:.1e} B", f64::MAX);
    }
    if b < KIB {
        return format!("{b:.0} B");
    }
    let mut v = b / KIB;
    for unit in UNITS {
        // 1023.97 MiB reads as 1.00 GiB, not "1024 MiB".
        if v < 1023.5 || unit == "YiB" {
            if v >= 1e4 {
                return format!("{b:.2e} B");
            }
            return format!("{} {unit}", sig3(v));
        }
        v /= 1024.0;
    }
    unreachable!("the last unit returns")
}

/// A rate in MiB/s, switching to GiB/s past 1 GiB/s: `512 MiB/s`, `1.07 GiB/s`.
pub fn mib_s(v: f64) -> String {
    if v >= 1024.0 {
        format!("{} GiB/s", sig3(v / 1024.0))
    } else {
        format!("{} MiB/s", sig3(v))
    }
}

/// Three significant figures, never in exponent form: 1.23, 12.3, 123, 1234.
pub fn sig3(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A number without trailing zeros: 64, 0.5, 12.25.
pub fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// An integer with thousands separators: `16,777,216`.
pub fn count(n: u64) -> String {
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

/// A duration in seconds for humans: `850 ms`, `12.3 s`, `4m 05s`, `1h 02m`.
pub fn secs(s: f64) -> String {
    if !s.is_finite() {
        return "∞".into();
    }
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        let m = (s / 60.0).floor();
        format!("{m:.0}m {:02.0}s", (s - m * 60.0).floor())
    } else {
        let h = (s / 3600.0).floor();
        format!("{h:.0}h {:02.0}m", ((s - h * 3600.0) / 60.0).floor())
    }
}

/// Milliseconds with one decimal: `50.2 ms`, and seconds past 10 s.
pub fn ms(v: f64) -> String {
    if !v.is_finite() {
        "∞".into()
    } else if v >= 10_000.0 {
        format!("{:.1} s", v / 1000.0)
    } else {
        format!("{v:.1} ms")
    }
}

/// The simulated clock: `00:01:23.4`.
pub fn clock(t: f64) -> String {
    let tenths = (t * 10.0).floor() as u64;
    let (h, rest) = (tenths / 36_000, tenths % 36_000);
    let (m, rest) = (rest / 600, rest % 600);
    format!("{h:02}:{m:02}:{:02}.{}", rest / 10, rest % 10)
}

/// A time scale: `0.25x`, `1x`, `100x`.
pub fn scale(s: f64) -> String {
    if s >= 1.0 && (s - s.round()).abs() < 1e-9 {
        format!("{s:.0}x")
    } else if s >= 0.1 {
        let t = format!("{s:.2}");
        format!("{}x", t.trim_end_matches('0').trim_end_matches('.'))
    } else {
        format!("{s:.3}x")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_read_well() {
        const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
        assert_eq!(bytes(64.0 * GIB), "64.0 GiB");
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1536.0), "1.50 KiB");
        assert_eq!(bytes(2048.0 * GIB), "2.00 TiB");
        assert_eq!(bytes(1023.97 * 1024.0 * 1024.0), "1.00 GiB");
        assert_eq!(bytes(2.0 * 1024.0 * 1024.0 * GIB), "2.00 PiB");
        assert!(bytes(1e300).ends_with("e300 B"), "{}", bytes(1e300));
        assert!(bytes(f64::INFINITY).starts_with("more than"));
        assert_eq!(bytes(1.5 * 1024.0 * 1024.0), "1.50 MiB");
        assert_eq!(bytes(300.0), "300 B");
        assert_eq!(mib_s(1098.0), "1.07 GiB/s");
        assert_eq!(mib_s(200.0), "200 MiB/s");
        assert_eq!(count(16_777_216), "16,777,216");
        assert_eq!(count(12), "12");
        assert_eq!(secs(0.0502), "50 ms");
        assert_eq!(secs(245.0), "4m 05s");
        assert_eq!(clock(83.45), "00:01:23.4");
        assert_eq!(scale(0.25), "0.25x");
        assert_eq!(scale(10.0), "10x");
    }
}
