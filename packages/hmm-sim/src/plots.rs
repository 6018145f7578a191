//! SVG plots (plotters, SVG backend only: text is left to the viewer's fonts, nothing is rasterised here).

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use crate::Results;

const PALETTE: [RGBColor; 11] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
];

fn color(k: usize) -> RGBColor {
    PALETTE[k % PALETTE.len()]
}

type Series = (String, Vec<(f64, f64)>);

fn bounds(series: &[Series], log_y: bool) -> (f64, f64, f64, f64) {
    let mut b = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for (_, pts) in series {
        for &(x, y) in pts {
            if !x.is_finite() || !y.is_finite() || (log_y && y <= 0.0) {
                continue;
            }
            b = (b.0.min(x), b.1.max(x), b.2.min(y), b.3.max(y));
        }
    }
    if !b.0.is_finite() {
        return (0.0, 1.0, 0.0, 1.0);
    }
    if b.1 <= b.0 {
        b.1 = b.0 + 1.0;
    }
    if b.3 <= b.2 {
        b.3 = b.2 + 1e-9_f64.max(b.2.abs() * 0.01);
    }
    if !log_y {
        let pad = (b.3 - b.2) * 0.05;
        b.2 -= pad;
        b.3 += pad;
    }
    b
}

/// One line chart. `log_x`/`log_y` switch the axes to log scale (non-positive values are skipped).
pub fn line_chart(
    path: &Path,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    series: &[Series],
    log_x: bool,
    log_y: bool,
) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| anyhow!("plot {}: {e}", path.display());
    let root = SVGBackend::new(path, (900, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (x0, x1, y0, y1) = bounds(series, log_y);
    let mut builder = ChartBuilder::on(&root);
    builder
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70);
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart
                .configure_mesh()
                .x_desc(x_desc)
                .y_desc(y_desc)
                .draw()
                .map_err(|e| err(&e))?;
            for (k, (name, pts)) in series.iter().enumerate() {
                let c = color(k);
                let pts: Vec<(f64, f64)> = pts
                    .iter()
                    .copied()
                    .filter(|&(x, y)| {
                        x.is_finite() && y.is_finite() && (!log_y || y > 0.0) && (!log_x || x > 0.0)
                    })
                    .collect();
                chart
                    .draw_series(LineSeries::new(pts, c.stroke_width(2)))
                    .map_err(|e| err(&e))?
                    .label(name.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                    });
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperRight)
                .draw()
                .map_err(|e| err(&e))?;
        }};
    }
    match (log_x, log_y) {
        (false, false) => draw!(builder
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| err(&e))?),
        (true, false) => draw!(builder
            .build_cartesian_2d((x0..x1).log_scale(), y0..y1)
            .map_err(|e| err(&e))?),
        (false, true) => draw!(builder
            .build_cartesian_2d(x0..x1, (y0..y1).log_scale())
            .map_err(|e| err(&e))?),
        (true, true) => draw!(builder
            .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
            .map_err(|e| err(&e))?),
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// Thin a series to at most `n` points.
fn thin(pts: Vec<(f64, f64)>, n: usize) -> Vec<(f64, f64)> {
    let step = pts.len().div_ceil(n.max(1)).max(1);
    pts.into_iter().step_by(step).collect()
}

/// Write every plot into `dir`; returns the file names.
pub fn write_all(dir: &Path, r: &Results) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let block = r.params.as_ref().map_or(600, |p| p.block_secs) as f64;
    // 1. A100 and H100 price paths.
    for (res, fname) in [(0usize, "prices_a100.svg"), (1, "prices_h100.svg")] {
        let mut series: Vec<Series> = Vec::new();
        if let Some(first) = r.main.first() {
            series.push((
                "index".into(),
                thin(
                    first
                        .index
                        .iter()
                        .enumerate()
                        .map(|(k, x)| (k as f64 * block / 86_400.0, f64::from(x[res])))
                        .collect(),
                    1500,
                ),
            ));
        }
        for run in &r.main {
            if run.name.contains("λ=1") || run.name.contains("dyn") {
                continue;
            }
            series.push((
                run.name.clone(),
                thin(
                    run.prices
                        .iter()
                        .enumerate()
                        .map(|(k, x)| (k as f64 * block / 86_400.0, f64::from(x[res])))
                        .collect(),
                    1500,
                ),
            ));
        }
        let name = crate::world::RESOURCES[res].name;
        line_chart(
            &dir.join(fname),
            &format!("{name} price per design and the off-chain index"),
            "day",
            "$AI per GPU-hour",
            &series,
            false,
            false,
        )?;
        files.push(fname.to_string());
    }
    // 2. IL vs price ratio.
    if !r.il_curves.is_empty() {
        let series: Vec<Series> = r
            .il_curves
            .iter()
            .map(|(n, pts)| {
                (
                    n.clone(),
                    pts.iter().map(|&(x, y)| (x, 100.0 * y)).collect(),
                )
            })
            .collect();
        line_chart(
            &dir.join("il_vs_ratio.svg"),
            "Impermanent loss vs price ratio r (no fees)",
            "r = price after / price at deposit",
            "IL, %",
            &series,
            true,
            false,
        )?;
        files.push("il_vs_ratio.svg".into());
    }
    // 3. Drift vs steps.
    if !r.drift.is_empty() {
        let series: Vec<Series> = r
            .drift
            .iter()
            .map(|d| {
                (
                    d.method.name().to_string(),
                    d.f64_curve
                        .iter()
                        .map(|&(n, e)| (n as f64, e.max(1e-17)))
                        .collect(),
                )
            })
            .collect();
        line_chart(
            &dir.join("drift.svg"),
            "|H_n − κ| vs steps (pool curve λ=0.5, back and forth, h=0.01, f64)",
            "steps n",
            "|H_n − κ|",
            &series,
            true,
            true,
        )?;
        files.push("drift.svg".into());
    }
    // 4. Crash.
    if !r.crash.is_empty() {
        let series: Vec<Series> = r
            .crash
            .iter()
            .filter(|c| !c.name.contains("λ=1") && !c.name.contains("dyn"))
            .map(|c| (c.name.clone(), c.path.clone()))
            .collect();
        line_chart(
            &dir.join("crash.svg"),
            "Flash crash: 50 % of the A100 reserve dumped at t = 0",
            "minutes from the dump",
            "A100 price / pre-crash baseline",
            &series,
            false,
            false,
        )?;
        files.push("crash.svg".into());
    }
    // 5. Surge.
    if !r.surge.is_empty() {
        let series: Vec<Series> = r
            .surge
            .iter()
            .filter(|c| !c.name.contains("λ=1") && !c.name.contains("dyn"))
            .map(|c| (c.name.clone(), c.path.clone()))
            .collect();
        line_chart(
            &dir.join("surge.svg"),
            "5× demand for 24 h (hours 24–48): H100 price / index",
            "hour",
            "price / index",
            &series,
            false,
            false,
        )?;
        files.push("surge.svg".into());
    }
    Ok(files)
}
