//! The log: the engine's events as readable lines with a level, the latest 500 kept. The log
//! pane (`render::log`) draws them; the runtime also hands them to `tracing` for tui-logger.

use super::app::App;
use crate::engine::Event;
pub use crate::narrate::Level;
use crate::narrate::narrate;

/// Log lines kept.
const LOG_LINES: usize = 500;

/// One readable line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub t: f64,
    pub level: Level,
    pub text: String,
}

impl App {
    /// The log lines the level filter lets through.
    pub fn visible_log(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        let level = self.log_level;
        self.log.iter().filter(move |l| l.level <= level)
    }

    /// Adds a line (and hands it to `tracing` when the runtime's logger shows the pane).
    pub(super) fn push_log(&mut self, t: f64, level: Level, text: String) {
        if self.trace {
            let line = format!("{:>9.3} s  {text}", t);
            match level {
                Level::Error => tracing::error!(target: "lpm", "{line}"),
                Level::Warn => tracing::warn!(target: "lpm", "{line}"),
                Level::Info => tracing::info!(target: "lpm", "{line}"),
                Level::Debug => tracing::debug!(target: "lpm", "{line}"),
            }
        }
        if self.log.len() >= LOG_LINES {
            self.log.pop_front();
        }
        self.log.push_back(LogLine { t, level, text });
    }

    /// An engine event as a readable log line.
    pub(super) fn record_event(&mut self, e: &Event) {
        let n = narrate(&e.kind, self.snap.page_size_kib);
        self.push_log(e.t, n.level, n.text);
    }
}
