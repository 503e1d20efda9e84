//! Engine speed: page writes per second under dirty tracking, and a whole 64 GiB move.
//!
//! cargo bench --bench engine

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lpm::Scenario;
use lpm::engine::Engine;
use lpm::spec::{Action, Policy};
use lpm::spec::{LinkSpec, PartitionSpec, PartitionState, Processor, SystemSpec, Workload};

fn scenario(memory_gib: f64, workload: Workload, link_gbps: f64) -> Scenario {
    let sys = |name: &str| SystemSpec {
        name: name.into(),
        processor: Processor::Power9,
        cpus: 64.0,
        memory_gib: 1024.0,
        vlans: vec![10],
        sans: vec!["prod".into()],
        msps: 1,
        mover_gbps: None,
        power: None,
        powered_off: false,
        vios: Vec::new(),
    };
    Scenario {
        name: "bench".into(),
        seed: 1,
        page_size_kib: 4,
        link: LinkSpec {
            bandwidth_gbps: link_gbps,
            latency_ms: 0.2,
            payload_efficiency: 1.0,
        },
        systems: vec![sys("frame-a"), sys("frame-b")],
        partitions: vec![PartitionSpec {
            name: "db01".into(),
            system: "frame-a".into(),
            memory_gib,
            cpus: 8.0,
            compat: Processor::Power9,
            state: PartitionState::Running,
            dedicated_io: false,
            vlans: vec![10],
            sans: vec!["prod".into()],
            users: 100,
            workload,
            zero_percent: 0.0,
            cpu_load: None,
            adapters: Default::default(),
        }],
        policy: Policy::default(),
        script: vec![],
    }
}

fn migrating(s: &Scenario) -> Engine {
    let mut e = Engine::new(s).unwrap();
    e.apply(&Action::migrate("db01", "frame-b")).unwrap();
    e
}

/// Page writes while a move tracks them: 64 GiB, uniform and hotspot writers at 25.6 M
/// pages/s simulated, a link slow enough that sending costs little.
fn page_writes(c: &mut Criterion) {
    let rate_mib_s = 100_000.0; // 25.6 M page writes per simulated second
    let per_iter = 256_000u64; // 10 ms of simulated time
    let mut g = c.benchmark_group("page_writes");
    g.throughput(Throughput::Elements(per_iter));
    for (name, w) in [
        (
            "uniform_64GiB",
            Workload::Uniform {
                writes_mib_s: rate_mib_s,
            },
        ),
        (
            "hotspot_64GiB",
            Workload::Hotspot {
                writes_mib_s: rate_mib_s,
                hot_percent: 5.0,
                hot_share: 0.9,
            },
        ),
    ] {
        let mut e = migrating(&scenario(64.0, w, 0.01));
        e.advance(Duration::from_millis(10));
        g.bench_function(name, |b| {
            b.iter(|| black_box(&mut e).advance(Duration::from_millis(10)))
        });
    }
    g.finish();
}

/// A whole move of a 64 GiB partition (4 KiB pages, Hotspot 400 MiB/s, 10 Gbit/s link).
fn whole_move(c: &mut Criterion) {
    let s = scenario(
        64.0,
        Workload::Hotspot {
            writes_mib_s: 400.0,
            hot_percent: 5.0,
            hot_share: 0.9,
        },
        10.0,
    );
    let mut g = c.benchmark_group("whole_move");
    g.sample_size(10);
    g.bench_function("64GiB_hotspot_400MiB_s_10Gbit", |b| {
        b.iter(|| {
            let mut e = migrating(&s);
            while !e.is_settled() {
                e.advance(Duration::from_secs(1));
            }
            black_box(e.now())
        })
    });
    g.finish();
}

criterion_group!(benches, page_writes, whole_move);
criterion_main!(benches);
