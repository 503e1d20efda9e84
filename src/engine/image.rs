//! The target frame's copy of a moving partition's memory, and the page copies into it: the
//! send path of every round and of the pull, and the demand faults of a partition resumed on
//! the target. This is the engine's hot path; keep it free of anything but page work.

use crate::sim::Bitmap;
use crate::sim::memory::{ABSENT, bump, page_array};

/// Pages per memory-map chunk kept by a move: fine enough for any map a screen can show.
pub const MAP_CELLS: usize = 4096;

/// What the target holds of one moving partition.
#[derive(Debug, Clone, Default)]
pub struct TargetImage {
    /// The version received per page (`ABSENT` before any).
    pub(super) versions: Vec<u32>,
    /// Pages written on the target after resume.
    pub(super) written: Bitmap,
    /// Writes made on the target after resume (verification accounts for them).
    pub(super) post_resume_writes: u64,
    /// Pages received at least once, per map cell.
    pub(super) received: Vec<u32>,
    /// log2 of the pages per map cell: a shift, not a division, on the send path.
    pub(super) cell_shift: u32,
}

impl TargetImage {
    /// The target shell's memory for `pages` pages, nothing received yet.
    pub(super) fn allocate(pages: usize) -> TargetImage {
        let cell_shift = pages
            .div_ceil(MAP_CELLS)
            .max(1)
            .next_power_of_two()
            .trailing_zeros();
        TargetImage {
            versions: page_array(pages, ABSENT),
            written: Bitmap::new(pages),
            post_resume_writes: 0,
            received: vec![0; pages.div_ceil(1 << cell_shift)],
            cell_shift,
        }
    }

    /// Pages per memory-map cell.
    pub fn cell_pages(&self) -> usize {
        1 << self.cell_shift
    }

    /// Bytes of per-page state held (the image and its bitmaps).
    pub fn state_bytes(&self) -> usize {
        self.versions.len() * 4 + self.written.memory_bytes() + self.received.len() * 4
    }

    /// Applies writes made on the target after resume, fetching any page of `send` (still on
    /// the source) first; returns the number of such demand faults.
    pub(super) fn write_on_target(
        &mut self,
        send: &mut Bitmap,
        source: &[u32],
        draw: impl FnOnce(&mut dyn FnMut(usize)),
    ) -> u64 {
        let mut faults = 0;
        let mut write = |pg: usize| {
            if send.clear(pg) {
                copy_into(
                    &mut self.versions,
                    &mut self.received,
                    self.cell_shift,
                    source,
                    pg,
                );
                faults += 1;
            }
            self.versions[pg] = bump(self.versions[pg]);
            self.written.set(pg);
        };
        draw(&mut write);
        faults
    }

    /// Sends up to `n` pages of `send`, in page order from `cursor`; returns how many it sent.
    pub(super) fn send_pages(
        &mut self,
        send: &mut Bitmap,
        cursor: &mut usize,
        source: &[u32],
        n: u64,
    ) -> u64 {
        let TargetImage {
            versions,
            received,
            cell_shift,
            ..
        } = self;
        let mut sent = 0;
        while sent < n {
            // Pages behind the cursor are only ever cleared while it sweeps; should one be set
            // there all the same, wrap once rather than leave a move that can never finish.
            let from = if send.next_set(*cursor).is_some() {
                *cursor
            } else {
                0
            };
            let (taken, next) = send.drain_runs(from, (n - sent) as usize, |start, len| {
                copy_run(versions, received, *cell_shift, source, start, len)
            });
            if taken == 0 {
                break;
            }
            sent += taken as u64;
            *cursor = next;
        }
        sent
    }

