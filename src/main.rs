//! The `lpm` command line: the dashboard, headless runs and plan checks.
//!
//! Exit status (DOMAIN.md section 5): 0 when the command finished, 2 when the scenario was
//! refused (messages on standard error), 1 for any other error, including a plan that
//! `lpm check` finds invalid and a mistyped command line.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use lpm::Scenario;
use lpm::engine::snapshot::{MoveView, Snapshot};
use lpm::engine::{Engine, MoveId, Phase};
use lpm::report::{self, Summary, Tally, drive};

#[derive(Debug, Parser)]
#[command(
    name = "lpm",
    version,
    about = "A console for IBM PowerVM Live Partition Mobility: an estate of simulated POWER \
             frames (2 to 64) and a page-level pre-copy migration engine",
    long_about = None,
    args_conflicts_with_subcommands = true,
    after_help = "With no command, opens the dashboard on SCENARIO (or on the built-in \
                  scenario).\nExit status: 0 finished, 2 scenario refused, 1 any other error."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A scenario file (RON) to open in the dashboard.
    scenario: Option<PathBuf>,
    /// Start the dashboard at this time scale (simulated seconds per second; 1 when left out).
    #[arg(long, value_name = "X", value_parser = parse_speed)]
    speed: Option<f64>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Open the dashboard (the default command).
    Tui {
        /// A scenario file (RON); the built-in scenario when left out.
        scenario: Option<PathBuf>,
        /// Start at this time scale (simulated seconds per second; 1 when left out).
        #[arg(long, value_name = "X", value_parser = parse_speed)]
        speed: Option<f64>,
    },
    /// Run a scenario's script to the end without the dashboard.
    Run {
        /// A scenario file (RON).
        scenario: PathBuf,
        /// Print JSON Lines (one event per line, last line `summary`) instead of text.
        #[arg(long)]
        json: bool,
        /// Stop at this simulated time, in seconds, even if moves are still in flight.
        #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
        until: Option<f64>,
        /// Use this random seed instead of the scenario's.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Also draw, per move, pages sent per round and dirty vs transfer rate, as SVG.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// Exit with status 3 when the run lost data: a partition lost in the pull phase, or a
        /// move whose memory did not verify.
        #[arg(long)]
        fail_on_loss: bool,
    },
    /// Move one partition once per point of a grid of parameters, and tabulate the results
    /// beside the analytic model's.
    Sweep {
        /// A scenario file (RON): its world, link and policy are the starting point.
        scenario: PathBuf,
        /// The partition to move (`name` or `frame/name`).
        #[arg(long, value_name = "NAME")]
        partition: String,
        /// The frame to move it to (the only other frame when left out).
        #[arg(long, value_name = "FRAME")]
        to: Option<String>,
        /// PARAM=FROM..TO[:STEPS] (5 steps when left out), PARAM=A,B,C or PARAM=VALUE; may be
        /// repeated for a grid (the last varies fastest). PARAM: writes_mib_s, hot_percent,
        /// hot_share, region_percent, memory_gib, bandwidth_gbps, latency_ms, page_size_kib,
        /// threshold, downtime_limit_ms, max_rounds, max_sent_factor.
        #[arg(long, value_name = "PARAM=RANGE", required = true, value_parser = lpm::lab::sweep::Vary::parse)]
        vary: Vec<lpm::lab::sweep::Vary>,
        /// Replace the scenario's rules with a platform's: lpm, qemu, qemu-ac, xen.
        #[arg(long, value_name = "NAME", value_parser = lpm::lab::Preset::parse)]
        policy: Option<lpm::lab::Preset>,
        /// Also write the results as CSV to FILE.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Print JSON Lines (one object per point) instead of the table.
        #[arg(long)]
        json: bool,
        /// Also draw total time, downtime, data sent and rounds against the first parameter.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// Threads to run points on (one per core when left out); the output is the same.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
        threads: Option<u32>,
        /// Use this random seed instead of the scenario's.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
    },
    /// Move one partition under PowerVM's, QEMU's (with and without auto-converge) and Xen's
    /// rules, side by side.
    Compare {
        /// A scenario file (RON).
        scenario: PathBuf,
        /// The partition to move (`name` or `frame/name`).
        #[arg(long, value_name = "NAME")]
        partition: String,
        /// The frame to move it to (the only other frame when left out).
        #[arg(long, value_name = "FRAME")]
        to: Option<String>,
        /// Print JSON Lines (one object per platform) instead of the table.
        #[arg(long)]
        json: bool,
        /// Threads to run the platforms on (one per core when left out).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
        threads: Option<u32>,
        /// Use this random seed instead of the scenario's.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
    },
    /// Load a scenario and validate every scripted move, as `migrlpar -o v` does.
    Check {
        /// A scenario file (RON).
        scenario: PathBuf,
    },
    /// Show what the balancer and consolidation would do at a moment of the scenario, with the
    /// model's cost of every move, without making any of them.
    Plan {
        /// A scenario file (RON).
        scenario: PathBuf,
        /// The moment, in simulated seconds: the script's actions up to it run first.
        #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, default_value_t = 0.0)]
        at: f64,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Play a presenter script on the dashboard, or record it (`--record FILE.cast`).
    Demo(DemoArgs),
    /// HMC commands (migrlpar, lslparmigr, lssyscfg, lshwres, chsysstate) over the estate:
    /// a shell on a terminal, else one command per line of standard input.
    Hmc {
        /// A scenario file (RON); the built-in scenario when left out.
        scenario: Option<PathBuf>,
        /// Run this command and exit (repeatable; the status is the last command's).
        #[arg(short = 'c', value_name = "COMMAND")]
        command: Vec<String>,
    },
}

