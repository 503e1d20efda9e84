//! Load (issue 6, item 7), headless: 200 partitions on two frames, 50 moves at once; the wall
//! time of 5 simulated seconds with the 50 moves in flight (simulated seconds per wall second
//! = 5 / the figure).
//!
//! cargo bench --bench load

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{MOVES, SIM_S, estate, in_flight};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use lpm::engine::Engine;

fn headless(c: &mut Criterion) {
    let s = estate();
    assert!(s.problems(None).is_empty(), "{:?}", s.problems(None));
    let mut e = Engine::new(&s).unwrap();
    e.advance(Duration::from_secs(1));
    assert_eq!(in_flight(&e), MOVES, "50 moves at once");
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("headless: 5 simulated s, 200 partitions, 50 moves", |b| {
        b.iter_batched(
            || e.clone(),
            |mut e| {
                e.advance(Duration::from_secs(SIM_S));
                black_box(e.drain_events().len());
                e
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, headless);
criterion_main!(benches);
