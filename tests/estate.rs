//! The estate (issue #11): many frames, movers on their own adapters, max-min fair shares of
//! the network, evacuation to anywhere, redundant movers, page state only while moving.
mod common;

use std::time::Duration;

use common::*;
use lpm::Scenario;
use lpm::engine::{Engine, EventKind, FrameId, Phase, Reason};
use lpm::spec::{Action, Policy, Processor, Redundancy, Workload};

/// Frames named, each with `movers` movers of `mover_gbps`; paths of 40 Gbit/s.
fn estate(frames: &[(&str, u32)], mover_gbps: f64) -> Scenario {
    let mut s = scenario(vec![], 40.0, Policy::default());
    s.systems = frames
        .iter()
        .map(|&(name, movers)| {
            let mut f = system(name, Processor::Power9, 1024.0);
            f.msps = movers;
            f.mover_gbps = Some(mover_gbps);
            f
        })
        .collect();
    s
}

/// A partition that writes nothing, so that its move runs at its share from start to end.
fn idle(name: &str, on: &str) -> lpm::spec::PartitionSpec {
    partition(name, on, 4.0, Workload::Idle)
}

/// Gbit/s of a payload rate in 4 KiB pages/s (payload efficiency 1).
fn gbps(pages_s: f64) -> f64 {
    pages_s * 4096.0 * 8.0 / 1e9
}

/// Each move's share after the first step, Gbit/s, by partition name.
fn shares(e: &Engine) -> Vec<(String, f64)> {
    e.snapshot()
        .moves
        .iter()
        .map(|m| (m.partition_name.clone(), gbps(m.share_pages_s)))
        .collect()
}

#[test]
fn moves_get_the_max_min_fair_share_of_every_resource_they_cross() {
    // A and B have one mover each, C two; every adapter 10 Gbit/s, every path 40. Two moves
    // A -> C share A's adapter (5 each) and take C's two movers (least busy first); B -> C
    // gets B's adapter alone but shares C's first mover with the first A -> C move: that
    // mover has 10 - 5 = 5 left for it. The paths (40) never bind.
    let mut s = estate(&[("a", 1), ("b", 1), ("c", 2)], 10.0);
    s.partitions = vec![idle("x", "a"), idle("y", "a"), idle("z", "b")];
    let mut e = Engine::new(&s).unwrap();
    for (p, to) in [("x", "c"), ("y", "c"), ("z", "c")] {
        e.apply(&Action::migrate(p, to)).unwrap();
    }
    e.advance(Duration::from_millis(1));
    let snap = e.snapshot();
    let pair = |p: &str| {
        snap.moves
            .iter()
            .find(|m| m.partition_name == p)
            .and_then(|m| m.movers.clone())
            .unwrap()
    };
    assert_eq!(pair("x"), ("vios1".into(), "vios1".into()));
    assert_eq!(pair("y"), ("vios1".into(), "vios2".into()));
    assert_eq!(pair("z"), ("vios1".into(), "vios1".into()));
    for (p, share) in shares(&e) {
        assert!((share - 5.0).abs() < 1e-9, "{p}: {share} Gbit/s");
    }
    // With x capped at 2 Gbit/s (250 MB/s = 238 MiB/s), y takes the rest of A's adapter and
    // z the rest of C's first mover: 2, 8, 8.
    e.apply(&Action::SetBandwidthCap {
        partition: "x".into(),
        mib_s: 2e9 / 8.0 / 1048576.0,
    })
    .unwrap();
    e.advance(Duration::from_millis(1));
    let got: Vec<f64> = shares(&e).into_iter().map(|(_, g)| g).collect();
    for (g, want) in got.iter().zip([2.0, 8.0, 8.0]) {
        assert!((g - want).abs() < 1e-6, "{got:?}");
    }
}

