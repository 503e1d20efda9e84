//! Scenario files: the frames, partitions, link, policy and a timeline of actions.
//!
//! Loading is two passes: RON syntax and types (serde, with ron's line and column), then the
//! semantic checks of [`Scenario::problems`], which report every problem at once. A scenario that
//! fails either pass is refused whole: no half-loaded world reaches the engine.

mod hmc_action;
mod locate;
pub mod read;
mod vio;

pub use hmc_action::{action_of as hmc_action_of, translate as translate_hmc};
pub use locate::line_col;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::spec::{Action, PartitionRef, PartitionState, Scenario, Workload};

use locate::{Anchor, Locator};

/// The built-in scenario's text (assets/scenarios/default.ron).
pub const DEFAULT_RON: &str = include_str!("../../assets/scenarios/default.ron");

/// Shipped scenarios a built-in presenter script names (`File("../assets/scenarios/NAME")`),
/// built into the binary so that `lpm demo NAME` works from any directory.
pub const EMBEDDED: [(&str, &str); 2] = [
    (
        "estate.ron",
        include_str!("../../assets/scenarios/estate.ron"),
    ),
    (
        "consolidation.ron",
        include_str!("../../assets/scenarios/consolidation.ron"),
    ),
];

/// Page sizes the model supports (DOMAIN.md section 3: POWER uses 4 KiB and 64 KiB pages).
pub const PAGE_SIZES_KIB: [u32; 2] = [4, 64];

pub use crate::sim::memory::{BYTES_PER_PAGE_IN_MOTION, available_memory_bytes};

/// The latest time a script may act: the engine steps every millisecond up to it, so a
/// misplaced exponent would otherwise make a run that never ends.
pub const MAX_AT_S: f64 = 86_400.0;

/// Mover service partitions per frame, and moves per mover, beyond any real installation (a
/// frame has a few VIOS; VIOS allows up to 16 moves per MSP): mover slots are their product,
/// which must stay far from overflowing.
pub const MAX_MSPS: u32 = 64;

/// Frames in one scenario: an estate of a few racks, as an HMC manages (DOMAIN.md section 6).
pub const MAX_FRAMES: usize = 64;
pub const MAX_MSP_OPS: u32 = 1024;

/// The longest link latency and suspend overhead, ms: a minute. Past it the engine's
/// nanosecond clock overflowed (1e300 ms of latency saturated to u64::MAX ns, then `now +` it).
pub const MAX_DELAY_MS: f64 = 60_000.0;

/// Page writes beyond any memory bus (100 GiB/s). The engine spends every write of a moving
/// partition page by page: 1e12 MiB/s was 2.6e14 writes per simulated millisecond, a hang.
pub const MAX_WRITES_MIB_S: f64 = 102_400.0;

/// The slowest link or mover a move may use: 1 Mbit/s. Any rate above 0 was accepted, and a
/// move over 1e-300 Gbit/s never finished; below this no migration is worth simulating.
pub const MIN_BANDWIDTH_GBPS: f64 = 0.001;

/// The least share of the link's rate that carries pages (1%): the rest is protocol.
pub const MIN_PAYLOAD_EFFICIENCY: f64 = 0.01;

/// The lowest bandwidth cap on a move, MiB/s (0.1 MiB/s, about 1 Mbit/s, as the link's floor).
pub const MIN_CAP_MIB_S: f64 = 0.1;

/// The most pre-copy rounds a policy may allow: 4294967295 made every model and every run keep
/// a value per round until memory ran out. QEMU has no cap, and "lpm against real QEMU" stands
/// for that with a million rounds; PowerVM stops far sooner.
pub const MAX_ROUNDS: u32 = 1_000_000;

/// The most a policy may let a move send, in multiples of its memory: with 1e308 a move that
/// does not converge never ended. "lpm against real QEMU" stands for no cap with 1000.
pub const MAX_SENT_FACTOR: f64 = 1000.0;

/// Engine memory no machine lpm runs on has (1 TiB), checked even where the available memory
/// cannot be read.
const MAX_SIMULATION_BYTES: f64 = (1u64 << 40) as f64;

/// Why a scenario was refused: every message, each already prefixed with `origin[:line:col]: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub messages: Vec<String>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join("\n"))
    }
}

