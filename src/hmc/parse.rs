//! From a command line to a typed [`HmcCommand`], or the error the HMC would print.
//!
//! Three kinds of refusal, as on the HMC: a word that is no command (`rbash: X: command not
//! found`), a usage error (a missing or invalid parameter; the HMC's own sentence), and an
//! HSCL error (a well-formed request this HMC cannot honour). Nothing here panics on any
//! input; every list that input can lengthen is bounded (see `bounds`).

use super::bounds::{MAX_ATTRIBUTES, MAX_NAMES, MAX_SLEEP_S, MAX_WAIT_MINUTES};
use super::codes::{Code, HmcError};
use super::command::*;
use super::format::{printable, split_fields};
use super::tokens::{TokenError, split};
use super::unsupported;

/// Why a line is not a command to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The first word is no command: `rbash: X: command not found`, exit 127.
    NotFound(String),
    /// A quote left open: bash's message, exit 2.
    Syntax(TokenError),
    /// A missing or invalid parameter: the HMC's sentence naming them, exit 1.
    Usage(String),
    /// An HSCL error, exit 1.
    Hmc(HmcError),
}

impl ParseError {
    /// What is printed on standard error (one line, with its newline) and the exit status.
    pub fn render(&self) -> (String, i32) {
        match self {
            ParseError::NotFound(w) => {
                (format!("rbash: {}: command not found\n", printable(w)), 127)
            }
            ParseError::Syntax(e) => (format!("rbash: {e}\n"), 2),
            ParseError::Usage(m) => (format!("{m}\n"), 1),
            ParseError::Hmc(e) => (format!("{e}\n"), 1),
        }
    }
}

impl From<HmcError> for ParseError {
    fn from(e: HmcError) -> ParseError {
        ParseError::Hmc(e)
    }
}

/// The HMC's usage error, naming the parameters that are missing or invalid (its wording, as
/// a live HMC prints it: hmc-mcp HMC_HINTS).
pub fn usage(params: &[&str]) -> ParseError {
    ParseError::Usage(format!(
        "The command entered is either missing a required parameter or a parameter value is \
         invalid.  The parameters that are missing or have an invalid value are {}.",
        params.join(", ")
    ))
}

/// Parses one line: `Ok(None)` for a blank line or a comment.
pub fn parse_line(line: &str) -> Result<Option<HmcCommand>, ParseError> {
    let words = split(line).map_err(|e| match e {
        TokenError::Unterminated(_) => ParseError::Syntax(e),
        other => ParseError::Hmc(HmcError::too_long(other)),
    })?;
    let Some((first, rest)) = words.split_first() else {
        return Ok(None);
    };
    parse_words(first, rest).map(Some)
}

/// Parses a command from its words.
pub fn parse_words(first: &str, rest: &[String]) -> Result<HmcCommand, ParseError> {
    let Some(name) = CommandName::from_name(first) else {
        return Err(ParseError::NotFound(first.to_string()));
    };
    if name != CommandName::Help && rest.iter().any(|w| w == "--help") {
        return Ok(HmcCommand::Help {
            command: Some(name),
        });
    }
    match name {
        CommandName::Migrlpar => migrlpar(rest),
        CommandName::Lslparmigr => lslparmigr(rest),
        CommandName::Lssyscfg => lssyscfg(rest),
        CommandName::Lshwres => lshwres(rest),
        CommandName::Chsysstate => chsysstate(rest),
        CommandName::Sleep => sleep(rest),
        CommandName::Help => help(rest),
    }
}

// ----- the option scanner -----

/// A command's options: (flag, takes a value).
type Spec = &'static [(&'static str, Arity)];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arity {
    /// A switch: `--all`, `--header`.
    Switch,
    /// Takes the next word.
    Value,
    /// Takes the next word unless it is another option (`-F` alone means every attribute).
    OptionalValue,
}

/// The options of one command line, as given.
struct Options<'a> {
    given: Vec<(&'static str, Option<&'a str>)>,
}

