//! Where everything goes, from the screen's size and the app's state alone, before anything is
//! drawn: the drawing places its regions by these functions, and the app asks the engine for a
//! memory map of exactly the size the screen will show (`map_cells`).
//!
//! Breakpoints: below 80x24 a "terminal too small" message. Under 32 rows the frames shrink to
//! one usage line and five partition rows, and under 30 rows the log pane goes (its latest line
//! stays in the status bar). Under 120 columns the detail pane drops the chart; from 120 it has
//! the chart and round bars; from 200x60 everything grows.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;

use super::app::App;
use super::fmt;

pub const MIN_W: u16 = 80;
pub const MIN_H: u16 = 24;

/// Caption lines the presenter's banner shows at most.
pub const BANNER_LINES: usize = 3;

/// Where each region goes on a screen of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub header: Rect,
    /// The presenter's banner, while a script plays.
    pub banner: Option<Rect>,
    pub frames: Rect,
    pub detail: Rect,
    pub log: Option<Rect>,
    pub hints: Rect,
    /// The frames show one usage line instead of two bars.
    pub compact: bool,
    /// Every move in flight (and the evacuations), when there is any.
    pub moves: Option<Rect>,
    /// More than two frames: an estate overview beside the focused frame's partitions.
    pub estate: bool,
    /// The recommendations, when there are any.
    pub advice: Option<Rect>,
    /// The `:` command line, open: it takes everything under the frames.
    pub console: Option<Rect>,
    /// The log has the focus: it takes everything under the frames (`log` is that too).
    pub log_focused: bool,
}

impl Plan {
    /// The regions of `screen` for `app`'s partitions, banner and log pane; None below 80x24.
    pub fn of(app: &App, screen: Rect) -> Option<Plan> {
        let estate = app.snap.systems.len() > 2;
        // The table sizes to what the focused frame holds (an estate shows one frame's rows).
        let rows = if estate {
            app.rows(app.focus).len().max(app.snap.systems.len())
        } else {
            app.snap.partitions.len()
        };
        let mut plan = Plan::new(screen, rows, banner_height(app, screen.width), app.show_log)?;
        plan.estate = estate;
        // Everything under the frames, for a pane that takes it all.
        let under = Rect {
            height: plan.hints.y - plan.detail.y,
            ..plan.detail
        };
        if app.console.open {
            plan.console = Some(under);
            return Some(plan);
        }
        if app.log_view.focused {
            plan.log = Some(under);
            plan.log_focused = true;
            return Some(plan);
        }
        let advice = advice_lines(app);
        if advice > 0 {
            plan.carve_advice(advice, app.advice.is_some());
        }
        let lines = moves_lines(app);
        if lines > 0 {
            plan.carve_moves(lines);
        }
        Some(plan)
    }

    /// Takes the recommendations pane from the top of the detail pane: a few rows, more with
    /// the focus, leaving the detail at least 8.
    fn carve_advice(&mut self, lines: usize, focused: bool) {
        let room = self.detail.height.saturating_sub(8);
        let cap = match (focused, self.compact) {
            (true, _) => 12,
            (false, true) => 4,
            (false, false) => 6,
        };
        let h = (lines as u16 + 2).min(cap).min(room);
        if h < 3 {
            return;
        }
        self.advice = Some(Rect {
            height: h,
            ..self.detail
        });
        self.detail = Rect {
            y: self.detail.y + h,
            height: self.detail.height - h,
            ..self.detail
        };
    }

    /// Takes the rows of the all-moves pane from the top of the detail pane, leaving the
    /// detail at least 8 rows.
    fn carve_moves(&mut self, lines: usize) {
        let room = self.detail.height.saturating_sub(8);
        let cap = if self.compact { 4 } else { 10 };
        // A title line and a header line, then a row per move.
        let h = (lines as u16 + 2).min(cap).min(room);
        if h < 3 {
            return;
        }
        self.moves = Some(Rect {
            height: h,
            ..self.detail
        });
        self.detail = Rect {
            y: self.detail.y + h,
            height: self.detail.height - h,
            ..self.detail
        };
    }

    /// With a presenter banner of `banner` rows under the header and the log pane only when
    /// `show_log`.
    pub fn new(area: Rect, partitions: usize, banner: u16, show_log: bool) -> Option<Plan> {
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
        Some(Plan {
            header,
            banner: (banner > 0).then_some(banner_area),
            frames,
            detail,
            log: (log_h > 0).then_some(log),
            hints,
            compact,
            moves: None,
            estate: false,
            advice: None,
            console: None,
            log_focused: false,
        })
    }
}

