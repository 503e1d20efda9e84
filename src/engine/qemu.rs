//! QEMU 10.0's own pre-copy loop (`policy.precopy: Qemu`), as migration/migration.c and
//! migration/ram.c have it, run on the engine's 1 ms clock; and the first step of every move's
//! pre-copy, which sets up its zero pages.
//!
//! What QEMU does, and where (QEMU 10.0.2; /work/scratch/qemu-loop.md has the reading):
//! - **Sync 1** at the start (`ram_init_bitmaps`): every page pending, nothing new. A move's
//!   `rounds` counts syncs as `dirty-sync-count` does.
//! - **Rate-limit windows** of 100 ms (`BUFFER_DELAY`): a bandwidth cap (QEMU's
//!   `max-bandwidth`) lets a tenth of itself go per window (`XFER_LIMIT_RATIO`); once a
//!   window's bytes exceed it the thread sleeps to the window's end. At least 100 ms after a
//!   window began, the next pass of the loop measures it (`migration_update_counters`): the
//!   bandwidth is the bytes of that window over its length, and the threshold is that
//!   bandwidth x the downtime limit, 0 until the first window is measured.
//! - **The pending check** (`migration_iteration_run`), at each pass of the loop: when the
//!   pending data (pages still set in the migration bitmap, counted at the page size whatever
//!   they cost on the wire) is below the threshold, sync the dirty bitmap (`pending_exact`)
//!   and, if it still is (or nothing is pending), switch over. A pass returns to the loop
//!   after 50 ms of sending (`MAX_WAIT`), when the window's budget is spent, or when nothing is
//!   pending.
//! - **A sync** ORs the pages written since the last one into the migration bitmap: pages
//!   still pending count once, a page sent and written in the same interval is sent again
//!   (TCG: the log is cleared only by the sync). The scan cursor is not reset.
//! - **The wire**: a normal page costs its bytes and an 8-byte header; a zero page the header
//!   and one byte (QEMU's `duplicate`). Bytes are counted per page (QEMU counts per 32-page
//!   flush, which lets a window overshoot by up to a flush; only a sender faster than its link
//!   can use that, and lpm's sender goes at its link share).
//! - **Auto-converge** (`migration_trigger_throttle`) is tested at the first sync at least 1 s
//!   after the last test: if the period's newly dirtied pages exceed half its bytes sent, the
//!   high count goes up; every second high period (a low one does not reset the count) the
//!   throttle steps 20% then +10% to 99%. With auto-converge a 5 s timer forces a sync when
//!   none happened since its last tick (`cpu_throttle_dirty_sync_timer_tick`).
//! - **The stop-and-copy** (`migration_completion`): the guest stops, one more sync (counted,
//!   inside the downtime), then everything pending goes with the rate limit lifted
//!   (`RATE_LIMIT_DISABLED`): at the link's full rate, not the cap.
//!
//! lpm's caps (`max_rounds`, counting syncs, and `max_sent_factor`, on bytes) stand in for an
//! operator who cancels: at a sync past either, the move switches over anyway.

use super::clock::{STEP_NS, STEP_S};
use super::{Engine, EventKind, MoveId, Phase, RoundStats, SwitchReason};
use crate::sim::ZeroPages;
use crate::spec::{FinalPhase, Precopy, Switchover};

/// The header QEMU puts before every page (be64 offset | flags: ram.c `save_page_header`).
pub(super) const HEADER_BYTES: u64 = 8;
/// A zero page on the wire: its header and one byte (ram.c `save_zero_page`).
pub(super) const ZERO_PAGE_BYTES: u64 = HEADER_BYTES + 1;
/// `BUFFER_DELAY`: the rate-limit window, and the least time a bandwidth estimate covers.
const WINDOW_NS: u64 = 100_000_000;
/// `MAX_WAIT`: `ram_save_iterate` goes back to the loop after sending this long.
const MAX_WAIT_NS: u64 = 50_000_000;
/// Auto-converge's test runs at the first sync this long after the last one.
const PERIOD_NS: u64 = 1_000_000_000;
/// `CPU_THROTTLE_DIRTY_SYNC_TIMESLICE_MS`: auto-converge's dirty-sync timer.
const SYNC_TIMER_NS: u64 = 5_000_000_000;
/// `XFER_LIMIT_RATIO`: a window may carry this fraction of `max-bandwidth`.
const WINDOWS_PER_S: f64 = 10.0;
/// `throttle-trigger-threshold`: a period is high when it dirtied more than this share of the
/// bytes it sent.
const THROTTLE_TRIGGER: f64 = 0.5;

