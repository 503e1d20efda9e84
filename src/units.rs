//! Numbers with their units, written the same way by every output: the engine's messages,
//! `lpm run`, the dashboard.

/// A number without trailing zeros: 64, 0.5, 12.25.
pub fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Bytes in binary units: 512 MiB, 8.4 GiB, 2.1 TiB; in scientific notation past YiB.
pub fn bytes(b: f64) -> String {
    const UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
    if b.is_infinite() {
        return format!("more than {:.1e} B", f64::MAX);
    }
    if b >= 1024f64.powi(9) {
        return format!("{b:.2e} B");
    }
    let mut v = b;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 || v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_reads_well() {
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1536.0), "1.5 KiB");
        assert_eq!(bytes(64.0 * 1024.0 * 1024.0 * 1024.0), "64.0 GiB");
        assert_eq!(bytes(300.0 * 1024.0 * 1024.0), "300 MiB");
    }
}
