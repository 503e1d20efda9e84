//! The balancer (VMware DRS's role, PowerVC's Dynamic Resource Optimizer): every
//! `policy.balancer.interval_s` of simulated time it measures how unevenly the operating frames
//! are loaded, and when that is more than its threshold tolerates it picks moves that even the
//! load out, each ranked by the imbalance it removes over what the analytic model says it
//! costs.
//!
//! The imbalance is the (population) standard deviation of the operating frames' utilisation,
//! in percentage points, as DRS's "current host load standard deviation". A candidate move takes
//! a running partition from a hotter frame to a cooler one; it is kept only when every check of
//! the validation passes (against the placements of the pass before it), the target stays at or
//! below consolidation's `high_percent` (the band's top: the balancer never makes a frame hot),
//! it removes at least a tenth of the tolerated imbalance (no chasing noise), and the model says
//! it converges: a move that would not converge is never chosen, whatever it would remove. Its
//! cost is the model's move time plus its downtime weighted [`DOWNTIME_WEIGHT`] times. The best
//! ratio wins; of equals, the first partition in scenario order, then the first frame. A pass
//! picks at most [`MAX_PER_PASS`] moves, one after another, each on the load the ones before
//! leave.
//!
//! Utilisation here is where the partitions will be: a partition already moving counts on its
//! target, so that a pass does not undo or repeat a move under way.

use serde::{Deserialize, Serialize};

use super::predictor::Prediction;
use super::snapshot::Recommendation;
use super::validation::Ledger;
use super::{Engine, EventKind, FrameId, MoverRequest, Origin, PartitionId, Reservations};
use crate::spec::{Action, Mode};
use crate::units::num;

/// Moves one balancer pass recommends at most.
pub const MAX_PER_PASS: usize = 3;

/// Moves the balancer may have in flight at once (Active): more wait for a later pass.
pub const MAX_IN_FLIGHT: usize = 2;

/// A second of downtime costs as much as this many seconds of a move running: users notice
/// the pause, not the copy.
pub const DOWNTIME_WEIGHT: f64 = 60.0;

/// One move the balancer recommends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceMove {
    pub partition: String,
    pub from: String,
    pub to: String,
    /// The imbalance before and after it, percentage points.
    pub imbalance_before: f64,
    pub imbalance_after: f64,
    /// The target's utilisation after it, percent.
    pub target_after_percent: f64,
    /// The model's time for the move, s, and its downtime, ms.
    pub predicted_s: f64,
    pub predicted_downtime_ms: f64,
    /// Imbalance removed per second of cost.
    pub score: f64,
}

/// What one balancer pass finds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalancePass {
    /// The imbalance now and what the threshold tolerates, percentage points.
    pub imbalance: f64,
    pub tolerance: f64,
    /// Operating frames it balances across, with their utilisation (percent).
    pub frames: Vec<(String, f64)>,
    /// The moves, best first.
    pub moves: Vec<BalanceMove>,
    /// Moves that would have helped but the model says would not converge: never chosen.
    pub not_converging: Vec<String>,
    /// Why it recommends nothing now (a frame is powering on to take load), if so.
    pub waiting: Option<String>,
}

/// Population standard deviation of `xs` (0 for fewer than two).
pub fn std_dev(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt()
}

impl Engine {
    /// Processors busy on each frame once the moves in flight have landed.
    pub(super) fn projected_busy(&self) -> Vec<f64> {
        let mut busy = vec![0.0; self.world.frames.len()];
        for p in &self.world.partitions {
            busy[self.projected_frame(p).index()] += p.cpus_busy();
        }
        busy
    }

    /// Where a partition will be: its move's target while it moves.
    pub(super) fn projected_frame(&self, p: &super::Partition) -> FrameId {
        p.active_move.map_or(p.frame, |m| self.moves[m.index()].to)
    }

    /// Frames the policies balance across: operating, and not being emptied by consolidation.
    pub(super) fn balancing_frames(&self) -> Vec<FrameId> {
        let draining = self.policy_state.draining.map(|(f, _)| f);
        self.world
            .frame_ids()
            .filter(|&f| self.world.frame(f).operating() && Some(f) != draining)
            .collect()
    }

