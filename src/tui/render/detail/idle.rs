//! A partition that has not moved: what it is, and what a move would do, by the forecast and
//! the validation preview.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::engine::snapshot::PartitionView;
use crate::tui::app::App;
use crate::tui::fmt;
use crate::tui::render::chart;

/// A partition that has not moved: what it is, and what a move would do, by the forecast.
pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, p: &PartitionView) {
    let t = &app.theme;
    let to = &app.snap.system(app.other_frame(p.system)).name;
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
                Span::styled(
                    format!(
                        "converges in {}",
                        fmt::plural(pr.rounds as usize, "round", "rounds")
                    ),
                    t.good,
                )
            } else {
                Span::styled(
                    format!(
                        "will not converge: switches over unconverged after {}",
                        fmt::plural(pr.rounds as usize, "round", "rounds")
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