/// The state of QEMU's migration thread for one move.
#[derive(Debug, Clone)]
pub(super) struct QemuLoop {
    /// The current rate-limit window: when it began, and the bytes counted in it.
    win_start: u64,
    win_bytes: f64,
    /// The last window's bandwidth (bytes/s) and `threshold_size` (bytes): 0 until the first
    /// window has been measured.
    bandwidth: f64,
    threshold: f64,
    /// Asleep until then: the window's budget is spent.
    wake: Option<u64>,
    /// When the current `ram_save_iterate` began, and the bytes it has sent (for `MAX_WAIT`).
    iter_start: u64,
    iter_bytes: f64,
    /// Auto-converge's period: when it began, the new dirty pages its syncs found, and the
    /// bytes sent by its start.
    period_start: u64,
    period_new: u64,
    period_bytes0: u64,
    /// The dirty-sync timer: its next tick, and the sync count at its last one.
    timer_next: u64,
    timer_syncs: u32,
    /// Zero pages among the pages left at the switch-over (for the stop-and-copy's bytes).
    final_zero: u64,
}

impl QemuLoop {
    fn new(start: u64) -> QemuLoop {
        QemuLoop {
            win_start: start,
            win_bytes: 0.0,
            bandwidth: 0.0,
            threshold: 0.0,
            wake: None,
            iter_start: start,
            iter_bytes: 0.0,
            period_start: start,
            period_new: 0,
            period_bytes0: 0,
            timer_next: start.saturating_add(SYNC_TIMER_NS),
            timer_syncs: 0,
            final_zero: 0,
        }
    }

    pub(super) fn threshold_bytes(&self) -> f64 {
        self.threshold
    }

    pub(super) fn bandwidth_bytes_s(&self) -> f64 {
        self.bandwidth
    }

    pub(super) fn final_zero(&self) -> u64 {
        self.final_zero
    }
}

/// Where a step's bytes go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    PreCopy,
    Pull,
}

impl Engine {
    /// The hook in `progress` for a move in pre-copy or pulling: its first step sets up its
    /// zero pages (and QEMU's loop when the policy asks for it); a move on QEMU's loop then
    /// spends its step here. `None`: lpm's rounds carry on as before. `Some(changed)`: the
    /// step is spent, and `changed` says the move left pre-copy (the caller goes on with the
    /// new phase).
    #[inline]
    pub(super) fn qemu_progress(&mut self, id: MoveId, t0: u64) -> Option<bool> {
        let m = &self.moves[id.index()];
        if m.kinds.ready && m.qemu.is_none() {
            // Lpm's rounds, set up already: the hot path.
            return None;
        }
        self.qemu_step(id, t0)
    }

    fn qemu_step(&mut self, id: MoveId, t0: u64) -> Option<bool> {
        let i = id.index();
        if !self.moves[i].kinds.ready {
            self.prepare_precopy(id, t0);
        }
        self.moves[i].qemu.as_ref()?;
        Some(match self.moves[i].life.phase {
            Phase::PreCopy => self.qemu_precopy(id, t0),
            Phase::Pulling => {
                self.qemu_pull(id, t0);
                false
            }
            _ => false,
        })
    }

    /// The move's first step of pre-copy: which pages are zero, and what to do with them.
    /// Lpm's rounds (PowerVM) do not send a never-written page: the target's fresh memory holds
    /// zeros already, so round 1 leaves them out. QEMU's loop sends each as a header.
    fn prepare_precopy(&mut self, id: MoveId, t0: u64) {
        let i = id.index();
        let p = self.moves[i].partition;
        let part = &self.world.partitions[p.index()];
        let layout = ZeroPages::new(part.pages, part.spec.written_pages(part.pages));
        let qemu = self.policy.precopy == Precopy::Qemu;
        let m = &mut self.moves[i];
        m.kinds.ready = true;
        m.kinds.layout = layout;
        if qemu {
            let start = m.life.started_ns.unwrap_or(t0);
            m.qemu = Some(Box::new(QemuLoop::new(start)));
        } else if !layout.none()
            && let Some(mem) = &part.memory
        {
            let zeros = (0..layout.pages()).filter(|&pg| layout.is_zero(pg));
            m.kinds.zero_skipped = m
                .image
                .skip_pages(&mut m.transfer.send, &mem.versions, zeros);
        }
    }

