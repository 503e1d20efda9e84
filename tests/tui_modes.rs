//! The dashboard's modes, driven by keys on a test backend: the target picker (more than two
//! frames), the `:` HMC command line, the log's scrolling, search and export, stopping every
//! move, following the suspending partition, the presenter's speed, Esc read as Alt, and the
//! recommendations pane.
#![cfg(feature = "tui")]

use lpm::Scenario;
use lpm::engine::Phase;
use lpm::engine::snapshot::Recommendation;
use lpm::session::{Driver, Request};
use lpm::spec::Action;
use lpm::tui::keymap::Context;
use lpm::tui::{Harness, Theme};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

fn estate() -> Scenario {
    let text = std::fs::read_to_string("assets/scenarios/estate.ron").expect("the estate ships");
    Scenario::parse(&text, "estate.ron").expect("the estate parses")
}

/// The estate without its scripted evacuation: a quiet estate to act on.
fn quiet_estate() -> Scenario {
    let mut s = estate();
    s.script.clear();
    s
}

fn typed(h: &mut Harness, text: &str) {
    for c in text.chars() {
        h.key(KeyCode::Char(c));
    }
}

// ----- the target picker -----

fn picker_on(w: u16, hh: u16) -> Harness {
    let mut h = Harness::new(&quiet_estate(), w, hh);
    h.select("db000");
    h.key(KeyCode::Char('m'));
    h
}

