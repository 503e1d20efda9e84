//! `migrlpar`: validate, migrate (and wait for the end, in simulated time), stop, recover.
//!
//! As the HMC: a successful operation prints nothing; a validation that fails prints
//! `Errors:` and one HSCL line per failed check (the layout of IBM's HSCLA319 support page);
//! `-o m` validates first and returns when the move ends.

use super::bounds::{MAX_WAIT_MINUTES, WAIT_SLICE_S};
use super::codes::{Code, HmcError};
use super::command::{AdapterMapping, InputAttr, MigrOp, Migrlpar, RedundantMsps, Selection};
use super::estate::{AdapterRow, Check, Estate, Failure, Lpar, MovePhase, MoverChoice, View};
use super::execute::{Outcome, operating_system};
use super::format::printable;
use super::records::{DEFAULT_POOL, lpar_id, msps};
use super::unsupported;
use crate::spec::vio::AdapterKind;
use crate::spec::{MappingChoice, Redundancy};

/// Runs one migrlpar command.
pub fn run(estate: &mut Estate, m: &Migrlpar) -> Outcome {
    match prepare(&estate.view(), m) {
        Err(e) => Outcome::error(&e),
        Ok(plan) => match m.op {
            MigrOp::Validate => validate(estate, &plan),
            MigrOp::Migrate => migrate(estate, &plan, m.wait_minutes),
            MigrOp::Stop => each(estate, &plan, Code::StopRefused, Estate::stop),
            MigrOp::Recover => each(estate, &plan, Code::RecoverRefused, Estate::recover),
        },
    }
}

/// What a migrlpar command is about, resolved against the estate.
struct Plan {
    /// Partition indices, in the order given.
    lpars: Vec<usize>,
    /// The destination frame (m and v).
    to: Option<usize>,
    to_name: String,
    /// The movers `-i` names and `--redundantmsps`.
    movers: MoverChoice,
}

fn prepare(view: &View, m: &Migrlpar) -> Result<Plan, HmcError> {
    let from = operating_system(view, &m.source)?;
    let to = m
        .target
        .as_deref()
        .map(|t| operating_system(view, t))
        .transpose()?;
    let mut movers = MoverChoice {
        redundant: match m.redundant_msps {
            None | Some(RedundantMsps::No) => Redundancy::Off,
            Some(RedundantMsps::Required) => Redundancy::Required,
            Some(RedundantMsps::IfAvailable) => Redundancy::IfAvailable,
        },
        ..MoverChoice::default()
    };
    if let Some(to) = to {
        for attr in &m.input {
            input_attr(view, from, to, attr, &mut movers)?;
        }
    }
    // Stop and recover also find a partition that already runs on the destination (a move in
    // its pull phase, or one that failed there); the others only what runs on the source.
    let on_source = |l: &Lpar| {
        l.frame == from
            || (matches!(m.op, MigrOp::Stop | MigrOp::Recover)
                && l.last_move.as_ref().is_some_and(|mv| mv.from == from))
    };
    let lpars: Vec<usize> = match &m.partitions {
        Selection::Names(names) => names
            .iter()
            .map(|n| {
                view.lpars
                    .iter()
                    .filter(|l| l.name == *n)
                    .find(|l| on_source(l))
                    .map(|l| l.index)
                    .ok_or_else(|| HmcError::partition_not_found(&printable(n)))
            })
            .collect::<Result<_, _>>()?,
        Selection::Ids(ids) => ids
            .iter()
            .map(|id| {
                view.lpars
                    .iter()
                    .filter(|l| lpar_id(l) == *id)
                    .find(|l| on_source(l))
                    .map(|l| l.index)
                    .ok_or_else(|| HmcError::partition_id_not_found(*id))
            })
            .collect::<Result<_, _>>()?,
        Selection::All => view
            .lpars
            .iter()
            .filter(|l| l.frame == from)
            .map(|l| l.index)
            .collect(),
    };
    Ok(Plan {
        lpars,
        to,
        to_name: to.map(|t| view.frames[t].name.clone()).unwrap_or_default(),
        movers,
    })
}

