//! What the driver does for the dashboard's `:` command line and its target picker: an HMC
//! command line runs against the session's own engine through `hmc::Session` (the same
//! parsing, checks and output as `lpm hmc`), and the picker's verdicts come from
//! `Engine::validate_targets`.
//!
//! The dashboard's clock runs by itself, so what waits on simulated time in `lpm hmc` does not
//! wait here: `migrlpar -o m` returns once its moves have started (the dashboard says when
//! they end), and `sleep` and `-w` are refused with a word on where they belong.

use super::driver::Driver;
use super::messages::{HmcAnswer, Reply, Started, Target};
use crate::engine::FrameId;
use crate::hmc::command::{HmcCommand, MigrOp};
use crate::hmc::parse_line;

/// Why `sleep` is refused in the dashboard.
pub const SLEEP_REFUSED: &str = "sleep is for lpm hmc: in the dashboard simulated time runs \
     by itself (space pauses it, < and > change its speed)";

/// Why `migrlpar -w` is refused in the dashboard.
pub const WAIT_REFUSED: &str = "-w is for lpm hmc: in the dashboard migrlpar -o m returns once \
     the move has started, and this pane says when it ends";

impl Driver {
    /// Runs one command line as `lpm hmc` would, with the dashboard's two differences.
    pub(super) fn run_hmc(&mut self, line: &str) -> HmcAnswer {
        // The HMC layer drains the engine's events after each action; keep those not yet
        // shown for the next update.
        let pending = self.hmc.estate.engine.drain_events();
        self.held.extend(pending);
        let moves_before = self.hmc.estate.engine.moves().len();
        let refused = |text: &str| HmcAnswer {
            line: line.to_string(),
            stdout: String::new(),
            stderr: format!("{text}\n"),
            status: 1,
            started: Vec::new(),
            names: Default::default(),
        };
        let mut answer = match parse_line(line) {
            Ok(Some(HmcCommand::Sleep { .. })) => refused(SLEEP_REFUSED),
            Ok(Some(HmcCommand::Migrlpar(m)))
                if m.op == MigrOp::Migrate && m.wait_minutes.is_some() =>
            {
                refused(WAIT_REFUSED)
            }
            Ok(Some(HmcCommand::Migrlpar(mut m))) if m.op == MigrOp::Migrate => {
                // No wait: the command returns as soon as its moves have started. What it
                // prints about a wait that ran out is replaced by what started.
                m.wait_minutes = Some(0);
                let out = self.hmc.execute_command(&HmcCommand::Migrlpar(m));
                HmcAnswer {
                    line: line.to_string(),
                    stdout: String::new(),
                    stderr: out.stderr,
                    status: out.status,
                    started: Vec::new(),
                    names: Default::default(),
                }
            }
            _ => {
                let out = self.hmc.execute(line);
                HmcAnswer {
                    line: line.to_string(),
                    stdout: out.stdout,
                    stderr: out.stderr,
                    status: out.status,
                    started: Vec::new(),
                    names: Default::default(),
                }
            }
        };
        let engine = &self.hmc.estate.engine;
        for m in &engine.moves()[moves_before.min(engine.moves().len())..] {
            let partition = engine.partition(m.partition()).name().to_string();
            let to = engine.frame(m.to()).name().to_string();
            let how = if m.phase() == crate::engine::Phase::Queued {
                "queued for a mover slot"
            } else {
                "started"
            };
            answer.stdout.push_str(&format!(
                "The migration of {partition} to {to} {how} (move {}); the dashboard says when it ends.\n",
                m.id().index() + 1
            ));
            answer.started.push(Started {
                id: m.id(),
                partition,
                to,
            });
        }
        answer.names = self.hmc.names();
        answer
    }

    /// Every frame's verdict on moving `partition` there, with the room it would leave.
    pub(super) fn targets(&mut self, partition: &str) {
        let engine = &self.hmc.estate.engine;
        let p = match engine.find_partition(partition) {
            Ok(p) => p,
            Err(e) => {
                self.replies.push(Reply::Failed(e.message));
                return;
            }
        };
        let part = engine.partition(p);
        let (need_mem, need_cpus) = (part.spec().memory_gib, part.spec().cpus);
        let home = part.frame();
        let targets = engine
            .validate_targets(p)
            .into_iter()
            .enumerate()
            .map(|(i, validation)| {
                let f = FrameId::new(i);
                let spec = engine.frame(f).spec();
                let (mem_used, cpus_used) = engine.usage(f);
                let (mem_add, cpus_add) = if f == home {
                    (0.0, 0.0)
                } else {
                    (need_mem, need_cpus)
                };
                Target {
                    frame: spec.name.clone(),
                    validation,
                    cpus_left: spec.cpus - cpus_used - cpus_add,
                    memory_left_gib: spec.memory_gib - mem_used - mem_add,
                }
            })
            .collect();
        self.replies.push(Reply::Targets {
            partition: partition.to_string(),
            targets,
        });
    }
}
