//! The `:` HMC command line: its output (scrolled back with PgUp), then the prompt and the line
//! being typed, over everything under the frames.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::hmc::shell::PROMPT;
use crate::tui::app::App;
use crate::tui::console::OutKind;

pub fn block(app: &App) -> Block<'static> {
    let t = &app.theme;
    let mut title = vec![
        Span::styled(" HMC ", t.title),
        Span::styled("the commands of lpm hmc, on this estate ", t.dim),
    ];
    if app.console.scroll > 0 {
        title.push(Span::styled(
            format!("· {} rows newer below ", app.console.scroll),
            t.warn,
        ));
    }
    if app.console.waiting > 0 {
        title.push(Span::styled("· running… ", t.info));
    }
    Block::bordered()
        .border_style(t.border_focus)
        .title(Line::from(title))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let block = block(app);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let out_rows = inner.height as usize - 1;
    let rows = app.console.wrapped(inner.width as usize);
    let end = rows.len() - app.console.scroll.min(rows.len());
    let start = end.saturating_sub(out_rows);
    let mut lines: Vec<Line> = Vec::new();
    // Output sits on the prompt, as on a terminal: blank rows above while it is short.
    for _ in (end - start)..out_rows {
        lines.push(Line::raw(""));
    }
    for (kind, text) in &rows[start..end] {
        let style = match kind {
            OutKind::Command => t.bold,
            OutKind::Stdout => t.base,
            OutKind::Stderr => t.bad,
            OutKind::Note => t.info,
        };
        lines.push(Line::from(Span::styled(text.clone(), style)));
    }
    lines.push(prompt_line(app, inner.width as usize));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The prompt and the line, its tail shown when it is wider than the pane; the cursor is the
/// highlighted cell.
fn prompt_line(app: &App, width: usize) -> Line<'static> {
    let t = &app.theme;
    let e = &app.console.editor;
    let chars: Vec<char> = e.text().chars().collect();
    let at = e.cursor_chars();
    let prompt_w = PROMPT.chars().count();
    let room = width.saturating_sub(prompt_w + 1).max(1);
    let first = (at + 1).saturating_sub(room);
    let shown: String = chars[first..at].iter().collect();
    let under: String = chars.get(at).map_or(" ".into(), |c| c.to_string());
    let after: String = chars
        .iter()
        .skip(at + 1)
        .take(room.saturating_sub(at - first + 1))
        .collect();
    Line::from(vec![
        Span::styled(PROMPT, t.key),
        Span::raw(if first > 0 {
            format!(
                "…{}",
                &shown[shown.char_indices().nth(1).map_or(shown.len(), |(i, _)| i)..]
            )
        } else {
            shown
        }),
        Span::styled(under, t.selected),
        Span::raw(after),
    ])
}
