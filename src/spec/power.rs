//! What a frame draws and how long it takes to start: plain values a scenario may give per
//! frame, with defaults per processor generation, and the policies that act on power and load
//! (the balancer, VMware DRS's role; consolidation, VMware DPM's).
//!
//! The defaults are assumptions, not measurements: IBM publishes planning maxima (1225 W and
//! 1810 W for 2U POWER8 models) but no idle figures for these frames; the idle share of the
//! maximum (about half for POWER6/7, less for POWER8 and later, whose EnergyScale folds idle
//! cores and naps them) is this project's estimate. README "Energy: assumptions" lists them.

use serde::{Deserialize, Serialize};

use super::Processor;

/// A frame's power model: `idle_w + (max_w - idle_w) x cpu_utilisation` while operating.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerSpec {
    pub idle_w: f64,
    pub max_w: f64,
    /// Seconds from `PowerOn` until the frame operates (an IPL with the hypervisor up).
    pub boot_s: f64,
    /// Seconds from `PowerOff` until the frame is off (? 60).
    #[serde(default = "default_shutdown_s")]
    pub shutdown_s: f64,
}

fn default_shutdown_s() -> f64 {
    60.0
}

impl PowerSpec {
    /// The assumed model of a frame of this generation when its scenario gives none.
    pub fn default_for(p: Processor) -> PowerSpec {
        // (idle W, max W, boot s): see the module's comment and README.
        let (idle_w, max_w, boot_s) = match p {
            Processor::Power6 | Processor::Power6Plus => (900.0, 1600.0, 600.0),
            Processor::Power7 => (800.0, 1500.0, 480.0),
            Processor::Power8 => (750.0, 1810.0, 420.0),
            Processor::Power9 => (700.0, 1900.0, 360.0),
            Processor::Power10 => (650.0, 2000.0, 300.0),
        };
        PowerSpec {
            idle_w,
            max_w,
            boot_s,
            shutdown_s: default_shutdown_s(),
        }
    }

    /// Watts at `utilisation` (0 to 1) while operating.
    pub fn watts(&self, utilisation: f64) -> f64 {
        self.idle_w + (self.max_w - self.idle_w) * utilisation.clamp(0.0, 1.0)
    }

    /// Values out of range, one message each; `at` names the frame.
    pub fn problems(&self, at: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !(self.idle_w.is_finite() && self.idle_w >= 0.0) {
            out.push(format!(
                "{at}: power.idle_w must be 0 or more, not {}",
                self.idle_w
            ));
        }
        if !(self.max_w.is_finite() && self.max_w >= self.idle_w) {
            out.push(format!(
                "{at}: power.max_w must be at least idle_w ({}), not {}",
                self.idle_w, self.max_w
            ));
        }
        for (name, v) in [("boot_s", self.boot_s), ("shutdown_s", self.shutdown_s)] {
            if !(v.is_finite() && (0.0..=86_400.0).contains(&v)) {
                out.push(format!(
                    "{at}: power.{name} must be between 0 and 86400, not {v}"
                ));
            }
        }
        out
    }
}

/// Where a frame is in its power cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PowerState {
    #[default]
    Operating,
    PoweringOff,
    PoweredOff,
    PoweringOn,
}

impl PowerState {
    /// Its name in JSON: `operating`, `powering_off`, `powered_off`, `powering_on`.
    pub fn name(self) -> &'static str {
        match self {
            PowerState::Operating => "operating",
            PowerState::PoweringOff => "powering_off",
            PowerState::PoweredOff => "powered_off",
            PowerState::PoweringOn => "powering_on",
        }
    }

    /// The HMC's word for it (`lssyscfg -r sys -F state`).
    pub fn label(self) -> &'static str {
        match self {
            PowerState::Operating => "Operating",
            PowerState::PoweringOff => "Powering Off",
            PowerState::PoweredOff => "Power Off",
            PowerState::PoweringOn => "Powering On",
        }
    }
}

/// Whether a policy is off, only advises, or acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Mode {
    #[default]
    Off,
    Advise,
    Active,
}

impl Mode {
    pub fn is_off(&self) -> bool {
        *self == Mode::Off
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Advise => "advise",
            Mode::Active => "active",
        }
    }
}

/// Load balancing across frames (VMware DRS, PowerVC's Dynamic Resource Optimizer).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Balancer {
    pub mode: Mode,
    /// DRS's migration threshold: 1 (conservative: acts only on a large imbalance) to 5
    /// (aggressive); see `tolerance_percent`.
    pub threshold: u32,
    /// Seconds between evaluations (DRS: 5 minutes).
    pub interval_s: f64,
}

impl Default for Balancer {
    fn default() -> Balancer {
        Balancer {
            mode: Mode::Off,
            threshold: 3,
            interval_s: 300.0,
        }
    }
}

impl Balancer {
    pub fn is_off(&self) -> bool {
        self.mode.is_off()
    }

    /// The imbalance (standard deviation of the frames' utilisation, percentage points) the
    /// balancer tolerates: 20 at threshold 1 down to 2.5 at 5. A move must also remove at least
    /// a tenth of it, so that the balancer does not chase noise.
    pub fn tolerance_percent(&self) -> f64 {
        match self.threshold {
            0 | 1 => 20.0,
            2 => 15.0,
            3 => 10.0,
            4 => 5.0,
            _ => 2.5,
        }
    }
}

/// Powering idle frames off (VMware DPM): keep operating frames between `low_percent` and
/// `high_percent` of their processors busy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Consolidation {
    pub mode: Mode,
    pub low_percent: f64,
    pub high_percent: f64,
    /// Seconds between evaluations (? 300, DPM's).
    pub interval_s: f64,
}

impl Default for Consolidation {
    fn default() -> Consolidation {
        Consolidation {
            mode: Mode::Off,
            low_percent: 45.0,
            high_percent: 81.0,
            interval_s: 300.0,
        }
    }
}

impl Consolidation {
    pub fn is_off(&self) -> bool {
        self.mode.is_off()
    }
}

/// Values out of range in the two policies, one message each.
pub fn policy_problems(b: &Balancer, c: &Consolidation) -> Vec<String> {
    let mut out = Vec::new();
    if !(1..=5).contains(&b.threshold) {
        out.push(format!(
            "policy.balancer: threshold must be 1 to 5, not {}",
            b.threshold
        ));
    }
    for (name, v) in [("balancer", b.interval_s), ("consolidation", c.interval_s)] {
        if !(v.is_finite() && (1.0..=86_400.0).contains(&v)) {
            out.push(format!(
                "policy.{name}: interval_s must be between 1 and 86400, not {v}"
            ));
        }
    }
    let band_ok = c.low_percent.is_finite()
        && c.high_percent.is_finite()
        && c.low_percent >= 0.0
        && c.high_percent <= 100.0
        && c.low_percent < c.high_percent;
    if !band_ok {
        out.push(format!(
            "policy.consolidation: low_percent and high_percent must satisfy 0 <= low < high <= \
             100, not {} and {}",
            c.low_percent, c.high_percent
        ));
    }
    out
}