#[test]
fn m_on_an_estate_lists_every_frame_with_its_verdict_and_room_at_160x48() {
    let mut h = picker_on(160, 48);
    assert_eq!(h.app.context(), Context::Picker);
    let p = h.app.picker.clone().expect("the picker is open");
    assert_eq!(p.targets.len(), 10, "every frame is listed");
    let screen = h.screen();
    for f in ["p7-a", "p7-b", "p8-a", "p9-c", "p10-c"] {
        assert!(screen.contains(f), "{f} missing:\n{screen}");
    }
    // Its own frame is listed with the reason it cannot be the target.
    let own = screen.lines().find(|l| l.contains("  p7-a ")).unwrap();
    assert!(own.contains('✗'), "{own}");
    // A POWER7 partition fits any frame: the first other frame is chosen, and it validates.
    assert_eq!(p.targets[p.selected].frame, "p7-b");
    assert!(screen.contains("▶ p7-b"), "{screen}");
    assert!(screen.contains("Room left"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_picker_fits_80x24() {
    let mut h = picker_on(80, 24);
    let screen = h.screen();
    assert!(screen.contains("to which frame?"), "{screen}");
    assert!(screen.contains("Enter migrate"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn enter_migrates_to_the_frame_chosen_and_esc_moves_nothing() {
    let mut h = picker_on(160, 48);
    h.key(KeyCode::Esc);
    assert!(h.app.picker.is_none());
    assert!(h.app.snap.moves.is_empty(), "Esc moves nothing");
    h.key(KeyCode::Char('m'));
    // Down to p8-a, the third frame.
    h.key(KeyCode::Down);
    h.key(KeyCode::Enter);
    assert!(h.app.picker.is_none());
    let m = h.app.snap.moves.last().expect("a move started");
    assert_eq!(
        (m.partition_name.as_str(), m.to.as_str()),
        ("db000", "p8-a")
    );
    assert!(m.phase.in_flight());
}

#[test]
fn a_frame_that_cannot_take_it_says_why_and_enter_shows_every_check() {
    let mut h = picker_on(160, 48);
    // Up to its own frame, the first row.
    h.key(KeyCode::Up);
    h.key(KeyCode::Enter);
    assert!(h.app.snap.moves.is_empty(), "nothing moved");
    let screen = h.screen();
    assert!(screen.contains("Cannot migrate"), "{screen}");
}

#[test]
fn with_two_frames_m_migrates_to_the_other_frame_at_once() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    assert!(h.app.picker.is_none());
    let m = h.app.snap.moves.last().expect("a move started");
    assert_eq!(m.to, "frame-b");
}

// ----- the HMC command line -----

#[test]
fn colon_runs_hmc_commands_with_their_output_in_a_pane() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    h.key(KeyCode::Char(':'));
    assert_eq!(h.app.context(), Context::Console);
    typed(&mut h, "lssyscfg -r sys -F name,state");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(
        screen.contains("hscroot@lpm:~> lssyscfg -r sys -F name,state"),
        "{screen}"
    );
    assert!(screen.contains("frame-a,Operating"), "{screen}");
    assert!(screen.contains("frame-b,Operating"), "{screen}");
    // An error prints as lpm hmc prints it.
    typed(&mut h, "nosuch");
    h.key(KeyCode::Enter);
    assert!(h.screen().contains("rbash: nosuch: command not found"));
    // Esc closes it; `:` brings the output back.
    h.key(KeyCode::Esc);
    assert_eq!(h.app.context(), Context::Main);
    assert!(!h.screen().contains("the commands of lpm hmc"));
    h.key(KeyCode::Char(':'));
    assert!(h.screen().contains("rbash: nosuch"));
}

#[test]
fn the_command_line_edits_completes_and_remembers() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    h.key(KeyCode::Char(':'));
    typed(&mut h, "lssys");
    h.key(KeyCode::Tab);
    assert_eq!(h.app.console.editor.text(), "lssyscfg ");
    typed(&mut h, "-r s");
    h.key(KeyCode::Tab);
    assert_eq!(h.app.console.editor.text(), "lssyscfg -r sys ");
    typed(&mut h, "-F nam");
    h.key(KeyCode::Tab);
    h.key(KeyCode::Backspace);
    assert_eq!(h.app.console.editor.text(), "lssyscfg -r sys -F name");
    h.key(KeyCode::Enter);
    // Names come from the estate: partitions of the -m frame.
    typed(&mut h, "migrlpar -o v -m frame-a -t frame-b -p we");
    h.key(KeyCode::Tab);
    assert_eq!(
        h.app.console.editor.text(),
        "migrlpar -o v -m frame-a -t frame-b -p web01 "
    );
    // Several candidates are listed in the pane.
    h.app.console.editor.set("ls");
    h.key(KeyCode::Tab);
    assert!(h.screen().contains("lshwres  lslparmigr  lssyscfg"));
    // History: Up brings back the last line run, Down the line being typed.
    h.key(KeyCode::Up);
    assert_eq!(h.app.console.editor.text(), "lssyscfg -r sys -F name");
    h.key(KeyCode::Down);
    assert_eq!(h.app.console.editor.text(), "ls");
    // Ctrl-C abandons the line.
    h.ctrl('c');
    assert_eq!(h.app.console.editor.text(), "");
    assert!(!h.app.quit);
}

#[test]
fn migrlpar_returns_once_the_move_started_and_the_pane_says_when_it_ended() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    h.key(KeyCode::Char(':'));
    typed(&mut h, "migrlpar -o m -m frame-a -t frame-b -p web01");
    h.key(KeyCode::Enter);
    // The dashboard did not wait: the move is in flight, in the dashboard's own engine.
    let m = h.app.snap.moves.last().expect("the move started").clone();
    assert!(m.phase.in_flight(), "{:?}", m.phase);
    assert!(h.app.snap.t < 0.01, "no simulated time passed");
    let screen = h.screen();
    assert!(
        screen.contains("The migration of web01 to frame-b started (move 1)"),
        "{screen}"
    );
    // The log says what the command line did.
    assert!(
        h.app
            .log
            .iter()
            .any(|l| l.text.contains("hmc: migrlpar -o m"))
    );
    assert!(h.advance_until(120.0, 0.25, |s| s.completed == 1));
    h.advance(0.1);
    let screen = h.screen();
    assert!(
        screen.contains("the migration of web01 to frame-b completed"),
        "{screen}"
    );
    // lslparmigr sees it on the target.
    typed(&mut h, "lssyscfg -r lpar -m frame-b -F name");
    h.key(KeyCode::Enter);
    assert!(h.app.console.output.iter().any(|l| l.text == "web01"));
}

#[test]
fn sleep_and_wait_belong_to_lpm_hmc() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    h.key(KeyCode::Char(':'));
    typed(&mut h, "sleep 10");
    h.key(KeyCode::Enter);
    typed(&mut h, "migrlpar -o m -m frame-a -t frame-b -p web01 -w 5");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains("sleep is for lpm hmc"), "{screen}");
    assert!(screen.contains("-w is for lpm hmc"), "{screen}");
    assert!(h.app.snap.moves.is_empty());
    assert!(h.app.snap.t < 0.01);
}

