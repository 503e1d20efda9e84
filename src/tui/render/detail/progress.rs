//! The pane's top two rows: the phases the move went through with the time spent in each, and
//! the gauge of the switch-over threshold.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::engine::snapshot::MoveView;
use crate::engine::{Phase, SwitchReason};
use crate::tui::app::App;
use crate::tui::fmt;
use crate::tui::render::bar;

/// Validated > Queued > Pre-copy round N > Suspended > Resumed (pulling) > Complete, with the
/// time spent in each; the current phase highlighted, those to come dimmed.
pub(super) fn phase_line<'a>(app: &'a App, m: &MoveView, width: u16) -> Line<'a> {
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
        let recovered = app
            .snap
            .partitions
            .get(m.partition.index())
            .is_some_and(|p| crate::tui::render::frames::was_recovered(p, m));
        let what = if m.pages_lost > 0 {
            " ✗ LOST ".to_string()
        } else {
            format!(" ✗ Failed in round {} ", m.round)
        };
        if recovered {
            spans.push(Span::styled(what.trim().to_string(), t.phase_done));
            spans.push(Span::styled(" › ", t.dim));
            spans.push(Span::styled(
                " ↺ Recovered ",
                t.good.add_modifier(ratatui::style::Modifier::REVERSED),
            ));
        } else {
            spans.push(Span::styled(
                what,
                t.bad.add_modifier(ratatui::style::Modifier::REVERSED),
            ));
        }
    }
    if let Some(s) = m.stalled_s {
        spans.push(Span::styled(format!("  ⏸ stalled {}", fmt::secs(s)), t.bad));
    }
    // Short of room, "Validated" goes first: the phases after it matter more.
    let len: usize = spans.iter().map(|s| s.width()).sum();
    if len > width as usize && spans.len() > 2 {
        spans.drain(..2);
    }
    Line::from(spans)
}

pub(super) fn draw_gauge(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
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
    if m.phase == Phase::Queued {
        let line = Line::from(vec![
            Span::styled("Queued ", t.bold),
            Span::styled(super::figures::queue_text(app, m), t.warn),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let recovered = app
        .snap
        .partitions
        .get(m.partition.index())
        .is_some_and(|p| crate::tui::render::frames::was_recovered(p, m));
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
        _ if m.pages_lost > 0 => Span::styled(
            format!("  ✗ LOST: {} pages missing", fmt::count(m.pages_lost)),
            t.bad,
        ),
        _ if recovered => Span::styled("  ↺ failed, recovered", t.good),
        _ if m.phase == Phase::Failed => Span::styled("  ✗ failed", t.bad),
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
    let long = label.chars().count() + value.chars().count() + suffix.content.chars().count();
    // Short of room, the figures in fewer words, so the verdict after them stays whole.
    let value = if long + 4 > area.width as usize {
        if th.kind == "clean" {
            format!(
                " {:.2}% of {}% · r{}",
                th.value,
                fmt::sig3(th.target),
                m.round
            )
        } else {
            format!(
                " {} / {} · r{}",
                fmt::ms(th.value),
                fmt::ms(th.target),
                m.round
            )
        }
    } else {
        value
    };
    let fixed = label.chars().count() + value.chars().count() + suffix.content.chars().count();
    let bar_w = (area.width as usize).saturating_sub(fixed).clamp(4, 60) as u16;
    let (full, empty) = bar(bar_w, th.progress);
    let line = Line::from(vec![
        Span::styled(label, t.bold),
        Span::styled(full, style),
        Span::styled(empty, t.never_sent),
        Span::raw(value),
        suffix,
    ]);
    frame.render_widget(Paragraph::new(line), area);
}