impl std::error::Error for Refusal {}

/// One semantic problem and the place in the file it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub anchor: Anchor,
    pub message: String,
}

impl Problem {
    fn new(anchor: Anchor, message: impl Into<String>) -> Problem {
        Problem {
            anchor,
            message: message.into(),
        }
    }
}

impl Scenario {
    /// Parses RON text; `origin` names the file in messages. Syntax and types only: see
    /// [`Scenario::load_str`] for the semantic checks.
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, String> {
        // A byte-order mark is no part of RON ("1:1: Expected opening `(`" said nothing of
        // it); dropped, it leaves every line, and every column past the first line, as it was.
        ron_options()
            .from_str(read::strip_bom(text))
            .map_err(|e: ron::error::SpannedError| {
                tidy_message(&format!(
                    "{origin}:{}:{}: {}",
                    e.span.start.line, e.span.start.col, e.code
                ))
            })
    }

    /// Parses and checks a scenario. `available_bytes` is the memory this machine can give the
    /// simulation (`None`: do not check).
    pub fn load_str(
        text: &str,
        origin: &str,
        available_bytes: Option<u64>,
    ) -> Result<Scenario, Refusal> {
        let text = &*hmc_action::translate(text, origin)?;
        let scenario = Scenario::parse(text, origin).map_err(|m| Refusal { messages: vec![m] })?;
        let problems = scenario.problems(available_bytes);
        if problems.is_empty() {
            return Ok(scenario);
        }
        let locator = Locator::new(text);
        Err(Refusal {
            messages: problems
                .iter()
                .map(|p| match locator.find(&p.anchor) {
                    Some((line, col)) => format!("{origin}:{line}:{col}: {}", p.message),
                    None => format!("{origin}: {}", p.message),
                })
                .map(|m| tidy_message(&m))
                .collect(),
        })
    }

    /// Reads, parses and checks a scenario file against this machine's available memory.
    pub fn load(path: &Path) -> Result<Scenario, Refusal> {
        let origin = path.display().to_string();
        let text = read::read_text(path, "the scenario").map_err(|e| Refusal {
            messages: vec![format!("{origin}: {e}")],
        })?;
        Scenario::load_str(&text, &origin, available_memory_bytes())
    }

    /// The built-in scenario.
    pub fn builtin() -> Scenario {
        Scenario::parse(DEFAULT_RON, "default.ron").expect("the built-in scenario parses")
    }

    /// Bytes the engine needs to simulate every running partition moving at once (an
    /// evacuation does exactly that). Not-activated partitions have no memory image.
    pub fn simulation_bytes(&self) -> f64 {
        self.partitions
            .iter()
            .filter(|p| p.state == PartitionState::Running)
            .map(|p| self.pages_f64(p.memory_gib) * BYTES_PER_PAGE_IN_MOTION)
            .sum()
    }

    /// Pages of `memory_gib` as a float: sizes past `u64` pages keep their magnitude (an
    /// integer page count would saturate and understate what they need).
    fn pages_f64(&self, memory_gib: f64) -> f64 {
        (memory_gib.max(0.0) * 1024.0 * 1024.0 / self.page_size_kib.max(1) as f64).round()
    }