#[test]
fn the_command_lines_output_scrolls() {
    let mut h = Harness::new(&Scenario::builtin(), 100, 30);
    h.key(KeyCode::Char(':'));
    for _ in 0..6 {
        typed(&mut h, "lssyscfg -r lpar -m frame-a -F name");
        h.key(KeyCode::Enter);
    }
    let bottom = h.screen();
    h.key(KeyCode::PageUp);
    assert!(h.app.console.scroll > 0);
    let back = h.screen();
    assert_ne!(bottom, back);
    assert!(back.contains("newer below"), "{back}");
    h.key(KeyCode::PageDown);
    assert_eq!(h.app.console.scroll, 0);
}

#[test]
fn command_line_snapshot_at_80x24() {
    let mut h = Harness::new(&Scenario::builtin(), 80, 24);
    h.key(KeyCode::Char(':'));
    typed(&mut h, "lssyscfg -r sys -F name,state");
    h.key(KeyCode::Enter);
    typed(&mut h, "migrlpar -o v -m frame-a -t frame-b -p backup01");
    h.key(KeyCode::Enter);
    typed(&mut h, "lslparmigr -r s");
    insta::assert_snapshot!(h.screen());
}

// ----- the log -----

#[test]
fn the_log_scrolls_searches_and_is_written_to_a_new_file() {
    // A log pane of three lines.
    let mut h = Harness::new(&Scenario::builtin(), 100, 32);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    assert!(h.advance_until(120.0, 0.25, |s| s.completed == 1));
    let lines = h.app.visible_log().count();
    assert!(lines > 5, "{lines}");
    h.key(KeyCode::PageUp);
    assert!(h.app.log_view.scroll > 0);
    assert!(h.screen().contains("newer below"));
    h.key(KeyCode::End);
    assert_eq!(h.app.log_view.scroll, 0);
    // The log's times read as the header's clock.
    let screen = h.screen();
    assert!(
        screen.contains("00:00:16.3 INFO  web01: COMPLETE"),
        "{screen}"
    );
    // Search: the newest match first, n the next older one.
    h.key(KeyCode::Char('/'));
    assert_eq!(h.app.context(), Context::Search);
    typed(&mut h, "ROUND");
    h.key(KeyCode::Enter);
    assert_eq!(h.app.context(), Context::Log);
    let first = h.app.log_view.current.expect("a match");
    h.key(KeyCode::Char('n'));
    let second = h.app.log_view.current.unwrap();
    assert!(second < first, "n goes to an older match");
    h.key(KeyCode::Char('N'));
    assert_eq!(h.app.log_view.current, Some(first));
    let text = h
        .app
        .log
        .iter()
        .find(|l| l.seq == first)
        .unwrap()
        .text
        .clone();
    assert!(text.to_lowercase().contains("round"), "{text}");
    let status = h.app.status.clone().unwrap().text;
    assert!(status.contains("match 1 of"), "{status}");
    insta::assert_snapshot!(h.screen());
    // Export: a new file each time, never over one that exists.
    let dir = std::env::temp_dir().join(format!("lpm-modes-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    h.app.export_dir = dir.clone();
    h.key(KeyCode::Char('W'));
    h.key(KeyCode::Char('W'));
    let first_file = dir.join("lpm-log-two-frames-10-gbe.txt");
    let second_file = dir.join("lpm-log-two-frames-10-gbe-2.txt");
    let written = std::fs::read_to_string(&first_file).expect("the log was written");
    let again = std::fs::read_to_string(&second_file).expect("a second file, not over the first");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        written.starts_with("# lpm log: Two frames, 10 GbE"),
        "{written}"
    );
    assert_eq!(written.lines().count(), h.app.log.len() + 1);
    assert!(
        written.contains("00:00:00.0  INFO   Two frames"),
        "{written}"
    );
    assert_eq!(written, again);
    h.key(KeyCode::Esc);
    assert_eq!(h.app.context(), Context::Main);
}

#[test]
fn on_a_screen_without_a_log_pane_pgup_brings_the_log_up() {
    let mut h = Harness::new(&Scenario::builtin(), 80, 24);
    assert!(!h.screen().contains(" Log "));
    h.key(KeyCode::PageUp);
    assert_eq!(h.app.context(), Context::Log);
    assert!(h.screen().contains(" Log "));
    h.key(KeyCode::Char('q'));
    assert_eq!(h.app.context(), Context::Main);
    assert!(!h.app.quit);
}

// ----- stop all -----

#[test]
fn capital_s_stops_every_move_queued_ones_too_after_a_yes() {
    // The scripted evacuation of p9-c: 22 moves on 16 slots, some queued.
    let mut h = Harness::new(&estate(), 160, 48);
    h.advance(12.0);
    let queued = h
        .app
        .snap
        .moves
        .iter()
        .filter(|m| m.phase == Phase::Queued)
        .count();
    let moving = h
        .app
        .snap
        .moves
        .iter()
        .filter(|m| matches!(m.phase, Phase::PreCopy | Phase::Configuring))
        .count();
    assert!(queued > 0 && moving > 0, "{queued} queued, {moving} moving");
    h.key(KeyCode::Char('S'));
    assert_eq!(h.app.context(), Context::Confirm);
    assert!(h.screen().contains("Stop all"));
    h.key(KeyCode::Char('y'));
    let left: Vec<_> = h
        .app
        .snap
        .moves
        .iter()
        .filter(|m| m.phase.in_flight() && !m.phase.past_point_of_no_return())
        .map(|m| (m.partition_name.clone(), m.phase))
        .collect();
    assert!(left.is_empty(), "still moving: {left:?}");
    assert!(h.app.snap.stopped >= queued + moving);
    // And nothing starts later in the slots they freed.
    h.advance(5.0);
    assert_eq!(h.app.snap.in_flight, 0);
}

// ----- following, the presenter's speed, Esc as Alt -----

#[test]
fn following_the_detail_pane_goes_to_the_partition_that_suspends() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    assert!(!h.app.following(), "off outside presenter mode");
    h.key(KeyCode::Char('f'));
    assert!(h.app.following());
    h.select("web01");
    h.key(KeyCode::Char('m'));
    h.select("db01");
    assert!(h.advance_until(120.0, 0.001, |s| {
        s.moves.iter().any(|m| m.phase == Phase::Suspended)
    }));
    assert_eq!(h.app.partition().unwrap().name, "web01");
    // The operator may look elsewhere during the window.
    h.key(KeyCode::Up);
    h.advance(0.001);
    assert_ne!(h.app.partition().unwrap().name, "web01");
    h.key(KeyCode::Char('f'));
    assert!(!h.app.following());
}