    /// What the balancer would recommend now, whatever its mode (`lpm plan` and each pass).
    pub fn balance_pass(&self) -> BalancePass {
        let b = &self.policy.balancer;
        let high = self.policy.consolidation.high_percent;
        let tolerance = b.tolerance_percent();
        let min_gain = tolerance / 10.0;
        let frames = self.balancing_frames();
        let mut busy = self.projected_busy();
        let cpus = |f: FrameId| self.world.frame(f).spec.cpus.max(f64::MIN_POSITIVE);
        let utils = |busy: &[f64]| -> Vec<f64> {
            frames
                .iter()
                .map(|&f| 100.0 * busy[f.index()] / cpus(f))
                .collect()
        };
        let start = utils(&busy);
        let mut pass = BalancePass {
            imbalance: std_dev(&start),
            tolerance,
            frames: frames
                .iter()
                .zip(&start)
                .map(|(&f, &u)| (self.world.frame_name(f).to_string(), u))
                .collect(),
            moves: Vec::new(),
            not_converging: Vec::new(),
            waiting: None,
        };
        // A frame powering on is capacity on its way: moving load among the others now would
        // be undone once it operates (DRS, too, waits for a host leaving standby).
        if let Some(f) = self
            .world
            .frames
            .iter()
            .find(|f| f.power_state == crate::spec::PowerState::PoweringOn)
        {
            pass.waiting = Some(format!("{} is powering on", f.spec.name));
            return pass;
        }
        let mut ledger: Ledger<'_> = self.ledger(&Reservations::default());
        let mut chosen: Vec<PartitionId> = Vec::new();
        let mut forecasts: Vec<Option<Prediction>> = vec![None; self.world.partitions.len()];
        let request = MoverRequest::default();
        // Bounded: each round picks one move or ends the pass.
        for _ in 0..MAX_PER_PASS {
            let util = utils(&busy);
            let before = std_dev(&util);
            if before <= tolerance {
                break;
            }
            // (score, partition, target, after, target utilisation after, forecast)
            let mut best: Option<(f64, PartitionId, FrameId, f64, f64, Prediction)> = None;
            for pid in self.world.partition_ids() {
                let part = self.world.partition(pid);
                let load = part.cpus_busy();
                if !part.is_running() || part.active_move.is_some() || load <= 0.0 {
                    continue;
                }
                if chosen.contains(&pid) {
                    continue;
                }
                let Some(ai) = frames.iter().position(|&f| f == part.frame) else {
                    continue;
                };
                for (bi, &to) in frames.iter().enumerate() {
                    if util[bi] >= util[ai] {
                        continue;
                    }
                    let mut after = util.clone();
                    after[ai] -= 100.0 * load / cpus(part.frame);
                    after[bi] += 100.0 * load / cpus(to);
                    if after[bi] > high + 1e-9 {
                        continue;
                    }
                    let gain = before - std_dev(&after);
                    if gain < min_gain {
                        continue;
                    }
                    if !ledger.validate(pid, to, &request).ok() {
                        continue;
                    }
                    let forecast = forecasts[pid.index()]
                        .get_or_insert_with(|| self.predict_move(pid))
                        .clone();
                    if !forecast.converges() {
                        let name = part.spec.name.clone();
                        if !pass.not_converging.contains(&name) {
                            pass.not_converging.push(name);
                        }
                        continue;
                    }
                    let cost = forecast.total_s + DOWNTIME_WEIGHT * forecast.downtime_ms / 1000.0;
                    let score = gain / cost.max(1e-3);
                    if best.as_ref().is_none_or(|b| score > b.0) {
                        best = Some((score, pid, to, std_dev(&after), after[bi], forecast));
                    }
                }
            }
            let Some((score, pid, to, after, target_after, forecast)) = best else {
                break;
            };
            let part = self.world.partition(pid);
            let from = part.frame;
            busy[from.index()] -= part.cpus_busy();
            busy[to.index()] += part.cpus_busy();
            ledger.place(pid, to);
            chosen.push(pid);
            pass.moves.push(BalanceMove {
                partition: part.spec.name.clone(),
                from: self.world.frame_name(from).to_string(),
                to: self.world.frame_name(to).to_string(),
                imbalance_before: before,
                imbalance_after: after,
                target_after_percent: target_after,
                predicted_s: forecast.total_s,
                predicted_downtime_ms: forecast.downtime_ms,
                score,
            });
        }
        pass
    }

