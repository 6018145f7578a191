//! Scenario files and the Monte Carlo study: every scenario of a file run over its seeds, in parallel (rayon) over
//! (scenario, seed, design, test); each run reduced to per-seed metrics, the first seed's runs kept whole for the
//! plots, the CSV series and the per-design detail tables.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Deserialize;

use crate::designs::{self, Design};
use crate::report::summarise;
use crate::sim::{self, CrashKind, DesignRun, SimParams};
use crate::stress::{self, CrashResult, SandwichResult, SurgeResult};
use crate::world::World;

/// The default study (`scenarios/default.toml`): today's constants are its `index` scenario.
pub const DEFAULT_TOML: &str = include_str!("../scenarios/default.toml");
/// The short study CI runs.
pub const CI_TOML: &str = include_str!("../scenarios/ci.toml");

fn d_days() -> f64 {
    180.0
}
fn d_block() -> u64 {
    600
}
fn d_true() -> bool {
    true
}
fn d_slip() -> u64 {
    200
}
fn d_cut() -> u64 {
    60
}
fn d_seeds() -> usize {
    20
}
fn d_first() -> u64 {
    1
}

/// One scenario of a file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "d_days")]
    pub days: f64,
    #[serde(default = "d_block")]
    pub block_secs: u64,
    #[serde(default = "d_true")]
    pub arbitrage: bool,
    #[serde(default = "d_true")]
    pub main: bool,
    #[serde(default)]
    pub crashes: Vec<String>,
    #[serde(default = "d_cut")]
    pub supply_cut_minutes: u64,
    #[serde(default)]
    pub surge: bool,
    #[serde(default)]
    pub sandwich: bool,
    #[serde(default = "d_slip")]
    pub slippage_every: u64,
    /// Name prefixes of the designs to run (all when absent).
    pub designs: Option<Vec<String>>,
}

/// A scenario file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyFile {
    #[serde(default = "d_seeds")]
    pub seeds: usize,
    #[serde(default = "d_first")]
    pub first_seed: u64,
    pub scenario: Vec<Scenario>,
}

impl StudyFile {
    pub fn parse(text: &str) -> Result<StudyFile> {
        let f: StudyFile = toml::from_str(text).context("parsing the scenario file")?;
        if f.scenario.is_empty() {
            bail!("the scenario file has no [[scenario]]");
        }
        for s in &f.scenario {
            s.crash_kinds()?;
            if !(s.days > 0.0) || s.block_secs == 0 {
                bail!("scenario {}: days and block_secs must be positive", s.name);
            }
            if s.designs().is_empty() {
                bail!("scenario {}: no design matches {:?}", s.name, s.designs);
            }
        }
        Ok(f)
    }

    pub fn seeds(&self) -> Vec<u64> {
        (0..self.seeds as u64)
            .map(|k| self.first_seed + k)
            .collect()
    }
}

impl Scenario {
    pub fn crash_kinds(&self) -> Result<Vec<CrashKind>> {
        self.crashes
            .iter()
            .map(|c| match c.as_str() {
                "dump" => Ok(CrashKind::Dump),
                "supply-cut" => Ok(CrashKind::SupplyCut {
                    secs: self.supply_cut_minutes * 60,
                }),
                "index-drop" => Ok(CrashKind::IndexDrop),
                other => bail!(
                    "scenario {}: unknown crash {other:?} (dump, supply-cut, index-drop)",
                    self.name
                ),
            })
            .collect()
    }

    pub fn designs(&self) -> Vec<Design> {
        designs::all()
            .into_iter()
            .filter(|d| {
                self.designs
                    .as_ref()
                    .is_none_or(|keys| keys.iter().any(|k| d.name().starts_with(k.as_str())))
            })
            .collect()
    }

    pub fn params(&self, seed: u64) -> SimParams {
        SimParams {
            days: self.days,
            seed,
            block_secs: self.block_secs,
            jobs_per_min: 10.0,
            slippage_every: self.slippage_every,
            surge: None,
            crash: None,
            arbitrage: self.arbitrage,
        }
    }
}

#[derive(Clone, Debug)]
enum Test {
    Main,
    Crash(CrashKind),
    Surge,
    Sandwich,
}

