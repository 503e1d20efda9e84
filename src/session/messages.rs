//! What the dashboard and the session say to each other: requests one way, updates (with the
//! replies to the requests) the other. Plain values, so the two can sit on different threads.

use crate::engine::{Event, MoveId, Outcome, PartitionId, Prediction, Snapshot, Validation};
use crate::hmc::session::Names;
use crate::spec::Action;

/// What the dashboard asks of the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Apply(Action),
    /// `migrlpar -o v`: every check, for the popup.
    Validate {
        partition: String,
        to: String,
    },
    /// Validate, and migrate only when every check passes.
    Migrate {
        partition: String,
        to: String,
    },
    Pause(bool),
    Scale(f64),
    SlowMotion(bool),
    /// The partition the detail pane shows, and how many memory-map cells fit on screen.
    Watch {
        partition: Option<PartitionId>,
        cells: usize,
    },
    /// Presenter: fire the step waiting for a key, or run ahead to the next step.
    Next,
    /// Presenter: play the script again from the beginning.
    Restart,
    /// Write a move's rounds as CSV to `path` (the `c` key).
    ExportRounds {
        path: String,
        csv: String,
    },
    /// Every frame's verdict on moving a partition there (the target picker).
    Targets {
        partition: String,
    },
    /// One HMC command line (the `:` line), run against the session's engine.
    Hmc {
        line: String,
    },
    /// The frame and partition names HMC completion offers now.
    HmcNames,
    /// Write the log's text to a new file (never over one that exists).
    ExportLog {
        path: String,
        text: String,
    },
    /// Where an evacuation of `from` would send each of `partitions` (to `to`), and which would
    /// be refused: every check, before the operator says yes.
    PlaceEvacuation {
        from: String,
        to: String,
        partitions: Vec<String>,
    },
    Quit,
}

/// The engine's answer to a request.
#[derive(Debug, Clone)]
pub enum Reply {
    Applied {
        action: Action,
        result: Outcome,
    },
    Validated(Validation),
    /// `m` on a partition that does not validate: nothing moved.
    MigrateRefused(Validation),
    Failed(String),
    /// A file was written (path).
    Exported(String),
    /// The log was written (path).
    ExportedLog(String),
    /// Every frame's verdict for the target picker, in frame order.
    Targets {
        partition: String,
        targets: Vec<Target>,
    },
    /// What an HMC command line printed.
    Hmc(HmcAnswer),
    HmcNames(Names),
    /// `PlaceEvacuation`'s verdicts, one per partition, in its order.
    Placed(Vec<Validation>),
}

/// One frame as a target for a partition: its checks, and the room it would have left.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub frame: String,
    pub validation: Validation,
    /// Processors and memory (GiB) free on the frame once the partition is there (on its own
    /// frame: free now). Negative when it does not fit.
    pub cpus_left: f64,
    pub memory_left_gib: f64,
}

/// The output of one HMC command line, as `lpm hmc` would print it.
#[derive(Debug, Clone, PartialEq)]
pub struct HmcAnswer {
    pub line: String,
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
    /// Moves `migrlpar -o m` started (the dashboard says when they end).
    pub started: Vec<Started>,
    /// The names completion offers after the command.
    pub names: Names,
}

/// A move the command line started.
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    pub id: MoveId,
    pub partition: String,
    pub to: String,
}

/// Everything the dashboard learns from one turn of the engine.
#[derive(Debug, Clone)]
pub struct Update {
    pub snapshot: Snapshot,
    pub events: Vec<Event>,
    pub replies: Vec<Reply>,
    /// The analytic forecast for moving the watched partition now.
    pub forecast: Option<(PartitionId, Prediction)>,
    /// The watched partition's checks against the next frame, while it is not moving.
    pub preview: Option<Validation>,
    /// The simulated seconds per wall second achieved lately, when the engine cannot keep up.
    pub lagging: Option<f64>,
    /// The time scale in force while a suspend window plays in slow motion.
    pub slow_motion: Option<f64>,
    /// The presenter script's progress, when one plays.
    pub presenter: Option<PresenterView>,
}

/// Where a presenter script stands, for the banner.
#[derive(Debug, Clone, PartialEq)]
pub struct PresenterView {
    pub title: String,
    /// The latest caption, and the simulated time its step fired.
    pub caption: Option<String>,
    pub caption_t: f64,
    /// Steps fired, of `steps`.
    pub fired: usize,
    pub steps: usize,
    pub waiting_for_key: bool,
    /// Running ahead to the next step at full speed.
    pub fast_forward: bool,
    pub finished: bool,
    /// The time scale in force (the script's steps change it).
    pub scale: f64,
    /// The presenter's own factor on the script's scale (`<`/`>`): 1 until they change it,
    /// and kept across the script's later speed steps.
    pub factor: f64,
    /// How many times the script restarted: the dashboard starts afresh when it changes.
    pub generation: u32,
}
