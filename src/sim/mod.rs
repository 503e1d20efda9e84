//! The two-frame world: managed systems, partitions with page-level memory, workloads, the link.

pub mod link;
pub mod memory;
pub mod processor;
pub mod rng;
pub mod spec;
pub mod workload;

pub use link::Link;
pub use memory::{Bitmap, PageMemory};
pub use processor::Processor;
pub use rng::SimRng;
pub use spec::{LinkSpec, PartitionSpec, PartitionState, SystemSpec};
pub use workload::{Workload, WorkloadGen};
