//! Recording a demonstration without a terminal: the real dashboard is drawn through ratatui's
//! crossterm backend into memory (so each frame is the ANSI diff a terminal would receive) and
//! written as asciicast v2: a JSON header line, then `[seconds, "o", data]` lines.
//!
//! Time in the recording is the presenter's wall time: simulated time divided by the time scale
//! in force (the script's, slowed down through suspend windows). `Key` steps go on by
//! themselves after the script's `key_hold_s`. No wall clock is read: the same script gives the
//! same file, byte for byte.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::app::App;
use super::render;
use super::theme::Theme;
use crate::presenter::Loaded;
use crate::session::Driver;

/// Frames per second of the recording.
const FPS: f64 = 10.0;
/// Seconds the last screen stays after the script's last step.
const TAIL_S: f64 = 5.0;
/// A recording ends here whatever the script (a script waiting for an event that never comes).
const MAX_S: f64 = 900.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub frames: usize,
    /// Seconds the recording plays.
    pub duration_s: f64,
    pub bytes: usize,
    pub simulated_s: f64,
    /// Every step fired before the recording ended.
    pub finished: bool,
}

/// Records into a file (written whole at the end: no half-written recording on an error).
pub fn record_file(
    loaded: &Loaded,
    path: &Path,
    width: u16,
    height: u16,
    theme: Theme,
    show_log: bool,
) -> std::io::Result<Stats> {
    let mut out = Vec::new();
    let stats = record(loaded, &mut out, width, height, theme, show_log)?;
    std::fs::write(path, &out)?;
    Ok(stats)
}

/// Plays `loaded` headlessly and writes the asciicast v2 recording to `out`.
pub fn record(
    loaded: &Loaded,
    out: &mut impl Write,
    width: u16,
    height: u16,
    theme: Theme,
    show_log: bool,
) -> std::io::Result<Stats> {
    let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
    let mut driver = Driver::with_script(loaded, true).map_err(invalid)?;
    let first = driver.update();
    let mut app = App::new(first.snapshot.clone(), Some(loaded.origin.clone()), theme);
    app.show_log = show_log;
    app.on_update(first);
    let sink = Sink::default();
    let backend = CrosstermBackend::new(sink.clone());
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        },
    )?;
    let header = serde_json::json!({
        "version": 2,
        "width": width,
        "height": height,
        // Checked at load, and cleaned here too: a player prints the title on its terminal.
        "title": format!("lpm demo: {}", printable(&loaded.script.title)),
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
    });
    let mut bytes = 0usize;
    let mut line = |out: &mut dyn Write, s: String| -> std::io::Result<()> {
        bytes += s.len() + 1;
        writeln!(out, "{s}")
    };
    line(out, header.to_string())?;
    // Home, clear, no cursor: the first frame draws on a blank screen.
    line(out, event(0.0, "\x1b[?25l\x1b[H\x1b[2J"))?;
    let dt = 1.0 / FPS;
    let mut frames = 0usize;
    let mut t = 0.0f64;
    let mut tail = 0.0f64;
    let screen = Rect::new(0, 0, width, height);
    loop {
        pump(&mut app, &mut driver, screen);
        for _ in 0..3 {
            terminal.draw(|f| render::draw(f, &app))?;
            // What the update brought (a move starting, a caption of another length) may need
            // a memory map of another size: ask for it and draw again. Asking after the draw
            // rather than before is how the shipped recordings were made, and keeps them the
            // same byte for byte; both draws go into the same event, so nobody sees the first.
            let requests = app.take_requests(screen);
            if requests.is_empty() {
                break;
            }
            for r in requests {
                driver.execute(r);
            }
            let u = driver.update();
            app.on_update(u);
        }
        let data = std::mem::take(&mut *sink.0.borrow_mut());
        if !data.is_empty() {
            line(out, event(t, &String::from_utf8_lossy(&data)))?;
            frames += 1;
        }
        if driver.script_finished() {
            tail += dt;
        }
        if tail >= TAIL_S || t >= MAX_S {
            break;
        }
        driver.advance_wall(Duration::from_secs_f64(dt), None);
        // Frame times count in whole frames: no drift from adding up tenths.
        t = (t * FPS).round() / FPS + dt;
    }
    out.flush()?;
    Ok(Stats {
        frames,
        duration_s: t,
        bytes,
        simulated_s: driver.engine().now(),
        finished: driver.script_finished(),
    })
}

/// The bytes the backend writes, shared with the recorder.
#[derive(Debug, Clone, Default)]
struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn pump(app: &mut App, driver: &mut Driver, screen: Rect) {
    for r in app.take_requests(screen) {
        driver.execute(r);
    }
    if driver.changed() {
        let u = driver.update();
        app.on_update(u);
    }
}

fn event(t: f64, data: &str) -> String {
    format!(
        "[{:.3}, \"o\", {}]",
        t,
        serde_json::Value::String(data.to_string())
    )
}

/// `s` with every control character replaced by a space.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
