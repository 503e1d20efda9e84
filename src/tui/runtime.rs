//! The real terminal: the engine on its own thread, one `tokio::select!` over key events, the
//! engine's updates and a frame deadline. Frames are drawn only when something changed, at most
//! ~30 per second; paused and idle, nothing wakes up.

use std::io::IsTerminal;
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use ratatui::crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use ratatui::layout::{Position, Rect};
use tokio::sync::mpsc;

use super::app::App;
use super::theme::Theme;
use super::{TuiOptions, render};
use crate::Scenario;
use crate::session::{Driver, Request, Update};

/// Shortest time between two frames (~30 fps).
const FRAME: Duration = Duration::from_millis(33);
/// How often a running engine reports.
const TICK: Duration = Duration::from_millis(33);
/// Wall time the engine may spend per tick before it lets the simulation fall behind.
const BUDGET: Duration = Duration::from_millis(28);

pub fn run(scenario: Scenario, options: TuiOptions, time_scale: f64) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "standard output is not a terminal: the dashboard needs one. \
             Use `lpm run SCENARIO` (or `lpm run SCENARIO --json`) for a headless run."
        );
    }
    let driver = Driver::new(&scenario).map_err(anyhow::Error::msg)?;
    run_driver(
        driver,
        options.origin,
        Theme::from_env(),
        time_scale,
        |_| {},
    )
}

/// The dashboard on a prepared driver (a presenter script's, say); `setup` adjusts the app
/// before the first frame.
pub fn run_driver(
    mut driver: Driver,
    origin: Option<String>,
    theme: Theme,
    time_scale: f64,
    setup: impl FnOnce(&mut App),
) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() {
        anyhow::bail!("standard output is not a terminal: the dashboard needs one.");
    }
    let first = driver.update();
    let mut app = App::new(first.snapshot.clone(), origin, theme);
    setup(&mut app);
    app.on_update(first);
    if time_scale.is_finite() && time_scale > 0.0 && time_scale != 1.0 {
        app.set_scale(time_scale);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Registered before the terminal changes mode: a SIGTERM, SIGHUP, SIGINT or SIGQUIT from
    // then on ends the loop below and goes through the same restore as `q`.
    let signals = {
        let _runtime = rt.enter();
        Signals::new()?
    };
    // ratatui::init installs a panic hook that restores the terminal before the message.
    let mut terminal = ratatui::init();
    let result = rt.block_on(ui_loop(&mut terminal, app, driver, signals));
    ratatui::restore();
    // Shows the cursor again (after leaving the alternate screen).
    drop(terminal);
    match result {
        Ok(Some(signal)) => die_of(signal),
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The signals that should end the dashboard cleanly rather than kill it with the terminal
/// still in raw mode on the alternate screen. (Ctrl-C in raw mode is a key, not SIGINT; SIGINT
/// here comes from another process.)
#[cfg(unix)]
struct Signals {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    /// Ctrl-\ in raw mode is a key too; SIGQUIT comes from `kill -QUIT`, which left the
    /// terminal raw, on the alternate screen, with the cursor hidden.
    quit: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
            int: signal(SignalKind::interrupt())?,
            quit: signal(SignalKind::quit())?,
        })
    }

    /// The next signal received.
    async fn recv(&mut self) -> i32 {
        tokio::select! {
            _ = self.term.recv() => libc::SIGTERM,
            _ = self.hup.recv() => libc::SIGHUP,
            _ = self.int.recv() => libc::SIGINT,
            _ = self.quit.recv() => libc::SIGQUIT,
        }
    }
}

/// With the terminal restored, dies of the signal that ended the dashboard, so that the shell
/// (or a service manager) sees what happened.
#[cfg(unix)]
fn die_of(signal: i32) -> ! {
    // SAFETY: restores the default action of a signal and raises it; nothing of ours runs after.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
    std::process::exit(128 + signal)
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn recv(&mut self) -> i32 {
        std::future::pending().await
    }
}

#[cfg(not(unix))]
fn die_of(signal: i32) -> ! {
    std::process::exit(128 + signal)
}

