//! The balancer (issue 12, DOMAIN.md section 7): the imbalance falls under Active, no target
//! is pushed over its limit, a move that would not converge is never chosen, and Advise changes
//! nothing in the world.

mod common;

use common::{partition, system};
use lpm::Scenario;
use lpm::engine::balance::std_dev;
use lpm::engine::{Engine, EventKind, Origin};
use lpm::spec::{LinkSpec, Mode, PartitionSpec, Policy, Processor, Workload};

/// A partition of `cpus` processors at `load` percent, 1 GiB, writing nothing.
fn lpar(name: &str, on: &str, cpus: f64, load: f64) -> PartitionSpec {
    let mut p = partition(name, on, 1.0, Workload::Idle);
    p.cpus = cpus;
    p.cpu_load = Some(load);
    p
}

/// Frames of 48 processors named frame-a, frame-b... and the partitions given.
fn estate(frames: usize, partitions: Vec<PartitionSpec>, policy: Policy) -> Scenario {
    let names = ["frame-a", "frame-b", "frame-c", "frame-d"];
    Scenario {
        name: "balance".into(),
        seed: 3,
        page_size_kib: 64,
        link: LinkSpec {
            bandwidth_gbps: 10.0,
            latency_ms: 0.1,
            payload_efficiency: 1.0,
        },
        systems: names[..frames]
            .iter()
            .map(|n| {
                let mut s = system(n, Processor::Power9, 256.0);
                s.cpus = 48.0;
                s.msps = 2;
                s
            })
            .collect(),
        partitions,
        policy,
        script: vec![],
    }
}

fn balancer(mode: Mode, threshold: u32) -> Policy {
    let mut p = Policy::default();
    p.balancer.mode = mode;
    p.balancer.threshold = threshold;
    p.balancer.interval_s = 60.0;
    p
}

/// Four busy partitions on frame-a, one light on frame-b, frame-c empty.
fn lopsided(policy: Policy) -> Scenario {
    estate(
        3,
        vec![
            lpar("a1", "frame-a", 8.0, 90.0),
            lpar("a2", "frame-a", 8.0, 90.0),
            lpar("a3", "frame-a", 8.0, 90.0),
            lpar("a4", "frame-a", 8.0, 90.0),
            lpar("b1", "frame-b", 8.0, 30.0),
        ],
        policy,
    )
}

fn imbalance(e: &Engine) -> f64 {
    let utils: Vec<f64> = e
        .frames()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.operating())
        .map(|(k, _)| e.utilisation(lpm::engine::FrameId::new(k)))
        .collect();
    std_dev(&utils)
}

fn run(s: &Scenario, until: f64) -> (Engine, Vec<lpm::engine::Event>) {
    let mut e = Engine::new(s).unwrap();
    let mut events = Vec::new();
    let mut t = 0.0;
    while t < until {
        t += 10.0;
        e.run_until(t);
        events.extend(e.drain_events());
    }
    (e, events)
}

#[test]
fn imbalance_falls_under_active_and_its_moves_say_by_balancer() {
    let s = lopsided(balancer(Mode::Active, 3));
    let before = imbalance(&Engine::new(&s).unwrap());
    assert!(before > 20.0, "{before}");
    let (e, events) = run(&s, 900.0);
    let after = imbalance(&e);
    let tolerance = s.policy.balancer.tolerance_percent();
    assert!(after < before, "{before} -> {after}");
    assert!(after <= tolerance, "{after} above {tolerance}");
    let by: Vec<Origin> = events
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::MigrationStarted { by, .. } => Some(*by),
            _ => None,
        })
        .collect();
    assert!(!by.is_empty());
    assert!(by.iter().all(|&b| b == Origin::Balancer), "{by:?}");
    let advised = events
        .iter()
        .filter(|ev| matches!(ev.kind, EventKind::BalanceAdvised { .. }))
        .count();
    assert!(
        advised >= by.len(),
        "{advised} advised, {} started",
        by.len()
    );
    // Every move completed: nothing left in flight, and nothing recommended any more.
    assert!(e.moves().iter().all(|m| !m.phase().in_flight()));
    assert!(e.is_settled());
    // Each advised move lowered the imbalance it reports.
    for ev in &events {
        if let EventKind::BalanceAdvised {
            imbalance_before,
            imbalance_after,
            ..
        } = &ev.kind
        {
            assert!(imbalance_after < imbalance_before);
        }
    }
}

