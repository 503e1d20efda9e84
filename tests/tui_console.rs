//! The console tells the truth at every size (issue 14): recovered, queued, forecast at the
//! start, what is applied, the energy, every key in help.
#![cfg(feature = "tui")]

use lpm::Scenario;
use lpm::engine::Phase;
use lpm::tui::Harness;
use ratatui::crossterm::event::KeyCode;

const WORLD: &str = r#"Scenario(
    name: "Console test",
    seed: 3,
    link: (bandwidth_gbps: 10.0, latency_ms: 0.2),
    systems: [
        (name: "frame-a", processor: Power8, cpus: 32, memory_gib: 64.0, vlans: [10], sans: ["prod"], msps: 1),
        (name: "frame-b", processor: Power9, cpus: 32, memory_gib: 64.0, vlans: [10], sans: ["prod"], msps: 1),
    ],
    partitions: [
        (name: "web01", system: "frame-a", memory_gib: 1.0, cpus: 1.0, compat: Power8,
         vlans: [10], sans: ["prod"], users: 100,
         workload: Hotspot(writes_mib_s: 100.0, hot_percent: 5.0, hot_share: 0.9)),
        (name: "app01", system: "frame-a", memory_gib: 2.0, cpus: 2.0, compat: Power8,
         vlans: [10], sans: ["prod"], users: 20, workload: Uniform(writes_mib_s: 50.0)),
        (name: "backup01", system: "frame-a", memory_gib: 1.0, cpus: 1.0, compat: Power8,
         dedicated_io: true, vlans: [10], sans: ["prod"], users: 5,
         workload: Uniform(writes_mib_s: 10.0)),
        (name: "spare01", system: "frame-a", memory_gib: 8.0, cpus: 2.0, compat: Power8,
         state: NotActivated, vlans: [10], sans: ["prod"]),
    ],
    policy: (msp_max_ops: 1),
)"#;

fn world() -> Scenario {
    Scenario::parse(WORLD, "console.ron").expect("the test scenario parses")
}

fn faults() -> Scenario {
    Scenario::load(std::path::Path::new("assets/scenarios/faults.ron")).expect("faults.ron loads")
}

