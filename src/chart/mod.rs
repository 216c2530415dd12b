//! Charts of runs, ensembles and sweeps, drawn with plotters into SVG text
//! and PNG bytes. Pure: the data come in parsed, the bytes go out; reading
//! the output files and writing the charts is the command line's
//! (src/app/plot.rs). The same drawing code serves both formats, so the PNG
//! and the SVG of a chart show the same picture.
//!
//! The chart kinds: a run's overview ([`run`]), the mean and 5-95% band of
//! each series over replicates, for one ensemble or several policies side by
//! side ([`bands`]), and a sweep's outcomes against its parameters and as a
//! heatmap over two parameters ([`sweep`]); a region's places, flows,
//! detained and faction ([`region`]); the factions' defection strategies:
//! their phases, who defected to whom, and the contest ([`strategy`]).

pub mod analysis;
pub mod bands;
mod draw;
pub mod region;
pub mod run;
pub mod strategy;
pub mod style;
pub mod sweep;

pub use draw::short;

use plotters::coord::Shift;
use plotters::prelude::*;

/// A drawn chart: its file name stem, title, and both encodings.
#[derive(Clone, Debug)]
pub struct Chart {
    pub name: String,
    pub title: String,
    pub width: u32,
    pub height: u32,
    pub svg: String,
    pub png: Vec<u8>,
    /// The numbers drawn, as CSV, for a chart whose values a reader may check (a heatmap's cells).
    pub data: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart {chart}: {message}")]
    Draw { chart: String, message: String },
    #[error("chart {chart}: nothing to draw: {why}")]
    Empty { chart: String, why: String },
}

/// A file name stem from a name: letters, digits, `-` and `_` kept, anything
/// else (a `/`, a space, a dot) becomes `-`, so no name leaves charts/.
pub fn file_stem(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' }).collect()
}

/// A table of numbers by named column: a run's timeseries.csv.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

impl Table {
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// A column's values, or None when the table has no such column.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let k = self.index(name)?;
        Some(self.rows.iter().map(|r| r.get(k).copied().unwrap_or(f64::NAN)).collect())
    }

    /// The sum of the named columns that exist (zeros when none does).
    pub fn sum(&self, names: &[String]) -> Vec<f64> {
        let idx: Vec<usize> = names.iter().filter_map(|n| self.index(n)).collect();
        self.rows.iter().map(|r| idx.iter().filter_map(|&k| r.get(k)).sum()).collect()
    }
}

/// One event of events.csv, as the event strip needs it.
#[derive(Clone, Debug)]
pub struct Mark {
    pub day: f64,
    pub kind: String,
    pub detail: String,
}

pub(crate) type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Something drawable at a fixed size on any plotters backend.
pub(crate) trait Figure {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// Draw a figure as SVG and as PNG.
pub(crate) fn render(name: &str, title: &str, figure: &impl Figure) -> Result<Chart, ChartError> {
    style::register_fonts();
    let (width, height) = figure.size();
    let fail = |message: String| ChartError::Draw { chart: name.to_string(), message };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(format!("{e:?}")))?;
        figure.draw(&root).map_err(|e| fail(format!("{e:?}")))?;
        root.present().map_err(|e| fail(format!("{e:?}")))?;
    }
    let mut pixels = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(format!("{e:?}")))?;
        figure.draw(&root).map_err(|e| fail(format!("{e:?}")))?;
        root.present().map_err(|e| fail(format!("{e:?}")))?;
    }
    let png = encode_png(&pixels, width, height).map_err(|e| fail(format!("PNG encoding: {e}")))?;
    Ok(Chart { name: name.to_string(), title: title.to_string(), width, height, svg, png, data: None })
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
    }
    Ok(out)
}
