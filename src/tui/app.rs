//! The dashboard's state and what keys and engine updates do to it. No terminal I/O here:
//! tests drive an `App` with synthetic keys and updates from a `Driver`.

use std::cell::Cell;
use std::collections::VecDeque;

use ratatui::crossterm::event::KeyEvent;

use super::keymap::{self, Command, Context};
use super::theme::Theme;
use crate::engine::snapshot::{MoveView, PartitionStatus, PartitionView};
use crate::engine::{Action, Event, EventKind, Prediction, Snapshot, SwitchReason, Validation};
use crate::session::{PresenterView, Reply, Request, Update};
use crate::tui::fmt;

/// Time scales offered by `<` and `>`.
pub const SCALES: [f64; 11] = [
    0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0,
];

/// Bandwidth caps offered by `+` and `-`, MiB/s (those below the link's rate).
pub const CAPS_MIB_S: [f64; 12] = [
    25.0, 50.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 800.0, 1000.0, 1500.0, 2000.0,
];

/// Log lines kept.
const LOG_LINES: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }
}

/// One readable line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub t: f64,
    pub level: Level,
    pub text: String,
}

/// A destructive action waiting for the operator's yes.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Stop {
        partition: String,
    },
    Evacuate {
        from: String,
        to: String,
    },
    RemoveIo {
        partition: String,
    },
    /// A fault to inject (keys x, X, M, F).
    Fault(Action),
    Quit,
}

#[derive(Debug, Clone)]
pub enum Popup {
    /// Every check of a validation; `refused` when it answered `m`.
    Validation {
        v: Validation,
        refused: bool,
    },
    /// A yes/no question; No is highlighted until the operator moves to Yes.
    Confirm {
        pending: Pending,
        title: String,
        lines: Vec<String>,
        yes: bool,
    },
    Notice {
        title: String,
        text: String,
    },
    Help,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub snap: Snapshot,
    pub origin: Option<String>,
    pub theme: Theme,
    /// The partition whose move the detail pane shows (index into `snap.partitions`).
    pub selected: Option<usize>,
    /// The frame whose table has the focus.
    pub focus: usize,
    remembered: Vec<Option<usize>>,
    pub paused: bool,
    pub scale: f64,
    pub slow_motion: bool,
    pub slow_motion_now: Option<f64>,
    pub lagging: Option<f64>,
    pub popup: Option<Popup>,
    pub log: VecDeque<LogLine>,
    pub log_level: Level,
    pub status: Option<Status>,
    pub forecast: Option<(usize, Prediction)>,
    /// The selected partition's checks against the other frame, while it is not moving.
    pub preview: Option<Validation>,
    pub quit: bool,
    /// Also send log lines to `tracing` (the runtime's tui-logger pane); off in tests.
    pub trace: bool,
    /// Memory-map cells the last frame had room for (set while rendering).
    pub map_cells: Cell<usize>,
    watch_sent: Option<(Option<usize>, usize)>,
    requests: Vec<Request>,
    /// The presenter script's progress (`lpm demo`); its keys come first when set.
    pub presenter: Option<PresenterView>,
    /// The log pane is on screen (hidden for a cleaner stage).
    pub show_log: bool,
    /// The detail pane shows the per-round table instead of the charts.
    pub show_rounds: bool,
}

impl App {
    pub fn new(snap: Snapshot, origin: Option<String>, theme: Theme) -> App {
        let frames = snap.systems.len();
        let selected = snap
            .systems
            .first()
            .and_then(|s| s.partitions.first().copied());
        let mut app = App {
            snap,
            origin,
            theme,
            selected,
            focus: 0,
            remembered: vec![None; frames],
            paused: false,
            scale: 1.0,
            slow_motion: true,
            slow_motion_now: None,
            lagging: None,
            popup: None,
            log: VecDeque::new(),
            log_level: Level::Debug,
            status: None,
            forecast: None,
            preview: None,
            quit: false,
            trace: false,
            map_cells: Cell::new(0),
            watch_sent: None,
            requests: Vec::new(),
            presenter: None,
            show_log: true,
            show_rounds: false,
        };
        app.push_log(
            0.0,
            Level::Info,
            format!(
                "{}: {} frames, {} partitions. m moves the selected partition; ? lists the keys.",
                app.snap.scenario,
                app.snap.systems.len(),
                app.snap.partitions.len()
            ),
        );
        app
    }

