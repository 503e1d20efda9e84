//! What a key asks for: the keymap turns a key into a `Command`, and each command changes the
//! selection or the view, asks a question first (`confirm`), or makes a request of the engine.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Popup};
use super::confirm::{Pending, stop_question};
use super::fmt;
use super::keymap::{self, Command, Context};
use super::log::Level;
use crate::engine::PartitionId;
use crate::engine::snapshot::PartitionView;
use crate::session::Request;
use crate::spec::Action;

/// Time scales offered by `<` and `>`.
const SCALES: [f64; 11] = [
    0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0,
];

/// Bandwidth caps offered by `+` and `-`, MiB/s (those below the link's rate).
const CAPS_MIB_S: [f64; 12] = [
    25.0, 50.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 800.0, 1000.0, 1500.0, 2000.0,
];

impl App {
    pub fn on_key(&mut self, key: KeyEvent) {
        // Esc quickly followed by a key reaches us as Alt+key: it closes what Esc closes,
        // then the key acts.
        if key.modifiers.contains(KeyModifiers::ALT) {
            self.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            let mut plain = key;
            plain.modifiers.remove(KeyModifiers::ALT);
            self.on_key(plain);
            return;
        }
        let context = self.context();
        let presenter = (self.presenter.is_some() && context == Context::Main)
            .then(|| keymap::lookup(Context::Presenter, &key))
            .flatten();
        let Some(cmd) = presenter.or_else(|| keymap::lookup(context, &key)) else {
            // On a line being typed, the keys the table does not name edit it.
            match context {
                Context::Console => {
                    self.console.editor.edit(&key);
                }
                Context::Search => {
                    self.log_view.editor.edit(&key);
                }
                _ => {}
            }
            return;
        };
        self.status = None;
        match context {
            Context::Picker => self.picker_command(cmd),
            Context::Console => self.console_command(cmd),
            Context::Search => self.search_command(cmd),
            Context::Log => self.log_command(cmd),
            Context::Advice => self.advice_command(cmd),
            _ => self.command(cmd),
        }
    }

    /// A partition's name as the engine should be told it: plain when unique.
    pub(super) fn engine_name(&self, p: &PartitionView) -> String {
        let same = self
            .snap
            .partitions
            .iter()
            .filter(|q| q.name == p.name)
            .count();
        if same > 1 {
            format!("{}/{}", self.snap.system(p.system).name, p.name)
        } else {
            p.name.clone()
        }
    }

