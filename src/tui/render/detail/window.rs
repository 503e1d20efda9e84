//! The suspend window: a running timer in big digits while the partition is suspended, the
//! measured downtime afterwards, the expected one before; one line on short screens.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use crate::engine::Phase;
use crate::engine::snapshot::MoveView;
use crate::tui::app::App;
use crate::tui::fmt;

/// The suspend window in one line, for short screens.
pub(super) fn line<'a>(app: &'a App, m: &MoveView) -> Line<'a> {
    let t = &app.theme;
    match (m.suspend_elapsed_ms, m.downtime_ms) {
        (Some(ms), _) => Line::from(vec![
            Span::styled(
                " SUSPENDED ",
                t.suspend.add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            Span::styled(format!(" {}", fmt::ms(ms)), t.suspend),
        ]),
        (None, Some(d)) => Line::from(vec![
            Span::styled("Suspend window     ", t.dim),
            Span::styled(fmt::ms(d), t.bold),
            Span::styled(
                format!("  (expected {})", fmt::ms(m.expected_downtime_ms)),
                t.dim,
            ),
        ]),
        // No window is coming: a move that ended before it, or one still in the queue.
        _ if matches!(m.phase, Phase::Failed | Phase::Stopped) => Line::from(vec![
            Span::styled("Suspend window     ", t.dim),
            Span::styled("none: never suspended", t.dim),
        ]),
        _ if m.phase == Phase::Queued => Line::from(vec![
            Span::styled("Suspend window     ", t.dim),
            Span::styled(
                m.forecast_at_start
                    .as_ref()
                    .or(m.prediction.as_ref())
                    .map_or("after the move starts".into(), |p| {
                        format!("expected {} (forecast)", fmt::ms(p.downtime_ms))
                    }),
                t.dim,
            ),
        ]),
        _ => Line::from(vec![
            Span::styled("Suspend window     ", t.dim),
            Span::styled(
                format!("expected {}", fmt::ms(m.expected_downtime_ms)),
                t.dim,
            ),
        ]),
    }
}

/// The suspend window, big: a running red timer while the partition is suspended, the measured
/// downtime afterwards, the expected one before.
pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    let t = &app.theme;
    // No window opened and none is coming yet: say so in words, not as a big 0.0 ms.
    if m.suspend_elapsed_ms.is_none()
        && m.downtime_ms.is_none()
        && matches!(m.phase, Phase::Failed | Phase::Stopped | Phase::Queued)
    {
        let block = Block::bordered()
            .border_style(t.border)
            .title(Span::styled(" Suspend window ", t.dim));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut line = line(app, m);
        line.spans.drain(..1);
        frame.render_widget(Paragraph::new(line), inner);
        return;
    }
    let (title, value, style, note) = match (m.suspend_elapsed_ms, m.downtime_ms) {
        (Some(ms), _) => (
            " ● SUSPENDED — users wait ",
            ms,
            t.suspend,
            format!("expected {}", fmt::ms(m.expected_downtime_ms)),
        ),
        (None, Some(d)) => (
            if m.phase == Phase::Stopped {
                " Suspend window (stopped) "
            } else {
                " Downtime (measured) "
            },
            d,
            t.bold,
            format!("expected {}", fmt::ms(m.expected_downtime_ms)),
        ),
        _ => (
            " Suspend window: expected ",
            m.expected_downtime_ms,
            t.dim,
            "not yet".into(),
        ),
    };
    let block = Block::bordered()
        .border_type(if m.suspend_elapsed_ms.is_some() {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if m.suspend_elapsed_ms.is_some() {
            t.suspend
        } else {
            t.border
        })
        .title(Span::styled(title, style));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = if value >= 10_000.0 {
        format!("{:.1}", value / 1000.0)
    } else {
        format!("{value:.1}")
    };
    let unit = if value >= 10_000.0 { "s" } else { "ms" };
    let mut rows = big_text(&text);
    rows[0].push_str("  ");
    rows[1].push_str("  ");
    rows[2].push(' ');
    let lines = vec![
        Line::from(vec![
            Span::styled(rows[0].clone(), style),
            Span::styled(note, t.dim),
        ]),
        Line::from(Span::styled(rows[1].clone(), style)),
        Line::from(vec![
            Span::styled(rows[2].clone(), style),
            Span::styled(unit, style),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Digits three rows high.
fn big_text(s: &str) -> [String; 3] {
    let mut rows = [String::new(), String::new(), String::new()];
    for c in s.chars() {
        let g: [&str; 3] = match c {
            '0' => ["█▀█", "█ █", "▀▀▀"],
            '1' => ["▀█ ", " █ ", "▀▀▀"],
            '2' => ["▀▀█", "█▀▀", "▀▀▀"],
            '3' => ["▀▀█", " ▀█", "▀▀▀"],
            '4' => ["█ █", "▀▀█", "  ▀"],
            '5' => ["█▀▀", "▀▀█", "▀▀▀"],
            '6' => ["█▀▀", "█▀█", "▀▀▀"],
            '7' => ["▀▀█", "  █", "  ▀"],
            '8' => ["█▀█", "█▀█", "▀▀▀"],
            '9' => ["█▀█", "▀▀█", "▀▀▀"],
            '.' => [" ", " ", "▀"],
            _ => ["  ", "  ", "  "],
        };
        for (r, part) in rows.iter_mut().zip(g) {
            r.push_str(part);
            r.push(' ');
        }
    }
    rows
}