    /// One step of QEMU's migration thread in pre-copy. Returns true when the move switched
    /// over in it.
    fn qemu_precopy(&mut self, id: MoveId, t0: u64) -> bool {
        let i = id.index();
        let t1 = t0 + STEP_NS;
        let page_bytes = self.world.page_bytes() as f64;
        let budget = (self.moves[i].transfer.carry + self.moves[i].transfer.share_pages_s * STEP_S)
            * page_bytes;
        let mut used = 0.0f64;
        // The instant inside the step at which `used` bytes have gone.
        let at = |used: f64| -> u64 {
            if budget <= 0.0 {
                t0
            } else {
                t0 + ((used / budget).min(1.0) * STEP_NS as f64) as u64
            }
        };
        self.qemu_sync_timer(id, t0);
        let burst = self.qemu_burst_bytes_s(i);
        loop {
            if let Some(wake) = self.qemu(i).wake {
                if wake >= t1 {
                    break;
                }
                // Asleep until the window's end: the link idled meanwhile.
                let now = at(used).max(wake);
                if budget > 0.0 {
                    used = used.max((now - t0) as f64 / STEP_NS as f64 * budget);
                }
                let q = self.qemu_mut(i);
                q.wake = None;
                q.iter_start = now;
                q.iter_bytes = 0.0;
                self.qemu_update_counters(i, now);
                if self.qemu_check(id, now) {
                    return true;
                }
            }
            // ram_save_iterate
            let sent = self.qemu_send(id, budget - used, Stage::PreCopy);
            used += sent;
            self.qemu_mut(i).iter_bytes += sent;
            let now = at(used);
            let pending = self.moves[i].transfer.send.count();
            let q = self.qemu(i);
            // MAX_WAIT counts the time QEMU spends writing: the link's pace when the link
            // holds it back, a burst when only the rate limit does (it then spends its
            // window's budget at once and sleeps, so it checks once a window).
            let writing_ns = if burst > 0.0 {
                q.iter_bytes / burst * 1e9
            } else {
                0.0
            };
            let waited = now >= q.iter_start + MAX_WAIT_NS
                && writing_ns.min((now - q.iter_start) as f64) >= MAX_WAIT_NS as f64;
            let returned = pending == 0 || self.qemu_exceeded(i) || waited;
            if !returned {
                // Blocked on the link until the next step.
                break;
            }
            // migration_rate_limit: a new window if this one is old enough, then sleep if its
            // budget is spent.
            self.qemu_update_counters(i, now);
            if self.qemu_exceeded(i) {
                let q = self.qemu_mut(i);
                q.wake = Some(q.win_start + WINDOW_NS);
                continue;
            }
            if self.qemu_check(id, now) {
                return true;
            }
            let q = self.qemu_mut(i);
            q.iter_start = now;
            q.iter_bytes = 0.0;
            if budget - used < ZERO_PAGE_BYTES as f64 {
                break;
            }
        }
        let asleep = self.qemu(i).wake.is_some();
        let m = &mut self.moves[i];
        m.transfer.carry = if asleep {
            0.0
        } else {
            (budget - used).max(0.0) / page_bytes
        };
        false
    }

    /// One step of the pull after a resume on QEMU's loop: pages at their wire cost, no
    /// rate limit.
    fn qemu_pull(&mut self, id: MoveId, t0: u64) {
        let i = id.index();
        let page_bytes = self.world.page_bytes() as f64;
        let budget = (self.moves[i].transfer.carry + self.moves[i].transfer.share_pages_s * STEP_S)
            * page_bytes;
        let used = self.qemu_send(id, budget, Stage::Pull);
        if self.moves[i].transfer.send.count() == 0 {
            let at = if budget <= 0.0 {
                t0
            } else {
                t0 + ((used / budget).min(1.0) * STEP_NS as f64) as u64
            };
            self.complete(id, at);
            return;
        }
        self.moves[i].transfer.carry = (budget - used).max(0.0) / page_bytes;
    }

    fn qemu(&self, i: usize) -> &QemuLoop {
        self.moves[i]
            .qemu
            .as_deref()
            .expect("a move on QEMU's loop")
    }

