//! `lpm check`: every scripted move validated as `migrlpar -o v` would, in script order,
//! without running the simulation.
//!
//! Each move is validated against the world the earlier steps leave behind: a valid move
//! holds its partition's resources on both frames (as the engine's target shell does) until
//! the analytic model expects it to end, and on the target only from then on; a stop cancels
//! a move the model still expects in flight; `RemoveDedicatedIo` removes the adapters. The
//! plan's own moves and failed frames are [`Reservations`] on top of an engine that never
//! runs: the engine validates, the plan only says what it holds. This is a plan check:
//! `lpm run` has the final word (moves sharing the link take longer than predicted).

use crate::Scenario;
use crate::engine::{Engine, FrameId, INACTIVE_MOVE_S, PartitionId, Reservations};
use crate::spec::{Action, PartitionState};

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
    partition: PartitionId,
    to: FrameId,
    ends_s: f64,
    landed: bool,
}

/// The plan so far: its moves and the frames it failed, on top of the engine's world.
#[derive(Default)]
struct Plan {
    moves: Vec<Planned>,
    failed_frames: Vec<FrameId>,
}

impl Plan {
    /// Moves the model expects to have ended by `at_s` now hold their partition on the
    /// target only.
    fn land(&mut self, at_s: f64) {
        for p in self
            .moves
            .iter_mut()
            .filter(|p| !p.landed && p.ends_s <= at_s)
        {
            p.landed = true;
        }
    }

    fn in_flight(&self, p: PartitionId) -> Option<&Planned> {
        self.moves
            .iter()
            .rev()
            .find(|m| m.partition == p && !m.landed)
    }

    /// Where the plan has a partition now.
    fn frame_of(&self, world: &Engine, p: PartitionId) -> FrameId {
        self.moves
            .iter()
            .rev()
            .find(|m| m.partition == p && m.landed)
            .map_or(world.partition(p).frame(), |m| m.to)
    }

    fn reservations(&self) -> Reservations {
        // Later landings of the same partition win: the ledger applies them in order.
        Reservations {
            shells: self
                .moves
                .iter()
                .filter(|m| !m.landed)
                .map(|m| (m.partition, m.to))
                .collect(),
            landed: self
                .moves
                .iter()
                .filter(|m| m.landed)
                .map(|m| (m.partition, m.to))
                .collect(),
            failed_frames: self.failed_frames.clone(),
        }
    }

