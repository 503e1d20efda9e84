//! The convergence lab: sweeps against the analytic model, determinism across threads, SVG.

mod common;

use std::process::{Command, Output};

use common::{gbps_of_pages, partition, scenario};
use lpm::lab::sweep::{Param, Plan, Sweep, Vary};
use lpm::lab::{Preset, Subject};
use lpm::spec::Workload;
use lpm::spec::{FinalPhase, Policy, Precopy, Switchover};

/// 1 GiB in 4 KiB pages: M = 262,144 pages.
const M: f64 = 262_144.0;
/// The link's payload, pages/s (about 1 Gbit/s).
const R: f64 = 30_000.0;

/// Dirty rates from 0 to 1.4 times the link's rate, as MiB/s of page writes.
fn ratios() -> Vec<f64> {
    vec![0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4]
}

fn uniform_plan(policy: Policy) -> Plan {
    let mut s = scenario(
        vec![partition(
            "vm",
            "frame-a",
            1.0,
            Workload::Uniform { writes_mib_s: 0.0 },
        )],
        gbps_of_pages(R),
        policy,
    );
    s.link.latency_ms = 0.2;
    let subject = Subject::find(&s, "vm", None).expect("vm is in the scenario");
    Plan {
        scenario: s,
        subject,
        vary: vec![Vary {
            param: Param::WritesMibS,
            // Page writes per second times 4 KiB, in MiB/s.
            values: ratios().iter().map(|r| r * R * 4.0 / 1024.0).collect(),
        }],
        preset: None,
    }
}

fn qemu() -> Policy {
    Policy {
        switchover: Switchover::DowntimeLimit { ms: 300.0 },
        final_phase: FinalPhase::StopAndCopy,
        ..Policy::default()
    }
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-9)
}

/// The simulation against the saturating analytic model, point by point.
///
/// Tolerances, and why:
/// - rounds within 1: the switch-over test is a sharp cut (a clean share, a downtime, a cap on
///   data sent) applied to a count that is random in the simulation; when the model's value
///   lands near the cut, the simulated run may cross it one round earlier or later.
/// - total time and data sent within 3%: the distinct pages a round dirties are a sum of
///   hundreds of thousands of nearly independent page indicators, whose relative spread is
///   well under 1% at these sizes; one round more or less near a cap adds at most a small
///   round's worth (the rounds are short once the series has shrunk or levelled off).
/// - downtime within 5% (+1 ms) where the rounds agree: a stop-and-copy's downtime is the
///   final dirty set over the link, the same distinct-page count; where the rounds differ, the
///   final set is that of another round and is not comparable.
fn assert_agrees(sweep: &Sweep) {
    for pt in &sweep.points {
        let o = pt.outcome.as_ref().expect("every point runs");
        let at = pt.params[0].1;
        assert!(o.verified, "at {at} MiB/s the memory verifies");
        assert!(
            o.rounds.abs_diff(o.predicted_rounds) <= 1,
            "at {at} MiB/s: {} rounds, model {}",
            o.rounds,
            o.predicted_rounds
        );
        assert!(
            rel(o.total_s, o.predicted_total_s) < 0.03,
            "at {at} MiB/s: total {} s, model {} s",
            o.total_s,
            o.predicted_total_s
        );
        assert!(
            rel(o.bytes_sent as f64, o.predicted_bytes_sent) < 0.03,
            "at {at} MiB/s: sent {}, model {}",
            o.bytes_sent,
            o.predicted_bytes_sent
        );
        if o.rounds == o.predicted_rounds {
            assert!(
                (o.downtime_ms - o.predicted_downtime_ms).abs()
                    <= 0.05 * o.predicted_downtime_ms + 1.0,
                "at {at} MiB/s: downtime {} ms, model {} ms",
                o.downtime_ms,
                o.predicted_downtime_ms
            );
        }
        assert_eq!(
            o.converged, o.predicted_converged,
            "at {at} MiB/s the model and the simulation agree on convergence"
        );
    }
}

#[test]
fn a_uniform_sweep_agrees_with_the_analytic_model() {
    let lpm = uniform_plan(Policy::default()).run(None).unwrap();
    assert_agrees(&lpm);
    let qemu = uniform_plan(qemu()).run(None).unwrap();
    assert_agrees(&qemu);
    // Below the link's rate the move converges; at and above it a cap forces the switch-over.
    let converged: Vec<bool> = qemu
        .points
        .iter()
        .map(|p| p.outcome.as_ref().unwrap().converged)
        .collect();
    assert!(converged[..5].iter().all(|c| *c), "{converged:?}");
    assert!(converged[6..].iter().all(|c| !*c), "{converged:?}");
}

