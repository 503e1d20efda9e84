//! lpm's QEMU loop (`policy.precopy: Qemu`) held against real QEMU 10.0.2 migrations.
//!
//! `tests/data/qemu/results.jsonl` holds 19 real pre-copy migrations between two QEMU
//! processes (tests/data/qemu/README.md says how each was made). For each, this test builds
//! the lpm scenario that describes the same guest and link, from the guest's and the link's
//! properties only, never from the outcome:
//! - memory: the guest's RAM (`total`, in 4 KiB pages);
//! - zero pages: those QEMU found zero (`duplicate`), as `zero_percent`;
//! - the workload: the dirtier's uniform writes (`rate_achieved`; with auto-converge the rate
//!   it achieved unthrottled before the move) over its working set (`ws_pages`), written as a
//!   Hotspot whose every write lands in a region of that many pages (the guest's other
//!   non-zero pages, its kernel and page cache, are sent once and never written);
//! - the link: `link_bw` (the paced proxy), or a loopback of 16 Gbit/s where there was none;
//!   QEMU's `max-bandwidth` as the move's bandwidth cap (its rate limit; lifted for the
//!   stop-and-copy, as QEMU does);
//! - the policy: QEMU's loop, its downtime limit, stop and copy, auto-converge as measured,
//!   a fixed 8 ms to stop the guest and start the copy (QEMU's own over loopback: 9 ms for
//!   8.1 MiB), no caps (QEMU has none); a move the harness cancelled is stopped at the same time.
//!
//! Held: total time and data sent within 7%, dirty-bitmap syncs within 25%, and, over a capped
//! link, the downtime within 20% of what that link shows for the data QEMU had pending at its
//! switch-over (pending x 4,104 bytes a page / the link's rate + the same 8 ms). QEMU's own
//! `downtime` ends when its last byte is in the socket, not when it has crossed the link, so
//! on this harness it is not the figure to compare (README, "lpm against real QEMU").
//!
//! Where lpm departs and cannot honestly close the gap, the point is listed in `DEPARTURES`
//! with its reason; the test fails if a listed departure no longer departs (the list must stay
//! true) as well as if an unlisted one appears.

use std::time::Duration;

use lpm::Scenario;
use lpm::engine::Engine;
use lpm::spec::{
    Action, FinalPhase, LinkSpec, PartitionSpec, PartitionState, Policy, Precopy, Processor,
    ScriptStep, Switchover, SystemSpec, Workload,
};
use serde_json::Value;

const RESULTS: &str = include_str!("data/qemu/results.jsonl");

const PAGE: f64 = 4096.0;
/// QEMU's header before each page on the wire.
const HEADER: f64 = 8.0;
/// Stopping the guest and starting the stop-and-copy, ms (one figure for every point).
const STOP_MS: f64 = 8.0;
/// A loopback link where the harness had no proxy: 2 GB/s.
const LOOPBACK_GBPS: f64 = 16.0;

const TIME_TOL: f64 = 0.07;
const DATA_TOL: f64 = 0.07;
const SYNC_TOL: f64 = 0.25;
const DOWNTIME_TOL: f64 = 0.20;

/// Why lpm departs from a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// At 75-90% of the link the end-game creeps under the threshold at the rate the link
    /// outruns the guest (time goes as 1/(link - dirty rate)), so the outcome follows the link's
    /// real rate at the 1% level, and the loaded host's proxy ran below nominal on average and
    /// by up to 20% over single seconds. The test checks that the link rate the run measured
    /// brings lpm closer.
    LinkRate,
    /// The guest's answer to a CPU throttle: lpm's is a CPU-bound guest's, (1 - t) of its
    /// writes; the measured dirtier is timer-paced and makes up each throttle sleep but the
    /// part more than 2 ms late (`--lag-cap-ms 2`: 72% of its writes at 40%, not 60%).
    Throttle,
    /// Past the link's rate without auto-converge, the pages newly dirtied each second
    /// (about 8,000) nearly equal the pages the link carries (8,176): the length of each
    /// interval between syncs drifts with the difference, which the guest's own kernel writes
    /// and the proxy's rate decide.
    Balance,
    /// The data pending at the switch-over lies anywhere from a check's worth of sending below
    /// the threshold up to it: in this 3.3 s run QEMU, limiter-bound (its sender ran ahead of
    /// the link into the socket buffers), checked once a 100 ms window, 832 pages apart, and
    /// switched with 1,768 pages; lpm checks every 50 ms and switches with 2,303 of the
    /// threshold's 2,458.
    LastWindow,
}

