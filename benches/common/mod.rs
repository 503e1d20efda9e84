//! The load estate shared by the load benches.
#![allow(dead_code)]

use lpm::Scenario;
use lpm::engine::{Engine, Phase};
use lpm::spec::{Action, Policy, ScriptStep, Switchover};
use lpm::spec::{LinkSpec, PartitionSpec, PartitionState, Processor, SystemSpec, Workload};

pub const PARTITIONS: usize = 200;
pub const MOVES: usize = 50;
pub const SIM_S: u64 = 5;

/// 200 partitions of 2 GiB (64 KiB pages), 100 per frame, busy in various ways; 50 of
/// frame-a's move to frame-b at t = 0 over a 40 Gbit/s link with 50 mover slots per side.
pub fn estate() -> Scenario {
    let sys = |name: &str, processor| SystemSpec {
        name: name.into(),
        processor,
        cpus: 1024.0,
        memory_gib: 2048.0,
        vlans: vec![10, 20],
        sans: vec!["prod".into()],
        msps: 2,
        mover_gbps: None,
        power: None,
        powered_off: false,
        vios: Vec::new(),
    };
    let partitions = (0..PARTITIONS)
        .map(|i| {
            let frame = if i < PARTITIONS / 2 {
                "frame-a"
            } else {
                "frame-b"
            };
            let writes = 5.0 + (i % 7) as f64 * 10.0;
            PartitionSpec {
                name: format!("lpar{i:03}"),
                system: frame.into(),
                memory_gib: 2.0,
                cpus: 2.0,
                compat: Processor::Power8,
                state: PartitionState::Running,
                dedicated_io: false,
                vlans: vec![10],
                sans: vec!["prod".into()],
                users: 20,
                workload: match i % 4 {
                    0 => Workload::Uniform {
                        writes_mib_s: writes,
                    },
                    1 => Workload::Hotspot {
                        writes_mib_s: writes * 2.0,
                        hot_percent: 5.0,
                        hot_share: 0.9,
                    },
                    2 => Workload::Sequential {
                        writes_mib_s: writes,
                        region_percent: 20.0,
                    },
                    _ => Workload::Idle,
                },
                zero_percent: 0.0,
                cpu_load: None,
                adapters: Default::default(),
            }
        })
        .collect();
    Scenario {
        name: "load: 200 partitions, 50 moves".into(),
        seed: 6,
        page_size_kib: 64,
        link: LinkSpec {
            bandwidth_gbps: 40.0,
            latency_ms: 0.2,
            payload_efficiency: 0.95,
        },
        systems: vec![
            sys("frame-a", Processor::Power8),
            sys("frame-b", Processor::Power9),
        ],
        partitions,
        policy: Policy {
            switchover: Switchover::PercentClean(99.0),
            msp_max_ops: 25,
            ..Policy::default()
        },
        script: (0..MOVES)
            .map(|i| ScriptStep {
                at_s: 0.0,
                action: Action::migrate(format!("lpar{i:03}"), "frame-b"),
            })
            .collect(),
    }
}

pub fn in_flight(e: &Engine) -> usize {
    e.moves()
        .iter()
        .filter(|m| {
            matches!(
                m.phase(),
                Phase::PreCopy | Phase::Suspended | Phase::Pulling
            )
        })
        .count()
}
