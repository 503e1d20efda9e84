//! Failures in plain sight (issue 14), driven by keys.
#![cfg(feature = "tui")]

use lpm::Scenario;
use lpm::tui::Harness;
use ratatui::crossterm::event::KeyCode;

#[test]
fn link_down_says_stalled_instead_of_an_absurd_eta() {
    let mut h = Harness::new(&Scenario::builtin(), 160, 48);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    h.advance(3.0);
    h.keys("xy");
    h.advance(2.0);
    assert!(h.app.selected_move().unwrap().stalled_s.is_some());
    let screen = h.screen();
    assert!(screen.contains("stalled: path down since"), "{screen}");
    let elapsed = screen.lines().find(|l| l.contains("Elapsed")).unwrap();
    assert!(
        !elapsed.contains("total"),
        "no forecast total while stalled: {elapsed}"
    );
}

fn faults() -> Scenario {
    Scenario::load(std::path::Path::new("assets/scenarios/faults.ron")).expect("faults.ron loads")
}

#[test]
fn a_lost_partition_is_unmissable() {
    let mut h = Harness::new(&faults(), 120, 36);
    assert!(h.advance_until(60.0, 0.25, |s| s.moves.iter().any(|m| m.pages_lost > 0)));
    h.select("db01");
    let screen = h.screen();
    let header = screen.lines().next().unwrap();
    assert!(header.contains("1 LOST"), "{header}");
    assert!(header.contains("1 down"), "{header}");
    let row = screen
        .lines()
        .find(|l| l.contains("db01") && l.contains("16 GiB"))
        .unwrap();
    assert!(row.contains("LOST"), "{row}");
    assert!(
        !row.contains("MiB/s"),
        "a down partition writes nothing: {row}"
    );
    let gauge = screen
        .lines()
        .find(|l| l.contains("Clean on target"))
        .unwrap();
    assert!(gauge.contains("LOST"), "{gauge}");
    assert!(gauge.contains("pages missing"), "{gauge}");
    assert!(!gauge.contains("threshold met"), "{gauge}");
    // The row is red: the mono theme has no colour, so look at the coloured one.
    let mut h = Harness::with_theme(&faults(), 120, 36, lpm::tui::Theme::colored());
    h.advance_until(60.0, 0.25, |s| s.moves.iter().any(|m| m.pages_lost > 0));
    h.select("db01");
    let screen = h.screen();
    let y = screen
        .lines()
        .position(|l| l.contains("db01") && l.contains("LOST") && l.contains("16 GiB"))
        .unwrap() as u16;
    let buf = h.render().clone();
    let x = (0..buf.area.width)
        .find(|&x| buf[(x, y)].symbol() == "L")
        .unwrap();
    assert_eq!(Some(buf[(x, y)].fg), h.app.theme.bad.fg);
}

#[test]
fn a_failed_move_is_counted_as_failed_not_done() {
    let mut h = Harness::new(&faults(), 160, 48);
    assert!(h.advance_until(60.0, 0.25, |s| {
        s.moves
            .iter()
            .any(|m| m.partition_name == "app01" && m.phase == lpm::engine::Phase::Failed)
    }));
    let screen = h.screen();
    let header = screen.lines().next().unwrap();
    assert!(header.contains("1 done"), "only web01 is done: {header}");
    assert!(header.contains("1 failed"), "{header}");
}

#[test]
fn failure_text_wraps_in_the_detail_pane() {
    let mut h = Harness::new(&faults(), 120, 36);
    assert!(h.advance_until(60.0, 0.25, |s| {
        s.moves
            .iter()
            .any(|m| m.partition_name == "app01" && m.phase == lpm::engine::Phase::Failed)
    }));
    h.select("app01");
    let screen: String = h.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(screen.contains("frame-b failed"), "{screen}");
    assert!(screen.contains("moving it again"), "{screen}");
}

/// Issue 14, item 6: a fault can be undone from the keyboard. `H` repairs the selected frame's
/// failed movers (faults.ron fails frame-b's).
#[test]
fn repair_is_a_key() {
    let mut h = Harness::new(&faults(), 160, 48);
    let movers_failed = |s: &lpm::engine::Snapshot| {
        s.systems
            .iter()
            .any(|f| f.name == "frame-b" && f.msps_failed)
    };
    assert!(h.advance_until(60.0, 0.25, movers_failed));
    // Focus frame-b (Tab walks the frames), then repair it.
    h.keys("\t");
    h.keys("H");
    h.advance(0.01);
    assert!(
        !h.advance_until(0.01, 0.01, movers_failed),
        "frame-b's movers still failed after H"
    );
}