impl<'a> Options<'a> {
    fn scan(
        words: &'a [String],
        spec: Spec,
        not_simulated: &[&str],
        command: &str,
    ) -> Result<Options<'a>, ParseError> {
        let mut given: Vec<(&'static str, Option<&'a str>)> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_str();
            let Some(&(flag, arity)) = spec.iter().find(|(f, _)| *f == w) else {
                if not_simulated.contains(&w) {
                    return Err(unsupported::option(&format!("The option {w}"), command).into());
                }
                return Err(usage(&[&printable(w)]));
            };
            if given.iter().any(|(f, _)| *f == flag) {
                return Err(usage(&[flag]));
            }
            let next = words.get(i + 1).map(String::as_str);
            let is_option =
                |n: &str| spec.iter().any(|(f, _)| *f == n) || not_simulated.contains(&n);
            let value = match arity {
                Arity::Switch => None,
                Arity::Value => match next {
                    Some(n) if !is_option(n) => {
                        i += 1;
                        Some(n)
                    }
                    _ => return Err(usage(&[flag])),
                },
                Arity::OptionalValue => match next {
                    Some(n) if !is_option(n) => {
                        i += 1;
                        Some(n)
                    }
                    _ => None,
                },
            };
            given.push((flag, value));
            i += 1;
        }
        Ok(Options { given })
    }

    fn has(&self, flag: &str) -> bool {
        self.given.iter().any(|(f, _)| *f == flag)
    }

    fn value(&self, flag: &str) -> Option<&'a str> {
        self.given
            .iter()
            .find(|(f, _)| *f == flag)
            .and_then(|(_, v)| *v)
    }

    fn required(&self, flag: &'static str) -> Result<&'a str, ParseError> {
        self.value(flag).ok_or_else(|| usage(&[flag]))
    }

    /// Refuses options not valid in this form of the command (e.g. `-t` with `-o s`).
    fn forbid(&self, flags: &[&'static str]) -> Result<(), ParseError> {
        let bad: Vec<&str> = flags.iter().copied().filter(|f| self.has(f)).collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(usage(&bad))
        }
    }
}

/// Real HMC options of every listing command that are not simulated.
const LISTING_NOT_SIMULATED: &[&str] = &["--ip", "-u"];

/// `-F [names]`, `--header`: the output format.
fn format_of(o: &Options<'_>) -> Result<Format, ParseError> {
    if !o.has("-F") {
        if o.has("--header") {
            // The HMC: --header "is only valid when used with the -F option".
            return Err(usage(&["--header"]));
        }
        return Ok(Format::Pairs);
    }
    let (names, delimiter) = split_fields(o.value("-F").unwrap_or(""));
    if names.len() > MAX_ATTRIBUTES {
        return Err(HmcError::too_long(format!(
            "The -F option names {} attributes; at most {MAX_ATTRIBUTES} are accepted.",
            names.len()
        ))
        .into());
    }
    Ok(Format::Fields {
        names,
        delimiter,
        header: o.has("--header"),
    })
}

/// `--filter "attr=v1,v2,attr2=v3"`, with the attributes this command accepts: `names_attr`
/// (`lpar_names` or `names`) and, when `ids` is true, `lpar_ids`.
fn filter_of(o: &Options<'_>, names_attr: Option<&str>, ids: bool) -> Result<Filter, ParseError> {
    let Some(text) = o.value("--filter") else {
        return Ok(Filter::default());
    };
    let mut accepted: Vec<&str> = names_attr.into_iter().collect();
    if ids {
        accepted.push("lpar_ids");
    }
    let bad = |m: String| ParseError::Hmc(HmcError::new(Code::BadFilter, m));
    let mut filter = Filter::default();
    let mut seen: Vec<String> = Vec::new();
    for (attr, values) in attr_list(text)? {
        if !accepted.contains(&attr.as_str()) {
            return Err(bad(if accepted.is_empty() {
                "This command does not accept a filter.".to_string()
            } else {
                format!(
                    "The filter attribute {} is not valid. Valid filter attributes are: {}.",
                    printable(&attr),
                    accepted.join(", ")
                )
            }));
        }
        if seen.contains(&attr) {
            return Err(bad(format!("The filter attribute {attr} is given twice.")));
        }
        if values.iter().any(String::is_empty) {
            return Err(bad(format!(
                "The filter attribute {attr} has an empty value."
            )));
        }
        if attr == "lpar_ids" {
            filter.ids = ids_of(&values, "--filter")?;
        } else {
            filter.names = values;
        }
        seen.push(attr);
    }
    Ok(filter)
}

