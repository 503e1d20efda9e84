//! The one adapter between the HMC layer and the engine.
//!
//! Every call into `crate::engine` from `hmc` is in this file, and every engine type stops
//! here: the rest of `hmc` sees only the plain views below. The engine's API is about to
//! change in small ways, so this is the only file to adapt: the HMC layer numbers frames and
//! partitions as the engine lists them, and the engine's typed ids stop here.

use std::time::Duration;

use crate::Scenario;
use crate::engine::MoverRequest;
use crate::engine::snapshot::{MoveView, PartitionStatus};
use crate::engine::vio::can_host;
use crate::engine::{Engine, FrameId, PartitionId, Phase, Snapshot};
use crate::spec::vio::{Adapter, AdapterKind};
use crate::spec::{Action, MappingChoice, PowerState, Processor, Redundancy};

/// The simulated estate behind the HMC.
#[derive(Debug, Clone)]
pub struct Estate {
    pub(crate) engine: Engine,
}

/// A managed system as the HMC layer sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub name: String,
    pub processor: Processor,
    pub cpus: f64,
    pub cpus_used: f64,
    pub memory_gib: f64,
    pub memory_used_gib: f64,
    /// Mover service partitions (VIOS with the mover attribute).
    pub msps: u32,
    /// The engine's movers of the frame, by name, in order, and whether each failed.
    pub movers: Vec<(String, bool)>,
    /// Moves the movers can run at once.
    pub msp_slots: u32,
    /// The whole frame failed.
    pub failed: bool,
    /// Its movers failed.
    pub msps_failed: bool,
    /// Where it is in its power cycle.
    pub power: PowerState,
    pub vlans: Vec<u32>,
    pub sans: Vec<String>,
    /// Its Virtual I/O Servers: (name, lpar id), as given or derived (`spec::vio`).
    pub vios: Vec<(String, u32)>,
}

/// How a partition is configured to run, or that it is down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    Running,
    NotActivated,
    /// Its frame failed, or a fault in the pull phase lost it.
    Down,
}

/// Where a move stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovePhase {
    /// Validated, waiting for a mover slot.
    Queued,
    /// Memory (or, inactive, the profile) on its way; the partition runs on the source.
    Transferring,
    /// The suspend window.
    Suspended,
    /// Running on the destination while the last pages arrive.
    Pulling,
    Completed,
    Stopped,
    Failed,
}

impl MovePhase {
    pub fn in_flight(self) -> bool {
        !matches!(
            self,
            MovePhase::Completed | MovePhase::Stopped | MovePhase::Failed
        )
    }
}

/// One move of a partition.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// Frame indices.
    pub from: usize,
    pub to: usize,
    pub phase: MovePhase,
    /// A profile-only move of a not-activated partition.
    pub inactive: bool,
    pub bytes_transmitted: u64,
    pub bytes_remaining: u64,
    pub stop_reason: Option<String>,
    pub failure: Option<String>,
    /// The mover pair it runs on (source, destination), once it has started.
    pub movers: Option<(String, String)>,
    /// The standby pair of a redundant move.
    pub standby: Option<(String, String)>,
}

/// The movers a move asks for, by the engine's names, its redundancy, and the target VIOS
/// chosen for client adapters (`-i virtual_*_mappings`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoverChoice {
    pub source: Option<String>,
    pub dest: Option<String>,
    pub redundant: Redundancy,
    pub mappings: Vec<MappingChoice>,
}

/// One client adapter of a partition and where a move to a frame would put it.
#[derive(Debug, Clone, PartialEq)]
pub struct AdapterRow {
    pub kind: AdapterKind,
    pub slot: u32,
    /// What it needs of the target (`fabric prod`, `VLAN 10`).
    pub needs: String,
    /// The VIOS that can host it on the target, by name.
    pub possible: Vec<String>,
    /// The VIOS (and server slot) the engine maps it to.
    pub suggested: Option<(String, Option<u32>)>,
    /// Why the target cannot host it.
    pub problem: Option<String>,
}

