//! The switch-over: the suspend window opens, closes on the target (the point of no return),
//! and once the last page has arrived the move completes, verified page by page.

use super::clock::secs_to_ns;
use super::{Completion, Engine, EventKind, MoveId, Phase, SwitchReason};
use crate::spec::FinalPhase;

impl Engine {
    /// Opens the suspend window of a move whose final copy has been sized (lpm's rounds and
    /// QEMU's loop size it differently, and both open it the same way).
    pub(super) fn open_window(
        &mut self,
        id: MoveId,
        at: u64,
        window_s: f64,
        reason: SwitchReason,
        expected_downtime_ms: f64,
        remaining: u64,
    ) {
        let m = &mut self.moves[id.index()];
        let p = m.partition;
        m.window.suspend_ns = Some(at);
        m.window.resume_at_ns = at.saturating_add(secs_to_ns(window_s));
        m.window.expected_downtime_ms = expected_downtime_ms;
        m.rounds.switch_reason = Some(reason);
        m.enter(Phase::Suspended, at);
        let partition = self.world.partition(p).spec.name.clone();
        self.emit(
            at,
            EventKind::Suspended {
                partition,
                remaining_pages: remaining,
                reason,
                expected_downtime_ms,
            },
        );
    }

    /// Opens the suspend window.
    pub(super) fn suspend(
        &mut self,
        id: MoveId,
        at: u64,
        reason: SwitchReason,
        expected_downtime_ms: f64,
    ) {
        let i = id.index();
        let p = self.moves[i].partition;
        // The final copy runs at the move's full rate: its cap, the path, its movers' adapters.
        let cap = self.alone_pages_s(&self.moves[i]);
        let mem = self.world.partitions[p.index()]
            .memory
            .as_mut()
            .expect("a live move has memory");
        let mut dirty = mem.dirty.take().expect("pre-copy tracks writes");
        let m = &mut self.moves[i];
        dirty.sync_into(&mut m.transfer.send);
        m.transfer.cursor = 0;
        let remaining = m.transfer.send.count() as u64;
        let fixed_s = self.policy.suspend_overhead_ms / 1000.0 + self.world.link.latency_s;
        let window_s = match self.policy.final_phase {
            FinalPhase::ResumeThenPull => fixed_s,
            FinalPhase::StopAndCopy => {
                m.transfer.final_rate_pages_s = cap;
                fixed_s + remaining as f64 / cap.max(1e-9)
            }
        };
        self.open_window(id, at, window_s, reason, expected_downtime_ms, remaining);
    }

    /// Ends the suspend window on the source (a stop, or a fault before the point of no
    /// return): the partition resumes where it was, its users having waited the whole window
    /// so far; reported like any resume, with its downtime.
    pub(super) fn resume_on_source(&mut self, id: MoveId, at: u64) {
        let user_timeout_s = self.policy.user_timeout_s;
        let m = &mut self.moves[id.index()];
        let part = &mut self.world.partitions[m.partition.index()];
        let downtime_ms = m.close_window(at, &mut part.users_connected, user_timeout_s);
        let event = EventKind::Resumed {
            partition: part.spec.name.clone(),
            system: self.world.frame_name(m.from).to_string(),
            downtime_ms,
            users_dropped: m.window.users_dropped,
        };
        self.emit(at, event);
    }

