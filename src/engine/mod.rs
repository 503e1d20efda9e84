//! The migration engine: one handle, [`Engine`], whose state only its own modules touch.
//!
//! Callers build it from a scenario, advance simulated time, apply [`Action`]s, drain
//! [`Event`]s and read the world through views (`partitions()`, `frames()`, `moves()`,
//! `policy()`) or an owned [`Snapshot`]. Nothing else writes the engine's state.
//!
//! Time moves in fixed steps of 1 ms of simulated time, whatever slices the caller advances by,
//! so the event stream never depends on them; round ends and suspend windows fall inside a step
//! at their exact fractional time. One step ([`Engine::step`]) reads as a recipe: scripted
//! actions, faults, link shares, the partitions' writes, every move's progress, samples, the
//! queue.
//!
//! Modules, by job:
//! - `clock`: steps, `advance`, the script.
//! - `world`: frames and partitions, names.
//! - `validation`: the checks of `migrlpar -o v`, against a ledger of what frames hold.
//! - `apply`: one action in, `Applied` or `Refused` out.
//! - `lifecycle`: a move starts, queues, stops, ends.
//! - `faults`: link outages, failed movers and frames, and what they do to each phase.
//! - `transfer`: link shares and a move's progress through a step.
//! - `writes`: the partitions' page writes (and demand faults on the target).
//! - `rounds`: pre-copy round ends, stall detection, auto-converge.
//! - `qemu`: QEMU's own pre-copy loop (`policy.precopy: Qemu`), and every move's zero pages.
//! - `switchover`: the suspend window, resume, completion and verification.
//! - `balance`, `consolidation`: the policies that even the load out and power idle frames off
//!   (VMware DRS's and DPM's roles), evaluated on the engine's clock.
//! - `advice`: rates, expected shares and the analytic model's forecasts and suggestions.
//! - `moves`, `image`: a move's state, and the target's copy of memory (the hot path).

mod advice;
mod apply;
pub mod balance;
mod clock;
pub mod consolidation;
pub mod evacuation;
pub mod event;
mod faults;
pub mod ids;
mod image;
mod lifecycle;
pub mod moves;
pub mod outcome;
pub mod power;
pub mod predictor;
mod qemu;
mod rest;
mod rounds;
pub mod snapshot;
mod switchover;
mod transfer;
pub mod validation;
pub mod vio;
mod world;
mod writes;

use std::collections::VecDeque;

pub use balance::{BalanceMove, BalancePass};
pub use clock::{STEP_NS, secs_to_ns};
pub use consolidation::{ConsolidationPass, Decision, PlannedMove};
pub use evacuation::{Evacuation, LeftBehind, Placement};
pub use event::{Completion, Event, EventKind, Origin, RoundStats, SwitchReason};
pub use ids::{FrameId, MoveId, PartitionId};
pub use image::{MAP_CELLS, verify};
pub use moves::{BytesByPhase, Move, MoverRequest, Phase, RateSample, Route};
pub use outcome::{Applied, Effect, Outcome, Reason, Refused};
pub use power::{EnergyReport, FrameEnergy};
pub use predictor::Prediction;
pub use snapshot::{Recommendation, Snapshot};
pub use validation::{Check, Reservations, Validation};
pub use vio::{AdapterMap, VioMapping, map_adapters};
pub use world::{Frame, Mover, Partition};

use crate::sim::Link;
use crate::sim::memory::available_memory_bytes;
use crate::spec::{Action, Policy, Redundancy, Scenario};
use clock::{Clock, Script};
use faults::LinkFaults;
use validation::Ledger;
use world::World;

/// How long the profile of a not-activated partition takes to travel.
pub const INACTIVE_MOVE_S: f64 = 2.0;

/// The simulated world and every move in it.
#[derive(Debug, Clone)]
pub struct Engine {
    world: World,
    policy: Policy,
    /// Every move requested, in order; a `MoveId` is an index here.
    moves: Vec<Move>,
    /// The moves in flight, in id order: what a step works on (finished moves cost nothing).
    in_flight: Vec<MoveId>,
    /// Moves waiting for a mover slot, in the order they asked.
    queue: VecDeque<MoveId>,
    /// Every evacuation asked for, in order.
    evacuations: Vec<Evacuation>,
    clock: Clock,
    /// The partitions' writes are accounted up to here (the end of the last step whose writes
    /// ran): what a partition at rest is caught up to.
    written_to_ns: u64,
    /// Bytes of page state the moves in flight may hold together (this machine's memory).
    page_state_budget: u64,
    script: Script,
    link_faults: LinkFaults,
    events: Vec<Event>,
    /// `share_link`'s buffers, kept between steps.
    shares: transfer::Shares,
    /// The moves a step walks, kept between steps.
    stepping: Vec<MoveId>,
    /// Events emitted so far (the energy ledger looks whether the world changed).
    emitted: u64,
    energy: power::Energy,
    /// The balancer's and consolidation's schedule, advice and work under way.
    policy_state: balance::PolicyState,
    /// Who asked for the action being applied (the moves it starts carry it).
    origin: Origin,
}

