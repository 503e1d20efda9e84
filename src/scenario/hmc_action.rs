//! `Hmc("migrlpar -o m -m frame-a -t frame-b -p db01")` in a script: an HMC command line as a
//! scenario or presenter action, translated at load time into the engine's own [`Action`].
//!
//! The translation is a rewrite of the RON text before serde reads it: each `Hmc("...")`
//! outside strings and comments is parsed with the HMC layer's own parser and replaced by the
//! RON of the action it means, on the same line (so every later message keeps its line). A
//! command that does not parse, or that has no action in a script (a listing, `sleep`), is
//! refused with the file's line and column of its `Hmc`. Doing it on the text keeps the engine
//! and the scenario format free of a second way to say the same thing: the engine only ever
//! sees `Migrate`, `Validate`, `Stop`, `Recover`, `Evacuate`, `PowerOff` or `PowerOn`.

use super::locate::line_col;
use std::borrow::Cow;

use crate::hmc::command::{
    AdapterMapping, HmcCommand, InputAttr, MigrOp, Migrlpar, PowerOp, RedundantMsps, Selection,
};
use crate::hmc::parse_line;
use crate::spec::vio::AdapterKind;
use crate::spec::{Action, MappingChoice, Redundancy};

use super::Refusal;

/// The text with every `Hmc("...")` replaced by the action it means, or every bad command
/// refused at `origin:line:col`.
pub fn translate<'t>(text: &'t str, origin: &str) -> Result<Cow<'t, str>, Refusal> {
    let found = find_calls(text);
    if found.is_empty() {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut messages = Vec::new();
    let mut at = 0;
    for call in found {
        out.push_str(&text[at..call.start]);
        at = call.end;
        let (line, col) = line_col(text, call.start);
        match call.command.and_then(|c| action_of(&c)) {
            Ok(action) => match ron::to_string(&action) {
                Ok(r) => out.push_str(&r),
                Err(e) => messages.push(format!("{origin}:{line}:{col}: Hmc: {e}")),
            },
            Err(m) => messages.push(format!("{origin}:{line}:{col}: Hmc: {m}")),
        }
    }
    out.push_str(&text[at..]);
    if messages.is_empty() {
        Ok(Cow::Owned(out))
    } else {
        Err(Refusal { messages })
    }
}

/// One `Hmc(...)` in the text: its byte span and the command string it holds.
struct Call {
    start: usize,
    end: usize,
    command: Result<String, String>,
}

/// Every `Hmc(` outside strings and comments. Bounded: each turn of the loop moves on by at
/// least one byte.
fn find_calls(text: &str) -> Vec<Call> {
    let b = text.as_bytes();
    let mut calls = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            }
            b'"' => i = string_end(b, i).unwrap_or(b.len()),
            b'r' if raw_string_start(b, i).is_some() && !ident_before(b, i) => {
                i = raw_string(text, i).map_or(b.len(), |(_, end)| end);
            }
            b'H' if text[i..].starts_with("Hmc") && !ident_before(b, i) => {
                let mut j = i + 3;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if b.get(j) != Some(&b'(') {
                    i += 3;
                    continue;
                }
                let (command, end) = call_argument(text, j + 1);
                calls.push(Call {
                    start: i,
                    end,
                    command,
                });
                i = end.max(i + 1);
            }
            _ => i += 1,
        }
    }
    calls
}

fn ident_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// The string argument after `Hmc(` and the end of the call (past its `)`).
fn call_argument(text: &str, from: usize) -> (Result<String, String>, usize) {
    let b = text.as_bytes();
    let skip = |mut k: usize| {
        while k < b.len() && b[k].is_ascii_whitespace() {
            k += 1;
        }
        k
    };
    let k = skip(from);
    let parsed = if b.get(k) == Some(&b'"') {
        string_end(b, k).map(|end| (unescape(&text[k + 1..end - 1]), end))
    } else if raw_string_start(b, k).is_some() {
        raw_string(text, k).map(|(s, end)| (Ok(s.to_string()), end))
    } else {
        None
    };
    let Some((value, end)) = parsed else {
        let close = text[from..].find(')').map_or(b.len(), |n| from + n + 1);
        return (
            Err("expected one command in double quotes: Hmc(\"migrlpar -o m ...\")".into()),
            close,
        );
    };
    let k = skip(end);
    if b.get(k) != Some(&b')') {
        let close = text[k..].find(')').map_or(b.len(), |n| k + n + 1);
        return (Err("expected ) after the command".into()), close);
    }
    (value, k + 1)
}

