//! A typed command against the estate: what it prints and its exit status.

use super::codes::Code;
use super::codes::HmcError;
use super::command::*;
use super::estate::{Estate, Lpar, View};
use super::format::{Table, render};
use super::records::{self, *};
use super::{migration, usage};

/// What a command printed and its exit status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

impl Outcome {
    pub fn ok(stdout: impl Into<String>) -> Outcome {
        Outcome {
            stdout: stdout.into(),
            ..Outcome::default()
        }
    }

    pub fn error(e: &HmcError) -> Outcome {
        Outcome {
            stdout: String::new(),
            stderr: format!("{e}\n"),
            status: 1,
        }
    }

    pub fn from_result(r: Result<String, HmcError>) -> Outcome {
        match r {
            Ok(s) => Outcome::ok(s),
            Err(e) => Outcome::error(&e),
        }
    }
}

/// Runs `command` against `estate`.
pub fn execute(estate: &mut Estate, command: &HmcCommand) -> Outcome {
    match command {
        HmcCommand::Migrlpar(m) => migration::run(estate, m),
        HmcCommand::Lssyscfg(l) => Outcome::from_result(lssyscfg(&estate.view(), l)),
        HmcCommand::Lshwres(l) => Outcome::from_result(lshwres(&estate.view(), l)),
        HmcCommand::Lslparmigr(l) => Outcome::from_result(lslparmigr(estate, &estate.view(), l)),
        HmcCommand::Chsysstate(c) => Outcome::from_result(chsysstate(estate, c)),
        HmcCommand::Sleep { seconds } => {
            estate.advance(*seconds);
            Outcome::default()
        }
        HmcCommand::Help { command } => Outcome::ok(match command {
            None => usage::HELP,
            Some(c) => usage::of(*c),
        }),
    }
}

/// A managed system by name or by `tttt-mmm*sssssss`, as the HMC's `-m` takes it.
pub fn system(view: &View, name: &str) -> Result<usize, HmcError> {
    view.frame_index(name)
        .or_else(|| (0..view.frames.len()).find(|&i| records::mtms(view, i) == name))
        .ok_or_else(|| HmcError::system_not_found(&super::format::printable(name)))
}

/// `chsysstate -r sys -o off|on`: the engine's PowerOff / PowerOn. It returns at once, as the
/// HMC does; `lssyscfg -r sys` then shows the frame powering off or on.
fn chsysstate(estate: &mut Estate, c: &Chsysstate) -> Result<String, HmcError> {
    let f = system(&estate.view(), &c.system)?;
    match c.op {
        PowerOp::Off => estate.power_off(f),
        PowerOp::On => estate.power_on(f),
    }
    .map(|()| String::new())
    .map_err(|m| HmcError::new(Code::PowerRefused, super::format::printable(&m)))
}

/// A managed system that must be operating.
pub fn operating_system(view: &View, name: &str) -> Result<usize, HmcError> {
    let f = system(view, name)?;
    if view.frames[f].failed || view.frames[f].power != crate::spec::PowerState::Operating {
        return Err(HmcError::not_operating());
    }
    Ok(f)
}

/// The partitions listed on `frame`, in id order, that pass `filter`.
fn lpars_on<'v>(view: &'v View, frame: usize, filter: &Filter) -> Vec<&'v Lpar> {
    view.lpars
        .iter()
        .filter(|l| listed_on(l, frame) && filter.admits(&l.name, Some(lpar_id(l))))
        .collect()
}

fn print(table: Table, listing: &Listing) -> Result<String, HmcError> {
    render(&table, &listing.format)
}

fn lssyscfg(view: &View, l: &Lssyscfg) -> Result<String, HmcError> {
    match l.resource {
        SyscfgResource::Sys => {
            let only = l.system.as_deref().map(|m| system(view, m)).transpose()?;
            let recs = (0..view.frames.len())
                .filter(|&i| only.is_none_or(|o| o == i))
                .filter(|&i| l.listing.filter.admits(&view.frames[i].name, None))
                .map(|i| sys_record(view, i))
                .collect();
            print(table("lssyscfg -r sys", SYS_ATTRS, recs), &l.listing)
        }
        SyscfgResource::Lpar => {
            let f = operating_system(view, l.system.as_deref().unwrap_or_default())?;
            let recs = lpars_on(view, f, &l.listing.filter)
                .into_iter()
                .map(lpar_record)
                .collect();
            print(table("lssyscfg -r lpar", LPAR_ATTRS, recs), &l.listing)
        }
    }
}