    /// Ends the suspend window on the target: the point of no return.
    pub(super) fn resume(&mut self, id: MoveId, at: u64) {
        let i = id.index();
        let p = self.moves[i].partition;
        let page_bytes = self.world.link.page_bytes as u64;
        let user_timeout_s = self.policy.user_timeout_s;
        let part = &mut self.world.partitions[p.index()];
        let m = &mut self.moves[i];
        if self.policy.final_phase == FinalPhase::StopAndCopy {
            let source = &part
                .memory
                .as_ref()
                .expect("a live move has memory")
                .versions;
            let n = m.transfer.send.count() as u64;
            let sent = m.send_pages(source, n);
            m.transfer.pages_sent += sent;
            m.transfer.bytes.suspended += match &m.qemu {
                // QEMU's stop-and-copy: normal pages with their headers, zero pages as headers.
                Some(q) => {
                    let zero = q.final_zero().min(sent);
                    m.kinds.zero_sent += zero;
                    m.kinds.zero_bytes += zero * super::qemu::ZERO_PAGE_BYTES;
                    (sent - zero) * (page_bytes + super::qemu::HEADER_BYTES)
                        + zero * super::qemu::ZERO_PAGE_BYTES
                }
                None => sent * page_bytes,
            };
            m.transfer.final_rate_pages_s = 0.0;
        }
        let downtime_ms = m.close_window(at, &mut part.users_connected, user_timeout_s);
        part.frame = m.to;
        m.enter(Phase::Pulling, at);
        let event = EventKind::Resumed {
            partition: part.spec.name.clone(),
            system: self.world.frame_name(m.to).to_string(),
            downtime_ms,
            users_dropped: m.window.users_dropped,
        };
        let pull_done = m.transfer.send.count() == 0;
        self.emit(at, event);
        if pull_done {
            self.complete(id, at);
        }
    }

    /// The last page has arrived: verify the image, hand the memory to the target, report.
    pub(super) fn complete(&mut self, id: MoveId, at: u64) {
        let i = id.index();
        let p = self.moves[i].partition;
        let part = &mut self.world.partitions[p.index()];
        let m = &mut self.moves[i];
        let verified = match &part.memory {
            Some(mem) => m.image.verify(&mem.versions),
            // A profile-only move: the configuration arrives whole.
            None => true,
        };
        m.ending.verified = Some(verified);
        if m.window.resume_ns.is_some_and(|r| r < at) {
            // Stall still owed when the last page arrives is served later: it belongs to the
            // move's price all the same, as writes the partition will not make.
            let owed_ns = part.stall_ns;
            let rate = self.write_pages_s(p);
            self.moves[i].postcopy.writes_missed += rate * owed_ns / 1e9;
        }
        let m = &mut self.moves[i];
        m.convergence.auto_throttle_pct = 0.0;
        self.finish_move(id, Phase::Completed, at);
        let c = self.completion(id);
        self.emit(at, EventKind::MigrationCompleted(c));
    }

    /// A finished move's record, as `migration_completed` reports it.
    pub fn completion(&self, id: MoveId) -> Completion {
        let m = &self.moves[id.index()];
        let at = m.life.finished_ns.unwrap_or(self.clock.now_ns);
        let bytes = m.transfer.bytes;
        Completion {
            partition: self.world.partition(m.partition).spec.name.clone(),
            from: self.world.frame_name(m.from).to_string(),
            to: self.world.frame_name(m.to).to_string(),
            rounds: m.rounds.round,
            total_s: (at - m.life.started_ns.unwrap_or(at)) as f64 / 1e9,
            downtime_ms: m.window.downtime_ms.unwrap_or(0.0),
            pages_sent: m.transfer.pages_sent,
            bytes_sent: bytes.total(),
            demand_faults: m.transfer.demand_faults,
            users_dropped: m.window.users_dropped,
            verified: m.ending.verified.unwrap_or(false),
            converged: m.rounds.switch_reason.is_none_or(|r| r.converged()),
            inactive: m.inactive,
            bytes_precopy: bytes.precopy,
            bytes_suspended: bytes.suspended,
            bytes_after_resume: bytes.after_resume,
            zero_pages: m.kinds.zero_sent,
            zero_pages_skipped: m.kinds.zero_skipped,
            bytes_normal: m.bytes_normal(),
            bytes_zero: m.kinds.zero_bytes,
            postcopy_s: match m.window.resume_ns {
                Some(r) if m.life.phase == Phase::Completed => (at - r) as f64 / 1e9,
                _ => 0.0,
            },
            postcopy_stall_ms: m.postcopy_stall_ms(),
            postcopy_slowdown_percent: m.postcopy_slowdown_percent(),
        }
    }
}
