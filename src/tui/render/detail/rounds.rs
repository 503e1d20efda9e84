//! The move's rounds as a table (`g`), in the chart's place, or the memory map's on narrow
//! screens.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Row, Table};

use crate::engine::RoundStats;
use crate::engine::snapshot::MoveView;
use crate::tui::app::App;
use crate::tui::fmt;

/// The move's rounds as a table (`g`): what a developer reads to study convergence.
pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    let t = &app.theme;
    let page = app.snap.page_size_kib as f64 * 1024.0;
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
    // The columns that fit, most telling first; each column whole or not at all (squeezed,
    // `rn se di` is unreadable).
    type Col<'c> = (&'static str, u16, Box<dyn Fn(&RoundStats) -> String + 'c>);
    let cols: Vec<Col> = vec![
        ("rnd", 3, Box::new(|r: &RoundStats| r.round.to_string())),
        (
            "sent",
            6,
            Box::new(|r: &RoundStats| short(r.pages_sent as f64 * page)),
        ),
        (
            "clean",
            7,
            Box::new(|r: &RoundStats| format!("{:.2}%", r.clean_percent)),
        ),
        (
            "exp.down",
            9,
            Box::new(|r: &RoundStats| fmt::ms(r.expected_downtime_ms)),
        ),
        (
            "time",
            7,
            Box::new(|r: &RoundStats| fmt::secs(r.duration_s)),
        ),
        (
            "dirtied",
            7,
            Box::new(|r: &RoundStats| short(r.pages_dirtied as f64 * page)),
        ),
        (
            "xfer/s",
            6,
            Box::new(|r: &RoundStats| short(r.transfer_rate_bytes_s)),
        ),
        (
            "dirty/s",
            7,
            Box::new(|r: &RoundStats| short(r.dirty_rate_pages_s * page)),
        ),
    ];
    let inner_w = area.width.saturating_sub(2);
    let mut used = 0u16;
    let mut shown: Vec<usize> = Vec::new();
    for (i, (_, w, _)) in cols.iter().enumerate() {
        let need = w + u16::from(!shown.is_empty());
        if used + need <= inner_w {
            used += need;
            shown.push(i);
        }
    }
    // Back in reading order: round, data, time, rates, result.
    let order = [
        "rnd", "sent", "dirtied", "time", "dirty/s", "xfer/s", "clean", "exp.down",
    ];
    shown.sort_by_key(|&i| order.iter().position(|n| *n == cols[i].0));
    let header = Row::new(shown.iter().map(|&i| cols[i].0)).style(t.bold);
    // The latest rounds when they do not all fit.
    let room = area.height.saturating_sub(3) as usize;
    let skip = m.history.len().saturating_sub(room);
    let rows = m
        .history
        .iter()
        .skip(skip)
        .map(|r| Row::new(shown.iter().map(|&i| (cols[i].2)(r))));
    let widths: Vec<Constraint> = shown
        .iter()
        .map(|&i| Constraint::Length(cols[i].1))
        .collect();
    let hidden = if skip > 0 {
        format!(", last {}", m.history.len() - skip)
    } else {
        String::new()
    };
    let title = if area.width >= 34 {
        format!(" Rounds ({}{hidden}) · c exports CSV ", m.history.len())
    } else {
        format!(" Rounds ({}{hidden}) · c: CSV ", m.history.len())
    };
    let table = Table::new(rows, widths).header(header).block(
        Block::default()
            .borders(Borders::ALL)
            .title(title)
            .border_style(t.dim),
    );
    frame.render_widget(table, area);
}
