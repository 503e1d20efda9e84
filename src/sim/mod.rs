//! The mechanics under the world: page-level memory, the workloads' page writes, the random
//! source, and the link's units. The world's description itself is `spec`.

pub mod link;
pub mod memory;
pub mod rng;
pub mod workload;

pub use link::Link;
pub use memory::{Bitmap, PageMemory, ZeroPages};
pub use rng::SimRng;
pub use workload::WorkloadGen;
