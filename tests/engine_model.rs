mod common;

use lpm::engine::{Engine, EventKind};
use std::time::Duration;

#[test]
fn textbook_case_agrees_with_the_analytic_model() {
    let mut e = Engine::new(&common::textbook()).unwrap();
    e.advance(Duration::from_secs(30));
    let events = e.drain_events();
    for ev in &events {
        println!("{}", serde_json::to_string(ev).unwrap());
    }
    let done = events
        .iter()
        .find_map(|ev| match &ev.kind {
            EventKind::MigrationCompleted(c) => Some(c.clone()),
            _ => None,
        })
        .expect("the move completes");
    assert_eq!(done.rounds, 3);
    assert!(done.verified);
    assert!(
        (done.pages_sent as f64 - 320_856.0).abs() < 320_856.0 * 0.005,
        "{}",
        done.pages_sent
    );
    assert!(
        (done.downtime_ms - 62.0).abs() < 62.0 * 0.05,
        "{}",
        done.downtime_ms
    );
}

#[test]
fn builtin_scenario_parses() {
    let s = lpm::Scenario::builtin();
    assert_eq!(s.systems[0].cpus, 64.0);
    assert!(s.partitions.len() >= 5);
}

mod grid {
    use super::common::*;
    use lpm::engine::Engine;
    use lpm::engine::predictor::{Inputs, predict};
    use lpm::spec::Workload;
    use lpm::spec::{FinalPhase, Policy, Switchover};

    const M: u64 = 262_144;
    const LINK: f64 = 30_000.0;

    fn simulate(writes_s: f64, policy: &Policy) -> lpm::engine::Completion {
        let mut s = textbook();
        s.policy = policy.clone();
        s.partitions[0].workload = Workload::Uniform {
            writes_mib_s: mib_s_of_pages(writes_s),
        };
        let mut e = Engine::new(&s).unwrap();
        let done = completions(&run(&mut e, 600.0));
        assert_eq!(done.len(), 1);
        assert!(done[0].verified);
        done[0].clone()
    }

    /// Tolerances: each round's dirty set is a random draw whose relative spread is about
    /// 1/sqrt(pages dirtied) (under 1% for the thousands of pages here), so totals agree to
    /// 2%; the round count can differ by one where the model lands within that spread of the
    /// threshold, and then pages and downtime legitimately differ by a round's worth, so they
    /// are compared only when the rounds agree.
    #[test]
    fn simulation_agrees_with_the_predictor_over_a_grid() {
        let policies = [
            Policy {
                switchover: Switchover::DowntimeLimit { ms: 300.0 },
                final_phase: FinalPhase::StopAndCopy,
                suspend_overhead_ms: 0.0,
                ..Policy::default()
            },
            Policy {
                switchover: Switchover::PercentClean(99.0),
                ..Policy::default()
            },
            Policy {
                switchover: Switchover::PercentClean(95.0),
                final_phase: FinalPhase::StopAndCopy,
                ..Policy::default()
            },
        ];
        let mut compared = 0;
        for policy in &policies {
            for writes_s in [1_500.0, 3_000.0, 6_000.0, 9_000.0, 12_000.0, 15_000.0] {
                let w = Workload::Uniform { writes_mib_s: 0.0 };
                let p = predict(&Inputs {
                    pages: M,
                    link_pages_s: LINK,
                    write_pages_s: writes_s,
                    workload: &w,
                    policy,
                    latency_s: 0.0,
                    zero_pages: 0,
                    final_link_pages_s: LINK,
                    page_bytes: 4096.0,
                });
                let s = simulate(writes_s, policy);
                let ctx = format!(
                    "{:?} at {writes_s} writes/s: sim {s:?} vs model {p:?}",
                    policy.switchover
                );
                assert!((s.rounds as i64 - p.rounds as i64).abs() <= 1, "{ctx}");
                assert_eq!(s.converged, p.converges(), "{ctx}");
                if s.rounds == p.rounds {
                    compared += 1;
                    let sent = s.pages_sent as f64;
                    assert!((sent - p.pages_sent).abs() / p.pages_sent < 0.02, "{ctx}");
                    assert!(
                        (s.downtime_ms - p.downtime_ms).abs() <= p.downtime_ms * 0.05 + 1.0,
                        "{ctx}"
                    );
                }
            }
        }
        assert!(
            compared >= 14,
            "only {compared} of 18 points had the same round count"
        );
    }

    #[test]
    fn past_the_link_rate_rounds_saturate_where_the_plain_geometric_model_explodes() {
        let policy = Policy {
            max_rounds: 6,
            max_sent_factor: 10.0,
            ..Policy::default()
        };
        let writes_s = 45_000.0; // 1.5x the link
        let mut s = textbook();
        s.policy = policy.clone();
        s.partitions[0].workload = Workload::Uniform {
            writes_mib_s: mib_s_of_pages(writes_s),
        };
        let mut e = Engine::new(&s).unwrap();
        let events = run(&mut e, 600.0);
        let sent: Vec<f64> = events
            .iter()
            .filter_map(|e| match &e.kind {
                lpm::engine::EventKind::RoundCompleted(r) => Some(r.pages_sent as f64),
                _ => None,
            })
            .collect();
        let w = Workload::Uniform { writes_mib_s: 0.0 };
        let p = predict(&Inputs {
            pages: M,
            link_pages_s: LINK,
            write_pages_s: writes_s,
            workload: &w,
            policy: &policy,
            latency_s: 0.0,
            zero_pages: 0,
            final_link_pages_s: LINK,
            page_bytes: 4096.0,
        });
        assert_eq!(sent.len(), 6);
        for (k, (s, m)) in sent.iter().zip(&p.round_pages).enumerate() {
            assert!(
                (s - m).abs() / m < 0.02,
                "round {}: sim {s} model {m}",
                k + 1
            );
            // The unsaturated series M (w/r)^k would be 1.5^k M: round 4 alone over 5 M pages.
            let geometric = M as f64 * (writes_s / LINK).powi(k as i32);
            assert!(*s <= M as f64 && (k < 2 || *s < geometric * 0.7));
        }
    }
}
