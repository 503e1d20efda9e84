//! Presenter scripts (RON): a scenario, inline or by path, and a timeline of steps. Each step
//! waits for its trigger (a simulated time, a partition reaching a round, a move suspending,
//! resuming or completing, a validation refusal, the world settling, or the presenter's key),
//! then does its action and shows its caption.
//!
//! Loading is two passes like scenarios: RON syntax and types with ron's line and column, then
//! semantic checks that report every problem at once with the step's line and column.

use crate::scenario::line_col;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Scenario;
use crate::scenario::{MAX_AT_S, Refusal, available_memory_bytes, tidy_message};
use crate::spec::{Action, FinalPhase};

/// A presenter script, as written in `demo/*.ron`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Demo", deny_unknown_fields)]
pub struct Script {
    pub title: String,
    pub scenario: ScenarioSource,
    /// Simulated seconds per wall second at the start.
    #[serde(default = "one")]
    pub time_scale: f64,
    /// Wall seconds a `Key` step waits when nobody presses (recordings and tests).
    #[serde(default = "default_key_hold")]
    pub key_hold_s: f64,
    pub steps: Vec<Step>,
}

fn one() -> f64 {
    1.0
}

fn default_key_hold() -> f64 {
    6.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ScenarioSource {
    /// The scenario written out in the script.
    Inline(Box<Scenario>),
    /// A scenario file, relative to the script's directory.
    File(PathBuf),
}

/// One step of the timeline. Steps fire in order: a step's trigger is looked at only once the
/// step before it has fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub when: Trigger,
    #[serde(default)]
    pub action: Option<Action>,
    /// A new time scale (simulated seconds per wall second).
    #[serde(default)]
    pub scale: Option<f64>,
    /// The final phase for moves that switch over from now on (the policy is scenario-wide:
    /// change it only between moves, to compare policies in one run).
    #[serde(default)]
    pub final_phase: Option<FinalPhase>,
    /// The banner text from this step on.
    #[serde(default)]
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// At this simulated time (seconds from the start).
    At(f64),
    /// This many simulated seconds after the step before fired.
    After(f64),
    /// When the partition's latest move has completed this round (or gone past pre-copy).
    Round { partition: String, round: u32 },
    /// When the partition's latest move has suspended (the switch-over started).
    Suspended(String),
    /// When the partition's latest move has resumed it on the target.
    Resumed(String),
    /// When the partition's latest move has completed.
    Completed(String),
    /// When a validation of the partition fails after the step before fired (a migrate or an
    /// evacuation refused it).
    Refused(String),
    /// When nothing moves or waits to move and the scenario's own script is done.
    Settled,
    /// When the presenter presses → or space (after `key_hold_s` in a recording).
    Key,
}

impl Trigger {
    pub fn partition(&self) -> Option<&str> {
        match self {
            Trigger::Round { partition, .. }
            | Trigger::Suspended(partition)
            | Trigger::Resumed(partition)
            | Trigger::Completed(partition)
            | Trigger::Refused(partition) => Some(partition),
            _ => None,
        }
    }
}

/// A script and its scenario, checked and ready to play.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub script: Script,
    pub scenario: Scenario,
    /// Where the script came from, for the header.
    pub origin: String,
}

/// The shipped scripts, built into the binary (`lpm demo` works from any directory).
pub const BUILTIN: [(&str, &str); 5] = [
    (
        "planned-maintenance.ron",
        include_str!("../../demo/planned-maintenance.ron"),
    ),
    (
        "convergence.ron",
        include_str!("../../demo/convergence.ron"),
    ),
    ("policies.ron", include_str!("../../demo/policies.ron")),
    ("evacuation.ron", include_str!("../../demo/evacuation.ron")),
    (
        "consolidation.ron",
        include_str!("../../demo/consolidation.ron"),
    ),
];

/// The script `lpm demo` plays with no argument.
pub fn default_script() -> Loaded {
    builtin("planned-maintenance.ron").expect("the built-in script loads")
}

