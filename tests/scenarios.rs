//! The shipped scenarios: each loads, checks as intended, runs to the end with `--json`, and
//! shows what its comment says it shows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use lpm::Scenario;
use lpm::engine::PartitionId;
use serde_json::Value;

const SHIPPED: [&str; 13] = [
    "consolidation",
    "energy",
    "convergence",
    "estate",
    "default",
    "maintenance",
    "non-converging",
    "policies",
    "policies-qemu",
    "large",
    "validation",
    "faults",
    "qemu-loop",
];

fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/scenarios")
        .join(format!("{name}.ron"))
}

/// `lpm run NAME --json [extra]`: the parsed lines.
fn run_json(name: &str, extra: &[&str]) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_lpm"))
        .arg("run")
        .arg(path(name))
        .arg("--json")
        .args(extra)
        .output()
        .expect("the lpm binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("JSON is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {e}: {l}")))
        .collect()
}

/// DOMAIN.md section 5: the fields each event must carry.
fn required_fields(event: &str) -> &'static [&'static str] {
    match event {
        "migration_started" => &["partition", "from", "to"],
        "validation_failed" => &["partition", "errors"],
        "round_completed" => &[
            "partition",
            "round",
            "pages_sent",
            "bytes_sent",
            "pages_dirtied",
            "dirty_rate_pages_s",
            "transfer_rate_bytes_s",
            "remaining_pages",
            "clean_percent",
            "expected_downtime_ms",
        ],
        "suspended" => &["partition", "remaining_pages"],
        "resumed" => &["partition", "system", "downtime_ms"],
        "migration_completed" => COMPLETION,
        "migration_stopped" => &["partition", "reason", "round"],
        "evacuation_started" => &["from", "to", "moving", "refused"],
        "evacuation_completed" => &["from", "moved", "refused", "total_s", "frame_empty"],
        "summary" => &[
            "completed",
            "stopped",
            "failed",
            "validation_failed",
            "migrations",
        ],
        _ => &[],
    }
}

const COMPLETION: &[&str] = &[
    "partition",
    "from",
    "to",
    "rounds",
    "total_s",
    "downtime_ms",
    "pages_sent",
    "bytes_sent",
    "demand_faults",
    "users_dropped",
    "verified",
];

/// Checks the stream's shape and returns the summary line.
fn check_stream(name: &str, lines: &[Value]) -> Value {
    let mut last_t = 0.0;
    for (i, l) in lines.iter().enumerate() {
        let t = l["t"]
            .as_f64()
            .unwrap_or_else(|| panic!("{name}:{i}: no t: {l}"));
        let event = l["event"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}:{i}: no event: {l}"));
        assert!(t >= last_t, "{name}:{i}: time goes back: {l}");
        last_t = t;
        for f in required_fields(event) {
            assert!(l.get(f).is_some(), "{name}:{i}: {event} without {f}: {l}");
        }
        assert_eq!(event == "summary", i == lines.len() - 1, "{name}:{i}: {l}");
    }
    let summary = lines.last().unwrap().clone();
    let count = |e: &str| lines.iter().filter(|l| l["event"] == e).count() as u64;
    assert_eq!(summary["completed"], count("migration_completed"), "{name}");
    assert_eq!(summary["stopped"], count("migration_stopped"), "{name}");
    assert_eq!(
        summary["validation_failed"],
        count("validation_failed"),
        "{name}"
    );
    for m in summary["migrations"].as_array().unwrap() {
        for f in COMPLETION {
            assert!(m.get(f).is_some(), "{name}: summary migration without {f}");
        }
    }
    summary
}

fn events<'a>(lines: &'a [Value], event: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["event"] == event).collect()
}

