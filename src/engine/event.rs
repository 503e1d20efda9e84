//! The engine's output: one typed stream of events, serialised as DOMAIN.md section 5 says.

use serde::{Deserialize, Serialize};

use super::evacuation::{LeftBehind, Placement};
use crate::spec::FinalPhase;

/// Something that happened at simulated time `t` (seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub t: f64,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// `migrlpar -o v` passed.
    ValidationPassed {
        partition: String,
        to: String,
        checks: usize,
    },
    ValidationFailed {
        partition: String,
        to: String,
        errors: Vec<String>,
    },
    /// Validated, but every MSP slot on one side is busy: it waits.
    MigrationQueued {
        partition: String,
        from: String,
        to: String,
        position: usize,
    },
    MigrationStarted {
        partition: String,
        from: String,
        to: String,
        inactive: bool,
        /// Who asked for it: `operator`, `script`, `balancer` or `consolidation` (an
        /// evacuation's moves carry the origin of the `Evacuate`).
        #[serde(default)]
        by: Origin,
    },
    RoundCompleted(RoundStats),
    /// Auto-converge raised the partition's CPU throttle.
    AutoConvergeThrottle {
        partition: String,
        percent: f64,
    },
    /// The switch-over: the suspend window opens.
    Suspended {
        partition: String,
        remaining_pages: u64,
        reason: SwitchReason,
        expected_downtime_ms: f64,
    },
    /// The point of no return: the partition runs on `system` again.
    Resumed {
        partition: String,
        system: String,
        downtime_ms: f64,
        users_dropped: u32,
    },
    MigrationCompleted(Completion),
    MigrationStopped {
        partition: String,
        reason: String,
        round: u32,
    },
    StopRefused {
        partition: String,
        reason: String,
    },
    BandwidthCapChanged {
        partition: String,
        mib_s: Option<f64>,
    },
    CpuThrottleChanged {
        partition: String,
        percent: f64,
    },
    AutoConvergeChanged {
        partition: String,
        enabled: bool,
    },
    DedicatedIoRemoved {
        partition: String,
    },
    EvacuationStarted {
        from: String,
        /// The frame named, or none when the placement rule chose per partition.
        to: Option<String>,
        moving: usize,
        refused: usize,
        /// Where the placement rule put each partition (only when no frame was named).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        placements: Vec<Placement>,
    },
    /// Every move of an evacuation has ended: whether the frame is empty, and what is left.
    EvacuationCompleted {
        from: String,
        moved: usize,
        refused: usize,
        total_s: f64,
        frame_empty: bool,
        left: Vec<LeftBehind>,
    },
    /// An action that could not be carried out (unknown partition, nothing to stop...).
    ActionRefused {
        action: String,
        reason: String,
    },
    LinkDown {
        until_s: f64,
    },
    LinkDegraded {
        bandwidth_gbps: f64,
        until_s: f64,
    },
    LinkRestored {
        bandwidth_gbps: f64,
    },
    MspFailed {
        system: String,
        /// The one mover that failed, when not all of them did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msp: Option<String>,
    },
    /// A move's mover failed and its standby pair carries on, after a pause.
    MspFailover {
        partition: String,
        from_pair: String,
        to_pair: String,
    },
    FrameFailed {
        system: String,
    },
    /// A partition stopped running: its frame failed under it.
    PartitionDown {
        partition: String,
        reason: String,
    },
    /// A move makes no progress (its path is down); it has not failed (yet).
    MoveStalled {
        partition: String,
        reason: String,
    },
    /// A move failed before its point of no return; the partition runs on where it was (unless
    /// that frame failed too); `source_intact` from its memory checked against its own writes.
    MigrationFailed {
        partition: String,
        reason: String,
        /// The partition went down with its source frame: it does not run on anywhere.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        down: bool,
        phase: String,
        round: u32,
        source_intact: bool,
    },
    /// Data loss: the partition ran on the target and the source never sent its last pages.
    PartitionLost {
        partition: String,
        reason: String,
        pages_missing: u64,
    },
    /// Pre-copy is not converging; the analytic model's way out.
    ConvergenceStalled {
        partition: String,
        round: u32,
        remaining_pages: u64,
        /// The smallest CPU throttle (10% steps) that would make it converge, if any.
        cpu_throttle_percent: Option<f64>,
        /// The bandwidth (MiB/s) that would make it converge at today's writes, if the link
        /// has it.
        bandwidth_mib_s: Option<f64>,
        suggestion: String,
    },
    Recovered {
        partition: String,
    },
    /// A failed frame or mover works again (`msp`: the one mover, when not the whole frame).
    Repaired {
        system: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msp: Option<String>,
    },
    /// A partition that went down with its frame runs again (it restarted: its users come
    /// back).
    PartitionRestarted {
        partition: String,
    },
    /// The policy's final phase changed: moves that switch over from now on use it.
    FinalPhaseChanged {
        phase: FinalPhase,
    },
    /// `PowerOff`: the frame shuts down (no partition runs there).
    FramePoweringOff {
        system: String,
    },
    FramePoweredOff {
        system: String,
    },
    /// `PowerOn`: the frame boots, for `boot_s`.
    FramePoweringOn {
        system: String,
        boot_s: f64,
    },
    /// The frame operates: partitions may run and land there.
    FrameOperating {
        system: String,
    },
    /// A partition keeps `percent` of its processors busy from now on.
    CpuLoadChanged {
        partition: String,
        percent: f64,
    },
    /// The balancer recommends a move: the imbalance (standard deviation of the operating
    /// frames' utilisation, percentage points) before and after it, and the model's cost. In
    /// Active mode a `migration_started` with `by: "balancer"` follows when it starts.
    BalanceAdvised {
        partition: String,
        from: String,
        to: String,
        imbalance_before: f64,
        imbalance_after: f64,
        predicted_s: f64,
        predicted_downtime_ms: f64,
    },
    /// Consolidation decided `action` (`evacuate`, `power_off`, `power_on`, or `keep_on` for a
    /// frame it emptied that could not be powered off) for `system`, and why; `mode` is
    /// `advise` (only said) or `active` (done).
    ConsolidationDecided {
        action: String,
        system: String,
        reason: String,
        mode: String,
    },
}

