//! The selected move in detail: the phase line, the threshold gauge, live figures beside the
//! forecast, the suspend window, the outcome; the chart, round bars and memory map beside them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::app::App;
use super::{chart, fmt, memory_map};
use crate::engine::snapshot::{MoveView, PartitionView};
use crate::engine::{Phase, Prediction, SwitchReason};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let Some(p) = app.partition() else {
        app.map_cells.set(0);
        let block = Block::bordered().border_style(t.border).title(" Move ");
        let msg = Paragraph::new(Span::styled("no partition selected", t.dim)).block(block);
        frame.render_widget(msg, area);
        return;
    };
    let m = app.selected_move();
    let title = match m {
        Some(m) => Line::from(vec![
            Span::styled(format!(" {} ", p.name), t.title),
            Span::styled(format!("{} → {} ", m.from, m.to), t.bold),
            Span::styled(format!("· move #{} ", m.id + 1), t.dim),
        ]),
        None => Line::from(vec![
            Span::styled(format!(" {} ", p.name), t.title),
            Span::styled(
                format!("on {} · not moved yet ", app.snap.systems[p.system].name),
                t.dim,
            ),
        ]),
    };
    let block = Block::bordered().border_style(t.border).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(m) = m else {
        draw_idle(frame, inner, app, p);
        return;
    };
    let [phase, gauge, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(phase_line(app, m, phase.width)), phase);
    draw_gauge(frame, gauge, app, m);
    let body = Rect {
        y: body.y + 1,
        height: body.height.saturating_sub(1),
        ..body
    };
    let w = body.width;
    let stats_w = if w >= 150 {
        56
    } else if w >= 110 {
        50
    } else {
        46
    };
    if w >= 110 {
        let map_w = if w >= 190 {
            50
        } else if w >= 150 {
            40
        } else {
            30
        };
        let [stats, _, charts, _, map] = Layout::horizontal([
            Constraint::Length(stats_w),
            Constraint::Length(1),
            Constraint::Min(20),
            Constraint::Length(1),
            Constraint::Length(map_w),
        ])
        .areas(body);
        draw_stats(frame, stats, app, p, m);
        if app.show_rounds {
            draw_rounds(frame, charts, app, m);
        } else {
            chart::draw(frame, charts, app, m);
        }
        memory_map::draw(frame, map, app, m);
    } else {
        let [stats, _, map] = Layout::horizontal([
            Constraint::Length(stats_w),
            Constraint::Length(1),
            Constraint::Min(10),
        ])
        .areas(body);
        draw_stats(frame, stats, app, p, m);
        if app.show_rounds {
            draw_rounds(frame, map, app, m);
        } else {
            memory_map::draw(frame, map, app, m);
        }
    }
}

