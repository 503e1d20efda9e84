//! `migrlpar -o v`: every precondition of a move, checked at once, against a ledger of what
//! each frame holds. The ledger is built once (linear in the partitions) and then answers each
//! check in constant time, so an evacuation validates a whole frame's partitions, each against
//! the placements before it, without rescanning the world for every one.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::ids::{FrameId, PartitionId};
use super::moves::{Move, MoverRequest, Phase};
use super::vio::{AdapterMap, Occupancy, VioMapping, adapters_now, map_adapters};
use super::world::World;
use crate::spec::vio::{vios_derived, vios_of};
use crate::spec::{MappingChoice, PartitionState, Redundancy};
use crate::units::{num, plural};

/// One precondition and whether it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    /// What was found: the reason when it failed, the evidence when it passed.
    pub detail: String,
}

/// The result of validating one move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    pub partition: String,
    pub from: String,
    pub to: String,
    pub checks: Vec<Check>,
}

impl Validation {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The failed checks, as messages.
    pub fn errors(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.detail.clone())
            .collect()
    }

    fn check(&mut self, name: &'static str, passed: bool, detail: impl Into<String>) {
        self.checks.push(Check {
            name: name.to_string(),
            passed,
            detail: detail.into(),
        });
    }
}

/// Names of the checks, in the order they are made (for help texts and tests).
pub const CHECKS: [&str; 11] = [
    "state",
    "not moving",
    "different frame",
    "no dedicated I/O",
    "processor compatibility",
    "memory on target",
    "processors on target",
    "VLANs on target",
    "SANs on target",
    "name free on target",
    "mover service partitions",
];

/// What a plan holds that the engine does not (`lpm check` validates a script without running
/// it): moves it has made, and frames it has failed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reservations {
    /// A move the plan has in flight holds its partition on its target too, as a shell (for
    /// capacity; a shell's name does not clash).
    pub shells: Vec<(PartitionId, FrameId)>,
    /// A move the plan has landed: the partition runs on this frame instead.
    pub landed: Vec<(PartitionId, FrameId)>,
    /// Frames the plan has failed: down, and the partitions running on them with them.
    pub failed_frames: Vec<FrameId>,
}

/// What every frame holds, and where every partition is, as validation sees it.
pub(super) struct Ledger<'a> {
    world: &'a World,
    moves: &'a [Move],
    location: Vec<FrameId>,
    memory_gib: Vec<f64>,
    cpus: Vec<f64>,
    /// Partitions of each name on each frame.
    names: HashMap<(FrameId, &'a str), u32>,
    failed: Vec<bool>,
    /// Virtual slots taken on each frame's VIOS, counted when first asked.
    vio: RefCell<Occupancy>,
}

