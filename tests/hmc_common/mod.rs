//! Golden HMC transcripts (tests/data/hmc/*.txt): reading, replaying and diffing them.
//!
//! A transcript is what an operator would see, with the streams marked:
//!
//! ```text
//! # scenario: tests/data/hmc/estate.ron      (first line: the estate; `builtin` for the built-in one)
//! # a comment
//! $ a command
//! a line of standard output
//! ! a line of standard error
//! [exit 1]                                    (the exit status, when not 0)
//! ```
//!
//! Output lines that would read as markers (`$ `, `! `, `# `, `[exit `, `\`) are written with a
//! leading `\`. Blank lines belong to the output of the command above them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lpm::Scenario;
use lpm::hmc::Session;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Comment(String),
    Command {
        line: String,
        stdout: String,
        stderr: String,
        status: i32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// `builtin` or a path from the crate root.
    pub scenario: String,
    pub items: Vec<Item>,
}

const SCENARIO: &str = "# scenario: ";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every transcript file, sorted.
pub fn files() -> Vec<PathBuf> {
    let dir = root().join("tests/data/hmc");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/hmc exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    v.sort();
    v
}

fn marker(line: &str) -> bool {
    ["$ ", "! ", "# ", "[exit ", "\\"]
        .iter()
        .any(|m| line.starts_with(m))
        || line == "#"
}

pub fn parse(text: &str) -> Result<Transcript, String> {
    let mut lines = text.lines();
    let scenario = lines
        .next()
        .and_then(|l| l.strip_prefix(SCENARIO))
        .ok_or("the first line must be `# scenario: PATH` or `# scenario: builtin`")?
        .to_string();
    let mut items: Vec<Item> = Vec::new();
    for line in lines {
        if let Some(cmd) = line.strip_prefix("$ ") {
            items.push(Item::Command {
                line: cmd.to_string(),
                stdout: String::new(),
                stderr: String::new(),
                status: 0,
            });
            continue;
        }
        let in_command = matches!(items.last(), Some(Item::Command { .. }));
        if line == "#" || line.starts_with("# ") {
            items.push(Item::Comment(line.to_string()));
            continue;
        }
        let Some(Item::Command {
            stdout,
            stderr,
            status,
            ..
        }) = items.last_mut().filter(|_| in_command)
        else {
            return Err(format!("a line outside any command: {line:?}"));
        };
        if let Some(e) = line.strip_prefix("! ") {
            stderr.push_str(e);
            stderr.push('\n');
        } else if line == "!" {
            stderr.push('\n');
        } else if let Some(n) = line
            .strip_prefix("[exit ")
            .and_then(|r| r.strip_suffix(']'))
        {
            *status = n
                .parse()
                .map_err(|_| format!("a bad exit status: {line:?}"))?;
        } else {
            stdout.push_str(line.strip_prefix('\\').unwrap_or(line));
            stdout.push('\n');
        }
    }
    Ok(Transcript { scenario, items })
}

pub fn render(t: &Transcript) -> String {
    let mut out = format!("{SCENARIO}{}\n", t.scenario);
    for item in &t.items {
        match item {
            Item::Comment(c) => {
                out.push_str(c);
                out.push('\n');
            }
            Item::Command {
                line,
                stdout,
                stderr,
                status,
            } => {
                out.push_str(&format!("$ {line}\n"));
                for l in stdout.lines() {
                    if marker(l) {
                        out.push('\\');
                    }
                    out.push_str(l);
                    out.push('\n');
                }
                for l in stderr.lines() {
                    if l.is_empty() {
                        out.push_str("!\n");
                    } else {
                        out.push_str(&format!("! {l}\n"));
                    }
                }
                if *status != 0 {
                    out.push_str(&format!("[exit {status}]\n"));
                }
            }
        }
    }
    out
}

pub fn scenario(t: &Transcript) -> Scenario {
    if t.scenario == "builtin" {
        Scenario::builtin()
    } else {
        Scenario::load(&root().join(&t.scenario))
            .unwrap_or_else(|r| panic!("{}: {}", t.scenario, r.messages.join("; ")))
    }
}

/// Runs the transcript's commands on a fresh session: the transcript as it is today.
pub fn replay(t: &Transcript) -> Transcript {
    let mut session = Session::new(&scenario(t)).expect("the estate builds");
    let items = t
        .items
        .iter()
        .map(|item| match item {
            Item::Comment(c) => Item::Comment(c.clone()),
            Item::Command { line, .. } => {
                let o = session.execute(line);
                for (name, s) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
                    assert!(
                        s.is_empty() || s.ends_with('\n'),
                        "{line}: {name} does not end with a newline: {s:?}"
                    );
                }
                Item::Command {
                    line: line.clone(),
                    stdout: o.stdout,
                    stderr: o.stderr,
                    status: o.status,
                }
            }
        })
        .collect();
    Transcript {
        scenario: t.scenario.clone(),
        items,
    }
}

/// The commands of a transcript, in order.
pub fn commands(t: &Transcript) -> Vec<String> {
    t.items
        .iter()
        .filter_map(|i| match i {
            Item::Command { line, .. } => Some(line.clone()),
            Item::Comment(_) => None,
        })
        .collect()
}

/// What the whole transcript prints on each stream, and the status it ends with.
pub fn streams(t: &Transcript) -> (String, String, i32) {
    let (mut out, mut err, mut status) = (String::new(), String::new(), 0);
    for i in &t.items {
        if let Item::Command {
            stdout,
            stderr,
            status: s,
            ..
        } = i
        {
            out.push_str(stdout);
            err.push_str(stderr);
            status = *s;
        }
    }
    (out, err, status)
}

/// A line diff (`-` expected, `+` actual) with a line of context, from a longest common
/// subsequence; the files are small.
pub fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push(('+', b[j]));
            j += 1;
        } else {
            ops.push(('-', a[i]));
            i += 1;
        }
    }
    let near_change = |k: usize| {
        let lo = k.saturating_sub(1);
        let hi = (k + 1).min(ops.len() - 1);
        (lo..=hi).any(|x| ops[x].0 != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (op, line)) in ops.iter().enumerate() {
        if near_change(k) {
            if skipped {
                out.push_str("  ...\n");
                skipped = false;
            }
            out.push_str(&format!("{op} {line}\n"));
        } else {
            skipped = true;
        }
    }
    out
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
