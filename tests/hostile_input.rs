//! Hostile input (issue 6, item 5): random bytes and mangled copies of the shipped scenarios
//! never panic the loader, syntax errors say where, absurd sizes are refused with the memory
//! they would need, and long or exotic names never break the dashboard's layout (with the
//! `tui` feature).

use std::path::Path;

use lpm::Scenario;
use lpm::engine::Engine;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        rng_seed: RngSeed::Fixed(0x6c70_6d05),
        failure_persistence: None,
        max_shrink_iters: 500,
        ..Config::default()
    }
}

/// Every scenario shipped in assets/scenarios, (file name, text).
fn shipped() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("assets/scenarios")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 5, "shipped scenarios: {out:?}");
    out
}

/// Loads `text` as the CLI does, and holds the loader to its contract: a refusal lists
/// messages that each start with the origin, a syntax error carries a line and column inside
/// the text, and a scenario that loads builds an engine, a snapshot and a plan without a panic.
fn load_and_judge(text: &str) -> Result<(), TestCaseError> {
    const ORIGIN: &str = "m.ron";
    // No machine limit here (only the loader's own 1 TiB cap); the small machine has its own test.
    match Scenario::load_str(text, ORIGIN, None) {
        Err(refusal) => {
            prop_assert!(!refusal.messages.is_empty());
            for m in &refusal.messages {
                prop_assert!(m.starts_with(ORIGIN), "{m}");
            }
            if let Err(syntax) = Scenario::parse(text, ORIGIN) {
                prop_assert_eq!(refusal.messages.len(), 1);
                let (line, col) = line_col(&syntax)
                    .ok_or_else(|| TestCaseError::fail(format!("no line:col in {syntax:?}")))?;
                let lines = text.split('\n').count();
                prop_assert!(
                    (1..=lines + 1).contains(&line) && col >= 1,
                    "{syntax}: the text has {lines} lines"
                );
            }
        }
        Ok(s) => {
            prop_assert!(s.problems(None).is_empty());
            // What `lpm run`, `lpm check` and the dashboard do next, on the same world with its
            // partitions shrunk to a few MiB (their sizes passed the checks; every other value,
            // hostile or not, goes to the engine as loaded): build, script, two seconds, snapshot.
            let mut small = s.clone();
            for p in &mut small.partitions {
                p.memory_gib = p.memory_gib.min(0.005);
            }
            let mut e = Engine::new(&small).map_err(TestCaseError::fail)?;
            let _ = e.snapshot();
            for _ in 0..8 {
                e.advance(std::time::Duration::from_millis(250));
                let _ = e.drain_events();
            }
            let _ = e.snapshot();
            let _ = lpm::report::plan::check(&small);
        }
    }
    Ok(())
}

/// `origin:LINE:COL: ...` as (LINE, COL).
fn line_col(message: &str) -> Option<(usize, usize)> {
    let mut parts = message.splitn(4, ':');
    let _origin = parts.next()?;
    let line = parts.next()?.parse().ok()?;
    let col = parts.next()?.parse().ok()?;
    parts.next()?;
    Some((line, col))
}

// ----- mutations -----

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the character at (position as a fraction of the text) with another.
    Flip(f64, char),
    /// Delete `n` characters.
    Delete(f64, usize),
    /// Repeat a run of `n` characters right after itself.
    Duplicate(f64, usize),
    Insert(f64, String),
    /// Replace the k-th number literal with a hostile value.
    Number(usize, &'static str),
    /// Replace the contents of the k-th string literal.
    Name(usize, String),
}

const NUMBERS: &[&str] = &[
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-inf",
    "1e12",
    "1e300",
    "-1",
    "-0.0",
    "0",
    "1e-320",
    "18446744073709551616",
    "99999999999999999999999999",
    "4294967296",
    "-9223372036854775809",
    "0x7fffffff",
    "1_000_000",
    "1.7976931348623157e308",
    "3.",
    ".5",
    "+5",
    "1e",
];

