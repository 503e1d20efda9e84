//! The partitions' programs at work: each running partition writes its memory for one step.
//! Under pre-copy the writes are tracked in the dirty bitmap; on the target after resume a
//! write to a page still on the source fetches it first and stalls the partition.

use super::clock::{STEP_NS, STEP_S};
use super::{Engine, Phase};
use crate::sim::ZeroPages;
use crate::sim::memory::bump;

impl Engine {
    /// Every running partition writes its memory for one step.
    pub(super) fn write_memory(&mut self, t0: u64) {
        let t_s = t0 as f64 / 1e9;
        let link = self.world.link;
        // A demand fault: one round trip, then the page at the rate the link gives now (a
        // degraded link makes each fault dearer; a link that is down is handled below).
        let page_s = 1.0 / self.link_pages_s().max(1e-9);
        let fault_ns = (2.0 * link.latency_s + page_s) * 1e9;
        // Only partitions with a move are stepped; the others are caught up when needed
        // (rest.rs), with the same arithmetic.
        for &id in &self.in_flight {
            let mv = &mut self.moves[id.index()];
            let p = &mut self.world.partitions[mv.partition.index()];
            if !p.active || p.down.is_some() {
                continue;
            }
            p.synced_ns = t0 + STEP_NS;
            let mut mv = Some(mv);
            // On the target with its source unreachable, the partition soon blocks on a page
            // it lacks: it does no work until the source answers or is given up.
            if let Some(m) = mv
                .as_mut()
                .filter(|m| m.life.phase == Phase::Pulling && m.ending.path_down_ns.is_some())
            {
                // Post-copy's price: a step of work it could not do.
                let rate = link.mib_s_to_pages_s(p.spec.workload.at(t_s).writes_mib_s(0.0))
                    * (1.0 - p.cpu_throttle_pct / 100.0)
                    * (1.0 - m.convergence.auto_throttle_pct / 100.0);
                m.postcopy.stall_ns += STEP_NS as f64;
                m.postcopy.writes_missed += rate * STEP_S;
                continue;
            }
            let auto = mv.as_ref().map_or(0.0, |m| m.convergence.auto_throttle_pct);
            if mv
                .as_ref()
                .is_some_and(|m| m.life.phase == Phase::Suspended)
            {
                continue;
            }
            let leaf = p.spec.workload.at(t_s);
            let rate = link.mib_s_to_pages_s(leaf.writes_mib_s(0.0))
                * (1.0 - p.cpu_throttle_pct / 100.0)
                * (1.0 - auto / 100.0);
            let stalled = p.stall_ns.min(STEP_NS as f64);
            p.stall_ns -= stalled;
            let n = p.writer.due(rate * (STEP_NS as f64 - stalled) / 1e9);
            if n == 0 {
                // Post-copy's price: a step stalled whole makes no write.
                if let Some(m) = mv.filter(|m| m.life.phase == Phase::Pulling) {
                    m.postcopy.writes_missed += rate * stalled / 1e9;
                }
                continue;
            }
            p.writes += n;
            // The workload writes only the pages that are not zero: it draws an index among
            // them, which `layout` maps to a page.
            let layout = if p.spec.zero_percent > 0.0 {
                let written = p.spec.written_pages(p.pages);
                (written != p.pages).then(|| ZeroPages::new(p.pages, written))
            } else {
                None
            };
            let pages = layout.map_or(p.pages, |z| z.written());
            match mv {
                Some(m) if m.life.phase == Phase::Pulling => {
                    // On the target: a page still on the source is fetched first (a demand fault).
                    let mem = p.memory.as_mut().expect("a moving partition has memory");
                    let writer = &mut p.writer;
                    let faults =
                        m.image
                            .write_on_target(&mut m.transfer.send, &mem.versions, |write| {
                                match layout {
                                    None => writer.write_pages(leaf, pages, n, write),
                                    Some(z) => {
                                        writer.write_pages(leaf, pages, n, |i| write(z.page_of(i)))
                                    }
                                }
                            });
                    m.image.post_resume_writes += n;
                    p.page_writes += n;
                    m.postcopy.writes_made += n;
                    m.postcopy.writes_missed += rate * stalled / 1e9;
                    m.transfer.demand_faults += faults;
                    m.transfer.pages_sent += faults;
                    m.sampling.sent += faults;
                    // QEMU's loop puts a header before every page it sends.
                    let header = if m.qemu.is_some() {
                        super::qemu::HEADER_BYTES
                    } else {
                        0
                    };
                    m.transfer.bytes.after_resume += faults * (link.page_bytes as u64 + header);
                    p.stall_ns += faults as f64 * fault_ns;
                    m.postcopy.stall_ns += faults as f64 * fault_ns;
                }
                Some(m) if m.life.phase == Phase::PreCopy => {
                    let mem = p.memory.as_mut().expect("a moving partition has memory");
                    let versions = &mut mem.versions;
                    let dirty = mem.dirty.as_mut().expect("pre-copy tracks writes");
                    let fresh = match layout {
                        None => {
                            let mut fresh = 0u64;
                            p.writer.write_pages(leaf, pages, n, |pg| {
                                versions[pg] = bump(versions[pg]);
                                fresh += dirty.set(pg) as u64;
                            });
                            fresh
                        }
                        Some(z) => write_among(&mut p.writer, leaf, z, n, versions, dirty),
                    };
                    m.sampling.dirtied += fresh;
                    p.page_writes += n;
                }
                // Queued, or a profile on its way: nothing tracks the writes yet.
                _ => {}
            }
        }
        self.written_to_ns = t0 + STEP_NS;
    }
}

/// Pre-copy writes of a partition with zero pages: the workload draws an index among the
/// written pages, `z` maps it to a page. Kept out of line, away from the common path.
#[inline(never)]
fn write_among(
    writer: &mut crate::sim::WorkloadGen,
    leaf: &crate::spec::Workload,
    z: ZeroPages,
    n: u64,
    versions: &mut [u32],
    dirty: &mut crate::sim::Bitmap,
) -> u64 {
    let mut fresh = 0u64;
    writer.write_pages(leaf, z.written(), n, |i| {
        let pg = z.page_of(i);
        versions[pg] = bump(versions[pg]);
        fresh += dirty.set(pg) as u64;
    });
    fresh
}