/// `lpm demo`'s command line.
#[derive(Debug, Clone, clap::Args)]
struct DemoArgs {
    /// A presenter script (RON); the built-in planned-maintenance demonstration when left out.
    /// The shipped scripts also load by name: planned-maintenance, convergence, policies,
    /// evacuation, consolidation.
    script: Option<PathBuf>,
    /// Render the demonstration into this asciicast v2 file instead of playing it on the
    /// terminal (no terminal needed).
    #[arg(long, value_name = "FILE.cast")]
    record: Option<PathBuf>,
    /// The recording's terminal size, COLSxROWS.
    #[arg(long, value_name = "COLSxROWS", default_value = "120x36", value_parser = parse_size)]
    size: (u16, u16),
    /// Colours: color, mono or high-contrast (for projectors). Default: color, or mono
    /// when NO_COLOR is set.
    #[arg(long, value_name = "NAME", value_parser = parse_theme)]
    theme: Option<String>,
    /// Hide the log pane (a cleaner stage; `o` shows it again).
    #[arg(long)]
    no_log: bool,
}

fn parse_size(s: &str) -> Result<(u16, u16), String> {
    let shown = lpm::scenario::tidy_message(&format!("{s:?}"));
    let bad = || format!("{shown} is not a size like 120x36");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    // Parsed wide, so that a size too large is told as such (100000x100000 was "not a size").
    let dim = |d: &str| -> Result<u64, String> {
        let d = d.trim();
        if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) {
            Ok(d.parse::<u64>().unwrap_or(u64::MAX))
        } else {
            Err(bad())
        }
    };
    let (w, h) = (dim(w)?, dim(h)?);
    if !(80..=400).contains(&w) || !(24..=200).contains(&h) {
        return Err(format!("{w}x{h}: the dashboard needs 80x24 to 400x200"));
    }
    let (w, h) = (w as u16, h as u16);
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

fn parse_seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(format!("{s} is not a number of seconds 0 or more"))
    }
}