/// The move's rounds as a table (`g`): what a developer reads to study convergence.
fn draw_rounds(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    use ratatui::widgets::{Block, Borders, Row, Table};
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

/// Validated > Queued > Pre-copy round N > Suspended > Resumed (pulling) > Complete, with the
/// time spent in each; the current phase highlighted, those to come dimmed.
fn phase_line<'a>(app: &'a App, m: &MoveView, width: u16) -> Line<'a> {
    let t = &app.theme;
    let spent = |ph: Phase| -> Option<f64> {
        let mut seen = false;
        let mut total = 0.0;
        for (p, s) in &m.phase_times {
            if *p == ph {
                seen = true;
                total += s;
            }
        }
        seen.then_some(total)
    };
    let steps: Vec<Phase> = if m.inactive {
        vec![Phase::Configuring, Phase::Completed]
    } else {
        vec![
            Phase::PreCopy,
            Phase::Suspended,
            Phase::Pulling,
            Phase::Completed,
        ]
    };
    let narrow = width < 100;
    let mut spans = vec![Span::styled("✓ Validated", t.phase_done)];
    if spent(Phase::Queued).is_some_and(|s| s > 0.0) || m.phase == Phase::Queued {
        spans.push(Span::styled(" › ", t.dim));
        let s = spent(Phase::Queued).unwrap_or(0.0);
        if m.phase == Phase::Queued {
            spans.push(Span::styled(
                format!(" Queued {} ", fmt::secs(s)),
                t.phase_now,
            ));
        } else {
            spans.push(Span::styled(
                format!("Queued {}", fmt::secs(s)),
                t.phase_done,
            ));
        }
    }
    let current = m.phase;
    let reached = |ph: Phase| spent(ph).is_some();
    for ph in steps {
        if matches!(current, Phase::Stopped | Phase::Failed) && !reached(ph) {
            continue;
        }
        spans.push(Span::styled(" › ", t.dim));
        let name = match ph {
            Phase::PreCopy if narrow => format!("Pre-copy r{}", m.round.max(1)),
            Phase::PreCopy => format!("Pre-copy round {}", m.round.max(1)),
            Phase::Pulling if narrow => "Pulling".into(),
            p => p.label().to_string(),
        };
        let time = spent(ph).map(|s| match ph {
            Phase::Suspended => fmt::ms(s * 1000.0),
            Phase::Completed => String::new(),
            _ => fmt::secs(s),
        });
        if ph == current {
            let text = match &time {
                Some(tm) if !tm.is_empty() => format!(" ▶ {name} {tm} "),
                _ => format!(" {name} "),
            };
            let style = match ph {
                Phase::Suspended => t.suspend.add_modifier(ratatui::style::Modifier::REVERSED),
                Phase::Completed => t.good.add_modifier(ratatui::style::Modifier::BOLD),
                _ => t.phase_now,
            };
            let text = if ph == Phase::Completed {
                format!("✓ {}", name)
            } else {
                text
            };
            spans.push(Span::styled(text, style));
        } else if let Some(tm) = time {
            spans.push(Span::styled(format!("{name} {tm}"), t.phase_done));
        } else {
            spans.push(Span::styled(name, t.phase_todo));
        }
    }
    if current == Phase::Stopped {
        spans.push(Span::styled(" › ", t.dim));
        spans.push(Span::styled(
            format!(" ■ Stopped in round {} ", m.round),
            t.warn.add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    if current == Phase::Failed {
        spans.push(Span::styled(" › ", t.dim));
        let what = if m.pages_lost > 0 {
            " ✗ LOST ".to_string()
        } else {
            format!(" ✗ Failed in round {} ", m.round)
        };
        spans.push(Span::styled(
            what,
            t.bad.add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    if let Some(s) = m.stalled_s {
        spans.push(Span::styled(format!("  ⏸ stalled {}", fmt::secs(s)), t.bad));
    }
    Line::from(spans)
}

fn draw_gauge(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    let t = &app.theme;
    let th = &m.threshold;
    if m.inactive {
        let line = Line::from(Span::styled(
            "Not activated: only the profile moves, no memory to copy.",
            t.dim,
        ));
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let (label, value) = if th.kind == "clean" {
        (
            "Clean on target ",
            format!(
                " {:>6.2}% of {}% to switch over · round {}",
                th.value,
                fmt::sig3(th.target),
                m.round
            ),
        )
    } else {
        (
            "Expected downtime ",
            format!(
                " {} vs limit {} · round {}",
                fmt::ms(th.value),
                fmt::ms(th.target),
                m.round
            ),
        )
    };
    let done = m.switch_reason.is_some();
    let style = if done || th.progress >= 1.0 {
        t.gauge_done
    } else {
        t.gauge
    };
    let suffix = match m.switch_reason {
        Some(SwitchReason::Threshold) => Span::styled("  ✓ threshold met", t.good),
        Some(SwitchReason::MaxRounds) => {
            Span::styled("  ✗ round limit: switched unconverged", t.bad)
        }
        Some(SwitchReason::MaxSentFactor) => {
            Span::styled("  ✗ data limit: switched unconverged", t.bad)
        }
        None if m.phase == Phase::Stopped => Span::styled("  stopped", t.warn),
        None => Span::raw(""),
    };
    let fixed = label.len() + value.chars().count() + suffix.content.chars().count();
    let bar_w = (area.width as usize).saturating_sub(fixed).clamp(4, 60) as u16;
    let (full, empty) = super::ui::bar(bar_w, th.progress);
    let line = Line::from(vec![
        Span::styled(label, t.bold),
        Span::styled(full, style),
        Span::styled(empty, t.never_sent),
        Span::raw(value),
        suffix,
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// One row of figures: a label, the live value, the forecast.
struct Fig<'a> {
    label: &'static str,
    now: Span<'a>,
    forecast: Option<String>,
}

fn fig<'a>(label: &'static str, now: impl Into<Span<'a>>, forecast: Option<String>) -> Fig<'a> {
    Fig {
        label,
        now: now.into(),
        forecast,
    }
}

fn draw_stats(frame: &mut Frame, area: Rect, app: &App, p: &PartitionView, m: &MoveView) {
    let t = &app.theme;
    let box_h = if area.height >= 14 && !m.inactive {
        5
    } else {
        0
    };
    let [figs, window] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(box_h)]).areas(area);
    let figures = figures(app, p, m);
    let label_w = 18usize;
    // Rows without a forecast may run on into the forecast column.
    let widest = figures
        .iter()
        .filter(|f| f.forecast.is_some())
        .map(|f| f.now.content.chars().count())
        .max()
        .unwrap_or(0);
    let now_w = (widest + 2).clamp(
        12,
        (area.width as usize).saturating_sub(label_w + 12).max(12),
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<label_w$}", ""), t.dim),
        Span::styled(format!("{:<now_w$}", "now"), t.dim),
        Span::styled("forecast", t.forecast),
    ])];
    let room = figs.height as usize - if box_h == 0 && !m.inactive { 1 } else { 0 };
    for f in figures.into_iter().take(room.saturating_sub(1)) {
        let now_len = f.now.content.chars().count();
        let pad = now_w.saturating_sub(now_len);
        lines.push(Line::from(vec![
            Span::styled(format!("{:<label_w$}", f.label), t.dim),
            f.now,
            Span::raw(" ".repeat(pad)),
            Span::styled(f.forecast.unwrap_or_default(), t.forecast),
        ]));
    }
    if box_h == 0 && !m.inactive {
        lines.push(window_line(app, m));
    }
    frame.render_widget(Paragraph::new(lines), figs);
    if box_h > 0 {
        draw_window(frame, window, app, m);
    }
}

fn figures<'a>(app: &'a App, p: &PartitionView, m: &MoveView) -> Vec<Fig<'a>> {
    let t = &app.theme;
    let pred: Option<&Prediction> = m.prediction.as_ref();
    let bytes = |pages: f64| fmt::bytes(app.pages_to_bytes(pages));
    let mib = |pages_s: f64| fmt::mib_s(app.pages_to_mib(pages_s));
    let sent: u64 = m.bytes.iter().sum();
    let elapsed: f64 = m
        .phase_times
        .iter()
        .filter(|(ph, _)| *ph != Phase::Queued && *ph != Phase::Completed && *ph != Phase::Stopped)
        .map(|(_, s)| s)
        .sum();
    let mut out = Vec::new();
    if m.inactive {
        out.push(fig("Profile", Span::raw("moves in about 2 s"), None));
        return out;
    }
    let live = m.phase.in_flight();
    let pred_verdict = pred.map(|pr| {
        if pr.converges() {
            format!("{} rounds ✓", pr.rounds)
        } else {
            format!("{} rounds ✗", pr.rounds)
        }
    });
    if m.phase == Phase::Completed {
        let ok = m.verified == Some(true);
        out.push(fig(
            "Outcome",
            Span::styled(
                if ok {
                    "✓ verified: target = source"
                } else {
                    "✗ VERIFICATION FAILED"
                },
                if ok { t.good } else { t.bad },
            ),
            None,
        ));
        let users = if m.users_dropped == 0 {
            Span::styled(format!("{} kept, 0 dropped", p.users), t.good)
        } else {
            Span::styled(format!("{} dropped", m.users_dropped), t.bad)
        };
        out.push(fig("Users", users, None));
    }
    if m.phase == Phase::Stopped {
        out.push(fig(
            "Stopped",
            Span::styled(m.stop_reason.clone().unwrap_or_default(), t.warn),
            None,
        ));
    }
    if m.phase == Phase::Failed {
        out.push(fig(
            "Failed",
            Span::styled(m.failure.clone().unwrap_or_default(), t.bad),
            None,
        ));
        if m.pages_lost > 0 {
            out.push(fig(
                "DATA LOST",
                Span::styled(
                    format!(
                        "{} never reached the target",
                        fmt::bytes(m.pages_lost as f64 * app.snap.page_size_kib as f64 * 1024.0)
                    ),
                    t.bad,
                ),
                None,
            ));
        } else {
            out.push(fig(
                "Partition",
                Span::styled(
                    "runs on at the source; Recover before moving it again",
                    t.warn,
                ),
                None,
            ));
        }
    }
    out.push(fig(
        "Rounds",
        Span::raw(if live {
            format!("{} so far", m.round)
        } else {
            m.round.to_string()
        }),
        pred_verdict,
    ));
    if live {
        out.push(fig(
            "Remaining",
            Span::raw(format!(
                "{} ({:.1}%)",
                bytes(m.remaining_pages as f64),
                100.0 - m.clean_percent
            )),
            None,
        ));
        let dirty_over = m.dirty_rate_pages_s > m.transfer_rate_pages_s;
        out.push(fig(
            "Dirty rate",
            Span::styled(
                mib(m.dirty_rate_pages_s),
                if dirty_over { t.bad } else { t.dirty },
            ),
            None,
        ));
        out.push(fig(
            "Transfer rate",
            Span::styled(mib(m.transfer_rate_pages_s), t.transfer),
            None,
        ));
    }
    if m.phase == Phase::PreCopy {
        out.push(fig(
            "Expected downtime",
            Span::raw(fmt::ms(m.expected_downtime_ms)),
            pred.map(|pr| fmt::ms(pr.downtime_ms)),
        ));
        out.push(fig(
            "Switch-over in",
            Span::raw(m.eta_switchover_s.map_or("—".into(), fmt::secs)),
            pred.map(|pr| format!("after {}", fmt::secs(pr.precopy_s))),
        ));
    } else if let Some(d) = m.downtime_ms {
        out.push(fig(
            "Downtime",
            Span::styled(fmt::ms(d), t.bold),
            Some(format!("exp. {}", fmt::ms(m.expected_downtime_ms))),
        ));
    }
    out.push(fig(
        "Elapsed",
        Span::raw(fmt::secs(elapsed)),
        pred.map(|pr| format!("total {}", fmt::secs(pr.total_s))),
    ));
    out.push(fig(
        "Data sent",
        Span::raw(format!(
            "{} ({:.2}x mem)",
            fmt::bytes(sent as f64),
            m.pages_sent as f64 / m.pages.max(1) as f64
        )),
        pred.map(|pr| bytes(pr.pages_sent)),
    ));
    if !live && m.phase == Phase::Completed {
        out.push(fig(
            "  pre/susp/pull",
            Span::raw(format!(
                "{} / {} / {}",
                fmt::bytes(m.bytes[0] as f64),
                fmt::bytes(m.bytes[1] as f64),
                fmt::bytes(m.bytes[2] as f64)
            )),
            None,
        ));
    }
    if m.demand_faults > 0 || matches!(m.phase, Phase::Pulling | Phase::Completed) {
        out.push(fig(
            "Demand faults",
            Span::raw(fmt::count(m.demand_faults)),
            None,
        ));
    }
    let cap = match m.bandwidth_cap_mib_s {
        Some(c) => Span::styled(fmt::mib_s(c), t.warn),
        None => Span::styled("none (whole link)", t.dim),
    };
    out.push(fig("Bandwidth cap", cap, None));
    let mut thr = format!("{:.0}%", m.cpu_throttle_pct);
    if m.auto_converge {
        thr.push_str(&format!(" + auto {:.0}%", m.auto_throttle_pct));
    }
    let throttled = m.cpu_throttle_pct > 0.0 || m.auto_throttle_pct > 0.0;
    out.push(fig(
        "CPU throttle",
        Span::styled(thr, if throttled { t.warn } else { t.base }),
        None,
    ));
    out.push(fig(
        "Auto-converge",
        Span::raw(if m.auto_converge { "on" } else { "off" }),
        None,
    ));
    out
}

/// The suspend window in one line, for short screens.
fn window_line<'a>(app: &'a App, m: &MoveView) -> Line<'a> {
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
fn draw_window(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    let t = &app.theme;
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
pub fn big_text(s: &str) -> [String; 3] {
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

/// A partition that has not moved: what it is, and what a move would do, by the forecast.
fn draw_idle(frame: &mut Frame, area: Rect, app: &App, p: &PartitionView) {
    app.map_cells.set(0);
    let t = &app.theme;
    let to = &app.snap.systems[app.other_frame(p.system)].name;
    let kv = |k: &'static str, v: Span<'static>| {
        Line::from(vec![Span::styled(format!("{k:<18}"), t.dim), v])
    };
    let mut lines = vec![
        kv(
            "Memory",
            Span::raw(format!(
                "{} GiB ({} pages of {} KiB)",
                fmt::sig3(p.memory_gib),
                fmt::count(p.pages),
                app.snap.page_size_kib
            )),
        ),
        kv(
            "Processors",
            Span::raw(format!("{} · {:?} mode", fmt::num(p.cpus), p.compat)),
        ),
        kv(
            "Workload",
            Span::raw(format!(
                "{} · writes {}",
                p.workload,
                fmt::mib_s(p.writes_mib_s)
            )),
        ),
        kv("Users", Span::raw(p.users.to_string())),
    ];
    if p.dedicated_io {
        lines.push(kv(
            "Dedicated I/O",
            Span::styled("yes: validation will refuse (d removes it)", t.warn),
        ));
    }
    lines.push(Line::raw(""));
    match app
        .forecast
        .as_ref()
        .filter(|(pi, _)| Some(*pi) == app.selected)
    {
        Some((_, pr)) if p.status != crate::engine::snapshot::PartitionStatus::NotActivated => {
            lines.push(Line::from(Span::styled(
                format!("If moved to {to} now (forecast at today's rates):"),
                t.forecast,
            )));
            let verdict = if pr.converges() {
                Span::styled(format!("converges in {} rounds", pr.rounds), t.good)
            } else {
                Span::styled(
                    format!(
                        "will not converge: switches over unconverged after {} rounds",
                        pr.rounds
                    ),
                    t.bad,
                )
            };
            lines.push(kv("Verdict", verdict));
            lines.push(kv(
                "Pre-copy",
                Span::raw(format!(
                    "{} · total {}",
                    fmt::secs(pr.precopy_s),
                    fmt::secs(pr.total_s)
                )),
            ));
            lines.push(kv("Downtime", Span::raw(fmt::ms(pr.downtime_ms))));
            lines.push(kv(
                "Data to send",
                Span::raw(fmt::bytes(app.pages_to_bytes(pr.pages_sent))),
            ));
            if !pr.converges() {
                lines.push(Line::from(Span::styled(
                    "Tip: t raises its CPU throttle; a turns on auto-converge once it moves.",
                    t.dim,
                )));
            }
        }
        _ if p.status == crate::engine::snapshot::PartitionStatus::NotActivated => {
            lines.push(Line::from(Span::styled(
                format!("Not activated: a move to {to} carries its profile only."),
                t.dim,
            )));
        }
        _ => {}
    }
    if let Some(v) = app
        .preview
        .as_ref()
        .filter(|v| v.partition == p.name && &v.to == to)
    {
        lines.push(Line::raw(""));
        let failed: Vec<_> = v.checks.iter().filter(|c| !c.passed).collect();
        if failed.is_empty() {
            lines.push(kv(
                "Validation",
                Span::styled(
                    format!("✓ all {} checks pass against {to}", v.checks.len()),
                    t.good,
                ),
            ));
        } else {
            lines.push(kv(
                "Validation",
                Span::styled(
                    format!(
                        "✗ {} of {} checks fail against {to}:",
                        failed.len(),
                        v.checks.len()
                    ),
                    t.bad,
                ),
            ));
            for c in failed {
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<18}✗ {}: ", "", c.name), t.bad),
                    Span::raw(c.detail.clone()),
                ]));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("v", t.key),
        Span::styled(" validates against ", t.dim),
        Span::raw(to.clone()),
        Span::styled(" · ", t.dim),
        Span::styled("m", t.key),
        Span::styled(" migrates", t.dim),
    ]));
    // Beside the figures, the forecast's rounds as bars: a shrinking series converges, a flat
    // one will not.
    let forecast = app
        .forecast
        .as_ref()
        .filter(|(pi, pr)| Some(*pi) == app.selected && !pr.round_pages.is_empty())
        .filter(|_| p.status != crate::engine::snapshot::PartitionStatus::NotActivated);
    let (text, bars) = match forecast {
        Some((_, pr)) if area.width >= 110 && area.height >= 8 => {
            let [text, _, bars] = Layout::horizontal([
                Constraint::Length(90),
                Constraint::Length(1),
                Constraint::Min(20),
            ])
            .areas(area);
            (text, Some((bars, pr)))
        }
        _ => (area, None),
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text);
    if let Some((r, pr)) = bars {
        chart::draw_forecast_rounds(frame, r, app, pr);
    }
}
