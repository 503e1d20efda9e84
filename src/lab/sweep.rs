//! `lpm sweep`: one move per point of a grid of parameters, as a table, CSV, JSON Lines or SVG.

use super::{Outcome, Preset, Subject, run_move, run_parallel, threads_for};
use crate::Scenario;
use crate::report::svg::{Chart, Figure, Series, Style};
use crate::spec::Switchover;
use crate::spec::Workload;
use crate::units::bytes as human_bytes;
use crate::units::num;

/// A parameter a sweep can vary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    WritesMibS,
    HotPercent,
    HotShare,
    RegionPercent,
    MemoryGib,
    /// The partition's share of zero pages.
    ZeroPercent,
    BandwidthGbps,
    LatencyMs,
    PageSizeKib,
    /// The PercentClean threshold (switches the rule to PercentClean).
    Threshold,
    /// The DowntimeLimit in ms (switches the rule to DowntimeLimit).
    DowntimeLimitMs,
    MaxRounds,
    MaxSentFactor,
}

impl Param {
    const ALL: [(&'static str, Param, &'static str); 13] = [
        ("writes_mib_s", Param::WritesMibS, "MiB/s"),
        ("hot_percent", Param::HotPercent, "%"),
        ("hot_share", Param::HotShare, ""),
        ("region_percent", Param::RegionPercent, "%"),
        ("memory_gib", Param::MemoryGib, "GiB"),
        ("zero_percent", Param::ZeroPercent, "%"),
        ("bandwidth_gbps", Param::BandwidthGbps, "Gbit/s"),
        ("latency_ms", Param::LatencyMs, "ms"),
        ("page_size_kib", Param::PageSizeKib, "KiB"),
        ("threshold", Param::Threshold, "% clean"),
        ("downtime_limit_ms", Param::DowntimeLimitMs, "ms"),
        ("max_rounds", Param::MaxRounds, "rounds"),
        ("max_sent_factor", Param::MaxSentFactor, "x memory"),
    ];

    pub fn parse(s: &str) -> Result<Param, String> {
        Param::ALL
            .iter()
            .find(|(n, _, _)| *n == s)
            .map(|(_, p, _)| *p)
            .ok_or_else(|| {
                let names: Vec<&str> = Param::ALL.iter().map(|(n, _, _)| *n).collect();
                format!(
                    "unknown parameter {s:?} (the parameters are {})",
                    names.join(", ")
                )
            })
    }

    pub fn name(self) -> &'static str {
        Param::ALL
            .iter()
            .find(|(_, p, _)| *p == self)
            .map_or("?", |x| x.0)
    }

    pub fn unit(self) -> &'static str {
        Param::ALL
            .iter()
            .find(|(_, p, _)| *p == self)
            .map_or("", |x| x.2)
    }

    /// The values a scenario may hold, (least, most): a value outside is refused with the
    /// range before anything runs (`writes_mib_s=1e308` was reported as 9223372036854775807,
    /// `max_rounds=1e12` silently became 4294967295).
    pub fn range(self) -> (f64, f64) {
        use crate::scenario as sc;
        match self {
            Param::WritesMibS => (0.0, sc::MAX_WRITES_MIB_S),
            Param::HotPercent | Param::RegionPercent | Param::ZeroPercent | Param::Threshold => {
                (0.0, 100.0)
            }
            Param::HotShare => (0.0, 1.0),
            // A frame of 64 TiB, beyond any POWER frame; the frame's own size is checked too.
            Param::MemoryGib => (0.0, 65_536.0),
            // 10 Tbit/s, beyond any link a mover drives.
            Param::BandwidthGbps => (sc::MIN_BANDWIDTH_GBPS, 10_000.0),
            Param::LatencyMs | Param::DowntimeLimitMs => (0.0, sc::MAX_DELAY_MS),
            Param::PageSizeKib => (4.0, 64.0),
            Param::MaxRounds => (1.0, sc::MAX_ROUNDS as f64),
            Param::MaxSentFactor => (1.0, sc::MAX_SENT_FACTOR),
        }
    }

    /// Parameters that only take whole numbers.
    fn integral(self) -> bool {
        matches!(self, Param::PageSizeKib | Param::MaxRounds)
    }

    /// Sets this parameter of the move of partition `pi` in `s`.
    fn set(self, s: &mut Scenario, pi: usize, v: f64) -> Result<(), String> {
        let name = s.partitions[pi].name.clone();
        let wrong = |w: &Workload| {
            format!(
                "{} does not apply to {name}'s workload ({})",
                self.name(),
                workload_kind(w)
            )
        };
        match self {
            Param::WritesMibS => match &mut s.partitions[pi].workload {
                w @ Workload::Idle => *w = Workload::Uniform { writes_mib_s: v },
                Workload::Uniform { writes_mib_s }
                | Workload::Hotspot { writes_mib_s, .. }
                | Workload::Sequential { writes_mib_s, .. } => *writes_mib_s = v,
                w => return Err(wrong(w)),
            },
            Param::HotPercent | Param::HotShare => match &mut s.partitions[pi].workload {
                Workload::Hotspot {
                    hot_percent,
                    hot_share,
                    ..
                } => {
                    if self == Param::HotPercent {
                        *hot_percent = v
                    } else {
                        *hot_share = v
                    }
                }
                w => return Err(wrong(w)),
            },
            Param::RegionPercent => match &mut s.partitions[pi].workload {
                Workload::Sequential { region_percent, .. } => *region_percent = v,
                w => return Err(wrong(w)),
            },
            Param::MemoryGib => s.partitions[pi].memory_gib = v,
            Param::ZeroPercent => s.partitions[pi].zero_percent = v,
            Param::BandwidthGbps => s.link.bandwidth_gbps = v,
            Param::LatencyMs => s.link.latency_ms = v,
            Param::PageSizeKib => s.page_size_kib = v as u32,
            Param::Threshold => s.policy.switchover = Switchover::PercentClean(v),
            Param::DowntimeLimitMs => s.policy.switchover = Switchover::DowntimeLimit { ms: v },
            Param::MaxRounds => s.policy.max_rounds = v as u32,
            Param::MaxSentFactor => s.policy.max_sent_factor = v,
        }
        Ok(())
    }
}