/// How a command failed.
enum Failure {
    /// The scenario was refused: exit 2.
    Refused(Vec<String>),
    /// Anything else: exit 1.
    Other(String),
    /// Standard output's reader went away (`| head`): exit 1 without a message.
    Quiet,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version "fail" to stdout and are a success; a usage error is an
            // error other than a refused scenario.
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // With standard output closed (`>&-`), Rust's stdout swallows every write and the run
    // would exit 0 having written nothing; worse, the next file opened would take its number.
    // Checked before anything is opened.
    if !stdout_open() {
        say("lpm: standard output is closed: nothing could be written");
        return ExitCode::from(1);
    }
    let result = match cli.command {
        Some(Command::Run {
            scenario,
            json,
            until,
            seed,
            svg,
            fail_on_loss,
        }) => run(&scenario, json, until, seed, svg.as_deref(), fail_on_loss),
        Some(Command::Sweep {
            scenario,
            partition,
            to,
            vary,
            policy,
            csv,
            json,
            svg,
            threads,
            seed,
        }) => sweep(SweepArgs {
            path: &scenario,
            partition: &partition,
            to: to.as_deref(),
            vary,
            policy,
            csv: csv.as_deref(),
            json,
            svg: svg.as_deref(),
            threads: threads.map(|t| t as usize),
            seed,
        }),
        Some(Command::Compare {
            scenario,
            partition,
            to,
            json,
            threads,
            seed,
        }) => compare(
            &scenario,
            &partition,
            to.as_deref(),
            json,
            threads.map(|t| t as usize),
            seed,
        ),
        Some(Command::Check { scenario }) => check(&scenario),
        Some(Command::Plan { scenario, at, json }) => plan(&scenario, at, json),
        Some(Command::Tui { scenario, speed }) => dashboard(scenario.as_deref(), speed),
        Some(Command::Demo(args)) => demo(&args),
        Some(Command::Hmc { scenario, command }) => hmc(scenario.as_deref(), &command),
        None => dashboard(cli.scenario.as_deref(), cli.speed),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Refused(messages)) => {
            for m in messages {
                say(&m);
            }
            say("lpm: scenario refused");
            ExitCode::from(2)
        }
        Err(Failure::Other(m)) => {
            say(&format!("lpm: {m}"));
            ExitCode::from(1)
        }
        // The reader went away: it wants nothing more, not even a message.
        Err(Failure::Quiet) => ExitCode::from(1),
    }
}

/// A line on standard error. `eprintln!` panics when standard error fails (a closed pipe);
/// a message that cannot be shown is dropped instead.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Whether standard output is open. Rust's runtime opens /dev/null read-write on a standard
/// descriptor it finds closed (`>&-`), so that is what a closed one looks like here; a shell's
/// `>/dev/null` opens it write-only and is kept.
#[cfg(unix)]
fn stdout_open() -> bool {
    // SAFETY: fcntl and fstat only read the descriptor's flags and status into `st`.
    unsafe {
        let flags = libc::fcntl(1, libc::F_GETFL);
        if flags == -1 {
            return false;
        }
        if flags & libc::O_ACCMODE != libc::O_RDWR {
            return true;
        }
        let mut st: libc::stat = std::mem::zeroed();
        let mut null: libc::stat = std::mem::zeroed();
        libc::fstat(1, &mut st) != 0
            || libc::stat(c"/dev/null".as_ptr(), &mut null) != 0
            || (st.st_mode & libc::S_IFMT) != libc::S_IFCHR
            || st.st_rdev != null.st_rdev
    }
}

#[cfg(not(unix))]
fn stdout_open() -> bool {
    true
}

fn load(path: &Path) -> Result<Scenario, Failure> {
    Scenario::load(path).map_err(|r| Failure::Refused(r.messages))
}

