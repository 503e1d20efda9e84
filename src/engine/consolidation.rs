//! Consolidation (VMware DPM's role): keep the operating frames inside a band of utilisation,
//! `policy.consolidation.low_percent` to `high_percent` (DPM's defaults, 45 and 81), by
//! emptying and powering off a frame when the others can carry its load, and powering one on
//! when they run hot.
//!
//! Every `policy.consolidation.interval_s` of simulated time (and not while a frame powers off
//! or on, or one is being emptied):
//! - **Power on** (`power_on`) the first frame that is off, in scenario order, when the
//!   operating frames run above `high_percent` on average, or one of them does and no single
//!   valid move of one of its partitions to another frame would relieve it without making that
//!   frame hot.
//! - Otherwise **empty** (`evacuate`) the least loaded operating frame below `low_percent` whose
//!   partitions the others can all take: each placed by the evacuation's own rule (so what is
//!   checked is what `Evacuate` then does), every placement validated, every move converging by
//!   the model, and every frame at or below `high_percent` afterwards. When its evacuation has
//!   ended with the frame empty, it is **powered off** (`power_off`); if something stayed
//!   behind, it is kept on (`keep_on`, with the reason). A frame that runs nothing is powered
//!   off at once.
//!
//! Each decision is a `consolidation_decided` event (action, system, reason, mode). In Advise
//! mode that and the snapshot's recommendations are all that happens; a decision repeated by the
//! next evaluation is not reported again. Utilisation counts partitions where their moves in
//! flight take them. Consolidation never asks a frame that a partition runs on, or a move
//! involves, to power off: it evacuates first and waits.

use serde::{Deserialize, Serialize};

use super::snapshot::Recommendation;
use super::{Engine, EventKind, FrameId, Origin, PartitionId, Reservations};
use crate::spec::{Action, Mode, PowerState};
use crate::units::{num, plural};

/// A move an evacuation would make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedMove {
    pub partition: String,
    pub to: String,
    /// The model's time for it alone, s, and its downtime, ms (0 for a profile-only move).
    pub predicted_s: f64,
    pub predicted_downtime_ms: f64,
}

/// What consolidation decides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// `evacuate`, `power_off` or `power_on`.
    pub kind: String,
    pub system: String,
    pub action: Action,
    pub reason: String,
    /// The evacuation's moves (for `evacuate`).
    pub moves: Vec<PlannedMove>,
    /// The moves' times added up (an upper bound: they run side by side), s; the longest
    /// downtime among them, ms.
    pub predicted_s: Option<f64>,
    pub predicted_downtime_ms: Option<f64>,
}

/// What one consolidation evaluation finds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsolidationPass {
    /// Operating frames and their utilisation, percent.
    pub frames: Vec<(String, f64)>,
    pub average: f64,
    pub low_percent: f64,
    pub high_percent: f64,
    pub decision: Option<Decision>,
    /// Frames below the band that cannot be emptied, and why.
    pub kept: Vec<(String, String)>,
    /// Why it decides nothing now (a frame powering on...), if so.
    pub waiting: Option<String>,
}

