//! `lpm run --svg`: for each move, pages sent per round and dirty rate against transfer rate.

use super::svg::{Chart, Figure, Series, Style};
use crate::engine::Engine;

/// The figure of every move that copied memory (profile-only moves have nothing to draw).
pub fn figure(engine: &Engine, origin: &str) -> Figure {
    let mib = engine.page_bytes() as f64 / (1024.0 * 1024.0);
    let mut charts = Vec::new();
    for m in engine
        .moves()
        .iter()
        .filter(|m| !m.inactive() && !m.history().is_empty())
    {
        let name = engine.partition(m.partition()).name();
        let route = format!(
            "{name} ({} -> {})",
            engine.frame(m.from()).name(),
            engine.frame(m.to()).name()
        );
        charts.push(Chart {
            title: format!("{route}: pages sent per round"),
            x_label: "pre-copy round".into(),
            y_label: "pages sent".into(),
            series: vec![
                Series {
                    name: "pages sent".into(),
                    points: m
                        .history()
                        .iter()
                        .map(|r| (r.round as f64, r.pages_sent as f64))
                        .collect(),
                    style: Style::Bars,
                    colour: 0,
                },
                Series {
                    name: "pages dirtied".into(),
                    points: m
                        .history()
                        .iter()
                        .map(|r| (r.round as f64, r.pages_dirtied as f64))
                        .collect(),
                    style: Style::Bars,
                    colour: 1,
                },
            ],
        });
        charts.push(Chart {
            title: format!("{route}: dirty rate vs transfer rate"),
            x_label: "simulated time (s)".into(),
            y_label: "rate (MiB/s)".into(),
            series: vec![
                Series {
                    name: "dirty rate".into(),
                    points: m
                        .samples()
                        .iter()
                        .map(|s| (s.t, s.dirty_pages_s * mib))
                        .collect(),
                    style: Style::Line,
                    colour: 1,
                },
                Series {
                    name: "transfer rate".into(),
                    points: m
                        .samples()
                        .iter()
                        .map(|s| (s.t, s.transfer_pages_s * mib))
                        .collect(),
                    style: Style::Line,
                    colour: 0,
                },
            ],
        });
    }
    let mut f = Figure::new(&format!("{} ({origin})", engine.name()), charts, 2);
    f.subtitle =
        "dirty rate: pages newly dirtied per second (distinct pages), sampled every 0.1 s".into();
    f
}
