//! Popups over the dashboard: validation results, yes/no confirmations, notices, help.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::{centered, help};
use crate::engine::snapshot::MoveView;
use crate::tui::app::{App, Popup};
use crate::tui::confirm::{Pending, point_of_no_return};
use crate::tui::keymap;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    match &app.popup {
        None => {}
        Some(Popup::Help) => help::draw(frame, area, app),
        Some(Popup::Validation { v, refused }) => {
            let t = &app.theme;
            let failed = v.checks.iter().filter(|c| !c.passed).count();
            let width = area.width.saturating_sub(8).min(100);
            let name_w = v
                .checks
                .iter()
                .map(|c| c.name.chars().count())
                .max()
                .unwrap_or(10)
                + 2;
            let mut lines = vec![if failed == 0 {
                Line::from(Span::styled(
                    format!(
                        "✓ All {} checks passed: {} can move to {}.",
                        v.checks.len(),
                        v.partition,
                        v.to
                    ),
                    t.good,
                ))
            } else {
                Line::from(Span::styled(
                    format!(
                        "✗ {failed} of {} checks failed: {} cannot move to {}.",
                        v.checks.len(),
                        v.partition,
                        v.to
                    ),
                    t.bad,
                ))
            }];
            if *refused {
                lines.push(Line::from(Span::styled(
                    "The migration was not started; nothing moved.",
                    t.warn,
                )));
            }
            lines.push(Line::raw(""));
            for c in &v.checks {
                lines.push(Line::from(vec![
                    Span::styled(
                        if c.passed { " ✓ " } else { " ✗ " },
                        if c.passed { t.good } else { t.bad },
                    ),
                    Span::styled(
                        format!("{:<name_w$}", c.name),
                        if c.passed { t.base } else { t.bad },
                    ),
                    Span::styled(c.detail.clone(), if c.passed { t.dim } else { t.base }),
                ]));
            }
            let title = format!(
                " {} {} → {} ",
                if *refused {
                    "Cannot migrate"
                } else {
                    "Validate"
                },
                v.partition,
                v.to
            );
            boxed(frame, area, app, &title, lines, width, failed > 0);
        }
        Some(Popup::Confirm {
            title,
            lines,
            yes,
            pending,
        }) => {
            let t = &app.theme;
            let mut body: Vec<Line> = lines
                .iter()
                .map(|l| {
                    // A refused partition's line is red.
                    if l.trim_start().starts_with('✗') {
                        Line::styled(l.clone(), t.bad)
                    } else {
                        Line::raw(l.clone())
                    }
                })
                .collect();
            // A stop's question counts down to the point of no return, live, and says so if
            // it passes while the question is open.
            if let Pending::Stop { partition } = pending
                && let Some(m) = stopping(app, partition)
                && let Some((text, late)) = point_of_no_return(m)
            {
                body.push(Line::styled(text, if late { t.bad } else { t.warn }));
            }
            body.push(Line::raw(""));
            let button = |label: &'static str, on: bool| {
                if on {
                    Span::styled(format!("[ {label} ]"), t.selected.patch(t.bold))
                } else {
                    Span::styled(format!("  {label}  "), t.dim)
                }
            };
            body.push(
                Line::from(vec![
                    button("No", !*yes),
                    Span::raw("   "),
                    button("Yes", *yes),
                ])
                .centered(),
            );
            let width = area.width.saturating_sub(8).min(84);
            boxed(frame, area, app, &format!(" {title} "), body, width, true);
        }
        Some(Popup::Notice { title, text }) => {
            let lines = vec![Line::raw(text.clone())];
            let width = area.width.saturating_sub(8).min(80);
            boxed(frame, area, app, &format!(" {title} "), lines, width, true);
        }
    }
}

/// The move a stop's question is about: the latest of the partition named (plain or as
/// `frame/name`).
fn stopping<'a>(app: &'a App, partition: &str) -> Option<&'a MoveView> {
    let name = partition.rsplit('/').next().unwrap_or(partition);
    app.snap
        .moves
        .iter()
        .rev()
        .find(|m| m.partition_name == name)
}

/// A bordered box in the middle of the screen, sized to its wrapped text, with the keys of
/// the popup's context at the bottom.
fn boxed(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    title: &str,
    mut lines: Vec<Line>,
    width: u16,
    alert: bool,
) {
    let t = &app.theme;
    let inner_w = width.saturating_sub(4).max(10) as usize;
    let mut keys = vec![];
    for b in keymap::hints(app.context()) {
        let (k, word) = keymap::split_hint(b.hint.unwrap_or(""));
        keys.push(Span::styled(k, t.key));
        keys.push(Span::styled(format!(" {word}  "), t.dim));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(keys).right_aligned());
    let height: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum::<usize>()
        + 2;
    let r = centered(area, width, height.min(area.height as usize) as u16);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(if alert { t.warn } else { t.border_focus })
        .title(Span::styled(title.to_string(), t.title))
        .padding(ratatui::widgets::Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}
