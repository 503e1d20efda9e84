//! The operator dashboard: watch and drive moves live by keyboard.
//!
//! The engine runs on its own thread (`session::Driver`, `runtime`); the screen is drawn from the
//! latest `Snapshot` by plain functions, one module per region (`header`, `frames`, `detail`,
//! `chart`, `memory_map`, `log`, `hints`, `popup`, `help`). `app` holds the state and what keys
//! do to it, with no terminal I/O, so `Harness` can drive the real app on a `TestBackend` with
//! synthetic keys and simulated time. `record` renders a presenter script into an asciicast
//! file without a terminal.

pub mod app;
pub mod banner;
pub mod chart;
pub mod detail;
pub mod fmt;
pub mod frames;
pub mod harness;
pub mod header;
pub mod help;
pub mod hints;
pub mod keymap;
pub mod log;
pub mod memory_map;
pub mod popup;
pub mod record;
pub mod runtime;
pub mod theme;
pub mod ui;

pub use app::App;
pub use harness::Harness;
pub use theme::Theme;

use crate::Scenario;
use crate::presenter::Loaded;
use crate::session::Driver;

/// Options for the dashboard.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    /// Where the scenario came from, for the header.
    pub origin: Option<String>,
}

/// Opens the dashboard on a scenario and returns when the operator quits.
pub fn run(scenario: Scenario, options: TuiOptions) -> anyhow::Result<()> {
    runtime::run(scenario, options, 1.0)
}

/// As `run`, starting at `time_scale` simulated seconds per wall second (`<`/`>` change it).
pub fn run_at(scenario: Scenario, options: TuiOptions, time_scale: f64) -> anyhow::Result<()> {
    runtime::run(scenario, options, time_scale)
}

/// Plays a presenter script on the dashboard (`lpm demo`) until the presenter quits.
pub fn present(loaded: &Loaded, theme: Theme, show_log: bool) -> anyhow::Result<()> {
    let driver = Driver::with_script(loaded, false).map_err(anyhow::Error::msg)?;
    runtime::run_driver(driver, Some(loaded.origin.clone()), theme, 1.0, |app| {
        app.show_log = show_log;
    })
}