/// Splits `a=1,"b=2,3",c=4` (or `b="2,3"`) into attributes and their comma-separated values,
/// as the HMC's `-i` and `--filter` write them: a part without `=` continues the values of the
/// attribute before it.
pub fn attr_list(text: &str) -> Result<Vec<(String, Vec<String>)>, ParseError> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut values = 0usize;
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => parts.push(std::mem::take(&mut part)),
            c => part.push(c),
        }
    }
    if quoted {
        return Err(HmcError::new(
            Code::BadInputData,
            format!(
                "The value {} has an unmatched double quote.",
                printable(text)
            ),
        )
        .into());
    }
    parts.push(part);
    for p in parts {
        match p.split_once('=') {
            Some((attr, v)) => {
                if out.len() >= MAX_ATTRIBUTES {
                    return Err(HmcError::too_long(format!(
                        "More than {MAX_ATTRIBUTES} attributes were given."
                    ))
                    .into());
                }
                out.push((attr.to_string(), v.split(',').map(str::to_string).collect()));
            }
            None => match out.last_mut() {
                Some((_, vs)) => vs.push(p),
                None => {
                    return Err(HmcError::new(
                        Code::BadInputData,
                        format!("{} is not of the form attribute=value.", printable(&p)),
                    )
                    .into());
                }
            },
        }
        values += 1;
        if values > MAX_NAMES {
            return Err(
                HmcError::too_long(format!("More than {MAX_NAMES} values were given.")).into(),
            );
        }
    }
    Ok(out)
}

fn names_of(text: &str, flag: &'static str) -> Result<Vec<String>, ParseError> {
    let names: Vec<String> = text.split(',').map(str::to_string).collect();
    if names.len() > MAX_NAMES {
        return Err(HmcError::too_long(format!(
            "{flag} names {} partitions; at most {MAX_NAMES} are accepted.",
            names.len()
        ))
        .into());
    }
    if names.iter().any(String::is_empty) {
        return Err(usage(&[flag]));
    }
    Ok(names)
}

fn ids_of(values: &[String], flag: &'static str) -> Result<Vec<u32>, ParseError> {
    if values.len() > MAX_NAMES {
        return Err(HmcError::too_long(format!(
            "{flag} names {} partitions; at most {MAX_NAMES} are accepted.",
            values.len()
        ))
        .into());
    }
    values
        .iter()
        .map(|v| v.parse::<u32>().map_err(|_| usage(&[flag])))
        .collect()
}

// ----- the commands -----

const MIGRLPAR: Spec = &[
    ("-o", Arity::Value),
    ("-m", Arity::Value),
    ("-t", Arity::Value),
    ("-p", Arity::Value),
    ("--id", Arity::Value),
    ("--all", Arity::Switch),
    ("-i", Arity::Value),
    ("--redundantmsps", Arity::Value),
    ("-w", Arity::Value),
];

/// migrlpar options of the real HMC (its man page's SYNOPSIS) that are not simulated.
const MIGRLPAR_NOT_SIMULATED: &[&str] = &[
    "--ip",
    "-u",
    "-n",
    "-f",
    "-d",
    "--force",
    "-v",
    "--nodetails",
    "--redundantvios",
    "--mpio",
    "--vlanbridge",
    "--vsi",
    "--npivval",
    "--uuid",
    "--protectstorage",
    "--requirerr",
    "--redundantvnicbkdev",
    "--vniccfg",
    "--affinity",
    "--usecurrdata",
    "--migsriov",
    "--steps",
    "-r",
];

