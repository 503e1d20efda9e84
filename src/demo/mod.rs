//! Presenter mode: scripted, narrated, repeatable demonstrations on the dashboard
//! (`lpm demo`), and recordings of them as asciicast v2 files without a terminal.
//!
//! `script` reads the RON scripts and `timeline` plays their steps against an engine; neither
//! knows of terminals. The dashboard (`tui::Driver::with_script`) plays a timeline live, and
//! `record` renders it headlessly.

pub mod script;
pub mod timeline;

#[cfg(feature = "tui")]
pub mod record;

use std::path::PathBuf;

pub use script::{Loaded, Script, Step, Trigger};
pub use timeline::{Fired, Timeline};

/// `lpm demo`'s command line.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// A presenter script (RON); the built-in planned-maintenance demonstration when left out.
    /// The shipped scripts also load by name: planned-maintenance, convergence, policies.
    pub script: Option<PathBuf>,
    /// Render the demonstration into this asciicast v2 file instead of playing it on the
    /// terminal (no terminal needed).
    #[arg(long, value_name = "FILE.cast")]
    pub record: Option<PathBuf>,
    /// The recording's terminal size, COLSxROWS.
    #[arg(long, value_name = "COLSxROWS", default_value = "120x36", value_parser = parse_size)]
    pub size: (u16, u16),
    /// Colours: color, mono or high-contrast (for projectors). Default: color, or mono
    /// when NO_COLOR is set.
    #[arg(long, value_name = "NAME", value_parser = parse_theme)]
    pub theme: Option<String>,
    /// Hide the log pane (a cleaner stage; `o` shows it again).
    #[arg(long)]
    pub no_log: bool,
}

fn parse_size(s: &str) -> Result<(u16, u16), String> {
    let bad = || format!("{s:?} is not a size like 120x36");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u16 = w.trim().parse().map_err(|_| bad())?;
    let h: u16 = h.trim().parse().map_err(|_| bad())?;
    if !(80..=400).contains(&w) || !(24..=200).contains(&h) {
        return Err(format!("{w}x{h}: the dashboard needs 80x24 to 400x200"));
    }
    Ok((w, h))
}

fn parse_theme(s: &str) -> Result<String, String> {
    const NAMES: [&str; 3] = ["color", "mono", "high-contrast"];
    if NAMES.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "unknown theme {s:?} (the themes are {})",
            NAMES.join(", ")
        ))
    }
}

/// How `lpm demo` failed.
#[derive(Debug)]
pub enum DemoError {
    /// The script (or its scenario) was refused: every message.
    Refused(Vec<String>),
    Other(String),
}

/// Loads the script `lpm demo` was given: a file, else a shipped script's name, else the
/// built-in planned-maintenance script.
pub fn load_arg(path: Option<&std::path::Path>) -> Result<Loaded, DemoError> {
    match path {
        None => Ok(script::default_script()),
        Some(p) if !p.exists() => p.to_str().and_then(script::builtin).ok_or_else(|| {
            DemoError::Refused(vec![format!(
                "{}: no such script (the shipped ones are {})",
                p.display(),
                script::BUILTIN
                    .iter()
                    .map(|(f, _)| f.trim_end_matches(".ron"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )])
        }),
        Some(p) => script::load(p).map_err(|r| DemoError::Refused(r.messages)),
    }
}

/// `lpm demo`: play the script on the terminal, or record it.
pub fn run(args: &DemoArgs) -> Result<(), DemoError> {
    let loaded = load_arg(args.script.as_deref())?;
    play_or_record(&loaded, args)
}

#[cfg(feature = "tui")]
fn play_or_record(loaded: &Loaded, args: &DemoArgs) -> Result<(), DemoError> {
    use crate::tui::{Driver, Theme};
    let theme = match &args.theme {
        Some(n) => Theme::named(n).unwrap_or_else(Theme::colored),
        None => Theme::from_env(),
    };
    if let Some(out) = &args.record {
        let (w, h) = args.size;
        let stats = record::record_file(loaded, out, w, h, theme, !args.no_log)
            .map_err(|e| DemoError::Other(format!("{}: {e}", out.display())))?;
        eprintln!(
            "{}: {} frames, {:.1} s, {} bytes ({} simulated seconds)",
            out.display(),
            stats.frames,
            stats.duration_s,
            stats.bytes,
            stats.simulated_s.round()
        );
        return Ok(());
    }
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return Err(DemoError::Other(
            "standard output is not a terminal: `lpm demo SCRIPT --record FILE.cast` records \
             a demonstration without one"
                .into(),
        ));
    }
    let driver = Driver::with_script(loaded, false).map_err(DemoError::Other)?;
    let show_log = !args.no_log;
    crate::tui::runtime::run_driver(driver, Some(loaded.origin.clone()), theme, 1.0, |app| {
        app.show_log = show_log;
    })
    .map_err(|e| DemoError::Other(format!("{e:#}")))
}

#[cfg(not(feature = "tui"))]
fn play_or_record(_loaded: &Loaded, _args: &DemoArgs) -> Result<(), DemoError> {
    Err(DemoError::Other(
        "this lpm was built without the dashboard (feature `tui`)".into(),
    ))
}
