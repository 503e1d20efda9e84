//! Typed handles for the things the engine keeps: a partition, a frame, a move. Each is an
//! index into the engine's own list, typed so that one cannot stand for another.

use serde::{Deserialize, Serialize};

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            /// The handle of the `i`-th item of its list (as the engine's views list them).
            pub const fn new(i: usize) -> $name {
                $name(i as u32)
            }

            /// Its position in the engine's list (and in a snapshot's).
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

handle!(
    /// A partition, in scenario order.
    PartitionId
);
handle!(
    /// A frame (managed system), in scenario order.
    FrameId
);
handle!(
    /// A move, in the order moves were requested.
    MoveId
);
