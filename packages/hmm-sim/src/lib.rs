//! # hmm-sim
//!
//! A discrete-event simulator of the 2026 paper's evaluation (§11): the HMM pools run by the pool contract's own code
//! (`hmm-pool-engine`, the stateless engine the `hmm-pool` contract runs, over `hmm-math`), side by side with
//! reference designs (constant product, concentrated liquidity, stableswap, weighted, a limit-order book with market
//! makers, an oracle-priced AMM) on the same order flow, plus exact reproductions of Table 3 (impermanent loss) and
//! Table 2 (integrator drift).
//!
//! Floats appear here (reference designs and agents); contracts never link this crate.

// `!(x > 0.0)` is deliberate throughout: it also refuses NaN, which `x <= 0.0` would let through.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod clob;
pub mod designs;
pub mod hmm;
pub mod mc;
pub mod metrics;
pub mod page;
pub mod plots;
pub mod report;
pub mod routing;
pub mod sim;
pub mod stress;
pub mod study;
pub mod tables;
pub mod venue;
pub mod world;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

use designs::Design;
use sim::{DesignRun, SimParams};
use world::World;

/// Everything one invocation computes.
#[derive(Debug, Default)]
pub struct Results {
    pub params: Option<SimParams>,
    pub main: Vec<DesignRun>,
    pub crash: Vec<stress::CrashResult>,
    pub surge: Vec<stress::SurgeResult>,
    pub sandwich: Vec<stress::SandwichResult>,
    pub table3: Vec<tables::IlRow>,
    pub il_curves: Vec<tables::IlCurve>,
    pub drift: Vec<tables::DriftRow>,
    pub drift_steps: u64,
    pub world: Option<World>,
    pub wall_secs: f64,
    pub threads: usize,
}

/// Options of one invocation.
#[derive(Clone, Debug)]
pub struct Options {
    pub days: f64,
    pub seed: u64,
    pub block_secs: u64,
    pub slippage_every: u64,
    /// The main run of every design (off: only what else is asked for).
    pub main: bool,
    pub stress: bool,
    pub tables: bool,
    /// f64 drift steps (Table 2; fixed point runs 10⁴ or fewer).
    pub drift_steps: u64,
    pub threads: usize,
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            days: 180.0,
            seed: 2026,
            block_secs: 600,
            slippage_every: 200,
            main: true,
            stress: true,
            tables: true,
            drift_steps: 1_000_000,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            progress: true,
        }
    }
}

enum Job {
    Main(usize),
    Crash(usize),
    Surge(usize),
    Sandwich(usize),
    Table3,
    IlCurves,
    Drift,
}

enum Done {
    Main(usize, Box<DesignRun>),
    Crash(usize, stress::CrashResult),
    Surge(usize, stress::SurgeResult),
    Sandwich(usize, stress::SandwichResult),
    Table3(Vec<tables::IlRow>),
    IlCurves(Vec<tables::IlCurve>),
    Drift(Vec<tables::DriftRow>),
}

/// Price ratios of the IL plot.
pub fn il_plot_ratios() -> Vec<f64> {
    (0..=40)
        .map(|k| 10f64.powf(-1.0 + k as f64 / 20.0))
        .collect()
}

