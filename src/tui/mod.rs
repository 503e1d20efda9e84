//! The operator dashboard: watch and drive moves live by keyboard.
//!
//! The engine runs on its own thread (`session::Driver`, `runtime`). `app` holds the state, and
//! what changes it is split by cause: `update` (the session's updates), `commands` (keys, by
//! the `keymap` table), `confirm` (the questions before destructive actions) and `log` (events
//! in words). `layout` places every region from the screen's size up front, and `render` draws
//! the screen from the state alone, one module per region. No terminal I/O outside `runtime`,
//! so `Harness` drives the real app on a `TestBackend` with synthetic keys and simulated time,
//! and `record` renders a presenter script into an asciicast file without a terminal.

pub mod advice;
pub mod app;
pub mod commands;
pub mod confirm;
pub mod console;
pub mod fmt;
pub mod harness;
pub mod keymap;
pub mod layout;
pub mod line;
pub mod log;
pub mod picker;
pub mod record;
pub mod render;
pub mod runtime;
pub mod theme;
pub mod update;

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

/// Opens the dashboard on a scenario, starting at `time_scale` simulated seconds per wall
/// second (`<`/`>` change it), and returns when the operator quits.
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