#[test]
fn every_shipped_scenario_loads_and_the_list_is_complete() {
    for name in SHIPPED {
        Scenario::load(&path(name)).unwrap_or_else(|r| panic!("{name}: {r}"));
    }
    let on_disk: Vec<String> = std::fs::read_dir(path("x").parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for f in &on_disk {
        assert!(SHIPPED.contains(&f.as_str()), "{f}.ron is not tested");
    }
}

#[test]
fn every_shipped_scenario_passes_check_except_validation() {
    for name in SHIPPED {
        let s = Scenario::load(&path(name)).unwrap();
        let plan = lpm::report::plan::check(&s).unwrap();
        // faults.ron retries a move its frame's failed movers refuse, on purpose.
        let invalid = ["validation", "faults"].contains(&name);
        assert_eq!(plan.ok(), !invalid, "{name}: {}", plan.text(&s));
    }
}

#[test]
fn validation_fails_every_check_that_can_fail() {
    let s = Scenario::load(&path("validation")).unwrap();
    let plan = lpm::report::plan::check(&s).unwrap();
    let errors: Vec<String> = plan.moves.iter().flat_map(|m| m.errors.clone()).collect();
    let expected = [
        "ok01 is already moving to frame-b",
        "home01 already runs on frame-a",
        "tape01 has dedicated I/O adapters",
        "p9mode01 runs in POWER9 mode, which a POWER8 frame (frame-a) does not support",
        "big01 needs 300 GiB of memory, frame-a has only 240 GiB free",
        "wide01 needs 40 processors, frame-a has only 24 free",
        "VLAN 20 not bridged on frame-b",
        "SAN dev not visible from frame-b",
        "frame-b already has a partition named dup01",
        "no mover service partition on frame-c",
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for e in expected {
        assert!(
            errors.iter().any(|x| x.starts_with(e)),
            "{e:?} not in {errors:#?}"
        );
    }
    // The run refuses the same ten moves, with the engine's own words, and makes the valid one.
    let lines = run_json("validation", &[]);
    let summary = check_stream("validation", &lines);
    assert_eq!(summary["validation_failed"], 10);
    assert_eq!(summary["completed"], 1);
    let failed: Vec<String> = events(&lines, "validation_failed")
        .iter()
        .map(|l| l["errors"][0].as_str().unwrap().to_string())
        .collect();
    for e in expected {
        assert!(
            failed.iter().any(|x| x.starts_with(e)),
            "{e:?} not in {failed:#?}"
        );
    }
}

#[test]
fn default_maintenance_and_validation_run_to_the_end() {
    for name in ["default", "maintenance", "validation"] {
        let lines = run_json(name, &[]);
        let summary = check_stream(name, &lines);
        assert_eq!(summary["failed"], 0, "{name}");
        assert_eq!(summary["in_flight"], 0, "{name}");
    }
}

#[test]
fn maintenance_empties_the_frame_through_the_mover_queue() {
    let lines = run_json("maintenance", &[]);
    let summary = check_stream("maintenance", &lines);
    assert_eq!(summary["completed"], 8);
    assert_eq!(
        summary["validation_failed"], 1,
        "tape01 before its adapter is removed"
    );
    assert!(events(&lines, "migration_queued").len() >= 3);
    for m in summary["migrations"].as_array().unwrap() {
        assert_eq!(m["to"], "frame-b");
        assert_eq!(m["verified"], true);
    }
    // At most four moves at once: the mover slots of one VIOS with msp_max_ops 4.
    let mut running = 0;
    let mut most = 0;
    for l in &lines {
        match l["event"].as_str().unwrap() {
            "migration_started" => running += 1,
            "migration_completed" => running -= 1,
            _ => {}
        }
        most = most.max(running);
    }
    assert_eq!(most, 4);
}

#[test]
fn non_converging_needs_help_and_converges_with_it() {
    let lines = run_json("non-converging", &[]);
    let summary = check_stream("non-converging", &lines);
    let moves = summary["migrations"].as_array().unwrap();
    assert_eq!(moves.len(), 2);
    let (alone, helped) = (&moves[0], &moves[1]);
    assert_eq!(alone["converged"], false, "{alone}");
    assert_eq!(helped["converged"], true, "{helped}");
    assert!(alone["verified"] == true && helped["verified"] == true);
    // Without help the clean share stalls well below the 99% target.
    let clean: Vec<f64> = events(&lines, "round_completed")
        .iter()
        .filter(|r| r["t"].as_f64().unwrap() < 100.0)
        .map(|r| r["clean_percent"].as_f64().unwrap())
        .collect();
    assert!(clean.iter().all(|&c| c < 95.0), "{clean:?}");
    let suspended = events(&lines, "suspended");
    assert_eq!(suspended[0]["reason"], "max_sent_factor");
    assert_eq!(suspended[1]["reason"], "threshold");
    assert!(!events(&lines, "auto_converge_throttle").is_empty());
}

#[test]
fn policies_show_lpm_against_qemu() {
    let lpm_lines = run_json("policies", &[]);
    let qemu_lines = run_json("policies-qemu", &[]);
    let lpm = &check_stream("policies", &lpm_lines)["migrations"][0];
    let qemu = &check_stream("policies-qemu", &qemu_lines)["migrations"][0];
    let f = |v: &Value, k: &str| v[k].as_f64().unwrap();
    // LPM resumes at once: downtime is the suspend overhead and latency only.
    assert!(f(lpm, "downtime_ms") < 60.0, "{lpm}");
    assert!(f(lpm, "demand_faults") > 0.0, "{lpm}");
    // QEMU copies the rest while stopped, within its 300 ms limit plus the fixed overhead.
    assert!(
        f(qemu, "downtime_ms") > 100.0 && f(qemu, "downtime_ms") < 350.0,
        "{qemu}"
    );
    assert_eq!(f(qemu, "demand_faults"), 0.0);
    assert!(f(qemu, "rounds") > f(lpm, "rounds"));
    assert!(lpm["verified"] == true && qemu["verified"] == true);
}

#[test]
fn large_runs_at_scale_for_a_few_seconds() {
    let lines = run_json("large", &["--until", "3"]);
    let summary = check_stream("large", &lines);
    assert_eq!(summary["in_flight"], 1);
    assert_eq!(summary["t"], 3.0);
    let started = events(&lines, "migration_started");
    assert_eq!(started[0]["partition"], "hana01");
}

#[test]
fn the_json_stream_is_the_same_whatever_the_run_length() {
    // Stopping at --until gives a prefix of the full run's events: slices do not change them.
    let full = run_json("validation", &[]);
    let part = run_json("validation", &["--until", "4.8"]);
    let n = part.len() - 1;
    assert!(n > 10);
    assert_eq!(full[..n], part[..n]);
    let kinds: BTreeMap<String, usize> = full.iter().fold(BTreeMap::new(), |mut m, l| {
        *m.entry(l["event"].as_str().unwrap().to_string())
            .or_default() += 1;
        m
    });
    assert_eq!(kinds["round_completed"], 2);
}

#[test]
fn the_readme_example_is_a_valid_scenario() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("```ron\n").expect("an example") + "```ron\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let s = Scenario::load_str(&readme[start..end], "README.md", None)
        .unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(s.seed, 42);
    assert_eq!(s.script.len(), 5);
}

#[test]
fn the_memory_estimate_matches_what_the_engine_holds() {
    // The refusal of scenarios too big for this machine rests on this per-page figure.
    let s = Scenario::load(&path("policies")).unwrap();
    let mut e = lpm::Engine::new(&s).unwrap();
    e.run_until(1.5);
    let m = e.move_of(PartitionId::new(0)).expect("erp01 is moving");
    let p = e.partition(PartitionId::new(0));
    let held = (p.memory().unwrap().state_bytes() + m.state_bytes()) as f64;
    let estimate = s.simulation_bytes();
    assert!(
        (held - estimate).abs() < estimate * 0.02,
        "engine holds {held} bytes, the estimate is {estimate}"
    );
}

#[test]
fn faults_show_a_stall_a_failure_and_a_loss() {
    let lines = run_json("faults", &[]);
    let summary = check_stream("faults", &lines);
    assert!(!events(&lines, "move_stalled").is_empty());
    let failed = events(&lines, "migration_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["partition"], "app01");
    assert_eq!(failed[0]["source_intact"], true);
    let lost = events(&lines, "partition_lost");
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0]["partition"], "db01");
    assert!(lost[0]["pages_missing"].as_u64().unwrap() > 0);
    assert_eq!(summary["lost"], 1);
    assert_eq!(summary["pages_lost"], lost[0]["pages_missing"]);
    assert_eq!(summary["completed"], 1, "web01 made it despite the outage");
}

#[test]
fn qemu_loop_replays_a_measured_migration() {
    // tests/data/qemu: real QEMU took 10.26 s, sent 330.2 MiB, synced 8 times, found 8,284
    // zero pages.
    let lines = run_json("qemu-loop", &[]);
    let c = &check_stream("qemu-loop", &lines)["migrations"][0];
    let f = |k: &str| c[k].as_f64().unwrap();
    assert!((f("total_s") - 10.26).abs() / 10.26 < 0.07, "{c}");
    let mib = f("bytes_sent") / 1048576.0;
    assert!((mib - 330.2).abs() / 330.2 < 0.07, "{c}");
    assert!((f("rounds") - 8.0).abs() <= 2.0, "{c}");
    assert_eq!(f("zero_pages"), 8284.0);
    assert_eq!(f("bytes_zero"), 8284.0 * 9.0);
    assert!(c["verified"] == true && c["converged"] == true, "{c}");
    // Every interval between syncs is a round, and the last one closes inside the downtime.
    let rounds = events(&lines, "round_completed");
    assert_eq!(rounds.len() as f64, f("rounds") - 1.0);
    let suspended = events(&lines, "suspended");
    assert_eq!(rounds.last().unwrap()["t"], suspended[0]["t"]);
}
