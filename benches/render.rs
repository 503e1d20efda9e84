//! Render cost: one full frame at 160x48 with a move in flight (aim: 2 ms or less).

use criterion::{Criterion, criterion_group, criterion_main};
use lpm::tui::{Harness, Theme, render};
use ratatui::crossterm::event::KeyCode;

fn render(c: &mut Criterion) {
    let mut h = Harness::with_theme(&lpm::Scenario::builtin(), 160, 48, Theme::colored());
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('m'));
    // Mid pre-copy of web01, with a second round on the chart and the bars.
    h.advance(15.5);
    h.render();
    c.bench_function("render 160x48, move in flight", |b| {
        b.iter(|| {
            let app = &h.app;
            h.terminal.draw(|f| render::draw(f, app)).unwrap();
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
