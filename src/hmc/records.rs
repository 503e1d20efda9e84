//! The objects the listing commands print, built from a [`View`] of the estate.
//!
//! Attribute names are the HMC's (IBM man pages of lssyscfg, lshwres and lslparmigr; the
//! ibm.power_hmc collection's attribute tables; IBM Redbook SG24-7460 for lslparmigr). What
//! the engine does not model is derived; each derivation is lpm's own and listed under "Not
//! public" in the docs of `hmc` (`mod.rs`).

use super::estate::{Activation, AdapterRow, Frame, Lpar, MovePhase, View};
use super::format::{Record, Table, mb, units};
use crate::spec::Processor;
use crate::spec::vio::AdapterKind;

/// The id of a partition.
pub fn lpar_id(l: &Lpar) -> u32 {
    (l.index as u32).saturating_add(1)
}

/// The mover service partitions of a frame: (the engine's name, lpar id). Ids follow the
/// client partitions' so that they never collide.
pub fn msps(view: &View, frame: usize) -> Vec<(String, u32)> {
    let Some(f) = view.frames.get(frame) else {
        return Vec::new();
    };
    // Ids are per managed system, as on the HMC: after the clients' on every frame.
    let first = (view.lpars.len() as u32).saturating_add(1);
    f.movers
        .iter()
        .enumerate()
        .map(|(k, (name, _))| (name.clone(), first.saturating_add(k as u32)))
        .collect()
}

/// Whether the frame can take part in a move now (its movers and the frame are up).
pub fn movers_up(f: &Frame) -> bool {
    f.msps > 0 && !f.failed && !f.msps_failed
}

pub fn type_model(p: Processor) -> &'static str {
    match p {
        Processor::Power6 | Processor::Power6Plus => "9117-MMA",
        Processor::Power7 => "8231-E2B",
        Processor::Power8 => "8286-42A",
        Processor::Power9 => "9009-42A",
        Processor::Power10 => "9105-42A",
    }
}

pub fn serial_num(frame: usize) -> String {
    format!("21{:05}", frame + 1)
}

/// `tttt-mmm*sssssss`: the other way the HMC names a managed system.
pub fn mtms(view: &View, frame: usize) -> String {
    let f = &view.frames[frame];
    format!("{}*{}", type_model(f.processor), serial_num(frame))
}

/// The HMC's spelling of a compatibility mode.
fn compat_mode(p: Processor) -> &'static str {
    p.label()
}

/// Whether partition `l` shows on `frame`: it runs there, or a move in flight involves it.
pub fn listed_on(l: &Lpar, frame: usize) -> bool {
    l.frame == frame || l.moving().is_some_and(|m| m.from == frame || m.to == frame)
}

/// The partition state as the HMC names it.
pub fn lpar_state(l: &Lpar) -> &'static str {
    let migrating = l.moving().is_some() || l.needs_recovery;
    match (l.activation, migrating) {
        (Activation::Down, _) => "Error",
        (Activation::Running, false) => "Running",
        (Activation::NotActivated, false) => "Not Activated",
        (Activation::Running, true) => "Migrating - Running",
        (Activation::NotActivated, true) => "Migrating - Not Activated",
    }
}

pub fn sys_state(f: &Frame) -> &'static str {
    if f.failed { "Error" } else { f.power.label() }
}

// ----- lssyscfg -----

pub const SYS_ATTRS: &[&str] = &[
    "name",
    "type_model",
    "serial_num",
    "state",
    "detailed_state",
    "active_lpar_mobility_capable",
    "inactive_lpar_mobility_capable",
    "lpar_proc_compat_modes",
];

pub fn sys_record(view: &View, frame: usize) -> Record {
    let f = &view.frames[frame];
    let modes: Vec<&str> = std::iter::once("default")
        .chain(
            Processor::ALL
                .into_iter()
                .filter(|m| f.processor.supports(*m))
                .map(compat_mode),
        )
        .collect();
    vec![
        ("name", f.name.clone()),
        ("type_model", type_model(f.processor).to_string()),
        ("serial_num", serial_num(frame)),
        ("state", sys_state(f).to_string()),
        ("detailed_state", "None".to_string()),
        ("active_lpar_mobility_capable", "1".to_string()),
        ("inactive_lpar_mobility_capable", "1".to_string()),
        ("lpar_proc_compat_modes", modes.join(",")),
    ]
}

