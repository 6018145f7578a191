//! `hmm-sim`: run a Monte Carlo study (a scenario file, default `scenarios/default.toml`), the table reproductions,
//! and write plots, CSV files and (only when asked with `--page`) the results page.
//!
//! ```text
//! cargo run --profile sim -p hmm-sim -- --out docs/sim --page docs/simulation.md   # the full study, regenerates the docs
//! cargo run --profile sim -p hmm-sim -- --scenario packages/hmm-sim/scenarios/ci.toml --drift-steps 10000
//! cargo run --profile sim -p hmm-sim -- --bench                                      # one seed, then the full study
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use hmm_sim::study::{self, StudyFile};

#[derive(Parser, Debug)]
#[command(
    about = "Market simulator: HMM pools (the contract's code) beside reference AMM designs, a CLOB and an oracle AMM, \
over many seeds"
)]
struct Cli {
    /// Scenario file (TOML); the built-in default study when absent.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Override the number of seeds of the scenario file.
    #[arg(long)]
    seeds: Option<usize>,
    /// Directory for the plots and the CSV files.
    #[arg(long, default_value = "target/hmm-sim")]
    out: PathBuf,
    /// Write the markdown results page here (nothing is written without it; the docs page is docs/simulation.md).
    #[arg(long)]
    page: Option<PathBuf>,
    /// f64 steps of the drift reproduction (fixed point runs 10⁴).
    #[arg(long, default_value_t = 1_000_000)]
    drift_steps: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Skip Table 2 and Table 3.
    #[arg(long)]
    no_tables: bool,
    /// Also write the first seed's price series per block (`series_<scenario>.csv`, tens of MB for 180 days).
    #[arg(long)]
    series_csv: bool,
    /// Also write the plots as PNG (always with `--page`: the docs page shows the PNGs).
    #[arg(long)]
    png: bool,
    /// Benchmark: time one seed of the study, then the whole study (nothing written).
    #[arg(long)]
    bench: bool,
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
    let t0 = Instant::now();
    let cli = Cli::parse();
    let text = match &cli.scenario {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
        None => study::DEFAULT_TOML.to_string(),
    };
    let mut file = StudyFile::parse(&text)?;
    if let Some(n) = cli.seeds {
        file.seeds = n.max(1);
    }
    let threads = cli
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));

    if cli.bench {
        let mut one = file.clone();
        one.seeds = 1;
        let s1 = study::run_study(&one, threads, false)?;
        eprintln!(
            "bench: one seed of {} scenarios: {:.1} s wall on {threads} threads",
            one.scenario.len(),
            s1.wall_secs
        );
        let s = study::run_study(&file, threads, !cli.quiet)?;
        eprintln!(
            "bench: the full study ({} seeds): {:.1} s wall on {threads} threads",
            file.seeds, s.wall_secs
        );
        return Ok(());
    }

    let mut st = study::run_study(&file, threads, !cli.quiet)?;
    // Table 2 and 3 (no seed enters them) and the first seed's detail of today's model.
    let opts = hmm_sim::Options {
        main: false,
        stress: false,
        tables: !cli.no_tables,
        drift_steps: cli.drift_steps,
        progress: false,
        threads,
        ..Default::default()
    };
    let mut results = hmm_sim::run(&opts)?;
    let deterministic = hmm_sim::report::deterministic_claims(&results);
    let idx = st
        .scenarios
        .iter_mut()
        .find(|s| s.scenario.arbitrage && s.scenario.main);
    let mut crashes = Vec::new();
    if let Some(sr) = idx {
        crashes = sr.detail.crash.clone();
        let seed = sr.seeds.first().copied().unwrap_or(1);
        results.params = Some(sr.scenario.params(seed));
        results.main = std::mem::take(&mut sr.detail.main);
        results.crash = sr
            .detail
            .crash
            .iter()
            .filter(|c| c.kind == "dump")
            .cloned()
            .collect();
        results.surge = sr.detail.surge.clone();
        results.sandwich = sr.detail.sandwich.clone();
        results.wall_secs = st.wall_secs;
    }
    std::fs::create_dir_all(&cli.out).with_context(|| format!("creating {}", cli.out.display()))?;
    std::fs::write(cli.out.join("metrics.csv"), study::metrics_csv(&st))?;
    if cli.series_csv {
        for sr in &st.scenarios {
            std::fs::write(
                cli.out.join(format!("series_{}.csv", sr.scenario.name)),
                study::series_csv(sr),
            )?;
        }
    }
    let png = cli.png || cli.page.is_some();
    let files = match hmm_sim::plots::write_all(&cli.out, &results, &crashes, png) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("no plots: {e:#}");
            Vec::new()
        }
    };
    if let Some(page) = &cli.page {
        let prefix = link_prefix(page, &cli.out);
        let detail = if results.params.is_some() {
            hmm_sim::report::detail_markdown(&results, &files, &prefix)
        } else {
            String::new()
        };
        let mut cmd = "cargo run --profile sim -p hmm-sim --".to_string();
        if let Some(s) = &cli.scenario {
            cmd.push_str(&format!(" --scenario {}", s.display()));
        }
        cmd.push_str(&format!(
            " --out {} --page {}",
            cli.out.display(),
            page.display()
        ));
        st.total_secs = t0.elapsed().as_secs_f64();
        let md = hmm_sim::page::markdown(&st, &deterministic, &detail, &cmd);
        if let Some(dir) = page.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(page, &md).with_context(|| format!("writing {}", page.display()))?;
        eprintln!("wrote {}", page.display());
    }
    eprintln!(
        "wrote {} plots and metrics.csv in {} ({:.1} s; the study {:.1} s)",
        files.len(),
        cli.out.display(),
        t0.elapsed().as_secs_f64(),
        st.wall_secs
    );
    Ok(())
}
