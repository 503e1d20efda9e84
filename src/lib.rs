//! lpm: a Live Partition Mobility console.
//!
//! The library is the simulation (`sim`), the migration engine (`engine`), scenario files
//! (`scenario`) and headless reports (`report`). None of these import a terminal crate; the
//! dashboard (`tui`, behind the default `tui` feature) is one more consumer of the engine.

pub mod demo;
pub mod engine;
pub mod hmc;
pub mod lab;
pub mod report;
pub mod scenario;
pub mod sim;
#[cfg(feature = "tui")]
pub mod tui;

pub use engine::Engine;
pub use scenario::Scenario;
