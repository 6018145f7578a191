//! `hmm-sim`: run the simulation, the stress tests and the table reproductions; write the plots and the results page.
//!
//! ```text
//! cargo run --profile sim -p hmm-sim -- --out docs/sim            # the full 180-day run, regenerates docs/simulation.md
//! cargo run --profile sim -p hmm-sim -- --days 7 --out /tmp/sim --page /tmp/sim/simulation.md
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Parser;

#[derive(Parser, Debug)]
#[command(
    about = "Market simulator: HMM pools (the contract's code) beside reference AMM designs, a CLOB and an oracle AMM"
)]
struct Cli {
    /// Days to simulate.
    #[arg(long, default_value_t = 180.0)]
    days: f64,
    /// Seed of the world, the order flow and the index.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Directory for the SVG plots.
    #[arg(long, default_value = "docs/sim")]
    out: PathBuf,
    /// The markdown results page.
    #[arg(long, default_value = "docs/simulation.md")]
    page: PathBuf,
    /// Block length of the main run in seconds (order flow is aggregated per block).
    #[arg(long, default_value_t = 600)]
    block_secs: u64,
    /// Quote every n-th job alone for the slippage sample.
    #[arg(long, default_value_t = 200)]
    slippage_every: u64,
    /// f64 steps of the drift reproduction (fixed point runs 10⁴).
    #[arg(long, default_value_t = 1_000_000)]
    drift_steps: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Skip the stress tests.
    #[arg(long)]
    no_stress: bool,
    /// Skip Table 2 and Table 3.
    #[arg(long)]
    no_tables: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// How the page links to the plot directory.
fn link_prefix(page: &Path, out: &Path) -> String {
    let base = page.parent().unwrap_or(Path::new(""));
    match out.strip_prefix(base) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => out.display().to_string(),
    }
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let mut opts = hmm_sim::Options {
        days: cli.days,
        seed: cli.seed,
        block_secs: cli.block_secs.max(1),
        slippage_every: cli.slippage_every,
        stress: !cli.no_stress,
        tables: !cli.no_tables,
        drift_steps: cli.drift_steps,
        progress: !cli.quiet,
        ..Default::default()
    };
    if let Some(t) = cli.threads {
        opts.threads = t.max(1);
    }
    let results = hmm_sim::run(&opts)?;
    std::fs::create_dir_all(&cli.out).with_context(|| format!("creating {}", cli.out.display()))?;
    let files = hmm_sim::plots::write_all(&cli.out, &results)?;
    let prefix = link_prefix(&cli.page, &cli.out);
    let md = hmm_sim::report::markdown(&results, &files, &prefix, &cli.out.display().to_string());
    if let Some(dir) = cli.page.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&cli.page, &md).with_context(|| format!("writing {}", cli.page.display()))?;
    eprintln!(
        "wrote {} and {} plots in {} ({:.1} s)",
        cli.page.display(),
        files.len(),
        cli.out.display(),
        results.wall_secs
    );
    Ok(())
}
