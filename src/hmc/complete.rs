//! Tab completion of commands, flags, their values, frame and partition names.
//!
//! UI-free (the shell's line editor calls it), so it is tested without a terminal.

use super::command::{CommandName, InputAttr};
use super::records::*;
use super::session::Names;

/// The flags of each command, in the order help lists them.
pub fn flags(command: CommandName) -> &'static [&'static str] {
    match command {
        CommandName::Migrlpar => &[
            "-o",
            "-m",
            "-t",
            "-p",
            "--id",
            "--all",
            "-i",
            "--redundantmsps",
            "-w",
            "--help",
        ],
        CommandName::Lslparmigr => &["-r", "-m", "-t", "--filter", "-F", "--header", "--help"],
        CommandName::Lssyscfg => &["-r", "-m", "--filter", "-F", "--header", "--help"],
        CommandName::Lshwres => &[
            "-r", "-m", "--level", "--filter", "-F", "--header", "--help",
        ],
        CommandName::Chsysstate => &["-r", "-m", "-o", "--help"],
        CommandName::Sleep | CommandName::Help => &[],
    }
}

/// The values an option takes, where they are a fixed set.
fn values(command: CommandName, flag: &str) -> &'static [&'static str] {
    match (command, flag) {
        (CommandName::Migrlpar, "-o") => &["m", "v", "s", "r"],
        (CommandName::Migrlpar, "--redundantmsps") => &["0", "1", "2"],
        (CommandName::Lslparmigr, "-r") => &["lpar", "msp", "sys", "virtualio"],
        (CommandName::Lssyscfg, "-r") => &["lpar", "sys"],
        (CommandName::Lshwres, "-r") => &["mem", "proc"],
        (CommandName::Lshwres, "--level") => &["lpar", "sys"],
        (CommandName::Chsysstate, "-r") => &["sys"],
        (CommandName::Chsysstate, "-o") => &["on", "off"],
        (CommandName::Migrlpar, "-i") => &InputAttr::NAMES,
        (CommandName::Lssyscfg, "--filter") => &["lpar_names=", "lpar_ids=", "names="],
        (_, "--filter") => &["lpar_names=", "lpar_ids="],
        _ => &[],
    }
}

/// The attributes `-F` may name, by command and the `-r`/`--level` typed so far.
fn attributes(command: CommandName, words: &[&str]) -> &'static [&'static str] {
    let after = |flag: &str| {
        words
            .iter()
            .position(|w| *w == flag)
            .and_then(|i| words.get(i + 1))
            .copied()
    };
    match (command, after("-r"), after("--level")) {
        (CommandName::Lssyscfg, Some("sys"), _) => SYS_ATTRS,
        (CommandName::Lssyscfg, Some("lpar"), _) => LPAR_ATTRS,
        (CommandName::Lshwres, Some("mem"), Some("sys")) => MEM_SYS_ATTRS,
        (CommandName::Lshwres, Some("mem"), Some("lpar")) => MEM_LPAR_ATTRS,
        (CommandName::Lshwres, Some("proc"), Some("sys")) => PROC_SYS_ATTRS,
        (CommandName::Lshwres, Some("proc"), Some("lpar")) => PROC_LPAR_ATTRS,
        (CommandName::Lslparmigr, Some("sys"), _) => MIGR_SYS_ATTRS,
        (CommandName::Lslparmigr, Some("lpar"), _) => MIGR_LPAR_ATTRS,
        (CommandName::Lslparmigr, Some("msp"), _) => MIGR_MSP_ATTRS,
        (CommandName::Lslparmigr, Some("virtualio"), _) => MIGR_VIO_ATTRS,
        _ => &[],
    }
}

