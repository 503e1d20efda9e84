//! What must hold whatever happens: moves verified, one frame per partition, nothing lost on a
//! stop, no stop past the point of no return.
mod common;

use common::*;
use lpm::Scenario;
use lpm::engine::{Engine, EventKind, FrameId, PartitionId, Phase};
use lpm::spec::Workload;
use lpm::spec::{Action, FinalPhase, Policy, Switchover};
use std::time::Duration;

fn estate(final_phase: FinalPhase) -> Scenario {
    let policy = Policy {
        final_phase,
        msp_max_ops: 2,
        switchover: Switchover::PercentClean(98.0),
        ..Policy::default()
    };
    let mut s = scenario(
        vec![
            partition(
                "db01",
                "frame-a",
                0.75,
                Workload::Hotspot {
                    writes_mib_s: 40.0,
                    hot_percent: 10.0,
                    hot_share: 0.8,
                },
            ),
            partition(
                "app01",
                "frame-a",
                0.5,
                Workload::Uniform { writes_mib_s: 15.0 },
            ),
            partition(
                "web01",
                "frame-a",
                0.25,
                Workload::Hotspot {
                    writes_mib_s: 10.0,
                    hot_percent: 2.0,
                    hot_share: 0.95,
                },
            ),
            partition(
                "log01",
                "frame-a",
                0.5,
                Workload::Sequential {
                    writes_mib_s: 25.0,
                    region_percent: 30.0,
                },
            ),
            partition("idle01", "frame-a", 0.25, Workload::Idle),
        ],
        1.0,
        policy,
    );
    s.script = vec![lpm::spec::ScriptStep {
        at_s: 0.5,
        action: Action::Evacuate {
            from: "frame-a".into(),
            to: Some("frame-b".into()),
        },
    }];
    s
}

#[test]
fn every_move_of_an_evacuation_is_verified_under_both_final_phases() {
    for phase in [FinalPhase::ResumeThenPull, FinalPhase::StopAndCopy] {
        let mut e = Engine::new(&estate(phase)).unwrap();
        let events = run(&mut e, 300.0);
        let done = completions(&events);
        assert_eq!(done.len(), 5, "{phase:?}: {:?}", names(&events));
        assert!(done.iter().all(|c| c.verified), "{done:?}");
        // Two MSP slots per frame: three of the five had to wait.
        assert_eq!(
            events
                .iter()
                .filter(|e| e.name() == "migration_queued")
                .count(),
            3
        );
        let snap = e.snapshot();
        assert!(snap.systems[0].partitions.is_empty(), "frame-a is empty");
        assert_eq!(snap.systems[1].partitions.len(), 5);
        // Every image handed to frame-b held every write the moves tracked (verification
        // compares it page by page), and no page state outlives its move.
        for m in e.moves() {
            assert_eq!(m.verified(), Some(true), "move {}", m.id());
        }
        assert!(e.partitions().iter().all(|p| p.memory().is_none()));
    }
}

#[test]
fn a_partition_is_on_exactly_one_frame_at_every_instant_and_moves_at_resume() {
    let mut e = Engine::new(&estate(FinalPhase::ResumeThenPull)).unwrap();
    let mut resumed_at = std::collections::HashMap::new();
    let mut seen_on_b = std::collections::HashMap::new();
    while !e.is_settled() && e.now() < 300.0 {
        e.advance(Duration::from_millis(1));
        for ev in e.drain_events() {
            if let EventKind::Resumed { partition, .. } = ev.kind {
                resumed_at.insert(partition, ev.t);
            }
        }
        let snap = e.snapshot();
        for (pi, p) in snap.partitions.iter().enumerate() {
            let homes = snap
                .systems
                .iter()
                .filter(|s| s.partitions.contains(&PartitionId::new(pi)))
                .count();
            assert_eq!(homes, 1, "{} at {}", p.name, snap.t);
            if p.system == FrameId::new(1) {
                seen_on_b.entry(p.name.clone()).or_insert(snap.t);
            }
        }
    }
    assert_eq!(resumed_at.len(), 5);
    for (name, t) in resumed_at {
        // Seen on frame-b at the end of the step in which it resumed, never before.
        let first = seen_on_b[&name];
        assert!(
            first >= t && first - t <= 0.001 + 1e-9,
            "{name}: resumed {t}, on frame-b at {first}"
        );
    }
}

/// Stops a move at `at_s` and checks that the partition runs on, on the source, memory intact.
fn stop_at(at_s: f64, final_phase: FinalPhase) -> (Engine, Vec<lpm::engine::Event>) {
    let mut s = estate(final_phase);
    s.script = vec![migrate_at(0.0, "db01", "frame-b")];
    let mut e = Engine::new(&s).unwrap();
    e.run_until(at_s);
    let mut events = e.drain_events();
    let result = e.apply(&Action::Stop {
        partition: "db01".into(),
    });
    events.extend(e.drain_events());
    assert!(result.is_ok(), "{result:?}");
    (e, events)
}