    /// Everything that makes no sense in a scenario that parsed, every problem at once.
    pub fn problems(&self, available_bytes: Option<u64>) -> Vec<Problem> {
        let mut out = Vec::new();
        let top = |key: &'static str| Anchor::Key(key, None);
        if self.name.trim().is_empty() {
            out.push(Problem::new(top("name"), "the scenario needs a name"));
        } else if self.name.chars().any(char::is_control) {
            out.push(Problem::new(
                top("name"),
                format!(
                    "the scenario's name {:?} must be without control characters",
                    self.name
                ),
            ));
        }
        if !PAGE_SIZES_KIB.contains(&self.page_size_kib) {
            out.push(Problem::new(
                top("page_size_kib"),
                format!("page_size_kib must be 4 or 64, not {}", self.page_size_kib),
            ));
        }
        self.link_problems(&mut out);
        self.system_problems(&mut out);
        self.partition_problems(&mut out);
        self.vio_problems(&mut out);
        for m in self.policy.problems() {
            // The engine's messages start with the field's path ("policy.max_rounds ..."):
            // point at that field when the file writes it.
            let field = m
                .strip_prefix("policy.")
                .and_then(|r| r.split([' ', ':']).next())
                .and_then(|f| POLICY_FIELDS.iter().find(|&&k| k == f).copied());
            out.push(Problem::new(Anchor::Key("policy", field), m));
        }
        let overhead = self.policy.suspend_overhead_ms;
        if overhead.is_finite() && overhead > MAX_DELAY_MS {
            out.push(Problem::new(
                Anchor::Key("policy", Some("suspend_overhead_ms")),
                format!(
                    "policy.suspend_overhead_ms must be at most {MAX_DELAY_MS} (a minute), not \
                     {overhead}"
                ),
            ));
        }
        if self.policy.max_rounds > MAX_ROUNDS {
            out.push(Problem::new(
                Anchor::Key("policy", Some("max_rounds")),
                format!(
                    "policy.max_rounds must be at most {MAX_ROUNDS}, not {}",
                    self.policy.max_rounds
                ),
            ));
        }
        let factor = self.policy.max_sent_factor;
        if factor.is_finite() && factor > MAX_SENT_FACTOR {
            out.push(Problem::new(
                Anchor::Key("policy", Some("max_sent_factor")),
                format!(
                    "policy.max_sent_factor must be at most {MAX_SENT_FACTOR}, not {}",
                    num_text(factor)
                ),
            ));
        }
        if self.policy.msp_max_ops > MAX_MSP_OPS {
            out.push(Problem::new(
                Anchor::Key("policy", Some("msp_max_ops")),
                format!(
                    "policy.msp_max_ops must be at most {MAX_MSP_OPS}, not {}",
                    self.policy.msp_max_ops
                ),
            ));
        }
        self.script_problems(&mut out);
        // Page state exists only while a partition moves, so the estate may be far larger
        // than this machine; but a partition whose page state alone is more than the machine
        // can give (or than any could: a size that would overflow the page arrays) could
        // never move. Moves together are held to the machine at move start, by the engine.
        let limit = available_bytes.map_or(MAX_SIMULATION_BYTES, |a| {
            (a as f64).min(MAX_SIMULATION_BYTES)
        });
        if let Some(p) = self
            .partitions
            .iter()
            .filter(|p| p.state == PartitionState::Running)
            .max_by(|a, b| a.memory_gib.total_cmp(&b.memory_gib))
        {
            let pages = self.pages_f64(p.memory_gib);
            let need = pages * BYTES_PER_PAGE_IN_MOTION;
            if need > limit {
                out.push(Problem::new(
                    Anchor::Key("partitions", None),
                    format!(
                        "partition {} cannot be simulated moving on this machine: its page state \
                         needs {} ({:.1} bytes per {} KiB page, {} pages), only {} is available; \
                         use 64 KiB pages or a smaller partition",
                        p.name,
                        crate::units::bytes(need),
                        BYTES_PER_PAGE_IN_MOTION,
                        self.page_size_kib,
                        count_text(pages),
                        crate::units::bytes(limit)
                    ),
                ));
            }
        }
        out
    }

    fn link_problems(&self, out: &mut Vec<Problem>) {
        let l = &self.link;
        let at = |f| Anchor::Key("link", Some(f));
        if !(l.bandwidth_gbps.is_finite() && l.bandwidth_gbps > 0.0) {
            out.push(Problem::new(
                at("bandwidth_gbps"),
                format!(
                    "link.bandwidth_gbps must be above 0, not {}",
                    l.bandwidth_gbps
                ),
            ));
        } else if l.bandwidth_gbps < MIN_BANDWIDTH_GBPS {
            out.push(Problem::new(
                at("bandwidth_gbps"),
                format!(
                    "link.bandwidth_gbps must be at least {MIN_BANDWIDTH_GBPS} (1 Mbit/s), not {}",
                    num_text(l.bandwidth_gbps)
                ),
            ));
        }
        if !(l.latency_ms.is_finite() && l.latency_ms >= 0.0) {
            out.push(Problem::new(
                at("latency_ms"),
                format!("link.latency_ms must be 0 or more, not {}", l.latency_ms),
            ));
        } else if l.latency_ms > MAX_DELAY_MS {
            out.push(Problem::new(
                at("latency_ms"),
                format!(
                    "link.latency_ms must be at most {MAX_DELAY_MS} (a minute), not {}",
                    l.latency_ms
                ),
            ));
        }
        if !(l.payload_efficiency > 0.0 && l.payload_efficiency <= 1.0) {
            out.push(Problem::new(
                at("payload_efficiency"),
                format!(
                    "link.payload_efficiency must be above 0 and at most 1, not {}",
                    l.payload_efficiency
                ),
            ));
        } else if l.payload_efficiency < MIN_PAYLOAD_EFFICIENCY {
            out.push(Problem::new(
                at("payload_efficiency"),
                format!(
                    "link.payload_efficiency must be at least {MIN_PAYLOAD_EFFICIENCY}, not {}",
                    num_text(l.payload_efficiency)
                ),
            ));
        }
    }