fn workload_kind(w: &Workload) -> &'static str {
    match w {
        Workload::Idle => "Idle",
        Workload::Uniform { .. } => "Uniform",
        Workload::Hotspot { .. } => "Hotspot",
        Workload::Sequential { .. } => "Sequential",
        Workload::Phased { .. } => "Phased",
    }
}

/// One `--vary`: a parameter and the values it takes, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub param: Param,
    pub values: Vec<f64>,
}

/// Most values one `--vary` may take, and most points a sweep may have: a typo such as
/// `:1000000` should be an error, not an afternoon.
pub const MAX_STEPS: usize = 1000;
pub const MAX_POINTS: usize = 10_000;

impl Vary {
    /// `PARAM=FROM..TO[:STEPS]` (STEPS values evenly spaced, ends included; 5 when left out),
    /// `PARAM=A,B,C` or `PARAM=A`.
    pub fn parse(s: &str) -> Result<Vary, String> {
        let syntax = "expected PARAM=FROM..TO[:STEPS], PARAM=A,B,C or PARAM=VALUE";
        let (name, spec) = s
            .split_once('=')
            .ok_or_else(|| format!("--vary {s:?}: {syntax}"))?;
        let param = Param::parse(name.trim()).map_err(|e| format!("--vary {s:?}: {e}"))?;
        let number = |x: &str| -> Result<f64, String> {
            let v: f64 = x
                .trim()
                .parse()
                .map_err(|_| format!("--vary {s:?}: {:?} is not a number", x.trim()))?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!("--vary {s:?}: {v} is not a finite number"))
            }
        };
        let values = if let Some((from, rest)) = spec.split_once("..") {
            let (to, steps) = match rest.split_once(':') {
                Some((to, steps)) => {
                    let n: usize = steps.trim().parse().map_err(|_| {
                        format!(
                            "--vary {s:?}: STEPS {:?} is not a whole number",
                            steps.trim()
                        )
                    })?;
                    (to, n)
                }
                None => (rest, 5),
            };
            let (a, b) = (number(from)?, number(to)?);
            if !(1..=MAX_STEPS).contains(&steps) {
                return Err(format!(
                    "--vary {s:?}: STEPS must be 1 to {MAX_STEPS}, not {steps}"
                ));
            }
            if steps == 1 {
                if a != b {
                    return Err(format!("--vary {s:?}: one step cannot go from {a} to {b}"));
                }
                vec![a]
            } else {
                (0..steps)
                    .map(|i| a + (b - a) * i as f64 / (steps - 1) as f64)
                    .collect()
            }
        } else {
            spec.split(',').map(number).collect::<Result<Vec<_>, _>>()?
        };
        if values.is_empty() || values.len() > MAX_STEPS {
            return Err(format!("--vary {s:?}: 1 to {MAX_STEPS} values"));
        }
        if param.integral() && values.iter().any(|v| v.fract() != 0.0) {
            return Err(format!(
                "--vary {s:?}: {} takes whole numbers",
                param.name()
            ));
        }
        if values.iter().any(|v| *v < 0.0) {
            return Err(format!("--vary {s:?}: values must be 0 or more"));
        }
        let (lo, hi) = param.range();
        if let Some(v) = values.iter().find(|v| !(lo..=hi).contains(*v)) {
            return Err(crate::scenario::tidy_message(&format!(
                "--vary {s:?}: {} must be from {lo} to {hi}, not {v}",
                param.name()
            )));
        }
        Ok(Vary { param, values })
    }
}

