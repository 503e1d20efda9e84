//! The selected move in detail: the phase line, the threshold gauge, live figures beside the
//! forecast, the suspend window, the outcome; the chart, round bars and memory map beside them.
//! One module per region of the pane (`layout::MovePane` places them); a partition that has not
//! moved gets `idle`.

mod figures;
mod idle;
mod progress;
mod rounds;
mod vio;
mod window;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{chart, memory_map};
use crate::tui::app::App;
use crate::tui::layout::MovePane;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let Some(p) = app.partition() else {
        let block = Block::bordered().border_style(t.border).title(" Move ");
        let msg = Paragraph::new(Span::styled("no partition selected", t.dim)).block(block);
        frame.render_widget(msg, area);
        return;
    };
    let m = app.selected_move();
    let title = match m {
        Some(m) => Line::from(vec![
            Span::styled(format!(" {} ", p.name), t.title),
            Span::styled(format!("{} → {} ", m.from, m.to), t.bold),
            Span::styled(format!("· move #{} ", m.id.index() + 1), t.dim),
        ]),
        None => Line::from(vec![
            Span::styled(format!(" {} ", p.name), t.title),
            Span::styled(
                format!("on {} · not moved yet ", app.snap.system(p.system).name),
                t.dim,
            ),
        ]),
    };
    let block = Block::bordered().border_style(t.border).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(m) = m else {
        idle::draw(frame, inner, app, p);
        return;
    };
    let mut pane = MovePane::new(area);
    frame.render_widget(
        Paragraph::new(progress::phase_line(app, m, pane.phase.width)),
        pane.phase,
    );
    progress::draw_gauge(frame, pane.gauge, app, m);
    // The virtual I/O mapping takes the bottom rows of the figures when they leave room.
    pane.figures = vio::draw_beneath(frame, pane.figures, app, m);
    figures::draw(frame, pane.figures, app, p, m);
    if let Some(chart_area) = pane.chart {
        if app.show_rounds {
            rounds::draw(frame, chart_area, app, m);
        } else {
            chart::draw(frame, chart_area, app, m);
        }
    }
    match pane.memory_map(app.show_rounds) {
        Some(map) => memory_map::draw(frame, map, app, m),
        None => rounds::draw(frame, pane.map, app, m),
    }
}
