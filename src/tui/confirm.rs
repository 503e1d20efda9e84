//! Destructive actions wait for the operator's yes (as gitui's `ConfirmAction`): the command
//! opens a question whose answer defaults to No, and only Yes sends the action to the engine.

use super::app::{App, Popup};
use super::keymap::Command;
use crate::engine::snapshot::{MoveView, PartitionView};
use crate::session::Request;
use crate::spec::Action;

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

/// The question before stopping a move that can still be stopped: its title and lines.
pub(super) fn stop_question(p: &PartitionView, m: &MoveView) -> (String, Vec<String>) {
    let lines = vec![
        format!(
            "{} is in {} (round {}), {} → {}.",
            p.name,
            m.phase.label(),
            m.round,
            m.from,
            m.to
        ),
        "The target shell is removed; the partition runs on, on the source.".into(),
    ];
    (format!("Stop the move of {}?", p.name), lines)
}

impl App {
    /// Asks before `pending`; No is highlighted until the operator moves to Yes.
    pub(super) fn ask(&mut self, pending: Pending, title: String, lines: Vec<String>) {
        self.popup = Some(Popup::Confirm {
            pending,
            title,
            lines,
            yes: false,
        });
    }

    pub(super) fn ask_remove_io(&mut self, p: &PartitionView) {
        if !p.dedicated_io {
            self.say(format!("{} has no dedicated I/O adapters", p.name), false);
            return;
        }
        self.ask(
            Pending::RemoveIo {
                partition: self.engine_name(p),
            },
            format!("Remove the dedicated I/O of {}?", p.name),
            vec![
                "Dynamic LPAR takes its physical adapters away while it runs;".into(),
                "whatever used them must fail over to virtual I/O first.".into(),
            ],
        );
    }

    /// The fault a key injects (x, X, M, F), on the link or the focused frame.
    pub(super) fn ask_fault(&mut self, cmd: Command) {
        let frame = self.snap.system(self.focus).name.clone();
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
                    msp: None,
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
        self.ask(
            Pending::Fault(action),
            title,
            vec![line.into(), "There is no undo for this run.".into()],
        );
    }

    /// Evacuating the focused frame: every partition not already moving.
    pub(super) fn ask_evacuate(&mut self) {
        if self.snap.systems.len() < 2 {
            self.say("there is no other frame to evacuate to".into(), true);
            return;
        }
        let from = self.snap.system(self.focus).name.clone();
        let to = self.snap.system(self.other_frame(self.focus)).name.clone();
        let staying: Vec<&PartitionView> = self
            .rows(self.focus)
            .into_iter()
            .map(|p| self.snap.partition(p))
            .filter(|p| self.move_in_flight(p).is_none())
            .collect();
        if staying.is_empty() {
            self.say(format!("{from} has no partition to move"), true);
            return;
        }
        let names: Vec<&str> = staying.iter().map(|p| p.name.as_str()).collect();
        let slots = self.snap.system(self.focus).msp_slots;
        let lines = vec![
            format!("Every partition of {from} that validates moves to {to}:"),
            format!("  {}", names.join(", ")),
            format!("Those that fail validation stay; beyond {slots} mover slots, moves queue."),
        ];
        self.ask(
            Pending::Evacuate {
                from: from.clone(),
                to,
            },
            format!("Evacuate {from}?"),
            lines,
        );
    }

    /// Quitting asks only while moves are in flight (they end with the simulation).
    pub(super) fn ask_quit(&mut self) {
        let busy = self.snap.in_flight + self.snap.queued;
        if busy == 0 {
            self.quit = true;
        } else {
            self.ask(
                Pending::Quit,
                "Quit?".into(),
                vec![format!(
                    "{busy} move{} still in flight; quitting ends the simulation.",
                    if busy == 1 { " is" } else { "s are" }
                )],
            );
        }
    }

    /// Enter: the answer highlighted.
    pub(super) fn choose(&mut self) {
        let yes = matches!(self.popup, Some(Popup::Confirm { yes: true, .. }));
        self.confirm(yes);
    }

    /// ←/→: moves the highlight between No and Yes.
    pub(super) fn toggle_answer(&mut self) {
        if let Some(Popup::Confirm { yes, .. }) = &mut self.popup {
            *yes = !*yes;
        }
    }

    /// The answer: Yes sends the action, No drops it.
    pub(super) fn confirm(&mut self, yes: bool) {
        let Some(Popup::Confirm { pending, .. }) = self.popup.take() else {
            return;
        };
        if !yes {
            self.say("cancelled".into(), false);
            return;
        }
        let action = match pending {
            Pending::Stop { partition } => Action::Stop { partition },
            Pending::Evacuate { from, to } => Action::Evacuate { from, to: Some(to) },
            Pending::RemoveIo { partition } => Action::RemoveDedicatedIo { partition },
            Pending::Fault(action) => action,
            Pending::Quit => {
                self.quit = true;
                return;
            }
        };
        self.requests.push(Request::Apply(action));
    }
}
