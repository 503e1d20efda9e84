//! HMC commands as typed values.
//!
//! Plain serde values on purpose: scenario scripts will carry them, and plans will be exported
//! to run against a real HMC, so a command must survive serialisation and render back to the
//! exact HMC syntax (`Display`; the parser reads that rendering back to the same value).

use serde::{Deserialize, Serialize};

use super::tokens::quote;

/// One HMC command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HmcCommand {
    Migrlpar(Migrlpar),
    Lslparmigr(Lslparmigr),
    Lssyscfg(Lssyscfg),
    Lshwres(Lshwres),
    Chsysstate(Chsysstate),
    /// lpm's own: let simulated time pass (`sleep SECONDS`), to watch a move.
    Sleep {
        seconds: f64,
    },
    /// `help`, or `CMD --help`.
    Help {
        command: Option<CommandName>,
    },
}

/// The commands, for help texts and completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommandName {
    Migrlpar,
    Lslparmigr,
    Lssyscfg,
    Lshwres,
    Chsysstate,
    Sleep,
    Help,
}

impl CommandName {
    pub const ALL: [CommandName; 7] = [
        CommandName::Chsysstate,
        CommandName::Help,
        CommandName::Lshwres,
        CommandName::Lslparmigr,
        CommandName::Lssyscfg,
        CommandName::Migrlpar,
        CommandName::Sleep,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::Migrlpar => "migrlpar",
            CommandName::Lslparmigr => "lslparmigr",
            CommandName::Lssyscfg => "lssyscfg",
            CommandName::Lshwres => "lshwres",
            CommandName::Chsysstate => "chsysstate",
            CommandName::Sleep => "sleep",
            CommandName::Help => "help",
        }
    }

    pub fn from_name(s: &str) -> Option<CommandName> {
        CommandName::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// `migrlpar -o m|v|s|r`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MigrOp {
    /// `m`: validate, then migrate.
    Migrate,
    /// `v`: validate only.
    Validate,
    /// `s`: stop a migration.
    Stop,
    /// `r`: recover from a failed migration.
    Recover,
}

impl MigrOp {
    pub fn letter(self) -> &'static str {
        match self {
            MigrOp::Migrate => "m",
            MigrOp::Validate => "v",
            MigrOp::Stop => "s",
            MigrOp::Recover => "r",
        }
    }
}

/// Which partitions: `-p NAMES`, `--id IDS` or `--all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selection {
    Names(Vec<String>),
    Ids(Vec<u32>),
    All,
}

/// `--redundantmsps 0|1|2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedundantMsps {
    /// 0: do not use redundant MSPs.
    No,
    /// 1: must use them; fail if they are not available.
    Required,
    /// 2: use them if available.
    IfAvailable,
}

impl RedundantMsps {
    pub fn digit(self) -> &'static str {
        match self {
            RedundantMsps::No => "0",
            RedundantMsps::Required => "1",
            RedundantMsps::IfAvailable => "2",
        }
    }
}

/// One client adapter mapping of `-i virtual_scsi_mappings=`, `virtual_fc_mappings=` and
/// `vlan_mappings=`: `slot/vios_name/vios_id[/vios_slot[/fc_port]]` (name or id may be empty,
/// not both). IBM documents the first three parts and, for virtual FC, the server slot and
/// physical port after them; lpm takes the server slot for virtual SCSI too and ignores the
/// port (it models fabrics, not ports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterMapping {
    pub slot: u32,
    pub vios_name: Option<String>,
    pub vios_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vios_slot: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
}

impl AdapterMapping {
    /// `slot/name/id`, no slot or port.
    pub fn new(slot: u32, vios_name: Option<&str>, vios_id: Option<u32>) -> AdapterMapping {
        AdapterMapping {
            slot,
            vios_name: vios_name.map(str::to_string),
            vios_id,
            vios_slot: None,
            port: None,
        }
    }
}

impl std::fmt::Display for AdapterMapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}/",
            self.slot,
            self.vios_name.as_deref().unwrap_or("")
        )?;
        if let Some(id) = self.vios_id {
            write!(f, "{id}")?;
        }
        if self.vios_slot.is_some() || self.port.is_some() {
            write!(f, "/")?;
            if let Some(s) = self.vios_slot {
                write!(f, "{s}")?;
            }
        }
        if let Some(p) = &self.port {
            write!(f, "/{p}")?;
        }
        Ok(())
    }
}

/// One attribute of `migrlpar -i "..."`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputAttr {
    SourceMspName(String),
    SourceMspId(u32),
    DestMspName(String),
    DestMspId(u32),
    VirtualScsiMappings(Vec<AdapterMapping>),
    VirtualFcMappings(Vec<AdapterMapping>),
    VlanMappings(Vec<AdapterMapping>),
    SharedProcPoolName(String),
    SharedProcPoolId(u32),
    DestLparId(u32),
}