pub const LPAR_ATTRS: &[&str] = &[
    "name",
    "lpar_id",
    "lpar_env",
    "state",
    "resource_config",
    "rmc_state",
    "desired_lpar_proc_compat_mode",
    "curr_lpar_proc_compat_mode",
    "migration_disabled",
];

pub fn lpar_record(l: &Lpar) -> Record {
    let running = l.activation == Activation::Running;
    vec![
        ("name", l.name.clone()),
        ("lpar_id", lpar_id(l).to_string()),
        ("lpar_env", "aixlinux".to_string()),
        ("state", lpar_state(l).to_string()),
        ("resource_config", "1".to_string()),
        (
            "rmc_state",
            if running { "active" } else { "inactive" }.to_string(),
        ),
        (
            "desired_lpar_proc_compat_mode",
            compat_mode(l.compat).to_string(),
        ),
        (
            "curr_lpar_proc_compat_mode",
            if running {
                compat_mode(l.compat)
            } else {
                "default"
            }
            .to_string(),
        ),
        ("migration_disabled", "0".to_string()),
    ]
}

// ----- lshwres -----

pub const MEM_SYS_ATTRS: &[&str] = &[
    "configurable_sys_mem",
    "curr_avail_sys_mem",
    "pend_avail_sys_mem",
    "installed_sys_mem",
    "deconfig_sys_mem",
    "sys_firmware_mem",
    "mem_region_size",
];

pub fn mem_sys_record(f: &Frame) -> Record {
    let avail = mb(f.memory_gib - f.memory_used_gib);
    vec![
        ("configurable_sys_mem", mb(f.memory_gib)),
        ("curr_avail_sys_mem", avail.clone()),
        ("pend_avail_sys_mem", avail),
        ("installed_sys_mem", mb(f.memory_gib)),
        ("deconfig_sys_mem", "0".to_string()),
        ("sys_firmware_mem", "0".to_string()),
        ("mem_region_size", "256".to_string()),
    ]
}

pub const MEM_LPAR_ATTRS: &[&str] = &[
    "lpar_name",
    "lpar_id",
    "curr_min_mem",
    "curr_mem",
    "curr_max_mem",
    "pend_min_mem",
    "pend_mem",
    "pend_max_mem",
    "run_min_mem",
    "run_mem",
];

pub fn mem_lpar_record(l: &Lpar) -> Record {
    let all = mb(l.memory_gib);
    // A partition not running holds its memory only in its profile (pending).
    let curr = if l.activation == Activation::Running {
        all.clone()
    } else {
        "0".to_string()
    };
    vec![
        ("lpar_name", l.name.clone()),
        ("lpar_id", lpar_id(l).to_string()),
        ("curr_min_mem", curr.clone()),
        ("curr_mem", curr.clone()),
        ("curr_max_mem", curr.clone()),
        ("pend_min_mem", all.clone()),
        ("pend_mem", all.clone()),
        ("pend_max_mem", all),
        ("run_min_mem", curr.clone()),
        ("run_mem", curr),
    ]
}

pub const PROC_SYS_ATTRS: &[&str] = &[
    "configurable_sys_proc_units",
    "curr_avail_sys_proc_units",
    "pend_avail_sys_proc_units",
    "installed_sys_proc_units",
    "deconfig_sys_proc_units",
    "min_proc_units_per_virtual_proc",
    "max_shared_proc_pools",
];

pub fn proc_sys_record(f: &Frame) -> Record {
    let avail = units((f.cpus - f.cpus_used).max(0.0));
    vec![
        ("configurable_sys_proc_units", units(f.cpus)),
        ("curr_avail_sys_proc_units", avail.clone()),
        ("pend_avail_sys_proc_units", avail),
        ("installed_sys_proc_units", units(f.cpus)),
        ("deconfig_sys_proc_units", "0".to_string()),
        ("min_proc_units_per_virtual_proc", "0.05".to_string()),
        ("max_shared_proc_pools", "64".to_string()),
    ]
}

pub const PROC_LPAR_ATTRS: &[&str] = &[
    "lpar_name",
    "lpar_id",
    "curr_shared_proc_pool_id",
    "curr_shared_proc_pool_name",
    "curr_proc_mode",
    "curr_min_proc_units",
    "curr_proc_units",
    "curr_max_proc_units",
    "curr_min_procs",
    "curr_procs",
    "curr_max_procs",
    "curr_sharing_mode",
    "curr_uncap_weight",
    "pend_proc_units",
    "pend_procs",
    "run_proc_units",
    "run_procs",
];

/// The one shared processor pool every frame has (the engine has no pools).
pub const DEFAULT_POOL: (&str, u32) = ("DefaultPool", 0);

