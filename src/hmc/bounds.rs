//! The bounds on everything input can lengthen (the table is in the module docs of `hmc`).

/// Bytes in one command line.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Tokens in one command line.
pub const MAX_TOKENS: usize = 512;
/// Partition names or ids in one `-p`, `--id` or `--filter` value.
pub const MAX_NAMES: usize = 4096;
/// Attributes in one `-F`, `-i` or `--filter` value.
pub const MAX_ATTRIBUTES: usize = 64;
/// Simulated seconds one `sleep` may last.
pub const MAX_SLEEP_S: f64 = 86_400.0;
/// Minutes `migrlpar -w` may wait, and how long `migrlpar -o m` waits at most without it.
pub const MAX_WAIT_MINUTES: u32 = 1_440;
/// One-shot commands (`lpm hmc -c ...`) in one invocation.
pub const MAX_ONE_SHOTS: usize = 1_024;
/// Lines the interactive shell remembers.
pub const MAX_HISTORY: usize = 1_000;
/// The slice of simulated time by which a waiting command advances the engine: fine enough
/// that `migrlpar -o m` returns within 0.1 s of the move's end (the engine itself steps 1 ms
/// whatever the slice, so results do not depend on it).
pub const WAIT_SLICE_S: f64 = 0.1;
