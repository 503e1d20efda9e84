//! Whole moves driven by keys, as an operator would.
#![cfg(feature = "tui")]

use lpm::Scenario;
use lpm::engine::Phase;
use lpm::tui::Harness;
use ratatui::crossterm::event::KeyCode;

const SMALL: &str = r#"Scenario(
    name: "Drive test",
    seed: 3,
    link: (bandwidth_gbps: 10.0, latency_ms: 0.2),
    systems: [
        (name: "frame-a", processor: Power8, cpus: 32, memory_gib: 64.0, vlans: [10], sans: ["prod"]),
        (name: "frame-b", processor: Power9, cpus: 32, memory_gib: 64.0, vlans: [10], sans: ["prod"]),
    ],
    partitions: [
        (name: "web01", system: "frame-a", memory_gib: 1.0, cpus: 1.0, compat: Power8,
         vlans: [10], sans: ["prod"], users: 100,
         workload: Hotspot(writes_mib_s: 100.0, hot_percent: 5.0, hot_share: 0.9)),
        (name: "app01", system: "frame-a", memory_gib: 2.0, cpus: 2.0, compat: Power8,
         vlans: [10], sans: ["prod"], users: 20, workload: Uniform(writes_mib_s: 50.0)),
        (name: "db01", system: "frame-a", memory_gib: 2.0, cpus: 2.0, compat: Power8,
         vlans: [10], sans: ["prod"], users: 20,
         workload: Uniform(writes_mib_s: 3000.0)),
    ],
)"#;

fn world() -> Scenario {
    Scenario::parse(SMALL, "drive.ron").expect("the test scenario parses")
}

#[test]
fn a_whole_move_by_keys_ends_verified_on_the_other_frame() {
    let mut h = Harness::new(&world(), 120, 40);
    h.key(KeyCode::Down);
    assert_eq!(h.app.partition().unwrap().name, "app01");
    h.key(KeyCode::Char('m'));
    assert_eq!(h.app.snap.in_flight, 1);
    assert!(h.advance_until(120.0, 0.25, |s| s.completed == 1));
    let p = h.app.partition().unwrap();
    assert_eq!(p.name, "app01", "the selection follows the partition");
    assert_eq!(h.app.snap.system(p.system).name, "frame-b");
    assert_eq!(h.app.focus, p.system);
    let m = h.app.selected_move().unwrap();
    assert_eq!(m.phase, Phase::Completed);
    assert_eq!(m.verified, Some(true));
    assert!(h.screen().contains("verified"));
}

#[test]
fn throttle_cap_and_auto_converge_keys_reach_the_engine() {
    let mut h = Harness::new(&world(), 120, 40);
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('j'));
    assert_eq!(h.app.partition().unwrap().name, "db01");
    h.keys("tt");
    assert_eq!(h.app.partition().unwrap().cpu_throttle_pct, 20.0);
    h.keys("T");
    assert_eq!(h.app.partition().unwrap().cpu_throttle_pct, 10.0);
    h.keys("-");
    let cap = h.app.partition().unwrap().bandwidth_cap_mib_s.unwrap();
    assert!(cap < h.app.link_mib_s());
    h.keys("-");
    assert!(h.app.partition().unwrap().bandwidth_cap_mib_s.unwrap() < cap);
    h.keys("++");
    assert_eq!(h.app.partition().unwrap().bandwidth_cap_mib_s, None);
    h.keys("m");
    h.advance(0.5);
    h.keys("a");
    assert!(h.app.selected_move().unwrap().auto_converge);
    assert!(
        h.app
            .log
            .iter()
            .any(|l| l.text.contains("auto-converge on"))
    );
}

/// Quiet partitions: every move converges at once and nothing is left to pull.
const QUIET: &str = r#"Scenario(
    name: "Quiet frames",
    link: (bandwidth_gbps: 10.0),
    systems: [
        (name: "frame-a", processor: Power8, cpus: 32, memory_gib: 64.0, vlans: [10], sans: ["prod"]),
        (name: "frame-b", processor: Power9, cpus: 32, memory_gib: 64.0, vlans: [10], sans: ["prod"]),
    ],
    partitions: [
        (name: "one", system: "frame-a", memory_gib: 1.0, cpus: 1.0, compat: Power8,
         vlans: [10], sans: ["prod"], workload: Idle),
        (name: "two", system: "frame-a", memory_gib: 1.0, cpus: 1.0, compat: Power8,
         vlans: [10], sans: ["prod"], workload: Idle),
        (name: "three", system: "frame-a", memory_gib: 0.5, cpus: 1.0, compat: Power8,
         vlans: [10], sans: ["prod"], workload: Idle),
    ],
)"#;

#[test]
fn evacuate_asks_then_moves_everything_that_validates() {
    let quiet = Scenario::parse(QUIET, "quiet.ron").expect("the test scenario parses");
    let mut h = Harness::new(&quiet, 120, 40);
    h.key(KeyCode::Char('e'));
    assert!(h.screen().contains("Evacuate frame-a?"));
    h.key(KeyCode::Esc);
    assert!(h.app.snap.moves.is_empty());
    h.key(KeyCode::Char('e'));
    h.key(KeyCode::Right);
    h.key(KeyCode::Enter);
    assert_eq!(h.app.snap.moves.len(), 3);
    assert!(h.advance_until(600.0, 0.5, |s| s.completed == 3));
    assert!(h.app.snap.partitions.iter().all(|p| p.system.index() == 1));
}