fn dashboard(path: Option<&Path>, speed: Option<f64>) -> Result<ExitCode, Failure> {
    let scenario = match path {
        Some(p) => load(p)?,
        None => Scenario::builtin(),
    };
    if !std::io::stdout().is_terminal() {
        return Err(Failure::Other(
            "the dashboard needs a terminal and standard output is not one; \
             use `lpm run SCENARIO` (or `lpm run SCENARIO --json`) for a headless run"
                .into(),
        ));
    }
    open_dashboard(
        scenario,
        path.map(|p| p.display().to_string()),
        speed.unwrap_or(1.0),
    )
}

/// `lpm hmc`: exits with the last HMC command's status.
fn hmc(path: Option<&Path>, commands: &[String]) -> Result<ExitCode, Failure> {
    let (scenario, title) = match path {
        Some(p) => {
            let s = load(p)?;
            let title = format!("\"{}\" ({})", s.name, p.display());
            (s, title)
        }
        None => {
            let s = Scenario::builtin();
            let title = format!("\"{}\" (the built-in scenario)", s.name);
            (s, title)
        }
    };
    let mut session = lpm::hmc::Session::new(&scenario).map_err(|m| Failure::Refused(vec![m]))?;
    let status = lpm::hmc::run::entry(&mut session, commands, &title).map_err(Failure::Other)?;
    Ok(ExitCode::from(status.clamp(0, 255) as u8))
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('x').parse::<f64>() {
        Ok(v) if v.is_finite() && (0.1..=200.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a time scale from 0.1 to 200")),
    }
}

#[cfg(feature = "tui")]
fn open_dashboard(
    scenario: Scenario,
    origin: Option<String>,
    speed: f64,
) -> Result<ExitCode, Failure> {
    lpm::tui::run_at(scenario, lpm::tui::TuiOptions { origin }, speed)
        .map(|()| ExitCode::SUCCESS)
        .map_err(|e| Failure::Other(format!("{e:#}")))
}

#[cfg(not(feature = "tui"))]
fn open_dashboard(
    _scenario: Scenario,
    _origin: Option<String>,
    _speed: f64,
) -> Result<ExitCode, Failure> {
    Err(Failure::Other(
        "this lpm was built without the dashboard (feature `tui`); use `lpm run SCENARIO`".into(),
    ))
}

/// `lpm demo`: play the script on the terminal, or record it.
fn demo(args: &DemoArgs) -> Result<ExitCode, Failure> {
    let loaded = lpm::presenter::load_arg(args.script.as_deref())
        .map_err(|r| Failure::Refused(r.messages))?;
    present(&loaded, args)
}

#[cfg(feature = "tui")]
fn present(loaded: &lpm::presenter::Loaded, args: &DemoArgs) -> Result<ExitCode, Failure> {
    use lpm::tui::{Theme, record};
    let theme = match &args.theme {
        Some(n) => Theme::named(n).unwrap_or_else(Theme::colored),
        None => Theme::from_env(),
    };
    if let Some(out) = &args.record {
        let (w, h) = args.size;
        let stats = record::record_file(loaded, out, w, h, theme, !args.no_log)
            .map_err(|e| Failure::Other(format!("{}: {e}", out.display())))?;
        say(&format!(
            "{}: {} frames, {:.1} s, {} bytes ({} simulated seconds)",
            out.display(),
            stats.frames,
            stats.duration_s,
            stats.bytes,
            stats.simulated_s.round()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if !std::io::stdout().is_terminal() {
        return Err(Failure::Other(
            "standard output is not a terminal: `lpm demo SCRIPT --record FILE.cast` records \
             a demonstration without one"
                .into(),
        ));
    }
    lpm::tui::present(loaded, theme, !args.no_log)
        .map(|()| ExitCode::SUCCESS)
        .map_err(|e| Failure::Other(format!("{e:#}")))
}

#[cfg(not(feature = "tui"))]
fn present(_loaded: &lpm::presenter::Loaded, _args: &DemoArgs) -> Result<ExitCode, Failure> {
    Err(Failure::Other(
        "this lpm was built without the dashboard (feature `tui`)".into(),
    ))
}

fn check(path: &Path) -> Result<ExitCode, Failure> {
    let scenario = load(path)?;
    let plan = report::plan::check(&scenario).map_err(|m| Failure::Refused(vec![m]))?;
    // `print!` panics when standard output fails.
    print_out(&plan.text(&scenario))?;
    Ok(if plan.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `lpm plan`: the policies' advice at a moment (report::advice).
fn plan(path: &Path, at: f64, json: bool) -> Result<ExitCode, Failure> {
    let scenario = load(path)?;
    let advice = report::advice::plan(&scenario, at).map_err(Failure::Other)?;
    print_out(&if json { advice.json() } else { advice.text() })
}

struct SweepArgs<'a> {
    path: &'a Path,
    partition: &'a str,
    to: Option<&'a str>,
    vary: Vec<lpm::lab::sweep::Vary>,
    policy: Option<lpm::lab::Preset>,
    csv: Option<&'a Path>,
    json: bool,
    svg: Option<&'a Path>,
    threads: Option<usize>,
    seed: Option<u64>,
}

fn sweep(a: SweepArgs) -> Result<ExitCode, Failure> {
    let mut scenario = load(a.path)?;
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    let subject = lpm::lab::Subject::find(&scenario, a.partition, a.to).map_err(Failure::Other)?;
    let plan = lpm::lab::sweep::Plan {
        scenario,
        subject,
        vary: a.vary,
        preset: a.policy,
    };
    let result = plan.run(a.threads).map_err(Failure::Other)?;
    if let Some(file) = a.csv {
        write_file(file, &result.csv())?;
    }
    if let Some(file) = a.svg {
        write_file(file, &result.figure().to_svg())?;
    }
    let text = if a.json {
        result.json_lines()
    } else {
        result.text()
    };
    print_out(&text)
}

fn compare(
    path: &Path,
    partition: &str,
    to: Option<&str>,
    json: bool,
    threads: Option<usize>,
    seed: Option<u64>,
) -> Result<ExitCode, Failure> {
    let mut scenario = load(path)?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    let subject = lpm::lab::Subject::find(&scenario, partition, to).map_err(Failure::Other)?;
    let entries = lpm::lab::compare::run(&scenario, &subject, threads);
    let text = if json {
        lpm::lab::compare::json_lines(&entries)
    } else {
        let p = &scenario.partitions[subject.partition];
        let title = format!(
            "{}: {} ({} -> {}), {} GiB ({})",
            scenario.name,
            p.name,
            p.system,
            subject.to,
            lpm::units::num(p.memory_gib),
            path.display()
        );
        lpm::lab::compare::text(&title, &entries)
    };
    print_out(&text)
}

fn write_file(file: &Path, body: &str) -> Result<(), Failure> {
    std::fs::write(file, body)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", file.display())))
}

fn print_out(text: &str) -> Result<ExitCode, Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => write_failure(e),
    }
}

fn run(
    path: &Path,
    json: bool,
    until: Option<f64>,
    seed: Option<u64>,
    svg: Option<&Path>,
    fail_on_loss: bool,
) -> Result<ExitCode, Failure> {
    let mut scenario = load(path)?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    let mut engine = Engine::new(&scenario)
        .map_err(|m| Failure::Refused(vec![format!("{}: {m}", path.display())]))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut tally = Tally::default();
    // Shared by both callbacks: events print through it, so that lines on a terminal shared
    // by stdout and stderr never start in the middle of the bars.
    let progress = std::cell::RefCell::new(
        std::io::stderr()
            .is_terminal()
            .then(|| Progress::new(until, std::io::stdout().is_terminal())),
    );
    // Lines of the current slice; without bars they go out at the end of each slice, as
    // before.
    let mut lines: Vec<u8> = Vec::new();
    if !json {
        let _ = writeln!(out, "{} ({})", scenario.name, path.display());
    }
    let page_kib = engine.page_size_kib();
    let mut unfinishable = Unfinishable::default();
    let result = drive::run(
        &mut engine,
        until,
        |events| {
            for e in events {
                tally.observe(e);
                // Writing to a Vec cannot fail.
                if json {
                    let _ = writeln!(lines, "{}", report::json_line(e));
                } else {
                    let _ = writeln!(lines, "{}", report::text_line(e, page_kib));
                }
            }
            match progress.borrow_mut().as_mut() {
                Some(p) => p.print(&mut out, &mut lines, false),
                None => write_lines(&mut out, &mut lines),
            }
        },
        |engine| {
            let mut progress = progress.borrow_mut();
            for line in unfinishable.check(engine) {
                match progress.as_mut() {
                    Some(p) => p.multi.suspend(|| say(&line)),
                    None => say(&line),
                }
            }
            if let Some(p) = progress.as_mut() {
                p.update(engine);
            }
        },
    );
    let result = result.and_then(|t| {
        match progress.borrow_mut().as_mut() {
            Some(p) => p.print(&mut out, &mut lines, true),
            None => write_lines(&mut out, &mut lines),
        }
        .map(|()| t)
    });
    if let Some(p) = progress.borrow_mut().as_mut() {
        p.finish();
    }
    let end = match result {
        Ok(t) => t,
        Err(e) => return write_failure(e),
    };
    let in_flight = drive::in_flight(&engine);
    if let Some(file) = svg {
        write_file(
            file,
            &report::run_plot::figure(&engine, &path.display().to_string()).to_svg(),
        )?;
    }
    let written = if json {
        writeln!(
            out,
            "{}",
            report::summary_json(&Summary::new(end, &tally, in_flight.len()).with_energy(&engine))
        )
    } else {
        write!(out, "{}", report::text_summary(end, &tally, &in_flight)).and_then(|()| {
            if engine.energy_in_use() {
                write!(out, "{}", report::energy_table(&engine.energy_report(end)))
            } else {
                Ok(())
            }
        })
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) if fail_on_loss && lost_data(&tally) => Ok(ExitCode::from(LOSS_STATUS)),
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => write_failure(e),
    }
}

/// `lpm run --fail-on-loss`'s status when the run lost data.
const LOSS_STATUS: u8 = 3;

/// Data lost: a partition lost in the pull phase, or a move whose memory did not verify.
fn lost_data(tally: &Tally) -> bool {
    !tally.lost.is_empty() || tally.completed.iter().any(|c| !c.verified)
}

/// Says, once per move, when the analytic model made at its start expects it to take longer
/// than a day of simulated time (or never to end): the run would otherwise go on with a
/// progress bar at 0% and no word of why.
#[derive(Default)]
struct Unfinishable {
    told: std::collections::HashSet<MoveId>,
}

impl Unfinishable {
    fn check(&mut self, engine: &Engine) -> Vec<String> {
        let mut out = Vec::new();
        for m in engine.moves() {
            if !m.phase().in_flight() || self.told.contains(&m.id()) {
                continue;
            }
            let Some(f) = m.forecast() else { continue };
            if f.total_s.is_finite() && f.total_s <= lpm::scenario::MAX_AT_S {
                continue;
            }
            self.told.insert(m.id());
            let name = engine.partition(m.partition()).name();
            let how_long = if f.total_s.is_finite() {
                format!("{} of simulated time", lpm::units::secs(f.total_s))
            } else {
                "for ever".to_string()
            };
            out.push(format!(
                "lpm: the model expects {name}'s move to take {how_long}, more than a day: it \
                 may not finish (--until SECONDS ends the run)"
            ));
        }
        out
    }
}

/// A reader that went away (`lpm run ... | head`) ends the run quietly, but not as a success:
/// what was asked for was not all written. Other write errors are errors with a message.
fn write_failure(e: std::io::Error) -> Result<ExitCode, Failure> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Err(Failure::Quiet)
    } else {
        Err(Failure::Other(format!("cannot write the output: {e}")))
    }
}

