//! Plain descriptions of frames, partitions and the link, as a scenario file gives them.

use serde::{Deserialize, Serialize};

use super::{AdaptersSpec, PowerSpec, Processor, ViosSpec, Workload};

/// A managed system (a "frame").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemSpec {
    pub name: String,
    pub processor: Processor,
    pub cpus: f64,
    pub memory_gib: f64,
    #[serde(default)]
    pub vlans: Vec<u32>,
    #[serde(default)]
    pub sans: Vec<String>,
    /// Mover service partitions (VIOS with the mover attribute) on this frame, named
    /// `vios1`, `vios2`... in lpm.
    #[serde(default = "one")]
    pub msps: u32,
    /// Each mover's own Ethernet adapter, Gbit/s (the link's bandwidth when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mover_gbps: Option<f64>,
    /// Its power model (? the assumed one of its processor generation, `PowerSpec::default_for`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power: Option<PowerSpec>,
    /// It starts powered off (? false): no partition may run on it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub powered_off: bool,
    /// Its Virtual I/O Servers (? derived from `msps`, `vlans` and `sans`: `spec::vio`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vios: Vec<ViosSpec>,
}

impl SystemSpec {
    /// Its power model: the scenario's, or its generation's assumed one.
    pub fn power_model(&self) -> PowerSpec {
        self.power
            .unwrap_or_else(|| PowerSpec::default_for(self.processor))
    }
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PartitionState {
    #[default]
    Running,
    NotActivated,
}

/// A logical partition (LPAR) as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionSpec {
    pub name: String,
    /// The frame it starts on.
    pub system: String,
    pub memory_gib: f64,
    pub cpus: f64,
    /// Processor compatibility mode.
    pub compat: Processor,
    #[serde(default)]
    pub state: PartitionState,
    #[serde(default)]
    pub dedicated_io: bool,
    #[serde(default)]
    pub vlans: Vec<u32>,
    #[serde(default)]
    pub sans: Vec<String>,
    #[serde(default)]
    pub users: u32,
    #[serde(default)]
    pub workload: Workload,
    /// The share of its pages (percent) that hold only zeros when a move starts: memory it has
    /// never written, spread evenly through its memory (`sim::ZeroPages`). Its workload writes
    /// only the other pages, and a Hotspot's hot region or a Sequential's sweep is a share of
    /// those, contiguous among them.
    #[serde(default)]
    pub zero_percent: f64,
    /// The share of its processors (percent) it keeps busy (? 50); `SetCpuLoad` changes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_load: Option<f64>,
    /// Its client virtual adapters (? derived from `vlans` and `sans`: `spec::vio`).
    #[serde(default, skip_serializing_if = "AdaptersSpec::is_empty")]
    pub adapters: AdaptersSpec,
}

/// A partition's CPU load when its scenario gives none, percent.
pub const DEFAULT_CPU_LOAD: f64 = 50.0;

impl PartitionSpec {
    /// How many of its `pages` pages are zero.
    pub fn zero_pages(&self, pages: usize) -> usize {
        if self.zero_percent <= 0.0 || !self.zero_percent.is_finite() {
            return 0;
        }
        ((pages as f64 * self.zero_percent.min(100.0) / 100.0).round() as usize).min(pages)
    }

    /// How many pages its workload writes: all but the zero pages.
    pub fn written_pages(&self, pages: usize) -> usize {
        pages - self.zero_pages(pages)
    }
}

/// The Ethernet path between the two frames' mover service partitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    pub bandwidth_gbps: f64,
    #[serde(default)]
    pub latency_ms: f64,
    #[serde(default = "full_efficiency")]
    pub payload_efficiency: f64,
}

fn full_efficiency() -> f64 {
    1.0
}
