//! The move's figures, live beside the forecast, and the suspend window under them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::window;
use crate::engine::snapshot::{MoveView, PartitionView};
use crate::engine::{Phase, Prediction};
use crate::tui::app::App;
use crate::tui::fmt;

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

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, p: &PartitionView, m: &MoveView) {
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
    // The forecast column compares against the forecast made when the move started; the
    // live one has a row of its own while the move runs.
    let forecast_w = (area.width as usize).saturating_sub(label_w + now_w);
    let head = if m.forecast_at_start.is_some() && forecast_w >= 17 {
        "forecast at start"
    } else if m.forecast_at_start.is_some() {
        "at start"
    } else {
        "forecast"
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<label_w$}", ""), t.dim),
        Span::styled(format!("{:<now_w$}", "now"), t.dim),
        Span::styled(head, t.forecast),
    ])];
    let room = figs.height as usize - if box_h == 0 && !m.inactive { 1 } else { 0 };
    let mut rows: Vec<Fig> = Vec::new();
    // A long row without a forecast (a failure, its advice) wraps rather than being cut.
    let text_w = (area.width as usize).saturating_sub(label_w).max(8);
    for f in figures {
        if f.forecast.is_none() && f.now.content.chars().count() > text_w {
            let style = f.now.style;
            for (i, part) in fmt::wrap(&f.now.content, text_w).into_iter().enumerate() {
                rows.push(fig(
                    if i == 0 { f.label } else { "" },
                    Span::styled(part, style),
                    None,
                ));
            }
        } else {
            rows.push(f);
        }
    }
    // What is applied to the move (cap, throttle, auto-converge) must stay on screen once the
    // status line has moved on: short of room, it takes the last row, in one line.
    let slots = room.saturating_sub(1);
    // Short of room, the two rates share a row (the switch-over's ETA must not fall off).
    if rows.len() > slots
        && let Some(d) = rows.iter().position(|f| f.label == "Dirty rate")
        && rows.get(d + 1).is_some_and(|f| f.label == "Transfer rate")
    {
        let xfer = rows.remove(d + 1);
        let dirty = &mut rows[d];
        dirty.label = "Dirty / transfer";
        dirty.now = Span::styled(
            format!("{} / {}", dirty.now.content, xfer.now.content),
            dirty.now.style,
        );
    }
    let tuning_at = rows.iter().position(|f| f.label == "Bandwidth cap");
    // Once the move is over nothing is applied to it any more: short of room, its failure
    // and the advice to recover matter more than the cap it had.
    if let Some(at) = tuning_at
        && rows.len() > slots
        && !m.phase.in_flight()
    {
        rows.drain(at..(at + 3).min(rows.len()));
    } else if let Some(at) = tuning_at
        && rows.len() > slots
        && !m.inactive
    {
        let line = tuning_line(app, m);
        let parts = fmt::wrap(&line.content, text_w);
        rows.truncate(at);
        rows.truncate(slots.saturating_sub(parts.len()));
        for (i, part) in parts.into_iter().enumerate() {
            let label = if i == 0 { "Cap·throttle·auto" } else { "" };
            rows.push(fig(label, Span::styled(part, line.style), None));
        }
    }
    for f in rows.into_iter().take(slots) {
        let now_len = f.now.content.chars().count();
        // At least one space between a value and its forecast, and the forecast cut to fit.
        let pad = now_w
            .saturating_sub(now_len)
            .max(usize::from(f.forecast.is_some()));
        let left = (area.width as usize).saturating_sub(label_w + now_len + pad);
        let forecast: String = f.forecast.unwrap_or_default().chars().take(left).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{:<label_w$}", f.label), t.dim),
            f.now,
            Span::raw(" ".repeat(pad)),
            Span::styled(forecast, t.forecast),
        ]));
    }
    if box_h == 0 && !m.inactive {
        lines.push(window::line(app, m));
    }
    frame.render_widget(Paragraph::new(lines), figs);
    if box_h > 0 {
        window::draw(frame, window, app, m);
    }
}

