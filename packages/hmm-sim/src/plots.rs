//! Plots, as SVG and (when asked) PNG: plotters' SVG backend, and its bitmap backend encoded with `png`.
//!
//! Few series per plot: the price paths, the flash crashes and the surge are small multiples (one panel per design,
//! the index or the recovery band beside it); the crash is zoomed on the shock and its recovery, the surge window is
//! shaded. Text is laid out with a TrueType font found at run time (`HMM_SIM_FONT`, else DejaVu or Liberation Sans
//! in the usual places); without one no plot is written and the caller is told why.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use crate::stress::{CrashResult, CRASH_FRACTION, RECOVERY_BAND};
use crate::Results;

const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];
const GREY: RGBColor = RGBColor(150, 150, 150);

fn color(k: usize) -> RGBColor {
    PALETTE[k % PALETTE.len()]
}

type Series = (String, Vec<(f64, f64)>);

const FONT_PATHS: [&str; 4] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
];

/// Register the plots' font once; the reason when there is none.
pub fn font() -> Result<(), String> {
    static FONT: OnceLock<Result<(), String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut paths: Vec<PathBuf> = std::env::var_os("HMM_SIM_FONT")
            .map(PathBuf::from)
            .into_iter()
            .collect();
        paths.extend(FONT_PATHS.iter().map(PathBuf::from));
        for p in &paths {
            if let Ok(bytes) = std::fs::read(p) {
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                    return Ok(());
                }
            }
        }
        Err(format!(
            "no TrueType font for the plots' text (set HMM_SIM_FONT; tried {})",
            FONT_PATHS.join(", ")
        ))
    })
    .clone()
}

/// One panel of a figure.
#[derive(Clone, Debug, Default)]
pub struct Panel {
    pub title: String,
    pub series: Vec<Series>,
    /// Series drawn in grey behind the others (the index), with its legend name.
    pub reference: Option<Series>,
    /// An x interval shaded, with its legend name (the surge window, the supply cut).
    pub shade: Option<(f64, f64, String)>,
    /// A vertical marker (the shock).
    pub marker: Option<f64>,
    /// Horizontal lines (the recovery band).
    pub band: Option<(f64, f64)>,
    pub x_range: Option<(f64, f64)>,
}

/// A figure: panels on a grid of `cols` columns, one title, shared axis labels.
#[derive(Clone, Debug)]
pub struct Figure {
    /// File stem (`.svg` and `.png` are added).
    pub stem: String,
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub panels: Vec<Panel>,
    pub cols: usize,
    pub log_x: bool,
    pub log_y: bool,
    /// Pixel size of one panel.
    pub panel_size: (u32, u32),
}

fn y_bounds(p: &Panel, log_y: bool) -> (f64, f64, f64, f64) {
    let in_x = |x: f64| p.x_range.is_none_or(|(a, b)| x >= a && x <= b);
    let mut b = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for (_, pts) in p.series.iter().chain(p.reference.iter()) {
        for &(x, y) in pts {
            if !x.is_finite() || !y.is_finite() || (log_y && y <= 0.0) || !in_x(x) {
                continue;
            }
            b = (b.0.min(x), b.1.max(x), b.2.min(y), b.3.max(y));
        }
    }
    if let Some((lo, hi)) = p.band {
        b.2 = b.2.min(lo);
        b.3 = b.3.max(hi);
    }
    if !b.0.is_finite() {
        return (0.0, 1.0, 0.0, 1.0);
    }
    if let Some((a, c)) = p.x_range {
        b.0 = a;
        b.1 = c;
    }
    if b.1 <= b.0 {
        b.1 = b.0 + 1.0;
    }
    if b.3 <= b.2 {
        b.3 = b.2 + 1e-9_f64.max(b.2.abs() * 0.01);
    }
    if !log_y {
        let pad = (b.3 - b.2) * 0.06;
        b.2 -= pad;
        b.3 += pad;
    }
    b
}

