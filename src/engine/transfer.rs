//! The link and what crosses it: each step the moves that send share the link max-min fairly
//! within their caps, then each spends its share, through as many phase changes as fall
//! inside the step.

use super::clock::{STEP_NS, STEP_S};
use super::{Engine, MoveId, PartitionId, Phase};
use crate::sim::link::fair_shares;

impl Engine {
    /// The link's payload rate now, pages/s: nothing while it is down, less while degraded.
    pub fn link_pages_s(&self) -> f64 {
        let link = &self.world.link;
        if self.link_faults.is_down() {
            return 0.0;
        }
        match self.link_faults.degraded_gbps() {
            Some(gbps) => link.pages_per_s() * gbps / link.bandwidth_gbps.max(1e-12),
            None => link.pages_per_s(),
        }
    }

    /// The link's payload rate a move of `p` may use, pages/s (its cap, or the whole link).
    pub(super) fn cap_pages_s(&self, p: PartitionId) -> f64 {
        let full = self.link_pages_s();
        match self.world.partition(p).bandwidth_cap_mib_s {
            Some(c) => self.world.link.mib_s_to_pages_s(c).min(full),
            None => full,
        }
    }

    /// Shares the link among the moves that are sending, max-min fair within their caps; a
    /// stop-and-copy in its suspend window goes first.
    pub(super) fn share_link(&mut self) {
        let reserved: f64 = self
            .moves
            .iter()
            .filter(|m| m.life.phase == Phase::Suspended)
            .map(|m| m.transfer.final_rate_pages_s)
            .sum();
        let sending: Vec<usize> = (0..self.moves.len())
            .filter(|&i| {
                let m = &self.moves[i];
                m.life.phase.sends() && m.ending.path_down_ns.is_none()
            })
            .collect();
        for m in &mut self.moves {
            m.transfer.share_pages_s = 0.0;
        }
        let caps: Vec<f64> = sending
            .iter()
            .map(|&i| self.cap_pages_s(self.moves[i].partition))
            .collect();
        let shares = fair_shares(self.link_pages_s() - reserved, &caps);
        for (&i, s) in sending.iter().zip(shares) {
            self.moves[i].transfer.share_pages_s = s;
        }
    }

    /// One step of one move's progress, through as many phase changes as fall inside it.
    pub(super) fn progress(&mut self, id: MoveId, t0: u64) {
        let i = id.index();
        let t1 = t0 + STEP_NS;
        let budget = self.moves[i].transfer.carry + self.moves[i].transfer.share_pages_s * STEP_S;
        let mut used = 0.0f64;
        // The instant inside the step at which `used` pages have gone.
        let at = |used: f64| -> u64 {
            if budget <= 0.0 {
                t0
            } else {
                t0 + ((used / budget).min(1.0) * STEP_NS as f64) as u64
            }
        };
        loop {
            let m = &self.moves[i];
            match m.life.phase {
                Phase::Configuring => {
                    if m.window.resume_at_ns < t1 {
                        let at = m.window.resume_at_ns.max(t0);
                        let (p, to) = (m.partition, m.to);
                        self.world.partition_mut(p).frame = to;
                        self.complete(id, at);
                    }
                    return;
                }
                Phase::PreCopy | Phase::Pulling => {
                    let p = m.partition;
                    let want = (budget - used).floor().max(0.0) as u64;
                    let source = &self.world.partitions[p.index()]
                        .memory
                        .as_ref()
                        .expect("a live move has memory")
                        .versions;
                    let m = &mut self.moves[i];
                    let sent = m.send_pages(source, want);
                    used += sent as f64;
                    m.count_sent(sent);
                    let bytes = sent * self.world.link.page_bytes as u64;
                    if m.life.phase == Phase::PreCopy {
                        m.transfer.bytes.precopy += bytes;
                    } else {
                        m.transfer.bytes.after_resume += bytes;
                    }
                    if m.transfer.send.count() > 0 {
                        m.transfer.carry = budget - used;
                        return;
                    }
                    if m.life.phase == Phase::Pulling {
                        self.complete(id, at(used));
                        return;
                    }
                    self.end_round(id, at(used));
                }
                Phase::Suspended => {
                    if m.window.resume_at_ns >= t1 {
                        return;
                    }
                    let at = m.window.resume_at_ns.max(t0);
                    self.resume(id, at);
                    self.moves[i].transfer.carry = 0.0;
                    // The rest of this step's budget is not spent: the pull starts next step.
                    if self.moves[i].life.phase == Phase::Pulling {
                        return;
                    }
                }
                Phase::Queued | Phase::Completed | Phase::Stopped | Phase::Failed => return,
            }
        }
    }
}