#[test]
fn a_stop_in_any_phase_before_resume_loses_no_memory() {
    let pi = 0;
    // Round 1, a later round, and inside the suspend window of a stop-and-copy.
    let mut e0 = Engine::new(&{
        let mut s = estate(FinalPhase::StopAndCopy);
        s.script = vec![migrate_at(0.0, "db01", "frame-b")];
        s
    })
    .unwrap();
    let mut suspend_t = None;
    while suspend_t.is_none() && e0.now() < 60.0 {
        e0.advance(Duration::from_millis(1));
        suspend_t = e0
            .drain_events()
            .iter()
            .find(|ev| ev.name() == "suspended")
            .map(|ev| ev.t);
    }
    let suspend_t = suspend_t.expect("the move switches over");
    for (at, phase) in [
        (1.0, FinalPhase::ResumeThenPull),
        (suspend_t - 0.5, FinalPhase::ResumeThenPull),
        (suspend_t + 0.001, FinalPhase::StopAndCopy),
    ] {
        let (mut e, events) = stop_at(at, phase);
        let stopped = events
            .iter()
            .find(|ev| ev.name() == "migration_stopped")
            .expect("stopped");
        assert_eq!(stopped.t, e.now());
        let p = e.partition(PartitionId::new(pi));
        assert_eq!(p.frame(), FrameId::new(0), "runs on, on frame-a");
        assert!(p.active_move().is_none());
        // Every write the move tracked was still in the source's memory when it stopped
        // (checked against the writes applied page by page), and tracking is off.
        let m = e.last_move_of(PartitionId::new(pi)).unwrap();
        assert_eq!(m.source_intact(), Some(true), "stop at {at}");
        assert!(p.page_writes() > 0);
        assert!(p.memory().is_none(), "tracking is off");
        // The target shell is gone: frame-b holds nothing for db01.
        assert_eq!(e.usage(FrameId::new(1)).0, 0.0);
        // And it can be moved again, to completion.
        e.apply(&Action::migrate("db01", "frame-b")).unwrap();
        let again = run(&mut e, 400.0);
        assert!(completions(&again).iter().all(|c| c.verified) && completions(&again).len() == 1);
    }
}

#[test]
fn a_stop_past_the_point_of_no_return_is_refused_with_the_reason() {
    let mut s = estate(FinalPhase::ResumeThenPull);
    s.script = vec![migrate_at(0.0, "db01", "frame-b")];
    s.link.latency_ms = 5.0; // a longer pull, to land a stop inside it
    let mut e = Engine::new(&s).unwrap();
    let mut pulling = false;
    while !pulling && e.now() < 120.0 {
        e.advance(Duration::from_millis(1));
        pulling = e
            .move_of(PartitionId::new(0))
            .is_some_and(|m| m.phase() == Phase::Pulling);
    }
    assert!(pulling, "reached the pull phase");
    e.drain_events();
    let err = e
        .apply(&Action::Stop {
            partition: "db01".into(),
        })
        .unwrap_err();
    assert!(
        err.message.contains("point of no return") && err.message.contains("frame-b"),
        "{err}"
    );
    let ev = e.drain_events();
    assert!(matches!(&ev[0].kind, EventKind::StopRefused { reason, .. } if reason == &err.message));
    let rest = run(&mut e, 120.0);
    assert!(completions(&rest)[0].verified);
    let err = e
        .apply(&Action::Stop {
            partition: "db01".into(),
        })
        .unwrap_err();
    assert!(err.message.contains("already completed"), "{err}");
}

#[test]
fn verification_catches_a_stale_page_and_a_write_without_fetch() {
    use lpm::engine::verify;
    use lpm::sim::Bitmap;
    let source = vec![3u32, 5, 0, 9];
    let none = Bitmap::new(4);
    assert!(verify(&source, &source, &none, 0));
    let mut stale = source.clone();
    stale[1] = 4;
    assert!(!verify(&source, &stale, &none, 0));
    let mut missing = source.clone();
    missing[2] = u32::MAX;
    assert!(!verify(&source, &missing, &none, 0));
    // Page 3 written twice on the target after being fetched: fine.
    let mut written = Bitmap::new(4);
    written.set(3);
    let mut after = source.clone();
    after[3] = 11;
    assert!(verify(&source, &after, &written, 2));
    // Written once but never fetched: the target has 0 + 1, not 9 + 1.
    after[3] = 1;
    assert!(!verify(&source, &after, &written, 1));
}

#[test]
fn a_moving_partition_costs_at_most_ten_bytes_per_page() {
    let mut s = estate(FinalPhase::ResumeThenPull);
    s.script = vec![migrate_at(0.0, "db01", "frame-b")];
    let mut e = Engine::new(&s).unwrap();
    e.run_until(1.0);
    let p = e.partition(PartitionId::new(0));
    let m = e.move_of(PartitionId::new(0)).expect("moving");
    assert_eq!(m.phase(), Phase::PreCopy);
    let per_page = (p.memory().unwrap().state_bytes() + m.state_bytes()) as f64 / p.pages() as f64;
    assert!(per_page <= 10.0, "{per_page} bytes per page");
    assert!(
        per_page >= 8.0,
        "source and target versions are both held: {per_page}"
    );
}
