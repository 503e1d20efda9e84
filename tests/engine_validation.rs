//! `migrlpar -o v`: each precondition on its own, and several failing at once.
mod common;

use common::*;
use lpm::Scenario;
use lpm::engine::{Engine, EventKind, FrameId, PartitionId};
use lpm::spec::Action;
use lpm::spec::{PartitionState, Processor, Workload};

fn base() -> Scenario {
    let mut s = scenario(
        vec![partition("lpar1", "frame-a", 1.0, Workload::Idle)],
        10.0,
        Default::default(),
    );
    s.partitions[0].compat = Processor::Power8;
    s
}

/// The failed checks' names for moving lpar1 to frame-b after `change`.
fn failures(change: impl FnOnce(&mut Scenario)) -> Vec<String> {
    let mut s = base();
    change(&mut s);
    let e = Engine::new(&s).unwrap();
    let v = e.validate_named("lpar1", "frame-b").unwrap();
    assert_eq!(v.checks.len(), lpm::engine::validation::CHECKS.len());
    v.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.clone())
        .collect()
}

#[test]
fn a_valid_move_passes_every_check() {
    assert!(failures(|_| {}).is_empty());
}

#[test]
fn each_check_fails_on_its_own() {
    type Change = Box<dyn FnOnce(&mut Scenario)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "no dedicated I/O",
            Box::new(|s| s.partitions[0].dedicated_io = true),
        ),
        (
            "processor compatibility",
            Box::new(|s| {
                s.systems[1].processor = Processor::Power7;
            }),
        ),
        (
            "memory on target",
            Box::new(|s| s.systems[1].memory_gib = 0.5),
        ),
        (
            "processors on target",
            Box::new(|s| s.systems[1].cpus = 2.0),
        ),
        (
            "VLANs on target",
            Box::new(|s| s.systems[1].vlans = vec![20]),
        ),
        (
            "SANs on target",
            Box::new(|s| s.systems[1].sans = vec!["test".into()]),
        ),
        (
            "name free on target",
            Box::new(|s| {
                s.partitions
                    .push(partition("lpar1", "frame-b", 1.0, Workload::Idle));
            }),
        ),
        (
            "mover service partitions",
            Box::new(|s| s.systems[1].msps = 0),
        ),
    ];
    for (name, change) in cases {
        let mut s = base();
        // Two partitions named lpar1 need the frame-qualified name.
        change(&mut s);
        let e = Engine::new(&s).unwrap();
        let v = e.validate_named("frame-a/lpar1", "frame-b").unwrap();
        let failed: Vec<&str> = v
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(failed, vec![name], "{:?}", v.errors());
        assert!(!v.errors()[0].is_empty());
    }
}

#[test]
fn the_same_frame_and_a_move_in_progress_are_refused() {
    let e = Engine::new(&base()).unwrap();
    let v = e.validate_named("lpar1", "frame-a").unwrap();
    assert_eq!(
        v.errors(),
        vec!["lpar1 already runs on frame-a".to_string()]
    );
    let mut e = Engine::new(&base()).unwrap();
    e.apply(&Action::migrate("lpar1", "frame-b")).unwrap();
    let v = e.validate_named("lpar1", "frame-b").unwrap();
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.as_str())
        .collect();
    // Moving already; and its shell on frame-b is counted, so nothing else changes.
    assert_eq!(failed, vec!["not moving"]);
}

#[test]
fn several_failures_are_reported_at_once_and_nothing_moves() {
    let mut s = base();
    s.partitions[0].dedicated_io = true;
    s.partitions[0].compat = Processor::Power6;
    s.partitions[0].vlans = vec![10, 99];
    s.systems[1].memory_gib = 0.5;
    s.systems[1].processor = Processor::Power9;
    let mut e = Engine::new(&s).unwrap();
    let err = e.apply(&Action::migrate("lpar1", "frame-b")).unwrap_err();
    let events = e.drain_events();
    let EventKind::ValidationFailed { errors, .. } = &events[0].kind else {
        panic!("{events:?}")
    };
    assert_eq!(errors.len(), 4, "{errors:?}");
    for needle in ["dedicated I/O", "POWER6 mode", "only 0.5 GiB", "VLAN 99"] {
        assert!(err.message.contains(needle), "{needle} in {err}");
    }
    assert!(e.moves().is_empty());
    assert_eq!(events.len(), 1);
}

#[test]
fn unknown_names_are_refused_not_panicked_on() {
    let mut e = Engine::new(&base()).unwrap();
    assert!(
        e.validate_named("nope", "frame-b")
            .unwrap_err()
            .message
            .contains("nope")
    );
    assert!(
        e.validate_named("lpar1", "frame-z")
            .unwrap_err()
            .message
            .contains("frame-z")
    );
    let err = e.apply(&Action::migrate("ghost", "nowhere")).unwrap_err();
    assert!(
        err.message.contains("ghost") && err.message.contains("nowhere"),
        "{err}"
    );
    assert!(matches!(
        e.drain_events()[0].kind,
        EventKind::ActionRefused { .. }
    ));
}

#[test]
fn a_not_activated_partition_moves_as_a_profile() {
    let mut s = base();
    s.partitions[0].state = PartitionState::NotActivated;
    s.script = vec![migrate_at(1.0, "lpar1", "frame-b")];
    let mut e = Engine::new(&s).unwrap();
    let events = run(&mut e, 60.0);
    let done = completions(&events);
    assert_eq!(done.len(), 1);
    assert!(done[0].inactive && done[0].verified);
    assert_eq!((done[0].pages_sent, done[0].rounds), (0, 0));
    assert_eq!(e.partition(PartitionId::new(0)).frame(), FrameId::new(1));
}

#[test]
fn removing_dedicated_io_lets_a_partition_validate() {
    let mut s = base();
    s.partitions[0].dedicated_io = true;
    let mut e = Engine::new(&s).unwrap();
    assert!(!e.validate_named("lpar1", "frame-b").unwrap().ok());
    e.apply(&Action::RemoveDedicatedIo {
        partition: "lpar1".into(),
    })
    .unwrap();
    assert!(e.validate_named("lpar1", "frame-b").unwrap().ok());
}
