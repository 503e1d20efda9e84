//! What a dashboard reads each frame: an owned, plain copy of the state of the world.

use serde::{Deserialize, Serialize};

use super::image::MAP_CELLS;
use super::moves::{BytesByPhase, Move, Phase, RateSample};
use super::power::EnergyReport;
use super::predictor::{self, Prediction};
use super::{Engine, FrameId, MoveId, PartitionId, Reservations, RoundStats, SwitchReason};
use crate::spec::{FinalPhase, Switchover};
use crate::spec::{PartitionState, PowerState, Processor};

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
    /// Every evacuation asked for, in order.
    pub evacuations: Vec<EvacuationView>,
    /// The estate's energy so far: watts now, Wh drawn and saved (every frame has a power model,
    /// so this is always there; the summary prints it only when power is used).
    pub energy: EnergyReport,
    /// What the balancer and consolidation advise now, best first (empty while they are off).
    pub recommendations: Vec<Recommendation>,
}

/// One piece of advice from the balancer or consolidation: the action that would carry it
/// out (applied as is, e.g. by the dashboard's Enter), why, and what the model says it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// `"balancer"` or `"consolidation"`.
    pub by: String,
    /// What applying it does: a `Migrate`, an `Evacuate`, a `PowerOff` or a `PowerOn`.
    pub action: crate::spec::Action,
    /// One line an operator reads: why this, now.
    pub reason: String,
    /// Standard deviation of the frames' utilisation, percent, before and after (balancer).
    pub imbalance_before: Option<f64>,
    pub imbalance_after: Option<f64>,
    /// The predictor's time for the move(s), seconds, and the downtime, ms (moves only).
    pub predicted_s: Option<f64>,
    pub predicted_downtime_ms: Option<f64>,
}

/// One mover service partition of a frame.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MoverView {
    pub name: String,
    pub failed: bool,
    /// Moves holding one of its slots.
    pub busy: u32,
    /// Moves it may run at once (`policy.msp_max_ops`).
    pub slots: u32,
    /// Its adapter's payload rate, MiB/s.
    pub mib_s: f64,
}

/// An evacuation and how far it has got.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvacuationView {
    pub from: String,
    /// The frame named, or none when the placement rule chose per partition.
    pub to: Option<String>,
    pub started_s: f64,
    /// Moves it started or queued.
    pub moves: usize,
    pub completed: usize,
    pub in_flight: usize,
    /// Moves that were stopped or failed.
    pub ended_early: usize,
    /// Partitions it could not move, and the first reason.
    pub refused: Vec<(String, String)>,
    /// Data its moves in flight still have to send, bytes (the whole memory of those queued).
    pub bytes_left: f64,
    /// When the model expects its last move to end, simulated seconds (while it runs).
    pub eta_s: Option<f64>,
    pub finished_s: Option<f64>,
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
    /// Partitions running here now.
    pub partitions: Vec<PartitionId>,
    pub movers: Vec<MoverView>,
    /// Where it is in its power cycle.
    pub power_state: PowerState,
    /// What it draws now, W.
    pub watts: f64,
    /// Processors its running partitions keep busy, percent of its processors (0 unless it
    /// operates).
    pub utilisation_percent: f64,
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
    /// The frame it runs on.
    pub system: FrameId,
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
    /// The move in flight, else the latest one.
    pub last_move: Option<MoveId>,
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
    pub id: MoveId,
    pub partition: PartitionId,
    pub partition_name: String,
    pub from: String,
    pub to: String,
    pub inactive: bool,
    pub phase: Phase,
    /// The mover pair it runs on (source, target), once started, and its standby pair.
    pub movers: Option<(String, String)>,
    pub standby_movers: Option<(String, String)>,
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
    /// Seconds until the whole move ends, by the model at today's rates (while in flight).
    pub eta_s: Option<f64>,
    pub suspend_elapsed_ms: Option<f64>,
    pub downtime_ms: Option<f64>,
    pub bandwidth_cap_mib_s: Option<f64>,
    pub cpu_throttle_pct: f64,
    pub auto_converge: bool,
    pub auto_throttle_pct: f64,
    pub pages_sent: u64,
    /// Bytes sent before suspension, while suspended, after resume.
    pub bytes: BytesByPhase,
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
    /// The forecast made when the move started (what "forecast vs actual" compares).
    pub forecast_at_start: Option<Prediction>,
    /// Filled for the move asked for (`Engine::snapshot_with`), empty otherwise.
    pub memory_map: Vec<MapCell>,
    /// The move runs QEMU's own pre-copy loop (`policy.precopy: Qemu`): `round` counts syncs.
    pub qemu_loop: bool,
    /// QEMU's loop: the pending data below which it syncs and switches over (bytes), and the
    /// bandwidth its last rate-limit window measured (bytes/s).
    pub qemu_threshold_bytes: Option<f64>,
    pub qemu_bandwidth_bytes_s: Option<f64>,
    /// Bytes by kind: zero pages sent as a header alone (QEMU), their bytes, and the bytes of
    /// normal pages; zero pages never sent (lpm's rounds, as PowerVM).
    pub zero_pages: u64,
    pub bytes_zero: u64,
    pub bytes_normal: u64,
    pub zero_pages_skipped: u64,
    /// Post-copy's price so far: time stalled on pages the partition lacked after resume, and
    /// the share of its writes it could not make.
    pub postcopy_stall_ms: f64,
    pub postcopy_slowdown_percent: f64,
    /// Its client adapters mapped onto the target's VIOS, as chosen when it started.
    #[serde(default)]
    pub vio: super::vio::VioMapping,
}