impl Engine {
    /// Builds the world of a scenario. The scenario is expected to have passed its checks
    /// (`scenario::check`); unknown frames here are an error, not a panic. Moves may hold page
    /// state up to three quarters of this machine's available memory (see `with_budget`).
    pub fn new(s: &Scenario) -> Result<Engine, String> {
        let budget = available_memory_bytes().map_or(u64::MAX, |b| b / 4 * 3);
        Engine::with_budget(s, budget)
    }

    /// As `new`, with moves in flight holding at most `page_state_bytes` of page state
    /// together: a move that would need more is refused (`Reason::NoMemory`).
    pub fn with_budget(s: &Scenario, page_state_bytes: u64) -> Result<Engine, String> {
        let world = World::new(s)?;
        Ok(Engine {
            written_to_ns: 0,
            page_state_budget: page_state_bytes,
            world,
            policy: s.policy.clone(),
            moves: Vec::new(),
            in_flight: Vec::new(),
            queue: VecDeque::new(),
            evacuations: Vec::new(),
            clock: Clock::default(),
            script: Script::new(&s.script),
            link_faults: LinkFaults::default(),
            events: Vec::new(),
            shares: transfer::Shares::default(),
            stepping: Vec::new(),
            emitted: 0,
            energy: power::Energy::new(s),
            policy_state: balance::PolicyState::new(&s.policy),
            origin: Origin::Operator,
        })
    }

    /// One step of simulated time.
    fn step(&mut self) {
        let t0 = self.clock.now_ns;
        let first_event = self.events.len();
        // Frames end powering off or on; what changed since the last step draws from now.
        if self.power_in_transition() {
            self.finish_power_transitions(t0);
        }
        self.account_energy(t0);
        // Scripted actions due now, in file order.
        while let Some(action) = self.script.due(t0) {
            let _ = self.apply_by(&action, Origin::Script);
        }
        // The balancer and consolidation, when an evaluation is due (or a frame they empty is).
        self.run_policies(t0);
        self.account_energy(t0);
        // Faults: outages end; moves whose path is broken stall, fail or are lost.
        self.expire_link_faults(t0);
        self.check_paths(t0);
        // The link is shared among the moves sending this step.
        self.share_link();
        // Partitions write their memory (on the target, a missing page is fetched first).
        self.write_memory(t0);
        // Every move spends its share: pages sent, rounds ended, windows opened and closed.
        // A move that ends leaves `in_flight`: walk a copy, kept between steps.
        let mut ids = std::mem::take(&mut self.stepping);
        ids.clear();
        ids.extend_from_slice(&self.in_flight);
        for &id in &ids {
            if self.moves[id.index()].life.phase.in_flight() {
                self.progress(id, t0);
            }
        }
        self.stepping = ids;
        // Evacuations whose last move ended in this step report it.
        if self.evacuations.iter().any(|e| e.finished_ns.is_none()) {
            self.check_evacuations(t0);
        }
        self.clock.now_ns = t0 + STEP_NS;
        for &id in &self.in_flight {
            let m = &mut self.moves[id.index()];
            if matches!(
                m.life.phase,
                Phase::PreCopy | Phase::Pulling | Phase::Suspended
            ) {
                m.sample(t0 + STEP_NS);
            }
        }
        // Slots freed this step go to the queue.
        if !self.queue.is_empty() {
            self.start_queued();
        }
        // Lands, losses and restarts of this step draw from its end.
        self.account_energy(t0 + STEP_NS);
        // Moves are stepped one after another, but their events fall at fractional instants
        // inside the step: put them in time order (stable, so causes stay before effects).
        self.events[first_event..].sort_by(|a, b| a.t.total_cmp(&b.t));
    }

