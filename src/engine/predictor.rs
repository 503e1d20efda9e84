//! The analytic pre-copy model: geometric rounds with saturation of the written working set.
//!
//! Round k sends the pages dirtied during round k-1; W writes spread over M pages touch
//! M(1 - (1 - 1/M)^W) distinct pages (uniform), so the series shrinks while the link outruns the
//! writes and levels off at the working set when it does not. Hot regions and sweeps have their
//! own distinct-page laws below.

use serde::{Deserialize, Serialize};

use super::event::SwitchReason;
use crate::spec::Workload;
use crate::spec::workload::region_pages;
use crate::spec::{FinalPhase, Policy, Switchover};

/// What the model expects of a move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub rounds: u32,
    pub pages_sent: f64,
    pub downtime_ms: f64,
    /// From the start of pre-copy to the last page on the target.
    pub total_s: f64,
    /// Seconds of pre-copy before the switch-over.
    pub precopy_s: f64,
    pub reason: SwitchReason,
    /// Pages sent in each pre-copy round.
    pub round_pages: Vec<f64>,
}

impl Prediction {
    pub fn converges(&self) -> bool {
        self.reason.converged()
    }
}

/// A move as the model sees it.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub pages: u64,
    /// The payload rate the move gets, pages/s.
    pub link_pages_s: f64,
    /// Page writes per second, after throttles.
    pub write_pages_s: f64,
    pub workload: &'a Workload,
    pub policy: &'a Policy,
    pub latency_s: f64,
}

/// Distinct pages touched by `w` writes of `workload` over `m` pages.
pub fn distinct_pages(workload: &Workload, m: u64, w: f64) -> f64 {
    let mf = m as f64;
    if m == 0 || w <= 0.0 {
        return 0.0;
    }
    // 1 - (1 - p)^w, accurate for tiny p.
    let touched = |p: f64, w: f64| -(w * (-p).ln_1p()).exp_m1();
    match workload {
        Workload::Hotspot {
            hot_percent,
            hot_share,
            ..
        } => {
            let h = region_pages(m as usize, *hot_percent) as f64;
            let p_hot = hot_share / h + (1.0 - hot_share) / mf;
            let p_cold = (1.0 - hot_share) / mf;
            h * touched(p_hot, w) + (mf - h) * touched(p_cold, w)
        }
        Workload::Sequential { region_percent, .. } => {
            w.min(region_pages(m as usize, *region_percent) as f64)
        }
        _ => mf * touched(1.0 / mf, w),
    }
}

/// The whole move, from the first full pass.
pub fn predict(i: &Inputs) -> Prediction {
    predict_from(i, i.pages as f64, 0, 0.0)
}

/// The rest of a move whose round `round` (0 before the first) has `to_send` pages left and
/// has sent `sent` pages so far.
pub fn predict_from(i: &Inputs, to_send: f64, round: u32, sent: f64) -> Prediction {
    let m = i.pages as f64;
    let rate = i.link_pages_s.max(1e-9);
    let fixed_ms = i.policy.suspend_overhead_ms + i.latency_s * 1000.0;
    let leaf = i.workload.at(0.0);
    let mut p = Prediction {
        rounds: round.max(1),
        pages_sent: sent,
        downtime_ms: fixed_ms,
        total_s: 0.0,
        precopy_s: 0.0,
        reason: SwitchReason::Threshold,
        round_pages: Vec::new(),
    };
    let mut send = to_send;
    let mut round = round.max(1);
    loop {
        let secs = send / rate;
        p.pages_sent += send;
        p.precopy_s += secs;
        p.round_pages.push(send);
        let dirty = distinct_pages(leaf, i.pages, i.write_pages_s * secs);
        let met = match i.policy.switchover {
            Switchover::PercentClean(pct) => (m - dirty) / m.max(1.0) * 100.0 >= pct,
            Switchover::DowntimeLimit { ms } => dirty / rate * 1000.0 <= ms,
        };
        let reason = if met {
            Some(SwitchReason::Threshold)
        } else if round >= i.policy.max_rounds {
            Some(SwitchReason::MaxRounds)
        } else if p.pages_sent >= i.policy.max_sent_factor * m {
            Some(SwitchReason::MaxSentFactor)
        } else {
            None
        };
        if let Some(reason) = reason {
            p.rounds = round;
            p.reason = reason;
            let final_s = dirty / rate;
            p.pages_sent += dirty;
            match i.policy.final_phase {
                FinalPhase::StopAndCopy => {
                    p.downtime_ms = fixed_ms + final_s * 1000.0;
                    p.total_s = p.precopy_s + p.downtime_ms / 1000.0;
                }
                FinalPhase::ResumeThenPull => {
                    p.total_s = p.precopy_s + fixed_ms / 1000.0 + final_s;
                }
            }
            return p;
        }
        send = dirty;
        round += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_case_matches_hand_computation() {
        // DOMAIN.md / issue 2: 262,144 pages, 30,000 pages/s, 6,000 writes/s, 300 ms limit.
        let policy = Policy {
            switchover: Switchover::DowntimeLimit { ms: 300.0 },
            final_phase: FinalPhase::StopAndCopy,
            suspend_overhead_ms: 0.0,
            ..Policy::default()
        };
        let w = Workload::Uniform { writes_mib_s: 0.0 };
        let p = predict(&Inputs {
            pages: 262_144,
            link_pages_s: 30_000.0,
            write_pages_s: 6_000.0,
            workload: &w,
            policy: &policy,
            latency_s: 0.0,
        });
        assert_eq!(p.rounds, 3);
        assert!((p.pages_sent - 320_856.0).abs() < 50.0, "{}", p.pages_sent);
        assert!((p.downtime_ms - 62.0).abs() < 1.0, "{}", p.downtime_ms);
        assert!(p.converges());
    }

    #[test]
    fn saturation_caps_distinct_pages() {
        let w = Workload::Uniform { writes_mib_s: 1.0 };
        assert!(distinct_pages(&w, 1000, 1e9) <= 1000.0);
        assert!((distinct_pages(&w, 1000, 1.0) - 1.0).abs() < 1e-9);
        let seq = Workload::Sequential {
            writes_mib_s: 1.0,
            region_percent: 10.0,
        };
        assert_eq!(distinct_pages(&seq, 1000, 50.0), 50.0);
        assert_eq!(distinct_pages(&seq, 1000, 5000.0), 100.0);
    }

    #[test]
    fn a_writer_faster_than_the_link_hits_a_cap() {
        let policy = Policy::default();
        let w = Workload::Uniform { writes_mib_s: 0.0 };
        let p = predict(&Inputs {
            pages: 100_000,
            link_pages_s: 10_000.0,
            write_pages_s: 50_000.0,
            workload: &w,
            policy: &policy,
            latency_s: 0.0,
        });
        assert!(!p.converges());
    }
}