/// The index just past the closing quote of the string opening at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut k = i + 1;
    while k < b.len() {
        match b[k] {
            b'\\' => k += 2,
            b'"' => return Some(k + 1),
            _ => k += 1,
        }
    }
    None
}

/// The number of `#` of a raw string opening at `i` (`r"`, `r#"`...).
fn raw_string_start(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'r') {
        return None;
    }
    let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
    (b.get(i + 1 + hashes) == Some(&b'"')).then_some(hashes)
}

/// A raw string's contents and the index past it.
fn raw_string(text: &str, i: usize) -> Option<(&str, usize)> {
    let hashes = raw_string_start(text.as_bytes(), i)?;
    let open = i + 1 + hashes + 1;
    let close = format!("\"{}", "#".repeat(hashes));
    let n = text[open..].find(&close)?;
    Some((&text[open..open + n], open + n + close.len()))
}

/// A RON string's escapes (the ones a command line needs).
fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            other => {
                return Err(format!(
                    "the escape \\{} is not accepted in a command (write quotes as \\\" or use a \
                     raw string r#\"...\"#)",
                    other.map(String::from).unwrap_or_default()
                ));
            }
        }
    }
    Ok(out)
}

/// The engine action an HMC command line means in a script.
pub fn action_of(line: &str) -> Result<Action, String> {
    let command = match parse_line(line) {
        Ok(Some(c)) => c,
        Ok(None) => return Err("the command is empty".into()),
        Err(e) => return Err(e.render().0.trim_end().to_string()),
    };
    match command {
        HmcCommand::Migrlpar(m) => migrlpar_action(&m),
        HmcCommand::Chsysstate(c) => Ok(match c.op {
            PowerOp::Off => Action::PowerOff { system: c.system },
            PowerOp::On => Action::PowerOn { system: c.system },
        }),
        other => Err(format!(
            "{other}: only migrlpar and chsysstate change the estate; a listing, sleep or help has no effect \
             in a script"
        )),
    }
}

/// `-i` adapter mappings in a script: the VIOS by name (ids follow the estate, which a
/// script does not see).
fn choices(kind: AdapterKind, ms: &[AdapterMapping]) -> Result<Vec<MappingChoice>, String> {
    ms.iter()
        .map(|m| match &m.vios_name {
            Some(name) => Ok(MappingChoice {
                kind,
                slot: m.slot,
                vios: name.clone(),
                vios_slot: m.vios_slot,
            }),
            None => Err(format!(
                "-i mapping {m}: name the VIOS in a script (slot/vios_name/...)"
            )),
        })
        .collect()
}