    /// Sends up to `n` pages of `send` as `send_pages` does, calling `on_page` on each (QEMU's
    /// loop tells zero pages from normal ones by it); returns how many it sent.
    pub(super) fn send_pages_with(
        &mut self,
        send: &mut Bitmap,
        cursor: &mut usize,
        source: &[u32],
        n: u64,
        mut on_page: impl FnMut(usize),
    ) -> u64 {
        let TargetImage {
            versions,
            received,
            cell_shift,
            ..
        } = self;
        let mut sent = 0;
        while sent < n {
            let from = if send.next_set(*cursor).is_some() {
                *cursor
            } else {
                0
            };
            let (taken, next) = send.drain_from(from, (n - sent) as usize, |p| {
                copy_into(versions, received, *cell_shift, source, p);
                on_page(p);
            });
            if taken == 0 {
                break;
            }
            sent += taken as u64;
            *cursor = next;
        }
        sent
    }

    /// Takes the pages `skip` names out of `send` as though they had arrived: the target
    /// holds them already (a never-written page is zero on both sides). Returns how many.
    pub(super) fn skip_pages(
        &mut self,
        send: &mut Bitmap,
        source: &[u32],
        skip: impl Iterator<Item = usize>,
    ) -> u64 {
        let mut n = 0;
        for p in skip {
            if send.clear(p) {
                copy_into(
                    &mut self.versions,
                    &mut self.received,
                    self.cell_shift,
                    source,
                    p,
                );
                n += 1;
            }
        }
        n
    }

    /// The image against the source image at suspension: every page not written on the
    /// target since resume must hold exactly the source's version; a page written there must
    /// have been fetched first (its version is the source's plus its own writes).
    /// Independent of the dirty bitmaps, so a bookkeeping slip shows here instead of passing
    /// silently.
    pub(super) fn verify(&self, source: &[u32]) -> bool {
        verify(
            source,
            &self.versions,
            &self.written,
            self.post_resume_writes,
        )
    }
}

/// See [`TargetImage::verify`]: public so that tests can show it catching a stale page.
pub fn verify(source: &[u32], target: &[u32], written: &Bitmap, post_resume_writes: u64) -> bool {
    if source.len() != target.len() {
        return false;
    }
    let mut extra = 0u64;
    // 64 pages at a time, as the written bitmap's words: where none was written on the target,
    // the two images must be equal, compared in bulk (a source version is never `ABSENT`, so
    // a page never received cannot pass).
    for (k, (s, t)) in source.chunks(64).zip(target.chunks(64)).enumerate() {
        let w = if written.is_empty() {
            0
        } else {
            written.word(k)
        };
        if w == 0 {
            if s != t {
                return false;
            }
            continue;
        }
        for (j, (&s, &t)) in s.iter().zip(t).enumerate() {
            if t == ABSENT {
                return false;
            }
            if w >> j & 1 == 1 {
                let d = t.wrapping_sub(s) as u64;
                if d == 0 || d > post_resume_writes {
                    return false;
                }
                extra += d;
            } else if s != t {
                return false;
            }
        }
    }
    extra == post_resume_writes
}

/// Pages `start..start + len` of `source` into `target` at once, counting first arrivals per
/// map cell: the same as `copy_into` page by page, in loops the compiler vectorises.
#[inline]
fn copy_run(
    target: &mut [u32],
    received: &mut [u32],
    cell_shift: u32,
    source: &[u32],
    start: usize,
    len: usize,
) {
    let end = start + len;
    if len < 32 {
        // Scattered dirty pages come in short runs: page by page is cheaper than the bulk setup.
        for p in start..end {
            copy_into(target, received, cell_shift, source, p);
        }
        return;
    }
    let mut p = start;
    while p < end {
        let cell = p >> cell_shift;
        let stop = ((cell + 1) << cell_shift).min(end);
        let arriving = target[p..stop].iter().filter(|&&t| t == ABSENT).count();
        received[cell] += arriving as u32;
        target[p..stop].copy_from_slice(&source[p..stop]);
        p = stop;
    }
}

/// Page `p` of `source` into `target`, counting a first arrival in its map cell.
#[inline(always)]
fn copy_into(target: &mut [u32], received: &mut [u32], cell_shift: u32, source: &[u32], p: usize) {
    if target[p] == ABSENT {
        received[p >> cell_shift] += 1;
    }
    target[p] = source[p];
}
