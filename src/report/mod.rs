//! Headless output of a run: JSON Lines (DOMAIN.md section 5) and text for a person.
//!
//! Both are built from the engine's event stream alone, so that they can never disagree with
//! each other or with the dashboard, which consumes the same events.

use serde::Serialize;

use crate::engine::{Completion, Event, EventKind};
use crate::narrate::narrate;
use crate::units::bytes as human_bytes;

/// What a run has done so far, counted from its events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Finished moves, in the order they finished.
    pub completed: Vec<Completion>,
    /// (partition, round, reason) of each stopped move.
    pub stopped: Vec<(String, u32, String)>,
    pub validation_failed: usize,
    /// Actions the engine could not carry out (a stop refused, an unknown name...).
    pub refused: usize,
    /// Moves a fault ended before their point of no return.
    pub migration_failed: usize,
    /// (partition, pages missing) of each partition a fault in the pull phase lost.
    pub lost: Vec<(String, u64)>,
}

impl Tally {
    pub fn observe(&mut self, e: &Event) {
        match &e.kind {
            EventKind::MigrationCompleted(c) => self.completed.push(c.clone()),
            EventKind::MigrationStopped {
                partition,
                reason,
                round,
            } => self
                .stopped
                .push((partition.clone(), *round, reason.clone())),
            EventKind::ValidationFailed { .. } => self.validation_failed += 1,
            EventKind::StopRefused { .. } | EventKind::ActionRefused { .. } => self.refused += 1,
            EventKind::MigrationFailed { .. } => self.migration_failed += 1,
            EventKind::PartitionLost {
                partition,
                pages_missing,
                ..
            } => self.lost.push((partition.clone(), *pages_missing)),
            _ => {}
        }
    }

    /// Moves that failed: a fault ended them (before the point of no return, or by losing the
    /// partition in the pull phase), or their target image did not verify. A stop is the
    /// operator's choice, not a failure.
    pub fn failed(&self) -> usize {
        self.completed.iter().filter(|c| !c.verified).count()
            + self.migration_failed
            + self.lost.len()
    }
}

/// The last line of `--json`: DOMAIN.md section 5's `summary`, plus `in_flight` (moves still
/// running when `--until` ended the run) and `refused` (actions the engine refused).
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub t: f64,
    pub event: &'static str,
    pub completed: usize,
    pub stopped: usize,
    pub failed: usize,
    pub validation_failed: usize,
    pub in_flight: usize,
    pub refused: usize,
    /// Partitions lost to a fault in the pull phase: data loss.
    pub lost: usize,
    pub pages_lost: u64,
    pub migrations: &'a [Completion],
    /// The estate's energy (DOMAIN.md section 7), only when the run uses energy, so that the
    /// summaries of runs that do not stay as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub energy_wh: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saved_wh: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames: Option<Vec<crate::engine::FrameEnergy>>,
}

impl<'a> Summary<'a> {
    pub fn new(t: f64, tally: &'a Tally, in_flight: usize) -> Summary<'a> {
        Summary {
            t,
            event: "summary",
            completed: tally.completed.len(),
            stopped: tally.stopped.len(),
            failed: tally.failed(),
            validation_failed: tally.validation_failed,
            in_flight,
            refused: tally.refused,
            lost: tally.lost.len(),
            pages_lost: tally.lost.iter().map(|(_, n)| n).sum(),
            migrations: &tally.completed,
            energy_wh: None,
            saved_wh: None,
            frames: None,
        }
    }

    /// The summary with the estate's energy, when the run uses energy.
    pub fn with_energy(mut self, engine: &crate::engine::Engine) -> Summary<'a> {
        if engine.energy_in_use() {
            let r = engine.energy_report(self.t);
            self.energy_wh = Some(r.energy_wh);
            self.saved_wh = Some(r.saved_wh);
            self.frames = Some(r.frames);
        }
        self
    }
}

/// The energy table after a text run (only when the run uses energy): each frame's state,
/// use, draw and energy, then the estate's, and what powering frames off saved.
pub fn energy_table(r: &crate::engine::EnergyReport) -> String {
    let mut out = String::from(
        "
energy:
",
    );
    out.push_str(&format!(
        "{:<16} {:<13} {:>6} {:>6} {:>8} {:>10} {:>9}\n",
        "frame", "state", "cpu", "memory", "watts", "energy", "off"
    ));
    for f in &r.frames {
        out.push_str(&format!(
            "{:<16} {:<13} {:>5.1}% {:>5.1}% {:>6.0} W {:>6.3} kWh {:>7.0} s\n",
            f.name,
            f.state.label(),
            f.cpu_percent,
            f.memory_percent,
            f.watts,
            f.energy_wh / 1000.0,
            f.off_s
        ));
    }
    out.push_str(&format!(
        "estate: {:.3} kWh drawn, {:.3} kWh with every frame on, {:.3} kWh saved; {:.0} W now\n",
        r.energy_wh / 1000.0,
        r.all_on_wh / 1000.0,
        r.saved_wh / 1000.0,
        r.watts
    ));
    out
}

