//! The log: the engine's events as readable lines with a level, the latest 500 kept, and how
//! the operator reads them: scrolled back a page at a time, searched (`/`, then n / N), and
//! written to a new file (`W`). The log pane (`render::log`) draws them, with the header's time
//! format (`fmt::clock`) so that a line's time reads as the clock above it did.

use super::app::App;
use super::fmt;
use super::keymap::Command;
use super::layout::Plan;
use super::line::LineEditor;
use crate::engine::Event;
pub use crate::narrate::Level;
use crate::narrate::narrate;
use crate::session::Request;

/// Log lines kept.
const LOG_LINES: usize = 500;

/// One readable line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub t: f64,
    pub level: Level,
    pub text: String,
    /// Its place in the whole log (stable while older lines are dropped).
    pub seq: u64,
}

impl LogLine {
    /// The line as the pane shows it and the export writes it.
    pub fn stamped(&self) -> String {
        format!(
            "{}  {:<5}  {}",
            fmt::clock(self.t),
            self.level.label(),
            self.text
        )
    }
}

/// How the log is being read: scrolled back, focused, searched.
#[derive(Debug, Clone, Default)]
pub struct LogView {
    /// Lines scrolled back from the newest (0: the newest line at the bottom, following).
    pub scroll: usize,
    /// The log has the keys (and the screen under the frames).
    pub focused: bool,
    /// The search being typed after `/`.
    pub typing: bool,
    pub editor: LineEditor,
    /// The search in force (case-insensitive), and the line of its current match.
    pub query: String,
    pub current: Option<u64>,
    next_seq: u64,
}

/// Whether `text` holds `query`, ignoring case.
pub fn matches(text: &str, query: &str) -> bool {
    !query.is_empty() && text.to_lowercase().contains(&query.to_lowercase())
}

impl App {
    /// The log lines the level filter lets through.
    pub fn visible_log(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        let level = self.log_level;
        self.log.iter().filter(move |l| l.level <= level)
    }

    /// Adds a line. Scrolled back, the view stays on the lines it shows.
    pub(super) fn push_log(&mut self, t: f64, level: Level, text: String) {
        if self.log.len() >= LOG_LINES {
            self.log.pop_front();
        }
        let seq = self.log_view.next_seq;
        self.log_view.next_seq += 1;
        if self.log_view.scroll > 0 && level <= self.log_level {
            self.log_view.scroll += 1;
        }
        self.log.push_back(LogLine {
            t,
            level,
            text,
            seq,
        });
    }

    /// An engine event as a readable log line.
    pub(super) fn record_event(&mut self, e: &Event) {
        let n = narrate(&e.kind, self.snap.page_size_kib);
        self.push_log(e.t, n.level, n.text);
    }

    /// Rows of log lines on screen now (0 without a log pane).
    pub fn log_rows(&self) -> usize {
        Plan::of(self, self.screen)
            .and_then(|p| p.log)
            .map_or(0, |r| r.height.saturating_sub(2) as usize)
    }

    fn max_log_scroll(&self) -> usize {
        self.visible_log()
            .count()
            .saturating_sub(self.log_rows().max(1))
    }

    /// The log's keys, in the dashboard and with the log focused.
    pub(super) fn log_command(&mut self, cmd: Command) {
        match cmd {
            Command::LogUp | Command::LogDown => {
                // Without a log pane on screen, the log takes the focus and the room.
                if self.log_rows() == 0 {
                    self.log_view.focused = true;
                }
                let page = self.log_rows().saturating_sub(1).max(1);
                let v = &mut self.log_view;
                v.scroll = if cmd == Command::LogUp {
                    v.scroll + page
                } else {
                    v.scroll.saturating_sub(page)
                };
                self.log_view.scroll = self.log_view.scroll.min(self.max_log_scroll());
            }
            Command::LogEnd => self.log_view.scroll = 0,
            Command::Search => {
                let v = &mut self.log_view;
                v.focused = true;
                v.typing = true;
                let last = v.query.clone();
                v.editor.set(&last);
            }
            Command::NextMatch => self.find(true),
            Command::PrevMatch => self.find(false),
            Command::ExportLog => self.export_log(),
            Command::Close => {
                self.log_view.focused = false;
                self.log_view.scroll = 0;
                self.log_view.current = None;
            }
            _ => self.command(cmd),
        }
    }