    /// Sets the time scale the dashboard starts with (and tells the engine).
    pub fn set_scale(&mut self, scale: f64) {
        self.scale = scale;
        self.requests.push(Request::Scale(scale));
    }

    // ----- what the screen reads -----

    pub fn context(&self) -> Context {
        match self.popup {
            None => Context::Main,
            Some(Popup::Confirm { .. }) => Context::Confirm,
            Some(Popup::Help) => Context::Help,
            Some(_) => Context::Popup,
        }
    }

    pub fn partition(&self) -> Option<&PartitionView> {
        self.selected.and_then(|p| self.snap.partitions.get(p))
    }

    /// The selected partition's move: the one in flight, else its latest.
    pub fn selected_move(&self) -> Option<&MoveView> {
        self.partition()
            .and_then(|p| p.last_move)
            .and_then(|m| self.snap.moves.get(m))
    }

    /// The move of a partition, when it is in flight.
    pub fn move_in_flight(&self, p: &PartitionView) -> Option<&MoveView> {
        p.last_move
            .and_then(|m| self.snap.moves.get(m))
            .filter(|m| m.phase.in_flight())
    }

    /// The frame a partition would move to: the next one along.
    pub fn other_frame(&self, system: usize) -> usize {
        (system + 1) % self.snap.systems.len().max(1)
    }

    /// The link's payload rate in MiB/s.
    pub fn link_mib_s(&self) -> f64 {
        self.snap.link_pages_s * self.snap.page_size_kib as f64 / 1024.0
    }

    /// Pages per second as MiB/s.
    pub fn pages_to_mib(&self, pages_s: f64) -> f64 {
        pages_s * self.snap.page_size_kib as f64 / 1024.0
    }

    pub fn pages_to_bytes(&self, pages: f64) -> f64 {
        pages * self.snap.page_size_kib as f64 * 1024.0
    }

    /// The log lines the level filter lets through.
    pub fn visible_log(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        let level = self.log_level;
        self.log.iter().filter(move |l| l.level <= level)
    }

    /// Requests for the engine made since the last call (including a new memory-map watch).
    pub fn take_requests(&mut self) -> Vec<Request> {
        let watch = (self.selected, self.map_cells.get());
        if self.watch_sent != Some(watch) {
            self.watch_sent = Some(watch);
            self.requests.push(Request::Watch {
                partition: watch.0,
                cells: watch.1,
            });
        }
        std::mem::take(&mut self.requests)
    }

    // ----- engine updates -----

    pub fn on_update(&mut self, u: Update) {
        if let Some(view) = &u.presenter {
            let restarted = self
                .presenter
                .as_ref()
                .is_some_and(|old| old.generation != view.generation);
            if restarted {
                self.log.clear();
                self.popup = None;
                self.paused = false;
                self.selected = None;
                self.focus = 0;
                self.remembered = vec![None; self.remembered.len()];
                self.say(format!("{}: from the beginning", view.title), false);
            }
            self.scale = view.scale;
        }
        self.snap = u.snapshot;
        self.lagging = u.lagging;
        self.slow_motion_now = u.slow_motion;
        self.forecast = u.forecast;
        self.preview = u.preview;
        for e in &u.events {
            self.record_event(e);
        }
        if let Some(view) = u.presenter {
            // After the events: the caption's line follows what led to it.
            let new_caption = view.caption.is_some()
                && self.presenter.as_ref().map(|o| (&o.caption, o.generation))
                    != Some((&view.caption, view.generation));
            if new_caption && let Some(c) = &view.caption {
                self.push_log(view.caption_t, Level::Info, format!("▶ {c}"));
            }
            self.presenter = Some(view);
        }
        for r in u.replies {
            self.on_reply(r);
        }
        // The selection follows a partition that moved to the other frame.
        if let Some(p) = self.partition() {
            self.focus = p.system;
        }
        if self.selected.is_none() {
            self.selected = self.rows(self.focus).first().copied();
        }
    }

