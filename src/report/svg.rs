//! Line and bar charts as SVG, written by hand.
//!
//! Why not a plotting crate: the charts here need lines, bars, ticks, labels and a legend,
//! which is a page of XML; writing it directly keeps the output byte-for-byte deterministic,
//! needs no font files or system libraries, and keeps every series findable by a test (each is
//! a `<g class="series" data-series="NAME">`). plotters 0.3 (SVG backend, no font features) was
//! tried for issue 17: it needs no fonts and is byte-stable too, but it groups nothing (a
//! series is loose elements), draws a dashed line as one `<polyline>` per dash (its backend
//! style has no dash array: the sweep figure is six times larger) and rounds to whole pixels.

use std::fmt::Write;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A solid line with a dot per point.
    Line,
    /// A dashed line: a model's prediction beside a measurement.
    Dashed,
    /// A bar per point (x is a category such as a round number).
    Bars,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub style: Style,
    /// Index into the palette.
    pub colour: usize,
}

/// One panel: axes, series and a legend under the axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
}

/// Panels in a grid under one title.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub title: String,
    /// A smaller second line under the title (may be empty).
    pub subtitle: String,
    pub charts: Vec<Chart>,
    pub columns: usize,
}

/// Colour-blind-safe (Okabe-Ito), in order.
const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

const PANEL_W: f64 = 560.0;
const PANEL_H: f64 = 340.0;
const TITLE_H: f64 = 56.0;
/// Plot area inside a panel.
const LEFT: f64 = 78.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 64.0;
const LEGEND_ROW: f64 = 16.0;

impl Figure {
    pub fn new(title: &str, charts: Vec<Chart>, columns: usize) -> Figure {
        Figure {
            title: title.to_string(),
            subtitle: String::new(),
            charts,
            columns: columns.max(1),
        }
    }

    pub fn to_svg(&self) -> String {
        let cols = self.columns.min(self.charts.len().max(1));
        let rows = self.charts.len().div_ceil(cols).max(1);
        // Each panel grows by the rows its legend needs; a row of panels takes its tallest.
        let legend_rows: Vec<usize> = self.charts.iter().map(legend_lines).collect();
        let row_h: Vec<f64> = (0..rows)
            .map(|r| {
                let most = (0..cols)
                    .filter_map(|c| legend_rows.get(r * cols + c))
                    .max()
                    .copied()
                    .unwrap_or(0);
                PANEL_H + most as f64 * LEGEND_ROW
            })
            .collect();
        let width = PANEL_W * cols as f64;
        let height = TITLE_H + row_h.iter().sum::<f64>();
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#,
            w = width,
            h = height
        );
        let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(
            s,
            r#"<text x="{}" y="24" text-anchor="middle" font-size="15" font-weight="bold">{}</text>"#,
            width / 2.0,
            esc(&self.title)
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="42" text-anchor="middle" font-size="12" fill="#444">{}</text>"##,
            width / 2.0,
            esc(&self.subtitle)
        );
        let mut y = TITLE_H;
        for (r, h) in row_h.iter().enumerate() {
            for c in 0..cols {
                if let Some(chart) = self.charts.get(r * cols + c) {
                    chart.draw(&mut s, c as f64 * PANEL_W, y);
                }
            }
            y += h;
        }
        s.push_str("</svg>\n");
        s
    }
}

/// Lines of legend a chart needs.
fn legend_lines(c: &Chart) -> usize {
    c.series.len().div_ceil(LEGEND_PER_LINE)
}

const LEGEND_PER_LINE: usize = 2;

