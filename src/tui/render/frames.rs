//! The frames side by side: usage bars and a table of the partitions running on each.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use super::bar;
use crate::engine::snapshot::{MoveView, PartitionStatus, PartitionView, SystemView};
use crate::engine::{FrameId, PartitionId, Phase};
use crate::tui::app::App;
use crate::tui::fmt;
use crate::tui::layout::Plan;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, plan: &Plan) {
    if plan.estate {
        // An estate: the overview of every frame, and the focused frame's partitions beside it.
        let over_w = if area.width >= 150 {
            62
        } else if area.width >= 120 {
            54
        } else {
            36
        };
        let [over, one] =
            Layout::horizontal([Constraint::Length(over_w), Constraint::Min(30)]).areas(area);
        super::estate::draw(frame, over, app);
        if let Some(sys) = app.snap.systems.get(app.focus.index()) {
            draw_frame(frame, one, app, plan, app.focus, sys);
        }
        return;
    }
    let n = app.snap.systems.len().max(1);
    let areas = Layout::horizontal(vec![Constraint::Ratio(1, n as u32); n]).split(area);
    for (i, sys) in app.snap.systems.iter().enumerate() {
        draw_frame(frame, areas[i], app, plan, FrameId::new(i), sys);
    }
}

fn processor(sys: &SystemView) -> String {
    format!("{:?}", sys.processor).to_uppercase()
}

pub(super) fn draw_frame(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    plan: &Plan,
    i: FrameId,
    sys: &SystemView,
) {
    let t = &app.theme;
    let focused = app.focus == i;
    let rows = app.rows(i);
    // Its power: what it draws, and its power state when it is not simply operating.
    let (state, state_style) = super::estate::state_word(sys, t);
    let watts = fmt::watts(sys.watts);
    let count = |word: (&str, &str)| format!("· {} ", fmt::plural(rows.len(), word.0, word.1));
    let fixed = sys.name.chars().count() + processor(sys).chars().count() + 5;
    let room = area.width.saturating_sub(2) as usize;
    // What fits of its power: watts and state, the state alone (it is news), the watts.
    let mut choices = vec![];
    if state != "ok" {
        choices.push(format!("{watts} {state}"));
        choices.push(state.to_string());
    } else {
        choices.push(watts.clone());
    }
    let fits = |parts: &str, power: &str| {
        fixed + parts.chars().count() + power.chars().count() + 3 <= room
    };
    let long = count(("partition", "partitions"));
    let short = count(("LPAR", "LPARs"));
    let (parts, power) = choices
        .iter()
        .find_map(|c| {
            [&long, &short]
                .into_iter()
                .find(|p| fits(p, c))
                .map(|p| (p.clone(), Some(c.clone())))
        })
        .unwrap_or((short.clone(), None));
    let mut title = vec![
        Span::styled(format!(" {} ", sys.name), t.title),
        Span::styled(format!("{} ", processor(sys)), t.dim),
        Span::styled(parts, t.dim),
    ];
    if let Some(power) = power {
        title.push(Span::styled("· ", t.dim));
        title.push(Span::styled(
            format!("{power} "),
            if state == "ok" { t.dim } else { state_style },
        ));
    }
    let title = Line::from(title);
    let block = Block::bordered().title(title).border_style(if focused {
        t.border_focus
    } else {
        t.border
    });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let usage_h = if plan.compact { 1 } else { 2 };
    let [usage, table] =
        Layout::vertical([Constraint::Length(usage_h), Constraint::Min(1)]).areas(inner);
    draw_usage(frame, usage, app, i, sys, plan.compact);
    draw_table(frame, table, app, i, &rows, focused);
}

