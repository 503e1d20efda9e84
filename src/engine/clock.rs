//! Simulated time: fixed 1 ms steps whatever slices the caller advances by, and the scenario's
//! script, whose actions fire at the first step at or after their time.

use std::time::Duration;

use super::{Engine, Phase};
use crate::spec::{Action, ScriptStep};

/// One simulation step.
pub const STEP_NS: u64 = 1_000_000;
pub(super) const STEP_S: f64 = STEP_NS as f64 / 1e9;

/// Seconds to nanoseconds, rounded; negative times are 0.
pub fn secs_to_ns(s: f64) -> u64 {
    (s.max(0.0) * 1e9).round() as u64
}

#[derive(Debug, Clone, Default)]
pub(super) struct Clock {
    pub(super) now_ns: u64,
    /// Time asked for but less than a step: it waits for the next call.
    pub(super) pending_ns: u64,
}

/// The scenario's actions, in time order, and the next one due.
#[derive(Debug, Clone, Default)]
pub(super) struct Script {
    steps: Vec<(u64, Action)>,
    next: usize,
}

impl Script {
    pub(super) fn new(steps: &[ScriptStep]) -> Script {
        let mut steps: Vec<(u64, Action)> = steps
            .iter()
            .map(|st| (secs_to_ns(st.at_s), st.action.clone()))
            .collect();
        // Stable: actions at the same instant keep their order in the file.
        steps.sort_by_key(|(t, _)| *t);
        Script { steps, next: 0 }
    }

    /// The next action due at or before `now`, taken.
    pub(super) fn due(&mut self, now: u64) -> Option<Action> {
        let (at, action) = self.steps.get(self.next)?;
        if *at > now {
            return None;
        }
        self.next += 1;
        Some(action.clone())
    }

    fn done(&self) -> bool {
        self.next >= self.steps.len()
    }

    fn next_at(&self) -> Option<u64> {
        self.steps.get(self.next).map(|(t, _)| *t)
    }
}

impl Engine {
    /// Simulated time, seconds.
    pub fn now(&self) -> f64 {
        self.clock.now_ns as f64 / 1e9
    }

    pub fn now_ns(&self) -> u64 {
        self.clock.now_ns
    }

    /// Moves simulated time forward by `dt`. Whole steps run; a remainder waits for the next call.
    pub fn advance(&mut self, dt: Duration) {
        self.clock.pending_ns += dt.as_nanos() as u64;
        while self.clock.pending_ns >= STEP_NS {
            self.clock.pending_ns -= STEP_NS;
            self.step();
        }
    }

    /// Runs until simulated time `t_s`.
    pub fn run_until(&mut self, t_s: f64) {
        let target = secs_to_ns(t_s);
        let reached = self.clock.now_ns + self.clock.pending_ns;
        if target > reached {
            self.advance(Duration::from_nanos(target - reached));
        }
    }

    /// True when nothing is left to happen on its own: no move in flight, no scripted action due.
    pub fn is_settled(&self) -> bool {
        self.script.done()
            && self.in_flight.is_empty()
            && self.link_faults.clear()
            && !self.power_in_transition()
            && self.policies_settled()
    }

    /// Simulated time of the next scripted action, if any.
    pub fn next_scripted_s(&self) -> Option<f64> {
        self.script.next_at().map(|t| t as f64 / 1e9)
    }

    /// Whether any move is in its suspend window or in pre-copy (a switch-over may come soon).
    pub fn switchover_possible(&self) -> bool {
        self.moves
            .iter()
            .any(|m| matches!(m.life.phase, Phase::PreCopy | Phase::Suspended))
    }
}
