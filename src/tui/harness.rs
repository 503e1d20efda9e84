//! The real app on a `TestBackend`, driven by synthetic keys and simulated time: for tests,
//! benches and anything else that must not need a terminal or a wall clock.

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
pub use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use super::app::App;
use super::render;
use super::theme::Theme;
use crate::Scenario;
use crate::engine::Snapshot;
use crate::session::{Driver, Request};

pub struct Harness {
    pub app: App,
    pub driver: Driver,
    pub terminal: Terminal<TestBackend>,
}

impl Harness {
    /// The dashboard on `scenario` at `width` x `height`, monochrome (stable snapshots).
    pub fn new(scenario: &Scenario, width: u16, height: u16) -> Harness {
        Harness::with_theme(scenario, width, height, Theme::mono())
    }

    pub fn with_theme(scenario: &Scenario, width: u16, height: u16, theme: Theme) -> Harness {
        let driver = Driver::new(scenario).expect("the scenario builds");
        Harness::from_driver(driver, width, height, theme)
    }

    /// The dashboard on a prepared driver (a presenter script's, say).
    pub fn from_driver(mut driver: Driver, width: u16, height: u16, theme: Theme) -> Harness {
        let first = driver.update();
        let mut app = App::new(first.snapshot.clone(), Some("test".into()), theme);
        app.on_update(first);
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
        let mut h = Harness {
            app,
            driver,
            terminal,
        };
        h.render();
        h
    }

    /// Hands the app's requests to the engine and the engine's update back to the app.
    pub fn pump(&mut self) {
        let requests = self.app.take_requests(self.screen_area());
        let any = !requests.is_empty();
        for r in requests {
            if r != Request::Quit {
                self.driver.execute(r);
            }
        }
        if any || self.driver.changed() {
            let u = self.driver.update();
            self.app.on_update(u);
        }
    }

    /// The test terminal's whole area.
    fn screen_area(&self) -> Rect {
        let size = self.terminal.backend().size().expect("test backend");
        Rect::from((Position::ORIGIN, size))
    }

    pub fn key(&mut self, code: KeyCode) {
        self.key_event(KeyEvent::new(code, KeyModifiers::NONE));
    }

    pub fn ctrl(&mut self, c: char) {
        self.key_event(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    pub fn key_event(&mut self, key: KeyEvent) {
        self.app.on_key(key);
        self.pump();
    }

    /// Presses each character of `keys` in turn.
    pub fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Selects a partition by name, with the arrow keys and Tab as an operator would.
    pub fn select(&mut self, name: &str) {
        for _ in 0..self.app.snap.systems.len() {
            for _ in 0..self.app.snap.partitions.len() {
                if self.app.partition().is_some_and(|p| p.name == name) {
                    return;
                }
                self.key(KeyCode::Down);
            }
            if self.app.partition().is_some_and(|p| p.name == name) {
                return;
            }
            for _ in 0..self.app.snap.partitions.len() {
                self.key(KeyCode::Up);
            }
            if self.app.partition().is_some_and(|p| p.name == name) {
                return;
            }
            self.key(KeyCode::Tab);
        }
        panic!("no partition named {name} on screen");
    }

    /// Advances simulated time by `secs` (nothing happens while paused), then updates the app.
    pub fn advance(&mut self, secs: f64) {
        if !self.driver.paused {
            self.driver.advance_sim(Duration::from_secs_f64(secs));
        }
        self.pump();
    }

    /// Advances simulated time in `step`s until `done` holds, at most `max_secs`; true if it held.
    pub fn advance_until(
        &mut self,
        max_secs: f64,
        step: f64,
        done: impl Fn(&Snapshot) -> bool,
    ) -> bool {
        let mut t = 0.0;
        while t < max_secs {
            if done(&self.driver.engine().snapshot()) {
                self.pump();
                return true;
            }
            self.driver.advance_sim(Duration::from_secs_f64(step));
            t += step;
        }
        self.pump();
        done(&self.app.snap)
    }

    /// Draws a frame and returns the buffer. A new selection or screen size first asks the
    /// engine for a memory map that fits (and again, should the answer change what fits).
    pub fn render(&mut self) -> &Buffer {
        let screen = self.screen_area();
        for _ in 0..3 {
            let requests = self.app.take_requests(screen);
            if requests.is_empty() {
                break;
            }
            for r in requests {
                self.driver.execute(r);
            }
            let u = self.driver.update();
            self.app.on_update(u);
        }
        let app = &self.app;
        self.terminal
            .draw(|f| render::draw(f, app))
            .expect("draw on a test backend");
        self.terminal.backend().buffer()
    }

    /// The screen as text, one line per row.
    pub fn screen(&mut self) -> String {
        let buf = self.render().clone();
        text_of(&buf)
    }

    /// The screen as the app's state draws it now, without a word to the engine: for a
    /// state set by hand (a snapshot the engine would not give), which an update would replace.
    pub fn screen_as_is(&mut self) -> String {
        let app = &self.app;
        self.terminal
            .draw(|f| render::draw(f, app))
            .expect("draw on a test backend");
        text_of(self.terminal.backend().buffer())
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
        self.terminal.resize(Rect::new(0, 0, width, height)).ok();
    }
}

/// A buffer as text, one line per row, without trailing blanks.
fn text_of(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
