//! What a partition's programs do to its memory: which pages they write, and how fast.

use serde::{Deserialize, Serialize};

/// A write pattern. Rates are in MiB/s of page writes (a write touches one whole page).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Workload {
    #[default]
    Idle,
    /// Every page equally likely.
    Uniform { writes_mib_s: f64 },
    /// `hot_share` of the writes land in a hot region of `hot_percent` of memory.
    Hotspot {
        writes_mib_s: f64,
        hot_percent: f64,
        hot_share: f64,
    },
    /// A cursor sweeping a region of `region_percent` of memory, page after page (a log, a scan).
    Sequential {
        writes_mib_s: f64,
        region_percent: f64,
    },
    /// A cycle of workloads, each for `secs` seconds.
    Phased { phases: Vec<(f64, Workload)> },
}

impl Workload {
    /// The workload in force at simulated time `t_s` (Phased resolved to one of its phases).
    pub fn at(&self, t_s: f64) -> &Workload {
        match self {
            Workload::Phased { phases } => {
                let cycle: f64 = phases.iter().map(|(s, _)| s.max(0.0)).sum();
                if cycle <= 0.0 {
                    return &Workload::Idle;
                }
                let mut into = t_s.rem_euclid(cycle);
                for (secs, w) in phases {
                    if into < *secs {
                        return w.at(into);
                    }
                    into -= secs.max(0.0);
                }
                phases
                    .last()
                    .map(|(_, w)| w.at(0.0))
                    .unwrap_or(&Workload::Idle)
            }
            w => w,
        }
    }

    /// The write rate in MiB/s at time `t_s`, before any throttle.
    pub fn writes_mib_s(&self, t_s: f64) -> f64 {
        match self.at(t_s) {
            Workload::Idle | Workload::Phased { .. } => 0.0,
            Workload::Uniform { writes_mib_s }
            | Workload::Hotspot { writes_mib_s, .. }
            | Workload::Sequential { writes_mib_s, .. } => *writes_mib_s,
        }
    }

    /// The average write rate over a whole cycle, in MiB/s.
    pub fn mean_writes_mib_s(&self) -> f64 {
        match self {
            Workload::Phased { phases } => {
                let cycle: f64 = phases.iter().map(|(s, _)| s.max(0.0)).sum();
                if cycle <= 0.0 {
                    return 0.0;
                }
                phases
                    .iter()
                    .map(|(s, w)| s.max(0.0) * w.mean_writes_mib_s())
                    .sum::<f64>()
                    / cycle
            }
            w => w.writes_mib_s(0.0),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Workload::Idle => "idle",
            Workload::Uniform { .. } => "uniform",
            Workload::Hotspot { .. } => "hotspot",
            Workload::Sequential { .. } => "sequential",
            Workload::Phased { .. } => "phased",
        }
    }

    /// Every rate and percentage in range; the messages name the offending field.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let rate = |r: f64, out: &mut Vec<String>| {
            if !(r.is_finite() && r >= 0.0) {
                out.push(format!("writes_mib_s must be 0 or more, not {r}"));
            }
        };
        let pct = |name: &str, p: f64, out: &mut Vec<String>| {
            if !(p > 0.0 && p <= 100.0) {
                out.push(format!("{name} must be above 0 and at most 100, not {p}"));
            }
        };
        match self {
            Workload::Idle => {}
            Workload::Uniform { writes_mib_s } => rate(*writes_mib_s, &mut out),
            Workload::Hotspot {
                writes_mib_s,
                hot_percent,
                hot_share,
            } => {
                rate(*writes_mib_s, &mut out);
                pct("hot_percent", *hot_percent, &mut out);
                if !(0.0..=1.0).contains(hot_share) {
                    out.push(format!(
                        "hot_share must be between 0 and 1, not {hot_share}"
                    ));
                }
            }
            Workload::Sequential {
                writes_mib_s,
                region_percent,
            } => {
                rate(*writes_mib_s, &mut out);
                pct("region_percent", *region_percent, &mut out);
            }
            Workload::Phased { phases } => {
                if phases.is_empty() {
                    out.push("Phased needs at least one phase".into());
                }
                for (secs, w) in phases {
                    if !(secs.is_finite() && *secs > 0.0) {
                        out.push(format!("a phase must last more than 0 seconds, not {secs}"));
                    }
                    out.extend(w.problems());
                }
            }
        }
        out
    }
}

/// The pages a workload's hot region or sweep covers, for `pages` pages of memory.
pub fn region_pages(pages: usize, percent: f64) -> usize {
    ((pages as f64 * percent / 100.0).round() as usize).clamp(1, pages.max(1))
}

/// Where the hot region of a Hotspot starts: a quarter of the way into the rest of memory, so
/// that it shows as a band on the memory map rather than hiding at its edge.
pub fn hot_region_start(pages: usize, hot: usize) -> usize {
    (pages - hot) / 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phased_cycles() {
        let w = Workload::Phased {
            phases: vec![
                (10.0, Workload::Idle),
                (
                    5.0,
                    Workload::Uniform {
                        writes_mib_s: 100.0,
                    },
                ),
            ],
        };
        assert_eq!(w.writes_mib_s(3.0), 0.0);
        assert_eq!(w.writes_mib_s(12.0), 100.0);
        assert_eq!(w.writes_mib_s(16.0), 0.0);
        assert!((w.mean_writes_mib_s() - 100.0 / 3.0).abs() < 1e-9);
    }
}
