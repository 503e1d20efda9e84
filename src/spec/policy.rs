//! When a move switches over, and what happens then.

use serde::{Deserialize, Serialize};

use super::power::{self, Balancer, Consolidation};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Switchover {
    /// PowerVM LPM: switch when at least this share of pages is clean on the target.
    PercentClean(f64),
    /// QEMU: switch when remaining bytes / measured bandwidth fits in this many milliseconds.
    DowntimeLimit { ms: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum FinalPhase {
    /// PowerVM: resume on the target at once, push the rest, fetch on demand.
    #[default]
    ResumeThenPull,
    /// QEMU, Xen: copy every remaining page while the partition is suspended.
    StopAndCopy,
}

impl FinalPhase {
    /// In a few words: "resume then pull", "stop and copy".
    pub fn label(self) -> &'static str {
        match self {
            FinalPhase::ResumeThenPull => "resume then pull",
            FinalPhase::StopAndCopy => "stop and copy",
        }
    }
}

/// Which pre-copy loop moves the memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Precopy {
    /// lpm's rounds: each round sends the whole set the last bitmap sync took, then syncs;
    /// never-written (zero) pages are not sent at all, as PowerVM does.
    #[default]
    Rounds,
    /// QEMU 10.0's migration loop (migration/migration.c, ram.c): rate-limited 100 ms
    /// windows, a bitmap sync whenever the pending data falls below bandwidth x downtime
    /// limit, left-over pages carried, every page on the wire with an 8-byte header, zero
    /// pages as headers alone, auto-converge on a 1 s period and a 5 s sync timer, and a
    /// stop-and-copy at the link's full speed. `rounds` counts dirty-bitmap syncs.
    Qemu,
}

impl Precopy {
    pub fn label(self) -> &'static str {
        match self {
            Precopy::Rounds => "rounds",
            Precopy::Qemu => "QEMU's loop",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub switchover: Switchover,
    pub final_phase: FinalPhase,
    pub max_rounds: u32,
    pub max_sent_factor: f64,
    pub auto_converge: bool,
    pub suspend_overhead_ms: f64,
    pub msp_max_ops: u32,
    pub user_timeout_s: f64,
    /// How long a pre-copy move survives a dead link before it fails (the MSP connection
    /// timeout); until then it is reported stalled.
    pub link_timeout_s: f64,
    /// How long a partition resumed on the target waits for an unreachable source before its
    /// missing pages are given up: the partition is lost.
    pub pull_timeout_s: f64,
    /// Rounds without the remaining data falling before a move is flagged as not converging.
    pub stall_rounds: u32,
    /// How long a move with redundant mover pairs sends nothing while its standby pair takes
    /// over from a failed one.
    pub msp_failover_s: f64,
    /// The pre-copy loop: lpm's `Rounds` or QEMU's own (`Qemu`).
    pub precopy: Precopy,
    /// Load balancing across frames (? Off).
    #[serde(skip_serializing_if = "Balancer::is_off")]
    pub balancer: Balancer,
    /// Powering idle frames off and on again (? Off).
    #[serde(skip_serializing_if = "Consolidation::is_off")]
    pub consolidation: Consolidation,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            switchover: Switchover::PercentClean(99.0),
            final_phase: FinalPhase::ResumeThenPull,
            max_rounds: 30,
            max_sent_factor: 3.0,
            auto_converge: false,
            suspend_overhead_ms: 50.0,
            msp_max_ops: 8,
            user_timeout_s: 15.0,
            link_timeout_s: 10.0,
            pull_timeout_s: 30.0,
            stall_rounds: 3,
            msp_failover_s: 2.0,
            precopy: Precopy::Rounds,
            balancer: Balancer::default(),
            consolidation: Consolidation::default(),
        }
    }
}

impl Policy {
    /// Every value out of range, one message each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.switchover {
            Switchover::PercentClean(p) if !(p > 0.0 && p <= 100.0) => out.push(format!(
                "policy.switchover: PercentClean must be above 0 and at most 100, not {p}"
            )),
            Switchover::DowntimeLimit { ms } if !(ms.is_finite() && ms > 0.0) => out.push(format!(
                "policy.switchover: DowntimeLimit ms must be above 0, not {ms}"
            )),
            _ => {}
        }
        if self.max_rounds == 0 {
            out.push("policy.max_rounds must be at least 1".into());
        }
        if !(self.max_sent_factor.is_finite() && self.max_sent_factor >= 1.0) {
            out.push(format!(
                "policy.max_sent_factor must be at least 1.0, not {}",
                self.max_sent_factor
            ));
        }
        if !(self.suspend_overhead_ms.is_finite() && self.suspend_overhead_ms >= 0.0) {
            out.push(format!(
                "policy.suspend_overhead_ms must be 0 or more, not {}",
                self.suspend_overhead_ms
            ));
        }
        if self.msp_max_ops == 0 {
            out.push("policy.msp_max_ops must be at least 1".into());
        }
        if !(self.user_timeout_s.is_finite() && self.user_timeout_s > 0.0) {
            out.push(format!(
                "policy.user_timeout_s must be above 0, not {}",
                self.user_timeout_s
            ));
        }
        for (name, v) in [
            ("link_timeout_s", self.link_timeout_s),
            ("pull_timeout_s", self.pull_timeout_s),
            ("msp_failover_s", self.msp_failover_s),
        ] {
            if !(v.is_finite() && v > 0.0) {
                out.push(format!("policy.{name} must be above 0, not {v}"));
            }
        }
        if self.stall_rounds == 0 {
            out.push("policy.stall_rounds must be at least 1".into());
        }
        out.extend(power::policy_problems(&self.balancer, &self.consolidation));
        out
    }
}