fn hostile_name() -> impl Strategy<Value = String> {
    prop_oneof![
        (1usize..20_000).prop_map(|n| "x".repeat(n)),
        Just(String::new()),
        Just(" ".into()),
        Just("a/b".into()),
        Just("数据库-データベース-데이터베이스".into()),
        Just("👨‍👩‍👧‍👦🚀🔥".repeat(50)),
        Just("e\u{301}\u{301}\u{301}\u{301}".into()),
        Just("\u{202e}gnp.exe".into()),
        Just("\u{0}\u{7}\u{1b}[2J".into()),
        Just("\\u{1F600}\\n\\t".into()),
        Just("\\".into()),
        Just("\"".into()),
        "\\PC{0,64}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let syntax = prop::sample::select(vec![
        '(', ')', '[', ']', ',', ':', '"', '.', '-', 'e', '0', '9', ' ', '\n',
    ]);
    prop_oneof![
        (0.0..1.0f64, any::<char>()).prop_map(|(at, c)| Mutation::Flip(at, c)),
        (0.0..1.0f64, syntax).prop_map(|(at, c)| Mutation::Flip(at, c)),
        (0.0..1.0f64, 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (0.0..1.0f64, 1usize..200).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
        (0.0..1.0f64, "\\PC{0,16}").prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<usize>(), prop::sample::select(NUMBERS)).prop_map(|(k, v)| Mutation::Number(k, v)),
        (any::<usize>(), hostile_name()).prop_map(|(k, s)| Mutation::Name(k, s)),
    ]
}

/// Spans (char indices) of number literals: a digit, with a sign before it and the digits,
/// dots, exponents and underscores after it.
fn number_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'));
        if starts {
            let s = if i > 0 && chars[i - 1] == '-' {
                i - 1
            } else {
                i
            };
            let mut e = i;
            while e < chars.len()
                && (chars[e].is_ascii_digit() || matches!(chars[e], '.' | 'e' | 'E' | '_'))
            {
                e += 1;
            }
            out.push((s, e));
            i = e;
        } else {
            i += 1;
        }
    }
    out
}

/// Spans of the contents of string literals (between the quotes).
fn string_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    let mut i = 0;
    while i < chars.len() {
        match (chars[i], open) {
            ('\\', Some(_)) => i += 1,
            ('"', None) => open = Some(i + 1),
            ('"', Some(s)) => {
                out.push((s, i));
                open = None;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut c: Vec<char> = text.chars().collect();
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    match m {
        Mutation::Flip(f, ch) => {
            if !c.is_empty() {
                let i = at(*f, c.len() - 1);
                c[i] = *ch;
            }
        }
        Mutation::Delete(f, n) => {
            let i = at(*f, c.len());
            let e = (i + n).min(c.len());
            c.drain(i..e);
        }
        Mutation::Duplicate(f, n) => {
            let i = at(*f, c.len());
            let e = (i + n).min(c.len());
            let run: Vec<char> = c[i..e].to_vec();
            c.splice(e..e, run);
        }
        Mutation::Insert(f, s) => {
            let i = at(*f, c.len());
            c.splice(i..i, s.chars());
        }
        Mutation::Number(k, v) => {
            let spans = number_spans(&c);
            if !spans.is_empty() {
                let (s, e) = spans[k % spans.len()];
                c.splice(s..e, v.chars());
            }
        }
        Mutation::Name(k, v) => {
            let spans = string_spans(&c);
            if !spans.is_empty() {
                let (s, e) = spans[k % spans.len()];
                c.splice(s..e, v.chars());
            }
        }
    }
    c.into_iter().collect()
}

// ----- the loader -----

#[test]
fn random_bytes_never_panic_the_loader() {
    let mut runner = TestRunner::new(config(1024));
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..600), |bytes| {
            load_and_judge(&String::from_utf8_lossy(&bytes))
        })
        .unwrap();
    // Text that looks a little like RON gets further into the parser.
    let ronish = "[()\\[\\],:\"a-z0-9_. \n-]{0,300}";
    runner
        .run(&ronish, |text| load_and_judge(&format!("Scenario({text})")))
        .unwrap();
}

#[test]
fn mangled_shipped_scenarios_never_panic_and_say_where() {
    let files = shipped();
    for (name, text) in &files {
        // The files as shipped load.
        Scenario::load_str(text, name, None).unwrap_or_else(|r| panic!("{name}: {r}"));
    }
    let mut runner = TestRunner::new(config(1500));
    let strategy = (0..files.len(), proptest::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(file, mutations)| {
            let mut text = files[file].1.clone();
            for m in &mutations {
                text = apply(&text, m);
            }
            load_and_judge(&text)
        })
        .unwrap();
}