/// Completes the word that ends at `pos` in `line`: the byte offset where the replaced text
/// starts, and the candidates (each the whole replacement), sorted.
pub fn complete(line: &str, pos: usize, names: &Names) -> (usize, Vec<String>) {
    let pos = floor_char_boundary(line, pos);
    let head = &line[..pos];
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &head[start..];
    let before: Vec<&str> = head[..start].split_whitespace().collect();
    let Some((first, args)) = before.split_first() else {
        let cands = CommandName::ALL.iter().map(|c| c.as_str().to_string());
        return (start, matching(cands, word));
    };
    let Some(command) = CommandName::from_name(first) else {
        return (start, Vec::new());
    };
    if command == CommandName::Help {
        let cands = CommandName::ALL.iter().map(|c| c.as_str().to_string());
        return (
            start,
            if args.is_empty() {
                matching(cands, word)
            } else {
                Vec::new()
            },
        );
    }
    let prev = args.last().copied().unwrap_or("");
    let frame_of = |flag: &str| {
        args.iter()
            .position(|w| *w == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|m| names.frames.iter().position(|f| f == m))
    };
    // A list value (`-p a,b,c`, `-F name,state`, `-i a=1,b`): complete after its last comma.
    let (list_start, item) = match word.rfind(',') {
        Some(i) => (start + i + 1, &word[i + 1..]),
        None => (start, word),
    };
    match prev {
        "-m" | "-t" => return (start, matching(names.frames.iter().cloned(), word)),
        "-p" => {
            let lpars: Vec<String> = match frame_of("-m") {
                Some(f) => names.lpars.get(f).cloned().unwrap_or_default(),
                None => {
                    let mut all: Vec<String> = names.lpars.iter().flatten().cloned().collect();
                    all.sort();
                    all.dedup();
                    all
                }
            };
            return (list_start, matching(lpars.into_iter(), item));
        }
        "-F" if !word.starts_with('-') => {
            let attrs = attributes(command, args).iter().map(|a| a.to_string());
            return (list_start, matching(attrs, item));
        }
        "--filter" if !word.starts_with('-') => {
            // After `lpar_names=`: the partitions of the -m frame.
            if let Some(eq) = item.find('=') {
                let (attr, v) = (&item[..eq], &item[eq + 1..]);
                if attr == "lpar_names" || attr == "names" {
                    let pool: Vec<String> = if attr == "names" {
                        names.frames.clone()
                    } else {
                        frame_of("-m")
                            .and_then(|f| names.lpars.get(f).cloned())
                            .unwrap_or_default()
                    };
                    let at = list_start + eq + 1;
                    return (at, matching(pool.into_iter(), v));
                }
                return (list_start, Vec::new());
            }
            let cands = values(command, "--filter").iter().map(|v| v.to_string());
            return (list_start, matching(cands, item));
        }
        "-i" if !word.starts_with('-') => {
            let cands = values(command, "-i").iter().map(|v| format!("{v}="));
            return (list_start, matching(cands, item));
        }
        _ => {}
    }
    let fixed = values(command, prev);
    if !fixed.is_empty() && !word.starts_with('-') {
        return (start, matching(fixed.iter().map(|v| v.to_string()), word));
    }
    let used: Vec<&str> = args.to_vec();
    let cands = flags(command)
        .iter()
        .filter(|f| !used.contains(f))
        .map(|f| f.to_string());
    (start, matching(cands, word))
}

fn matching(cands: impl Iterator<Item = String>, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = cands.filter(|c| c.starts_with(prefix)).collect();
    v.sort();
    v.dedup();
    v
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            frames: vec!["frame-a".into(), "frame-b".into()],
            lpars: vec![vec!["db01".into(), "app01".into()], vec!["ai01".into()]],
        }
    }

    fn c(line: &str) -> Vec<String> {
        complete(line, line.len(), &names()).1
    }

    #[test]
    fn commands_flags_and_names() {
        assert_eq!(c("ls"), ["lshwres", "lslparmigr", "lssyscfg"]);
        assert_eq!(c("migrlpar -o m -m fr"), ["frame-a", "frame-b"]);
        assert_eq!(c("migrlpar -o m -m frame-a -p "), ["app01", "db01"]);
        assert_eq!(c("migrlpar -o m -m frame-b -p a"), ["ai01"]);
        assert_eq!(c("migrlpar -o m -m frame-a -p db01,a"), ["app01"]);
        assert_eq!(
            complete("migrlpar -p db01,a", 18, &names()).0,
            "migrlpar -p db01,".len()
        );
        assert_eq!(c("migrlpar -o "), ["m", "r", "s", "v"]);
        assert_eq!(c("migrlpar -o m --re"), ["--redundantmsps"]);
        assert_eq!(c("lssyscfg -r "), ["lpar", "sys"]);
        assert_eq!(c("lssyscfg -r lpar -m frame-a -F name,st"), ["state"]);
        assert_eq!(
            c("lslparmigr -r lpar -m frame-a --filter lpar_names=d"),
            ["db01"]
        );
        assert_eq!(
            c("lssyscfg -r sys --filter "),
            ["lpar_ids=", "lpar_names=", "names="]
        );
        assert_eq!(
            c("migrlpar -i dest"),
            ["dest_lpar_id=", "dest_msp_id=", "dest_msp_name="]
        );
        assert_eq!(c("lslparmigr -r v"), ["virtualio"]);
        assert_eq!(
            c("lslparmigr -r virtualio -m frame-a -t frame-b -F suggested_v"),
            [
                "suggested_virtual_fc_mappings",
                "suggested_virtual_scsi_mappings",
                "suggested_vlan_mappings"
            ]
        );
        assert_eq!(
            c("migrlpar -i virtual_"),
            ["virtual_fc_mappings=", "virtual_scsi_mappings="]
        );
        assert_eq!(c("migrlpar -i vlan"), ["vlan_mappings="]);
        assert_eq!(c("help mi"), ["migrlpar"]);
        assert!(c("nosuch -").is_empty());
        assert!(c("lssyscfg -r sys -m frame-a -").contains(&"--header".to_string()));
        assert!(!c("lssyscfg -r sys -m frame-a -").contains(&"-m".to_string()));
    }

    #[test]
    fn any_position_in_any_line_is_safe() {
        let line = "migrlpar -o m é -p ü,ä";
        for pos in 0..=line.len() + 2 {
            let _ = complete(line, pos, &names());
        }
    }
}
