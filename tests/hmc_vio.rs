//! Virtual I/O: the rules of mapping a moving partition's client adapters onto the target's
//! VIOS (`engine::vio`), the engine keeping the mapping on the move, and scenarios without
//! virtual I/O deriving their adapters (the HMC side is the transcript
//! tests/data/hmc/virtualio.txt).

use std::collections::BTreeSet;
use std::time::Duration;

use lpm::Scenario;
use lpm::engine::{Engine, map_adapters};
use lpm::spec::vio::{Adapter, AdapterKind, MappingChoice, ViosSpec, adapters_of, vios_of};
use lpm::spec::{Action, PartitionRef};

fn vios(name: &str, sans: &[&str], vlans: &[u32], used: &[u32]) -> ViosSpec {
    ViosSpec {
        name: name.into(),
        id: None,
        vlans: vlans.to_vec(),
        sans: sans.iter().map(|s| s.to_string()).collect(),
        max_slots: 100,
        used_slots: used.to_vec(),
    }
}

fn vfc(slot: u32, on: &str, vios_slot: u32, fabric: &str) -> Adapter {
    Adapter {
        kind: AdapterKind::Vfc,
        slot,
        vios: on.into(),
        vios_slot: Some(vios_slot),
        fabric: Some(fabric.into()),
        vlans: vec![],
        wwpns: None,
        derived: false,
    }
}

fn veth(slot: u32, vlans: &[u32]) -> Adapter {
    Adapter {
        kind: AdapterKind::Veth,
        slot,
        vios: "vios1".into(),
        vios_slot: None,
        fabric: None,
        vlans: vlans.to_vec(),
        wwpns: None,
        derived: false,
    }
}

fn none() -> Vec<BTreeSet<u32>> {
    vec![BTreeSet::new(), BTreeSet::new()]
}

#[test]
fn the_server_slot_is_kept_when_it_is_free() {
    let target = [
        vios("vios1", &["prod"], &[], &[]),
        vios("vios2", &["prod"], &[], &[]),
    ];
    let m = map_adapters(&[vfc(20, "vios1", 40, "prod")], "b", &target, &none(), &[]);
    let a = &m.adapters[0];
    assert_eq!(a.target, Some(("vios1".into(), Some(40))));
    assert!(a.problem.is_none() && !a.slot_moved());
}

#[test]
fn a_taken_slot_moves_to_the_next_free_one() {
    // Slot 40 is used by an adapter lpm does not model, 41 by a partition already there.
    let target = [
        vios("vios1", &["prod"], &[], &[40]),
        vios("vios2", &[], &[], &[]),
    ];
    let taken = vec![BTreeSet::from([41]), BTreeSet::new()];
    let m = map_adapters(&[vfc(20, "vios1", 40, "prod")], "b", &target, &taken, &[]);
    assert_eq!(m.adapters[0].target, Some(("vios1".into(), Some(42))));
    assert!(m.adapters[0].slot_moved());
    // With every slot above taken, it wraps round to the lowest free one.
    let full: BTreeSet<u32> = (3..100).collect();
    let m = map_adapters(
        &[vfc(20, "vios1", 40, "prod")],
        "b",
        &target,
        &[full, BTreeSet::new()],
        &[],
    );
    assert_eq!(m.adapters[0].target, Some(("vios1".into(), Some(2))));
}

#[test]
fn no_free_slot_is_refused() {
    let all: Vec<u32> = (2..100).collect();
    let target = [vios("vios1", &["prod"], &[], &all)];
    let m = map_adapters(
        &[vfc(20, "vios1", 40, "prod")],
        "b",
        &target,
        &[BTreeSet::new()],
        &[],
    );
    let why = m.adapters[0].problem.as_deref().unwrap();
    assert!(why.contains("free virtual slot"), "{why}");
}

#[test]
fn a_redundant_pair_stays_on_two_vios() {
    let source = [vfc(20, "vios1", 40, "prod"), vfc(21, "vios2", 41, "prod")];
    // Named the other way round on the target: redundancy matters, not names.
    let target = [
        vios("vios1", &["prod"], &[], &[]),
        vios("vios2", &["prod"], &[], &[]),
    ];
    let m = map_adapters(&source, "b", &target, &none(), &[]);
    let on: BTreeSet<String> = m
        .adapters
        .iter()
        .map(|a| a.target.clone().unwrap().0)
        .collect();
    assert_eq!(on.len(), 2, "{m:?}");
    assert!(m.adapters.iter().all(|a| a.problem.is_none()));
    // Even when both were on one target VIOS by name preference: the second goes elsewhere.
    let source = [vfc(20, "vios1", 40, "prod"), vfc(21, "vios3", 41, "prod")];
    let m = map_adapters(&source, "b", &target, &none(), &[]);
    assert_eq!(m.adapters[0].target.as_ref().unwrap().0, "vios1");
    assert_eq!(m.adapters[1].target.as_ref().unwrap().0, "vios2");
}

