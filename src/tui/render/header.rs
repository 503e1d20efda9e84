//! The top line: scenario, simulated clock, time scale, and the count of moves.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::engine::Phase;
use crate::engine::snapshot::PartitionStatus;
use crate::tui::app::App;
use crate::tui::fmt;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let s = &app.snap;
    let sep = || Span::styled(" │ ", t.border);
    let mut spans = vec![sep()];
    spans.push(Span::styled("t ", t.dim));
    spans.push(Span::styled(fmt::clock(s.t), t.bold));
    spans.push(sep());
    if app.paused {
        spans.push(Span::styled(" ⏸ PAUSED ", t.paused));
        spans.push(Span::styled(format!(" {}", fmt::scale(app.scale)), t.dim));
    } else {
        spans.push(Span::styled("▶ ", t.running));
        spans.push(Span::styled(fmt::scale(app.scale), t.bold));
        if let Some(slow) = app.slow_motion_now {
            spans.push(Span::styled(
                format!(" · slow motion {} (suspend window)", fmt::scale(slow)),
                t.suspend,
            ));
        } else if let Some(actual) = app.lagging {
            spans.push(Span::styled(
                format!(" (engine keeps {})", fmt::scale(actual)),
                t.warn,
            ));
        }
    }
    spans.push(sep());
    let count = |n: usize, label: &'static str, style| {
        [
            Span::styled(n.to_string(), if n > 0 { style } else { t.dim }),
            Span::styled(format!(" {label}"), t.dim),
        ]
    };
    let narrow = area.width < 120;
    if !narrow {
        spans.push(Span::styled("moves ", t.dim));
    }
    spans.extend(count(
        s.in_flight,
        if narrow { "moving" } else { "in flight" },
        t.info,
    ));
    spans.push(Span::styled(" · ", t.dim));
    spans.extend(count(s.queued, "queued", t.warn));
    spans.push(Span::styled(" · ", t.dim));
    spans.extend(count(s.completed, "done", t.good));
    if s.stopped > 0 || area.width >= 120 {
        spans.push(Span::styled(" · ", t.dim));
        spans.extend(count(s.stopped, "stopped", t.warn));
    }
    // Failures are news at any width: failed moves, partitions lost with their data, down.
    let lost = s
        .moves
        .iter()
        .filter(|m| m.phase == Phase::Failed && m.pages_lost > 0)
        .count();
    // A failed move the operator recovered is history: the partition runs on and can move.
    let failed = s
        .moves
        .iter()
        .filter(|m| m.phase == Phase::Failed && m.pages_lost == 0)
        .filter(|m| !crate::tui::render::frames::was_recovered(s.partition(m.partition), m))
        .count();
    let down = s
        .partitions
        .iter()
        .filter(|p| p.status == PartitionStatus::Down)
        .count();
    for (n, label) in [(failed, "failed"), (lost, "LOST"), (down, "down")] {
        if n > 0 {
            spans.push(Span::styled(" · ", t.dim));
            spans.push(Span::styled(format!("{n} {label}"), t.bad));
        }
    }
    // The estate's energy: what it draws now, what it has drawn, and what frames powered off
    // saved against all of them on; as much of it as fits beside a link fault.
    let e = &s.energy;
    let used: usize = spans.iter().map(|s| s.width()).sum();
    // Room is kept for a link fault (news) and a few letters of the scenario's name.
    let link_fault = s.link_pages_s_now < s.link_pages_s * 0.999;
    let keep = if link_fault { 3 + 24 } else { 0 } + 5 + 10;
    let room = (area.width as usize).saturating_sub(used + keep + 3);
    // The frames' draw now (the report's figure is the last interval's, 0 before the first).
    let watts: f64 = s.systems.iter().map(|f| f.watts).sum();
    let mut energy = vec![Span::styled(fmt::watts(watts), t.bold)];
    let drawn = format!(" · {}", fmt::wh(e.energy_wh));
    let saved = format!(" · saved {}", fmt::wh(e.saved_wh));
    let mut len = fmt::watts(watts).chars().count();
    if e.energy_wh > 0.0 && len + drawn.chars().count() <= room {
        len += drawn.chars().count();
        energy.push(Span::styled(drawn, t.dim));
        if e.saved_wh > 0.0 && len + saved.chars().count() <= room {
            len += saved.chars().count();
            energy.push(Span::styled(saved, t.good));
        }
    }
    if len <= room {
        spans.push(sep());
        spans.extend(energy);
    }
    // The scenario's name gets the room the figures leave; its file only if there is plenty.
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = (area.width as usize).saturating_sub(used + 5);
    let mut name: String = s.scenario.clone();
    if name.chars().count() > room {
        name = name
            .chars()
            .take(room.saturating_sub(1))
            .collect::<String>()
            + "…";
    }
    let mut head = vec![Span::styled(" lpm ", t.title), Span::styled(name, t.bold)];
    if let Some(origin) = &app.origin {
        let extra = format!(" ({origin})");
        if s.scenario.chars().count() + extra.chars().count() + 40 <= room {
            head.push(Span::styled(extra, t.dim));
        }
    }
    head.extend(spans);
    let mut spans = head;
    let link = format!(
        "link {} Gbit/s ({})",
        fmt::sig3(s.link_gbps),
        fmt::mib_s(app.link_mib_s())
    );
    // A link fault is news: say it in place of the link's nominal figures.
    let (link, style) = if s.link_pages_s_now <= 0.0 {
        ("LINK DOWN".to_string(), t.bad)
    } else if s.link_pages_s_now < s.link_pages_s * 0.999 {
        (
            format!(
                "link DEGRADED {} Gbit/s",
                fmt::sig3(s.link_gbps * s.link_pages_s_now / s.link_pages_s)
            ),
            t.warn,
        )
    } else {
        (link, t.dim)
    };
    let used: usize = spans.iter().map(|s| s.width()).sum();
    if used + 3 + link.chars().count() <= area.width as usize {
        spans.push(sep());
        spans.push(Span::styled(link, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
