//! The convergence lab: one move of one partition, run many times with one thing changed.
//!
//! Each run is a *one-move scenario*: the scenario's world (frames, partitions, link, policy),
//! the chosen partition's move to the other frame at t = 0, and no other script, so that the
//! result depends on the parameters alone. Runs are independent engines; they go in parallel
//! on a rayon pool of `--threads` threads and are collected by index, so the output is in grid
//! order and identical whatever the number of threads (the engine itself is deterministic,
//! DOMAIN.md section 3).

pub mod compare;
pub mod sweep;

use serde::Serialize;

use crate::Scenario;
use crate::engine::{Engine, EventKind};
use crate::report::drive;
use crate::spec::{
    Action, FinalPhase, PartitionRef, PartitionState, Policy, Precopy, ScriptStep, Switchover,
};

/// The move a lab studies: which partition of the scenario, to which frame.
#[derive(Debug, Clone)]
pub struct Subject {
    /// Index into `Scenario::partitions`.
    pub partition: usize,
    /// The name the engine knows it by (`system/name` when the name is ambiguous).
    pub name: String,
    pub to: String,
}

impl Subject {
    /// Finds `partition` (`name` or `system/name`) and its target: `to`, or the only other frame.
    pub fn find(s: &Scenario, partition: &str, to: Option<&str>) -> Result<Subject, String> {
        let wanted = PartitionRef::parse(partition);
        let found: Vec<usize> = (0..s.partitions.len())
            .filter(|&i| wanted.matches(&s.partitions[i].system, &s.partitions[i].name))
            .collect();
        let i = match found.as_slice() {
            [i] => *i,
            [] => {
                let names: Vec<&str> = s.partitions.iter().map(|p| p.name.as_str()).collect();
                return Err(format!(
                    "no partition {partition:?} in the scenario (the partitions are {})",
                    names.join(", ")
                ));
            }
            _ => {
                return Err(format!(
                    "partition name {partition:?} is on several frames: write frame/name"
                ));
            }
        };
        let p = &s.partitions[i];
        if p.state != PartitionState::Running {
            return Err(format!(
                "partition {} is not activated: only a running partition has memory to pre-copy",
                p.name
            ));
        }
        let to = match to {
            Some(t) if t == p.system => {
                return Err(format!("partition {} already runs on {t}", p.name));
            }
            Some(t) if s.systems.iter().any(|x| x.name == t) => t.to_string(),
            Some(t) => return Err(format!("no frame {t:?} in the scenario")),
            None => {
                let others: Vec<&str> = s
                    .systems
                    .iter()
                    .filter(|x| x.name != p.system)
                    .map(|x| x.name.as_str())
                    .collect();
                match others.as_slice() {
                    [one] => one.to_string(),
                    [] => return Err("the scenario has no other frame to move to".into()),
                    _ => {
                        return Err(format!(
                            "several frames to move to ({}): say which with --to",
                            others.join(", ")
                        ));
                    }
                }
            }
        };
        let ambiguous = s.partitions.iter().filter(|q| q.name == p.name).count() > 1;
        Ok(Subject {
            partition: i,
            name: if ambiguous {
                format!("{}/{}", p.system, p.name)
            } else {
                p.name.clone()
            },
            to,
        })
    }

    /// The one-move scenario: `s`'s world with this move at t = 0 and nothing else scripted.
    pub fn one_move(&self, s: &Scenario) -> Scenario {
        let mut one = s.clone();
        one.script = vec![ScriptStep {
            at_s: 0.0,
            action: Action::migrate(self.name.clone(), self.to.clone()),
        }];
        one
    }
}

/// What one move did, beside what the analytic model expected of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub rounds: u32,
    pub total_s: f64,
    pub downtime_ms: f64,
    pub bytes_sent: u64,
    /// Bytes sent over the partition's memory: 1.0 is a single pass.
    pub sent_ratio: f64,
    pub demand_faults: u64,
    pub users_dropped: u32,
    pub converged: bool,
    /// Why pre-copy ended: threshold, max_rounds or max_sent_factor.
    pub switch_reason: String,
    pub verified: bool,
    pub predicted_rounds: u32,
    pub predicted_total_s: f64,
    pub predicted_downtime_ms: f64,
    pub predicted_bytes_sent: f64,
    pub predicted_converged: bool,
    /// Zero pages sent as a header alone (QEMU's loop), and bytes by kind.
    pub zero_pages: u64,
    pub bytes_normal: u64,
    pub bytes_zero: u64,
    /// The price of post-copy (0 for a stop-and-copy): seconds from resume to the last page,
    /// the time the partition was stalled on pages it lacked, the share of its writes lost.
    pub postcopy_s: f64,
    pub postcopy_stall_ms: f64,
    pub postcopy_slowdown_percent: f64,
    /// Pages sent in each pre-copy round, simulated.
    #[serde(skip)]
    pub round_pages: Vec<u64>,
}