/// A whole sweep: what to run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: Scenario,
    pub subject: Subject,
    pub vary: Vec<Vary>,
    pub preset: Option<Preset>,
}

/// The varied parameters' values at one point of the grid, in `--vary` order.
pub type Values = Vec<(Param, f64)>;

/// One point of the grid and what its move did (or why it could not run).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub params: Values,
    pub outcome: Result<Outcome, String>,
}

/// A finished sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub title: String,
    pub policy: String,
    pub params: Vec<Param>,
    pub points: Vec<Point>,
}

impl Plan {
    /// Every point of the grid, last `--vary` fastest, as the scenario it runs. A point whose
    /// scenario makes no sense (a page size of 34 KiB, a bandwidth of 0) is an error naming
    /// the point and the problem, before anything runs.
    pub fn scenarios(&self) -> Result<Vec<(Values, Scenario)>, String> {
        for (i, v) in self.vary.iter().enumerate() {
            if self.vary[..i].iter().any(|w| w.param == v.param) {
                return Err(format!("--vary {} is given twice", v.param.name()));
            }
        }
        let points: usize = self.vary.iter().map(|v| v.values.len()).product();
        if points > MAX_POINTS {
            return Err(format!(
                "{points} points are too many for one sweep (at most {MAX_POINTS})"
            ));
        }
        let mut base = self.subject.one_move(&self.scenario);
        if let Some(p) = self.preset {
            let pages = base.pages_of(base.partitions[self.subject.partition].memory_gib);
            base.policy = p.apply(&base.policy, pages);
        }
        // A point may need more memory than the file as written (memory_gib, page_size_kib):
        // the same check as loading, against what this machine has.
        let available = crate::scenario::available_memory_bytes();
        let mut out = Vec::with_capacity(points);
        for k in 0..points {
            let mut s = base.clone();
            let mut params = Vec::with_capacity(self.vary.len());
            let mut rest = k;
            let mut idx = vec![0; self.vary.len()];
            for (j, v) in self.vary.iter().enumerate().rev() {
                idx[j] = rest % v.values.len();
                rest /= v.values.len();
            }
            for (v, &i) in self.vary.iter().zip(&idx) {
                v.param
                    .set(&mut s, self.subject.partition, v.values[i])
                    .map_err(|e| format!("--vary: {e}"))?;
                params.push((v.param, v.values[i]));
            }
            let problems = s.problems(available);
            if !problems.is_empty() {
                let at: Vec<String> = params
                    .iter()
                    .map(|(p, v)| format!("{}={}", p.name(), num(*v)))
                    .collect();
                let msgs: Vec<String> = problems.into_iter().map(|p| p.message).collect();
                return Err(format!("at {}: {}", at.join(" "), msgs.join("; ")));
            }
            out.push((params, s));
        }
        Ok(out)
    }

    /// Runs every point on `threads` threads (one per core when `None`).
    pub fn run(&self, threads: Option<usize>) -> Result<Sweep, String> {
        let grid = self.scenarios()?;
        let world = grid
            .iter()
            .map(|(_, s)| s.simulation_bytes())
            .fold(0.0, f64::max);
        let threads = threads_for(threads, grid.len(), world);
        let outcomes = run_parallel(grid.len(), threads, |i| run_move(&grid[i].1, &self.subject));
        let policy = grid
            .first()
            .map(|(_, s)| super::describe_policy(&s.policy))
            .unwrap_or_default();
        let p = &self.scenario.partitions[self.subject.partition];
        Ok(Sweep {
            title: format!(
                "{}: {} ({} -> {}), {} GiB, {} workload",
                self.scenario.name,
                p.name,
                p.system,
                self.subject.to,
                num(p.memory_gib),
                workload_kind(&p.workload)
            ),
            policy,
            params: self.vary.iter().map(|v| v.param).collect(),
            points: grid
                .into_iter()
                .zip(outcomes)
                .map(|((params, _), outcome)| Point { params, outcome })
                .collect(),
        })
    }
}

