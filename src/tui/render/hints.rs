//! The bottom line: the last message, then the keys that work here, from the keymap table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::fmt;
use crate::tui::keymap::{self, Command};
use crate::tui::log::Level;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, show_last_log: bool) {
    let t = &app.theme;
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0usize;
    // A message goes stale once something newer happened ("web01 moving to frame-b" long
    // after it arrived): the newest news shows instead. Errors stay until the next key.
    let newest = app.log.iter().rev().find(|l| l.level <= Level::Info);
    let stale = |s: &crate::tui::app::Status| !s.error && newest.is_some_and(|l| l.t > s.t);
    let message = match &app.status {
        Some(s) if stale(s) => show_last_log
            .then(|| newest.map(|l| (format!("{} {}", fmt::clock(l.t), l.text), t.dim)))
            .flatten(),
        Some(s) => Some((s.text.clone(), if s.error { t.bad } else { t.info })),
        None if show_last_log => app
            .visible_log()
            .next_back()
            .map(|l| (format!("{} {}", fmt::clock(l.t), l.text), t.dim)),
        None => None,
    };
    let width = area.width as usize;
    // The keys always shown at the end of the bar.
    let tail: Vec<_> = keymap::hints(app.context())
        .filter(|b| matches!(b.command, Command::Help | Command::Quit))
        .collect();
    let tail_len: usize = tail
        .iter()
        .map(|b| b.hint.unwrap_or("").chars().count() + 2)
        .sum();
    if let Some((text, style)) = message {
        let room = width.saturating_sub(tail_len + 2).max(20).min(width);
        let text: String = if text.chars().count() > room {
            text.chars()
                .take(room.saturating_sub(1))
                .collect::<String>()
                + "…"
        } else {
            text
        };
        used += text.chars().count() + 2;
        spans.push(Span::styled(format!(" {text} "), style));
    }
    // Presenting, the presenter's keys come first and the keys they take over go.
    let presenting = app.presenter.is_some() && app.context() == keymap::Context::Main;
    let mut hints: Vec<_> = if presenting {
        keymap::hints(keymap::Context::Presenter).collect()
    } else {
        Vec::new()
    };
    // Only the keys that can do something now: no stop without a move in flight, no migrate
    // while it moves.
    let moving = app
        .partition()
        .and_then(|p| app.move_in_flight(p))
        .is_some();
    let applies = |c: Command| match c {
        Command::Stop => moving,
        Command::Migrate => !moving,
        _ => true,
    };
    hints.extend(
        keymap::hints(app.context())
            .filter(|b| !matches!(b.command, Command::Help | Command::Quit))
            .filter(|b| applies(b.command))
            .filter(|b| !(presenting && b.command == Command::Pause)),
    );
    hints.extend(tail.iter().copied());
    let n = hints.len();
    for (i, b) in hints.into_iter().enumerate() {
        let (keys, word) = keymap::split_hint(b.hint.unwrap_or(""));
        let len = keys.chars().count() + word.chars().count() + 3;
        let keep = matches!(b.command, Command::Help | Command::Quit);
        let room_for_tail = if keep { 0 } else { tail_len };
        if used + len + room_for_tail > width && !(keep && i + 1 >= n) {
            continue;
        }
        if used + len > width {
            break;
        }
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys, t.key));
        spans.push(Span::styled(format!(" {word} "), t.dim));
        used += len;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
