//! The `:` HMC command line in the dashboard: the commands of `lpm hmc`, run by the session's
//! driver against the engine the dashboard shows (`Request::Hmc`), their output in a pane that
//! scrolls, a history walked with Up/Down and Tab completion from `hmc::complete`.
//!
//! The dashboard's clock runs on its own, so the two commands of `lpm hmc` that wait on
//! simulated time behave differently here: `migrlpar -o m` returns once the move has started
//! (this pane says when it ends) and `sleep` / `-w` are refused (the driver says why).

use std::collections::VecDeque;

use super::app::App;
use super::keymap::Command;
use super::line::LineEditor;
use super::log::Level;
use crate::engine::MoveId;
use crate::hmc::complete::complete;
use crate::hmc::run::exit_request;
use crate::hmc::session::Names;
use crate::session::{HmcAnswer, Request};

/// Lines of output kept (older ones scroll away for good).
pub const OUTPUT_LINES: usize = 2000;

/// What a line of the pane is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutKind {
    /// The prompt and the line as typed.
    Command,
    Stdout,
    Stderr,
    /// The dashboard's own words: a move that ended, the completions offered.
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutLine {
    pub kind: OutKind,
    pub text: String,
}

/// A move the command line started, watched until it ends so that the pane can say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    pub id: MoveId,
    pub partition: String,
    pub to: String,
}

#[derive(Debug, Clone, Default)]
pub struct Console {
    /// On screen with the keyboard's focus.
    pub open: bool,
    pub editor: LineEditor,
    pub history: Vec<String>,
    /// The history entry shown while walking it with Up/Down; None at the line being typed.
    walk: Option<usize>,
    /// The line being typed, kept while the history is walked.
    draft: String,
    pub output: VecDeque<OutLine>,
    /// Rows scrolled back from the newest output (0: the newest at the bottom).
    pub scroll: usize,
    /// Frame and partition names for completion, as the driver last sent them.
    pub names: Names,
    /// Commands sent and not answered yet.
    pub waiting: usize,
    pub watching: Vec<Watched>,
}

impl Console {
    /// The output as rows of at most `width` characters, oldest first.
    pub fn wrapped(&self, width: usize) -> Vec<(OutKind, String)> {
        let width = width.max(1);
        let mut rows = Vec::new();
        for l in &self.output {
            let chars: Vec<char> = l.text.chars().collect();
            if chars.is_empty() {
                rows.push((l.kind, String::new()));
            }
            for chunk in chars.chunks(width) {
                rows.push((l.kind, chunk.iter().collect()));
            }
        }
        rows
    }

    pub fn print(&mut self, kind: OutKind, text: &str) {
        for line in text.lines() {
            if self.output.len() >= OUTPUT_LINES {
                self.output.pop_front();
            }
            self.output.push_back(OutLine {
                kind,
                text: line.replace('\t', "    "),
            });
        }
    }

    fn remember(&mut self, line: &str) {
        if line.trim().is_empty() || self.history.last().is_some_and(|l| l == line) {
            return;
        }
        if self.history.len() >= crate::hmc::bounds::MAX_HISTORY {
            self.history.remove(0);
        }
        self.history.push(line.to_string());
    }

    /// Up (`older`) or Down through the history, as a shell does: the line being typed comes
    /// back after the newest entry.
    fn walk_history(&mut self, older: bool) {
        let next = match (self.walk, older) {
            (None, true) if !self.history.is_empty() => {
                self.draft = self.editor.text().to_string();
                Some(self.history.len() - 1)
            }
            (None, _) => return,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) if i + 1 < self.history.len() => Some(i + 1),
            (Some(_), false) => None,
        };
        self.walk = next;
        match next {
            Some(i) => {
                let entry = self.history[i].clone();
                self.editor.set(&entry);
            }
            None => {
                let draft = std::mem::take(&mut self.draft);
                self.editor.set(&draft);
            }
        }
    }

    /// Tab: one candidate replaces the word; several extend it to what they share and are
    /// listed in the pane, as bash lists them.
    fn complete(&mut self) {
        let (start, cands) = complete(self.editor.text(), self.editor.cursor(), &self.names);
        match cands.as_slice() {
            [] => {}
            [one] => {
                let with = format!("{one} ");
                // A value that ends with `=` or a list goes on without a space.
                let with = if one.ends_with('=') {
                    one.clone()
                } else {
                    with
                };
                self.editor.replace_before_cursor(start, &with);
            }
            many => {
                let shared = common_prefix(many);
                let typed =
                    &self.editor.text()[start.min(self.editor.cursor())..self.editor.cursor()];
                if shared.len() > typed.len() {
                    self.editor.replace_before_cursor(start, &shared);
                } else {
                    let list = many.join("  ");
                    self.print(OutKind::Note, &list);
                    self.scroll = 0;
                }
            }
        }
    }
}