/// Points and figures lpm does not hold, and why (README, "lpm against real QEMU", has the
/// whole table).
const DEPARTURES: &[(&str, Metric, Why)] = &[
    ("r128-10pct-dl300-verify", Metric::Downtime, Why::LastWindow),
    ("r256-75pct-dl100", Metric::Total, Why::LinkRate),
    ("r256-75pct-dl100", Metric::Data, Why::LinkRate),
    ("r256-90pct-dl300", Metric::Total, Why::LinkRate),
    ("r256-90pct-dl300", Metric::Data, Why::LinkRate),
    ("r512-75pct-dl300", Metric::Total, Why::LinkRate),
    ("r512-75pct-dl300", Metric::Data, Why::LinkRate),
    ("r256-110pct-noac", Metric::Syncs, Why::Balance),
    ("r256-110pct-ac-lag2", Metric::Total, Why::Throttle),
    ("r256-110pct-ac-lag2", Metric::Data, Why::Throttle),
    ("r256-130pct-ac-lag2-verify", Metric::Total, Why::Throttle),
    ("r256-130pct-ac-lag2-verify", Metric::Data, Why::Throttle),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Total,
    Data,
    Syncs,
    Downtime,
}

impl Metric {
    fn name(self) -> &'static str {
        match self {
            Metric::Total => "total time",
            Metric::Data => "data",
            Metric::Syncs => "syncs",
            Metric::Downtime => "downtime",
        }
    }

    fn tolerance(self) -> f64 {
        match self {
            Metric::Total => TIME_TOL,
            Metric::Data => DATA_TOL,
            Metric::Syncs => SYNC_TOL,
            Metric::Downtime => DOWNTIME_TOL,
        }
    }
}

/// One real migration, as the harness measured it.
struct Measured {
    label: String,
    cancelled: bool,
    pages: u64,
    ws_pages: u64,
    zero_pages: u64,
    writes_s: f64,
    max_bandwidth: f64,
    link_bw: Option<f64>,
    downtime_limit_ms: f64,
    auto_converge: bool,
    max_time_s: f64,
    total_ms: f64,
    transferred: f64,
    syncs: f64,
    /// What a link of `link_bw` takes for the pages pending at the switch-over, ms.
    link_downtime_ms: Option<f64>,
    /// QEMU's mean pre-copy rate in this run, bytes/s (from 1 s to its last active sample):
    /// only to check the `LinkRate` explanation, never to hold a point.
    measured_rate: f64,
}

