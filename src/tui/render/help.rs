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
    let total: usize = sections.iter().map(|s| s.1.len() + 1).sum::<usize>() + 4;
    if total > area.height as usize {
        // Short screen: the sections in two columns, the help texts cut to fit.
        let half = sections.len().div_ceil(2);
        let col_w = (area.width.saturating_sub(4) / 2) as usize;
        let left: Vec<Line> = sections[..half].iter().flat_map(section_lines).collect();
        let right: Vec<Line> = sections[half..].iter().flat_map(section_lines).collect();
        let rows = left.len().max(right.len());
        let cut = |l: Option<&Line>| -> Vec<Span<'static>> {
            let mut out = Vec::new();
            let mut used = 0usize;
            if let Some(l) = l {
                for s in &l.spans {
                    // One column stays blank between the two halves.
                    let room = col_w.saturating_sub(used + 1);
                    let text: String = s.content.chars().take(room).collect();
                    used += text.chars().count();
                    out.push(Span::styled(text, s.style));
                }
            }
            out.push(Span::raw(" ".repeat(col_w.saturating_sub(used))));
            out
        };
        let lines: Vec<Line> = (0..rows)
            .map(|i| {
                let mut spans = cut(left.get(i));
                spans.extend(cut(right.get(i)));
                Line::from(spans)
            })
            .collect();
        let r = centered(area, area.width, rows as u16 + 2);
        frame.render_widget(Clear, r);
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(t.border_focus)
            .title(Span::styled(" Keys ", t.title))
            .title_bottom(Line::from(vec![
                Span::styled(" Esc/? ", t.key),
                Span::styled("close ", t.dim),
            ]));
        frame.render_widget(Paragraph::new(lines).block(block), r);
        return;
    }
    let mut lines: Vec<Line> = sections.iter().flat_map(section_lines).collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("In a confirmation: ", t.dim),
        Span::styled("y", t.key),
        Span::styled(" yes, ", t.dim),
        Span::styled("n/Esc", t.key),
        Span::styled(" no (the default), ", t.dim),
        Span::styled("←/→", t.key),
        Span::styled(" then ", t.dim),
        Span::styled("Enter", t.key),
        Span::styled(" to choose.", t.dim),
    ]));
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
