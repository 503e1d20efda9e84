//! Frames' power: the states a frame goes through when powered off and on, the actions that
//! do it (refused when unsafe), each frame's utilisation, and the energy it draws, integrated
//! over simulated time.
//!
//! A frame draws `idle_w + (max_w - idle_w) x utilisation` while operating, `idle_w` while
//! powering off or on (firmware and fans run; no partition does), nothing while off. Watts
//! change only when something the event stream reports happens (a partition lands, goes down,
//! changes its load; a frame changes state), so the energy is summed per interval of constant
//! watts: at each step the engine looks whether events were emitted since the watts were last
//! worked out, and only then closes the interval and works them out again. A step costs
//! nothing more when nothing changed, and a scenario that never uses energy runs as before.

use serde::{Deserialize, Serialize};

use super::clock::secs_to_ns;
use super::outcome::{Applied, Effect, Outcome, Reason, Refused};
use super::{Engine, EventKind, FrameId};
use crate::spec::{Action, PowerState, Scenario};
use crate::units::num;

/// The energy ledger: watts per frame since `since_ns`, and what was drawn before.
#[derive(Debug, Clone, Default)]
pub(super) struct Energy {
    /// Each frame's draw since `since_ns`, W.
    watts: Vec<f64>,
    /// Each frame's energy up to `since_ns`, J.
    joules: Vec<f64>,
    /// Each frame's time powered off up to `since_ns`, ns.
    off_ns: Vec<u64>,
    /// Each frame was off when the interval opened (its state then, not now).
    off: Vec<bool>,
    since_ns: u64,
    /// `Engine::emitted` when the watts were last worked out.
    seen: u64,
    /// The scenario uses energy (a power model, a load, a power action, a policy that acts on
    /// them): the summary reports it.
    pub(super) in_use: bool,
}

impl Energy {
    pub(super) fn new(s: &Scenario) -> Energy {
        let in_use = s.systems.iter().any(|f| f.power.is_some() || f.powered_off)
            || s.partitions.iter().any(|p| p.cpu_load.is_some())
            || !s.policy.balancer.is_off()
            || !s.policy.consolidation.is_off()
            || s.script.iter().any(|st| {
                matches!(
                    st.action,
                    Action::PowerOff { .. } | Action::PowerOn { .. } | Action::SetCpuLoad { .. }
                )
            });
        Energy {
            in_use,
            // Worked out at the first step (`seen` differs from the engine's count).
            seen: u64::MAX,
            ..Energy::default()
        }
    }
}

/// One frame at a moment: its state, draw, energy and use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameEnergy {
    pub name: String,
    pub state: PowerState,
    pub watts: f64,
    pub energy_wh: f64,
    /// Processors its running partitions keep busy, percent of its processors.
    pub cpu_percent: f64,
    /// Memory its partitions hold, percent of its memory.
    pub memory_percent: f64,
    /// Seconds it spent powered off.
    pub off_s: f64,
}

/// The estate's energy at a moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnergyReport {
    pub t: f64,
    pub energy_wh: f64,
    /// What the estate would have drawn with no frame ever off: the idle draw of every frame
    /// for the time it was off, on top of what it drew (the load's share moved with the
    /// partitions, so it is counted once either way).
    pub all_on_wh: f64,
    pub saved_wh: f64,
    pub watts: f64,
    pub frames: Vec<FrameEnergy>,
}

impl Engine {
    /// Processors busy on each frame: what its running partitions use.
    pub(super) fn busy_cpus(&self) -> Vec<f64> {
        let mut busy = vec![0.0; self.world.frames.len()];
        for p in &self.world.partitions {
            busy[p.frame.index()] += p.cpus_busy();
        }
        busy
    }

    /// A frame's utilisation, percent: processors its running partitions keep busy over its
    /// processors (0 when it is not operating).
    pub fn utilisation(&self, f: FrameId) -> f64 {
        let frame = self.world.frame(f);
        if !frame.operating() {
            return 0.0;
        }
        let busy: f64 = self
            .world
            .partitions
            .iter()
            .filter(|p| p.frame == f)
            .map(|p| p.cpus_busy())
            .sum();
        100.0 * busy / frame.spec.cpus.max(f64::MIN_POSITIVE)
    }

    /// What a frame draws now, W.
    pub fn watts(&self, f: FrameId) -> f64 {
        let frame = self.world.frame(f);
        match frame.power_state {
            _ if frame.failed => 0.0,
            PowerState::Operating => frame.power.watts(self.utilisation(f) / 100.0),
            PowerState::PoweringOff | PowerState::PoweringOn => frame.power.idle_w,
            PowerState::PoweredOff => 0.0,
        }
    }