    fn system_problems(&self, out: &mut Vec<Problem>) {
        if self.systems.is_empty() {
            out.push(Problem::new(
                Anchor::Key("systems", None),
                "the scenario needs at least one system (frame)",
            ));
        }
        if self.systems.len() > MAX_FRAMES {
            out.push(Problem::new(
                Anchor::Key("systems", None),
                format!(
                    "a scenario has at most {MAX_FRAMES} frames, not {}",
                    self.systems.len()
                ),
            ));
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut looks: HashMap<String, &str> = HashMap::new();
        for (i, s) in self.systems.iter().enumerate() {
            let at = |f| Anchor::System(i, f);
            if let Some(why) = name_problem(&s.name) {
                out.push(Problem::new(
                    at(Some("name")),
                    format!("system {:?}: a frame's name {why}", s.name),
                ));
            }
            if let Some(other) = looks.insert(skeleton(&s.name), &s.name)
                && other != s.name
            {
                out.push(Problem::new(
                    at(Some("name")),
                    format!(
                        "system {:?} looks like system {other:?}: names must differ in what is \
                         shown",
                        s.name
                    ),
                ));
            }
            if let Some(first) = seen.insert(&s.name, i) {
                out.push(Problem::new(
                    at(Some("name")),
                    format!(
                        "system {:?} is defined twice (systems {} and {})",
                        s.name,
                        first + 1,
                        i + 1
                    ),
                ));
            }
            if !(s.cpus.is_finite() && s.cpus > 0.0) {
                out.push(Problem::new(
                    at(Some("cpus")),
                    format!("system {}: cpus must be above 0, not {}", s.name, s.cpus),
                ));
            }
            if s.msps > MAX_MSPS {
                out.push(Problem::new(
                    at(Some("msps")),
                    format!(
                        "system {}: msps must be at most {MAX_MSPS}, not {}",
                        s.name, s.msps
                    ),
                ));
            }
            if let Some(g) = s.mover_gbps
                && !(g.is_finite() && g > 0.0)
            {
                out.push(Problem::new(
                    at(Some("mover_gbps")),
                    format!("system {}: mover_gbps must be above 0, not {g}", s.name),
                ));
            }
            if let Some(g) = s.mover_gbps
                && g > 0.0
                && g < MIN_BANDWIDTH_GBPS
            {
                out.push(Problem::new(
                    at(Some("mover_gbps")),
                    format!(
                        "system {}: mover_gbps must be at least {MIN_BANDWIDTH_GBPS} (1 Mbit/s), \
                         not {}",
                        s.name,
                        num_text(g)
                    ),
                ));
            }
            if let Some(power) = &s.power {
                for problem in power.problems(&format!("system {}", s.name)) {
                    out.push(Problem::new(at(Some("power")), problem));
                }
            }
            if !(s.memory_gib.is_finite() && s.memory_gib > 0.0) {
                out.push(Problem::new(
                    at(Some("memory_gib")),
                    format!(
                        "system {}: memory_gib must be above 0, not {}",
                        s.name, s.memory_gib
                    ),
                ));
            }
        }
    }

    fn partition_problems(&self, out: &mut Vec<Problem>) {
        // Names are unique per frame; the same name on two frames is allowed and is then
        // written `frame/name` in the script (the engine resolves both forms).
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        let mut looks: HashMap<String, &str> = HashMap::new();
        // Memory and processors each frame's residents take, against its size.
        let mut load: HashMap<&str, (f64, f64)> = HashMap::new();
        for (i, p) in self.partitions.iter().enumerate() {
            let at = |f| Anchor::Partition(i, f);
            if let Some(why) = name_problem(&p.name) {
                out.push(Problem::new(
                    at(Some("name")),
                    format!("partition {:?}: a partition's name {why}", p.name),
                ));
            }
            if let Some(other) = looks.insert(skeleton(&p.name), &p.name)
                && other != p.name
            {
                out.push(Problem::new(
                    at(Some("name")),
                    format!(
                        "partition {:?} looks like partition {other:?}: names must differ in \
                         what is shown",
                        p.name
                    ),
                ));
            }
            if seen.insert((&p.system, &p.name), i).is_some() {
                out.push(Problem::new(
                    at(Some("name")),
                    format!("partition {:?} is defined twice on {}", p.name, p.system),
                ));
            }
            let system = self.systems.iter().find(|s| s.name == p.system);
            if system.is_none() {
                out.push(Problem::new(
                    at(Some("system")),
                    format!(
                        "partition {}: unknown system {:?} ({})",
                        p.name,
                        p.system,
                        self.system_names()
                    ),
                ));
            }
            let mem_ok = p.memory_gib.is_finite() && p.memory_gib > 0.0;
            if !mem_ok {
                out.push(Problem::new(
                    at(Some("memory_gib")),
                    format!(
                        "partition {}: memory_gib must be above 0, not {}",
                        p.name, p.memory_gib
                    ),
                ));
            } else if self.pages_of(p.memory_gib) == 0 {
                out.push(Problem::new(
                    at(Some("memory_gib")),
                    format!(
                        "partition {}: {} GiB is less than one {} KiB page",
                        p.name, p.memory_gib, self.page_size_kib
                    ),
                ));
            }
            let cpus_ok = p.cpus.is_finite() && p.cpus > 0.0;
            if !cpus_ok {
                out.push(Problem::new(
                    at(Some("cpus")),
                    format!("partition {}: cpus must be above 0, not {}", p.name, p.cpus),
                ));
            }
            for m in p.workload.problems() {
                out.push(Problem::new(
                    at(Some("workload")),
                    format!("partition {}: workload: {m}", p.name),
                ));
            }
            if let Some(load) = p.cpu_load
                && !(load.is_finite() && (0.0..=100.0).contains(&load))
            {
                out.push(Problem::new(
                    at(Some("cpu_load")),
                    format!(
                        "partition {}: cpu_load must be between 0 and 100, not {}",
                        p.name,
                        num_text(load)
                    ),
                ));
            }
            if let Some(sys) = system
                && sys.powered_off
                && p.state == PartitionState::Running
            {
                out.push(Problem::new(
                    at(Some("state")),
                    format!(
                        "partition {}: it is Running on {}, which starts powered off                          (make it NotActivated, or power the frame on)",
                        p.name, sys.name
                    ),
                ));
            }
            let zero = p.zero_percent;
            if !(zero.is_finite() && (0.0..=100.0).contains(&zero)) {
                out.push(Problem::new(
                    at(Some("zero_percent")),
                    format!(
                        "partition {}: zero_percent must be between 0 and 100, not {}",
                        p.name,
                        num_text(zero)
                    ),
                ));
            } else if mem_ok
                && max_writes_mib_s(&p.workload) > 0.0
                && p.written_pages(self.pages_of(p.memory_gib) as usize) == 0
            {
                out.push(Problem::new(
                    at(Some("zero_percent")),
                    format!(
                        "partition {}: zero_percent {} leaves no page for its workload to write",
                        p.name,
                        num_text(zero)
                    ),
                ));
            }
            let writes = max_writes_mib_s(&p.workload);
            if writes > MAX_WRITES_MIB_S {
                out.push(Problem::new(
                    at(Some("workload")),
                    format!(
                        "partition {}: workload: writes_mib_s must be at most {MAX_WRITES_MIB_S} \
                         (100 GiB/s, beyond any memory bus), not {writes}",
                        p.name
                    ),
                ));
            }
            let Some(sys) = system else { continue };
            if mem_ok && p.memory_gib > sys.memory_gib {
                out.push(Problem::new(
                    at(Some("memory_gib")),
                    format!(
                        "partition {}: {} GiB of memory is more than its frame {} has ({} GiB)",
                        p.name, p.memory_gib, sys.name, sys.memory_gib
                    ),
                ));
            }
            if cpus_ok && p.cpus > sys.cpus {
                out.push(Problem::new(
                    at(Some("cpus")),
                    format!(
                        "partition {}: {} processors is more than its frame {} has ({})",
                        p.name, p.cpus, sys.name, sys.cpus
                    ),
                ));
            }
            if mem_ok && cpus_ok {
                let l = load.entry(&sys.name).or_default();
                l.0 += p.memory_gib;
                l.1 += p.cpus;
            }
        }
        // A frame cannot start out holding more than it has (each partition alone may fit).
        for (i, s) in self.systems.iter().enumerate() {
            let Some(&(mem, cpus)) = load.get(s.name.as_str()) else {
                continue;
            };
            let single_too_big = self
                .partitions
                .iter()
                .any(|p| p.system == s.name && (p.memory_gib > s.memory_gib || p.cpus > s.cpus));
            if single_too_big {
                continue;
            }
            if mem > s.memory_gib + 1e-9 {
                out.push(Problem::new(
                    Anchor::System(i, Some("memory_gib")),
                    format!(
                        "system {}: its partitions need {} GiB of memory, it has {} GiB",
                        s.name,
                        crate::units::num(mem),
                        s.memory_gib
                    ),
                ));
            }
            if cpus > s.cpus + 1e-9 {
                out.push(Problem::new(
                    Anchor::System(i, Some("cpus")),
                    format!(
                        "system {}: its partitions need {} processors, it has {}",
                        s.name,
                        crate::units::num(cpus),
                        s.cpus
                    ),
                ));
            }
        }
    }

    fn script_problems(&self, out: &mut Vec<Problem>) {
        for (i, step) in self.script.iter().enumerate() {
            let at = |f| Anchor::Step(i, f);
            let what = format!("script step {} ({})", i + 1, step.action.name());
            if !(step.at_s.is_finite() && step.at_s >= 0.0) {
                out.push(Problem::new(
                    at(Some("at_s")),
                    format!("{what}: at_s must be 0 or more, not {}", step.at_s),
                ));
            } else if step.at_s > MAX_AT_S {
                out.push(Problem::new(
                    at(Some("at_s")),
                    format!(
                        "{what}: at_s {} is later than a day ({MAX_AT_S} s) of simulated time",
                        step.at_s
                    ),
                ));
            }
            for m in step.action.problems() {
                out.push(Problem::new(at(Some("action")), format!("{what}: {m}")));
            }
            for (field, m) in self.action_limits(&step.action) {
                out.push(Problem::new(at(Some(field)), format!("{what}: {m}")));
            }
            if let Action::LinkDown { for_s } | Action::LinkDegrade { for_s, .. } = &step.action
                && *for_s > MAX_AT_S
            {
                // Past it the engine's nanosecond clock overflowed (1e300 s: a panic).
                out.push(Problem::new(
                    at(Some("for_s")),
                    format!(
                        "{what}: for_s {} is longer than a day ({MAX_AT_S} s)",
                        num_text(*for_s)
                    ),
                ));
            }
            if let Some(name) = step.action.partition()
                && let Err(m) = self.resolve_partition(name)
            {
                out.push(Problem::new(at(Some("partition")), format!("{what}: {m}")));
            }
            for sys in step.action.systems() {
                if !self.systems.iter().any(|s| s.name == sys) {
                    let field = match &step.action {
                        Action::Evacuate { from, .. } if from == sys => "from",
                        _ => "to",
                    };
                    out.push(Problem::new(
                        at(Some(field)),
                        format!("{what}: unknown system {sys:?} ({})", self.system_names()),
                    ));
                }
            }
        }
    }

    /// What an action asks that this world cannot do, beyond the action's own checks: rates
    /// below the physical floor. Each with the field it is about. Scripts of scenarios and of
    /// presenters are checked with it. (A `LinkDegrade` above the link's rate is the engine's
    /// to clamp and to report.)
    pub fn action_limits(&self, action: &Action) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        match action {
            Action::SetBandwidthCap { mib_s, .. } if *mib_s > 0.0 && *mib_s < MIN_CAP_MIB_S => {
                out.push((
                    "mib_s",
                    format!(
                        "SetBandwidthCap mib_s must be at least {MIN_CAP_MIB_S}, not {}",
                        num_text(*mib_s)
                    ),
                ));
            }
            Action::LinkDegrade { bandwidth_gbps, .. } if *bandwidth_gbps > 0.0 => {
                let g = *bandwidth_gbps;
                if g < MIN_BANDWIDTH_GBPS {
                    out.push((
                        "bandwidth_gbps",
                        format!(
                            "LinkDegrade bandwidth_gbps must be at least {MIN_BANDWIDTH_GBPS} \
                             (1 Mbit/s), not {}",
                            num_text(g)
                        ),
                    ));
                }
            }
            _ => {}
        }
        out
    }