    fn qemu_mut(&mut self, i: usize) -> &mut QemuLoop {
        self.moves[i]
            .qemu
            .as_deref_mut()
            .expect("a move on QEMU's loop")
    }

    /// How fast QEMU's writes into the socket go, bytes/s: its link share, or, when its rate
    /// limit holds it below the link, an even share of the whole link (a burst).
    fn qemu_burst_bytes_s(&self, i: usize) -> f64 {
        let page_bytes = self.world.page_bytes() as f64;
        let share = self.moves[i].transfer.share_pages_s;
        let p = self.moves[i].partition;
        if self.world.partition(p).bandwidth_cap_mib_s.is_none() {
            return share * page_bytes;
        }
        let sending = self
            .moves
            .iter()
            .filter(|m| m.transfer.share_pages_s > 0.0)
            .count()
            .max(1);
        share.max(self.link_pages_s() / sending as f64) * page_bytes
    }

    /// QEMU's `max-bandwidth` for this move: its bandwidth cap, as bytes per window.
    fn qemu_window_budget(&self, i: usize) -> Option<f64> {
        let p = self.moves[i].partition;
        self.world
            .partition(p)
            .bandwidth_cap_mib_s
            .map(|c| c * 1024.0 * 1024.0 / WINDOWS_PER_S)
    }

    /// The window's bytes are over its budget (`migration_rate_exceeded`).
    fn qemu_exceeded(&self, i: usize) -> bool {
        self.qemu_window_budget(i)
            .is_some_and(|b| self.qemu(i).win_bytes > b)
    }

    /// Sends pages of the pending set in scan order from the cursor, each at its wire cost,
    /// within `credit` bytes (and, in pre-copy, the window's budget): returns the bytes sent.
    fn qemu_send(&mut self, id: MoveId, credit: f64, stage: Stage) -> f64 {
        let i = id.index();
        let normal = self.world.page_bytes() + HEADER_BYTES;
        let limit = match stage {
            Stage::PreCopy => self.qemu_window_budget(i),
            Stage::Pull => None,
        };
        let p = self.moves[i].partition;
        let source = &self.world.partitions[p.index()]
            .memory
            .as_ref()
            .expect("a live move has memory")
            .versions;
        let m = &mut self.moves[i];
        let layout = m.kinds.layout;
        let q = m.qemu.as_deref_mut().expect("a move on QEMU's loop");
        let mut spent = 0.0f64;
        // Batches priced as normal pages: zero pages among them leave credit for more.
        while m.transfer.send.count() > 0 {
            if limit.is_some_and(|l| q.win_bytes > l) {
                break;
            }
            let by_credit = ((credit - spent) / normal as f64).floor();
            // The page that crosses the budget still goes; the window is then exceeded.
            let by_limit = limit.map_or(f64::INFINITY, |l| {
                ((l - q.win_bytes) / normal as f64).floor() + 1.0
            });
            let n = by_credit.min(by_limit);
            if n < 1.0 {
                break;
            }
            let mut zero = 0u64;
            let sent = m.image.send_pages_with(
                &mut m.transfer.send,
                &mut m.transfer.cursor,
                source,
                n as u64,
                |pg| zero += layout.is_zero(pg) as u64,
            );
            if sent == 0 {
                break;
            }
            let zero_bytes = zero * ZERO_PAGE_BYTES;
            let bytes = (sent - zero) * normal + zero_bytes;
            spent += bytes as f64;
            q.win_bytes += bytes as f64;
            m.transfer.pages_sent += sent;
            m.rounds.sent += sent;
            m.sampling.sent += sent;
            m.kinds.round_bytes += bytes;
            m.kinds.zero_sent += zero;
            m.kinds.zero_bytes += zero_bytes;
            m.kinds.round_zero += zero;
            m.kinds.round_zero_bytes += zero_bytes;
            match stage {
                Stage::PreCopy => m.transfer.bytes.precopy += bytes,
                Stage::Pull => m.transfer.bytes.after_resume += bytes,
            }
        }
        spent
    }