/// Who asked for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The dashboard, the HMC command line, a presenter: someone at the console.
    #[default]
    Operator,
    /// The scenario's timed actions.
    Script,
    Balancer,
    Consolidation,
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Operator => "operator",
            Origin::Script => "script",
            Origin::Balancer => "balancer",
            Origin::Consolidation => "consolidation",
        }
    }
}

/// Why pre-copy ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwitchReason {
    /// The switch-over rule was met: the move converged.
    Threshold,
    /// `max_rounds` reached first.
    MaxRounds,
    /// `max_sent_factor` reached first.
    MaxSentFactor,
}

impl SwitchReason {
    pub fn converged(self) -> bool {
        self == SwitchReason::Threshold
    }

    /// Its name in JSON and CSV: `threshold`, `max_rounds`, `max_sent_factor`.
    pub fn name(self) -> &'static str {
        match self {
            SwitchReason::Threshold => "threshold",
            SwitchReason::MaxRounds => "max_rounds",
            SwitchReason::MaxSentFactor => "max_sent_factor",
        }
    }

    /// In words, for a person.
    pub fn label(self) -> &'static str {
        match self {
            SwitchReason::Threshold => "threshold met",
            SwitchReason::MaxRounds => "round limit reached, not converged",
            SwitchReason::MaxSentFactor => "sent-data limit reached, not converged",
        }
    }
}

/// One pre-copy round, as `round_completed` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundStats {
    pub partition: String,
    pub round: u32,
    pub pages_sent: u64,
    pub bytes_sent: u64,
    /// Distinct pages written during the round: the next round's send set.
    pub pages_dirtied: u64,
    pub duration_s: f64,
    pub dirty_rate_pages_s: f64,
    pub transfer_rate_bytes_s: f64,
    pub remaining_pages: u64,
    pub clean_percent: f64,
    pub expected_downtime_ms: f64,
    /// Of `pages_sent`, the zero pages sent as a header alone (QEMU's loop; 0 under rounds).
    pub zero_pages: u64,
    /// `bytes_sent` by kind: normal pages (with their headers under QEMU's loop) and zero pages.
    pub bytes_normal: u64,
    pub bytes_zero: u64,
}

