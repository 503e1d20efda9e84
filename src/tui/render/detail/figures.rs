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
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<label_w$}", ""), t.dim),
        Span::styled(format!("{:<now_w$}", "now"), t.dim),
        Span::styled("forecast", t.forecast),
    ])];
    let room = figs.height as usize - if box_h == 0 && !m.inactive { 1 } else { 0 };
    let mut rows = Vec::new();
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
    for f in rows.into_iter().take(room.saturating_sub(1)) {
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
        lines.push(window::line(app, m));
    }
    frame.render_widget(Paragraph::new(lines), figs);
    if box_h > 0 {
        window::draw(frame, window, app, m);
    }
}

fn figures<'a>(app: &'a App, p: &PartitionView, m: &MoveView) -> Vec<Fig<'a>> {
    let t = &app.theme;
    let pred: Option<&Prediction> = m.prediction.as_ref();
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
            Some(format!("exp. {}", fmt::ms(m.expected_downtime_ms))),
        ));
    }
    out.push(fig(
        "Elapsed",
        Span::raw(fmt::secs(elapsed)),
        pred.filter(|_| m.stalled_s.is_none())
            .map(|pr| format!("total {}", fmt::secs(pr.total_s))),
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
