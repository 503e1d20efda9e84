//! What this simulated HMC parses but cannot honour yet, because the engine lacks the feature.
//!
//! One function per missing feature, so that wiring the feature later means replacing one
//! call: partition power, partition ids. Each refusal names the attribute.

use super::codes::{Code, HmcError};

/// `chsysstate -r lpar`: partitions cannot be activated or shut down in the engine yet.
pub fn partition_power() -> HmcError {
    HmcError::new(
        Code::PowerNotSimulated,
        "The operation chsysstate -r lpar is not supported by this simulated HMC yet: \
         activating and shutting down partitions is not simulated.",
    )
}

/// `-i dest_lpar_id`: partition ids are derived from the estate, not assignable.
pub fn dest_lpar_id() -> HmcError {
    HmcError::new(
        Code::DestLparIdNotSimulated,
        "The attribute dest_lpar_id is not supported by this simulated HMC yet: partition ids \
         are derived from the estate and keep their value across a move.",
    )
}

/// A real HMC option or resource type that is not simulated at all (`--ip`, `-o set`,
/// `-r prof`...).
pub fn option(what: &str, command: &str) -> HmcError {
    HmcError::new(
        Code::OptionNotSimulated,
        format!("{what} of {command} is not supported by this simulated HMC."),
    )
}