impl<'a> Ledger<'a> {
    /// Memory and processors in use count the shells reserved for incoming moves and the
    /// source copy of a partition still being pulled away.
    pub(super) fn new(world: &'a World, moves: &'a [Move], plan: &Reservations) -> Ledger<'a> {
        let frames = world.frames.len();
        let mut l = Ledger {
            world,
            moves,
            location: world.partitions.iter().map(|p| p.frame).collect(),
            memory_gib: vec![0.0; frames],
            cpus: vec![0.0; frames],
            names: HashMap::with_capacity(world.partitions.len()),
            failed: world.frames.iter().map(|f| f.failed).collect(),
            vio: RefCell::new(Occupancy::new(world)),
        };
        for &(p, f) in &plan.landed {
            l.location[p.index()] = f;
        }
        for &f in &plan.failed_frames {
            l.failed[f.index()] = true;
        }
        for (i, p) in world.partitions.iter().enumerate() {
            let here = l.location[i];
            l.hold(PartitionId::new(i), here);
            if let Some(m) = p.active_move.map(|m| &moves[m.index()]) {
                let other = if m.life.phase == Phase::Pulling {
                    m.from
                } else {
                    m.to
                };
                if other != here {
                    l.hold(PartitionId::new(i), other);
                }
            }
            *l.names.entry((here, p.spec.name.as_str())).or_default() += 1;
        }
        for &(p, f) in &plan.shells {
            l.hold(p, f);
        }
        l
    }

    fn hold(&mut self, p: PartitionId, f: FrameId) {
        let spec = &self.world.partition(p).spec;
        self.memory_gib[f.index()] += spec.memory_gib;
        self.cpus[f.index()] += spec.cpus;
    }

    /// A move of `p` to `to` now holds it there too (until it lands), and the virtual slots
    /// its adapters take.
    pub(super) fn place(&mut self, p: PartitionId, to: FrameId) {
        self.hold(p, to);
        if self.vio.borrow().counts_slots() {
            let mapping = self.vio_mapping(p, to, &[]);
            self.vio.borrow_mut().hold(self.world, to, &mapping);
        }
    }

    /// How `p`'s client adapters, where it runs now, map onto `to`'s VIOS.
    pub(super) fn vio_mapping(
        &self,
        p: PartitionId,
        to: FrameId,
        choices: &[MappingChoice],
    ) -> VioMapping {
        let adapters = adapters_now(self.world, self.moves, p);
        if adapters.is_empty() {
            return VioMapping::default();
        }
        let spec = &self.world.frame(to).spec;
        let vios = vios_of(spec);
        let taken = self
            .vio
            .borrow_mut()
            .taken(self.world, self.moves, &self.location, to);
        map_adapters(&adapters, &spec.name, &vios, &taken, choices)
    }

    /// Memory (GiB) and processors in use on a frame.
    pub(super) fn usage(&self, f: FrameId) -> (f64, f64) {
        (self.memory_gib[f.index()], self.cpus[f.index()])
    }

    fn movers(&self, f: FrameId) -> u32 {
        if self.failed[f.index()] {
            0
        } else {
            self.world.frame(f).working_movers()
        }
    }

    /// Why the partition is not running, if it is not: the engine's reason, or a frame the
    /// plan failed under it.
    fn down(&self, p: PartitionId) -> Option<String> {
        let part = self.world.partition(p);
        if let Some(why) = &part.down {
            return Some(why.clone());
        }
        let here = self.location[p.index()];
        (self.failed[here.index()] && !self.world.frame(here).failed && part.active)
            .then(|| format!("{} failed", self.world.frame_name(here)))
    }

    /// Every check of moving `pi` to frame `ti` on the movers `request` asks for.
    pub(super) fn validate(
        &self,
        pi: PartitionId,
        ti: FrameId,
        request: &MoverRequest,
    ) -> Validation {
        let world = self.world;
        let p = world.partition(pi);
        let here = self.location[pi.index()];
        let from = &world.frame(here).spec;
        let to = &world.frame(ti).spec;
        let name = &p.spec.name;
        let mut v = Validation {
            partition: name.clone(),
            from: from.name.clone(),
            to: to.name.clone(),
            checks: Vec::with_capacity(CHECKS.len()),
        };
        match (self.down(pi), &p.needs_recovery) {
            (Some(why), _) => v.check("state", false, format!("{name} is down: {why}")),
            (None, Some(why)) => v.check(
                "state",
                false,
                format!("{name} has a failed move to recover first (Recover): {why}"),
            ),
            (None, None) => {
                let state = match p.spec.state {
                    PartitionState::Running => "running",
                    PartitionState::NotActivated => "not activated",
                };
                v.check("state", true, format!("{name} is {state}"))
            }
        }
        let moving = p.active_move.map(|m| &self.moves[m.index()]);
        v.check(
            "not moving",
            moving.is_none(),
            match moving {
                Some(m) => format!(
                    "{name} is already moving to {} ({})",
                    world.frame_name(m.to),
                    m.life.phase.label()
                ),
                None => format!("{name} has no move in progress"),
            },
        );
        v.check(
            "different frame",
            ti != here,
            if ti == here {
                format!("{name} already runs on {}", to.name)
            } else {
                format!("from {} to {}", from.name, to.name)
            },
        );
        v.check(
            "no dedicated I/O",
            !p.spec.dedicated_io,
            if p.spec.dedicated_io {
                format!(
                    "{name} has dedicated I/O adapters; remove them (dynamic LPAR) before moving it"
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
                    "{name} runs in {} mode, which a {} frame ({}) does not support",
                    p.spec.compat, to.processor, to.name
                )
            },
        );
        let (mem_used, cpu_used) = self.usage(ti);
        let mem_free = to.memory_gib - mem_used;
        let cpu_free = to.cpus - cpu_used;
        let mem_ok = p.spec.memory_gib <= mem_free + 1e-9;
        v.check(
            "memory on target",
            mem_ok,
            if mem_ok {
                format!(
                    "needs {} GiB, {} has {} GiB free",
                    num(p.spec.memory_gib),
                    to.name,
                    num(mem_free)
                )
            } else {
                format!(
                    "{name} needs {} GiB of memory, {} has only {} GiB free",
                    num(p.spec.memory_gib),
                    to.name,
                    num(mem_free.max(0.0))
                )
            },
        );
        let cpu_ok = p.spec.cpus <= cpu_free + 1e-9;
        v.check(
            "processors on target",
            cpu_ok,
            if cpu_ok {
                format!(
                    "needs {} {}, {} has {} free",
                    num(p.spec.cpus),
                    if p.spec.cpus == 1.0 {
                        "processor"
                    } else {
                        "processors"
                    },
                    to.name,
                    num(cpu_free)
                )
            } else {
                format!(
                    "{name} needs {} {}, {} has only {} free",
                    num(p.spec.cpus),
                    if p.spec.cpus == 1.0 {
                        "processor"
                    } else {
                        "processors"
                    },
                    to.name,
                    num(cpu_free.max(0.0))
                )
            },
        );
        // A scenario without virtual I/O on either side keeps today's checks and messages
        // word for word (and costs nothing more); otherwise the adapters' mapping is judged.
        let legacy = p.spec.adapters.is_empty() && vios_derived(to);
        if legacy {
            self.legacy_network_checks(&mut v, &p.spec, to);
        } else {
            let vio = self.vio_mapping(pi, ti, &request.mappings);
            adapter_check(&mut v, &vio, "VLANs on target", false, &to.name);
            adapter_check(&mut v, &vio, "SANs on target", true, &to.name);
        }
        let same_name = self.names.get(&(ti, name.as_str())).copied().unwrap_or(0);
        let clash = same_name > u32::from(here == ti);
        v.check(
            "name free on target",
            !clash,
            if clash {
                format!("{} already has a partition named {name}", to.name)
            } else {
                format!("no partition named {name} on {}", to.name)
            },
        );
        v.check(
            "mover service partitions",
            self.movers_check(here, ti, request).is_ok(),
            match self.movers_check(here, ti, request) {
                Ok(()) => format!(
                    "{} on {}, {} on {}",
                    plural(self.movers(here) as usize, "MSP", "MSPs"),
                    from.name,
                    self.movers(ti),
                    to.name
                ),
                Err(why) => why,
            },
        );
        v
    }

    /// Movers on both frames for the move, as asked: at least one working on each side (the
    /// named one, if one is named), two for a move that requires redundant pairs.
    fn movers_check(
        &self,
        here: FrameId,
        ti: FrameId,
        request: &MoverRequest,
    ) -> Result<(), String> {
        let world = self.world;
        let none: Vec<String> = [here, ti]
            .iter()
            .filter(|&&f| self.movers(f) == 0)
            .map(|&f| {
                let name = world.frame_name(f);
                let state = world.frame(f).power_state();
                let power = world.frame(f).power_state();
                if self.failed[f.index()] {
                    format!("{name} (the frame is down)")
                } else if power != crate::spec::PowerState::Operating {
                    format!("{name} (the frame is {})", power.label())
                } else if state != crate::spec::PowerState::Operating {
                    format!("{name} (the frame is {}, not Operating)", state.label())
                } else if world.frame(f).movers_failed() {
                    format!("{name} (its movers failed)")
                } else {
                    name.to_string()
                }
            })
            .collect();
        if !none.is_empty() {
            return Err(format!(
                "no mover service partition on {}",
                none.join(" and ")
            ));
        }
        for (f, named) in [(here, request.source), (ti, request.target)] {
            if let Some(k) = named {
                let m = &world.frame(f).movers[k];
                if m.failed {
                    return Err(format!(
                        "mover {} of {} failed",
                        m.name,
                        world.frame_name(f)
                    ));
                }
            }
        }
        if request.redundant == Redundancy::Required {
            let short: Vec<&str> = [here, ti]
                .iter()
                .filter(|&&f| self.movers(f) < 2)
                .map(|&f| world.frame_name(f))
                .collect();
            if !short.is_empty() {
                return Err(format!(
                    "redundant mover pairs need two working movers on each frame; {} has fewer",
                    short.join(" and ")
                ));
            }
        }
        Ok(())
    }
}