impl Snapshot {
    pub fn system(&self, f: FrameId) -> &SystemView {
        &self.systems[f.index()]
    }

    pub fn partition(&self, p: PartitionId) -> &PartitionView {
        &self.partitions[p.index()]
    }

    pub fn move_view(&self, m: MoveId) -> &MoveView {
        &self.moves[m.index()]
    }
}

impl Engine {
    /// The world now, without memory maps.
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_with(None, 0)
    }

    /// The world now, with a memory map of `cells` cells for move `map_for`.
    pub fn snapshot_with(&self, map_for: Option<MoveId>, cells: usize) -> Snapshot {
        let now = self.clock.now_ns;
        let world = &self.world;
        let ledger = self.ledger(&Reservations::default());
        let mut residents: Vec<Vec<PartitionId>> = vec![Vec::new(); world.frames.len()];
        for p in world.partition_ids() {
            residents[world.partition(p).frame.index()].push(p);
        }
        let systems = world
            .frame_ids()
            .zip(residents)
            .map(|(f, partitions)| {
                let frame = world.frame(f);
                let s = &frame.spec;
                let (mem, cpus) = ledger.usage(f);
                SystemView {
                    name: s.name.clone(),
                    processor: s.processor,
                    cpus: s.cpus,
                    cpus_used: cpus,
                    memory_gib: s.memory_gib,
                    memory_used_gib: mem,
                    msps: s.msps,
                    msp_slots: self.msp_slots(f),
                    msp_in_use: self.msp_in_use(f),
                    failed: frame.failed,
                    msps_failed: frame.movers_failed(),
                    power_state: frame.power_state(),
                    watts: self.watts(f),
                    utilisation_percent: self.utilisation(f),
                    partitions,
                    movers: frame
                        .movers
                        .iter()
                        .map(|m| MoverView {
                            name: m.name.clone(),
                            failed: m.failed,
                            busy: m.busy,
                            slots: self.policy.msp_max_ops,
                            mib_s: world.link.pages_s_to_mib_s(m.pages_s),
                        })
                        .collect(),
                }
            })
            .collect();
        let partitions = world
            .partition_ids()
            .map(|pi| {
                let p = world.partition(pi);
                let mv = self.move_of(pi);
                let status = match (p.spec.state, mv.map(|m| m.life.phase)) {
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
                    system: p.frame,
                    status,
                    memory_gib: p.spec.memory_gib,
                    pages: p.pages as u64,
                    cpus: p.spec.cpus,
                    compat: p.spec.compat,
                    workload: p.spec.workload.kind().to_string(),
                    writes_mib_s: if p.active && status != PartitionStatus::Suspended {
                        world.link.pages_s_to_mib_s(self.write_pages_s(pi))
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
        let moves: Vec<MoveView> = self
            .moves
            .iter()
            .map(|m| self.move_view(m, if map_for == Some(m.id) { cells } else { 0 }, now))
            .collect();
        let count = |f: fn(Phase) -> bool| self.moves.iter().filter(|m| f(m.life.phase)).count();
        Snapshot {
            t: now as f64 / 1e9,
            scenario: world.name.clone(),
            page_size_kib: world.page_size_kib,
            link_gbps: world.link.bandwidth_gbps,
            link_pages_s: world.link.pages_per_s(),
            link_pages_s_now: self.link_pages_s(),
            systems,
            partitions,
            in_flight: count(|p| p.in_flight() && p != Phase::Queued),
            queued: count(|p| p == Phase::Queued),
            completed: count(|p| p == Phase::Completed),
            stopped: count(|p| p == Phase::Stopped),
            evacuations: self.evacuation_views(&moves),
            moves,
            energy: self.energy_report(now as f64 / 1e9),
            recommendations: self.recommendations(),
        }
    }

    /// Each evacuation, from the views of its moves.
    fn evacuation_views(&self, moves: &[MoveView]) -> Vec<EvacuationView> {
        let page_bytes = self.world.page_bytes() as f64;
        self.evacuations
            .iter()
            .map(|e| {
                let views: Vec<&MoveView> = e.moves.iter().map(|m| &moves[m.index()]).collect();
                let flying = || views.iter().filter(|m| m.phase.in_flight());
                EvacuationView {
                    from: self.world.frame_name(e.from).to_string(),
                    to: e.to.map(|t| self.world.frame_name(t).to_string()),
                    started_s: e.started_ns as f64 / 1e9,
                    moves: views.len(),
                    completed: views.iter().filter(|m| m.phase == Phase::Completed).count(),
                    in_flight: flying().count(),
                    ended_early: views
                        .iter()
                        .filter(|m| matches!(m.phase, Phase::Stopped | Phase::Failed))
                        .count(),
                    refused: e
                        .refused
                        .iter()
                        .map(|(p, why)| (self.world.partition(*p).spec.name.clone(), why.clone()))
                        .collect(),
                    bytes_left: flying()
                        .map(|m| m.remaining_pages as f64 * page_bytes)
                        .sum(),
                    eta_s: e
                        .finished_ns
                        .is_none()
                        .then(|| flying().filter_map(|m| m.eta_s).fold(0.0, f64::max))
                        .map(|left| self.clock.now_ns as f64 / 1e9 + left),
                    finished_s: e.finished_ns.map(|t| t as f64 / 1e9),
                }
            })
            .collect()
    }

    fn move_view(&self, m: &Move, cells: usize, now: u64) -> MoveView {
        let world = &self.world;
        let p = world.partition(m.partition);
        let pages = p.pages as u64;
        let phase = m.life.phase;
        let send = &m.transfer.send;
        let dirty = p.memory.as_ref().and_then(|mem| mem.dirty.as_ref());
        let remaining = match phase {
            Phase::PreCopy => dirty.map_or(0, |d| d.count_union_range(send, 0, d.len())) as u64,
            Phase::Suspended | Phase::Pulling => send.count() as u64,
            // Nothing on the target counts any more: discarded by a stop or a failure.
            Phase::Queued | Phase::Stopped | Phase::Failed => pages,
            Phase::Configuring | Phase::Completed => 0,
        };
        let clean_percent = if pages == 0 {
            100.0
        } else {
            (pages - remaining.min(pages)) as f64 / pages as f64 * 100.0
        };
        let last = m.sampling.samples.last();
        let live = phase.in_flight() && !m.inactive && phase != Phase::Queued;
        let share = m.transfer.share_pages_s;
        let expected_downtime_ms = if phase == Phase::PreCopy {
            let rate = if share > 0.0 {
                share
            } else {
                world.link.pages_per_s()
            };
            self.expected_downtime_ms(
                dirty.map_or(0, |d| d.count()) as u64 + send.count() as u64,
                rate,
            )
        } else {
            m.window.expected_downtime_ms
        };
        let inputs = self.model_inputs(m.partition);
        let history = &m.rounds.history;
        let eta_switchover_s = (phase == Phase::PreCopy).then(|| {
            // The rest of this round, then the model's rounds at today's rates.
            let left = send.count() as f64;
            let rest = predictor::predict_from(
                &inputs,
                left,
                m.rounds.round,
                m.transfer.pages_sent as f64,
            );
            rest.precopy_s
        });
        let threshold = match self.policy.switchover {
            Switchover::PercentClean(target) => {
                let value = history
                    .last()
                    .filter(|_| phase != Phase::PreCopy)
                    .map_or(clean_percent, |r| r.clean_percent);
                Threshold {
                    kind: "clean".into(),
                    value,
                    target,
                    progress: (value / target).clamp(0.0, 1.0),
                }
            }
            Switchover::DowntimeLimit { ms } => {
                let value = history.last().map_or(f64::INFINITY, |r| {
                    r.remaining_pages as f64
                        / (r.transfer_rate_bytes_s / world.link.page_bytes).max(1e-9)
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
        let rate = |f: fn(&RateSample) -> f64| if live { last.map_or(0.0, f) } else { 0.0 };
        MoveView {
            id: m.id,
            partition: m.partition,
            partition_name: p.spec.name.clone(),
            from: world.frame_name(m.from).to_string(),
            to: world.frame_name(m.to).to_string(),
            inactive: m.inactive,
            phase,
            movers: m.route.map(|r| {
                (
                    world.frame(m.from).movers[r.source].name.clone(),
                    world.frame(m.to).movers[r.target].name.clone(),
                )
            }),
            standby_movers: m.route.and_then(|r| r.standby).map(|(s, t)| {
                (
                    world.frame(m.from).movers[s].name.clone(),
                    world.frame(m.to).movers[t].name.clone(),
                )
            }),
            phase_times: m.phase_durations(m.life.finished_ns.unwrap_or(now)),
            round: m.rounds.round,
            pages,
            remaining_pages: remaining,
            clean_percent,
            dirty_rate_pages_s: rate(|s| s.dirty_pages_s),
            transfer_rate_pages_s: rate(|s| s.transfer_pages_s),
            share_pages_s: if live { share } else { 0.0 },
            expected_downtime_ms,
            eta_s: self.move_eta_s(m, &inputs, eta_switchover_s),
            eta_switchover_s,
            suspend_elapsed_ms: (phase == Phase::Suspended)
                .then(|| (now - m.window.suspend_ns.unwrap_or(now)) as f64 / 1e6),
            downtime_ms: m.window.downtime_ms,
            bandwidth_cap_mib_s: p.bandwidth_cap_mib_s,
            cpu_throttle_pct: p.cpu_throttle_pct,
            auto_converge: m.convergence.auto_converge,
            auto_throttle_pct: m.convergence.auto_throttle_pct,
            pages_sent: m.transfer.pages_sent,
            bytes: m.transfer.bytes,
            demand_faults: m.transfer.demand_faults,
            users_dropped: m.window.users_dropped,
            verified: m.ending.verified,
            switch_reason: m.rounds.switch_reason,
            stop_reason: m.ending.stop_reason.clone(),
            failure: m.ending.failure.clone(),
            pages_lost: m.ending.pages_lost,
            stalled_s: m
                .ending
                .path_down_ns
                .filter(|_| phase.in_flight())
                .map(|t| (now - t) as f64 / 1e9),
            threshold,
            history: history.clone(),
            samples: m.sampling.samples.clone(),
            prediction: (!m.inactive).then(|| predictor::predict(&inputs)),
            forecast_at_start: m.forecast.clone(),
            memory_map: if cells > 0 {
                self.memory_map(m, cells)
            } else {
                Vec::new()
            },
            qemu_loop: m.qemu_loop(),
            qemu_threshold_bytes: m.qemu_threshold().map(|q| q.0),
            qemu_bandwidth_bytes_s: m.qemu_threshold().map(|q| q.1),
            zero_pages: m.zero_pages_sent(),
            bytes_zero: m.bytes_zero(),
            bytes_normal: m.bytes_normal(),
            zero_pages_skipped: m.zero_pages_skipped(),
            postcopy_stall_ms: m.postcopy_stall_ms(),
            postcopy_slowdown_percent: m.postcopy_slowdown_percent(),
            vio: m.vio.clone(),
        }
    }

    /// Seconds until the move ends, by the model: the rest of pre-copy, the window, the pull.
    fn move_eta_s(
        &self,
        m: &Move,
        inputs: &predictor::Inputs,
        precopy_left_s: Option<f64>,
    ) -> Option<f64> {
        let now = self.clock.now_ns;
        let rate = inputs.link_pages_s.max(1e-9);
        match m.life.phase {
            Phase::Queued => Some(predictor::predict(inputs).total_s),
            Phase::PreCopy => {
                let whole = predictor::predict_from(
                    inputs,
                    m.transfer.send.count() as f64,
                    m.rounds.round,
                    m.transfer.pages_sent as f64,
                );
                Some(precopy_left_s.unwrap_or(whole.precopy_s) + (whole.total_s - whole.precopy_s))
            }
            Phase::Configuring | Phase::Suspended => {
                let window = m.window.resume_at_ns.saturating_sub(now) as f64 / 1e9;
                let pull = match self.policy.final_phase {
                    FinalPhase::ResumeThenPull if m.life.phase == Phase::Suspended => {
                        m.transfer.send.count() as f64 / rate
                    }
                    _ => 0.0,
                };
                Some(window + pull)
            }
            Phase::Pulling => Some(m.transfer.send.count() as f64 / rate),
            Phase::Completed | Phase::Stopped | Phase::Failed => None,
        }
    }

    /// The move's memory as about `cells` cells (aligned to the move's own fine cells).
    fn memory_map(&self, m: &Move, cells: usize) -> Vec<MapCell> {
        let p = self.world.partition(m.partition);
        let pages = p.pages;
        if m.inactive || pages == 0 {
            return Vec::new();
        }
        let phase = m.life.phase;
        let done = phase == Phase::Completed;
        let received = &m.image.received;
        let cell_pages = m.image.cell_pages();
        let fine = received.len().max(1);
        let cells = cells.clamp(1, MAP_CELLS).min(fine);
        let dirty = p.memory.as_ref().and_then(|mem| mem.dirty.as_ref());
        let send = &m.transfer.send;
        (0..cells)
            .map(|k| {
                let (f0, f1) = (k * fine / cells, (k + 1) * fine / cells);
                let (a, b) = (f0 * cell_pages, (f1 * cell_pages).min(pages));
                let n = (b - a) as u32;
                if done || phase == Phase::Stopped || received.is_empty() {
                    let clean = if done { n } else { 0 };
                    return MapCell {
                        pages: n,
                        never_sent: n - clean,
                        dirty: 0,
                        clean,
                    };
                }
                let arrived: u32 = received[f0..f1].iter().sum();
                let never_sent = n - arrived.min(n);
                let stale = match dirty {
                    Some(d) => d.count_union_range(send, a, b) as u32,
                    None => send.count_range(a, b) as u32,
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
