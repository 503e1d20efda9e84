//! Load (issue 6, item 7), the dashboard's side: 200 partitions, 50 moves in flight; one engine
//! snapshot, and one update (snapshot with memory map, forecast) plus a full 160x48 frame.
//!
//! cargo bench --bench load_render

mod common;

use std::hint::black_box;

use common::{MOVES, estate, in_flight};
use criterion::{Criterion, criterion_group, criterion_main};
use lpm::tui::{Harness, Theme, render};

fn dashboard(c: &mut Criterion) {
    let mut h = Harness::with_theme(&estate(), 160, 48, Theme::colored());
    h.advance(2.0);
    h.render();
    assert_eq!(in_flight(h.driver.engine()), MOVES, "50 moves at once");
    let mut g = c.benchmark_group("load");
    g.bench_function("dashboard: snapshot (200 partitions, 50 moves)", |b| {
        b.iter(|| black_box(h.driver.engine().snapshot()))
    });
    g.bench_function("dashboard: update + full render 160x48, 50 moves", |b| {
        b.iter(|| {
            let u = h.driver.update();
            h.app.on_update(u);
            let app = &h.app;
            h.terminal.draw(|f| render::draw(f, app)).unwrap();
        })
    });
    g.finish();
}

criterion_group!(benches, dashboard);
criterion_main!(benches);