/// A partition as the HMC layer sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lpar {
    /// Its index in the estate (stable across moves; the HMC layer derives ids from it).
    pub index: usize,
    pub name: String,
    /// The frame it runs on now.
    pub frame: usize,
    pub activation: Activation,
    pub memory_gib: f64,
    pub cpus: f64,
    pub compat: Processor,
    pub dedicated_io: bool,
    pub vlans: Vec<u32>,
    pub sans: Vec<String>,
    /// Its client adapters where it runs now: (kind, client slot).
    pub adapters: Vec<(AdapterKind, u32)>,
    /// A failed move waits for `migrlpar -o r`.
    pub needs_recovery: bool,
    /// The move in flight, else the latest one.
    pub last_move: Option<Migration>,
}

impl Lpar {
    /// The move in flight, if any.
    pub fn moving(&self) -> Option<&Migration> {
        self.last_move.as_ref().filter(|m| m.phase.in_flight())
    }
}

/// The estate at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub t_s: f64,
    pub frames: Vec<Frame>,
    pub lpars: Vec<Lpar>,
}

impl View {
    pub fn frame_index(&self, name: &str) -> Option<usize> {
        self.frames.iter().position(|f| f.name == name)
    }
}

/// One precondition of a move, as the engine checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    State,
    NotMoving,
    DifferentFrame,
    NoDedicatedIo,
    ProcessorCompatibility,
    Memory,
    Processors,
    Vlans,
    Sans,
    NameFree,
    Movers,
    /// A check this adapter does not know (the engine added one).
    Other,
}

/// A failed check and what the engine found.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub check: Check,
    pub detail: String,
}

impl Estate {
    pub fn new(scenario: &Scenario) -> Result<Estate, String> {
        Ok(Estate {
            engine: Engine::new(scenario)?,
        })
    }