#[test]
fn mangled_presenter_scripts_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("demo/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for text in &files {
        lpm::presenter::script::load_str(text, "d.ron", Some(&dir), None)
            .unwrap_or_else(|r| panic!("{r:?}"));
    }
    let mut runner = TestRunner::new(config(600));
    let strategy = (0..files.len(), proptest::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(file, mutations)| {
            let mut text = files[file].clone();
            for m in &mutations {
                text = apply(&text, m);
            }
            if let Err(r) = lpm::presenter::script::load_str(&text, "d.ron", Some(&dir), None) {
                prop_assert!(!r.messages.is_empty());
                for m in &r.messages {
                    prop_assert!(m.starts_with("d.ron"), "{m}");
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_number_of_every_shipped_scenario_replaced_by_every_hostile_value() {
    // Exhaustive where it is cheap: each literal in turn, each hostile value; every failure
    // listed, not just the first.
    let mut failures = Vec::new();
    for (name, text) in shipped() {
        let chars: Vec<char> = text.chars().collect();
        // The estate holds thousands of literals of a few kinds: every one up to 100 per file,
        // evenly spread past that (its rows repeat one shape), so the suite stays quick.
        let spans = number_spans(&chars).len();
        for k in (0..spans).step_by(spans.div_ceil(100).max(1)) {
            for v in NUMBERS {
                let mangled = apply(&text, &Mutation::Number(k, v));
                match std::panic::catch_unwind(|| load_and_judge(&mangled)) {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => failures.push(format!("{name}, number {k} -> {v}: {e}")),
                    Err(_) => failures.push(format!("{name}, number {k} -> {v}: panicked")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A scenario with a partition of `memory_gib` on frames as big as a float allows.
fn sized(memory_gib: &str) -> String {
    format!(
        r#"Scenario(
    name: "absurd",
    link: (bandwidth_gbps: 10.0),
    systems: [
        (name: "frame-a", processor: Power9, cpus: 64, memory_gib: 1e300),
        (name: "frame-b", processor: Power9, cpus: 64, memory_gib: 1e300),
    ],
    partitions: [
        (name: "huge", system: "frame-a", memory_gib: {memory_gib}, cpus: 1, compat: Power9),
    ],
)"#
    )
}

#[test]
fn absurd_sizes_are_refused_with_the_memory_they_would_need() {
    // 1e12 GiB of 4 KiB pages: 2.6e17 pages, 8.4 bytes each in motion.
    let refusal = Scenario::load_str(&sized("1e12"), "a.ron", None).unwrap_err();
    let text = refusal.to_string();
    assert!(text.contains("needs 1.90 EiB"), "{text}");
    assert!(text.contains("2.621e17 pages"), "{text}");
    // It points at the partitions (line 8 of the file).
    assert!(text.starts_with("a.ron:8:"), "{text}");
    // Against a machine that has 8 GiB: an 8 TiB partition (2^31 pages) is refused with both
    // figures.
    let refusal = Scenario::load_str(&sized("8192"), "a.ron", Some(8 << 30)).unwrap_err();
    let text = refusal.to_string();
    assert!(
        text.contains("needs 16.8 GiB")
            && text.contains("2147483648 pages")
            && text.contains("only 8.00 GiB is available"),
        "{text}"
    );
    // Sizes past u64 pages, infinities, NaN, negative and sub-page sizes: refused with a
    // message, never a panic or a wrap-around.
    for v in [
        "1e300",
        "1.7976931348623157e308",
        "inf",
        "NaN",
        "-1e12",
        "1e-300",
    ] {
        let Err(refusal) = Scenario::load_str(&sized(v), "a.ron", None) else {
            panic!("{v}: loaded");
        };
        assert!(
            refusal
                .messages
                .iter()
                .all(|m| m.starts_with("a.ron:") && !m.contains("inf B")),
            "{v}: {refusal}"
        );
    }
    // Past u64 pages the figure keeps its magnitude (it said "137216 PiB" for 1e300 GiB, the
    // saturated page count, before).
    let text = Scenario::load_str(&sized("1e300"), "a.ron", None)
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("needs 2.20e306 B") && text.contains("2.621e305 pages"),
        "{text}"
    );
    // A size that fits loads.
    assert!(Scenario::load_str(&sized("1.0"), "a.ron", Some(8 << 30)).is_ok());
}

#[test]
fn absurd_mover_counts_are_refused_where_they_are_written() {
    // 0x7fffffff MSPs times 8 moves each overflowed the engine's slot count (a panic in a debug
    // build; in release a wrapped count: 2^29 MSPs x 8 slots each is 0 slots, every move queued
    // for ever).
    let text = sized("1.0").replace(
        "cpus: 64, memory_gib: 1e300),\n        (name: \"frame-b\"",
        "cpus: 64, memory_gib: 1e300, msps: 0x7fffffff),\n        (name: \"frame-b\"",
    );
    let err = Scenario::load_str(&text, "m.ron", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("msps must be at most 64, not 2147483647"),
        "{err}"
    );
    assert!(err.starts_with("m.ron:5:"), "{err}");
    let text = sized("1.0").replace(
        "    link:",
        "    policy: (msp_max_ops: 4294967295),\n    link:",
    );
    let err = Scenario::load_str(&text, "m.ron", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("msp_max_ops must be at most 1024, not 4294967295"),
        "{err}"
    );
    assert!(err.starts_with("m.ron:3:"), "{err}");
}

#[test]
fn write_rates_beyond_any_memory_bus_are_refused() {
    // 1e12 MiB/s of writes was accepted, and a move of that partition spent 2.6e14 page writes
    // per simulated millisecond: a hang. Phases are checked too.
    for w in [
        "Uniform(writes_mib_s: 1e12)",
        "Phased(phases: [(1.0, Idle), (2.0, Hotspot(writes_mib_s: 2e5, hot_percent: 5.0, hot_share: 0.9))])",
    ] {
        let text = sized("1.0").replace(
            "compat: Power9)",
            &format!("compat: Power9, workload: {w})"),
        );
        let err = Scenario::load_str(&text, "w.ron", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("w.ron:9:") && err.contains("writes_mib_s must be at most 102400"),
            "{err}"
        );
    }
    let text = sized("1.0").replace(
        "compat: Power9)",
        "compat: Power9, workload: Uniform(writes_mib_s: 102400.0))",
    );
    assert!(Scenario::load_str(&text, "w.ron", None).is_ok());
}

#[test]
fn delays_that_overflow_the_clock_are_refused() {
    // latency_ms: 1e300 made the engine's nanosecond clock overflow (a panic in a debug build,
    // a resume time in the past in release); suspend_overhead_ms likewise.
    let text = sized("1.0").replace(
        "(bandwidth_gbps: 10.0)",
        "(bandwidth_gbps: 10.0, latency_ms: 1e300)",
    );
    let err = Scenario::load_str(&text, "d.ron", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("d.ron:3:") && err.contains("latency_ms must be at most 60000"),
        "{err}"
    );
    let text = sized("1.0").replace(
        "    link:",
        "    policy: (suspend_overhead_ms: 1e300),\n    link:",
    );
    let err = Scenario::load_str(&text, "d.ron", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("d.ron:3:") && err.contains("suspend_overhead_ms must be at most 60000"),
        "{err}"
    );
}

#[test]
fn fault_durations_that_overflow_the_clock_are_refused() {
    // LinkDown(for_s: 1e300) in a script overflowed the engine's clock: a panic.
    for (action, field) in [
        ("LinkDown(for_s: 1e300)", "for_s 1e300"),
        (
            "LinkDegrade(bandwidth_gbps: 1.0, for_s: 1e300)",
            "for_s 1e300",
        ),
    ] {
        let text = sized("1.0").replace(
            "    ],\n)",
            &format!("    ],\n    script: [\n        (at_s: 1.0, action: {action}),\n    ],\n)"),
        );
        let err = Scenario::load_str(&text, "f.ron", None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("f.ron:12:")
                && err.contains(field)
                && err.contains("longer than a day"),
            "{err}"
        );
    }
}

#[test]
fn a_syntax_error_points_at_its_line_and_column() {
    let text = sized("1.0").replace("cpus: 1, compat", "cpus: 1,, compat");
    let err = Scenario::load_str(&text, "s.ron", None)
        .unwrap_err()
        .to_string();
    let (line, col) = line_col(&err).expect("line:col");
    assert_eq!(line, 9, "{err}");
    let at = text.lines().nth(line - 1).unwrap();
    assert!(col <= at.chars().count() + 1, "{err}");
}

// ----- the dashboard -----

#[cfg(feature = "tui")]
/// The same world with other names (scenario, frames, partitions), so that two renders differ
/// by their names only.
fn named(scenario: &str, frames: [&str; 2], parts: [&str; 3]) -> Scenario {
    let mut s = Scenario::parse(NAMED, "names.ron").expect("the template parses");
    s.name = scenario.into();
    for (i, sys) in s.systems.iter_mut().enumerate() {
        sys.name = frames[i].into();
    }
    for (i, p) in s.partitions.iter_mut().enumerate() {
        p.name = parts[i].into();
        p.system = frames[if i < 2 { 0 } else { 1 }].into();
    }
    // Not checked: names with control characters are refused at load (see below), but the
    // dashboard must draw them harmlessly all the same.
    s
}

#[test]
fn control_characters_in_names_are_refused() {
    // `lpm run` prints names as they are: an escape sequence in one would reach the terminal.
    let text = sized("1.0").replace("\"huge\"", "\"\\u{1b}]0;pwned\\u{7}\"");
    let err = Scenario::load_str(&text, "n.ron", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("n.ron:9:") && err.contains("without control characters"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'), "the message escapes it: {err:?}");
    let text = sized("1.0").replace("\"frame-b\", processor", "\"frame\\tb\", processor");
    let err = Scenario::load_str(&text, "n.ron", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("frame\\tb"), "{err}");
    let text = sized("1.0").replace("\"absurd\"", "\"a\\u{7}\"");
    assert!(Scenario::load_str(&text, "n.ron", None).is_err());
}

#[cfg(feature = "tui")]
const NAMED: &str = r#"Scenario(
    name: "plain",
    seed: 3,
    link: (bandwidth_gbps: 10.0, latency_ms: 0.2),
    systems: [
        (name: "frame-a", processor: Power8, cpus: 32, memory_gib: 64.0, vlans: [10], sans: ["prod"], msps: 1),
        (name: "frame-b", processor: Power9, cpus: 32, memory_gib: 64.0, vlans: [10], sans: ["prod"], msps: 1),
    ],
    partitions: [
        (name: "db01", system: "frame-a", memory_gib: 1.0, cpus: 2.0, compat: Power8, vlans: [10], sans: ["prod"],
         users: 20, workload: Hotspot(writes_mib_s: 100.0, hot_percent: 10.0, hot_share: 0.9)),
        (name: "app01", system: "frame-a", memory_gib: 0.5, cpus: 1.0, compat: Power8, vlans: [10], sans: ["prod"],
         workload: Uniform(writes_mib_s: 10.0)),
        (name: "web01", system: "frame-b", memory_gib: 0.5, cpus: 1.0, compat: Power9, vlans: [10], sans: ["prod"]),
    ],
)"#;

#[cfg(feature = "tui")]
const BORDERS: &[&str] = &["│", "┌", "┐", "└", "┘", "├", "┤"];

#[cfg(feature = "tui")]
/// Where the pane borders are: (row, column) of every vertical or corner border cell.
fn border_cells(buf: &ratatui::buffer::Buffer) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            if BORDERS.contains(&buf[(x, y)].symbol()) {
                out.push((y, x));
            }
        }
    }
    out
}

#[cfg(feature = "tui")]
/// Each row of the buffer, as it reaches the terminal, fills exactly the width: a wide character
/// takes two cells (the second left blank), nothing spills, no control characters.
fn assert_rows_fit(buf: &ratatui::buffer::Buffer, what: &str) {
    use ratatui::text::Line;
    for y in 0..buf.area.height {
        let mut width = 0usize;
        let mut x = 0u16;
        while x < buf.area.width {
            let sym = buf[(x, y)].symbol();
            assert!(
                !sym.chars().any(char::is_control),
                "{what}: control character in row {y} col {x}: {sym:?}"
            );
            let w = Line::raw(sym).width().max(1);
            width += w;
            x += w as u16;
        }
        assert_eq!(
            width, buf.area.width as usize,
            "{what}: row {y} is {width} wide"
        );
    }
}

#[cfg(feature = "tui")]
/// The overlay box (rounded corners) on screen, if any, checked whole: four corners and
/// unbroken sides.
fn overlay(buf: &ratatui::buffer::Buffer, what: &str) -> Option<ratatui::layout::Rect> {
    let at = |x: u16, y: u16| buf[(x, y)].symbol();
    let (x0, y0) = (0..buf.area.height)
        .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
        .find(|&(x, y)| at(x, y) == "╭")?;
    let x1 = (x0 + 1..buf.area.width)
        .find(|&x| at(x, y0) == "╮")
        .unwrap_or_else(|| {
            panic!(
                "{what}: overlay without its top-right corner\n{}",
                text_of(buf)
            )
        });
    let y1 = (y0 + 1..buf.area.height)
        .find(|&y| at(x0, y) == "╰")
        .unwrap_or_else(|| {
            panic!(
                "{what}: overlay without its bottom-left corner\n{}",
                text_of(buf)
            )
        });
    assert_eq!(at(x1, y1), "╯", "{what}: overlay corner\n{}", text_of(buf));
    for y in y0 + 1..y1 {
        assert!(
            at(x0, y) == "│" && at(x1, y) == "│",
            "{what}: overlay side broken at row {y}\n{}",
            text_of(buf)
        );
    }
    Some(ratatui::layout::Rect::new(x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

#[cfg(feature = "tui")]
fn text_of(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[cfg(feature = "tui")]
#[test]
fn long_and_unicode_names_keep_the_layout() {
    use lpm::tui::Harness;
    use ratatui::crossterm::event::KeyCode;
    let long = "x".repeat(300);
    let plain = named("plain", ["frame-a", "frame-b"], ["db01", "app01", "web01"]);
    let worlds = [
        named(
            &"a long scenario name ".repeat(20),
            [&format!("frame-{long}"), &format!("frame-b-{long}")],
            [&format!("db-{long}"), &format!("app-{long}"), &long],
        ),
        named(
            "数据库 🚀 シナリオ",
            ["フレーム-一号機-🖥️", "프레임-이호기-👨‍👩‍👧‍👦"],
            [
                "数据库零一🚀",
                "e\u{301}\u{301}\u{301}-app",
                "\u{202e}שלום-web",
            ],
        ),
        named(
            "\u{1b}[2J\u{7}bell",
            ["fr\u{1b}[31ma", "fr\tb"],
            [
                "\u{1b}]0;pwned\u{7}",
                "nul\u{0}x",
                "zero\u{200b}width\u{feff}",
            ],
        ),
    ];
    for (width, height) in [(160u16, 48u16), (120, 40), (80, 24)] {
        // Idle, a move in flight, the validation popup, the help overlay.
        let drive = |s: &Scenario| {
            let mut h = Harness::new(s, width, height);
            let idle = h.render().clone();
            h.key(KeyCode::Char('m'));
            h.advance(1.5);
            let moving = h.render().clone();
            h.key(KeyCode::Char('v'));
            let popup = h.render().clone();
            h.key(KeyCode::Esc);
            h.key(KeyCode::Char('?'));
            let help = h.render().clone();
            [idle, moving, popup, help]
        };
        // The baseline: the same world with short ASCII names, in the same states.
        let base = drive(&plain);
        for (i, world) in worlds.iter().enumerate() {
            let got = drive(world);
            for (screen, (b, g)) in ["idle", "moving", "validation", "help"]
                .iter()
                .zip(base.iter().zip(got.iter()))
            {
                let what = format!("world {i} at {width}x{height}, {screen}");
                assert_rows_fit(g, &what);
                // An overlay (popup, help) is whole, and sized to its text: the panes' borders
                // are compared where neither screen has one.
                let covered = [overlay(b, &what), overlay(g, &what)];
                let hidden = |y: u16, x: u16| {
                    covered
                        .iter()
                        .flatten()
                        .any(|r| r.contains(ratatui::layout::Position { x, y }))
                };
                // Row 0 is the header: a long scenario name is cut there with an ellipsis,
                // which moves the separators after it.
                let missing: Vec<_> = border_cells(b)
                    .into_iter()
                    .filter(|&(y, x)| {
                        y > 0 && !hidden(y, x) && !BORDERS.contains(&g[(x, y)].symbol())
                    })
                    .collect();
                assert!(
                    missing.is_empty(),
                    "{what}: pane borders overwritten at (row, col) {missing:?}\n{}",
                    text_of(g)
                );
            }
        }
    }
}

// ----- issue 16 -----

/// `sized("1.0")` with its partition renamed, and a second partition of another name.
fn two_named(a: &str, b: &str) -> String {
    sized("1.0").replace(
        "(name: \"huge\", system: \"frame-a\", memory_gib: 1.0, cpus: 1, compat: Power9),",
        &format!(
            "(name: {a:?}, system: \"frame-a\", memory_gib: 1.0, cpus: 1, compat: Power9),\n        \
             (name: {b:?}, system: \"frame-a\", memory_gib: 1.0, cpus: 1, compat: Power9),"
        ),
    )
}

#[test]
fn invisible_and_look_alike_names_are_refused() {
    for (a, b, says) in [
        ("\u{200b}", "db02", "invisible characters"),
        ("db01", "db01\u{200b}", "invisible characters"),
        ("\u{202e}10bd", "db02", "bidirectional controls"),
        ("db01 ", "db02", "spaces"),
        ("db\u{a0}01", "db02", "spaces"),
        ("🚀", "🚀\u{fe0f}", "looks like partition"),
    ] {
        let text = two_named(a, b);
        let err = Scenario::load_str(&text, "n.ron", None)
            .expect_err(&format!("{a:?} / {b:?} accepted"))
            .to_string();
        assert!(err.contains(says), "{a:?} / {b:?}: {err}");
        assert!(
            err.starts_with("n.ron:9:10:") || err.starts_with("n.ron:10:10:"),
            "placed at the name: {err}"
        );
    }
    // Emoji sequences joined as emoji are, and names in any script, are names.
    for ok in [
        "👨\u{200d}👩\u{200d}👧",
        "❤\u{fe0f}",
        "数据库",
        "שלום-web",
        "db 01",
    ] {
        let text = two_named(ok, "other");
        Scenario::load_str(&text, "n.ron", None).unwrap_or_else(|r| panic!("{ok:?}: {r}"));
    }
    // A frame's name likewise.
    let text = sized("1.0").replace("\"frame-b\", processor", "\"frame-\u{2066}b\", processor");
    let err = Scenario::load_str(&text, "n.ron", None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("bidirectional"), "{err}");
}

#[test]
fn a_presenter_title_or_caption_with_control_characters_is_refused() {
    let (_, good) = lpm::presenter::script::BUILTIN[0];
    let title = good
        .lines()
        .find(|l| l.trim_start().starts_with("title:"))
        .unwrap();
    let bad = good.replacen(title, "    title: \"x\\u{1b}]0;pwned\\u{7}\",", 1);
    let err = lpm::presenter::script::load_str(&bad, "t.ron", None, None).unwrap_err();
    assert!(
        err.messages
            .iter()
            .any(|m| m.contains("without control characters")),
        "{err}"
    );
    assert!(!err.to_string().contains('\u{1b}'), "{err:?}");
    let bad = good.replacen("caption: \"", "caption: \"\\u{7}", 1);
    let err = lpm::presenter::script::load_str(&bad, "t.ron", None, None).unwrap_err();
    assert!(
        err.to_string().contains("without control characters"),
        "{err}"
    );
}

#[test]
fn random_bytes_never_panic_the_presenter_loader() {
    let mut runner = TestRunner::new(config(512));
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..400), |bytes| {
            let text = String::from_utf8_lossy(&bytes);
            if let Err(r) = lpm::presenter::script::load_str(&text, "p.ron", None, None) {
                prop_assert!(!r.messages.is_empty());
                for m in &r.messages {
                    prop_assert!(m.starts_with("p.ron"), "{m}");
                    prop_assert!(m.chars().count() <= lpm::scenario::MAX_MESSAGE_CHARS + 40);
                }
            }
            Ok(())
        })
        .unwrap();
    let ronish = "[()\\[\\],:\"a-zA-Z0-9_. \n-]{0,300}";
    runner
        .run(&ronish, |text| {
            let _ = lpm::presenter::script::load_str(&format!("Demo({text})"), "p.ron", None, None);
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_rounds_export_never_overwrites_and_never_follows_a_link() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("export");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lpm-db01-move1-rounds.csv");
    let name = path.to_str().unwrap();
    std::fs::write(&path, "the user's own file").unwrap();
    let target = dir.join("precious.txt");
    std::fs::write(&target, "precious").unwrap();
    let link = dir.join("lpm-db01-move1-rounds-2.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let written = lpm::session::driver::write_new(name, "round\n1\n").unwrap();
    assert_eq!(
        written,
        dir.join("lpm-db01-move1-rounds-3.csv").to_str().unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "the user's own file"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "round\n1\n");
    // A free name is used as it is.
    let free = dir.join("free.csv");
    assert_eq!(
        lpm::session::driver::write_new(free.to_str().unwrap(), "x").unwrap(),
        free.to_str().unwrap()
    );
}

#[test]
fn messages_shorten_what_would_fill_the_screen() {
    let field = "q".repeat(1_000_000);
    let text = sized("1.0").replace("cpus: 1, compat", &format!("cpus: 1, {field}: 2, compat"));
    let err = Scenario::load_str(&text, "m.ron", None)
        .unwrap_err()
        .to_string();
    assert!(err.len() < 600, "{} bytes", err.len());
    assert!(err.contains("(1000000 characters)"), "{err}");
    let text = sized("1e308");
    let err = Scenario::load_str(&text, "m.ron", None)
        .unwrap_err()
        .to_string();
    assert!(!err.contains("00000000000000000000"), "{err}");
    assert_eq!(
        lpm::scenario::tidy_message("x 100000000000000000000000 y 0.5"),
        "x 1e23 y 0.5"
    );
}

// ----- every accepted scenario ends, within what its own model expects -----

/// A one-move scenario from the property's parameters: any value the checks accept.
fn one_move(
    bandwidth_gbps: f64,
    mib: f64,
    writes_mib_s: f64,
    max_rounds: u32,
    max_sent_factor: f64,
    stop_and_copy: bool,
) -> String {
    let final_phase = if stop_and_copy {
        "StopAndCopy"
    } else {
        "ResumeThenPull"
    };
    format!(
        r#"Scenario(
    name: "bounded",
    link: (bandwidth_gbps: {bandwidth_gbps}, latency_ms: 0.5),
    systems: [
        (name: "a", processor: Power9, cpus: 8, memory_gib: 4.0),
        (name: "b", processor: Power9, cpus: 8, memory_gib: 4.0),
    ],
    partitions: [
        (name: "p", system: "a", memory_gib: {gib}, cpus: 1, compat: Power9,
         workload: Uniform(writes_mib_s: {writes_mib_s})),
    ],
    policy: (max_rounds: {max_rounds}, max_sent_factor: {max_sent_factor}, final_phase: {final_phase}),
    script: [(at_s: 0.0, action: Migrate(partition: "p", to: "b"))],
)"#,
        gib = mib / 1024.0
    )
}

#[test]
fn no_accepted_scenario_runs_longer_than_its_model_says() {
    let mut runner = TestRunner::new(config(24));
    let strategy = (
        // From the floor to 10 Gbit/s, on a log scale.
        -3.0..1.0f64,
        1.0..16.0f64,
        // Writes from none to twice the link's rate.
        0.0..2.0f64,
        1u32..=lpm::scenario::MAX_ROUNDS,
        1.0..=lpm::scenario::MAX_SENT_FACTOR,
        any::<bool>(),
    );
    runner
        .run(&strategy, |(log_gbps, mib, load, rounds, factor, sc)| {
            let gbps = 10f64.powf(log_gbps);
            let link_mib_s = gbps * 1e9 / 8.0 / 1048576.0;
            let writes = (load * link_mib_s).min(lpm::scenario::MAX_WRITES_MIB_S);
            let text = one_move(gbps, mib, writes, rounds, factor, sc);
            let s = Scenario::load_str(&text, "b.ron", None)
                .map_err(|r| TestCaseError::fail(r.to_string()))?;
            let mut e = Engine::new(&s).map_err(TestCaseError::fail)?;
            e.run_until(0.001);
            let forecast = e.moves()[0]
                .forecast()
                .cloned()
                .ok_or_else(|| TestCaseError::fail("no forecast at the start"))?;
            // Keep the case quick: a run the model expects to be long is the other test's.
            prop_assume!(forecast.total_s.is_finite() && forecast.total_s < 120.0);
            // The bound: twice the model's time, plus the rounds' latencies and a second.
            let bound = 2.0 * forecast.total_s + forecast.rounds as f64 * 0.001 + 1.0;
            let end = lpm::report::drive::run(&mut e, Some(bound), |_| Ok(()), |_| {})
                .map_err(|x| TestCaseError::fail(x.to_string()))?;
            prop_assert!(
                e.is_settled(),
                "{text}\nnot finished at {end} s; the model said {} s",
                forecast.total_s
            );
            Ok(())
        })
        .unwrap();
}
