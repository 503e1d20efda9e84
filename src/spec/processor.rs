use serde::{Deserialize, Serialize};

/// A POWER processor generation: of a frame, or the compatibility mode of a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Processor {
    Power6,
    Power6Plus,
    Power7,
    Power8,
    Power9,
    Power10,
}

impl Processor {
    pub const ALL: [Processor; 6] = [
        Processor::Power6,
        Processor::Power6Plus,
        Processor::Power7,
        Processor::Power8,
        Processor::Power9,
        Processor::Power10,
    ];

    /// Whether a frame of this generation can run a partition in compatibility mode `mode`.
    /// Newer frames run older modes, but only back to a floor: POWER9 dropped POWER6 modes and
    /// POWER10 keeps only POWER9 (IBM's processor compatibility mode tables).
    pub fn supports(self, mode: Processor) -> bool {
        let floor = match self {
            Processor::Power9 => Processor::Power7,
            Processor::Power10 => Processor::Power9,
            _ => Processor::Power6,
        };
        mode <= self && mode >= floor
    }

    pub fn label(self) -> &'static str {
        match self {
            Processor::Power6 => "POWER6",
            Processor::Power6Plus => "POWER6+",
            Processor::Power7 => "POWER7",
            Processor::Power8 => "POWER8",
            Processor::Power9 => "POWER9",
            Processor::Power10 => "POWER10",
        }
    }
}

impl std::fmt::Display for Processor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::Processor::*;

    #[test]
    fn compatibility_follows_ibm_tables() {
        assert!(Power9.supports(Power8));
        assert!(!Power8.supports(Power9));
        assert!(!Power9.supports(Power6));
        assert!(Power8.supports(Power6));
        assert!(Power10.supports(Power9));
        assert!(!Power10.supports(Power8));
    }
}
