//! The log pane: the engine's events as readable lines, filtered by level, with the header's
//! clock as their time. Scrolled back, its title says how far; searching, the matches stand
//! out and the query is typed on its bottom edge.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::App;
use crate::tui::fmt;
use crate::tui::log::{Level, LogLine, matches};

fn level_word(l: Level) -> &'static str {
    match l {
        Level::Debug => "all",
        Level::Info => "info+",
        Level::Warn => "warnings",
        Level::Error => "errors",
    }
}

fn block(app: &App) -> Block<'_> {
    let t = &app.theme;
    let v = &app.log_view;
    let mut title = vec![
        Span::styled(" Log ", t.dim),
        Span::styled(format!("[{}] ", level_word(app.log_level)), t.bold),
        Span::styled("L ", t.key),
        Span::styled("filters ", t.dim),
    ];
    if v.scroll > 0 {
        title.push(Span::styled(format!("· {} newer below ", v.scroll), t.warn));
        title.push(Span::styled("End ", t.key));
        title.push(Span::styled("newest ", t.dim));
    }
    if !v.query.is_empty() && !v.typing {
        title.push(Span::styled(format!("· /{} ", v.query), t.info));
    }
    let mut b = Block::bordered()
        .border_style(if v.focused { t.border_focus } else { t.border })
        .title(Line::from(title));
    if v.typing {
        let e = &v.editor;
        let (before, after) = e.text().split_at(e.cursor());
        let mut rest = after.chars();
        let at = rest.next().map_or(" ".to_string(), |c| c.to_string());
        b = b.title_bottom(Line::from(vec![
            Span::styled(" search: /", t.key),
            Span::raw(before.to_string()),
            Span::styled(at, t.selected),
            Span::raw(format!("{} ", rest.as_str())),
        ]));
    }
    b
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let block = block(app);
    let inner = block.inner(area);
    let n = inner.height as usize;
    let v = &app.log_view;
    let all: Vec<&LogLine> = app.visible_log().collect();
    let end = all.len() - v.scroll.min(all.len());
    let start = end.saturating_sub(n);
    let lines: Vec<Line> = all[start..end]
        .iter()
        .map(|l| {
            let style = match l.level {
                Level::Error => t.bad,
                Level::Warn => t.warn,
                Level::Info => t.base,
                Level::Debug => t.dim,
            };
            let mut spans = vec![
                Span::styled(format!("{} ", fmt::clock(l.t)), t.dim),
                Span::styled(format!("{:<5} ", l.level.label()), style),
            ];
            if v.current == Some(l.seq) {
                spans.push(Span::styled(l.text.clone(), t.selected));
            } else if matches(&l.text, &v.query) {
                spans.extend(highlighted(&l.text, &v.query, style, t.selected));
            } else {
                spans.push(Span::styled(l.text.clone(), style));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `text` with every occurrence of `query` (ignoring case) in `hit`.
fn highlighted(
    text: &str,
    query: &str,
    style: ratatui::style::Style,
    hit: ratatui::style::Style,
) -> Vec<Span<'static>> {
    let lower = text.to_lowercase();
    let q = query.to_lowercase();
    // Lower-casing can change byte lengths; then the whole line stands out instead.
    if lower.len() != text.len() {
        return vec![Span::styled(text.to_string(), hit)];
    }
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find(&q) {
        let s = at + i;
        if !text.is_char_boundary(s) || !text.is_char_boundary(s + q.len()) {
            break;
        }
        out.push(Span::styled(text[at..s].to_string(), style));
        out.push(Span::styled(text[s..s + q.len()].to_string(), hit));
        at = s + q.len();
    }
    out.push(Span::styled(text[at..].to_string(), style));
    out
}