/// Runs the one-move scenario `s` (built by [`Subject::one_move`]) to its end.
pub fn run_move(s: &Scenario, subject: &Subject) -> Result<Outcome, String> {
    let mut engine = Engine::new(s)?;
    let pi = engine
        .find_partition(&subject.name)
        .map_err(|r| r.message)?;
    let prediction = engine.predict_move(pi);
    let memory_bytes = engine.partition(pi).pages() as f64 * engine.page_bytes() as f64;
    let mut refused: Option<String> = None;
    let mut reason = None;
    drive::run(
        &mut engine,
        None,
        |events| {
            for e in events {
                match &e.kind {
                    EventKind::ValidationFailed { errors, .. } => {
                        refused = Some(format!("validation failed: {}", errors.join("; ")))
                    }
                    EventKind::ActionRefused { reason, .. } => refused = Some(reason.clone()),
                    EventKind::Suspended { reason: r, .. } => reason = Some(*r),
                    _ => {}
                }
            }
            Ok(())
        },
        |_| {},
    )
    .map_err(|e| e.to_string())?;
    if let Some(r) = refused {
        return Err(r);
    }
    let m = engine
        .last_move_of(pi)
        .ok_or_else(|| "the move did not start".to_string())?;
    let round_pages = m.history().iter().map(|r| r.pages_sent).collect();
    let c = engine
        .completions()
        .into_iter()
        .next()
        .ok_or_else(|| "the move did not complete".to_string())?;
    Ok(Outcome {
        rounds: c.rounds,
        total_s: c.total_s,
        downtime_ms: c.downtime_ms,
        bytes_sent: c.bytes_sent,
        sent_ratio: c.bytes_sent as f64 / memory_bytes.max(1.0),
        demand_faults: c.demand_faults,
        users_dropped: c.users_dropped,
        converged: c.converged,
        switch_reason: reason.map_or("threshold", |r| r.name()).to_string(),
        verified: c.verified,
        predicted_rounds: prediction.rounds,
        predicted_total_s: prediction.total_s,
        predicted_downtime_ms: prediction.downtime_ms,
        predicted_bytes_sent: prediction.bytes_sent,
        predicted_converged: prediction.converges(),
        zero_pages: c.zero_pages,
        bytes_normal: c.bytes_normal,
        bytes_zero: c.bytes_zero,
        postcopy_s: c.postcopy_s,
        postcopy_stall_ms: c.postcopy_stall_ms,
        postcopy_slowdown_percent: c.postcopy_slowdown_percent,
        round_pages,
    })
}

/// Threads to use: `asked`, or one per core, never more than the jobs, and never more worlds
/// at once than this machine's memory holds (each run holds a whole world, source and target).
pub fn threads_for(asked: Option<usize>, jobs: usize, world_bytes: f64) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut n = asked.unwrap_or(cores).max(1).min(jobs.max(1));
    if let Some(avail) = crate::scenario::available_memory_bytes()
        && world_bytes > 0.0
    {
        n = n.min(((avail as f64 / world_bytes) as usize).max(1));
    }
    n
}

/// Runs `job` for every index below `n` on `threads` threads; results in index order.
///
/// A pool of its own rather than rayon's global one: `--threads N` must mean N whatever else
/// the process has run, and two sweeps in one process (the tests) must not share a size.
/// Runs differ wildly in length (a converging move takes a round or two, a saturated one hits
/// a cap), so each index is its own task (`with_max_len(1)`) for idle threads to steal; an
/// indexed `collect` puts each result in its own slot, so the order of the output never
/// depends on which thread finished first. A panic in a run is re-raised here.
pub fn run_parallel<T: Send>(n: usize, threads: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    use rayon::prelude::*;
    let threads = threads.max(1).min(n.max(1));
    let all = || -> Vec<T> { (0..n).into_par_iter().with_max_len(1).map(&job).collect() };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("lpm-lab-{i}"))
        .build()
    {
        Ok(pool) => pool.install(all),
        // No thread could be started (a process limit): the output is the same on the
        // calling thread alone, only slower.
        Err(_) => (0..n).map(&job).collect(),
    }
}

