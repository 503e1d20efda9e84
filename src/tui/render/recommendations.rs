//! The recommendations pane: each piece of advice (what to do, who advises it, why) with its
//! predicted cost, best first; with the focus (`A`), the chosen row is highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::advice::{cost, describe, ranked};
use crate::tui::app::App;
use crate::tui::keymap::{self, Context};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let recs = ranked(&app.snap.recommendations);
    let focused = app.advice.is_some();
    let mut title = vec![
        Span::styled(format!(" Recommendations ({}) ", recs.len()), t.title),
        Span::styled("best first ", t.dim),
    ];
    if focused {
        for b in keymap::hints(Context::Advice) {
            let (k, word) = keymap::split_hint(b.hint.unwrap_or(""));
            title.push(Span::styled(k, t.key));
            title.push(Span::styled(format!(" {word} "), t.dim));
        }
    } else {
        title.push(Span::styled("A ", t.key));
        title.push(Span::styled("choose ", t.dim));
    }
    let block = Block::bordered()
        .border_style(if focused { t.border_focus } else { t.border })
        .title(Line::from(title));
    let inner = block.inner(area);
    let width = inner.width as usize;
    let rows = inner.height as usize;
    let chosen = app.advice.unwrap_or(usize::MAX);
    // The list scrolls to keep the chosen row on screen.
    let first = if chosen == usize::MAX {
        0
    } else {
        chosen.saturating_sub(rows.saturating_sub(1))
    };
    let what_w = recs
        .iter()
        .map(|r| describe(&r.action).chars().count())
        .max()
        .unwrap_or(10)
        .min(width / 3);
    let lines: Vec<Line> = recs
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, r)| {
            let on = i == chosen;
            let style = |s: ratatui::style::Style| if on { s.patch(t.selected) } else { s };
            let what: String = describe(&r.action).chars().take(what_w).collect();
            let c = cost(r);
            let text = format!(
                "{}{what:<what_w$}  {}  {} · {}",
                if on { "▶ " } else { "  " },
                c,
                r.by,
                r.reason
            );
            let text: String = if text.chars().count() > width {
                text.chars()
                    .take(width.saturating_sub(1))
                    .collect::<String>()
                    + "…"
            } else {
                text
            };
            let split = text
                .char_indices()
                .nth(what_w + 2)
                .map_or(text.len(), |(i, _)| i);
            Line::from(vec![
                Span::styled(text[..split].to_string(), style(t.bold)),
                Span::styled(text[split..].to_string(), style(t.base)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