fn draw_usage(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    f: FrameId,
    sys: &SystemView,
    compact: bool,
) {
    let t = &app.theme;
    let cpus_used = cpus_running(app, f, sys);
    let msp = Span::styled(
        format!("MSP {}/{}", sys.msp_in_use, sys.msp_slots),
        if sys.msp_in_use > 0 { t.info } else { t.dim },
    );
    if compact {
        let line = Line::from(vec![
            Span::styled("CPU ", t.dim),
            Span::raw(format!(
                "{}/{}",
                fmt::num((cpus_used * 10.0).round() / 10.0),
                fmt::num(sys.cpus)
            )),
            Span::styled(" Mem ", t.dim),
            Span::raw(format!(
                "{}/{} GiB",
                fmt::num(sys.memory_used_gib.round()),
                fmt::num(sys.memory_gib)
            )),
            Span::raw(" "),
            msp,
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let figures_w = 20u16;
    let bar_w = area.width.saturating_sub(4 + figures_w + 1).max(4);
    let line = |label: &'static str,
                used: f64,
                cap: f64,
                unit: &str,
                style: Style,
                extra: Option<Span<'static>>| {
        let (full, empty) = bar(bar_w, used / cap.max(1e-9));
        let mut spans = vec![
            Span::styled(label, t.dim),
            Span::styled(full, style),
            Span::styled(empty, t.never_sent),
            Span::raw(format!(
                " {:>5}/{}{unit}",
                fmt::num((used * 100.0).round() / 100.0),
                fmt::num(cap)
            )),
        ];
        if let Some(e) = extra {
            spans.push(Span::raw("  "));
            spans.push(e);
        }
        Line::from(spans)
    };
    let lines = vec![
        line("CPU ", cpus_used, sys.cpus, "", t.bar_cpu, Some(msp)),
        line(
            "Mem ",
            sys.memory_used_gib,
            sys.memory_gib,
            " GiB",
            t.bar_mem,
            None,
        ),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}

/// Which columns a frame table of this width shows.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Columns {
    Narrow,
    Medium,
    Wide,
}

fn draw_table(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    fi: FrameId,
    rows: &[PartitionId],
    focused: bool,
) {
    let t = &app.theme;
    let cols = if area.width >= 76 {
        Columns::Wide
    } else if area.width >= 56 {
        Columns::Medium
    } else {
        Columns::Narrow
    };
    let mut header = vec!["Partition", "State"];
    let mut widths = vec![Constraint::Length(9), Constraint::Length(13)];
    if cols >= Columns::Medium {
        header.push("Memory");
        widths.push(Constraint::Length(8));
    }
    if cols >= Columns::Wide {
        header.push("CPUs");
        widths.push(Constraint::Length(5));
    }
    if cols >= Columns::Medium {
        header.push("Writes");
        widths.push(Constraint::Length(10));
    }
    if cols >= Columns::Wide {
        header.push("Users");
        widths.push(Constraint::Length(9));
    }
    header.push("Move");
    widths.push(Constraint::Min(10));
    let move_w = area.width.saturating_sub(
        widths
            .iter()
            .map(|w| match w {
                Constraint::Length(n) => n + 1,
                _ => 1,
            })
            .sum(),
    );
    let header = Row::new(
        header
            .into_iter()
            .map(|h| Cell::from(Span::styled(h, t.dim))),
    );
    let body: Vec<Row> = rows
        .iter()
        .map(|&pi| {
            let p = app.snap.partition(pi);
            let lost = is_lost(app, p);
            let down = p.status == PartitionStatus::Down;
            let state = if lost { "LOST" } else { status_label(p) };
            let mut cells = vec![
                Cell::from(Span::styled(p.name.clone(), t.bold)),
                Cell::from(Span::styled(state, status_style(app, p))),
            ];
            if cols >= Columns::Medium {
                cells.push(Cell::from(
                    Line::from(format!("{} GiB", fmt::num(p.memory_gib))).right_aligned(),
                ));
            }
            if cols >= Columns::Wide {
                cells.push(Cell::from(Line::from(fmt::num(p.cpus)).right_aligned()));
            }
            if cols >= Columns::Medium {
                let profile = p
                    .last_move
                    .and_then(|m| app.snap.moves.get(m.index()))
                    .is_some_and(|m| m.inactive && m.phase.in_flight());
                let w = if p.status == PartitionStatus::NotActivated || down || profile {
                    "—".to_string()
                } else {
                    fmt::mib_s(p.writes_mib_s)
                };
                cells.push(Cell::from(Line::from(w).right_aligned()));
            }
            if cols >= Columns::Wide {
                let users = if p.users == 0 || down {
                    "—".to_string()
                } else if p.users_connected == p.users {
                    p.users.to_string()
                } else {
                    format!("{}/{}", p.users_connected, p.users)
                };
                let style = if p.users_connected < p.users && !down {
                    t.bad
                } else {
                    t.base
                };
                cells.push(Cell::from(
                    Line::from(Span::styled(users, style)).right_aligned(),
                ));
            }
            cells.push(Cell::from(move_cell(app, p, fi, move_w)));
            // A partition lost with its data, or down, is red across the row.
            if lost || down {
                Row::new(cells).style(t.bad)
            } else {
                Row::new(cells)
            }
        })
        .collect();
    let selected = app
        .selected
        .and_then(|s| rows.iter().position(|&r| r == s))
        .filter(|_| focused);
    let table = Table::new(body, widths)
        .header(header)
        .row_highlight_style(t.selected)
        .column_spacing(1);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
    // Rows the table has no room for: say how many, above and below what shows.
    let fit = area.height.saturating_sub(1) as usize;
    if rows.len() > fit && fit > 0 {
        let first = state.offset();
        let above = first;
        let below = rows.len().saturating_sub(first + fit);
        let text = match (above, below) {
            (0, b) => format!(" +{b} more ↓ "),
            (a, 0) => format!(" +{a} more ↑ "),
            (a, b) => format!(" +{a} ↑ +{b} ↓ "),
        };
        // On the frame's bottom border, under the rows it is about.
        let w = text.chars().count() as u16;
        if area.width > w + 1 {
            let r = Rect::new(area.x + area.width - w - 1, area.y + area.height, w, 1);
            frame.render_widget(Paragraph::new(Span::styled(text, t.warn)), r);
        }
    }
    if rows.is_empty() {
        let msg = Paragraph::new(Span::styled("no partitions", t.dim)).centered();
        if area.height > 1 {
            frame.render_widget(msg, Rect::new(area.x, area.y + 1, area.width, 1));
        }
    }
}

/// A failed move the operator recovered (`R`): the partition runs on at the source and can move
/// again, so the failure is history, not news. A move that failed in the queue had nothing to
/// recover.
pub(crate) fn was_recovered(p: &PartitionView, m: &MoveView) -> bool {
    m.phase == Phase::Failed
        && m.pages_lost == 0
        && !p.needs_recovery
        && p.status != PartitionStatus::Down
        && m.phase_times
            .iter()
            .any(|(ph, _)| !matches!(ph, Phase::Queued | Phase::Failed))
}

/// Processors a frame's running partitions use: a not-activated partition (or one moving as a
/// profile) holds none until it is activated.
fn cpus_running(app: &App, f: FrameId, sys: &SystemView) -> f64 {
    let idle: f64 = app
        .snap
        .partitions
        .iter()
        .filter(|p| {
            let profile = p
                .last_move
                .and_then(|m| app.snap.moves.get(m.index()))
                .filter(|m| m.inactive && m.phase.in_flight());
            p.status == PartitionStatus::NotActivated && p.system == f
                || profile
                    .is_some_and(|m| app.snap.system(p.system).name == sys.name || m.to == sys.name)
        })
        .map(|p| p.cpus)
        .sum();
    (sys.cpus_used - idle).max(0.0)
}

/// The partition's latest move lost pages it never got back: the partition is lost.
fn is_lost(app: &App, p: &PartitionView) -> bool {
    p.last_move
        .and_then(|m| app.snap.moves.get(m.index()))
        .is_some_and(|m| m.phase == Phase::Failed && m.pages_lost > 0)
}

/// A partition's state word for the tables.
fn status_label(p: &PartitionView) -> &'static str {
    match p.status {
        PartitionStatus::Migrating => "Migrating",
        s => s.label(),
    }
}

fn status_style(app: &App, p: &PartitionView) -> Style {
    let t = &app.theme;
    match p.status {
        PartitionStatus::Running => t.base,
        PartitionStatus::NotActivated => t.dim,
        PartitionStatus::Queued => t.warn,
        PartitionStatus::Migrating => t.info,
        PartitionStatus::Suspended => t.suspend,
        PartitionStatus::Pulling => t.warn,
        PartitionStatus::Down => t.bad,
    }
}

/// The Move column: phase and progress of a move in flight, or how the last one ended.
fn move_cell<'a>(app: &'a App, p: &PartitionView, _frame: FrameId, width: u16) -> Line<'a> {
    let t = &app.theme;
    let Some(m) = p.last_move.and_then(|m| app.snap.moves.get(m.index())) else {
        let mut spans = Vec::new();
        if p.dedicated_io {
            spans.push(Span::styled("dedicated I/O", t.warn));
        }
        return Line::from(spans);
    };
    let progress = |label: String, ratio: f64, style: Style| {
        let bar_w = width
            .saturating_sub(label.chars().count() as u16 + 7)
            .min(12);
        let mut spans = vec![Span::styled(label, style)];
        if bar_w >= 3 {
            let (full, empty) = bar(bar_w, ratio);
            spans.push(Span::raw(" "));
            spans.push(Span::styled(full, style));
            spans.push(Span::styled(empty, t.never_sent));
        }
        spans.push(Span::raw(format!(" {:>5.1}%", ratio * 100.0)));
        Line::from(spans)
    };
    let narrow = width < 16;
    if narrow {
        let (text, style) = match m.phase {
            Phase::PreCopy => (format!("r{} {:.1}%", m.round, m.clean_percent), t.info),
            Phase::Suspended => (
                format!("SUSP {}", fmt::ms(m.suspend_elapsed_ms.unwrap_or(0.0))),
                t.suspend,
            ),
            Phase::Pulling => (format!("pull {:.1}%", m.clean_percent), t.warn),
            Phase::Completed if m.verified == Some(true) => ("✓ moved".to_string(), t.good),
            Phase::Completed => ("✗ unverified".to_string(), t.bad),
            Phase::Stopped => (format!("stopped r{}", m.round), t.warn),
            Phase::Queued => ("queued".to_string(), t.warn),
            Phase::Configuring => ("profile".to_string(), t.info),
            Phase::Failed if m.pages_lost > 0 => ("✗ LOST".to_string(), t.bad),
            Phase::Failed if was_recovered(p, m) => ("↺ recovered".to_string(), t.good),
            Phase::Failed => ("✗ failed".to_string(), t.bad),
        };
        return Line::from(Span::styled(text, style));
    }
    match m.phase {
        Phase::Queued => Line::from(Span::styled("queued".to_string(), t.warn)),
        Phase::Configuring => Line::from(Span::styled("profile only".to_string(), t.info)),
        Phase::PreCopy => progress(format!("r{}", m.round), m.clean_percent / 100.0, t.info),
        Phase::Suspended => Line::from(Span::styled(
            format!("SUSPENDED {}", fmt::ms(m.suspend_elapsed_ms.unwrap_or(0.0))),
            t.suspend,
        )),
        Phase::Pulling => progress("pull".into(), m.clean_percent / 100.0, t.warn),
        Phase::Completed => {
            let ok = m.verified == Some(true);
            Line::from(vec![
                Span::styled(
                    if ok { "✓ " } else { "✗ " },
                    if ok { t.good } else { t.bad },
                ),
                Span::styled(
                    if m.inactive {
                        format!("from {}", m.from)
                    } else {
                        format!("{} {}", m.from, fmt::ms(m.downtime_ms.unwrap_or(0.0)))
                    },
                    t.dim,
                ),
            ])
        }
        Phase::Stopped => Line::from(Span::styled(
            format!("stopped in round {}", m.round),
            t.warn,
        )),
        Phase::Failed if m.pages_lost > 0 => Line::from(Span::styled(
            format!("✗ LOST {} pages", fmt::count(m.pages_lost)),
            t.bad,
        )),
        Phase::Failed if was_recovered(p, m) => Line::from(vec![
            Span::styled("↺ recovered", t.good),
            Span::styled(format!(" (failed r{})", m.round), t.dim),
        ]),
        Phase::Failed if p.needs_recovery => Line::from(Span::styled(
            format!("✗ failed r{}: R recovers", m.round),
            t.bad,
        )),
        Phase::Failed => Line::from(Span::styled("✗ failed in queue", t.bad)),
    }
}
