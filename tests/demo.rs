#![cfg(feature = "tui")]
//! Presenter mode: the shipped scripts play to their end headless with the final state their
//! captions claim; recordings are valid asciicast v2 and replay to the expected screen; bad
//! scripts are refused with line and column.

use std::time::Duration;

use lpm::engine::{Completion, EventKind};
use lpm::presenter::{self, Loaded};
use lpm::session::Driver;
use lpm::spec::FinalPhase;
use lpm::tui::{Harness, Theme, record};

/// What a headless play-through saw.
struct Played {
    driver: Driver,
    completions: Vec<Completion>,
    /// (partition, downtime_ms, final phase in force) of each resume.
    resumes: Vec<(String, f64)>,
    captions: Vec<String>,
    refused: Vec<String>,
    users_dropped: u32,
}

/// Plays a script to its last step (Key steps go on by themselves), at most `max_s` simulated.
fn play(loaded: &Loaded, max_s: f64) -> Played {
    let mut driver = Driver::with_script(loaded, true).expect("the script's world builds");
    let mut p = Played {
        completions: Vec::new(),
        resumes: Vec::new(),
        captions: Vec::new(),
        refused: Vec::new(),
        users_dropped: 0,
        driver: Driver::with_script(loaded, true).unwrap(),
    };
    let mut last_caption = None;
    while !driver.script_finished() && driver.engine().now() < max_s {
        driver.advance_sim(Duration::from_millis(250));
        let u = driver.update();
        for e in u.events {
            eprintln!("{}", lpm::report::text_line(&e, u.snapshot.page_size_kib));
            match e.kind {
                EventKind::MigrationCompleted(c) => p.completions.push(c),
                EventKind::Resumed {
                    partition,
                    downtime_ms,
                    users_dropped,
                    ..
                } => {
                    p.users_dropped += users_dropped;
                    p.resumes.push((partition, downtime_ms));
                }
                EventKind::ValidationFailed { partition, .. } => p.refused.push(partition),
                _ => {}
            }
        }
        let caption = u.presenter.and_then(|v| v.caption);
        if caption.is_some() && caption != last_caption {
            p.captions.push(caption.clone().unwrap());
            last_caption = caption;
        }
    }
    assert!(
        driver.script_finished(),
        "{}: the script did not end by {max_s} s (at step {})",
        loaded.origin,
        driver.update().presenter.unwrap().fired
    );
    p.driver = driver;
    p
}

fn builtin(name: &str) -> Loaded {
    presenter::script::builtin(name).expect("a shipped script")
}

#[test]
fn planned_maintenance_empties_frame_a_with_every_move_verified_and_no_user_dropped() {
    let p = play(&builtin("planned-maintenance"), 900.0);
    let snap = p.driver.engine().snapshot();
    let a = snap.systems.iter().find(|s| s.name == "frame-a").unwrap();
    assert!(
        a.partitions.is_empty(),
        "frame-a still holds {:?}",
        a.partitions
    );
    assert_eq!(snap.in_flight + snap.queued, 0);
    // Every partition of frame-a moved, the not-activated one as a profile.
    let mut moved: Vec<&str> = p.completions.iter().map(|c| c.partition.as_str()).collect();
    moved.sort();
    assert_eq!(moved, ["app01", "backup01", "db01", "test01", "web01"]);
    assert!(
        p.completions.iter().all(|c| c.verified),
        "a move failed verification"
    );
    assert_eq!(p.users_dropped, 0);
    assert!(p.completions.iter().all(|c| c.users_dropped == 0));
    // backup01 was refused first (dedicated I/O), then moved.
    assert_eq!(p.refused, ["backup01"]);
    // db01 converged (after the throttle), it did not hit a cap.
    let db = p
        .completions
        .iter()
        .find(|c| c.partition == "db01")
        .unwrap();
    assert!(db.converged, "db01 switched over without converging");
    assert!(db.rounds >= 12, "db01 converged in {} rounds", db.rounds);
    // Every running partition's suspend window was seen.
    assert_eq!(p.resumes.len(), 4);
    assert!(p.captions.last().unwrap().contains("frame-a is empty"));
}

#[test]
fn convergence_shows_rounds_that_stop_shrinking_then_auto_converge_rescues_the_move() {
    let p = play(&builtin("convergence"), 1200.0);
    let c = &p.completions;
    assert!(c.len() >= 3, "{} moves", c.len());
    assert!(c.iter().all(|c| c.verified));
    // The last move: not converging on its own, auto-converge throttled it into converging.
    let last = c.last().unwrap();
    assert!(last.converged, "the rescued move did not converge");
    assert_eq!(p.users_dropped, 0);
}

#[test]
fn policies_compares_the_suspend_windows_of_resume_then_pull_and_stop_and_copy() {
    let p = play(&builtin("policies"), 900.0);
    assert_eq!(p.completions.len(), 2);
    assert!(p.completions.iter().all(|c| c.verified));
    let (lpm, qemu) = (p.resumes[0].1, p.resumes[1].1);
    assert!(
        qemu > 5.0 * lpm,
        "stop-and-copy suspended {qemu} ms, resume-then-pull {lpm} ms"
    );
    assert_eq!(
        p.driver.engine().policy().final_phase,
        FinalPhase::StopAndCopy
    );
    // Resume-then-pull pays afterwards in demand faults; stop-and-copy has none.
    assert!(p.completions[0].demand_faults > 0 || p.completions[0].bytes_after_resume > 0);
    assert_eq!(p.completions[1].demand_faults, 0);
}

