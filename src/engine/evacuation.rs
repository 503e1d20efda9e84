//! Emptying a frame (planned maintenance): every partition on it that validates moves, each
//! validated against the placements before it, and the evacuation reports when its last move
//! has ended whether the frame is empty, and why not.
//!
//! With no target named, each partition goes where the placement rule puts it: partitions
//! largest memory first (the hardest to place go while there is most room), each to the frame
//! that validates with the most memory free after it lands; of equals, the first in scenario
//! order. This is first-fit decreasing by free memory, the rule an operator would follow by
//! hand and close to what PowerVC's optimizer does for memory-bound estates. The moves then
//! start smallest first (see `evacuate`).

use serde::{Deserialize, Serialize};

use super::moves::MoverRequest;
use super::validation::Validation;
use super::{Engine, EventKind, FrameId, MoveId, PartitionId, Phase, Reservations};

/// One evacuation under way or done.
#[derive(Debug, Clone)]
pub struct Evacuation {
    pub(super) from: FrameId,
    pub(super) to: Option<FrameId>,
    pub(super) started_ns: u64,
    pub(super) moves: Vec<MoveId>,
    /// Partitions it could not move, with the first reason.
    pub(super) refused: Vec<(PartitionId, String)>,
    pub(super) finished_ns: Option<u64>,
}

impl Evacuation {
    pub fn from(&self) -> FrameId {
        self.from
    }

    pub fn to(&self) -> Option<FrameId> {
        self.to
    }

    pub fn moves(&self) -> &[MoveId] {
        &self.moves
    }

    pub fn refused(&self) -> &[(PartitionId, String)] {
        &self.refused
    }

    pub fn started_ns(&self) -> u64 {
        self.started_ns
    }

    pub fn finished_ns(&self) -> Option<u64> {
        self.finished_ns
    }
}

/// Where a partition of an evacuation goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    pub partition: String,
    pub to: String,
}

/// A partition an evacuation left on its frame, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftBehind {
    pub partition: String,
    pub reason: String,
}

impl Engine {
    /// Starts moving every partition of `from` not already moving, to `to` or by the placement
    /// rule: (moving, refused).
    pub(super) fn evacuate(&mut self, from: FrameId, to: Option<FrameId>) -> (usize, usize) {
        let now = self.clock.now_ns;
        let mut residents: Vec<PartitionId> = self
            .world
            .partition_ids()
            .filter(|&p| {
                let part = self.world.partition(p);
                part.frame == from && part.active_move.is_none()
            })
            .collect();
        if to.is_none() {
            // Stable: equal sizes keep scenario order.
            residents.sort_by(|&a, &b| {
                let mem = |p: PartitionId| self.world.partition(p).spec.memory_gib;
                mem(b).total_cmp(&mem(a))
            });
        }
        let verdicts = self.place(&residents, from, to, &Reservations::default());
        let mut evacuation = Evacuation {
            from,
            to,
            started_ns: now,
            moves: Vec::new(),
            refused: Vec::new(),
            finished_ns: None,
        };
        let mut placements = Vec::new();
        let mut order: Vec<(PartitionId, (FrameId, Validation))> =
            residents.into_iter().zip(verdicts).collect();
        if to.is_none() {
            // Placed largest first, started smallest first: the frame's partition count falls
            // fastest, and the time partitions spend in flight is least on average
            // (shortest-processing-time order). Stable: equal sizes keep scenario order.
            order.sort_by(|(a, _), (b, _)| {
                let mem = |p: &PartitionId| self.world.partition(*p).spec.memory_gib;
                mem(a).total_cmp(&mem(b))
            });
        }
        for (p, (target, v)) in order {
            if v.ok() {
                if to.is_none() {
                    placements.push(Placement {
                        partition: v.partition.clone(),
                        to: v.to.clone(),
                    });
                }
                let applied = self.start_move(p, target, MoverRequest::default());
                if let super::Effect::Started { id, .. } | super::Effect::Queued { id, .. } =
                    applied.effect
                {
                    evacuation.moves.push(id);
                }
            } else {
                let first = v.errors().into_iter().next().unwrap_or_default();
                let _ = self.refuse_invalid(v);
                evacuation.refused.push((p, first));
            }
        }
        let (moving, refused) = (evacuation.moves.len(), evacuation.refused.len());
        self.emit(
            now,
            EventKind::EvacuationStarted {
                from: self.world.frame_name(from).to_string(),
                to: to.map(|t| self.world.frame_name(t).to_string()),
                moving,
                refused,
                placements,
            },
        );
        self.evacuations.push(evacuation);
        self.check_evacuations(now);
        (moving, refused)
    }