#[test]
fn pause_stops_simulated_time_and_speed_keys_step_the_scale() {
    let mut h = Harness::new(&world(), 120, 40);
    h.key(KeyCode::Char(' '));
    h.advance(5.0);
    assert_eq!(h.app.snap.t, 0.0);
    assert!(h.screen().contains("PAUSED"));
    h.key(KeyCode::Char(' '));
    h.advance(1.0);
    assert_eq!(h.app.snap.t, 1.0);
    h.keys(">>");
    assert_eq!(h.app.scale, 5.0);
    assert_eq!(h.driver.scale, 5.0);
    h.keys("<");
    assert_eq!(h.driver.scale, 2.0);
}

#[test]
fn slow_motion_stretches_the_suspend_window_in_wall_time() {
    let mut h = Harness::new(&world(), 120, 40);
    h.key(KeyCode::Char('m'));
    assert!(h.advance_until(60.0, 0.001, |s| {
        s.moves.iter().any(|m| m.phase == Phase::Suspended)
    }));
    // At 1x a 50 ms window would be gone in one frame; slow motion makes it ~2 s of wall time.
    let scale = h.driver.effective_scale();
    assert!(scale < 0.1, "{scale}");
    h.driver
        .advance_wall(std::time::Duration::from_millis(500), None);
    h.pump();
    assert_eq!(h.app.selected_move().unwrap().phase, Phase::Suspended);
    assert!(h.app.slow_motion_now.is_some());
}

#[test]
fn dedicated_io_removed_by_keys_then_the_partition_can_move() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    h.select("backup01");
    h.key(KeyCode::Char('d'));
    assert!(h.screen().contains("Remove the dedicated I/O of backup01?"));
    h.key(KeyCode::Char('y'));
    assert!(!h.app.partition().unwrap().dedicated_io);
    h.key(KeyCode::Char('m'));
    assert_eq!(h.app.selected_move().map(|m| m.phase), Some(Phase::PreCopy));
}

#[test]
fn colours_carry_meaning_and_no_color_drops_them() {
    use ratatui::style::Color;
    let mut h = Harness::with_theme(&world(), 120, 40, lpm::tui::Theme::colored());
    h.key(KeyCode::Char('m'));
    assert!(h.advance_until(60.0, 0.001, |s| {
        s.moves.iter().any(|m| m.phase == Phase::Suspended)
    }));
    let buf = h.render().clone();
    let suspended = (0..buf.area.height)
        .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
        .find(|&(x, y)| buf[(x, y)].symbol() == "●")
        .expect("the suspend window's title is on screen");
    assert_eq!(buf[suspended].fg, Color::Red);
    let mono = lpm::tui::Theme::mono();
    for style in [mono.dirty, mono.clean, mono.suspend, mono.good, mono.bad] {
        assert_eq!(style.fg, None);
        assert_eq!(style.bg, None);
    }
}

#[test]
fn fault_keys_inject_faults_after_a_confirmation_and_recover_cleans_up() {
    let mut h = Harness::new(&world(), 120, 40);
    h.select("app01");
    h.key(KeyCode::Char('m'));
    h.advance(1.0);
    // The link goes down only once the operator says yes; Esc (the default) does nothing.
    h.key(KeyCode::Char('x'));
    h.key(KeyCode::Esc);
    h.advance(0.1);
    assert!(!h.screen().contains("LINK DOWN"));
    h.keys("xy");
    h.advance(0.1);
    assert!(h.screen().contains("LINK DOWN"), "{}", h.screen());
    assert!(h.app.selected_move().unwrap().stalled_s.is_some());
    // The movers of frame-a fail under the move: it fails, app01 stays on frame-a.
    h.keys("My");
    h.advance(0.1);
    let m = h.app.selected_move().unwrap();
    assert_eq!(m.phase, Phase::Failed);
    assert!(h.app.partition().unwrap().needs_recovery);
    assert!(h.screen().contains("Failed"));
    h.keys("R");
    h.advance(0.1);
    assert!(!h.app.partition().unwrap().needs_recovery);
}

#[test]
fn the_round_table_shows_every_round_and_exports_as_csv() {
    let mut h = Harness::new(&world(), 140, 40);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    assert!(h.advance_until(120.0, 0.25, |s| s.completed == 1));
    h.key(KeyCode::Char('g'));
    let screen = h.screen();
    assert!(
        screen.contains("Rounds (2)") && screen.contains("exp.down"),
        "{screen}"
    );
    let m = h.app.selected_move().unwrap().clone();
    assert!(!m.history.is_empty());
    let csv = lpm::report::rounds_csv(&m.history);
    assert_eq!(csv.lines().count(), m.history.len() + 1);
    assert!(csv.starts_with("round,pages_sent,"));
    h.key(KeyCode::Char('c'));
    h.advance(0.1);
    let path = format!("lpm-web01-move{}-rounds.csv", m.id.index() + 1);
    let written = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(written.expect("the file was written"), csv);
}
