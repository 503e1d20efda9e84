//! lpm: a Live Partition Mobility console.
//!
//! The library is the simulation (`sim`), the migration engine (`engine`), scenario files
//! (`scenario`), headless reports (`report`), convergence studies (`lab`), presenter scripts
//! (`presenter`) and the dashboard's session with the engine (`session`). None of these import
//! a terminal crate; the dashboard (`tui`, behind the default `tui` feature) is one more
//! consumer of the engine, through `session`.

pub mod engine;
pub mod hmc;
pub mod lab;
pub mod narrate;
pub mod presenter;
pub mod report;
pub mod scenario;
pub mod session;
pub mod sim;
pub mod spec;
#[cfg(feature = "tui")]
pub mod tui;
pub mod units;

pub use engine::Engine;
pub use spec::Scenario;
