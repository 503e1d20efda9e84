//! The checks of a scenario's virtual I/O (`spec::vio`): VIOS that make sense on each frame,
//! and client adapters each served by a VIOS of its partition's frame that can serve it.
//! Every problem at once, each at the frame's `vios` or the partition's `adapters`.

use std::collections::{BTreeSet, HashMap};

use super::locate::Anchor;
use super::{Problem, name_problem};
use crate::spec::Scenario;
use crate::spec::vio::{FIRST_SLOT, ViosSpec, adapters_of, vios_of};

/// The most virtual slots a VIOS may have (the HMC's `max_virtual_slots` goes to 65535).
pub const MAX_SLOTS: u32 = 65_535;

/// The highest client slot a partition's adapter may use.
pub const MAX_CLIENT_SLOT: u32 = MAX_SLOTS - 1;

impl Scenario {
    pub(super) fn vio_problems(&self, out: &mut Vec<Problem>) {
        for (i, s) in self.systems.iter().enumerate() {
            vios_problems(i, &s.name, &s.vios, &s.vlans, &s.sans, out);
        }
        // Server slots taken on each (frame, VIOS), to find two adapters on one slot.
        let mut server: HashMap<(&str, String, u32), &str> = HashMap::new();
        for (i, p) in self.partitions.iter().enumerate() {
            if p.adapters.is_empty() {
                continue;
            }
            let at = || Anchor::Partition(i, Some("adapters"));
            let mut say =
                |m: String| out.push(Problem::new(at(), format!("partition {}: {m}", p.name)));
            let Some(home) = self.systems.iter().find(|s| s.name == p.system) else {
                continue; // the partition's own checks report the unknown system
            };
            let vios = vios_of(home);
            let adapters = adapters_of(p, home, i);
            let mut slots = BTreeSet::new();
            for a in &adapters {
                let label = a.label();
                if !(FIRST_SLOT..=MAX_CLIENT_SLOT).contains(&a.slot) {
                    say(format!(
                        "{label}: a client slot must be {FIRST_SLOT} to {MAX_CLIENT_SLOT}"
                    ));
                } else if !slots.insert(a.slot) {
                    say(format!("{label}: another adapter uses slot {}", a.slot));
                }
                if a.kind.storage() {
                    let Some(v) = vios.iter().find(|v| v.name == a.vios) else {
                        say(format!(
                            "{label}: no VIOS named {:?} on {} (its VIOS are {})",
                            a.vios,
                            home.name,
                            names(&vios)
                        ));
                        continue;
                    };
                    if let Some(f) = &a.fabric
                        && !v.sans.contains(f)
                    {
                        say(format!(
                            "{label}: served by {}, which is not zoned to fabric {f}",
                            v.name
                        ));
                    }
                    if let Some(s) = a.vios_slot {
                        if !v.slot_usable(s) {
                            say(format!(
                                "{label}: slot {s} of {} is not free (it has slots {FIRST_SLOT} to \
                                 {}, used_slots {:?}); give vios_slot",
                                v.name,
                                v.max_slots.saturating_sub(1),
                                v.used_slots
                            ));
                        } else if let Some(other) =
                            server.insert((home.name.as_str(), v.name.clone(), s), p.name.as_str())
                        {
                            say(format!(
                                "{label}: slot {s} of {} on {} is already served to {other}; give \
                                 vios_slot",
                                v.name, home.name
                            ));
                        }
                    }
                } else {
                    if a.vlans.is_empty() {
                        say(format!("{label}: give its VLANs"));
                    } else if !vios
                        .iter()
                        .any(|v| a.vlans.iter().all(|x| v.vlans.contains(x)))
                    {
                        say(format!(
                            "{label}: no VIOS of {} bridges VLAN {}",
                            home.name,
                            a.needs().trim_start_matches("VLAN ")
                        ));
                    }
                }
                if let Some((x, y)) = &a.wwpns
                    && (!wwpn(x) || !wwpn(y) || x == y)
                {
                    say(format!(
                        "{label}: a WWPN pair is two different 16-digit hex numbers, not {x:?} \
                         and {y:?}"
                    ));
                }
            }
            // `vlans` and `sans`, when given beside adapters, must say the same.
            let vlans: BTreeSet<u32> = adapters.iter().flat_map(|a| a.vlans.clone()).collect();
            let sans: BTreeSet<&str> = adapters
                .iter()
                .filter_map(|a| a.fabric.as_deref())
                .collect();
            if !p.vlans.is_empty() && p.vlans.iter().copied().collect::<BTreeSet<_>>() != vlans {
                say(format!(
                    "vlans {:?} differ from its adapters' VLANs {:?}; leave vlans out or make \
                     them agree",
                    p.vlans,
                    vlans.iter().collect::<Vec<_>>()
                ));
            }
            if !p.sans.is_empty()
                && p.sans.iter().map(String::as_str).collect::<BTreeSet<_>>() != sans
            {
                say(format!(
                    "sans {:?} differ from its adapters' fabrics {:?}; leave sans out or make \
                     them agree",
                    p.sans,
                    sans.iter().collect::<Vec<_>>()
                ));
            }
        }
    }
}