/// A shipped script by file name (`policies.ron`) or stem (`policies`).
pub fn builtin(name: &str) -> Option<Loaded> {
    let (file, text) = BUILTIN
        .iter()
        .find(|(f, _)| *f == name || f.strip_suffix(".ron") == Some(name))?;
    load_str(text, &format!("demo/{file}"), None, None).ok()
}

/// Reads and checks a script file; a `File` scenario is read relative to the script.
pub fn load(path: &Path) -> Result<Loaded, Refusal> {
    let origin = path.display().to_string();
    let text = crate::scenario::read::read_text(path, "the script").map_err(|e| Refusal {
        messages: vec![format!("{origin}: {e}")],
    })?;
    load_str(&text, &origin, path.parent(), available_memory_bytes())
}

/// Parses and checks a script. `dir` is where `File` scenarios are looked for.
pub fn load_str(
    text: &str,
    origin: &str,
    dir: Option<&Path>,
    available_bytes: Option<u64>,
) -> Result<Loaded, Refusal> {
    // A byte-order mark is dropped, as for scenarios (the offsets below are into `text`);
    // `Hmc("...")` steps become the actions they mean, on the same lines.
    let text = crate::scenario::read::strip_bom(text);
    let text = &*crate::scenario::translate_hmc(text, origin)?;
    // Optional fields are written plainly (`caption: "..."`, not `caption: Some("...")`).
    let script: Script = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .map_err(|e: ron::error::SpannedError| Refusal {
            messages: vec![tidy_message(&format!(
                "{origin}:{}:{}: {}",
                e.span.start.line, e.span.start.col, e.code
            ))],
        })?;
    let scenario = match &script.scenario {
        ScenarioSource::Inline(s) => {
            // Check it with the scenario checks, on its own text, then point the messages
            // back into the script.
            let problems = s.problems(available_bytes);
            if !problems.is_empty() {
                let at = inline_span(text);
                let messages = match at {
                    Some((start, end)) => {
                        let (line0, col0) = line_col(text, start);
                        match Scenario::load_str(&text[start..end], "\u{0}", available_bytes) {
                            Err(r) => r
                                .messages
                                .iter()
                                .map(|m| shift(m, origin, line0, col0))
                                .collect(),
                            Ok(_) => vec![format!("{origin}: the scenario is refused")],
                        }
                    }
                    None => problems
                        .iter()
                        .map(|p| format!("{origin}: {}", p.message))
                        .collect(),
                };
                return Err(Refusal { messages });
            }
            (**s).clone()
        }
        ScenarioSource::File(p) => {
            // A built-in script names a shipped scenario: the binary carries it.
            let embedded = p.file_name().and_then(|n| {
                crate::scenario::EMBEDDED
                    .iter()
                    .find(|(f, _)| std::ffi::OsStr::new(f) == n)
            });
            if let (None, Some((file, text))) = (dir, embedded) {
                Scenario::load_str(text, &format!("assets/scenarios/{file}"), available_bytes)?
            } else {
                let path = match dir {
                    Some(d) if p.is_relative() => d.join(p),
                    _ => p.clone(),
                };
                if dir.is_none() && p.is_relative() && !path.exists() {
                    return Err(Refusal {
                        messages: vec![format!(
                            "{origin}: scenario {} cannot be found relative to a built-in script",
                            p.display()
                        )],
                    });
                }
                if let Err(e) = std::fs::metadata(&path) {
                    // Said at the script, which names the file: the scenario has no place to point.
                    return Err(Refusal {
                        messages: vec![format!(
                            "{origin}: scenario {} cannot be read: {e}",
                            p.display()
                        )],
                    });
                }
                Scenario::load(&path)?
            }
        }
    };
    let problems = script.problems(&scenario);
    if !problems.is_empty() {
        let steps = step_offsets(text);
        return Err(Refusal {
            messages: problems
                .into_iter()
                .map(|(i, m)| match i.and_then(|i| steps.get(i)) {
                    Some(&at) => {
                        let (l, c) = line_col(text, at);
                        format!("{origin}:{l}:{c}: {m}")
                    }
                    None => format!("{origin}: {m}"),
                })
                .map(|m| tidy_message(&m))
                .collect(),
        });
    }
    Ok(Loaded {
        script,
        scenario,
        origin: origin.to_string(),
    })
}