/// The progress display of `lpm run` on standard error: an overall line (share of the known
/// work, simulated time, moves done and in flight), then a line per move in flight. indicatif
/// draws it: at most 20 times a second, fitted to the terminal's width, and only when standard
/// error is a terminal (`run` does not even build one otherwise, so that a piped run costs
/// nothing and cannot print a byte of it).
///
/// Each kind of line is a `ProgressBar` of the one `MultiProgress`, refreshed from the same
/// `Snapshot` in `update`; another kind (an evacuation's: moves of the frame done, left) is one
/// more field, inserted after `overall`, and one more refresh there.
struct Progress {
    multi: MultiProgress,
    overall: ProgressBar,
    /// A line per move in flight, by move id, in the order the moves started.
    moves: Vec<(MoveId, ProgressBar)>,
    until: Option<f64>,
    started: Instant,
    /// When the lines were last refreshed, and the moves' state then: a snapshot is taken at
    /// most ten times a second unless a move changed.
    refreshed: Option<Instant>,
    shape: Vec<(MoveId, Phase, u32)>,
    /// Standard output is a terminal too (most likely the same one): lines printed there go
    /// out between redraws (`print`), at most 20 times a second.
    shares_terminal: bool,
    printed: Option<Instant>,
}

/// Width of the name column, as in the summary table.
const NAME_W: usize = 10;

