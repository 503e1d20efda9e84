//! The contract: plain, serialisable descriptions of a world and what may be asked of it.
//!
//! Everything here is a value as a scenario file (DOMAIN.md section 4) or a driver writes it:
//! frames, partitions, workloads, the link, the policy, actions and the script. The engine
//! consumes these; loading and checking files (`scenario`) sits above both, so nothing here
//! imports the engine.

pub mod action;
pub mod policy;
pub mod power;
pub mod processor;
pub mod vio;
pub mod workload;
pub mod world;

use serde::{Deserialize, Serialize};

pub use action::{Action, PartitionRef, Redundancy, ScriptStep};
pub use policy::{FinalPhase, Policy, Precopy, Switchover};
pub use power::{Balancer, Consolidation, Mode, PowerSpec, PowerState};
pub use processor::Processor;
pub use vio::{AdaptersSpec, MappingChoice, ViosSpec};
pub use workload::Workload;
pub use world::{LinkSpec, PartitionSpec, PartitionState, SystemSpec};

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
}

pub fn pages_of(memory_gib: f64, page_size_kib: u32) -> u64 {
    (memory_gib * 1024.0 * 1024.0 / page_size_kib.max(1) as f64).round() as u64
}
