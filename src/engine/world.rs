//! The world the engine runs: its frames and partitions as they stand now, and how to find
//! them by name. Fields are the engine's own; everyone else reads through the getters.

use super::ids::{FrameId, MoveId, PartitionId};
use super::outcome::Refused;
use crate::sim::{Link, PageMemory, SimRng, WorkloadGen};
use crate::spec::world::DEFAULT_CPU_LOAD;
use crate::spec::{
    LinkSpec, PartitionRef, PartitionSpec, PartitionState, PowerSpec, PowerState, Scenario,
    SystemSpec,
};

/// A mover service partition: a VIOS that streams partitions' memory through its own adapter.
#[derive(Debug, Clone)]
pub struct Mover {
    pub(super) name: String,
    /// Its adapter's payload rate, pages/s.
    pub(super) pages_s: f64,
    pub(super) failed: bool,
    /// Moves holding one of its slots.
    pub(super) busy: u32,
}

impl Mover {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Moves holding one of its slots now.
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Its adapter's payload rate, pages/s.
    pub fn pages_s(&self) -> f64 {
        self.pages_s
    }
}

/// A frame (managed system) as the engine runs it.
#[derive(Debug, Clone)]
pub struct Frame {
    pub(super) spec: SystemSpec,
    /// The whole frame failed (`FrameFail`).
    pub(super) failed: bool,
    pub(super) movers: Vec<Mover>,
    /// Its power model (the scenario's or its generation's assumed one).
    pub(super) power: PowerSpec,
    pub(super) power_state: PowerState,
    /// When a power transition under way ends, ns.
    pub(super) transition_ends_ns: Option<u64>,
}

impl Frame {
    pub fn spec(&self) -> &SystemSpec {
        &self.spec
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    pub fn failed(&self) -> bool {
        self.failed
    }

    pub fn power(&self) -> &PowerSpec {
        &self.power
    }

    pub fn power_state(&self) -> PowerState {
        self.power_state
    }

    /// It can host partitions and moves: operating, and not failed.
    pub fn operating(&self) -> bool {
        self.power_state == PowerState::Operating && !self.failed
    }

    /// It has movers and every one of them failed.
    pub fn movers_failed(&self) -> bool {
        !self.movers.is_empty() && self.movers.iter().all(|m| m.failed)
    }

    pub fn movers(&self) -> &[Mover] {
        &self.movers
    }

    /// Movers that can carry a move now.
    pub fn working_movers(&self) -> u32 {
        if self.failed || self.power_state != PowerState::Operating {
            0
        } else {
            self.movers.iter().filter(|m| !m.failed).count() as u32
        }
    }

    /// The mover named `name`, by index.
    pub fn find_mover(&self, name: &str) -> Option<usize> {
        self.movers.iter().position(|m| m.name == name)
    }
}

/// A partition as the engine runs it.
#[derive(Debug, Clone)]
pub struct Partition {
    pub(super) spec: PartitionSpec,
    /// The frame it runs on now.
    pub(super) frame: FrameId,
    pub(super) pages: usize,
    /// It has a running operating system image: activated, and not lost.
    pub(super) active: bool,
    /// Its page-level memory: only while it moves (round 1 sends every page whatever its
    /// contents, so a partition at rest needs none).
    pub(super) memory: Option<PageMemory>,
    /// Its writes are accounted up to this time, ns. A partition without a move is brought up
    /// to date only when something needs it (see `rest.rs`).
    pub(super) synced_ns: u64,
    pub(super) writer: WorkloadGen,
    pub(super) cpu_throttle_pct: f64,
    /// The share of its processors it keeps busy, percent.
    pub(super) cpu_load_pct: f64,
    pub(super) bandwidth_cap_mib_s: Option<f64>,
    /// Time the partition still has to spend stalled on demand faults, ns.
    pub(super) stall_ns: f64,
    /// Page writes the workload has made.
    pub(super) writes: u64,
    /// Of those, the writes applied page by page (those made while a move tracks them): the
    /// version sum of the partition's memory equals this.
    pub(super) page_writes: u64,
    pub(super) users_connected: u32,
    pub(super) active_move: Option<MoveId>,
    /// Why the partition is not running any more (its frame failed), if so.
    pub(super) down: Option<String>,
    /// A failed move `Recover` has to clean up before the partition can move again.
    pub(super) needs_recovery: Option<String>,
}

impl Partition {
    fn new(spec: &PartitionSpec, frame: FrameId, pages: usize, seed: u64) -> Partition {
        let stream = format!("{}/{}", spec.system, spec.name);
        Partition {
            spec: spec.clone(),
            frame,
            pages,
            active: spec.state == PartitionState::Running,
            memory: None,
            synced_ns: 0,
            writer: WorkloadGen::new(SimRng::new(seed, &stream)),
            cpu_throttle_pct: 0.0,
            cpu_load_pct: spec.cpu_load.unwrap_or(DEFAULT_CPU_LOAD),
            bandwidth_cap_mib_s: None,
            stall_ns: 0.0,
            writes: 0,
            page_writes: 0,
            users_connected: spec.users,
            active_move: None,
            down: None,
            needs_recovery: None,
        }
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    pub fn spec(&self) -> &PartitionSpec {
        &self.spec
    }

    pub fn frame(&self) -> FrameId {
        self.frame
    }

    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Its page-level memory, while it moves.
    pub fn memory(&self) -> Option<&PageMemory> {
        self.memory.as_ref()
    }

    /// It has a running operating system image: activated, and not lost (it may be down with
    /// its frame).
    pub fn active(&self) -> bool {
        self.active
    }

    /// Page writes its workload has made, as far as they are accounted (see
    /// `Engine::writes_of` for the figure up to now).
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Writes applied page by page to its memory since its move began: the memory's version
    /// sum equals this.
    pub fn page_writes(&self) -> u64 {
        self.page_writes
    }

    pub fn stall_ns(&self) -> f64 {
        self.stall_ns
    }

    pub fn cpu_throttle_pct(&self) -> f64 {
        self.cpu_throttle_pct
    }

    pub fn cpu_load_pct(&self) -> f64 {
        self.cpu_load_pct
    }

    /// Processors it keeps busy now: its load of its processors while it runs, none otherwise.
    pub fn cpus_busy(&self) -> f64 {
        if self.is_running() {
            self.spec.cpus * self.cpu_load_pct / 100.0
        } else {
            0.0
        }
    }

    pub fn bandwidth_cap_mib_s(&self) -> Option<f64> {
        self.bandwidth_cap_mib_s
    }

    pub fn users_connected(&self) -> u32 {
        self.users_connected
    }

    pub fn active_move(&self) -> Option<MoveId> {
        self.active_move
    }

    pub fn down(&self) -> Option<&str> {
        self.down.as_deref()
    }

    pub fn needs_recovery(&self) -> Option<&str> {
        self.needs_recovery.as_deref()
    }

    pub fn is_running(&self) -> bool {
        self.active && self.down.is_none()
    }
}

/// The frames, partitions and link of a scenario.
#[derive(Debug, Clone)]
pub(super) struct World {
    pub(super) name: String,
    pub(super) page_size_kib: u32,
    pub(super) link: Link,
    pub(super) frames: Vec<Frame>,
    pub(super) partitions: Vec<Partition>,
}

impl World {
    pub(super) fn new(s: &Scenario) -> Result<World, String> {
        let mut partitions = Vec::with_capacity(s.partitions.len());
        for p in &s.partitions {
            let frame = s
                .systems
                .iter()
                .position(|sys| sys.name == p.system)
                .ok_or_else(|| format!("partition {}: unknown system {:?}", p.name, p.system))?;
            let pages = s.pages_of(p.memory_gib) as usize;
            partitions.push(Partition::new(p, FrameId::new(frame), pages, s.seed));
        }
        Ok(World {
            name: s.name.clone(),
            page_size_kib: s.page_size_kib,
            link: Link::new(&s.link, s.page_size_kib),
            frames: s
                .systems
                .iter()
                .map(|spec| {
                    let gbps = spec.mover_gbps.unwrap_or(s.link.bandwidth_gbps);
                    let adapter = Link::new(
                        &LinkSpec {
                            bandwidth_gbps: gbps,
                            ..s.link.clone()
                        },
                        s.page_size_kib,
                    );
                    Frame {
                        spec: spec.clone(),
                        failed: false,
                        power: spec.power_model(),
                        power_state: if spec.powered_off {
                            PowerState::PoweredOff
                        } else {
                            PowerState::Operating
                        },
                        transition_ends_ns: None,
                        movers: (1..=spec.msps)
                            .map(|k| Mover {
                                name: format!("vios{k}"),
                                pages_s: adapter.pages_per_s(),
                                failed: false,
                                busy: 0,
                            })
                            .collect(),
                    }
                })
                .collect(),
            partitions,
        })
    }