    /// The engine's validation of `p` to `to` with the plan's moves, plus "not moving" as the
    /// plan sees it: the engine's own check looks at live moves, and the plan has none.
    fn validate(
        &self,
        world: &Engine,
        p: PartitionId,
        to: FrameId,
        at_s: f64,
        action: &'static str,
    ) -> MoveCheck {
        let v = world.validate_with(p, to, &self.reservations());
        let mut errors = v.errors();
        if let Some(m) = self.in_flight(p) {
            errors.insert(
                0,
                format!(
                    "{} is already moving to {} (expected to complete at about {:.1} s)",
                    world.partition(p).name(),
                    world.frame(m.to).name(),
                    m.ends_s
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

    /// Takes a valid move as made, ending when the analytic model expects.
    fn make(&mut self, world: &Engine, p: PartitionId, to: FrameId, at_s: f64) {
        let duration_s = if world.partition(p).spec().state == PartitionState::NotActivated {
            INACTIVE_MOVE_S
        } else {
            world.predict_move(p).total_s
        };
        self.moves.push(Planned {
            partition: p,
            to,
            ends_s: at_s + duration_s.max(0.0),
            landed: false,
        });
    }
}

/// Validates every scripted move of a scenario that passed its checks.
pub fn check(scenario: &Scenario) -> Result<PlanCheck, String> {
    // The plan's world: only actions that change no location reach it (faults on movers,
    // throttles, caps, dynamic LPAR), so that it validates and predicts as the run would.
    let mut world = Engine::new(scenario)?;
    let mut steps: Vec<(f64, &Action)> = scenario
        .script
        .iter()
        .map(|s| (s.at_s, &s.action))
        .collect();
    // Stable, as the engine orders them: same-time steps keep the file's order.
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut plan = Plan::default();
    let mut evacuated: Vec<FrameId> = Vec::new();
    let mut out = PlanCheck::default();
    for (at_s, action) in steps {
        plan.land(at_s);
        match action {
            Action::Migrate { partition, to, .. } | Action::Validate { partition, to, .. } => {
                let name = action.name();
                match (world.find_partition(partition), world.find_frame(to)) {
                    (Ok(p), Ok(t)) => {
                        let c = plan.validate(&world, p, t, at_s, name);
                        if c.ok() && matches!(action, Action::Migrate { .. }) {
                            plan.make(&world, p, t, at_s);
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
                        errors: [p.err(), t.err()]
                            .into_iter()
                            .flatten()
                            .map(|r| r.message)
                            .collect(),
                    }),
                }
            }
            Action::Evacuate { from, to } => {
                let Ok(f) = world.find_frame(from) else {
                    continue;
                };
                let t = match to.as_deref().map(|t| world.find_frame(t)) {
                    Some(Ok(t)) => Some(t),
                    Some(Err(_)) => continue,
                    None => None,
                };
                evacuated.push(f);
                let mut residents: Vec<PartitionId> = (0..world.partitions().len())
                    .map(PartitionId::new)
                    .filter(|&p| plan.frame_of(&world, p) == f && plan.in_flight(p).is_none())
                    .collect();
                if t.is_none() {
                    // The engine's placement order: largest memory first.
                    residents.sort_by(|&a, &b| {
                        let mem = |p: PartitionId| world.partition(p).spec().memory_gib;
                        mem(b).total_cmp(&mem(a))
                    });
                }
                let verdicts = world.place(&residents, f, t, &plan.reservations());
                for (p, (target, _)) in residents.into_iter().zip(verdicts) {
                    let c = plan.validate(&world, p, target, at_s, "Evacuate");
                    if c.ok() {
                        plan.make(&world, p, target, at_s);
                    }
                    out.moves.push(c);
                }
            }
            Action::Stop { partition } => {
                let Ok(p) = world.find_partition(partition) else {
                    continue;
                };
                match plan
                    .moves
                    .iter()
                    .rposition(|m| m.partition == p && !m.landed)
                {
                    // The move is taken back: the partition stays on its source.
                    Some(k) => {
                        plan.moves.remove(k);
                    }
                    None => out.notes.push(
                        match plan.moves.iter().rev().find(|m| m.partition == p) {
                            Some(m) => format!(
                                "{at_s} s: Stop {partition}: its move to {} is expected to have \
                             completed at about {:.1} s; the stop will be refused",
                                world.frame(m.to).name(),
                                m.ends_s
                            ),
                            None => format!("{at_s} s: Stop {partition}: no move of it is planned"),
                        },
                    ),
                }
            }
            // Throttles, caps and dynamic LPAR change what the model predicts and what
            // validates, nothing else: the world takes them as the engine would.
            Action::RemoveDedicatedIo { .. }
            | Action::SetCpuThrottle { .. }
            | Action::SetBandwidthCap { .. }
            | Action::ClearBandwidthCap { .. } => {
                let _ = world.apply(action);
            }
            Action::SetAutoConverge { .. }
            | Action::SetFinalPhase { .. }
            | Action::SetCpuLoad { .. }
            | Action::PowerOn { .. }
            | Action::PowerOff { .. } => {}
            // Failed movers and frames refuse later moves; a recovery clears a failed move.
            Action::MspFail { system, .. } | Action::FrameFail { system } => {
                if let Ok(f) = world.find_frame(system) {
                    let before = plan.moves.len();
                    let located: Vec<FrameId> = plan
                        .moves
                        .iter()
                        .map(|m| plan.frame_of(&world, m.partition))
                        .collect();
                    let mut k = 0;
                    plan.moves.retain(|m| {
                        let keep = m.landed || (m.to != f && located[k] != f);
                        k += 1;
                        keep
                    });
                    if plan.moves.len() < before {
                        out.notes.push(format!(
                            "{at_s} s: {} {system}: the moves through it still in flight will fail",
                            action.name()
                        ));
                    }
                    // A frame's failure depends on where the plan has its partitions: the plan
                    // keeps it; failed movers do not, and the world takes them.
                    if matches!(action, Action::FrameFail { .. }) {
                        plan.failed_frames.push(f);
                    } else {
                        let _ = world.apply(action);
                    }
                }
            }
            Action::Recover { .. } | Action::StopAll => {}
            // A repair lets later moves through the frame validate again.
            Action::Repair { system, .. } => {
                if let Ok(f) = world.find_frame(system) {
                    plan.failed_frames.retain(|&x| x != f);
                    let _ = world.apply(action);
                }
            }
            // A link outage slows or fails moves but changes no precondition.
            Action::LinkDown { .. } | Action::LinkDegrade { .. } => {}
        }
    }
    plan.land(f64::INFINITY);
    evacuated.dedup();
    for f in evacuated {
        let left: Vec<&str> = (0..world.partitions().len())
            .map(PartitionId::new)
            .filter(|&p| plan.frame_of(&world, p) == f)
            .map(|p| world.partition(p).name())
            .collect();
        if !left.is_empty() {
            out.notes.push(format!(
                "{} is evacuated but still holds {} at the end of the script",
                world.frame(f).name(),
                left.join(", ")
            ));
        }
    }
    Ok(out)
}
