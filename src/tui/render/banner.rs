//! The presenter's banner (`lpm demo`): the latest caption in large-enough type for a room,
//! the script's title and step, and what the presenter's next key does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use crate::tui::app::App;
use crate::tui::fmt::wrap;
use crate::tui::layout::{BANNER_LINES, banner_text_width};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(p) = &app.presenter else {
        return;
    };
    let t = &app.theme;
    let mut lines: Vec<Line> = wrap(
        p.caption.as_deref().unwrap_or(""),
        banner_text_width(area.width),
    )
    .into_iter()
    .take(BANNER_LINES)
    .map(|l| Line::from(Span::styled(l, t.bold)))
    .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled("…", t.dim)));
    }
    let state = if p.finished {
        vec![
            Span::styled(" end of the script ", t.good),
            Span::styled(" r ", t.key),
            Span::styled("again ", t.dim),
        ]
    } else if app.paused {
        vec![
            Span::styled(" PAUSED ", t.paused),
            Span::styled(" b ", t.key),
            Span::styled("resume ", t.dim),
        ]
    } else if p.waiting_for_key {
        vec![
            Span::styled(" → ", t.key),
            Span::styled("or ", t.dim),
            Span::styled("space ", t.key),
            Span::styled("to go on ", t.warn),
        ]
    } else if p.fast_forward {
        vec![Span::styled(" running ahead… ", t.info)]
    } else {
        vec![
            Span::styled(" → ", t.key),
            Span::styled("next ", t.dim),
            Span::styled(" b ", t.key),
            Span::styled("pause ", t.dim),
            Span::styled(" r ", t.key),
            Span::styled("restart ", t.dim),
        ]
    };
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(t.border_focus)
        .title(Line::from(vec![
            Span::styled(format!(" {} ", p.title), t.title),
            Span::styled(format!("· step {}/{} ", p.fired, p.steps), t.dim),
        ]))
        .title_bottom(Line::from(state).right_aligned())
        .padding(ratatui::widgets::Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
