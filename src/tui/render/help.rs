//! The `?` overlay, generated from the keymap table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::centered;
use crate::tui::app::App;
use crate::tui::keymap;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let sections = keymap::help_sections_for(app.presenter.is_some());
    let key_w = sections
        .iter()
        .flat_map(|(_, bs)| bs.iter().map(|b| b.label.chars().count()))
        .max()
        .unwrap_or(6)
        + 2;
    let section_lines = |(group, bindings): &(&'static str, Vec<&keymap::Binding>)| {
        let mut v = vec![Line::from(Span::styled(*group, t.title))];
        for b in bindings {
            v.push(Line::from(vec![
                Span::styled(format!("  {:<key_w$}", b.label), t.key),
                Span::raw(b.help),
            ]));
        }
        v
    };
    let confirm_keys = || {
        Line::from(vec![
            Span::styled("In a confirmation: ", t.dim),
            Span::styled("y", t.key),
            Span::styled(" yes, ", t.dim),
            Span::styled("n/Esc", t.key),
            Span::styled(" no (the default), ", t.dim),
            Span::styled("←/→", t.key),
            Span::styled(" then ", t.dim),
            Span::styled("Enter", t.key),
            Span::styled(" to choose.", t.dim),
        ])
    };
    let total: usize = sections.iter().map(|s| s.1.len() + 1).sum::<usize>() + 4;
    if total > area.height as usize {
        // Short screen: one column over the whole screen, every description whole (wrapped
        // under itself), the confirmation keys at the end, scrolled by ↑/↓ when it is longer.
        let r = area;
        let inner_w = r.width.saturating_sub(4) as usize;
        let text_w = inner_w.saturating_sub(key_w + 2).max(10);
        let mut lines: Vec<Line> = Vec::new();
        for (group, bindings) in &sections {
            lines.push(Line::from(Span::styled(*group, t.title)));
            for b in bindings {
                for (i, part) in crate::tui::fmt::wrap(b.help, text_w)
                    .into_iter()
                    .enumerate()
                {
                    let key = if i == 0 { b.label } else { "" };
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {key:<key_w$}"), t.key),
                        Span::raw(part),
                    ]));
                }
            }
        }
        lines.push(Line::raw(""));
        let words: String = confirm_keys()
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        for part in crate::tui::fmt::wrap(&words, inner_w) {
            lines.push(Line::styled(part, t.dim));
        }
        let visible = r.height.saturating_sub(2) as usize;
        let max = lines.len().saturating_sub(visible);
        let first = app.help_scroll.min(max);
        let shown: Vec<Line> = lines.into_iter().skip(first).take(visible).collect();
        let more = if max == 0 {
            String::new()
        } else if first >= max {
            format!(" ↑ {first} lines above ")
        } else {
            format!(" ↓ {} more lines (↓/PgDn) ", max - first)
        };
        frame.render_widget(Clear, r);
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(t.border_focus)
            .title(Span::styled(" Keys ", t.title))
            .title_bottom(Line::from(vec![
                Span::styled(" Esc/? ", t.key),
                Span::styled("close ", t.dim),
                Span::styled(more, t.warn),
            ]))
            .padding(ratatui::widgets::Padding::horizontal(1));
        frame.render_widget(Paragraph::new(shown).block(block), r);
        return;
    }
    let mut lines: Vec<Line> = sections.iter().flat_map(section_lines).collect();
    lines.push(Line::raw(""));
    lines.push(confirm_keys());
    let width = lines.iter().map(|l| l.width()).max().unwrap_or(40) as u16 + 4;
    let height = lines.len() as u16 + 2;
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.border_focus)
        .title(Span::styled(" Keys ", t.title))
        .title_bottom(Line::from(vec![
            Span::styled(" Esc/? ", t.key),
            Span::styled("close ", t.dim),
        ]))
        .padding(ratatui::widgets::Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
