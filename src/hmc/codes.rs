//! HSCL message codes: the ones IBM documents, and lpm's own.
//!
//! An HMC error is one line on standard error, `HSCLxxxx message`, and a non-zero exit. Where
//! IBM documents a code for a condition, that code (and its wording, where published) is used;
//! every other condition has a code of lpm's own, in the `HSCLZ` range: `Z` is not a hex digit,
//! so these can never collide with an IBM code, and a script can tell them apart.
//!
//! The table [`LPM_CODES`] lists lpm's own codes with their meaning (the README's table is
//! made from it); [`IBM_CODES`] lists the documented ones with where they are documented.

use serde::{Deserialize, Serialize};

/// A message code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Code {
    // ----- documented by IBM -----
    /// An object (managed system, partition) was not found.
    ObjectNotFound,
    /// The managed system is not in the Operating state.
    SystemNotOperating,
    /// A virtual Fibre Channel client adapter the destination's VIOS cannot host.
    VirtualFcNotHostable,

    // ----- lpm's own (HSCLZxxx) -----
    /// An attribute name in `-F` that the resource does not have.
    BadAttributeName,
    /// A `--filter` attribute the command does not accept, or a malformed filter.
    BadFilter,
    /// An `-i` attribute migrlpar does not know, or a malformed `-i` value.
    BadInputData,
    /// A bound on input was exceeded (see the bounds table).
    TooLong,
    /// `chsysstate -r lpar`: partitions cannot be activated or shut down yet.
    PowerNotSimulated,
    /// `-i virtual_scsi_mappings|virtual_fc_mappings|vlan_mappings` names a client adapter the
    /// partition does not have, or maps one twice.
    BadAdapterMapping,
    /// `dest_lpar_id`: partition ids are derived, not assignable.
    DestLparIdNotSimulated,
    /// An HMC option or resource this simulated HMC does not offer (`--ip`, `-o set`, ...).
    OptionNotSimulated,
    /// The move was stopped while migrlpar waited for it.
    MigrationStopped,
    /// A fault ended the move (it failed, or the partition was lost).
    MigrationFailed,
    /// `migrlpar -o s` refused (nothing to stop, or past the point of no return).
    StopRefused,
    /// `migrlpar -o r` refused (no failed move to recover).
    RecoverRefused,
    /// `chsysstate -o off|on` refused (partitions run there, moves involve it, or the frame
    /// is not in the state the operation starts from).
    PowerRefused,
    /// The engine refused an action for a reason not covered above.
    ActionRefused,
    /// Validation: the partition is down or has a failed move to recover first.
    PartitionState,
    /// Validation: the partition is already migrating.
    AlreadyMigrating,
    /// Validation: source and destination are the same managed system.
    SameSystem,
    /// Validation: the partition owns dedicated (physical) I/O adapters.
    DedicatedIo,
    /// Validation: the destination does not support the processor compatibility mode.
    ProcessorCompatibility,
    /// Validation: not enough free memory on the destination.
    InsufficientMemory,
    /// Validation: not enough free processors on the destination.
    InsufficientProcessors,
    /// Validation: a VLAN of the partition is not bridged on the destination.
    VlanNotBridged,
    /// Validation: a virtual SCSI adapter the destination cannot host (no VIOS zoned to its
    /// fabric, its redundancy lost, no free slot); virtual FC has IBM's HSCLA319.
    VirtualStorageNotHostable,
    /// Validation: the destination already has a partition of that name.
    NameInUse,
    /// Validation: no mover service partition on one side.
    NoMoverServicePartition,
    /// Validation: a check of the engine this table does not know yet.
    ValidationFailed,
}