    /// The keys while a search is typed: Enter searches from the newest line back.
    pub(super) fn search_command(&mut self, cmd: Command) {
        match cmd {
            Command::Run => {
                let v = &mut self.log_view;
                v.typing = false;
                v.query = v.editor.take().trim().to_string();
                v.current = None;
                if v.query.is_empty() {
                    v.focused = false;
                    return;
                }
                self.find(true);
            }
            Command::Close => {
                let v = &mut self.log_view;
                v.typing = false;
                if v.query.is_empty() {
                    v.focused = false;
                }
            }
            _ => self.command(cmd),
        }
    }

    /// Moves to the next match of the search, older (`older`) or newer than the current one
    /// (from the newest line when there is none), and scrolls it into view.
    fn find(&mut self, older: bool) {
        let query = self.log_view.query.clone();
        if query.is_empty() {
            self.say("no search yet: / searches the log".into(), false);
            return;
        }
        let lines: Vec<(u64, bool)> = self
            .visible_log()
            .map(|l| (l.seq, matches(&l.text, &query)))
            .collect();
        let current = self.log_view.current;
        let found = if older {
            lines
                .iter()
                .rev()
                .find(|(seq, m)| *m && current.is_none_or(|c| *seq < c))
        } else {
            lines
                .iter()
                .find(|(seq, m)| *m && current.is_some_and(|c| *seq > c))
        };
        let Some(&(seq, _)) = found else {
            let total = lines.iter().filter(|(_, m)| *m).count();
            let text = match (total, older) {
                (0, _) => format!("no line of the log holds \"{query}\""),
                (_, true) => format!("no older line holds \"{query}\" ({total} matches)"),
                (_, false) => format!("no newer line holds \"{query}\" ({total} matches)"),
            };
            self.say(text, total == 0);
            return;
        };
        self.log_view.current = Some(seq);
        // Scroll so that the match sits in the view, a third of the way down.
        let at_from_bottom =
            lines.len() - 1 - lines.iter().position(|(s, _)| *s == seq).unwrap_or(0);
        let rows = self.log_rows().max(1);
        let v = &mut self.log_view;
        if at_from_bottom < v.scroll || at_from_bottom >= v.scroll + rows {
            v.scroll = at_from_bottom.saturating_sub(rows.saturating_sub(1) * 2 / 3);
        }
        let max = self.max_log_scroll();
        self.log_view.scroll = self.log_view.scroll.min(max);
        let nth = lines.iter().filter(|(s, m)| *m && *s >= seq).count();
        let total = lines.iter().filter(|(_, m)| *m).count();
        self.say(
            format!("\"{query}\": match {nth} of {total}, newest first"),
            false,
        );
    }

    /// `W`: the whole log kept (every level) to a new file, as `c` writes rounds: a name that
    /// exists is never written over.
    fn export_log(&mut self) {
        let slug: String = self
            .snap
            .scenario
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let slug: String = slug.chars().take(40).collect();
        let slug = if slug.is_empty() {
            "scenario".into()
        } else {
            slug
        };
        let name = format!("lpm-log-{}.txt", slug.trim_end_matches('-'));
        let path = self.export_dir.join(name).to_string_lossy().into_owned();
        let mut text = format!(
            "# lpm log: {} at {} (the latest {} lines)\n",
            self.snap.scenario,
            fmt::clock(self.snap.t),
            self.log.len()
        );
        for l in &self.log {
            text.push_str(&l.stamped());
            text.push('\n');
        }
        self.requests.push(Request::ExportLog { path, text });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_ignores_case_and_an_empty_one_matches_nothing() {
        assert!(matches("db01: suspended", "SUSP"));
        assert!(!matches("db01", ""));
    }
}
