//! `lpm plan`: what the balancer and consolidation would do at a moment of a scenario, with the
//! model's cost of every move, without running any of them.
//!
//! The world at `--at` is the one the scenario's own script leaves: its actions up to and
//! including that time run, with both policies held off so that none of their moves is made;
//! then each policy is asked once, as an evaluation would, with a policy whose mode is Off
//! treated as Advise. Nothing of what it prints has happened: `lpm run` makes it happen.

use serde::Serialize;

use crate::Scenario;
use crate::engine::{BalancePass, ConsolidationPass, Engine};
use crate::report::drive::step_up;
use crate::scenario::MAX_AT_S;
use crate::spec::Mode;
use crate::units::num;

/// What `lpm plan` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    pub scenario: String,
    /// The moment asked for, s.
    pub at_s: f64,
    /// The scenario's modes (`off` is planned as `advise`).
    pub balancer_mode: String,
    pub consolidation_mode: String,
    pub threshold: u32,
    pub balancer: BalancePass,
    pub consolidation: ConsolidationPass,
}

/// Runs the script of `scenario` to `at_s` and asks both policies.
pub fn plan(scenario: &Scenario, at_s: f64) -> Result<Advice, String> {
    if !(at_s.is_finite() && (0.0..=MAX_AT_S).contains(&at_s)) {
        return Err(format!(
            "--at must be a time from 0 to {} s, not {at_s}",
            num(MAX_AT_S)
        ));
    }
    let mut held = scenario.clone();
    held.policy.balancer.mode = Mode::Off;
    held.policy.consolidation.mode = Mode::Off;
    let mut engine = Engine::new(&held)?;
    // One step past it: the actions due at `at_s` run in the step that starts there.
    engine.run_until(step_up(at_s) + crate::engine::STEP_NS as f64 / 1e9);
    let _ = engine.drain_events();
    Ok(Advice {
        scenario: scenario.name.clone(),
        at_s,
        balancer_mode: scenario.policy.balancer.mode.label().to_string(),
        consolidation_mode: scenario.policy.consolidation.mode.label().to_string(),
        threshold: scenario.policy.balancer.threshold,
        balancer: engine.balance_pass(),
        consolidation: engine.consolidation_pass(),
    })
}

fn pct(x: f64) -> String {
    format!("{}%", num(x.round()))
}

fn points(x: f64) -> String {
    num((x * 10.0).round() / 10.0)
}

fn mode_label(mode: &str) -> String {
    if mode == "off" {
        "off, planned as advise".to_string()
    } else {
        mode.to_string()
    }
}

impl Advice {
    /// The report for a person.
    pub fn text(&self) -> String {
        let b = &self.balancer;
        let c = &self.consolidation;
        let mut out = format!(
            "{}: plan at {} s (the script's actions up to then; no policy has acted)\n",
            self.scenario,
            num(self.at_s)
        );
        let frames: Vec<String> = c
            .frames
            .iter()
            .map(|(name, u)| format!("{name} {}", pct(*u)))
            .collect();
        out += &format!(
            "operating frames: {}\n",
            if frames.is_empty() {
                "none".to_string()
            } else {
                frames.join(", ")
            }
        );
        out += &format!(
            "\nconsolidation ({}; band {} to {}, average {}):\n",
            mode_label(&self.consolidation_mode),
            pct(c.low_percent),
            pct(c.high_percent),
            pct(c.average)
        );
        match (&c.decision, &c.waiting) {
            (_, Some(why)) => out += &format!("  waits: {why}\n"),
            (Some(d), None) => {
                let verb = match d.kind.as_str() {
                    "evacuate" => "empty",
                    "power_off" => "power off",
                    _ => "power on",
                };
                out += &format!("  {verb} {}: {}\n", d.system, d.reason);
                for m in &d.moves {
                    out += &format!(
                        "    {} -> {}: predicted {} s, downtime {} ms\n",
                        m.partition,
                        m.to,
                        num((m.predicted_s * 10.0).round() / 10.0),
                        num(m.predicted_downtime_ms.round())
                    );
                }
                if d.kind == "evacuate" {
                    out += &format!(
                        "    {}, {} s of moving added up, longest downtime {} ms; then \
                         power off {}\n",
                        crate::units::plural(d.moves.len(), "move", "moves"),
                        num(d.predicted_s.unwrap_or(0.0).round()),
                        num(d.predicted_downtime_ms.unwrap_or(0.0).round()),
                        d.system
                    );
                }
            }
            (None, None) => out += "  nothing to do: every operating frame is inside the band\n",
        }
        for (frame, why) in &c.kept {
            out += &format!("  keeps {frame} on: {why}\n");
        }
        out += &format!(
            "\nbalancer ({}; threshold {} tolerates {} points): imbalance {} points\n",
            mode_label(&self.balancer_mode),
            self.threshold,
            points(b.tolerance),
            points(b.imbalance)
        );
        if let Some(why) = &b.waiting {
            out += &format!("  waits: {why}\n");
        } else if b.moves.is_empty() {
            out += if b.imbalance <= b.tolerance {
                "  nothing to do: the imbalance is within what the threshold tolerates\n"
            } else {
                "  no move qualifies (each would overload its target, fail validation, remove \
                 too little, or not converge)\n"
            };
        }
        for (k, m) in b.moves.iter().enumerate() {
            out += &format!(
                "  {}. move {} {} -> {}: imbalance {} -> {} points, {} at {}; predicted {} s, \
                 downtime {} ms\n",
                k + 1,
                m.partition,
                m.from,
                m.to,
                points(m.imbalance_before),
                points(m.imbalance_after),
                m.to,
                pct(m.target_after_percent),
                num((m.predicted_s * 10.0).round() / 10.0),
                num(m.predicted_downtime_ms.round())
            );
        }
        if !b.not_converging.is_empty() {
            out += &format!(
                "  never chosen, the model says they would not converge: {}\n",
                b.not_converging.join(", ")
            );
        }
        out
    }

    /// One JSON object.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default() + "\n"
    }
}