impl Engine {
    /// What consolidation would decide now, whatever its mode (`lpm plan` and each evaluation).
    pub fn consolidation_pass(&self) -> ConsolidationPass {
        let c = &self.policy.consolidation;
        let (low, high) = (c.low_percent, c.high_percent);
        let frames: Vec<FrameId> = self
            .world
            .frame_ids()
            .filter(|&f| self.world.frame(f).operating())
            .collect();
        let busy = self.projected_busy();
        let cpus = |f: FrameId| self.world.frame(f).spec.cpus.max(f64::MIN_POSITIVE);
        let util = |f: FrameId, busy: &[f64]| 100.0 * busy[f.index()] / cpus(f);
        let utils: Vec<f64> = frames.iter().map(|&f| util(f, &busy)).collect();
        let average = if frames.is_empty() {
            0.0
        } else {
            utils.iter().sum::<f64>() / frames.len() as f64
        };
        let mut pass = ConsolidationPass {
            frames: frames
                .iter()
                .zip(&utils)
                .map(|(&f, &u)| (self.world.frame_name(f).to_string(), u))
                .collect(),
            average,
            low_percent: low,
            high_percent: high,
            decision: None,
            kept: Vec::new(),
            waiting: None,
        };
        if let Some((f, _)) = self.policy_state.draining {
            pass.waiting = Some(format!(
                "emptying {} to power it off",
                self.world.frame_name(f)
            ));
            return pass;
        }
        if let Some(f) = self.world.frames.iter().find(|f| {
            matches!(
                f.power_state,
                PowerState::PoweringOn | PowerState::PoweringOff
            )
        }) {
            pass.waiting = Some(format!("{} is {}", f.spec.name, f.power_state.label()));
            return pass;
        }
        let off: Vec<FrameId> = self
            .world
            .frame_ids()
            .filter(|&f| {
                let frame = self.world.frame(f);
                frame.power_state == PowerState::PoweredOff && !frame.failed
            })
            .collect();
        // Hot: the average above the band, or one frame above it that no move relieves.
        let hot = if average > high + 1e-9 {
            Some(format!(
                "the operating frames run at {}% on average, above {}%",
                num(average.round()),
                num(high)
            ))
        } else {
            frames
                .iter()
                .zip(&utils)
                .find(|&(&f, &u)| u > high + 1e-9 && !self.relievable(f, &frames, &busy, high))
                .map(|(&f, &u)| {
                    format!(
                        "{} runs at {}%, above {}%, and no move to another frame relieves it",
                        self.world.frame_name(f),
                        num(u.round()),
                        num(high)
                    )
                })
        };
        if let Some(why) = hot {
            if let Some(&f) = off.first() {
                let system = self.world.frame_name(f).to_string();
                pass.decision = Some(Decision {
                    kind: "power_on".into(),
                    action: Action::PowerOn {
                        system: system.clone(),
                    },
                    reason: format!("{why}: {system} powers on to take load"),
                    system,
                    moves: Vec::new(),
                    predicted_s: Some(self.world.frame(f).power.boot_s),
                    predicted_downtime_ms: None,
                });
            }
            return pass;
        }
        if frames.len() < 2 {
            return pass;
        }
        // Cold: the least loaded frame below the band first; of equals, the first.
        let mut cold: Vec<(FrameId, f64)> = frames
            .iter()
            .zip(&utils)
            .filter(|&(_, &u)| u < low)
            .map(|(&f, &u)| (f, u))
            .collect();
        cold.sort_by(|a, b| a.1.total_cmp(&b.1));
        for (f, u) in cold {
            match self.plan_emptying(f, u, &frames, &busy) {
                Ok(d) => {
                    pass.decision = Some(d);
                    break;
                }
                Err(why) => pass.kept.push((self.world.frame_name(f).to_string(), why)),
            }
        }
        pass
    }

    /// Whether some running partition of hot frame `f` could move to another frame without
    /// taking it above `high`.
    fn relievable(&self, f: FrameId, frames: &[FrameId], busy: &[f64], high: f64) -> bool {
        let ledger = self.ledger(&Reservations::default());
        let request = super::MoverRequest::default();
        self.world.partition_ids().any(|p| {
            let part = self.world.partition(p);
            part.frame == f
                && part.is_running()
                && part.active_move.is_none()
                && frames.iter().any(|&t| {
                    t != f
                        && 100.0 * (busy[t.index()] + part.cpus_busy())
                            / self.world.frame(t).spec.cpus.max(f64::MIN_POSITIVE)
                            <= high + 1e-9
                        && ledger.validate(p, t, &request).ok()
                })
        })
    }

    /// Emptying frame `f` (at `u` percent) onto the other operating frames, or why not.
    fn plan_emptying(
        &self,
        f: FrameId,
        u: f64,
        frames: &[FrameId],
        busy: &[f64],
    ) -> Result<Decision, String> {
        let high = self.policy.consolidation.high_percent;
        let low = self.policy.consolidation.low_percent;
        let name = self.world.frame_name(f).to_string();
        if let Some(m) = self
            .in_flight
            .iter()
            .map(|&m| &self.moves[m.index()])
            .find(|m| m.from == f || m.to == f)
        {
            return Err(format!(
                "a move involves it ({})",
                self.world.partition(m.partition).spec.name
            ));
        }
        let mut residents: Vec<PartitionId> = self
            .world
            .partition_ids()
            .filter(|&p| self.world.partition(p).frame == f)
            .collect();
        // The evacuation's order: largest memory first (stable: equals keep scenario order).
        residents.sort_by(|&a, &b| {
            let mem = |p: PartitionId| self.world.partition(p).spec.memory_gib;
            mem(b).total_cmp(&mem(a))
        });
        let placed = self.place(&residents, f, None, &Reservations::default());
        let mut after = busy.to_vec();
        let mut moves = Vec::new();
        let (mut total_s, mut downtime_ms) = (0.0f64, 0.0f64);
        for (&p, (t, v)) in residents.iter().zip(&placed) {
            let part = self.world.partition(p);
            if !v.ok() {
                return Err(format!(
                    "{} cannot move: {}",
                    part.spec.name,
                    v.errors().into_iter().next().unwrap_or_default()
                ));
            }
            after[t.index()] += part.cpus_busy();
            let (secs, down) = if part.active {
                let forecast = self.predict_move(p);
                if !forecast.converges() {
                    return Err(format!(
                        "{}'s move to {} would not converge",
                        part.spec.name,
                        self.world.frame_name(*t)
                    ));
                }
                (forecast.total_s, forecast.downtime_ms)
            } else {
                (super::INACTIVE_MOVE_S, 0.0)
            };
            total_s += secs;
            downtime_ms = downtime_ms.max(down);
            moves.push(PlannedMove {
                partition: part.spec.name.clone(),
                to: self.world.frame_name(*t).to_string(),
                predicted_s: secs,
                predicted_downtime_ms: down,
            });
        }
        let cpus = |g: FrameId| self.world.frame(g).spec.cpus.max(f64::MIN_POSITIVE);
        let busiest = frames
            .iter()
            .filter(|&&g| g != f)
            .map(|&g| (g, 100.0 * after[g.index()] / cpus(g)))
            .fold(None, |best: Option<(FrameId, f64)>, x| match best {
                Some(b) if b.1 >= x.1 => Some(b),
                _ => Some(x),
            });
        if let Some((g, ug)) = busiest.filter(|&(_, ug)| ug > high + 1e-9) {
            return Err(format!(
                "{} would run at {}%, above {}%",
                self.world.frame_name(g),
                num(ug.round()),
                num(high)
            ));
        }
        if residents.is_empty() {
            return Ok(Decision {
                kind: "power_off".into(),
                action: Action::PowerOff {
                    system: name.clone(),
                },
                reason: format!("{name} runs nothing: powered off until the load needs it"),
                system: name,
                moves: Vec::new(),
                predicted_s: None,
                predicted_downtime_ms: None,
            });
        }
        let others = frames.len() - 1;
        Ok(Decision {
            kind: "evacuate".into(),
            action: Action::Evacuate {
                from: name.clone(),
                to: None,
            },
            reason: format!(
                "{name} runs at {}%, below {}%: the other {} take its {} and stay at or \
                 below {}% (the busiest at {}%); then it powers off",
                num(u.round()),
                num(low),
                plural(others, "frame", "frames"),
                plural(residents.len(), "partition", "partitions"),
                num(high),
                num(busiest.map_or(0.0, |b| b.1).round())
            ),
            system: name,
            moves,
            predicted_s: Some(total_s),
            predicted_downtime_ms: Some(downtime_ms),
        })
    }

