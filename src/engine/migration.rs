//! One move of one partition: its phase, its pre-copy state and its record.

use serde::{Deserialize, Serialize};

use super::event::{RoundStats, SwitchReason};
use crate::sim::Bitmap;

/// Where a move stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Validated; waiting for a mover slot on both frames.
    Queued,
    /// An inactive move: the profile travels, no memory.
    Configuring,
    /// Pre-copy rounds while the partition runs on the source.
    PreCopy,
    /// The suspend window.
    Suspended,
    /// Running on the target; missing pages pushed in the background and fetched on demand.
    Pulling,
    Completed,
    Stopped,
    /// A fault ended it: before the point of no return the partition runs on at the source; in
    /// the pull phase its missing pages are lost.
    Failed,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Queued => "Queued",
            Phase::Configuring => "Configuring",
            Phase::PreCopy => "Pre-copy",
            Phase::Suspended => "Suspended",
            Phase::Pulling => "Resumed (pulling)",
            Phase::Completed => "Complete",
            Phase::Stopped => "Stopped",
            Phase::Failed => "Failed",
        }
    }

    /// Still in progress (holding resources).
    pub fn in_flight(self) -> bool {
        !matches!(self, Phase::Completed | Phase::Stopped | Phase::Failed)
    }

    /// Using a mover slot on each frame.
    pub fn uses_slot(self) -> bool {
        matches!(
            self,
            Phase::Configuring | Phase::PreCopy | Phase::Suspended | Phase::Pulling
        )
    }

    /// The partition already runs on the target: a stop can no longer be honoured.
    pub fn past_point_of_no_return(self) -> bool {
        matches!(self, Phase::Pulling | Phase::Completed)
    }
}

/// Dirty and transfer rates over one sampling interval, for charts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateSample {
    pub t: f64,
    /// Pages newly dirtied per second (distinct pages).
    pub dirty_pages_s: f64,
    /// Pages sent per second.
    pub transfer_pages_s: f64,
}

/// Pages per memory-map chunk kept by a move: fine enough for any map a screen can show.
pub const MAP_CELLS: usize = 4096;

#[derive(Debug, Clone)]
pub struct Move {
    pub id: usize,
    pub partition: usize,
    pub from: usize,
    pub to: usize,
    pub inactive: bool,
    pub phase: Phase,
    /// (phase, entered at ns), in order.
    pub phase_log: Vec<(Phase, u64)>,
    pub requested_ns: u64,
    pub started_ns: Option<u64>,
    pub round: u32,
    pub round_started_ns: u64,
    pub round_sent: u64,
    /// Pages of the current round's send set (pre-copy), or of the pull set (pulling).
    pub send: Bitmap,
    /// Next page to look at in `send`.
    pub cursor: usize,
    /// The target frame's copy: the version received per page (`ABSENT` before any).
    pub target: Vec<u32>,
    /// Pages written on the target after resume.
    pub written: Bitmap,
    pub post_resume_writes: u64,
    /// Pages received at least once, per map cell.
    pub received: Vec<u32>,
    /// log2 of the pages per map cell: a shift, not a division, on the send path.
    pub cell_shift: u32,
    /// Link share this step, pages/s.
    pub share_pages_s: f64,
    pub carry: f64,
    pub pages_sent: u64,
    /// Bytes sent before suspension, while suspended, after resume.
    pub bytes: [u64; 3],
    pub auto_converge: bool,
    pub auto_throttle_pct: f64,
    pub auto_high_count: u32,
    pub history: Vec<RoundStats>,
    pub samples: Vec<RateSample>,
    pub sample_every_ns: u64,
    pub sample_started_ns: u64,
    pub sample_dirtied: u64,
    pub sample_sent: u64,
    pub suspend_ns: Option<u64>,
    pub resume_at_ns: u64,
    /// The payload rate of a stop-and-copy's final transfer, pages/s.
    pub final_rate_pages_s: f64,
    pub resume_ns: Option<u64>,
    pub downtime_ms: Option<f64>,
    pub expected_downtime_ms: f64,
    pub switch_reason: Option<SwitchReason>,
    pub demand_faults: u64,
    pub users_dropped: u32,
    pub verified: Option<bool>,
    pub finished_ns: Option<u64>,
    pub stop_reason: Option<String>,
    /// Since when the move's path (link, movers, frames) has been down, if it is.
    pub path_down_ns: Option<u64>,
    /// The smallest remaining data after a round so far, and rounds since it last fell.
    pub best_remaining: u64,
    pub flat_rounds: u32,
    pub failure: Option<String>,
    /// Pages the target never received, when a fault in the pull phase lost them.
    pub pages_lost: u64,
}

