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

// ----- issue 16: nothing hangs, nothing is overwritten, nothing is reported wrong -----

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs lpm with a time limit that is only a guard: a test fails, rather than hangs, when lpm
/// does not end by itself. Returns the output once it has ended.
fn lpm_guarded(args: &[&str], limit_s: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lpm"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lpm binary runs");
    // Read both pipes on threads, so that a full pipe never stalls the child.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = so.read_to_end(&mut b);
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = se.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(limit_s) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lpm {args:?} did not end within {limit_s} s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    }
}

#[test]
fn devices_directories_fifos_and_huge_files_are_refused_before_reading() {
    let fifo = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-fifo.ron");
    let _ = std::fs::remove_file(&fifo);
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads the path only.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // A sparse file one byte past the bound: no disk is spent on it.
    let huge = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-huge.ron");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(lpm::scenario::read::MAX_FILE_BYTES + 1).unwrap();
    let dir = env!("CARGO_TARGET_TMPDIR");
    let cases = [
        ("/dev/zero", "not a regular file"),
        ("/dev/urandom", "not a regular file"),
        (fifo.to_str().unwrap(), "not a regular file"),
        (dir, "a directory"),
        (
            huge.to_str().unwrap(),
            "lpm reads files of at most 16.0 MiB",
        ),
    ];
    for (path, why) in cases {
        for cmd in ["run", "check"] {
            let out = lpm_guarded(&[cmd, path], 20);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{cmd} {path}: {err}");
            assert!(err.contains(why), "{cmd} {path}: {err}");
            assert!(out.stdout.is_empty());
        }
    }
    // A presenter script, and the scenario a script names: the same reader.
    let out = lpm_guarded(&["demo", "/dev/zero", "--record", "/dev/null"], 20);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not a regular file"));
    let script = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-script-zero.ron");
    std::fs::write(
        &script,
        "Demo(title: \"z\", scenario: File(\"/dev/zero\"), steps: [(when: Key)])",
    )
    .unwrap();
    let out = lpm_guarded(
        &["demo", script.to_str().unwrap(), "--record", "/dev/null"],
        20,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not a regular file"));
    let _ = std::fs::remove_file(&fifo);
    let _ = std::fs::remove_file(&huge);
}

#[test]
fn a_byte_order_mark_is_no_error() {
    let path = scratch("bom", &format!("\u{feff}{SMALL}"));
    let out = lpm(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn any_until_ends_the_run_at_the_first_step_past_it() {
    for (until, end) in [
        ("0.0005", 0.001),
        ("1.0005", 1.001),
        ("2.0015", 2.002),
        ("1e-7", 0.001),
        ("0", 0.0),
        ("0.6", 0.6),
    ] {
        let out = lpm_guarded(
            &[
                "run",
                "assets/scenarios/convergence.ron",
                "--json",
                "--until",
                until,
            ],
            60,
        );
        assert_eq!(out.status.code(), Some(0), "{until}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
        assert_eq!(last["event"], "summary", "{until}");
        assert_eq!(last["t"], end, "--until {until}");
    }
}

/// SMALL with `from` replaced by `to` (which must be there).
fn small_with(from: &str, to: &str) -> String {
    assert!(SMALL.contains(from), "{from}");
    SMALL.replace(from, to)
}

#[test]
fn rates_below_the_physical_floor_are_refused_where_they_are_written() {
    assert_refused(
        "tiny-bandwidth",
        &small_with("bandwidth_gbps: 10.0", "bandwidth_gbps: 1e-300"),
        &[
            "cli-tiny-bandwidth.ron:4:12: link.bandwidth_gbps must be at least 0.001 (1 Mbit/s), not 1e-300",
        ],
    );
    assert_refused(
        "tiny-efficiency",
        &small_with(
            "latency_ms: 0.2)",
            "latency_ms: 0.2, payload_efficiency: 1e-300)",
        ),
        &["cli-tiny-efficiency.ron:4:51: link.payload_efficiency must be at least 0.01"],
    );
    assert_refused(
        "tiny-cap",
        &small_with(
            "    ],\n)",
            "        (at_s: 1.0, action: SetBandwidthCap(partition: \"lp1\", mib_s: 1e-300)),\n    ],\n)",
        ),
        &[
            "cli-tiny-cap.ron:16:63: script step 2 (SetBandwidthCap): SetBandwidthCap mib_s must be at least 0.1",
        ],
    );
    assert_refused(
        "degrade-tiny",
        &small_with(
            "    ],\n)",
            "        (at_s: 1.0, action: LinkDegrade(bandwidth_gbps: 1e-300, for_s: 5.0)),\n    ],\n)",
        ),
        &[
            "cli-degrade-tiny.ron:16:41: script step 2 (LinkDegrade): LinkDegrade bandwidth_gbps must be at least 0.001",
        ],
    );
}

#[test]
fn caps_that_never_end_a_move_are_refused_at_load() {
    assert_refused(
        "huge-caps",
        &small_with(
            "    script: [",
            "    policy: (max_rounds: 4294967295, max_sent_factor: 1e308),\n    script: [",
        ),
        &[
            "cli-huge-caps.ron:14:14: policy.max_rounds must be at most 1000000, not 4294967295",
            "cli-huge-caps.ron:14:38: policy.max_sent_factor must be at most 1000, not 1e308",
        ],
    );
}

#[test]
fn huge_names_and_numbers_are_shortened_in_messages() {
    let field = "z".repeat(100_000);
    let out_of_range = small_with("memory_gib: 1.0, cpus", "memory_gib: 1e308, cpus");
    let bad = small_with("users: 10,", &format!("users: 10, {field}: 1,"));
    for (name, body) in [("long-field", bad), ("huge-number", out_of_range)] {
        let path = scratch(name, &body);
        let out = lpm(&["check", path.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            err.len() < 2_000,
            "{name}: {} bytes: {}",
            err.len(),
            &err[..300]
        );
        assert!(!err.contains("0000000000000000000"), "{name}: {err}");
    }
}

#[test]
fn a_move_the_model_cannot_finish_within_a_day_is_said() {
    let slow = small_with("bandwidth_gbps: 10.0", "bandwidth_gbps: 0.001");
    let slow = slow.replace("memory_gib: 1.0, cpus", "memory_gib: 64.0, cpus");
    let path = scratch("unfinishable", &slow);
    let out = lpm_guarded(&["run", path.to_str().unwrap(), "--until", "2"], 60);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("the model expects lp1's move to take") && err.contains("more than a day"),
        "{err}"
    );
    // A move that does finish says nothing of the kind.
    let out = lpm(&["run", scratch("finishable", SMALL).to_str().unwrap()]);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn a_reader_that_goes_away_gives_status_1_and_no_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lpm"))
        .args(["run", "assets/scenarios/estate.ron", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, as `| head -c 100` does, then go away.
    let mut head = [0u8; 100];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut head)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_closed_standard_output_gives_status_1() {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lpm"));
    cmd.args(["run", "assets/scenarios/policies.ron", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::piped());
    // SAFETY: close(2) is async-signal-safe; the child closes its own standard output (`>&-`).
    unsafe {
        cmd.pre_exec(|| {
            libc::close(1);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("standard output is closed"));
}

#[test]
fn fail_on_loss_gives_status_3_after_data_loss() {
    let faults = "assets/scenarios/faults.ron";
    let out = lpm(&["run", faults, "--fail-on-loss"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 lost"),
        "{}",
        text(&out.stdout)
    );
    // Without the flag a finished run is a success, whatever it did; and a run without loss
    // is a success with it.
    assert_eq!(lpm(&["run", faults]).status.code(), Some(0));
    let fine = lpm(&["run", "assets/scenarios/policies.ron", "--fail-on-loss"]);
    assert_eq!(fine.status.code(), Some(0));
}

#[test]
fn sizes_and_sweep_values_out_of_range_say_the_range() {
    let out = lpm(&["demo", "--record", "/dev/null", "--size", "100000x100000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("100000x100000: the dashboard needs 80x24 to 400x200"),
        "{}",
        text(&out.stderr)
    );
    for (vary, says) in [
        (
            "writes_mib_s=1e308",
            "writes_mib_s must be from 0 to 102400, not 1e308",
        ),
        (
            "max_rounds=1e12",
            "max_rounds must be from 1 to 1000000, not 1000000000000",
        ),
        (
            "max_sent_factor=0..2000:3",
            "max_sent_factor must be from 1 to 1000, not 0",
        ),
        (
            "bandwidth_gbps=1e-300",
            "bandwidth_gbps must be from 0.001 to 10000, not 1e-300",
        ),
    ] {
        let out = lpm(&[
            "sweep",
            "assets/scenarios/convergence.ron",
            "--partition",
            "lab01",
            "--vary",
            vary,
        ]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{vary}: {err}");
        assert!(err.contains(says), "{vary}: {err}");
    }
}

#[test]
fn every_shipped_recording_is_what_lpm_demo_records() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut casts: Vec<PathBuf> = std::fs::read_dir(root.join("demo"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cast"))
        .collect();
    casts.sort();
    assert!(casts.len() >= 3, "{casts:?}");
    for cast in casts {
        let stem = cast.file_stem().unwrap().to_str().unwrap();
        let shipped = lpm::scenario::read::read_text(&cast, "the recording").unwrap();
        // It parses: a v2 header, then [time, "o", text] events in time order.
        let mut lines = shipped.lines();
        let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(header["version"], 2, "{stem}");
        let (w, h) = (
            header["width"].as_u64().unwrap(),
            header["height"].as_u64().unwrap(),
        );
        assert!(w >= 80 && h >= 24, "{stem}: {w}x{h}");
        let mut t = 0.0;
        for (i, line) in lines.enumerate() {
            let ev: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{stem} event {}: {e}", i + 1));
            let at = ev[0].as_f64().unwrap();
            assert!(at >= t, "{stem}: event {} goes back in time", i + 1);
            assert_eq!(ev[1], "o", "{stem}");
            assert!(ev[2].is_string(), "{stem}");
            t = at;
        }
        // And it is byte for byte what the command makes.
        let made = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{stem}.cast"));
        let size = format!("{w}x{h}");
        let out = lpm(&[
            "demo",
            stem,
            "--record",
            made.to_str().unwrap(),
            "--size",
            &size,
        ]);
        assert_eq!(out.status.code(), Some(0), "{stem}: {}", text(&out.stderr));
        let fresh = std::fs::read_to_string(&made).unwrap();
        assert!(
            fresh == shipped,
            "demo/{stem}.cast is not what `lpm demo {stem} --record` makes: re-record it"
        );
    }
}

#[test]
fn the_readme_limits_list_every_bound_with_its_value() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme.find("\n## Limits\n").expect("a Limits section");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |e| start + 1 + e);
    let limits = &readme[start..end];
    use lpm::scenario as sc;
    let thousands = |n: u64| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    for (what, shown) in [
        (
            "MAX_FILE_BYTES",
            format!("{} MiB", sc::read::MAX_FILE_BYTES >> 20),
        ),
        (
            "MIN_BANDWIDTH_GBPS",
            format!("{} Gbit/s", sc::MIN_BANDWIDTH_GBPS),
        ),
        (
            "MIN_PAYLOAD_EFFICIENCY",
            format!("{} to 1", sc::MIN_PAYLOAD_EFFICIENCY),
        ),
        ("MIN_CAP_MIB_S", format!("{} MiB/s", sc::MIN_CAP_MIB_S)),
        (
            "MAX_ROUNDS",
            format!("1 to {}", thousands(sc::MAX_ROUNDS as u64)),
        ),
        (
            "MAX_SENT_FACTOR",
            format!("1 to {}", thousands(sc::MAX_SENT_FACTOR as u64)),
        ),
        ("MAX_MSP_OPS", thousands(sc::MAX_MSP_OPS as u64)),
        ("MAX_DELAY_MS", thousands(sc::MAX_DELAY_MS as u64)),
        ("MAX_WRITES_MIB_S", thousands(sc::MAX_WRITES_MIB_S as u64)),
        ("MAX_AT_S", thousands(sc::MAX_AT_S as u64)),
        (
            "MAX_QUOTED_CHARS",
            format!("{} characters", sc::MAX_QUOTED_CHARS),
        ),
        ("MAX_MESSAGE_CHARS", thousands(sc::MAX_MESSAGE_CHARS as u64)),
        (
            "MAX_EXPORT_NAMES",
            format!("-{}.csv", lpm::session::driver::MAX_EXPORT_NAMES),
        ),
        ("MAX_STEPS", thousands(lpm::lab::sweep::MAX_STEPS as u64)),
        ("MAX_POINTS", thousands(lpm::lab::sweep::MAX_POINTS as u64)),
    ] {
        assert!(
            limits.contains(&shown),
            "README's Limits lacks {what} as {shown:?}"
        );
    }
}