#[test]
fn a_second_mover_pair_doubles_what_moves_at_once() {
    let total = |movers: u32| {
        let mut s = estate(&[("a", movers), ("b", movers)], 10.0);
        s.partitions = vec![idle("x", "a"), idle("y", "a")];
        let mut e = Engine::new(&s).unwrap();
        e.apply(&Action::migrate("x", "b")).unwrap();
        e.apply(&Action::migrate("y", "b")).unwrap();
        e.advance(Duration::from_millis(1));
        shares(&e).iter().map(|(_, g)| g).sum::<f64>()
    };
    assert!((total(1) - 10.0).abs() < 1e-9, "{}", total(1));
    assert!((total(2) - 20.0).abs() < 1e-9, "{}", total(2));
}

#[test]
fn a_failed_mover_takes_only_its_own_moves_down_and_a_redundant_move_carries_on() {
    let mut s = estate(&[("a", 2), ("b", 2)], 10.0);
    s.partitions = vec![
        partition("x", "a", 2.0, Workload::Uniform { writes_mib_s: 1.0 }),
        partition("y", "a", 2.0, Workload::Uniform { writes_mib_s: 1.0 }),
        partition("r", "a", 2.0, Workload::Uniform { writes_mib_s: 1.0 }),
    ];
    s.policy.msp_max_ops = 4;
    let mut e = Engine::new(&s).unwrap();
    e.apply(&Action::migrate("x", "b")).unwrap(); // vios1 -> vios1
    e.apply(&Action::migrate("y", "b")).unwrap(); // vios2 -> vios2
    e.apply(&Action::Migrate {
        partition: "r".into(),
        to: "b".into(),
        source_msp: Some("vios1".into()),
        dest_msp: Some("vios1".into()),
        redundant: Redundancy::Required,
        mappings: Vec::new(),
    })
    .unwrap();
    e.advance(Duration::from_millis(100));
    e.apply(&Action::MspFail {
        system: "a".into(),
        msp: Some("vios1".into()),
    })
    .unwrap();
    let events = run(&mut e, 120.0);
    let failed: Vec<&str> = events
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::MigrationFailed { partition, .. } => Some(partition.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["x"], "only the move on the failed mover");
    let failover = events
        .iter()
        .find(|ev| ev.name() == "msp_failover")
        .expect("r carries on over its standby pair");
    assert!(matches!(&failover.kind, EventKind::MspFailover { partition, .. } if partition == "r"));
    let done: Vec<String> = completions(&events)
        .iter()
        .map(|c| c.partition.clone())
        .collect();
    assert_eq!(done, ["y", "r"]);
    // It paused the failover time: r took at least that much longer than y.
    let c = completions(&events);
    assert!(c[1].total_s >= c[0].total_s + 2.0 - 0.2, "{c:?}");
}

#[test]
fn redundancy_required_is_refused_where_a_frame_has_one_mover() {
    let mut s = estate(&[("a", 1), ("b", 2)], 10.0);
    s.partitions = vec![idle("x", "a")];
    let mut e = Engine::new(&s).unwrap();
    let refused = e
        .apply(&Action::Migrate {
            partition: "x".into(),
            to: "b".into(),
            source_msp: None,
            dest_msp: None,
            redundant: Redundancy::Required,
            mappings: Vec::new(),
        })
        .unwrap_err();
    assert!(matches!(refused.reason, Reason::Invalid(_)));
    assert!(refused.message.contains("redundant"), "{refused}");
}

/// The shipped estate, evacuating p9-c.
fn shipped() -> Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios/estate.ron");
    Scenario::load(std::path::Path::new(path)).unwrap()
}

#[test]
fn an_evacuation_to_anywhere_never_overfills_a_frame_and_empties_it() {
    let s = shipped();
    let mut e = Engine::new(&s).unwrap();
    let mut events = Vec::new();
    while !e.is_settled() && e.now() < 1200.0 {
        e.advance(Duration::from_secs(5));
        events.extend(e.drain_events());
        for (k, f) in e.frames().iter().enumerate() {
            let (mem, cpus) = e.usage(FrameId::new(k));
            let spec = f.spec();
            assert!(
                mem <= spec.memory_gib + 1e-9,
                "{} at {}",
                spec.name,
                e.now()
            );
            assert!(cpus <= spec.cpus + 1e-9, "{} at {}", spec.name, e.now());
        }
    }
    let started = events
        .iter()
        .find_map(|ev| match &ev.kind {
            EventKind::EvacuationStarted { placements, .. } => Some(placements.clone()),
            _ => None,
        })
        .expect("the evacuation started");
    assert_eq!(started.len(), 22);
    // Every placement was valid where it went: POWER10 frames run only POWER9 mode.
    for p in &started {
        let id = e.find_partition(&p.partition).unwrap();
        let compat = e.partition(id).spec().compat;
        if p.to.starts_with("p10") {
            assert_eq!(compat, Processor::Power9, "{} on {}", p.partition, p.to);
        }
    }
    let done = events
        .iter()
        .find_map(|ev| match &ev.kind {
            EventKind::EvacuationCompleted {
                moved, frame_empty, ..
            } => Some((*moved, *frame_empty)),
            _ => None,
        })
        .expect("the evacuation completed");
    assert_eq!(done, (22, true));
}

