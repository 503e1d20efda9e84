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
