//! The operator dashboard (placeholder until the dashboard issue lands).

use crate::Scenario;

/// Options for the dashboard.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    /// Where the scenario came from, for the header.
    pub origin: Option<String>,
}

/// Opens the dashboard on a scenario and returns when the operator quits.
pub fn run(_scenario: Scenario, _options: TuiOptions) -> anyhow::Result<()> {
    anyhow::bail!("the dashboard is not built yet; use `lpm run SCENARIO` for a headless run")
}
