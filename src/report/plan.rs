//! `lpm check`: every scripted move validated as `migrlpar -o v` would, in script order,
//! without running the simulation.
//!
//! Each move is validated against the world the earlier steps leave behind: a valid move
//! holds its partition's resources on both frames (as the engine's target shell does) until
//! the analytic model expects it to end, and on the target only from then on; a stop cancels
//! a move the model still expects in flight; `RemoveDedicatedIo` removes the adapters. This
//! is a plan check: `lpm run` has the final word (moves sharing the link take longer than
//! predicted).

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

    /// An evacuation moves every partition that validates, by definition: one it refuses is
    /// reported, but it does not make the plan invalid (a frame left non-empty is a note).
    pub fn required(&self) -> bool {
        self.action != "Evacuate"
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
        self.moves.iter().all(|m| m.ok() || !m.required())
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
            } else if !m.required() {
                out.push_str(&format!(
                    "{head}: refused, stays on {} ({} of {} checks failed)\n",
                    m.from,
                    m.errors.len(),
                    m.checks
                ));
                for e in &m.errors {
                    out.push_str(&format!("             - {e}\n"));
                }
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
        let bad = self
            .moves
            .iter()
            .filter(|m| !m.ok() && m.required())
            .count();
        let refused = self
            .moves
            .iter()
            .filter(|m| !m.ok() && !m.required())
            .count();
        if self.moves.is_empty() {
            out.push_str("no scripted moves to validate\n");
            return out;
        }
        out.push_str(&format!(
            "{} of {} moves valid{}\n",
            self.moves.len() - bad - refused,
            self.moves.len(),
            if refused > 0 {
                format!(", {refused} left behind by an evacuation")
            } else {
                String::new()
            }
        ));
        out
    }
}

/// A move the plan has made: where to, and when the model expects it to end.
struct Planned {
    partition: usize,
    to: usize,
    ends_s: f64,
    landed: bool,
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
    let mut plan: Vec<Planned> = Vec::new();
    let mut evacuated: Vec<usize> = Vec::new();
    let mut out = PlanCheck::default();
    for (at_s, action) in steps {
        land(&mut world, &mut plan, at_s);
        match action {
            Action::Migrate { partition, to } | Action::Validate { partition, to } => {
                let name = action_name(action);
                match (world.find_partition(partition), world.find_system(to)) {
                    (Ok(pi), Ok(ti)) => {
                        let c = validate(&mut world, &plan, pi, ti, at_s, name);
                        if c.ok() && matches!(action, Action::Migrate { .. }) {
                            plan_move(&world, &mut plan, pi, ti, at_s);
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
                    continue;
                };
                evacuated.push(fi);
                let residents: Vec<usize> = (0..world.partitions.len())
                    .filter(|&pi| {
                        world.partitions[pi].system == fi && in_flight(&plan, pi).is_none()
                    })
                    .collect();
                for pi in residents {
                    let c = validate(&mut world, &plan, pi, ti, at_s, "Evacuate");
                    if c.ok() {
                        plan_move(&world, &mut plan, pi, ti, at_s);
                    }
                    out.moves.push(c);
                }
            }
            Action::Stop { partition } => {
                let Ok(pi) = world.find_partition(partition) else {
                    continue;
                };
                match in_flight(&plan, pi) {
                    // The move is taken back: the partition stays on its source.
                    Some(k) => {
                        plan.remove(k);
                    }
                    None => out
                        .notes
                        .push(match plan.iter().rev().find(|p| p.partition == pi) {
                            Some(p) => format!(
                                "{at_s} s: Stop {partition}: its move to {} is expected to have \
                             completed at about {:.1} s; the stop will be refused",
                                world.systems[p.to].name, p.ends_s
                            ),
                            None => format!("{at_s} s: Stop {partition}: no move of it is planned"),
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
            // Failed movers and frames refuse later moves; a recovery clears a failed move.
            Action::MspFail { system } | Action::FrameFail { system } => {
                if let Ok(si) = world.find_system(system) {
                    let before = plan.len();
                    plan.retain(|p| {
                        p.landed || (p.to != si && world.partitions[p.partition].system != si)
                    });
                    if plan.len() < before {
                        out.notes.push(format!(
                            "{at_s} s: {} {system}: the moves through it still in flight will fail",
                            action_name(action)
                        ));
                    }
                }
                let _ = world.apply(action);
            }
            Action::Recover { .. } => {}
            // A link outage slows or fails moves but changes no precondition.
            Action::LinkDown { .. } | Action::LinkDegrade { .. } => {}
        }
    }
    land(&mut world, &mut plan, f64::INFINITY);
    evacuated.dedup();
    for fi in evacuated {
        let left: Vec<&str> = world
            .partitions
            .iter()
            .filter(|p| p.system == fi)
            .map(|p| p.spec.name.as_str())
            .collect();
        if !left.is_empty() {
            out.notes.push(format!(
                "{} is evacuated but still holds {} at the end of the script",
                world.systems[fi].name,
                left.join(", ")
            ));
        }
    }
    Ok(out)
}

/// Moves the model expects to have ended by `at_s` now hold their partition on the target only.
fn land(world: &mut Engine, plan: &mut [Planned], at_s: f64) {
    for p in plan.iter_mut().filter(|p| !p.landed && p.ends_s <= at_s) {
        world.partitions[p.partition].system = p.to;
        p.landed = true;
    }
}

/// The engine's validation of `pi` to `ti` with the plan's moves in flight, plus "not moving"
/// as the plan sees it: the engine's own check looks at live moves, and the plan has none.
fn validate(
    world: &mut Engine,
    plan: &[Planned],
    pi: usize,
    ti: usize,
    at_s: f64,
    action: &'static str,
) -> MoveCheck {
    // A move in flight holds its partition on both frames: add a stand-in for each target
    // shell (without a memory image: validation never reads one), validate, remove them.
    let real = world.partitions.len();
    for p in plan.iter().filter(|p| !p.landed) {
        // Cloned without its memory image: no page is copied, and the stand-in stays right
        // whatever fields a partition gains.
        let q = &mut world.partitions[p.partition];
        let memory = q.memory.take();
        let mut shell = q.clone();
        q.memory = memory;
        shell.spec.name = format!("{} (arriving)", shell.spec.name);
        shell.system = p.to;
        shell.active_move = None;
        world.partitions.push(shell);
    }
    let v: Validation = world.validate_index(pi, ti);
    world.partitions.truncate(real);
    let mut errors = v.errors();
    if let Some(k) = in_flight(plan, pi) {
        errors.insert(
            0,
            format!(
                "{} is already moving to {} (expected to complete at about {:.1} s)",
                world.partitions[pi].spec.name, world.systems[plan[k].to].name, plan[k].ends_s
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

fn in_flight(plan: &[Planned], pi: usize) -> Option<usize> {
    plan.iter().rposition(|p| p.partition == pi && !p.landed)
}

/// Takes a valid move as made, ending when the analytic model expects.
fn plan_move(world: &Engine, plan: &mut Vec<Planned>, pi: usize, ti: usize, at_s: f64) {
    let duration_s = if world.partitions[pi].spec.state == PartitionState::NotActivated {
        INACTIVE_MOVE_S
    } else {
        world.predict_move(pi).total_s
    };
    plan.push(Planned {
        partition: pi,
        to: ti,
        ends_s: at_s + duration_s.max(0.0),
        landed: false,
    });
}
