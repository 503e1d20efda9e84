//! The screen, drawn from the app's state alone: `layout` says where each region goes, and one
//! module per region draws into it. Nothing here changes the app.

pub mod banner;
pub mod chart;
pub mod console;
pub mod detail;
pub mod estate;
pub mod frames;
pub mod header;
pub mod help;
pub mod hints;
pub mod log;
pub mod memory_map;
pub mod moves;
pub mod picker;
pub mod popup;
pub mod recommendations;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::layout::{MIN_H, MIN_W, Plan};

/// Draws the whole screen from the app's state.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    // The theme's ground (the high-contrast theme paints the whole screen black).
    if app.theme.base != ratatui::style::Style::new() {
        frame.render_widget(ratatui::widgets::Block::new().style(app.theme.base), area);
    }
    let Some(plan) = Plan::of(app, area) else {
        too_small(frame, area, app);
        return;
    };
    header::draw(frame, plan.header, app);
    if let Some(r) = plan.banner {
        banner::draw(frame, r, app);
    }
    frames::draw(frame, plan.frames, app, &plan);
    if let Some(r) = plan.console {
        // The command line takes everything under the frames.
        console::draw(frame, r, app);
    } else if !plan.log_focused {
        if let Some(r) = plan.advice {
            recommendations::draw(frame, r, app);
        }
        if let Some(r) = plan.moves {
            moves::draw(frame, r, app);
        }
        detail::draw(frame, plan.detail, app);
    }
    if let (Some(r), None) = (plan.log, plan.console) {
        log::draw(frame, r, app);
    }
    hints::draw(frame, plan.hints, app, plan.log.is_none());
    popup::draw(frame, area, app);
    picker::draw(frame, area, app);
}

fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    let text = format!(
        "terminal too small: {}x{}, need {MIN_W}x{MIN_H}",
        area.width, area.height
    );
    let y = area.y + area.height / 2;
    let lines = vec![
        Line::from(Span::styled(text, app.theme.warn)),
        Line::from(Span::styled("q quits", app.theme.dim)),
    ];
    let r = Rect::new(area.x, y.saturating_sub(1), area.width, 2.min(area.height));
    frame.render_widget(Paragraph::new(lines).centered(), r);
}

/// A rectangle of at most `w` x `h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A horizontal bar of `width` cells filled to `ratio`, with eighths for a smooth edge.
pub fn bar(width: u16, ratio: f64) -> (String, String) {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let ratio = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let total = width as usize * 8;
    let filled = (ratio * total as f64).round() as usize;
    let mut full: String = "█".repeat(filled / 8);
    let mut cells = filled / 8;
    if !filled.is_multiple_of(8) {
        full.push(EIGHTHS[filled % 8]);
        cells += 1;
    }
    let empty = "░".repeat(width as usize - cells.min(width as usize));
    (full, empty)
}
