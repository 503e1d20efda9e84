//! What a dashboard reads each frame: an owned, plain copy of the state of the world.

use serde::{Deserialize, Serialize};

use super::migration::{MAP_CELLS, Move, Phase, RateSample};
use super::predictor::{self, Inputs, Prediction};
use super::{Engine, RoundStats, SwitchReason, Switchover};
use crate::sim::{PartitionState, Processor};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// Simulated seconds.
    pub t: f64,
    pub scenario: String,
    pub page_size_kib: u32,
    pub link_gbps: f64,
    pub link_pages_s: f64,
    /// The link's payload rate now (0 while down, less while degraded).
    pub link_pages_s_now: f64,
    pub systems: Vec<SystemView>,
    pub partitions: Vec<PartitionView>,
    /// Every move requested so far, in order.
    pub moves: Vec<MoveView>,
    pub in_flight: usize,
    pub queued: usize,
    pub completed: usize,
    pub stopped: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SystemView {
    pub name: String,
    pub processor: Processor,
    pub cpus: f64,
    pub cpus_used: f64,
    pub memory_gib: f64,
    pub memory_used_gib: f64,
    pub msps: u32,
    pub msp_slots: u32,
    pub msp_in_use: u32,
    /// The frame failed (FrameFail), or its movers did (MspFail).
    pub failed: bool,
    pub msps_failed: bool,
    /// Partitions running here now (indices into `Snapshot::partitions`).
    pub partitions: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionStatus {
    Running,
    NotActivated,
    /// Waiting for a mover slot.
    Queued,
    /// Pre-copy (or a profile-only move) under way.
    Migrating,
    Suspended,
    /// Running on the target while the last pages arrive.
    Pulling,
    /// Not running: its frame failed, or a fault in the pull phase lost it.
    Down,
}

impl PartitionStatus {
    pub fn label(self) -> &'static str {
        match self {
            PartitionStatus::Running => "Running",
            PartitionStatus::NotActivated => "Not Activated",
            PartitionStatus::Queued => "Queued",
            PartitionStatus::Migrating => "Migrating",
            PartitionStatus::Suspended => "Suspended",
            PartitionStatus::Pulling => "Pulling",
            PartitionStatus::Down => "Down",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartitionView {
    pub name: String,
    /// The frame it runs on (index into `Snapshot::systems`).
    pub system: usize,
    pub status: PartitionStatus,
    pub memory_gib: f64,
    pub pages: u64,
    pub cpus: f64,
    pub compat: Processor,
    pub workload: String,
    /// Page writes now, MiB/s, after throttles.
    pub writes_mib_s: f64,
    pub users: u32,
    pub users_connected: u32,
    pub cpu_throttle_pct: f64,
    pub bandwidth_cap_mib_s: Option<f64>,
    pub dedicated_io: bool,
    /// Why it is down, when it is.
    pub down: Option<String>,
    /// A failed move waits for `Recover`.
    pub needs_recovery: bool,
    /// The move in flight, else the latest one (index into `Snapshot::moves`).
    pub last_move: Option<usize>,
}

/// A threshold and where the move stands against it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Threshold {
    /// "clean" (percent, higher is better) or "downtime" (ms, lower is better).
    pub kind: String,
    pub value: f64,
    pub target: f64,
    /// 0..1: how far along the way to the threshold the move is.
    pub progress: f64,
}

/// One cell of the memory map: how its pages stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapCell {
    pub pages: u32,
    pub never_sent: u32,
    /// Sent, but written since (or still to pull).
    pub dirty: u32,
    pub clean: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MoveView {
    pub id: usize,
    pub partition: usize,
    pub partition_name: String,
    pub from: String,
    pub to: String,
    pub inactive: bool,
    pub phase: Phase,
    /// Seconds spent in each phase entered so far.
    pub phase_times: Vec<(Phase, f64)>,
    pub round: u32,
    pub pages: u64,
    /// Pages the target still lacks in their current version.
    pub remaining_pages: u64,
    pub clean_percent: f64,
    pub dirty_rate_pages_s: f64,
    pub transfer_rate_pages_s: f64,
    pub share_pages_s: f64,
    pub expected_downtime_ms: f64,
    pub eta_switchover_s: Option<f64>,
    pub suspend_elapsed_ms: Option<f64>,
    pub downtime_ms: Option<f64>,
    pub bandwidth_cap_mib_s: Option<f64>,
    pub cpu_throttle_pct: f64,
    pub auto_converge: bool,
    pub auto_throttle_pct: f64,
    pub pages_sent: u64,
    /// Bytes sent before suspension, while suspended, after resume.
    pub bytes: [u64; 3],
    pub demand_faults: u64,
    pub users_dropped: u32,
    pub verified: Option<bool>,
    pub switch_reason: Option<SwitchReason>,
    pub stop_reason: Option<String>,
    /// What ended it, when a fault did.
    pub failure: Option<String>,
    /// Pages a fault in the pull phase lost.
    pub pages_lost: u64,
    /// Seconds its path (link, movers, frames) has been down, while it is.
    pub stalled_s: Option<f64>,
    pub threshold: Threshold,
    pub history: Vec<RoundStats>,
    pub samples: Vec<RateSample>,
    /// The analytic model's forecast for the whole move, at today's rates.
    pub prediction: Option<Prediction>,
    /// Filled for the move asked for (`Engine::snapshot_with`), empty otherwise.
    pub memory_map: Vec<MapCell>,
}

impl Engine {
    /// The world now, without memory maps.
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_with(None, 0)
    }

    /// The world now, with a memory map of `cells` cells for move `map_for`.
    pub fn snapshot_with(&self, map_for: Option<usize>, cells: usize) -> Snapshot {
        let now = self.now_ns;
        let systems = (0..self.systems.len())
            .map(|si| {
                let s = &self.systems[si];
                let (mem, cpus) = self.usage(si);
                SystemView {
                    name: s.name.clone(),
                    processor: s.processor,
                    cpus: s.cpus,
                    cpus_used: cpus,
                    memory_gib: s.memory_gib,
                    memory_used_gib: mem,
                    msps: s.msps,
                    msp_slots: self.msp_slots(si),
                    msp_in_use: self.msp_in_use(si),
                    failed: self.frames_failed[si],
                    msps_failed: self.msps_failed[si],
                    partitions: (0..self.partitions.len())
                        .filter(|&p| self.partitions[p].system == si)
                        .collect(),
                }
            })
            .collect();
        let partitions = self
            .partitions
            .iter()
            .enumerate()
            .map(|(pi, p)| {
                let mv = self.move_of(pi);
                let status = match (p.spec.state, mv.map(|m| m.phase)) {
                    _ if p.down.is_some() => PartitionStatus::Down,
                    (_, Some(Phase::Queued)) => PartitionStatus::Queued,
                    (_, Some(Phase::PreCopy | Phase::Configuring)) => PartitionStatus::Migrating,
                    (_, Some(Phase::Suspended)) => PartitionStatus::Suspended,
                    (_, Some(Phase::Pulling)) => PartitionStatus::Pulling,
                    (PartitionState::NotActivated, _) => PartitionStatus::NotActivated,
                    _ => PartitionStatus::Running,
                };
                PartitionView {
                    name: p.spec.name.clone(),
                    system: p.system,
                    status,
                    memory_gib: p.spec.memory_gib,
                    pages: p.pages as u64,
                    cpus: p.spec.cpus,
                    compat: p.spec.compat,
                    workload: p.spec.workload.kind().to_string(),
                    writes_mib_s: if p.memory.is_some() && status != PartitionStatus::Suspended {
                        self.link.pages_s_to_mib_s(self.write_pages_s(pi))
                    } else {
                        0.0
                    },
                    users: p.spec.users,
                    users_connected: p.users_connected,
                    cpu_throttle_pct: p.cpu_throttle_pct,
                    bandwidth_cap_mib_s: p.bandwidth_cap_mib_s,
                    dedicated_io: p.spec.dedicated_io,
                    down: p.down.clone(),
                    needs_recovery: p.needs_recovery.is_some(),
                    last_move: p
                        .active_move
                        .or_else(|| self.last_move_of(pi).map(|m| m.id)),
                }
            })
            .collect();
        let moves = self
            .moves
            .iter()
            .map(|m| self.move_view(m, if map_for == Some(m.id) { cells } else { 0 }, now))
            .collect();
        let count = |f: fn(Phase) -> bool| self.moves.iter().filter(|m| f(m.phase)).count();
        Snapshot {
            t: now as f64 / 1e9,
            scenario: self.name.clone(),
            page_size_kib: self.page_size_kib,
            link_gbps: self.link.bandwidth_gbps,
            link_pages_s: self.link.pages_per_s(),
            link_pages_s_now: self.link_pages_s(),
            systems,
            partitions,
            moves,
            in_flight: count(|p| p.in_flight() && p != Phase::Queued),
            queued: count(|p| p == Phase::Queued),
            completed: count(|p| p == Phase::Completed),
            stopped: count(|p| p == Phase::Stopped),
        }
    }

    /// Page writes per second the partition does now, after its throttles.
    pub fn write_pages_s(&self, pi: usize) -> f64 {
        let p = &self.partitions[pi];
        let auto = self.move_of(pi).map_or(0.0, |m| m.auto_throttle_pct);
        self.link
            .mib_s_to_pages_s(p.spec.workload.writes_mib_s(self.now()))
            * (1.0 - p.cpu_throttle_pct / 100.0)
            * (1.0 - auto / 100.0)
    }

    /// The link rate a new or running move of this partition can expect, pages/s: its cap, or
    /// an even share with the moves already sending.
    pub fn expected_share_pages_s(&self, pi: usize) -> f64 {
        if let Some(m) = self.move_of(pi).filter(|m| m.share_pages_s > 0.0) {
            return m.share_pages_s;
        }
        let others = self
            .moves
            .iter()
            .filter(|m| m.partition != pi && matches!(m.phase, Phase::PreCopy | Phase::Pulling))
            .count();
        (self.link.pages_per_s() / (others + 1) as f64).min(self.cap_pages_s(pi))
    }

    /// The analytic model's forecast for moving partition `pi` now.
    pub fn predict_move(&self, pi: usize) -> Prediction {
        let p = &self.partitions[pi];
        predictor::predict(&Inputs {
            pages: p.pages as u64,
            link_pages_s: self.expected_share_pages_s(pi),
            write_pages_s: self.write_pages_s(pi),
            workload: &p.spec.workload,
            policy: &self.policy,
            latency_s: self.link.latency_s,
        })
    }

    fn move_view(&self, m: &Move, cells: usize, now: u64) -> MoveView {
        let p = &self.partitions[m.partition];
        let pages = p.pages as u64;
        let dirty = p.memory.as_ref().and_then(|mem| mem.dirty.as_ref());
        let remaining = match m.phase {
            Phase::PreCopy => dirty.map_or(0, |d| d.count_union_range(&m.send, 0, d.len())) as u64,
            Phase::Suspended | Phase::Pulling => m.send.count() as u64,
            // Nothing on the target counts any more: discarded by a stop or a failure.
            Phase::Queued | Phase::Stopped | Phase::Failed => pages,
            Phase::Configuring | Phase::Completed => 0,
        };
        let clean_percent = if pages == 0 {
            100.0
        } else {
            (pages - remaining.min(pages)) as f64 / pages as f64 * 100.0
        };
        let last = m.samples.last();
        let live = m.phase.in_flight() && !m.inactive && m.phase != Phase::Queued;
        let expected_downtime_ms = if m.phase == Phase::PreCopy {
            let rate = if m.share_pages_s > 0.0 {
                m.share_pages_s
            } else {
                self.link.pages_per_s()
            };
            self.expected_downtime_ms(
                dirty.map_or(0, |d| d.count()) as u64 + m.send.count() as u64,
                rate,
            )
        } else {
            m.expected_downtime_ms
        };
        let inputs = Inputs {
            pages,
            link_pages_s: self.expected_share_pages_s(m.partition),
            write_pages_s: self.write_pages_s(m.partition),
            workload: &p.spec.workload,
            policy: &self.policy,
            latency_s: self.link.latency_s,
        };
        let eta_switchover_s = (m.phase == Phase::PreCopy).then(|| {
            // The rest of this round, then the model's rounds at today's rates.
            let left = m.send.count() as f64;
            let rest = predictor::predict_from(&inputs, left, m.round, m.pages_sent as f64);
            rest.precopy_s
        });
        let threshold = match self.policy.switchover {
            Switchover::PercentClean(target) => {
                let value = m
                    .history
                    .last()
                    .filter(|_| m.phase != Phase::PreCopy)
                    .map_or(clean_percent, |r| r.clean_percent);
                Threshold {
                    kind: "clean".into(),
                    value,
                    target,
                    progress: (value / target).clamp(0.0, 1.0),
                }
            }
            Switchover::DowntimeLimit { ms } => {
                let value = m.history.last().map_or(f64::INFINITY, |r| {
                    r.remaining_pages as f64
                        / (r.transfer_rate_bytes_s / self.link.page_bytes).max(1e-9)
                        * 1000.0
                });
                let progress = if value.is_finite() {
                    (ms / value.max(ms)).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                Threshold {
                    kind: "downtime".into(),
                    value,
                    target: ms,
                    progress,
                }
            }
        };
        MoveView {
            id: m.id,
            partition: m.partition,
            partition_name: p.spec.name.clone(),
            from: self.systems[m.from].name.clone(),
            to: self.systems[m.to].name.clone(),
            inactive: m.inactive,
            phase: m.phase,
            phase_times: m.phase_durations(m.finished_ns.unwrap_or(now)),
            round: m.round,
            pages,
            remaining_pages: remaining,
            clean_percent,
            dirty_rate_pages_s: if live {
                last.map_or(0.0, |s| s.dirty_pages_s)
            } else {
                0.0
            },
            transfer_rate_pages_s: if live {
                last.map_or(0.0, |s| s.transfer_pages_s)
            } else {
                0.0
            },
            share_pages_s: if live { m.share_pages_s } else { 0.0 },
            expected_downtime_ms,
            eta_switchover_s,
            suspend_elapsed_ms: (m.phase == Phase::Suspended)
                .then(|| (now - m.suspend_ns.unwrap_or(now)) as f64 / 1e6),
            downtime_ms: m.downtime_ms,
            bandwidth_cap_mib_s: p.bandwidth_cap_mib_s,
            cpu_throttle_pct: p.cpu_throttle_pct,
            auto_converge: m.auto_converge,
            auto_throttle_pct: m.auto_throttle_pct,
            pages_sent: m.pages_sent,
            bytes: m.bytes,
            demand_faults: m.demand_faults,
            users_dropped: m.users_dropped,
            verified: m.verified,
            switch_reason: m.switch_reason,
            stop_reason: m.stop_reason.clone(),
            failure: m.failure.clone(),
            pages_lost: m.pages_lost,
            stalled_s: m
                .path_down_ns
                .filter(|_| m.phase.in_flight())
                .map(|t| (now - t) as f64 / 1e9),
            threshold,
            history: m.history.clone(),
            samples: m.samples.clone(),
            prediction: (!m.inactive).then(|| predictor::predict(&inputs)),
            memory_map: if cells > 0 {
                self.memory_map(m, cells)
            } else {
                Vec::new()
            },
        }
    }

    /// The move's memory as about `cells` cells (aligned to the move's own fine cells).
    fn memory_map(&self, m: &Move, cells: usize) -> Vec<MapCell> {
        let p = &self.partitions[m.partition];
        let pages = p.pages;
        if m.inactive || pages == 0 {
            return Vec::new();
        }
        let done = matches!(m.phase, Phase::Completed);
        let fine = m.received.len().max(1);
        let cells = cells.clamp(1, MAP_CELLS).min(fine);
        let dirty = p.memory.as_ref().and_then(|mem| mem.dirty.as_ref());
        (0..cells)
            .map(|k| {
                let (f0, f1) = (k * fine / cells, (k + 1) * fine / cells);
                let (a, b) = (f0 * m.cell_pages(), (f1 * m.cell_pages()).min(pages));
                let n = (b - a) as u32;
                if done || m.phase == Phase::Stopped || m.received.is_empty() {
                    let clean = if done { n } else { 0 };
                    return MapCell {
                        pages: n,
                        never_sent: n - clean,
                        dirty: 0,
                        clean,
                    };
                }
                let received: u32 = m.received[f0..f1].iter().sum();
                let never_sent = n - received.min(n);
                let stale = match dirty {
                    Some(d) => d.count_union_range(&m.send, a, b) as u32,
                    None => m.send.count_range(a, b) as u32,
                };
                // Pages never sent sit in round 1's send set: count them once.
                let dirty = stale.saturating_sub(never_sent);
                MapCell {
                    pages: n,
                    never_sent,
                    dirty,
                    clean: n - never_sent - dirty.min(n - never_sent),
                }
            })
            .collect()
    }
}