fn migrlpar(words: &[String]) -> Result<HmcCommand, ParseError> {
    let o = Options::scan(words, MIGRLPAR, MIGRLPAR_NOT_SIMULATED, "migrlpar")?;
    let op = match o.required("-o")? {
        "m" => MigrOp::Migrate,
        "v" => MigrOp::Validate,
        "s" => MigrOp::Stop,
        "r" => MigrOp::Recover,
        "set" => return Err(unsupported::option("The operation -o set", "migrlpar").into()),
        _ => return Err(usage(&["-o"])),
    };
    let source = o.required("-m")?.to_string();
    let chosen: Vec<&'static str> = ["-p", "--id", "--all"]
        .into_iter()
        .filter(|f| o.has(f))
        .collect();
    let partitions = match chosen.as_slice() {
        ["-p"] => Selection::Names(names_of(o.required("-p")?, "-p")?),
        ["--id"] => {
            let v: Vec<String> = o.required("--id")?.split(',').map(str::to_string).collect();
            Selection::Ids(ids_of(&v, "--id")?)
        }
        ["--all"] => Selection::All,
        [] => return Err(usage(&["-p", "--id", "--all"])),
        many => return Err(usage(many)),
    };
    let mut m = Migrlpar {
        op,
        source,
        target: o.value("-t").map(str::to_string),
        partitions,
        input: Vec::new(),
        redundant_msps: None,
        wait_minutes: None,
    };
    match op {
        MigrOp::Migrate | MigrOp::Validate => {
            if m.target.is_none() {
                return Err(usage(&["-t"]));
            }
        }
        MigrOp::Stop | MigrOp::Recover => {
            o.forbid(&["-t", "--all", "-i", "--redundantmsps", "-w"])?;
        }
    }
    if op == MigrOp::Recover {
        let one = match &m.partitions {
            Selection::Names(n) => n.len() == 1,
            Selection::Ids(i) => i.len() == 1,
            Selection::All => false,
        };
        if !one {
            // A recovery is of one partition (as the ibm.power_hmc collection enforces too).
            return Err(usage(&[if o.has("-p") { "-p" } else { "--id" }]));
        }
    }
    if let Some(text) = o.value("-i") {
        m.input = input_data(text)?;
    }
    if let Some(r) = o.value("--redundantmsps") {
        m.redundant_msps = Some(match r {
            "0" => RedundantMsps::No,
            "1" => RedundantMsps::Required,
            "2" => RedundantMsps::IfAvailable,
            _ => return Err(usage(&["--redundantmsps"])),
        });
    }
    if let Some(w) = o.value("-w") {
        let minutes: u32 = w.parse().map_err(|_| usage(&["-w"]))?;
        if minutes > MAX_WAIT_MINUTES {
            return Err(HmcError::too_long(format!(
                "The wait time -w {minutes} is too long; at most {MAX_WAIT_MINUTES} minutes are \
                 accepted."
            ))
            .into());
        }
        m.wait_minutes = Some(minutes);
    }
    Ok(HmcCommand::Migrlpar(m))
}

/// `-i "attr=value,..."` of migrlpar.
fn input_data(text: &str) -> Result<Vec<InputAttr>, ParseError> {
    let bad = |m: String| ParseError::Hmc(HmcError::new(Code::BadInputData, m));
    let mut out: Vec<InputAttr> = Vec::new();
    for (attr, values) in attr_list(text)? {
        let one = || -> Result<&str, ParseError> {
            match values.as_slice() {
                [v] if !v.is_empty() => Ok(v.as_str()),
                _ => Err(bad(format!("The attribute {attr} takes one value."))),
            }
        };
        let number = || -> Result<u32, ParseError> {
            one()?
                .parse::<u32>()
                .map_err(|_| bad(format!("The attribute {attr} takes a number.")))
        };
        let a = match attr.as_str() {
            "source_msp_name" => InputAttr::SourceMspName(one()?.to_string()),
            "source_msp_id" => InputAttr::SourceMspId(number()?),
            "dest_msp_name" => InputAttr::DestMspName(one()?.to_string()),
            "dest_msp_id" => InputAttr::DestMspId(number()?),
            "virtual_scsi_mappings" => InputAttr::VirtualScsiMappings(mappings(&attr, &values)?),
            "virtual_fc_mappings" => InputAttr::VirtualFcMappings(mappings(&attr, &values)?),
            "vlan_mappings" => InputAttr::VlanMappings(mappings(&attr, &values)?),
            "shared_proc_pool_name" => InputAttr::SharedProcPoolName(one()?.to_string()),
            "shared_proc_pool_id" => InputAttr::SharedProcPoolId(number()?),
            "dest_lpar_id" => InputAttr::DestLparId(number()?),
            other => {
                return Err(bad(format!(
                    "The attribute {} is not valid for migrlpar -i. Valid attributes are: {}.",
                    printable(other),
                    InputAttr::NAMES.join(", ")
                )));
            }
        };
        if out.iter().any(|x| x.name() == a.name()) {
            return Err(bad(format!("The attribute {attr} is given twice.")));
        }
        out.push(a);
    }
    Ok(out)
}

