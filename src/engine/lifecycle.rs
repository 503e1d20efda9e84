//! A move's life: validated and started (or queued for a mover slot), stopped before its point
//! of no return, ended. Mover slots are counted here, where moves take and give them back.

use super::clock::secs_to_ns;
use super::image::TargetImage;
use super::outcome::{Applied, Effect, Outcome, Reason, Refused};
use super::{
    Engine, EventKind, FrameId, INACTIVE_MOVE_S, Move, MoveId, PartitionId, Phase, Validation,
};
use crate::sim::Bitmap;

impl Engine {
    /// Validates and, when valid, starts or queues the move.
    pub(super) fn migrate(&mut self, p: PartitionId, to: FrameId) -> Outcome {
        let v = self.validate(p, to);
        if !v.ok() {
            return Err(self.refuse_invalid(v));
        }
        Ok(self.start_move(p, to))
    }

    /// Reports a failed validation (`validation_failed`) and makes it the refusal.
    pub(super) fn refuse_invalid(&mut self, v: Validation) -> Refused {
        let errors = v.errors();
        self.emit(
            self.clock.now_ns,
            EventKind::ValidationFailed {
                partition: v.partition.clone(),
                to: v.to.clone(),
                errors: errors.clone(),
            },
        );
        Refused::new(Reason::Invalid(v), errors.join("; "))
    }

    /// Starts a validated move, or queues it when a frame has no mover slot free.
    pub(super) fn start_move(&mut self, p: PartitionId, to: FrameId) -> Applied {
        let now = self.clock.now_ns;
        let part = self.world.partition(p);
        let inactive = part.memory.is_none();
        let id = MoveId::new(self.moves.len());
        let from = part.frame;
        self.moves.push(Move::new(
            id,
            p,
            from,
            to,
            inactive,
            self.policy.auto_converge,
            now,
        ));
        self.world.partition_mut(p).active_move = Some(id);
        let name = self.world.partition(p).spec.name.clone();
        // The queue is settled whenever an action arrives (every move in it waits on a frame
        // with no slot free): only the new move can start now.
        if self.slot_free(from) && self.slot_free(to) {
            self.begin(id, now);
            return Applied::new(
                Effect::Started { partition: p, id },
                format!("{name} moving to {}", self.world.frame_name(to)),
            );
        }
        self.queue.push_back(id);
        let position = self.queue.len();
        self.emit(
            now,
            EventKind::MigrationQueued {
                partition: name.clone(),
                from: self.world.frame_name(from).to_string(),
                to: self.world.frame_name(to).to_string(),
                position,
            },
        );
        Applied::new(
            Effect::Queued {
                partition: p,
                id,
                position,
            },
            format!("{name} queued for a mover slot (position {position})"),
        )
    }

    fn slot_free(&self, f: FrameId) -> bool {
        self.busy[f.index()] < self.msp_slots(f)
    }

    /// Starts every queued move that has a mover slot free on both frames, in order.
    pub(super) fn start_queued(&mut self) {
        let now = self.clock.now_ns;
        let mut k = 0;
        while k < self.queue.len() {
            let id = self.queue[k];
            let m = &self.moves[id.index()];
            if self.slot_free(m.from) && self.slot_free(m.to) {
                self.queue.remove(k);
                self.begin(id, now);
            } else {
                k += 1;
            }
        }
    }