/// A named policy preset: the anchors of DOMAIN.md section 2, as `--policy` and `lpm compare`
/// know them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// PowerVM LPM: 99% clean, resume then pull.
    Lpm,
    /// QEMU: 300 ms downtime limit, stop and copy.
    Qemu,
    /// QEMU with auto-converge.
    QemuAutoConverge,
    /// Xen (libxc): fewer than 50 dirty pages, 30 rounds or 3x memory, stop and copy.
    Xen,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::Lpm,
        Preset::Qemu,
        Preset::QemuAutoConverge,
        Preset::Xen,
    ];

    pub fn parse(s: &str) -> Result<Preset, String> {
        match s.to_ascii_lowercase().as_str() {
            "lpm" | "powervm" => Ok(Preset::Lpm),
            "qemu" => Ok(Preset::Qemu),
            "qemu-ac" | "qemu-auto-converge" => Ok(Preset::QemuAutoConverge),
            "xen" => Ok(Preset::Xen),
            _ => Err(format!(
                "unknown policy {s:?} (the policies are lpm, qemu, qemu-ac, xen)"
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Lpm => "PowerVM LPM",
            Preset::Qemu => "QEMU",
            Preset::QemuAutoConverge => "QEMU + auto-converge",
            Preset::Xen => "Xen",
        }
    }

    /// `base` (the scenario's policy: suspend overhead, mover slots, user timeout stay) with
    /// this system's rules. `pages` is the partition's size, for Xen's absolute rule.
    ///
    /// QEMU has no cap of its own: it iterates until the operator cancels. The scenario's caps
    /// stand in for that operator, and when one is hit the engine switches over anyway, so a
    /// QEMU move that would never end shows as "not converged" with the downtime it would cost.
    pub fn apply(self, base: &Policy, pages: u64) -> Policy {
        let mut p = base.clone();
        match self {
            Preset::Lpm => {
                p.switchover = Switchover::PercentClean(99.0);
                p.final_phase = FinalPhase::ResumeThenPull;
                p.auto_converge = false;
                p.precopy = Precopy::Rounds;
            }
            Preset::Qemu | Preset::QemuAutoConverge => {
                p.switchover = Switchover::DowntimeLimit { ms: 300.0 };
                p.final_phase = FinalPhase::StopAndCopy;
                p.auto_converge = self == Preset::QemuAutoConverge;
                // QEMU's own loop: rate-limited windows, a sync whenever the pending data falls
                // below the threshold, zero pages as headers.
                p.precopy = Precopy::Qemu;
            }
            Preset::Xen => {
                // "Fewer than 50 dirty pages" as a clean share: dirty <= 49.5 pages exactly
                // when clean >= 100 (1 - 49.5 / pages) percent (the half page keeps rounding
                // of the percentage from letting 50 through).
                let pages = pages.max(1) as f64;
                p.switchover = Switchover::PercentClean((100.0 * (1.0 - 49.5 / pages)).max(1e-9));
                p.final_phase = FinalPhase::StopAndCopy;
                p.auto_converge = false;
                p.precopy = Precopy::Rounds;
                p.max_rounds = 30;
                p.max_sent_factor = 3.0;
            }
        }
        p
    }
}

/// The policy in a few words: "PercentClean 99, resume then pull".
pub fn describe_policy(p: &Policy) -> String {
    let rule = match p.switchover {
        Switchover::PercentClean(x) => format!("PercentClean {}", crate::units::num(x)),
        Switchover::DowntimeLimit { ms } => {
            format!("DowntimeLimit {} ms", crate::units::num(ms))
        }
    };
    let phase = p.final_phase.label();
    format!(
        "{rule}, {phase}{}{}, caps {} rounds / {}x memory",
        if p.precopy == Precopy::Qemu {
            ", QEMU's loop"
        } else {
            ""
        },
        if p.auto_converge {
            ", auto-converge"
        } else {
            ""
        },
        p.max_rounds,
        crate::units::num(p.max_sent_factor)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_results_come_back_in_index_order_whatever_finishes_first() {
        // Early indices take longest, so later ones finish first on other threads.
        let job = |i: usize| {
            std::thread::sleep(std::time::Duration::from_millis((10 - i as u64) * 2));
            i * i
        };
        let want: Vec<usize> = (0..10).map(|i| i * i).collect();
        for threads in [1, 2, 3, 16] {
            assert_eq!(run_parallel(10, threads, job), want, "{threads} threads");
        }
        assert!(run_parallel(0, 4, job).is_empty());
    }

    #[test]
    fn the_subject_is_found_by_name_and_goes_to_the_other_frame() {
        let s = Scenario::builtin();
        let p = &s.partitions[0];
        let subject = Subject::find(&s, &p.name, None).unwrap();
        assert_ne!(subject.to, p.system);
        let one = subject.one_move(&s);
        assert_eq!(one.script.len(), 1);
        assert_eq!(one.script[0].at_s, 0.0);
        assert!(Subject::find(&s, "no-such-partition", None).is_err());
        assert!(Subject::find(&s, &p.name, Some(&p.system)).is_err());
    }
}
