//! The dashboard's text helpers: numbers come from the one units module, and words wrap here.

pub use crate::units::*;

/// Power: `850 W`, `3.21 kW`.
pub fn watts(w: f64) -> String {
    if w.abs() < 1000.0 {
        format!("{w:.0} W")
    } else {
        format!("{} kW", sig3(w / 1000.0))
    }
}

/// Energy: `640 Wh`, `1.56 kWh`.
pub fn wh(wh: f64) -> String {
    if wh.abs() < 1000.0 {
        format!("{} Wh", sig3(wh))
    } else {
        format!("{} kWh", sig3(wh / 1000.0))
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
}