#[test]
fn redundancy_lost_is_refused_unless_mapped_by_hand() {
    let source = [vfc(20, "vios1", 40, "prod"), vfc(21, "vios2", 41, "prod")];
    let target = [
        vios("vios1", &[], &[], &[]),
        vios("vios2", &["prod"], &[], &[]),
    ];
    let m = map_adapters(&source, "b", &target, &none(), &[]);
    for a in &m.adapters {
        let why = a.problem.as_deref().unwrap();
        assert!(why.starts_with("redundancy lost: slots 20, 21"), "{why}");
    }
    let choice = MappingChoice {
        kind: AdapterKind::Vfc,
        slot: 21,
        vios: "vios2".into(),
        vios_slot: None,
    };
    let m = map_adapters(&source, "b", &target, &none(), &[choice]);
    assert!(m.adapters.iter().all(|a| a.problem.is_none()), "{m:?}");
    assert!(m.adapters[1].overridden);
    // Both on vios2, on different slots.
    assert_eq!(m.adapters[0].target, Some(("vios2".into(), Some(40))));
    assert_eq!(m.adapters[1].target, Some(("vios2".into(), Some(41))));
}

#[test]
fn a_fabric_no_vios_is_zoned_to_or_a_vlan_not_bridged_is_refused() {
    let target = [
        vios("vios1", &["prod"], &[10], &[]),
        vios("vios2", &["prod"], &[10], &[]),
    ];
    let m = map_adapters(
        &[vfc(20, "vios1", 40, "dev"), veth(2, &[10, 30])],
        "b",
        &target,
        &none(),
        &[],
    );
    assert_eq!(
        m.adapters[0].problem.as_deref(),
        Some("no VIOS on b is zoned to fabric dev")
    );
    assert_eq!(
        m.adapters[1].problem.as_deref(),
        Some("no VIOS on b bridges VLAN 10, 30")
    );
    assert_eq!(m.problems(true).len(), 1);
    assert_eq!(m.problems(false).len(), 1);
    // A choice of a VIOS that cannot host it says why.
    let choice = MappingChoice {
        kind: AdapterKind::Veth,
        slot: 2,
        vios: "vios2".into(),
        vios_slot: None,
    };
    let m = map_adapters(&[veth(2, &[10, 30])], "b", &target, &none(), &[choice]);
    let why = m.adapters[0].problem.as_deref().unwrap();
    assert!(
        why.contains("vios2 on b, which does not bridge VLAN 30"),
        "{why}"
    );
}

fn estate() -> Scenario {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hmc/vio.ron"),
    )
    .unwrap();
    Scenario::load_str(&text, "vio.ron", None).unwrap()
}

#[test]
fn a_move_keeps_its_mapping_and_its_slots_hold_on_the_target() {
    let mut e = Engine::new(&estate()).unwrap();
    let b = e.find_frame("frame-b").unwrap();
    let db = e.find_partition("db01").unwrap();
    let v = e.validate(db, b);
    assert!(v.ok(), "{:?}", v.errors());
    e.apply(&Action::migrate("db01", "frame-b")).unwrap();
    let s = e.snapshot();
    let mv = s.moves.last().unwrap();
    let fc: Vec<_> = mv
        .vio
        .adapters
        .iter()
        .filter(|a| a.adapter.kind == AdapterKind::Vfc)
        .map(|a| (a.adapter.slot, a.target.clone().unwrap()))
        .collect();
    // Slot 20 of frame-b's vios1 is used: the next free; the pair on two VIOS.
    assert_eq!(
        fc,
        vec![
            (20, ("vios1".to_string(), Some(21))),
            (21, ("vios2".to_string(), Some(21)))
        ]
    );
    for _ in 0..600 {
        e.advance(Duration::from_millis(500));
        if !e.snapshot().moves.last().unwrap().phase.in_flight() {
            break;
        }
    }
    let s = e.snapshot();
    assert_eq!(s.system(s.partitions[db.index()].system).name, "frame-b");
    // Now on frame-b, its adapters are served by frame-b's VIOS where the mapping put them.
    let now: Vec<(u32, String, Option<u32>)> = e
        .adapters(db)
        .iter()
        .map(|a| (a.slot, a.vios.clone(), a.vios_slot))
        .collect();
    assert!(now.contains(&(20, "vios1".into(), Some(21))), "{now:?}");
    // bk01 mapped by hand onto frame-b's vios2, asking for slot 21: db01 holds it, so 22.
    let bk = e.find_partition("bk01").unwrap();
    let choice = |slot| MappingChoice {
        kind: AdapterKind::Vfc,
        slot,
        vios: "vios2".into(),
        vios_slot: Some(21),
    };
    let m = e.virtual_io(bk, b, &[choice(20), choice(21)]);
    let slots: Vec<_> = m.adapters.iter().filter_map(|a| a.target.clone()).collect();
    assert_eq!(
        slots,
        vec![
            ("vios2".to_string(), Some(22)),
            ("vios2".to_string(), Some(23)),
            ("vios1".to_string(), None)
        ]
    );
}