    /// Lets `seconds` of simulated time pass (0 when not a positive finite number). Events
    /// are drained and dropped: the HMC answers from the state, and an undrained queue would
    /// grow without bound over a long session.
    pub fn advance(&mut self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            // Bounded by the caller (a day at most); `from_secs_f64` would panic on overflow.
            self.engine
                .advance(Duration::from_secs_f64(seconds.min(1.0e9)));
        }
        self.engine.drain_events();
    }

    pub fn view(&self) -> View {
        let s = self.engine.snapshot();
        let page_bytes = s.page_size_kib as u64 * 1024;
        let frame_of = |name: &str| s.systems.iter().position(|f| f.name == name).unwrap_or(0);
        let frames = s
            .systems
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let spec = self.engine.frame(FrameId::new(i)).spec();
                let (vlans, sans) = (spec.vlans.clone(), spec.sans.clone());
                Frame {
                    name: f.name.clone(),
                    processor: f.processor,
                    cpus: f.cpus,
                    cpus_used: f.cpus_used,
                    memory_gib: f.memory_gib,
                    memory_used_gib: f.memory_used_gib,
                    msps: f.msps,
                    movers: self
                        .engine
                        .frame(FrameId::new(i))
                        .movers()
                        .iter()
                        .map(|m| (m.name().to_string(), m.failed()))
                        .collect(),
                    msp_slots: f.msp_slots,
                    failed: f.failed,
                    msps_failed: f.msps_failed,
                    power: f.power_state,
                    vlans,
                    sans,
                    vios: self.vios_ids(i, s.partitions.len()),
                }
            })
            .collect();
        let lpars = s
            .partitions
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let spec = self.engine.partition(PartitionId::new(i)).spec();
                let (vlans, sans) = (spec.vlans.clone(), spec.sans.clone());
                Lpar {
                    index: i,
                    name: p.name.clone(),
                    frame: p.system.index(),
                    activation: match p.status {
                        PartitionStatus::Down => Activation::Down,
                        PartitionStatus::NotActivated => Activation::NotActivated,
                        // A moving partition's own state: not activated if its move is one.
                        _ if moving_inactive(&s, p.last_move) => Activation::NotActivated,
                        _ => Activation::Running,
                    },
                    memory_gib: p.memory_gib,
                    cpus: p.cpus,
                    compat: p.compat,
                    dedicated_io: p.dedicated_io,
                    vlans,
                    sans,
                    adapters: self
                        .engine
                        .adapters(PartitionId::new(i))
                        .iter()
                        .map(|a| (a.kind, a.slot))
                        .collect(),
                    needs_recovery: p.needs_recovery,
                    last_move: p
                        .last_move
                        .and_then(|m| s.moves.get(m.index()))
                        .map(|m| migration(m, page_bytes, &frame_of)),
                }
            })
            .collect();
        View {
            t_s: s.t,
            frames,
            lpars,
        }
    }

    /// The engine's name for a partition: `frame/name`, unique by the engine's rule.
    fn engine_name(&self, lpar: usize) -> Result<String, String> {
        let p = self.partition_id(lpar)?;
        let part = self.engine.partition(p);
        let name = format!("{}/{}", self.engine.frame(part.frame()).name(), part.name());
        // Check the engine resolves it to the same partition.
        match self.engine.find_partition(&name) {
            Ok(i) if i == p => Ok(name),
            Ok(_) => Err(format!("{name} names another partition")),
            Err(e) => Err(e.message),
        }
    }

    fn partition_id(&self, lpar: usize) -> Result<PartitionId, String> {
        (lpar < self.engine.partitions().len())
            .then(|| PartitionId::new(lpar))
            .ok_or_else(|| format!("no partition {lpar}"))
    }

    fn frame_id(&self, frame: usize) -> Result<FrameId, String> {
        (frame < self.engine.frames().len())
            .then(|| FrameId::new(frame))
            .ok_or_else(|| format!("no frame {frame}"))
    }

    fn frame_name(&self, frame: usize) -> Result<String, String> {
        Ok(self.engine.frame(self.frame_id(frame)?).name().to_string())
    }

    /// `migrlpar -o v`: every failed check (empty when the move is valid).
    pub fn validate(
        &self,
        lpar: usize,
        to: usize,
        movers: &MoverChoice,
    ) -> Result<Vec<Failure>, String> {
        let p = self.partition_id(lpar)?;
        let t = self.frame_id(to)?;
        let from = self.engine.partition(p).frame();
        let find = |f: FrameId, name: &Option<String>| {
            name.as_deref()
                .map(|n| self.engine.find_mover(f, n).map_err(|r| r.message))
                .transpose()
        };
        let request = MoverRequest {
            source: find(from, &movers.source)?,
            target: find(t, &movers.dest)?,
            redundant: movers.redundant,
            mappings: movers.mappings.clone(),
        };
        let v = self.engine.validate_request(p, t, &request);
        Ok(v.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| Failure {
                check: check_of(&c.name),
                detail: c.detail.clone(),
            })
            .collect())
    }

    /// The VIOS of frame `f`: (name, lpar id). Ids as a scenario gives them, else after the
    /// client partitions' (as the movers', which the derived VIOS are).
    fn vios_ids(&self, f: usize, clients: usize) -> Vec<(String, u32)> {
        let first = (clients as u32).saturating_add(1);
        self.engine
            .vios(FrameId::new(f))
            .into_iter()
            .enumerate()
            .map(|(k, v)| {
                let id = v.id.unwrap_or(first.saturating_add(k as u32));
                (v.name, id)
            })
            .collect()
    }

    /// `lslparmigr -r virtualio`: each client adapter of `lpar` and where a move to `to`
    /// would put it, with the operator's choices.
    pub fn virtual_io(
        &self,
        lpar: usize,
        to: usize,
        movers: &MoverChoice,
    ) -> Result<Vec<AdapterRow>, String> {
        let p = self.partition_id(lpar)?;
        let t = self.frame_id(to)?;
        let vios = self.engine.vios(t);
        let mapping = self.engine.virtual_io(p, t, &movers.mappings);
        Ok(mapping
            .adapters
            .iter()
            .map(|m| {
                let a: &Adapter = &m.adapter;
                AdapterRow {
                    kind: a.kind,
                    slot: a.slot,
                    needs: a.needs(),
                    possible: vios
                        .iter()
                        .filter(|v| can_host(v, a))
                        .map(|v| v.name.clone())
                        .collect(),
                    suggested: m.target.clone(),
                    problem: m.problem.clone(),
                }
            })
            .collect())
    }

    /// Starts (or queues) a move; the engine validates it again.
    pub fn migrate(&mut self, lpar: usize, to: usize, movers: &MoverChoice) -> Result<(), String> {
        let action = Action::Migrate {
            partition: self.engine_name(lpar)?,
            to: self.frame_name(to)?,
            source_msp: movers.source.clone(),
            dest_msp: movers.dest.clone(),
            redundant: movers.redundant,
            mappings: movers.mappings.clone(),
        };
        self.apply(&action)
    }

    /// `migrlpar -o s`.
    pub fn stop(&mut self, lpar: usize) -> Result<(), String> {
        let action = Action::Stop {
            partition: self.engine_name(lpar)?,
        };
        self.apply(&action)
    }

    /// `migrlpar -o r`.
    pub fn recover(&mut self, lpar: usize) -> Result<(), String> {
        let action = Action::Recover {
            partition: self.engine_name(lpar)?,
        };
        self.apply(&action)
    }

    /// `chsysstate -o off`: the frame starts its shutdown (the engine refuses while a
    /// partition runs there or a move involves it).
    pub fn power_off(&mut self, frame: usize) -> Result<(), String> {
        let action = Action::PowerOff {
            system: self.frame_name(frame)?,
        };
        self.apply(&action)
    }

    /// `chsysstate -o on`: a frame that is off starts its boot.
    pub fn power_on(&mut self, frame: usize) -> Result<(), String> {
        let action = Action::PowerOn {
            system: self.frame_name(frame)?,
        };
        self.apply(&action)
    }

    fn apply(&mut self, action: &Action) -> Result<(), String> {
        let result = self.engine.apply(action).map(|_| ()).map_err(|r| r.message);
        self.engine.drain_events();
        result
    }
}