async fn ui_loop(
    terminal: &mut ratatui::DefaultTerminal,
    mut app: App,
    driver: Driver,
    mut signals: Signals,
) -> anyhow::Result<Option<i32>> {
    let (cmd_tx, cmd_rx) = std_mpsc::channel::<Request>();
    let (upd_tx, mut upd_rx) = mpsc::unbounded_channel::<Update>();
    let engine = std::thread::Builder::new()
        .name("lpm-engine".into())
        .spawn(move || engine_loop(driver, cmd_rx, upd_tx))?;
    let mut keys = EventStream::new();
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    let result = loop {
        // Before drawing: a new selection or screen size asks for a memory map that fits.
        let screen = Rect::from((Position::ORIGIN, terminal.size()?));
        for r in app.take_requests(screen) {
            if cmd_tx.send(r).is_err() {
                break;
            }
        }
        if app.quit {
            break Ok(None);
        }
        let now = Instant::now();
        if dirty && last_draw.is_none_or(|d| now >= d + FRAME) {
            terminal.draw(|f| render::draw(f, &app))?;
            last_draw = Some(now);
            dirty = false;
        }
        let deadline = last_draw.map(|d| d + FRAME).unwrap_or(now);
        tokio::select! {
            ev = keys.next() => match ev {
                Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => {
                    app.on_key(k);
                    dirty = true;
                }
                Some(Ok(TermEvent::Resize(..))) => dirty = true,
                Some(Ok(_)) => {}
                Some(Err(e)) => break Err(e.into()),
                None => break Ok(None),
            },
            signal = signals.recv() => break Ok(Some(signal)),
            u = upd_rx.recv() => match u {
                Some(u) => {
                    app.on_update(u);
                    // Keep the latest world; every event and reply still counts.
                    while let Ok(u) = upd_rx.try_recv() {
                        app.on_update(u);
                    }
                    dirty = true;
                }
                None => break Err(anyhow::anyhow!("the engine thread stopped")),
            },
            _ = tokio::time::sleep_until(deadline.into()), if dirty => {}
        }
    };
    let _ = cmd_tx.send(Request::Quit);
    drop(cmd_tx);
    // The engine's thread sees Quit between two steps; one step (a model of a move, a
    // snapshot) may take long on a hostile world. The terminal is restored and the process
    // ends without waiting for more than a moment: quitting must never hang on the engine.
    let waited = Instant::now();
    while !engine.is_finished() && waited.elapsed() < ENGINE_JOIN {
        std::thread::sleep(Duration::from_millis(5));
    }
    if engine.is_finished() {
        let _ = engine.join();
    }
    result
}

/// How long quitting waits for the engine's thread before leaving it behind.
const ENGINE_JOIN: Duration = Duration::from_millis(500);

/// The engine's thread: carries out requests, advances simulated time by wall time x scale, and
/// reports ~30 times a second while time runs. Paused, it sleeps until a request comes.
fn engine_loop(
    mut driver: Driver,
    requests: std_mpsc::Receiver<Request>,
    updates: mpsc::UnboundedSender<Update>,
) {
    let mut last = Instant::now();
    // Simulated and wall seconds over the last second or so, to report a lagging engine.
    let mut window = (0.0f64, 0.0f64, 0.0f64);
    loop {
        let request = if driver.paused {
            match requests.recv() {
                Ok(r) => Some(r),
                Err(_) => return,
            }
        } else {
            let wait = (last + TICK).saturating_duration_since(Instant::now());
            match requests.recv_timeout(wait) {
                Ok(r) => Some(r),
                Err(std_mpsc::RecvTimeoutError::Timeout) => None,
                Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
            }
        };
        let mut quit = false;
        for r in request.into_iter().chain(requests.try_iter()) {
            quit |= r == Request::Quit;
            let unpause = r == Request::Pause(false);
            driver.execute(r);
            if unpause {
                // Paused time does not count.
                last = Instant::now();
            }
        }
        if quit {
            return;
        }
        let now = Instant::now();
        if !driver.paused && now >= last + TICK {
            let wall = (now - last).min(Duration::from_millis(250));
            last = now;
            let asked = wall.as_secs_f64() * driver.effective_scale();
            let running_ahead = driver.fast_forwarding();
            let sim = driver.advance_wall(wall, Some(now + BUDGET));
            if running_ahead {
                // The presenter asked for all the speed there is: not a lag.
                window = (0.0, 0.0, 0.0);
                driver.set_lagging(None);
            } else {
                window.0 += sim.as_secs_f64();
                window.1 += asked;
                window.2 += wall.as_secs_f64();
                if window.2 >= 1.0 {
                    let behind = window.0 < window.1 * 0.95;
                    driver.set_lagging(behind.then(|| window.0 / window.2));
                    window = (0.0, 0.0, 0.0);
                }
            }
        }
        if driver.changed() && updates.send(driver.update()).is_err() {
            return;
        }
    }
}
