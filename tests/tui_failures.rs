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
