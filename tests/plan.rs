//! `lpm plan`: what the balancer and consolidation would do at a moment, with the model's cost
//! of each move, and nothing run.

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

const STORY: &str = "assets/scenarios/consolidation.ron";

/// What README "Balancing and consolidation" shows, whole.
const AT_ZERO: &str = r#"Consolidation: the evening empties frames, the morning fills them: plan at 0 s (the script's actions up to then; no policy has acted)
operating frames: p9-a 13%, p9-b 8%, p9-c 7%, p9-d 13%, p9-e 2%

consolidation (active; band 45% to 81%, average 9%):
  empty p9-e: p9-e runs at 2%, below 45%: the other 4 frames take its 2 partitions and stay at or below 81% (the busiest at 13%); then it powers off
    dev01 -> p9-c: predicted 7.3 s, downtime 50 ms
    test01 -> p9-c: predicted 7.3 s, downtime 50 ms
    2 moves, 15 s of moving added up, longest downtime 50 ms; then power off p9-e

balancer (active; threshold 3 tolerates 10 points): imbalance 4.3 points
  nothing to do: the imbalance is within what the threshold tolerates
"#;

#[test]
fn plan_at_the_start_of_the_evening_empties_the_least_loaded_frame() {
    let out = lpm(&["plan", STORY]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), AT_ZERO);
}

#[test]
fn plan_in_the_morning_lists_ranked_moves_with_their_cost() {
    let out = lpm(&["plan", STORY, "--at", "3600"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(
        s.contains("1. move web01 p9-a -> p9-e: imbalance 20.8 -> 12.6 points, p9-e at 36%; predicted 7.4 s, downtime 50 ms"),
        "{s}"
    );
    assert!(s.contains("2. move "), "{s}");
    // Nothing ran: the same plan twice, and the JSON says the same.
    let json = lpm(&["plan", STORY, "--at", "3600", "--json"]);
    assert_eq!(json.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["at_s"], 3600.0);
    assert_eq!(v["balancer"]["moves"][0]["partition"], "web01");
    assert!(v["balancer"]["moves"][0]["predicted_s"].as_f64().unwrap() > 0.0);
    assert_eq!(v["consolidation"]["decision"]["kind"], "evacuate");
}

#[test]
fn a_policy_that_is_off_is_planned_as_advise() {
    let out = lpm(&["plan", "assets/scenarios/energy.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("consolidation (off, planned as advise;"), "{s}");
    assert!(s.contains("balancer (off, planned as advise;"), "{s}");
}

#[test]
fn bad_input_gets_a_clear_error() {
    let out = lpm(&["plan", STORY, "--at", "90000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--at must be a time from 0 to 86400 s"),
        "{}",
        text(&out.stderr)
    );
    let out = lpm(&["plan", STORY, "--at", "soon"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not a number of seconds"));
    let out = lpm(&["plan", "no/such/scenario.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// `lpm run` says each decision among the other events (README "Balancing and consolidation").
#[test]
fn run_prints_the_policies_decisions() {
    let out = lpm(&["run", STORY]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for line in [
        "  300.000 s  consolidation: evacuate p9-e: p9-e runs at 2%, below 45%: ",
        "  300.000 s  dev01: move p9-e → p9-c started (by consolidation)\n",
        "  307.284 s  consolidation: power off p9-e: p9-e is empty: powered off until the load needs it\n",
        " 3600.000 s  consolidation: power on p9-b: p9-a runs at 95%, above 81%",
        " 3900.000 s  web01: move p9-a → p9-b started (by balancer)\n",
        "energy:\n",
    ] {
        assert!(s.contains(line), "{line:?} not in\n{s}");
    }
}
