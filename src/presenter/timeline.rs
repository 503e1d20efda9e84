//! Plays a script's steps against an engine. Time moves one engine step (1 ms) at a time and
//! every trigger is looked at after each, so a step fires at the same simulated instant
//! whatever slices the caller advances in: the same script gives the same run.

use std::time::Duration;

use super::script::{Script, Step, Trigger};
use crate::engine::{Engine, Event, EventKind, Outcome, Phase, STEP_NS};
use crate::spec::{Action, PartitionRef};

/// A step that fired, for the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    /// Index of the step.
    pub index: usize,
    pub t: f64,
    pub caption: Option<String>,
    pub scale: Option<f64>,
    /// The step's action and what the engine said to it.
    pub action: Option<(Action, Outcome)>,
}

#[derive(Debug, Clone)]
pub struct Timeline {
    steps: Vec<Step>,
    key_hold_s: f64,
    /// Index of the step waiting for its trigger.
    next: usize,
    /// Simulated time the previous step fired.
    last_fired_ns: u64,
    /// Wall seconds the current `Key` step has waited.
    key_wait_s: f64,
    /// Fire `Key` steps after `key_hold_s` of wall time (recordings and tests).
    pub auto_keys: bool,
    pressed: bool,
    remainder_ns: u64,
}

impl Timeline {
    pub fn new(script: &Script, auto_keys: bool) -> Timeline {
        Timeline {
            steps: script.steps.clone(),
            key_hold_s: script.key_hold_s,
            next: 0,
            last_fired_ns: 0,
            key_wait_s: 0.0,
            auto_keys,
            pressed: false,
            remainder_ns: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Steps fired so far.
    pub fn fired(&self) -> usize {
        self.next
    }

    pub fn finished(&self) -> bool {
        self.next >= self.steps.len()
    }

    /// The step waiting is for the presenter's key.
    pub fn waiting_for_key(&self) -> bool {
        self.steps
            .get(self.next)
            .is_some_and(|s| s.when == Trigger::Key)
    }

    /// The presenter pressed → or space: a waiting `Key` step fires at the next check.
    pub fn press(&mut self) {
        if self.waiting_for_key() {
            self.pressed = true;
        }
    }

    /// Fires the steps whose triggers hold now, given the events of the last engine step.
    /// Events the steps' actions cause are appended to `events` (and seen by later steps).
    pub fn check(&mut self, engine: &mut Engine, events: &mut Vec<Event>, fired: &mut Vec<Fired>) {
        // Events already looked at by the step before: a step sees only what came after the
        // step before it fired.
        let mut seen = 0;
        while let Some(step) = self.steps.get(self.next) {
            let now = engine.now_ns();
            let holds = match &step.when {
                Trigger::At(t) => now >= secs_ns(*t),
                Trigger::After(t) => now >= self.last_fired_ns + secs_ns(*t),
                Trigger::Settled => engine.is_settled(),
                Trigger::Key => {
                    self.pressed || (self.auto_keys && self.key_wait_s >= self.key_hold_s - 1e-9)
                }
                Trigger::Refused(_) => events[seen..]
                    .iter()
                    .any(|e| refused(&step.when, e, engine)),
                t => reached(t, engine),
            };
            if !holds {
                return;
            }
            seen = events.len();
            let step = step.clone();
            self.next += 1;
            self.last_fired_ns = now;
            self.key_wait_s = 0.0;
            self.pressed = false;
            if let Some(phase) = step.final_phase {
                let _ = engine.apply(&Action::SetFinalPhase { phase });
            }
            let action = step.action.map(|a| {
                let r = engine.apply(&a);
                (a, r)
            });
            events.extend(engine.drain_events());
            fired.push(Fired {
                index: self.next - 1,
                t: now as f64 / 1e9,
                caption: step.caption.clone(),
                scale: step.scale,
                action,
            });
        }
    }

    /// Advances the engine by `dt` one step at a time, firing steps as their triggers hold.
    /// `scale` (simulated seconds per wall second) times the wait of a `Key` step.
    pub fn advance(
        &mut self,
        engine: &mut Engine,
        dt: Duration,
        scale: f64,
        events: &mut Vec<Event>,
        fired: &mut Vec<Fired>,
    ) {
        let mut left = self.remainder_ns + dt.as_nanos() as u64;
        // Steps due now (at 0 s, or right after an action) fire before time moves.
        let mut evs = Vec::new();
        self.check(engine, &mut evs, fired);
        events.append(&mut evs);
        while left >= STEP_NS {
            left -= STEP_NS;
            engine.advance(Duration::from_nanos(STEP_NS));
            if self.waiting_for_key() {
                self.key_wait_s += 1e-3 / scale.max(1e-9);
            }
            let mut evs = engine.drain_events();
            self.check(engine, &mut evs, fired);
            events.append(&mut evs);
        }
        self.remainder_ns = left;
    }
}

fn secs_ns(s: f64) -> u64 {
    (s * 1e9).round() as u64
}

/// Whether the partition's latest move has got as far as the trigger says. From the state,
/// not the events: a move that got there before the step's turn still counts (a step about
/// "the move of web01" cannot miss it), and a partition's next move starts afresh.
fn reached(t: &Trigger, engine: &Engine) -> bool {
    let Some(p) = t.partition().and_then(|p| engine.find_partition(p).ok()) else {
        return false;
    };
    let Some(m) = engine.last_move_of(p) else {
        return false;
    };
    match t {
        Trigger::Round { round, .. } => m.round() > *round || m.phase().past_point_of_no_return(),
        Trigger::Suspended(_) => matches!(
            m.phase(),
            Phase::Suspended | Phase::Pulling | Phase::Completed
        ),
        Trigger::Resumed(_) => matches!(m.phase(), Phase::Pulling | Phase::Completed),
        Trigger::Completed(_) => m.phase() == Phase::Completed,
        _ => false,
    }
}

/// A validation of the partition failed.
fn refused(t: &Trigger, e: &Event, engine: &Engine) -> bool {
    match (t, &e.kind) {
        (Trigger::Refused(p), EventKind::ValidationFailed { partition, .. }) => {
            same_partition(p, partition, engine)
        }
        _ => false,
    }
}

/// `want` is `name` or `frame/name`; events name partitions by their plain name.
fn same_partition(want: &str, got: &str, engine: &Engine) -> bool {
    if want == got {
        return true;
    }
    let want_ref = PartitionRef::parse(want);
    want_ref.frame.is_some() && want_ref.name == got && engine.find_partition(want).is_ok()
}
