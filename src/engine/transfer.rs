//! The link and what crosses it: each step the moves that send share the link max-min fairly
//! within their caps, then each spends its share, through as many phase changes as fall
//! inside the step.

use super::clock::{STEP_NS, STEP_S};
use super::{Engine, FrameId, MoveId, PartitionId, Phase};

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

    /// Shares the network among the moves that are sending: each crosses its source mover's
    /// adapter, its target mover's adapter and the path between its frames, and gets the
    /// max-min fair share of all of them within its own cap. A stop-and-copy in its suspend
    /// window holds its final rate on its resources first. Runs every step: its buffers are
    /// kept from one step to the next.
    pub(super) fn share_link(&mut self) {
        let mut s = std::mem::take(&mut self.shares);
        s.clear();
        for &id in &self.in_flight {
            let m = &mut self.moves[id.index()];
            m.transfer.share_pages_s = 0.0;
            if m.life.phase.sends()
                && m.ending.path_down_ns.is_none()
                && m.transfer.paused_until_ns.is_none()
            {
                s.sending.push(id.index());
            } else if m.life.phase == Phase::Suspended {
                s.suspended.push(id.index());
            }
        }
        if s.sending.is_empty() {
            self.shares = s;
            return;
        }
        let path_pages_s = self.link_pages_s();
        // Resources in a fixed order: paths first, then adapters, each in order of first use,
        // so that ties between equal bottlenecks always break the same way.
        let net = &mut s.net;
        for &i in s.sending.iter().chain(&s.suspended) {
            let m = &self.moves[i];
            net.path(m.from, m.to, path_pages_s);
        }
        for &i in s.sending.iter().chain(&s.suspended) {
            let m = &self.moves[i];
            if let Some(r) = m.route {
                net.adapter(&self.world, m.from, r.source);
                net.adapter(&self.world, m.to, r.target);
            }
        }
        net.finish();
        for &i in &s.suspended {
            let m = &self.moves[i];
            net.reserve(m, m.transfer.final_rate_pages_s);
        }
        for &i in &s.sending {
            let m = &self.moves[i];
            s.flows.push(net.crossed(m));
            s.caps.push(self.cap_pages_s(m.partition));
        }
        net.capacity_into(&mut s.capacity);
        s.fair.share(&s.capacity, &s.flows, &s.caps);
        for (&i, &share) in s.sending.iter().zip(&s.fair.share) {
            self.moves[i].transfer.share_pages_s = share;
        }
        self.shares = s;
    }

    /// The rate a move could get alone, pages/s: its cap, the path and its movers' adapters.
    pub(super) fn alone_pages_s(&self, m: &super::Move) -> f64 {
        let mut rate = self.cap_pages_s(m.partition);
        if let Some(r) = m.route {
            rate = rate
                .min(self.world.frame(m.from).movers[r.source].pages_s)
                .min(self.world.frame(m.to).movers[r.target].pages_s);
        }
        rate
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
                    // Zero pages, and QEMU's own pre-copy loop: src/engine/qemu.rs.
                    if let Some(changed) = self.qemu_progress(id, t0) {
                        if changed {
                            continue;
                        }
                        return;
                    }
                    let m = &self.moves[i];
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

/// What `share_link` works with, kept between steps so that a step allocates nothing.
#[derive(Debug, Clone, Default)]
pub(super) struct Shares {
    sending: Vec<usize>,
    suspended: Vec<usize>,
    net: Network,
    flows: Vec<Flow>,
    caps: Vec<f64>,
    capacity: Vec<f64>,
    fair: Fair,
}

impl Shares {
    fn clear(&mut self) {
        self.sending.clear();
        self.suspended.clear();
        self.net.clear();
        self.flows.clear();
        self.caps.clear();
    }
}

/// The resources one flow crosses: a path and up to two adapters (indices into the
/// network's resources).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Flow {
    resources: [usize; 3],
    len: usize,
}

impl Flow {
    fn resources(&self) -> &[usize] {
        &self.resources[..self.len]
    }

    fn crosses(&self, r: usize) -> bool {
        self.resources().contains(&r)
    }
}

/// The resources moves cross this step: a path per pair of frames in use, an adapter per mover
/// in use, each with its capacity less what suspend windows hold.
#[derive(Debug, Clone, Default)]
struct Network {
    paths: Vec<((FrameId, FrameId), f64)>,
    adapters: Vec<((FrameId, usize), f64)>,
    /// What suspend windows hold on each resource, summed in move order.
    held: Vec<f64>,
}

impl Network {
    fn clear(&mut self) {
        self.paths.clear();
        self.adapters.clear();
        self.held.clear();
    }

    fn key(a: FrameId, b: FrameId) -> (FrameId, FrameId) {
        (a.min(b), a.max(b))
    }

