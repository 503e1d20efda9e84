//! A move's life: validated and started (or queued for a mover slot), stopped before its point
//! of no return, ended. Mover slots are counted here, where moves take and give them back.

use super::clock::secs_to_ns;
use super::image::TargetImage;
use super::moves::{MoverRequest, Route};
use super::outcome::{Applied, Effect, Outcome, Reason, Refused};
use super::{
    Engine, EventKind, FrameId, INACTIVE_MOVE_S, Move, MoveId, PartitionId, Phase, Validation,
};
use crate::sim::memory::BYTES_PER_PAGE_IN_MOTION;
use crate::sim::{Bitmap, PageMemory};
use crate::spec::Redundancy;
use crate::units::bytes;

impl Engine {
    /// Validates and, when valid, starts or queues the move.
    pub(super) fn migrate(
        &mut self,
        p: PartitionId,
        to: FrameId,
        request: MoverRequest,
    ) -> Outcome {
        let v = self.validate_request(p, to, &request);
        if !v.ok() {
            return Err(self.refuse_invalid(v));
        }
        self.check_page_state(p)?;
        Ok(self.start_move(p, to, request))
    }

    /// Page state a move of `p` holds while it runs, bytes.
    fn page_state_bytes(&self, p: PartitionId) -> u64 {
        let part = self.world.partition(p);
        if part.active {
            (part.pages as f64 * BYTES_PER_PAGE_IN_MOTION).ceil() as u64
        } else {
            0
        }
    }

