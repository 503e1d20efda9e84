//! The interactive HMC shell: line editing, history and Tab completion (rustyline).
//!
//! Behind the `tui` feature, like the dashboard: the rest of `hmc` imports no terminal crate.

use std::io::Write;

use rustyline::completion::Completer;
use rustyline::config::Configurer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use super::bounds::MAX_HISTORY;
use super::complete::complete;
use super::run::exit_request;
use super::session::{Names, Session};

/// The HMC's prompt shape (`user@hmc:~>`), with lpm standing for the HMC's host name.
pub const PROMPT: &str = "hscroot@lpm:~> ";

struct HmcHelper {
    names: Names,
}

impl Completer for HmcHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(complete(line, pos, &self.names))
    }
}

impl Hinter for HmcHelper {
    type Hint = String;
}
impl Highlighter for HmcHelper {}
impl Validator for HmcHelper {}
impl Helper for HmcHelper {}

/// Runs the shell until `exit` or end of input; the status of the last command (or the one
/// `exit N` gives).
pub fn run(session: &mut Session, banner: &str) -> Result<i32, String> {
    let config = Config::builder()
        .max_history_size(MAX_HISTORY)
        .map_err(|e| e.to_string())?
        .history_ignore_dups(true)
        .map_err(|e| e.to_string())?
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut editor: Editor<HmcHelper, DefaultHistory> =
        Editor::with_config(config).map_err(|e| format!("cannot start the shell: {e}"))?;
    editor.set_helper(Some(HmcHelper {
        names: session.names(),
    }));
    editor.set_history_ignore_space(true);
    println!("{banner}");
    let mut status = 0;
    loop {
        match editor.readline(PROMPT) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if let Some(code) = exit_request(&line) {
                    return Ok(code.unwrap_or(status));
                }
                if let Some(o) = session.execute_line(&line) {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(o.stdout.as_bytes());
                    let _ = out.flush();
                    let mut err = std::io::stderr().lock();
                    let _ = err.write_all(o.stderr.as_bytes());
                    let _ = err.flush();
                    status = o.status;
                }
                // Partitions change frames as they move: offer the names as they are now.
                if let Some(h) = editor.helper_mut() {
                    h.names = session.names();
                }
            }
            // Ctrl-C abandons the line being typed, as bash does.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return Ok(status),
            Err(e) => return Err(format!("cannot read the terminal: {e}")),
        }
    }
}
