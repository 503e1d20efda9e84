//! Partitions at rest: a partition without a move writes its memory all the same, but nothing
//! reads those pages (round 1 of a move sends every page whatever its contents), so its writes
//! are only counted, and only when something needs the count to be right: a move starts, a
//! throttle changes, its frame fails. Bringing one up to date replays, step by step, exactly
//! what the step loop would have done for it, so that a move starts from the same fraction of
//! a write whether the partition was stepped or caught up: the event stream does not depend on
//! it, and a step costs only the partitions that move.

use super::clock::STEP_NS;
use super::world::Partition;
use super::{Engine, PartitionId};
use crate::sim::Link;

impl Engine {
    /// Brings partition `p` (which has no move) up to date with the steps whose writes have run.
    pub(super) fn sync_partition(&mut self, p: PartitionId) {
        let link = self.world.link;
        catch_up(
            &mut self.world.partitions[p.index()],
            &link,
            self.written_to_ns,
        );
    }

    /// Page writes partition `p` has made by now (a partition at rest is replayed on a copy).
    pub fn writes_of(&self, p: PartitionId) -> u64 {
        let mut part = self.world.partition(p).clone();
        catch_up(&mut part, &self.world.link, self.written_to_ns);
        part.writes
    }
}

/// Accounts the writes of a partition without a move up to `until` ns, step by step as the
/// step loop would have.
fn catch_up(part: &mut Partition, link: &Link, until: u64) {
    if part.active_move.is_some() {
        return;
    }
    while part.synced_ns < until {
        let t0 = part.synced_ns;
        part.synced_ns = t0 + STEP_NS;
        if !part.active || part.down.is_some() {
            continue;
        }
        let leaf = part.spec.workload.at(t0 as f64 / 1e9);
        let rate =
            link.mib_s_to_pages_s(leaf.writes_mib_s(0.0)) * (1.0 - part.cpu_throttle_pct / 100.0);
        let stalled = part.stall_ns.min(STEP_NS as f64);
        part.stall_ns -= stalled;
        part.writes += part.writer.due(rate * (STEP_NS as f64 - stalled) / 1e9);
    }
}