/// Checks one `-i` attribute: what names an object must name one that exists; the movers it
/// names go into `movers`; what the engine cannot honour yet is refused, naming the attribute.
fn input_attr(
    view: &View,
    from: usize,
    to: usize,
    attr: &InputAttr,
    movers: &mut MoverChoice,
) -> Result<(), HmcError> {
    let msp_exists =
        |frame: usize, name: Option<&str>, id: Option<u32>| -> Result<String, HmcError> {
            let found = msps(view, frame)
                .into_iter()
                .find(|(n, i)| name.is_none_or(|x| x == n) && id.is_none_or(|x| x == *i));
            match (found, name, id) {
                (Some((n, _)), _, _) => Ok(n),
                (None, Some(n), Some(i)) => Err(HmcError::new(
                    Code::ObjectNotFound,
                    format!(
                        "The partition named {} with ID {i} was not found.",
                        printable(n)
                    ),
                )),
                (None, Some(n), None) => Err(HmcError::partition_not_found(&printable(n))),
                (None, None, id) => Err(HmcError::partition_id_not_found(id.unwrap_or(0))),
            }
        };
    match attr {
        // Named movers are the engine's own: the move runs on them (validation says if one
        // failed).
        InputAttr::SourceMspName(n) => {
            movers.source = Some(msp_exists(from, Some(n), None)?);
            Ok(())
        }
        InputAttr::SourceMspId(i) => {
            movers.source = Some(msp_exists(from, None, Some(*i))?);
            Ok(())
        }
        InputAttr::DestMspName(n) => {
            movers.dest = Some(msp_exists(to, Some(n), None)?);
            Ok(())
        }
        InputAttr::DestMspId(i) => {
            movers.dest = Some(msp_exists(to, None, Some(*i))?);
            Ok(())
        }
        InputAttr::VirtualScsiMappings(ms) => choose(view, to, AdapterKind::Vscsi, ms, movers),
        InputAttr::VirtualFcMappings(ms) => choose(view, to, AdapterKind::Vfc, ms, movers),
        InputAttr::VlanMappings(ms) => choose(view, to, AdapterKind::Veth, ms, movers),
        // Every frame has the one default pool and nothing else.
        InputAttr::SharedProcPoolName(n) if n == DEFAULT_POOL.0 => Ok(()),
        InputAttr::SharedProcPoolId(i) if *i == DEFAULT_POOL.1 => Ok(()),
        InputAttr::SharedProcPoolName(n) => Err(HmcError::new(
            Code::ObjectNotFound,
            format!(
                "The shared processor pool named {} was not found.",
                printable(n)
            ),
        )),
        InputAttr::SharedProcPoolId(i) => Err(HmcError::new(
            Code::ObjectNotFound,
            format!("The shared processor pool with ID {i} was not found."),
        )),
        InputAttr::DestLparId(_) => Err(unsupported::dest_lpar_id()),
    }
}

/// The target VIOS `-i` chooses for client adapters: each must name a VIOS of the
/// destination (by name, id, or both agreeing) and a client slot once.
fn choose(
    view: &View,
    to: usize,
    kind: AdapterKind,
    ms: &[AdapterMapping],
    movers: &mut MoverChoice,
) -> Result<(), HmcError> {
    let frame = &view.frames[to];
    for m in ms {
        let found = frame.vios.iter().find(|(n, i)| {
            m.vios_name.as_deref().is_none_or(|x| x == n) && m.vios_id.is_none_or(|x| x == *i)
        });
        let Some((name, _)) = found else {
            let what = match (&m.vios_name, m.vios_id) {
                (Some(n), Some(i)) => format!("named {} with ID {i}", printable(n)),
                (Some(n), None) => format!("named {}", printable(n)),
                (None, i) => format!("with ID {}", i.unwrap_or(0)),
            };
            return Err(HmcError::new(
                Code::ObjectNotFound,
                format!(
                    "The Virtual I/O Server partition {what} was not found on {}.",
                    frame.name
                ),
            ));
        };
        if movers
            .mappings
            .iter()
            .any(|c| c.kind == kind && c.slot == m.slot)
        {
            return Err(HmcError::new(
                Code::BadAdapterMapping,
                format!(
                    "The {} client adapter in slot {} is mapped twice.",
                    kind.label(),
                    m.slot
                ),
            ));
        }
        movers.mappings.push(MappingChoice {
            kind,
            slot: m.slot,
            vios: name.clone(),
            vios_slot: m.vios_slot,
        });
    }
    Ok(())
}