#[derive(Clone, Debug)]
struct Task {
    scenario: usize,
    seed_idx: usize,
    seed: u64,
    design: Design,
    test: Test,
}

/// The first seed's runs, kept whole.
#[derive(Debug, Default)]
pub struct Detail {
    pub main: Vec<DesignRun>,
    pub crash: Vec<CrashResult>,
    pub surge: Vec<SurgeResult>,
    pub sandwich: Vec<SandwichResult>,
}

/// One scenario over its seeds.
#[derive(Debug)]
pub struct ScenarioResult {
    pub scenario: Scenario,
    pub seeds: Vec<u64>,
    pub design_names: Vec<String>,
    /// Metric key (`metric|design`) → value per seed (NaN where not measured).
    pub metrics: BTreeMap<String, Vec<f64>>,
    pub detail: Detail,
    /// Blocks of the main run actually simulated, converted to days.
    pub days_simulated: f64,
    /// CPU seconds of all its runs.
    pub cpu_secs: f64,
}

impl ScenarioResult {
    pub fn series(&self, metric: &str, design: &str) -> Option<&[f64]> {
        let name = self.design_names.iter().find(|n| n.starts_with(design))?;
        self.metrics.get(&key(metric, name)).map(Vec::as_slice)
    }
}

#[derive(Debug)]
pub struct Study {
    pub scenarios: Vec<ScenarioResult>,
    /// The study's runs; `total_secs`: the whole command (set by the caller, with tables, plots and the page).
    pub wall_secs: f64,
    pub total_secs: f64,
    pub threads: usize,
}

pub fn key(metric: &str, design: &str) -> String {
    format!("{metric}|{design}")
}

enum Kept {
    Main(Box<DesignRun>),
    Crash(CrashResult),
    Surge(SurgeResult),
    Sandwich(SandwichResult),
}

struct TaskOut {
    metrics: Vec<(String, f64)>,
    kept: Option<Kept>,
    days: Option<f64>,
    secs: f64,
}

fn run_task(t: &Task, sc: &Scenario, progress: &AtomicU64) -> Result<TaskOut> {
    let t0 = Instant::now();
    let world = World::new(t.seed, 10.0);
    let name = t.design.name();
    let keep = t.seed_idx == 0;
    let mut m: Vec<(String, f64)> = Vec::new();
    let mut put = |metric: &str, v: f64| m.push((key(metric, &name), v));
    let mut days = None;
    let kept = match &t.test {
        Test::Main => {
            let p = sc.params(t.seed);
            let run = sim::run_design(&t.design, &world, &p, progress)?;
            let s = summarise(&run, p.block_secs);
            put("stability", s.stability);
            if sc.arbitrage {
                put("stability_rel", s.stability_rel);
            }
            put("slippage", s.median_slippage);
            put("cap_eff", s.cap_eff);
            put("il_loss", -s.il);
            put("lp_ann", s.lp_return_ann);
            put("failed", s.failed);
            put("accepted", s.accepted);
            if let Some((lo, hi)) = run.invariant {
                put("kappa_abs", lo.abs().max(hi.abs()));
                put("kappa_min", lo);
            }
            days = Some(run.days(p.block_secs));
            keep.then(|| Kept::Main(Box::new(run)))
        }
        Test::Crash(kind) => {
            let p = stress::crash_params(t.seed, *kind, sc.arbitrage);
            let run = sim::run_design(&t.design, &world, &p, progress)?;
            let c = stress::crash_result(&run, &p);
            let label = kind.label();
            // Not recovered within the day after the shock: counted as the whole day (censored).
            put(
                &format!("recovery_min/{label}"),
                c.recovery_min.unwrap_or(1440.0),
            );
            put(
                &format!("censored/{label}"),
                if c.recovery_min.is_none() { 1.0 } else { 0.0 },
            );
            put(&format!("trough/{label}"), c.trough);
            put(&format!("peak/{label}"), c.peak);
            keep.then_some(Kept::Crash(c))
        }
        Test::Surge => {
            let p = stress::surge_params(t.seed, sc.arbitrage);
            let run = sim::run_design(&t.design, &world, &p, progress)?;
            let s = stress::surge_result(&run, &p);
            put("surge_stability", s.stability_surge);
            put("surge_before", s.stability_before);
            put("surge_failed", s.failed_share);
            keep.then_some(Kept::Surge(s))
        }
        Test::Sandwich => {
            let s = stress::sandwich_test(&t.design, &world, t.seed)?;
            put("sand_unprofitable", s.unprofitable);
            put("sand_safe", s.safe_victims);
            put("sand_profit", s.mean_best_profit);
            keep.then_some(Kept::Sandwich(s))
        }
    };
    Ok(TaskOut {
        metrics: m,
        kept,
        days,
        secs: t0.elapsed().as_secs_f64(),
    })
}