/// `slot/vios_name/vios_id[/vios_slot[/fc_port]],...` (name or id may be left empty, not
/// both; the port only for virtual FC).
fn mappings(attr: &str, values: &[String]) -> Result<Vec<AdapterMapping>, ParseError> {
    let long = match attr {
        "virtual_fc_mappings" => "slot/vios_name/vios_id[/vios_slot[/fc_port]]",
        "virtual_scsi_mappings" => "slot/vios_name/vios_id[/vios_slot]",
        _ => "slot/vios_name/vios_id",
    };
    let most = match attr {
        "virtual_fc_mappings" => 5,
        "virtual_scsi_mappings" => 4,
        _ => 3,
    };
    if values.is_empty() || values.iter().all(String::is_empty) {
        return Err(ParseError::Hmc(HmcError::new(
            Code::BadInputData,
            format!("The attribute {attr} has an empty value."),
        )));
    }
    values
        .iter()
        .map(|v| {
            let bad = || {
                ParseError::Hmc(HmcError::new(
                    Code::BadInputData,
                    format!(
                        "The mapping {} of {attr} is not of the form {long}.",
                        printable(v)
                    ),
                ))
            };
            let parts: Vec<&str> = v.split('/').collect();
            if parts.len() < 3 || parts.len() > most {
                return Err(bad());
            }
            let slot: u32 = parts[0].parse().map_err(|_| bad())?;
            let vios_id = if parts[2].is_empty() {
                None
            } else {
                Some(parts[2].parse::<u32>().map_err(|_| bad())?)
            };
            let vios_name = (!parts[1].is_empty()).then(|| parts[1].to_string());
            if vios_name.is_none() && vios_id.is_none() {
                return Err(bad());
            }
            let vios_slot = match parts.get(3) {
                None | Some(&"") => None,
                Some(x) => Some(x.parse::<u32>().map_err(|_| bad())?),
            };
            let port = parts
                .get(4)
                .filter(|p| !p.is_empty())
                .map(|p| p.to_string());
            Ok(AdapterMapping {
                slot,
                vios_name,
                vios_id,
                vios_slot,
                port,
            })
        })
        .collect()
}

const LSLPARMIGR: Spec = &[
    ("-r", Arity::Value),
    ("-m", Arity::Value),
    ("-t", Arity::Value),
    ("-F", Arity::OptionalValue),
    ("--header", Arity::Switch),
    ("--filter", Arity::Value),
];

fn lslparmigr(words: &[String]) -> Result<HmcCommand, ParseError> {
    let o = Options::scan(words, LSLPARMIGR, LISTING_NOT_SIMULATED, "lslparmigr")?;
    let resource = match o.required("-r")? {
        "sys" => MigrResource::Sys,
        "lpar" => MigrResource::Lpar,
        "msp" => MigrResource::Msp,
        "virtualio" => MigrResource::Virtualio,
        r @ ("procpool" | "mempool" | "sriov" | "vnic" | "vnicbkdev") => {
            return Err(
                unsupported::option(&format!("The resource type -r {r}"), "lslparmigr").into(),
            );
        }
        _ => return Err(usage(&["-r"])),
    };
    let system = o.required("-m")?.to_string();
    let needs_target = matches!(resource, MigrResource::Msp | MigrResource::Virtualio);
    if needs_target && !o.has("-t") {
        return Err(usage(&["-t"]));
    }
    let filter = match resource {
        MigrResource::Sys => filter_of(&o, None, false)?,
        _ => filter_of(&o, Some("lpar_names"), true)?,
    };
    if needs_target && filter.names.len() + filter.ids.len() != 1 {
        // The mover and adapter suggestions are per partition: name exactly one.
        return Err(usage(&["--filter"]));
    }
    Ok(HmcCommand::Lslparmigr(Lslparmigr {
        resource,
        system,
        target: o.value("-t").map(str::to_string),
        listing: Listing {
            format: format_of(&o)?,
            filter,
        },
    }))
}

const LSSYSCFG: Spec = &[
    ("-r", Arity::Value),
    ("-m", Arity::Value),
    ("-F", Arity::OptionalValue),
    ("--header", Arity::Switch),
    ("--filter", Arity::Value),
];

fn lssyscfg(words: &[String]) -> Result<HmcCommand, ParseError> {
    let o = Options::scan(words, LSSYSCFG, LISTING_NOT_SIMULATED, "lssyscfg")?;
    let resource = match o.required("-r")? {
        "sys" => SyscfgResource::Sys,
        "lpar" => SyscfgResource::Lpar,
        r @ ("prof" | "sysprof" | "cage" | "frame" | "mfsys") => {
            return Err(
                unsupported::option(&format!("The resource type -r {r}"), "lssyscfg").into(),
            );
        }
        _ => return Err(usage(&["-r"])),
    };
    let system = o.value("-m").map(str::to_string);
    let filter = match resource {
        SyscfgResource::Sys => filter_of(&o, Some("names"), false)?,
        SyscfgResource::Lpar => {
            if system.is_none() {
                return Err(usage(&["-m"]));
            }
            filter_of(&o, Some("lpar_names"), true)?
        }
    };
    Ok(HmcCommand::Lssyscfg(Lssyscfg {
        resource,
        system,
        listing: Listing {
            format: format_of(&o)?,
            filter,
        },
    }))
}

