//! The `lpm` binary as a user runs it: exit codes, where messages go, malformed scenarios.

use std::path::PathBuf;
use std::process::{Command, Output};

fn lpm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lpm"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the lpm binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Writes `body` to a scratch file named after the test, and returns its path.
fn scratch(name: &str, body: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}.ron"));
    std::fs::write(&path, body).expect("the scratch file is written");
    path
}

/// A small valid scenario, edited by each malformed-file case.
const SMALL: &str = r#"Scenario(
    name: "small",
    seed: 5,
    link: (bandwidth_gbps: 10.0, latency_ms: 0.2),
    systems: [
        (name: "frame-a", processor: Power8, cpus: 16, memory_gib: 64.0, vlans: [10], sans: ["prod"]),
        (name: "frame-b", processor: Power9, cpus: 16, memory_gib: 64.0, vlans: [10], sans: ["prod"]),
    ],
    partitions: [
        (name: "lp1", system: "frame-a", memory_gib: 1.0, cpus: 2.0, compat: Power8,
         vlans: [10], sans: ["prod"], users: 10,
         workload: Hotspot(writes_mib_s: 100.0, hot_percent: 10.0, hot_share: 0.8)),
    ],
    script: [
        (at_s: 0.5, action: Migrate(partition: "lp1", to: "frame-b")),
    ],
)
"#;

/// Asserts a refused scenario: exit 2, nothing on stdout, and every `expected` piece in the
/// message on stderr.
fn assert_refused(name: &str, body: &str, expected: &[&str]) {
    let path = scratch(name, body);
    let path = path.to_str().unwrap();
    for cmd in ["run", "check"] {
        let out = lpm(&[cmd, path]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name} ({cmd}): {err}");
        assert!(
            out.stdout.is_empty(),
            "{name} ({cmd}) printed: {}",
            text(&out.stdout)
        );
        for e in expected {
            assert!(err.contains(e), "{name} ({cmd}): {e:?} not in {err}");
        }
    }
}

