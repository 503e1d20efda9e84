//! Every move in flight in one table (like `lslparmigr -r lpar` or k9s's list), with each
//! evacuation's progress on its title line: an estate moves many partitions at once, and the
//! detail pane shows only one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::engine::Phase;
use crate::engine::snapshot::{EvacuationView, MoveView};
use crate::tui::app::App;
use crate::tui::fmt;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let [title, table] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let flying = listed(app);
    let rows_fit = table.height.saturating_sub(1) as usize;
    let evacuating: Vec<&EvacuationView> = app
        .snap
        .evacuations
        .iter()
        .filter(|e| e.finished_s.is_none())
        .collect();
    let more = flying.len().saturating_sub(rows_fit);
    let mut spans = Vec::new();
    // Narrow, an evacuation's progress takes the whole title (the header counts the moves).
    if area.width >= 120 || evacuating.is_empty() {
        spans.push(Span::styled(
            format!(
                " Moves: {} in flight, {} queued",
                app.snap.in_flight, app.snap.queued
            ),
            t.title,
        ));
        if more > 0 {
            spans.push(Span::styled(format!(" (+{more} more below)"), t.dim));
        }
        spans.push(Span::raw("  "));
    } else {
        spans.push(Span::raw(" "));
    }
    for e in evacuating {
        spans.extend(evacuation_spans(app, e));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), title);
    draw_table(frame, table, app, &flying);
}

/// The moves the table lists, most pressing first: failed ones (they wait for `Recover`, or
/// lost their partition), then those moving, then those waiting for a mover slot.
pub fn listed(app: &App) -> Vec<&MoveView> {
    let rank = |m: &MoveView| match m.phase {
        Phase::Failed => 0,
        Phase::Queued => 2,
        _ => 1,
    };
    let mut v: Vec<&MoveView> = app
        .snap
        .moves
        .iter()
        .filter(|m| {
            m.phase.in_flight()
                || m.phase == Phase::Failed
                    && !super::frames::was_recovered(app.snap.partition(m.partition), m)
        })
        .collect();
    // A stable sort keeps request order inside each rank.
    v.sort_by_key(|m| rank(m));
    v
}

/// An evacuation in words: what is left of it, when it should end, and who it refused.
pub fn evacuation_spans<'a>(app: &'a App, e: &EvacuationView) -> Vec<Span<'a>> {
    let t = &app.theme;
    let left = e.moves.saturating_sub(e.completed + e.ended_early);
    let eta = match e.eta_s {
        Some(at) => format!(", ETA {}", fmt::secs((at - app.snap.t).max(0.0))),
        None => String::new(),
    };
    let mut spans = vec![Span::styled(
        format!(
            "evacuating {}: {left} of {} left, {} to send{eta}",
            e.from,
            e.moves,
            fmt::bytes(e.bytes_left)
        ),
        t.info,
    )];
    if !e.refused.is_empty() {
        let names: Vec<String> = e
            .refused
            .iter()
            .map(|(p, why)| format!("{p} ({why})"))
            .collect();
        spans.push(Span::styled(
            format!("; {} refused: {}", e.refused.len(), names.join(", ")),
            t.bad,
        ));
    }
    spans
}

fn phase_word(m: &MoveView) -> &'static str {
    match m.phase {
        Phase::Failed if m.pages_lost > 0 => "LOST",
        Phase::Queued => "queued",
        Phase::Configuring => "profile",
        Phase::PreCopy => "pre-copy",
        Phase::Suspended => "SUSPENDED",
        Phase::Pulling => "pulling",
        Phase::Completed => "done",
        Phase::Stopped => "stopped",
        Phase::Failed => "FAILED",
    }
}

/// The ETA column: a stalled move says so instead of an estimate at a rate of zero.
fn eta_text(m: &MoveView) -> String {
    if let Some(s) = m.stalled_s {
        return format!("stalled {}", fmt::secs(s));
    }
    match (m.phase, m.eta_s) {
        (Phase::Queued, _) => "waits".into(),
        (_, Some(s)) if s.is_finite() && s < 1e7 => fmt::secs(s),
        _ => "—".into(),
    }
}

