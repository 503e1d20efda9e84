//! [`Session`]: an HMC over one simulated estate, a line at a time.
//!
//! The API every front end uses: the `lpm hmc` shell and its scripts, the tests, and later
//! the dashboard's `:` command line and scenario scripts' `Hmc("...")` steps.

use super::command::HmcCommand;
use super::estate::{Estate, View};
pub use super::execute::Outcome;
use super::execute::execute;
use super::parse::parse_line;
use super::records::listed_on;
use crate::Scenario;

/// An HMC session: the estate it manages, and simulated time, which passes only while a
/// command waits (`migrlpar -o m`, `sleep`), so that a session is the same on every run.
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) estate: Estate,
}

/// The names Tab completion offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub frames: Vec<String>,
    /// Per frame (same order), the partitions listed on it.
    pub lpars: Vec<Vec<String>>,
}

impl Session {
    /// An HMC over the scenario's estate (its script, if any, runs as time passes).
    pub fn new(scenario: &Scenario) -> Result<Session, String> {
        Ok(Session {
            estate: Estate::new(scenario)?,
        })
    }

    /// Runs one line; `None` for a blank line or a comment (they do not change the status a
    /// script ends with).
    pub fn execute_line(&mut self, line: &str) -> Option<Outcome> {
        match parse_line(line) {
            Ok(None) => None,
            Ok(Some(command)) => Some(self.execute_command(&command)),
            Err(e) => {
                let (stderr, status) = e.render();
                Some(Outcome {
                    stdout: String::new(),
                    stderr,
                    status,
                })
            }
        }
    }

    /// Runs one line (a blank line succeeds and prints nothing).
    pub fn execute(&mut self, line: &str) -> Outcome {
        self.execute_line(line).unwrap_or_default()
    }

    /// Runs a typed command.
    pub fn execute_command(&mut self, command: &HmcCommand) -> Outcome {
        execute(&mut self.estate, command)
    }

    /// Simulated seconds since the session started.
    pub fn now_s(&self) -> f64 {
        self.estate.view().t_s
    }

    /// The estate as the HMC layer sees it.
    pub fn view(&self) -> View {
        self.estate.view()
    }

    /// Frame and partition names, for completion.
    pub fn names(&self) -> Names {
        let v = self.estate.view();
        Names {
            frames: v.frames.iter().map(|f| f.name.clone()).collect(),
            lpars: (0..v.frames.len())
                .map(|f| {
                    v.lpars
                        .iter()
                        .filter(|l| listed_on(l, f))
                        .map(|l| l.name.clone())
                        .collect()
                })
                .collect(),
        }
    }
}
