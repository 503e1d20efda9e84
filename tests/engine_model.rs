mod common;

use lpm::engine::{Engine, EventKind};
use std::time::Duration;

#[test]
fn textbook_case_agrees_with_the_analytic_model() {
    let mut e = Engine::new(&common::textbook()).unwrap();
    e.advance(Duration::from_secs(30));
    let events = e.drain_events();
    for ev in &events {
        println!("{}", serde_json::to_string(ev).unwrap());
    }
    let done = events
        .iter()
        .find_map(|ev| match &ev.kind {
            EventKind::MigrationCompleted(c) => Some(c.clone()),
            _ => None,
        })
        .expect("the move completes");
    assert_eq!(done.rounds, 3);
    assert!(done.verified);
    assert!(
        (done.pages_sent as f64 - 320_856.0).abs() < 320_856.0 * 0.005,
        "{}",
        done.pages_sent
    );
    assert!(
        (done.downtime_ms - 62.0).abs() < 62.0 * 0.05,
        "{}",
        done.downtime_ms
    );
}

#[test]
fn builtin_scenario_parses() {
    let s = lpm::Scenario::builtin();
    assert_eq!(s.systems[0].cpus, 64.0);
    assert!(s.partitions.len() >= 5);
}
