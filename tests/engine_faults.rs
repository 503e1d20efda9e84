//! Faults, per phase of the move they hit (issue 6): nothing lost before the point of no
//! return, data loss reported loudly after it, stalls reported rather than hanging.
mod common;

use common::*;
use lpm::Scenario;
use lpm::engine::{Engine, Event, EventKind, FrameId, PartitionId, Phase};
use lpm::spec::Workload;
use lpm::spec::{Action, FinalPhase, Policy, Switchover};
use std::time::Duration;

fn world(final_phase: FinalPhase) -> Scenario {
    let policy = Policy {
        switchover: Switchover::PercentClean(95.0),
        final_phase,
        link_timeout_s: 5.0,
        pull_timeout_s: 3.0,
        ..Policy::default()
    };
    let mut s = scenario(
        vec![
            partition(
                "db01",
                "frame-a",
                0.5,
                Workload::Hotspot {
                    writes_mib_s: 40.0,
                    hot_percent: 10.0,
                    hot_share: 0.9,
                },
            ),
            partition(
                "app01",
                "frame-a",
                0.25,
                Workload::Uniform { writes_mib_s: 5.0 },
            ),
        ],
        gbps_of_pages(20_000.0),
        policy,
    );
    s.link.latency_ms = 2.0;
    s.script = vec![migrate_at(0.0, "db01", "frame-b")];
    s
}

/// Steps 1 ms at a time until `until` holds of db01's move, collecting events.
fn run_to(e: &mut Engine, events: &mut Vec<Event>, until: impl Fn(&Engine) -> bool) {
    while !until(e) {
        assert!(e.now() < 300.0, "never reached the state");
        e.advance(Duration::from_millis(1));
        events.extend(e.drain_events());
    }
}

fn phase_is(phase: Phase) -> impl Fn(&Engine) -> bool {
    move |e: &Engine| {
        e.move_of(PartitionId::new(0))
            .is_some_and(|m| m.phase() == phase)
    }
}

fn kinds<'a>(events: &'a [Event], name: &str) -> Vec<&'a EventKind> {
    events
        .iter()
        .filter(|e| e.name() == name)
        .map(|e| &e.kind)
        .collect()
}

#[test]
fn a_mover_failure_in_pre_copy_fails_the_move_and_leaves_the_partition_whole_at_the_source() {
    let mut e = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, |e| {
        e.move_of(PartitionId::new(0))
            .is_some_and(|m| m.round() == 2)
    });
    e.apply(&Action::MspFail {
        system: "frame-b".into(),
        msp: None,
    })
    .unwrap();
    e.advance(Duration::from_millis(1));
    ev.extend(e.drain_events());
    let failed = kinds(&ev, "migration_failed");
    assert!(
        matches!(
            failed[..],
            [EventKind::MigrationFailed {
                source_intact: true,
                round: 2,
                ..
            }]
        ),
        "{failed:?}"
    );
    let p = e.partition(PartitionId::new(0));
    assert_eq!((p.frame(), p.down()), (FrameId::new(0), None));
    // Its memory checked out against its own writes (`source_intact` above); the page state
    // went with the move.
    assert!(p.memory().is_none());
    assert_eq!(
        e.usage(FrameId::new(1)).0,
        0.0,
        "the target shell is released"
    );
    // It cannot move again before a recovery, nor while frame-b has no movers.
    let v = e.validate_named("db01", "frame-b").unwrap();
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        failed,
        ["state", "mover service partitions"],
        "{:?}",
        v.errors()
    );
    e.apply(&Action::Recover {
        partition: "db01".into(),
    })
    .unwrap();
    assert!(
        e.apply(&Action::Recover {
            partition: "db01".into()
        })
        .is_err(),
        "nothing left to recover"
    );
}

#[test]
fn a_short_link_outage_stalls_pre_copy_and_the_move_then_completes() {
    let mut e = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, |e| e.now() >= 1.0);
    e.apply(&Action::LinkDown { for_s: 2.0 }).unwrap();
    ev.extend(run(&mut e, 300.0));
    assert_eq!(kinds(&ev, "move_stalled").len(), 1);
    assert_eq!(kinds(&ev, "link_restored").len(), 1);
    assert!(kinds(&ev, "migration_failed").is_empty());
    let done = completions(&ev);
    assert!(done[0].verified);
    // Unperturbed, the same move takes about 2 s less.
    let mut calm = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    let plain = completions(&run(&mut calm, 300.0))[0].total_s;
    assert!(
        (done[0].total_s - plain - 2.0).abs() < 0.5,
        "{} vs {plain}",
        done[0].total_s
    );
}