    /// Whether a script's partition reference names exactly one partition. `frame/name` names
    /// the partition that starts on that frame, or one of that name anywhere when the script
    /// moves it there first (the engine resolves it at the action's time).
    fn resolve_partition(&self, name: &str) -> Result<(), String> {
        let wanted = PartitionRef::parse(name);
        let part = wanted.name;
        let count = self.partitions.iter().filter(|p| p.name == part).count();
        match wanted.frame {
            Some(s) if !self.systems.iter().any(|x| x.name == s) => Err(format!(
                "{name:?}: unknown system {s:?} ({})",
                self.system_names()
            )),
            _ if count == 0 => Err(format!("unknown partition {name:?}")),
            None if count > 1 => Err(format!(
                "{name:?} names partitions on several frames; write it as frame/{part}"
            )),
            _ => Ok(()),
        }
    }

    /// The systems a name could have meant, in words: none is a sentence too.
    fn system_names(&self) -> String {
        let names: Vec<&str> = self.systems.iter().map(|s| s.name.as_str()).collect();
        match names.as_slice() {
            [] => "the scenario has no systems".into(),
            [one] => format!("the only system is {one}"),
            _ => format!("the systems are {}", names.join(", ")),
        }
    }
}

const POLICY_FIELDS: [&str; 12] = [
    "switchover",
    "final_phase",
    "max_rounds",
    "max_sent_factor",
    "auto_converge",
    "suspend_overhead_ms",
    "msp_max_ops",
    "user_timeout_s",
    "link_timeout_s",
    "pull_timeout_s",
    "stall_rounds",
    "precopy",
];

