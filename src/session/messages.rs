//! What the dashboard and the session say to each other: requests one way, updates (with the
//! replies to the requests) the other. Plain values, so the two can sit on different threads.

use crate::engine::{Event, Outcome, PartitionId, Prediction, Snapshot, Validation};
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
    /// `PlaceEvacuation`'s verdicts, one per partition, in its order.
    Placed(Vec<Validation>),
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
    /// How many times the script restarted: the dashboard starts afresh when it changes.
    pub generation: u32,
}