/// The kinds of line of the progress display.
#[derive(Clone, Copy)]
enum Line {
    Overall,
    Move,
}

impl Progress {
    fn new(until: Option<f64>, shares_terminal: bool) -> Progress {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let overall = multi.add(ProgressBar::new(1000).with_style(Self::style(Line::Overall)));
        overall.set_prefix("all moves");
        Progress {
            multi,
            overall,
            moves: Vec::new(),
            until,
            started: Instant::now(),
            refreshed: None,
            shape: Vec::new(),
            shares_terminal,
            printed: None,
        }
    }

    /// Name, a bar of per mille, then a message cut to the width left (`wide_msg`), so that a
    /// line never wraps, even at 80 columns (where the overall message has 48 columns, a
    /// move's 35). A move's share clean is the bar's own `{percent}`, so that the figure and
    /// the bar always agree (a draw can fall between `set_position` and `set_message`).
    fn style(line: Line) -> ProgressStyle {
        let shown = match line {
            Line::Overall => "{wide_msg}",
            Line::Move => "{percent:>3}% clean, {wide_msg}",
        };
        ProgressStyle::with_template(&format!("{{prefix:<{NAME_W}!}} [{{bar:18}}] {shown}"))
            .expect("a valid template")
            .progress_chars("#>-")
    }

