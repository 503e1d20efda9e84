//! Terminal safety (issue 6, item 6): the real `lpm` binary in a pseudo-terminal, quit by `q`,
//! Ctrl-C, SIGTERM and SIGHUP; each time the terminal must be handed back (alternate screen left,
//! cursor shown) and the process gone. No sleeps: every wait polls the output with a deadline.
//!
//! The pseudo-terminal is opened with libc (posix_openpt), which lpm already depends on; the
//! child gets it as its controlling terminal, as a shell would give it.
#![cfg(all(unix, feature = "tui"))]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";
/// Time allowed for the dashboard to come up (a debug build, a busy CI machine).
const START: Duration = Duration::from_secs(20);
/// Time allowed for it to go.
const QUIT: Duration = Duration::from_secs(10);

struct Pty {
    master: File,
    child: Child,
    out: Vec<u8>,
}

fn check(r: libc::c_int, what: &str) -> libc::c_int {
    assert!(r >= 0, "{what}: {}", std::io::Error::last_os_error());
    r
}

impl Pty {
    /// Runs `lpm args` on a fresh 120x40 pseudo-terminal.
    fn spawn(args: &[&str]) -> Pty {
        // SAFETY: plain libc calls on descriptors this function owns; the name buffer is
        // large enough and NUL-terminated by ptsname_r.
        let (master, slave) = unsafe {
            let m = check(
                libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC),
                "posix_openpt",
            );
            let master = OwnedFd::from_raw_fd(m);
            check(libc::grantpt(m), "grantpt");
            check(libc::unlockpt(m), "unlockpt");
            let mut name = [0 as libc::c_char; 128];
            assert_eq!(
                libc::ptsname_r(m, name.as_mut_ptr(), name.len()),
                0,
                "ptsname_r"
            );
            let ws = libc::winsize {
                ws_row: 40,
                ws_col: 120,
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
        let stdio = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lpm"));
        cmd.args(args)
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .stdin(stdio(&slave))
            .stdout(stdio(&slave))
            .stderr(stdio(&slave));
        // SAFETY: async-signal-safe calls only, between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                // A session of its own, with the pty as its controlling terminal: /dev/tty,
                // which crossterm opens, is then this pty.
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn lpm");
        drop(slave);
        let fd = master.as_raw_fd();
        // SAFETY: fcntl on a descriptor we own.
        unsafe {
            let flags = check(libc::fcntl(fd, libc::F_GETFL), "F_GETFL");
            check(
                libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK),
                "F_SETFL",
            );
        }
        Pty {
            master: File::from(master),
            child,
            out: Vec::new(),
        }
    }

    /// Reads what is there, waiting at most `wait` for something. False at end of output.
    fn pump(&mut self, wait: Duration) -> bool {
        let mut pfd = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one pollfd, owned here.
        let ready = unsafe { libc::poll(&mut pfd, 1, wait.as_millis() as libc::c_int) };
        if ready <= 0 {
            return true;
        }
        let mut buf = [0u8; 16 * 1024];
        loop {
            match self.master.read(&mut buf) {
                Ok(0) => return false,
                Ok(n) => self.out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // EIO: every slave descriptor is closed (the child is gone).
                Err(_) => return false,
            }
        }
    }