fn figures<'a>(app: &'a App, p: &PartitionView, m: &MoveView) -> Vec<Fig<'a>> {
    let t = &app.theme;
    // The forecast column shows the forecast made when the move started: what "forecast vs
    // actual" compares. Today's forecast is shown on its own row while the move runs.
    let pred: Option<&Prediction> = m.forecast_at_start.as_ref().or(m.prediction.as_ref());
    let finite = |s: f64| s.is_finite() && s < 1e7;
    let bytes = |pages: f64| fmt::bytes(app.pages_to_bytes(pages));
    let mib = |pages_s: f64| fmt::mib_s(app.pages_to_mib(pages_s));
    let sent: u64 = m.bytes.total();
    let elapsed: f64 = m
        .phase_times
        .iter()
        .filter(|(ph, _)| *ph != Phase::Queued && *ph != Phase::Completed && *ph != Phase::Stopped)
        .map(|(_, s)| s)
        .sum();
    let mut out = Vec::new();
    if m.inactive {
        // A profile waits for its path like memory does: no promise of seconds while it is down.
        let (text, style) = match (m.phase, m.stalled_s) {
            (_, Some(s)) => (
                format!("stalled: path down since {}", fmt::clock(app.snap.t - s)),
                t.bad,
            ),
            (Phase::Configuring, None) => ("moves in about 2 s".to_string(), t.base),
            (Phase::Completed, None) => (format!("moved to {}", m.to), t.good),
            (Phase::Queued, None) => (queue_text(app, m), t.warn),
            (Phase::Failed, None) => (m.failure.clone().unwrap_or_default(), t.bad),
            (_, None) => (m.phase.label().to_string(), t.base),
        };
        out.push(fig("Profile", Span::styled(text, style), None));
        return out;
    }
    let live = m.phase.in_flight();
    let queued = m.phase == Phase::Queued;
    if let Some(r) = recovered_text(app, p, m) {
        out.push(fig("Recovered", Span::styled(r, t.good), None));
    }
    let pred_verdict = pred.map(|pr| {
        if pr.converges() {
            format!("{} ✓", fmt::plural(pr.rounds as usize, "round", "rounds"))
        } else {
            format!("{} ✗", fmt::plural(pr.rounds as usize, "round", "rounds"))
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
        let recovered = crate::tui::render::frames::was_recovered(p, m);
        out.push(fig(
            "Failed",
            Span::styled(
                m.failure.clone().unwrap_or_default(),
                if recovered { t.dim } else { t.bad },
            ),
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
        } else if !recovered && !p.needs_recovery {
            out.push(fig(
                "Partition",
                Span::styled("never left the queue; it runs on at the source", t.warn),
                None,
            ));
        } else if !recovered {
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
    if queued {
        out.push(fig("Rounds", Span::styled("none yet", t.dim), pred_verdict));
    } else {
        out.push(fig(
            "Rounds",
            Span::raw(if live {
                format!("{} so far", m.round)
            } else {
                m.round.to_string()
            }),
            pred_verdict,
        ));
    }
    if live && !queued {
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
        // A move whose path is down carries nothing: an ETA at a rate of zero is absurd.
        match m.stalled_s {
            Some(s) => out.push(fig(
                "Switch-over in",
                Span::styled(
                    format!("stalled: path down since {}", fmt::clock(app.snap.t - s)),
                    t.bad,
                ),
                None,
            )),
            None => out.push(fig(
                "Switch-over in",
                Span::raw(m.eta_switchover_s.map_or("—".into(), fmt::secs)),
                pred.map(|pr| format!("after {}", fmt::secs(pr.precopy_s))),
            )),
        }
    } else if let Some(d) = m.downtime_ms {
        out.push(fig(
            "Downtime",
            Span::styled(fmt::ms(d), t.bold),
            pred.map(|pr| fmt::ms(pr.downtime_ms)),
        ));
    } else if queued {
        out.push(fig(
            "Expected downtime",
            Span::styled("—", t.dim),
            pred.map(|pr| fmt::ms(pr.downtime_ms)),
        ));
    }
    // Today's forecast beside the one at the start, while the move runs.
    if live
        && !queued
        && m.forecast_at_start.is_some()
        && m.stalled_s.is_none()
        && let Some(now) = m.prediction.as_ref()
    {
        let verdict = if now.converges() { "✓" } else { "✗" };
        let total = if finite(now.total_s) {
            format!(", total {}", fmt::secs(now.total_s))
        } else {
            String::new()
        };
        out.push(fig(
            "Forecast now",
            Span::styled(
                format!(
                    "{} {verdict}{total}",
                    fmt::plural(now.rounds as usize, "round", "rounds")
                ),
                if now.converges() { t.forecast } else { t.bad },
            ),
            None,
        ));
    }
    if queued {
        let waited: f64 = m
            .phase_times
            .iter()
            .filter(|(ph, _)| *ph == Phase::Queued)
            .map(|(_, s)| s)
            .sum();
        out.push(fig(
            "Waiting",
            Span::raw(fmt::secs(waited.max(0.0))),
            pred.filter(|pr| finite(pr.total_s))
                .map(|pr| format!("then {}", fmt::secs(pr.total_s))),
        ));
        out.push(fig(
            "Data to send",
            Span::raw(bytes(m.pages as f64)),
            pred.map(|pr| bytes(pr.pages_sent)),
        ));
    } else {
        out.push(fig(
            "Elapsed",
            Span::raw(fmt::secs(elapsed.max(0.0))),
            pred.filter(|pr| m.stalled_s.is_none() && finite(pr.total_s))
                .map(|pr| format!("total {}", fmt::secs(pr.total_s))),
        ));
        out.push(fig(
            "Data sent",
            Span::raw(format!(
                "{} ({:.2}x)",
                fmt::bytes(sent as f64),
                m.pages_sent as f64 / m.pages.max(1) as f64
            )),
            pred.map(|pr| bytes(pr.pages_sent)),
        ));
    }
    if !live && m.phase == Phase::Completed {
        out.push(fig(
            "  pre/susp/pull",
            Span::raw(format!(
                "{} / {} / {}",
                fmt::bytes(m.bytes.precopy as f64),
                fmt::bytes(m.bytes.suspended as f64),
                fmt::bytes(m.bytes.after_resume as f64)
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
    let (cap, thr, auto) = tuning(app, m);
    out.push(fig("Bandwidth cap", cap, None));
    out.push(fig("CPU throttle", thr, None));
    out.push(fig("Auto-converge", auto, None));
    out
}

/// Cap, throttle and auto-converge as the figures show them.
fn tuning<'a>(app: &'a App, m: &MoveView) -> (Span<'a>, Span<'a>, Span<'a>) {
    let t = &app.theme;
    let cap = match m.bandwidth_cap_mib_s {
        Some(c) => Span::styled(fmt::mib_s(c), t.warn),
        None => Span::styled("none (whole link)", t.dim),
    };
    let mut thr = format!("{:.0}%", m.cpu_throttle_pct);
    if m.auto_converge {
        thr.push_str(&format!(" + auto {:.0}%", m.auto_throttle_pct));
    }
    let throttled = m.cpu_throttle_pct > 0.0 || m.auto_throttle_pct > 0.0;
    (
        cap,
        Span::styled(thr, if throttled { t.warn } else { t.base }),
        Span::styled(
            if m.auto_converge { "on" } else { "off" },
            if m.auto_converge { t.warn } else { t.base },
        ),
    )
}

/// Cap, throttle and auto-converge in one line, for short panes.
fn tuning_line<'a>(app: &'a App, m: &MoveView) -> Span<'a> {
    let cap = match m.bandwidth_cap_mib_s {
        Some(c) => fmt::mib_s(c),
        None => "none".into(),
    };
    let mut thr = format!("{:.0}%", m.cpu_throttle_pct);
    if m.auto_converge {
        thr = format!("{thr} · on (+{:.0}%)", m.auto_throttle_pct);
    } else {
        thr.push_str(" · off");
    }
    let applied = m.bandwidth_cap_mib_s.is_some() || m.cpu_throttle_pct > 0.0 || m.auto_converge;
    Span::styled(
        format!("{cap} · {thr}"),
        if applied {
            app.theme.warn
        } else {
            app.theme.base
        },
    )
}

/// Where a queued move waits: the mover slots of its two frames.
pub(super) fn queue_text(app: &App, m: &MoveView) -> String {
    let slots = |name: &str| {
        app.snap
            .systems
            .iter()
            .find(|s| s.name == name)
            .map(|s| format!("{} {}/{}", s.name, s.msp_in_use, s.msp_slots))
    };
    let busy: Vec<String> = [&m.from, &m.to]
        .into_iter()
        .filter_map(|f| slots(f))
        .collect();
    format!("waiting for a mover slot (in use: {})", busy.join(", "))
}

/// A failed move the operator has since recovered: where the partition runs now.
fn recovered_text(app: &App, p: &PartitionView, m: &MoveView) -> Option<String> {
    crate::tui::render::frames::was_recovered(p, m).then(|| {
        format!(
            "runs on {}; it can move again",
            app.snap.system(p.system).name
        )
    })
}