impl InputAttr {
    /// Every attribute name `-i` accepts, for parsing, help and completion.
    pub const NAMES: [&'static str; 10] = [
        "source_msp_name",
        "source_msp_id",
        "dest_msp_name",
        "dest_msp_id",
        "virtual_scsi_mappings",
        "virtual_fc_mappings",
        "vlan_mappings",
        "shared_proc_pool_name",
        "shared_proc_pool_id",
        "dest_lpar_id",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            InputAttr::SourceMspName(_) => "source_msp_name",
            InputAttr::SourceMspId(_) => "source_msp_id",
            InputAttr::DestMspName(_) => "dest_msp_name",
            InputAttr::DestMspId(_) => "dest_msp_id",
            InputAttr::VirtualScsiMappings(_) => "virtual_scsi_mappings",
            InputAttr::VirtualFcMappings(_) => "virtual_fc_mappings",
            InputAttr::VlanMappings(_) => "vlan_mappings",
            InputAttr::SharedProcPoolName(_) => "shared_proc_pool_name",
            InputAttr::SharedProcPoolId(_) => "shared_proc_pool_id",
            InputAttr::DestLparId(_) => "dest_lpar_id",
        }
    }

    /// The value as `-i` writes it.
    pub fn value(&self) -> String {
        fn join<T: std::fmt::Display>(v: &[T]) -> String {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
        match self {
            InputAttr::SourceMspName(s) | InputAttr::DestMspName(s) => s.clone(),
            InputAttr::SharedProcPoolName(s) => s.clone(),
            InputAttr::SourceMspId(n)
            | InputAttr::DestMspId(n)
            | InputAttr::SharedProcPoolId(n)
            | InputAttr::DestLparId(n) => n.to_string(),
            InputAttr::VirtualScsiMappings(m)
            | InputAttr::VirtualFcMappings(m)
            | InputAttr::VlanMappings(m) => join(m),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migrlpar {
    pub op: MigrOp,
    /// `-m`: the source managed system.
    pub source: String,
    /// `-t`: the destination (required for m and v).
    pub target: Option<String>,
    pub partitions: Selection,
    /// `-i`, in the order given.
    pub input: Vec<InputAttr>,
    pub redundant_msps: Option<RedundantMsps>,
    /// `-w`: minutes to wait at most.
    pub wait_minutes: Option<u32>,
}

/// How a listing prints: `attr=value` pairs, or `-F` values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// Without `-F`: one line per object of `attr=value` pairs.
    Pairs,
    /// `-F attr<delim>attr...`: values only, joined by the delimiter as typed; `names` empty
    /// means every attribute; `header` prints the names first.
    Fields {
        names: Vec<String>,
        delimiter: String,
        header: bool,
    },
}

/// `--filter "attr=value,..."`, as the command understands it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// `lpar_names=` (partitions) or `names=` (managed systems).
    pub names: Vec<String>,
    /// `lpar_ids=`.
    pub ids: Vec<u32>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.ids.is_empty()
    }

    /// Whether an object passes (every given attribute must match).
    pub fn admits(&self, name: &str, id: Option<u32>) -> bool {
        (self.names.is_empty() || self.names.iter().any(|n| n == name))
            && (self.ids.is_empty() || id.is_some_and(|i| self.ids.contains(&i)))
    }
}

/// What every listing command shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub format: Format,
    pub filter: Filter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyscfgResource {
    Sys,
    Lpar,
}

/// `lssyscfg -r sys|lpar [-m SYS]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lssyscfg {
    pub resource: SyscfgResource,
    /// Required for `lpar`, optional for `sys`.
    pub system: Option<String>,
    pub listing: Listing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HwResource {
    Mem,
    Proc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HwLevel {
    Sys,
    Lpar,
}

/// `lshwres -r mem|proc -m SYS --level sys|lpar`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lshwres {
    pub resource: HwResource,
    pub level: HwLevel,
    pub system: String,
    pub listing: Listing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MigrResource {
    Sys,
    Lpar,
    Msp,
    Virtualio,
}

/// `lslparmigr -r sys|lpar|msp|virtualio -m SYS [-t TGT]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lslparmigr {
    pub resource: MigrResource,
    pub system: String,
    /// Required for `msp` and `virtualio`.
    pub target: Option<String>,
    pub listing: Listing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PowerOp {
    On,
    Off,
}

/// `chsysstate -r sys -m SYS -o on|off`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chsysstate {
    pub system: String,
    pub op: PowerOp,
}

// ----- rendering back to HMC syntax -----

fn names_value(names: &[String]) -> String {
    names.join(",")
}