/// The screen's text with runs of blanks and borders squeezed, for "is it said" checks.
fn words(screen: &str) -> String {
    screen
        .replace(['│', '╭', '╮', '╰', '╯', '┌', '┐', '└', '┘', '─'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Item 4, by keys: a move fails under a mover fault, `R` recovers it, and the row, the header
/// and the detail say recovered instead of still showing the failure.
#[test]
fn a_recovered_partition_reads_recovered_at_80x24() {
    let mut h = Harness::new(&world(), 80, 24);
    h.select("app01");
    h.key(KeyCode::Char('m'));
    h.advance(1.0);
    h.keys("My");
    h.advance(0.1);
    let before = h.screen();
    assert!(
        before.lines().next().unwrap().contains("1 failed"),
        "{before}"
    );
    assert!(before.contains("✗ failed"), "{before}");
    h.keys("R");
    h.advance(0.1);
    let screen = h.screen();
    let header = screen.lines().next().unwrap();
    assert!(
        !header.contains("failed"),
        "recovered is not failed: {header}"
    );
    let row = screen.lines().find(|l| l.contains("app01  ")).unwrap();
    assert!(row.contains("↺ recovered"), "{row}");
    assert!(screen.contains("↺ Recovered"), "{screen}");
    assert!(
        words(&screen).contains("runs on frame-a; it can move"),
        "{screen}"
    );
    assert!(!screen.contains("Recover before"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// Item 14: at 80x24 the help is one column of whole descriptions that scrolls, and ends with
/// the confirmation's keys.
#[test]
fn help_at_80x24_keeps_every_description_whole() {
    let mut h = Harness::new(&world(), 80, 24);
    h.key(KeyCode::Char('?'));
    let first = h.screen();
    assert!(first.contains("more lines"), "{first}");
    let mut seen = words(&first);
    for _ in 0..20 {
        h.key(KeyCode::Down);
        seen.push(' ');
        seen.push_str(&words(&h.screen()));
    }
    for b in lpm::tui::keymap::help_sections_for(false)
        .into_iter()
        .flat_map(|(_, bs)| bs)
    {
        for word in b.help.split_whitespace() {
            assert!(
                seen.contains(word),
                "{:?} of {:?} never shown",
                word,
                b.help
            );
        }
        let head: String = b
            .help
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(seen.contains(&head), "{head:?} cut: {seen}");
    }
    assert!(seen.contains("In a confirmation: y yes"), "{seen}");
    assert!(seen.contains("lines above"), "{seen}");
    insta::assert_snapshot!(first);
}

/// Item 14: the per-round table at 80x24 shows whole columns, not `rn se di ti`.
#[test]
fn round_table_at_80x24_is_readable() {
    let mut h = Harness::new(&world(), 80, 24);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    assert!(h.advance_until(60.0, 0.25, |s| s.completed == 1));
    h.select("web01");
    h.key(KeyCode::Char('g'));
    let screen = h.screen();
    let head = screen
        .lines()
        .find(|l| l.contains("rnd"))
        .expect("a header");
    for col in ["rnd", "sent", "clean", "exp.down"] {
        assert!(head.contains(col), "{col}: {head}");
    }
    assert!(!screen.contains("rn se"), "{screen}");
    insta::assert_snapshot!(screen);
}

/// Item 10: a queued move says it waits for a mover slot, with no elapsed time, rounds or
/// round 0 of a move that has not started.
#[test]
fn a_queued_move_says_it_waits_for_a_mover_slot() {
    let mut h = Harness::new(&world(), 80, 24);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    h.select("app01");
    h.key(KeyCode::Char('m'));
    h.advance(0.5);
    assert_eq!(h.app.selected_move().unwrap().phase, Phase::Queued);
    let screen = h.screen();
    assert!(screen.contains("waiting for a mover slot"), "{screen}");
    for wrong in ["-0 ms", "round 0", "Elapsed", "so far"] {
        assert!(!screen.contains(wrong), "{wrong}: {screen}");
    }
    // Stopping it says what stopping a queued move does.
    h.key(KeyCode::Char('s'));
    let ask = words(&h.screen());
    assert!(ask.contains("is queued for frame-a → frame-b"), "{ask}");
    assert!(!ask.contains("Queued (round 0)"), "{ask}");
    h.key(KeyCode::Esc);
    insta::assert_snapshot!(screen);
}

/// Item 11: the evacuation's question says which partitions move and which are refused, and
/// why, by the engine's own checks.
#[test]
fn evacuation_question_names_the_refused_and_why() {
    let mut h = Harness::new(&world(), 80, 24);
    h.key(KeyCode::Char('e'));
    let screen = h.screen();
    let text = words(&screen);
    assert!(
        text.contains("3 partitions move to frame-b: web01, app01, spare01"),
        "{text}"
    );
    assert!(
        text.contains("1 partition stays on frame-a, refused"),
        "{text}"
    );
    assert!(text.contains("✗ backup01: has dedicated I/O"), "{text}");
    insta::assert_snapshot!(screen);
    // Yes: what it said is what happens.
    h.keys("y");
    h.advance(0.1);
    let e = &h.app.snap.evacuations[0];
    assert_eq!(e.moves, 3);
    assert_eq!(e.refused.len(), 1);
    assert_eq!(e.refused[0].0, "backup01");
}

/// Item 21: a stop's question counts down to the point of no return, and says too late once
/// the move resumed on the target while it was open.
#[test]
fn stop_question_counts_down_then_says_too_late() {
    let mut h = Harness::new(&world(), 120, 40);
    h.select("app01");
    h.key(KeyCode::Char('m'));
    h.advance(0.5);
    h.key(KeyCode::Char('s'));
    assert!(
        h.screen().contains("Point of no return in about"),
        "{}",
        h.screen()
    );
    assert!(h.advance_until(60.0, 0.05, |s| s.completed == 1));
    let screen = h.screen();
    assert!(
        screen.contains("Too late: it resumed on the target"),
        "{screen}"
    );
}

/// Item 7: a finished move is compared with the forecast made at its start, not one made at
/// today's rates; while it moves, today's forecast has its own row.
#[test]
fn the_forecast_beside_a_move_is_the_one_made_at_its_start() {
    let mut h = Harness::new(&world(), 160, 48);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    h.advance(0.3);
    let screen = h.screen();
    assert!(screen.contains("forecast at start"), "{screen}");
    assert!(screen.contains("Forecast now"), "{screen}");
    assert!(h.advance_until(60.0, 0.25, |s| s.completed == 1));
    h.select("web01");
    let m = h.app.selected_move().unwrap().clone();
    let start = m.forecast_at_start.expect("a forecast at the start");
    let screen = h.screen();
    let rounds = screen.lines().find(|l| l.contains("Rounds  ")).unwrap();
    assert!(
        rounds.contains(&format!("{} rounds", start.rounds)),
        "{rounds}"
    );
    assert!(!screen.contains("Forecast now"), "{screen}");
}

/// Item 8: at 80x24 the cap, throttle and auto-converge stay on screen in one line.
#[test]
fn what_is_applied_stays_visible_at_80x24() {
    let mut h = Harness::new(&world(), 80, 24);
    h.select("app01");
    h.key(KeyCode::Char('m'));
    h.advance(0.2);
    h.keys("ta");
    h.advance(0.1);
    let screen = h.screen();
    let line = screen
        .lines()
        .find(|l| l.contains("Cap·throttle·auto"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains("none · 10% · on"), "{line}");
}

/// Item 9: after a move ends, the status line moves on and `s stop` is not offered.
#[test]
fn nothing_stale_after_a_move_ends() {
    let mut h = Harness::new(&world(), 80, 24);
    h.select("web01");
    h.key(KeyCode::Char('m'));
    let moving = h.screen();
    let bar = moving.lines().last().unwrap();
    assert!(bar.contains("moving to frame-b"), "{bar}");
    assert!(h.advance_until(60.0, 0.25, |s| s.completed == 1));
    let screen = h.screen();
    let bar = screen.lines().last().unwrap();
    assert!(!bar.contains("moving to"), "{bar}");
    assert!(!bar.contains("s stop"), "{bar}");
}

/// Item 12: a not-activated partition's profile waits while the link is down and says so;
/// it moves only once the link is back.
#[test]
fn a_profile_move_waits_for_the_link() {
    let mut h = Harness::new(&world(), 120, 40);
    h.select("spare01");
    h.key(KeyCode::Char('m'));
    h.keys("xy");
    h.advance(9.0);
    let m = h.app.selected_move().unwrap();
    assert_eq!(m.phase, Phase::Configuring, "it waits for the link");
    assert!(h.app.snap.link_pages_s_now <= 0.0);
    let screen = h.screen();
    assert!(screen.contains("stalled: path down since"), "{screen}");
    assert!(!screen.contains("moves in about"), "{screen}");
    assert!(h.advance_until(10.0, 0.1, |s| s.completed == 1));
    assert!(h.app.snap.t > 10.0, "done only after the link came back");
}

/// Items 13 and 14: the sixth partition is announced; the map's legend gives its numbers; a
/// lost partition's map says LOST, not clean.
#[test]
fn more_rows_legend_and_lost_map() {
    let mut h = Harness::new(&Scenario::builtin(), 80, 24);
    assert!(h.screen().contains("+1 more ↓"), "{}", h.screen());
    h.select("web01");
    h.key(KeyCode::Char('m'));
    h.advance(2.0);
    let screen = h.screen();
    assert!(screen.contains("▄ <50% · ≥50% unsent"), "{screen}");
    assert!(screen.contains("▒ ≥2% ▓ ≥25% dirty"), "{screen}");
    let mut h = Harness::new(&faults(), 80, 24);
    assert!(h.advance_until(60.0, 0.25, |s| s.moves.iter().any(|m| m.pages_lost > 0)));
    h.select("db01");
    let text = words(&h.screen());
    assert!(text.contains("✗ LOST"), "{text}");
    assert!(text.contains("33,794 pages (132 MiB"), "{text}");
}

/// Issue 12, item 5: the header has the estate's draw and energy; each frame its watts; the
/// estate overview a power column; a frame powered off says so.
#[test]
fn energy_in_the_header_and_the_frames() {
    let mut h = Harness::new(&world(), 80, 24);
    h.advance(2.0);
    let screen = h.screen();
    let header = screen.lines().next().unwrap();
    assert!(header.contains(" kW"), "{header}");
    assert!(screen.lines().nth(1).unwrap().contains(" W "), "{screen}");
    h.resize(160, 48);
    let screen = h.screen();
    let header = screen.lines().next().unwrap();
    assert!(
        header.contains(" kW · ") && header.contains("Wh"),
        "{header}"
    );
    insta::assert_snapshot!(header);
    let text = std::fs::read_to_string("assets/scenarios/energy.ron").unwrap();
    let energy = Scenario::parse(&text, "energy.ron").unwrap();
    let mut h = Harness::new(&energy, 160, 48);
    assert!(h.advance_until(1200.0, 5.0, |s| s.energy.saved_wh > 0.0));
    let screen = h.screen();
    let header = screen.lines().next().unwrap();
    assert!(header.contains("saved"), "{header}");
    assert!(screen.contains("off"), "{screen}");
}