/// Run every scenario of `file` over its seeds on `threads` threads.
pub fn run_study(file: &StudyFile, threads: usize, progress_bar: bool) -> Result<Study> {
    let t0 = Instant::now();
    let seeds = file.seeds();
    let mut tasks = Vec::new();
    for (si, sc) in file.scenario.iter().enumerate() {
        let kinds = sc.crash_kinds()?;
        for (k, &seed) in seeds.iter().enumerate() {
            for d in sc.designs() {
                let mut push = |test| {
                    tasks.push(Task {
                        scenario: si,
                        seed_idx: k,
                        seed,
                        design: d.clone(),
                        test,
                    })
                };
                if sc.main {
                    push(Test::Main);
                }
                for &c in &kinds {
                    push(Test::Crash(c));
                }
                if sc.surge {
                    push(Test::Surge);
                }
                if sc.sandwich {
                    push(Test::Sandwich);
                }
            }
        }
    }
    // Longest first (HMM main runs), so the threads finish together.
    tasks.sort_by_key(|t| {
        (
            !matches!(t.test, Test::Main),
            !t.design.is_hmm(),
            std::cmp::Reverse((file.scenario[t.scenario].days * 1000.0) as u64),
        )
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .context("building the thread pool")?;
    let progress = AtomicU64::new(0);
    let bar = progress_bar.then(|| {
        let b = indicatif::ProgressBar::new(tasks.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] runs {pos}/{len} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        b
    });
    let outs: Vec<Result<TaskOut>> = pool.install(|| {
        tasks
            .par_iter()
            .map(|t| {
                let r = run_task(t, &file.scenario[t.scenario], &progress);
                if let Some(b) = &bar {
                    b.inc(1);
                }
                r
            })
            .collect()
    });
    if let Some(b) = &bar {
        b.finish();
    }
    let mut scenarios: Vec<ScenarioResult> = file
        .scenario
        .iter()
        .map(|sc| ScenarioResult {
            scenario: sc.clone(),
            seeds: seeds.clone(),
            design_names: sc.designs().iter().map(Design::name).collect(),
            metrics: BTreeMap::new(),
            detail: Detail::default(),
            days_simulated: 0.0,
            cpu_secs: 0.0,
        })
        .collect();
    let mut main_kept: Vec<Vec<(String, DesignRun)>> = vec![Vec::new(); scenarios.len()];
    for (t, out) in tasks.iter().zip(outs) {
        let out = out?;
        let Some(sr) = scenarios.get_mut(t.scenario) else {
            continue;
        };
        sr.cpu_secs += out.secs;
        if let Some(d) = out.days {
            sr.days_simulated = d;
        }
        for (k, v) in out.metrics {
            let n = sr.seeds.len();
            let e = sr.metrics.entry(k).or_insert_with(|| vec![f64::NAN; n]);
            if let Some(x) = e.get_mut(t.seed_idx) {
                *x = v;
            }
        }
        match out.kept {
            Some(Kept::Main(r)) => main_kept[t.scenario].push((r.name.clone(), *r)),
            Some(Kept::Crash(c)) => sr.detail.crash.push(c),
            Some(Kept::Surge(s)) => sr.detail.surge.push(s),
            Some(Kept::Sandwich(s)) => sr.detail.sandwich.push(s),
            None => {}
        }
    }
    // Details in design order.
    for (sr, kept) in scenarios.iter_mut().zip(main_kept) {
        let order = |n: &str| {
            sr.design_names
                .iter()
                .position(|x| x == n)
                .unwrap_or(usize::MAX)
        };
        let mut kept = kept;
        kept.sort_by_key(|(n, _)| order(n));
        sr.detail.main = kept.into_iter().map(|(_, r)| r).collect();
        sr.detail
            .crash
            .sort_by_key(|c| (c.kind.clone(), order(&c.name)));
        sr.detail.surge.sort_by_key(|c| order(&c.name));
        sr.detail.sandwich.sort_by_key(|c| order(&c.name));
    }
    Ok(Study {
        scenarios,
        wall_secs: t0.elapsed().as_secs_f64(),
        total_secs: t0.elapsed().as_secs_f64(),
        threads: threads.max(1),
    })
}

/// Per-seed metrics as CSV: `scenario,seed,metric,design,value`.
pub fn metrics_csv(study: &Study) -> String {
    let mut s = String::from("scenario,seed,metric,design,value\n");
    for sr in &study.scenarios {
        for (k, vs) in &sr.metrics {
            let (metric, design) = k.split_once('|').unwrap_or((k.as_str(), ""));
            for (seed, v) in sr.seeds.iter().zip(vs) {
                s.push_str(&format!(
                    "{},{seed},{metric},\"{design}\",{v}\n",
                    sr.scenario.name
                ));
            }
        }
    }
    s
}

/// The first seed's main-run series as CSV: `block,time_s,design,resource,price,index`.
pub fn series_csv(sr: &ScenarioResult) -> String {
    let mut s = String::from("block,time_s,design,resource,price,index\n");
    for run in &sr.detail.main {
        for (b, (px, ix)) in run.prices.iter().zip(&run.index).enumerate() {
            for (r, (p, i)) in px.iter().zip(ix).enumerate() {
                s.push_str(&format!(
                    "{b},{},\"{}\",{},{p},{i}\n",
                    b as u64 * sr.scenario.block_secs,
                    run.name,
                    crate::world::RESOURCES[r].name
                ));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_scenario_files_parse() {
        let d = StudyFile::parse(DEFAULT_TOML).expect("default.toml");
        assert!(d.seeds >= 20, "the default study runs ≥ 20 seeds");
        let idx = d
            .scenario
            .iter()
            .find(|s| s.name == "index")
            .expect("index");
        assert!(idx.arbitrage && idx.days == 180.0 && idx.block_secs == 600);
        assert!(
            d.scenario.iter().any(|s| !s.arbitrage),
            "an index-free scenario"
        );
        assert!(d
            .scenario
            .iter()
            .any(|s| s.crashes.iter().any(|c| c == "supply-cut")));
        StudyFile::parse(CI_TOML).expect("ci.toml");
    }

    #[test]
    fn bad_scenarios_are_refused() {
        assert!(StudyFile::parse("seeds = 2\n").is_err());
        assert!(StudyFile::parse("[[scenario]]\nname = \"x\"\ncrashes = [\"meteor\"]\n").is_err());
        assert!(StudyFile::parse("[[scenario]]\nname = \"x\"\ndesigns = [\"nothing\"]\n").is_err());
        assert!(StudyFile::parse("[[scenario]]\nname = \"x\"\ntypo = 1\n").is_err());
    }

    /// A tiny study: metrics for every seed, the first seed's runs kept, same numbers twice.
    #[test]
    fn a_tiny_study_fills_every_seed_and_is_reproducible() {
        let text = "seeds = 2\n[[scenario]]\nname = \"t\"\ndays = 0.1\narbitrage = false\n\
                    designs = [\"HMM λ=0.5\", \"Constant product\"]\n";
        let f = StudyFile::parse(text).expect("parses");
        let a = run_study(&f, 2, false).expect("runs");
        let b = run_study(&f, 2, false).expect("runs");
        let sr = &a.scenarios[0];
        assert_eq!(sr.detail.main.len(), 2);
        let st = sr.series("stability", "HMM λ=0.5").expect("measured");
        assert_eq!(st.len(), 2);
        assert!(st.iter().all(|x| x.is_finite()));
        assert_eq!(
            st,
            b.scenarios[0].series("stability", "HMM λ=0.5").expect("b")
        );
        assert!((sr.days_simulated - 0.1).abs() < 0.01);
        assert!(metrics_csv(&a).lines().count() > 2);
    }
}