/// Axis labels: powers of ten as `1e-9` on log axes, at most 4 significant digits otherwise.
fn tick(v: &f64, log: bool) -> String {
    if log {
        format!("{v:.0e}")
    } else if v.abs() >= 1000.0 || *v == 0.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn e<T, E: std::fmt::Debug>(r: std::result::Result<T, E>) -> Result<T> {
    r.map_err(|x| anyhow!("plot: {x:?}"))
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Figure,
    p: &Panel,
) -> Result<()> {
    let (x0, x1, y0, y1) = y_bounds(p, f.log_y);
    let (log_x, log_y) = (f.log_x, f.log_y);
    let fx = move |v: &f64| tick(v, log_x);
    let fy = move |v: &f64| tick(v, log_y);
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(&p.title, ("sans-serif", 17))
        .margin(10)
        .x_label_area_size(42)
        .y_label_area_size(62);
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            e(chart
                .configure_mesh()
                .x_desc(f.x_desc.as_str())
                .y_desc(f.y_desc.as_str())
                .x_labels(6)
                .y_labels(6)
                .x_label_formatter(&fx)
                .y_label_formatter(&fy)
                .label_style(("sans-serif", 14))
                .axis_desc_style(("sans-serif", 14))
                .light_line_style(RGBColor(235, 235, 235))
                .draw())?;
            if let Some((a, b, name)) = &p.shade {
                e(chart.draw_series(std::iter::once(Rectangle::new(
                    [(a.max(x0), y0), (b.min(x1), y1)],
                    RGBColor(255, 190, 110).mix(0.35).filled(),
                ))))?
                .label(name.as_str())
                .legend(|(x, y)| {
                    Rectangle::new(
                        [(x, y - 5), (x + 18, y + 5)],
                        RGBColor(255, 190, 110).mix(0.6).filled(),
                    )
                });
            }
            if let Some((lo, hi)) = p.band {
                for yb in [lo, hi] {
                    e(chart.draw_series(LineSeries::new(
                        vec![(x0, yb), (x1, yb)],
                        GREY.stroke_width(1),
                    )))?;
                }
            }
            if let Some(m) = p.marker {
                e(chart.draw_series(LineSeries::new(
                    vec![(m, y0), (m, y1)],
                    BLACK.mix(0.5).stroke_width(1),
                )))?;
            }
            let keep = |&(x, y): &(f64, f64)| {
                x.is_finite()
                    && y.is_finite()
                    && (!log_y || y > 0.0)
                    && (!log_x || x > 0.0)
                    && x >= x0
                    && x <= x1
            };
            if let Some((name, pts)) = &p.reference {
                let pts: Vec<(f64, f64)> = pts.iter().copied().filter(keep).collect();
                e(chart.draw_series(LineSeries::new(pts, GREY.stroke_width(1))))?
                    .label(name.as_str())
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], GREY.stroke_width(2)));
            }
            for (k, (name, pts)) in p.series.iter().enumerate() {
                let c = color(k);
                let pts: Vec<(f64, f64)> = pts.iter().copied().filter(keep).collect();
                // Thick polylines get miter spikes at sharp turns in the bitmap backend: noisy series are thin.
                let width = if pts.len() > 150 { 1 } else { 2 };
                e(chart.draw_series(LineSeries::new(pts, c.stroke_width(width))))?
                    .label(name.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                    });
            }
            if p.series.len() + usize::from(p.reference.is_some()) + usize::from(p.shade.is_some()) > 1 {
                e(chart
                    .configure_series_labels()
                    .label_font(("sans-serif", 13))
                    .background_style(WHITE.mix(0.85))
                    .border_style(GREY)
                    .position(SeriesLabelPosition::UpperRight)
                    .draw())?;
            }
        }};
    }
    match (log_x, log_y) {
        (false, false) => draw!(e(builder.build_cartesian_2d(x0..x1, y0..y1))?),
        (true, false) => draw!(e(builder.build_cartesian_2d((x0..x1).log_scale(), y0..y1))?),
        (false, true) => draw!(e(builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale()))?),
        (true, true) => draw!(e(
            builder.build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
        )?),
    }
    Ok(())
}

