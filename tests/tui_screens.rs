//! The dashboard on a test terminal, driven by keys and simulated time, snapshot by snapshot.
#![cfg(feature = "tui")]

use lpm::Scenario;
use lpm::engine::Phase;
use lpm::tui::Harness;
use ratatui::crossterm::event::KeyCode;

/// A small two-frame world that moves in well under a simulated minute.
const SMALL: &str = r#"Scenario(
    name: "Small test world",
    seed: 7,
    page_size_kib: 4,
    link: (bandwidth_gbps: 10.0, latency_ms: 0.2, payload_efficiency: 0.9),
    systems: [
        (name: "frame-a", processor: Power8, cpus: 32, memory_gib: 64.0,
         vlans: [10], sans: ["prod"], msps: 1),
        (name: "frame-b", processor: Power9, cpus: 32, memory_gib: 64.0,
         vlans: [10], sans: ["prod"], msps: 1),
    ],
    partitions: [
        (name: "app01", system: "frame-a", memory_gib: 2.0, cpus: 2.0, compat: Power8,
         vlans: [10], sans: ["prod"], users: 50,
         workload: Hotspot(writes_mib_s: 150.0, hot_percent: 10.0, hot_share: 0.9)),
        (name: "backup01", system: "frame-a", memory_gib: 1.0, cpus: 1.0, compat: Power8,
         dedicated_io: true, vlans: [10], sans: ["prod"], users: 5,
         workload: Uniform(writes_mib_s: 10.0)),
        (name: "ai01", system: "frame-b", memory_gib: 4.0, cpus: 4.0, compat: Power9,
         vlans: [10], sans: ["prod"], users: 3,
         workload: Uniform(writes_mib_s: 20.0)),
    ],
)"#;

fn small() -> Scenario {
    Scenario::parse(SMALL, "small.ron").expect("the test scenario parses")
}

fn phase_of(h: &Harness, name: &str) -> Option<Phase> {
    let s = &h.app.snap;
    let p = s.partitions.iter().find(|p| p.name == name)?;
    p.last_move.map(|m| s.move_view(m).phase)
}

#[test]
fn start_screen() {
    let mut h = Harness::new(&Scenario::builtin(), 160, 48);
    insta::assert_snapshot!(h.screen());
}

#[test]
fn move_in_pre_copy_shows_round_gauge_and_chart() {
    let mut h = Harness::new(&Scenario::builtin(), 160, 48);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    h.advance(17.0 - 1.0);
    assert_eq!(phase_of(&h, "web01"), Some(Phase::PreCopy));
    insta::assert_snapshot!(h.screen());
}

#[test]
fn suspend_window_shows_a_running_timer() {
    let mut h = Harness::new(&small(), 160, 48);
    h.key(KeyCode::Char('m'));
    assert!(h.advance_until(60.0, 0.001, |s| {
        s.moves.iter().any(|m| m.phase == Phase::Suspended)
    }));
    h.advance(0.012);
    assert_eq!(phase_of(&h, "app01"), Some(Phase::Suspended));
    let screen = h.screen();
    assert!(screen.contains("SUSPENDED"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn completed_move_sits_on_the_target_frame() {
    let mut h = Harness::new(&small(), 160, 48);
    h.key(KeyCode::Char('m'));
    assert!(h.advance_until(120.0, 0.1, |s| s.completed == 1));
    assert_eq!(phase_of(&h, "app01"), Some(Phase::Completed));
    insta::assert_snapshot!(h.screen());
}

#[test]
fn validation_popup_lists_failures() {
    let mut h = Harness::new(&Scenario::builtin(), 160, 48);
    h.select("backup01");
    h.key(KeyCode::Char('v'));
    let screen = h.screen();
    assert!(screen.contains("✗ no dedicated I/O"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn migrate_refused_by_validation_moves_nothing() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    h.select("backup01");
    h.key(KeyCode::Char('m'));
    assert!(h.app.snap.moves.is_empty());
    assert!(h.screen().contains("Cannot migrate backup01"));
    h.key(KeyCode::Esc);
    assert!(h.app.popup.is_none());
}

#[test]
fn stop_asks_first_and_defaults_to_no() {
    let mut h = Harness::new(&Scenario::builtin(), 160, 48);
    h.select("app01");
    h.key(KeyCode::Char('m'));
    h.advance(3.0);
    h.key(KeyCode::Char('s'));
    insta::assert_snapshot!(h.screen());
    // Enter takes the highlighted answer: No.
    h.key(KeyCode::Enter);
    assert_eq!(phase_of(&h, "app01"), Some(Phase::PreCopy));
    // Yes stops it; the partition runs on, on the source.
    h.key(KeyCode::Char('s'));
    h.key(KeyCode::Char('y'));
    assert_eq!(phase_of(&h, "app01"), Some(Phase::Stopped));
    assert_eq!(h.app.partition().unwrap().system.index(), 0);
}

#[test]
fn stop_after_the_point_of_no_return_is_refused_with_the_reason() {
    let mut h = Harness::new(&small(), 120, 40);
    h.key(KeyCode::Char('m'));
    assert!(h.advance_until(120.0, 0.1, |s| s.completed == 1));
    h.key(KeyCode::Char('s'));
    let screen = h.screen();
    assert!(screen.contains("Stop refused"), "{screen}");
    assert!(screen.contains("already completed"), "{screen}");
}

#[test]
fn help_overlay() {
    let mut h = Harness::new(&Scenario::builtin(), 160, 48);
    h.key(KeyCode::Char('?'));
    insta::assert_snapshot!(h.screen());
    h.key(KeyCode::Esc);
    assert!(h.app.popup.is_none());
}

#[test]
fn small_terminal_80x24_in_pre_copy() {
    let mut h = Harness::new(&Scenario::builtin(), 80, 24);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    h.advance(5.0);
    insta::assert_snapshot!(h.screen());
}

#[test]
fn terminal_120x40_and_200x60() {
    let mut h = Harness::new(&small(), 120, 40);
    h.key(KeyCode::Char('m'));
    h.advance(1.0);
    insta::assert_snapshot!("120x40", h.screen());
    h.resize(200, 60);
    insta::assert_snapshot!("200x60", h.screen());
}

#[test]
fn too_small_terminal_says_so() {
    let mut h = Harness::new(&Scenario::builtin(), 70, 20);
    let screen = h.screen();
    assert!(
        screen.contains("terminal too small: 70x20, need 80x24"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn quit_with_moves_in_flight_asks_first() {
    let mut h = Harness::new(&small(), 120, 40);
    h.key(KeyCode::Char('m'));
    h.key(KeyCode::Char('q'));
    assert!(!h.app.quit);
    assert!(h.screen().contains("Quit?"));
    h.key(KeyCode::Esc);
    assert!(!h.app.quit);
    h.key(KeyCode::Char('q'));
    h.key(KeyCode::Char('y'));
    assert!(h.app.quit);
}

#[test]
fn ctrl_c_quits_at_once() {
    let mut h = Harness::new(&small(), 120, 40);
    h.key(KeyCode::Char('m'));
    h.ctrl('c');
    assert!(h.app.quit);
}
