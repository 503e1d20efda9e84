//! Faults and what they do to a move, phase by phase: a dead link stalls pre-copy and fails it
//! after `link_timeout_s`; failed movers or frames fail it at once; in the suspend window the
//! partition resumes on the source; in the pull phase it blocks on its missing pages and is
//! lost past `pull_timeout_s`.

use super::clock::{STEP_NS, secs_to_ns};
use super::outcome::{Applied, Effect, Outcome, Reason, Refused};
use super::{Engine, EventKind, FrameId, MoveId, Phase};
use crate::units::num;

/// The link's faults in force: down until, degraded (Gbit/s) until.
#[derive(Debug, Clone, Default)]
pub(super) struct LinkFaults {
    down_until: Option<u64>,
    degraded: Option<(f64, u64)>,
}

impl LinkFaults {
    /// The link down until `until` at least; returns when the outage now ends.
    pub(super) fn down(&mut self, until: u64) -> u64 {
        let end = self.down_until.map_or(until, |u| u.max(until));
        self.down_until = Some(end);
        end
    }

    pub(super) fn degrade(&mut self, gbps: f64, until: u64) {
        self.degraded = Some((gbps, until));
    }

    pub(super) fn is_down(&self) -> bool {
        self.down_until.is_some()
    }

    /// The bandwidth the link is degraded to, if it is.
    pub(super) fn degraded_gbps(&self) -> Option<f64> {
        self.degraded.map(|(g, _)| g)
    }

    /// No outage or degradation in force.
    pub(super) fn clear(&self) -> bool {
        self.down_until.is_none() && self.degraded.is_none()
    }
}

impl Engine {
    /// Ends link outages and degradations whose time is up.
    pub(super) fn expire_link_faults(&mut self, t0: u64) {
        let f = &mut self.link_faults;
        let down_over = f.down_until.is_some_and(|u| u <= t0);
        let degraded_over = f.degraded.is_some_and(|(_, u)| u <= t0);
        if down_over {
            f.down_until = None;
        }
        if degraded_over {
            f.degraded = None;
        }
        if (down_over || degraded_over) && f.down_until.is_none() {
            let bandwidth_gbps = f.degraded_gbps().unwrap_or(self.world.link.bandwidth_gbps);
            self.emit(t0, EventKind::LinkRestored { bandwidth_gbps });
        }
    }

    /// A mover of a frame fails, or all of them (for the rest of the run).
    pub(super) fn fail_movers(&mut self, f: FrameId, which: Option<usize>) {
        let frame = &mut self.world.frames[f.index()];
        let mut msp = None;
        for (k, m) in frame.movers.iter_mut().enumerate() {
            if which.is_none_or(|w| w == k) {
                m.failed = true;
                if which.is_some() {
                    msp = Some(m.name.clone());
                }
            }
        }
        let system = frame.spec.name.clone();
        self.emit(self.clock.now_ns, EventKind::MspFailed { system, msp });
    }

    /// A fault undone: the frame works again with all its movers, or the one mover does.
    /// Partitions that went down with the frame restart on it.
    pub(super) fn repair(&mut self, f: FrameId, which: Option<usize>) -> Outcome {
        let now = self.clock.now_ns;
        let frame = &self.world.frames[f.index()];
        let system = frame.spec.name.clone();
        let broken = match which {
            Some(k) => frame.movers[k].failed,
            None => frame.failed || frame.movers.iter().any(|m| m.failed),
        };
        if !broken {
            return Err(Refused::new(
                Reason::NothingToRepair,
                match which {
                    Some(k) => format!("mover {} of {system} has not failed", frame.movers[k].name),
                    None => format!("{system} and its movers have not failed"),
                },
            ));
        }
        let frame = &mut self.world.frames[f.index()];
        let msp = which.map(|k| frame.movers[k].name.clone());
        for (k, m) in frame.movers.iter_mut().enumerate() {
            if which.is_none_or(|w| w == k) {
                m.failed = false;
            }
        }
        let was_down = which.is_none() && std::mem::replace(&mut frame.failed, false);
        self.emit(
            now,
            EventKind::Repaired {
                system: system.clone(),
                msp,
            },
        );
        if was_down {
            let why = format!("{system} failed");
            for p in self.world.partition_ids() {
                let part = &mut self.world.partitions[p.index()];
                if part.frame == f && part.active && part.down.as_deref() == Some(why.as_str()) {
                    part.down = None;
                    part.users_connected = part.spec.users;
                    // It starts writing from now: nothing before counts.
                    part.synced_ns = self.written_to_ns;
                    let partition = part.spec.name.clone();
                    self.emit(now, EventKind::PartitionRestarted { partition });
                }
            }
        }
        Ok(Applied::new(
            Effect::Repaired { frame: f },
            format!("{system} repaired"),
        ))
    }

