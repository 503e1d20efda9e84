//! The move's virtual I/O mapping: each client adapter, the VIOS that served it on the source
//! and the one (and slot) that serves it on the target, as the engine chose it at move start.
//!
//! Drawn beneath the figures, and only when the scenario gives virtual I/O (a
//! derived mapping restates the partition's VLANs and SANs, which the pane shows elsewhere) and
//! the region is tall enough to give up the rows.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::engine::snapshot::MoveView;
use crate::spec::vio::AdapterKind;
use crate::tui::app::App;

/// Rows the figures above must keep for themselves.
const KEEP_ROWS: u16 = 14;

/// Draws the mapping at the bottom of `area` when there is room, and returns what is left of
/// `area` for the region that was to fill it.
pub(super) fn draw_beneath(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) -> Rect {
    let maps = &m.vio.adapters;
    if maps.is_empty() || m.vio.derived() {
        return area;
    }
    let want = maps.len() as u16 + 1;
    if area.height < KEEP_ROWS + 2 {
        return area;
    }
    let rows = want.min(area.height - KEEP_ROWS);
    let [rest, below] =
        Layout::vertical([Constraint::Min(KEEP_ROWS), Constraint::Length(rows)]).areas(area);
    let t = &app.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!("Virtual I/O {} → {}", m.from, m.to),
        t.bold,
    ))];
    for a in maps.iter().take(rows.saturating_sub(1) as usize) {
        let ad = &a.adapter;
        let slot = |s: Option<u32>| s.map_or(String::new(), |s| format!("/{s}"));
        let target = match &a.target {
            Some((v, s)) => format!("{v}{}", slot(*s)),
            None => "-".to_string(),
        };
        let kind = match ad.kind {
            AdapterKind::Vscsi => "vSCSI",
            AdapterKind::Vfc => "vFC",
            AdapterKind::Veth => "vEth",
        };
        let mut spans = vec![
            Span::styled(format!("{kind:<5} {:>4} ", ad.slot), t.dim),
            Span::raw(format!(
                "{:<12} {}{} → {target}",
                ad.needs(),
                ad.vios,
                slot(ad.vios_slot)
            )),
        ];
        if a.overridden {
            spans.push(Span::styled(" (-i)", t.info));
        }
        if let Some(why) = &a.problem {
            spans.push(Span::styled(format!("  {why}"), t.bad));
        } else if a.slot_moved() {
            spans.push(Span::styled("  slot taken", t.warn));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), below);
    rest
}
