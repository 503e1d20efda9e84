//! Virtual I/O of a move: each client adapter of the partition mapped onto a VIOS of the
//! target (DOMAIN.md section 8).
//!
//! The rules, in the order they are applied to each adapter (virtual SCSI, then virtual FC,
//! then virtual Ethernet, each in the scenario's order):
//!
//! 1. An operator's choice (`migrlpar -i virtual_fc_mappings=...`) is taken as given, and
//!    refused with the reason when that VIOS cannot host the adapter.
//! 2. Otherwise a VIOS that can host it: zoned to its fabric (virtual FC, and virtual SCSI
//!    whose disks are on a SAN), bridging all its VLANs (virtual Ethernet), with a virtual
//!    slot free (storage adapters a scenario gives). Of those, first one that no other adapter
//!    of its redundancy group (same kind, same fabric) has been mapped to, then the VIOS of the
//!    same name as on the source, then the least used by this move, then the first.
//! 3. The server slot is kept when it is free on that VIOS, else the next free one above it
//!    (wrapping round to the lowest).
//! 4. Redundancy: a group served by two (or more) VIOS on the source must be served by as many
//!    on the target; otherwise each of its adapters is refused ("redundancy lost"), unless the
//!    operator mapped one of them by hand.
//!
//! The mapping is pure (`map_adapters`); the engine side (which adapters a partition has where
//! it runs now, and which slots the target's VIOS have taken) is in `Occupancy`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Engine;
use super::ids::{FrameId, PartitionId};
use super::moves::{Move, Phase};
use super::outcome::{Reason, Refused};
use super::world::World;
use crate::spec::vio::{
    Adapter, AdapterKind, FIRST_SLOT, MappingChoice, ViosSpec, adapters_of, vios_derived, vios_of,
};

/// Where one client adapter goes on the target, or why it cannot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdapterMap {
    /// The adapter as it is on the source.
    pub adapter: Adapter,
    /// The target VIOS and its server slot (none for Ethernet and derived adapters).
    pub target: Option<(String, Option<u32>)>,
    /// The operator chose the VIOS (`-i`).
    pub overridden: bool,
    /// Why the target cannot host it.
    pub problem: Option<String>,
}

impl AdapterMap {
    /// The slot on the target VIOS differs from the one on the source.
    pub fn slot_moved(&self) -> bool {
        matches!((&self.target, self.adapter.vios_slot), (Some((_, Some(t))), Some(s)) if *t != s)
    }
}

/// Every client adapter of a move, mapped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VioMapping {
    pub adapters: Vec<AdapterMap>,
}

impl VioMapping {
    /// Every adapter was derived from `vlans` / `sans` (nothing a scenario gave).
    pub fn derived(&self) -> bool {
        self.adapters.iter().all(|m| m.adapter.derived)
    }

    /// The adapters of storage (`true`) or network (`false`) kinds that cannot be hosted.
    pub fn problems(&self, storage: bool) -> Vec<&AdapterMap> {
        self.adapters
            .iter()
            .filter(|m| m.adapter.kind.storage() == storage && m.problem.is_some())
            .collect()
    }

    /// The mapped adapters on the target, as they will be there.
    pub fn landed(&self) -> Vec<Adapter> {
        self.adapters
            .iter()
            .filter_map(|m| {
                let (vios, slot) = m.target.clone()?;
                Some(Adapter {
                    vios,
                    vios_slot: slot,
                    ..m.adapter.clone()
                })
            })
            .collect()
    }
}

/// The redundancy group of an adapter: storage adapters of one kind and fabric are paths to
/// the same disks (MPIO); Ethernet adapters have none (SEA failover is the VIOS' own).
fn group(a: &Adapter) -> Option<(AdapterKind, Option<&str>)> {
    a.kind.storage().then_some((a.kind, a.fabric.as_deref()))
}

fn hosts(v: &ViosSpec, a: &Adapter) -> bool {
    match a.kind {
        AdapterKind::Veth => a.vlans.iter().all(|x| v.vlans.contains(x)),
        _ => a.fabric.as_ref().is_none_or(|f| v.sans.contains(f)),
    }
}

/// The server slot for `a` on `v`: none needed (`Some(None)`), the one wanted if free, the
/// next free above it, wrapping; `None` when every slot is taken.
fn pick_slot(want: Option<u32>, v: &ViosSpec, taken: &BTreeSet<u32>) -> Option<Option<u32>> {
    let Some(want) = want else {
        return Some(None);
    };
    let free = |s: &u32| v.slot_usable(*s) && !taken.contains(s);
    if free(&want) {
        return Some(Some(want));
    }
    let top = v.max_slots;
    (want.saturating_add(1)..top)
        .chain(FIRST_SLOT..want.min(top))
        .find(free)
        .map(Some)
}