#[test]
fn the_validation_names_the_adapter_and_the_reason() {
    let e = Engine::new(&estate()).unwrap();
    let v = e.validate_named("dev01", "frame-b").unwrap();
    let errors = v.errors();
    let has = |m: &str| errors.iter().any(|e| e.contains(m));
    assert!(
        has("virtual Ethernet adapter in slot 3 (VLAN 30): no VIOS on frame-b bridges VLAN 30"),
        "{errors:?}"
    );
    // The storage check names each adapter it fails, with its reason.
    assert!(
        has(
            "virtual SCSI adapter in slot 11 (fabric dev): no VIOS on frame-b is zoned to fabric \
             dev; virtual FC adapter in slot 10 (fabric dev): no VIOS on frame-b is zoned to \
             fabric dev"
        ),
        "{errors:?}"
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    // Still the eleven checks: the adapters are judged by the VLAN and SAN checks.
    assert_eq!(v.checks.len(), lpm::engine::validation::CHECKS.len());
}

#[test]
fn a_scenario_action_carries_the_mapping_and_a_bad_one_is_refused() {
    let mut e = Engine::new(&estate()).unwrap();
    let refused = e
        .apply(&Action::Validate {
            partition: "bk01".into(),
            to: "frame-b".into(),
            source_msp: None,
            dest_msp: None,
            redundant: Default::default(),
            mappings: vec![MappingChoice {
                kind: AdapterKind::Vfc,
                slot: 9,
                vios: "vios2".into(),
                vios_slot: None,
            }],
        })
        .unwrap_err();
    assert!(
        refused
            .message
            .contains("bk01 has no virtual FC adapter in slot 9"),
        "{refused:?}"
    );
    // In a scenario file the field is optional, and parses when given.
    let text = r#"Validate(partition: "bk01", to: "frame-b",
        mappings: [(kind: Vfc, slot: 20, vios: "vios2"), (kind: Vfc, slot: 21, vios: "vios2")])"#;
    let a: Action = lpm::scenario::ron_options().from_str(text).unwrap();
    assert!(e.apply(&a).is_ok());
    let plain: Action = lpm::scenario::ron_options()
        .from_str(r#"Migrate(partition: "x", to: "y")"#)
        .unwrap();
    assert_eq!(plain, Action::migrate("x", "y"));
}

/// Every shipped scenario: every partition's adapters are derived from its `vlans` and
/// `sans` (one virtual Ethernet per VLAN, one virtual FC per SAN), every frame's VIOS from its
/// movers, and the derived adapters take no numbered slot (so results stay as they were;
/// the golden streams hold that byte for byte).
#[test]
fn shipped_scenarios_derive_their_virtual_io() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "ron") {
            continue;
        }
        let Ok(s) = Scenario::load(&path) else {
            continue;
        };
        for sys in &s.systems {
            let v = vios_of(sys);
            assert_eq!(v.len() as u32, sys.msps.max(1), "{}", sys.name);
            assert!(v.iter().all(|x| x.vlans == sys.vlans && x.sans == sys.sans));
        }
        for (i, p) in s.partitions.iter().enumerate() {
            let home = s.systems.iter().find(|x| x.name == p.system).unwrap();
            let a = adapters_of(p, home, i);
            assert!(a.iter().all(|x| x.derived && x.vios_slot.is_none()));
            assert_eq!(a.len(), p.vlans.len() + p.sans.len(), "{}", p.name);
            assert!(PartitionRef::parse(&p.name).matches(&p.system, &p.name));
        }
        seen += 1;
    }
    assert!(seen >= 3, "the shipped scenarios are missing");
}

/// The dashboard's move detail lists a given mapping beneath the memory map when the pane is
/// tall enough, and nothing of it when it is not.
#[test]
fn the_move_detail_shows_the_mapping_when_there_is_room() {
    use crossterm::event::KeyCode;
    let mut h = lpm::tui::Harness::new(&estate(), 200, 70);
    h.select("db01");
    h.key(KeyCode::Char('m'));
    h.advance(0.5);
    let screen = h.screen();
    assert!(screen.contains("Virtual I/O frame-a → frame-b"), "{screen}");
    assert!(
        screen.contains("vFC     20 fabric prod  vios1/20 → vios1/21  slot taken"),
        "{screen}"
    );
    h.resize(120, 30);
    assert!(!h.screen().contains("Virtual I/O frame-a"));
}