fn draw_table(frame: &mut Frame, area: Rect, app: &App, moves: &[&MoveView]) {
    let t = &app.theme;
    let wide = area.width >= 120;
    let mut header = vec![
        "Partition",
        "From → To",
        "Phase",
        "Rnd",
        "Clean",
        if wide { "Sent / left" } else { "Left" },
        "Rate",
        "ETA",
    ];
    // The route whole: a cut one (`frame-a → frame`) names no frame.
    let route_w = moves
        .iter()
        .map(|m| m.from.chars().count() + m.to.chars().count() + 3)
        .max()
        .unwrap_or(9)
        .clamp(9, if wide { 24 } else { 17 }) as u16;
    let mut widths = vec![
        Constraint::Length(9),
        Constraint::Length(route_w),
        Constraint::Length(9),
        Constraint::Length(3),
        Constraint::Length(6),
        Constraint::Length(if wide { 21 } else { 9 }),
        Constraint::Length(10),
        Constraint::Length(if wide { 12 } else { 8 }),
    ];
    if wide {
        header.push("Movers");
        widths.push(Constraint::Min(10));
    }
    let page = app.pages_to_bytes(1.0);
    let rows: Vec<Row> = moves
        .iter()
        .map(|m| {
            let queued = m.phase == Phase::Queued;
            let dash = || "—".to_string();
            let phase_style = match m.phase {
                Phase::Suspended => t.suspend,
                Phase::Pulling | Phase::Queued => t.warn,
                _ if m.stalled_s.is_some() => t.bad,
                _ => t.info,
            };
            let route = format!("{} → {}", m.from, m.to);
            let sent_left = if queued || m.inactive {
                dash()
            } else if !wide {
                fmt::bytes(m.remaining_pages as f64 * page)
            } else {
                format!(
                    "{} / {}",
                    fmt::bytes(m.pages_sent as f64 * page),
                    fmt::bytes(m.remaining_pages as f64 * page)
                )
            };
            // A stalled move carries nothing: its rate is 0, whatever it last measured.
            let rate = if queued || m.inactive {
                dash()
            } else if m.stalled_s.is_some() {
                "0".into()
            } else {
                fmt::mib_s(app.pages_to_mib(m.transfer_rate_pages_s))
            };
            let mut cells = vec![
                Cell::from(Span::styled(m.partition_name.clone(), t.bold)),
                Cell::from(route),
                Cell::from(Span::styled(phase_word(m), phase_style)),
                Cell::from(
                    Line::from(if queued { dash() } else { m.round.to_string() }).right_aligned(),
                ),
                Cell::from(
                    Line::from(if queued || m.inactive {
                        dash()
                    } else {
                        format!("{:.1}%", m.clean_percent)
                    })
                    .right_aligned(),
                ),
                Cell::from(Line::from(sent_left).right_aligned()),
                Cell::from(Line::from(rate).right_aligned()),
                Cell::from(
                    Line::from(Span::styled(
                        eta_text(m),
                        if m.stalled_s.is_some() { t.bad } else { t.base },
                    ))
                    .right_aligned(),
                ),
            ];
            if wide {
                let movers = m
                    .movers
                    .as_ref()
                    .map(|(s, d)| format!("{s} → {d}"))
                    .unwrap_or_else(dash);
                cells.push(Cell::from(Span::styled(movers, t.dim)));
            }
            // A failed or lost move is red across the row, whatever its columns say.
            let row = Row::new(cells);
            if m.phase == Phase::Failed {
                row.style(t.bad)
            } else {
                row
            }
        })
        .collect();
    let selected = app
        .selected
        .and_then(|p| moves.iter().position(|m| m.partition == p));
    let header = Row::new(
        header
            .into_iter()
            .map(|h| Cell::from(Span::styled(h, t.dim))),
    );
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(t.selected)
        .column_spacing(1);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
    if moves.is_empty() && area.height > 1 {
        frame.render_widget(
            Paragraph::new(Span::styled(" no move in flight", t.dim)),
            Rect::new(area.x, area.y + 1, area.width, 1),
        );
    }
}