fn vios_problems(
    i: usize,
    frame: &str,
    vios: &[ViosSpec],
    vlans: &[u32],
    sans: &[String],
    out: &mut Vec<Problem>,
) {
    let at = || Anchor::System(i, Some("vios"));
    let mut say = |m: String| out.push(Problem::new(at(), format!("system {frame}: {m}")));
    let mut seen = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for v in vios {
        if let Some(why) = name_problem(&v.name) {
            say(format!("VIOS {:?}: a VIOS's name {why}", v.name));
        } else if !seen.insert(v.name.as_str()) {
            say(format!("VIOS {} is defined twice", v.name));
        }
        if let Some(id) = v.id
            && (id == 0 || !ids.insert(id))
        {
            say(format!(
                "VIOS {}: id {id} is 0 or taken by another VIOS",
                v.name
            ));
        }
        if !(FIRST_SLOT + 1..=MAX_SLOTS).contains(&v.max_slots) {
            say(format!(
                "VIOS {}: max_slots must be {} to {MAX_SLOTS}, not {}",
                v.name,
                FIRST_SLOT + 1,
                v.max_slots
            ));
        }
        if let Some(s) = v.used_slots.iter().find(|&&s| s >= v.max_slots) {
            say(format!(
                "VIOS {}: used slot {s} is beyond its max_slots {}",
                v.name, v.max_slots
            ));
        }
    }
    if vios.is_empty() {
        return;
    }
    let bridged: BTreeSet<u32> = vios.iter().flat_map(|v| v.vlans.clone()).collect();
    let zoned: BTreeSet<&str> = vios
        .iter()
        .flat_map(|v| v.sans.iter().map(String::as_str))
        .collect();
    if !vlans.is_empty() && vlans.iter().copied().collect::<BTreeSet<_>>() != bridged {
        say(format!(
            "vlans {vlans:?} differ from what its VIOS bridge {:?}; leave vlans out or make \
             them agree",
            bridged.iter().collect::<Vec<_>>()
        ));
    }
    if !sans.is_empty() && sans.iter().map(String::as_str).collect::<BTreeSet<_>>() != zoned {
        say(format!(
            "sans {sans:?} differ from what its VIOS are zoned to {:?}; leave sans out or make \
             them agree",
            zoned.iter().collect::<Vec<_>>()
        ));
    }
}

fn names(vios: &[ViosSpec]) -> String {
    vios.iter()
        .map(|v| v.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn wwpn(s: &str) -> bool {
    s.len() == 16 && s.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use crate::spec::Scenario;

    fn problems(systems: &str, partitions: &str) -> Vec<String> {
        let text = format!(
            "Scenario(name: \"v\", link: (bandwidth_gbps: 10.0), systems: [{systems}], \
             partitions: [{partitions}])"
        );
        match Scenario::load_str(&text, "v.ron", None) {
            Ok(_) => Vec::new(),
            Err(r) => r.messages,
        }
    }

    const FRAME: &str = "(name: \"a\", processor: Power9, cpus: 8, memory_gib: 64.0, msps: 2, \
        vios: [(name: \"vios1\", vlans: [10], sans: [\"prod\"], max_slots: 100, used_slots: [20]), \
        (name: \"vios2\", vlans: [10], sans: [\"prod\"])])";

    #[test]
    fn a_consistent_virtual_io_loads() {
        let p = "(name: \"x\", system: \"a\", memory_gib: 1.0, cpus: 1.0, compat: Power9, \
            adapters: (vfc: [(slot: 20, vios: \"vios1\", vios_slot: 21, fabric: \"prod\"), \
            (slot: 21, vios: \"vios2\", fabric: \"prod\")], veth: [(slot: 2, vlans: [10])]))";
        assert_eq!(problems(FRAME, p), Vec::<String>::new());
    }

    #[test]
    fn each_adapter_problem_is_named_at_its_place() {
        let p = "(name: \"x\", system: \"a\", memory_gib: 1.0, cpus: 1.0, compat: Power9,\n \
            adapters: (vfc: [(slot: 20, vios: \"vios1\", fabric: \"prod\"), \
            (slot: 21, vios: \"vios3\", fabric: \"prod\"), (slot: 22, vios: \"vios2\", fabric: \"dev\")], \
            vscsi: [(slot: 22, vios: \"vios2\", vios_slot: 500)], veth: [(slot: 2, vlans: [30])]))";
        let m = problems(FRAME, p);
        let has = |s: &str| m.iter().any(|x| x.contains(s));
        assert!(
            has(
                "v.ron:2:2: partition x: virtual FC adapter in slot 20: slot 20 of vios1 is not free"
            ),
            "{m:#?}"
        );
        assert!(
            has("no VIOS named \"vios3\" on a (its VIOS are vios1, vios2)"),
            "{m:#?}"
        );
        assert!(
            has("slot 22: served by vios2, which is not zoned to fabric dev"),
            "{m:#?}"
        );
        assert!(
            has("adapter in slot 22: another adapter uses slot 22"),
            "{m:#?}"
        );
        assert!(
            has("virtual Ethernet adapter in slot 2: no VIOS of a bridges VLAN 30"),
            "{m:#?}"
        );
        assert_eq!(m.len(), 5, "{m:#?}");
    }

    #[test]
    fn frame_vios_must_agree_with_its_vlans_and_be_sized() {
        let f = "(name: \"a\", processor: Power9, cpus: 8, memory_gib: 64.0, vlans: [10, 20], \
            vios: [(name: \"vios1\", vlans: [10], max_slots: 1), (name: \"vios1\")])";
        let m = problems(f, "");
        assert!(
            m.iter().any(|x| x.contains("VIOS vios1 is defined twice")),
            "{m:#?}"
        );
        assert!(
            m.iter()
                .any(|x| x.contains("max_slots must be 3 to 65535, not 1")),
            "{m:#?}"
        );
        assert!(
            m.iter()
                .any(|x| x.contains("vlans [10, 20] differ from what its VIOS bridge [10]")),
            "{m:#?}"
        );
    }
}
