//! One move of one partition: where it stands, and its state grouped by what each part is for
//! (the transfer, the rounds, convergence aids, sampling for charts, the suspend window, how
//! it ended). The engine's modules write these; everyone else reads through the getters.

use serde::{Deserialize, Serialize};

use super::event::{RoundStats, SwitchReason};
use super::ids::{FrameId, MoveId, PartitionId};
use super::image::TargetImage;
use super::qemu::QemuLoop;
use super::vio::VioMapping;
use crate::sim::{Bitmap, ZeroPages};
use crate::spec::{MappingChoice, Redundancy};

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

    /// Sending pages over the link (pre-copy rounds or the pull).
    pub fn sends(self) -> bool {
        matches!(self, Phase::PreCopy | Phase::Pulling)
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

/// Bytes sent in each part of a move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BytesByPhase {
    pub precopy: u64,
    pub suspended: u64,
    pub after_resume: u64,
}

impl BytesByPhase {
    pub fn total(&self) -> u64 {
        self.precopy + self.suspended + self.after_resume
    }
}

/// The phase and when each was entered.
#[derive(Debug, Clone)]
pub(super) struct Lifecycle {
    pub(super) phase: Phase,
    /// (phase, entered at ns), in order.
    pub(super) log: Vec<(Phase, u64)>,
    pub(super) started_ns: Option<u64>,
    pub(super) finished_ns: Option<u64>,
}

/// What moves over the link, and at what rate.
#[derive(Debug, Clone, Default)]
pub(super) struct Transfer {
    /// Pages of the current round's send set (pre-copy), or of the pull set (pulling).
    pub(super) send: Bitmap,
    /// Next page to look at in `send`.
    pub(super) cursor: usize,
    /// Link share this step, pages/s.
    pub(super) share_pages_s: f64,
    /// Fraction of a page's budget carried into the next step.
    pub(super) carry: f64,
    pub(super) pages_sent: u64,
    /// The payload rate of a stop-and-copy's final transfer, pages/s.
    pub(super) final_rate_pages_s: f64,
    pub(super) bytes: BytesByPhase,
    pub(super) demand_faults: u64,
    /// Sending nothing until then, ns: a standby mover pair is taking over.
    pub(super) paused_until_ns: Option<u64>,
}

/// The pre-copy rounds.
#[derive(Debug, Clone, Default)]
pub(super) struct Rounds {
    pub(super) round: u32,
    pub(super) started_ns: u64,
    /// Pages sent in the current round.
    pub(super) sent: u64,
    pub(super) history: Vec<RoundStats>,
    /// Why pre-copy ended, once it has.
    pub(super) switch_reason: Option<SwitchReason>,
}

/// Convergence aids and stall detection.
#[derive(Debug, Clone)]
pub(super) struct Convergence {
    pub(super) auto_converge: bool,
    pub(super) auto_throttle_pct: f64,
    /// Syncs at which more than half as much was dirtied as sent, since the last throttle step.
    pub(super) auto_high_count: u32,
    /// The smallest remaining data after a round so far, and rounds since it last fell.
    pub(super) best_remaining: u64,
    pub(super) flat_rounds: u32,
}

/// Dirty and transfer rates sampled over time, for charts.
#[derive(Debug, Clone)]
pub(super) struct Sampling {
    pub(super) samples: Vec<RateSample>,
    pub(super) every_ns: u64,
    pub(super) started_ns: u64,
    pub(super) dirtied: u64,
    pub(super) sent: u64,
}

/// The switch-over: when the partition was suspended and resumed, and what it cost.
#[derive(Debug, Clone, Default)]
pub(super) struct SuspendWindow {
    pub(super) suspend_ns: Option<u64>,
    /// When the window is due to close (or the profile to arrive, for an inactive move).
    pub(super) resume_at_ns: u64,
    pub(super) resume_ns: Option<u64>,
    pub(super) downtime_ms: Option<f64>,
    pub(super) expected_downtime_ms: f64,
    pub(super) users_dropped: u32,
}

