//! `lpm check`: every scripted move validated as `migrlpar -o v` would, in script order,
//! without running the simulation.
//!
//! Each move is validated against the world the earlier steps leave behind: a valid move is
//! taken to reserve its target at once and to end when the analytic model predicts, a stop to
//! cancel a move the model still expects in flight, `RemoveDedicatedIo` to remove the adapters.
//! This is a plan check: `lpm run` has the final word (moves sharing the link take longer
//! than predicted).

use crate::Scenario;
use crate::engine::{Action, Engine, INACTIVE_MOVE_S, Validation};
use crate::scenario::action_name;
use crate::sim::PartitionState;

/// The verdict on one move of the script.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveCheck {
    pub at_s: f64,
    /// `Migrate`, `Validate` or `Evacuate`.
    pub action: &'static str,
    pub partition: String,
    pub from: String,
    pub to: String,
    /// Checks made, and the messages of those that failed.
    pub checks: usize,
    pub errors: Vec<String>,
}

impl MoveCheck {
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// What `check` found: the moves, and notes on other steps (a stop that comes too late...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanCheck {
    pub moves: Vec<MoveCheck>,
    pub notes: Vec<String>,
}

impl PlanCheck {
    pub fn ok(&self) -> bool {
        self.moves.iter().all(MoveCheck::ok)
    }

    /// The report `lpm check` prints.
    pub fn text(&self, scenario: &Scenario) -> String {
        let mut out = format!(
            "{}: {} frames, {} partitions, {} scripted steps\n",
            scenario.name,
            scenario.systems.len(),
            scenario.partitions.len(),
            scenario.script.len()
        );
        for m in &self.moves {
            let head = format!(
                "{:>9.3} s  {:<8} {} {} -> {}",
                m.at_s, m.action, m.partition, m.from, m.to
            );
            if m.ok() {
                out.push_str(&format!("{head}: valid ({} checks passed)\n", m.checks));
            } else {
                out.push_str(&format!(
                    "{head}: INVALID ({} of {} checks failed)\n",
                    m.errors.len(),
                    m.checks
                ));
                for e in &m.errors {
                    out.push_str(&format!("             - {e}\n"));
                }
            }
        }
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        let bad = self.moves.iter().filter(|m| !m.ok()).count();
        out.push_str(&format!(
            "{} of {} moves valid\n",
            self.moves.len() - bad,
            self.moves.len()
        ));
        out
    }
}

/// A move the plan has made: where from, and when the model expects it to end.
struct Planned {
    partition: usize,
    from: usize,
    to: usize,
    ends_s: f64,
}

