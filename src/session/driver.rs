//! The engine's side of the dashboard: it owns the `Engine`, turns the dashboard's requests into
//! engine actions, maps wall-clock time to simulated time (scale, pause, slow motion through the
//! suspend window) and hands back snapshots. The runtime runs it on its own thread; tests and
//! benches drive it directly with simulated time.

use std::time::{Duration, Instant};

use super::messages::{PresenterView, Reply, Request, Update};
use crate::Scenario;
use crate::engine::{Engine, Event, FrameId, PartitionId, Reason, Refused};
use crate::hmc::Session;
use crate::presenter::{Loaded, Timeline};
use crate::spec::Action;

/// A presenter script playing in the driver.
struct Presenter {
    loaded: Loaded,
    timeline: Timeline,
    caption: Option<(String, f64)>,
    fast_forward: bool,
    generation: u32,
    /// Events taken from the engine by the timeline, for the next update.
    events: Vec<Event>,
}

/// The time scale while running ahead to the next step (and the most any scale may be).
const FAST_FORWARD_SCALE: f64 = 1000.0;

/// The least time scale a presenter's factor may bring the script's to.
const MIN_SCALE: f64 = 0.001;

/// Wall seconds a suspend window lasts in slow motion.
const SLOW_MOTION_WALL_S: f64 = 2.0;

pub struct Driver {
    /// The HMC session over the engine: the one engine the dashboard shows, which the `:`
    /// command line drives as `lpm hmc` does (`self.hmc.estate.engine`).
    pub(super) hmc: Session,
    /// Engine events taken aside before an HMC command (which drains the engine's own), for
    /// the next update.
    pub(super) held: Vec<Event>,
    pub paused: bool,
    /// The time scale in force.
    pub scale: f64,
    /// Presenting: the scale the script's steps asked for last, and the presenter's factor on
    /// it (`<`/`>`), so that the script's next speed step keeps the presenter's speed-up.
    script_scale: f64,
    factor: f64,
    pub slow_motion: bool,
    watch: Option<PartitionId>,
    cells: usize,
    pub(super) replies: Vec<Reply>,
    changed: bool,
    lagging: Option<f64>,
    presenter: Option<Presenter>,
}

impl Driver {
    pub fn new(scenario: &Scenario) -> Result<Driver, String> {
        Ok(Driver {
            hmc: Session::new(scenario)?,
            held: Vec::new(),
            paused: false,
            scale: 1.0,
            script_scale: 1.0,
            factor: 1.0,
            slow_motion: true,
            watch: None,
            cells: 0,
            replies: Vec::new(),
            changed: true,
            lagging: None,
            presenter: None,
        })
    }

    /// A driver playing a presenter script. `auto_keys`: `Key` steps fire on their own after
    /// the script's `key_hold_s` (recordings and tests).
    pub fn with_script(loaded: &Loaded, auto_keys: bool) -> Result<Driver, String> {
        let mut d = Driver::new(&loaded.scenario)?;
        d.scale = loaded.script.time_scale;
        d.script_scale = d.scale;
        d.presenter = Some(Presenter {
            loaded: loaded.clone(),
            timeline: Timeline::new(&loaded.script, auto_keys),
            caption: None,
            fast_forward: false,
            generation: 0,
            events: Vec::new(),
        });
        // Steps at 0 s fire before the first frame.
        d.advance_sim(Duration::ZERO);
        Ok(d)
    }

    /// Running ahead to the next step of the presenter script (as fast as the engine goes:
    /// not a lag to report).
    pub fn fast_forwarding(&self) -> bool {
        self.presenter.as_ref().is_some_and(|p| p.fast_forward)
    }

    /// Every step of the presenter script has fired (true when there is none).
    pub fn script_finished(&self) -> bool {
        self.presenter
            .as_ref()
            .is_none_or(|p| p.timeline.finished())
    }

    /// Advances the engine, through the presenter's timeline when one plays.
    fn step_engine(&mut self, dt: Duration) {
        let scale = self.effective_scale();
        let Some(p) = self.presenter.as_mut() else {
            self.hmc.estate.engine.advance(dt);
            return;
        };
        let mut fired = Vec::new();
        p.timeline.advance(
            &mut self.hmc.estate.engine,
            dt,
            scale,
            &mut p.events,
            &mut fired,
        );
        for f in fired {
            p.fast_forward = false;
            if let Some(c) = f.caption {
                p.caption = Some((c, f.t));
            }
            if let Some(s) = f.scale {
                // The presenter's `>` stays: their factor applies to the script's new scale.
                self.script_scale = s;
                self.scale = (s * self.factor).clamp(MIN_SCALE, FAST_FORWARD_SCALE);
            }
            if let Some((action, result)) = f.action {
                self.replies.push(Reply::Applied { action, result });
            }
        }
    }