#[test]
fn no_target_is_pushed_over_its_limit() {
    // frame-b already runs at 40%; the band's top is 50%: an 8-processor partition at 90%
    // (15 points) would take it to 55%, a 4-processor one (7.5 points) to 47.5%.
    let mut policy = balancer(Mode::Active, 5);
    policy.consolidation.high_percent = 50.0;
    let s = estate(
        2,
        vec![
            lpar("big1", "frame-a", 8.0, 90.0),
            lpar("big2", "frame-a", 8.0, 90.0),
            lpar("big3", "frame-a", 8.0, 90.0),
            lpar("small", "frame-a", 4.0, 90.0),
            lpar("base", "frame-b", 24.0, 80.0),
        ],
        policy,
    );
    let e0 = Engine::new(&s).unwrap();
    let pass = e0.balance_pass();
    assert!(pass.imbalance > pass.tolerance);
    assert!(!pass.moves.is_empty());
    for m in &pass.moves {
        assert!(m.target_after_percent <= 50.0 + 1e-9, "{m:?}");
        assert_ne!(m.partition, "big1");
    }
    let (e, events) = run(&s, 600.0);
    // Only the small one moved, and frame-b stays under the limit.
    let moved: Vec<String> = events
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::MigrationStarted { partition, .. } => Some(partition.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(moved, vec!["small".to_string()]);
    let b = e.find_frame("frame-b").unwrap();
    assert!(e.utilisation(b) <= 50.0 + 1e-9, "{}", e.utilisation(b));
}

/// frame-a holds `hot` (6 processors), `base` (4) and `calm` (2), all at 100%; frame-b is
/// empty. Moving `hot` would balance the two frames exactly: the best benefit by far.
fn with_hot(hot_workload: Workload) -> Scenario {
    let mut hot = lpar("hot", "frame-a", 6.0, 100.0);
    hot.workload = hot_workload;
    hot.memory_gib = 2.0;
    let mut base = lpar("base", "frame-a", 4.0, 100.0);
    base.memory_gib = 2.0;
    let calm = lpar("calm", "frame-a", 2.0, 100.0);
    estate(2, vec![hot, base, calm], balancer(Mode::Advise, 5))
}

#[test]
fn a_move_that_would_not_converge_is_never_chosen() {
    // Writing quiet, `hot` is the balancer's first choice.
    let quiet = Engine::new(&with_hot(Workload::Idle)).unwrap();
    let pass = quiet.balance_pass();
    assert_eq!(pass.moves[0].partition, "hot", "{pass:?}");
    // Writing faster than the link sends, it would not converge: another move is chosen.
    let busy = Workload::Uniform {
        writes_mib_s: 4000.0,
    };
    let e = Engine::new(&with_hot(busy)).unwrap();
    let hot = e.find_partition("hot").unwrap();
    assert!(!e.predict_move(hot).converges());
    let pass = e.balance_pass();
    assert!(!pass.moves.is_empty(), "{pass:?}");
    assert!(pass.moves.iter().all(|m| m.partition != "hot"), "{pass:?}");
    assert_eq!(pass.not_converging, vec!["hot".to_string()]);
    assert_eq!(pass.moves[0].partition, "base");
}

#[test]
fn advise_changes_nothing_in_the_world() {
    let placement = |e: &Engine| -> Vec<(String, String)> {
        e.partitions()
            .iter()
            .map(|p| (p.name().to_string(), e.frame(p.frame()).name().to_string()))
            .collect()
    };
    let (off, off_events) = run(&lopsided(balancer(Mode::Off, 3)), 900.0);
    let (advise, advise_events) = run(&lopsided(balancer(Mode::Advise, 3)), 900.0);
    assert_eq!(placement(&off), placement(&advise));
    assert_eq!(off.moves().len(), 0);
    assert_eq!(advise.moves().len(), 0);
    assert_eq!(
        off.energy_report(900.0).energy_wh,
        advise.energy_report(900.0).energy_wh
    );
    // Advise said what it would do, once (the same advice is not repeated), and keeps it in
    // the snapshot.
    let advised = |evs: &[lpm::engine::Event]| {
        evs.iter()
            .filter(|ev| matches!(ev.kind, EventKind::BalanceAdvised { .. }))
            .count()
    };
    assert_eq!(advised(&off_events), 0);
    let n = advised(&advise_events);
    assert!((1..=lpm::engine::balance::MAX_PER_PASS).contains(&n), "{n}");
    let recs = advise.snapshot().recommendations;
    assert_eq!(recs.len(), n);
    assert!(recs.iter().all(|r| r.by == "balancer"));
    assert!(
        recs.iter()
            .all(|r| r.imbalance_after < r.imbalance_before && r.predicted_s.is_some())
    );
    assert!(off.snapshot().recommendations.is_empty());
}

#[test]
fn a_balanced_estate_gets_no_advice() {
    let s = estate(
        2,
        vec![
            lpar("x", "frame-a", 8.0, 50.0),
            lpar("y", "frame-b", 8.0, 55.0),
        ],
        balancer(Mode::Active, 3),
    );
    let e = Engine::new(&s).unwrap();
    let pass = e.balance_pass();
    assert!(pass.imbalance <= pass.tolerance);
    assert!(pass.moves.is_empty());
    let (e, events) = run(&s, 400.0);
    assert!(e.moves().is_empty());
    assert!(
        !events
            .iter()
            .any(|ev| matches!(ev.kind, EventKind::BalanceAdvised { .. }))
    );
}

#[test]
fn a_move_says_who_asked_for_it() {
    let mut s = lopsided(Policy::default());
    s.script = vec![common::migrate_at(1.0, "a1", "frame-c")];
    let mut e = Engine::new(&s).unwrap();
    e.apply(&lpm::spec::Action::migrate("a2", "frame-b"))
        .unwrap();
    e.run_until(2.0);
    let by: Vec<(String, Origin)> = e
        .drain_events()
        .into_iter()
        .filter_map(|ev| match ev.kind {
            EventKind::MigrationStarted { partition, by, .. } => Some((partition, by)),
            _ => None,
        })
        .collect();
    assert_eq!(
        by,
        vec![
            ("a2".to_string(), Origin::Operator),
            ("a1".to_string(), Origin::Script)
        ]
    );
}
