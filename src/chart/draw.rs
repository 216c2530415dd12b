//! Drawing pieces shared by the chart kinds: a panel's axes, lines with dash
//! patterns, bands, stacked layers, legends and tick labels. Legends sit in a
//! column of their own beside the plot, so they never hide data.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::DrawResult;
use super::style::{FONT, INK, LIGHT, dash};

/// Width of the legend column right of a time panel.
pub const LEGEND_W: u32 = 220;
/// Room for the y axis's tick labels and description.
pub const Y_LABELS: u32 = 70;

pub type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
pub type DrawError<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// How a legend entry shows its series.
#[derive(Clone, Copy, Debug)]
pub enum Swatch {
    Fill,
    /// A line with the k-th dash pattern.
    Line(usize),
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub label: String,
    pub colour: RGBColor,
    pub swatch: Swatch,
}

pub fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

/// A figure's title across the top of `root`, on one line if it fits (about
/// 0.6 em a character) and otherwise broken at spaces into as many centred
/// lines as it needs, so that no title runs off the edges; the area below it.
pub fn titled<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, title: &str, size: u32) -> Result<DrawingArea<DB, Shift>, DrawError<DB>> {
    let (w, _) = root.dim_in_pixel();
    let per_line = ((f64::from(w) - 24.0) / (0.6 * f64::from(size))).max(10.0) as usize;
    let mut lines: Vec<String> = vec![String::new()];
    for word in title.split(' ') {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > per_line {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    let line_h = (f64::from(size) * 1.3) as u32;
    let height = line_h * lines.len() as u32 + 8;
    let (head, body) = root.split_vertically(height);
    for (k, line) in lines.iter().enumerate() {
        let style = font(size).pos(plotters::style::text_anchor::Pos::new(plotters::style::text_anchor::HPos::Center, plotters::style::text_anchor::VPos::Top));
        head.draw(&Text::new(line.clone(), ((w / 2) as i32, 4 + (k as u32 * line_h) as i32), style))?;
    }
    Ok(body)
}

/// Axes on `area` with the given ranges and descriptions.
pub fn axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    x: (f64, f64),
    y: (f64, f64),
    x_desc: &str,
    y_desc: &str,
) -> Result<Plot<'a, DB>, DrawError<DB>> {
    let mut b = ChartBuilder::on(area);
    if !caption.is_empty() {
        // A caption wider than its panel is set smaller (down to 10 px) rather than cut at the edges.
        let room = f64::from(area.dim_in_pixel().0) - 8.0;
        let size = (room / (0.52 * caption.chars().count() as f64)).floor().clamp(10.0, 15.0) as u32;
        b.caption(caption, font(size));
    }
    let (x0, x1) = range(x);
    let (y0, y1) = range(y);
    let mut chart = b
        .margin_top(6)
        .margin_right(14)
        .margin_left(12)
        .x_label_area_size(if x_desc.is_empty() { 22 } else { 40 })
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let span = y1 - y0;
    let xspan = x1 - x0;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(font(12))
        .axis_desc_style(font(13))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(LIGHT)
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| tick(*v, xspan))
        .y_label_formatter(&|v| tick(*v, span))
        .draw()?;
    Ok(chart)
}

/// An axis range plotters can draw: finite, and not empty.
pub fn range((a, b): (f64, f64)) -> (f64, f64) {
    match (a.is_finite(), b.is_finite()) {
        (true, true) if b > a => (a, b),
        (true, _) => (a - 0.5, a + 0.5),
        (false, true) => (b - 0.5, b + 0.5),
        (false, false) => (0.0, 1.0),
    }
}

/// Height of a legend row of these labels across a figure of `width` pixels.
pub fn legend_height(labels: &[String], width: u32) -> u32 {
    // About 7 pixels a character at size 12, a swatch and a gap an entry.
    let mut rows = 1;
    let mut x = Y_LABELS;
    for l in labels {
        let w = 32 + 7 * l.chars().count() as u32 + 24;
        if x + w > width && x > Y_LABELS {
            rows += 1;
            x = Y_LABELS;
        }
        x += w;
    }
    12 + 19 * rows
}

/// A value with at most three decimals and no trailing zeros.
pub fn short(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" { "0".into() } else { s }
}

