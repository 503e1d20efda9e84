//! The dashboard's state and what the screen reads of it. No terminal I/O here: tests drive an
//! `App` with synthetic keys and updates from a `session::Driver`. What changes the state is
//! in `update` (the engine's updates), `commands` (keys), `confirm` (destructive actions) and
//! `log` (the log's lines).

use std::collections::VecDeque;

use ratatui::layout::Rect;

use super::confirm::Pending;
use super::console::Console;
use super::keymap::Context;
use super::layout;
use super::log::{Level, LogLine, LogView};
use super::picker::Picker;
use super::theme::Theme;
use crate::engine::snapshot::{MoveView, PartitionView};
use crate::engine::{FrameId, MoveId, PartitionId, Prediction, Snapshot, Validation};
use crate::session::{PresenterView, Request};

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
    /// Simulated time it was said: newer news makes it stale.
    pub t: f64,
}

pub struct App {
    pub snap: Snapshot,
    pub origin: Option<String>,
    pub theme: Theme,
    /// The partition whose move the detail pane shows.
    pub selected: Option<PartitionId>,
    /// The frame whose table has the focus.
    pub focus: FrameId,
    /// The partition last selected on each frame, for switching back.
    pub(super) remembered: Vec<Option<PartitionId>>,
    pub paused: bool,
    pub scale: f64,
    pub slow_motion: bool,
    pub slow_motion_now: Option<f64>,
    pub lagging: Option<f64>,
    pub popup: Option<Popup>,
    pub log: VecDeque<LogLine>,
    pub log_level: Level,
    pub status: Option<Status>,
    pub forecast: Option<(PartitionId, Prediction)>,
    /// The selected partition's checks against the other frame, while it is not moving.
    pub preview: Option<Validation>,
    pub quit: bool,
    /// The partition and memory-map size the engine was last asked to watch.
    watch_sent: Option<(Option<PartitionId>, usize)>,
    /// Requests for the engine not yet taken.
    pub(super) requests: Vec<Request>,
    /// The presenter script's progress (`lpm demo`); its keys come first when set.
    pub presenter: Option<PresenterView>,
    /// The log pane is on screen (hidden for a cleaner stage).
    pub show_log: bool,
    /// The detail pane shows the per-round table instead of the charts.
    pub show_rounds: bool,
    /// The target picker, open (`m` with more than two frames): over the dashboard as a
    /// popup, with its own keys.
    pub picker: Option<Picker>,
    /// The `:` HMC command line: its line, history and output.
    pub console: Console,
    /// The log's scrolling and search.
    pub log_view: LogView,
    /// The detail pane follows the partition that is suspending: None until the operator
    /// says (`f`), which means on while presenting and off otherwise.
    pub follow: Option<bool>,
    /// The move followed last, so that the operator may look elsewhere during its window.
    pub(super) followed: Option<MoveId>,
    /// The recommendations pane has the focus, on this row (best first).
    pub advice: Option<usize>,
    /// The screen last drawn on (pages of the log and console scroll by its panes' sizes).
    pub(super) screen: Rect,
    /// Where the log is written (`W`): the working directory unless a test says otherwise.
    pub export_dir: std::path::PathBuf,
    /// Lines the help overlay is scrolled by, when it is taller than the screen.
    pub help_scroll: usize,
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
            focus: FrameId::new(0),
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
            watch_sent: None,
            requests: Vec::new(),
            presenter: None,
            show_log: true,
            show_rounds: false,
            picker: None,
            console: Console::default(),
            log_view: LogView::default(),
            follow: None,
            followed: None,
            advice: None,
            screen: Rect::new(0, 0, layout::MIN_W, layout::MIN_H),
            export_dir: std::path::PathBuf::new(),
            help_scroll: 0,
        };
        app.push_log(
            0.0,
            Level::Info,
            format!(
                "{}: {}, {}. m moves the selected partition; ? lists the keys.",
                app.snap.scenario,
                super::fmt::plural(app.snap.systems.len(), "frame", "frames"),
                super::fmt::plural(app.snap.partitions.len(), "partition", "partitions")
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
            None if self.picker.is_some() => Context::Picker,
            None if self.console.open => Context::Console,
            None if self.log_view.typing => Context::Search,
            None if self.log_view.focused => Context::Log,
            None if self.advice.is_some() && !self.snap.recommendations.is_empty() => {
                Context::Advice
            }
            None => Context::Main,
            Some(Popup::Confirm { .. }) => Context::Confirm,
            Some(Popup::Help) => Context::Help,
            Some(_) => Context::Popup,
        }
    }

    /// The detail pane follows the partition that is suspending.
    pub fn following(&self) -> bool {
        self.follow.unwrap_or(self.presenter.is_some())
    }

    pub fn partition(&self) -> Option<&PartitionView> {
        self.selected
            .and_then(|p| self.snap.partitions.get(p.index()))
    }

    /// The selected partition's move: the one in flight, else its latest.
    pub fn selected_move(&self) -> Option<&MoveView> {
        self.partition()
            .and_then(|p| p.last_move)
            .and_then(|m| self.snap.moves.get(m.index()))
    }

    /// The move of a partition, when it is in flight.
    pub fn move_in_flight(&self, p: &PartitionView) -> Option<&MoveView> {
        p.last_move
            .and_then(|m| self.snap.moves.get(m.index()))
            .filter(|m| m.phase.in_flight())
    }

    /// The frame a partition would move to: the next one along.
    pub fn other_frame(&self, system: FrameId) -> FrameId {
        FrameId::new((system.index() + 1) % self.snap.systems.len().max(1))
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

    /// Requests for the engine made since the last call, and a new watch when the selection or
    /// the memory map's size on a `screen` of this size changed.
    pub fn take_requests(&mut self, screen: Rect) -> Vec<Request> {
        self.screen = screen;
        let watch = (self.selected, layout::map_cells(self, screen));
        if self.watch_sent != Some(watch) {
            self.watch_sent = Some(watch);
            self.requests.push(Request::Watch {
                partition: watch.0,
                cells: watch.1,
            });
        }
        std::mem::take(&mut self.requests)
    }

    /// Partitions of a frame in table order.
    pub fn rows(&self, frame: FrameId) -> Vec<PartitionId> {
        self.snap
            .systems
            .get(frame.index())
            .map(|s| s.partitions.clone())
            .unwrap_or_default()
    }

    /// A line for the status bar.
    pub(super) fn say(&mut self, text: String, error: bool) {
        let t = self.snap.t;
        self.status = Some(Status { text, error, t });
    }
}
