//! The dashboard on an estate of ten frames: the overview, the all-moves table and the
//! evacuation's progress, at 80x24 and 160x48.
#![cfg(feature = "tui")]

use lpm::Scenario;
use lpm::tui::Harness;
use ratatui::crossterm::event::KeyCode;

fn estate() -> Scenario {
    let text = std::fs::read_to_string("assets/scenarios/estate.ron").expect("the estate ships");
    Scenario::parse(&text, "estate.ron").expect("the estate parses")
}

/// Two seconds into the scripted evacuation of p9-c.
fn evacuating(w: u16, h: u16) -> Harness {
    let mut h = Harness::new(&estate(), w, h);
    h.advance(12.0);
    h
}

#[test]
fn estate_overview_lists_every_frame_with_its_movers_in_use() {
    let mut h = evacuating(160, 48);
    let screen = h.screen();
    assert!(screen.contains("Estate · 10 frames"), "{screen}");
    for f in ["p7-a", "p8-b", "p9-c", "p10-c"] {
        assert!(screen.contains(f), "{f} missing:\n{screen}");
    }
    // p9-c's two movers are both busy with its evacuation: 16 of 16 slots.
    let row = screen.lines().find(|l| l.contains("│p9-c ")).unwrap();
    assert!(row.contains("16/16"), "{row}");
    insta::assert_snapshot!(screen);
}

#[test]
fn all_moves_table_and_evacuation_progress_at_80x24() {
    let mut h = evacuating(80, 24);
    let screen = h.screen();
    assert!(
        screen.contains("evacuating p9-c: 22 of 22 left"),
        "{screen}"
    );
    assert!(screen.contains("Partition From → To"), "{screen}");
    assert!(screen.contains("pre-copy"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn tab_walks_the_estate_frame_by_frame() {
    let mut h = evacuating(120, 40);
    assert_eq!(h.app.focus.index(), 0);
    h.key(KeyCode::Tab);
    assert_eq!(h.app.focus.index(), 1);
    let screen = h.screen();
    assert!(screen.contains("p7-b POWER7"), "{screen}");
}

#[test]
fn every_size_draws_without_panic() {
    let mut h = evacuating(80, 24);
    for (w, hh) in [
        (80, 24),
        (100, 30),
        (120, 36),
        (160, 48),
        (220, 60),
        (81, 25),
    ] {
        h.resize(w, hh);
        let _ = h.screen();
    }
}

#[test]
fn two_frames_keep_side_by_side_and_gain_the_moves_table() {
    let mut h = Harness::new(&Scenario::builtin(), 160, 48);
    // A lone move is shown in full by the detail pane; the table comes with a second one.
    h.select("web01");
    h.key(KeyCode::Char('m'));
    h.key(KeyCode::Up);
    assert_eq!(h.app.partition().unwrap().name, "app01");
    h.key(KeyCode::Char('m'));
    h.advance(5.0);
    let screen = h.screen();
    assert!(!screen.contains("Estate ·"), "{screen}");
    assert!(screen.contains("Moves: 2 in flight"), "{screen}");
}
