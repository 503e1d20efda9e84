//! What became of an action: applied, with what it did, or refused, with why. Both carry the
//! sentence the engine reports, and a typed part that drivers match on instead of reading it.

use std::fmt;

use super::ids::{FrameId, MoveId, PartitionId};
use super::validation::Validation;

/// What an applied action did.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A move started at once.
    Started {
        partition: PartitionId,
        id: MoveId,
    },
    /// A move waits for a mover slot, at this place in the queue.
    Queued {
        partition: PartitionId,
        id: MoveId,
        position: usize,
    },
    /// Every check passed (`migrlpar -o v`).
    Validated {
        partition: PartitionId,
        checks: usize,
    },
    /// A move was stopped before its point of no return.
    Stopped {
        partition: PartitionId,
        id: MoveId,
    },
    /// Every move that could still be stopped was: so many.
    StoppedAll {
        stopped: usize,
    },
    /// A failed frame or mover works again.
    Repaired {
        frame: FrameId,
    },
    /// A bandwidth cap, CPU throttle or auto-converge setting changed.
    Tuned {
        partition: PartitionId,
    },
    /// An evacuation began: so many moves started or queued, so many refused.
    Evacuating {
        from: FrameId,
        moving: usize,
        refused: usize,
    },
    DedicatedIoRemoved {
        partition: PartitionId,
    },
    /// A fault was injected.
    Fault,
    Recovered {
        partition: PartitionId,
    },
    /// A policy setting changed.
    PolicyChanged,
    /// A frame began powering off or on.
    Power {
        frame: FrameId,
    },
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// A value out of range (a negative cap, a throttle over 99%...).
    OutOfRange,
    /// No partition or frame of that name, or a name that fits several.
    UnknownName,
    /// The move failed validation: every check, for the operator.
    Invalid(Validation),
    /// The partition has no move in progress (`already_completed`: its last move did complete).
    NotMoving { already_completed: Option<MoveId> },
    /// The move resumed on its target: it can only complete.
    PastPointOfNoReturn { id: MoveId },
    /// An evacuation onto the frame it empties.
    SameFrame,
    /// `Recover` with no failed move to clean up.
    NothingToRecover,
    /// The simulation cannot hold the move's page state with the moves already in flight.
    NoMemory,
    /// `Repair` of a frame or mover that has not failed.
    NothingToRepair,
    /// The action would change nothing: the fault is already in force, the adapters are
    /// already gone.
    NoChange,
    /// The frame's power state does not allow it (off already, not off, failed).
    PowerState,
    /// Partitions run on the frame or moves involve it: it cannot be powered off.
    FrameInUse,
}

/// An applied action: what it did, in words and in kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub effect: Effect,
    pub message: String,
}

/// A refused action: why, in words and in kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub reason: Reason,
    pub message: String,
}

impl Refused {
    pub(crate) fn new(reason: Reason, message: impl Into<String>) -> Refused {
        Refused {
            reason,
            message: message.into(),
        }
    }

    pub(crate) fn unknown(message: impl Into<String>) -> Refused {
        Refused::new(Reason::UnknownName, message)
    }
}

impl Applied {
    pub(crate) fn new(effect: Effect, message: impl Into<String>) -> Applied {
        Applied {
            effect,
            message: message.into(),
        }
    }
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

/// The result of `Engine::apply`.
pub type Outcome = Result<Applied, Refused>;