impl Ledger<'_> {
    /// The VLAN and SAN checks of a scenario without virtual I/O: every VLAN of the partition
    /// bridged on the target, every SAN visible from it.
    fn legacy_network_checks(
        &self,
        v: &mut Validation,
        p: &crate::spec::PartitionSpec,
        to: &crate::spec::SystemSpec,
    ) {
        let missing_vlans: Vec<String> = p
            .vlans
            .iter()
            .filter(|v| !to.vlans.contains(v))
            .map(|v| v.to_string())
            .collect();
        v.check(
            "VLANs on target",
            missing_vlans.is_empty(),
            if missing_vlans.is_empty() {
                match p.vlans.len() {
                    0 => format!("no VLAN to bridge on {}", to.name),
                    1 => format!("its VLAN is bridged on {}", to.name),
                    n => format!("its {n} VLANs are bridged on {}", to.name),
                }
            } else {
                format!(
                    "VLAN {} not bridged on {}",
                    missing_vlans.join(", "),
                    to.name
                )
            },
        );
        let missing_sans: Vec<&str> = p
            .sans
            .iter()
            .filter(|s| !to.sans.contains(s))
            .map(|s| s.as_str())
            .collect();
        v.check(
            "SANs on target",
            missing_sans.is_empty(),
            if missing_sans.is_empty() {
                match p.sans.len() {
                    0 => format!("no SAN to reach from {}", to.name),
                    1 => format!("its SAN is visible from {}", to.name),
                    n => format!("its {n} SANs are visible from {}", to.name),
                }
            } else {
                format!(
                    "SAN {} not visible from {}",
                    missing_sans.join(", "),
                    to.name
                )
            },
        );
    }
}

/// The network (virtual Ethernet) or storage (virtual SCSI and FC) check from the mapping:
/// each adapter the target cannot host, named with its slot and the reason.
fn adapter_check(
    v: &mut Validation,
    vio: &VioMapping,
    name: &'static str,
    storage: bool,
    target: &str,
) {
    let problems: Vec<&AdapterMap> = vio.problems(storage);
    let of_kind = vio
        .adapters
        .iter()
        .filter(|m| m.adapter.kind.storage() == storage)
        .count();
    let detail = if problems.is_empty() {
        let what = if storage {
            "virtual SCSI/FC"
        } else {
            "virtual Ethernet"
        };
        format!(
            "{} can be hosted on {target}",
            plural(
                of_kind,
                &format!("{what} adapter"),
                &format!("{what} adapters")
            )
        )
    } else {
        problems
            .iter()
            .map(|m| {
                format!(
                    "{} ({}): {}",
                    m.adapter.label(),
                    m.adapter.needs(),
                    m.problem.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    v.check(name, problems.is_empty(), detail);
}