impl Move {
    pub fn new(
        id: usize,
        partition: usize,
        from: usize,
        to: usize,
        inactive: bool,
        now: u64,
    ) -> Move {
        Move {
            id,
            partition,
            from,
            to,
            inactive,
            phase: Phase::Queued,
            phase_log: vec![(Phase::Queued, now)],
            requested_ns: now,
            started_ns: None,
            round: 0,
            round_started_ns: now,
            round_sent: 0,
            send: Bitmap::default(),
            cursor: 0,
            target: Vec::new(),
            written: Bitmap::default(),
            post_resume_writes: 0,
            received: Vec::new(),
            cell_shift: 0,
            share_pages_s: 0.0,
            carry: 0.0,
            pages_sent: 0,
            bytes: [0; 3],
            auto_converge: false,
            auto_throttle_pct: 0.0,
            auto_high_count: 0,
            history: Vec::new(),
            samples: Vec::new(),
            sample_every_ns: 100_000_000,
            sample_started_ns: now,
            sample_dirtied: 0,
            sample_sent: 0,
            suspend_ns: None,
            resume_at_ns: 0,
            final_rate_pages_s: 0.0,
            resume_ns: None,
            downtime_ms: None,
            expected_downtime_ms: 0.0,
            switch_reason: None,
            demand_faults: 0,
            users_dropped: 0,
            verified: None,
            finished_ns: None,
            stop_reason: None,
            path_down_ns: None,
            best_remaining: u64::MAX,
            flat_rounds: 0,
            failure: None,
            pages_lost: 0,
        }
    }

    pub fn enter(&mut self, phase: Phase, at: u64) {
        self.phase = phase;
        self.phase_log.push((phase, at));
    }

    /// Ends the move in `phase` (Completed, Stopped or Failed) and releases its page state.
    pub fn finish(&mut self, phase: Phase, at: u64) {
        self.enter(phase, at);
        self.finished_ns = Some(at);
        self.target = Vec::new();
        self.send = Bitmap::default();
        self.written = Bitmap::default();
    }

    /// Closes the suspend window at `at` (on either frame): records the downtime and drops the
    /// users if it outlasted their timeout. Returns the downtime in ms.
    pub fn close_window(&mut self, at: u64, users_connected: &mut u32, user_timeout_s: f64) -> f64 {
        let window = at - self.suspend_ns.unwrap_or(at);
        let ms = window as f64 / 1e6;
        self.downtime_ms = Some(ms);
        self.resume_ns = Some(at);
        if window as f64 / 1e9 > user_timeout_s {
            self.users_dropped = *users_connected;
            *users_connected = 0;
        }
        ms
    }

    /// Allocates the target shell's memory for `pages` pages.
    pub fn allocate_target(&mut self, pages: usize) {
        self.target = crate::sim::memory::page_array(pages, crate::sim::memory::ABSENT);
        self.written = Bitmap::new(pages);
        self.cell_shift = pages
            .div_ceil(MAP_CELLS)
            .max(1)
            .next_power_of_two()
            .trailing_zeros();
        self.received = vec![0; pages.div_ceil(self.cell_pages())];
    }

    /// Pages per memory-map cell.
    pub fn cell_pages(&self) -> usize {
        1 << self.cell_shift
    }

