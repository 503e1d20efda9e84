//! The estate overview: one row per frame (its load, its movers, its partitions, whether it
//! is healthy), the focused frame highlighted. Shown instead of side-by-side frames when there
//! are more than two.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table, TableState};

use crate::engine::snapshot::SystemView;
use crate::tui::app::App;
use crate::tui::fmt;
use crate::tui::theme::Theme;

/// A frame's state in a word, and how it looks: a failed frame or failed movers must not look
/// healthy.
pub fn state_word(sys: &SystemView, t: &Theme) -> (&'static str, Style) {
    use crate::spec::PowerState;
    if sys.failed {
        ("FAILED", t.bad)
    } else if sys.power_state == PowerState::PoweredOff {
        ("off", t.dim)
    } else if sys.power_state == PowerState::PoweringOff {
        ("→ off", t.warn)
    } else if sys.power_state == PowerState::PoweringOn {
        ("→ on", t.warn)
    } else if sys.msps_failed {
        ("movers ✗", t.bad)
    } else if sys.movers.iter().any(|m| m.failed) {
        ("mover ✗", t.warn)
    } else {
        ("ok", t.good)
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let block = Block::bordered()
        .title(Line::from(vec![
            Span::styled(" Estate ", t.title),
            Span::styled(format!("· {} frames ", app.snap.systems.len()), t.dim),
        ]))
        .border_style(t.border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Columns by priority as they fit, each whole: power, load, then free memory, then
    // generation. CPU is what the partitions are given; Load is what they keep busy (the
    // figure the balancer and consolidation judge by).
    let mut left = inner.width.saturating_sub(36);
    let mut fits = |w: u16| {
        let ok = left > w;
        if ok {
            left -= w + 1;
        }
        ok
    };
    let power = fits(8);
    let load = fits(4);
    let free_col = fits(9);
    let wide = fits(7);
    let mut header = vec!["Frame", "CPU", "Mem", "Movers", "LPARs", "State"];
    let mut widths = vec![
        Constraint::Length(6),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Min(6),
    ];
    if load {
        header.insert(2, "Load");
        widths.insert(2, Constraint::Length(4));
    }
    let free_at = 3 + usize::from(load);
    if free_col {
        header.insert(free_at, "Free");
        widths.insert(free_at, Constraint::Length(9));
    }
    if wide {
        header.insert(1, "Gen");
        widths.insert(1, Constraint::Length(7));
    }
    // What each frame draws, where there is room for it.
    if power {
        let at = header.len() - 1;
        header.insert(at, "Power");
        widths.insert(at, Constraint::Length(8));
    }
    let pct = |used: f64, cap: f64| format!("{:.0}%", 100.0 * used / cap.max(1e-9));
    let rows: Vec<Row> = app
        .snap
        .systems
        .iter()
        .map(|sys| {
            let (word, style) = state_word(sys, t);
            let mut cells = vec![
                Cell::from(Span::styled(sys.name.clone(), t.bold)),
                Cell::from(Line::from(pct(sys.cpus_used, sys.cpus)).right_aligned()),
                Cell::from(Line::from(pct(sys.memory_used_gib, sys.memory_gib)).right_aligned()),
                Cell::from(
                    Line::from(Span::styled(
                        format!("{}/{}", sys.msp_in_use, sys.msp_slots),
                        if sys.msp_in_use > 0 { t.info } else { t.dim },
                    ))
                    .right_aligned(),
                ),
                Cell::from(Line::from(sys.partitions.len().to_string()).right_aligned()),
                Cell::from(Span::styled(word, style)),
            ];
            if load {
                cells.insert(
                    2,
                    Cell::from(
                        Line::from(format!("{:.0}%", sys.utilisation_percent)).right_aligned(),
                    ),
                );
            }
            if power {
                let at = cells.len() - 1;
                cells.insert(
                    at,
                    Cell::from(Line::from(fmt::watts(sys.watts)).right_aligned()),
                );
            }
            if free_col {
                let free = (sys.memory_gib - sys.memory_used_gib).max(0.0);
                cells.insert(
                    free_at,
                    Cell::from(
                        Line::from(fmt::bytes(free * 1024.0 * 1024.0 * 1024.0)).right_aligned(),
                    ),
                );
            }
            if wide {
                cells.insert(
                    1,
                    Cell::from(Span::styled(
                        format!("{:?}", sys.processor).to_uppercase(),
                        t.dim,
                    )),
                );
            }
            Row::new(cells)
        })
        .collect();
    let table = Table::new(rows, widths)
        .header(Row::new(
            header
                .into_iter()
                .map(|h| Cell::from(Span::styled(h, t.dim))),
        ))
        .row_highlight_style(t.selected)
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.focus.index()));
    frame.render_stateful_widget(table, inner, &mut state);
}
