//! Pre-copy rounds: when a round's send set is done, report it, check the switch-over rule
//! and the caps, flag a move that stopped making progress, let auto-converge throttle, and
//! sync the dirty bitmap into the next round's send set.

use super::{Engine, EventKind, MoveId, RoundStats, SwitchReason};
use crate::spec::{FinalPhase, Switchover};

impl Engine {
    /// The downtime a switch-over now would cost, ms, with `remaining` pages at `rate` pages/s.
    pub(super) fn expected_downtime_ms(&self, remaining: u64, rate: f64) -> f64 {
        let fixed = self.policy.suspend_overhead_ms + self.world.link.latency_s * 1000.0;
        match self.policy.final_phase {
            FinalPhase::ResumeThenPull => fixed,
            FinalPhase::StopAndCopy => fixed + remaining as f64 / rate.max(1e-9) * 1000.0,
        }
    }

    /// A pre-copy round's send set is done: report it, then switch over or sync the bitmap.
    pub(super) fn end_round(&mut self, id: MoveId, at: u64) {
        let i = id.index();
        let p = self.moves[i].partition;
        let part = self.world.partition(p);
        let pages = part.pages as u64;
        let dirtied = part
            .memory
            .as_ref()
            .and_then(|m| m.dirty.as_ref())
            .map_or(0, |d| d.count()) as u64;
        let m = &self.moves[i];
        let duration_s = ((at - m.rounds.started_ns) as f64 / 1e9).max(1e-9);
        let round_sent = m.rounds.sent;
        // A round of nothing measures no bandwidth: judge it by the share the move has.
        let rate = if round_sent == 0 {
            m.transfer.share_pages_s
        } else {
            round_sent as f64 / duration_s
        };
        let clean_percent = if pages == 0 {
            100.0
        } else {
            (pages - dirtied) as f64 / pages as f64 * 100.0
        };
        let expected_downtime_ms = self.expected_downtime_ms(dirtied, rate);
        let stats = RoundStats {
            partition: part.spec.name.clone(),
            round: m.rounds.round,
            pages_sent: round_sent,
            bytes_sent: round_sent * self.page_bytes(),
            pages_dirtied: dirtied,
            duration_s,
            dirty_rate_pages_s: dirtied as f64 / duration_s,
            transfer_rate_bytes_s: rate * self.world.link.page_bytes,
            remaining_pages: dirtied,
            clean_percent,
            expected_downtime_ms,
            // Lpm's rounds send no zero page (PowerVM leaves never-written pages where they are).
            zero_pages: 0,
            bytes_normal: round_sent * self.page_bytes(),
            bytes_zero: 0,
        };
        let met = match self.policy.switchover {
            Switchover::PercentClean(p) => clean_percent >= p,
            Switchover::DowntimeLimit { ms } => dirtied as f64 / rate.max(1e-9) * 1000.0 <= ms,
        };
        let reason = if met {
            Some(SwitchReason::Threshold)
        } else if m.rounds.round >= self.policy.max_rounds {
            Some(SwitchReason::MaxRounds)
        } else if m.transfer.pages_sent as f64 >= self.policy.max_sent_factor * pages as f64 {
            Some(SwitchReason::MaxSentFactor)
        } else {
            None
        };
        let auto_converge = m.convergence.auto_converge;
        let bytes_dirtied_high = dirtied * 2 > round_sent;
        self.moves[i].rounds.history.push(stats.clone());
        self.emit(at, EventKind::RoundCompleted(stats));
        if let Some(reason) = reason {
            self.suspend(id, at, reason, expected_downtime_ms);
            return;
        }
        self.detect_stall(id, at, dirtied);
        if auto_converge && bytes_dirtied_high {
            self.auto_converge_step(id, at);
        }
        let dirty = self.world.partitions[p.index()]
            .memory
            .as_mut()
            .and_then(|m| m.dirty.as_mut())
            .expect("pre-copy tracks writes");
        let m = &mut self.moves[i];
        dirty.sync_into(&mut m.transfer.send);
        m.transfer.cursor = 0;
        m.rounds.round += 1;
        m.rounds.started_ns = at;
        m.rounds.sent = 0;
    }

    /// Stall detection: the remaining data has not fallen (by 5%) for `stall_rounds` rounds.
    pub(super) fn detect_stall(&mut self, id: MoveId, at: u64, remaining: u64) {
        let c = &mut self.moves[id.index()].convergence;
        c.flat_rounds = if remaining as f64 >= c.best_remaining as f64 * 0.95 {
            c.flat_rounds + 1
        } else {
            0
        };
        c.best_remaining = c.best_remaining.min(remaining);
        if c.flat_rounds != self.policy.stall_rounds {
            return;
        }
        let m = &self.moves[id.index()];
        let (round, p) = (m.rounds.round, m.partition);
        let (cpu_throttle_percent, bandwidth_mib_s, suggestion) =
            self.convergence_suggestion(p, remaining);
        let partition = self.world.partition(p).spec.name.clone();
        self.emit(
            at,
            EventKind::ConvergenceStalled {
                partition,
                round,
                remaining_pages: remaining,
                cpu_throttle_percent,
                bandwidth_mib_s,
                suggestion,
            },
        );
    }

    /// QEMU's auto-converge, at a sync where more than half as much was dirtied as sent: every
    /// second such sync throttles the guest harder: 20%, then +10% each time, at most 99%.
    pub(super) fn auto_converge_step(&mut self, id: MoveId, at: u64) {
        let m = &mut self.moves[id.index()];
        let c = &mut m.convergence;
        c.auto_high_count += 1;
        if c.auto_high_count < 2 {
            return;
        }
        c.auto_high_count = 0;
        c.auto_throttle_pct = if c.auto_throttle_pct == 0.0 {
            20.0
        } else {
            (c.auto_throttle_pct + 10.0).min(99.0)
        };
        let percent = c.auto_throttle_pct;
        let partition = self.world.partition(m.partition).spec.name.clone();
        self.emit(at, EventKind::AutoConvergeThrottle { partition, percent });
    }
}
