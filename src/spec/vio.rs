//! Virtual I/O as a scenario gives it: the Virtual I/O Servers (VIOS) of each frame, and the
//! client adapters of each partition that they serve (DOMAIN.md section 8).
//!
//! Everything is optional. A scenario that gives none keeps today's model, and lpm derives
//! the rest from `vlans` and `sans` (see [`vios_of`] and [`adapters_of`]):
//!
//! - a frame without `vios` has one VIOS per mover service partition (`vios1`, `vios2`...,
//!   at least one), each bridging every VLAN of the frame's `vlans` and zoned to every SAN of
//!   its `sans`, with no limit on virtual slots;
//! - a partition without `adapters` has one client virtual Ethernet adapter per VLAN of its
//!   `vlans`, in slots 2, 3..., then one client virtual Fibre Channel adapter per SAN of its
//!   `sans` in the slots after them, each zoned to that SAN, served in turn by its frame's
//!   VIOS, with a WWPN pair made from the partition's position; no virtual SCSI adapter.
//!
//! Derived adapters take no numbered slot on a VIOS (today's model has none), so a scenario
//! without virtual I/O validates exactly as before: a derived adapter can be hosted exactly
//! when its VLAN is bridged, or its SAN seen, on the target.

use serde::{Deserialize, Serialize};

use super::{PartitionSpec, SystemSpec};

/// Virtual slots of a VIOS given in a scenario without `max_slots` (lpm's choice: the HMC's
/// profile attribute `max_virtual_slots` has no fixed default).
pub const DEFAULT_MAX_SLOTS: u32 = 1000;

/// The first slot a client or server adapter may use (slots 0 and 1 are the partition's
/// virtual serial adapters).
pub const FIRST_SLOT: u32 = 2;

/// A Virtual I/O Server partition of a frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViosSpec {
    pub name: String,
    /// Its partition id on the HMC (? derived: after the client partitions').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The VLANs its shared Ethernet adapters bridge.
    #[serde(default)]
    pub vlans: Vec<u32>,
    /// The SAN fabrics its physical Fibre Channel ports are zoned to.
    #[serde(default)]
    pub sans: Vec<String>,
    /// Virtual slots it has (`max_virtual_slots`), slots 0 to `max_slots - 1`.
    #[serde(default = "default_max_slots")]
    pub max_slots: u32,
    /// Slots taken by adapters lpm does not model (other clients, its own trunks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub used_slots: Vec<u32>,
}

fn default_max_slots() -> u32 {
    DEFAULT_MAX_SLOTS
}

impl ViosSpec {
    /// Whether slot `s` exists on it and is not taken by an adapter lpm does not model.
    pub fn slot_usable(&self, s: u32) -> bool {
        (FIRST_SLOT..self.max_slots).contains(&s) && !self.used_slots.contains(&s)
    }
}

/// A client virtual SCSI adapter: disks a VIOS serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VscsiSpec {
    /// Its slot in the client partition.
    pub slot: u32,
    /// The VIOS (on the partition's frame) that serves it.
    pub vios: String,
    /// The server adapter's slot on that VIOS (? the client slot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vios_slot: Option<u32>,
    /// The SAN fabric its disks are on, when the VIOS serves LUNs (? none: any VIOS can
    /// serve them, as with shared storage pools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fabric: Option<String>,
}

/// A client virtual Fibre Channel (NPIV) adapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VfcSpec {
    pub slot: u32,
    pub vios: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vios_slot: Option<u32>,
    /// The SAN fabric it logs in to: the target VIOS must be zoned to it.
    pub fabric: String,
    /// Its WWPN pair (16 hex digits each; ? derived from the partition and slot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wwpns: Option<(String, String)>,
}

/// A client virtual Ethernet adapter: the target must bridge its VLANs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VethSpec {
    pub slot: u32,
    pub vlans: Vec<u32>,
}

/// A partition's client adapters, as a scenario gives them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdaptersSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vscsi: Vec<VscsiSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vfc: Vec<VfcSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub veth: Vec<VethSpec>,
}

impl AdaptersSpec {
    pub fn is_empty(&self) -> bool {
        self.vscsi.is_empty() && self.vfc.is_empty() && self.veth.is_empty()
    }
}

/// The kind of a client adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AdapterKind {
    Vscsi,
    Vfc,
    Veth,
}

impl AdapterKind {
    /// As messages name it.
    pub fn label(self) -> &'static str {
        match self {
            AdapterKind::Vscsi => "virtual SCSI",
            AdapterKind::Vfc => "virtual FC",
            AdapterKind::Veth => "virtual Ethernet",
        }
    }

    /// Storage adapters take a server slot on a VIOS; Ethernet ones are bridged by one.
    pub fn storage(self) -> bool {
        self != AdapterKind::Veth
    }
}

/// One client adapter as the engine maps it: given or derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adapter {
    pub kind: AdapterKind,
    /// Its slot in the client partition (a move keeps it: it is the partition's own).
    pub slot: u32,
    /// The VIOS that serves (storage) or bridges (Ethernet) it.
    pub vios: String,
    /// The server adapter's slot on that VIOS (storage adapters a scenario gives); none for
    /// Ethernet and for derived adapters.
    pub vios_slot: Option<u32>,
    /// The SAN fabric it needs (virtual FC; virtual SCSI when given).
    pub fabric: Option<String>,
    /// The VLANs it needs bridged (virtual Ethernet).
    pub vlans: Vec<u32>,
    pub wwpns: Option<(String, String)>,
    /// Derived from `vlans` / `sans` rather than given.
    pub derived: bool,
}