/// The mappings `-i` gives that name a client slot `lpar` has no adapter of that kind in.
fn unknown_slots(l: &Lpar, movers: &MoverChoice) -> Vec<HmcError> {
    movers
        .mappings
        .iter()
        .filter(|c| !l.adapters.contains(&(c.kind, c.slot)))
        .map(|c| {
            let has: Vec<String> = l
                .adapters
                .iter()
                .filter(|(k, _)| *k == c.kind)
                .map(|(_, s)| s.to_string())
                .collect();
            HmcError::new(
                Code::BadAdapterMapping,
                format!(
                    "Cannot migrate {}: it has no {} client adapter in slot {} ({}).",
                    l.name,
                    c.kind.label(),
                    c.slot,
                    if has.is_empty() {
                        "it has none of that kind".to_string()
                    } else {
                        format!("those it has are in slots {}", has.join(", "))
                    }
                ),
            )
        })
        .collect()
}

/// The HSCL lines of a failed validation of moving `lpar` to frame `to`.
fn validation_errors(
    view: &View,
    lpar: usize,
    rows: &[AdapterRow],
    failures: &[Failure],
) -> Vec<HmcError> {
    let l = &view.lpars[lpar];
    let mut out = Vec::new();
    for f in failures {
        let code = match f.check {
            Check::Sans => {
                let storage: Vec<&AdapterRow> = rows
                    .iter()
                    .filter(|r| r.kind != AdapterKind::Veth && r.problem.is_some())
                    .collect();
                if storage.is_empty() {
                    // The engine and this view disagree: say what the engine found.
                    Code::VirtualStorageNotHostable
                } else {
                    out.extend(storage.into_iter().map(|r| storage_error(l, r)));
                    continue;
                }
            }
            Check::State => Code::PartitionState,
            Check::NotMoving => Code::AlreadyMigrating,
            Check::DifferentFrame => Code::SameSystem,
            Check::NoDedicatedIo => Code::DedicatedIo,
            Check::ProcessorCompatibility => Code::ProcessorCompatibility,
            Check::Memory => Code::InsufficientMemory,
            Check::Processors => Code::InsufficientProcessors,
            Check::Vlans => Code::VlanNotBridged,
            Check::NameFree => Code::NameInUse,
            Check::Movers => Code::NoMoverServicePartition,
            Check::Other => Code::ValidationFailed,
        };
        out.push(HmcError::new(
            code,
            format!("Cannot migrate {}: {}", l.name, sentence(&f.detail)),
        ));
    }
    out
}

/// One virtual storage adapter the destination cannot host: IBM's HSCLA319 for virtual FC,
/// with lpm's reason after IBM's text; lpm's own code for virtual SCSI, lost redundancy and
/// slots.
fn storage_error(l: &Lpar, r: &AdapterRow) -> HmcError {
    let why = r.problem.as_deref().unwrap_or("");
    if r.kind == AdapterKind::Vfc {
        HmcError::new(
            Code::VirtualFcNotHostable,
            format!(
                "The migrating partition's virtual fibre channel client adapter {} cannot be \
                 hosted by the existing Virtual I/O Server (VIOS) partitions on the destination \
                 managed system. To migrate the partition, set up the necessary VIOS host on the \
                 destination managed system, then try the operation again. ({}: {})",
                r.slot,
                r.needs,
                why.trim_end_matches('.')
            ),
        )
    } else {
        HmcError::new(
            Code::VirtualStorageNotHostable,
            format!(
                "Cannot migrate {}: virtual SCSI adapter in slot {} ({}): {}",
                l.name,
                r.slot,
                r.needs,
                sentence(why)
            ),
        )
    }
}

