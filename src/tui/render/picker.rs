//! The target picker over the dashboard: every frame, its verdict on the partition (✓, or the
//! first reason it fails) and the room it would have left, the chosen row highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::centered;
use crate::tui::app::App;
use crate::tui::fmt;
use crate::tui::keymap::{self, Context};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(p) = &app.picker else {
        return;
    };
    let t = &app.theme;
    let width = area.width.saturating_sub(4).min(110);
    let inner_w = width.saturating_sub(4) as usize;
    let frame_w = p
        .targets
        .iter()
        .map(|x| x.frame.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    // Frame, room (CPU and memory) and the verdict in what is left.
    let room_w = 22;
    let verdict_w = inner_w.saturating_sub(frame_w + room_w + 4).max(10);
    let header = Line::from(vec![
        Span::styled(format!("  {:<frame_w$}  ", "Frame"), t.bold),
        Span::styled(format!("{:<room_w$}", "Room left: CPU · mem"), t.bold),
        Span::styled("Verdict", t.bold),
    ]);
    let ok = p.targets.iter().filter(|x| x.validation.ok()).count();
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "{} frames of {} can take {} from {}.",
                ok,
                p.targets.len(),
                p.name,
                p.from
            ),
            if ok > 0 { t.good } else { t.bad },
        )),
        header,
    ];
    // The list scrolls to keep the chosen row on screen.
    let rows = (area.height as usize).saturating_sub(8).max(1);
    let first = p.selected.saturating_sub(rows.saturating_sub(1));
    for (i, x) in p.targets.iter().enumerate().skip(first).take(rows) {
        let chosen = i == p.selected;
        let (mark, verdict, vstyle) = match x.validation.checks.iter().find(|c| !c.passed) {
            None => ("✓", "can move here".to_string(), t.good),
            Some(c) => ("✗", c.detail.clone(), t.bad),
        };
        let verdict: String = if verdict.chars().count() > verdict_w {
            verdict.chars().take(verdict_w - 1).collect::<String>() + "…"
        } else {
            verdict
        };
        let room = format!(
            "{:>6} · {:>9}",
            fmt::sig3(x.cpus_left),
            format!("{} GiB", fmt::sig3(x.memory_left_gib))
        );
        let style = |s: ratatui::style::Style| if chosen { s.patch(t.selected) } else { s };
        let pointer = if chosen { "▶ " } else { "  " };
        lines.push(Line::from(vec![
            Span::styled(format!("{pointer}{:<frame_w$}  ", x.frame), style(t.bold)),
            Span::styled(format!("{room:<room_w$}"), style(t.base)),
            Span::styled(format!("{mark} "), style(vstyle)),
            Span::styled(
                verdict,
                style(if x.validation.ok() { t.dim } else { t.base }),
            ),
        ]));
    }
    lines.push(Line::raw(""));
    let mut keys = vec![];
    for b in keymap::hints(Context::Picker) {
        let (k, word) = keymap::split_hint(b.hint.unwrap_or(""));
        keys.push(Span::styled(k, t.key));
        keys.push(Span::styled(format!(" {word}  "), t.dim));
    }
    lines.push(Line::from(keys).right_aligned());
    let height = (lines.len() + 2).min(area.height as usize) as u16;
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.border_focus)
        .title(Span::styled(
            format!(" Move {} from {}: to which frame? ", p.name, p.from),
            t.title,
        ))
        .padding(ratatui::widgets::Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