/// QEMU's own loop against its model in expectation (`predictor::predict_qemu`).
///
/// Tolerances, and why: a sync happens at the first check (every 50 ms) after the pending data
/// falls below the threshold, so the count of syncs near the end can differ by a couple where
/// the model's drain lands near a check; total time and data still agree to 3% (the syncs near
/// the end are short); the downtime is the data pending at the switch, anywhere from a check's
/// worth of sending below the threshold up to it: 50 ms of a 300 ms limit, so 20%.
#[test]
fn a_uniform_sweep_on_qemus_loop_agrees_with_its_model() {
    for auto_converge in [false, true] {
        let policy = Policy {
            precopy: Precopy::Qemu,
            auto_converge,
            ..qemu()
        };
        let sweep = uniform_plan(policy).run(None).unwrap();
        for pt in &sweep.points {
            let o = pt.outcome.as_ref().expect("every point runs");
            let at = pt.params[0].1;
            let ctx = format!("auto-converge {auto_converge}, {at} MiB/s: {o:?}");
            assert!(o.verified, "{ctx}");
            assert!(o.rounds.abs_diff(o.predicted_rounds) <= 2, "{ctx}");
            assert!(rel(o.total_s, o.predicted_total_s) < 0.03, "{ctx}");
            assert!(
                rel(o.bytes_sent as f64, o.predicted_bytes_sent) < 0.03,
                "{ctx}"
            );
            assert_eq!(o.converged, o.predicted_converged, "{ctx}");
            if o.converged {
                assert!(
                    (o.downtime_ms - o.predicted_downtime_ms).abs()
                        <= 0.2 * o.predicted_downtime_ms + 1.0,
                    "{ctx}"
                );
            }
        }
    }
}

#[test]
fn high_dirty_rates_depart_from_the_unsaturated_geometric_model() {
    // The geometric model: round 2 sends every write of round 1, W = D * M / R pages, as if
    // no page were written twice. Writes spread uniformly over M pages touch only
    // M (1 - e^(-W/M)) distinct pages, so the two agree while W << M and part as D nears R.
    let sweep = uniform_plan(Policy::default()).run(None).unwrap();
    for (pt, ratio) in sweep.points.iter().zip(ratios()) {
        if ratio == 0.0 {
            continue;
        }
        let o = pt.outcome.as_ref().unwrap();
        let second = o.round_pages[1] as f64;
        let geometric = ratio * M;
        let saturated = M * (1.0 - (-ratio).exp());
        assert!(
            rel(second, saturated) < 0.02,
            "D/R = {ratio}: round 2 sent {second}, saturating law {saturated}"
        );
        let gap = rel(second, geometric);
        if ratio <= 0.1 {
            assert!(
                gap < 0.06,
                "D/R = {ratio}: {second} vs geometric {geometric}"
            );
        }
        if ratio >= 1.0 {
            // 1 - e^-1 = 0.63 of the geometric figure at D = R, 0.54 at 1.4 R.
            assert!(
                gap > 0.3,
                "D/R = {ratio}: {second} vs geometric {geometric}"
            );
            // The geometric series never shrinks at D >= R; the simulated rounds level off
            // at the working set (every round after the first under M pages).
            assert!(o.round_pages[1..].iter().all(|&p| (p as f64) < M));
        }
    }
}

#[test]
fn sweep_output_is_the_same_run_to_run_and_whatever_the_threads() {
    let mut plan = uniform_plan(qemu());
    // A grid: two parameters, the last varying fastest.
    plan.vary = vec![
        Vary::parse("writes_mib_s=20..100:3").unwrap(),
        Vary::parse("bandwidth_gbps=1,2").unwrap(),
    ];
    let outputs = |threads| {
        let s = plan.run(Some(threads)).unwrap();
        (s.text(), s.csv(), s.json_lines(), s.figure().to_svg())
    };
    let one = outputs(1);
    assert_eq!(one, outputs(1), "run to run");
    assert_eq!(one, outputs(2), "two threads");
    assert_eq!(one, outputs(5), "more threads than cores");
    // Grid order: the last --vary fastest.
    let lines: Vec<&str> = one.1.lines().skip(1).collect();
    assert_eq!(lines.len(), 6);
    assert!(lines[0].starts_with("20,1,") && lines[1].starts_with("20,2,"));
    assert!(lines[5].starts_with("100,2,"));
}