fn why_not(v: &ViosSpec, a: &Adapter) -> String {
    match a.kind {
        AdapterKind::Veth => {
            let missing: Vec<String> = a
                .vlans
                .iter()
                .filter(|x| !v.vlans.contains(x))
                .map(u32::to_string)
                .collect();
            format!("{} does not bridge VLAN {}", v.name, missing.join(", "))
        }
        _ => format!(
            "{} is not zoned to fabric {}",
            v.name,
            a.fabric.as_deref().unwrap_or("")
        ),
    }
}

/// Maps `adapters` (as on the source) onto the VIOS of the target frame `target`, whose
/// slots `taken` (one set per VIOS) are in use, honouring the operator's `choices`.
pub fn map_adapters(
    adapters: &[Adapter],
    target: &str,
    vios: &[ViosSpec],
    taken: &[BTreeSet<u32>],
    choices: &[MappingChoice],
) -> VioMapping {
    let mut taken: Vec<BTreeSet<u32>> = (0..vios.len())
        .map(|k| taken.get(k).cloned().unwrap_or_default())
        .collect();
    let mut load = vec![0usize; vios.len()];
    let mut maps: Vec<AdapterMap> = Vec::with_capacity(adapters.len());
    let mut chosen: Vec<Option<usize>> = Vec::with_capacity(adapters.len());
    for a in adapters {
        let mut m = AdapterMap {
            adapter: a.clone(),
            target: None,
            overridden: false,
            problem: None,
        };
        let mut pick = None;
        if let Some(c) = choices
            .iter()
            .find(|c| c.kind == a.kind && c.slot == a.slot)
        {
            m.overridden = true;
            match vios.iter().position(|v| v.name == c.vios) {
                None => {
                    m.problem = Some(format!("-i maps it to {}, not a VIOS of {target}", c.vios))
                }
                Some(k) if !hosts(&vios[k], a) => {
                    m.problem = Some(format!(
                        "-i maps it to {} on {target}, which {}",
                        c.vios,
                        why_not(&vios[k], a).split_once(' ').map_or("", |x| x.1)
                    ))
                }
                Some(k) => match pick_slot(c.vios_slot.or(a.vios_slot), &vios[k], &taken[k]) {
                    Some(slot) => pick = Some((k, slot)),
                    None => {
                        m.problem = Some(format!("{} on {target} has no free virtual slot", c.vios))
                    }
                },
            }
        } else {
            let in_group = |k: usize| {
                maps.iter().zip(&chosen).any(|(o, c)| {
                    *c == Some(k) && group(&o.adapter).is_some() && group(&o.adapter) == group(a)
                })
            };
            let best = (0..vios.len())
                .filter(|&k| hosts(&vios[k], a))
                .filter_map(|k| pick_slot(a.vios_slot, &vios[k], &taken[k]).map(|s| (k, s)))
                .min_by_key(|&(k, _)| (in_group(k), vios[k].name != a.vios, load[k], k));
            match best {
                Some(p) => pick = Some(p),
                None if vios.is_empty() => m.problem = Some(format!("{target} has no VIOS")),
                None if vios.iter().any(|v| hosts(v, a)) => {
                    m.problem = Some(format!(
                        "no VIOS on {target} that can host it has a free virtual slot"
                    ))
                }
                None => {
                    m.problem = Some(match a.kind {
                        AdapterKind::Veth => format!("no VIOS on {target} bridges {}", a.needs()),
                        _ => format!("no VIOS on {target} is zoned to {}", a.needs()),
                    })
                }
            }
        }
        if let Some((k, slot)) = pick {
            load[k] += 1;
            if let Some(s) = slot {
                taken[k].insert(s);
            }
            m.target = Some((vios[k].name.clone(), slot));
        }
        chosen.push(pick.map(|(k, _)| k));
        maps.push(m);
    }
    keep_redundancy(&mut maps, target);
    VioMapping { adapters: maps }
}