#[test]
fn presenting_follows_by_default() {
    let loaded = lpm::presenter::script::builtin("evacuation").unwrap();
    let driver = Driver::with_script(&loaded, true).unwrap();
    let h = Harness::from_driver(driver, 120, 40, Theme::mono());
    assert!(h.app.following());
}

#[test]
fn the_presenters_speed_up_survives_the_scripts_next_speed_step() {
    let loaded = lpm::presenter::script::builtin("evacuation").unwrap();
    let mut d = Driver::with_script(&loaded, true).unwrap();
    assert_eq!(d.scale, 10.0);
    // The presenter doubles it; the script's step at 10 s asks for 5x: it becomes 10x.
    d.execute(Request::Scale(20.0));
    while d.engine().now() < 10.5 {
        d.advance_sim(std::time::Duration::from_millis(100));
    }
    assert_eq!(d.scale, 10.0);
    let view = d.update().presenter.unwrap();
    assert_eq!(view.factor, 2.0);
}

#[test]
fn esc_quickly_followed_by_a_key_closes_the_popup_then_acts_as_the_key() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    let first = h.app.partition().unwrap().name.clone();
    h.key(KeyCode::Char('?'));
    assert_eq!(h.app.context(), Context::Help);
    // The terminal reads Esc then j, close together, as Alt+j.
    h.key_event(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::ALT));
    assert_eq!(h.app.context(), Context::Main);
    assert_ne!(
        h.app.partition().unwrap().name,
        first,
        "j moved the selection"
    );
}

// ----- recommendations -----

fn advice() -> Vec<Recommendation> {
    vec![
        Recommendation {
            by: "balancer".into(),
            action: Action::migrate("batch01", "frame-b"),
            reason: "frame-a runs hotter than frame-b".into(),
            imbalance_before: Some(12.0),
            imbalance_after: Some(9.0),
            predicted_s: Some(40.0),
            predicted_downtime_ms: Some(35.0),
        },
        Recommendation {
            by: "balancer".into(),
            action: Action::migrate("web01", "frame-b"),
            reason: "the estate evens out most with web01 on frame-b".into(),
            imbalance_before: Some(12.0),
            imbalance_after: Some(4.0),
            predicted_s: Some(12.5),
            predicted_downtime_ms: Some(20.0),
        },
    ]
}