impl Script {
    /// Problems with the steps, each with the index of its step.
    pub fn problems(&self, scenario: &Scenario) -> Vec<(Option<usize>, String)> {
        let mut out = Vec::new();
        if self.title.trim().is_empty() {
            out.push((None, "the script needs a title".to_string()));
        } else if self.title.chars().any(char::is_control) {
            // The title is the dashboard's header and the recording's: an escape or a bell in
            // it would reach the terminal that plays the recording.
            out.push((
                None,
                format!(
                    "the title {:?} must be without control characters",
                    self.title
                ),
            ));
        }
        if !(self.time_scale.is_finite() && self.time_scale > 0.0 && self.time_scale <= 1000.0) {
            out.push((
                None,
                format!(
                    "time_scale must be above 0 and at most 1000, not {}",
                    self.time_scale
                ),
            ));
        }
        if !(self.key_hold_s.is_finite() && self.key_hold_s >= 0.0 && self.key_hold_s <= 600.0) {
            out.push((
                None,
                format!(
                    "key_hold_s must be between 0 and 600, not {}",
                    self.key_hold_s
                ),
            ));
        }
        if self.steps.is_empty() {
            out.push((None, "the script needs at least one step".to_string()));
        }
        let partition_known = |name: &str| {
            let (sys, part) = match name.split_once('/') {
                Some((s, p)) => (Some(s), p),
                None => (None, name),
            };
            scenario
                .partitions
                .iter()
                .any(|p| p.name == part && sys.is_none_or(|s| s == p.system))
        };
        let system_known = |name: &str| scenario.systems.iter().any(|s| s.name == name);
        let partitions = || {
            scenario
                .partitions
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (i, s) in self.steps.iter().enumerate() {
            let at = Some(i);
            let n = i + 1;
            match &s.when {
                Trigger::At(t) | Trigger::After(t) if !(t.is_finite() && *t >= 0.0) => {
                    out.push((at, format!("step {n}: a time must be 0 or more, not {t}")))
                }
                Trigger::At(t) | Trigger::After(t) if *t > MAX_AT_S => out.push((
                    at,
                    format!("step {n}: {t} s is later than a day ({MAX_AT_S} s)"),
                )),
                Trigger::Round { round: 0, .. } => {
                    out.push((at, format!("step {n}: rounds count from 1")))
                }
                _ => {}
            }
            if let Some(p) = s.when.partition()
                && !partition_known(p)
            {
                out.push((
                    at,
                    format!(
                        "step {n}: unknown partition {p:?} (the partitions are {})",
                        partitions()
                    ),
                ));
            }
            if let Some(a) = &s.action {
                for m in a.problems() {
                    out.push((at, format!("step {n}: {m}")));
                }
                for (_, m) in scenario.action_limits(a) {
                    out.push((at, format!("step {n}: {m}")));
                }
                if let Some(p) = a.partition()
                    && !partition_known(p)
                {
                    out.push((
                        at,
                        format!(
                            "step {n}: unknown partition {p:?} (the partitions are {})",
                            partitions()
                        ),
                    ));
                }
                for sys in a.systems() {
                    if !system_known(sys) {
                        out.push((at, format!("step {n}: unknown system {sys:?}")));
                    }
                }
            }
            if let Some(x) = s.scale
                && !(x.is_finite() && x > 0.0 && x <= 1000.0)
            {
                out.push((
                    at,
                    format!("step {n}: scale must be above 0 and at most 1000, not {x}"),
                ));
            }
            if s.caption.as_deref().is_some_and(|c| c.trim().is_empty()) {
                out.push((at, format!("step {n}: an empty caption (leave it out)")));
            } else if let Some(c) = &s.caption
                && c.chars().any(|c| c.is_control() && c != '\n')
            {
                // A line break is how a caption asks for a second line; nothing else of the
                // kind belongs on a banner.
                out.push((
                    at,
                    format!("step {n}: the caption {c:?} must be without control characters"),
                ));
            }
        }
        out
    }
}

/// Rewrites a scenario message of the inline text (`\0:line:col: m`) to the script's place.
fn shift(m: &str, origin: &str, line0: usize, col0: usize) -> String {
    let Some(rest) = m.strip_prefix('\u{0}') else {
        return m.to_string();
    };
    let mut parts = rest.splitn(4, ':');
    let _ = parts.next();
    let (l, c, msg) = (parts.next(), parts.next(), parts.next());
    match (
        l.and_then(|l| l.parse::<usize>().ok()),
        c.and_then(|c| c.parse::<usize>().ok()),
        msg,
    ) {
        (Some(l), Some(c), Some(msg)) => {
            let col = if l == 1 { c + col0 - 1 } else { c };
            format!("{origin}:{}:{col}:{msg}", l + line0 - 1)
        }
        _ => format!("{origin}{}", rest),
    }
}

/// The text with comments and string contents blanked (same length, same line breaks), so
/// that a scan for keys and brackets is not fooled by them.
fn blank(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    out[i] = b' ';
                    i += 1;
                }
                if out[i] != b'\n' {
                    out[i] = b' ';
                }
                i += 1;
            }
            i += 1;
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                if b[i] != b'\n' {
                    out[i] = b' ';
                }
                i += 1;
            }
            for c in &mut out[i..(i + 2).min(b.len())] {
                *c = b' ';
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

/// Offsets of `key:` (a whole identifier) in `b[from..]`.
fn find_keys(b: &[u8], key: &str, from: usize) -> Vec<usize> {
    let k = key.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i + k.len() <= b.len() {
        if &b[i..i + k.len()] == k
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let mut j = i + k.len();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if b.get(j) == Some(&b':') {
                out.push(i);
            }
        }
        i += 1;
    }
    out
}

