//! Every shipped scenario's `lpm run --json` stream, held byte for byte against the stream
//! kept in tests/data/golden/. Determinism (same scenario and seed, same bytes, on any machine)
//! is the contract; this test makes any change to a shipped scenario's results visible.
//!
//! When a change is meant (an issue asks for it), regenerate with
//! `LPM_BLESS=1 cargo test --test golden` and say why in the commit.

use std::path::Path;
use std::process::Command;

fn run_json(scenario: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lpm"))
        .args(["run", "--json"])
        .arg(scenario)
        .output()
        .expect("lpm runs");
    assert!(out.status.success(), "{}: {:?}", scenario.display(), out);
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn every_shipped_scenario_gives_its_kept_event_stream() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("LPM_BLESS").is_some();
    let mut names: Vec<_> = std::fs::read_dir(root.join("assets/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    names.sort();
    let mut differ = Vec::new();
    for scenario in &names {
        let stem = scenario.file_stem().unwrap().to_string_lossy().to_string();
        let kept = root.join(format!("tests/data/golden/{stem}.jsonl"));
        let now = run_json(scenario);
        if bless {
            std::fs::write(&kept, &now).unwrap();
            continue;
        }
        let Ok(before) = std::fs::read_to_string(&kept) else {
            differ.push(format!("{stem}: no kept stream {}", kept.display()));
            continue;
        };
        if before != now {
            let (k, (a, b)) = before
                .lines()
                .zip(now.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .unwrap_or((
                    before.lines().count().min(now.lines().count()),
                    ("(end)", "(end)"),
                ));
            differ.push(format!(
                "{stem}: line {} differs\n  kept: {a}\n  now:  {b}",
                k + 1
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{}\n(if the change is meant: LPM_BLESS=1 cargo test --test golden)",
        differ.join("\n")
    );
}