/// The highest write rate of a workload, any phase (NaN and negative rates are the workload's
/// own checks' business).
fn max_writes_mib_s(w: &Workload) -> f64 {
    match w {
        Workload::Idle => 0.0,
        Workload::Uniform { writes_mib_s }
        | Workload::Hotspot { writes_mib_s, .. }
        | Workload::Sequential { writes_mib_s, .. } => *writes_mib_s,
        Workload::Phased { phases } => phases
            .iter()
            .map(|(_, w)| max_writes_mib_s(w))
            .fold(0.0, f64::max),
    }
}

/// How lpm reads RON: an optional field may be written as its value (`to: "frame-b"`), without
/// `Some(...)`, so that fields that became optional keep every older file valid.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Why a frame's or partition's name cannot be used, if it cannot. Names are printed by
/// `lpm run` and `lpm check` as they are and typed by operators, so no control characters (an
/// escape sequence in a name would be written to the operator's terminal), no '/', which
/// separates `frame/name`, and nothing invisible: a lone zero-width space, `db01` beside
/// `db01` and a zero-width space, or a right-to-left override that shows one name as another.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        return Some("must not be blank");
    }
    if name.contains('/') {
        return Some("must be without '/' (which separates frame/name)");
    }
    if name.chars().any(char::is_control) {
        return Some("must be without control characters");
    }
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if is_bidi_control(c) {
            return Some("must be without bidirectional controls (they reorder what is shown)");
        }
        if c.is_whitespace() && (c != ' ' || i == 0 || i == chars.len() - 1) {
            return Some("must be without leading, trailing or other than plain spaces");
        }
        if is_invisible(c) {
            // Emoji sequences join with ZWJ and ask for their picture with VS16: allowed
            // after a symbol (not after a letter or digit, where they would hide in a name).
            let after_symbol = i > 0 && !chars[i - 1].is_ascii() && !chars[i - 1].is_alphanumeric();
            let joins = c == '\u{200d}' && after_symbol && i + 1 < chars.len();
            let selects = c == '\u{fe0f}' && after_symbol;
            if !(joins || selects) {
                return Some(
                    "must be without invisible characters (zero-width or format characters)",
                );
            }
        }
    }
    None
}