    fn path(&mut self, a: FrameId, b: FrameId, pages_s: f64) {
        let k = Network::key(a, b);
        if !self.paths.iter().any(|(p, _)| *p == k) {
            self.paths.push((k, pages_s));
        }
    }

    fn adapter(&mut self, world: &super::world::World, f: FrameId, k: usize) {
        if !self.adapters.iter().any(|(a, _)| *a == (f, k)) {
            self.adapters
                .push(((f, k), world.frame(f).movers[k].pages_s));
        }
    }

    /// Every resource is known: what suspend windows hold starts at nothing on each.
    fn finish(&mut self) {
        self.held
            .resize(self.paths.len() + self.adapters.len(), 0.0);
    }

    /// The resources a move crosses, as indices into `capacity_into`'s list.
    fn crossed(&self, m: &super::Move) -> Flow {
        let k = Network::key(m.from, m.to);
        let mut out = [self.paths.iter().position(|(p, _)| *p == k).unwrap_or(0); 3];
        let mut len = 1;
        if let Some(r) = m.route {
            for key in [(m.from, r.source), (m.to, r.target)] {
                if let Some(a) = self.adapters.iter().position(|(x, _)| *x == key) {
                    out[len] = self.paths.len() + a;
                    len += 1;
                }
            }
        }
        Flow {
            resources: out,
            len,
        }
    }

    fn reserve(&mut self, m: &super::Move, pages_s: f64) {
        let flow = self.crossed(m);
        for &r in flow.resources() {
            self.held[r] += pages_s;
        }
    }

    /// Each resource's capacity this step, less what suspend windows hold.
    fn capacity_into(&self, out: &mut Vec<f64>) {
        out.clear();
        let all = self
            .paths
            .iter()
            .map(|p| p.1)
            .chain(self.adapters.iter().map(|a| a.1));
        out.extend(all.zip(&self.held).map(|(c, h)| c - h));
    }
}

/// Progressive filling, with its buffers.
#[derive(Debug, Clone, Default)]
struct Fair {
    share: Vec<f64>,
    left: Vec<f64>,
    fixed: Vec<bool>,
    order: Vec<usize>,
    count: Vec<usize>,
}

impl Fair {
    /// Max-min fair shares by progressive filling: flow `f` crosses `flows[f]` and wants at
    /// most `caps[f]`. Repeatedly, the resource whose even split among its unfixed flows is
    /// smallest is the bottleneck; flows whose cap is below that split are fixed at their cap
    /// first (smallest first), else the bottleneck's flows are fixed at its split. With a
    /// single resource this is exactly `sim::link::fair_shares`, operation for operation, so
    /// that two frames share their link as they always did.
    fn share(&mut self, capacity: &[f64], flows: &[Flow], caps: &[f64]) {
        let n = flows.len();
        self.left.clear();
        self.left.extend(capacity.iter().map(|c| c.max(0.0)));
        self.share.clear();
        self.share.resize(n, 0.0);
        self.fixed.clear();
        self.fixed.resize(n, false);
        // Flows in cap order (stable), as `fair_shares` takes them.
        self.order.clear();
        self.order.extend(0..n);
        self.order.sort_by(|&a, &b| caps[a].total_cmp(&caps[b]));
        self.count.clear();
        self.count.resize(self.left.len(), 0);
        for f in flows {
            for &r in f.resources() {
                self.count[r] += 1;
            }
        }
        let Fair {
            share,
            left,
            fixed,
            order,
            count,
        } = self;
        let fix = |f: usize, s: f64, left: &mut [f64], count: &mut [usize]| {
            for &r in flows[f].resources() {
                left[r] -= s;
                count[r] -= 1;
            }
            s
        };
        let mut unfixed = n;
        while unfixed > 0 {
            let Some(bottleneck) = (0..left.len()).filter(|&r| count[r] > 0).min_by(|&a, &b| {
                (left[a] / count[a] as f64).total_cmp(&(left[b] / count[b] as f64))
            }) else {
                break;
            };
            let level = left[bottleneck] / count[bottleneck] as f64;
            match order.iter().copied().find(|&f| !fixed[f]) {
                Some(f) if caps[f].max(0.0) <= level => {
                    share[f] = fix(f, caps[f].max(0.0), left, count);
                    fixed[f] = true;
                    unfixed -= 1;
                }
                _ => {
                    for &f in order.iter() {
                        if fixed[f] || !flows[f].crosses(bottleneck) {
                            continue;
                        }
                        let even = left[bottleneck] / count[bottleneck] as f64;
                        let s = caps[f].max(0.0).min(even);
                        share[f] = fix(f, s, left, count);
                        fixed[f] = true;
                        unfixed -= 1;
                    }
                }
            }
        }
    }
}
