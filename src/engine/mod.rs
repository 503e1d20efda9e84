//! The migration engine: validation, pre-copy rounds, switch-over, final phases, throttles, stop.
//!
//! Time moves in fixed steps of 1 ms of simulated time, whatever slices the caller advances by,
//! so the event stream never depends on them; round ends and suspend windows fall inside a step
//! at their exact fractional time.

pub mod action;
pub mod event;
pub mod migration;
pub mod policy;
pub mod predictor;
pub mod snapshot;
pub mod validation;

use std::collections::VecDeque;
use std::time::Duration;

pub use action::{Action, ScriptStep};
pub use event::{Completion, Event, EventKind, RoundStats, SwitchReason};
pub use migration::{Move, Phase, RateSample};
pub use policy::{FinalPhase, Policy, Switchover};
pub use predictor::Prediction;
pub use snapshot::Snapshot;
pub use validation::{Check, Validation};

use crate::scenario::Scenario;
use crate::sim::memory::{ABSENT, bump};
use crate::sim::{
    Bitmap, Link, PageMemory, PartitionSpec, PartitionState, SimRng, SystemSpec, WorkloadGen,
};

/// One simulation step.
pub const STEP_NS: u64 = 1_000_000;
const STEP_S: f64 = STEP_NS as f64 / 1e9;
/// How long the profile of a not-activated partition takes to travel.
pub const INACTIVE_MOVE_S: f64 = 2.0;

/// A partition as the engine runs it.
#[derive(Debug, Clone)]
pub struct Partition {
    pub spec: PartitionSpec,
    /// The frame it runs on now.
    pub system: usize,
    pub pages: usize,
    /// `None` while not activated: no memory is in use.
    pub memory: Option<PageMemory>,
    pub writer: WorkloadGen,
    pub cpu_throttle_pct: f64,
    pub bandwidth_cap_mib_s: Option<f64>,
    /// Time the partition still has to spend stalled on demand faults, ns.
    pub stall_ns: f64,
    /// Page writes the workload has made.
    pub writes: u64,
    /// Of those, the writes applied page by page (those made while a move tracks them): the
    /// version sum of the partition's memory equals this.
    pub page_writes: u64,
    pub users_connected: u32,
    pub active_move: Option<usize>,
    /// Why the partition is not running any more (its frame failed), if so.
    pub down: Option<String>,
    /// A failed move `Recover` has to clean up before the partition can move again.
    pub needs_recovery: Option<String>,
}

impl Partition {
    pub fn name(&self) -> &str {
        &self.spec.name
    }
}

/// The simulated world and every move in it.
#[derive(Debug, Clone)]
pub struct Engine {
    pub name: String,
    pub page_size_kib: u32,
    pub link: Link,
    pub policy: Policy,
    pub systems: Vec<SystemSpec>,
    pub partitions: Vec<Partition>,
    pub moves: Vec<Move>,
    queue: VecDeque<usize>,
    script: Vec<(u64, Action)>,
    next_step: usize,
    now_ns: u64,
    pending_ns: u64,
    events: Vec<Event>,
    /// Faults in force: the link down until, the link degraded (Gbit/s) until, and per frame
    /// whether its movers or the whole frame failed.
    link_down_until: Option<u64>,
    link_degraded: Option<(f64, u64)>,
    pub msps_failed: Vec<bool>,
    pub frames_failed: Vec<bool>,
}

impl Engine {
    /// Builds the world of a scenario. The scenario is expected to have passed its checks
    /// (`scenario::check`); unknown frames here are an error, not a panic.
    pub fn new(s: &Scenario) -> Result<Engine, String> {
        let mut partitions = Vec::with_capacity(s.partitions.len());
        for p in &s.partitions {
            let system = s
                .systems
                .iter()
                .position(|sys| sys.name == p.system)
                .ok_or_else(|| format!("partition {}: unknown system {:?}", p.name, p.system))?;
            let pages = s.pages_of(p.memory_gib) as usize;
            let memory = (p.state == PartitionState::Running).then(|| PageMemory::new(pages));
            partitions.push(Partition {
                spec: p.clone(),
                system,
                pages,
                memory,
                writer: WorkloadGen::new(SimRng::new(s.seed, &format!("{}/{}", p.system, p.name))),
                cpu_throttle_pct: 0.0,
                bandwidth_cap_mib_s: None,
                stall_ns: 0.0,
                writes: 0,
                page_writes: 0,
                users_connected: p.users,
                active_move: None,
                down: None,
                needs_recovery: None,
            });
        }
        let mut script: Vec<(u64, Action)> = s
            .script
            .iter()
            .map(|st| (secs_to_ns(st.at_s), st.action.clone()))
            .collect();
        // Stable: actions at the same instant keep their order in the file.
        script.sort_by_key(|(t, _)| *t);
        Ok(Engine {
            name: s.name.clone(),
            page_size_kib: s.page_size_kib,
            link: Link::new(&s.link, s.page_size_kib),
            policy: s.policy.clone(),
            systems: s.systems.clone(),
            partitions,
            moves: Vec::new(),
            queue: VecDeque::new(),
            script,
            next_step: 0,
            now_ns: 0,
            pending_ns: 0,
            events: Vec::new(),
            link_down_until: None,
            link_degraded: None,
            msps_failed: vec![false; s.systems.len()],
            frames_failed: vec![false; s.systems.len()],
        })
    }

    /// Simulated time, seconds.
    pub fn now(&self) -> f64 {
        self.now_ns as f64 / 1e9
    }

    pub fn now_ns(&self) -> u64 {
        self.now_ns
    }

    pub fn page_bytes(&self) -> u64 {
        self.page_size_kib as u64 * 1024
    }

    /// Moves simulated time forward by `dt`. Whole steps run; a remainder waits for the next call.
    pub fn advance(&mut self, dt: Duration) {
        self.pending_ns += dt.as_nanos() as u64;
        while self.pending_ns >= STEP_NS {
            self.pending_ns -= STEP_NS;
            self.step();
        }
    }

    /// Runs until simulated time `t_s`.
    pub fn run_until(&mut self, t_s: f64) {
        let target = secs_to_ns(t_s);
        if target > self.now_ns + self.pending_ns {
            self.advance(Duration::from_nanos(target - self.now_ns - self.pending_ns));
        }
    }

    /// True when nothing is left to happen on its own: no move in flight, no scripted action due.
    pub fn is_settled(&self) -> bool {
        self.next_step >= self.script.len()
            && !self.moves.iter().any(|m| m.phase.in_flight())
            && self.link_down_until.is_none()
            && self.link_degraded.is_none()
    }

    /// Simulated time of the next scripted action, if any.
    pub fn next_scripted_s(&self) -> Option<f64> {
        self.script
            .get(self.next_step)
            .map(|(t, _)| *t as f64 / 1e9)
    }