#[test]
fn the_same_script_gives_the_same_run() {
    let loaded = builtin("policies");
    let a = play(&loaded, 900.0);
    let b = play(&loaded, 900.0);
    assert_eq!(a.resumes, b.resumes);
    assert_eq!(
        format!("{:?}", a.completions),
        format!("{:?}", b.completions)
    );
}

#[test]
fn presenter_keys_go_on_from_a_key_step_and_restart_from_the_beginning() {
    let loaded = builtin("planned-maintenance");
    let driver = Driver::with_script(&loaded, false).unwrap();
    let mut h = Harness::from_driver(driver, 120, 36, Theme::mono());
    let screen = h.screen();
    insta::assert_snapshot!("presenter_banner_at_the_start", screen);
    assert!(
        screen.contains("Planned maintenance on frame-a"),
        "{screen}"
    );
    assert!(screen.contains("firmware update"), "{screen}");
    // → runs ahead to the next step (the evacuation) at full speed.
    h.key(lpm::tui::harness::KeyCode::Right);
    assert!(h.app.presenter.as_ref().unwrap().fast_forward);
    h.advance(12.0);
    assert!(h.screen().contains("Evacuate frame-a"));
    // b pauses: time stands still.
    h.keys("b");
    assert!(h.app.paused);
    let t = h.driver.engine().now();
    h.advance(5.0);
    assert_eq!(h.driver.engine().now(), t);
    h.keys("b");
    // o hides the log pane, and shows it again.
    h.keys("o");
    assert!(!h.app.show_log);
    h.keys("o");
    // r: from the beginning.
    h.keys("r");
    assert_eq!(h.driver.engine().now(), 0.0);
    let v = h.app.presenter.clone().unwrap();
    assert_eq!((v.fired, v.generation), (1, 1));
    assert!(h.screen().contains("firmware update"));
}

#[test]
fn a_key_step_waits_for_the_presenter() {
    let text = r#"Demo(title: "t", scenario: File("../assets/scenarios/default.ron"),
        steps: [ (when: Key, caption: "one"), (when: After(1.0), caption: "two") ])"#;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let loaded = presenter::script::load_str(text, "t.ron", Some(&dir), None).unwrap();
    let driver = Driver::with_script(&loaded, false).unwrap();
    let mut h = Harness::from_driver(driver, 120, 36, Theme::mono());
    h.advance(30.0);
    assert_eq!(h.app.presenter.as_ref().unwrap().fired, 0);
    assert!(h.screen().contains("space to go on"));
    h.key(lpm::tui::harness::KeyCode::Char(' '));
    assert_eq!(h.app.presenter.as_ref().unwrap().fired, 1);
    h.advance(1.0);
    let v = h.app.presenter.clone().unwrap();
    assert!(v.finished);
    assert_eq!(v.caption.as_deref(), Some("two"));
}

#[test]
fn malformed_scripts_are_refused_with_line_and_column() {
    let text = "Demo(\n    title: \"x\",\n    scenario: File(\"a.ron\"),\n    steps: [\n        (when: Sometime),\n    ],\n)\n";
    let e = presenter::script::load_str(text, "bad.ron", None, None).unwrap_err();
    assert!(e.messages[0].starts_with("bad.ron:5:"), "{e}");
    // Types that parse but make no sense: every problem, each at its step.
    let text = r#"Demo(
    title: "x",
    scenario: File("../assets/scenarios/default.ron"),
    steps: [
        (when: At(1.0), caption: "fine"),
        (when: Completed("nobody")),
        (when: After(-1.0), scale: 0.0),
    ],
)"#;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let e = presenter::script::load_str(text, "bad.ron", Some(&dir), None).unwrap_err();
    let all = e.messages.join("\n");
    assert!(
        all.contains("bad.ron:6:10: step 2: unknown partition \"nobody\""),
        "{all}"
    );
    assert!(
        all.contains("bad.ron:7:10: step 3: a time must be 0 or more"),
        "{all}"
    );
    assert!(
        all.contains("bad.ron:7:10: step 3: scale must be above 0"),
        "{all}"
    );
    // A missing file, no panic.
    let e = presenter::script::load(std::path::Path::new("/nonexistent/x.ron")).unwrap_err();
    assert!(e.messages[0].contains("cannot read the script"), "{e}");
}

#[test]
fn a_recording_is_valid_asciicast_v2_and_replays_to_the_final_screen() {
    let loaded = builtin("policies");
    let mut out = Vec::new();
    let stats = record::record(&loaded, &mut out, 120, 36, Theme::mono(), true).unwrap();
    assert!(stats.finished);
    // No clock is read: the same script records to the same bytes.
    let mut again = Vec::new();
    record::record(&loaded, &mut again, 120, 36, Theme::mono(), true).unwrap();
    assert!(out == again, "two recordings of one script differ");
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["version"], 2);
    assert_eq!(header["width"], 120);
    assert_eq!(header["height"], 36);
    assert!(header["title"].as_str().unwrap().contains("policies") || header["title"].is_string());
    let mut parser = vt100::Parser::new(36.try_into().unwrap(), 120.try_into().unwrap(), 0);
    let mut last = -1.0;
    let mut n = 0;
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let t = v[0].as_f64().unwrap();
        assert!(t >= last, "time went back: {t} after {last}");
        last = t;
        assert_eq!(v[1], "o");
        parser.process(v[2].as_str().unwrap().as_bytes());
        n += 1;
    }
    assert_eq!(n, stats.frames + 1);
    assert!((last - stats.duration_s).abs() < 1.0);
    let screen = parser.screen().contents();
    assert!(screen.contains("end of the script"), "{screen}");
    assert!(screen.contains("stop-and-copy"), "{screen}");
    assert!(screen.contains("frame-b"), "{screen}");
}
