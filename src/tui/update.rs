//! What an update from the session does to the dashboard: the new snapshot, the events as log
//! lines, the presenter script's progress, and the replies to the dashboard's requests.

use super::app::{App, Popup};
use super::log::Level;
use crate::engine::{FrameId, Phase};
use crate::session::{Reply, Update};
use crate::spec::Action;

impl App {
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
                self.focus = FrameId::new(0);
                self.remembered = vec![None; self.remembered.len()];
                self.followed = None;
                self.console.watching.clear();
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
        self.watch_console_moves();
        if self.following() {
            self.follow_suspend();
        }
        if self.snap.recommendations.is_empty() {
            self.advice = None;
        } else if let Some(i) = self.advice {
            self.advice = Some(i.min(self.snap.recommendations.len() - 1));
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
                Ok(applied) => self.say(applied.message, false),
                // A refused stop is worth a popup: the operator asked for something that can
                // no longer happen (past the point of no return, or nothing left to stop).
                Err(refused) => match action {
                    Action::Stop { partition } => {
                        self.popup = Some(Popup::Notice {
                            title: format!("Stop refused: {partition}"),
                            text: refused.message,
                        })
                    }
                    _ => self.say(refused.message, true),
                },
            },
            Reply::Validated(v) => self.popup = Some(Popup::Validation { v, refused: false }),
            Reply::MigrateRefused(v) => self.popup = Some(Popup::Validation { v, refused: true }),
            Reply::Failed(e) => self.say(e, true),
            Reply::Exported(path) => self.say(format!("rounds written to {path}"), false),
            Reply::ExportedLog(path) => self.say(format!("log written to {path}"), false),
            Reply::Targets { partition, targets } => self.open_picker(partition, targets),
            Reply::Hmc(answer) => self.on_hmc_answer(answer),
            Reply::HmcNames(names) => self.console.names = names,
            Reply::Placed(verdicts) => self.on_placed(verdicts),
        }
    }

    /// Following: a move that has just entered its suspend window takes the detail pane.
    fn follow_suspend(&mut self) {
        let Some(m) = self
            .snap
            .moves
            .iter()
            .find(|m| m.phase == Phase::Suspended && Some(m.id) != self.followed)
        else {
            return;
        };
        self.followed = Some(m.id);
        let p = m.partition;
        self.selected = Some(p);
        self.focus = self.snap.partition(p).system;
    }
}
