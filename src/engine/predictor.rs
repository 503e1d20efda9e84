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
use crate::spec::{FinalPhase, Policy, Precopy, Switchover};

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
    /// Bytes on the wire: pages at the page size, with QEMU's headers under its loop.
    pub bytes_sent: f64,
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
    /// Pages that are zero (never written): lpm's rounds do not send them, QEMU's loop sends
    /// each as a header; the workload writes the others.
    pub zero_pages: u64,
    /// The link's full payload rate, pages/s: QEMU's stop-and-copy lifts its rate limit.
    pub final_link_pages_s: f64,
    /// Bytes per page (QEMU's loop adds a header to each on the wire).
    pub page_bytes: f64,
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

/// The whole move, from the first full pass (lpm's rounds leave the zero pages out of it).
pub fn predict(i: &Inputs) -> Prediction {
    if i.policy.precopy == Precopy::Qemu {
        return predict_qemu(i, None, 1, 0.0);
    }
    predict_from(i, i.pages.saturating_sub(i.zero_pages) as f64, 0, 0.0)
}

/// The rest of a move whose round `round` (0 before the first) has `to_send` pages left and
/// has sent `sent` pages so far (QEMU's loop: `round` syncs so far, `to_send` pages pending).
pub fn predict_from(i: &Inputs, to_send: f64, round: u32, sent: f64) -> Prediction {
    if i.policy.precopy == Precopy::Qemu {
        return predict_qemu(i, Some(to_send), round.max(1), sent);
    }
    let m = i.pages as f64;
    // The workload writes only the pages that are not zero.
    let written = i.pages.saturating_sub(i.zero_pages);
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
        bytes_sent: 0.0,
    };
    let mut send = to_send;
    let mut round = round.max(1);
    let mut iterations = 0u32;
    loop {
        let secs = send / rate;
        p.pages_sent += send;
        p.precopy_s += secs;
        if p.round_pages.len() < ROUND_PAGES_KEPT {
            p.round_pages.push(send);
        }
        let dirty = distinct_pages(leaf, written, i.write_pages_s * secs);
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
            p.bytes_sent = p.pages_sent * i.page_bytes;
            return p;
        }
        // A series that has levelled off repeats itself until a cap: leap to the last round
        // before it in one go, so that caps of billions of rounds cost no more than a few.
        // Only after many rounds, so that every ordinary forecast is summed round by round.
        iterations += 1;
        if iterations >= LEAP_AFTER && (dirty - send).abs() <= send * 1e-12 && dirty > 0.0 {
            let by_rounds = f64::from(i.policy.max_rounds.saturating_sub(round));
            let by_sent = ((i.policy.max_sent_factor * m - p.pages_sent) / dirty).ceil();
            let leap = by_rounds.min(by_sent) - 1.0;
            if leap >= 1.0 {
                let leap = leap.min(f64::from(u32::MAX - round));
                p.pages_sent += leap * dirty;
                p.precopy_s += leap * (dirty / rate);
                round += leap as u32;
            }
        }
        send = dirty;
        round += 1;
    }
}

/// Rounds the forecast keeps one by one (for the charts); later ones are summed only.
pub const ROUND_PAGES_KEPT: usize = 4096;
/// Rounds summed one by one before a levelled-off series may be leapt over.
const LEAP_AFTER: u32 = 1000;

