//! Page-level memory: a version per page, dirty bitmaps as u64 words.
//!
//! Per simulated page the engine holds a u32 version on the source, a u32 received version on
//! the target (only while a move runs) and three bits (dirty, to-send, written-on-target):
//! 8.4 bytes, no per-page allocation, O(1) work per page write.

/// What the engine holds per simulated page of a partition in motion: the source version (u32),
/// the target's received version (u32) and three bitmaps (dirty, to-send, written on target).
pub const BYTES_PER_PAGE_IN_MOTION: f64 = 4.0 + 4.0 + 3.0 / 8.0;

/// The memory this machine can give the simulation: Linux's MemAvailable (free memory plus
/// what the page cache can give back). `None` where /proc/meminfo does not exist.
pub fn available_memory_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The version a target page holds before anything has been received.
pub const ABSENT: u32 = u32::MAX;

/// A fixed-size set of pages, one bit each, with its population kept up to date.
#[derive(Debug, Clone, Default)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
    ones: usize,
}

impl Bitmap {
    pub fn new(len: usize) -> Bitmap {
        Bitmap {
            words: vec![0; len.div_ceil(64)],
            len,
            ones: 0,
        }
    }

    pub fn full(len: usize) -> Bitmap {
        let mut words = vec![u64::MAX; len.div_ceil(64)];
        if !len.is_multiple_of(64)
            && let Some(last) = words.last_mut()
        {
            *last = (1u64 << (len % 64)) - 1;
        }
        Bitmap {
            words,
            len,
            ones: len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `k`-th word: bits `64k..64k + 64`.
    #[inline]
    pub fn word(&self, k: usize) -> u64 {
        self.words[k]
    }

    /// Number of set bits.
    pub fn count(&self) -> usize {
        self.ones
    }

    #[inline(always)]
    pub fn get(&self, i: usize) -> bool {
        self.words[i >> 6] >> (i & 63) & 1 == 1
    }

    /// Sets bit `i`; returns true when it was clear.
    ///
    /// Written as old/new word comparisons: the shorter `was = *w & bit != 0; *w |= bit`
    /// form (and its `clear` twin) was miscompiled by rustc 1.95 at opt-level 3 inside the
    /// demand-fault loop: the population stopped following the bits and a pull phase never
    /// finished. The unit tests here pass either way; `.ci/run` runs the engine's tests in
    /// release, where `engine_faults` catches it.
    #[inline(always)]
    pub fn set(&mut self, i: usize) -> bool {
        let w = &mut self.words[i >> 6];
        let old = *w;
        let new = old | (1u64 << (i & 63));
        *w = new;
        let was_clear = old != new;
        self.ones += was_clear as usize;
        was_clear
    }

    /// Clears bit `i`; returns true when it was set.
    #[inline(always)]
    pub fn clear(&mut self, i: usize) -> bool {
        let w = &mut self.words[i >> 6];
        let old = *w;
        let new = old & !(1u64 << (i & 63));
        *w = new;
        let was_set = old != new;
        self.ones -= was_set as usize;
        was_set
    }

    pub fn clear_all(&mut self) {
        self.words.fill(0);
        self.ones = 0;
    }

    /// Takes the set bits, leaving this bitmap empty (QEMU's bitmap sync).
    pub fn take(&mut self) -> Bitmap {
        let fresh = Bitmap::new(self.len);
        std::mem::replace(self, fresh)
    }

    /// Moves the contents of `self` into `into` (which must be empty and the same length) and
    /// clears `self`, reusing both allocations.
    pub fn sync_into(&mut self, into: &mut Bitmap) {
        debug_assert_eq!(into.ones, 0);
        debug_assert_eq!(into.recount(), 0);
        debug_assert_eq!(self.recount(), self.ones);
        debug_assert_eq!(into.len, self.len);
        std::mem::swap(self, into);
    }

    /// ORs `log` into `self` and clears `log` (QEMU's bitmap sync into a migration bitmap that
    /// still holds pages): returns how many bits were newly set, those not already set here.
    pub fn merge_from(&mut self, log: &mut Bitmap) -> usize {
        debug_assert_eq!(log.len, self.len);
        let mut fresh = 0usize;
        for (d, l) in self.words.iter_mut().zip(log.words.iter_mut()) {
            let bits = *l;
            if bits != 0 {
                fresh += (bits & !*d).count_ones() as usize;
                *d |= bits;
                *l = 0;
            }
        }
        self.ones += fresh;
        log.ones = 0;
        fresh
    }

    /// Clears up to `max` set bits at or after `from`, in order, calling `f` on each; returns
    /// how many it cleared and the position just after the last one (or the end).
    pub fn drain_from(
        &mut self,
        from: usize,
        max: usize,
        mut f: impl FnMut(usize),
    ) -> (usize, usize) {
        self.drain_runs(from, max, |start, len| {
            (start..start + len).for_each(&mut f)
        })
    }

    /// As `drain_from`, calling `f(start, len)` once per run of consecutive set bits: the send
    /// loop of every round goes through here, and round 1 (every page) is one long run, which
    /// the caller copies in bulk. Works a word at a time.
    pub fn drain_runs(
        &mut self,
        from: usize,
        max: usize,
        mut f: impl FnMut(usize, usize),
    ) -> (usize, usize) {
        let mut wi = from >> 6;
        if wi >= self.words.len() || max == 0 {
            return (0, from);
        }
        let mut taken = 0;
        let mut cursor = from;
        let mut mask = u64::MAX << (from & 63);
        // The run being gathered, handed on when the next bit does not continue it.
        let mut run: Option<(usize, usize)> = None;
        while wi < self.words.len() {
            let mut w = self.words[wi] & mask;
            let mut cleared = 0u64;
            while w != 0 && taken < max {
                let b = w.trailing_zeros() as usize;
                let len = ((w >> b).trailing_ones() as usize).min(max - taken);
                let bits = if len == 64 {
                    u64::MAX
                } else {
                    ((1u64 << len) - 1) << b
                };
                let start = (wi << 6) + b;
                run = match run {
                    Some((s, l)) if s + l == start => Some((s, l + len)),
                    Some((s, l)) => {
                        f(s, l);
                        Some((start, len))
                    }
                    None => Some((start, len)),
                };
                cleared |= bits;
                w &= !bits;
                taken += len;
                cursor = start + len;
            }
            self.words[wi] &= !cleared;
            if taken >= max {
                break;
            }
            wi += 1;
            cursor = wi << 6;
            mask = u64::MAX;
        }
        if let Some((s, l)) = run {
            f(s, l);
        }
        self.ones -= taken;
        (taken, cursor.min(self.len))
    }

    /// Calls `f` on every set bit, in order.
    pub fn for_each_one(&self, mut f: impl FnMut(usize)) {
        for (wi, &word) in self.words.iter().enumerate() {
            let mut w = word;
            while w != 0 {
                f((wi << 6) + w.trailing_zeros() as usize);
                w &= w - 1;
            }
        }
    }

    /// The first set bit at or after `from`, if any.
    pub fn next_set(&self, from: usize) -> Option<usize> {
        if from >= self.len {
            return None;
        }
        let mut wi = from >> 6;
        let mut w = self.words[wi] & (u64::MAX << (from & 63));
        loop {
            if w != 0 {
                return Some((wi << 6) + w.trailing_zeros() as usize);
            }
            wi += 1;
            if wi >= self.words.len() {
                return None;
            }
            w = self.words[wi];
        }
    }

    /// Set bits in `start..end` (any bounds; counts whole words where it can).
    pub fn count_range(&self, start: usize, end: usize) -> usize {
        let end = end.min(self.len);
        if start >= end {
            return 0;
        }
        let (sw, ew) = (start >> 6, (end - 1) >> 6);
        let mask_lo = u64::MAX << (start & 63);
        let mask_hi = u64::MAX >> (63 - ((end - 1) & 63));
        if sw == ew {
            return (self.words[sw] & mask_lo & mask_hi).count_ones() as usize;
        }
        let mut n =
            (self.words[sw] & mask_lo).count_ones() + (self.words[ew] & mask_hi).count_ones();
        for w in &self.words[sw + 1..ew] {
            n += w.count_ones();
        }
        n as usize
    }

    /// Set bits in `start..end` that are set in `self` or in `other`.
    pub fn count_union_range(&self, other: &Bitmap, start: usize, end: usize) -> usize {
        self.union_popcount(other, start, end.min(self.len))
    }

    fn union_popcount(&self, other: &Bitmap, start: usize, end: usize) -> usize {
        if start >= end {
            return 0;
        }
        let (sw, ew) = (start >> 6, (end - 1) >> 6);
        let mut n = 0;
        for wi in sw..=ew {
            let mut w = self.words[wi] | other.words[wi];
            if wi == sw {
                w &= u64::MAX << (start & 63);
            }
            if wi == ew {
                w &= u64::MAX >> (63 - ((end - 1) & 63));
            }
            n += w.count_ones() as usize;
        }
        n
    }

    /// The population recounted from the words (for checks; O(len)).
    pub fn recount(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn memory_bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// Where a partition's zero pages are: `pages - written` of them, spread evenly through its
/// memory (free memory lies scattered through a running system's RAM), between the
/// `written` pages its workload writes.
///
/// The written pages are a Bresenham spread: page `p` is written when
/// `floor((p + 1) w) > floor(p w)` with `w = written / pages` in 64-bit fixed point, so that
/// the pages written below `p` are one multiplication away and the `i`-th written page is a
/// division and a step or two of correction: the workload draws an index among the written
/// pages (its hot region or sweep contiguous among them) and this maps it to a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZeroPages {
    pages: usize,
    written: usize,
    /// `ceil(written * 2^64 / pages)`: the density of written pages.
    density: u128,
    /// `pages / written`, for a first guess at the i-th written page.
    spread: f64,
}

impl Default for ZeroPages {
    fn default() -> ZeroPages {
        ZeroPages::new(0, 0)
    }
}

impl ZeroPages {
    /// `pages` pages of which `written` (at most `pages`) are written, the rest zero.
    pub fn new(pages: usize, written: usize) -> ZeroPages {
        let written = written.min(pages);
        let density = if written == pages {
            1u128 << 64
        } else {
            ((written as u128) << 64).div_ceil(pages as u128)
        };
        ZeroPages {
            pages,
            written,
            density,
            spread: if written == 0 {
                0.0
            } else {
                pages as f64 / written as f64
            },
        }
    }

    /// No zero page at all: page `i` is the `i`-th written page.
    pub fn none(&self) -> bool {
        self.written == self.pages
    }

    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Pages the workload writes.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Zero pages.
    pub fn zeros(&self) -> usize {
        self.pages - self.written
    }

    /// Written pages below page `p`.
    #[inline(always)]
    pub fn written_below(&self, p: usize) -> usize {
        ((p as u128 * self.density) >> 64) as usize
    }

    #[inline(always)]
    pub fn is_zero(&self, p: usize) -> bool {
        self.written_below(p + 1) == self.written_below(p)
    }

    /// The `i`-th written page (`i < written`).
    #[inline(always)]
    pub fn page_of(&self, i: usize) -> usize {
        if self.none() {
            return i;
        }
        // The smallest p with written_below(p + 1) > i, about (i + 1) * pages / written - 1.
        let mut p = (((i + 1) as f64 * self.spread).ceil() as usize)
            .saturating_sub(1)
            .min(self.pages - 1);
        while p > 0 && self.written_below(p) > i {
            p -= 1;
        }
        while self.written_below(p + 1) <= i {
            p += 1;
        }
        p
    }
}

/// A page array of `pages` entries of `value`, backed by huge pages where the OS allows.
///
/// Page writes land at random across arrays of tens of MiB: with 4 KiB OS pages nearly every
/// write also misses the TLB, which costs more than the cache miss itself. Transparent huge
/// pages (Linux, "madvise" mode is the common default) remove most of those walks.
pub fn page_array(pages: usize, value: u32) -> Vec<u32> {
    if value == 0 {
        // Zeroed memory comes from calloc: untouched pages cost nothing until written.
        let mut v = vec![0u32; pages];
        advise_huge_pages(v.as_mut_ptr() as *mut u8, pages * 4);
        return v;
    }
    let mut v: Vec<u32> = Vec::with_capacity(pages);
    advise_huge_pages(v.as_mut_ptr() as *mut u8, pages * 4);
    v.resize(pages, value);
    v
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(ptr: *mut u8, bytes: usize) {
    const HUGE: usize = 2 << 20;
    if bytes < 2 * HUGE {
        return;
    }
    // Only whole huge pages inside the allocation.
    let start = (ptr as usize).next_multiple_of(HUGE);
    let end = (ptr as usize + bytes) / HUGE * HUGE;
    if end > start {
        // SAFETY: madvise only changes how the kernel backs pages of this process's own
        // mapping; [start, end) lies inside the allocation just made, and the advice is a
        // hint whose failure leaves the memory as it was.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_ptr: *mut u8, _bytes: usize) {}

/// A running partition's memory on the frame it runs on: one version per page, bumped by
/// every write, and the dirty bitmap while a move is tracking writes.
#[derive(Debug, Clone)]
pub struct PageMemory {
    pub versions: Vec<u32>,
    /// Pages written since the last bitmap sync; `None` when no move is tracking.
    pub dirty: Option<Bitmap>,
}

impl PageMemory {
    pub fn new(pages: usize) -> PageMemory {
        PageMemory {
            versions: page_array(pages, 0),
            dirty: None,
        }
    }

    pub fn pages(&self) -> usize {
        self.versions.len()
    }

    /// Bytes of per-page state (versions and dirty bitmap).
    pub fn state_bytes(&self) -> usize {
        self.versions.len() * 4 + self.dirty.as_ref().map_or(0, |d| d.memory_bytes())
    }

    /// Sum of all page versions: with versions starting at 0 and bumped by one per write, this
    /// equals the number of writes the memory has absorbed, a cheap check that nothing was lost.
    pub fn version_sum(&self) -> u64 {
        self.versions.iter().map(|&v| v as u64).sum()
    }
}

/// The version after a write. Skips `ABSENT`, which marks a page the target never received.
#[inline(always)]
pub fn bump(v: u32) -> u32 {
    let n = v.wrapping_add(1);
    if n == ABSENT { 0 } else { n }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmap_counts_and_iterates() {
        let mut b = Bitmap::new(200);
        assert!(b.set(3));
        assert!(!b.set(3));
        b.set(64);
        b.set(199);
        assert_eq!(b.count(), 3);
        assert_eq!(b.next_set(0), Some(3));
        assert_eq!(b.next_set(4), Some(64));
        assert_eq!(b.next_set(65), Some(199));
        assert_eq!(b.next_set(200), None);
        assert_eq!(b.count_range(0, 64), 1);
        assert_eq!(b.count_range(3, 65), 2);
        assert_eq!(b.count_range(4, 199), 1);
        assert_eq!(b.count_range(0, 200), 3);
        assert!(b.clear(64));
        assert!(!b.clear(64));
        assert_eq!(b.count(), 2);
        let t = b.take();
        assert_eq!((t.count(), b.count()), (2, 0));
    }

    #[test]
    fn population_follows_bits_through_interleaved_sets_and_clears() {
        // The pattern of a demand fault: clear in one map, set in another, in one loop.
        let n = 1 << 16;
        let mut a = Bitmap::full(n);
        let mut b = Bitmap::new(n);
        let mut rng = crate::sim::SimRng::new(3, "bits");
        let mut cleared = 0;
        for _ in 0..50_000 {
            let i = rng.below(n as u64) as usize;
            cleared += a.clear(i) as usize;
            b.set(i);
        }
        assert_eq!(a.count(), a.recount());
        assert_eq!(b.count(), b.recount());
        assert_eq!(a.count(), n - cleared);
        assert_eq!(b.count(), cleared);
    }

    #[test]
    fn drain_takes_bits_in_order_up_to_a_limit() {
        let mut b = Bitmap::new(300);
        for i in [3, 64, 65, 130, 299] {
            b.set(i);
        }
        let mut got = Vec::new();
        assert_eq!(b.drain_from(4, 2, |p| got.push(p)), (2, 66));
        assert_eq!(got, vec![64, 65]);
        assert_eq!(b.drain_from(66, 10, |p| got.push(p)), (2, 300));
        assert_eq!(got, vec![64, 65, 130, 299]);
        assert_eq!((b.count(), b.recount()), (1, 1));
        assert_eq!(b.drain_from(0, 10, |_| {}), (1, 300));
        assert_eq!(b.count(), 0);
    }

    #[test]
    fn runs_come_whole_across_words_and_stop_at_the_limit() {
        let mut b = Bitmap::full(200);
        b.clear(10);
        let mut runs = Vec::new();
        assert_eq!(b.drain_runs(0, 150, |s, l| runs.push((s, l))), (150, 151));
        assert_eq!(runs, vec![(0, 10), (11, 140)]);
        runs.clear();
        assert_eq!(b.drain_runs(151, 1000, |s, l| runs.push((s, l))), (49, 200));
        assert_eq!(runs, vec![(151, 49)]);
        assert_eq!((b.count(), b.recount()), (0, 0));
    }

    #[test]
    fn merge_counts_only_new_bits_and_empties_the_log() {
        let mut pending = Bitmap::new(200);
        let mut log = Bitmap::new(200);
        pending.set(3);
        pending.set(150);
        log.set(3);
        log.set(70);
        log.set(199);
        assert_eq!(pending.merge_from(&mut log), 2);
        assert_eq!((pending.count(), pending.recount()), (4, 4));
        assert_eq!((log.count(), log.recount()), (0, 0));
    }

    #[test]
    fn zero_pages_are_spread_and_written_pages_map_one_to_one() {
        for (pages, written) in [(1000, 1000), (1000, 874), (1000, 13), (997, 500), (64, 1)] {
            let z = ZeroPages::new(pages, written);
            assert_eq!(z.written_below(pages), written, "{pages} {written}");
            assert_eq!((0..pages).filter(|&p| !z.is_zero(p)).count(), written);
            let mapped: Vec<usize> = (0..written).map(|i| z.page_of(i)).collect();
            assert!(mapped.windows(2).all(|w| w[0] < w[1]));
            assert!(mapped.iter().all(|&p| !z.is_zero(p) && p < pages));
        }
        // Evenly spread: no run of zero pages longer than the ratio asks.
        let z = ZeroPages::new(10_000, 2_500);
        let mut run = 0;
        let mut longest = 0;
        for p in 0..10_000 {
            run = if z.is_zero(p) { run + 1 } else { 0 };
            longest = longest.max(run);
        }
        assert_eq!(longest, 3);
        assert!(ZeroPages::new(100, 100).none());
        assert_eq!(ZeroPages::new(100, 0).zeros(), 100);
    }

    #[test]
    fn full_bitmap_has_exactly_len_bits() {
        let b = Bitmap::full(130);
        assert_eq!(b.count(), 130);
        assert_eq!(b.count_range(0, 1000), 130);
        assert_eq!(b.next_set(129), Some(129));
        assert_eq!(b.next_set(130), None);
    }

    #[test]
    fn union_counts_each_page_once() {
        let mut a = Bitmap::new(300);
        let mut b = Bitmap::new(300);
        a.set(5);
        a.set(100);
        b.set(100);
        b.set(250);
        assert_eq!(a.count_union_range(&b, 0, 300), 3);
        assert_eq!(a.count_union_range(&b, 6, 251), 2);
    }

    #[test]
    fn bump_never_yields_absent() {
        assert_eq!(bump(ABSENT - 1), 0);
        assert_eq!(bump(5), 6);
    }
}