    fn update(&mut self, engine: &Engine) {
        let now = Instant::now();
        // What the lines show of each move's state: a move that starts, ends or changes
        // phase or round is shown at once, whatever the time since the last refresh.
        let shape: Vec<(MoveId, Phase, u32)> = engine
            .moves()
            .iter()
            .filter(|m| m.phase().in_flight())
            .map(|m| (m.id(), m.phase(), m.round()))
            .collect();
        if shape == self.shape
            && self
                .refreshed
                .is_some_and(|l| now.duration_since(l) < Duration::from_millis(100))
        {
            return;
        }
        self.refreshed = Some(now);
        self.shape = shape;
        let snap = engine.snapshot();
        let fraction = match self.until {
            Some(u) if u > 0.0 => (engine.now() / u).min(1.0),
            _ => drive::fraction_done(engine),
        };
        self.overall
            .set_position((fraction * 1000.0).round() as u64);
        let failed = snap
            .moves
            .iter()
            .filter(|m| m.phase == Phase::Failed)
            .count();
        // What matters first comes first: at 80 columns the tail is cut.
        let mut msg = format!(
            "{:.1} s simulated, {} done, {} in flight",
            snap.t,
            snap.completed + snap.stopped + failed,
            snap.in_flight,
        );
        if snap.queued > 0 {
            msg += &format!(", {} queued", snap.queued);
        }
        msg += &format!(
            " ({:.0}%, {:.1} s)",
            fraction * 100.0,
            self.started.elapsed().as_secs_f64()
        );
        self.overall.set_message(msg);
        self.update_moves(&snap);
    }