    pub(super) fn frame(&self, f: FrameId) -> &Frame {
        &self.frames[f.index()]
    }

    pub(super) fn frame_name(&self, f: FrameId) -> &str {
        &self.frames[f.index()].spec.name
    }

    pub(super) fn partition(&self, p: PartitionId) -> &Partition {
        &self.partitions[p.index()]
    }

    pub(super) fn partition_mut(&mut self, p: PartitionId) -> &mut Partition {
        &mut self.partitions[p.index()]
    }

    pub(super) fn partition_ids(&self) -> impl Iterator<Item = PartitionId> + use<> {
        (0..self.partitions.len()).map(PartitionId::new)
    }

    pub(super) fn frame_ids(&self) -> impl Iterator<Item = FrameId> + use<> {
        (0..self.frames.len()).map(FrameId::new)
    }

    /// Finds a partition by `name` or `frame/name`.
    pub(super) fn find_partition(&self, name: &str) -> Result<PartitionId, Refused> {
        let wanted = PartitionRef::parse(name);
        let mut found = self.partition_ids().filter(|&i| {
            let p = self.partition(i);
            wanted.matches(self.frame_name(p.frame), &p.spec.name)
        });
        match (found.next(), found.next()) {
            (Some(i), None) => Ok(i),
            (None, _) => Err(Refused::unknown(format!("no partition named {name:?}"))),
            _ => Err(Refused::unknown(format!(
                "{name:?} names partitions on several frames; write it as frame/{}",
                wanted.name
            ))),
        }
    }

    pub(super) fn find_frame(&self, name: &str) -> Result<FrameId, Refused> {
        self.frames
            .iter()
            .position(|f| f.spec.name == name)
            .map(FrameId::new)
            .ok_or_else(|| Refused::unknown(format!("no frame named {name:?}")))
    }

    pub(super) fn page_bytes(&self) -> u64 {
        self.page_size_kib as u64 * 1024
    }
}
