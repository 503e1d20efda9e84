//! Named styles. Colours carry meaning (green: clean / good, red: dirty / suspended / failed,
//! yellow: attention, cyan: transfer) and use the terminal's own palette, so they read on dark
//! and light backgrounds alike. With `NO_COLOR` set, only bold / dim / reverse remain, and the
//! glyphs (✓ ✗ █ ▒ ·) carry the meaning on their own.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone)]
pub struct Theme {
    pub base: Style,
    pub dim: Style,
    pub bold: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    pub selected: Style,
    pub key: Style,
    pub good: Style,
    pub bad: Style,
    pub warn: Style,
    pub info: Style,
    pub paused: Style,
    pub running: Style,
    /// Pages dirtied: the chart line, dirty map cells.
    pub dirty: Style,
    /// Pages sent: the chart line, the round bars.
    pub transfer: Style,
    pub clean: Style,
    pub never_sent: Style,
    pub gauge: Style,
    pub gauge_done: Style,
    pub suspend: Style,
    pub phase_now: Style,
    pub phase_done: Style,
    pub phase_todo: Style,
    pub bar_cpu: Style,
    pub bar_mem: Style,
    pub forecast: Style,
}

impl Theme {
    /// The theme the environment asks for: monochrome when `NO_COLOR` is set (and not empty).
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::mono(),
            _ => Theme::colored(),
        }
    }

    pub fn colored() -> Theme {
        let fg = |c: Color| Style::new().fg(c);
        Theme {
            base: Style::new(),
            dim: Style::new().add_modifier(Modifier::DIM),
            bold: Style::new().add_modifier(Modifier::BOLD),
            title: Style::new().add_modifier(Modifier::BOLD),
            border: fg(Color::DarkGray),
            border_focus: fg(Color::Cyan),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            key: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            good: fg(Color::Green),
            bad: fg(Color::Red).add_modifier(Modifier::BOLD),
            warn: fg(Color::Yellow),
            info: fg(Color::Cyan),
            paused: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            running: fg(Color::Green).add_modifier(Modifier::BOLD),
            dirty: fg(Color::Red),
            transfer: fg(Color::Cyan),
            clean: fg(Color::Green),
            never_sent: fg(Color::DarkGray),
            gauge: fg(Color::Yellow),
            gauge_done: fg(Color::Green),
            suspend: fg(Color::Red).add_modifier(Modifier::BOLD),
            phase_now: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            phase_done: fg(Color::Green),
            phase_todo: Style::new().add_modifier(Modifier::DIM),
            bar_cpu: fg(Color::Blue),
            bar_mem: fg(Color::Magenta),
            forecast: fg(Color::Magenta),
        }
    }

    /// A theme by name: `color`, `mono` or `high-contrast`.
    pub fn named(name: &str) -> Option<Theme> {
        match name {
            "color" | "colour" | "default" => Some(Theme::colored()),
            "mono" | "monochrome" => Some(Theme::mono()),
            "high-contrast" | "projector" => Some(Theme::high_contrast()),
            _ => None,
        }
    }

    /// For projectors, which wash out dim text and dark colours: white on black, bright
    /// colours only, bold wherever it carries meaning, nothing dimmed.
    pub fn high_contrast() -> Theme {
        let base = Style::new().fg(Color::White).bg(Color::Black);
        let fg = |c: Color| base.fg(c).add_modifier(Modifier::BOLD);
        let inverse = |c: Color| {
            Style::new()
                .fg(Color::Black)
                .bg(c)
                .add_modifier(Modifier::BOLD)
        };
        Theme {
            base,
            dim: base.fg(Color::Gray),
            bold: base.add_modifier(Modifier::BOLD),
            title: fg(Color::White),
            border: base.fg(Color::Gray),
            border_focus: fg(Color::LightCyan),
            selected: inverse(Color::White),
            key: fg(Color::LightYellow),
            good: fg(Color::LightGreen),
            bad: fg(Color::LightRed),
            warn: fg(Color::LightYellow),
            info: fg(Color::LightCyan),
            paused: inverse(Color::LightYellow),
            running: fg(Color::LightGreen),
            dirty: fg(Color::LightRed),
            transfer: fg(Color::LightCyan),
            clean: fg(Color::LightGreen),
            never_sent: base.fg(Color::Gray),
            gauge: fg(Color::LightYellow),
            gauge_done: fg(Color::LightGreen),
            suspend: fg(Color::LightRed),
            phase_now: inverse(Color::LightCyan),
            phase_done: fg(Color::LightGreen),
            phase_todo: base.fg(Color::Gray),
            bar_cpu: fg(Color::LightBlue),
            bar_mem: fg(Color::LightMagenta),
            forecast: fg(Color::LightMagenta),
        }
    }

    pub fn mono() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let dim = Style::new().add_modifier(Modifier::DIM);
        let rev = Style::new().add_modifier(Modifier::REVERSED);
        Theme {
            base: plain,
            dim,
            bold,
            title: bold,
            border: plain,
            border_focus: bold,
            selected: rev,
            key: bold,
            good: plain,
            bad: bold,
            warn: bold,
            info: plain,
            paused: rev.add_modifier(Modifier::BOLD),
            running: bold,
            dirty: bold,
            transfer: plain,
            clean: plain,
            never_sent: dim,
            gauge: plain,
            gauge_done: bold,
            suspend: bold,
            phase_now: rev.add_modifier(Modifier::BOLD),
            phase_done: plain,
            phase_todo: dim,
            bar_cpu: plain,
            bar_mem: plain,
            forecast: plain,
        }
    }
}