impl Code {
    /// The code as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::ObjectNotFound => "HSCL8012",
            Code::SystemNotOperating => "HSCL0238",
            Code::VirtualFcNotHostable => "HSCLA319",
            Code::BadAttributeName => "HSCLZ001",
            Code::BadFilter => "HSCLZ002",
            Code::BadInputData => "HSCLZ003",
            Code::TooLong => "HSCLZ005",
            Code::PowerNotSimulated => "HSCLZ010",
            Code::BadAdapterMapping => "HSCLZ012",
            Code::DestLparIdNotSimulated => "HSCLZ014",
            Code::OptionNotSimulated => "HSCLZ015",
            Code::MigrationStopped => "HSCLZ020",
            Code::MigrationFailed => "HSCLZ021",
            Code::StopRefused => "HSCLZ030",
            Code::RecoverRefused => "HSCLZ031",
            Code::PowerRefused => "HSCLZ032",
            Code::ActionRefused => "HSCLZ040",
            Code::PartitionState => "HSCLZ101",
            Code::AlreadyMigrating => "HSCLZ102",
            Code::SameSystem => "HSCLZ103",
            Code::DedicatedIo => "HSCLZ104",
            Code::ProcessorCompatibility => "HSCLZ105",
            Code::InsufficientMemory => "HSCLZ106",
            Code::InsufficientProcessors => "HSCLZ107",
            Code::VlanNotBridged => "HSCLZ108",
            Code::VirtualStorageNotHostable => "HSCLZ111",
            Code::NameInUse => "HSCLZ109",
            Code::NoMoverServicePartition => "HSCLZ110",
            Code::ValidationFailed => "HSCLZ199",
        }
    }

    /// Whether IBM documents this code (otherwise it is lpm's own).
    pub fn is_ibm(self) -> bool {
        IBM_CODES.iter().any(|(c, _, _)| *c == self)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The codes IBM documents that lpm uses: (code, condition, where it is documented).
pub const IBM_CODES: [(Code, &str, &str); 3] = [
    (
        Code::ObjectNotFound,
        "a managed system or partition was not found",
        "the HMC's answer for an unknown partition, \"HSCL8012 The partition named ... was not \
         found\" (hmc-mcp, live HMC notes; ibm.power_hmc Ansible collection checks for it)",
    ),
    (
        Code::SystemNotOperating,
        "the managed system is not in the Operating state",
        "\"HSCL0238 This operation is only allowed when the managed system is in the Operating \
         state.\" (hmc-mcp HMC_HINTS, seen on a live HMC)",
    ),
    (
        Code::VirtualFcNotHostable,
        "a virtual Fibre Channel client adapter the destination VIOS cannot host",
        "IBM Support, \"HSCLA319 during LPM Validation of AIX NPIV Client\"",
    ),
];

/// lpm's own codes: (code, meaning). The README lists these, marked as lpm's own.
pub const LPM_CODES: [(Code, &str); 26] = [
    (
        Code::BadAttributeName,
        "an -F attribute the resource does not have",
    ),
    (
        Code::BadFilter,
        "a --filter attribute the command does not accept, or a malformed filter",
    ),
    (
        Code::BadInputData,
        "an -i attribute migrlpar does not know, or a malformed -i value",
    ),
    (
        Code::TooLong,
        "a bound on input was exceeded (line length, names, attributes, time)",
    ),
    (
        Code::PowerNotSimulated,
        "chsysstate -r lpar: activating and shutting down partitions is not simulated yet",
    ),
    (
        Code::BadAdapterMapping,
        "-i virtual_scsi_mappings, virtual_fc_mappings, vlan_mappings: a client slot the partition has no adapter of that kind in, or an adapter mapped twice",
    ),
    (
        Code::DestLparIdNotSimulated,
        "-i dest_lpar_id: partition ids are derived, not assignable",
    ),
    (
        Code::OptionNotSimulated,
        "an HMC option or resource this simulated HMC does not offer (--ip, -o set, -r prof...)",
    ),
    (
        Code::MigrationStopped,
        "the move was stopped while migrlpar waited for it",
    ),
    (
        Code::MigrationFailed,
        "a fault ended the move (failed, or the partition was lost)",
    ),
    (
        Code::StopRefused,
        "migrlpar -o s refused: nothing to stop, or past the point of no return",
    ),
    (
        Code::RecoverRefused,
        "migrlpar -o r refused: no failed move to recover",
    ),
    (
        Code::PowerRefused,
        "chsysstate -o off|on refused: partitions run there or moves involve it, or the frame is not Operating (off) / Power Off (on)",
    ),
    (
        Code::ActionRefused,
        "the engine refused an action for another reason",
    ),
    (
        Code::PartitionState,
        "validation: the partition is down, or has a failed move to recover first",
    ),
    (
        Code::AlreadyMigrating,
        "validation: the partition is already migrating",
    ),
    (
        Code::SameSystem,
        "validation: source and destination are the same managed system",
    ),
    (
        Code::DedicatedIo,
        "validation: the partition owns dedicated I/O adapters",
    ),
    (
        Code::ProcessorCompatibility,
        "validation: the destination does not support the processor compatibility mode",
    ),
    (
        Code::InsufficientMemory,
        "validation: not enough free memory on the destination",
    ),
    (
        Code::InsufficientProcessors,
        "validation: not enough free processors on the destination",
    ),
    (
        Code::VlanNotBridged,
        "validation: a VLAN of the partition is not bridged on the destination",
    ),
    (
        Code::VirtualStorageNotHostable,
        "validation: a virtual SCSI adapter the destination cannot host (no VIOS zoned to its fabric, its redundancy lost, or no free virtual slot)",
    ),
    (
        Code::NameInUse,
        "validation: the destination has a partition of that name",
    ),
    (
        Code::NoMoverServicePartition,
        "validation: no mover service partition on one side",
    ),
    (
        Code::ValidationFailed,
        "validation: a check the HMC layer does not know yet",
    ),
];

/// An HMC error: one `HSCLxxxx message` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HmcError {
    pub code: Code,
    pub message: String,
}