fn draw_figure<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, f: &Figure) -> Result<()> {
    e(root.fill(&WHITE))?;
    let body = e(root.titled(&f.title, ("sans-serif", 22)))?;
    let cols = f.cols.max(1);
    let rows = f.panels.len().div_ceil(cols).max(1);
    for (area, p) in body.split_evenly((rows, cols)).iter().zip(&f.panels) {
        draw_panel(area, f, p)?;
    }
    e(root.present())?;
    Ok(())
}

impl Figure {
    fn size(&self) -> (u32, u32) {
        let cols = self.cols.max(1);
        let rows = self.panels.len().div_ceil(cols).max(1);
        (
            self.panel_size.0 * cols as u32,
            self.panel_size.1 * rows as u32 + 40,
        )
    }

    /// Write `<stem>.svg` (and `<stem>.png` when `png`) into `dir`; returns the file names.
    pub fn write(&self, dir: &Path, png: bool) -> Result<Vec<String>> {
        let (w, h) = self.size();
        let svg = format!("{}.svg", self.stem);
        draw_figure(
            SVGBackend::new(&dir.join(&svg), (w, h)).into_drawing_area(),
            self,
        )?;
        let mut out = vec![svg];
        if png {
            let mut buf = vec![0u8; w as usize * h as usize * 3];
            draw_figure(
                BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area(),
                self,
            )?;
            let name = format!("{}.png", self.stem);
            let file = std::fs::File::create(dir.join(&name))?;
            let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Best);
            let mut wr = enc.write_header()?;
            wr.write_image_data(&buf)?;
            wr.finish()?;
            out.push(name);
        }
        Ok(out)
    }
}

/// Thin a series to at most `n` points.
fn thin(pts: Vec<(f64, f64)>, n: usize) -> Vec<(f64, f64)> {
    let step = pts.len().div_ceil(n.max(1)).max(1);
    pts.into_iter().step_by(step).collect()
}

/// The designs shown in the small multiples: the default HMM pool first, then every reference design once.
fn shown(name: &str) -> bool {
    !(name.starts_with("HMM") && !name.starts_with("HMM λ=0.5") && !name.contains("dyn"))
}

/// Short names for panel titles.
fn short(name: &str) -> String {
    name.replace(" (lagged)", "").replace(" (20 makers)", "")
}

fn single(
    stem: &str,
    title: &str,
    x: &str,
    y: &str,
    series: Vec<Series>,
    logs: (bool, bool),
) -> Figure {
    Figure {
        stem: stem.into(),
        title: title.into(),
        x_desc: x.into(),
        y_desc: y.into(),
        panels: vec![Panel {
            series,
            ..Default::default()
        }],
        cols: 1,
        log_x: logs.0,
        log_y: logs.1,
        panel_size: (900, 520),
    }
}

/// Minutes shown after a crash: up to the slowest recovery among the panels plus half an hour (at least an hour,
/// at most the recorded path).
fn crash_window(crashes: &[&CrashResult]) -> (f64, f64) {
    let end = crashes
        .iter()
        .map(|c| c.recovery_min.unwrap_or(f64::INFINITY))
        .fold(0.0, f64::max);
    let last = crashes
        .iter()
        .filter_map(|c| c.path.last().map(|p| p.0))
        .fold(60.0, f64::max);
    (-10.0, (end + 30.0).clamp(60.0, last))
}