/// Refuses each adapter of a group that the target would serve through fewer VIOS than the
/// source does, unless the operator mapped one of the group by hand.
fn keep_redundancy(maps: &mut [AdapterMap], target: &str) {
    let mut groups: Vec<(AdapterKind, Option<String>)> = Vec::new();
    for m in maps.iter() {
        if let Some((k, f)) = group(&m.adapter) {
            let g = (k, f.map(str::to_string));
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    for (kind, fabric) in groups {
        let member = |m: &AdapterMap| m.adapter.kind == kind && m.adapter.fabric == fabric;
        let members: Vec<&AdapterMap> = maps.iter().filter(|m| member(m)).collect();
        let source: BTreeSet<&str> = members.iter().map(|m| m.adapter.vios.as_str()).collect();
        let dest: BTreeSet<&str> = members
            .iter()
            .filter_map(|m| m.target.as_ref().map(|t| t.0.as_str()))
            .collect();
        let all_mapped = members.iter().all(|m| m.target.is_some());
        if source.len() < 2 || dest.len() >= source.len() || !all_mapped {
            continue;
        }
        if members.iter().any(|m| m.overridden) {
            continue;
        }
        let slots: Vec<String> = members.iter().map(|m| m.adapter.slot.to_string()).collect();
        let why = format!(
            "redundancy lost: slots {} are served by {} VIOS on the source ({}), {target} can \
             serve them through only {} ({})",
            slots.join(", "),
            source.len(),
            source.iter().copied().collect::<Vec<_>>().join(", "),
            dest.len(),
            dest.iter().copied().collect::<Vec<_>>().join(", ")
        );
        for m in maps.iter_mut().filter(|m| member(m)) {
            m.problem = Some(why.clone());
        }
    }
}

/// What the validation ledger knows of virtual I/O: whether any of it is given (else every
/// adapter is derived and takes no slot), where each partition's adapters are now, and the
/// slots taken on each frame's VIOS (built for a frame when first asked).
pub(super) struct Occupancy {
    /// Some frame or partition gives virtual I/O.
    explicit: bool,
    /// Per frame, per VIOS, the slots taken; `None` until asked.
    taken: Vec<Option<Vec<BTreeSet<u32>>>>,
}

impl Occupancy {
    pub(super) fn new(world: &World) -> Occupancy {
        let explicit = world.frames.iter().any(|f| !vios_derived(&f.spec))
            || world.partitions.iter().any(|p| !p.spec.adapters.is_empty());
        Occupancy {
            explicit,
            taken: vec![None; world.frames.len()],
        }
    }

    /// Whether any adapter takes a numbered slot (else there is nothing to count).
    pub(super) fn counts_slots(&self) -> bool {
        self.explicit
    }

    /// The slots taken on frame `f`'s VIOS (empty sets when nothing takes slots).
    pub(super) fn taken(
        &mut self,
        world: &World,
        moves: &[Move],
        location: &[FrameId],
        f: FrameId,
    ) -> Vec<BTreeSet<u32>> {
        let vios = vios_of(&world.frame(f).spec);
        if !self.explicit {
            return vec![BTreeSet::new(); vios.len()];
        }
        if let Some(t) = &self.taken[f.index()] {
            return t.clone();
        }
        let mut sets = vec![BTreeSet::new(); vios.len()];
        let add = |a: &Adapter, sets: &mut Vec<BTreeSet<u32>>| {
            if let (Some(k), Some(s)) = (vios.iter().position(|v| v.name == a.vios), a.vios_slot) {
                sets[k].insert(s);
            }
        };
        let mut resumed: Vec<Option<&Move>> = vec![None; world.partitions.len()];
        for m in moves {
            if resumed_on_target(m) {
                resumed[m.partition.index()] = Some(m);
            }
        }
        for (i, r) in resumed.iter().enumerate() {
            if location[i] != f {
                continue;
            }
            let here = match r {
                Some(m) => m.vio.landed(),
                None => home_adapters(world, PartitionId::new(i)),
            };
            for a in &here {
                add(a, &mut sets);
            }
        }
        for m in moves {
            if m.to == f && m.life.phase.in_flight() && m.life.phase != Phase::Pulling {
                for a in m.vio.landed() {
                    add(&a, &mut sets);
                }
            }
        }
        self.taken[f.index()] = Some(sets.clone());
        sets
    }

    /// A move with `mapping` to `f` now holds its slots there (when they are counted).
    pub(super) fn hold(&mut self, world: &World, f: FrameId, mapping: &VioMapping) {
        let Some(Some(sets)) = self.taken.get_mut(f.index()) else {
            return;
        };
        let vios = vios_of(&world.frame(f).spec);
        for a in mapping.landed() {
            if let (Some(k), Some(s)) = (vios.iter().position(|v| v.name == a.vios), a.vios_slot) {
                sets[k].insert(s);
            }
        }
    }
}

/// A partition's client adapters where it runs now: as its last move that resumed on its
/// target mapped them, else as at home.
pub(super) fn adapters_now(world: &World, moves: &[Move], p: PartitionId) -> Vec<Adapter> {
    let resumed = moves
        .iter()
        .rev()
        .find(|m| m.partition == p && resumed_on_target(m));
    if let Some(m) = resumed {
        return m.vio.landed();
    }
    home_adapters(world, p)
}

/// The move put the partition on its target: it resumed there (and completed, is pulling, or
/// failed in the pull phase, the partition lost there).
fn resumed_on_target(m: &Move) -> bool {
    matches!(m.life.phase, Phase::Completed | Phase::Pulling)
        || (m.life.phase == Phase::Failed && m.entered_ns(Phase::Pulling).is_some())
}

/// A partition's client adapters on the frame its scenario puts it on.
pub(super) fn home_adapters(world: &World, p: PartitionId) -> Vec<Adapter> {
    let spec = &world.partition(p).spec;
    let home = world
        .frames
        .iter()
        .find(|f| f.spec.name == spec.system)
        .map(|f| &f.spec);
    match home {
        Some(h) => adapters_of(spec, h, p.index()),
        None => Vec::new(),
    }
}

/// Whether VIOS `v` can host adapter `a` (zoned to its fabric, bridging its VLANs), slots
/// aside: `lslparmigr -r virtualio`'s possible mappings.
pub fn can_host(v: &ViosSpec, a: &Adapter) -> bool {
    hosts(v, a)
}

impl Engine {
    /// The VIOS of frame `f`: as its scenario gives them, or derived (`spec::vio`).
    pub fn vios(&self, f: FrameId) -> Vec<ViosSpec> {
        vios_of(&self.world.frame(f).spec)
    }

    /// Partition `p`'s client adapters where it runs now.
    pub fn adapters(&self, p: PartitionId) -> Vec<Adapter> {
        adapters_now(&self.world, &self.moves, p)
    }

    /// How a move of `p` to `to` would map its client adapters now, with the operator's
    /// `choices` (`lslparmigr -r virtualio`; the mapping a move keeps is made the same way).
    pub fn virtual_io(&self, p: PartitionId, to: FrameId, choices: &[MappingChoice]) -> VioMapping {
        // As the validation ledger maps it, without building the ledger: a move starts in an
        // evacuation of thousands, and only slots need the estate.
        let adapters = adapters_now(&self.world, &self.moves, p);
        if adapters.is_empty() {
            return VioMapping::default();
        }
        let spec = &self.world.frame(to).spec;
        let vios = vios_of(spec);
        let mut slots = Occupancy::new(&self.world);
        let taken = if slots.counts_slots() {
            let location: Vec<FrameId> = self.world.partitions.iter().map(|x| x.frame).collect();
            slots.taken(&self.world, &self.moves, &location, to)
        } else {
            vec![BTreeSet::new(); vios.len()]
        };
        map_adapters(&adapters, &spec.name, &vios, &taken, choices)
    }

    /// The mapping a move starting now keeps.
    pub(super) fn map_virtual_io(
        &self,
        p: PartitionId,
        to: FrameId,
        choices: &[MappingChoice],
    ) -> VioMapping {
        self.virtual_io(p, to, choices)
    }

    /// The operator's choices, checked against the partition's adapters and the target's
    /// VIOS: each names an adapter the partition has, once, and a VIOS of the target.
    pub(super) fn resolve_mappings(
        &self,
        p: PartitionId,
        to: FrameId,
        choices: &[MappingChoice],
    ) -> Result<Vec<MappingChoice>, Refused> {
        if choices.is_empty() {
            return Ok(Vec::new());
        }
        let name = &self.world.partition(p).spec.name;
        let adapters = self.adapters(p);
        let vios = self.vios(to);
        for (i, c) in choices.iter().enumerate() {
            if !adapters
                .iter()
                .any(|a| a.kind == c.kind && a.slot == c.slot)
            {
                return Err(Refused::unknown(format!(
                    "{name} has no {} adapter in slot {}",
                    c.kind.label(),
                    c.slot
                )));
            }
            if choices[..i]
                .iter()
                .any(|o| o.kind == c.kind && o.slot == c.slot)
            {
                return Err(Refused::new(
                    Reason::OutOfRange,
                    format!(
                        "the {} adapter in slot {} of {name} is mapped twice",
                        c.kind.label(),
                        c.slot
                    ),
                ));
            }
            if !vios.iter().any(|v| v.name == c.vios) {
                let names: Vec<&str> = vios.iter().map(|v| v.name.as_str()).collect();
                return Err(Refused::unknown(format!(
                    "no VIOS named {:?} on {} (its VIOS are {})",
                    c.vios,
                    self.world.frame_name(to),
                    names.join(", ")
                )));
            }
        }
        Ok(choices.to_vec())
    }
}