/// How the move ended, and what went wrong on the way.
#[derive(Debug, Clone, Default)]
pub(super) struct Ending {
    /// From the page-by-page comparison of the images, once complete.
    pub(super) verified: Option<bool>,
    pub(super) stop_reason: Option<String>,
    /// What ended it, when a fault did.
    pub(super) failure: Option<String>,
    /// Since when the move's path (link, movers, frames) has been down, if it is.
    pub(super) path_down_ns: Option<u64>,
    /// Pages the target never received, when a fault in the pull phase lost them.
    pub(super) pages_lost: u64,
    /// For a move that ended before resuming (stopped, failed), whether the source's memory
    /// still held every write the partition made during it.
    pub(super) source_intact: Option<bool>,
}

/// The movers a move runs on: one on each frame (indices into the frames' movers), and, with
/// redundancy, a standby pair that carries on if the first fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub source: usize,
    pub target: usize,
    pub standby: Option<(usize, usize)>,
}

/// The movers a move asks for: named ones, or the engine's choice; its redundancy; and the
/// target VIOS the operator chose for client adapters (the engine maps the rest).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoverRequest {
    pub source: Option<usize>,
    pub target: Option<usize>,
    pub redundant: Redundancy,
    pub mappings: Vec<MappingChoice>,
}

/// Pages by kind. A partition's zero pages (`zero_percent` of them, never written) go as a
/// header alone under QEMU's loop (QEMU's `duplicate`) and not at all under lpm's rounds
/// (PowerVM does not copy never-written pages); every other page is a normal page.
#[derive(Debug, Clone, Default)]
pub(super) struct PageKinds {
    /// Set up at the move's first step of pre-copy.
    pub(super) ready: bool,
    /// Which pages are zero.
    pub(super) layout: ZeroPages,
    /// Zero pages sent as headers, and their bytes.
    pub(super) zero_sent: u64,
    pub(super) zero_bytes: u64,
    /// Zero pages never sent (already zero on the target).
    pub(super) zero_skipped: u64,
    /// Of the current round (QEMU's loop: since the last sync): zero pages, their bytes, and
    /// every byte on the wire.
    pub(super) round_zero: u64,
    pub(super) round_zero_bytes: u64,
    pub(super) round_bytes: u64,
}

/// The price of post-copy: what the partition lost to demand faults after resume.
#[derive(Debug, Clone, Default)]
pub(super) struct PostCopy {
    /// Time it was (or is yet to be) stalled on pages it lacked, ns.
    pub(super) stall_ns: f64,
    /// Page writes it made between resume and completion, and those it could not make while
    /// stalled.
    pub(super) writes_made: u64,
    pub(super) writes_missed: f64,
}

#[derive(Debug, Clone)]
pub struct Move {
    pub(super) id: MoveId,
    pub(super) partition: PartitionId,
    pub(super) from: FrameId,
    pub(super) to: FrameId,
    pub(super) inactive: bool,
    pub(super) request: MoverRequest,
    /// The movers it holds, once it has started.
    pub(super) route: Option<Route>,
    /// What the analytic model expected of it when it started.
    pub(super) forecast: Option<super::Prediction>,
    pub(super) life: Lifecycle,
    pub(super) image: TargetImage,
    pub(super) transfer: Transfer,
    pub(super) rounds: Rounds,
    pub(super) convergence: Convergence,
    pub(super) sampling: Sampling,
    pub(super) window: SuspendWindow,
    pub(super) ending: Ending,
    pub(super) kinds: PageKinds,
    pub(super) postcopy: PostCopy,
    /// QEMU's loop state, when the move runs it (`policy.precopy: Qemu`).
    pub(super) qemu: Option<Box<QemuLoop>>,
    /// Who asked for it.
    pub(super) by: super::Origin,
    /// Its client adapters mapped onto the target's VIOS, as chosen when it started.
    pub(super) vio: VioMapping,
}

impl Move {
    pub(super) fn new(
        id: MoveId,
        partition: PartitionId,
        (from, to): (FrameId, FrameId),
        inactive: bool,
        request: MoverRequest,
        auto_converge: bool,
        now: u64,
    ) -> Move {
        Move {
            id,
            partition,
            from,
            to,
            inactive,
            request,
            route: None,
            forecast: None,
            life: Lifecycle {
                phase: Phase::Queued,
                log: vec![(Phase::Queued, now)],
                started_ns: None,
                finished_ns: None,
            },
            image: TargetImage::default(),
            transfer: Transfer::default(),
            rounds: Rounds {
                started_ns: now,
                ..Rounds::default()
            },
            convergence: Convergence {
                auto_converge,
                auto_throttle_pct: 0.0,
                auto_high_count: 0,
                best_remaining: u64::MAX,
                flat_rounds: 0,
            },
            sampling: Sampling {
                samples: Vec::new(),
                every_ns: 100_000_000,
                started_ns: now,
                dirtied: 0,
                sent: 0,
            },
            window: SuspendWindow::default(),
            ending: Ending::default(),
            kinds: PageKinds::default(),
            postcopy: PostCopy::default(),
            qemu: None,
            by: super::Origin::Operator,
            vio: VioMapping::default(),
        }
    }