const LSHWRES: Spec = &[
    ("-r", Arity::Value),
    ("-m", Arity::Value),
    ("--level", Arity::Value),
    ("-F", Arity::OptionalValue),
    ("--header", Arity::Switch),
    ("--filter", Arity::Value),
];

fn lshwres(words: &[String]) -> Result<HmcCommand, ParseError> {
    let o = Options::scan(words, LSHWRES, &["--rsubtype", "--ip", "-u"], "lshwres")?;
    let resource = match o.required("-r")? {
        "mem" => HwResource::Mem,
        "proc" => HwResource::Proc,
        r @ ("io" | "virtualio" | "hca" | "sriov" | "mempool" | "procpool") => {
            return Err(
                unsupported::option(&format!("The resource type -r {r}"), "lshwres").into(),
            );
        }
        _ => return Err(usage(&["-r"])),
    };
    let system = o.required("-m")?.to_string();
    let level = match o.required("--level")? {
        "sys" => HwLevel::Sys,
        "lpar" => HwLevel::Lpar,
        _ => return Err(usage(&["--level"])),
    };
    let filter = match level {
        HwLevel::Sys => filter_of(&o, None, false)?,
        HwLevel::Lpar => filter_of(&o, Some("lpar_names"), true)?,
    };
    Ok(HmcCommand::Lshwres(Lshwres {
        resource,
        level,
        system,
        listing: Listing {
            format: format_of(&o)?,
            filter,
        },
    }))
}

const CHSYSSTATE: Spec = &[
    ("-r", Arity::Value),
    ("-m", Arity::Value),
    ("-o", Arity::Value),
    ("-n", Arity::Value),
    ("--id", Arity::Value),
    ("--immed", Arity::Switch),
];

fn chsysstate(words: &[String]) -> Result<HmcCommand, ParseError> {
    let o = Options::scan(
        words,
        CHSYSSTATE,
        &["--restart", "-k", "-b", "-f"],
        "chsysstate",
    )?;
    match o.required("-r")? {
        "sys" => {}
        "lpar" => return Err(unsupported::partition_power().into()),
        r @ ("sysprof" | "cage" | "frame") => {
            return Err(
                unsupported::option(&format!("The resource type -r {r}"), "chsysstate").into(),
            );
        }
        _ => return Err(usage(&["-r"])),
    }
    o.forbid(&["-n", "--id"])?;
    let system = o.required("-m")?.to_string();
    let op = match o.required("-o")? {
        "on" => PowerOp::On,
        "off" => PowerOp::Off,
        r @ ("onstandby" | "onstartpolicy" | "onsysprof" | "onhwdisc" | "rebuild" | "recover"
        | "spfailover" | "chkey") => {
            return Err(unsupported::option(&format!("The operation -o {r}"), "chsysstate").into());
        }
        _ => return Err(usage(&["-o"])),
    };
    // --immed (a shutdown without the delay) is accepted with -o off only, as the HMC has it;
    // the frame's shutdown time is the engine's either way.
    if op == PowerOp::On && o.has("--immed") {
        return Err(usage(&["--immed"]));
    }
    Ok(HmcCommand::Chsysstate(Chsysstate { system, op }))
}

/// `sleep SECONDS`: lpm's own, for scripts watching a move.
fn sleep(words: &[String]) -> Result<HmcCommand, ParseError> {
    let [s] = words else {
        return Err(usage(&["SECONDS"]));
    };
    let seconds: f64 = s.parse().map_err(|_| usage(&["SECONDS"]))?;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(usage(&["SECONDS"]));
    }
    if seconds > MAX_SLEEP_S {
        return Err(HmcError::too_long(format!(
            "sleep {} is too long; at most {MAX_SLEEP_S} seconds are accepted.",
            printable(s)
        ))
        .into());
    }
    Ok(HmcCommand::Sleep { seconds })
}