    /// Why a mover a move relies on is out, if one is: all of a frame's movers, or the one.
    fn mover_fault(&self, f: FrameId, k: Option<usize>) -> Option<String> {
        let frame = self.world.frame(f);
        if frame.movers_failed() {
            return Some(format!(
                "the mover service partitions of {} failed",
                frame.spec.name
            ));
        }
        let m = &frame.movers[k?];
        m.failed
            .then(|| format!("mover {} of {} failed", m.name, frame.spec.name))
    }

    /// A move whose mover failed carries on over its standby pair, if it has one that works:
    /// it pauses `policy.msp_failover_s` while the new pair takes over.
    fn fail_over(&mut self, id: MoveId, t0: u64) -> bool {
        let m = &self.moves[id.index()];
        let (Some(route), true) = (m.route, m.life.phase.uses_slot()) else {
            return false;
        };
        let Some((s, t)) = route.standby else {
            return false;
        };
        let primary_out = self.mover_fault(m.from, Some(route.source)).is_some()
            || self.mover_fault(m.to, Some(route.target)).is_some();
        let standby_out = self.mover_fault(m.from, Some(s)).is_some()
            || self.mover_fault(m.to, Some(t)).is_some();
        if !primary_out || standby_out || m.life.phase == Phase::Suspended {
            return false;
        }
        let (from, to) = (m.from, m.to);
        let names = |f: FrameId, k: usize| self.world.frame(f).movers[k].name.clone();
        let event = EventKind::MspFailover {
            partition: self.world.partition(m.partition).spec.name.clone(),
            from_pair: format!("{}/{}", names(from, route.source), names(to, route.target)),
            to_pair: format!("{}/{}", names(from, s), names(to, t)),
        };
        // The failed pair's slots are given back; the standby pair's are already held.
        self.release_pair(from, to, (route.source, route.target));
        let m = &mut self.moves[id.index()];
        m.route = Some(super::Route {
            source: s,
            target: t,
            standby: None,
        });
        m.transfer.paused_until_ns =
            Some(t0.saturating_add(secs_to_ns(self.policy.msp_failover_s)));
        self.emit(t0, event);
        true
    }

    /// A whole frame fails: its partitions stop, except those whose move has them running
    /// elsewhere already.
    pub(super) fn fail_frame(&mut self, f: FrameId) {
        let now = self.clock.now_ns;
        self.world.frames[f.index()].failed = true;
        let system = self.world.frame_name(f).to_string();
        self.emit(
            now,
            EventKind::FrameFailed {
                system: system.clone(),
            },
        );
        for p in self.world.partition_ids() {
            let elsewhere = self
                .move_of(p)
                .is_some_and(|m| m.life.phase == Phase::Pulling && m.to != f);
            let part = self.world.partition(p);
            if part.frame == f && part.down.is_none() && part.active && !elsewhere {
                // Its writes up to now count; from now it makes none.
                self.sync_partition(p);
                let reason = format!("{system} failed");
                self.world.partition_mut(p).down = Some(reason.clone());
                let partition = self.world.partition(p).spec.name.clone();
                self.emit(now, EventKind::PartitionDown { partition, reason });
            }
        }
    }

    /// What is broken on a move's path: (reason, permanent). A dead link may come back; failed
    /// movers and frames do not.
    fn path_fault(&self, id: MoveId) -> Option<(String, bool)> {
        let m = &self.moves[id.index()];
        for f in [m.to, m.from] {
            if self.world.frame(f).failed {
                return Some((format!("{} failed", self.world.frame_name(f)), true));
            }
        }
        let route = m.route;
        let movers = [
            (m.from, route.map(|r| r.source)),
            (m.to, route.map(|r| r.target)),
        ];
        for (f, k) in movers {
            if let Some(why) = self.mover_fault(f, k) {
                return Some((why, true));
            }
        }
        self.link_faults
            .is_down()
            .then(|| ("the link between the frames is down".to_string(), false))
    }