#[test]
fn vary_accepts_ranges_lists_and_single_values_and_explains_mistakes() {
    let v = Vary::parse("bandwidth_gbps=1..3:5").unwrap();
    assert_eq!(v.values, vec![1.0, 1.5, 2.0, 2.5, 3.0]);
    assert_eq!(Vary::parse("hot_percent=0..40").unwrap().values.len(), 5);
    assert_eq!(
        Vary::parse("page_size_kib=4,64").unwrap().values,
        vec![4.0, 64.0]
    );
    assert_eq!(Vary::parse("threshold=95").unwrap().values, vec![95.0]);
    for (bad, says) in [
        ("writes_mib_s", "expected PARAM=FROM..TO"),
        ("dirty=1..2", "unknown parameter"),
        ("writes_mib_s=a..2", "not a number"),
        ("writes_mib_s=1..2:0", "STEPS must be"),
        ("writes_mib_s=1..2:x", "not a whole number"),
        ("writes_mib_s=1..2:100000", "STEPS must be"),
        ("max_rounds=1..2:3", "whole numbers"),
        ("writes_mib_s=-5", "0 or more"),
        ("writes_mib_s=nan", "finite"),
    ] {
        let e = Vary::parse(bad).unwrap_err();
        assert!(e.contains(says), "{bad}: {e}");
    }
}

#[test]
fn a_point_that_makes_no_sense_is_refused_before_anything_runs() {
    let mut plan = uniform_plan(Policy::default());
    plan.vary = vec![Vary::parse("page_size_kib=4,16").unwrap()];
    let e = plan.run(Some(1)).unwrap_err();
    assert!(e.contains("page_size_kib=16"), "{e}");
    plan.vary = vec![Vary::parse("hot_percent=5,10").unwrap()];
    let e = plan.run(Some(1)).unwrap_err();
    assert!(e.contains("does not apply"), "{e}");
}

#[test]
fn presets_carry_each_platforms_rules() {
    let base = Policy::default();
    let xen = Preset::Xen.apply(&base, 262_144);
    let Switchover::PercentClean(p) = xen.switchover else {
        panic!("Xen's rule is a clean share")
    };
    // 49 dirty pages pass, 50 do not.
    assert!((262_144.0 - 49.0) / 262_144.0 * 100.0 >= p);
    assert!((262_144.0 - 50.0) / 262_144.0 * 100.0 < p);
    assert_eq!((xen.max_rounds, xen.max_sent_factor), (30, 3.0));
    let ac = Preset::QemuAutoConverge.apply(&base, 1);
    assert!(ac.auto_converge && ac.final_phase == FinalPhase::StopAndCopy);
}

// ----- the binary -----

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

const LAB: &str = "assets/scenarios/convergence.ron";

fn tmp(name: &str) -> String {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(name)
        .display()
        .to_string()
}

/// Every series of an SVG, by name, with its number of drawn points (or bars).
fn series(svg: &str) -> Vec<(String, usize)> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    root.descendants()
        .filter(|n| n.attribute("class") == Some("series"))
        .map(|g| {
            let name = g.attribute("data-series").unwrap_or_default().to_string();
            let n = g
                .children()
                .filter(|c| c.is_element())
                .map(|c| match c.tag_name().name() {
                    "polyline" => c
                        .attribute("points")
                        .unwrap_or("")
                        .split_whitespace()
                        .count(),
                    "rect" => 1,
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
                .max(
                    g.children()
                        .filter(|c| c.tag_name().name() == "rect")
                        .count(),
                );
            (name, n)
        })
        .collect()
}

/// Every text of an SVG (titles, axis labels, legend).
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn sweep_svg_has_simulated_and_predicted_series_with_labelled_axes() {
    let file = tmp("sweep.svg");
    let csv = tmp("sweep.csv");
    let out = lpm(&[
        "sweep",
        LAB,
        "--partition",
        "lab01",
        "--vary",
        "writes_mib_s=0..120:4",
        "--svg",
        &file,
        "--csv",
        &csv,
        "--threads",
        "2",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("model downtime"), "{stdout}");
    assert_eq!(stdout.lines().count(), 3 + 4, "{stdout}");
    let svg = std::fs::read_to_string(&file).unwrap();
    let s = series(&svg);
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    // Four panels (total time, downtime, data sent, rounds), each simulated and predicted.
    assert_eq!(
        names.iter().filter(|n| **n == "simulated").count(),
        4,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| **n == "predicted").count(),
        4,
        "{names:?}"
    );
    assert!(s.iter().all(|(_, n)| *n == 4), "{s:?}");
    let t = texts(&svg);
    for label in [
        "writes_mib_s (MiB/s)",
        "total time (s)",
        "downtime (ms)",
        "simulated",
        "predicted",
    ] {
        assert!(t.iter().any(|x| x == label), "{label} in {t:?}");
    }
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.starts_with("writes_mib_s,rounds,total_s,downtime_ms,"));
    assert_eq!(csv.lines().count(), 5);
}

