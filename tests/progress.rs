//! `lpm run`'s progress lines (issue 17): drawn on standard error when it is a terminal, never a
//! byte of them on standard output, and nothing at all on standard error when it is not a
//! terminal; the text and `--json` output byte-identical either way.
//!
//! Standard error is made a terminal with a pseudo-terminal (libc's posix_openpt, which lpm
//! already depends on), standard output stays a pipe.
#![cfg(unix)]

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Output, Stdio};

/// Several moves, a queue for mover slots, a profile-only move: lines come and go.
const SCENARIO: &str = "assets/scenarios/maintenance.ron";

fn lpm() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lpm"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null());
    cmd
}

fn piped(args: &[&str]) -> Output {
    lpm().args(args).output().expect("the lpm binary runs")
}

fn check(r: libc::c_int, what: &str) -> libc::c_int {
    assert!(r >= 0, "{what}: {}", std::io::Error::last_os_error());
    r
}

/// Runs `lpm args` with standard error on a fresh 80x24 pseudo-terminal and standard output on
/// a pipe; returns what each received.
fn on_terminal_stderr(args: &[&str]) -> (Output, Vec<u8>) {
    // SAFETY: plain libc calls on descriptors this function owns; the name buffer is large
    // enough and NUL-terminated by ptsname_r.
    let (master, slave) = unsafe {
        let m = check(
            libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC),
            "posix_openpt",
        );
        let master = OwnedFd::from_raw_fd(m);
        check(libc::grantpt(m), "grantpt");
        check(libc::unlockpt(m), "unlockpt");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, name.as_mut_ptr(), name.len()), 0);
        // 80 columns: the narrowest terminal the lines must fit.
        let ws = libc::winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        check(libc::ioctl(m, libc::TIOCSWINSZ, &ws), "TIOCSWINSZ");
        let s = check(
            libc::open(
                name.as_ptr(),
                libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
            ),
            "open the pty's slave side",
        );
        (master, OwnedFd::from_raw_fd(s))
    };
    let child = lpm()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("spawn lpm");
    // Read the terminal while the child runs, so that it never blocks on a full buffer; the
    // read ends (EIO) once the child, the last holder of the slave side, is gone.
    let reader = std::thread::spawn(move || {
        let mut master = File::from(master);
        let mut out = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            match master.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        out
    });
    let output = child.wait_with_output().expect("lpm ends");
    (output, reader.join().expect("the reader thread"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_piped_run_prints_its_output_and_nothing_else() {
    let out = piped(&["run", SCENARIO]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "stderr: {:?}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains('\x1b'), "{stdout:?}");
    assert!(stdout.starts_with("Planned maintenance"), "{stdout}");
    assert!(stdout.contains(": COMPLETE frame-a → frame-b"), "{stdout}");

    let json = piped(&["run", SCENARIO, "--json"]);
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    assert!(json.stderr.is_empty(), "stderr: {:?}", text(&json.stderr));
    // Every line is an event object, the last the summary.
    let lines: Vec<&str> = std::str::from_utf8(&json.stdout).unwrap().lines().collect();
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert!(v["event"].is_string(), "{l}");
    }
    assert!(lines.last().unwrap().contains("\"event\":\"summary\""));
}

#[test]
fn on_a_terminal_the_bars_go_to_stderr_and_stdout_is_byte_identical() {
    for json in [false, true] {
        let args: &[&str] = if json {
            &["run", SCENARIO, "--json"]
        } else {
            &["run", SCENARIO]
        };
        let plain = piped(args);
        let (out, terminal) = on_terminal_stderr(args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&terminal));
        assert!(
            out.stdout == plain.stdout,
            "json {json}: stdout differs with the bars on:\n{}\n---\n{}",
            text(&out.stdout),
            text(&plain.stdout)
        );
        let raw = text(&terminal);
        // Nothing of standard output went to the terminal.
        assert!(!raw.contains("migration completed"), "{raw:?}");
        assert!(!raw.contains("\"event\""), "{raw:?}");
        // What a person saw: the terminal's screen after each piece of output. indicatif
        // fills every line to the width and lets the terminal wrap to the next, so only an
        // emulated screen tells whether a line was too long: its tail would be a row of its
        // own, not starting with a name and a bar.
        let mut parser = vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0);
        let mut rows = std::collections::BTreeSet::new();
        for chunk in terminal.chunks(64) {
            parser.process(chunk);
            for row in parser.screen().rows(0, 80) {
                if !row.trim().is_empty() {
                    rows.insert(row);
                }
            }
        }
        assert!(
            rows.iter()
                .any(|r| r.starts_with("all moves ") && r.contains("s simulated")),
            "json {json}: {rows:#?}"
        );
        assert!(
            rows.iter()
                .any(|r| r.starts_with("db01 ") && r.contains("% clean")),
            "json {json}: {rows:#?}"
        );
        // A row is caught mid-write at times (a chunk ends inside it); a whole one is a name
        // in 10 columns, then the bar in brackets.
        for row in rows.iter().filter(|r| r.chars().count() > 31) {
            let c: Vec<char> = row.chars().collect();
            assert!(
                c[10] == ' ' && c[11] == '[' && c[30] == ']',
                "json {json}: a row that is not a progress line: {row:?}"
            );
        }
    }
}