/// QEMU's loop in expectation (`policy.precopy: Qemu`; src/engine/qemu.rs has the loop
/// itself): the link sends the pending pages at their wire cost, and every check (each
/// `MAX_WAIT` of 50 ms, or each 100 ms window when a rate limit below the link holds the
/// sender) compares the pending data with the last window's bandwidth x the downtime limit.
/// Below it, a sync adds the distinct pages written since the last one that are not pending
/// any more; still below it, the move switches over (the sync in the downtime counts too).
/// Auto-converge is tested once a second of syncs, as QEMU does, so unlike lpm's rounds this
/// forecast follows its throttle.
///
/// `to_send`: the pages pending now (`None`: a move about to start, every page pending);
/// `syncs`: the syncs so far; `sent`: the pages sent so far.
fn predict_qemu(i: &Inputs, to_send: Option<f64>, syncs: u32, sent: f64) -> Prediction {
    const HEADER: f64 = 8.0;
    const ZERO_COST: f64 = 9.0;
    const MAX_SYNCS: u32 = 100_000;
    let n = i.pages as f64;
    let zeros = (i.zero_pages as f64).min(n);
    let written = i.pages.saturating_sub(i.zero_pages);
    let w_pages = written as f64;
    let pb = i.page_bytes.max(1.0);
    let normal_cost = pb + HEADER;
    let link = (i.link_pages_s * pb).max(1e-9);
    let full = (i.final_link_pages_s.max(i.link_pages_s) * pb).max(1e-9);
    // A sender held below its link by a rate limit spends each window's budget at once and
    // checks once a window; one the link holds back checks every MAX_WAIT.
    let check_s = if full > link * 1.5 { 0.1 } else { 0.05 };
    let fixed_ms = i.policy.suspend_overhead_ms + i.latency_s * 1000.0;
    let leaf = i.workload.at(0.0);
    // Pending pages: normal ones, and zero ones (only before the first pass is through).
    let (mut normal, mut zero) = match to_send {
        Some(p) => (p, 0.0),
        None => (w_pages, zeros),
    };
    let mut t = 0.0f64;
    let mut since_sync_writes = 0.0f64;
    let mut syncs = syncs;
    let mut sent_pages = sent;
    let mut sent_bytes = sent * normal_cost;
    let mut round_pages = Vec::new();
    let mut round_sent = 0.0f64;
    let mut throttle = 0.0f64;
    let mut high = 0u32;
    let (mut period_start, mut period_new, mut period_bytes0) = (0.0f64, 0.0f64, sent_bytes);
    let threshold_pages = |t: f64| match i.policy.switchover {
        // QEMU measures nothing in its first window: no threshold yet.
        Switchover::DowntimeLimit { ms } if t >= 0.1 || to_send.is_some() => {
            link * ms / 1000.0 / pb
        }
        Switchover::DowntimeLimit { .. } => 0.0,
        Switchover::PercentClean(pct) => n * (100.0 - pct) / 100.0,
    };
    let below = |pending: f64, t: f64| match i.policy.switchover {
        Switchover::PercentClean(_) => pending <= threshold_pages(t),
        Switchover::DowntimeLimit { .. } => pending < threshold_pages(t),
    };
    // Distinct pages written since the last sync that are not pending: they join it.
    let fresh = |writes: f64, pending_normal: f64| {
        let d = distinct_pages(leaf, written, writes);
        d * (1.0 - (pending_normal / w_pages.max(1.0)).min(1.0))
    };
    let reason = loop {
        // One check's worth of sending, at the wire cost of what is pending.
        let pending = normal + zero;
        let cost = if pending > 0.0 {
            (normal * normal_cost + zero * ZERO_COST) / pending
        } else {
            normal_cost
        };
        let can = link * check_s / cost;
        // Checks that cannot find the pending data below the threshold are skipped in one
        // go: the first pass, and each drain down to the threshold, cost a step or two.
        let thr = threshold_pages(t);
        if pending > 0.0 && (thr > 0.0 || t >= 0.1) && pending - thr > 2.0 * can {
            let skip = ((pending - thr) / can).floor() - 1.0;
            let go = skip * can;
            let share = go / pending;
            normal -= normal * share;
            zero -= zero * share;
            t += skip * check_s;
            sent_pages += go;
            round_sent += go;
            sent_bytes += go * cost;
            since_sync_writes += i.write_pages_s * (1.0 - throttle / 100.0) * skip * check_s;
            continue;
        }
        let go = can.min(pending);
        let dt = if pending > 0.0 && go < can {
            go * cost / link
        } else {
            check_s
        };
        if pending > 0.0 {
            let share = go / pending;
            normal -= normal * share;
            zero -= zero * share;
        }
        t += dt;
        sent_pages += go;
        round_sent += go;
        sent_bytes += go * cost;
        since_sync_writes += i.write_pages_s * (1.0 - throttle / 100.0) * dt;
        let pending = normal + zero;
        if !(below(pending, t) || pending < 0.5) {
            continue;
        }
        // A sync.
        let new = fresh(since_sync_writes, normal);
        since_sync_writes = 0.0;
        normal += new;
        syncs += 1;
        if round_pages.len() < ROUND_PAGES_KEPT {
            round_pages.push(round_sent);
        }
        round_sent = 0.0;
        period_new += new;
        if t > period_start + 1.0 {
            let bytes = sent_bytes - period_bytes0;
            if i.policy.auto_converge && period_new * pb > 0.5 * bytes {
                high += 1;
                if high >= 2 {
                    high = 0;
                    throttle = if throttle == 0.0 {
                        20.0
                    } else {
                        (throttle + 10.0).min(99.0)
                    };
                }
            }
            period_start = t;
            period_new = 0.0;
            period_bytes0 = sent_bytes;
        }
        let pending = normal + zero;
        if below(pending, t) || pending < 0.5 {
            break SwitchReason::Threshold;
        }
        if syncs + 1 >= i.policy.max_rounds.min(MAX_SYNCS) {
            break SwitchReason::MaxRounds;
        }
        if sent_bytes >= i.policy.max_sent_factor * n * pb {
            break SwitchReason::MaxSentFactor;
        }
    };
    // The stop: the sync in the downtime finds what was written since the last check.
    normal += fresh(since_sync_writes, normal);
    syncs += 1;
    if round_pages.len() < ROUND_PAGES_KEPT {
        round_pages.push(round_sent);
    }
    let final_bytes = normal * normal_cost + zero * ZERO_COST;
    sent_pages += normal + zero;
    let mut p = Prediction {
        rounds: syncs,
        pages_sent: sent_pages,
        downtime_ms: fixed_ms,
        total_s: 0.0,
        precopy_s: t,
        reason,
        round_pages,
        bytes_sent: sent_bytes + final_bytes,
    };
    match i.policy.final_phase {
        FinalPhase::StopAndCopy => {
            p.downtime_ms = fixed_ms + final_bytes / full * 1000.0;
            p.total_s = t + p.downtime_ms / 1000.0;
        }
        FinalPhase::ResumeThenPull => {
            p.total_s = t + fixed_ms / 1000.0 + final_bytes / link;
        }
    }
    p
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
            zero_pages: 0,
            final_link_pages_s: 0.0,
            page_bytes: 4096.0,
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

    /// 100,000 pages written five times faster than the link sends them.
    fn overrun<'a>(w: &'a Workload, policy: &'a Policy) -> Inputs<'a> {
        Inputs {
            pages: 100_000,
            link_pages_s: 10_000.0,
            write_pages_s: 50_000.0,
            workload: w,
            policy,
            latency_s: 0.0,
            zero_pages: 0,
            final_link_pages_s: 0.0,
            page_bytes: 4096.0,
        }
    }

    #[test]
    fn a_writer_faster_than_the_link_hits_a_cap() {
        let policy = Policy::default();
        let w = Workload::Uniform { writes_mib_s: 0.0 };
        let p = predict(&overrun(&w, &policy));
        assert!(!p.converges());
    }

    /// Issue 16, item 3: caps of billions of rounds and a sent factor of 1e308 once made the
    /// forecast loop for ever while its round list grew. It must end at the round cap, in
    /// bounded memory, with the same totals a round-by-round sum gives.
    #[test]
    fn enormous_caps_end_at_the_cap_in_bounded_memory() {
        let policy = Policy {
            max_rounds: u32::MAX,
            max_sent_factor: 1e308,
            ..Policy::default()
        };
        let w = Workload::Uniform { writes_mib_s: 0.0 };
        let inputs = overrun(&w, &policy);
        let p = predict(&inputs);
        assert_eq!(p.reason, SwitchReason::MaxRounds);
        assert_eq!(p.rounds, u32::MAX);
        assert!(p.round_pages.len() <= ROUND_PAGES_KEPT);
        // Levelled off at the working set: every round sends what the last one left dirty.
        let level = *p.round_pages.last().unwrap();
        let expected = level * f64::from(u32::MAX);
        assert!(
            (p.pages_sent - expected).abs() / expected < 1e-3,
            "{}",
            p.pages_sent
        );
        // A modest cap is summed round by round and agrees with the leap.
        let few = Policy {
            max_rounds: 5000,
            ..policy.clone()
        };
        let q = predict(&Inputs {
            policy: &few,
            ..inputs.clone()
        });
        assert_eq!(q.rounds, 5000);
        let per_round = (p.pages_sent - q.pages_sent) / f64::from(u32::MAX - 5000);
        assert!((per_round - level).abs() / level < 1e-6);
    }
}
