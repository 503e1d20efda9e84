//! Events in words: one narration for every reader of the event stream (the dashboard's log,
//! the text of `lpm run`), so the two never tell the same thing differently.

use crate::engine::{EventKind, Origin};
use crate::units as fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }
}

/// An event as a line a person reads, with how much it matters.
#[derive(Debug, Clone, PartialEq)]
pub struct Narration {
    pub level: Level,
    pub text: String,
}

/// An engine event in words, with its level: the one narration of events, for the dashboard's
/// log and `lpm run`'s text alike.
pub fn narrate(kind: &EventKind, page_kib: u32) -> Narration {
    let bytes = |pages: f64| fmt::bytes(pages * page_kib as f64 * 1024.0);
    let (level, text) = match kind {
        EventKind::ValidationPassed {
            partition,
            to,
            checks,
        } => (
            Level::Info,
            format!("{partition} → {to}: validation passed ({checks} checks)"),
        ),
        EventKind::ValidationFailed {
            partition,
            to,
            errors,
        } => (
            Level::Warn,
            format!(
                "{partition} → {to}: validation failed: {}",
                errors.join("; ")
            ),
        ),
        EventKind::MigrationQueued {
            partition,
            to,
            position,
            ..
        } => (
            Level::Info,
            format!("{partition} → {to}: queued for a mover slot (position {position})"),
        ),
        EventKind::MigrationStarted {
            partition,
            from,
            to,
            inactive,
            by,
        } => (
            Level::Info,
            format!(
                "{partition}: move {from} → {to} started{}{}",
                if *inactive {
                    " (not activated: profile only)"
                } else {
                    ""
                },
                // The policies' moves say whose they are; an operator's or the script's read as
                // they always have.
                match by {
                    Origin::Balancer | Origin::Consolidation => format!(" (by {})", by.name()),
                    Origin::Operator | Origin::Script => String::new(),
                }
            ),
        ),
        EventKind::RoundCompleted(r) => (
            Level::Debug,
            format!(
                "{}: round {} sent {} in {}, {} dirtied, {:.2}% clean, expected downtime {}",
                r.partition,
                r.round,
                bytes(r.pages_sent as f64),
                fmt::secs(r.duration_s),
                bytes(r.pages_dirtied as f64),
                r.clean_percent,
                fmt::ms(r.expected_downtime_ms)
            ),
        ),
        EventKind::AutoConvergeThrottle { partition, percent } => (
            Level::Info,
            format!("{partition}: auto-converge throttles the CPU to {percent:.0}%"),
        ),
        EventKind::Suspended {
            partition,
            remaining_pages,
            reason,
            expected_downtime_ms,
        } => (
            if reason.converged() {
                Level::Info
            } else {
                Level::Warn
            },
            format!(
                "{partition}: SUSPENDED ({}), {} left, expected downtime {}",
                reason.label(),
                bytes(*remaining_pages as f64),
                fmt::ms(*expected_downtime_ms)
            ),
        ),
        EventKind::Resumed {
            partition,
            system,
            downtime_ms,
            users_dropped,
        } => (
            if *users_dropped > 0 {
                Level::Warn
            } else {
                Level::Info
            },
            format!(
                "{partition}: RESUMED on {system} after {}{}",
                fmt::ms(*downtime_ms),
                if *users_dropped > 0 {
                    format!(", {users_dropped} users dropped")
                } else {
                    String::new()
                }
            ),
        ),
        EventKind::MigrationCompleted(c) => (
            if c.verified {
                Level::Info
            } else {
                Level::Error
            },
            if c.inactive {
                format!("{}: profile moved {} → {}", c.partition, c.from, c.to)
            } else {
                format!(
                    "{}: COMPLETE {} → {} in {}, {} rounds, downtime {}, {} sent, {} demand faults, {}",
                    c.partition,
                    c.from,
                    c.to,
                    fmt::secs(c.total_s),
                    c.rounds,
                    fmt::ms(c.downtime_ms),
                    fmt::bytes(c.bytes_sent as f64),
                    fmt::count(c.demand_faults),
                    if c.verified {
                        "verified"
                    } else {
                        "VERIFICATION FAILED"
                    }
                )
            },
        ),
        EventKind::MigrationStopped {
            partition,
            reason,
            round,
        } => (
            Level::Warn,
            format!("{partition}: move stopped in round {round}: {reason}"),
        ),
        EventKind::StopRefused { partition, reason } => {
            (Level::Warn, format!("{partition}: stop refused: {reason}"))
        }
        EventKind::BandwidthCapChanged { partition, mib_s } => (
            Level::Info,
            match mib_s {
                Some(c) => format!("{partition}: bandwidth cap {}", fmt::mib_s(*c)),
                None => format!("{partition}: bandwidth cap removed"),
            },
        ),
        EventKind::CpuThrottleChanged { partition, percent } => (
            Level::Info,
            format!("{partition}: CPU throttle {percent:.0}%"),
        ),
        EventKind::AutoConvergeChanged { partition, enabled } => (
            Level::Info,
            format!(
                "{partition}: auto-converge {}",
                if *enabled { "on" } else { "off" }
            ),
        ),
        EventKind::DedicatedIoRemoved { partition } => (
            Level::Info,
            format!("{partition}: dedicated I/O adapters removed (dynamic LPAR)"),
        ),
        EventKind::EvacuationStarted {
            from,
            to,
            moving,
            refused,
            ..
        } => (
            Level::Info,
            format!(
                "evacuating {from} → {}: {moving} moving, {refused} refused",
                to.as_deref()
                    .unwrap_or("the frames the placement rule picks")
            ),
        ),
        EventKind::EvacuationCompleted {
            from,
            moved,
            refused,
            total_s,
            frame_empty,
            left,
        } => (
            if *frame_empty {
                Level::Info
            } else {
                Level::Warn
            },
            format!(
                "{from}: evacuation done in {}: {moved} moved, {refused} refused; {}",
                fmt::secs(*total_s),
                if *frame_empty {
                    "the frame is empty".to_string()
                } else {
                    let why: Vec<String> = left
                        .iter()
                        .map(|l| format!("{} ({})", l.partition, l.reason))
                        .collect();
                    format!("still on it: {}", why.join(", "))
                }
            ),
        ),
        EventKind::ActionRefused { action, reason } => {
            (Level::Warn, format!("{action} refused: {reason}"))
        }
        EventKind::LinkDown { until_s } => (
            Level::Error,
            format!("LINK DOWN until {}", fmt::secs(*until_s)),
        ),
        EventKind::LinkDegraded {
            bandwidth_gbps,
            until_s,
        } => (
            Level::Warn,
            format!(
                "link degraded to {bandwidth_gbps} Gbit/s until {}",
                fmt::secs(*until_s)
            ),
        ),
        EventKind::LinkRestored { bandwidth_gbps } => (
            Level::Info,
            format!("link restored: {bandwidth_gbps} Gbit/s"),
        ),
        EventKind::MspFailed { system, msp } => (
            Level::Error,
            match msp {
                Some(m) => format!("{system}: mover {m} FAILED"),
                None => format!("{system}: mover service partitions FAILED"),
            },
        ),
        EventKind::MspFailover {
            partition,
            from_pair,
            to_pair,
        } => (
            Level::Warn,
            format!("{partition}: movers {from_pair} failed, carrying on over {to_pair}"),
        ),
        EventKind::Repaired { system, msp } => (
            Level::Info,
            match msp {
                Some(m) => format!("{system}: mover {m} repaired"),
                None => format!("{system}: repaired, its movers work again"),
            },
        ),
        EventKind::PartitionRestarted { partition } => (
            Level::Info,
            format!("{partition}: restarted on its repaired frame"),
        ),
        EventKind::FramePoweringOff { system } => (Level::Info, format!("{system}: powering off")),
        EventKind::FramePoweredOff { system } => (Level::Info, format!("{system}: powered off")),
        EventKind::FramePoweringOn { system, boot_s } => (
            Level::Info,
            format!("{system}: powering on ({boot_s:.0} s to boot)"),
        ),
        EventKind::FrameOperating { system } => (
            Level::Info,
            format!("{system}: operating, ready for partitions"),
        ),
        EventKind::CpuLoadChanged { partition, percent } => {
            (Level::Info, format!("{partition}: CPU load {percent:.0}%"))
        }
        EventKind::FinalPhaseChanged { phase } => (
            Level::Info,
            format!("policy: final phase {}", phase.label()),
        ),
        EventKind::FrameFailed { system } => (Level::Error, format!("{system}: FRAME FAILED")),
        EventKind::PartitionDown { partition, reason } => {
            (Level::Error, format!("{partition}: DOWN ({reason})"))
        }
        EventKind::MoveStalled { partition, reason } => {
            (Level::Warn, format!("{partition}: move stalled: {reason}"))
        }
        EventKind::MigrationFailed {
            partition,
            reason,
            down,
            phase,
            round,
            source_intact,
        } => (
            Level::Error,
            format!(
                "{partition}: move FAILED in {phase} (round {round}): {reason}; {}",
                if *down {
                    "it is DOWN with its source frame"
                } else if *source_intact {
                    "runs on at the source, memory intact"
                } else {
                    "SOURCE MEMORY DID NOT CHECK OUT"
                }
            ),
        ),
        EventKind::PartitionLost {
            partition,
            reason,
            pages_missing,
        } => (
            Level::Error,
            format!(
                "{partition}: LOST ({reason}): {} never reached the target",
                bytes(*pages_missing as f64)
            ),
        ),
        EventKind::ConvergenceStalled {
            partition,
            suggestion,
            ..
        } => (
            Level::Warn,
            format!("{partition}: not converging: {suggestion}"),
        ),
        EventKind::Recovered { partition } => (
            Level::Info,
            format!("{partition}: recovered, can move again"),
        ),
        EventKind::BalanceAdvised {
            partition,
            from,
            to,
            imbalance_before,
            imbalance_after,
            predicted_s,
            predicted_downtime_ms,
        } => (
            Level::Info,
            format!(
                "balancer: move {partition} {from} → {to}: imbalance {imbalance_before:.1} → \
                 {imbalance_after:.1} points (predicted {predicted_s:.1} s, \
                 {predicted_downtime_ms:.0} ms downtime)"
            ),
        ),
        EventKind::ConsolidationDecided {
            action,
            system,
            reason,
            mode,
        } => (
            Level::Info,
            format!(
                "consolidation{}: {} {system}: {reason}",
                if mode == "advise" { " advises" } else { "" },
                action.replace('_', " ")
            ),
        ),
    };
    Narration { level, text }
}
