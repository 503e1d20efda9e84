//! Destructive actions wait for the operator's yes (as gitui's `ConfirmAction`): the command
//! opens a question whose answer defaults to No, and only Yes sends the action to the engine.

use super::app::{App, Popup};
use super::fmt;
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
    let lines = if m.phase == crate::engine::Phase::Queued {
        vec![
            format!(
                "{} is queued for {} → {}, waiting for a mover slot; nothing has been sent.",
                p.name, m.from, m.to
            ),
            "Stopping takes it off the queue; the partition runs on, on the source.".into(),
        ]
    } else if m.inactive {
        vec![
            format!(
                "{} (not activated) is moving its profile, {} → {}.",
                p.name, m.from, m.to
            ),
            "The profile stays on the source.".into(),
        ]
    } else {
        vec![
            format!(
                "{} is in {} (round {}), {} → {}.",
                p.name,
                m.phase.label(),
                m.round,
                m.from,
                m.to
            ),
            "The target shell is removed; the partition runs on, on the source.".into(),
        ]
    };
    (format!("Stop the move of {}?", p.name), lines)
}

/// The question's live line: how long until the move passes the point of no return (it
/// resumes on the target, and a stop is refused), or that it already has.
pub fn point_of_no_return(m: &MoveView) -> Option<(String, bool)> {
    use crate::engine::Phase;
    let fmt_s = super::fmt::secs;
    match m.phase {
        Phase::PreCopy if m.stalled_s.is_some() => Some((
            "Stalled: its path is down, nothing moves until it is back.".into(),
            false,
        )),
        Phase::PreCopy => m
            .eta_switchover_s
            .filter(|s| s.is_finite() && *s < 1e7)
            .map(|s| {
                (
                    format!(
                        "Point of no return in about {} (it resumes on the target).",
                        fmt_s(s + m.expected_downtime_ms / 1000.0)
                    ),
                    false,
                )
            }),
        Phase::Suspended => {
            let left = (m.expected_downtime_ms - m.suspend_elapsed_ms.unwrap_or(0.0)).max(0.0);
            Some((
                format!(
                    "SUSPENDED: it resumes on the target in about {}.",
                    super::fmt::ms(left)
                ),
                false,
            ))
        }
        Phase::Pulling | Phase::Completed => Some((
            "Too late: it resumed on the target; a stop will be refused.".into(),
            true,
        )),
        Phase::Stopped | Phase::Failed => Some(("The move has already ended.".into(), true)),
        Phase::Queued | Phase::Configuring => None,
    }
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
        let partitions: Vec<String> = staying.iter().map(|p| self.engine_name(p)).collect();
        let lines = vec![
            format!("Every partition of {from} that validates moves to {to}:"),
            format!("  {}", names.join(", ")),
            "Checking each against the placements before it…".into(),
        ];
        // The engine checks each partition as the evacuation would (`on_placed` fills in which
        // move and which stay): the operator says yes knowing what will be refused.
        self.requests.push(Request::PlaceEvacuation {
            from: from.clone(),
            to: to.clone(),
            partitions,
        });
        self.ask(
            Pending::Evacuate {
                from: from.clone(),
                to,
            },
            format!("Evacuate {from}?"),
            lines,
        );
    }

    /// The engine's verdicts for the evacuation asked about: the question says which
    /// partitions move and which stay, and why.
    pub(super) fn on_placed(&mut self, verdicts: Vec<crate::engine::Validation>) {
        let Some(Popup::Confirm {
            pending: Pending::Evacuate { from, to },
            lines,
            ..
        }) = &mut self.popup
        else {
            return;
        };
        let (ok, refused): (Vec<_>, Vec<_>) = verdicts.iter().partition(|v| v.ok());
        let slots = self
            .snap
            .systems
            .iter()
            .find(|s| &s.name == from)
            .map_or(0, |s| s.msp_slots);
        let mut out = Vec::new();
        if ok.is_empty() {
            out.push(format!(
                "No partition of {from} can move to {to}: nothing would move."
            ));
        } else {
            let names: Vec<&str> = ok.iter().map(|v| v.partition.as_str()).collect();
            out.push(format!(
                "{} to {to}: {}",
                fmt::plural(ok.len(), "partition moves", "partitions move"),
                names.join(", ")
            ));
            if ok.len() > slots as usize {
                out.push(format!(
                    "  They run {slots} at a time (the frame's mover slots); the rest queue."
                ));
            }
        }
        if !refused.is_empty() {
            out.push(format!(
                "{} on {from}, refused:",
                fmt::plural(refused.len(), "partition stays", "partitions stay")
            ));
            for v in refused {
                let why = v.errors().into_iter().next().unwrap_or_default();
                // The reasons name the partition already: "backup01 has dedicated I/O…".
                let why = why
                    .strip_prefix(&format!("{} ", v.partition))
                    .map_or(why.clone(), |rest| rest.to_string());
                out.push(format!("  ✗ {}: {why}", v.partition));
            }
        }
        *lines = out;
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