    /// One consolidation evaluation at `now`: the decision reported, and carried out in Active
    /// mode.
    pub(super) fn run_consolidation(&mut self, now: u64) {
        let mode = self.policy.consolidation.mode;
        if mode == Mode::Off {
            return;
        }
        let pass = self.consolidation_pass();
        let Some(d) = pass.decision else {
            // Waiting keeps the last advice; a world with nothing to do drops it.
            if pass.waiting.is_none() {
                self.policy_state.consolidation_advice.clear();
            }
            return;
        };
        let rec = Recommendation {
            by: "consolidation".to_string(),
            action: d.action.clone(),
            reason: d.reason.clone(),
            imbalance_before: None,
            imbalance_after: None,
            predicted_s: d.predicted_s,
            predicted_downtime_ms: d.predicted_downtime_ms,
        };
        let seen = self
            .policy_state
            .consolidation_advice
            .iter()
            .any(|a| a.action == rec.action);
        if mode == Mode::Active || !seen {
            self.emit(
                now,
                EventKind::ConsolidationDecided {
                    action: d.kind.clone(),
                    system: d.system.clone(),
                    reason: d.reason.clone(),
                    mode: mode.label().to_string(),
                },
            );
        }
        if mode != Mode::Active {
            self.policy_state.consolidation_advice = vec![rec];
            return;
        }
        self.policy_state.consolidation_advice.clear();
        let k = self.evacuations.len();
        let applied = self.apply_by(&d.action, Origin::Consolidation).is_ok();
        if applied && matches!(d.action, Action::Evacuate { .. }) {
            let f = self.evacuations[k].from;
            self.policy_state.draining = Some((f, k));
            // Its moves may all have ended at once (nothing to move is not planned, but a
            // refusal is possible): looked at from the next step on.
        }
    }

    /// The frame consolidation is emptying: once its evacuation has ended, powered off when
    /// empty, else kept on with the reason.
    pub(super) fn finish_draining(&mut self, now: u64) {
        let Some((f, k)) = self.policy_state.draining else {
            return;
        };
        if self
            .evacuations
            .get(k)
            .is_some_and(|e| e.finished_ns.is_none())
        {
            return;
        }
        self.policy_state.draining = None;
        let system = self.world.frame_name(f).to_string();
        let (action, reason) = match self.power_off_refusal(f) {
            None => (
                "power_off",
                format!("{system} is empty: powered off until the load needs it"),
            ),
            Some(r) => ("keep_on", format!("{system} stays on: {}", r.message)),
        };
        self.emit(
            now,
            EventKind::ConsolidationDecided {
                action: action.to_string(),
                system: system.clone(),
                reason,
                mode: Mode::Active.label().to_string(),
            },
        );
        if action == "power_off" {
            let _ = self.apply_by(&Action::PowerOff { system }, Origin::Consolidation);
        }
    }
}
