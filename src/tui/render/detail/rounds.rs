//! The move's rounds as a table (`g`), in the chart's place, or the memory map's on narrow
//! screens.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Row, Table};

use crate::engine::snapshot::MoveView;
use crate::tui::app::App;
use crate::tui::fmt;

/// The move's rounds as a table (`g`): what a developer reads to study convergence.
pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    let t = &app.theme;
    let page = app.snap.page_size_kib as f64 * 1024.0;
    let header = Row::new([
        "rnd", "sent", "dirty", "time", "dirty/s", "xfer/s", "clean", "exp.down",
    ])
    .style(t.bold);
    // Five characters a figure: 1.00G, 48.0M, 512K.
    let short = |bytes: f64| {
        let units = ["B", "K", "M", "G", "T", "P"];
        let mut v = bytes.max(0.0);
        let mut u = 0;
        while v >= 1000.0 && u + 1 < units.len() {
            v /= 1024.0;
            u += 1;
        }
        if v >= 100.0 || u == 0 {
            format!("{v:.0}{}", units[u])
        } else if v >= 10.0 {
            format!("{v:.1}{}", units[u])
        } else {
            format!("{v:.2}{}", units[u])
        }
    };
    // The latest rounds when they do not all fit.
    let room = area.height.saturating_sub(3) as usize;
    let skip = m.history.len().saturating_sub(room);
    let rows = m.history.iter().skip(skip).map(|r| {
        Row::new([
            r.round.to_string(),
            short(r.pages_sent as f64 * page),
            short(r.pages_dirtied as f64 * page),
            fmt::secs(r.duration_s),
            short(r.dirty_rate_pages_s * page),
            short(r.transfer_rate_bytes_s),
            format!("{:.2}%", r.clean_percent),
            fmt::ms(r.expected_downtime_ms),
        ])
    });
    let widths = [
        Constraint::Length(3),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Min(8),
    ];
    let title = format!(" Rounds ({}) · c exports CSV ", m.history.len());
    let table = Table::new(rows, widths).header(header).block(
        Block::default()
            .borders(Borders::ALL)
            .title(title)
            .border_style(t.dim),
    );
    frame.render_widget(table, area);
}
