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
use super::{banner, detail, frames, header, hints, log, popup};

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
        Plan::with(area, partitions, 0, true).map(|(p, _)| p)
    }

    /// As `new`, with a presenter banner of `banner` rows under the header (returned too) and
    /// the log pane only when `show_log`.
    pub fn with(
        area: Rect,
        partitions: usize,
        banner: u16,
        show_log: bool,
    ) -> Option<(Plan, Option<Rect>)> {
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
            _ if !show_log => 0,
            0..30 => 0,
            30..40 => 5,
            40..60 => 8,
            _ => 12,
        };
        let [header, banner_area, frames, detail, log, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(banner),
            Constraint::Length(frames_h),
            Constraint::Min(8),
            Constraint::Length(log_h),
            Constraint::Length(1),
        ])
        .areas(area);
        Some((
            Plan {
                header,
                frames,
                detail,
                log: (log_h > 0).then_some(log),
                hints,
                table_rows,
                compact,
            },
            (banner > 0).then_some(banner_area),
        ))
    }
}

/// Draws the whole screen from the app's state.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    // The theme's ground (the high-contrast theme paints the whole screen black).
    if app.theme.base != ratatui::style::Style::new() {
        frame.render_widget(ratatui::widgets::Block::new().style(app.theme.base), area);
    }
    let banner_h = banner::height(app, area.width);
    let Some((plan, banner_area)) =
        Plan::with(area, app.snap.partitions.len(), banner_h, app.show_log)
    else {
        too_small(frame, area, app);
        return;
    };
    header::draw(frame, plan.header, app);
    if let Some(r) = banner_area {
        banner::draw(frame, r, app);
    }
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
