//! Every change from outside the engine arrives here as an [`Action`], and leaves as an
//! [`Outcome`] and at least one event.

use super::outcome::{Applied, Effect, Outcome, Reason, Refused};
use super::{Engine, EventKind, Origin, secs_to_ns};
use crate::spec::Action;
use crate::units::num;

impl Engine {
    /// Carries out an action now, for an operator (the dashboard, the HMC, a presenter).
    /// Refusals are also reported as events, so that a script's every action leaves a trace.
    pub fn apply(&mut self, action: &Action) -> Outcome {
        self.apply_by(action, Origin::Operator)
    }

    /// Carries out an action asked for by `by`: the moves it starts (a migration, an
    /// evacuation's) say so in `migration_started`. The action itself stays a plain value.
    pub fn apply_by(&mut self, action: &Action, by: Origin) -> Outcome {
        let now = self.clock.now_ns;
        let before = self.events.len();
        let outer = std::mem::replace(&mut self.origin, by);
        let outcome = self.apply_inner(action);
        self.origin = outer;
        // Validation failures and refused stops report themselves; anything else refused is
        // reported here.
        if let Err(refused) = &outcome
            && self.events.len() == before
        {
            self.emit(now, Engine::refusal_event(action, refused));
        }
        outcome
    }

    fn apply_inner(&mut self, action: &Action) -> Outcome {
        let now = self.clock.now_ns;
        if let Some(problem) = action.problems().into_iter().next() {
            return Err(Refused::new(Reason::OutOfRange, problem));
        }
        match action {
            Action::Migrate {
                partition,
                to,
                source_msp,
                dest_msp,
                redundant,
                mappings,
            } => {
                let (p, t) = self.resolve_move(partition, to)?;
                let mut request = self.resolve_movers(p, t, source_msp, dest_msp, *redundant)?;
                request.mappings = self.resolve_mappings(p, t, mappings)?;
                self.migrate(p, t, request)
            }
            Action::Validate {
                partition,
                to,
                source_msp,
                dest_msp,
                redundant,
                mappings,
            } => {
                let (p, t) = self.resolve_move(partition, to)?;
                let mut request = self.resolve_movers(p, t, source_msp, dest_msp, *redundant)?;
                request.mappings = self.resolve_mappings(p, t, mappings)?;
                let v = self.validate_request(p, t, &request);
                if !v.ok() {
                    return Err(self.refuse_invalid(v));
                }
                let checks = v.checks.len();
                self.emit(
                    now,
                    EventKind::ValidationPassed {
                        partition: v.partition.clone(),
                        to: v.to.clone(),
                        checks,
                    },
                );
                Ok(Applied::new(
                    Effect::Validated {
                        partition: p,
                        checks,
                    },
                    format!(
                        "{} can move to {}: {checks} checks passed",
                        v.partition, v.to
                    ),
                ))
            }
            Action::Stop { partition } => {
                let p = self.find_partition(partition)?;
                self.stop(p, "stopped by operator")
            }
            Action::SetBandwidthCap { partition, mib_s } => {
                let p = self.find_partition(partition)?;
                self.world.partition_mut(p).bandwidth_cap_mib_s = Some(*mib_s);
                let name = self.world.partition(p).spec.name.clone();
                self.emit(
                    now,
                    EventKind::BandwidthCapChanged {
                        partition: name.clone(),
                        mib_s: Some(*mib_s),
                    },
                );
                Ok(Applied::new(
                    Effect::Tuned { partition: p },
                    format!("{name}: bandwidth cap {} MiB/s", num(*mib_s)),
                ))
            }
            Action::ClearBandwidthCap { partition } => {
                let p = self.find_partition(partition)?;
                self.world.partition_mut(p).bandwidth_cap_mib_s = None;
                let name = self.world.partition(p).spec.name.clone();
                self.emit(
                    now,
                    EventKind::BandwidthCapChanged {
                        partition: name.clone(),
                        mib_s: None,
                    },
                );
                Ok(Applied::new(
                    Effect::Tuned { partition: p },
                    format!("{name}: no bandwidth cap"),
                ))
            }
            Action::SetCpuThrottle { partition, percent } => {
                let p = self.find_partition(partition)?;
                // Its writes so far at the old throttle, the rest at the new one.
                self.sync_partition(p);
                self.world.partition_mut(p).cpu_throttle_pct = *percent;
                let name = self.world.partition(p).spec.name.clone();
                self.emit(
                    now,
                    EventKind::CpuThrottleChanged {
                        partition: name.clone(),
                        percent: *percent,
                    },
                );
                Ok(Applied::new(
                    Effect::Tuned { partition: p },
                    format!("{name}: CPU throttle {}%", num(*percent)),
                ))
            }
            Action::SetAutoConverge { partition, enabled } => {
                let p = self.find_partition(partition)?;
                let name = self.world.partition(p).spec.name.clone();
                let Some(id) = self.world.partition(p).active_move else {
                    return Err(Refused::new(
                        Reason::NotMoving {
                            already_completed: None,
                        },
                        format!("{name} is not moving"),
                    ));
                };
                let c = &mut self.moves[id.index()].convergence;
                c.auto_converge = *enabled;
                if !enabled {
                    c.auto_throttle_pct = 0.0;
                    c.auto_high_count = 0;
                }
                self.emit(
                    now,
                    EventKind::AutoConvergeChanged {
                        partition: name.clone(),
                        enabled: *enabled,
                    },
                );
                Ok(Applied::new(
                    Effect::Tuned { partition: p },
                    format!(
                        "{name}: auto-converge {}",
                        if *enabled { "on" } else { "off" }
                    ),
                ))
            }
            Action::Evacuate { from, to } => {
                let f = self.find_frame(from)?;
                let t = match to {
                    Some(to) => Some(self.find_frame(to)?),
                    None => None,
                };
                if t == Some(f) {
                    return Err(Refused::new(
                        Reason::SameFrame,
                        format!("cannot evacuate {from} onto itself"),
                    ));
                }
                let (moving, refused) = self.evacuate(f, t);
                Ok(Applied::new(
                    Effect::Evacuating {
                        from: f,
                        moving,
                        refused,
                    },
                    format!("evacuating {from}: {moving} moving, {refused} refused"),
                ))
            }
            Action::RemoveDedicatedIo { partition } => {
                let p = self.find_partition(partition)?;
                let name = self.world.partition(p).spec.name.clone();
                if !self.world.partition(p).spec.dedicated_io {
                    return Err(Refused::new(
                        Reason::NoChange,
                        format!("{name} has no dedicated I/O adapters to remove"),
                    ));
                }
                self.world.partition_mut(p).spec.dedicated_io = false;
                self.emit(
                    now,
                    EventKind::DedicatedIoRemoved {
                        partition: name.clone(),
                    },
                );
                Ok(Applied::new(
                    Effect::DedicatedIoRemoved { partition: p },
                    format!("{name}: dedicated I/O removed"),
                ))
            }
            Action::LinkDown { for_s } => {
                // Inside a longer outage, the outage still ends when it was going to.
                let until = self
                    .link_faults
                    .down(now.saturating_add(secs_to_ns(*for_s)));
                self.emit(
                    now,
                    EventKind::LinkDown {
                        until_s: until as f64 / 1e9,
                    },
                );
                Ok(Applied::new(
                    Effect::Fault,
                    format!("link down for {} s", num((until - now) as f64 / 1e9)),
                ))
            }
            Action::LinkDegrade {
                bandwidth_gbps,
                for_s,
            } => {
                let until = now.saturating_add(secs_to_ns(*for_s));
                // A link runs at most at its own bandwidth: report the rate in force.
                let gbps = bandwidth_gbps.min(self.world.link.bandwidth_gbps);
                self.link_faults.degrade(gbps, until);
                self.emit(
                    now,
                    EventKind::LinkDegraded {
                        bandwidth_gbps: gbps,
                        until_s: until as f64 / 1e9,
                    },
                );
                Ok(Applied::new(
                    Effect::Fault,
                    format!(
                        "link degraded to {} Gbit/s for {} s",
                        num(gbps),
                        num(*for_s)
                    ),
                ))
            }
            Action::MspFail { system, msp } => {
                let f = self.find_frame(system)?;
                let which = match msp {
                    Some(name) => Some(self.find_mover(f, name)?),
                    None => None,
                };
                let frame = self.world.frame(f);
                let already = match which {
                    Some(k) => frame.movers[k].failed,
                    None => frame.movers.iter().all(|m| m.failed),
                };
                if already {
                    return Err(Refused::new(
                        Reason::NoChange,
                        format!("the movers of {system} named have already failed"),
                    ));
                }
                self.fail_movers(f, which);
                Ok(Applied::new(
                    Effect::Fault,
                    match msp {
                        Some(name) => format!("mover {name} of {system} failed"),
                        None => format!("the mover service partitions of {system} failed"),
                    },
                ))
            }
            Action::FrameFail { system } => {
                let f = self.find_frame(system)?;
                if self.world.frame(f).failed {
                    return Err(Refused::new(
                        Reason::NoChange,
                        format!("{system} has already failed"),
                    ));
                }
                self.fail_frame(f);
                Ok(Applied::new(Effect::Fault, format!("{system} failed")))
            }
            Action::Recover { partition } => {
                let p = self.find_partition(partition)?;
                let name = self.world.partition(p).spec.name.clone();
                let part = self.world.partition(p);
                if !part.active && part.needs_recovery.is_some() {
                    // Lost with its data: the failed move cannot be cleaned up into a partition
                    // that runs again.
                    return Err(Refused::new(
                        Reason::NothingToRecover,
                        format!(
                            "{name} was lost with its data ({}): there is nothing to recover; \
                             restore it from a backup",
                            part.down.as_deref().unwrap_or("lost")
                        ),
                    ));
                }
                if self.world.partition_mut(p).needs_recovery.take().is_none() {
                    return Err(Refused::new(
                        Reason::NothingToRecover,
                        format!("{name} has no failed move to recover"),
                    ));
                }
                self.emit(
                    now,
                    EventKind::Recovered {
                        partition: name.clone(),
                    },
                );
                Ok(Applied::new(
                    Effect::Recovered { partition: p },
                    format!("{name} recovered: it can move again"),
                ))
            }
            Action::Repair { system, msp } => {
                let f = self.find_frame(system)?;
                let which = match msp {
                    Some(name) => Some(self.find_mover(f, name)?),
                    None => None,
                };
                self.repair(f, which)
            }
            Action::StopAll => {
                let stopped = self.stop_all();
                Ok(Applied::new(
                    Effect::StoppedAll { stopped },
                    format!("{stopped} moves stopped"),
                ))
            }
            Action::PowerOff { system } => {
                let f = self.find_frame(system)?;
                self.power_off(f)
            }
            Action::PowerOn { system } => {
                let f = self.find_frame(system)?;
                self.power_on(f)
            }
            Action::SetCpuLoad { partition, percent } => {
                let p = self.find_partition(partition)?;
                self.set_cpu_load(p, *percent)
            }
            Action::SetFinalPhase { phase } => {
                self.policy.final_phase = *phase;
                self.emit(now, EventKind::FinalPhaseChanged { phase: *phase });
                Ok(Applied::new(
                    Effect::PolicyChanged,
                    format!("final phase: {}", phase.label()),
                ))
            }
        }
    }
}
