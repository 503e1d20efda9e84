//! What the analytic model says about a partition's move: the rates it would see now, the
//! forecast of the whole move, and, for a move that stalls, the throttle or bandwidth that
//! would make it converge.

use super::predictor::{self, Inputs, Prediction};
use super::{Engine, FrameId, PartitionId};
use crate::units::num;

impl Engine {
    /// Page writes per second the partition does now, after its throttles.
    pub fn write_pages_s(&self, p: PartitionId) -> f64 {
        let part = self.world.partition(p);
        let auto = self
            .move_of(p)
            .map_or(0.0, |m| m.convergence.auto_throttle_pct);
        self.world
            .link
            .mib_s_to_pages_s(part.spec.workload.writes_mib_s(self.now()))
            * (1.0 - part.cpu_throttle_pct / 100.0)
            * (1.0 - auto / 100.0)
    }

    /// The link rate a new or running move of this partition can expect, pages/s: its cap, or
    /// an even share with the moves already sending.
    pub fn expected_share_pages_s(&self, p: PartitionId) -> f64 {
        if let Some(m) = self.move_of(p).filter(|m| m.transfer.share_pages_s > 0.0) {
            return m.transfer.share_pages_s;
        }
        // An even share of the path with the moves on it, and of the least busy mover's
        // adapter on each side.
        let from = self.world.partition(p).frame;
        let on = |a: FrameId, b: FrameId| (a == from) as usize + (b == from) as usize;
        let sending = || {
            self.in_flight
                .iter()
                .map(|&m| &self.moves[m.index()])
                .filter(|m| m.partition != p && m.life.phase.sends())
        };
        let others = sending().filter(|m| on(m.from, m.to) > 0).count();
        let through = |k: usize| {
            sending()
                .filter(|m| {
                    m.route.is_some_and(|r| {
                        (m.from == from && r.source == k) || (m.to == from && r.target == k)
                    })
                })
                .count()
        };
        let adapter = self
            .world
            .frame(from)
            .movers
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.failed)
            .map(|(k, m)| m.pages_s / (through(k) + 1) as f64)
            .fold(0.0, f64::max);
        (self.world.link.pages_per_s() / (others + 1) as f64)
            .min(adapter.max(f64::MIN_POSITIVE))
            .min(self.cap_pages_s(p))
    }

    /// What the model is given for a move of `p` now.
    pub(super) fn model_inputs(&self, p: PartitionId) -> Inputs<'_> {
        let part = self.world.partition(p);
        Inputs {
            pages: part.pages as u64,
            link_pages_s: self.expected_share_pages_s(p),
            write_pages_s: self.write_pages_s(p),
            workload: &part.spec.workload,
            policy: &self.policy,
            latency_s: self.world.link.latency_s,
            zero_pages: part.spec.zero_pages(part.pages) as u64,
            final_link_pages_s: self.link_pages_s(),
            page_bytes: self.world.link.page_bytes,
        }
    }

    /// The analytic model's forecast for moving partition `p` now.
    pub fn predict_move(&self, p: PartitionId) -> Prediction {
        predictor::predict(&self.model_inputs(p))
    }

    /// What would make a stalled move converge, by the analytic model at today's rates: the
    /// smallest CPU throttle in 10% steps, and the bandwidth, if the link has it.
    pub(super) fn convergence_suggestion(
        &self,
        p: PartitionId,
        remaining: u64,
    ) -> (Option<f64>, Option<f64>, String) {
        let part = self.world.partition(p);
        let link = &self.world.link;
        let share = self.expected_share_pages_s(p);
        let auto = self
            .move_of(p)
            .map_or(0.0, |m| m.convergence.auto_throttle_pct);
        let raw = link.mib_s_to_pages_s(part.spec.workload.writes_mib_s(self.now()));
        let converges = |link_pages_s: f64, cpu: f64| {
            predictor::predict(&Inputs {
                pages: part.pages as u64,
                link_pages_s,
                write_pages_s: raw * (1.0 - cpu / 100.0) * (1.0 - auto / 100.0),
                workload: &part.spec.workload,
                policy: &self.policy,
                latency_s: link.latency_s,
                zero_pages: part.spec.zero_pages(part.pages) as u64,
                final_link_pages_s: self.link_pages_s().max(link_pages_s),
                page_bytes: link.page_bytes,
            })
            .converges()
        };
        let throttle = (1..=9)
            .map(|k| k as f64 * 10.0)
            .find(|&t| t > part.cpu_throttle_pct && converges(share, t));
        let full = link.pages_per_s();
        let bandwidth = [1.25, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0]
            .iter()
            .map(|k| share * k)
            .find(|&b| b <= full && converges(b, part.cpu_throttle_pct))
            .map(|b| link.pages_s_to_mib_s(b).round());
        let left = num(link.pages_s_to_mib_s(remaining as f64).round());
        let mut text = format!(
            "{left} MiB still dirty after {} rounds without progress",
            self.policy.stall_rounds
        );
        match (throttle, bandwidth) {
            (Some(t), Some(b)) => {
                text += &format!(
                    "; a CPU throttle of {}% or {} MiB/s of bandwidth would make it converge",
                    num(t),
                    num(b)
                )
            }
            (Some(t), None) => {
                text += &format!("; a CPU throttle of {}% would make it converge", num(t))
            }
            (None, Some(b)) => {
                text += &format!("; {} MiB/s of bandwidth would make it converge", num(b))
            }
            (None, None) => {
                text += "; no throttle short of stopping its writes would make it converge: try auto-converge"
            }
        }
        (throttle, bandwidth, text)
    }
}