/// What a name looks like: the emoji joiners and selectors that [`name_problem`] allows draw
/// nothing of their own, so two names that differ only by them look the same.
fn skeleton(name: &str) -> String {
    name.chars()
        .filter(|&c| c != '\u{200d}' && c != '\u{fe0f}')
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Unicode's default-ignorable code points, and the fillers that draw as nothing.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// A message as the user should read it: a quoted or back-ticked value longer than
/// [`MAX_QUOTED_CHARS`] is cut to its start and its length (an unknown field name of 200 MB
/// was echoed whole), and a run of more than 17 digits, which no f64 holds exactly, is written
/// in scientific notation (1e308 was printed as 309 digits).
pub fn tidy_message(m: &str) -> String {
    let m = shorten_numbers(&shorten_quoted(m));
    // Whatever was not quoted (a name printed plainly) still cannot fill the screen.
    let n = m.chars().count();
    if n > MAX_MESSAGE_CHARS {
        let head: String = m.chars().take(MAX_MESSAGE_CHARS - 40).collect();
        format!("{head}\u{2026} ({n} characters in all)")
    } else {
        m
    }
}

/// The longest message shown whole.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// The longest quoted value a message shows whole.
pub const MAX_QUOTED_CHARS: usize = 64;

fn shorten_quoted(m: &str) -> String {
    let chars: Vec<char> = m.chars().collect();
    let mut out = String::with_capacity(m.len().min(4096));
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        out.push(c);
        i += 1;
        if c != '`' && c != '"' {
            continue;
        }
        // The closing mark (a `"` inside a Debug string is escaped as `\"`).
        let mut j = i;
        while j < chars.len() && chars[j] != c {
            j += if chars[j] == '\\' { 2 } else { 1 };
        }
        if j >= chars.len() {
            // No closing mark: an apostrophe-like character in plain text, not a quotation.
            continue;
        }
        let end = j;
        let inner = end - i;
        if inner > MAX_QUOTED_CHARS {
            out.extend(&chars[i..i + 32]);
            out.push_str(&format!("\u{2026} ({inner} characters)"));
        } else {
            out.extend(&chars[i..end]);
        }
        out.push(c);
        i = end + 1;
    }
    out
}

