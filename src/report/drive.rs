//! Driving a headless run: advance the engine in large slices until it settles or a time
//! limit, handing each slice's events to the caller.
//!
//! The engine steps in 1 ms of simulated time whatever the slice, so the slice size changes
//! only how often the caller hears from the run, never what it hears.

use crate::engine::{Engine, Event, Phase};

/// Simulated time per slice: short enough for a lively progress bar, long enough that the
/// per-slice work (draining events, redrawing) costs nothing next to the simulation.
pub const SLICE_S: f64 = 0.5;

/// Runs until nothing is left to happen or simulated time `until` (seconds), calling `events`
/// with each slice's events and `progress` after each slice. Returns the simulated end time:
/// the last event's when the run settled (so that it does not depend on the slice size),
/// otherwise `until`.
pub fn run(
    engine: &mut Engine,
    until: Option<f64>,
    mut events: impl FnMut(&[Event]) -> std::io::Result<()>,
    mut progress: impl FnMut(&Engine),
) -> std::io::Result<f64> {
    // The engine moves in whole steps of 1 ms: a limit between two steps is never reached
    // (`--until 0.0005` spun forever), so it is the first step at or after it.
    let until = until.map(step_up);
    let mut last_t = 0.0f64;
    // Actions due at time 0 have not run yet: `is_settled` is false until they have.
    loop {
        let pending = engine.drain_events();
        if let Some(e) = pending.last() {
            last_t = e.t;
        }
        events(&pending)?;
        let now = engine.now();
        if engine.is_settled() {
            return Ok(last_t);
        }
        if until.is_some_and(|u| now >= u - 1e-12) {
            break;
        }
        let mut next = now + SLICE_S;
        // Nothing in flight: jump to the next scripted action (the engine still steps through
        // the gap, as the partitions go on writing memory).
        if !engine.moves().iter().any(|m| m.phase().in_flight())
            && let Some(at) = engine.next_scripted_s()
        {
            next = next.max(at);
        }
        if let Some(u) = until {
            next = next.min(u);
        }
        engine.run_until(next);
        progress(engine);
        if engine.now() <= now {
            // Time did not move (it always should): ending is better than spinning.
            break;
        }
    }
    Ok(engine.now())
}

/// `t_s` rounded up to the engine's step (1 ms), a billionth of a step of tolerance for the
/// float (0.6 s stays 0.6 s).
pub fn step_up(t_s: f64) -> f64 {
    let step_ns = crate::engine::STEP_NS as f64;
    // Steps times nanoseconds over 1e9: a division of whole numbers, so 600 steps are 0.6
    // exactly (600 x 0.001 is not).
    let steps = (t_s * 1e9 / step_ns - 1e-9).ceil().max(0.0);
    steps * step_ns / 1e9
}

/// Names of the partitions whose moves are still in flight, in the order they were asked for.
pub fn in_flight(engine: &Engine) -> Vec<String> {
    engine
        .moves()
        .iter()
        .filter(|m| m.phase().in_flight())
        .map(|m| engine.partition(m.partition()).name().to_string())
        .collect()
}

/// A rough share of the run's known work that is done, 0 to 1: per move, round 1 counts for
/// 80% (it sends every page), later rounds and the final phase for the rest. Moves the script
/// has not asked for yet are unknown and not counted.
pub fn fraction_done(engine: &Engine) -> f64 {
    let moves = engine.moves();
    if moves.is_empty() {
        return 0.0;
    }
    let per_move: f64 = moves
        .iter()
        .map(|m| {
            let pages = engine.partition(m.partition()).pages().max(1) as f64;
            match m.phase() {
                Phase::Queued => 0.0,
                Phase::Configuring => 0.5,
                Phase::PreCopy if m.round() <= 1 => 0.8 * (m.round_sent() as f64 / pages).min(1.0),
                Phase::PreCopy => 0.8 + 0.1 * (1.0 - 1.0 / m.round() as f64),
                Phase::Suspended => 0.9,
                Phase::Pulling => 0.95,
                Phase::Completed | Phase::Stopped | Phase::Failed => 1.0,
            }
        })
        .sum();
    per_move / moves.len() as f64
}