#[test]
fn a_link_outage_longer_than_the_timeout_fails_pre_copy() {
    let mut e = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, |e| e.now() >= 1.0);
    e.apply(&Action::LinkDown { for_s: 60.0 }).unwrap();
    ev.extend(run(&mut e, 30.0));
    let t = ev
        .iter()
        .find(|e| e.name() == "migration_failed")
        .expect("failed")
        .t;
    assert!(
        (t - 6.0).abs() < 0.01,
        "failed at {t}, after the 5 s link timeout"
    );
    assert_eq!(e.partition(PartitionId::new(0)).frame(), FrameId::new(0));
}

#[test]
fn a_fault_in_the_suspend_window_resumes_the_partition_on_the_source() {
    let mut s = world(FinalPhase::StopAndCopy);
    s.policy.switchover = Switchover::PercentClean(80.0); // a long stop-and-copy window
    let mut e = Engine::new(&s).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, phase_is(Phase::Suspended));
    let suspended_at = e.now();
    run_to(&mut e, &mut ev, |e| e.now() >= suspended_at + 0.02);
    e.apply(&Action::LinkDown { for_s: 1.0 }).unwrap();
    e.advance(Duration::from_millis(1));
    ev.extend(e.drain_events());
    let resumed: Vec<_> = ev.iter().filter(|e| e.name() == "resumed").collect();
    let EventKind::Resumed {
        system,
        downtime_ms,
        ..
    } = &resumed[0].kind
    else {
        unreachable!()
    };
    assert_eq!(system, "frame-a");
    assert!(
        *downtime_ms >= 20.0,
        "the window grew to the fault: {downtime_ms}"
    );
    assert!(matches!(
        kinds(&ev, "migration_failed")[0],
        EventKind::MigrationFailed { phase, source_intact: true, .. } if phase == "Suspended"
    ));
    let p = e.partition(PartitionId::new(0));
    assert_eq!(p.frame(), FrameId::new(0));
}

#[test]
fn in_the_pull_phase_a_link_back_in_time_completes_the_move_verified() {
    let mut e = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, phase_is(Phase::Pulling));
    let writes = e.partition(PartitionId::new(0)).writes();
    e.apply(&Action::LinkDown { for_s: 2.0 }).unwrap();
    ev.extend(run(&mut e, 300.0));
    let done = completions(&ev);
    assert_eq!(done.len(), 1);
    assert!(done[0].verified, "{done:?}");
    assert!(kinds(&ev, "partition_lost").is_empty());
    assert!(
        matches!(kinds(&ev, "move_stalled")[0], EventKind::MoveStalled { reason, .. } if reason.contains("missing pages"))
    );
    assert!(e.partition(PartitionId::new(0)).writes() > writes);
}

#[test]
fn in_the_pull_phase_a_source_gone_past_the_timeout_loses_the_partition_loudly() {
    let mut e = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, phase_is(Phase::Pulling));
    let missing_at_fault = e.move_of(PartitionId::new(0)).unwrap().pages_to_send();
    let t = e.now();
    e.apply(&Action::LinkDown { for_s: 60.0 }).unwrap();
    ev.extend(run(&mut e, 120.0));
    let lost: Vec<&Event> = ev.iter().filter(|e| e.name() == "partition_lost").collect();
    assert_eq!(lost.len(), 1);
    assert!(
        (lost[0].t - t - 3.0).abs() < 0.01,
        "lost after the 3 s pull timeout"
    );
    let EventKind::PartitionLost { pages_missing, .. } = lost[0].kind else {
        unreachable!()
    };
    // Frozen while it waited: no fault fetched anything, so exactly the pages it lacked.
    assert_eq!(pages_missing, missing_at_fault);
    assert!(pages_missing > 0);
    assert!(completions(&ev).is_empty());
    let snap = e.snapshot();
    assert_eq!(
        snap.partitions[0].status,
        lpm::engine::snapshot::PartitionStatus::Down
    );
    assert_eq!(snap.moves[0].pages_lost, pages_missing);
}

#[test]
fn with_stop_and_copy_the_same_fault_after_switch_over_loses_nothing() {
    let mut e = Engine::new(&world(FinalPhase::StopAndCopy)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, |e| {
        e.last_move_of(PartitionId::new(0))
            .is_some_and(|m| m.phase() == Phase::Completed)
    });
    e.apply(&Action::LinkDown { for_s: 60.0 }).unwrap();
    ev.extend(run(&mut e, 120.0));
    assert!(kinds(&ev, "partition_lost").is_empty());
    assert!(completions(&ev)[0].verified);
    assert_eq!(e.partition(PartitionId::new(0)).down(), None);
}