/// Run everything asked for, spreading the independent runs over `threads` threads.
pub fn run(opts: &Options) -> Result<Results> {
    let t0 = Instant::now();
    let params = SimParams {
        days: opts.days,
        seed: opts.seed,
        block_secs: opts.block_secs,
        jobs_per_min: 10.0,
        slippage_every: opts.slippage_every,
        surge: None,
        crash: None,
        arbitrage: true,
    };
    let world = World::new(opts.seed, params.jobs_per_min);
    let designs = designs::all();
    let crash_p = stress::crash_params(opts.seed, sim::CrashKind::Dump, true);
    let surge_p = stress::surge_params(opts.seed, true);

    // Most expensive first (the HMM runs), so two threads finish together.
    let mut jobs = Vec::new();
    let hmm_idx: Vec<usize> = (0..designs.len())
        .filter(|&i| designs[i].is_hmm())
        .collect();
    let ref_idx: Vec<usize> = (0..designs.len())
        .filter(|&i| !designs[i].is_hmm())
        .collect();
    for &i in hmm_idx.iter().filter(|_| opts.main) {
        jobs.push(Job::Main(i));
    }
    if opts.stress {
        for &i in &hmm_idx {
            jobs.push(Job::Crash(i));
            jobs.push(Job::Surge(i));
            jobs.push(Job::Sandwich(i));
        }
    }
    if opts.tables {
        jobs.push(Job::Drift);
        jobs.push(Job::IlCurves);
        jobs.push(Job::Table3);
    }
    for &i in &ref_idx {
        if opts.main {
            jobs.push(Job::Main(i));
        }
        if opts.stress {
            jobs.push(Job::Crash(i));
            jobs.push(Job::Surge(i));
            jobs.push(Job::Sandwich(i));
        }
    }

    let mut total_blocks = if opts.main {
        params.blocks() * designs.len() as u64
    } else {
        0
    };
    if opts.stress {
        total_blocks += (crash_p.blocks() + surge_p.blocks()) * designs.len() as u64;
    }
    let progress = AtomicU64::new(0);
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Done>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let finished = AtomicUsize::new(0);
    let threads = opts.threads.max(1);

    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(k) else { break };
                let r: Result<Done> = (|| {
                    Ok(match job {
                        Job::Main(i) => Done::Main(
                            *i,
                            Box::new(sim::run_design(&designs[*i], &world, &params, &progress)?),
                        ),
                        Job::Crash(i) => {
                            let run = sim::run_design(&designs[*i], &world, &crash_p, &progress)?;
                            Done::Crash(*i, stress::crash_result(&run, &crash_p))
                        }
                        Job::Surge(i) => {
                            let run = sim::run_design(&designs[*i], &world, &surge_p, &progress)?;
                            Done::Surge(*i, stress::surge_result(&run, &surge_p))
                        }
                        Job::Sandwich(i) => Done::Sandwich(
                            *i,
                            stress::sandwich_test(&designs[*i], &world, opts.seed, false)?,
                        ),
                        Job::Table3 => Done::Table3(tables::table3()?),
                        Job::IlCurves => Done::IlCurves(tables::il_curves(&il_plot_ratios())?),
                        Job::Drift => Done::Drift(tables::drift_rows(opts.drift_steps, 10_000)?),
                    })
                })();
                match r {
                    Ok(d) => {
                        if let Ok(mut v) = done.lock() {
                            v.push(d);
                        }
                    }
                    Err(e) => {
                        if let Ok(mut f) = failure.lock() {
                            f.get_or_insert(e);
                        }
                    }
                }
            });
        }
        // The progress bar (stderr) while the workers run.
        s.spawn(|| {
            let bar = opts.progress.then(|| {
                let b = indicatif::ProgressBar::new(total_blocks);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{elapsed_precise} [{bar:40}] {percent}% blocks {pos}/{len} eta {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                b
            });
            while finished.load(Ordering::Relaxed) == 0 {
                if let Some(b) = &bar {
                    b.set_position(progress.load(Ordering::Relaxed).min(total_blocks));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if let Some(b) = &bar {
                b.set_position(total_blocks);
                b.finish();
            }
        });
        // Wait for the workers: they end when the queue is empty; signal the bar afterwards.
        while next.load(Ordering::Relaxed) < jobs.len() + threads {
            std::thread::sleep(Duration::from_millis(50));
        }
        finished.store(1, Ordering::Relaxed);
    });

    if let Some(e) = failure.into_inner().map_err(|_| anyhow!("poisoned"))? {
        return Err(e);
    }
    let mut res = Results {
        params: Some(params),
        drift_steps: opts.drift_steps,
        threads,
        ..Default::default()
    };
    let mut main: Vec<(usize, DesignRun)> = Vec::new();
    let mut crash = Vec::new();
    let mut surge = Vec::new();
    let mut sand = Vec::new();
    for d in done.into_inner().map_err(|_| anyhow!("poisoned"))? {
        match d {
            Done::Main(i, r) => main.push((i, *r)),
            Done::Crash(i, r) => crash.push((i, r)),
            Done::Surge(i, r) => surge.push((i, r)),
            Done::Sandwich(i, r) => sand.push((i, r)),
            Done::Table3(t) => res.table3 = t,
            Done::IlCurves(c) => res.il_curves = c,
            Done::Drift(d) => res.drift = d,
        }
    }
    main.sort_by_key(|(i, _)| *i);
    crash.sort_by_key(|(i, _)| *i);
    surge.sort_by_key(|(i, _)| *i);
    sand.sort_by_key(|(i, _)| *i);
    res.main = main.into_iter().map(|(_, r)| r).collect();
    res.crash = crash.into_iter().map(|(_, r)| r).collect();
    res.surge = surge.into_iter().map(|(_, r)| r).collect();
    res.sandwich = sand.into_iter().map(|(_, r)| r).collect();
    res.world = Some(world);
    res.wall_secs = t0.elapsed().as_secs_f64();
    Ok(res)
}

/// Names of the designs of the main run, in order.
pub fn design_names() -> Vec<String> {
    designs::all().iter().map(Design::name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short_run() -> Results {
        let opts = Options {
            days: 0.25,
            seed: 7,
            stress: false,
            tables: false,
            progress: false,
            threads: 2,
            ..Default::default()
        };
        run(&opts).expect("a short run completes")
    }

    /// Same seed, same world, same order flow, same numbers; every design sees jobs and trades.
    #[test]
    fn a_short_run_is_reproducible_and_every_design_trades() {
        let (a, b) = (short_run(), short_run());
        assert_eq!(a.main.len(), design_names().len());
        for (x, y) in a.main.iter().zip(&b.main) {
            assert_eq!(x.name, y.name);
            assert_eq!(x.prices, y.prices, "{}", x.name);
            assert_eq!((x.jobs, x.accepted), (y.jobs, y.accepted), "{}", x.name);
            assert!(x.jobs > 0 && x.accepted > 0, "{}: no jobs accepted", x.name);
            assert!(x.flow_volume > 0.0, "{}: nothing traded", x.name);
            assert!(
                x.prices.iter().flatten().all(|p| p.is_finite() && *p > 0.0),
                "{}",
                x.name
            );
        }
        // Jobs arrive at 10/min: 0.25 day ≈ 3600 (Poisson, so within a few standard deviations).
        let jobs = a.main[0].jobs as f64;
        assert!(
            (jobs - 3600.0).abs() < 5.0 * 3600f64.sqrt(),
            "{jobs} jobs in 6 h"
        );
        // The pools with a fixed λ never let their invariant fall (the exact solve rounds in the pool's favour).
        for r in a
            .main
            .iter()
            .filter(|r| r.is_hmm && !r.name.contains("dyn"))
        {
            let (lowest, _) = r.invariant.expect("HMM runs report their invariant");
            assert!(lowest >= 0.0, "{}: invariant fell by {lowest}", r.name);
        }
    }
}
