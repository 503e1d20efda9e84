//! lpm: a Live Partition Mobility console.
//!
//! The library is the simulation (`sim`), the migration engine (`engine`), scenario files
//! (`scenario`), headless reports (`report`), convergence studies (`lab`), presenter scripts
//! (`presenter`) and the dashboard's session with the engine (`session`). None of these import
//! a terminal crate; the dashboard (`tui`, behind the default `tui` feature) is one more
//! consumer of the engine, through `session`.

pub mod engine;
pub mod lab;
pub mod presenter;
pub mod report;
pub mod scenario;
pub mod session;
pub mod sim;
#[cfg(feature = "tui")]
pub mod tui;

pub use engine::Engine;
pub use scenario::Scenario;