    /// Each resident's target and its validation, each against the placements before it (and
    /// a plan's reservations): `to`, or the frame the placement rule picks.
    pub fn place(
        &self,
        residents: &[PartitionId],
        from: FrameId,
        to: Option<FrameId>,
        plan: &Reservations,
    ) -> Vec<(FrameId, Validation)> {
        let mut ledger = self.ledger(plan);
        let request = MoverRequest::default();
        let mut out = Vec::with_capacity(residents.len());
        for &p in residents {
            let (target, v) = match to {
                Some(t) => (t, ledger.validate(p, t, &request)),
                None => {
                    let need = self.world.partition(p).spec.memory_gib;
                    let mut best: Option<(FrameId, Validation, f64)> = None;
                    let mut closest: Option<(FrameId, Validation)> = None;
                    for f in self.world.frame_ids().filter(|&f| f != from) {
                        let v = ledger.validate(p, f, &request);
                        let failed = v.errors().len();
                        if v.ok() {
                            let free = self.world.frame(f).spec.memory_gib - ledger.usage(f).0;
                            let after = free - need;
                            if best.as_ref().is_none_or(|b| after > b.2) {
                                best = Some((f, v, after));
                            }
                        } else if closest
                            .as_ref()
                            .is_none_or(|(_, c)| failed < c.errors().len())
                        {
                            closest = Some((f, v));
                        }
                    }
                    match (best, closest) {
                        (Some((f, v, _)), _) => (f, v),
                        (None, Some((f, v))) => (f, v),
                        // A one-frame estate: nowhere to go but itself.
                        (None, None) => (from, ledger.validate(p, from, &request)),
                    }
                }
            };
            if v.ok() {
                ledger.place(p, target);
            }
            out.push((target, v));
        }
        out
    }

    /// Reports the evacuations whose every move has ended.
    pub(super) fn check_evacuations(&mut self, now: u64) {
        for k in 0..self.evacuations.len() {
            let e = &self.evacuations[k];
            if e.finished_ns.is_some()
                || e.moves
                    .iter()
                    .any(|&m| self.moves[m.index()].life.phase.in_flight())
            {
                continue;
            }
            let at = e
                .moves
                .iter()
                .filter_map(|&m| self.moves[m.index()].life.finished_ns)
                .max()
                .unwrap_or(now)
                .max(e.started_ns);
            let moved = e
                .moves
                .iter()
                .filter(|&&m| self.moves[m.index()].life.phase == Phase::Completed)
                .count();
            let left = self.left_behind(k);
            let from = self.world.frame_name(e.from).to_string();
            let refused = e.refused.len();
            let total_s = (at - e.started_ns) as f64 / 1e9;
            self.evacuations[k].finished_ns = Some(at);
            self.emit(
                at,
                EventKind::EvacuationCompleted {
                    from,
                    moved,
                    refused,
                    total_s,
                    frame_empty: left.is_empty(),
                    left,
                },
            );
        }
    }

    /// The partitions still on an evacuation's frame, with why each stayed.
    fn left_behind(&self, k: usize) -> Vec<LeftBehind> {
        let e = &self.evacuations[k];
        self.world
            .partition_ids()
            .filter(|&p| self.world.partition(p).frame == e.from)
            .map(|p| {
                let part = self.world.partition(p);
                let reason = if let Some((_, why)) = e.refused.iter().find(|(q, _)| *q == p) {
                    format!("refused: {why}")
                } else if let Some(m) = e
                    .moves
                    .iter()
                    .map(|&m| &self.moves[m.index()])
                    .find(|m| m.partition == p)
                {
                    match (&m.ending.failure, &m.ending.stop_reason) {
                        (Some(f), _) => format!("its move failed: {f}"),
                        (None, Some(s)) => format!("its move was stopped: {s}"),
                        _ => format!("its move ended {}", m.life.phase.label()),
                    }
                } else if let Some(why) = &part.down {
                    format!("down: {why}")
                } else {
                    "arrived after the evacuation began".to_string()
                };
                LeftBehind {
                    partition: part.spec.name.clone(),
                    reason,
                }
            })
            .collect()
    }
}