    pub(super) fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Up | Command::Down if matches!(self.popup, Some(Popup::Help)) => {
                self.help_scroll = match cmd {
                    Command::Down => self.help_scroll + 5,
                    _ => self.help_scroll.saturating_sub(5),
                };
            }
            Command::Up | Command::Down => self.step_selection(cmd == Command::Down),
            Command::OtherFrame => self.switch_frame(),
            Command::NextMove | Command::PrevMove => self.cycle_moves(cmd == Command::NextMove),
            Command::Validate => self.with_partition(|app, p| {
                let to = app.snap.system(app.other_frame(p.system)).name.clone();
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
                let partition = app.engine_name(p);
                if app.snap.systems.len() > 2 {
                    // Which frame: the picker lists every one with its verdict.
                    app.requests.push(Request::Targets { partition });
                    return;
                }
                let to = app.snap.system(app.other_frame(p.system)).name.clone();
                app.migrate_to(partition, to);
            }),
            Command::Stop => self.with_partition(|app, p| {
                let name = app.engine_name(p);
                let question = app
                    .move_in_flight(p)
                    .filter(|m| !m.phase.past_point_of_no_return())
                    .map(|m| stop_question(p, m));
                match question {
                    Some((title, lines)) => {
                        app.ask(Pending::Stop { partition: name }, title, lines)
                    }
                    // Nothing to stop, or too late: the engine says why.
                    None => app
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
            Command::RemoveIo => self.with_partition(|app, p| app.ask_remove_io(p)),
            Command::Recover => self.with_partition(|app, p| {
                let partition = app.engine_name(p);
                app.requests
                    .push(Request::Apply(Action::Recover { partition }));
            }),
            Command::Repair => {
                let system = self.snap.system(self.focus).name.clone();
                self.requests
                    .push(Request::Apply(Action::Repair { system, msp: None }));
            }
            Command::StopAll => self.ask_stop_all(),
            Command::Console => self.open_console(),
            Command::Advice => self.focus_advice(),
            Command::Follow => {
                let on = !self.following();
                self.follow = Some(on);
                self.followed = None;
                let text = if on {
                    "the detail pane follows the partition that is suspending"
                } else {
                    "the detail pane stays on the partition selected"
                };
                self.say(text.into(), false);
            }
            Command::LogUp
            | Command::LogDown
            | Command::LogEnd
            | Command::Search
            | Command::NextMatch
            | Command::PrevMatch
            | Command::ExportLog => self.log_command(cmd),
            Command::Run
            | Command::Complete
            | Command::ScrollUp
            | Command::ScrollDown
            | Command::ClearLine => {}
            Command::FaultLinkDown
            | Command::FaultLinkDegrade
            | Command::FaultMsp
            | Command::FaultFrame => self.ask_fault(cmd),
            Command::Evacuate => self.ask_evacuate(),
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
                let text = match &self.presenter {
                    // The script's later speed steps keep the presenter's factor on them.
                    Some(p) => {
                        let script = p.scale / p.factor.max(1e-9);
                        format!(
                            "time scale {} ({} the script's {}; its speed steps keep the factor)",
                            fmt::scale(self.scale),
                            fmt::scale(self.scale / script),
                            fmt::scale(script)
                        )
                    }
                    None => format!("time scale {}", fmt::scale(self.scale)),
                };
                self.say(text, false);
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
            Command::Help => {
                self.help_scroll = 0;
                self.popup = Some(Popup::Help);
            }
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
                    let path = format!(
                        "lpm-{}-move{}-rounds.csv",
                        m.partition_name,
                        m.id.index() + 1
                    );
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
            Command::Quit => self.ask_quit(),
            Command::ForceQuit => self.quit = true,
            Command::Yes => self.confirm(true),
            Command::No => self.confirm(false),
            Command::Choose => self.choose(),
            Command::Toggle => self.toggle_answer(),
            Command::Close => self.popup = None,
        }
    }

    fn with_partition(&mut self, f: impl FnOnce(&mut App, &PartitionView)) {
        match self.partition().cloned() {
            Some(p) => f(self, &p),
            None => self.say("select a partition first".into(), true),
        }
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
        self.remembered[self.focus.index()] = self.selected;
        self.focus = self.other_frame(self.focus);
        let rows = self.rows(self.focus);
        self.selected = self.remembered[self.focus.index()]
            .filter(|p| rows.contains(p))
            .or_else(|| rows.first().copied());
    }

    fn cycle_moves(&mut self, forward: bool) {
        let moving: Vec<PartitionId> = self
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
        self.focus = self.snap.partition(moving[next]).system;
    }

    /// `S`: every move that can still be stopped, after the operator's yes.
    fn ask_stop_all(&mut self) {
        let stoppable: Vec<&str> = self
            .snap
            .moves
            .iter()
            .filter(|m| m.phase.in_flight() && !m.phase.past_point_of_no_return())
            .map(|m| m.partition_name.as_str())
            .collect();
        let late = self
            .snap
            .moves
            .iter()
            .filter(|m| m.phase.in_flight() && m.phase.past_point_of_no_return())
            .count();
        if stoppable.is_empty() {
            let text = if late > 0 {
                format!("nothing to stop: {late} moves are past the point of no return")
            } else {
                "no move to stop".to_string()
            };
            self.say(text, false);
            return;
        }
        let n = stoppable.len();
        let mut names = stoppable.join(", ");
        if names.chars().count() > 200 {
            names = names.chars().take(199).collect::<String>() + "…";
        }
        let mut lines = vec![
            format!(
                "{n} move{} stop, queued ones too: {names}.",
                if n == 1 { "" } else { "s" }
            ),
            "Their target shells are removed; the partitions run on, on their sources.".into(),
        ];
        if late > 0 {
            lines.push(format!(
                "{late} past the point of no return can only complete."
            ));
        }
        // Any action behind a yes is carried by `Pending::Fault`, whatever it is.
        self.ask(
            Pending::Fault(Action::StopAll),
            format!("Stop all {n} moves?"),
            lines,
        );
    }
}