fn help(words: &[String]) -> Result<HmcCommand, ParseError> {
    match words {
        [] => Ok(HmcCommand::Help { command: None }),
        // `help --help`, as every command takes --help.
        [w] if w == "--help" => Ok(HmcCommand::Help {
            command: Some(CommandName::Help),
        }),
        [w] => match CommandName::from_name(w) {
            Some(c) => Ok(HmcCommand::Help { command: Some(c) }),
            None => Err(ParseError::NotFound(w.clone())),
        },
        _ => Err(usage(&["COMMAND"])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> HmcCommand {
        parse_line(line)
            .unwrap_or_else(|e| panic!("{line}: {e:?}"))
            .unwrap_or_else(|| panic!("{line}: no command"))
    }

    fn err(line: &str) -> ParseError {
        match parse_line(line) {
            Err(e) => e,
            Ok(c) => panic!("{line}: parsed as {c:?}"),
        }
    }

    #[test]
    fn migrlpar_forms() {
        let HmcCommand::Migrlpar(m) =
            ok("migrlpar -o m -m frame-a -t frame-b -p db01,app01 -w 5 --redundantmsps 2")
        else {
            panic!()
        };
        assert_eq!(m.op, MigrOp::Migrate);
        assert_eq!(
            m.partitions,
            Selection::Names(vec!["db01".into(), "app01".into()])
        );
        assert_eq!(m.wait_minutes, Some(5));
        assert_eq!(m.redundant_msps, Some(RedundantMsps::IfAvailable));
        let HmcCommand::Migrlpar(m) = ok("migrlpar -o v -m a -t b --id 3,4") else {
            panic!()
        };
        assert_eq!(m.partitions, Selection::Ids(vec![3, 4]));
        assert!(matches!(
            ok("migrlpar -o s -m a -p x"),
            HmcCommand::Migrlpar(_)
        ));
        assert!(matches!(
            ok("migrlpar -o m -m a -t b --all"),
            HmcCommand::Migrlpar(_)
        ));
    }

    #[test]
    fn migrlpar_refusals() {
        for line in [
            "migrlpar -m a -t b -p x",
            "migrlpar -o x -m a -t b -p x",
            "migrlpar -o m -t b -p x",
            "migrlpar -o m -m a -p x",
            "migrlpar -o m -m a -t b",
            "migrlpar -o m -m a -t b -p x --all",
            "migrlpar -o s -m a -t b -p x",
            "migrlpar -o r -m a -p x,y",
            "migrlpar -o m -m a -t b -p x -w soon",
            "migrlpar -o m -m a -t b -p x -p y",
            "migrlpar -o m -m a -t b -p x --redundantmsps 3",
            "migrlpar -o m -m a -t b -p",
            "migrlpar -o m -m a -t b -p x --bogus",
        ] {
            assert!(matches!(err(line), ParseError::Usage(_)), "{line}");
        }
        assert!(matches!(
            err("migrlpar -o m -m a -t b -p x --ip 1.2.3.4"),
            ParseError::Hmc(HmcError {
                code: Code::OptionNotSimulated,
                ..
            })
        ));
        assert!(matches!(
            err("migrlpar -o m -m a -t b -p x -w 99999"),
            ParseError::Hmc(HmcError {
                code: Code::TooLong,
                ..
            })
        ));
    }

    #[test]
    fn input_data_forms() {
        let HmcCommand::Migrlpar(m) = ok(
            r#"migrlpar -o m -m a -t b -p x -i "\"virtual_fc_mappings=4/vios1/1,5//2\",dest_msp_name=vios2,shared_proc_pool_name=DefaultPool""#,
        ) else {
            panic!()
        };
        assert_eq!(
            m.input,
            vec![
                InputAttr::VirtualFcMappings(vec![
                    AdapterMapping::new(4, Some("vios1"), Some(1)),
                    AdapterMapping::new(5, None, Some(2)),
                ]),
                InputAttr::DestMspName("vios2".into()),
                InputAttr::SharedProcPoolName("DefaultPool".into()),
            ]
        );
        for bad in [
            r#"-i "colour=blue""#,
            r#"-i "source_msp_id=x""#,
            r#"-i "virtual_fc_mappings=4/vios1""#,
            r#"-i "virtual_fc_mappings=4//""#,
            r#"-i "virtual_fc_mappings=4/vios1/1/x""#,
            r#"-i "virtual_scsi_mappings=4/vios1/1/7/fcs0""#,
            r#"-i "vlan_mappings=2/vios1/1/7""#,
            r#"-i "vlan_mappings=""#,
            r#"-i "dest_msp_name=a,b""#,
            r#"-i "dest_msp_name=a,dest_msp_name=b""#,
            r#"-i 'x"'"#,
            r#"-i "novalue""#,
        ] {
            let line = format!("migrlpar -o m -m a -t b -p x {bad}");
            assert!(
                matches!(
                    err(&line),
                    ParseError::Hmc(HmcError {
                        code: Code::BadInputData,
                        ..
                    })
                ),
                "{line}: {:?}",
                err(&line)
            );
        }
    }

    #[test]
    fn listing_forms() {
        let HmcCommand::Lssyscfg(l) = ok(
            r#"lssyscfg -r lpar -m frame-a -F name:state --header --filter "lpar_names=a,b",lpar_ids=3"#,
        ) else {
            panic!()
        };
        assert_eq!(
            l.listing.format,
            Format::Fields {
                names: vec!["name".into(), "state".into()],
                delimiter: ":".into(),
                header: true
            }
        );
        assert_eq!(l.listing.filter.names, ["a", "b"]);
        assert_eq!(l.listing.filter.ids, [3]);
        let HmcCommand::Lssyscfg(l) = ok("lssyscfg -r sys -F --header") else {
            panic!()
        };
        assert!(
            matches!(l.listing.format, Format::Fields { ref names, header: true, .. } if names.is_empty())
        );
        assert!(matches!(err("lssyscfg -r lpar"), ParseError::Usage(_)));
        assert!(matches!(
            err("lssyscfg -r sys --header"),
            ParseError::Usage(_)
        ));
        assert!(matches!(
            err("lssyscfg -r sys --filter lpar_names=x"),
            ParseError::Hmc(HmcError {
                code: Code::BadFilter,
                ..
            })
        ));
        assert!(matches!(
            err("lssyscfg -r prof -m a"),
            ParseError::Hmc(HmcError {
                code: Code::OptionNotSimulated,
                ..
            })
        ));
        assert!(matches!(
            err("lslparmigr -r msp -m a -t b"),
            ParseError::Usage(_)
        ));
        assert!(matches!(
            ok("lslparmigr -r msp -m a -t b --filter lpar_ids=2"),
            HmcCommand::Lslparmigr(_)
        ));
        assert!(matches!(
            ok("lshwres -r mem -m a --level sys"),
            HmcCommand::Lshwres(_)
        ));
        assert!(matches!(err("lshwres -r mem -m a"), ParseError::Usage(_)));
    }

    #[test]
    fn other_commands() {
        assert_eq!(ok("sleep 2.5"), HmcCommand::Sleep { seconds: 2.5 });
        assert!(matches!(err("sleep -1"), ParseError::Usage(_)));
        assert!(matches!(err("sleep NaN"), ParseError::Usage(_)));
        assert!(matches!(err("sleep 1e9"), ParseError::Hmc(_)));
        assert_eq!(ok("help"), HmcCommand::Help { command: None });
        assert_eq!(
            ok("lssyscfg --help"),
            HmcCommand::Help {
                command: Some(CommandName::Lssyscfg)
            }
        );
        assert_eq!(
            ok("help migrlpar"),
            HmcCommand::Help {
                command: Some(CommandName::Migrlpar)
            }
        );
        assert_eq!(err("ls -l"), ParseError::NotFound("ls".into()));
        assert!(matches!(
            err("chsysstate -r lpar -m a -o on"),
            ParseError::Hmc(_)
        ));
        assert!(matches!(
            ok("chsysstate -r sys -m a -o off"),
            HmcCommand::Chsysstate(_)
        ));
        assert_eq!(parse_line("   # nothing"), Ok(None));
        assert!(matches!(err("lssyscfg -r 'sys"), ParseError::Syntax(_)));
    }

    #[test]
    fn rendering_parses_back_to_the_same_command() {
        for line in [
            "migrlpar -o m -m frame-a -t frame-b -p db01,app01 -w 5 --redundantmsps 2",
            r#"migrlpar -o v -m a -t b --id 3 -i "\"virtual_fc_mappings=4/vios1/1,5//2\",dest_msp_id=3""#,
            "migrlpar -o r -m a -p 'odd name'",
            r#"lssyscfg -r lpar -m frame-a -F name:state --header --filter "\"lpar_names=a,b\",lpar_ids=3""#,
            "lssyscfg -r sys -F",
            "lslparmigr -r virtualio -m a -t b --filter lpar_names=x",
            "lshwres -r proc -m a --level lpar -F lpar_name,curr_proc_units",
            "chsysstate -r sys -m a -o on",
            "sleep 0.25",
            "help",
            "migrlpar --help",
            "help help",
            "help --help",
        ] {
            let c = ok(line);
            let rendered = c.to_string();
            assert_eq!(ok(&rendered), c, "{line} -> {rendered}");
        }
    }
}