    fn presenter_view(&self) -> Option<PresenterView> {
        self.presenter.as_ref().map(|p| PresenterView {
            title: p.loaded.script.title.clone(),
            caption: p.caption.as_ref().map(|c| c.0.clone()),
            caption_t: p.caption.as_ref().map_or(0.0, |c| c.1),
            fired: p.timeline.fired(),
            steps: p.timeline.len(),
            waiting_for_key: p.timeline.waiting_for_key(),
            fast_forward: p.fast_forward,
            finished: p.timeline.finished(),
            scale: self.scale,
            factor: self.factor,
            generation: p.generation,
        })
    }

    /// The engine it drives, to read (changes go through requests).
    pub fn engine(&self) -> &Engine {
        &self.hmc.estate.engine
    }

    /// Something new to show since the last update.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Carries out a request; its reply comes with the next update.
    pub fn execute(&mut self, request: Request) {
        self.changed = true;
        match request {
            Request::Apply(action) => {
                let result = self.hmc.estate.engine.apply(&action);
                self.replies.push(Reply::Applied { action, result });
            }
            Request::Validate { partition, to } => {
                match self.hmc.estate.engine.validate_named(&partition, &to) {
                    Ok(v) => {
                        // Through `apply` too, so that the log records the outcome.
                        let _ = self
                            .hmc
                            .estate
                            .engine
                            .apply(&Action::validate(partition, to));
                        self.replies.push(Reply::Validated(v));
                    }
                    Err(e) => self.replies.push(Reply::Failed(e.message)),
                }
            }
            Request::Migrate { partition, to } => {
                if let Err(e) = self.hmc.estate.engine.validate_named(&partition, &to) {
                    self.replies.push(Reply::Failed(e.message));
                    return;
                }
                let action = Action::migrate(partition, to);
                match self.hmc.estate.engine.apply(&action) {
                    // Nothing moved: every check, for the popup.
                    Err(Refused {
                        reason: Reason::Invalid(v),
                        ..
                    }) => self.replies.push(Reply::MigrateRefused(v)),
                    result => self.replies.push(Reply::Applied { action, result }),
                }
            }
            Request::PlaceEvacuation {
                from,
                to,
                partitions,
            } => {
                let e = self.engine();
                let ids: Result<Vec<PartitionId>, _> =
                    partitions.iter().map(|p| e.find_partition(p)).collect();
                match (e.find_frame(&from), e.find_frame(&to), ids) {
                    (Ok(f), Ok(t), Ok(ids)) => {
                        let placed = e.place(&ids, f, Some(t), &Default::default());
                        let v = placed.into_iter().map(|(_, v)| v).collect();
                        self.replies.push(Reply::Placed(v));
                    }
                    (f, t, ids) => {
                        let why = [f.err(), t.err(), ids.err()].into_iter().flatten();
                        let why: Vec<String> = why.map(|r| r.message).collect();
                        self.replies.push(Reply::Failed(why.join("; ")));
                    }
                }
            }
            Request::ExportRounds { path, csv } => match write_new(&path, &csv) {
                Ok(written) => self.replies.push(Reply::Exported(written)),
                Err(e) => self
                    .replies
                    .push(Reply::Failed(format!("cannot write {path}: {e}"))),
            },
            Request::Pause(p) => self.paused = p,
            Request::Scale(s) => {
                self.scale = s;
                if self.presenter.is_some() {
                    self.factor = s / self.script_scale.max(MIN_SCALE);
                }
            }
            Request::Targets { partition } => self.targets(&partition),
            Request::Hmc { line } => {
                let answer = self.run_hmc(&line);
                self.replies.push(Reply::Hmc(answer));
            }
            Request::HmcNames => self.replies.push(Reply::HmcNames(self.hmc.names())),
            Request::ExportLog { path, text } => match write_new(&path, &text) {
                Ok(written) => self.replies.push(Reply::ExportedLog(written)),
                Err(e) => self
                    .replies
                    .push(Reply::Failed(format!("cannot write {path}: {e}"))),
            },
            Request::SlowMotion(on) => self.slow_motion = on,
            Request::Watch { partition, cells } => {
                self.watch = partition;
                self.cells = cells;
            }
            Request::Next => {
                if let Some(p) = self.presenter.as_mut() {
                    if p.timeline.waiting_for_key() {
                        p.timeline.press();
                        // Fire it now, even while paused.
                        self.step_engine(Duration::ZERO);
                    } else if !p.timeline.finished() {
                        p.fast_forward = true;
                    }
                }
            }
            Request::Restart => {
                if let Some(p) = self.presenter.as_mut() {
                    match Session::new(&p.loaded.scenario) {
                        Ok(session) => {
                            self.hmc = session;
                            self.held.clear();
                            p.timeline = Timeline::new(&p.loaded.script, p.timeline.auto_keys);
                            p.caption = None;
                            p.fast_forward = false;
                            p.generation += 1;
                            p.events.clear();
                            self.scale = p.loaded.script.time_scale;
                            self.script_scale = self.scale;
                            self.factor = 1.0;
                            self.paused = false;
                            self.replies.clear();
                            self.step_engine(Duration::ZERO);
                        }
                        Err(e) => self.replies.push(Reply::Failed(e)),
                    }
                }
            }
            Request::Quit => {}
        }
    }