    /// One balancer pass at `now`: advice, and in Active mode its moves started (at most
    /// [`MAX_IN_FLIGHT`] of the balancer's at once).
    pub(super) fn run_balancer(&mut self, now: u64) {
        let mode = self.policy.balancer.mode;
        if mode == Mode::Off {
            return;
        }
        let pass = self.balance_pass();
        let mut advice = Vec::new();
        for m in &pass.moves {
            let rec = Recommendation {
                by: "balancer".to_string(),
                action: Action::migrate(m.partition.clone(), m.to.clone()),
                reason: format!(
                    "{} runs hotter than {}: the imbalance falls from {} to {} points (tolerated: \
                     {})",
                    m.from,
                    m.to,
                    num(round1(m.imbalance_before)),
                    num(round1(m.imbalance_after)),
                    num(pass.tolerance)
                ),
                imbalance_before: Some(m.imbalance_before),
                imbalance_after: Some(m.imbalance_after),
                predicted_s: Some(m.predicted_s),
                predicted_downtime_ms: Some(m.predicted_downtime_ms),
            };
            let seen = self
                .policy_state
                .balance_advice
                .iter()
                .any(|a| a.action == rec.action);
            let start = mode == Mode::Active && self.balancer_in_flight() < MAX_IN_FLIGHT;
            // Advice is reported once; starting it later says so in `migration_started`.
            if !seen {
                self.emit(
                    now,
                    EventKind::BalanceAdvised {
                        partition: m.partition.clone(),
                        from: m.from.clone(),
                        to: m.to.clone(),
                        imbalance_before: m.imbalance_before,
                        imbalance_after: m.imbalance_after,
                        predicted_s: m.predicted_s,
                        predicted_downtime_ms: m.predicted_downtime_ms,
                    },
                );
            }
            if start && self.apply_by(&rec.action, Origin::Balancer).is_ok() {
                continue;
            }
            advice.push(rec);
        }
        self.policy_state.balance_advice = advice;
    }

    /// The balancer's moves in flight.
    fn balancer_in_flight(&self) -> usize {
        self.in_flight
            .iter()
            .filter(|&&m| self.moves[m.index()].by == Origin::Balancer)
            .count()
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The policies' state between evaluations: when each looks next, what it advises now, what
/// consolidation is emptying.
#[derive(Debug, Clone, Default)]
pub(super) struct PolicyState {
    next_balance_ns: u64,
    next_consolidation_ns: u64,
    /// The advice of the last pass of each, not carried out.
    pub(super) balance_advice: Vec<Recommendation>,
    pub(super) consolidation_advice: Vec<Recommendation>,
    /// The frame consolidation is emptying to power off, and its evacuation's index.
    pub(super) draining: Option<(FrameId, usize)>,
    /// `Engine::emitted` after each policy's last evaluation that reported nothing: while
    /// nothing has happened since, the next one would do nothing either.
    quiet_balance: Option<u64>,
    quiet_consolidation: Option<u64>,
}

impl PolicyState {
    pub(super) fn new(policy: &crate::spec::Policy) -> PolicyState {
        PolicyState {
            next_balance_ns: super::secs_to_ns(policy.balancer.interval_s),
            next_consolidation_ns: super::secs_to_ns(policy.consolidation.interval_s),
            ..PolicyState::default()
        }
    }
}

impl Engine {
    /// The policies' work in a step at `now`: the frame being emptied looked at, then each
    /// policy whose evaluation is due (consolidation first, so that the balancer does not move
    /// load onto a frame about to be emptied).
    pub(super) fn run_policies(&mut self, now: u64) {
        if self.policy_state.draining.is_some() {
            self.finish_draining(now);
        }
        let (b, c) = (self.policy.balancer, self.policy.consolidation);
        if !c.is_off() && now >= self.policy_state.next_consolidation_ns {
            self.policy_state.next_consolidation_ns =
                now.saturating_add(super::secs_to_ns(c.interval_s).max(1));
            let before = self.emitted;
            self.run_consolidation(now);
            self.policy_state.quiet_consolidation = (self.emitted == before).then_some(before);
        }
        if !b.is_off() && now >= self.policy_state.next_balance_ns {
            self.policy_state.next_balance_ns =
                now.saturating_add(super::secs_to_ns(b.interval_s).max(1));
            let before = self.emitted;
            self.run_balancer(now);
            self.policy_state.quiet_balance = (self.emitted == before).then_some(before);
        }
    }

    /// Whether the active policies have nothing left to do: each one's last evaluation did
    /// nothing and nothing has happened since (advice changes nothing, so Advise never waits).
    pub(super) fn policies_settled(&self) -> bool {
        let s = &self.policy_state;
        let quiet = |mode: Mode, at: Option<u64>| mode != Mode::Active || at == Some(self.emitted);
        s.draining.is_none()
            && quiet(self.policy.balancer.mode, s.quiet_balance)
            && quiet(self.policy.consolidation.mode, s.quiet_consolidation)
    }

    /// What the policies advise now, best first: consolidation's, then the balancer's; advice
    /// overtaken since (its partition moving, or already there) is left out.
    pub fn recommendations(&self) -> Vec<Recommendation> {
        let s = &self.policy_state;
        s.consolidation_advice
            .iter()
            .chain(&s.balance_advice)
            .filter(|r| match &r.action {
                Action::Migrate { partition, to, .. } => {
                    match (self.find_partition(partition), self.find_frame(to)) {
                        (Ok(p), Ok(t)) => {
                            let part = self.world.partition(p);
                            part.active_move.is_none() && part.frame != t
                        }
                        _ => false,
                    }
                }
                _ => true,
            })
            .cloned()
            .collect()
    }
}