    /// Takes the events produced since the last call.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    fn emit(&mut self, at_ns: u64, kind: EventKind) {
        self.emitted += 1;
        self.events.push(Event {
            t: at_ns as f64 / 1e9,
            kind,
        });
    }

    // ----- views -----

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.world.name
    }

    pub fn page_size_kib(&self) -> u32 {
        self.world.page_size_kib
    }

    pub fn page_bytes(&self) -> u64 {
        self.world.page_bytes()
    }

    pub fn link(&self) -> &Link {
        &self.world.link
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn frames(&self) -> &[Frame] {
        &self.world.frames
    }

    pub fn partitions(&self) -> &[Partition] {
        &self.world.partitions
    }

    /// Every move requested so far, in order.
    pub fn moves(&self) -> &[Move] {
        &self.moves
    }

    /// Every evacuation asked for so far, in order.
    pub fn evacuations(&self) -> &[Evacuation] {
        &self.evacuations
    }

    pub fn frame(&self, f: FrameId) -> &Frame {
        self.world.frame(f)
    }

    pub fn partition(&self, p: PartitionId) -> &Partition {
        self.world.partition(p)
    }

    pub fn move_at(&self, m: MoveId) -> &Move {
        &self.moves[m.index()]
    }

    /// Finds a partition by `name` or `frame/name`.
    pub fn find_partition(&self, name: &str) -> Result<PartitionId, Refused> {
        self.world.find_partition(name)
    }

    pub fn find_frame(&self, name: &str) -> Result<FrameId, Refused> {
        self.world.find_frame(name)
    }

    /// The move in flight for a partition, if any.
    pub fn move_of(&self, p: PartitionId) -> Option<&Move> {
        self.world
            .partition(p)
            .active_move
            .map(|m| &self.moves[m.index()])
    }

    /// The latest move of a partition, in flight or finished.
    pub fn last_move_of(&self, p: PartitionId) -> Option<&Move> {
        self.moves.iter().rev().find(|m| m.partition == p)
    }

    /// Memory (GiB) and processors in use on a frame, counting shells reserved for incoming
    /// moves and the source copy of a partition still being pulled away.
    pub fn usage(&self, f: FrameId) -> (f64, f64) {
        self.ledger(&Reservations::default()).usage(f)
    }

    /// Mover slots on a frame: its movers times the moves each may run.
    pub fn msp_slots(&self, f: FrameId) -> u32 {
        self.world
            .frame(f)
            .spec
            .msps
            .saturating_mul(self.policy.msp_max_ops)
    }

    /// Mover slots in use on a frame.
    pub fn msp_in_use(&self, f: FrameId) -> u32 {
        self.world.frame(f).movers.iter().map(|m| m.busy).sum()
    }

    // ----- validation -----

    fn ledger(&self, plan: &Reservations) -> Ledger<'_> {
        Ledger::new(&self.world, &self.moves, plan)
    }

    /// Validates moving partition `p` to frame `to`, reporting every check.
    pub fn validate(&self, p: PartitionId, to: FrameId) -> Validation {
        self.validate_request(p, to, &MoverRequest::default())
    }

    /// Validates a move as `validate` does, with a plan's own moves and faults on top of the
    /// world (`lpm check`).
    pub fn validate_with(&self, p: PartitionId, to: FrameId, plan: &Reservations) -> Validation {
        self.ledger(plan).validate(p, to, &MoverRequest::default())
    }

    /// Validates a move on the movers it asks for.
    pub fn validate_request(
        &self,
        p: PartitionId,
        to: FrameId,
        request: &MoverRequest,
    ) -> Validation {
        self.ledger(&Reservations::default())
            .validate(p, to, request)
    }

    /// Validates moving `p` to every frame, in frame order (a target picker's verdicts).
    pub fn validate_targets(&self, p: PartitionId) -> Vec<Validation> {
        let ledger = self.ledger(&Reservations::default());
        self.world
            .frame_ids()
            .map(|f| ledger.validate(p, f, &MoverRequest::default()))
            .collect()
    }

    /// The mover of frame `f` named `name`.
    pub fn find_mover(&self, f: FrameId, name: &str) -> Result<usize, Refused> {
        let frame = self.world.frame(f);
        frame.find_mover(name).ok_or_else(|| {
            let names: Vec<&str> = frame.movers.iter().map(|m| m.name.as_str()).collect();
            Refused::unknown(format!(
                "no mover named {name:?} on {} (its movers are {})",
                frame.spec.name,
                names.join(", ")
            ))
        })
    }

    /// The movers a move asks for by name, as the engine knows them.
    fn resolve_movers(
        &self,
        p: PartitionId,
        to: FrameId,
        source: &Option<String>,
        dest: &Option<String>,
        redundant: Redundancy,
    ) -> Result<MoverRequest, Refused> {
        let from = self.world.partition(p).frame;
        Ok(MoverRequest {
            source: source
                .as_deref()
                .map(|n| self.find_mover(from, n))
                .transpose()?,
            target: dest
                .as_deref()
                .map(|n| self.find_mover(to, n))
                .transpose()?,
            redundant,
            mappings: Vec::new(),
        })
    }

    /// Validates by name (`partition` as `name` or `frame/name`).
    pub fn validate_named(&self, partition: &str, to: &str) -> Result<Validation, Refused> {
        let (p, f) = self.resolve_move(partition, to)?;
        Ok(self.validate(p, f))
    }

    /// Both names of a move, or every reason neither resolves.
    fn resolve_move(&self, partition: &str, to: &str) -> Result<(PartitionId, FrameId), Refused> {
        match (self.find_partition(partition), self.find_frame(to)) {
            (Ok(p), Ok(t)) => Ok((p, t)),
            (p, t) => Err(Refused::unknown(
                [p.err(), t.err()]
                    .into_iter()
                    .flatten()
                    .map(|r| r.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            )),
        }
    }

    /// Every completed move so far, in the order they were requested.
    pub fn completions(&self) -> Vec<Completion> {
        self.moves
            .iter()
            .filter(|m| m.life.phase == Phase::Completed)
            .map(|m| self.completion(m.id))
            .collect()
    }

    /// The action as it was refused, for the `action_refused` event.
    fn refusal_event(action: &Action, reason: &Refused) -> EventKind {
        EventKind::ActionRefused {
            action: action.name().to_string(),
            reason: reason.message.clone(),
        }
    }
}