impl Measured {
    fn parse(line: &str) -> Measured {
        let d: Value = serde_json::from_str(line).expect("a results line is JSON");
        let f = |k: &str| d[k].as_f64().unwrap_or_else(|| panic!("{k} in {line:.60}"));
        let auto_converge = d["auto_converge"].as_bool().unwrap();
        let link_bw = d["link_bw"].as_f64().filter(|&b| b > 0.0);
        let argv: Vec<&str> = d["argv"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let max_time_s = argv
            .iter()
            .position(|a| *a == "--max-time")
            .map_or(110.0, |i| argv[i + 1].parse().unwrap());
        let pending = d["switchover"]["pending_bytes"].as_f64();
        Measured {
            label: d["label"].as_str().unwrap().to_string(),
            cancelled: d["status"].as_str() != Some("completed"),
            pages: (f("total") / PAGE) as u64,
            ws_pages: f("ws_pages") as u64,
            zero_pages: f("duplicate") as u64,
            // With auto-converge the guest's rate before the move: lpm throttles it itself.
            writes_s: if auto_converge {
                d["guest"]["achieved_rate_pre"].as_f64().unwrap()
            } else {
                f("rate_achieved")
            },
            max_bandwidth: f("max_bandwidth"),
            link_bw,
            downtime_limit_ms: f("downtime_limit_ms"),
            auto_converge,
            max_time_s,
            total_ms: f("total_time_ms"),
            transferred: f("transferred"),
            syncs: f("dirty_sync_count"),
            link_downtime_ms: match (link_bw, pending) {
                (Some(bw), Some(p)) => Some(STOP_MS + p / PAGE * (PAGE + HEADER) / bw * 1000.0),
                _ => None,
            },
            measured_rate: mean_precopy_rate(&d),
        }
    }

    /// The lpm scenario of the same guest, link and policy.
    fn scenario(&self) -> Scenario {
        self.scenario_at(self.link_bw, self.max_bandwidth)
    }

    /// The same with the link and the rate limit at `link_bw` and `max_bandwidth`, bytes/s.
    fn scenario_at(&self, link_bw: Option<f64>, max_bandwidth: f64) -> Scenario {
        let memory_gib = self.pages as f64 * PAGE / (1u64 << 30) as f64;
        let written = self.pages - self.zero_pages;
        let sys = |name: &str| SystemSpec {
            name: name.into(),
            processor: Processor::Power9,
            cpus: 4.0,
            memory_gib: 4.0,
            vlans: vec![],
            sans: vec![],
            msps: 1,
            mover_gbps: None,
            power: None,
            powered_off: false,
            vios: Vec::new(),
        };
        let cap_mib_s = max_bandwidth / (1u64 << 20) as f64;
        Scenario {
            name: self.label.clone(),
            seed: 1,
            page_size_kib: 4,
            link: LinkSpec {
                bandwidth_gbps: link_bw.map_or(LOOPBACK_GBPS, |b| b * 8.0 / 1e9),
                latency_ms: 0.0,
                payload_efficiency: 1.0,
            },
            systems: vec![sys("src"), sys("dst")],
            partitions: vec![PartitionSpec {
                name: "vm".into(),
                system: "src".into(),
                memory_gib,
                cpus: 1.0,
                compat: Processor::Power9,
                state: PartitionState::Running,
                dedicated_io: false,
                vlans: vec![],
                sans: vec![],
                users: 0,
                workload: Workload::Hotspot {
                    writes_mib_s: self.writes_s * PAGE / (1u64 << 20) as f64,
                    hot_percent: self.ws_pages as f64 / written as f64 * 100.0,
                    hot_share: 1.0,
                },
                zero_percent: self.zero_pages as f64 / self.pages as f64 * 100.0,
                cpu_load: None,
                adapters: Default::default(),
            }],
            policy: Policy {
                switchover: Switchover::DowntimeLimit {
                    ms: self.downtime_limit_ms,
                },
                final_phase: FinalPhase::StopAndCopy,
                precopy: Precopy::Qemu,
                auto_converge: self.auto_converge,
                suspend_overhead_ms: STOP_MS,
                max_rounds: 1_000_000,
                max_sent_factor: 1_000.0,
                ..Policy::default()
            },
            script: vec![
                ScriptStep {
                    at_s: 0.0,
                    action: Action::SetBandwidthCap {
                        partition: "vm".into(),
                        mib_s: cap_mib_s,
                    },
                },
                ScriptStep {
                    at_s: 0.0,
                    action: Action::migrate("vm", "dst"),
                },
            ],
        }
    }
}

/// What lpm's QEMU loop did with the same guest.
#[derive(Debug, Clone)]
struct Modelled {
    total_ms: f64,
    transferred: f64,
    syncs: f64,
    downtime_ms: Option<f64>,
    zero_pages: u64,
    verified: bool,
}

/// QEMU's `transferred` over time, from the first sample at or after 1 s to the last active one.
fn mean_precopy_rate(d: &Value) -> f64 {
    let fields: Vec<&str> = d["samples"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let col = |name: &str| fields.iter().position(|f| *f == name).unwrap();
    let (t, x, status) = (col("t"), col("transferred"), col("status"));
    let points: Vec<(f64, f64)> = d["samples"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r[status].as_str() == Some("active") && r[x].is_number())
        .map(|r| (r[t].as_f64().unwrap(), r[x].as_f64().unwrap()))
        .collect();
    let a = points.iter().find(|p| p.0 >= 1.0).unwrap();
    let b = points.last().unwrap();
    (b.1 - a.1) / (b.0 - a.0)
}

fn model(m: &Measured) -> Modelled {
    run_scenario(m, m.scenario())
}

fn run_scenario(m: &Measured, s: Scenario) -> Modelled {
    assert!(
        s.problems(None).is_empty(),
        "{}: {:?}",
        m.label,
        s.problems(None)
    );
    let mut e = Engine::new(&s).unwrap();
    let horizon = if m.cancelled { m.max_time_s } else { 300.0 };
    while e.now() < horizon && !e.is_settled() {
        e.advance(Duration::from_millis(500));
    }
    if m.cancelled {
        // The harness cancelled the move at --max-time: so does the operator here.
        let _ = e.apply(&Action::Stop {
            partition: "vm".into(),
        });
    }
    let mv = e.moves().last().expect("the move started").clone();
    let done = e.completions();
    match done.first() {
        Some(c) => Modelled {
            total_ms: c.total_s * 1000.0,
            transferred: c.bytes_sent as f64,
            syncs: c.rounds as f64,
            downtime_ms: Some(c.downtime_ms),
            zero_pages: c.zero_pages,
            verified: c.verified,
        },
        None => Modelled {
            total_ms: e.now() * 1000.0,
            transferred: mv.bytes().total() as f64,
            syncs: mv.round() as f64,
            downtime_ms: None,
            zero_pages: mv.zero_pages_sent(),
            verified: true,
        },
    }
}

fn rel(x: f64, of: f64) -> f64 {
    (x - of) / of
}

#[test]
fn lpm_holds_to_real_qemu() {
    let measured: Vec<Measured> = RESULTS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(Measured::parse)
        .collect();
    assert_eq!(measured.len(), 19, "the 19 measured migrations");
    let modelled: Vec<Modelled> =
        lpm::lab::run_parallel(measured.len(), 2, |i| model(&measured[i]));
    let mut table = String::from(
        "| point | total ms: QEMU / lpm | MiB sent: QEMU / lpm | syncs: QEMU / lpm | downtime ms: link / lpm |\n|---|---|---|---|---|\n",
    );
    let mut problems = Vec::new();
    for (m, o) in measured.iter().zip(&modelled) {
        assert!(o.verified, "{}: lpm's move verifies", m.label);
        assert_eq!(
            o.zero_pages, m.zero_pages,
            "{}: every zero page sent once",
            m.label
        );
        let mut figures = vec![
            (Metric::Data, m.transferred, o.transferred),
            (Metric::Syncs, m.syncs, o.syncs),
        ];
        // A cancelled move's time is the harness's, not the engine's.
        if !m.cancelled {
            figures.push((Metric::Total, m.total_ms, o.total_ms));
        }
        if let (Some(want), Some(got)) = (m.link_downtime_ms, o.downtime_ms) {
            figures.push((Metric::Downtime, want, got));
        }
        for (metric, want, got) in figures {
            let err = rel(got, want);
            let holds = err.abs() <= metric.tolerance();
            let listed = DEPARTURES
                .iter()
                .find(|(l, x, _)| *l == m.label && *x == metric);
            match (holds, listed) {
                (false, None) => problems.push(format!(
                    "{}: {} {got:.1} against {want:.1} ({:+.1}%, tolerance {:.0}%)",
                    m.label,
                    metric.name(),
                    err * 100.0,
                    metric.tolerance() * 100.0
                )),
                (true, Some((_, _, why))) => problems.push(format!(
                    "{}: {} now holds ({:+.1}%): remove it from DEPARTURES ({why:?})",
                    m.label,
                    metric.name(),
                    err * 100.0
                )),
                _ => {}
            }
        }
        let cell = |want: f64, got: f64, scale: f64, digits: usize| {
            format!(
                "{:.*} / {:.*} ({:+.1}%)",
                digits,
                want / scale,
                digits,
                got / scale,
                rel(got, want) * 100.0
            )
        };
        table.push_str(&format!(
            "| {}{} | {} | {} | {} | {} |\n",
            m.label,
            if m.cancelled { " (cancelled)" } else { "" },
            if m.cancelled {
                format!("{:.0} / cancelled at the same time", m.total_ms)
            } else {
                cell(m.total_ms, o.total_ms, 1.0, 0)
            },
            cell(m.transferred, o.transferred, 1048576.0, 1),
            cell(m.syncs, o.syncs, 1.0, 0),
            match (m.link_downtime_ms, o.downtime_ms) {
                (Some(w), Some(g)) => cell(w, g, 1.0, 0),
                _ => "-".into(),
            },
        ));
    }
    println!("{table}");
    // The link-rate explanation, checked: at the rate each run's link actually carried, lpm
    // comes closer on every figure it departs on.
    let rated: Vec<&Measured> = measured
        .iter()
        .filter(|m| {
            DEPARTURES
                .iter()
                .any(|(l, _, w)| *l == m.label && *w == Why::LinkRate)
        })
        .collect();
    let at_rate = lpm::lab::run_parallel(rated.len(), 2, |k| {
        let m = rated[k];
        run_scenario(m, m.scenario_at(Some(m.measured_rate), m.measured_rate))
    });
    for (m, c) in rated.iter().zip(&at_rate) {
        let o = &modelled[measured.iter().position(|x| x.label == m.label).unwrap()];
        for (metric, want, nominal, rated) in [
            (Metric::Total, m.total_ms, o.total_ms, c.total_ms),
            (Metric::Data, m.transferred, o.transferred, c.transferred),
        ] {
            println!(
                "{}: {} {:+.1}% at the nominal link, {:+.1}% at the measured {:.2} MB/s",
                m.label,
                metric.name(),
                rel(nominal, want) * 100.0,
                rel(rated, want) * 100.0,
                m.measured_rate / 1e6
            );
            if rel(rated, want).abs() >= rel(nominal, want).abs() {
                problems.push(format!(
                    "{}: {} is no closer at the link rate the run measured",
                    m.label,
                    metric.name()
                ));
            }
        }
    }
    for (label, metric, why) in DEPARTURES {
        println!("departs: {label}, {}: {why:?}", metric.name());
    }
    assert!(problems.is_empty(), "{}\n\n{table}", problems.join("\n"));
}
