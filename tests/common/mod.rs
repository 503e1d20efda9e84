//! Scenarios built in code for the engine tests.
#![allow(dead_code)]

use lpm::Scenario;
use lpm::spec::{Action, FinalPhase, Policy, ScriptStep, Switchover};
use lpm::spec::{LinkSpec, PartitionSpec, PartitionState, Processor, SystemSpec, Workload};

pub fn system(name: &str, processor: Processor, memory_gib: f64) -> SystemSpec {
    SystemSpec {
        name: name.into(),
        processor,
        cpus: 64.0,
        memory_gib,
        vlans: vec![10, 20],
        sans: vec!["prod".into()],
        msps: 1,
        mover_gbps: None,
        power: None,
        powered_off: false,
        vios: Vec::new(),
    }
}

pub fn partition(name: &str, system: &str, memory_gib: f64, workload: Workload) -> PartitionSpec {
    PartitionSpec {
        name: name.into(),
        system: system.into(),
        memory_gib,
        cpus: 4.0,
        compat: Processor::Power8,
        state: PartitionState::Running,
        dedicated_io: false,
        vlans: vec![10],
        sans: vec!["prod".into()],
        users: 50,
        workload,
        zero_percent: 0.0,
        cpu_load: None,
        adapters: Default::default(),
    }
}

/// Two frames, one partition per entry of `partitions` on frame-a.
pub fn scenario(partitions: Vec<PartitionSpec>, link_gbps: f64, policy: Policy) -> Scenario {
    Scenario {
        name: "test".into(),
        seed: 7,
        page_size_kib: 4,
        link: LinkSpec {
            bandwidth_gbps: link_gbps,
            latency_ms: 0.0,
            payload_efficiency: 1.0,
        },
        systems: vec![
            system("frame-a", Processor::Power8, 1024.0),
            system("frame-b", Processor::Power9, 1024.0),
        ],
        partitions,
        policy,
        script: vec![],
    }
}

pub fn migrate_at(at_s: f64, partition: &str, to: &str) -> ScriptStep {
    ScriptStep {
        at_s,
        action: Action::migrate(partition, to),
    }
}

/// The textbook case of issue 2: 262,144 pages of 4 KiB, 30,000 pages/s, 6,000 writes/s.
pub fn textbook() -> Scenario {
    let writes_mib_s = 6_000.0 * 4.0 / 1024.0;
    let gib = gib_of_pages(262_144); // exactly 1 GiB
    let gbps = 30_000.0 * 4096.0 * 8.0 / 1e9;
    let policy = Policy {
        switchover: Switchover::DowntimeLimit { ms: 300.0 },
        final_phase: FinalPhase::StopAndCopy,
        suspend_overhead_ms: 0.0,
        ..Policy::default()
    };
    let mut s = scenario(
        vec![partition(
            "vm",
            "frame-a",
            gib,
            Workload::Uniform { writes_mib_s },
        )],
        gbps,
        policy,
    );
    s.script = vec![migrate_at(0.0, "vm", "frame-b")];
    s
}

use lpm::engine::{Completion, Engine, Event, EventKind};
use std::time::Duration;

/// Runs until nothing is left to happen (or `limit_s`), returning every event.
pub fn run(e: &mut Engine, limit_s: f64) -> Vec<Event> {
    let mut events = Vec::new();
    while !e.is_settled() && e.now() < limit_s {
        e.advance(Duration::from_millis(250));
        events.extend(e.drain_events());
    }
    events.extend(e.drain_events());
    events
}

pub fn completions(events: &[Event]) -> Vec<Completion> {
    events
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::MigrationCompleted(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

pub fn names(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.name()).collect()
}

pub fn json_lines(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}

/// A GiB figure for a page count of 4 KiB pages.
pub fn gib_of_pages(pages: u64) -> f64 {
    pages as f64 * 4.0 / 1024.0 / 1024.0
}

/// MiB/s of writes for a page-writes-per-second figure (4 KiB pages).
pub fn mib_s_of_pages(pages_s: f64) -> f64 {
    pages_s * 4.0 / 1024.0
}

/// Gbit/s for a payload of `pages_s` 4 KiB pages per second.
pub fn gbps_of_pages(pages_s: f64) -> f64 {
    pages_s * 4096.0 * 8.0 / 1e9
}

/// A hot database the link cannot keep up with: 40,000 page writes/s, 90% of them into a 25%
/// hot set, against 30,000 pages/s; moved to frame-b at 0 s.
pub fn hot_db(policy: Policy) -> Scenario {
    let mut s = scenario(
        vec![partition(
            "db01",
            "frame-a",
            1.0,
            Workload::Hotspot {
                writes_mib_s: mib_s_of_pages(40_000.0),
                hot_percent: 25.0,
                hot_share: 0.9,
            },
        )],
        gbps_of_pages(30_000.0),
        policy,
    );
    s.script = vec![migrate_at(0.0, "db01", "frame-b")];
    s
}