    /// Copies page `p` from `source` to the target.
    #[inline(always)]
    pub fn copy_page(&mut self, source: &[u32], p: usize) {
        copy_into(
            &mut self.target,
            &mut self.received,
            self.cell_shift,
            source,
            p,
        );
    }

    /// Applies writes made on the target after resume, fetching any page still on the source
    /// first; returns the number of such demand faults.
    pub fn write_on_target(
        &mut self,
        source: &[u32],
        draw: impl FnOnce(&mut dyn FnMut(usize)),
    ) -> u64 {
        let mut faults = 0;
        let mut write = |pg: usize| {
            if self.send.clear(pg) {
                self.copy_page(source, pg);
                faults += 1;
            }
            self.target[pg] = crate::sim::memory::bump(self.target[pg]);
            self.written.set(pg);
        };
        draw(&mut write);
        faults
    }

    /// Sends up to `n` pages of the send set, in page order; returns how many it sent.
    pub fn send_pages(&mut self, source: &[u32], n: u64) -> u64 {
        let Move {
            send,
            target,
            received,
            cell_shift,
            cursor,
            ..
        } = self;
        let mut sent = 0;
        while sent < n {
            // Pages behind the cursor are only ever cleared while it sweeps; should one be set
            // there all the same, wrap once rather than leave a move that can never finish.
            let from = if send.next_set(*cursor).is_some() {
                *cursor
            } else {
                0
            };
            let (taken, next) = send.drain_from(from, (n - sent) as usize, |p| {
                copy_into(target, received, *cell_shift, source, p)
            });
            if taken == 0 {
                break;
            }
            sent += taken as u64;
            *cursor = next;
        }
        sent
    }

    /// Bytes of per-page state this move holds (target image and its bitmaps).
    pub fn state_bytes(&self) -> usize {
        self.target.len() * 4
            + self.send.memory_bytes()
            + self.written.memory_bytes()
            + self.received.len() * 4
    }

    /// Records a sample when its interval is over; halves the resolution past 1,200 samples so
    /// that a long move keeps its whole history in bounded memory.
    pub fn sample(&mut self, now: u64) {
        let span = now - self.sample_started_ns;
        if span < self.sample_every_ns {
            return;
        }
        let secs = span as f64 / 1e9;
        self.samples.push(RateSample {
            t: now as f64 / 1e9,
            dirty_pages_s: self.sample_dirtied as f64 / secs,
            transfer_pages_s: self.sample_sent as f64 / secs,
        });
        self.sample_started_ns = now;
        self.sample_dirtied = 0;
        self.sample_sent = 0;
        if self.samples.len() >= 1200 {
            let merged: Vec<RateSample> = self
                .samples
                .chunks(2)
                .map(|c| {
                    let n = c.len() as f64;
                    RateSample {
                        t: c[c.len() - 1].t,
                        dirty_pages_s: c.iter().map(|s| s.dirty_pages_s).sum::<f64>() / n,
                        transfer_pages_s: c.iter().map(|s| s.transfer_pages_s).sum::<f64>() / n,
                    }
                })
                .collect();
            self.samples = merged;
            self.sample_every_ns *= 2;
        }
    }

    /// Nanoseconds spent in each phase entered so far (the current one up to `now`).
    pub fn phase_durations(&self, now: u64) -> Vec<(Phase, f64)> {
        let mut out = Vec::with_capacity(self.phase_log.len());
        for (k, &(phase, at)) in self.phase_log.iter().enumerate() {
            let end = self.phase_log.get(k + 1).map(|&(_, t)| t).unwrap_or(now);
            out.push((phase, end.saturating_sub(at) as f64 / 1e9));
        }
        out
    }
}

/// Page `p` of `source` into `target`, counting a first arrival in its map cell.
#[inline(always)]
fn copy_into(target: &mut [u32], received: &mut [u32], cell_shift: u32, source: &[u32], p: usize) {
    if target[p] == crate::sim::memory::ABSENT {
        received[p >> cell_shift] += 1;
    }
    target[p] = source[p];
}
