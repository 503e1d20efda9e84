//! The log pane: the engine's events as readable lines, filtered by level. The runtime shows
//! them through `tracing` and tui-logger; tests (and any app without a logger) draw the app's
//! own copy of the same lines.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::App;
use crate::tui::log::{Level, LogLine};

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
    Block::bordered()
        .border_style(t.border)
        .title(Line::from(vec![
            Span::styled(" Log ", t.dim),
            Span::styled(format!("[{}] ", level_word(app.log_level)), t.bold),
            Span::styled("L ", t.key),
            Span::styled("filters ", t.dim),
        ]))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if app.trace {
        draw_logger(frame, area, app);
        return;
    }
    let t = &app.theme;
    let block = block(app);
    let inner = block.inner(area);
    let n = inner.height as usize;
    let lines: Vec<Line> = {
        let mut v: Vec<&LogLine> = app.visible_log().rev().take(n).collect();
        v.reverse();
        v.into_iter()
            .map(|l| {
                let style = match l.level {
                    Level::Error => t.bad,
                    Level::Warn => t.warn,
                    Level::Info => t.base,
                    Level::Debug => t.dim,
                };
                Line::from(vec![
                    Span::styled(format!("{:>9.3} s ", l.t), t.dim),
                    Span::styled(format!("{:<5} ", l.level.label()), style),
                    Span::styled(l.text.clone(), style),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The log pane through tui-logger, filtered at the app's level.
fn draw_logger(frame: &mut Frame, area: Rect, app: &App) {
    use tui_logger::{LevelFilter, TuiLoggerLevelOutput, TuiLoggerWidget, TuiWidgetState};
    let t = &app.theme;
    let level = match app.log_level {
        Level::Debug => LevelFilter::Debug,
        Level::Info => LevelFilter::Info,
        Level::Warn => LevelFilter::Warn,
        Level::Error => LevelFilter::Error,
    };
    let state = TuiWidgetState::new().set_default_display_level(level);
    let widget = TuiLoggerWidget::default()
        .block(block(app))
        .output_timestamp(None)
        .output_level(Some(TuiLoggerLevelOutput::Abbreviated))
        .output_target(false)
        .output_file(false)
        .output_line(false)
        .style_error(t.bad)
        .style_warn(t.warn)
        .style_info(t.base)
        .style_debug(t.dim)
        .style_trace(t.dim)
        .state(&state);
    frame.render_widget(widget, area);
}
