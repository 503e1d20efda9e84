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

/// The shipped evening: p9-d is emptied at 300 s, off from 960 s (a minute's shutdown after
/// 900 s) until its power-on at 7,200 s, so it is off 6,240 s, and the estate saves its idle
/// draw (900 W) for that time: 1.56 kWh.
#[test]
fn the_shipped_evening_saves_the_idle_draw_of_the_frame_it_powered_off() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = lpm::Scenario::load(&root.join("assets/scenarios/energy.ron")).unwrap();
    let mut e = Engine::new(&s).unwrap();
    e.run_until(3600.0);
    let night = e.energy_report(3600.0);
    let d = night.frames.iter().find(|f| f.name == "p9-d").unwrap();
    assert_eq!(d.state, PowerState::PoweredOff);
    assert_eq!(d.watts, 0.0);
    // Its partitions run on the other three.
    assert!(
        e.partitions()
            .iter()
            .filter(|p| e.frames()[p.frame().index()].name() == "p9-d")
            .count()
            == 0
    );
    while !e.is_settled() {
        e.advance(std::time::Duration::from_secs(60));
    }
    let r = e.energy_report(e.now());
    let d = r.frames.iter().find(|f| f.name == "p9-d").unwrap();
    assert_eq!(d.state, PowerState::Operating);
    assert!((d.off_s - 6240.0).abs() < 1e-6, "{}", d.off_s);
    assert!(
        (r.saved_wh - 900.0 * 6240.0 / 3600.0).abs() < 1e-6,
        "{}",
        r.saved_wh
    );
    assert!((r.all_on_wh - r.energy_wh - r.saved_wh).abs() < 1e-6);
}

/// The README's energy table is what `lpm run` prints.
#[test]
fn the_readme_energy_table_is_what_lpm_run_prints() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("\n    energy:\n")
        .expect("the README shows an energy table")
        + 1;
    let shown: Vec<&str> = readme[start..]
        .lines()
        .take_while(|l| l.starts_with("    "))
        .map(|l| &l[4..])
        .collect();
    assert!(shown.len() >= 6, "{shown:?}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lpm"))
        .arg("run")
        .arg(root.join("assets/scenarios/energy.ron"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    for line in shown {
        assert!(
            printed.lines().any(|p| p.trim_end() == line),
            "README.md shows {line:?}, which lpm run does not print:\n{printed}"
        );
    }
}