    fn on_reply(&mut self, r: Reply) {
        match r {
            Reply::Applied { action, result } => match result {
                Ok(msg) => self.say(msg, false),
                Err(reason) => match action {
                    Action::Stop { partition } => {
                        self.popup = Some(Popup::Notice {
                            title: format!("Stop refused: {partition}"),
                            text: reason,
                        })
                    }
                    _ => self.say(reason, true),
                },
            },
            Reply::Validated(v) => self.popup = Some(Popup::Validation { v, refused: false }),
            Reply::MigrateRefused(v) => self.popup = Some(Popup::Validation { v, refused: true }),
            Reply::Failed(e) => self.say(e, true),
            Reply::Exported(path) => self.say(format!("rounds written to {path}"), false),
        }
    }

    fn say(&mut self, text: String, error: bool) {
        self.status = Some(Status { text, error });
    }

    fn push_log(&mut self, t: f64, level: Level, text: String) {
        if self.trace {
            let line = format!("{:>9.3} s  {text}", t);
            match level {
                Level::Error => tracing::error!(target: "lpm", "{line}"),
                Level::Warn => tracing::warn!(target: "lpm", "{line}"),
                Level::Info => tracing::info!(target: "lpm", "{line}"),
                Level::Debug => tracing::debug!(target: "lpm", "{line}"),
            }
        }
        if self.log.len() >= LOG_LINES {
            self.log.pop_front();
        }
        self.log.push_back(LogLine { t, level, text });
    }

    /// An engine event as a readable log line.
    pub fn record_event(&mut self, e: &Event) {
        let (level, text) = describe(e, self.snap.page_size_kib);
        self.push_log(e.t, level, text);
    }

    // ----- keys -----

    pub fn on_key(&mut self, key: KeyEvent) {
        let presenter = (self.presenter.is_some() && self.context() == Context::Main)
            .then(|| keymap::lookup(Context::Presenter, &key))
            .flatten();
        let Some(cmd) = presenter.or_else(|| keymap::lookup(self.context(), &key)) else {
            return;
        };
        self.status = None;
        self.command(cmd);
    }

    /// Partitions of a frame in table order.
    pub fn rows(&self, frame: usize) -> Vec<usize> {
        self.snap
            .systems
            .get(frame)
            .map(|s| s.partitions.clone())
            .unwrap_or_default()
    }

    /// A partition's name as the engine should be told it: plain when unique.
    fn engine_name(&self, p: &PartitionView) -> String {
        let same = self
            .snap
            .partitions
            .iter()
            .filter(|q| q.name == p.name)
            .count();
        if same > 1 {
            format!("{}/{}", self.snap.systems[p.system].name, p.name)
        } else {
            p.name.clone()
        }
    }

