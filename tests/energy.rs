//! Energy and power (issue 12, DOMAIN.md section 7): the integration against hand
//! computation, and PowerOff refused while a frame is in use, accepted once it is empty.

mod common;

use common::{partition, scenario};
use lpm::engine::{Engine, Reason};
use lpm::spec::{Action, Policy, PowerSpec, PowerState, ScriptStep, Workload};

/// One frame of 10 processors (400 W idle, 1200 W at full load) holding one 5-processor
/// partition at 50% load, then at 100% from 3600 s.
#[test]
fn energy_matches_hand_computation_over_two_load_steps() {
    let mut p = partition("db", "frame-a", 4.0, Workload::Idle);
    p.cpus = 5.0;
    let mut s = scenario(vec![p], 10.0, Policy::default());
    s.systems.truncate(1);
    s.systems[0].cpus = 10.0;
    s.systems[0].power = Some(PowerSpec {
        idle_w: 400.0,
        max_w: 1200.0,
        boot_s: 300.0,
        shutdown_s: 60.0,
    });
    s.script = vec![ScriptStep {
        at_s: 3600.0,
        action: Action::SetCpuLoad {
            partition: "db".into(),
            percent: 100.0,
        },
    }];
    let mut e = Engine::new(&s).unwrap();
    e.run_until(7200.0);
    let r = e.energy_report(7200.0);
    // 25% busy for an hour: 400 + 800 x 0.25 = 600 Wh; 50% for the next: 800 Wh.
    assert!((r.energy_wh - 1400.0).abs() < 0.01, "{}", r.energy_wh);
    assert!(e.energy_in_use());
    assert_eq!(r.saved_wh, 0.0);
}

#[test]
fn power_off_is_refused_while_a_partition_runs_and_accepted_after_evacuation() {
    let s = scenario(
        vec![partition("lp1", "frame-a", 1.0, Workload::Idle)],
        10.0,
        Policy::default(),
    );
    let mut e = Engine::new(&s).unwrap();
    let refused = e
        .apply(&Action::PowerOff {
            system: "frame-a".into(),
        })
        .unwrap_err();
    assert_eq!(refused.reason, Reason::FrameInUse);
    assert!(refused.message.contains("lp1"), "{}", refused.message);
    e.apply(&Action::migrate("lp1", "frame-b")).unwrap();
    // While the move runs, it involves both frames.
    let during = e
        .apply(&Action::PowerOff {
            system: "frame-b".into(),
        })
        .unwrap_err();
    assert_eq!(during.reason, Reason::FrameInUse);
    while !e.is_settled() {
        e.run_until(e.now() + 1.0);
        assert!(e.now() < 600.0, "the move never ended");
    }
    e.apply(&Action::PowerOff {
        system: "frame-a".into(),
    })
    .unwrap();
    let a = e.find_frame("frame-a").unwrap();
    assert_eq!(e.frame(a).power_state(), PowerState::PoweringOff);
    e.run_until(e.now() + 61.0);
    assert_eq!(e.frame(a).power_state(), PowerState::PoweredOff);
    assert_eq!(e.watts(a), 0.0);
    // A powered-off frame takes no move: its movers do not run.
    let v = e.validate_named("lp1", "frame-a").unwrap();
    assert!(!v.ok());
    assert!(
        v.errors().iter().any(|m| m.contains("Power Off")),
        "{:?}",
        v.errors()
    );
    // It powers on again after its boot time.
    e.apply(&Action::PowerOn {
        system: "frame-a".into(),
    })
    .unwrap();
    let boot = e.frame(a).power().boot_s;
    e.run_until(e.now() + boot + 1.0);
    assert_eq!(e.frame(a).power_state(), PowerState::Operating);
}