    pub(super) fn enter(&mut self, phase: Phase, at: u64) {
        self.life.phase = phase;
        self.life.log.push((phase, at));
    }

    /// Ends the move in `phase` (Completed, Stopped or Failed) and releases its page state
    /// (the map cells' arrival counts stay, for the memory map of a failed move).
    pub(super) fn finish(&mut self, phase: Phase, at: u64) {
        self.enter(phase, at);
        self.life.finished_ns = Some(at);
        self.image.versions = Vec::new();
        self.image.written = Bitmap::default();
        self.transfer.send = Bitmap::default();
    }

    /// Closes the suspend window at `at` (on either frame): records the downtime and drops the
    /// users if it outlasted their timeout. Returns the downtime in ms.
    pub(super) fn close_window(
        &mut self,
        at: u64,
        users_connected: &mut u32,
        user_timeout_s: f64,
    ) -> f64 {
        let w = &mut self.window;
        let window = at - w.suspend_ns.unwrap_or(at);
        let ms = window as f64 / 1e6;
        w.downtime_ms = Some(ms);
        w.resume_ns = Some(at);
        if window as f64 / 1e9 > user_timeout_s {
            w.users_dropped = *users_connected;
            *users_connected = 0;
        }
        ms
    }

    /// Sends up to `n` pages of the send set from `source`; returns how many went.
    pub(super) fn send_pages(&mut self, source: &[u32], n: u64) -> u64 {
        let t = &mut self.transfer;
        self.image.send_pages(&mut t.send, &mut t.cursor, source, n)
    }

    /// Records a sample when its interval is over; halves the resolution past 1,200 samples so
    /// that a long move keeps its whole history in bounded memory.
    pub(super) fn sample(&mut self, now: u64) {
        let s = &mut self.sampling;
        let span = now - s.started_ns;
        if span < s.every_ns {
            return;
        }
        let secs = span as f64 / 1e9;
        s.samples.push(RateSample {
            t: now as f64 / 1e9,
            dirty_pages_s: s.dirtied as f64 / secs,
            transfer_pages_s: s.sent as f64 / secs,
        });
        s.started_ns = now;
        s.dirtied = 0;
        s.sent = 0;
        if s.samples.len() >= 1200 {
            let merged: Vec<RateSample> = s
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
            s.samples = merged;
            s.every_ns *= 2;
        }
    }

    /// Counts pages sent toward the move's totals, the round and the current sample.
    pub(super) fn count_sent(&mut self, pages: u64) {
        self.transfer.pages_sent += pages;
        self.rounds.sent += pages;
        self.sampling.sent += pages;
    }

    // ----- reading -----

    pub fn id(&self) -> MoveId {
        self.id
    }

    pub fn partition(&self) -> PartitionId {
        self.partition
    }

    pub fn from(&self) -> FrameId {
        self.from
    }

    pub fn to(&self) -> FrameId {
        self.to
    }

    /// Its client adapters mapped onto the target's VIOS, as chosen when it started.
    pub fn vio(&self) -> &VioMapping {
        &self.vio
    }

    /// The movers it runs on, once started.
    pub fn route(&self) -> Option<Route> {
        self.route
    }

    /// What the analytic model expected of it when it started.
    pub fn forecast(&self) -> Option<&super::Prediction> {
        self.forecast.as_ref()
    }

    /// A profile-only move of a partition that is not activated.
    pub fn inactive(&self) -> bool {
        self.inactive
    }

    pub fn phase(&self) -> Phase {
        self.life.phase
    }

    pub fn round(&self) -> u32 {
        self.rounds.round
    }

    pub fn history(&self) -> &[RoundStats] {
        &self.rounds.history
    }