/// One event as one line of JSON.
pub fn json_line(e: &Event) -> String {
    serde_json::to_string(e).unwrap_or_else(|err| {
        // Events hold only strings, numbers and lists; a failure here is a bug worth seeing.
        format!(
            "{{\"t\":{},\"event\":\"error\",\"reason\":{:?}}}",
            e.t,
            err.to_string()
        )
    })
}

pub fn summary_json(s: &Summary) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// One event as a line for a person: its time and its narration, the dashboard's log line.
pub fn text_line(e: &Event, page_kib: u32) -> String {
    format!("{:>9.3} s  {}", e.t, narrate(&e.kind, page_kib).text)
}

/// The table after a text run: one row per finished move, then the stopped ones and counts.
pub fn text_summary(t: f64, tally: &Tally, in_flight: &[String]) -> String {
    let mut out = String::new();
    out.push_str(&format!("\nat {t:.3} s:\n"));
    if tally.completed.is_empty() {
        out.push_str("no move completed\n");
    } else {
        let header = [
            "partition",
            "from -> to",
            "rounds",
            "total",
            "downtime",
            "post-copy stall",
            "sent",
            "faults",
            "dropped",
            "converged",
            "verified",
        ];
        let rows: Vec<[String; 11]> = tally
            .completed
            .iter()
            .map(|c| {
                [
                    c.partition.clone(),
                    format!("{} -> {}", c.from, c.to),
                    if c.inactive {
                        "-".to_string()
                    } else {
                        c.rounds.to_string()
                    },
                    format!("{:.1} s", c.total_s),
                    format!("{:.1} ms", c.downtime_ms),
                    // Beside the downtime, what resume-then-pull cost after it: the time the
                    // partition waited on pages it lacked, and the share of its writes lost.
                    if c.postcopy_s > 0.0 {
                        format!(
                            "{:.1} ms ({:.1}% of writes)",
                            c.postcopy_stall_ms, c.postcopy_slowdown_percent
                        )
                    } else {
                        "-".to_string()
                    },
                    human_bytes(c.bytes_sent as f64),
                    c.demand_faults.to_string(),
                    c.users_dropped.to_string(),
                    yes_no(c.converged).to_string(),
                    yes_no(c.verified).to_string(),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let fmt_row = |cells: &[&str]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                // Text columns to the left, figures to the right.
                if i < 2 {
                    s.push_str(&format!("{cell:<w$}  "));
                } else {
                    s.push_str(&format!("{cell:>w$}  "));
                }
            }
            s.trim_end().to_string() + "\n"
        };
        out.push_str(&fmt_row(&header));
        for r in &rows {
            out.push_str(&fmt_row(&r.each_ref().map(String::as_str)));
        }
    }
    for (p, round, reason) in &tally.stopped {
        out.push_str(&format!("{p}: stopped in round {round} ({reason})\n"));
    }
    if !in_flight.is_empty() {
        out.push_str(&format!("still moving: {}\n", in_flight.join(", ")));
    }
    for (partition, pages) in &tally.lost {
        out.push_str(&format!(
            "DATA LOSS: {partition} was lost in its pull phase; {pages} pages never reached the target\n"
        ));
    }
    let unverified = tally.completed.iter().filter(|c| !c.verified).count();
    out.push_str(&format!(
        "{} completed, {} stopped, {} failed by a fault, {} lost, {} failed verification, {} failed validation, {} refused\n",
        tally.completed.len(),
        tally.stopped.len(),
        tally.migration_failed,
        tally.lost.len(),
        unverified,
        tally.validation_failed,
        tally.refused
    ));
    out
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "NO" }
}

pub mod advice;
pub mod drive;
pub mod plan;
pub mod run_plot;
pub mod svg;

/// A move's rounds as CSV: one header line, one line per round (the dashboard's `c` key).
pub fn rounds_csv(rounds: &[crate::engine::RoundStats]) -> String {
    let mut out = String::from(
        "round,pages_sent,bytes_sent,pages_dirtied,duration_s,dirty_rate_pages_s,\
         transfer_rate_bytes_s,remaining_pages,clean_percent,expected_downtime_ms,zero_pages,\
         bytes_normal,bytes_zero\n",
    );
    for r in rounds {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.round,
            r.pages_sent,
            r.bytes_sent,
            r.pages_dirtied,
            r.duration_s,
            r.dirty_rate_pages_s,
            r.transfer_rate_bytes_s,
            r.remaining_pages,
            r.clean_percent,
            r.expected_downtime_ms,
            r.zero_pages,
            r.bytes_normal,
            r.bytes_zero
        ));
    }
    out
}