fn common_prefix(words: &[String]) -> String {
    let first = &words[0];
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    first[..end].to_string()
}

impl App {
    /// `:`: the command line opens (its output and history as they were).
    pub(super) fn open_console(&mut self) {
        self.console.open = true;
        self.console.scroll = 0;
        // Partitions change frames as they move: completion offers the names as they are now.
        self.requests.push(Request::HmcNames);
    }

    /// The console's inside on the screen last drawn (None when it is not on screen).
    fn console_inner(&self) -> Option<ratatui::layout::Rect> {
        super::layout::Plan::of(self, self.screen)
            .and_then(|p| p.console)
            .map(|r| ratatui::widgets::Block::bordered().inner(r))
    }

    /// Output rows on screen at once.
    fn console_page(&self) -> usize {
        self.console_inner()
            .map_or(1, |r| (r.height as usize).saturating_sub(1).max(1))
    }

    /// Output rows in all, wrapped to the pane.
    fn console_rows(&self) -> usize {
        self.console_inner()
            .map_or(0, |r| self.console.wrapped(r.width as usize).len())
    }

    pub(super) fn console_command(&mut self, cmd: Command) {
        let page = self.console_page();
        let c = &mut self.console;
        match cmd {
            Command::Run => self.run_console_line(),
            Command::Complete => c.complete(),
            Command::Up => c.walk_history(true),
            Command::Down => c.walk_history(false),
            Command::ScrollUp => {
                let rows = self.console_rows();
                let c = &mut self.console;
                c.scroll = (c.scroll + page).min(rows.saturating_sub(page));
            }
            Command::ScrollDown => c.scroll = c.scroll.saturating_sub(page),
            // Ctrl-C abandons the line being typed, as bash does.
            Command::ClearLine => {
                c.editor.take();
                c.walk = None;
            }
            Command::Close => c.open = false,
            _ => self.command(cmd),
        }
    }

    fn run_console_line(&mut self) {
        let c = &mut self.console;
        let line = c.editor.take();
        c.walk = None;
        c.scroll = 0;
        c.remember(&line);
        c.print(
            OutKind::Command,
            &format!("{}{line}", crate::hmc::shell::PROMPT),
        );
        if exit_request(&line).is_some() {
            c.open = false;
            return;
        }
        if line.trim().is_empty() {
            return;
        }
        c.waiting += 1;
        let t = self.snap.t;
        self.push_log(t, Level::Info, format!("hmc: {}", line.trim()));
        self.requests.push(Request::Hmc { line });
    }

    /// The driver's answer to a command line.
    pub(super) fn on_hmc_answer(&mut self, a: HmcAnswer) {
        let c = &mut self.console;
        c.waiting = c.waiting.saturating_sub(1);
        c.print(OutKind::Stdout, &a.stdout);
        c.print(OutKind::Stderr, &a.stderr);
        c.names = a.names;
        c.scroll = 0;
        for s in &a.started {
            c.watching.push(Watched {
                id: s.id,
                partition: s.partition.clone(),
                to: s.to.clone(),
            });
        }
        if a.status != 0 {
            // The first message, not the `Errors:` heading of a failed validation.
            let first = a
                .stderr
                .lines()
                .find(|l| l.trim() != "Errors:" && !l.trim().is_empty())
                .unwrap_or("")
                .to_string();
            let t = self.snap.t;
            self.push_log(t, Level::Warn, format!("hmc: exit {}: {first}", a.status));
        }
    }

    /// Moves the command line started that ended since the last update: the pane says so.
    pub(super) fn watch_console_moves(&mut self) {
        if self.console.watching.is_empty() {
            return;
        }
        let watching = std::mem::take(&mut self.console.watching);
        for w in watching {
            let Some(m) = self.snap.moves.get(w.id.index()) else {
                continue;
            };
            if m.phase.in_flight() {
                self.console.watching.push(w);
                continue;
            }
            let how = match (&m.failure, &m.stop_reason) {
                (Some(f), _) => format!("failed: {f}"),
                (None, Some(r)) => format!("was stopped: {r}"),
                _ => format!("completed ({})", m.phase.label()),
            };
            let text = format!(
                "[{}] the migration of {} to {} {how}",
                super::fmt::clock(self.snap.t),
                w.partition,
                w.to
            );
            self.console.print(OutKind::Note, &text);
        }
    }
}