    /// Applies the faults in force to every move in flight, phase by phase.
    pub(super) fn check_paths(&mut self, t0: u64) {
        let mut ids = std::mem::take(&mut self.stepping);
        ids.clear();
        ids.extend_from_slice(&self.in_flight);
        for &id in &ids {
            let i = id.index();
            if !self.moves[i].life.phase.in_flight() {
                continue;
            }
            self.fail_over(id, t0);
            let pause = &mut self.moves[i].transfer.paused_until_ns;
            if pause.is_some_and(|until| until <= t0) {
                *pause = None;
            }
            let Some((reason, permanent)) = self.path_fault(id) else {
                self.moves[i].ending.path_down_ns = None;
                continue;
            };
            let since = *self.moves[i].ending.path_down_ns.get_or_insert(t0);
            let phase = self.moves[i].life.phase;
            // Announce a stall once, for moves that wait on it rather than fail at once.
            let waits = matches!(phase, Phase::Pulling)
                || (!permanent && !matches!(phase, Phase::Queued | Phase::Suspended));
            if since == t0 && waits {
                let what = if phase == Phase::Pulling {
                    format!("{reason}: the partition waits on its missing pages")
                } else {
                    format!("{reason}: no data moves")
                };
                let partition = self
                    .world
                    .partition(self.moves[i].partition)
                    .spec
                    .name
                    .clone();
                self.emit(
                    t0,
                    EventKind::MoveStalled {
                        partition,
                        reason: what,
                    },
                );
            }
            let waited_s = (t0 - since) as f64 / 1e9;
            if phase == Phase::Configuring {
                // A profile on its way waits for the path like memory does.
                let due = &mut self.moves[i].window.resume_at_ns;
                *due = due.saturating_add(STEP_NS);
            }
            match phase {
                Phase::Pulling => {
                    // The partition runs on the target; only the source has its last pages.
                    let target_down = self.world.frame(self.moves[i].to).failed;
                    if target_down || waited_s >= self.policy.pull_timeout_s {
                        let why = if target_down {
                            reason
                        } else {
                            format!(
                                "{reason} for {} s while pages were still being pulled",
                                num(waited_s)
                            )
                        };
                        self.lose_partition(id, t0, why);
                    }
                }
                Phase::Suspended => self.fail_move(id, t0, reason),
                _ if permanent => self.fail_move(id, t0, reason),
                _ if waited_s >= self.policy.link_timeout_s => {
                    self.fail_move(id, t0, format!("{reason} for {} s", num(waited_s)))
                }
                _ => {}
            }
        }
        self.stepping = ids;
    }

    /// A fault ends a move before the point of no return: the partition runs on, on the
    /// source, with its memory; the target shell is released.
    fn fail_move(&mut self, id: MoveId, at: u64, reason: String) {
        let m = &self.moves[id.index()];
        let (p, phase, round) = (m.partition, m.life.phase, m.rounds.round);
        let down = self.world.partition(p).down.is_some();
        if phase == Phase::Suspended && !down {
            self.resume_on_source(id, at);
        }
        self.finish_move(id, Phase::Failed, at);
        // A source that went down with its frame holds nothing the partition can run on.
        let source_intact = self.moves[id.index()].ending.source_intact == Some(true) && !down;
        self.moves[id.index()].ending.failure = Some(reason.clone());
        let part = self.world.partition_mut(p);
        if phase != Phase::Queued {
            part.needs_recovery = Some(reason.clone());
        }
        let partition = part.spec.name.clone();
        self.emit(
            at,
            EventKind::MigrationFailed {
                partition,
                reason,
                down,
                phase: phase.label().to_string(),
                round,
                source_intact,
            },
        );
        self.start_queued();
    }

    /// A fault in the pull phase outlasted the wait: the pages still on the source are gone,
    /// and with them the partition.
    fn lose_partition(&mut self, id: MoveId, at: u64, reason: String) {
        let m = &mut self.moves[id.index()];
        let p = m.partition;
        let pages_missing = m.transfer.send.count() as u64;
        m.ending.pages_lost = pages_missing;
        m.ending.verified = Some(false);
        m.ending.failure = Some(reason.clone());
        self.finish_move(id, Phase::Failed, at);
        let part = self.world.partition_mut(p);
        part.active = false;
        part.users_connected = 0;
        part.down = Some(format!("lost: {reason}"));
        part.needs_recovery = Some(reason.clone());
        let partition = part.spec.name.clone();
        self.emit(
            at,
            EventKind::PartitionLost {
                partition,
                reason,
                pages_missing,
            },
        );
    }
}
