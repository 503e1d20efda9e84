//! Dirty-page rate against transfer rate over time, and the pages sent per round as bars: the
//! shrinking series of a converging move, the flat one of a move that will not converge.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph,
};

use crate::engine::snapshot::MoveView;
use crate::tui::app::App;
use crate::tui::fmt;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    if m.inactive {
        return;
    }
    let bars_h = if area.height >= 16 {
        area.height * 2 / 5
    } else if area.height >= 10 {
        5
    } else {
        0
    };
    let [top, bottom] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(bars_h)]).areas(area);
    draw_rates(frame, top, app, m);
    if bars_h > 0 {
        draw_rounds(frame, bottom, app, m);
    }
}

fn draw_rates(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    let t = &app.theme;
    let title = Line::from(vec![
        Span::styled(" MiB/s: ", t.dim),
        Span::styled("━ dirty", t.dirty),
        Span::styled(" vs ", t.dim),
        Span::styled("━ transfer ", t.transfer),
    ]);
    let block = Block::bordered().border_style(t.border).title(title);
    if m.samples.is_empty() {
        let msg =
            Paragraph::new(Span::styled("waiting for the first samples…", t.dim)).block(block);
        frame.render_widget(msg, area);
        return;
    }
    // At most two points per braille column is all a screen can show.
    let max_points = (area.width as usize * 2).max(2);
    let stride = m.samples.len().div_ceil(max_points).max(1);
    let mib = |pages_s: f64| app.pages_to_mib(pages_s);
    let mut dirty = Vec::with_capacity(max_points + 1);
    let mut sent = Vec::with_capacity(max_points + 1);
    let mut peak: f64 = 1.0;
    for chunk in m.samples.chunks(stride) {
        let n = chunk.len() as f64;
        let tt = chunk[chunk.len() - 1].t;
        let d = chunk.iter().map(|s| mib(s.dirty_pages_s)).sum::<f64>() / n;
        let x = chunk.iter().map(|s| mib(s.transfer_pages_s)).sum::<f64>() / n;
        peak = peak.max(d).max(x);
        dirty.push((tt, d));
        sent.push((tt, x));
    }
    let t0 = m.samples[0].t - 0.1;
    let t1 = m.samples[m.samples.len() - 1].t.max(t0 + 1.0);
    let ymax = nice_ceiling(peak * 1.1);
    let datasets = vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.transfer)
            .data(&sent),
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.dirty)
            .data(&dirty),
    ];
    let chart = Chart::new(datasets)
        .block(block)
        .x_axis(Axis::default().style(t.dim).bounds([t0, t1]).labels([
            Span::raw(format!("{t0:.0} s")),
            Span::raw(format!("{t1:.0} s")),
        ]))
        .y_axis(Axis::default().style(t.dim).bounds([0.0, ymax]).labels([
            Span::raw("0"),
            Span::raw(fmt::sig3(ymax / 2.0)),
            Span::raw(fmt::sig3(ymax)),
        ]));
    frame.render_widget(chart, area);
}

/// A round number above `v`: 1, 2 or 5 times a power of ten.
fn nice_ceiling(v: f64) -> f64 {
    let v = v.max(1.0);
    let p = 10f64.powf(v.log10().floor());
    for k in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if k * p >= v {
            return k * p;
        }
    }
    10.0 * p
}

fn draw_rounds(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    let t = &app.theme;
    let forecast = m
        .prediction
        .as_ref()
        .map(|p| format!(" forecast {} ", p.rounds))
        .unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(" Sent per round ", t.dim),
        Span::styled(forecast, t.forecast),
    ]);
    let block = Block::bordered().border_style(t.border).title(title);
    let inner = block.inner(area);
    // The rounds done, and the one under way.
    let mut rounds: Vec<(u32, u64)> = m.history.iter().map(|r| (r.round, r.pages_sent)).collect();
    let in_round = m.phase == crate::engine::Phase::PreCopy;
    if in_round {
        let sent_before: u64 = m.history.iter().map(|r| r.pages_sent).sum();
        rounds.push((m.round, m.pages_sent.saturating_sub(sent_before)));
    }
    if rounds.is_empty() {
        frame.render_widget(block, area);
        return;
    }
    let width = inner.width.max(1) as usize;
    let gap = 1usize;
    let fit = |bw: usize| (width + gap) / (bw + gap);
    let bw = (1..=7)
        .rev()
        .find(|&bw| fit(bw) >= rounds.len())
        .unwrap_or(1);
    let shown = rounds.len().min(fit(bw).max(1));
    let rounds = &rounds[rounds.len() - shown..];
    let max = rounds.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let bars: Vec<Bar> = rounds
        .iter()
        .enumerate()
        .map(|(i, &(round, pages))| {
            let live = in_round && i == rounds.len() - 1;
            let text = if bw >= 4 {
                short_gib(app.pages_to_bytes(pages as f64))
            } else {
                String::new()
            };
            Bar::default()
                .value(pages)
                .label(Line::from(round.to_string()))
                .text_value(text)
                .style(if live {
                    t.dim.patch(t.transfer)
                } else {
                    t.transfer
                })
                .value_style(t.selected)
        })
        .collect();
    let chart = BarChart::default()
        .block(block)
        .data(BarGroup::default().bars(&bars))
        .bar_width(bw as u16)
        .bar_gap(gap as u16)
        .max(max);
    frame.render_widget(chart, area);
}

/// A byte count short enough for a bar: `16G`, `2.1G`, `310M`.
fn short_gib(b: f64) -> String {
    let gib = b / (1024.0 * 1024.0 * 1024.0);
    if gib >= 10.0 {
        format!("{gib:.0}G")
    } else if gib >= 1.0 {
        format!("{gib:.1}G")
    } else if gib * 1024.0 >= 1.0 {
        format!("{:.0}M", gib * 1024.0)
    } else {
        format!("{:.0}K", b / 1024.0)
    }
}

/// The forecast's pages per round, for a partition that has not moved yet.
pub fn draw_forecast_rounds(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    pr: &crate::engine::Prediction,
) {
    let t = &app.theme;
    let title = Line::from(vec![
        Span::styled(" Forecast: sent per round ", t.forecast),
        Span::styled(
            if pr.converges() {
                "(converges) "
            } else {
                "(does not converge) "
            },
            if pr.converges() { t.good } else { t.bad },
        ),
    ]);
    let block = Block::bordered().border_style(t.border).title(title);
    let inner = block.inner(area);
    let width = inner.width.max(1) as usize;
    let n = pr.round_pages.len();
    let fit = |bw: usize| (width + 1) / (bw + 1);
    let bw = (1..=7).rev().find(|&bw| fit(bw) >= n).unwrap_or(1);
    let shown = n.min(fit(bw).max(1));
    let max = pr
        .round_pages
        .iter()
        .take(shown)
        .fold(1.0f64, |m, &v| m.max(v));
    let bars: Vec<Bar> = pr
        .round_pages
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, &pages)| {
            Bar::default()
                .value(pages.round() as u64)
                .label(Line::from((i + 1).to_string()))
                .text_value(if bw >= 4 {
                    short_gib(app.pages_to_bytes(pages))
                } else {
                    String::new()
                })
                .style(t.forecast)
                .value_style(t.selected)
        })
        .collect();
    let chart = BarChart::default()
        .block(block)
        .data(BarGroup::default().bars(&bars))
        .bar_width(bw as u16)
        .bar_gap(1)
        .max(max.round() as u64);
    frame.render_widget(chart, area);
}