pub fn proc_lpar_record(l: &Lpar) -> Record {
    let running = l.activation == Activation::Running;
    let pu = units(l.cpus);
    // Virtual processors: enough to hold the entitlement.
    let procs = (l.cpus.max(0.0).ceil() as u64).max(1).to_string();
    let (curr_pu, curr_procs) = if running {
        (pu.clone(), procs.clone())
    } else {
        ("0.0".to_string(), "0".to_string())
    };
    vec![
        ("lpar_name", l.name.clone()),
        ("lpar_id", lpar_id(l).to_string()),
        ("curr_shared_proc_pool_id", DEFAULT_POOL.1.to_string()),
        ("curr_shared_proc_pool_name", DEFAULT_POOL.0.to_string()),
        ("curr_proc_mode", "shared".to_string()),
        ("curr_min_proc_units", curr_pu.clone()),
        ("curr_proc_units", curr_pu.clone()),
        ("curr_max_proc_units", curr_pu.clone()),
        ("curr_min_procs", curr_procs.clone()),
        ("curr_procs", curr_procs.clone()),
        ("curr_max_procs", curr_procs.clone()),
        ("curr_sharing_mode", "uncap".to_string()),
        ("curr_uncap_weight", "128".to_string()),
        ("pend_proc_units", pu),
        ("pend_procs", procs),
        ("run_proc_units", curr_pu),
        ("run_procs", curr_procs),
    ]
}

// ----- lslparmigr -----

pub const MIGR_SYS_ATTRS: &[&str] = &[
    "inactive_lpar_mobility_capable",
    "num_inactive_migrations_supported",
    "num_inactive_migrations_in_progress",
    "active_lpar_mobility_capable",
    "num_active_migrations_supported",
    "num_active_migrations_in_progress",
];

pub fn migr_sys_record(view: &View, frame: usize) -> Record {
    let f = &view.frames[frame];
    let supported = if movers_up(f) { f.msp_slots } else { 0 };
    let (mut active, mut inactive) = (0u32, 0u32);
    for l in &view.lpars {
        if let Some(m) = l.moving()
            && (m.from == frame || m.to == frame)
            && m.phase != MovePhase::Queued
        {
            if m.inactive {
                inactive += 1;
            } else {
                active += 1;
            }
        }
    }
    vec![
        ("inactive_lpar_mobility_capable", "1".to_string()),
        ("num_inactive_migrations_supported", supported.to_string()),
        ("num_inactive_migrations_in_progress", inactive.to_string()),
        ("active_lpar_mobility_capable", "1".to_string()),
        ("num_active_migrations_supported", supported.to_string()),
        ("num_active_migrations_in_progress", active.to_string()),
    ]
}

pub const MIGR_LPAR_ATTRS: &[&str] = &[
    "name",
    "lpar_id",
    "migration_state",
    "migration_type",
    "dest_sys_name",
    "dest_lpar_id",
    "source_sys_name",
    "source_lpar_id",
    "source_msp_name",
    "source_msp_id",
    "dest_msp_name",
    "dest_msp_id",
    "bytes_transmitted",
    "bytes_remaining",
];

/// `lslparmigr -r lpar` for partition `l` as listed on `frame`.
pub fn migr_lpar_record(view: &View, l: &Lpar, frame: usize) -> Record {
    let mut r: Record = vec![
        ("name", l.name.clone()),
        ("lpar_id", lpar_id(l).to_string()),
    ];
    match l.moving() {
        Some(m) => {
            let state = if m.phase == MovePhase::Queued {
                "Migration Starting"
            } else {
                "Migration In Progress"
            };
            r.push(("migration_state", state.to_string()));
            r.push((
                "migration_type",
                if m.inactive { "inactive" } else { "active" }.to_string(),
            ));
            // Seen from the source: where it goes; seen from the destination: where it
            // comes from.
            if frame == m.to {
                r.push(("source_sys_name", view.frames[m.from].name.clone()));
                r.push(("source_lpar_id", lpar_id(l).to_string()));
            } else {
                r.push(("dest_sys_name", view.frames[m.to].name.clone()));
                r.push(("dest_lpar_id", lpar_id(l).to_string()));
            }
            // The mover pair the engine runs it on (none while it queues for a slot).
            if let Some((src, dst)) = &m.movers {
                let id = |f: usize, n: &str| {
                    msps(view, f)
                        .into_iter()
                        .find(|(name, _)| name == n)
                        .map_or(String::new(), |(_, i)| i.to_string())
                };
                r.push(("source_msp_name", src.clone()));
                r.push(("source_msp_id", id(m.from, src)));
                r.push(("dest_msp_name", dst.clone()));
                r.push(("dest_msp_id", id(m.to, dst)));
            }
            r.push(("bytes_transmitted", m.bytes_transmitted.to_string()));
            r.push(("bytes_remaining", m.bytes_remaining.to_string()));
        }
        None if l.needs_recovery => r.push(("migration_state", "Migration Failed".to_string())),
        None => r.push(("migration_state", "Not Migrating".to_string())),
    }
    r
}

