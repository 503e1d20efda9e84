//! The partition's memory as a grid: each cell a run of pages, drawn by how they stand on the
//! target — never sent, clean, or dirty again — so an audience watches memory fill up on the
//! target and hot regions re-dirty.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::engine::Phase;
use crate::engine::snapshot::{MapCell, MoveView};
use crate::tui::app::App;
use crate::tui::fmt;
use crate::tui::layout::map_grid;

/// The glyph and style of a cell. Glyphs differ too, so the map reads without colour.
fn cell_look(app: &App, c: &MapCell) -> (&'static str, Style) {
    let t = &app.theme;
    let n = c.pages.max(1) as f64;
    let dirty = c.dirty as f64 / n;
    let never = c.never_sent as f64 / n;
    if dirty >= 0.25 {
        ("▓", t.dirty)
    } else if dirty >= 0.02 {
        ("▒", t.dirty)
    } else if never >= 0.5 {
        ("·", t.never_sent)
    } else if never > 0.0 {
        ("▄", t.clean)
    } else {
        ("█", t.clean)
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, m: &MoveView) {
    let t = &app.theme;
    let inner_w = area.width.saturating_sub(2);
    // The legend says what each glyph means in numbers: the shares of a cell's pages.
    let wide = inner_w >= 64;
    let mut block = Block::bordered()
        .border_style(t.border)
        .title(Span::styled(" Memory map ", t.dim));
    if !wide && !m.inactive && !matches!(m.phase, Phase::Failed | Phase::Queued) {
        block = block.title_bottom(Line::from(vec![
            Span::styled(" ▒", t.dirty),
            Span::styled(" ≥2% ", t.dim),
            Span::styled("▓", t.dirty),
            Span::styled(" ≥25% dirty ", t.dim),
        ]));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // A move that failed discarded what the target had; one that lost its partition lost the
    // pages the target never got. Neither may look like a clean copy.
    if m.phase == Phase::Queued {
        let msg = Paragraph::new(Span::styled("queued: nothing sent yet", t.dim));
        frame.render_widget(msg, inner);
        return;
    }
    if m.phase == Phase::Failed {
        let page = app.pages_to_bytes(1.0);
        let text = if m.pages_lost > 0 {
            vec![
                Line::styled("✗ LOST", t.bad),
                Line::styled(
                    format!(
                        "{} pages ({}, {:.2}% of its memory) never reached the target; \
                         the source no longer has them.",
                        fmt::count(m.pages_lost),
                        fmt::bytes(m.pages_lost as f64 * page),
                        100.0 * m.pages_lost as f64 / m.pages.max(1) as f64
                    ),
                    t.bad,
                ),
            ]
        } else {
            vec![Line::styled(
                "✗ failed: what reached the target was discarded; the memory is on the source.",
                t.warn,
            )]
        };
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    // The same grid `layout::map_cells` asked the engine to fill.
    let Some(grid) = map_grid(area) else {
        return;
    };
    let grid_h = grid.height;
    if m.inactive {
        let msg = Paragraph::new(Span::styled("no memory: profile only", t.dim));
        frame.render_widget(msg, inner);
        return;
    }
    let map = &m.memory_map;
    let mut lines: Vec<Line> = Vec::with_capacity(grid_h as usize + 1);
    if map.is_empty() {
        lines.push(Line::from(Span::styled("…", t.dim)));
    } else {
        let w = inner.width as usize;
        for row in map.chunks(w).take(grid_h as usize) {
            let spans: Vec<Span> = row
                .iter()
                .map(|c| {
                    let (g, s) = cell_look(app, c);
                    Span::styled(g, s)
                })
                .collect();
            lines.push(Line::from(spans));
        }
        while lines.len() < grid_h as usize {
            lines.push(Line::raw(""));
        }
    }
    let per_cell = if map.is_empty() {
        0.0
    } else {
        m.pages as f64 / map.len() as f64
    };
    let mut legend = vec![
        Span::styled("█", t.clean),
        Span::styled(" clean ", t.dim),
        Span::styled("▄", t.clean),
        Span::styled(" <50% ", t.dim),
        Span::styled("·", t.never_sent),
        Span::styled(" ≥50% unsent", t.dim),
    ];
    if wide {
        legend.extend([
            Span::styled("  ▒", t.dirty),
            Span::styled(" ≥2% ", t.dim),
            Span::styled("▓", t.dirty),
            Span::styled(" ≥25% dirty", t.dim),
        ]);
    }
    if inner.width >= 44 && per_cell > 0.0 {
        legend.push(Span::styled(
            format!(" · cell {}", fmt::bytes(app.pages_to_bytes(per_cell))),
            t.dim,
        ));
    }
    lines.push(Line::from(legend));
    frame.render_widget(Paragraph::new(lines), inner);
}