#[test]
fn a_frame_failure_takes_its_partitions_down_and_refuses_their_moves() {
    let mut s = world(FinalPhase::ResumeThenPull);
    s.script.clear();
    let mut e = Engine::new(&s).unwrap();
    e.apply(&Action::FrameFail {
        system: "frame-a".into(),
    })
    .unwrap();
    let ev = e.drain_events();
    assert_eq!(kinds(&ev, "partition_down").len(), 2);
    let err = e.apply(&Action::migrate("app01", "frame-b")).unwrap_err();
    assert!(
        err.message.contains("down") && err.message.contains("frame-a"),
        "{err}"
    );
    e.advance(Duration::from_secs(1));
    assert_eq!(
        e.partition(PartitionId::new(1)).writes(),
        0,
        "a partition that is down writes nothing"
    );
}

#[test]
fn a_move_that_stops_converging_is_flagged_with_a_throttle_that_would_fix_it() {
    let hot = |throttle: Option<f64>| {
        let mut s = hot_db(Policy::default());
        if let Some(percent) = throttle {
            s.script.insert(
                0,
                lpm::spec::ScriptStep {
                    at_s: 0.0,
                    action: Action::SetCpuThrottle {
                        partition: "db01".into(),
                        percent,
                    },
                },
            );
        }
        s
    };
    let mut e = Engine::new(&hot(None)).unwrap();
    let ev = run(&mut e, 300.0);
    let stalled = kinds(&ev, "convergence_stalled");
    assert_eq!(stalled.len(), 1, "flagged once");
    let EventKind::ConvergenceStalled {
        cpu_throttle_percent: Some(t),
        suggestion,
        ..
    } = stalled[0]
    else {
        panic!("{stalled:?}")
    };
    assert!(suggestion.contains("CPU throttle"), "{suggestion}");
    assert!(!completions(&ev)[0].converged);
    // The suggestion holds: with that throttle the move converges.
    let mut e = Engine::new(&hot(Some(*t))).unwrap();
    let done = completions(&run(&mut e, 300.0));
    assert!(
        done[0].converged && done[0].verified,
        "throttle {t}%: {done:?}"
    );
}

#[test]
fn absurd_fault_durations_saturate_instead_of_overflowing() {
    let mut e = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    e.advance(Duration::from_millis(500));
    e.apply(&Action::LinkDown { for_s: 1e300 }).unwrap();
    e.apply(&Action::LinkDegrade {
        bandwidth_gbps: 1.0,
        for_s: f64::MAX,
    })
    .unwrap();
    e.advance(Duration::from_secs(20));
    assert!(
        !e.is_settled(),
        "the link is still down: something is left to happen"
    );
    assert_eq!(e.snapshot().link_pages_s_now, 0.0);
}

#[test]
fn a_repaired_frame_restarts_its_partitions_and_takes_moves_again() {
    let mut s = world(FinalPhase::ResumeThenPull);
    s.script.clear();
    let mut e = Engine::new(&s).unwrap();
    let frame = || Action::FrameFail {
        system: "frame-a".into(),
    };
    e.apply(&frame()).unwrap();
    e.advance(Duration::from_secs(1));
    let repair = Action::Repair {
        system: "frame-a".into(),
        msp: None,
    };
    e.apply(&repair).unwrap();
    let ev = e.drain_events();
    assert_eq!(kinds(&ev, "repaired").len(), 1);
    assert_eq!(kinds(&ev, "partition_restarted").len(), 2);
    assert_eq!(e.partition(PartitionId::new(1)).down(), None);
    let before = e.writes_of(PartitionId::new(1));
    e.advance(Duration::from_secs(1));
    assert!(e.writes_of(PartitionId::new(1)) > before, "it writes again");
    assert!(e.apply(&Action::migrate("app01", "frame-b")).is_ok());
    // Nothing left to repair.
    let again = e.apply(&repair).unwrap_err();
    assert!(again.message.contains("not failed"), "{again}");
}

#[test]
fn a_repaired_mover_carries_moves_again_and_stop_all_stops_every_move_it_can() {
    let mut s = world(FinalPhase::ResumeThenPull);
    s.script.clear();
    let mut e = Engine::new(&s).unwrap();
    e.apply(&Action::MspFail {
        system: "frame-b".into(),
        msp: Some("vios1".into()),
    })
    .unwrap();
    assert!(e.apply(&Action::migrate("db01", "frame-b")).is_err());
    e.apply(&Action::Repair {
        system: "frame-b".into(),
        msp: Some("vios1".into()),
    })
    .unwrap();
    e.apply(&Action::migrate("db01", "frame-b")).unwrap();
    e.apply(&Action::migrate("app01", "frame-b")).unwrap();
    e.advance(Duration::from_millis(200));
    let all = e.apply(&Action::StopAll).unwrap();
    assert_eq!(all.message, "2 moves stopped");
    assert!(
        e.moves().iter().all(|m| m.phase() == Phase::Stopped),
        "every move stopped"
    );
}