/// Every figure of one invocation. `crashes`: every flash crash of the first seed (all kinds).
pub fn figures(r: &Results, crashes: &[CrashResult]) -> Vec<Figure> {
    let mut out = Vec::new();
    let block = r.params.as_ref().map_or(600, |p| p.block_secs) as f64;
    let index_of = |res: usize| -> Option<Series> {
        let first = r.main.first()?;
        Some((
            "index".into(),
            thin(
                first
                    .index
                    .iter()
                    .enumerate()
                    .map(|(k, x)| (k as f64 * block / 86_400.0, f64::from(x[res])))
                    .collect(),
                800,
            ),
        ))
    };
    // 1. Price paths: one panel per design, the index in grey behind it.
    for (res, stem) in [(0usize, "prices_a100"), (1, "prices_h100")] {
        let panels: Vec<Panel> = r
            .main
            .iter()
            .filter(|run| shown(&run.name))
            .map(|run| Panel {
                title: short(&run.name),
                series: vec![(
                    "price".into(),
                    thin(
                        run.prices
                            .iter()
                            .enumerate()
                            .map(|(k, x)| (k as f64 * block / 86_400.0, f64::from(x[res])))
                            .collect(),
                        800,
                    ),
                )],
                reference: index_of(res),
                ..Default::default()
            })
            .collect();
        if panels.is_empty() {
            continue;
        }
        let name = crate::world::RESOURCES[res].name;
        out.push(Figure {
            stem: stem.into(),
            title: format!("{name} price per design (first seed) and the off-chain index (grey)"),
            x_desc: "day".into(),
            y_desc: "$AI per GPU-hour".into(),
            panels,
            cols: 2,
            log_x: false,
            log_y: false,
            panel_size: (560, 300),
        });
    }
    // 2. IL vs price ratio.
    if !r.il_curves.is_empty() {
        let series = r
            .il_curves
            .iter()
            .map(|(n, pts)| {
                (
                    n.clone(),
                    pts.iter().map(|&(x, y)| (x, 100.0 * y)).collect(),
                )
            })
            .collect();
        out.push(single(
            "il_vs_ratio",
            "Impermanent loss vs price ratio r (no fees)",
            "r = price after / price at deposit",
            "IL, %",
            series,
            (true, false),
        ));
    }
    // 3. Drift vs steps.
    if !r.drift.is_empty() {
        let series = r
            .drift
            .iter()
            .map(|d| {
                (
                    d.method.name().to_string(),
                    d.f64_curve
                        .iter()
                        .map(|&(n, err)| (n as f64, err.max(1e-17)))
                        .collect(),
                )
            })
            .collect();
        out.push(single(
            "drift",
            "|H_n − κ| vs steps n (pool curve λ=0.5, back and forth, h=0.01, f64)",
            "steps n",
            "|H_n − κ|",
            series,
            (true, true),
        ));
    }
    // 4. Flash crashes: one figure per kind, one panel per design, zoomed on the shock and the recovery.
    let mut kinds: Vec<&str> = crashes.iter().map(|c| c.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let cs: Vec<&CrashResult> = crashes
            .iter()
            .filter(|c| c.kind == kind && shown(&c.name))
            .collect();
        // A supply cut lasts `minutes`: shaded, and shown to its end and half an hour beyond.
        let cut: Option<f64> = kind
            .strip_prefix("supply-cut ")
            .and_then(|m| m.trim_end_matches(" min").parse().ok());
        let mut window = crash_window(&cs);
        if let Some(m) = cut {
            window.1 = window.1.max(m + 30.0);
        }
        let target = if kind == "index-drop" {
            1.0 - CRASH_FRACTION
        } else {
            1.0
        };
        let panels = cs
            .iter()
            .map(|c| Panel {
                title: format!(
                    "{}: {}",
                    short(&c.name),
                    match c.recovery_min {
                        None => "not back in 24 h".to_string(),
                        Some(m) if m <= 0.0 => "never left the band".to_string(),
                        Some(m) => format!("back in {m:.0} min"),
                    }
                ),
                series: vec![("A100 price / baseline".into(), c.path.clone())],
                marker: Some(0.0),
                shade: cut.map(|m| (0.0, m, "supply withdrawn".into())),
                band: Some((
                    target * (1.0 - RECOVERY_BAND),
                    target * (1.0 + RECOVERY_BAND),
                )),
                x_range: Some(window),
                ..Default::default()
            })
            .collect();
        let stem = format!("crash_{}", kind.replace(' ', "-"));
        out.push(Figure {
            stem,
            title: format!(
                "Flash crash `{kind}` at t = 0 (first seed): A100 price / pre-crash baseline; grey lines: the ±5% \
recovery band"
            ),
            x_desc: "minutes from the shock".into(),
            y_desc: "price / baseline".into(),
            panels,
            cols: 3,
            log_x: false,
            log_y: false,
            panel_size: (440, 280),
        });
    }
    // 5. Surge: one panel per design, the surge window shaded.
    let panels: Vec<Panel> = r
        .surge
        .iter()
        .filter(|s| shown(&s.name))
        .map(|s| Panel {
            title: short(&s.name),
            series: vec![("H100 price / index".into(), s.path.clone())],
            shade: Some((24.0, 48.0, "surge window".into())),
            ..Default::default()
        })
        .collect();
    if !panels.is_empty() {
        out.push(Figure {
            stem: "surge".into(),
            title: "5× demand for 24 h (shaded, hours 24–48; first seed): H100 price / index"
                .into(),
            x_desc: "hour".into(),
            y_desc: "price / index".into(),
            panels,
            cols: 3,
            log_x: false,
            log_y: false,
            panel_size: (440, 280),
        });
    }
    out
}

