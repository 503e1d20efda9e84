//! The estate at scale (issue #11, item 6): a 64-frame, 2,000-partition, 256 TiB estate loads
//! quickly and small (page state exists only while a partition moves), and an evacuation of a
//! frame of 40 partitions with 16 moves in flight runs many times faster than real time; evacuating a frame of 2,000 or 10,000 partitions
//! (each placement validated against the ones before it) costs time near-linear in their number.
//!
//! cargo bench --bench estate
//!
//! Before the timings it prints the resident memory the engine of the big estate adds.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use lpm::Scenario;
use lpm::engine::Engine;
use lpm::spec::{Action, LinkSpec, PartitionSpec, PartitionState, Policy, Processor, ScriptStep};
use lpm::spec::{SystemSpec, Workload};

const FRAMES: usize = 64;
const PARTITIONS: usize = 2000;
/// Frame 0 holds this many partitions, the one evacuated.
const EVACUATED: usize = 40;

/// 64 frames of 8 TiB; 40 partitions of 8 GiB on frame 0 and 1,960 of about 134 GiB spread over
/// the others: 256 TiB in all, 64 KiB pages, two 10 Gbit/s movers per frame, 40 Gbit/s paths.
fn big_estate() -> Scenario {
    let systems = (0..FRAMES)
        .map(|k| SystemSpec {
            name: format!("f{k:02}"),
            processor: [Processor::Power8, Processor::Power9][k % 2],
            cpus: 512.0,
            memory_gib: 8192.0,
            vlans: vec![10, 20],
            sans: vec!["prod".into()],
            msps: 2,
            mover_gbps: Some(10.0),
            power: None,
            powered_off: false,
            vios: Vec::new(),
        })
        .collect();
    let rest_gib = (256.0 * 1024.0 - EVACUATED as f64 * 8.0) / (PARTITIONS - EVACUATED) as f64;
    let partitions = (0..PARTITIONS)
        .map(|i| {
            let (frame, gib) = if i < EVACUATED {
                (0, 8.0)
            } else {
                (1 + (i - EVACUATED) % (FRAMES - 1), rest_gib)
            };
            PartitionSpec {
                name: format!("lp{i:04}"),
                system: format!("f{frame:02}"),
                memory_gib: gib,
                cpus: 2.0,
                compat: Processor::Power8,
                state: PartitionState::Running,
                dedicated_io: false,
                vlans: vec![10],
                sans: vec!["prod".into()],
                users: 10,
                zero_percent: 0.0,
                cpu_load: None,
                adapters: Default::default(),
                workload: match i % 3 {
                    0 => Workload::Uniform { writes_mib_s: 20.0 },
                    1 => Workload::Hotspot {
                        writes_mib_s: 60.0,
                        hot_percent: 5.0,
                        hot_share: 0.9,
                    },
                    _ => Workload::Idle,
                },
            }
        })
        .collect();
    Scenario {
        name: "64 frames".into(),
        seed: 1,
        page_size_kib: 64,
        link: LinkSpec {
            bandwidth_gbps: 40.0,
            latency_ms: 0.2,
            payload_efficiency: 1.0,
        },
        systems,
        partitions,
        policy: Policy::default(),
        script: vec![ScriptStep {
            at_s: 0.0,
            action: Action::Evacuate {
                from: "f00".into(),
                to: None,
            },
        }],
    }
}

/// Issue 16, item 5: one frame of `n` 1 GiB partitions, evacuated at once onto the other 63
/// (placement validates each against all the placements before it: it must stay near-linear).
fn crowded_frame(n: usize) -> Scenario {
    let mut s = big_estate();
    s.systems[0].memory_gib = n as f64 * 2.0;
    s.systems[0].cpus = n as f64;
    s.partitions.truncate(1);
    let one = s.partitions.pop().unwrap();
    s.partitions = (0..n)
        .map(|i| PartitionSpec {
            name: format!("c{i:05}"),
            memory_gib: 1.0,
            cpus: 0.1,
            workload: Workload::Idle,
            ..one.clone()
        })
        .collect();
    s
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn estate(c: &mut Criterion) {
    let s = big_estate();
    assert!(s.problems(None).is_empty(), "{:?}", s.problems(None));
    let total_tib: f64 = s.partitions.iter().map(|p| p.memory_gib).sum::<f64>() / 1024.0;
    let before = resident_kib();
    let e = Engine::new(&s).unwrap();
    let after = resident_kib();
    println!(
        "engine of {} frames, {} partitions, {total_tib:.0} TiB: {:.1} MiB resident",
        e.frames().len(),
        e.partitions().len(),
        after.saturating_sub(before) as f64 / 1024.0
    );
    drop(e);
    let mut g = c.benchmark_group("estate");
    g.sample_size(10);
    g.bench_function("build: 64 frames, 2,000 partitions, 256 TiB", |b| {
        b.iter(|| black_box(Engine::new(&s).unwrap()))
    });
    let mut e = Engine::new(&s).unwrap();
    e.advance(Duration::from_secs(1));
    let in_flight = e.moves().iter().filter(|m| m.phase().in_flight()).count();
    assert_eq!(
        in_flight, EVACUATED,
        "every partition of f00 is moving or queued"
    );
    g.measurement_time(Duration::from_secs(20));
    g.bench_function(
        "evacuate: 40 partitions, 16 moves in flight, 10 simulated s",
        |b| {
            b.iter_batched(
                || e.clone(),
                |mut e| {
                    e.advance(Duration::from_secs(10));
                    black_box(e.drain_events().len());
                    e
                },
                BatchSize::LargeInput,
            )
        },
    );
    for n in [2_000, 10_000] {
        let s = crowded_frame(n);
        g.bench_function(format!("evacuate start: {n} partitions placed"), |b| {
            b.iter_batched(
                || Engine::new(&s).unwrap(),
                |mut e| {
                    e.advance(Duration::from_millis(1));
                    black_box(e.drain_events().len());
                    e
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, estate);
criterion_main!(benches);