#[test]
fn recommendations_show_best_first_and_enter_applies_one_after_a_yes() {
    let mut h = Harness::new(&Scenario::builtin(), 160, 48);
    let screen = Rect::new(0, 0, 160, 48);
    // The balancer is another part's; its advice is put in the snapshot by hand, and the
    // keys go to the app alone so that no update from the driver replaces it.
    h.app.snap.recommendations = advice();
    let shown = h.screen_as_is();
    assert!(shown.contains("Recommendations (2)"), "{shown}");
    let best = shown
        .lines()
        .position(|l| l.contains("move web01 to frame-b"))
        .unwrap();
    let next = shown
        .lines()
        .position(|l| l.contains("move batch01 to frame-b"))
        .unwrap();
    assert!(best < next, "best first:\n{shown}");
    assert!(shown.contains("imbalance 12.0 → 4.0%"), "{shown}");
    let key = |h: &mut Harness, code| h.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    key(&mut h, KeyCode::Char('A'));
    assert_eq!(h.app.context(), Context::Advice);
    key(&mut h, KeyCode::Down);
    key(&mut h, KeyCode::Up);
    let focused = h.screen_as_is();
    assert!(focused.contains("▶ move web01 to frame-b"), "{focused}");
    insta::assert_snapshot!(focused);
    key(&mut h, KeyCode::Enter);
    assert_eq!(h.app.context(), Context::Confirm);
    assert!(h.screen_as_is().contains("Apply: move web01 to frame-b?"));
    let _ = h.app.take_requests(screen);
    key(&mut h, KeyCode::Char('y'));
    let requests = h.app.take_requests(screen);
    let apply = Request::Apply(Action::migrate("web01", "frame-b"));
    assert!(requests.contains(&apply), "{requests:?}");
    // The action goes to the engine as a key's would.
    h.driver.execute(apply);
    h.pump();
    let m = h.app.snap.moves.last().expect("the move started");
    assert_eq!(
        (m.partition_name.as_str(), m.to.as_str()),
        ("web01", "frame-b")
    );
    // The driver's snapshot has no advice: the pane goes, and with it the focus.
    assert!(h.app.snap.recommendations.is_empty());
    assert_eq!(h.app.context(), Context::Main);
}

#[test]
fn no_is_the_default_for_a_recommendation_too() {
    let mut h = Harness::new(&Scenario::builtin(), 120, 40);
    let screen = Rect::new(0, 0, 120, 40);
    h.app.snap.recommendations = advice();
    for code in [KeyCode::Char('A'), KeyCode::Enter, KeyCode::Enter] {
        h.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    }
    let requests = h.app.take_requests(screen);
    assert!(
        !requests.iter().any(|r| matches!(r, Request::Apply(_))),
        "{requests:?}"
    );
}

/// The whole path with the engine's own advice: consolidation in Advise mode recommends
/// emptying p9-e; `A`, Enter and `y` apply it as an operator's evacuation.
#[test]
fn the_engines_advice_is_applied_by_keys() {
    let text = std::fs::read_to_string("assets/scenarios/consolidation.ron").expect("it ships");
    let text = text
        .replace("balancer: (mode: Active", "balancer: (mode: Advise")
        .replace(
            "consolidation: (mode: Active",
            "consolidation: (mode: Advise",
        );
    let scenario = Scenario::parse(&text, "advise.ron").expect("it parses");
    let mut h = Harness::new(&scenario, 160, 48);
    assert!(
        h.advance_until(400.0, 1.0, |s| !s.recommendations.is_empty()),
        "consolidation advises within its first pass"
    );
    let advice = h.app.snap.recommendations[0].clone();
    assert_eq!(advice.by, "consolidation");
    let Action::Evacuate { from, .. } = &advice.action else {
        panic!("an evacuation first: {advice:?}");
    };
    assert!(h.screen().contains("Recommendations"));
    // Advise changed nothing yet.
    assert!(h.app.snap.evacuations.is_empty());
    h.key(KeyCode::Char('A'));
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('y'));
    h.advance(1.0);
    let evac = h
        .app
        .snap
        .evacuations
        .first()
        .expect("the evacuation started");
    assert_eq!(&evac.from, from);
    assert!(evac.moves > 0, "{evac:?}");
}
