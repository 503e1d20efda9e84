//! `migrlpar -o v`: every precondition of a move, checked at once.

use serde::{Deserialize, Serialize};

/// One precondition and whether it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    /// What was found: the reason when it failed, the evidence when it passed.
    pub detail: String,
}

/// The result of validating one move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    pub partition: String,
    pub from: String,
    pub to: String,
    pub checks: Vec<Check>,
}

impl Validation {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The failed checks, as messages.
    pub fn errors(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.detail.clone())
            .collect()
    }

    pub(crate) fn check(&mut self, name: &'static str, passed: bool, detail: impl Into<String>) {
        self.checks.push(Check {
            name: name.to_string(),
            passed,
            detail: detail.into(),
        });
    }
}

/// Names of the checks, in the order they are made (for help texts and tests).
pub const CHECKS: [&str; 11] = [
    "state",
    "not moving",
    "different frame",
    "no dedicated I/O",
    "processor compatibility",
    "memory on target",
    "processors on target",
    "VLANs on target",
    "SANs on target",
    "name free on target",
    "mover service partitions",
];
