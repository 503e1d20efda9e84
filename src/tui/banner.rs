//! The presenter's banner (`lpm demo`): the latest caption in large-enough type for a room,
//! the script's title and step, and what the presenter's next key does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::app::App;

/// Caption lines shown at most.
const MAX_LINES: usize = 3;

/// Rows the banner takes on a screen `width` wide (0 when no script plays).
pub fn height(app: &App, width: u16) -> u16 {
    let Some(p) = &app.presenter else {
        return 0;
    };
    let text = p.caption.as_deref().unwrap_or("");
    wrap(text, inner_width(width)).len().clamp(1, MAX_LINES) as u16 + 2
}

fn inner_width(width: u16) -> usize {
    (width as usize).saturating_sub(4).max(10)
}

/// Words into lines of at most `width` characters (a longer word is cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word: String = word.chars().take(width).collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(p) = &app.presenter else {
        return;
    };
    let t = &app.theme;
    let mut lines: Vec<Line> = wrap(p.caption.as_deref().unwrap_or(""), inner_width(area.width))
        .into_iter()
        .take(MAX_LINES)
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

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(
            wrap("frame-a needs a firmware update", 15),
            vec!["frame-a needs a", "firmware update"]
        );
        assert!(wrap("", 10).is_empty());
    }
}