/// Validates every scripted move of a scenario that passed its checks.
pub fn check(scenario: &Scenario) -> Result<PlanCheck, String> {
    let mut world = Engine::new(scenario)?;
    let mut steps: Vec<(f64, &Action)> = scenario
        .script
        .iter()
        .map(|s| (s.at_s, &s.action))
        .collect();
    // Stable, as the engine orders them: same-time steps keep the file's order.
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut planned: Vec<Planned> = Vec::new();
    let mut out = PlanCheck::default();
    for (at_s, action) in steps {
        match action {
            Action::Migrate { partition, to } | Action::Validate { partition, to } => {
                let name = action_name(action);
                match (world.find_partition(partition), world.find_system(to)) {
                    (Ok(pi), Ok(ti)) => {
                        let c = validate(&world, &planned, pi, ti, at_s, name);
                        if c.ok() && matches!(action, Action::Migrate { .. }) {
                            plan_move(&mut world, &mut planned, pi, ti, at_s);
                        }
                        out.moves.push(c);
                    }
                    (p, t) => out.moves.push(MoveCheck {
                        at_s,
                        action: name,
                        partition: partition.clone(),
                        from: "?".into(),
                        to: to.clone(),
                        checks: 0,
                        errors: [p.err(), t.err()].into_iter().flatten().collect(),
                    }),
                }
            }
            Action::Evacuate { from, to } => {
                let (Ok(fi), Ok(ti)) = (world.find_system(from), world.find_system(to)) else {
                    out.notes.push(format!("{at_s} s: Evacuate names an unknown frame"));
                    continue;
                };
                let residents: Vec<usize> = (0..world.partitions.len())
                    .filter(|&pi| {
                        world.partitions[pi].system == fi && in_flight(&planned, pi, at_s).is_none()
                    })
                    .collect();
                for pi in residents {
                    let c = validate(&world, &planned, pi, ti, at_s, "Evacuate");
                    if c.ok() {
                        plan_move(&mut world, &mut planned, pi, ti, at_s);
                    }
                    out.moves.push(c);
                }
            }
            Action::Stop { partition } => {
                let Ok(pi) = world.find_partition(partition) else {
                    continue;
                };
                match in_flight(&planned, pi, at_s) {
                    Some(k) => {
                        // The move is taken back: the partition stays on its source.
                        let p = planned.remove(k);
                        world.partitions[pi].system = p.from;
                    }
                    None => out.notes.push(match last_move(&planned, pi) {
                        Some(p) => format!(
                            "{at_s} s: Stop {partition}: its move to {} is expected to have \
                             completed at about {:.1} s; the stop will be refused",
                            world.systems[p.to].name, p.ends_s
                        ),
                        None => format!(
                            "{at_s} s: Stop {partition}: no move of it is planned before then"
                        ),
                    }),
                }
            }
            Action::RemoveDedicatedIo { partition } => {
                if let Ok(pi) = world.find_partition(partition) {
                    world.partitions[pi].spec.dedicated_io = false;
                }
            }
            Action::SetCpuThrottle { partition, percent } => {
                if let Ok(pi) = world.find_partition(partition) {
                    world.partitions[pi].cpu_throttle_pct = *percent;
                }
            }
            Action::SetBandwidthCap { partition, mib_s } => {
                if let Ok(pi) = world.find_partition(partition) {
                    world.partitions[pi].bandwidth_cap_mib_s = Some(*mib_s);
                }
            }
            Action::ClearBandwidthCap { partition } => {
                if let Ok(pi) = world.find_partition(partition) {
                    world.partitions[pi].bandwidth_cap_mib_s = None;
                }
            }
            Action::SetAutoConverge { .. } => {}
        }
    }
    Ok(out)
}

/// The engine's validation of `pi` to `ti`, plus "not moving" as the plan sees it: the engine's
/// own check looks at live moves, and the plan has none.
fn validate(
    world: &Engine,
    planned: &[Planned],
    pi: usize,
    ti: usize,
    at_s: f64,
    action: &'static str,
) -> MoveCheck {
    let moving = in_flight(planned, pi, at_s).map(|k| &planned[k]);
    let v: Validation = match moving {
        // Still on its source while it moves: validate from there.
        Some(p) => {
            let mut w = world.clone();
            w.partitions[pi].system = p.from;
            w.validate_index(pi, ti)
        }
        None => world.validate_index(pi, ti),
    };
    let mut errors = v.errors();
    if let Some(p) = moving {
        errors.insert(
            0,
            format!(
                "{} is still moving to {} (expected to complete at about {:.1} s)",
                world.partitions[pi].spec.name, world.systems[p.to].name, p.ends_s
            ),
        );
    }
    MoveCheck {
        at_s,
        action,
        partition: v.partition,
        from: v.from,
        to: v.to,
        checks: v.checks.len(),
        errors,
    }
}

fn in_flight(planned: &[Planned], pi: usize, at_s: f64) -> Option<usize> {
    planned
        .iter()
        .rposition(|p| p.partition == pi && p.ends_s > at_s)
}

fn last_move(planned: &[Planned], pi: usize) -> Option<&Planned> {
    planned.iter().rev().find(|p| p.partition == pi)
}

/// Takes a valid move as made: the target holds the partition from now on (as the engine's
/// shell reservation does) until the model's predicted end, and for good after it.
fn plan_move(world: &mut Engine, planned: &mut Vec<Planned>, pi: usize, ti: usize, at_s: f64) {
    let duration_s = if world.partitions[pi].spec.state == PartitionState::NotActivated {
        INACTIVE_MOVE_S
    } else {
        world.predict_move(pi).total_s
    };
    planned.push(Planned {
        partition: pi,
        from: world.partitions[pi].system,
        to: ti,
        ends_s: at_s + duration_s.max(0.0),
    });
    world.partitions[pi].system = ti;
}