#[test]
fn an_evacuation_names_what_it_cannot_place_and_why() {
    // A POWER7-mode partition cannot go to a POWER10 frame, and the only other frame is full.
    let mut s = estate(&[("a", 1), ("b", 1), ("c", 1)], 10.0);
    s.systems[1].processor = Processor::Power10;
    s.systems[2].memory_gib = 4.0;
    s.partitions = vec![
        partition("old", "a", 8.0, Workload::Idle),
        partition("fits", "a", 4.0, Workload::Idle),
    ];
    s.partitions[0].compat = Processor::Power7;
    s.partitions[1].compat = Processor::Power9;
    let mut e = Engine::new(&s).unwrap();
    e.apply(&Action::Evacuate {
        from: "a".into(),
        to: None,
    })
    .unwrap();
    let events = run(&mut e, 60.0);
    let left = events
        .iter()
        .find_map(|ev| match &ev.kind {
            EventKind::EvacuationCompleted {
                frame_empty: false,
                left,
                ..
            } => Some(left.clone()),
            _ => None,
        })
        .expect("the frame is not empty");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].partition, "old");
    assert!(left[0].reason.starts_with("refused:"), "{:?}", left[0]);
    // The refusal names a reason of the closest frame.
    assert!(
        left[0].reason.contains("mode") || left[0].reason.contains("memory"),
        "{:?}",
        left[0]
    );
}

#[test]
fn the_estate_is_the_same_whatever_the_slices() {
    let mut s = shipped();
    s.script[0].at_s = 1.0;
    let stream = |step_ms: u64| {
        let mut e = Engine::new(&s).unwrap();
        let mut out = Vec::new();
        while e.now() < 90.0 {
            e.advance(Duration::from_millis(step_ms));
            out.extend(e.drain_events());
        }
        json_lines(&out)
    };
    let coarse = stream(2_500);
    assert!(coarse.contains("round_completed"), "{coarse}");
    assert_eq!(coarse, stream(137));
}

#[test]
fn page_state_lives_only_while_a_partition_moves_and_a_move_that_cannot_hold_it_is_refused() {
    let s = shipped();
    let e = Engine::new(&s).unwrap();
    assert!(e.partitions().iter().all(|p| p.memory().is_none()));
    // A budget that holds one 64 GiB partition's page state (1 Mi pages of 64 KiB at 8.4
    // bytes) but not two.
    let mut s = estate(&[("a", 2), ("b", 2)], 10.0);
    s.page_size_kib = 64;
    s.partitions = vec![
        partition("x", "a", 64.0, Workload::Idle),
        partition("y", "a", 64.0, Workload::Idle),
    ];
    let mut e = Engine::with_budget(&s, 12 << 20).unwrap();
    e.apply(&Action::migrate("x", "b")).unwrap();
    assert!(e.partitions()[0].memory().is_some());
    let refused = e.apply(&Action::migrate("y", "b")).unwrap_err();
    assert_eq!(refused.reason, Reason::NoMemory);
    assert!(refused.message.contains("page state of y"), "{refused}");
    let events = run(&mut e, 300.0);
    assert_eq!(completions(&events).len(), 1);
    assert!(e.partitions().iter().all(|p| p.memory().is_none()));
    assert!(e.moves().iter().all(|m| m.phase() == Phase::Completed));
}