#[test]
fn a_lost_partition_cannot_be_recovered() {
    let mut e = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, phase_is(Phase::Pulling));
    e.apply(&Action::LinkDown { for_s: 60.0 }).unwrap();
    ev.extend(run(&mut e, 120.0));
    assert_eq!(kinds(&ev, "partition_lost").len(), 1);
    let err = e
        .apply(&Action::Recover {
            partition: "db01".into(),
        })
        .unwrap_err();
    assert!(err.message.contains("lost with its data"), "{err}");
    assert!(kinds(&e.drain_events(), "recovered").is_empty());
}

#[test]
fn a_profile_move_waits_for_the_link_like_memory_does() {
    let mut s = world(FinalPhase::ResumeThenPull);
    s.partitions[1].state = lpm::spec::PartitionState::NotActivated;
    s.script = vec![migrate_at(0.0, "app01", "frame-b")];
    let mut e = Engine::new(&s).unwrap();
    e.advance(Duration::from_millis(10));
    e.apply(&Action::LinkDown { for_s: 4.0 }).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, |e| e.now() >= 3.9);
    assert!(
        completions(&ev).is_empty(),
        "no profile arrives over a dead link"
    );
    ev.extend(run(&mut e, 60.0));
    let c = completions(&ev);
    assert_eq!(c.len(), 1);
    assert!(c[0].total_s > 4.0 + 2.0 - 0.1, "{}", c[0].total_s);
}

#[test]
fn a_stop_in_a_stop_and_copy_window_reports_the_resume_and_its_downtime() {
    let mut e = Engine::new(&world(FinalPhase::StopAndCopy)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, phase_is(Phase::Suspended));
    e.advance(Duration::from_millis(5));
    ev.clear();
    e.apply(&Action::Stop {
        partition: "db01".into(),
    })
    .unwrap();
    let ev = e.drain_events();
    let names: Vec<&str> = ev.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["resumed", "migration_stopped"]);
    let EventKind::Resumed {
        system,
        downtime_ms,
        ..
    } = &ev[0].kind
    else {
        unreachable!()
    };
    assert_eq!(system, "frame-a");
    assert!(*downtime_ms >= 5.0, "{downtime_ms}");
}

#[test]
fn a_source_frame_failing_under_pre_copy_leaves_the_partition_down_and_says_so() {
    let mut e = Engine::new(&world(FinalPhase::ResumeThenPull)).unwrap();
    let mut ev = Vec::new();
    run_to(&mut e, &mut ev, phase_is(Phase::PreCopy));
    e.apply(&Action::FrameFail {
        system: "frame-a".into(),
    })
    .unwrap();
    e.advance(Duration::from_millis(1));
    ev.extend(e.drain_events());
    let failed = kinds(&ev, "migration_failed");
    assert!(
        matches!(
            failed[..],
            [EventKind::MigrationFailed {
                down: true,
                source_intact: false,
                ..
            }]
        ),
        "{failed:?}"
    );
    let text = lpm::narrate::narrate(failed[0], 4).text;
    assert!(text.contains("DOWN with its source frame"), "{text}");
    // Failing it again changes nothing, and says so.
    let again = e
        .apply(&Action::FrameFail {
            system: "frame-a".into(),
        })
        .unwrap_err();
    assert!(again.message.contains("already failed"), "{again}");
}

#[test]
fn link_faults_report_what_is_in_force() {
    let mut s = world(FinalPhase::ResumeThenPull);
    s.script.clear();
    let mut e = Engine::new(&s).unwrap();
    let nominal = s.link.bandwidth_gbps;
    e.apply(&Action::LinkDegrade {
        bandwidth_gbps: nominal * 100.0,
        for_s: 1.0,
    })
    .unwrap();
    e.apply(&Action::LinkDown { for_s: 5.0 }).unwrap();
    e.apply(&Action::LinkDown { for_s: 0.1 }).unwrap();
    let ev = e.drain_events();
    assert!(
        matches!(kinds(&ev, "link_degraded")[0], EventKind::LinkDegraded { bandwidth_gbps, .. } if *bandwidth_gbps == nominal)
    );
    let ends: Vec<f64> = kinds(&ev, "link_down")
        .iter()
        .map(|k| match k {
            EventKind::LinkDown { until_s } => *until_s,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        ends,
        [5.0, 5.0],
        "the short outage inside the long one ends with it"
    );
}