    /// Refuses a move whose page state would not fit beside the moves already in flight.
    pub(super) fn check_page_state(&self, p: PartitionId) -> Result<(), Refused> {
        let held: u64 = self
            .in_flight
            .iter()
            .map(|&m| self.page_state_bytes(self.moves[m.index()].partition))
            .sum();
        let need = self.page_state_bytes(p);
        if held.saturating_add(need) <= self.page_state_budget {
            return Ok(());
        }
        Err(Refused::new(
            Reason::NoMemory,
            format!(
                "the simulation cannot hold the page state of {}: it needs {}, and the moves in \
                 flight hold {} of the {} this machine can give",
                self.world.partition(p).spec.name,
                bytes(need as f64),
                bytes(held as f64),
                bytes(self.page_state_budget as f64)
            ),
        ))
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
    pub(super) fn start_move(
        &mut self,
        p: PartitionId,
        to: FrameId,
        request: MoverRequest,
    ) -> Applied {
        let now = self.clock.now_ns;
        // From now on the step loop writes its memory: bring it up to date first.
        self.sync_partition(p);
        let part = self.world.partition(p);
        let inactive = !part.active;
        let id = MoveId::new(self.moves.len());
        let from = part.frame;
        let vio = self.map_virtual_io(p, to, &request.mappings);
        self.moves.push(Move::new(
            id,
            p,
            (from, to),
            inactive,
            request,
            self.policy.auto_converge,
            now,
        ));
        self.moves[id.index()].by = self.origin;
        self.moves[id.index()].vio = vio;
        self.world.partition_mut(p).active_move = Some(id);
        self.in_flight.push(id);
        let name = self.world.partition(p).spec.name.clone();
        // The queue is settled whenever an action arrives (every move in it waits on a frame
        // with no slot free): only the new move can start now.
        if let Some(route) = self.free_route(id) {
            self.begin(id, route, now);
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

    /// A mover of frame `f` for a new move: the one asked for, or the least busy that works,
    /// if it has a slot free; `except` is one already taken by the move.
    fn free_mover(
        &self,
        f: FrameId,
        wanted: Option<usize>,
        except: Option<usize>,
    ) -> Option<usize> {
        let frame = self.world.frame(f);
        if frame.failed {
            return None;
        }
        let ops = self.policy.msp_max_ops;
        let usable = |k: usize| {
            let m = &frame.movers[k];
            !m.failed && m.busy < ops && Some(k) != except
        };
        match wanted {
            Some(k) => usable(k).then_some(k),
            // Least busy first; the first of equals, so that the choice is the same every run.
            None => (0..frame.movers.len())
                .filter(|&k| usable(k))
                .min_by_key(|&k| frame.movers[k].busy),
        }
    }

    /// The movers a move could start on now, if both frames have a slot free.
    fn free_route(&self, id: MoveId) -> Option<Route> {
        let m = &self.moves[id.index()];
        let r = &m.request;
        let source = self.free_mover(m.from, r.source, None)?;
        let target = self.free_mover(m.to, r.target, None)?;
        let standby = match r.redundant {
            Redundancy::Off => None,
            _ => self
                .free_mover(m.from, None, Some(source))
                .zip(self.free_mover(m.to, None, Some(target))),
        };
        if r.redundant == Redundancy::Required && standby.is_none() {
            return None;
        }
        Some(Route {
            source,
            target,
            standby,
        })
    }

    /// Takes (`+1`) or gives back (`-1`) the mover slots of a route.
    fn hold_route(&mut self, from: FrameId, to: FrameId, route: Route, delta: i32) {
        let pairs = std::iter::once((route.source, route.target)).chain(route.standby);
        for (s, t) in pairs {
            for (f, k) in [(from, s), (to, t)] {
                let busy = &mut self.world.frames[f.index()].movers[k].busy;
                *busy = busy.saturating_add_signed(delta);
            }
        }
    }

    /// Gives back the slots of one mover pair.
    pub(super) fn release_pair(&mut self, from: FrameId, to: FrameId, (s, t): (usize, usize)) {
        for (f, k) in [(from, s), (to, t)] {
            let busy = &mut self.world.frames[f.index()].movers[k].busy;
            *busy = busy.saturating_sub(1);
        }
    }

    /// Starts every queued move that has a mover slot free on both frames, in order.
    pub(super) fn start_queued(&mut self) {
        let now = self.clock.now_ns;
        let mut k = 0;
        while k < self.queue.len() {
            let id = self.queue[k];
            if let Some(route) = self.free_route(id) {
                self.queue.remove(k);
                self.begin(id, route, now);
            } else {
                k += 1;
            }
        }
    }

    /// A move takes its mover slots and starts: the profile travels, or round 1 begins.
    fn begin(&mut self, id: MoveId, route: Route, now: u64) {
        let latency_s = self.world.link.latency_s;
        let (from, to) = (self.moves[id.index()].from, self.moves[id.index()].to);
        self.hold_route(from, to, route, 1);
        let m = &mut self.moves[id.index()];
        m.route = Some(route);
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
            let part = &mut self.world.partitions[p.index()];
            let mut memory = PageMemory::new(pages);
            memory.dirty = Some(Bitmap::new(pages));
            part.memory = Some(memory);
            part.page_writes = 0;
        }
        if !self.moves[id.index()].inactive {
            // Made now, at the rates the move starts with, so that it can be held against the
            // result (and never recomputed at the rates of some later time).
            self.moves[id.index()].forecast = Some(self.predict_move(p));
        }
        let m = &self.moves[id.index()];
        let event = EventKind::MigrationStarted {
            partition: self.world.partition(p).spec.name.clone(),
            from: self.world.frame_name(m.from).to_string(),
            to: self.world.frame_name(m.to).to_string(),
            inactive: m.inactive,
            by: m.by,
        };
        self.emit(now, event);
    }

    /// Ends a move in `phase` (Completed, Stopped or Failed): its mover slots are freed, its
    /// page state released, the partition free to move again.
    pub(super) fn finish_move(&mut self, id: MoveId, phase: Phase, at: u64) {
        let m = &self.moves[id.index()];
        if let (true, Some(route)) = (m.life.phase.uses_slot(), m.route) {
            self.hold_route(m.from, m.to, route, -1);
        }
        let m = &mut self.moves[id.index()];
        m.finish(phase, at);
        self.in_flight.retain(|&k| k != id);
        let p = m.partition;
        self.queue.retain(|&q| q != id);
        let written_to = self.written_to_ns;
        let part = &mut self.world.partitions[p.index()];
        if matches!(phase, Phase::Stopped | Phase::Failed) {
            let intact = part
                .memory
                .as_ref()
                .is_none_or(|mem| mem.version_sum() == part.page_writes);
            self.moves[id.index()].ending.source_intact = Some(intact);
        }
        part.active_move = None;
        // Its page state goes with the move; from here it is a partition at rest.
        part.memory = None;
        part.synced_ns = written_to;
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
            self.resume_on_source(id, now);
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

    /// Stops every move in flight that has not resumed on its target; returns how many.
    pub(super) fn stop_all(&mut self) -> usize {
        let stoppable: Vec<PartitionId> = self
            .in_flight
            .iter()
            .map(|&m| &self.moves[m.index()])
            .filter(|m| !m.life.phase.past_point_of_no_return())
            .map(|m| m.partition)
            .collect();
        stoppable
            .into_iter()
            .filter(|&p| self.stop(p, "stopped by operator (stop all)").is_ok())
            .count()
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