fn ids_value(ids: &[u32]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// `attr=value` items joined by commas; an item whose value holds a comma is quoted whole,
/// as the HMC writes it (`"lpar_names=a,b",lpar_ids=3`).
pub fn attr_list(items: &[(&str, String)]) -> String {
    items
        .iter()
        .map(|(a, v)| {
            if v.contains(',') {
                format!("\"{a}={v}\"")
            } else {
                format!("{a}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl Listing {
    /// ` -F ... --header --filter ...`, with `filter_names` the attribute the names filter is
    /// spelt with (`lpar_names` or `names`).
    fn render(&self, filter_names: &str, out: &mut Vec<String>) {
        if let Format::Fields {
            names,
            delimiter,
            header,
        } = &self.format
        {
            out.push("-F".into());
            if !names.is_empty() {
                out.push(quote(&names.join(delimiter.as_str())));
            }
            if *header {
                out.push("--header".into());
            }
        }
        if !self.filter.is_empty() {
            let mut items = Vec::new();
            if !self.filter.names.is_empty() {
                items.push((filter_names, names_value(&self.filter.names)));
            }
            if !self.filter.ids.is_empty() {
                items.push(("lpar_ids", ids_value(&self.filter.ids)));
            }
            out.push("--filter".into());
            out.push(quote(&attr_list(&items)));
        }
    }
}

impl HmcCommand {
    /// The words of the command, unquoted.
    fn words(&self) -> Vec<String> {
        let mut w: Vec<String> = Vec::new();
        match self {
            HmcCommand::Migrlpar(m) => {
                w.extend(["migrlpar".into(), "-o".into(), m.op.letter().into()]);
                w.extend(["-m".into(), quote(&m.source)]);
                if let Some(t) = &m.target {
                    w.extend(["-t".into(), quote(t)]);
                }
                match &m.partitions {
                    Selection::Names(n) => w.extend(["-p".into(), quote(&names_value(n))]),
                    Selection::Ids(i) => w.extend(["--id".into(), ids_value(i)]),
                    Selection::All => w.push("--all".into()),
                }
                if !m.input.is_empty() {
                    let items: Vec<(&str, String)> =
                        m.input.iter().map(|a| (a.name(), a.value())).collect();
                    w.extend(["-i".into(), quote(&attr_list(&items))]);
                }
                if let Some(r) = m.redundant_msps {
                    w.extend(["--redundantmsps".into(), r.digit().into()]);
                }
                if let Some(minutes) = m.wait_minutes {
                    w.extend(["-w".into(), minutes.to_string()]);
                }
            }
            HmcCommand::Lslparmigr(l) => {
                let r = match l.resource {
                    MigrResource::Sys => "sys",
                    MigrResource::Lpar => "lpar",
                    MigrResource::Msp => "msp",
                    MigrResource::Virtualio => "virtualio",
                };
                w.extend(["lslparmigr".into(), "-r".into(), r.into()]);
                w.extend(["-m".into(), quote(&l.system)]);
                if let Some(t) = &l.target {
                    w.extend(["-t".into(), quote(t)]);
                }
                l.listing.render("lpar_names", &mut w);
            }
            HmcCommand::Lssyscfg(l) => {
                let (r, filter) = match l.resource {
                    SyscfgResource::Sys => ("sys", "names"),
                    SyscfgResource::Lpar => ("lpar", "lpar_names"),
                };
                w.extend(["lssyscfg".into(), "-r".into(), r.into()]);
                if let Some(m) = &l.system {
                    w.extend(["-m".into(), quote(m)]);
                }
                l.listing.render(filter, &mut w);
            }
            HmcCommand::Lshwres(l) => {
                let r = match l.resource {
                    HwResource::Mem => "mem",
                    HwResource::Proc => "proc",
                };
                let level = match l.level {
                    HwLevel::Sys => "sys",
                    HwLevel::Lpar => "lpar",
                };
                w.extend(["lshwres".into(), "-r".into(), r.into()]);
                w.extend(["-m".into(), quote(&l.system)]);
                w.extend(["--level".into(), level.into()]);
                l.listing.render("lpar_names", &mut w);
            }
            HmcCommand::Chsysstate(c) => {
                let op = match c.op {
                    PowerOp::On => "on",
                    PowerOp::Off => "off",
                };
                w.extend(["chsysstate".into(), "-r".into(), "sys".into()]);
                w.extend(["-m".into(), quote(&c.system)]);
                w.extend(["-o".into(), op.into()]);
            }
            HmcCommand::Sleep { seconds } => {
                w.extend(["sleep".into(), format_seconds(*seconds)]);
            }
            HmcCommand::Help { command: None } => w.push("help".into()),
            HmcCommand::Help { command: Some(c) } => {
                w.push(c.as_str().into());
                w.push("--help".into());
            }
        }
        w
    }
}

/// Seconds as `sleep` takes them back: the shortest text that parses to the same value.
fn format_seconds(s: f64) -> String {
    format!("{s}")
}

impl std::fmt::Display for HmcCommand {
    /// The command as one would type it on an HMC (already quoted where needed).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.words().join(" "))
    }
}
