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

use lpm::engine::Engine;
use lpm::report::{self, Summary, Tally, drive};
use lpm::scenario::Scenario;

#[derive(Debug, Parser)]
#[command(
    name = "lpm",
    version,
    about = "A console for IBM PowerVM Live Partition Mobility: two simulated POWER frames and a \
             page-level pre-copy migration engine",
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
    /// Play a presenter script on the dashboard, or record it (`--record FILE.cast`).
    Demo(lpm::demo::DemoArgs),
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
    let result = match cli.command {
        Some(Command::Run {
            scenario,
            json,
            until,
            seed,
            svg,
        }) => run(&scenario, json, until, seed, svg.as_deref()),
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
        Some(Command::Tui { scenario, speed }) => dashboard(scenario.as_deref(), speed),
        Some(Command::Demo(args)) => {
            lpm::demo::run(&args)
                .map(|()| ExitCode::SUCCESS)
                .map_err(|e| match e {
                    lpm::demo::DemoError::Refused(m) => Failure::Refused(m),
                    lpm::demo::DemoError::Other(m) => Failure::Other(m),
                })
        }
        Some(Command::Hmc { scenario, command }) => hmc(scenario.as_deref(), &command),
        None => dashboard(cli.scenario.as_deref(), cli.speed),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Refused(messages)) => {
            for m in messages {
                eprintln!("{m}");
            }
            eprintln!("lpm: scenario refused");
            ExitCode::from(2)
        }
        Err(Failure::Other(m)) => {
            eprintln!("lpm: {m}");
            ExitCode::from(1)
        }
    }
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

fn check(path: &Path) -> Result<ExitCode, Failure> {
    let scenario = load(path)?;
    let plan = report::plan::check(&scenario).map_err(|m| Failure::Refused(vec![m]))?;
    print!("{}", plan.text(&scenario));
    Ok(if plan.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
            lpm::engine::fmt_num(p.memory_gib),
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
    // Shared by both callbacks: the events one clears the bar before printing, so that lines
    // on a terminal shared by stdout and stderr never start in the middle of the bar.
    let bar = std::cell::RefCell::new(
        std::io::stderr()
            .is_terminal()
            .then(|| Progress::new(until)),
    );
    if !json {
        let _ = writeln!(out, "{} ({})", scenario.name, path.display());
    }
    let result = drive::run(
        &mut engine,
        until,
        |events| {
            if !events.is_empty()
                && let Some(bar) = bar.borrow_mut().as_mut()
            {
                bar.clear();
            }
            for e in events {
                tally.observe(e);
                if json {
                    writeln!(out, "{}", report::json_line(e))?;
                } else if let Some(line) = report::text_line(e) {
                    writeln!(out, "{line}")?;
                }
            }
            out.flush()
        },
        |engine| {
            if let Some(bar) = bar.borrow_mut().as_mut() {
                bar.draw(engine);
            }
        },
    );
    if let Some(bar) = bar.borrow_mut().as_mut() {
        bar.clear();
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
            report::summary_json(&Summary::new(end, &tally, in_flight.len()))
        )
    } else {
        write!(out, "{}", report::text_summary(end, &tally, &in_flight))
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => write_failure(e),
    }
}

/// A reader that went away (`lpm run ... | head`) ends the run quietly; other write errors
/// are errors.
fn write_failure(e: std::io::Error) -> Result<ExitCode, Failure> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Failure::Other(format!("cannot write the output: {e}")))
    }
}

/// A one-line progress bar on standard error, redrawn at most ten times a second.
struct Progress {
    until: Option<f64>,
    started: Instant,
    last: Option<Instant>,
    /// The bar is on screen (drawn and not cleared since).
    shown: bool,
}

impl Progress {
    const WIDTH: usize = 24;

    fn new(until: Option<f64>) -> Progress {
        Progress {
            until,
            started: Instant::now(),
            last: None,
            shown: false,
        }
    }

    fn draw(&mut self, engine: &Engine) {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|l| now.duration_since(l) < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let fraction = match self.until {
            Some(u) if u > 0.0 => (engine.now() / u).min(1.0),
            _ => drive::fraction_done(engine),
        };
        let filled = (fraction * Self::WIDTH as f64).round() as usize;
        let moving = drive::in_flight(engine);
        let status = match moving.as_slice() {
            [] => "idle".to_string(),
            [one] => format!("{one} moving"),
            [first, rest @ ..] => format!("{first} and {} more moving", rest.len()),
        };
        let line = format!(
            "[{}{}] {:>3.0}%  {:.1} s simulated in {:.1} s  {status}",
            "#".repeat(filled.min(Self::WIDTH)),
            "-".repeat(Self::WIDTH - filled.min(Self::WIDTH)),
            fraction * 100.0,
            engine.now(),
            self.started.elapsed().as_secs_f64()
        );
        // \r and erase-to-end-of-line: the bar rewrites itself in place.
        eprint!("\r{line}\x1b[K");
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[K");
            self.shown = false;
            // Drawn again at the next slice, whatever the time since the last drawing.
            self.last = None;
        }
    }
}