    pub fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Up | Command::Down => self.step_selection(cmd == Command::Down),
            Command::OtherFrame => self.switch_frame(),
            Command::NextMove | Command::PrevMove => self.cycle_moves(cmd == Command::NextMove),
            Command::Validate => self.with_partition(|app, p| {
                let to = app.snap.systems[app.other_frame(p.system)].name.clone();
                app.requests.push(Request::Validate {
                    partition: app.engine_name(p),
                    to,
                });
            }),
            Command::Migrate => self.with_partition(|app, p| {
                if let Some(m) = app.move_in_flight(p) {
                    let text = format!("{} is already moving ({})", p.name, m.phase.label());
                    app.say(text, true);
                    return;
                }
                let to = app.snap.systems[app.other_frame(p.system)].name.clone();
                app.requests.push(Request::Migrate {
                    partition: app.engine_name(p),
                    to,
                });
            }),
            Command::Stop => self.with_partition(|app, p| {
                let name = app.engine_name(p);
                match app.move_in_flight(p) {
                    Some(m) if !m.phase.past_point_of_no_return() => {
                        let lines = vec![
                            format!(
                                "{} is in {} (round {}), {} → {}.",
                                p.name,
                                m.phase.label(),
                                m.round,
                                m.from,
                                m.to
                            ),
                            "The target shell is removed; the partition runs on, on the source."
                                .into(),
                        ];
                        app.popup = Some(Popup::Confirm {
                            pending: Pending::Stop { partition: name },
                            title: format!("Stop the move of {}?", p.name),
                            lines,
                            yes: false,
                        });
                    }
                    // Nothing to stop, or too late: the engine says why.
                    _ => app
                        .requests
                        .push(Request::Apply(Action::Stop { partition: name })),
                }
            }),
            Command::CapUp | Command::CapDown => self.with_partition(|app, p| {
                let link = app.link_mib_s();
                let ladder: Vec<f64> = CAPS_MIB_S.iter().copied().filter(|&c| c < link).collect();
                let current = p.bandwidth_cap_mib_s;
                let next = if cmd == Command::CapUp {
                    match current {
                        None => {
                            app.say(format!("{}: no cap (the whole link)", p.name), false);
                            return;
                        }
                        Some(c) => ladder.iter().copied().find(|&x| x > c + 1e-9),
                    }
                } else {
                    let c = current.unwrap_or(f64::INFINITY);
                    match ladder.iter().rev().copied().find(|&x| x < c - 1e-9) {
                        Some(x) => Some(x),
                        None => {
                            app.say(format!("{}: cap already at its lowest", p.name), false);
                            return;
                        }
                    }
                };
                let partition = app.engine_name(p);
                let action = match next {
                    Some(mib_s) => Action::SetBandwidthCap { partition, mib_s },
                    None => Action::ClearBandwidthCap { partition },
                };
                app.requests.push(Request::Apply(action));
            }),
            Command::ThrottleUp | Command::ThrottleDown => self.with_partition(|app, p| {
                let step = if cmd == Command::ThrottleUp {
                    10.0
                } else {
                    -10.0
                };
                let percent = ((p.cpu_throttle_pct / 10.0).round() * 10.0 + step).clamp(0.0, 90.0);
                if percent == p.cpu_throttle_pct {
                    app.say(
                        format!("{}: CPU throttle stays at {percent:.0}%", p.name),
                        false,
                    );
                    return;
                }
                let partition = app.engine_name(p);
                app.requests.push(Request::Apply(Action::SetCpuThrottle {
                    partition,
                    percent,
                }));
            }),
            Command::AutoConverge => self.with_partition(|app, p| {
                let enabled = !app.move_in_flight(p).is_some_and(|m| m.auto_converge);
                let partition = app.engine_name(p);
                app.requests.push(Request::Apply(Action::SetAutoConverge {
                    partition,
                    enabled,
                }));
            }),
            Command::RemoveIo => self.with_partition(|app, p| {
                if !p.dedicated_io {
                    app.say(format!("{} has no dedicated I/O adapters", p.name), false);
                    return;
                }
                app.popup = Some(Popup::Confirm {
                    pending: Pending::RemoveIo {
                        partition: app.engine_name(p),
                    },
                    title: format!("Remove the dedicated I/O of {}?", p.name),
                    lines: vec![
                        "Dynamic LPAR takes its physical adapters away while it runs;".into(),
                        "whatever used them must fail over to virtual I/O first.".into(),
                    ],
                    yes: false,
                });
            }),
            Command::Recover => self.with_partition(|app, p| {
                let partition = app.engine_name(p);
                app.requests
                    .push(Request::Apply(Action::Recover { partition }));
            }),
            Command::FaultLinkDown
            | Command::FaultLinkDegrade
            | Command::FaultMsp
            | Command::FaultFrame => {
                let frame = self.snap.systems[self.focus].name.clone();
                let (action, title, line) = match cmd {
                    Command::FaultLinkDown => (
                        Action::LinkDown { for_s: 10.0 },
                        "Take the link down for 10 s?".to_string(),
                        "Pre-copy stalls, a suspend window ends back on the source, a pull waits.",
                    ),
                    Command::FaultLinkDegrade => (
                        Action::LinkDegrade {
                            bandwidth_gbps: self.snap.link_gbps / 4.0,
                            for_s: 30.0,
                        },
                        "Degrade the link to a quarter for 30 s?".to_string(),
                        "Every move slows; some may stop converging.",
                    ),
                    Command::FaultMsp => (
                        Action::MspFail {
                            system: frame.clone(),
                        },
                        format!("Fail the mover service partitions of {frame}?"),
                        "Moves through it fail (or lose their partition in the pull phase).",
                    ),
                    _ => (
                        Action::FrameFail {
                            system: frame.clone(),
                        },
                        format!("Fail the whole frame {frame}?"),
                        "Its partitions go down; moves through it fail or are lost.",
                    ),
                };
                self.popup = Some(Popup::Confirm {
                    pending: Pending::Fault(action),
                    title,
                    lines: vec![line.into(), "There is no undo for this run.".into()],
                    yes: false,
                });
            }
            Command::Evacuate => {
                if self.snap.systems.len() < 2 {
                    self.say("there is no other frame to evacuate to".into(), true);
                    return;
                }
                let from = self.snap.systems[self.focus].name.clone();
                let to = self.snap.systems[self.other_frame(self.focus)].name.clone();
                let staying: Vec<&PartitionView> = self
                    .rows(self.focus)
                    .into_iter()
                    .map(|p| &self.snap.partitions[p])
                    .filter(|p| self.move_in_flight(p).is_none())
                    .collect();
                if staying.is_empty() {
                    self.say(format!("{from} has no partition to move"), true);
                    return;
                }
                let names: Vec<&str> = staying.iter().map(|p| p.name.as_str()).collect();
                let slots = self.snap.systems[self.focus].msp_slots;
                let lines = vec![
                    format!("Every partition of {from} that validates moves to {to}:"),
                    format!("  {}", names.join(", ")),
                    format!(
                        "Those that fail validation stay; beyond {slots} mover slots, moves queue."
                    ),
                ];
                self.popup = Some(Popup::Confirm {
                    pending: Pending::Evacuate {
                        from: from.clone(),
                        to,
                    },
                    title: format!("Evacuate {from}?"),
                    lines,
                    yes: false,
                });
            }
            Command::Pause => {
                self.paused = !self.paused;
                self.requests.push(Request::Pause(self.paused));
            }
            Command::Slower | Command::Faster => {
                let i = SCALES
                    .iter()
                    .position(|&s| s >= self.scale - 1e-9)
                    .unwrap_or(SCALES.len() - 1);
                let j = if cmd == Command::Faster {
                    (i + 1).min(SCALES.len() - 1)
                } else {
                    i.saturating_sub(1)
                };
                self.scale = SCALES[j];
                self.requests.push(Request::Scale(self.scale));
                self.say(format!("time scale {}", fmt::scale(self.scale)), false);
            }
            Command::SlowMotion => {
                self.slow_motion = !self.slow_motion;
                self.requests.push(Request::SlowMotion(self.slow_motion));
                let state = if self.slow_motion { "on" } else { "off" };
                self.say(
                    format!("slow motion through suspend windows {state}"),
                    false,
                );
            }
            Command::LogLevel => {
                self.log_level = match self.log_level {
                    Level::Debug => Level::Info,
                    Level::Info => Level::Warn,
                    _ => Level::Debug,
                };
                let what = match self.log_level {
                    Level::Debug => "everything",
                    Level::Info => "milestones (no round ends)",
                    _ => "warnings and errors",
                };
                self.say(format!("log shows {what}"), false);
            }
            Command::Help => self.popup = Some(Popup::Help),
            Command::Rounds => {
                self.show_rounds = !self.show_rounds;
                let what = if self.show_rounds {
                    "round table"
                } else {
                    "charts"
                };
                self.say(format!("detail shows the {what}"), false);
            }
            Command::ExportRounds => match self.selected_move() {
                Some(m) if !m.history.is_empty() => {
                    let path = format!("lpm-{}-move{}-rounds.csv", m.partition_name, m.id + 1);
                    let csv = crate::report::rounds_csv(&m.history);
                    self.requests.push(Request::ExportRounds { path, csv });
                }
                _ => self.say("no round of the selected move to export yet".into(), true),
            },
            Command::ToggleLog => {
                self.show_log = !self.show_log;
                let state = if self.show_log { "shown" } else { "hidden" };
                self.say(format!("log pane {state}"), false);
            }
            Command::Next => match &self.presenter {
                Some(p) if p.finished => {
                    self.say("the script has ended: r plays it again".into(), false)
                }
                Some(p) if !p.waiting_for_key => {
                    self.requests.push(Request::Next);
                    self.say("running ahead to the next step".into(), false);
                }
                Some(_) => self.requests.push(Request::Next),
                None => {}
            },
            Command::Restart => {
                if self.presenter.is_some() {
                    self.requests.push(Request::Restart);
                }
            }
            Command::Quit => {
                let busy = self.snap.in_flight + self.snap.queued;
                if busy == 0 {
                    self.quit = true;
                } else {
                    self.popup = Some(Popup::Confirm {
                        pending: Pending::Quit,
                        title: "Quit?".into(),
                        lines: vec![format!(
                            "{busy} move{} still in flight; quitting ends the simulation.",
                            if busy == 1 { " is" } else { "s are" }
                        )],
                        yes: false,
                    });
                }
            }
            Command::ForceQuit => self.quit = true,
            Command::Yes => self.confirm(true),
            Command::No => self.confirm(false),
            Command::Choose => {
                let yes = matches!(self.popup, Some(Popup::Confirm { yes: true, .. }));
                self.confirm(yes);
            }
            Command::Toggle => {
                if let Some(Popup::Confirm { yes, .. }) = &mut self.popup {
                    *yes = !*yes;
                }
            }
            Command::Close => self.popup = None,
        }
    }

    fn with_partition(&mut self, f: impl FnOnce(&mut App, &PartitionView)) {
        match self.partition().cloned() {
            Some(p) => f(self, &p),
            None => self.say("select a partition first".into(), true),
        }
    }

    fn confirm(&mut self, yes: bool) {
        let Some(Popup::Confirm { pending, .. }) = self.popup.take() else {
            return;
        };
        if !yes {
            self.say("cancelled".into(), false);
            return;
        }
        let action = match pending {
            Pending::Stop { partition } => Action::Stop { partition },
            Pending::Evacuate { from, to } => Action::Evacuate { from, to },
            Pending::RemoveIo { partition } => Action::RemoveDedicatedIo { partition },
            Pending::Fault(action) => action,
            Pending::Quit => {
                self.quit = true;
                return;
            }
        };
        self.requests.push(Request::Apply(action));
    }

    fn step_selection(&mut self, down: bool) {
        let rows = self.rows(self.focus);
        if rows.is_empty() {
            return;
        }
        let at = self
            .selected
            .and_then(|s| rows.iter().position(|&r| r == s));
        let next = match at {
            None => 0,
            Some(i) if down => (i + 1).min(rows.len() - 1),
            Some(i) => i.saturating_sub(1),
        };
        self.selected = Some(rows[next]);
    }

    fn switch_frame(&mut self) {
        if self.snap.systems.len() < 2 {
            return;
        }
        self.remembered[self.focus] = self.selected;
        self.focus = self.other_frame(self.focus);
        let rows = self.rows(self.focus);
        self.selected = self.remembered[self.focus]
            .filter(|p| rows.contains(p))
            .or_else(|| rows.first().copied());
    }

    fn cycle_moves(&mut self, forward: bool) {
        let moving: Vec<usize> = self
            .snap
            .moves
            .iter()
            .filter(|m| m.phase.in_flight())
            .map(|m| m.partition)
            .collect();
        if moving.is_empty() {
            self.say("no move in flight".into(), false);
            return;
        }
        let at = self
            .selected
            .and_then(|s| moving.iter().position(|&p| p == s));
        let next = match at {
            None => 0,
            Some(i) if forward => (i + 1) % moving.len(),
            Some(i) => (i + moving.len() - 1) % moving.len(),
        };
        self.selected = Some(moving[next]);
        self.focus = self.snap.partitions[moving[next]].system;
    }
}