impl Sweep {
    /// The table for a person: varied values, then the simulated move, then the model.
    pub fn text(&self) -> String {
        let mut header: Vec<String> = self
            .params
            .iter()
            .map(|p| match p.unit() {
                "" => p.name().to_string(),
                u => format!("{} ({u})", p.name()),
            })
            .collect();
        header.extend(
            [
                "rounds",
                "total",
                "downtime",
                "sent",
                "sent/mem",
                "faults",
                "converged",
                "model rounds",
                "model total",
                "model downtime",
            ]
            .map(String::from),
        );
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut notes = Vec::new();
        for pt in &self.points {
            let mut row: Vec<String> = pt.params.iter().map(|(_, v)| fmt_value(*v)).collect();
            match &pt.outcome {
                Ok(o) => row.extend([
                    o.rounds.to_string(),
                    format!("{:.2} s", o.total_s),
                    format!("{:.1} ms", o.downtime_ms),
                    human_bytes(o.bytes_sent as f64),
                    format!("{:.2}x", o.sent_ratio),
                    o.demand_faults.to_string(),
                    converged_word(o),
                    o.predicted_rounds.to_string(),
                    format!("{:.2} s", o.predicted_total_s),
                    format!("{:.1} ms", o.predicted_downtime_ms),
                ]),
                Err(e) => {
                    row.extend(std::iter::repeat_n("-".to_string(), 10));
                    let at: Vec<String> = pt
                        .params
                        .iter()
                        .map(|(p, v)| format!("{}={}", p.name(), fmt_value(*v)))
                        .collect();
                    notes.push(format!("at {}: {e}", at.join(" ")));
                }
            }
            rows.push(row);
        }
        let mut out = format!("{}\npolicy: {}\n", self.title, self.policy);
        out.push_str(&table(&header, &rows));
        for n in notes {
            out.push_str(&format!("not run {n}\n"));
        }
        if self
            .points
            .iter()
            .any(|p| p.outcome.as_ref().is_ok_and(|o| !o.verified))
        {
            out.push_str("WARNING: a move's memory did not verify\n");
        }
        out
    }

    /// CSV: one header line, one line per point, plain numbers in base units.
    pub fn csv(&self) -> String {
        let mut out: Vec<String> = self.params.iter().map(|p| p.name().to_string()).collect();
        out.extend(
            [
                "rounds",
                "total_s",
                "downtime_ms",
                "bytes_sent",
                "sent_ratio",
                "demand_faults",
                "users_dropped",
                "converged",
                "switch_reason",
                "verified",
                "predicted_rounds",
                "predicted_total_s",
                "predicted_downtime_ms",
                "predicted_bytes_sent",
                "predicted_converged",
                "error",
            ]
            .map(String::from),
        );
        let mut text = out.join(",") + "\n";
        for pt in &self.points {
            let mut row: Vec<String> = pt.params.iter().map(|(_, v)| v.to_string()).collect();
            match &pt.outcome {
                Ok(o) => row.extend([
                    o.rounds.to_string(),
                    o.total_s.to_string(),
                    o.downtime_ms.to_string(),
                    o.bytes_sent.to_string(),
                    o.sent_ratio.to_string(),
                    o.demand_faults.to_string(),
                    o.users_dropped.to_string(),
                    o.converged.to_string(),
                    o.switch_reason.clone(),
                    o.verified.to_string(),
                    o.predicted_rounds.to_string(),
                    o.predicted_total_s.to_string(),
                    o.predicted_downtime_ms.to_string(),
                    o.predicted_bytes_sent.to_string(),
                    o.predicted_converged.to_string(),
                    String::new(),
                ]),
                Err(e) => {
                    row.extend(std::iter::repeat_n(String::new(), 15));
                    // Quoted, inner quotes doubled (RFC 4180): messages hold commas.
                    row.push(format!("\"{}\"", e.replace('"', "\"\"")));
                }
            }
            text.push_str(&row.join(","));
            text.push('\n');
        }
        text
    }