    fn update_moves(&mut self, snap: &Snapshot) {
        let page_bytes = snap.page_size_kib as f64 * 1024.0;
        // Queued moves have nothing to show but their count (on the overall line).
        let live = |m: &MoveView| m.phase.in_flight() && m.phase != Phase::Queued;
        self.moves.retain(|(id, bar)| {
            let keep = snap.moves.iter().any(|m| m.id == *id && live(m));
            if !keep {
                // Its end is a line on standard output; the bar only goes.
                bar.finish_and_clear();
                self.multi.remove(bar);
            }
            keep
        });
        for m in snap.moves.iter().filter(|m| live(m)) {
            let bar = match self.moves.iter().find(|(id, _)| *id == m.id) {
                Some((_, bar)) => bar.clone(),
                None => {
                    let bar = self
                        .multi
                        .add(ProgressBar::new(1000).with_style(Self::style(Line::Move)));
                    bar.set_prefix(m.partition_name.clone());
                    self.moves.push((m.id, bar.clone()));
                    bar
                }
            };
            // Clean: on the target and current; it is what the switch-over rule measures, so
            // it fills in round 1, falls back as writes dirty pages, and ends at 100%.
            bar.set_position((m.clean_percent * 10.0).round() as u64);
            // No rate before the move's first sample: "0 B/s" would read as a stall.
            let rate = match m.transfer_rate_pages_s * page_bytes {
                r if r > 0.0 => format!(", {}/s", lpm::units::bytes(r)),
                _ => String::new(),
            };
            let mut msg = match m.phase {
                Phase::Configuring => "profile only (inactive move)".to_string(),
                Phase::PreCopy => format!("pre-copy round {}{rate}", m.round),
                Phase::Suspended => format!("suspended, {} pages left", m.remaining_pages),
                _ => format!("pulling on {}{rate}", m.to),
            };
            if let Some(s) = m.stalled_s {
                msg = format!("stalled {s:.1} s (path down), {msg}");
            }
            bar.set_message(msg);
        }
    }

    /// Writes `lines` to standard output. On a terminal shared with the bars, they are taken
    /// off the screen first and drawn again after (so that a line never starts in the middle
    /// of a bar), and not more than 20 times a second (a redraw per batch of events would
    /// flood the terminal in a fast run); until then the lines wait in `lines`, unless `now`.
    /// `drive::run` calls the events callback after every slice, events or not, so lines that
    /// wait go out at the first slice past the 50 ms.
    fn print(
        &mut self,
        out: &mut impl Write,
        lines: &mut Vec<u8>,
        now: bool,
    ) -> std::io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        if !self.shares_terminal {
            return write_lines(out, lines);
        }
        let t = Instant::now();
        if !now
            && self
                .printed
                .is_some_and(|p| t.duration_since(p) < Duration::from_millis(50))
        {
            return Ok(());
        }
        self.printed = Some(t);
        self.multi.suspend(|| write_lines(out, lines))
    }

    /// Takes every line off the screen: the run is over.
    fn finish(&mut self) {
        for (_, bar) in self.moves.drain(..) {
            bar.finish_and_clear();
        }
        self.overall.finish_and_clear();
        let _ = self.multi.clear();
    }
}

/// Writes and flushes `lines`, then empties them.
fn write_lines(out: &mut impl Write, lines: &mut Vec<u8>) -> std::io::Result<()> {
    out.write_all(lines)?;
    lines.clear();
    out.flush()
}