impl Chart {
    fn draw(&self, s: &mut String, ox: f64, oy: f64) {
        let (x0, y0) = (ox + LEFT, oy + TOP);
        let (w, h) = (PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM);
        let bars = self.series.iter().any(|x| x.style == Style::Bars);
        let all = || self.series.iter().flat_map(|x| x.points.iter());
        let finite = |v: &f64| v.is_finite();
        let (mut xmin, mut xmax) = bounds(all().map(|p| p.0).filter(finite));
        let (_, ymax) = bounds(all().map(|p| p.1).filter(finite));
        if bars {
            // Room for half a bar either side of the first and last category.
            xmin -= 0.5;
            xmax += 0.5;
        }
        // Figures here are counts, times and rates: the axis starts at 0.
        let yt = ticks(0.0, ymax.max(0.0));
        let xt = if bars {
            Ticks {
                lo: xmin,
                hi: xmax,
                values: integer_ticks(xmin + 0.5, xmax - 0.5),
                step: 1.0,
            }
        } else {
            // The x axis spans the data exactly (a sweep from 0 to 160 should not end at 200);
            // ticks fall inside it.
            let t = ticks(xmin, xmax);
            let (lo, hi) = if xmax > xmin {
                (xmin, xmax)
            } else {
                (t.lo, t.hi)
            };
            let eps = t.step * 1e-9;
            Ticks {
                lo,
                hi,
                values: t
                    .values
                    .into_iter()
                    .filter(|v| *v >= lo - eps && *v <= hi + eps)
                    .collect(),
                step: t.step,
            }
        };
        let sx = |x: f64| x0 + (x - xt.lo) / (xt.hi - xt.lo) * w;
        let sy = |y: f64| y0 + h - (y - yt.lo) / (yt.hi - yt.lo) * h;
        let _ = writeln!(s, r#"<g class="chart" data-title="{}">"#, esc(&self.title));
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle" font-size="13" font-weight="bold">{}</text>"#,
            x0 + w / 2.0,
            oy + 20.0,
            esc(&self.title)
        );
        // Grid and ticks.
        let _ = writeln!(s, r##"<g class="axes" stroke="#ccc" stroke-width="1">"##);
        for v in &yt.values {
            let _ = writeln!(
                s,
                r#"<line x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}"/>"#,
                y = sy(*v),
                x1 = x0 + w
            );
        }
        for v in &xt.values {
            let _ = writeln!(
                s,
                r#"<line x1="{x:.1}" y1="{y0:.1}" x2="{x:.1}" y2="{y1:.1}"/>"#,
                x = sx(*v),
                y1 = y0 + h
            );
        }
        let _ = writeln!(
            s,
            r##"<rect x="{x0:.1}" y="{y0:.1}" width="{w:.1}" height="{h:.1}" fill="none" stroke="#333"/>"##
        );
        s.push_str("</g>\n");
        s.push_str(r##"<g class="tick-labels" fill="#333">"##);
        s.push('\n');
        for v in &yt.values {
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                x0 - 6.0,
                sy(*v) + 4.0,
                tick_label(*v, yt.step)
            );
        }
        for v in &xt.values {
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                sx(*v),
                y0 + h + 16.0,
                tick_label(*v, xt.step)
            );
        }
        s.push_str("</g>\n");
        // Axis labels.
        let _ = writeln!(
            s,
            r#"<text class="x-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x0 + w / 2.0,
            y0 + h + 36.0,
            esc(&self.x_label)
        );
        let (lx, ly) = (ox + 16.0, y0 + h / 2.0);
        let _ = writeln!(
            s,
            r#"<text class="y-label" x="{lx:.1}" y="{ly:.1}" text-anchor="middle" transform="rotate(-90 {lx:.1} {ly:.1})">{}</text>"#,
            esc(&self.y_label)
        );
        // Series.
        let bar_series: Vec<usize> = (0..self.series.len())
            .filter(|&i| self.series[i].style == Style::Bars)
            .collect();
        for (i, series) in self.series.iter().enumerate() {
            let colour = PALETTE[series.colour % PALETTE.len()];
            let _ = writeln!(
                s,
                r#"<g class="series" data-series="{}">"#,
                esc(&series.name)
            );
            let pts: Vec<(f64, f64)> = series
                .points
                .iter()
                .copied()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .collect();
            match series.style {
                Style::Line | Style::Dashed => {
                    let path: Vec<String> = pts
                        .iter()
                        .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
                        .collect();
                    let dash = if series.style == Style::Dashed {
                        r#" stroke-dasharray="6 4""#
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        s,
                        r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                        path.join(" ")
                    );
                    // Dots only where they can be told apart.
                    if series.style == Style::Line && pts.len() <= 60 {
                        for &(x, y) in &pts {
                            let _ = writeln!(
                                s,
                                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#,
                                sx(x),
                                sy(y)
                            );
                        }
                    }
                }
                Style::Bars => {
                    let k = bar_series.iter().position(|&b| b == i).unwrap_or(0) as f64;
                    let n = bar_series.len().max(1) as f64;
                    let slot = (sx(1.0) - sx(0.0)) * 0.8;
                    let bw = slot / n;
                    for &(x, y) in &pts {
                        let left = sx(x) - slot / 2.0 + k * bw;
                        let top = sy(y.max(0.0));
                        let _ = writeln!(
                            s,
                            r#"<rect x="{left:.1}" y="{top:.1}" width="{bw:.1}" height="{:.1}" fill="{colour}"/>"#,
                            (sy(0.0) - top).max(0.0)
                        );
                    }
                }
            }
            s.push_str("</g>\n");
        }
        // Legend under the x label.
        let _ = writeln!(s, r#"<g class="legend">"#);
        let col_w = w / LEGEND_PER_LINE as f64;
        for (i, series) in self.series.iter().enumerate() {
            let colour = PALETTE[series.colour % PALETTE.len()];
            let lx = x0 + (i % LEGEND_PER_LINE) as f64 * col_w;
            let ly = y0 + h + 52.0 + (i / LEGEND_PER_LINE) as f64 * LEGEND_ROW;
            match series.style {
                Style::Bars => {
                    let _ = writeln!(
                        s,
                        r#"<rect x="{lx:.1}" y="{:.1}" width="18" height="8" fill="{colour}"/>"#,
                        ly - 7.0
                    );
                }
                style => {
                    let dash = if style == Style::Dashed {
                        r#" stroke-dasharray="6 4""#
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        s,
                        r#"<line x1="{lx:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2"{dash}/>"#,
                        lx + 18.0,
                        y = ly - 3.0
                    );
                }
            }
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{ly:.1}">{}</text>"#,
                lx + 24.0,
                esc(&series.name)
            );
        }
        s.push_str("</g>\n</g>\n");
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

/// An axis: its range and the tick values in it.
struct Ticks {
    lo: f64,
    hi: f64,
    values: Vec<f64>,
    step: f64,
}

/// Round ticks (1, 2 or 5 times a power of ten), about six of them, the range widened to them.
fn ticks(lo: f64, hi: f64) -> Ticks {
    let (lo, hi) = if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        // A flat series: one unit (or a tenth of the value) either side.
        let pad = (hi.abs() * 0.1).max(1.0);
        (
            (lo - pad).max(if lo >= 0.0 { 0.0 } else { f64::MIN }),
            hi + pad,
        )
    } else {
        (lo, hi)
    };
    let raw = (hi - lo) / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let values = (0..=((last - first) as usize).min(100))
        .map(|i| (first + i as f64) * step)
        .collect::<Vec<_>>();
    Ticks {
        lo: first * step,
        hi: last * step,
        values,
        step,
    }
}

/// Whole-number ticks for categories, at most about ten.
fn integer_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.round() as i64, hi.round() as i64);
    let every = ((hi - lo) / 10 + 1).max(1);
    (lo..=hi)
        .filter(|v| (v - lo) % every == 0)
        .map(|v| v as f64)
        .collect()
}

/// A tick value with as many decimals as the step needs, and k/M/G for large values.
fn tick_label(v: f64, step: f64) -> String {
    let a = v.abs();
    let (v, step, suffix) = if a >= 1e9 && step >= 1e8 {
        (v / 1e9, step / 1e9, "G")
    } else if a >= 1e6 && step >= 1e5 {
        (v / 1e6, step / 1e6, "M")
    } else if a >= 1e4 && step >= 1e3 {
        (v / 1e3, step / 1e3, "k")
    } else {
        (v, step, "")
    };
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let v = if v == 0.0 { 0.0 } else { v };
    format!("{v:.decimals$}{suffix}")
}

/// Text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let t = ticks(0.0, 9.3);
        assert_eq!(t.step, 2.0);
        assert_eq!(t.lo, 0.0);
        assert_eq!(t.hi, 10.0);
        let flat = ticks(50.2, 50.2);
        assert!(flat.lo <= 50.2 && flat.hi >= 50.2);
    }

    #[test]
    fn labels_shorten_large_values() {
        assert_eq!(tick_label(2_000_000.0, 500_000.0), "2.0M");
        assert_eq!(tick_label(0.25, 0.05), "0.25");
        assert_eq!(tick_label(300.0, 100.0), "300");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
