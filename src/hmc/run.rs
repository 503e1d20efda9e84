//! `lpm hmc` without a terminal: commands from `-c` or standard input, one per line.
//!
//! Each command's output goes to the writers as it is produced; the exit status is the last
//! command's (blank lines and comments do not count), as a shell script's would be.

use std::io::{BufRead, Write};

use super::bounds::{MAX_LINE_BYTES, MAX_ONE_SHOTS};
use super::session::Session;

/// `lpm hmc`: the one-shots when there are any, else the interactive shell when standard
/// input is a terminal, else the lines of standard input. The exit status to end with.
pub fn entry(session: &mut Session, commands: &[String], title: &str) -> Result<i32, String> {
    use std::io::IsTerminal;
    // A reader that went away (`lpm hmc ... | head`) ends the session quietly, as for
    // `lpm run`; other write errors are errors.
    let finish = |r: std::io::Result<i32>| match r {
        Ok(status) => Ok(status),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(format!("cannot write the output: {e}")),
    };
    if commands.len() > MAX_ONE_SHOTS {
        return Err(format!(
            "{} commands were given with -c; at most {MAX_ONE_SHOTS} are accepted (a script \
             belongs on standard input)",
            commands.len()
        ));
    }
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    if !commands.is_empty() {
        return finish(run_commands(
            session,
            commands,
            &mut stdout.lock(),
            &mut stderr.lock(),
        ));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let v = session.view();
        let banner = format!(
            "lpm: a simulated HMC over {title}: {} managed systems, {} partitions. \
             Type help for the commands, exit to leave.",
            v.frames.len(),
            v.lpars.len()
        );
        #[cfg(feature = "tui")]
        return super::shell::run(session, &banner);
        #[cfg(not(feature = "tui"))]
        eprintln!("{banner} (no line editing: built without the `tui` feature)");
    }
    finish(run_lines(
        session,
        &mut stdin.lock(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    ))
}

/// `exit [N]` or `quit`: the shell's own words to end a session (`Some(None)`: with the
/// last command's status). Not HMC commands: bash builtins of the HMC's restricted shell.
pub fn exit_request(line: &str) -> Option<Option<i32>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["exit"] | ["quit"] => Some(None),
        ["exit", n] => Some(Some(n.parse::<i32>().map_or(1, |n| n & 0xff))),
        _ => None,
    }
}

/// Runs every line of `input`; the status of the last command. Reads one line at a time and
/// never more than [`MAX_LINE_BYTES`] + 1 bytes of one line, so any length of input runs in
/// bounded memory; a longer line is refused (HSCLZ005) and skipped to its end.
pub fn run_lines(
    session: &mut Session,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let mut status = 0;
    let mut buf: Vec<u8> = Vec::new();
    loop {
        buf.clear();
        let (read, overlong) = read_bounded_line(input, &mut buf)?;
        if read == 0 {
            break;
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\n', '\r']);
        if !overlong && let Some(code) = exit_request(line) {
            return Ok(code.unwrap_or(status));
        }
        let outcome = if overlong {
            // Let the session refuse it with the usual message: give it a line one byte too
            // long rather than the whole of it.
            session.execute_line(&"x".repeat(MAX_LINE_BYTES + 1))
        } else {
            session.execute_line(line)
        };
        if let Some(o) = outcome {
            out.write_all(o.stdout.as_bytes())?;
            out.flush()?;
            err.write_all(o.stderr.as_bytes())?;
            err.flush()?;
            status = o.status;
        }
    }
    Ok(status)
}

/// Reads up to and including the next `\n` into `buf`, keeping at most MAX_LINE_BYTES + 1
/// bytes; (bytes read, whether the line was longer than kept).
fn read_bounded_line(input: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    let mut total = 0usize;
    let mut overlong = false;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok((total, overlong));
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = (MAX_LINE_BYTES + 1).saturating_sub(buf.len());
        if take > room {
            overlong = true;
        }
        buf.extend_from_slice(&chunk[..take.min(room)]);
        input.consume(take);
        total += take;
        if done {
            return Ok((total, overlong || buf.len() > MAX_LINE_BYTES + 1));
        }
    }
}

/// Runs the `-c` commands in order; the status of the last one.
pub fn run_commands(
    session: &mut Session,
    commands: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let mut status = 0;
    for c in commands {
        if let Some(code) = exit_request(c) {
            status = code.unwrap_or(status);
            break;
        }
        if let Some(o) = session.execute_line(c) {
            out.write_all(o.stdout.as_bytes())?;
            err.write_all(o.stderr.as_bytes())?;
            status = o.status;
        }
    }
    out.flush()?;
    err.flush()?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;

    #[test]
    fn the_status_is_the_last_commands_and_comments_do_not_count() {
        let mut s = Session::new(&Scenario::builtin()).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let input = "lssyscfg -r sys -F name\nnosuch\n# a comment\n\n";
        let status = run_lines(&mut s, &mut input.as_bytes(), &mut out, &mut err).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "frame-a\nframe-b\n");
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "rbash: nosuch: command not found\n"
        );
        assert_eq!(status, 127);
    }

    #[test]
    fn an_overlong_line_is_refused_in_bounded_memory() {
        let mut s = Session::new(&Scenario::builtin()).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let input = format!(
            "{}\nlssyscfg -r sys -F name\n",
            "y".repeat(3 * MAX_LINE_BYTES)
        );
        let status = run_lines(&mut s, &mut input.as_bytes(), &mut out, &mut err).unwrap();
        assert!(String::from_utf8(err).unwrap().starts_with("HSCLZ005 "));
        assert_eq!(String::from_utf8(out).unwrap(), "frame-a\nframe-b\n");
        assert_eq!(status, 0);
    }
}