impl HmcError {
    pub fn new(code: Code, message: impl Into<String>) -> HmcError {
        HmcError {
            code,
            message: message.into(),
        }
    }

    /// `HSCL8012 The managed system named X was not found.` (the partition's wording is
    /// documented; the managed system's is by analogy).
    pub fn system_not_found(name: &str) -> HmcError {
        HmcError::new(
            Code::ObjectNotFound,
            format!("The managed system named {name} was not found."),
        )
    }

    /// `HSCL8012 The partition named X was not found.`
    pub fn partition_not_found(name: &str) -> HmcError {
        HmcError::new(
            Code::ObjectNotFound,
            format!("The partition named {name} was not found."),
        )
    }

    /// `HSCL8012 The partition with ID N was not found.` (by analogy with the name's).
    pub fn partition_id_not_found(id: u32) -> HmcError {
        HmcError::new(
            Code::ObjectNotFound,
            format!("The partition with ID {id} was not found."),
        )
    }

    /// The documented HSCL0238 text.
    pub fn not_operating() -> HmcError {
        HmcError::new(
            Code::SystemNotOperating,
            "This operation is only allowed when the managed system is in the Operating state.",
        )
    }

    pub fn too_long(what: impl std::fmt::Display) -> HmcError {
        HmcError::new(Code::TooLong, what.to_string())
    }
}

impl std::fmt::Display for HmcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_in_exactly_one_table_and_codes_are_unique() {
        let mut all: Vec<Code> = IBM_CODES.iter().map(|(c, _, _)| *c).collect();
        all.extend(LPM_CODES.iter().map(|(c, _)| *c));
        let mut strs: Vec<&str> = all.iter().map(|c| c.as_str()).collect();
        strs.sort();
        let n = strs.len();
        strs.dedup();
        assert_eq!(strs.len(), n, "a code is listed twice");
        for (c, _) in LPM_CODES {
            assert!(c.as_str().starts_with("HSCLZ"), "{c} is lpm's own");
            assert!(!c.is_ibm());
        }
        for (c, _, _) in IBM_CODES {
            assert!(!c.as_str().starts_with("HSCLZ"));
        }
    }
}
