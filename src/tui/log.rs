//! The log: the engine's events as readable lines with a level, the latest 500 kept. The log
//! pane (`render::log`) draws them; the runtime also hands them to `tracing` for tui-logger.

use super::app::App;
use super::fmt;
use crate::engine::{Event, EventKind, SwitchReason};

/// Log lines kept.
const LOG_LINES: usize = 500;

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

/// One readable line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub t: f64,
    pub level: Level,
    pub text: String,
}

impl App {
    /// The log lines the level filter lets through.
    pub fn visible_log(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        let level = self.log_level;
        self.log.iter().filter(move |l| l.level <= level)
    }

    /// Adds a line (and hands it to `tracing` when the runtime's logger shows the pane).
    pub(super) fn push_log(&mut self, t: f64, level: Level, text: String) {
        if self.trace {
            let line = format!("{:>9.3} s  {text}", t);
            match level {
                Level::Error => tracing::error!(target: "lpm", "{line}"),
                Level::Warn => tracing::warn!(target: "lpm", "{line}"),
                Level::Info => tracing::info!(target: "lpm", "{line}"),
                Level::Debug => tracing::debug!(target: "lpm", "{line}"),
            }
        }
        if self.log.len() >= LOG_LINES {
            self.log.pop_front();
        }
        self.log.push_back(LogLine { t, level, text });
    }

    /// An engine event as a readable log line.
    pub(super) fn record_event(&mut self, e: &Event) {
        let (level, text) = describe(e, self.snap.page_size_kib);
        self.push_log(e.t, level, text);
    }
}

fn reason_label(r: SwitchReason) -> &'static str {
    match r {
        SwitchReason::Threshold => "threshold met",
        SwitchReason::MaxRounds => "round limit reached, not converged",
        SwitchReason::MaxSentFactor => "sent-data limit reached, not converged",
    }
}

/// An engine event in words, with its level.
fn describe(e: &Event, page_kib: u32) -> (Level, String) {
    let bytes = |pages: f64| fmt::bytes(pages * page_kib as f64 * 1024.0);
    match &e.kind {
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
        } => (
            Level::Info,
            format!(
                "{partition}: move {from} → {to} started{}",
                if *inactive {
                    " (not activated: profile only)"
                } else {
                    ""
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
                reason_label(*reason),
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
        } => (
            Level::Info,
            format!("evacuating {from} → {to}: {moving} moving, {refused} refused"),
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
        EventKind::MspFailed { system } => (
            Level::Error,
            format!("{system}: mover service partitions FAILED"),
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
            phase,
            round,
            source_intact,
        } => (
            Level::Error,
            format!(
                "{partition}: move FAILED in {phase} (round {round}): {reason}; {}",
                if *source_intact {
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
    }
}