    /// `migration_update_counters`: once a window is at least 100 ms old, its bandwidth sets
    /// the threshold, and a new window begins.
    fn qemu_update_counters(&mut self, i: usize, now: u64) {
        let limit_ms = match self.policy.switchover {
            Switchover::DowntimeLimit { ms } => ms,
            Switchover::PercentClean(_) => 0.0,
        };
        let q = self.qemu_mut(i);
        if now < q.win_start + WINDOW_NS {
            return;
        }
        let secs = (now - q.win_start) as f64 / 1e9;
        q.bandwidth = q.win_bytes / secs;
        q.threshold = q.bandwidth * limit_ms / 1000.0;
        q.win_start = now;
        q.win_bytes = 0.0;
    }

    /// Whether `pending` pages are few enough to sync and switch over: below QEMU's threshold
    /// (bandwidth x downtime limit, the pages counted at the page size), or, under a
    /// PercentClean rule, few enough for that share of pages to be clean.
    fn qemu_below_threshold(&self, i: usize, pending: usize) -> bool {
        match self.policy.switchover {
            Switchover::DowntimeLimit { .. } => {
                (pending as f64 * self.world.page_bytes() as f64) < self.qemu(i).threshold
            }
            Switchover::PercentClean(pct) => {
                let pages = self.moves[i].transfer.send.len().max(1) as f64;
                (pages - pending as f64) / pages * 100.0 >= pct
            }
        }
    }

    /// `migration_iteration_run`'s pending check: sync when the pending data is below the
    /// threshold, switch over when it still is (or nothing is pending). Returns true when the
    /// move switched over.
    fn qemu_check(&mut self, id: MoveId, now: u64) -> bool {
        let i = id.index();
        let mut pending = self.moves[i].transfer.send.count();
        let mut synced = false;
        if self.qemu_below_threshold(i, pending) {
            self.qemu_sync(id, now, false);
            pending = self.moves[i].transfer.send.count();
            synced = true;
        }
        if pending == 0 || self.qemu_below_threshold(i, pending) {
            self.qemu_switch(id, now, SwitchReason::Threshold);
            return true;
        }
        if synced {
            // Lpm's caps, for the operator who would cancel: the sync in the downtime is one
            // more, so the count stays within max_rounds.
            let m = &self.moves[i];
            let memory = m.transfer.send.len() as f64 * self.world.page_bytes() as f64;
            let reason = if m.rounds.round + 1 >= self.policy.max_rounds {
                Some(SwitchReason::MaxRounds)
            } else if m.transfer.bytes.total() as f64 >= self.policy.max_sent_factor * memory {
                Some(SwitchReason::MaxSentFactor)
            } else {
                None
            };
            if let Some(reason) = reason {
                self.qemu_switch(id, now, reason);
                return true;
            }
        }
        false
    }

    /// Auto-converge's 5 s timer: with nothing synced since its last tick, a sync (not followed
    /// by a pending check).
    fn qemu_sync_timer(&mut self, id: MoveId, t0: u64) {
        let i = id.index();
        let auto_converge = self.moves[i].convergence.auto_converge;
        let syncs = self.moves[i].rounds.round;
        let q = self.qemu_mut(i);
        if t0 < q.timer_next {
            return;
        }
        q.timer_next = q.timer_next.saturating_add(SYNC_TIMER_NS);
        if !auto_converge {
            return;
        }
        if syncs > 1 && syncs == q.timer_syncs {
            self.qemu_sync(id, t0, false);
        }
        let syncs = self.moves[i].rounds.round;
        self.qemu_mut(i).timer_syncs = syncs;
    }