    /// Pages sent in the current round so far.
    pub fn round_sent(&self) -> u64 {
        self.rounds.sent
    }

    /// Dirty and transfer rates sampled over the move, for charts.
    pub fn samples(&self) -> &[RateSample] {
        &self.sampling.samples
    }

    pub fn pages_sent(&self) -> u64 {
        self.transfer.pages_sent
    }

    /// Pages still in the current send set (of the round, or of the pull).
    pub fn pages_to_send(&self) -> u64 {
        self.transfer.send.count() as u64
    }

    pub fn demand_faults(&self) -> u64 {
        self.transfer.demand_faults
    }

    /// Bytes sent before suspension, while suspended, after resume.
    pub fn bytes(&self) -> BytesByPhase {
        self.transfer.bytes
    }

    /// Zero pages sent as a header alone (QEMU's `duplicate`), and their bytes.
    pub fn zero_pages_sent(&self) -> u64 {
        self.kinds.zero_sent
    }

    pub fn bytes_zero(&self) -> u64 {
        self.kinds.zero_bytes
    }

    /// Bytes of normal pages (with their headers under QEMU's loop).
    pub fn bytes_normal(&self) -> u64 {
        self.transfer.bytes.total() - self.kinds.zero_bytes
    }

    /// Zero pages not sent at all: the target's fresh memory already holds them (PowerVM).
    pub fn zero_pages_skipped(&self) -> u64 {
        self.kinds.zero_skipped
    }

    /// Whether the move runs QEMU's own pre-copy loop.
    pub fn qemu_loop(&self) -> bool {
        self.qemu.is_some()
    }

    /// QEMU's loop: the pending data below which it syncs and switches over (bytes), and the
    /// bandwidth its last rate-limit window measured (bytes/s).
    pub fn qemu_threshold(&self) -> Option<(f64, f64)> {
        self.qemu
            .as_ref()
            .map(|q| (q.threshold_bytes(), q.bandwidth_bytes_s()))
    }

    /// Time the partition spent (or has still to spend) stalled on pages it lacked after
    /// resume, ms: demand faults, and any time its source was unreachable.
    pub fn postcopy_stall_ms(&self) -> f64 {
        self.postcopy.stall_ns / 1e6
    }

    /// Of the page writes the partition would have made between resume and now (or
    /// completion), the share it could not make because it was stalled, percent.
    pub fn postcopy_slowdown_percent(&self) -> f64 {
        let p = &self.postcopy;
        let would = p.writes_made as f64 + p.writes_missed;
        if would > 0.0 {
            p.writes_missed / would * 100.0
        } else {
            0.0
        }
    }

    pub fn verified(&self) -> Option<bool> {
        self.ending.verified
    }

    /// For a stopped or failed move: the source's memory held every write made during it.
    pub fn source_intact(&self) -> Option<bool> {
        self.ending.source_intact
    }

    /// The suspend window as (opened at, due to close at), ns, while it is open.
    pub fn suspend_window_ns(&self) -> Option<(u64, u64)> {
        (self.life.phase == Phase::Suspended).then(|| {
            (
                self.window.suspend_ns.unwrap_or(0),
                self.window.resume_at_ns,
            )
        })
    }

    /// When the move first entered `phase`, ns, if it has.
    pub fn entered_ns(&self, phase: Phase) -> Option<u64> {
        self.life
            .log
            .iter()
            .find(|(p, _)| *p == phase)
            .map(|&(_, at)| at)
    }

    pub fn finished_ns(&self) -> Option<u64> {
        self.life.finished_ns
    }

    /// Bytes of per-page state this move holds (target image and its bitmaps).
    pub fn state_bytes(&self) -> usize {
        self.image.state_bytes() + self.transfer.send.memory_bytes()
    }

    /// Seconds spent in each phase entered so far (the current one up to `now`, ns).
    pub fn phase_durations(&self, now: u64) -> Vec<(Phase, f64)> {
        let log = &self.life.log;
        let mut out = Vec::with_capacity(log.len());
        for (k, &(phase, at)) in log.iter().enumerate() {
            let end = log.get(k + 1).map(|&(_, t)| t).unwrap_or(now);
            out.push((phase, end.saturating_sub(at) as f64 / 1e9));
        }
        out
    }
}