/// Where each step starts (its `when:` key), in order.
fn step_offsets(text: &str) -> Vec<usize> {
    let b = blank(text);
    let Some(&steps) = find_keys(&b, "steps", 0).first() else {
        return Vec::new();
    };
    find_keys(&b, "when", steps)
}

/// The inline scenario's text: from `Scenario(` after `Inline(` to its closing bracket.
fn inline_span(text: &str) -> Option<(usize, usize)> {
    let b = blank(text);
    let key = *find_keys(&b, "scenario", 0).first()?;
    let inline = key + find_sub(&b[key..], b"Inline")?;
    let open = inline + find_sub(&b[inline..], b"(")? + 1;
    let start = open + b[open..].iter().position(|c| !c.is_ascii_whitespace())?;
    let mut depth = 0i32;
    for (i, &c) in b.iter().enumerate().skip(start) {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((start, i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

fn find_sub(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_script_loads() {
        for (file, text) in BUILTIN {
            if let Err(r) = load_str(text, file, None, None) {
                panic!("{file}: {r}");
            }
        }
    }

    #[test]
    fn a_syntax_error_has_line_and_column() {
        let text =
            "Demo(\n  title: \"x\",\n  scenario: File(\"a.ron\"),\n  steps: [ (when: Soon) ],\n)";
        let e = load_str(text, "bad.ron", None, None).unwrap_err();
        assert!(e.messages[0].starts_with("bad.ron:4:"), "{e}");
    }

    #[test]
    fn a_bad_step_is_placed_at_its_line() {
        let (_, good) = BUILTIN[0];
        let text = good.replacen("when: Key", "when: Completed(\"nobody\")", 1);
        let e = load_str(&text, "x.ron", None, None).unwrap_err();
        let line = text.lines().position(|l| l.contains("\"nobody\"")).unwrap() + 1;
        assert!(
            e.messages
                .iter()
                .any(|m| m.starts_with(&format!("x.ron:{line}:")) && m.contains("nobody")),
            "{e}"
        );
    }

    #[test]
    fn an_inline_scenario_problem_points_into_the_script() {
        let (_, good) = BUILTIN[0];
        let text = good.replacen("bandwidth_gbps: ", "bandwidth_gbps: -", 1);
        let e = load_str(&text, "x.ron", None, None).unwrap_err();
        let line = text
            .lines()
            .position(|l| l.contains("bandwidth_gbps: -"))
            .unwrap()
            + 1;
        assert!(
            e.messages[0].starts_with(&format!("x.ron:{line}:")),
            "{e} (expected line {line})"
        );
    }
}