    /// `migration_bitmap_sync`: the pages written since the last sync join the pending set.
    /// Closes the interval since the last sync as a round (`round_completed`), and, at least
    /// 1 s after the last, runs auto-converge's test and stall detection.
    fn qemu_sync(&mut self, id: MoveId, now: u64, in_downtime: bool) {
        let i = id.index();
        let p = self.moves[i].partition;
        let page_bytes = self.world.page_bytes();
        let part = &mut self.world.partitions[p.index()];
        let pages = part.pages as u64;
        let dirty = part
            .memory
            .as_mut()
            .and_then(|m| m.dirty.as_mut())
            .expect("pre-copy tracks writes");
        let m = &mut self.moves[i];
        let fresh = m.transfer.send.merge_from(dirty) as u64;
        let remaining = m.transfer.send.count() as u64;
        let duration_s = ((now - m.rounds.started_ns) as f64 / 1e9).max(1e-9);
        let bandwidth = m.qemu.as_deref().map_or(0.0, |q| q.bandwidth);
        let rate = if bandwidth > 0.0 {
            bandwidth / page_bytes as f64
        } else {
            m.transfer.share_pages_s
        };
        let round_bytes = m.kinds.round_bytes;
        let stats = RoundStats {
            partition: part.spec.name.clone(),
            round: m.rounds.round,
            pages_sent: m.rounds.sent,
            bytes_sent: round_bytes,
            pages_dirtied: fresh,
            duration_s,
            dirty_rate_pages_s: fresh as f64 / duration_s,
            transfer_rate_bytes_s: round_bytes as f64 / duration_s,
            remaining_pages: remaining,
            clean_percent: if pages == 0 {
                100.0
            } else {
                (pages - remaining.min(pages)) as f64 / pages as f64 * 100.0
            },
            expected_downtime_ms: 0.0,
            zero_pages: m.kinds.round_zero,
            bytes_normal: round_bytes - m.kinds.round_zero_bytes,
            bytes_zero: m.kinds.round_zero_bytes,
        };
        m.rounds.round += 1;
        m.rounds.started_ns = now;
        m.rounds.sent = 0;
        m.kinds.round_zero = 0;
        m.kinds.round_zero_bytes = 0;
        m.kinds.round_bytes = 0;
        let total = m.transfer.bytes.total();
        let auto_converge = m.convergence.auto_converge;
        let q = m.qemu.as_deref_mut().expect("a move on QEMU's loop");
        q.period_new += fresh;
        let period_over = !in_downtime && now > q.period_start + PERIOD_NS;
        let mut high = false;
        if period_over {
            let sent = total.saturating_sub(q.period_bytes0) as f64;
            high = (q.period_new * page_bytes) as f64 > THROTTLE_TRIGGER * sent;
            q.period_start = now;
            q.period_new = 0;
            q.period_bytes0 = total;
        }
        let stats = RoundStats {
            expected_downtime_ms: self.expected_downtime_ms(remaining, rate),
            ..stats
        };
        self.moves[i].rounds.history.push(stats.clone());
        self.emit(now, EventKind::RoundCompleted(stats));
        if period_over {
            self.detect_stall(id, now, remaining);
            if auto_converge && high {
                self.auto_converge_step(id, now);
            }
        }
    }

    /// `migration_completion`: the guest stops, the last sync (inside the downtime, counted),
    /// and the suspend window opens; a stop-and-copy sends what is left at the link's full
    /// rate, the rate limit lifted.
    fn qemu_switch(&mut self, id: MoveId, at: u64, reason: SwitchReason) {
        self.qemu_sync(id, at, true);
        let i = id.index();
        let p = self.moves[i].partition;
        let page_bytes = self.world.page_bytes() as f64;
        let full = self.link_pages_s();
        let fixed_s = self.policy.suspend_overhead_ms / 1000.0 + self.world.link.latency_s;
        let final_phase = self.policy.final_phase;
        if let Some(mem) = self.world.partitions[p.index()].memory.as_mut() {
            // The log is empty after the sync; nothing is tracked from here on.
            mem.dirty = None;
        }
        let m = &mut self.moves[i];
        let remaining = m.transfer.send.count() as u64;
        let layout = m.kinds.layout;
        let mut zero = 0u64;
        if !layout.none() {
            m.transfer
                .send
                .for_each_one(|pg| zero += layout.is_zero(pg) as u64);
        }
        let wire = (remaining - zero) as f64 * (page_bytes + HEADER_BYTES as f64)
            + (zero * ZERO_PAGE_BYTES) as f64;
        let q = m.qemu.as_deref_mut().expect("a move on QEMU's loop");
        q.final_zero = zero;
        let bandwidth = q.bandwidth;
        let window_s = match final_phase {
            FinalPhase::ResumeThenPull => fixed_s,
            FinalPhase::StopAndCopy => {
                m.transfer.final_rate_pages_s = full;
                fixed_s + wire / (full * page_bytes).max(1e-9)
            }
        };
        let expected_downtime_ms = match final_phase {
            FinalPhase::ResumeThenPull => fixed_s * 1000.0,
            FinalPhase::StopAndCopy if bandwidth > 0.0 => {
                fixed_s * 1000.0 + wire / bandwidth * 1000.0
            }
            FinalPhase::StopAndCopy => window_s * 1000.0,
        };
        self.open_window(id, at, window_s, reason, expected_downtime_ms, remaining);
    }
}
