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
//!
//! # Sources
//!
//! From IBM: the synopses and options of migrlpar, lslparmigr, lssyscfg, lshwres and
//! chsysstate (HMC man pages); attribute names (the man pages, the ibm.power_hmc Ansible
//! collection's `hmc_command_stack.py`, IBM Redbook SG24-7460 for lslparmigr); `attr=value`
//! lines with a pair holding a comma quoted whole, `-F` values with the delimiter as typed,
//! `--header` only with `-F`, `No results were found.` (the collection's parsers; hmc-mcp's
//! notes from a live HMC); the usage error's sentence and HSCL0238's text (hmc-mcp, live HMC);
//! HSCL8012 for an unknown partition; HSCLA319's text and the `Errors:` block of a failed
//! validation (IBM Support, "HSCLA319 during LPM Validation of AIX NPIV Client"); partition
//! states; `-o m` validating and then waiting for the end of the move.
//!
//! # Not public: chosen by analogy
//!
//! - lpm's own HSCL codes (`HSCLZ...`, [`codes::LPM_CODES`]), by analogy with the HMC's
//!   `HSCLxxxx message` lines; their messages start `Cannot migrate NAME:` and end with the
//!   engine's reason.
//! - HSCL8012 for a managed system, a mover or a shared processor pool not found, by analogy
//!   with the partition's message.
//! - `--help` texts: laid out like the HMC's (`Usage:`, purpose, options), from the man pages'
//!   synopses; `help` alone lists the commands.
//! - An unknown option is reported with the HMC's usage sentence (as an invalid parameter);
//!   an unknown command and an unclosed quote as the HMC's restricted bash reports them
//!   (`rbash: ...`, exit 127 and 2).
//! - `-w MINUTES`: on the HMC it bounds the wait for operating-system commands; here it bounds
//!   how long `migrlpar -o m` waits for the move (simulated time). When it runs out the move
//!   goes on, migrlpar says so on standard output and exits 0.
//! - A move that a fault fails or a stop ends while `-o m` waits: an `Errors:` block with
//!   HSCLZ021 / HSCLZ020, exit 1.
//! - `migration_state` values beyond `Not Migrating`, `Migration Starting` and `Migration In
//!   Progress`: `Migration Failed` for a failed move waiting for `-o r`, while the partition is
//!   in state `Migrating - Running` (as stuck in an intermediate state, which is what `-o r`
//!   recovers on the HMC).
//! - A migrating partition is listed on both frames (source and destination shell), keeping
//!   its lpar_id; seen from the destination, lslparmigr names `source_sys_name` and
//!   `source_lpar_id` instead of `dest_*`.
//! - Derived values: lpar_id (position in the scenario, from 1); type_model by generation
//!   (POWER6/6+ 9117-MMA, POWER7 8231-E2B, POWER8 8286-42A, POWER9 9009-42A, POWER10
//!   9105-42A) and serial_num `21` + the frame's position; a failed frame in state `Error`;
//!   mover service partitions as the engine names them (`vios1`, `vios2`... per frame) with
//!   lpar ids after the client partitions';
//!   one shared pool `DefaultPool` (id 0); memory in MB with no firmware reserve; virtual
//!   processors = processing units rounded up; not-activated partitions at 0 current memory and
//!   processors.
//! - Virtual I/O a scenario leaves out is derived (`spec::vio`): one client virtual Ethernet
//!   adapter per VLAN from slot 2, then one client virtual Fibre Channel adapter per SAN; no
//!   virtual SCSI (`none`). The suggested mappings are the engine's (`engine::vio`).
//! - `lslparmigr -r virtualio`: `possible_vlan_mappings` and `suggested_vlan_mappings` beside
//!   IBM's SCSI and FC attributes; a suggested storage mapping adds `/vios_slot`, so that it can
//!   be given back to `-i`. `vlan_mappings=slot/vios_name/vios_id` by analogy with the other
//!   two (IBM's REST API maps MAC addresses to VLAN ids). HSCLA319's text is IBM's, followed by
//!   lpm's reason in brackets; VIOS not found is HSCL8012 by analogy with the partition's.
//! - `sleep SECONDS` is lpm's own command; `exit [N]` and `quit` end a session.
//! - `-F` naming an attribute an object lacks prints an empty value; an attribute no object of
//!   the resource has is refused (HSCLZ001).
//! - The prompt `hscroot@lpm:~> `, after the HMC's `user@host:~>`.

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