#[test]
fn the_small_scenario_is_valid() {
    let path = scratch("small", SMALL);
    let out = lpm(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 of 1 moves valid"));
}

#[test]
fn a_truncated_file_is_refused_with_line_and_column() {
    let cut = &SMALL[..SMALL.find("workload").unwrap()];
    // The file ends inside the partition on line 11: ron reports where it ran out.
    assert_refused(
        "truncated",
        cut,
        &["cli-truncated.ron:11:", "Unexpected end of RON"],
    );
}

#[test]
fn a_wrong_type_is_refused_with_line_and_column() {
    let bad = SMALL.replace(
        "memory_gib: 1.0, cpus: 2.0",
        "memory_gib: \"one\", cpus: 2.0",
    );
    assert_refused("wrong-type", &bad, &["cli-wrong-type.ron:10:", "Expected"]);
}

#[test]
fn an_unknown_variant_is_refused_and_named() {
    let bad = SMALL.replace("processor: Power9", "processor: Power11");
    assert_refused(
        "unknown-variant",
        &bad,
        &["cli-unknown-variant.ron:7:", "Power11"],
    );
}

#[test]
fn an_unknown_field_is_refused_and_named() {
    let bad = SMALL.replace("users: 10,", "users: 10, colour: \"red\",");
    assert_refused(
        "unknown-field",
        &bad,
        &["cli-unknown-field.ron:11:", "colour"],
    );
}

#[test]
fn a_missing_required_field_is_refused_and_named() {
    let bad = SMALL.replace("compat: Power8,", "");
    assert_refused("missing-field", &bad, &["cli-missing-field.ron:", "compat"]);
}

#[test]
fn an_unknown_system_is_refused_and_named_with_its_line() {
    let bad = SMALL.replace("system: \"frame-a\"", "system: \"frame-x\"");
    assert_refused(
        "unknown-system",
        &bad,
        &["cli-unknown-system.ron:10:23: partition lp1: unknown system \"frame-x\""],
    );
}

#[test]
fn semantic_problems_are_all_reported_at_once() {
    let bad = SMALL
        .replace("bandwidth_gbps: 10.0", "bandwidth_gbps: 0")
        .replace("hot_percent: 10.0", "hot_percent: 150.0")
        .replace("(at_s: 0.5,", "(at_s: -1,")
        .replace("to: \"frame-b\"", "to: \"frame-z\"");
    assert_refused(
        "many-problems",
        &bad,
        &[
            "cli-many-problems.ron:4:12: link.bandwidth_gbps must be above 0, not 0",
            "cli-many-problems.ron:12:10: partition lp1: workload: hot_percent must be above 0 and at most 100, not 150",
            "cli-many-problems.ron:15:10: script step 1 (Migrate): at_s must be 0 or more, not -1",
            "unknown system \"frame-z\"",
        ],
    );
}

#[test]
fn a_missing_file_is_refused() {
    let out = lpm(&["run", "no/such/scenario.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("no/such/scenario.ron: cannot read the scenario"));
}

#[test]
fn json_is_byte_identical_run_to_run_and_the_seed_changes_it() {
    let path = scratch("determinism", SMALL);
    let path = path.to_str().unwrap();
    let a = lpm(&["run", path, "--json"]);
    let b = lpm(&["run", path, "--json"]);
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
    let c = lpm(&["run", path, "--json", "--seed", "6"]);
    assert_eq!(c.status.code(), Some(0));
    assert_ne!(a.stdout, c.stdout, "another seed gives other writes");
    // The seed given on the command line is the scenario's own: the same stream.
    let d = lpm(&["run", path, "--json", "--seed", "5"]);
    assert_eq!(a.stdout, d.stdout);
}

#[test]
fn until_ends_the_run_early_with_a_summary() {
    let path = scratch("until", SMALL);
    let out = lpm(&["run", path.to_str().unwrap(), "--json", "--until", "0.6"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["event"], "summary");
    assert_eq!(last["t"], 0.6);
    assert_eq!(last["completed"], 0);
    assert_eq!(last["in_flight"], 1);
}

#[test]
fn text_output_ends_with_a_table_per_move() {
    let path = scratch("text", SMALL);
    let out = lpm(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("lp1: round 1 sent 1.00 GiB"), "{stdout}");
    assert!(stdout.contains("SUSPENDED (threshold met)"), "{stdout}");
    let header = stdout
        .lines()
        .find(|l| l.starts_with("partition"))
        .expect("a summary table");
    for col in [
        "rounds", "total", "downtime", "sent", "faults", "dropped", "verified",
    ] {
        assert!(header.contains(col), "{header}");
    }
    let row = stdout.lines().find(|l| l.starts_with("lp1 ")).unwrap();
    assert!(
        row.contains("frame-a -> frame-b") && row.ends_with("yes"),
        "{row}"
    );
    // No progress bar: standard error is not a terminal here.
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn the_dashboard_without_a_terminal_points_to_run() {
    for args in [&[][..], &["tui"][..], &["assets/scenarios/default.ron"][..]] {
        let out = lpm(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(
            text(&out.stderr).contains("use `lpm run SCENARIO`"),
            "{args:?}"
        );
    }
}

#[test]
fn help_and_version_succeed_and_usage_errors_exit_1() {
    let v = lpm(&["--version"]);
    assert_eq!(v.status.code(), Some(0));
    assert_eq!(
        text(&v.stdout).trim(),
        format!("lpm {}", env!("CARGO_PKG_VERSION"))
    );
    let h = lpm(&["--help"]);
    assert_eq!(h.status.code(), Some(0));
    for cmd in ["run", "check", "tui"] {
        assert!(text(&h.stdout).contains(cmd));
    }
    let r = lpm(&["run", "--help"]);
    for flag in ["--json", "--until", "--seed"] {
        assert!(text(&r.stdout).contains(flag));
    }
    let bad = lpm(&["run", "x.ron", "--until", "soon"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("not a number of seconds"));
}

#[test]
fn check_exits_1_and_names_each_failed_check() {
    let bad = SMALL.replace(
        "vlans: [10], sans: [\"prod\"], users",
        "vlans: [10, 99], sans: [\"prod\"], users",
    );
    let path = scratch("invalid-move", &bad);
    let out = lpm(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Migrate  lp1 frame-a -> frame-b: INVALID (1 of 11 checks failed)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("- VLAN 99 not bridged on frame-b"),
        "{stdout}"
    );
}

#[test]
fn the_dashboard_refuses_a_bad_scenario_before_anything_else() {
    let bad = SMALL.replace("system: \"frame-a\"", "system: \"frame-x\"");
    let path = scratch("tui-refused", &bad);
    for args in [
        vec![path.to_str().unwrap()],
        vec!["tui", path.to_str().unwrap()],
    ] {
        let out = lpm(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(text(&out.stderr).contains("unknown system \"frame-x\""));
    }
}

#[test]
fn the_readme_run_excerpt_is_what_lpm_prints() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("    $ lpm run assets/scenarios/policies.ron\n")
        .expect("the README shows a run");
    let block: Vec<&str> = readme[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("    ") || l.is_empty())
        .collect();
    let scenario = root.join("assets/scenarios/policies.ron");
    let out = lpm(&["run", scenario.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    let printed: Vec<&str> = stdout.lines().map(str::trim_end).collect();
    let shown: Vec<&str> = block
        .iter()
        .map(|l| l.strip_prefix("    ").unwrap_or(l).trim_end())
        .filter(|l| !l.is_empty() && l.trim() != "...")
        .collect();
    assert!(shown.len() >= 8, "{shown:?}");
    for line in shown {
        // The first line names the file as the test runs it (an absolute path).
        let line = line.replace(
            "(assets/scenarios/policies.ron)",
            &format!("({})", scenario.display()),
        );
        assert!(
            printed.contains(&line.as_str()),
            "README.md shows {line:?}, which lpm run does not print:\n{stdout}"
        );
    }
}
