//! Scenario files: the frames, partitions, link, policy and a timeline of actions.

use serde::{Deserialize, Serialize};

use crate::engine::{Policy, ScriptStep};
use crate::sim::{LinkSpec, PartitionSpec, SystemSpec};

/// The built-in scenario's text (assets/scenarios/default.ron).
pub const DEFAULT_RON: &str = include_str!("../../assets/scenarios/default.ron");

/// A whole scenario, exactly the format of DOMAIN.md section 4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_page_size")]
    pub page_size_kib: u32,
    pub link: LinkSpec,
    pub systems: Vec<SystemSpec>,
    pub partitions: Vec<PartitionSpec>,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub script: Vec<ScriptStep>,
}

fn default_page_size() -> u32 {
    4
}

impl Scenario {
    /// Pages of `memory_gib` at this scenario's page size.
    pub fn pages_of(&self, memory_gib: f64) -> u64 {
        pages_of(memory_gib, self.page_size_kib)
    }

    /// Parses RON text; `origin` names the file in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, String> {
        ron::Options::default()
            .from_str(text)
            .map_err(|e: ron::error::SpannedError| {
                format!(
                    "{origin}:{}:{}: {}",
                    e.span.start.line, e.span.start.col, e.code
                )
            })
    }

    /// The built-in scenario.
    pub fn builtin() -> Scenario {
        Scenario::parse(DEFAULT_RON, "default.ron").expect("the built-in scenario parses")
    }
}

pub fn pages_of(memory_gib: f64, page_size_kib: u32) -> u64 {
    (memory_gib * 1024.0 * 1024.0 / page_size_kib.max(1) as f64).round() as u64
}
