//! What can be asked of the engine: by a scenario's script, a key, a presenter's timeline or a
//! command line. Plain serialisable values, so every driver speaks the same language.

use serde::{Deserialize, Serialize};

use super::{FinalPhase, MappingChoice};

/// A partition is named as `name`, or as `system/name` where two frames have one of that name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Action {
    /// Validate, then move (`migrlpar -o m`), on the least busy mover of each frame unless
    /// the movers are named (`-i source_msp_name=...,dest_msp_name=...`).
    Migrate {
        partition: String,
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_msp: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dest_msp: Option<String>,
        /// A second mover pair to carry on if the first fails (`--redundantmsps`).
        #[serde(default, skip_serializing_if = "Redundancy::is_off")]
        redundant: Redundancy,
        /// Target VIOS chosen for client adapters (`-i virtual_fc_mappings=...`); the engine
        /// maps the others (`engine::vio`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mappings: Vec<MappingChoice>,
    },
    /// Validate only (`migrlpar -o v`); the result is an event.
    Validate {
        partition: String,
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_msp: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dest_msp: Option<String>,
        #[serde(default, skip_serializing_if = "Redundancy::is_off")]
        redundant: Redundancy,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        mappings: Vec<MappingChoice>,
    },
    /// Stop a move before the point of no return (`migrlpar -o s`).
    Stop {
        partition: String,
    },
    /// Cap the partition's moves at this rate (MiB/s of payload).
    SetBandwidthCap {
        partition: String,
        mib_s: f64,
    },
    ClearBandwidthCap {
        partition: String,
    },
    /// Slow the partition's processors by `percent`; its writes slow in proportion.
    SetCpuThrottle {
        partition: String,
        percent: f64,
    },
    /// Turn QEMU-style auto-converge on or off for the partition's move.
    SetAutoConverge {
        partition: String,
        enabled: bool,
    },
    /// Move every partition of `from` that validates to `to` (planned maintenance), or, with
    /// no `to`, each to the operating frame the placement rule picks for it.
    Evacuate {
        from: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// Dynamic LPAR: remove the partition's dedicated I/O adapters so that it can move.
    RemoveDedicatedIo {
        partition: String,
    },
    /// Fault: the link between the frames carries nothing for `for_s` seconds.
    LinkDown {
        for_s: f64,
    },
    /// Fault: the link runs at `bandwidth_gbps` for `for_s` seconds.
    LinkDegrade {
        bandwidth_gbps: f64,
        for_s: f64,
    },
    /// Fault: the mover service partitions of a frame fail (for the rest of the run): the one
    /// named, or all of them.
    MspFail {
        system: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msp: Option<String>,
    },
    /// Fault: a whole frame fails: its partitions go down, moves through it fail.
    FrameFail {
        system: String,
    },
    /// `migrlpar -o r`: clean up after a failed move so that the partition can move again.
    Recover {
        partition: String,
    },
    /// Undo a fault: the frame (and its movers) or the one mover named works again; the
    /// partitions its failure took down restart on it.
    Repair {
        system: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msp: Option<String>,
    },
    /// Stop every move that has not yet resumed on its target.
    StopAll,
    /// Policy: the final phase of moves that switch over from now on.
    SetFinalPhase {
        phase: FinalPhase,
    },
    /// Power a frame off (HMC `chsysstate -r sys -o off`): refused while a partition runs on
    /// it or a move involves it.
    PowerOff {
        system: String,
    },
    /// Power a frame on (`chsysstate -r sys -o on`): it operates after its `boot_s`.
    PowerOn {
        system: String,
    },
    /// The share of its processors (percent) a partition keeps busy from now on.
    SetCpuLoad {
        partition: String,
        percent: f64,
    },
}

/// Whether a move keeps a second mover pair to carry on with (HMC `--redundantmsps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Redundancy {
    /// One mover pair (`--redundantmsps 0`).
    #[default]
    Off,
    /// A second pair when both frames have one free (`1`).
    IfAvailable,
    /// A second pair, or the move is refused (`2`).
    Required,
}

impl Redundancy {
    pub fn is_off(&self) -> bool {
        *self == Redundancy::Off
    }
}

impl Action {
    /// `Migrate` of `partition` to `to`, movers chosen by the engine, no redundancy.
    pub fn migrate(partition: impl Into<String>, to: impl Into<String>) -> Action {
        Action::Migrate {
            partition: partition.into(),
            to: to.into(),
            source_msp: None,
            dest_msp: None,
            redundant: Redundancy::Off,
            mappings: Vec::new(),
        }
    }

    /// `Validate` of `partition` to `to`, movers chosen by the engine, no redundancy.
    pub fn validate(partition: impl Into<String>, to: impl Into<String>) -> Action {
        Action::Validate {
            partition: partition.into(),
            to: to.into(),
            source_msp: None,
            dest_msp: None,
            redundant: Redundancy::Off,
            mappings: Vec::new(),
        }
    }

