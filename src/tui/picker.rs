//! The target picker: with more than two frames, `m` asks the driver for every frame's
//! verdict on the selected partition (`Request::Targets`, from `Engine::validate_targets`)
//! and lists them with the room each would have left; Enter goes on into the migration to the
//! chosen frame exactly as `m` does with two frames.

use super::app::App;
use super::keymap::Command;
use crate::session::{Request, Target};

/// The picker's state: the partition, every frame's verdict, the highlighted row.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    /// The partition as the engine is told it (`frame/name` when the name is not unique).
    pub partition: String,
    /// As the operator reads it.
    pub name: String,
    pub from: String,
    pub targets: Vec<Target>,
    pub selected: usize,
}

impl Picker {
    pub fn new(partition: String, name: String, from: String, targets: Vec<Target>) -> Picker {
        // The first frame it can move to; else the first other frame.
        let selected = targets
            .iter()
            .position(|t| t.validation.ok())
            .or_else(|| targets.iter().position(|t| t.frame != from))
            .unwrap_or(0);
        Picker {
            partition,
            name,
            from,
            targets,
            selected,
        }
    }
}

impl App {
    /// The driver's verdicts for `partition` (as the engine was told it): the picker opens on
    /// them.
    pub(super) fn open_picker(&mut self, partition: String, targets: Vec<Target>) {
        let (frame, name) = match partition.split_once('/') {
            Some((f, n)) => (Some(f), n),
            None => (None, partition.as_str()),
        };
        let from = self
            .snap
            .partitions
            .iter()
            .find(|p| p.name == name && frame.is_none_or(|f| self.snap.system(p.system).name == f))
            .map(|p| self.snap.system(p.system).name.clone())
            .unwrap_or_default();
        let name = name.to_string();
        self.picker = Some(Picker::new(partition, name, from, targets));
    }

    pub(super) fn picker_command(&mut self, cmd: Command) {
        let Some(p) = &mut self.picker else {
            return;
        };
        let n = p.targets.len();
        match cmd {
            Command::Up => p.selected = p.selected.saturating_sub(1),
            Command::Down => p.selected = (p.selected + 1).min(n.saturating_sub(1)),
            Command::Choose => {
                let Some(p) = self.picker.take() else {
                    return;
                };
                if let Some(t) = p.targets.get(p.selected) {
                    self.migrate_to(p.partition, t.frame.clone());
                }
            }
            Command::Close => {
                self.picker = None;
                self.say("no target chosen: nothing moved".into(), false);
            }
            _ => self.command(cmd),
        }
    }

    /// The migration itself, once the target is known: the driver validates and starts it, or
    /// answers with every check when it cannot.
    pub(super) fn migrate_to(&mut self, partition: String, to: String) {
        self.requests.push(Request::Migrate { partition, to });
    }
}
