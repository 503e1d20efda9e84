//! Presenter scripts: scripted, narrated, repeatable demonstrations (`lpm demo`).
//!
//! `script` reads the RON scripts (and holds the shipped ones, built into the binary) and
//! `timeline` plays their steps against an engine. Nothing here knows of terminals: the
//! session (`session::Driver::with_script`) plays a timeline, and the dashboard shows it live
//! or records it.

pub mod script;
pub mod timeline;

use std::path::Path;

use crate::scenario::Refusal;

pub use script::Loaded;
pub use timeline::Timeline;

/// Loads the script `lpm demo` was given: a file, else a shipped script's name, else the
/// built-in planned-maintenance script.
pub fn load_arg(path: Option<&Path>) -> Result<Loaded, Refusal> {
    match path {
        None => Ok(script::default_script()),
        Some(p) if !p.exists() => p.to_str().and_then(script::builtin).ok_or_else(|| Refusal {
            messages: vec![format!(
                "{}: no such script (the shipped ones are {})",
                p.display(),
                script::BUILTIN
                    .iter()
                    .map(|(f, _)| f.trim_end_matches(".ron"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
        }),
        Some(p) => script::load(p),
    }
}