fn moving_inactive(s: &Snapshot, last_move: Option<crate::engine::MoveId>) -> bool {
    last_move
        .and_then(|m| s.moves.get(m.index()))
        .is_some_and(|m| m.inactive && m.phase.in_flight())
}

fn migration(m: &MoveView, page_bytes: u64, frame_of: &dyn Fn(&str) -> usize) -> Migration {
    let phase = match m.phase {
        Phase::Queued => MovePhase::Queued,
        Phase::Configuring | Phase::PreCopy => MovePhase::Transferring,
        Phase::Suspended => MovePhase::Suspended,
        Phase::Pulling => MovePhase::Pulling,
        Phase::Completed => MovePhase::Completed,
        Phase::Stopped => MovePhase::Stopped,
        Phase::Failed => MovePhase::Failed,
    };
    let transmitted: u64 = m.bytes.total();
    Migration {
        from: frame_of(&m.from),
        to: frame_of(&m.to),
        phase,
        inactive: m.inactive,
        bytes_transmitted: transmitted,
        bytes_remaining: if m.inactive {
            0
        } else {
            m.remaining_pages.saturating_mul(page_bytes)
        },
        stop_reason: m.stop_reason.clone(),
        failure: m.failure.clone(),
        movers: m.movers.clone(),
        standby: m.standby_movers.clone(),
    }
}

/// The engine's check names (`engine::validation::CHECKS`), typed.
fn check_of(name: &str) -> Check {
    match name {
        "state" => Check::State,
        "not moving" => Check::NotMoving,
        "different frame" => Check::DifferentFrame,
        "no dedicated I/O" => Check::NoDedicatedIo,
        "processor compatibility" => Check::ProcessorCompatibility,
        "memory on target" => Check::Memory,
        "processors on target" => Check::Processors,
        "VLANs on target" => Check::Vlans,
        "SANs on target" => Check::Sans,
        "name free on target" => Check::NameFree,
        "mover service partitions" => Check::Movers,
        _ => Check::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_engine_check_is_known() {
        for name in crate::engine::validation::CHECKS {
            assert_ne!(check_of(name), Check::Other, "{name}");
        }
    }

    #[test]
    fn the_builtin_estate_as_the_hmc_sees_it() {
        let mut e = Estate::new(&Scenario::builtin()).unwrap();
        let v = e.view();
        assert_eq!(v.frames.len(), 2);
        let backup = v.lpars.iter().find(|l| l.name == "backup01").unwrap();
        let failed = e
            .validate(backup.index, 1, &MoverChoice::default())
            .unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].check, Check::NoDedicatedIo);
        let web = v.lpars.iter().find(|l| l.name == "web01").unwrap().index;
        e.migrate(web, 1, &MoverChoice::default()).unwrap();
        e.advance(0.5);
        let m = e.view().lpars[web].moving().cloned().unwrap();
        assert_eq!((m.from, m.to, m.phase), (0, 1, MovePhase::Transferring));
        assert!(m.bytes_transmitted > 0 && m.bytes_remaining > 0);
        e.stop(web).unwrap();
        assert_eq!(
            e.view().lpars[web].last_move.as_ref().unwrap().phase,
            MovePhase::Stopped
        );
        assert!(e.recover(web).is_err());
    }
}