/// Rows the all-moves pane wants: one per move it lists (in flight or failed). 0 while it
/// would list at most one and no evacuation runs, since the detail pane already shows a lone
/// move in full.
pub fn moves_lines(app: &App) -> usize {
    let listed = super::render::moves::listed(app).len();
    let evacuating = app.snap.evacuations.iter().any(|e| e.finished_s.is_none());
    if listed < 2 && !evacuating {
        return 0;
    }
    listed.max(1)
}

/// Rows the recommendations pane wants: a header line and one per recommendation (0 when
/// there is none).
pub fn advice_lines(app: &App) -> usize {
    match app.snap.recommendations.len() {
        0 => 0,
        n => n + 1,
    }
}

/// Rows the presenter's banner takes on a screen `width` wide (0 when no script plays).
fn banner_height(app: &App, width: u16) -> u16 {
    let Some(p) = &app.presenter else {
        return 0;
    };
    let text = p.caption.as_deref().unwrap_or("");
    fmt::wrap(text, banner_text_width(width))
        .len()
        .clamp(1, BANNER_LINES) as u16
        + 2
}

/// Characters a banner line holds on a screen `width` wide (inside its border and padding).
pub fn banner_text_width(width: u16) -> usize {
    (width as usize).saturating_sub(4).max(10)
}

/// The detail pane's regions while it shows a move: the phase line and the threshold gauge on
/// top; below, the figures, then (from 110 columns) the chart, then the memory map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MovePane {
    pub phase: Rect,
    pub gauge: Rect,
    pub figures: Rect,
    /// The chart, or the round table in its place (`g`); none under 110 columns.
    pub chart: Option<Rect>,
    /// The memory map; without a chart, the round table takes its place (`g`).
    pub map: Rect,
}

impl MovePane {
    /// The regions inside the detail pane's border, `area` being the whole pane.
    pub fn new(area: Rect) -> MovePane {
        let inner = Block::bordered().inner(area);
        let [phase, gauge, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(inner);
        // A blank row under the gauge.
        let body = Rect {
            y: body.y + 1,
            height: body.height.saturating_sub(1),
            ..body
        };
        let w = body.width;
        let figures_w = if w >= 150 {
            56
        } else if w >= 110 {
            50
        } else {
            46
        };
        if w >= 110 {
            let map_w = if w >= 190 {
                50
            } else if w >= 150 {
                40
            } else {
                30
            };
            let [figures, _, chart, _, map] = Layout::horizontal([
                Constraint::Length(figures_w),
                Constraint::Length(1),
                Constraint::Min(20),
                Constraint::Length(1),
                Constraint::Length(map_w),
            ])
            .areas(body);
            MovePane {
                phase,
                gauge,
                figures,
                chart: Some(chart),
                map,
            }
        } else {
            let [figures, _, map] = Layout::horizontal([
                Constraint::Length(figures_w),
                Constraint::Length(1),
                Constraint::Min(10),
            ])
            .areas(body);
            MovePane {
                phase,
                gauge,
                figures,
                chart: None,
                map,
            }
        }
    }

    /// The memory map's region, when the pane shows it (not when the round table took it).
    pub fn memory_map(&self, show_rounds: bool) -> Option<Rect> {
        (self.chart.is_some() || !show_rounds).then_some(self.map)
    }
}

/// The memory map's grid inside its box `area` (the line under it is the legend); None when
/// there is no room for one.
pub fn map_grid(area: Rect) -> Option<Rect> {
    let inner = Block::bordered().inner(area);
    (inner.height >= 2 && inner.width >= 4).then(|| Rect {
        height: inner.height - 1,
        ..inner
    })
}

/// How many memory-map cells the detail pane shows on a `screen` of this size: what the app
/// asks the engine for, so that the map it gets back fills the grid exactly. 0 when no map is
/// on screen (nothing selected, a partition that has not moved, a profile-only move, the round
/// table in the map's place, a screen too small).
pub fn map_cells(app: &App, screen: Rect) -> usize {
    let Some(plan) = Plan::of(app, screen) else {
        return 0;
    };
    let Some(m) = app.selected_move() else {
        return 0;
    };
    if m.inactive {
        return 0;
    }
    MovePane::new(plan.detail)
        .memory_map(app.show_rounds)
        .and_then(map_grid)
        .map_or(0, |g| g.width as usize * g.height as usize)
}