fn lshwres(view: &View, l: &Lshwres) -> Result<String, HmcError> {
    let f = operating_system(view, &l.system)?;
    let frame = &view.frames[f];
    let on = || lpars_on(view, f, &l.listing.filter);
    let t = match (l.resource, l.level) {
        (HwResource::Mem, HwLevel::Sys) => table(
            "lshwres -r mem --level sys",
            MEM_SYS_ATTRS,
            vec![mem_sys_record(frame)],
        ),
        (HwResource::Mem, HwLevel::Lpar) => table(
            "lshwres -r mem --level lpar",
            MEM_LPAR_ATTRS,
            on().into_iter().map(mem_lpar_record).collect(),
        ),
        (HwResource::Proc, HwLevel::Sys) => table(
            "lshwres -r proc --level sys",
            PROC_SYS_ATTRS,
            vec![proc_sys_record(frame)],
        ),
        (HwResource::Proc, HwLevel::Lpar) => table(
            "lshwres -r proc --level lpar",
            PROC_LPAR_ATTRS,
            on().into_iter().map(proc_lpar_record).collect(),
        ),
    };
    print(t, &l.listing)
}

fn lslparmigr(estate: &Estate, view: &View, l: &Lslparmigr) -> Result<String, HmcError> {
    let f = operating_system(view, &l.system)?;
    let to = l
        .target
        .as_deref()
        .map(|t| operating_system(view, t))
        .transpose()?;
    let t = match l.resource {
        MigrResource::Sys => table(
            "lslparmigr -r sys",
            MIGR_SYS_ATTRS,
            vec![migr_sys_record(view, f)],
        ),
        MigrResource::Lpar => table(
            "lslparmigr -r lpar",
            MIGR_LPAR_ATTRS,
            lpars_on(view, f, &l.listing.filter)
                .into_iter()
                .map(|lp| migr_lpar_record(view, lp, f))
                .collect(),
        ),
        MigrResource::Msp | MigrResource::Virtualio => {
            // The parser made sure of -t and of exactly one partition in the filter.
            let to = to.unwrap_or(f);
            let lp = one_lpar(view, f, &l.listing.filter)?;
            if l.resource == MigrResource::Msp {
                table(
                    "lslparmigr -r msp",
                    MIGR_MSP_ATTRS,
                    migr_msp_records(view, f, to),
                )
            } else {
                let rows = if view.frames[to].failed {
                    Vec::new()
                } else {
                    estate
                        .virtual_io(lp.index, to, &Default::default())
                        .map_err(|m| HmcError::new(Code::ActionRefused, m))?
                };
                table(
                    "lslparmigr -r virtualio",
                    MIGR_VIO_ATTRS,
                    vec![migr_vio_record(view, to, &rows)],
                )
            }
        }
    };
    print(t, &l.listing)
}

/// The one partition a filter names, running on `frame`.
fn one_lpar<'v>(view: &'v View, frame: usize, filter: &Filter) -> Result<&'v Lpar, HmcError> {
    if let Some(name) = filter.names.first() {
        return lpar_named(view, frame, name);
    }
    let id = filter.ids.first().copied().unwrap_or(0);
    lpar_with_id(view, frame, id)
}

/// A partition that runs on `frame`, by name.
pub fn lpar_named<'v>(view: &'v View, frame: usize, name: &str) -> Result<&'v Lpar, HmcError> {
    view.lpars
        .iter()
        .find(|l| l.frame == frame && l.name == name)
        .ok_or_else(|| HmcError::partition_not_found(&super::format::printable(name)))
}

/// A partition that runs on `frame`, by id.
pub fn lpar_with_id(view: &View, frame: usize, id: u32) -> Result<&Lpar, HmcError> {
    view.lpars
        .iter()
        .find(|l| l.frame == frame && lpar_id(l) == id)
        .ok_or_else(|| HmcError::partition_id_not_found(id))
}