fn migrlpar_action(m: &Migrlpar) -> Result<Action, String> {
    let mut source_msp = None;
    let mut dest_msp = None;
    let mut mappings = Vec::new();
    for attr in &m.input {
        match attr {
            InputAttr::SourceMspName(n) => source_msp = Some(n.clone()),
            InputAttr::DestMspName(n) => dest_msp = Some(n.clone()),
            InputAttr::VirtualScsiMappings(ms) => mappings.extend(choices(AdapterKind::Vscsi, ms)?),
            InputAttr::VirtualFcMappings(ms) => mappings.extend(choices(AdapterKind::Vfc, ms)?),
            InputAttr::VlanMappings(ms) => mappings.extend(choices(AdapterKind::Veth, ms)?),
            InputAttr::SharedProcPoolName(n) if n == "DefaultPool" => {}
            InputAttr::SharedProcPoolId(0) => {}
            other => {
                return Err(format!(
                    "-i {}: not accepted in a script (name the movers with source_msp_name and \
                     dest_msp_name, the VIOS of adapter mappings by name)",
                    other.name()
                ));
            }
        }
    }
    let redundant = match m.redundant_msps {
        None | Some(RedundantMsps::No) => Redundancy::Off,
        Some(RedundantMsps::Required) => Redundancy::Required,
        Some(RedundantMsps::IfAvailable) => Redundancy::IfAvailable,
    };
    let target = || {
        m.target
            .clone()
            .ok_or_else(|| "migrlpar -o m and -o v need -t".to_string())
    };
    if m.op != MigrOp::Migrate && m.op != MigrOp::Validate && !m.input.is_empty() {
        return Err(format!("-i is not accepted with -o {}", m.op.letter()));
    }
    let partition = match &m.partitions {
        Selection::Names(n) if n.len() == 1 => format!("{}/{}", m.source, n[0]),
        Selection::Names(_) => {
            return Err("name one partition per Hmc action (-p NAME)".into());
        }
        Selection::Ids(_) => {
            return Err(
                "--id in a script: name the partition with -p (ids follow the file's order)".into(),
            );
        }
        Selection::All if m.op == MigrOp::Migrate => {
            if source_msp.is_some()
                || dest_msp.is_some()
                || redundant != Redundancy::Off
                || !mappings.is_empty()
            {
                return Err("--all takes no movers or --redundantmsps in a script".into());
            }
            // Every partition of the frame that validates: an evacuation to the target.
            return Ok(Action::Evacuate {
                from: m.source.clone(),
                to: Some(target()?),
            });
        }
        Selection::All => {
            return Err(format!(
                "--all in a script only with -o m (an evacuation), not -o {}",
                m.op.letter()
            ));
        }
    };
    Ok(match m.op {
        MigrOp::Migrate => Action::Migrate {
            partition,
            to: target()?,
            source_msp,
            dest_msp,
            redundant,
            mappings: mappings.clone(),
        },
        MigrOp::Validate => Action::Validate {
            partition,
            to: target()?,
            source_msp,
            dest_msp,
            redundant,
            mappings: mappings.clone(),
        },
        MigrOp::Stop => Action::Stop { partition },
        MigrOp::Recover => Action::Recover { partition },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_migrate_becomes_the_engine_action() {
        let a = action_of("migrlpar -o m -m frame-a -t frame-b -p db01").unwrap();
        assert_eq!(a, Action::migrate("frame-a/db01", "frame-b"));
    }

    #[test]
    fn adapter_mappings_become_the_actions_mappings() {
        let a = action_of(
            r#"migrlpar -o v -m frame-a -t frame-b -p bk01 -i "\"virtual_fc_mappings=20/vios2/22/40,21/vios2/\",vlan_mappings=2/vios1/""#,
        )
        .unwrap();
        let Action::Validate { mappings, .. } = a else {
            panic!("{a:?}")
        };
        assert_eq!(
            mappings,
            vec![
                MappingChoice {
                    kind: AdapterKind::Vfc,
                    slot: 20,
                    vios: "vios2".into(),
                    vios_slot: Some(40)
                },
                MappingChoice {
                    kind: AdapterKind::Vfc,
                    slot: 21,
                    vios: "vios2".into(),
                    vios_slot: None
                },
                MappingChoice {
                    kind: AdapterKind::Veth,
                    slot: 2,
                    vios: "vios1".into(),
                    vios_slot: None
                },
            ]
        );
        // A VIOS by id alone cannot be resolved in a script.
        let e = action_of(r#"migrlpar -o m -m a -t b -p x -i "virtual_fc_mappings=20//22""#);
        assert!(e.unwrap_err().contains("name the VIOS"));
    }

    #[test]
    fn chsysstate_becomes_power_off_and_on() {
        let off = action_of("chsysstate -r sys -m frame-b -o off --immed").unwrap();
        assert_eq!(
            off,
            Action::PowerOff {
                system: "frame-b".into()
            }
        );
        let on = action_of("chsysstate -r sys -m frame-b -o on").unwrap();
        assert_eq!(
            on,
            Action::PowerOn {
                system: "frame-b".into()
            }
        );
    }

    #[test]
    fn strings_and_comments_are_left_alone() {
        let text = "// Hmc(\"x\")\n\"Hmc(no)\" /* Hmc(\"y\") */ Hmc( \"migrlpar -o s -m a -p b\" )";
        let out = translate(text, "f").unwrap();
        assert!(
            out.starts_with("// Hmc(\"x\")\n\"Hmc(no)\" /* Hmc(\"y\") */ Stop("),
            "{out}"
        );
    }

    #[test]
    fn a_bad_command_is_refused_at_its_place() {
        let text = "a\n  Hmc(\"migrlpar -o m -m frame-a -p db01 --bogus\")";
        let e = translate(text, "s.ron").unwrap_err();
        assert_eq!(e.messages.len(), 1);
        assert!(e.messages[0].starts_with("s.ron:2:3: Hmc: "), "{e}");
        assert!(e.messages[0].contains("--bogus"), "{e}");
    }
}