    /// Advances simulated time by exactly `dt`, whatever the scale or pause.
    pub fn advance_sim(&mut self, dt: Duration) {
        self.step_engine(dt);
        self.changed = true;
    }

    /// The time scale in force now: the operator's, or slower while a suspend window plays in
    /// slow motion so that the audience sees it open and close (~2 s of wall time).
    pub fn effective_scale(&self) -> f64 {
        if self.presenter.as_ref().is_some_and(|p| p.fast_forward) {
            return FAST_FORWARD_SCALE;
        }
        self.slow_motion_scale().unwrap_or(self.scale)
    }

    fn slow_motion_scale(&self) -> Option<f64> {
        if !self.slow_motion {
            return None;
        }
        let window_ns = self
            .hmc
            .estate
            .engine
            .moves()
            .iter()
            .filter_map(|m| m.suspend_window_ns())
            .map(|(opened, closes)| closes.saturating_sub(opened))
            .max()?;
        let scale = (window_ns as f64 / 1e9 / SLOW_MOTION_WALL_S).max(0.001);
        (scale < self.scale).then_some(scale)
    }

    fn live_precopy(&self) -> bool {
        self.hmc.estate.engine.switchover_possible()
    }

    /// Advances simulated time for `wall` of wall-clock time at the scale in force. With a
    /// `deadline`, stops when the wall clock passes it (the engine could not keep up) and
    /// drops the rest; returns the simulated time advanced.
    pub fn advance_wall(&mut self, wall: Duration, deadline: Option<Instant>) -> Duration {
        if self.paused {
            return Duration::ZERO;
        }
        let mut wall_left = wall.as_secs_f64();
        let mut advanced = 0.0;
        while wall_left > 1e-12 {
            let scale = self.effective_scale();
            let mut sim = wall_left * scale;
            // Step finely while a switch-over may come, so that slow motion starts on time;
            // coarsely otherwise, but in slices a deadline can interrupt.
            let slice = if self.slow_motion && self.live_precopy() {
                0.001
            } else if deadline.is_some() {
                0.010
            } else {
                sim
            };
            sim = sim.min(slice.max(1e-9));
            self.step_engine(Duration::from_secs_f64(sim));
            advanced += sim;
            wall_left -= sim / scale;
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
        }
        self.changed = true;
        Duration::from_secs_f64(advanced)
    }

    /// Records how fast the simulation really runs, when slower than asked.
    pub fn set_lagging(&mut self, achieved: Option<f64>) {
        self.lagging = achieved;
    }

    /// The world now, the events since the last update and the replies to requests.
    pub fn update(&mut self) -> Update {
        self.changed = false;
        let pi = self
            .watch
            .filter(|p| p.index() < self.hmc.estate.engine.partitions().len());
        let map_for = pi.and_then(|p| self.hmc.estate.engine.last_move_of(p).map(|m| m.id()));
        let snapshot = self.hmc.estate.engine.snapshot_with(map_for, self.cells);
        let frames = self.hmc.estate.engine.frames().len();
        let preview = pi
            .filter(|&p| frames > 1 && self.hmc.estate.engine.move_of(p).is_none())
            .map(|p| {
                let to = (self.hmc.estate.engine.partition(p).frame().index() + 1) % frames;
                self.hmc.estate.engine.validate(p, FrameId::new(to))
            });
        let mut events = self
            .presenter
            .as_mut()
            .map(|p| std::mem::take(&mut p.events))
            .unwrap_or_default();
        events.append(&mut self.held);
        events.extend(self.hmc.estate.engine.drain_events());
        Update {
            presenter: self.presenter_view(),
            preview,
            forecast: pi.map(|p| (p, self.hmc.estate.engine.predict_move(p))),
            snapshot,
            events,
            replies: std::mem::take(&mut self.replies),
            lagging: self.lagging,
            slow_motion: self.slow_motion_scale(),
        }
    }
}

/// The most names [`write_new`] tries: `NAME.csv`, then `NAME-2.csv` to `NAME-100.csv`.
pub const MAX_EXPORT_NAMES: u32 = 100;

/// Writes `body` to a file that did not exist, and returns its name: `path` if it is free,
/// else the first free `STEM-N.EXT`. A file of that name is never truncated, and a symbolic
/// link of that name is never followed (`create_new` is `O_CREAT | O_EXCL`, which fails on a
/// link whatever it points to), so an export can neither lose a file nor write through a link.
pub fn write_new(path: &str, body: &str) -> std::io::Result<String> {
    use std::io::Write;
    let (stem, ext) = match path.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && !e.contains('/') => (s, Some(e)),
        _ => (path, None),
    };
    for n in 1..=MAX_EXPORT_NAMES {
        let name = match (n, ext) {
            (1, _) => path.to_string(),
            (n, Some(e)) => format!("{stem}-{n}.{e}"),
            (n, None) => format!("{stem}-{n}"),
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&name)
        {
            Ok(mut f) => {
                f.write_all(body.as_bytes())?;
                return Ok(name);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!(
            "it and {} other names like it exist already",
            MAX_EXPORT_NAMES - 1
        ),
    ))
}