pub const MIGR_MSP_ATTRS: &[&str] = &[
    "source_msp_name",
    "source_msp_id",
    "dest_msp_names",
    "dest_msp_ids",
];

/// `lslparmigr -r msp`: per source mover, the destination movers it can pair with.
pub fn migr_msp_records(view: &View, from: usize, to: usize) -> Vec<Record> {
    if !movers_up(&view.frames[from]) || !movers_up(&view.frames[to]) {
        return Vec::new();
    }
    let working = |f: usize| {
        let frame = &view.frames[f];
        msps(view, f)
            .into_iter()
            .filter(|(n, _)| frame.movers.iter().any(|(m, failed)| m == n && !failed))
            .collect::<Vec<_>>()
    };
    let dest = working(to);
    let names: Vec<String> = dest.iter().map(|(n, _)| n.clone()).collect();
    let ids: Vec<String> = dest.iter().map(|(_, i)| i.to_string()).collect();
    working(from)
        .into_iter()
        .map(|(name, id)| {
            vec![
                ("source_msp_name", name),
                ("source_msp_id", id.to_string()),
                ("dest_msp_names", names.join(",")),
                ("dest_msp_ids", ids.join(",")),
            ]
        })
        .collect()
}

pub const MIGR_VIO_ATTRS: &[&str] = &[
    "possible_virtual_scsi_mappings",
    "suggested_virtual_scsi_mappings",
    "possible_virtual_fc_mappings",
    "suggested_virtual_fc_mappings",
    "possible_vlan_mappings",
    "suggested_vlan_mappings",
];

/// The lpar id of VIOS `name` on frame `f` (0 when it has none of that name).
pub fn vios_id(view: &View, f: usize, name: &str) -> u32 {
    view.frames
        .get(f)
        .and_then(|fr| fr.vios.iter().find(|(n, _)| n == name))
        .map_or(0, |(_, id)| *id)
}

/// `lslparmigr -r virtualio`: for each kind of client adapter, every VIOS of `to` that could
/// host each adapter (`slot/vios_name/vios_id`), and the one the engine's mapping suggests
/// (with the server slot on it, `/vios_slot`, for adapters a scenario gives);
/// an adapter `to` cannot host is in neither list. `none` for an empty list.
pub fn migr_vio_record(view: &View, to: usize, rows: &[AdapterRow]) -> Record {
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(",")
        }
    };
    let mut r = Vec::with_capacity(6);
    for (kind, possible, suggested) in [
        (
            AdapterKind::Vscsi,
            "possible_virtual_scsi_mappings",
            "suggested_virtual_scsi_mappings",
        ),
        (
            AdapterKind::Vfc,
            "possible_virtual_fc_mappings",
            "suggested_virtual_fc_mappings",
        ),
        (
            AdapterKind::Veth,
            "possible_vlan_mappings",
            "suggested_vlan_mappings",
        ),
    ] {
        let mut p = Vec::new();
        let mut s = Vec::new();
        for row in rows.iter().filter(|a| a.kind == kind) {
            for name in &row.possible {
                p.push(format!("{}/{name}/{}", row.slot, vios_id(view, to, name)));
            }
            if row.problem.is_some() {
                continue;
            }
            // The server slot too, where one is taken, so that a suggestion can be given back
            // to -i as it is (lpm's choice; IBM shows three parts).
            if let Some((name, slot)) = &row.suggested {
                let id = vios_id(view, to, name);
                s.push(match slot {
                    Some(v) => format!("{}/{name}/{id}/{v}", row.slot),
                    None => format!("{}/{name}/{id}", row.slot),
                });
            }
        }
        r.push((possible, list(p)));
        r.push((suggested, list(s)));
    }
    r
}

/// A table of `records` for `resource` with `attributes`.
pub fn table(
    resource: &'static str,
    attributes: &'static [&'static str],
    records: Vec<Record>,
) -> Table {
    Table {
        resource,
        attributes,
        records,
    }
}