    /// Polls the output until `marker` appears after byte `from`; false at the deadline.
    fn wait_for(&mut self, marker: &[u8], from: usize, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            if find(&self.out[from.min(self.out.len())..], marker).is_some() {
                return true;
            }
            if Instant::now() >= deadline || !self.pump(Duration::from_millis(50)) {
                return find(&self.out[from.min(self.out.len())..], marker).is_some();
            }
        }
    }

    /// Waits for the child to exit, reading its output meanwhile (a full pty would block it).
    fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Whatever it wrote before exiting.
                while self.pump(Duration::from_millis(20)) {
                    if Instant::now() >= deadline {
                        break;
                    }
                }
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            self.pump(Duration::from_millis(20));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to the pty");
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: a signal to our own child, by its id.
        check(
            unsafe { libc::kill(self.child.id() as libc::pid_t, sig) },
            "kill",
        );
    }

    /// Starts the dashboard and waits for its first frame.
    fn dashboard() -> Pty {
        let mut p = Pty::spawn(&[]);
        let up = p.wait_for(ENTER_ALT, 0, START);
        assert!(up, "no alternate screen: {}", p.shown());
        let at = find(&p.out, ENTER_ALT).unwrap();
        // The first frame names the frames of the built-in scenario.
        let drawn = p.wait_for(b"frame-b", at, START);
        assert!(drawn, "no first frame: {}", p.shown());
        // While it runs the terminal is raw (no echo, no line editing): what the checks after
        // exit must see undone.
        assert!(!p.cooked(), "the dashboard runs in raw mode");
        p
    }

    /// The pty's line discipline edits lines and echoes (not raw mode).
    fn cooked(&self) -> bool {
        // SAFETY: a zeroed termios filled by tcgetattr on a descriptor we own.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        check(
            unsafe { libc::tcgetattr(self.master.as_raw_fd(), &mut t) },
            "tcgetattr",
        );
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }

    fn shown(&self) -> String {
        String::from_utf8_lossy(&self.out)
            .escape_debug()
            .to_string()
    }

    /// Checks that the terminal was handed back after the dashboard came up: the alternate
    /// screen left and the cursor shown, both after the last frame drawn.
    fn assert_restored(&self, how: &str) {
        let at = rfind(&self.out, ENTER_ALT).expect("entered the alternate screen");
        let after = &self.out[at..];
        let leave = rfind(after, LEAVE_ALT);
        let show = rfind(after, SHOW_CURSOR);
        assert!(
            leave.is_some() && show.is_some(),
            "{how}: restore sequences missing (leave alternate screen: {}, show cursor: {}); \
             last output: {}",
            leave.is_some(),
            show.is_some(),
            String::from_utf8_lossy(&after[after.len().saturating_sub(400)..]).escape_debug()
        );
        // Raw mode is off again (read through the master side, which reports the pty's settings).
        assert!(self.cooked(), "{how}: the terminal is still in raw mode");
        // Nothing drawn on the alternate screen after leaving it.
        let tail = &after[leave.unwrap()..];
        assert!(
            find(tail, b"\x1b[?1049h").is_none(),
            "{how}: re-entered the alternate screen"
        );
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        // Never leave a dashboard behind a failed test.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn q_quits_and_restores_the_terminal() {
    let mut p = Pty::dashboard();
    p.send(b"q");
    let status = p.wait_exit(QUIT).expect("lpm exits after q");
    assert!(status.success(), "{status:?}");
    p.assert_restored("q");
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let mut p = Pty::dashboard();
    // Raw mode: Ctrl-C arrives as a key, not as SIGINT.
    p.send(b"\x03");
    let status = p.wait_exit(QUIT).expect("lpm exits after Ctrl-C");
    assert!(status.success(), "{status:?}");
    p.assert_restored("Ctrl-C");
}

/// A signal ends the dashboard through its normal restore path, then the process dies of that
/// signal, as a shell expects.
fn signal_case(sig: libc::c_int, name: &str) {
    let mut p = Pty::dashboard();
    p.signal(sig);
    let status = p
        .wait_exit(QUIT)
        .unwrap_or_else(|| panic!("lpm still runs after {name}"));
    assert!(
        status.signal() == Some(sig) || status.code() == Some(128 + sig),
        "{name}: {status:?}"
    );
    p.assert_restored(name);
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_case(libc::SIGTERM, "SIGTERM");
}

#[test]
fn sighup_restores_the_terminal() {
    signal_case(libc::SIGHUP, "SIGHUP");
}

#[test]
fn sigint_from_another_process_restores_the_terminal() {
    signal_case(libc::SIGINT, "SIGINT");
}

// A panic case would need a way to make the binary panic on demand; lpm has none (and should
// not grow one for a test). The restore on panic is ratatui's own hook, installed by
// `ratatui::init` in `tui::runtime::run`.

#[test]
fn sigquit_restores_the_terminal() {
    // Issue 16, item 7: `kill -QUIT` left the terminal raw, on the alternate screen.
    signal_case(libc::SIGQUIT, "SIGQUIT");
}