    /// Whether the run uses energy (the summary then reports it).
    pub fn energy_in_use(&self) -> bool {
        self.energy.in_use
    }

    /// Closes the interval of constant watts at `at_ns` when events have changed the world
    /// since it opened, and opens the next.
    pub(super) fn account_energy(&mut self, at_ns: u64) {
        if self.energy.seen == self.emitted {
            return;
        }
        let frames = self.world.frames.len();
        let e = &mut self.energy;
        e.joules.resize(frames, 0.0);
        e.off_ns.resize(frames, 0);
        e.watts.resize(frames, 0.0);
        e.off.resize(frames, false);
        let dt = at_ns.saturating_sub(e.since_ns);
        for f in 0..frames {
            e.joules[f] += e.watts[f] * dt as f64 / 1e9;
            if e.off[f] {
                e.off_ns[f] += dt;
            }
        }
        let busy = self.busy_cpus();
        let watts: Vec<f64> = (0..frames)
            .map(|f| {
                let frame = &self.world.frames[f];
                match frame.power_state {
                    _ if frame.failed => 0.0,
                    PowerState::Operating => frame
                        .power
                        .watts(busy[f] / frame.spec.cpus.max(f64::MIN_POSITIVE)),
                    PowerState::PoweringOff | PowerState::PoweringOn => frame.power.idle_w,
                    PowerState::PoweredOff => 0.0,
                }
            })
            .collect();
        let off: Vec<bool> = self
            .world
            .frames
            .iter()
            .map(|f| f.power_state == PowerState::PoweredOff)
            .collect();
        let e = &mut self.energy;
        e.watts = watts;
        e.off = off;
        e.since_ns = at_ns;
        e.seen = self.emitted;
    }

    /// The estate's energy from the start to `t_s` (at least the last change's time).
    pub fn energy_report(&self, t_s: f64) -> EnergyReport {
        let e = &self.energy;
        let at = secs_to_ns(t_s).max(e.since_ns);
        let dt = at - e.since_ns;
        let busy = self.busy_cpus();
        let frames: Vec<FrameEnergy> = self
            .world
            .frame_ids()
            .map(|f| {
                let k = f.index();
                let frame = self.world.frame(f);
                let watts = e.watts.get(k).copied().unwrap_or(0.0);
                let joules = e.joules.get(k).copied().unwrap_or(0.0) + watts * dt as f64 / 1e9;
                let off = e.off_ns.get(k).copied().unwrap_or(0)
                    + if e.off.get(k).copied().unwrap_or(false) {
                        dt
                    } else {
                        0
                    };
                let (mem, _) = self.usage(f);
                FrameEnergy {
                    name: frame.spec.name.clone(),
                    state: frame.power_state,
                    watts,
                    energy_wh: joules / 3600.0,
                    cpu_percent: 100.0 * busy[k] / frame.spec.cpus.max(f64::MIN_POSITIVE),
                    memory_percent: 100.0 * mem / frame.spec.memory_gib.max(f64::MIN_POSITIVE),
                    off_s: off as f64 / 1e9,
                }
            })
            .collect();
        let energy_wh: f64 = frames.iter().map(|f| f.energy_wh).sum();
        let saved_wh: f64 = self
            .world
            .frames
            .iter()
            .zip(&frames)
            .map(|(f, r)| f.power.idle_w * r.off_s / 3600.0)
            .sum();
        EnergyReport {
            t: at as f64 / 1e9,
            energy_wh,
            all_on_wh: energy_wh + saved_wh,
            saved_wh,
            watts: frames.iter().map(|f| f.watts).sum(),
            frames,
        }
    }

    /// Power transitions that end at or before `now`.
    pub(super) fn finish_power_transitions(&mut self, now: u64) {
        for f in self.world.frame_ids() {
            let frame = &mut self.world.frames[f.index()];
            let Some(at) = frame.transition_ends_ns.filter(|&at| at <= now) else {
                continue;
            };
            frame.transition_ends_ns = None;
            let (state, kind) = match frame.power_state {
                PowerState::PoweringOff => (PowerState::PoweredOff, "off"),
                PowerState::PoweringOn => (PowerState::Operating, "on"),
                _ => continue,
            };
            frame.power_state = state;
            let system = frame.spec.name.clone();
            self.emit(
                at,
                if kind == "off" {
                    EventKind::FramePoweredOff { system }
                } else {
                    EventKind::FrameOperating { system }
                },
            );
        }
    }

