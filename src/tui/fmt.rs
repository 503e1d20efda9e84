//! Numbers with their units, the same way everywhere on the screen.

const KIB: f64 = 1024.0;
const MIB: f64 = 1024.0 * 1024.0;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Bytes in binary units with three significant figures: `512 B`, `12.0 MiB`, `1.25 GiB`.
pub fn bytes(b: f64) -> String {
    let (v, unit) = if b >= GIB * 1024.0 {
        (b / GIB / 1024.0, "TiB")
    } else if b >= GIB {
        (b / GIB, "GiB")
    } else if b >= MIB {
        (b / MIB, "MiB")
    } else if b >= KIB {
        (b / KIB, "KiB")
    } else {
        return format!("{b:.0} B");
    };
    format!("{} {unit}", sig3(v))
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

/// A number without trailing zeros: `64`, `0.5`, `12.25`.
pub fn num(v: f64) -> String {
    crate::engine::fmt_num(v)
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

/// Words into lines of at most `width` characters (a longer word is cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word: String = word.chars().take(width).collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(
            wrap("frame-a needs a firmware update", 15),
            vec!["frame-a needs a", "firmware update"]
        );
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn units_read_well() {
        assert_eq!(bytes(64.0 * GIB), "64.0 GiB");
        assert_eq!(bytes(1.5 * MIB), "1.50 MiB");
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
