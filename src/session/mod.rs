//! The dashboard's session with the engine, without a terminal: the `Driver` owns the
//! `Engine` (and the presenter script's timeline, when one plays), carries out the dashboard's
//! requests, paces simulated time by the wall clock (time scale, pause, slow motion through
//! suspend windows) and hands back updates. The dashboard runs it on its own thread; tests,
//! benches and recordings drive it directly with simulated time.

pub mod driver;
mod hmc;
pub mod messages;

pub use driver::Driver;
pub use messages::{HmcAnswer, PresenterView, Reply, Request, Started, Target, Update};