/// A finished move, as `migration_completed` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub partition: String,
    pub from: String,
    pub to: String,
    pub rounds: u32,
    pub total_s: f64,
    pub downtime_ms: f64,
    pub pages_sent: u64,
    pub bytes_sent: u64,
    pub demand_faults: u64,
    pub users_dropped: u32,
    /// From the page-by-page comparison of target and source images, never from bookkeeping.
    pub verified: bool,
    pub converged: bool,
    pub inactive: bool,
    pub bytes_precopy: u64,
    pub bytes_suspended: u64,
    pub bytes_after_resume: u64,
    /// Zero pages sent as a header alone (QEMU's `duplicate`), and those never sent at all
    /// (PowerVM: the target's fresh memory holds zeros already).
    pub zero_pages: u64,
    pub zero_pages_skipped: u64,
    /// `bytes_sent` by kind: normal pages (with their headers under QEMU's loop) and zero pages.
    pub bytes_normal: u64,
    pub bytes_zero: u64,
    /// The price of post-copy (resume then pull; 0 for a stop-and-copy): seconds from resume
    /// to the last page, the time the partition spent stalled on pages it lacked, and the
    /// share of the writes it would have made meanwhile that it could not make.
    pub postcopy_s: f64,
    pub postcopy_stall_ms: f64,
    pub postcopy_slowdown_percent: f64,
}

impl Event {
    pub fn name(&self) -> &'static str {
        match &self.kind {
            EventKind::ValidationPassed { .. } => "validation_passed",
            EventKind::ValidationFailed { .. } => "validation_failed",
            EventKind::MigrationQueued { .. } => "migration_queued",
            EventKind::MigrationStarted { .. } => "migration_started",
            EventKind::RoundCompleted(_) => "round_completed",
            EventKind::AutoConvergeThrottle { .. } => "auto_converge_throttle",
            EventKind::Suspended { .. } => "suspended",
            EventKind::Resumed { .. } => "resumed",
            EventKind::MigrationCompleted(_) => "migration_completed",
            EventKind::MigrationStopped { .. } => "migration_stopped",
            EventKind::StopRefused { .. } => "stop_refused",
            EventKind::BandwidthCapChanged { .. } => "bandwidth_cap_changed",
            EventKind::CpuThrottleChanged { .. } => "cpu_throttle_changed",
            EventKind::AutoConvergeChanged { .. } => "auto_converge_changed",
            EventKind::DedicatedIoRemoved { .. } => "dedicated_io_removed",
            EventKind::EvacuationStarted { .. } => "evacuation_started",
            EventKind::EvacuationCompleted { .. } => "evacuation_completed",
            EventKind::ActionRefused { .. } => "action_refused",
            EventKind::LinkDown { .. } => "link_down",
            EventKind::LinkDegraded { .. } => "link_degraded",
            EventKind::LinkRestored { .. } => "link_restored",
            EventKind::MspFailed { .. } => "msp_failed",
            EventKind::MspFailover { .. } => "msp_failover",
            EventKind::FrameFailed { .. } => "frame_failed",
            EventKind::PartitionDown { .. } => "partition_down",
            EventKind::MoveStalled { .. } => "move_stalled",
            EventKind::MigrationFailed { .. } => "migration_failed",
            EventKind::PartitionLost { .. } => "partition_lost",
            EventKind::ConvergenceStalled { .. } => "convergence_stalled",
            EventKind::Recovered { .. } => "recovered",
            EventKind::FinalPhaseChanged { .. } => "final_phase_changed",
            EventKind::Repaired { .. } => "repaired",
            EventKind::PartitionRestarted { .. } => "partition_restarted",
            EventKind::FramePoweringOff { .. } => "frame_powering_off",
            EventKind::FramePoweredOff { .. } => "frame_powered_off",
            EventKind::FramePoweringOn { .. } => "frame_powering_on",
            EventKind::FrameOperating { .. } => "frame_operating",
            EventKind::CpuLoadChanged { .. } => "cpu_load_changed",
            EventKind::BalanceAdvised { .. } => "balance_advised",
            EventKind::ConsolidationDecided { .. } => "consolidation_decided",
        }
    }
}