    /// Whether a frame is powering off or on.
    pub(super) fn power_in_transition(&self) -> bool {
        self.world
            .frames
            .iter()
            .any(|f| f.transition_ends_ns.is_some())
    }

    /// Why frame `f` cannot be powered off now, if it cannot.
    pub fn power_off_refusal(&self, f: FrameId) -> Option<Refused> {
        let frame = self.world.frame(f);
        let name = &frame.spec.name;
        if frame.failed {
            return Some(Refused::new(
                Reason::PowerState,
                format!("{name} has failed: repair it before powering it off"),
            ));
        }
        if frame.power_state != PowerState::Operating {
            return Some(Refused::new(
                Reason::PowerState,
                format!("{name} is {} already", frame.power_state.label()),
            ));
        }
        let running: Vec<&str> = self
            .world
            .partitions
            .iter()
            .filter(|p| p.frame == f && p.is_running())
            .map(|p| p.spec.name.as_str())
            .collect();
        if !running.is_empty() {
            let shown = running
                .iter()
                .take(5)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if running.len() > 5 {
                format!(" and {} more", running.len() - 5)
            } else {
                String::new()
            };
            return Some(Refused::new(
                Reason::FrameInUse,
                format!(
                    "{name} still runs {} ({shown}{more}): evacuate it first",
                    crate::units::plural(running.len(), "partition", "partitions")
                ),
            ));
        }
        let moving: Vec<&str> = self
            .in_flight
            .iter()
            .map(|&m| &self.moves[m.index()])
            .filter(|m| m.from == f || m.to == f)
            .map(|m| self.world.partition(m.partition).spec.name.as_str())
            .collect();
        if !moving.is_empty() {
            return Some(Refused::new(
                Reason::FrameInUse,
                format!(
                    "moves involve {name} ({}): wait for them to end",
                    moving.join(", ")
                ),
            ));
        }
        None
    }

    pub(super) fn power_off(&mut self, f: FrameId) -> Outcome {
        if let Some(refused) = self.power_off_refusal(f) {
            return Err(refused);
        }
        let now = self.clock.now_ns;
        self.energy.in_use = true;
        let frame = &mut self.world.frames[f.index()];
        let secs = frame.power.shutdown_s;
        frame.power_state = PowerState::PoweringOff;
        frame.transition_ends_ns = Some(now.saturating_add(secs_to_ns(secs)));
        let system = frame.spec.name.clone();
        self.emit(
            now,
            EventKind::FramePoweringOff {
                system: system.clone(),
            },
        );
        // A zero shutdown time ends at once.
        self.finish_power_transitions(now);
        Ok(Applied::new(
            Effect::Power { frame: f },
            format!("{system} powering off ({} s)", num(secs)),
        ))
    }

    pub(super) fn power_on(&mut self, f: FrameId) -> Outcome {
        let now = self.clock.now_ns;
        let frame = &mut self.world.frames[f.index()];
        let system = frame.spec.name.clone();
        if frame.power_state != PowerState::PoweredOff {
            return Err(Refused::new(
                Reason::PowerState,
                format!(
                    "{system} is {}: only a frame that is off powers on",
                    frame.power_state.label()
                ),
            ));
        }
        self.energy.in_use = true;
        let secs = frame.power.boot_s;
        frame.power_state = PowerState::PoweringOn;
        frame.transition_ends_ns = Some(now.saturating_add(secs_to_ns(secs)));
        self.emit(
            now,
            EventKind::FramePoweringOn {
                system: system.clone(),
                boot_s: secs,
            },
        );
        self.finish_power_transitions(now);
        Ok(Applied::new(
            Effect::Power { frame: f },
            format!("{system} powering on ({} s to boot)", num(secs)),
        ))
    }

    pub(super) fn set_cpu_load(&mut self, p: super::PartitionId, percent: f64) -> Outcome {
        let now = self.clock.now_ns;
        self.energy.in_use = true;
        self.world.partition_mut(p).cpu_load_pct = percent;
        let name = self.world.partition(p).spec.name.clone();
        self.emit(
            now,
            EventKind::CpuLoadChanged {
                partition: name.clone(),
                percent,
            },
        );
        Ok(Applied::new(
            Effect::Tuned { partition: p },
            format!("{name}: CPU load {}%", num(percent)),
        ))
    }
}
