//! The HMC command line over the simulated estate (DOMAIN.md section 8).
//!
//! People who run Live Partition Mobility type HMC commands; `lpm hmc` lets them practise and
//! script exactly those against the simulation. The pipeline, one file each:
//!
//! - [`tokens`]: a shell-like tokenizer ('...' and "..." quoting); never panics.
//! - [`command`]: the typed commands, plain serde values (scenario scripts and exported plans
//!   carry them), and their rendering back to HMC syntax.
//! - [`parse`]: tokens to a typed command, or a usage error / HSCL error.
//! - [`estate`]: the ONE adapter onto the engine (every call into `crate::engine` is there).
//! - [`execute`] with [`migration`] and [`records`]: a command against the estate.
//! - [`format`]: `attr=value` lines, `-F` with its delimiter, `--header`, `--filter`.
//! - [`session`]: [`Session`], which executes one line and returns what the HMC would print;
//!   the shell, the tests, and later the dashboard's `:` line and scripts all use it.
//! - [`run`]: commands from standard input or `-c`; [`shell`] (feature `tui`): the
//!   interactive shell with line editing, history and Tab completion from [`complete`].
//!
//! Nothing here imports a terminal crate except [`shell`], which is behind the `tui` feature,
//! so `cargo check --lib --no-default-features` builds the rest.
//!
//! # Bounds
//!
//! Every loop that input can lengthen has a bound; past it, the command is refused with
//! HSCLZ005 (never truncated silently):
//!
//! | what | bound | why this value |
//! |---|---|---|
//! | bytes in one command line | [`bounds::MAX_LINE_BYTES`] (64 KiB) | far above any real command; a pasted file is refused, not parsed |
//! | tokens in one command line | [`bounds::MAX_TOKENS`] (512) | the longest real command has ~30 |
//! | names or ids in `-p`, `--id`, `--filter` | [`bounds::MAX_NAMES`] (4096) | an estate of thousands of partitions (DOMAIN.md section 6) |
//! | attributes in `-F`, `-i`, `--filter` | [`bounds::MAX_ATTRIBUTES`] (64) | more than every attribute of any record |
//! | `sleep SECONDS` | [`bounds::MAX_SLEEP_S`] (86,400 s) | a day, as scripted actions (the engine's clock limit) |
//! | `migrlpar -w MINUTES` | [`bounds::MAX_WAIT_MINUTES`] (1,440) | a day |
//! | `migrlpar -o m` without `-w` | [`bounds::MAX_WAIT_MINUTES`] too | a move that cannot end still returns |
//! | one-shot `-c` commands | [`bounds::MAX_ONE_SHOTS`] (1,024) | a script belongs on standard input |
//! | shell history | [`bounds::MAX_HISTORY`] (1,000 lines) | memory of a long session |
//!
//! Lines from standard input are read one at a time, each bounded as above, so a script of any
//! length runs in bounded memory.

pub mod bounds;
pub mod codes;
pub mod command;
pub mod complete;
pub mod estate;
pub mod execute;
pub mod format;
pub mod migration;
pub mod parse;
pub mod records;
pub mod run;
pub mod session;
#[cfg(feature = "tui")]
pub mod shell;
pub mod tokens;
pub mod unsupported;
pub mod usage;

pub use codes::{Code, HmcError};
pub use command::HmcCommand;
pub use parse::{ParseError, parse_line};
pub use session::{Outcome, Session};