impl Adapter {
    /// `virtual FC adapter in slot 11` (fabric or VLANs added by callers that need them).
    pub fn label(&self) -> String {
        format!("{} adapter in slot {}", self.kind.label(), self.slot)
    }

    /// What it needs of the target, for messages: `fabric fab-a`, `VLAN 10, 20`.
    pub fn needs(&self) -> String {
        match (&self.fabric, self.kind) {
            (_, AdapterKind::Veth) => format!(
                "VLAN {}",
                self.vlans
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (Some(f), _) => format!("fabric {f}"),
            (None, _) => "no fabric".to_string(),
        }
    }
}

/// The VIOS of a frame: as given, or derived (one per mover, bridging and zoned to all the
/// frame's VLANs and SANs, with slots beyond any adapter count).
pub fn vios_of(s: &SystemSpec) -> Vec<ViosSpec> {
    if !s.vios.is_empty() {
        return s.vios.clone();
    }
    (1..=s.msps.max(1))
        .map(|k| ViosSpec {
            name: format!("vios{k}"),
            id: None,
            vlans: s.vlans.clone(),
            sans: s.sans.clone(),
            max_slots: u32::MAX,
            used_slots: Vec::new(),
        })
        .collect()
}

/// Whether a frame's VIOS are derived from its `vlans` and `sans`.
pub fn vios_derived(s: &SystemSpec) -> bool {
    s.vios.is_empty()
}

/// A partition's client adapters at home (on its scenario frame `home`; `index` is its
/// position in the scenario, for derived WWPNs): as given, or derived.
pub fn adapters_of(p: &PartitionSpec, home: &SystemSpec, index: usize) -> Vec<Adapter> {
    let a = &p.adapters;
    if a.is_empty() {
        return derived_adapters(p, home, index);
    }
    let mut out = Vec::with_capacity(a.vscsi.len() + a.vfc.len() + a.veth.len());
    for v in &a.vscsi {
        out.push(Adapter {
            kind: AdapterKind::Vscsi,
            slot: v.slot,
            vios: v.vios.clone(),
            vios_slot: Some(v.vios_slot.unwrap_or(v.slot)),
            fabric: v.fabric.clone(),
            vlans: Vec::new(),
            wwpns: None,
            derived: false,
        });
    }
    for v in &a.vfc {
        out.push(Adapter {
            kind: AdapterKind::Vfc,
            slot: v.slot,
            vios: v.vios.clone(),
            vios_slot: Some(v.vios_slot.unwrap_or(v.slot)),
            fabric: Some(v.fabric.clone()),
            vlans: Vec::new(),
            wwpns: Some(v.wwpns.clone().unwrap_or_else(|| wwpns(index, v.slot))),
            derived: false,
        });
    }
    let vios = vios_of(home);
    for v in &a.veth {
        // The VIOS that bridges it at home: the first that bridges all its VLANs.
        let bridge = vios
            .iter()
            .find(|s| v.vlans.iter().all(|x| s.vlans.contains(x)))
            .or(vios.first())
            .map_or_else(String::new, |s| s.name.clone());
        out.push(Adapter {
            kind: AdapterKind::Veth,
            slot: v.slot,
            vios: bridge,
            vios_slot: None,
            fabric: None,
            vlans: v.vlans.clone(),
            wwpns: None,
            derived: false,
        });
    }
    out
}

fn derived_adapters(p: &PartitionSpec, home: &SystemSpec, index: usize) -> Vec<Adapter> {
    let vios = vios_of(home);
    let name = |k: usize| vios[k % vios.len()].name.clone();
    let mut out = Vec::with_capacity(p.vlans.len() + p.sans.len());
    let mut slot = FIRST_SLOT;
    for &v in &p.vlans {
        out.push(Adapter {
            kind: AdapterKind::Veth,
            slot,
            vios: name(0),
            vios_slot: None,
            fabric: None,
            vlans: vec![v],
            wwpns: None,
            derived: true,
        });
        slot = slot.saturating_add(1);
    }
    for (k, san) in p.sans.iter().enumerate() {
        out.push(Adapter {
            kind: AdapterKind::Vfc,
            slot,
            vios: name(k),
            vios_slot: None,
            fabric: Some(san.clone()),
            vlans: Vec::new(),
            wwpns: Some(wwpns(index, slot)),
            derived: true,
        });
        slot = slot.saturating_add(1);
    }
    out
}

/// A WWPN pair for a partition's adapter: IBM's prefix `c05076`, then the partition and the
/// slot; the second of the pair (used by a move) one above the first.
pub fn wwpns(index: usize, slot: u32) -> (String, String) {
    let base = ((index as u64 & 0xff_ffff) << 16 | (slot as u64 & 0x7fff) << 1) & 0xff_ffff_ffff;
    (
        format!("c05076{base:010x}"),
        format!("c05076{:010x}", base | 1),
    )
}

/// An operator's choice of target VIOS for one client adapter (`migrlpar -i
/// virtual_scsi_mappings=...`, `virtual_fc_mappings=...`, `vlan_mappings=...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingChoice {
    pub kind: AdapterKind,
    /// The client slot of the adapter.
    pub slot: u32,
    /// The target VIOS, by name.
    pub vios: String,
    /// The server slot wanted on it (? the adapter's own, or the next free).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vios_slot: Option<u32>,
}