    /// A move takes its mover slots and starts: the profile travels, or round 1 begins.
    fn begin(&mut self, id: MoveId, now: u64) {
        let latency_s = self.world.link.latency_s;
        let m = &mut self.moves[id.index()];
        self.busy[m.from.index()] += 1;
        self.busy[m.to.index()] += 1;
        let p = m.partition;
        let pages = self.world.partition(p).pages;
        m.life.started_ns = Some(now);
        m.sampling.started_ns = now;
        if m.inactive {
            m.enter(Phase::Configuring, now);
            m.window.resume_at_ns = now.saturating_add(secs_to_ns(INACTIVE_MOVE_S + latency_s));
        } else {
            m.image = TargetImage::allocate(pages);
            m.enter(Phase::PreCopy, now);
            m.rounds.round = 1;
            m.rounds.started_ns = now;
            // Round 1 sends everything; from here on every write is tracked.
            m.transfer.send = Bitmap::full(pages);
            if let Some(mem) = &mut self.world.partitions[p.index()].memory {
                mem.dirty = Some(Bitmap::new(pages));
            }
        }
        let m = &self.moves[id.index()];
        let event = EventKind::MigrationStarted {
            partition: self.world.partition(p).spec.name.clone(),
            from: self.world.frame_name(m.from).to_string(),
            to: self.world.frame_name(m.to).to_string(),
            inactive: m.inactive,
        };
        self.emit(now, event);
    }

    /// Ends a move in `phase` (Completed, Stopped or Failed): its mover slots are freed, its
    /// page state released, the partition free to move again.
    pub(super) fn finish_move(&mut self, id: MoveId, phase: Phase, at: u64) {
        let m = &mut self.moves[id.index()];
        if m.life.phase.uses_slot() {
            self.busy[m.from.index()] -= 1;
            self.busy[m.to.index()] -= 1;
        }
        m.finish(phase, at);
        let p = m.partition;
        self.queue.retain(|&q| q != id);
        let part = self.world.partition_mut(p);
        part.active_move = None;
        if let Some(mem) = &mut part.memory {
            mem.dirty = None;
        }
    }

    /// Stops a move before the point of no return.
    pub(super) fn stop(&mut self, p: PartitionId, reason: &str) -> Outcome {
        let now = self.clock.now_ns;
        let name = self.world.partition(p).spec.name.clone();
        let Some(id) = self.world.partition(p).active_move else {
            let refused = match self.last_move_of(p) {
                Some(m) if m.life.phase == Phase::Completed => Refused::new(
                    Reason::NotMoving {
                        already_completed: Some(m.id),
                    },
                    format!(
                        "{name} already completed its move to {} at {:.3} s",
                        self.world.frame_name(m.to),
                        m.life.finished_ns.unwrap_or(0) as f64 / 1e9
                    ),
                ),
                _ => Refused::new(
                    Reason::NotMoving {
                        already_completed: None,
                    },
                    format!("{name} has no move in progress"),
                ),
            };
            return Err(self.refuse_stop(name, refused));
        };
        let m = &self.moves[id.index()];
        if m.life.phase.past_point_of_no_return() {
            let refused = Refused::new(
                Reason::PastPointOfNoReturn { id },
                format!(
                    "past the point of no return: {name} resumed on {} at {:.3} s and can only complete",
                    self.world.frame_name(m.to),
                    m.window.resume_ns.unwrap_or(0) as f64 / 1e9
                ),
            );
            return Err(self.refuse_stop(name, refused));
        }
        let round = m.rounds.round;
        if m.life.phase == Phase::Suspended {
            // The partition resumes where it was; its users saw the whole window.
            let user_timeout_s = self.policy.user_timeout_s;
            let part = &mut self.world.partitions[p.index()];
            self.moves[id.index()].close_window(now, &mut part.users_connected, user_timeout_s);
        }
        self.finish_move(id, Phase::Stopped, now);
        self.moves[id.index()].ending.stop_reason = Some(reason.to_string());
        self.emit(
            now,
            EventKind::MigrationStopped {
                partition: name.clone(),
                reason: reason.to_string(),
                round,
            },
        );
        self.start_queued();
        Ok(Applied::new(
            Effect::Stopped { partition: p, id },
            format!(
                "{name}: move stopped in round {round}; it runs on, on {}",
                self.world.frame_name(self.world.partition(p).frame)
            ),
        ))
    }

    fn refuse_stop(&mut self, partition: String, refused: Refused) -> Refused {
        self.emit(
            self.clock.now_ns,
            EventKind::StopRefused {
                partition,
                reason: refused.message.clone(),
            },
        );
        refused
    }
}
