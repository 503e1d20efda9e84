//! `Hmc("...")` as a scenario and presenter action: translated at load into the engine's own
//! actions, so a scripted HMC command gives exactly the run of the action it means, and a bad
//! command is refused with the file's line and column.

mod common;

use lpm::Scenario;
use lpm::engine::Engine;
use lpm::spec::{Action, Redundancy};

const ESTATE: &str = include_str!("data/hmc/estate.ron");

/// The HMC estate with `script` as its script.
fn with_script(script: &str) -> String {
    let end = ESTATE.rfind(')').expect("the estate ends with )");
    format!("{}    script: [\n{script}\n    ],\n)\n", &ESTATE[..end])
}

fn events_of(text: &str) -> String {
    let s = Scenario::load_str(text, "t.ron", None).expect("the scenario loads");
    let mut e = Engine::new(&s).unwrap();
    common::json_lines(&common::run(&mut e, 600.0))
}

#[test]
fn an_hmc_move_runs_exactly_as_the_migrate_it_means() {
    let hmc = with_script(
        r#"        (at_s: 1.0, action: Hmc("migrlpar -o m -m frame-a -t frame-b -p db01")),"#,
    );
    let plain = with_script(
        r#"        (at_s: 1.0, action: Migrate(partition: "frame-a/db01", to: "frame-b")),"#,
    );
    let a = events_of(&hmc);
    assert!(a.contains("migration_completed"), "{a}");
    assert_eq!(a, events_of(&plain));
}

#[test]
fn each_operation_becomes_its_action() {
    let s = Scenario::load_str(
        &with_script(
            r##"        (at_s: 1.0, action: Hmc("migrlpar -o v -m frame-a -t frame-b -p web01 -i \"source_msp_name=vios2,dest_msp_name=vios1\" --redundantmsps 1")),
        (at_s: 2.0, action: Hmc(r#"migrlpar -o m -m frame-a -t frame-b -p web01 --redundantmsps 2"#)),
        (at_s: 3.0, action: Hmc("migrlpar -o s -m frame-a -p web01")),
        (at_s: 4.0, action: Hmc("migrlpar -o r -m frame-a -p web01")),
        (at_s: 5.0, action: Hmc("migrlpar -o m -m frame-a -t frame-b --all")),"##,
        ),
        "t.ron",
        None,
    )
    .unwrap();
    let actions: Vec<Action> = s.script.iter().map(|s| s.action.clone()).collect();
    assert_eq!(
        actions,
        vec![
            Action::Validate {
                partition: "frame-a/web01".into(),
                to: "frame-b".into(),
                source_msp: Some("vios2".into()),
                dest_msp: Some("vios1".into()),
                redundant: Redundancy::Required,
                mappings: Vec::new(),
            },
            Action::Migrate {
                partition: "frame-a/web01".into(),
                to: "frame-b".into(),
                source_msp: None,
                dest_msp: None,
                redundant: Redundancy::IfAvailable,
                mappings: Vec::new(),
            },
            Action::Stop {
                partition: "frame-a/web01".into()
            },
            Action::Recover {
                partition: "frame-a/web01".into()
            },
            Action::Evacuate {
                from: "frame-a".into(),
                to: Some("frame-b".into())
            },
        ]
    );
}

#[test]
fn a_bad_command_is_refused_with_its_line_and_column() {
    let text = with_script(
        "        (at_s: 1.0, action: Hmc(\"migrlpar -o m -m frame-a -t frame-b -p db01 --bogus\")),\n        (at_s: 2.0, action: Hmc(\"lssyscfg -r sys\")),\n        (at_s: 3.0, action: Hmc(\"chsysstate -r lpar -m frame-b -o on -n web01\")),",
    );
    let e = Scenario::load_str(&text, "t.ron", None).unwrap_err();
    let line = text.lines().position(|l| l.contains("--bogus")).unwrap() + 1;
    assert_eq!(e.messages.len(), 3, "{e}");
    assert!(
        e.messages[0].starts_with(&format!("t.ron:{line}:29: Hmc: ")),
        "{e}"
    );
    assert!(e.messages[0].contains("--bogus"), "{e}");
    assert!(
        e.messages[1].contains("only migrlpar and chsysstate change the estate"),
        "{e}"
    );
    assert!(e.messages[2].contains("HSCLZ010"), "{e}");
}

#[test]
fn a_partition_not_on_the_named_frame_is_refused_when_it_is_due() {
    // `frame-b/db01` may name db01 once a script has moved it there, so the file loads; at
    // 1 s it is not on frame-b, and the engine refuses the action.
    let text = with_script(
        r#"        (at_s: 1.0, action: Hmc("migrlpar -o m -m frame-b -t frame-a -p db01")),"#,
    );
    let events = events_of(&text);
    assert!(events.contains("action_refused"), "{events}");
    assert!(!events.contains("migration_started"), "{events}");
}

#[test]
fn a_presenter_step_can_be_an_hmc_command() {
    let text = r#"Demo(
    title: "HMC in a presentation",
    scenario: File("../tests/data/hmc/estate.ron"),
    steps: [
        (when: After(1.0), action: Hmc("migrlpar -o m -m frame-a -t frame-b -p web01"),
         caption: "migrlpar from the script"),
    ],
)"#;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let loaded = lpm::presenter::script::load_str(text, "x.ron", Some(&dir), None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        loaded.script.steps[0].action,
        Some(Action::migrate("frame-a/web01", "frame-b"))
    );
}