/// The engine's detail as the end of a sentence: trimmed, with a full stop (its first word is
/// often a partition name, so its case is kept).
fn sentence(detail: &str) -> String {
    let mut s: String = detail.trim().to_string();
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

fn errors_block(errors: &[HmcError]) -> String {
    let mut s = String::from("Errors:\n");
    for e in errors {
        s.push_str(&e.to_string());
        s.push('\n');
    }
    s
}

/// Validates every partition of the plan; the errors of those that fail.
fn validate_all(estate: &Estate, plan: &Plan) -> Result<Vec<(usize, Vec<HmcError>)>, HmcError> {
    let view = estate.view();
    let to = plan.to.unwrap_or(0);
    plan.lpars
        .iter()
        .map(|&l| {
            let name = &view.lpars[l].name;
            let failures = estate.validate(l, to, &plan.movers).map_err(|m| {
                HmcError::new(
                    Code::ActionRefused,
                    format!("Cannot validate {name}: {}", sentence(&m)),
                )
            })?;
            let unknown = unknown_slots(&view.lpars[l], &plan.movers);
            if !unknown.is_empty() {
                return Ok((l, unknown));
            }
            let rows = if failures.iter().any(|f| f.check == Check::Sans) {
                estate.virtual_io(l, to, &plan.movers).unwrap_or_default()
            } else {
                Vec::new()
            };
            Ok((l, validation_errors(&view, l, &rows, &failures)))
        })
        .collect()
}

fn validate(estate: &Estate, plan: &Plan) -> Outcome {
    match validate_all(estate, plan) {
        Err(e) => Outcome::error(&e),
        Ok(results) => {
            let errors: Vec<HmcError> = results.into_iter().flat_map(|(_, e)| e).collect();
            if errors.is_empty() {
                Outcome::default()
            } else {
                Outcome {
                    stdout: String::new(),
                    stderr: errors_block(&errors),
                    status: 1,
                }
            }
        }
    }
}

fn migrate(estate: &mut Estate, plan: &Plan, wait_minutes: Option<u32>) -> Outcome {
    let results = match validate_all(estate, plan) {
        Ok(r) => r,
        Err(e) => return Outcome::error(&e),
    };
    let mut errors: Vec<HmcError> = Vec::new();
    let mut started: Vec<usize> = Vec::new();
    for (l, errs) in results {
        if !errs.is_empty() {
            errors.extend(errs);
            continue;
        }
        match plan.to.map(|to| estate.migrate(l, to, &plan.movers)) {
            Some(Ok(())) => started.push(l),
            Some(Err(m)) => errors.push(HmcError::new(
                Code::ActionRefused,
                format!(
                    "Cannot migrate {}: {}",
                    estate.view().lpars[l].name,
                    sentence(&m)
                ),
            )),
            None => {}
        }
    }
    let minutes = wait_minutes
        .unwrap_or(MAX_WAIT_MINUTES)
        .min(MAX_WAIT_MINUTES);
    let deadline = estate.view().t_s + f64::from(minutes) * 60.0;
    // Bounded: the deadline is at most a day of simulated time away, in fixed slices.
    loop {
        let view = estate.view();
        let waiting = started.iter().any(|&l| view.lpars[l].moving().is_some());
        if !waiting || view.t_s >= deadline - 1e-9 {
            break;
        }
        estate.advance(WAIT_SLICE_S.min(deadline - view.t_s));
    }
    let view = estate.view();
    let mut stdout = String::new();
    for &l in &started {
        let lp = &view.lpars[l];
        let Some(mv) = &lp.last_move else { continue };
        match mv.phase {
            MovePhase::Completed => {}
            MovePhase::Stopped => errors.push(HmcError::new(
                Code::MigrationStopped,
                format!(
                    "The migration of partition {} was stopped: {}.",
                    lp.name,
                    mv.stop_reason
                        .as_deref()
                        .unwrap_or("stopped")
                        .trim_end_matches('.')
                ),
            )),
            MovePhase::Failed => errors.push(HmcError::new(
                Code::MigrationFailed,
                format!(
                    "The migration of partition {} failed: {}.",
                    lp.name,
                    mv.failure
                        .as_deref()
                        .unwrap_or("a fault ended it")
                        .trim_end_matches('.')
                ),
            )),
            // -w ran out first: the move goes on, as a real migration does after its
            // command returns; say so, and where to watch it.
            _ => stdout.push_str(&format!(
                "The wait time of {minutes} minutes ended; the migration of partition {} to {} \
                 goes on (lslparmigr -r lpar shows its progress).\n",
                lp.name, plan.to_name
            )),
        }
    }
    if errors.is_empty() {
        Outcome::ok(stdout)
    } else {
        Outcome {
            stdout,
            stderr: errors_block(&errors),
            status: 1,
        }
    }
}

/// Stop or recover each partition of the plan.
fn each(
    estate: &mut Estate,
    plan: &Plan,
    code: Code,
    action: fn(&mut Estate, usize) -> Result<(), String>,
) -> Outcome {
    let verb = if code == Code::StopRefused {
        "stop the migration of"
    } else {
        "recover"
    };
    let mut stderr = String::new();
    for &l in &plan.lpars {
        let name = estate.view().lpars[l].name.clone();
        if let Err(m) = action(estate, l) {
            let e = HmcError::new(code, format!("Cannot {verb} {name}: {}", sentence(&m)));
            stderr.push_str(&format!("{e}\n"));
        }
    }
    Outcome {
        stdout: String::new(),
        status: if stderr.is_empty() { 0 } else { 1 },
        stderr,
    }
}