    /// The partition the action is about, if one.
    pub fn partition(&self) -> Option<&str> {
        match self {
            Action::Migrate { partition, .. }
            | Action::Validate { partition, .. }
            | Action::Stop { partition }
            | Action::SetBandwidthCap { partition, .. }
            | Action::ClearBandwidthCap { partition }
            | Action::SetCpuThrottle { partition, .. }
            | Action::SetAutoConverge { partition, .. }
            | Action::RemoveDedicatedIo { partition }
            | Action::SetCpuLoad { partition, .. }
            | Action::Recover { partition } => Some(partition),
            Action::Evacuate { .. }
            | Action::LinkDown { .. }
            | Action::LinkDegrade { .. }
            | Action::MspFail { .. }
            | Action::FrameFail { .. }
            | Action::Repair { .. }
            | Action::StopAll
            | Action::PowerOff { .. }
            | Action::PowerOn { .. }
            | Action::SetFinalPhase { .. } => None,
        }
    }

    /// The frames the action names.
    pub fn systems(&self) -> Vec<&str> {
        match self {
            Action::Migrate { to, .. } | Action::Validate { to, .. } => vec![to],
            Action::Evacuate { from, to } => std::iter::once(from.as_str())
                .chain(to.as_deref())
                .collect(),
            Action::MspFail { system, .. }
            | Action::FrameFail { system }
            | Action::Repair { system, .. }
            | Action::PowerOff { system }
            | Action::PowerOn { system } => vec![system],
            _ => vec![],
        }
    }

    /// Values out of range, one message each.
    pub fn problems(&self) -> Vec<String> {
        match self {
            Action::SetBandwidthCap { mib_s, .. } if !(mib_s.is_finite() && *mib_s > 0.0) => {
                vec![format!(
                    "SetBandwidthCap mib_s must be above 0, not {mib_s}"
                )]
            }
            Action::SetCpuThrottle { percent, .. } if !(0.0..=99.0).contains(percent) => {
                vec![format!(
                    "SetCpuThrottle percent must be between 0 and 99, not {percent}"
                )]
            }
            Action::SetCpuLoad { percent, .. } if !(0.0..=100.0).contains(percent) => {
                vec![format!(
                    "SetCpuLoad percent must be between 0 and 100, not {percent}"
                )]
            }
            Action::LinkDown { for_s } | Action::LinkDegrade { for_s, .. }
                if !(for_s.is_finite() && *for_s > 0.0) =>
            {
                vec![format!("for_s must be above 0, not {for_s}")]
            }
            Action::LinkDegrade { bandwidth_gbps, .. }
                if !(bandwidth_gbps.is_finite() && *bandwidth_gbps > 0.0) =>
            {
                vec![format!(
                    "LinkDegrade bandwidth_gbps must be above 0, not {bandwidth_gbps}"
                )]
            }
            _ => vec![],
        }
    }
}

impl Action {
    /// The action's name as a scenario file writes it (`Migrate`, `Stop`...), which is also
    /// its key in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Migrate { .. } => "Migrate",
            Action::Validate { .. } => "Validate",
            Action::Stop { .. } => "Stop",
            Action::SetBandwidthCap { .. } => "SetBandwidthCap",
            Action::ClearBandwidthCap { .. } => "ClearBandwidthCap",
            Action::SetCpuThrottle { .. } => "SetCpuThrottle",
            Action::SetAutoConverge { .. } => "SetAutoConverge",
            Action::Evacuate { .. } => "Evacuate",
            Action::RemoveDedicatedIo { .. } => "RemoveDedicatedIo",
            Action::LinkDown { .. } => "LinkDown",
            Action::LinkDegrade { .. } => "LinkDegrade",
            Action::MspFail { .. } => "MspFail",
            Action::FrameFail { .. } => "FrameFail",
            Action::Recover { .. } => "Recover",
            Action::Repair { .. } => "Repair",
            Action::StopAll => "StopAll",
            Action::SetFinalPhase { .. } => "SetFinalPhase",
            Action::PowerOff { .. } => "PowerOff",
            Action::PowerOn { .. } => "PowerOn",
            Action::SetCpuLoad { .. } => "SetCpuLoad",
        }
    }
}

/// How a script, a key or a command line names a partition: `name`, or `frame/name` where
/// two frames have a partition of that name. The one parser of that form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionRef<'a> {
    pub frame: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> PartitionRef<'a> {
    pub fn parse(text: &'a str) -> PartitionRef<'a> {
        match text.split_once('/') {
            Some((frame, name)) => PartitionRef {
                frame: Some(frame),
                name,
            },
            None => PartitionRef {
                frame: None,
                name: text,
            },
        }
    }

    /// Whether a partition `name` on `frame` is the one meant.
    pub fn matches(&self, frame: &str, name: &str) -> bool {
        self.name == name && self.frame.is_none_or(|f| f == frame)
    }
}

/// An action at a simulated time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptStep {
    pub at_s: f64,
    pub action: Action,
}
