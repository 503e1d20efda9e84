//! The screen: a layout by breakpoints, and one module per region drawing into it.
//!
//! Breakpoints: below 80x24 a "terminal too small" message. Under 32 rows the frames shrink to
//! one usage line and five partition rows, and under 30 rows the log pane goes (its latest line
//! stays in the status bar). Under 120 columns the detail pane drops the chart; from 120 it has
//! the chart and round bars; from 200x60 everything grows.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::{detail, frames, header, hints, log, popup};

pub const MIN_W: u16 = 80;
pub const MIN_H: u16 = 24;

/// Where each region goes on a screen of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub header: Rect,
    pub frames: Rect,
    pub detail: Rect,
    pub log: Option<Rect>,
    pub hints: Rect,
    /// Partition rows each frame table shows.
    pub table_rows: u16,
    /// The frames show one usage line instead of two bars.
    pub compact: bool,
}

impl Plan {
    pub fn new(area: Rect, partitions: usize) -> Option<Plan> {
        if area.width < MIN_W || area.height < MIN_H {
            return None;
        }
        let h = area.height;
        let n = partitions.max(1) as u16;
        let compact = h < 32;
        let table_rows = if h >= 40 {
            n.min(12)
        } else if h >= 32 {
            n.min(7)
        } else {
            n.min(5)
        };
        let usage = if compact { 1 } else { 2 };
        let frames_h = 2 + usage + 1 + table_rows;
        let log_h = match h {
            0..30 => 0,
            30..40 => 5,
            40..60 => 8,
            _ => 12,
        };
        let [header, frames, detail, log, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(frames_h),
            Constraint::Min(8),
            Constraint::Length(log_h),
            Constraint::Length(1),
        ])
        .areas(area);
        Some(Plan {
            header,
            frames,
            detail,
            log: (log_h > 0).then_some(log),
            hints,
            table_rows,
            compact,
        })
    }
}

/// Draws the whole screen from the app's state.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let Some(plan) = Plan::new(area, app.snap.partitions.len()) else {
        too_small(frame, area, app);
        return;
    };
    header::draw(frame, plan.header, app);
    frames::draw(frame, plan.frames, app, &plan);
    detail::draw(frame, plan.detail, app);
    if let Some(r) = plan.log {
        log::draw(frame, r, app);
    }
    hints::draw(frame, plan.hints, app, plan.log.is_none());
    popup::draw(frame, area, app);
}

fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    app.map_cells.set(0);
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