/// A tick label with as many decimals as the axis's span needs.
pub fn tick(v: f64, span: f64) -> String {
    // -0.00 reads as a bug.
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    let decimals = if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    };
    let s = if decimals == 0 && v.abs() >= 10_000.0 {
        let k = v / 1000.0;
        if (k - k.round()).abs() < 1e-9 { format!("{}k", k.round()) } else { format!("{k:.1}k") }
    } else {
        format!("{v:.decimals$}")
    };
    // A tiny negative rounds to "-0.00", which reads as a bug.
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// A line through the finite points, broken where values are missing.
pub fn line<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, points: &[(f64, f64)], colour: RGBColor, pattern: usize, width: u32) -> DrawResult<DB> {
    let style = ShapeStyle { color: colour.to_rgba(), filled: false, stroke_width: width };
    for run in points.split(|p| !p.1.is_finite() || !p.0.is_finite()) {
        if run.is_empty() {
            continue;
        }
        let (d, g) = dash(pattern);
        if d == 0 {
            chart.draw_series(std::iter::once(PathElement::new(run.to_vec(), style)))?;
        } else {
            chart.draw_series(DashedLineSeries::new(run.iter().copied(), d, g, style))?;
        }
    }
    Ok(())
}

/// A filled band between `lo` and `hi` over `x`.
pub fn band<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, x: &[f64], lo: &[f64], hi: &[f64], colour: RGBColor, opacity: f64) -> DrawResult<DB> {
    let mut pts: Vec<(f64, f64)> = x.iter().zip(hi).filter(|p| p.1.is_finite()).map(|(&a, &b)| (a, b)).collect();
    pts.extend(x.iter().zip(lo).rev().filter(|p| p.1.is_finite()).map(|(&a, &b)| (a, b)));
    if pts.len() >= 3 {
        chart.draw_series(std::iter::once(Polygon::new(pts, colour.mix(opacity).filled())))?;
    }
    Ok(())
}

/// Stacked layers, bottom first, each outlined in white so that neighbours
/// stay apart in grey.
pub fn stack<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, x: &[f64], layers: &[(&[f64], RGBColor)]) -> DrawResult<DB> {
    let mut lower = vec![0.0; x.len()];
    for (values, colour) in layers {
        let upper: Vec<f64> = lower.iter().zip(values.iter()).map(|(a, b)| a + if b.is_finite() { *b } else { 0.0 }).collect();
        band(chart, x, &lower, &upper, *colour, 1.0)?;
        let edge: Vec<(f64, f64)> = x.iter().copied().zip(upper.iter().copied()).collect();
        chart.draw_series(std::iter::once(PathElement::new(edge, WHITE.stroke_width(1))))?;
        lower = upper;
    }
    Ok(())
}

/// A legend column: a title and one row per entry, from the top of `area`.
pub fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, title: &str, entries: &[Entry]) -> DrawResult<DB> {
    let mut y = 10;
    if !title.is_empty() {
        area.draw(&Text::new(title.to_string(), (8, y), font(13)))?;
        y += 22;
    }
    for e in entries {
        swatch(area, (8, y + 2), e)?;
        area.draw(&Text::new(e.label.clone(), (40, y), font(12)))?;
        y += 19;
    }
    Ok(())
}

/// A legend in one row across the top of `area`.
pub fn legend_row<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, entries: &[Entry]) -> DrawResult<DB> {
    let (w, _) = area.dim_in_pixel();
    let mut x = Y_LABELS as i32;
    let mut y = 8;
    for e in entries {
        // The same estimate as `legend_height`, so that the rows fit the room made for them.
        let text_w = 7 * e.label.chars().count() as i32;
        if x + 56 + text_w > w as i32 && x > Y_LABELS as i32 {
            x = Y_LABELS as i32;
            y += 19;
        }
        swatch(area, (x, y + 2), e)?;
        area.draw(&Text::new(e.label.clone(), (x + 32, y), font(12)))?;
        x += 56 + text_w;
    }
    Ok(())
}

fn swatch<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, (x, y): (i32, i32), e: &Entry) -> DrawResult<DB> {
    match e.swatch {
        Swatch::Fill => area.draw(&Rectangle::new([(x, y), (x + 24, y + 11)], e.colour.filled())),
        Swatch::Line(k) => {
            let style = e.colour.stroke_width(2);
            let (d, g) = dash(k);
            if d == 0 {
                area.draw(&PathElement::new(vec![(x, y + 6), (x + 24, y + 6)], style))
            } else {
                let mut a = x;
                while a < x + 24 {
                    let b = (a + d as i32).min(x + 24);
                    area.draw(&PathElement::new(vec![(a, y + 6), (b, y + 6)], style))?;
                    a = b + g as i32;
                }
                Ok(())
            }
        }
    }
}

/// The largest finite value of the series, for an axis's upper end (with headroom).
pub fn top(values: impl IntoIterator<Item = f64>) -> f64 {
    let m = values.into_iter().filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    if m > 0.0 { m * 1.05 } else { 1.0 }
}
