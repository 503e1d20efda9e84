//! The recommendations pane: what the balancer and consolidation advise
//! (`Snapshot.recommendations`), best first, with what the model says each costs. `A` gives it
//! the keys; Enter applies the one chosen after the operator's yes, as the action it carries
//! (`Request::Apply`), so that it goes through the engine as a key would.

use super::app::App;
use super::confirm::Pending;
use super::fmt;
use super::keymap::Command;
use crate::engine::snapshot::Recommendation;
use crate::spec::Action;

/// How much a recommendation evens the estate out (percentage points of the utilisation's
/// standard deviation); none without both figures.
pub fn improvement(r: &Recommendation) -> Option<f64> {
    match (r.imbalance_before, r.imbalance_after) {
        (Some(b), Some(a)) if b.is_finite() && a.is_finite() => Some(b - a),
        _ => None,
    }
}

/// The recommendations best first: the most evening-out, then the quickest; the engine's
/// order otherwise.
pub fn ranked(recs: &[Recommendation]) -> Vec<&Recommendation> {
    let mut v: Vec<&Recommendation> = recs.iter().collect();
    v.sort_by(|a, b| {
        let gain = |r: &Recommendation| improvement(r).unwrap_or(f64::NEG_INFINITY);
        let time = |r: &Recommendation| r.predicted_s.unwrap_or(f64::INFINITY);
        gain(b)
            .total_cmp(&gain(a))
            .then(time(a).total_cmp(&time(b)))
    });
    v
}

/// What applying an action does, in a few words.
pub fn describe(action: &Action) -> String {
    match action {
        Action::Migrate { partition, to, .. } => format!("move {partition} to {to}"),
        Action::Evacuate { from, to: Some(to) } => format!("evacuate {from} to {to}"),
        Action::Evacuate { from, to: None } => format!("evacuate {from}"),
        Action::PowerOff { system } => format!("power off {system}"),
        Action::PowerOn { system } => format!("power on {system}"),
        other => other.name().to_string(),
    }
}

/// The predicted cost: time, downtime, and the imbalance before → after.
pub fn cost(r: &Recommendation) -> String {
    let mut parts = Vec::new();
    if let Some(s) = r.predicted_s {
        parts.push(format!("~{}", fmt::secs(s)));
    }
    if let Some(ms) = r.predicted_downtime_ms {
        parts.push(format!("down {}", fmt::ms(ms)));
    }
    if let (Some(b), Some(a)) = (r.imbalance_before, r.imbalance_after) {
        parts.push(format!("imbalance {b:.1} → {a:.1}%"));
    }
    parts.join(" · ")
}

impl App {
    /// `A`: the recommendations pane takes the keys, on its best row.
    pub(super) fn focus_advice(&mut self) {
        if self.snap.recommendations.is_empty() {
            self.say("no recommendation now".into(), false);
            return;
        }
        self.advice = Some(0);
    }

    pub(super) fn advice_command(&mut self, cmd: Command) {
        let n = self.snap.recommendations.len();
        let Some(i) = self.advice else {
            return self.command(cmd);
        };
        match cmd {
            Command::Up => self.advice = Some(i.saturating_sub(1)),
            Command::Down => self.advice = Some((i + 1).min(n.saturating_sub(1))),
            Command::Choose => {
                let Some(r) = ranked(&self.snap.recommendations)
                    .get(i)
                    .map(|r| (*r).clone())
                else {
                    return;
                };
                let mut lines = vec![format!("{} advises: {}", r.by, r.reason)];
                let c = cost(&r);
                if !c.is_empty() {
                    lines.push(format!("Predicted: {c}."));
                }
                // Any action behind a yes is carried by `Pending::Fault`, whatever it is.
                self.ask(
                    Pending::Fault(r.action.clone()),
                    format!("Apply: {}?", describe(&r.action)),
                    lines,
                );
            }
            Command::Close => self.advice = None,
            _ => self.command(cmd),
        }
    }
}