#[test]
fn run_svg_draws_rounds_and_rates_per_move() {
    let file = tmp("run.svg");
    let out = lpm(&["run", LAB, "--svg", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(&file).unwrap();
    let s = series(&svg);
    let get = |name: &str| {
        s.iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} in {s:?}"))
            .1
    };
    // Five rounds at 40 MiB/s on this link (as `lpm sweep` shows); rates every 0.1 s.
    assert_eq!(get("pages sent"), 5);
    assert_eq!(get("pages dirtied"), 5);
    assert!(get("dirty rate") > 50 && get("transfer rate") > 50);
    let t = texts(&svg);
    for label in [
        "pre-copy round",
        "pages sent",
        "rate (MiB/s)",
        "simulated time (s)",
    ] {
        assert!(t.iter().any(|x| x == label), "{label} in {t:?}");
    }
}

#[test]
fn sweep_and_compare_print_the_same_whatever_the_threads() {
    let args = |threads: &'static str| {
        [
            "sweep",
            LAB,
            "--partition",
            "lab01",
            "--vary",
            "writes_mib_s=0..120:4",
            "--json",
            "--threads",
            threads,
        ]
    };
    let one = lpm(&args("1"));
    let two = lpm(&args("2"));
    assert!(one.status.success());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(text(&one.stdout).lines().count(), 4);
    let c1 = lpm(&["compare", LAB, "--partition", "lab01", "--threads", "1"]);
    let c2 = lpm(&["compare", LAB, "--partition", "lab01"]);
    assert!(c1.status.success(), "{}", text(&c1.stderr));
    assert_eq!(c1.stdout, c2.stdout);
    let out = text(&c1.stdout);
    for col in [
        "PowerVM LPM",
        "QEMU",
        "QEMU + auto-converge",
        "Xen",
        "downtime",
        "verified",
    ] {
        assert!(out.contains(col), "{col} in {out}");
    }
}

#[test]
fn mistakes_on_the_command_line_exit_1_and_refused_scenarios_exit_2() {
    for (args, says) in [
        (vec!["--vary", "writes_mib_s=1..x"], "not a number"),
        (vec!["--vary", "speed=1..2"], "unknown parameter"),
        (
            vec!["--vary", "writes_mib_s=1..2", "--policy", "vmware"],
            "unknown policy",
        ),
        (
            vec!["--vary", "writes_mib_s=1..2", "--vary", "writes_mib_s=3"],
            "twice",
        ),
        (vec!["--vary", "bandwidth_gbps=0,1"], "bandwidth_gbps=0"),
    ] {
        let mut all = vec!["sweep", LAB, "--partition", "lab01"];
        all.extend(args.iter().copied());
        let out = lpm(&all);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        assert!(out.stdout.is_empty(), "{all:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{all:?}: {}",
            text(&out.stderr)
        );
    }
    let out = lpm(&[
        "sweep",
        LAB,
        "--partition",
        "nobody",
        "--vary",
        "writes_mib_s=1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no partition \"nobody\""));
    let out = lpm(&["compare", LAB, "--partition", "lab01", "--to", "frame-z"]);
    assert_eq!(out.status.code(), Some(1));
    let out = lpm(&[
        "sweep",
        "Cargo.toml",
        "--partition",
        "x",
        "--vary",
        "writes_mib_s=1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = lpm(&["compare", "no-such-file.ron", "--partition", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_move_that_fails_validation_is_a_row_not_run_with_the_reason() {
    let out = lpm(&[
        "sweep",
        "assets/scenarios/validation.ron",
        "--partition",
        "tape01",
        "--to",
        "frame-b",
        "--vary",
        "bandwidth_gbps=1,2",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("not run at bandwidth_gbps=2: validation failed: tape01 has dedicated I/O"),
        "{stdout}"
    );
    // Several frames to go to: the sweep asks which.
    let out = lpm(&[
        "sweep",
        "assets/scenarios/validation.ron",
        "--partition",
        "tape01",
        "--vary",
        "bandwidth_gbps=1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--to"));
}

#[test]
fn the_readme_sweep_is_what_lpm_prints() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let out = lpm(&[
        "sweep",
        LAB,
        "--partition",
        "lab01",
        "--vary",
        "writes_mib_s=0..160:9",
        "--policy",
        "qemu",
    ]);
    assert!(out.status.success());
    for line in text(&out.stdout).lines() {
        assert!(
            readme.contains(&format!("    {line}\n")),
            "README.md lacks the line {line:?} of the sweep it shows"
        );
    }
}