/// Write every figure into `dir` (PNG too when `png`); returns the names to show on the page (the PNG when
/// written, else the SVG). Nothing is written without a font (the reason is the error).
pub fn write_all(
    dir: &Path,
    r: &Results,
    crashes: &[CrashResult],
    png: bool,
) -> Result<Vec<String>> {
    font().map_err(|why| anyhow!(why))?;
    let mut shown = Vec::new();
    for f in figures(r, crashes) {
        let files = f.write(dir, png)?;
        if let Some(last) = files.last() {
            shown.push(last.clone());
        }
    }
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(&1e-9, true), "1e-9");
        assert_eq!(tick(&0.25, false), "0.25");
        assert_eq!(tick(&1.0, false), "1");
        assert_eq!(tick(&12345.6, false), "12346");
    }

    /// A figure of two panels is written as SVG and as a PNG of the figure's size.
    #[test]
    fn a_small_multiple_is_written_as_svg_and_png() {
        if font().is_err() {
            eprintln!("no font on this machine: skipped");
            return;
        }
        let dir = std::env::temp_dir().join(format!("hmm-sim-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let panel = |t: &str| Panel {
            title: t.into(),
            series: vec![("a".into(), vec![(0.0, 1.0), (1.0, 2.0), (2.0, 1.5)])],
            shade: Some((0.5, 1.5, "window".into())),
            marker: Some(1.0),
            band: Some((0.95, 1.05)),
            ..Default::default()
        };
        let f = Figure {
            stem: "t".into(),
            title: "test".into(),
            x_desc: "x".into(),
            y_desc: "y".into(),
            panels: vec![panel("one"), panel("two")],
            cols: 2,
            log_x: false,
            log_y: false,
            panel_size: (300, 200),
        };
        let files = f.write(&dir, true).expect("written");
        assert_eq!(files, vec!["t.svg", "t.png"]);
        let bytes = std::fs::read(dir.join("t.png")).expect("png");
        let dec = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = dec.read_info().expect("a PNG");
        assert_eq!((reader.info().width, reader.info().height), (600, 240));
        let svg = std::fs::read_to_string(dir.join("t.svg")).expect("svg");
        assert!(svg.contains("one") && svg.contains("two"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