/// A partition's state word for the tables.
pub fn status_label(p: &PartitionView) -> &'static str {
    match p.status {
        PartitionStatus::Migrating => "Migrating",
        s => s.label(),
    }
}

fn reason_label(r: SwitchReason) -> &'static str {
    match r {
        SwitchReason::Threshold => "threshold met",
        SwitchReason::MaxRounds => "round limit reached, not converged",
        SwitchReason::MaxSentFactor => "sent-data limit reached, not converged",
    }
}

/// An engine event in words, with its level.
pub fn describe(e: &Event, page_kib: u32) -> (Level, String) {
    let bytes = |pages: f64| fmt::bytes(pages * page_kib as f64 * 1024.0);
    match &e.kind {
        EventKind::ValidationPassed {
            partition,
            to,
            checks,
        } => (
            Level::Info,
            format!("{partition} → {to}: validation passed ({checks} checks)"),
        ),
        EventKind::ValidationFailed {
            partition,
            to,
            errors,
        } => (
            Level::Warn,
            format!(
                "{partition} → {to}: validation failed: {}",
                errors.join("; ")
            ),
        ),
        EventKind::MigrationQueued {
            partition,
            to,
            position,
            ..
        } => (
            Level::Info,
            format!("{partition} → {to}: queued for a mover slot (position {position})"),
        ),
        EventKind::MigrationStarted {
            partition,
            from,
            to,
            inactive,
        } => (
            Level::Info,
            format!(
                "{partition}: move {from} → {to} started{}",
                if *inactive {
                    " (not activated: profile only)"
                } else {
                    ""
                }
            ),
        ),
        EventKind::RoundCompleted(r) => (
            Level::Debug,
            format!(
                "{}: round {} sent {} in {}, {} dirtied, {:.2}% clean, expected downtime {}",
                r.partition,
                r.round,
                bytes(r.pages_sent as f64),
                fmt::secs(r.duration_s),
                bytes(r.pages_dirtied as f64),
                r.clean_percent,
                fmt::ms(r.expected_downtime_ms)
            ),
        ),
        EventKind::AutoConvergeThrottle { partition, percent } => (
            Level::Info,
            format!("{partition}: auto-converge throttles the CPU to {percent:.0}%"),
        ),
        EventKind::Suspended {
            partition,
            remaining_pages,
            reason,
            expected_downtime_ms,
        } => (
            if reason.converged() {
                Level::Info
            } else {
                Level::Warn
            },
            format!(
                "{partition}: SUSPENDED ({}), {} left, expected downtime {}",
                reason_label(*reason),
                bytes(*remaining_pages as f64),
                fmt::ms(*expected_downtime_ms)
            ),
        ),
        EventKind::Resumed {
            partition,
            system,
            downtime_ms,
            users_dropped,
        } => (
            if *users_dropped > 0 {
                Level::Warn
            } else {
                Level::Info
            },
            format!(
                "{partition}: RESUMED on {system} after {}{}",
                fmt::ms(*downtime_ms),
                if *users_dropped > 0 {
                    format!(", {users_dropped} users dropped")
                } else {
                    String::new()
                }
            ),
        ),
        EventKind::MigrationCompleted(c) => (
            if c.verified {
                Level::Info
            } else {
                Level::Error
            },
            if c.inactive {
                format!("{}: profile moved {} → {}", c.partition, c.from, c.to)
            } else {
                format!(
                    "{}: COMPLETE {} → {} in {}, {} rounds, downtime {}, {} sent, {} demand faults, {}",
                    c.partition,
                    c.from,
                    c.to,
                    fmt::secs(c.total_s),
                    c.rounds,
                    fmt::ms(c.downtime_ms),
                    fmt::bytes(c.bytes_sent as f64),
                    fmt::count(c.demand_faults),
                    if c.verified {
                        "verified"
                    } else {
                        "VERIFICATION FAILED"
                    }
                )
            },
        ),
        EventKind::MigrationStopped {
            partition,
            reason,
            round,
        } => (
            Level::Warn,
            format!("{partition}: move stopped in round {round}: {reason}"),
        ),
        EventKind::StopRefused { partition, reason } => {
            (Level::Warn, format!("{partition}: stop refused: {reason}"))
        }
        EventKind::BandwidthCapChanged { partition, mib_s } => (
            Level::Info,
            match mib_s {
                Some(c) => format!("{partition}: bandwidth cap {}", fmt::mib_s(*c)),
                None => format!("{partition}: bandwidth cap removed"),
            },
        ),
        EventKind::CpuThrottleChanged { partition, percent } => (
            Level::Info,
            format!("{partition}: CPU throttle {percent:.0}%"),
        ),
        EventKind::AutoConvergeChanged { partition, enabled } => (
            Level::Info,
            format!(
                "{partition}: auto-converge {}",
                if *enabled { "on" } else { "off" }
            ),
        ),
        EventKind::DedicatedIoRemoved { partition } => (
            Level::Info,
            format!("{partition}: dedicated I/O adapters removed (dynamic LPAR)"),
        ),
        EventKind::EvacuationStarted {
            from,
            to,
            moving,
            refused,
        } => (
            Level::Info,
            format!("evacuating {from} → {to}: {moving} moving, {refused} refused"),
        ),
        EventKind::ActionRefused { action, reason } => {
            (Level::Warn, format!("{action} refused: {reason}"))
        }
        EventKind::LinkDown { until_s } => (
            Level::Error,
            format!("LINK DOWN until {}", fmt::secs(*until_s)),
        ),
        EventKind::LinkDegraded {
            bandwidth_gbps,
            until_s,
        } => (
            Level::Warn,
            format!(
                "link degraded to {bandwidth_gbps} Gbit/s until {}",
                fmt::secs(*until_s)
            ),
        ),
        EventKind::LinkRestored { bandwidth_gbps } => (
            Level::Info,
            format!("link restored: {bandwidth_gbps} Gbit/s"),
        ),
        EventKind::MspFailed { system } => (
            Level::Error,
            format!("{system}: mover service partitions FAILED"),
        ),
        EventKind::FrameFailed { system } => (Level::Error, format!("{system}: FRAME FAILED")),
        EventKind::PartitionDown { partition, reason } => {
            (Level::Error, format!("{partition}: DOWN ({reason})"))
        }
        EventKind::MoveStalled { partition, reason } => {
            (Level::Warn, format!("{partition}: move stalled: {reason}"))
        }
        EventKind::MigrationFailed {
            partition,
            reason,
            phase,
            round,
            source_intact,
        } => (
            Level::Error,
            format!(
                "{partition}: move FAILED in {phase} (round {round}): {reason}; {}",
                if *source_intact {
                    "runs on at the source, memory intact"
                } else {
                    "SOURCE MEMORY DID NOT CHECK OUT"
                }
            ),
        ),
        EventKind::PartitionLost {
            partition,
            reason,
            pages_missing,
        } => (
            Level::Error,
            format!(
                "{partition}: LOST ({reason}): {} never reached the target",
                bytes(*pages_missing as f64)
            ),
        ),
        EventKind::ConvergenceStalled {
            partition,
            suggestion,
            ..
        } => (
            Level::Warn,
            format!("{partition}: not converging: {suggestion}"),
        ),
        EventKind::Recovered { partition } => (
            Level::Info,
            format!("{partition}: recovered, can move again"),
        ),
    }
}