    /// Takes the events produced since the last call.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    fn emit(&mut self, at_ns: u64, kind: EventKind) {
        self.events.push(Event {
            t: at_ns as f64 / 1e9,
            kind,
        });
    }

    // ----- names -----

    /// Finds a partition by `name` or `system/name`.
    pub fn find_partition(&self, name: &str) -> Result<usize, String> {
        let (sys, part) = match name.split_once('/') {
            Some((s, p)) => (Some(s), p),
            None => (None, name),
        };
        let found: Vec<usize> = (0..self.partitions.len())
            .filter(|&i| {
                let p = &self.partitions[i];
                p.spec.name == part && sys.is_none_or(|s| self.systems[p.system].name == s)
            })
            .collect();
        match found.as_slice() {
            [i] => Ok(*i),
            [] => Err(format!("no partition named {name:?}")),
            _ => Err(format!(
                "{name:?} names partitions on several frames; write it as frame/{part}"
            )),
        }
    }

    pub fn find_system(&self, name: &str) -> Result<usize, String> {
        self.systems
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| format!("no frame named {name:?}"))
    }

    /// The move in flight for a partition, if any.
    pub fn move_of(&self, partition: usize) -> Option<&Move> {
        self.partitions[partition]
            .active_move
            .map(|m| &self.moves[m])
    }

    /// The latest move of a partition, in flight or finished.
    pub fn last_move_of(&self, partition: usize) -> Option<&Move> {
        self.moves.iter().rev().find(|m| m.partition == partition)
    }

    // ----- capacity -----

    /// Memory (GiB) and processors in use on a frame, counting shells reserved for incoming
    /// moves and the source copy of a partition still being pulled away.
    pub fn usage(&self, system: usize) -> (f64, f64) {
        let mut mem = 0.0;
        let mut cpus = 0.0;
        for (i, p) in self.partitions.iter().enumerate() {
            let here = p.system == system
                || self.move_of(i).is_some_and(|m| match m.phase {
                    Phase::Pulling => m.from == system,
                    _ => m.to == system,
                });
            if here {
                mem += p.spec.memory_gib;
                cpus += p.spec.cpus;
            }
        }
        (mem, cpus)
    }

    pub fn msp_slots(&self, system: usize) -> u32 {
        self.systems[system]
            .msps
            .saturating_mul(self.policy.msp_max_ops)
    }

    pub fn msp_in_use(&self, system: usize) -> u32 {
        self.moves
            .iter()
            .filter(|m| m.phase.uses_slot() && (m.from == system || m.to == system))
            .count() as u32
    }

    // ----- validation -----

    /// Validates moving `partition` to frame `to`, reporting every check.
    pub fn validate(&self, partition: &str, to: &str) -> Result<Validation, String> {
        let pi = self.find_partition(partition)?;
        let ti = self.find_system(to)?;
        Ok(self.validate_index(pi, ti))
    }

    pub fn validate_index(&self, pi: usize, ti: usize) -> Validation {
        let p = &self.partitions[pi];
        let from = &self.systems[p.system];
        let to = &self.systems[ti];
        let mut v = Validation {
            partition: p.spec.name.clone(),
            from: from.name.clone(),
            to: to.name.clone(),
            checks: Vec::new(),
        };
        match (&p.down, &p.needs_recovery) {
            (Some(why), _) => v.check("state", false, format!("{} is down: {why}", p.spec.name)),
            (None, Some(why)) => v.check(
                "state",
                false,
                format!(
                    "{} has a failed move to recover first (Recover): {why}",
                    p.spec.name
                ),
            ),
            (None, None) => {
                let state = match p.spec.state {
                    PartitionState::Running => "running",
                    PartitionState::NotActivated => "not activated",
                };
                v.check("state", true, format!("{} is {state}", p.spec.name))
            }
        }
        let moving = self.move_of(pi);
        v.check(
            "not moving",
            moving.is_none(),
            match moving {
                Some(m) => format!(
                    "{} is already moving to {} ({})",
                    p.spec.name,
                    self.systems[m.to].name,
                    m.phase.label()
                ),
                None => format!("{} has no move in progress", p.spec.name),
            },
        );
        v.check(
            "different frame",
            ti != p.system,
            if ti == p.system {
                format!("{} already runs on {}", p.spec.name, to.name)
            } else {
                format!("from {} to {}", from.name, to.name)
            },
        );
        v.check(
            "no dedicated I/O",
            !p.spec.dedicated_io,
            if p.spec.dedicated_io {
                format!(
                    "{} has dedicated I/O adapters; remove them (dynamic LPAR) before moving it",
                    p.spec.name
                )
            } else {
                "all I/O is virtual".to_string()
            },
        );
        let compat_ok = to.processor.supports(p.spec.compat);
        v.check(
            "processor compatibility",
            compat_ok,
            if compat_ok {
                format!("{} mode runs on {}", p.spec.compat, to.processor)
            } else {
                format!(
                    "{} runs in {} mode, which a {} frame ({}) does not support",
                    p.spec.name, p.spec.compat, to.processor, to.name
                )
            },
        );
        let (mem_used, cpu_used) = self.usage(ti);
        let mem_free = to.memory_gib - mem_used;
        let cpu_free = to.cpus - cpu_used;
        v.check(
            "memory on target",
            p.spec.memory_gib <= mem_free + 1e-9,
            if p.spec.memory_gib <= mem_free + 1e-9 {
                format!(
                    "needs {} GiB, {} has {} GiB free",
                    fmt_num(p.spec.memory_gib),
                    to.name,
                    fmt_num(mem_free)
                )
            } else {
                format!(
                    "{} needs {} GiB of memory, {} has only {} GiB free",
                    p.spec.name,
                    fmt_num(p.spec.memory_gib),
                    to.name,
                    fmt_num(mem_free.max(0.0))
                )
            },
        );
        v.check(
            "processors on target",
            p.spec.cpus <= cpu_free + 1e-9,
            if p.spec.cpus <= cpu_free + 1e-9 {
                format!(
                    "needs {} CPUs, {} has {} free",
                    fmt_num(p.spec.cpus),
                    to.name,
                    fmt_num(cpu_free)
                )
            } else {
                format!(
                    "{} needs {} processors, {} has only {} free",
                    p.spec.name,
                    fmt_num(p.spec.cpus),
                    to.name,
                    fmt_num(cpu_free.max(0.0))
                )
            },
        );
        let missing_vlans: Vec<String> = p
            .spec
            .vlans
            .iter()
            .filter(|v| !to.vlans.contains(v))
            .map(|v| v.to_string())
            .collect();
        v.check(
            "VLANs on target",
            missing_vlans.is_empty(),
            if missing_vlans.is_empty() {
                format!("{} VLAN(s) bridged on {}", p.spec.vlans.len(), to.name)
            } else {
                format!(
                    "VLAN {} not bridged on {}",
                    missing_vlans.join(", "),
                    to.name
                )
            },
        );
        let missing_sans: Vec<&str> = p
            .spec
            .sans
            .iter()
            .filter(|s| !to.sans.contains(s))
            .map(|s| s.as_str())
            .collect();
        v.check(
            "SANs on target",
            missing_sans.is_empty(),
            if missing_sans.is_empty() {
                format!("{} SAN(s) visible from {}", p.spec.sans.len(), to.name)
            } else {
                format!(
                    "SAN {} not visible from {}",
                    missing_sans.join(", "),
                    to.name
                )
            },
        );
        let clash = self
            .partitions
            .iter()
            .enumerate()
            .any(|(j, q)| j != pi && q.system == ti && q.spec.name == p.spec.name);
        v.check(
            "name free on target",
            !clash,
            if clash {
                format!("{} already has a partition named {}", to.name, p.spec.name)
            } else {
                format!("no partition named {} on {}", p.spec.name, to.name)
            },
        );
        let movers = |si: usize| {
            if self.msps_failed[si] || self.frames_failed[si] {
                0
            } else {
                self.systems[si].msps
            }
        };
        let msps_ok = movers(p.system) > 0 && movers(ti) > 0;
        v.check(
            "mover service partitions",
            msps_ok,
            if msps_ok {
                format!(
                    "{} MSP(s) on {}, {} on {}",
                    from.msps, from.name, to.msps, to.name
                )
            } else {
                let none: Vec<String> = [p.system, ti]
                    .iter()
                    .filter(|&&si| movers(si) == 0)
                    .map(|&si| {
                        let s = &self.systems[si];
                        if self.frames_failed[si] {
                            format!("{} (the frame is down)", s.name)
                        } else if self.msps_failed[si] {
                            format!("{} (its movers failed)", s.name)
                        } else {
                            s.name.clone()
                        }
                    })
                    .collect();
                format!("no mover service partition on {}", none.join(" and "))
            },
        );
        v
    }

    // ----- actions -----

    /// Carries out an action now. Errors are also reported as events; the `Err` carries the
    /// message for an interactive caller.
    pub fn apply(&mut self, action: &Action) -> Result<String, String> {
        let now = self.now_ns;
        let before = self.events.len();
        let result = self.apply_inner(action);
        // Validation failures and refused stops report themselves; anything else refused is
        // reported here, so that a script's every action leaves a trace.
        if let Err(reason) = &result
            && self.events.len() == before
        {
            self.emit(
                now,
                EventKind::ActionRefused {
                    action: action_label(action),
                    reason: reason.clone(),
                },
            );
        }
        result
    }

    fn apply_inner(&mut self, action: &Action) -> Result<String, String> {
        let now = self.now_ns;
        if let Some(problem) = action.problems().into_iter().next() {
            return Err(problem);
        }
        match action {
            Action::Migrate { partition, to } => {
                let (pi, ti) = self.resolve_move(partition, to)?;
                self.migrate(pi, ti)
            }
            Action::Validate { partition, to } => {
                let (pi, ti) = self.resolve_move(partition, to)?;
                let v = self.validate_index(pi, ti);
                let name = self.partitions[pi].spec.name.clone();
                let to = self.systems[ti].name.clone();
                if v.ok() {
                    self.emit(
                        now,
                        EventKind::ValidationPassed {
                            partition: name.clone(),
                            to: to.clone(),
                            checks: v.checks.len(),
                        },
                    );
                    Ok(format!(
                        "{name} can move to {to}: {} checks passed",
                        v.checks.len()
                    ))
                } else {
                    let errors = v.errors();
                    self.emit(
                        now,
                        EventKind::ValidationFailed {
                            partition: name,
                            to,
                            errors: errors.clone(),
                        },
                    );
                    Err(errors.join("; "))
                }
            }
            Action::Stop { partition } => {
                let pi = self.find_partition(partition)?;
                self.stop(pi, "stopped by operator")
            }
            Action::SetBandwidthCap { partition, mib_s } => {
                let pi = self.find_partition(partition)?;
                self.partitions[pi].bandwidth_cap_mib_s = Some(*mib_s);
                let name = self.partitions[pi].spec.name.clone();
                self.emit(
                    now,
                    EventKind::BandwidthCapChanged {
                        partition: name.clone(),
                        mib_s: Some(*mib_s),
                    },
                );
                Ok(format!("{name}: bandwidth cap {} MiB/s", fmt_num(*mib_s)))
            }
            Action::ClearBandwidthCap { partition } => {
                let pi = self.find_partition(partition)?;
                self.partitions[pi].bandwidth_cap_mib_s = None;
                let name = self.partitions[pi].spec.name.clone();
                self.emit(
                    now,
                    EventKind::BandwidthCapChanged {
                        partition: name.clone(),
                        mib_s: None,
                    },
                );
                Ok(format!("{name}: no bandwidth cap"))
            }
            Action::SetCpuThrottle { partition, percent } => {
                let pi = self.find_partition(partition)?;
                self.partitions[pi].cpu_throttle_pct = *percent;
                let name = self.partitions[pi].spec.name.clone();
                self.emit(
                    now,
                    EventKind::CpuThrottleChanged {
                        partition: name.clone(),
                        percent: *percent,
                    },
                );
                Ok(format!("{name}: CPU throttle {}%", fmt_num(*percent)))
            }
            Action::SetAutoConverge { partition, enabled } => {
                let pi = self.find_partition(partition)?;
                let name = self.partitions[pi].spec.name.clone();
                let Some(mi) = self.partitions[pi].active_move else {
                    return Err(format!("{name} is not moving"));
                };
                let m = &mut self.moves[mi];
                m.auto_converge = *enabled;
                if !enabled {
                    m.auto_throttle_pct = 0.0;
                    m.auto_high_count = 0;
                }
                self.emit(
                    now,
                    EventKind::AutoConvergeChanged {
                        partition: name.clone(),
                        enabled: *enabled,
                    },
                );
                Ok(format!(
                    "{name}: auto-converge {}",
                    if *enabled { "on" } else { "off" }
                ))
            }
            Action::Evacuate { from, to } => {
                let fi = self.find_system(from)?;
                let ti = self.find_system(to)?;
                if fi == ti {
                    return Err(format!("cannot evacuate {from} onto itself"));
                }
                let (mut moving, mut refused) = (0, 0);
                let residents: Vec<usize> = (0..self.partitions.len())
                    .filter(|&i| {
                        self.partitions[i].system == fi && self.partitions[i].active_move.is_none()
                    })
                    .collect();
                for pi in residents {
                    match self.migrate(pi, ti) {
                        Ok(_) => moving += 1,
                        Err(_) => refused += 1,
                    }
                }
                self.emit(
                    now,
                    EventKind::EvacuationStarted {
                        from: from.clone(),
                        to: to.clone(),
                        moving,
                        refused,
                    },
                );
                Ok(format!(
                    "evacuating {from}: {moving} moving, {refused} refused"
                ))
            }
            Action::RemoveDedicatedIo { partition } => {
                let pi = self.find_partition(partition)?;
                self.partitions[pi].spec.dedicated_io = false;
                let name = self.partitions[pi].spec.name.clone();
                self.emit(
                    now,
                    EventKind::DedicatedIoRemoved {
                        partition: name.clone(),
                    },
                );
                Ok(format!("{name}: dedicated I/O removed"))
            }
            Action::LinkDown { for_s } => {
                let until = now.saturating_add(secs_to_ns(*for_s));
                self.link_down_until = Some(self.link_down_until.map_or(until, |u| u.max(until)));
                self.emit(
                    now,
                    EventKind::LinkDown {
                        until_s: until as f64 / 1e9,
                    },
                );
                Ok(format!("link down for {} s", fmt_num(*for_s)))
            }
            Action::LinkDegrade {
                bandwidth_gbps,
                for_s,
            } => {
                let until = now.saturating_add(secs_to_ns(*for_s));
                self.link_degraded = Some((bandwidth_gbps.min(self.link.bandwidth_gbps), until));
                self.emit(
                    now,
                    EventKind::LinkDegraded {
                        bandwidth_gbps: *bandwidth_gbps,
                        until_s: until as f64 / 1e9,
                    },
                );
                Ok(format!(
                    "link degraded to {} Gbit/s for {} s",
                    fmt_num(*bandwidth_gbps),
                    fmt_num(*for_s)
                ))
            }
            Action::MspFail { system } => {
                let si = self.find_system(system)?;
                self.msps_failed[si] = true;
                self.emit(
                    now,
                    EventKind::MspFailed {
                        system: system.clone(),
                    },
                );
                Ok(format!("the mover service partitions of {system} failed"))
            }
            Action::FrameFail { system } => {
                let si = self.find_system(system)?;
                self.frames_failed[si] = true;
                self.emit(
                    now,
                    EventKind::FrameFailed {
                        system: system.clone(),
                    },
                );
                // Its partitions stop, except those whose move has them running elsewhere.
                for pi in 0..self.partitions.len() {
                    let p = &self.partitions[pi];
                    let elsewhere = self
                        .move_of(pi)
                        .is_some_and(|m| m.phase == Phase::Pulling && m.to != si);
                    if p.system == si && p.down.is_none() && p.memory.is_some() && !elsewhere {
                        self.partitions[pi].down = Some(format!("{system} failed"));
                        let partition = self.partitions[pi].spec.name.clone();
                        self.emit(
                            now,
                            EventKind::PartitionDown {
                                partition,
                                reason: format!("{system} failed"),
                            },
                        );
                    }
                }
                Ok(format!("{system} failed"))
            }
            Action::Recover { partition } => {
                let pi = self.find_partition(partition)?;
                let name = self.partitions[pi].spec.name.clone();
                if self.partitions[pi].needs_recovery.take().is_none() {
                    return Err(format!("{name} has no failed move to recover"));
                }
                self.emit(
                    now,
                    EventKind::Recovered {
                        partition: name.clone(),
                    },
                );
                Ok(format!("{name} recovered: it can move again"))
            }
        }
    }

    fn resolve_move(&self, partition: &str, to: &str) -> Result<(usize, usize), String> {
        let pi = self.find_partition(partition);
        let ti = self.find_system(to);
        match (pi, ti) {
            (Ok(p), Ok(t)) => Ok((p, t)),
            (p, t) => Err([p.err(), t.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ")),
        }
    }

    /// Validates and, when valid, starts or queues the move.
    pub fn migrate(&mut self, pi: usize, ti: usize) -> Result<String, String> {
        let now = self.now_ns;
        let v = self.validate_index(pi, ti);
        if !v.ok() {
            let errors = v.errors();
            self.emit(
                now,
                EventKind::ValidationFailed {
                    partition: v.partition,
                    to: v.to,
                    errors: errors.clone(),
                },
            );
            return Err(errors.join("; "));
        }
        let p = &self.partitions[pi];
        let inactive = p.memory.is_none();
        let id = self.moves.len();
        let mut m = Move::new(id, pi, p.system, ti, inactive, now);
        m.auto_converge = self.policy.auto_converge;
        self.moves.push(m);
        self.partitions[pi].active_move = Some(id);
        self.queue.push_back(id);
        self.start_queued();
        let m = &self.moves[id];
        let name = self.partitions[pi].spec.name.clone();
        if m.phase == Phase::Queued {
            let position = self.queue.len();
            self.emit(
                now,
                EventKind::MigrationQueued {
                    partition: name.clone(),
                    from: self.systems[m.from].name.clone(),
                    to: self.systems[ti].name.clone(),
                    position,
                },
            );
            Ok(format!(
                "{name} queued for a mover slot (position {position})"
            ))
        } else {
            Ok(format!("{name} moving to {}", self.systems[ti].name))
        }
    }

    /// Starts every queued move that has a mover slot free on both frames, in order.
    fn start_queued(&mut self) {
        let now = self.now_ns;
        let mut k = 0;
        while k < self.queue.len() {
            let mi = self.queue[k];
            let (from, to) = (self.moves[mi].from, self.moves[mi].to);
            if self.msp_in_use(from) < self.msp_slots(from)
                && self.msp_in_use(to) < self.msp_slots(to)
            {
                self.queue.remove(k);
                self.begin(mi, now);
            } else {
                k += 1;
            }
        }
    }

    fn begin(&mut self, mi: usize, now: u64) {
        let pi = self.moves[mi].partition;
        let pages = self.partitions[pi].pages;
        let m = &mut self.moves[mi];
        m.started_ns = Some(now);
        m.sample_started_ns = now;
        if m.inactive {
            m.enter(Phase::Configuring, now);
            m.resume_at_ns = now.saturating_add(secs_to_ns(INACTIVE_MOVE_S + self.link.latency_s));
        } else {
            m.allocate_target(pages);
            m.enter(Phase::PreCopy, now);
            m.round = 1;
            m.round_started_ns = now;
            // Round 1 sends everything; from here on every write is tracked.
            m.send = Bitmap::full(pages);
            if let Some(mem) = &mut self.partitions[pi].memory {
                mem.dirty = Some(Bitmap::new(pages));
            }
        }
        let (name, from, to, inactive) = (
            self.partitions[pi].spec.name.clone(),
            self.systems[m.from].name.clone(),
            self.systems[m.to].name.clone(),
            m.inactive,
        );
        self.emit(
            now,
            EventKind::MigrationStarted {
                partition: name,
                from,
                to,
                inactive,
            },
        );
    }

    /// Stops a move before the point of no return.
    pub fn stop(&mut self, pi: usize, reason: &str) -> Result<String, String> {
        let now = self.now_ns;
        let name = self.partitions[pi].spec.name.clone();
        let Some(mi) = self.partitions[pi].active_move else {
            let reason = match self.last_move_of(pi) {
                Some(m) if m.phase == Phase::Completed => format!(
                    "{name} already completed its move to {} at {:.3} s",
                    self.systems[m.to].name,
                    m.finished_ns.unwrap_or(0) as f64 / 1e9
                ),
                _ => format!("{name} has no move in progress"),
            };
            self.emit(
                now,
                EventKind::StopRefused {
                    partition: name,
                    reason: reason.clone(),
                },
            );
            return Err(reason);
        };
        let m = &self.moves[mi];
        if m.phase.past_point_of_no_return() {
            let reason = format!(
                "past the point of no return: {name} resumed on {} at {:.3} s and can only complete",
                self.systems[m.to].name,
                m.resume_ns.unwrap_or(0) as f64 / 1e9
            );
            self.emit(
                now,
                EventKind::StopRefused {
                    partition: name,
                    reason: reason.clone(),
                },
            );
            return Err(reason);
        }
        let round = m.round;
        let was_suspended = m.phase == Phase::Suspended;
        self.queue.retain(|&q| q != mi);
        let m = &mut self.moves[mi];
        if was_suspended {
            // The partition resumes where it was; its users saw the whole window.
            let p = &mut self.partitions[pi];
            m.close_window(now, &mut p.users_connected, self.policy.user_timeout_s);
        }
        m.finish(Phase::Stopped, now);
        m.stop_reason = Some(reason.to_string());
        let p = &mut self.partitions[pi];
        p.active_move = None;
        if let Some(mem) = &mut p.memory {
            mem.dirty = None;
        }
        self.emit(
            now,
            EventKind::MigrationStopped {
                partition: name.clone(),
                reason: reason.to_string(),
                round,
            },
        );
        self.start_queued();
        Ok(format!(
            "{name}: move stopped in round {round}; it runs on, on {}",
            self.systems[self.partitions[pi].system].name
        ))
    }

    // ----- the step -----

    fn step(&mut self) {
        let t0 = self.now_ns;
        let first_event = self.events.len();
        while let Some((at, action)) = self.script.get(self.next_step) {
            if *at > t0 {
                break;
            }
            let action = action.clone();
            self.next_step += 1;
            let _ = self.apply(&action);
        }
        self.expire_link_faults(t0);
        self.check_paths(t0);
        self.share_link();
        self.write_memory(t0);
        for mi in 0..self.moves.len() {
            if self.moves[mi].phase.in_flight() {
                self.progress(mi, t0);
            }
        }
        self.now_ns = t0 + STEP_NS;
        for m in self
            .moves
            .iter_mut()
            .filter(|m| matches!(m.phase, Phase::PreCopy | Phase::Pulling | Phase::Suspended))
        {
            m.sample(t0 + STEP_NS);
        }
        if !self.queue.is_empty() {
            self.start_queued();
        }
        // Moves are stepped one after another, but their events fall at fractional instants
        // inside the step: put them in time order (stable, so causes stay before effects).
        self.events[first_event..].sort_by(|a, b| a.t.total_cmp(&b.t));
    }

    /// The link's payload rate now, pages/s: nothing while it is down, less while degraded.
    pub fn link_pages_s(&self) -> f64 {
        if self.link_down_until.is_some() {
            return 0.0;
        }
        match self.link_degraded {
            Some((gbps, _)) => self.link.pages_per_s() * gbps / self.link.bandwidth_gbps.max(1e-12),
            None => self.link.pages_per_s(),
        }
    }

    /// Ends link outages and degradations whose time is up.
    fn expire_link_faults(&mut self, t0: u64) {
        let down_over = self.link_down_until.is_some_and(|u| u <= t0);
        let degraded_over = self.link_degraded.is_some_and(|(_, u)| u <= t0);
        if down_over {
            self.link_down_until = None;
        }
        if degraded_over {
            self.link_degraded = None;
        }
        if (down_over || degraded_over) && self.link_down_until.is_none() {
            let bandwidth_gbps = self
                .link_degraded
                .map_or(self.link.bandwidth_gbps, |(g, _)| g);
            self.emit(t0, EventKind::LinkRestored { bandwidth_gbps });
        }
    }

    /// What is broken on a move's path: (reason, permanent). A dead link may come back; failed
    /// movers and frames do not.
    fn path_fault(&self, m: &Move) -> Option<(String, bool)> {
        for si in [m.to, m.from] {
            if self.frames_failed[si] {
                return Some((format!("{} failed", self.systems[si].name), true));
            }
        }
        for si in [m.from, m.to] {
            if self.msps_failed[si] {
                return Some((
                    format!(
                        "the mover service partitions of {} failed",
                        self.systems[si].name
                    ),
                    true,
                ));
            }
        }
        self.link_down_until
            .map(|_| ("the link between the frames is down".to_string(), false))
    }

    /// Applies the faults in force to every move in flight, phase by phase.
    fn check_paths(&mut self, t0: u64) {
        for mi in 0..self.moves.len() {
            let m = &self.moves[mi];
            if !m.phase.in_flight() {
                continue;
            }
            let fault = self.path_fault(m);
            let Some((reason, permanent)) = fault else {
                self.moves[mi].path_down_ns = None;
                continue;
            };
            let since = *self.moves[mi].path_down_ns.get_or_insert(t0);
            let phase = self.moves[mi].phase;
            let partition = self.partitions[self.moves[mi].partition].spec.name.clone();
            // Announce a stall once, for moves that wait on it rather than fail at once.
            let waits = matches!(phase, Phase::Pulling)
                || (!permanent && !matches!(phase, Phase::Queued | Phase::Suspended));
            if since == t0 && waits {
                let what = if phase == Phase::Pulling {
                    format!("{reason}: the partition waits on its missing pages")
                } else {
                    format!("{reason}: no data moves")
                };
                self.emit(
                    t0,
                    EventKind::MoveStalled {
                        partition,
                        reason: what,
                    },
                );
            }
            let m = &self.moves[mi];
            let waited_s = (t0 - since) as f64 / 1e9;
            match phase {
                Phase::Pulling => {
                    // The partition runs on the target; only the source has its last pages.
                    let target_down = self.frames_failed[m.to];
                    if target_down || waited_s >= self.policy.pull_timeout_s {
                        let why = if target_down {
                            reason
                        } else {
                            format!(
                                "{reason} for {} s while pages were still being pulled",
                                fmt_num(waited_s)
                            )
                        };
                        self.lose_partition(mi, t0, why);
                    }
                }
                Phase::Suspended => self.fail_move(mi, t0, reason),
                _ if permanent => self.fail_move(mi, t0, reason),
                _ if waited_s >= self.policy.link_timeout_s => {
                    self.fail_move(mi, t0, format!("{reason} for {} s", fmt_num(waited_s)))
                }
                _ => {}
            }
        }
    }

    /// A fault ends a move before the point of no return: the partition runs on, on the
    /// source, with its memory; the target shell is released.
    fn fail_move(&mut self, mi: usize, at: u64, reason: String) {
        let pi = self.moves[mi].partition;
        let phase = self.moves[mi].phase;
        self.queue.retain(|&q| q != mi);
        let m = &mut self.moves[mi];
        let p = &mut self.partitions[pi];
        let mut resumed = None;
        if phase == Phase::Suspended && p.down.is_none() {
            // Back on the source: its users waited for the whole window so far.
            let ms = m.close_window(at, &mut p.users_connected, self.policy.user_timeout_s);
            resumed = Some((ms, m.users_dropped));
        }
        m.finish(Phase::Failed, at);
        m.failure = Some(reason.clone());
        let round = m.round;
        p.active_move = None;
        if phase != Phase::Queued {
            p.needs_recovery = Some(reason.clone());
        }
        if let Some(mem) = &mut p.memory {
            mem.dirty = None;
        }
        let source_intact = p
            .memory
            .as_ref()
            .is_none_or(|mem| mem.version_sum() == p.page_writes);
        let partition = p.spec.name.clone();
        let from = self.systems[self.moves[mi].from].name.clone();
        if let Some((downtime_ms, users_dropped)) = resumed {
            self.emit(
                at,
                EventKind::Resumed {
                    partition: partition.clone(),
                    system: from,
                    downtime_ms,
                    users_dropped,
                },
            );
        }
        self.emit(
            at,
            EventKind::MigrationFailed {
                partition,
                reason,
                phase: phase.label().to_string(),
                round,
                source_intact,
            },
        );
        self.start_queued();
    }

    /// A fault in the pull phase outlasted the wait: the pages still on the source are gone,
    /// and with them the partition.
    fn lose_partition(&mut self, mi: usize, at: u64, reason: String) {
        let pi = self.moves[mi].partition;
        let m = &mut self.moves[mi];
        let pages_missing = m.send.count() as u64;
        m.pages_lost = pages_missing;
        m.verified = Some(false);
        m.failure = Some(reason.clone());
        m.finish(Phase::Failed, at);
        let p = &mut self.partitions[pi];
        p.active_move = None;
        p.memory = None;
        p.users_connected = 0;
        p.down = Some(format!("lost: {reason}"));
        p.needs_recovery = Some(reason.clone());
        let partition = p.spec.name.clone();
        self.emit(
            at,
            EventKind::PartitionLost {
                partition,
                reason,
                pages_missing,
            },
        );
    }

    /// The link's payload rate a move may use, pages/s (its cap, or the whole link).
    fn cap_pages_s(&self, pi: usize) -> f64 {
        let full = self.link_pages_s();
        match self.partitions[pi].bandwidth_cap_mib_s {
            Some(c) => self.link.mib_s_to_pages_s(c).min(full),
            None => full,
        }
    }

    /// Shares the link among the moves that are sending, max-min fair within their caps; a
    /// stop-and-copy in its suspend window goes first.
    fn share_link(&mut self) {
        let reserved: f64 = self
            .moves
            .iter()
            .filter(|m| m.phase == Phase::Suspended)
            .map(|m| m.final_rate_pages_s)
            .sum();
        let sending: Vec<usize> = (0..self.moves.len())
            .filter(|&i| {
                let m = &self.moves[i];
                matches!(m.phase, Phase::PreCopy | Phase::Pulling) && m.path_down_ns.is_none()
            })
            .collect();
        for m in &mut self.moves {
            m.share_pages_s = 0.0;
        }
        let caps: Vec<f64> = sending
            .iter()
            .map(|&i| self.cap_pages_s(self.moves[i].partition))
            .collect();
        let shares = crate::sim::link::fair_shares(self.link_pages_s() - reserved, &caps);
        for (&i, s) in sending.iter().zip(shares) {
            self.moves[i].share_pages_s = s;
        }
    }

    /// Every running partition writes its memory for one step.
    fn write_memory(&mut self, t0: u64) {
        let t_s = t0 as f64 / 1e9;
        // A demand fault: one round trip, then the page at the full link rate.
        let page_s = 1.0 / self.link.pages_per_s().max(1e-9);
        let fault_ns = (2.0 * self.link.latency_s + page_s) * 1e9;
        for pi in 0..self.partitions.len() {
            let p = &mut self.partitions[pi];
            let Some(mem) = &mut p.memory else { continue };
            if p.down.is_some() {
                continue;
            }
            let mv = p.active_move.map(|m| &mut self.moves[m]);
            // On the target with its source unreachable, the partition soon blocks on a page
            // it lacks: it does no work until the source answers or is given up.
            if mv
                .as_ref()
                .is_some_and(|m| m.phase == Phase::Pulling && m.path_down_ns.is_some())
            {
                continue;
            }
            let auto = mv.as_ref().map_or(0.0, |m| m.auto_throttle_pct);
            if mv.as_ref().is_some_and(|m| m.phase == Phase::Suspended) {
                continue;
            }
            let leaf = p.spec.workload.at(t_s);
            let rate = self.link.mib_s_to_pages_s(leaf.writes_mib_s(0.0))
                * (1.0 - p.cpu_throttle_pct / 100.0)
                * (1.0 - auto / 100.0);
            let stalled = p.stall_ns.min(STEP_NS as f64);
            p.stall_ns -= stalled;
            let n = p.writer.due(rate * (STEP_NS as f64 - stalled) / 1e9);
            if n == 0 {
                continue;
            }
            p.writes += n;
            let pages = p.pages;
            match mv {
                Some(m) if m.phase == Phase::Pulling => {
                    // On the target: a page still on the source is fetched first (a demand fault).
                    let faults = m.write_on_target(&mem.versions, |write| {
                        p.writer.write_pages(leaf, pages, n, write)
                    });
                    m.post_resume_writes += n;
                    p.page_writes += n;
                    m.demand_faults += faults;
                    m.pages_sent += faults;
                    m.sample_sent += faults;
                    m.bytes[2] += faults * self.link.page_bytes as u64;
                    p.stall_ns += faults as f64 * fault_ns;
                }
                Some(m) if m.phase == Phase::PreCopy => {
                    let versions = &mut mem.versions;
                    let dirty = mem.dirty.as_mut().expect("pre-copy tracks writes");
                    let mut fresh = 0u64;
                    p.writer.write_pages(leaf, pages, n, |pg| {
                        versions[pg] = bump(versions[pg]);
                        fresh += dirty.set(pg) as u64;
                    });
                    m.sample_dirtied += fresh;
                    p.page_writes += n;
                }
                // Outside a move nothing reads page contents (round 1 sends every page whatever
                // its version), so the writes are counted but not spent page by page: a cache
                // miss per write across a whole estate of busy partitions would be most of the
                // simulation's cost for nothing observable.
                _ => {}
            }
        }
    }

    /// One step of one move's progress, through as many phase changes as fall inside it.
    fn progress(&mut self, mi: usize, t0: u64) {
        let t1 = t0 + STEP_NS;
        let budget = self.moves[mi].carry + self.moves[mi].share_pages_s * STEP_S;
        let mut used = 0.0f64;
        // The instant inside the step at which `used` pages have gone.
        let at = |used: f64| -> u64 {
            if budget <= 0.0 {
                t0
            } else {
                t0 + ((used / budget).min(1.0) * STEP_NS as f64) as u64
            }
        };
        loop {
            let m = &self.moves[mi];
            match m.phase {
                Phase::Configuring => {
                    if m.resume_at_ns < t1 {
                        let at = m.resume_at_ns.max(t0);
                        self.partitions[m.partition].system = m.to;
                        self.complete(mi, at);
                    }
                    return;
                }
                Phase::PreCopy | Phase::Pulling => {
                    let pi = m.partition;
                    let want = (budget - used).floor().max(0.0) as u64;
                    let source = &self.partitions[pi]
                        .memory
                        .as_ref()
                        .expect("a live move has memory")
                        .versions;
                    let m = &mut self.moves[mi];
                    let sent = m.send_pages(source, want);
                    used += sent as f64;
                    m.pages_sent += sent;
                    m.round_sent += sent;
                    m.sample_sent += sent;
                    let bytes = sent * self.link.page_bytes as u64;
                    if m.phase == Phase::PreCopy {
                        m.bytes[0] += bytes;
                    } else {
                        m.bytes[2] += bytes;
                    }
                    if m.send.count() > 0 {
                        m.carry = budget - used;
                        return;
                    }
                    if m.phase == Phase::Pulling {
                        self.complete(mi, at(used));
                        return;
                    }
                    self.end_round(mi, at(used));
                }
                Phase::Suspended => {
                    if m.resume_at_ns >= t1 {
                        return;
                    }
                    let at = m.resume_at_ns.max(t0);
                    self.resume(mi, at);
                    self.moves[mi].carry = 0.0;
                    // The rest of this step's budget is not spent: the pull starts next step.
                    if self.moves[mi].phase == Phase::Pulling {
                        return;
                    }
                }
                Phase::Queued | Phase::Completed | Phase::Stopped | Phase::Failed => return,
            }
        }
    }

    /// The downtime a switch-over now would cost, ms, with `remaining` pages at `rate` pages/s.
    fn expected_downtime_ms(&self, remaining: u64, rate: f64) -> f64 {
        let fixed = self.policy.suspend_overhead_ms + self.link.latency_s * 1000.0;
        match self.policy.final_phase {
            FinalPhase::ResumeThenPull => fixed,
            FinalPhase::StopAndCopy => fixed + remaining as f64 / rate.max(1e-9) * 1000.0,
        }
    }

    /// A pre-copy round's send set is done: report it, then switch over or sync the bitmap.
    fn end_round(&mut self, mi: usize, at: u64) {
        let pi = self.moves[mi].partition;
        let pages = self.partitions[pi].pages as u64;
        let dirtied = self.partitions[pi]
            .memory
            .as_ref()
            .and_then(|m| m.dirty.as_ref())
            .map_or(0, |d| d.count()) as u64;
        let m = &self.moves[mi];
        let duration_s = ((at - m.round_started_ns) as f64 / 1e9).max(1e-9);
        let rate = m.round_sent as f64 / duration_s;
        // A round of nothing measures no bandwidth: judge it by the share the move has.
        let rate = if m.round_sent == 0 {
            m.share_pages_s
        } else {
            rate
        };
        let clean_percent = if pages == 0 {
            100.0
        } else {
            (pages - dirtied) as f64 / pages as f64 * 100.0
        };
        let expected_downtime_ms = self.expected_downtime_ms(dirtied, rate);
        let stats = RoundStats {
            partition: self.partitions[pi].spec.name.clone(),
            round: m.round,
            pages_sent: m.round_sent,
            bytes_sent: m.round_sent * self.page_bytes(),
            pages_dirtied: dirtied,
            duration_s,
            dirty_rate_pages_s: dirtied as f64 / duration_s,
            transfer_rate_bytes_s: rate * self.link.page_bytes,
            remaining_pages: dirtied,
            clean_percent,
            expected_downtime_ms,
        };
        let met = match self.policy.switchover {
            Switchover::PercentClean(p) => clean_percent >= p,
            Switchover::DowntimeLimit { ms } => dirtied as f64 / rate.max(1e-9) * 1000.0 <= ms,
        };
        let reason = if met {
            Some(SwitchReason::Threshold)
        } else if m.round >= self.policy.max_rounds {
            Some(SwitchReason::MaxRounds)
        } else if m.pages_sent as f64 >= self.policy.max_sent_factor * pages as f64 {
            Some(SwitchReason::MaxSentFactor)
        } else {
            None
        };
        let auto_converge = m.auto_converge;
        let bytes_dirtied_high = dirtied * 2 > m.round_sent;
        self.moves[mi].history.push(stats.clone());
        self.emit(at, EventKind::RoundCompleted(stats));
        if let Some(reason) = reason {
            self.suspend(mi, at, reason, expected_downtime_ms);
            return;
        }
        // Stall detection: the remaining data has not fallen (by 5%) for `stall_rounds` rounds.
        let m = &mut self.moves[mi];
        m.flat_rounds = if dirtied as f64 >= m.best_remaining as f64 * 0.95 {
            m.flat_rounds + 1
        } else {
            0
        };
        m.best_remaining = m.best_remaining.min(dirtied);
        if m.flat_rounds == self.policy.stall_rounds {
            let round = m.round;
            let (cpu_throttle_percent, bandwidth_mib_s, suggestion) =
                self.convergence_suggestion(pi, dirtied);
            let partition = self.partitions[pi].spec.name.clone();
            self.emit(
                at,
                EventKind::ConvergenceStalled {
                    partition,
                    round,
                    remaining_pages: dirtied,
                    cpu_throttle_percent,
                    bandwidth_mib_s,
                    suggestion,
                },
            );
        }
        // QEMU's auto-converge: every second sync at which more than half as much was dirtied
        // as sent, throttle the guest harder: 20%, then +10% each time, at most 99%.
        if auto_converge && bytes_dirtied_high {
            let m = &mut self.moves[mi];
            m.auto_high_count += 1;
            if m.auto_high_count >= 2 {
                m.auto_high_count = 0;
                m.auto_throttle_pct = if m.auto_throttle_pct == 0.0 {
                    20.0
                } else {
                    (m.auto_throttle_pct + 10.0).min(99.0)
                };
                let percent = m.auto_throttle_pct;
                let partition = self.partitions[pi].spec.name.clone();
                self.emit(at, EventKind::AutoConvergeThrottle { partition, percent });
            }
        }
        let dirty = self.partitions[pi]
            .memory
            .as_mut()
            .and_then(|m| m.dirty.as_mut())
            .expect("pre-copy tracks writes");
        let m = &mut self.moves[mi];
        dirty.sync_into(&mut m.send);
        m.cursor = 0;
        m.round += 1;
        m.round_started_ns = at;
        m.round_sent = 0;
    }

    /// What would make a stalled move converge, by the analytic model at today's rates: the
    /// smallest CPU throttle in 10% steps, and the bandwidth, if the link has it.
    fn convergence_suggestion(
        &self,
        pi: usize,
        remaining: u64,
    ) -> (Option<f64>, Option<f64>, String) {
        let p = &self.partitions[pi];
        let share = self.expected_share_pages_s(pi);
        let auto = self.move_of(pi).map_or(0.0, |m| m.auto_throttle_pct);
        let raw = self
            .link
            .mib_s_to_pages_s(p.spec.workload.writes_mib_s(self.now()));
        let converges = |link_pages_s: f64, cpu: f64| {
            predictor::predict(&predictor::Inputs {
                pages: p.pages as u64,
                link_pages_s,
                write_pages_s: raw * (1.0 - cpu / 100.0) * (1.0 - auto / 100.0),
                workload: &p.spec.workload,
                policy: &self.policy,
                latency_s: self.link.latency_s,
            })
            .converges()
        };
        let throttle = (1..=9)
            .map(|k| k as f64 * 10.0)
            .find(|&t| t > p.cpu_throttle_pct && converges(share, t));
        let full = self.link.pages_per_s();
        let bandwidth = [1.25, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0]
            .iter()
            .map(|k| share * k)
            .find(|&b| b <= full && converges(b, p.cpu_throttle_pct))
            .map(|b| self.link.pages_s_to_mib_s(b).round());
        let left = fmt_num((self.link.pages_s_to_mib_s(remaining as f64)).round());
        let mut text = format!(
            "{left} MiB still dirty after {} rounds without progress",
            self.policy.stall_rounds
        );
        match (throttle, bandwidth) {
            (Some(t), Some(b)) => {
                text += &format!(
                    "; a CPU throttle of {}% or {} MiB/s of bandwidth would make it converge",
                    fmt_num(t),
                    fmt_num(b)
                )
            }
            (Some(t), None) => {
                text += &format!("; a CPU throttle of {}% would make it converge", fmt_num(t))
            }
            (None, Some(b)) => {
                text += &format!("; {} MiB/s of bandwidth would make it converge", fmt_num(b))
            }
            (None, None) => {
                text += "; no throttle short of stopping its writes would make it converge: try auto-converge"
            }
        }
        (throttle, bandwidth, text)
    }

    /// Opens the suspend window.
    fn suspend(&mut self, mi: usize, at: u64, reason: SwitchReason, expected_downtime_ms: f64) {
        let pi = self.moves[mi].partition;
        let cap = self.cap_pages_s(pi);
        let mem = self.partitions[pi]
            .memory
            .as_mut()
            .expect("a live move has memory");
        let mut dirty = mem.dirty.take().expect("pre-copy tracks writes");
        let m = &mut self.moves[mi];
        dirty.sync_into(&mut m.send);
        m.cursor = 0;
        let remaining = m.send.count() as u64;
        let fixed_s = self.policy.suspend_overhead_ms / 1000.0 + self.link.latency_s;
        let window_s = match self.policy.final_phase {
            FinalPhase::ResumeThenPull => fixed_s,
            FinalPhase::StopAndCopy => {
                m.final_rate_pages_s = cap;
                fixed_s + remaining as f64 / cap.max(1e-9)
            }
        };
        m.suspend_ns = Some(at);
        m.resume_at_ns = at.saturating_add(secs_to_ns(window_s));
        m.switch_reason = Some(reason);
        m.expected_downtime_ms = expected_downtime_ms;
        m.enter(Phase::Suspended, at);
        let partition = self.partitions[pi].spec.name.clone();
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

    /// Ends the suspend window on the target: the point of no return.
    fn resume(&mut self, mi: usize, at: u64) {
        let pi = self.moves[mi].partition;
        let page_bytes = self.link.page_bytes as u64;
        let p = &mut self.partitions[pi];
        let m = &mut self.moves[mi];
        if self.policy.final_phase == FinalPhase::StopAndCopy {
            let source = &p.memory.as_ref().expect("a live move has memory").versions;
            let n = m.send.count() as u64;
            let sent = m.send_pages(source, n);
            m.pages_sent += sent;
            m.bytes[1] += sent * page_bytes;
            m.final_rate_pages_s = 0.0;
        }
        let downtime_ms = m.close_window(at, &mut p.users_connected, self.policy.user_timeout_s);
        p.system = m.to;
        m.enter(Phase::Pulling, at);
        let (partition, system, users_dropped) = (
            p.spec.name.clone(),
            self.systems[m.to].name.clone(),
            m.users_dropped,
        );
        let pull_done = m.send.count() == 0;
        self.emit(
            at,
            EventKind::Resumed {
                partition,
                system,
                downtime_ms,
                users_dropped,
            },
        );
        if pull_done {
            self.complete(mi, at);
        }
    }

    /// The last page has arrived: verify the image, hand the memory to the target, report.
    fn complete(&mut self, mi: usize, at: u64) {
        let pi = self.moves[mi].partition;
        let p = &mut self.partitions[pi];
        let m = &mut self.moves[mi];
        let verified = match &mut p.memory {
            Some(mem) => {
                let ok = verify(&mem.versions, &m.target, &m.written, m.post_resume_writes);
                // The target copy is now the partition's memory; the source copy is released.
                mem.versions = std::mem::take(&mut m.target);
                mem.dirty = None;
                ok
            }
            // A profile-only move: the configuration arrives whole.
            None => true,
        };
        m.verified = Some(verified);
        m.auto_throttle_pct = 0.0;
        m.finish(Phase::Completed, at);
        p.active_move = None;
        let c = self.completion(mi);
        self.emit(at, EventKind::MigrationCompleted(c));
    }

    /// A finished move's record, as `migration_completed` reports it.
    pub fn completion(&self, mi: usize) -> Completion {
        let m = &self.moves[mi];
        let at = m.finished_ns.unwrap_or(self.now_ns);
        Completion {
            partition: self.partitions[m.partition].spec.name.clone(),
            from: self.systems[m.from].name.clone(),
            to: self.systems[m.to].name.clone(),
            rounds: m.round,
            total_s: (at - m.started_ns.unwrap_or(at)) as f64 / 1e9,
            downtime_ms: m.downtime_ms.unwrap_or(0.0),
            pages_sent: m.pages_sent,
            bytes_sent: m.bytes.iter().sum(),
            demand_faults: m.demand_faults,
            users_dropped: m.users_dropped,
            verified: m.verified.unwrap_or(false),
            converged: m.switch_reason.is_none_or(|r| r.converged()),
            inactive: m.inactive,
            bytes_precopy: m.bytes[0],
            bytes_suspended: m.bytes[1],
            bytes_after_resume: m.bytes[2],
        }
    }

    /// Every completed move so far, in the order they were requested.
    pub fn completions(&self) -> Vec<Completion> {
        (0..self.moves.len())
            .filter(|&i| self.moves[i].phase == Phase::Completed)
            .map(|i| self.completion(i))
            .collect()
    }
}

/// The target image against the source image at suspension: every page not written on the
/// target since resume must hold exactly the source's version; a page written there must have
/// been fetched first (its version is the source's plus its own writes). Independent of the
/// dirty bitmaps, so a bookkeeping slip shows here instead of passing silently.
pub fn verify(source: &[u32], target: &[u32], written: &Bitmap, post_resume_writes: u64) -> bool {
    if source.len() != target.len() {
        return false;
    }
    let mut extra = 0u64;
    for (i, (&s, &t)) in source.iter().zip(target).enumerate() {
        if t == ABSENT {
            return false;
        }
        if !written.is_empty() && written.get(i) {
            let d = t.wrapping_sub(s) as u64;
            if d == 0 || d > post_resume_writes {
                return false;
            }
            extra += d;
        } else if s != t {
            return false;
        }
    }
    extra == post_resume_writes
}

pub fn secs_to_ns(s: f64) -> u64 {
    (s.max(0.0) * 1e9).round() as u64
}

fn action_label(a: &Action) -> String {
    let json = serde_json::to_value(a).unwrap_or_default();
    match json.as_object().and_then(|o| o.keys().next().cloned()) {
        Some(k) => k,
        None => json.as_str().unwrap_or("action").to_string(),
    }
}

/// A number without trailing zeros: 64, 0.5, 12.25.
pub fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