fn shorten_numbers(m: &str) -> String {
    let b = m.as_bytes();
    let mut out = String::with_capacity(m.len());
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            // Up to the next digit: ASCII, so always a char boundary.
            let next = b[i..]
                .iter()
                .position(u8::is_ascii_digit)
                .map_or(b.len(), |n| i + n);
            out.push_str(&m[i..next]);
            i = next;
            continue;
        }
        let mut e = i;
        while e < b.len() && b[e].is_ascii_digit() {
            e += 1;
        }
        let int_digits = e - i;
        if e + 1 < b.len() && b[e] == b'.' && b[e + 1].is_ascii_digit() {
            e += 1;
            while e < b.len() && b[e].is_ascii_digit() {
                e += 1;
            }
        }
        let token = &m[i..e];
        match token.parse::<f64>() {
            // 0.000...1 too: its digits say nothing a reader can count.
            Ok(x) if int_digits > 17 || token.len() > 24 => out.push_str(&format!("{x:e}")),
            _ => out.push_str(token),
        }
        i = e;
    }
    out
}

/// A number as written, in scientific notation when it is huge or tiny (1e300, not 301
/// digits; 1e-300, not 300 zeros).
fn num_text(x: f64) -> String {
    if x.abs() >= 1e15 || (x != 0.0 && x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A count in full while it is exact in a float, in scientific notation past that.
fn count_text(n: f64) -> String {
    if n.is_infinite() {
        format!("more than {:.1e}", f64::MAX)
    } else if n < 9e15 {
        format!("{n:.0}")
    } else {
        format!("{n:.3e}")
    }
}

#[cfg(test)]
mod tests;