    /// JSON Lines: one object per point, `params` holding the varied values by name.
    pub fn json_lines(&self) -> String {
        let mut out = String::new();
        for pt in &self.points {
            let params: serde_json::Map<String, serde_json::Value> = pt
                .params
                .iter()
                .map(|(p, v)| (p.name().to_string(), serde_json::json!(v)))
                .collect();
            let mut obj = serde_json::Map::new();
            obj.insert("params".into(), params.into());
            match &pt.outcome {
                Ok(o) => {
                    if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(o) {
                        obj.extend(m);
                    }
                }
                Err(e) => {
                    obj.insert("error".into(), e.clone().into());
                }
            }
            out.push_str(&serde_json::Value::Object(obj).to_string());
            out.push('\n');
        }
        out
    }

    /// Total time and downtime against the first varied parameter, simulated (solid) against
    /// predicted (dashed); one colour per combination of the other varied parameters.
    pub fn figure(&self) -> Figure {
        let Some(&x_param) = self.params.first() else {
            return Figure::new(&self.title, Vec::new(), 1);
        };
        // Group points by the values of the other parameters, in grid order.
        let mut groups: Vec<(String, Vec<&Point>)> = Vec::new();
        for pt in &self.points {
            let key: Vec<String> = pt.params[1..]
                .iter()
                .map(|(p, v)| format!("{}={}", p.name(), fmt_value(*v)))
                .collect();
            let key = key.join(" ");
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, g)) => g.push(pt),
                None => groups.push((key, vec![pt])),
            }
        }
        let x_label = match x_param.unit() {
            "" => x_param.name().to_string(),
            u => format!("{} ({u})", x_param.name()),
        };
        let panel =
            |title: &str, y_label: &str, sim: fn(&Outcome) -> f64, model: fn(&Outcome) -> f64| {
                let mut series = Vec::new();
                for (c, (key, pts)) in groups.iter().enumerate() {
                    let suffix = if key.is_empty() {
                        String::new()
                    } else {
                        format!(", {key}")
                    };
                    let ok = || {
                        pts.iter()
                            .filter_map(|p| p.outcome.as_ref().ok().map(|o| (p.params[0].1, o)))
                    };
                    series.push(Series {
                        name: format!("simulated{suffix}"),
                        points: ok().map(|(x, o)| (x, sim(o))).collect(),
                        style: Style::Line,
                        colour: c,
                    });
                    series.push(Series {
                        name: format!("predicted{suffix}"),
                        points: ok().map(|(x, o)| (x, model(o))).collect(),
                        style: Style::Dashed,
                        colour: c,
                    });
                }
                Chart {
                    title: title.to_string(),
                    x_label: x_label.clone(),
                    y_label: y_label.to_string(),
                    series,
                }
            };
        let mut figure = Figure::new(
            &self.title,
            vec![
                panel(
                    "Total time of the move",
                    "total time (s)",
                    |o| o.total_s,
                    |o| o.predicted_total_s,
                ),
                panel(
                    "Downtime (suspend window)",
                    "downtime (ms)",
                    |o| o.downtime_ms,
                    |o| o.predicted_downtime_ms,
                ),
                panel(
                    "Data sent",
                    "sent / memory (x)",
                    |o| o.sent_ratio,
                    |o| {
                        // The prediction in bytes over the same memory size as the simulation.
                        if o.bytes_sent == 0 {
                            0.0
                        } else {
                            o.predicted_bytes_sent * o.sent_ratio / o.bytes_sent as f64
                        }
                    },
                ),
                panel(
                    "Pre-copy rounds",
                    "rounds",
                    |o| o.rounds as f64,
                    |o| o.predicted_rounds as f64,
                ),
            ],
            2,
        );
        figure.subtitle = format!(
            "policy: {}; solid: simulated, dashed: analytic model",
            self.policy
        );
        figure
    }
}

fn converged_word(o: &Outcome) -> String {
    if o.converged {
        "yes".into()
    } else {
        format!("NO ({})", o.switch_reason.replace('_', " "))
    }
}

/// A parameter value as short as it reads: 100, 0.5, 12.25.
fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A table with figures to the right, padded to the widest cell of each column.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (cell, w) in cells.iter().zip(&widths) {
            s.push_str(&format!("{cell:>w$}  "));
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    for r in rows {
        out.push_str(&line(r));
    }
    out
}
