//! Scenario files and the Monte Carlo study: every scenario of a file run over its seeds, in parallel (rayon) over
//! (scenario, seed, design, test); each run reduced to per-seed metrics, the first seed's runs kept whole for the
//! plots, the CSV series and the per-design detail tables.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Deserialize;

use hmm::pool::ExecutionMode;

use crate::designs::{self, Design};
use crate::hmm::HmmParams;
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
fn d_exec() -> String {
    "exact".into()
}
fn d_steps() -> u32 {
    32
}

/// An HMM pool of a scenario beyond the built-in designs (`[[scenario.hmm]]`): the parameters of a sweep.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HmmSpec {
    /// Name in the tables (built from the parameters when absent).
    pub label: Option<String>,
    pub lambda: f64,
    /// 2026 eq.9's μ (0: target-reserve curve, eq.4).
    #[serde(default)]
    pub mu: f64,
    /// 2025 eq.11's f_r (the contract's default 0.02 when absent).
    pub risk_fee: Option<f64>,
    /// "exact", "verlet" (2026 Alg.1) or "ruth4" (Alg.2), with `steps` integrator steps per swap.
    #[serde(default = "d_exec")]
    pub execution: String,
    #[serde(default = "d_steps")]
    pub steps: u32,
    /// eq.30's sensitivities (dynamic λ, capped at `lambda_max`, default 1.5).
    #[serde(default)]
    pub alpha: f64,
    #[serde(default)]
    pub beta: f64,
    pub lambda_max: Option<f64>,
}

impl HmmSpec {
    pub fn execution(&self) -> Result<ExecutionMode> {
        Ok(match self.execution.as_str() {
            "exact" => ExecutionMode::Exact,
            "verlet" => ExecutionMode::Verlet { steps: self.steps },
            "ruth4" => ExecutionMode::Ruth4 { steps: self.steps },
            other => bail!("unknown execution {other:?} (exact, verlet, ruth4)"),
        })
    }

    pub fn design(&self) -> Result<Design> {
        let dynamic = self.alpha != 0.0 || self.beta != 0.0;
        let params = HmmParams {
            lambda: self.lambda,
            alpha: self.alpha,
            beta: self.beta,
            lambda_max: self
                .lambda_max
                .unwrap_or(if dynamic { 1.5 } else { self.lambda }),
            mu: self.mu,
            risk_fee: self.risk_fee,
            execution: self.execution()?,
        };
        let label = match &self.label {
            Some(l) => l.clone(),
            None => {
                let mut l = format!("HMM λ={}", self.lambda);
                if dynamic {
                    l.push_str(" dyn.");
                }
                if self.mu != 0.0 {
                    l.push_str(&format!(" μ={}", self.mu));
                }
                if let Some(r) = self.risk_fee {
                    l.push_str(&format!(" f_r={r}"));
                }
                if self.execution != "exact" {
                    l.push_str(&format!(" {}/{}", self.execution, self.steps));
                }
                l
            }
        };
        Ok(Design::Hmm { label, params })
    }

    /// The value of the swept parameter.
    pub fn value(&self, sweep: &str) -> f64 {
        match sweep {
            "mu" => self.mu,
            "risk_fee" => self.risk_fee.unwrap_or(0.02),
            "lambda" => self.lambda,
            "steps" => {
                if self.alpha != 0.0 || self.beta != 0.0 {
                    f64::NAN
                } else if self.execution == "exact" {
                    0.0
                } else {
                    f64::from(self.steps)
                }
            }
            _ => f64::NAN,
        }
    }
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
    /// Seeds of this scenario (the file's first ones; the file's count when absent): for the costly ones.
    pub seeds: Option<usize>,
    /// Name prefixes of the built-in designs to run (all when absent, none when absent and `hmm` is given).
    pub designs: Option<Vec<String>>,
    /// Extra HMM pools (the points of a parameter sweep).
    #[serde(default)]
    pub hmm: Vec<HmmSpec>,
    /// The parameter the `hmm` pools sweep ("mu", "risk_fee", "lambda", "steps"): the page reports the metrics
    /// the seeds say it changes, with a computed verdict.
    pub sweep: Option<String>,
    /// Job bundles planned by the router's code over a multi-class pool and single-class pools (`routing.rs`), for
    /// every fixed-λ HMM design of the scenario.
    #[serde(default)]
    pub routing: bool,
    /// The sandwich study also in batch-auction mode (2026 §8.3, Alg.3): one uniform clearing price per block.
    #[serde(default)]
    pub batch: bool,
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
            if s.designs()?.is_empty() {
                bail!("scenario {}: no design matches {:?}", s.name, s.designs);
            }
            if let Some(w) = &s.sweep {
                if !["mu", "risk_fee", "lambda", "steps"].contains(&w.as_str()) {
                    bail!(
                        "scenario {}: unknown sweep {w:?} (mu, risk_fee, lambda, steps)",
                        s.name
                    );
                }
                if s.hmm.len() < 2 {
                    bail!(
                        "scenario {}: a sweep needs at least two [[scenario.hmm]]",
                        s.name
                    );
                }
            }
            if s.batch && !s.sandwich {
                bail!("scenario {}: batch needs sandwich = true", s.name);
            }
        }
        Ok(f)
    }

    pub fn seeds(&self) -> Vec<u64> {
        (0..self.seeds as u64)
            .map(|k| self.first_seed + k)
            .collect()
    }

    /// The seeds of scenario `sc`: the file's, or its first `sc.seeds`.
    pub fn seeds_of(&self, sc: &Scenario) -> Vec<u64> {
        let mut s = self.seeds();
        s.truncate(sc.seeds.unwrap_or(self.seeds).max(1));
        s
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

    /// The built-in designs asked for, then the scenario's own HMM pools.
    pub fn designs(&self) -> Result<Vec<Design>> {
        let mut out: Vec<Design> = designs::all()
            .into_iter()
            .filter(|d| match &self.designs {
                Some(keys) => keys.iter().any(|k| d.name().starts_with(k.as_str())),
                None => self.hmm.is_empty(),
            })
            .collect();
        for h in &self.hmm {
            out.push(
                h.design()
                    .with_context(|| format!("scenario {}", self.name))?,
            );
        }
        Ok(out)
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
    Routing(f64),
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
    /// Designs the soundness guard refused to create (name, the engine's error): not run.
    pub refused: Vec<(String, String)>,
    /// A sweep's points: design name and the swept parameter's value (refused ones included).
    pub sweep_points: Vec<(String, f64)>,
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
            put("trade_refusals", run.refusals as f64);
            if run.quotes > 0 {
                put("quote_us", 1e6 * run.quote_secs / run.quotes as f64);
            }
            if let Some(l) = run.mean_lambda {
                put("lambda_mean", l);
            }
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
        Test::Routing(lambda) => {
            let r = crate::routing::routing_test(&world, t.seed, *lambda)?;
            // Extra cost over the same liquidity in one pool, basis points.
            put("route_cost", 1e4 * (r.cost_ratio - 1.0));
            put("route_single", 1e4 * (r.single_ratio - 1.0));
            put("route_split", r.split_share);
            put("route_multi", r.multi_share);
            put("route_refused", r.refused as f64);
            None
        }
        Test::Sandwich => {
            let s = stress::sandwich_test(&t.design, &world, t.seed, sc.batch)?;
            put("sand_unprofitable", s.unprofitable);
            put("sand_safe", s.safe_victims);
            put("sand_profit", s.mean_best_profit);
            if let Some(b) = &s.batch {
                put("sand_batch_profit", b.mean_best_within);
                put("sand_batch_max", b.max_within);
                put("sand_cross_profit", b.mean_best_across);
                put("sand_cross_safe", b.safe_across);
            }
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
    // The soundness guard: a pool the contract would refuse to create (or fund) is not run, and is reported.
    let mut refused: Vec<Vec<(String, String)>> = Vec::new();
    let mut runnable: Vec<Vec<Design>> = Vec::new();
    for sc in &file.scenario {
        let seed = seeds.first().copied().unwrap_or(1);
        let world = World::new(seed, 10.0);
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        for d in sc.designs()? {
            match sim::build_venues(&d, &world, seed) {
                Ok(_) => ok.push(d),
                Err(e) => bad.push((d.name(), format!("{e:#}"))),
            }
        }
        runnable.push(ok);
        refused.push(bad);
    }
    for (si, sc) in file.scenario.iter().enumerate() {
        let kinds = sc.crash_kinds()?;
        for (k, &seed) in file.seeds_of(sc).iter().enumerate() {
            for d in &runnable[si] {
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
                if let (true, Design::Hmm { params, .. }) = (sc.routing, d) {
                    if params.alpha == 0.0 && params.beta == 0.0 {
                        push(Test::Routing(params.lambda));
                    }
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
        .zip(runnable.iter().zip(refused))
        .map(|(sc, (ok, bad))| ScenarioResult {
            scenario: sc.clone(),
            seeds: file.seeds_of(sc),
            design_names: ok.iter().map(Design::name).collect(),
            refused: bad,
            sweep_points: sc
                .sweep
                .as_ref()
                .map(|w| {
                    sc.hmm
                        .iter()
                        .filter_map(|h| Some((h.design().ok()?.name(), h.value(w))))
                        .filter(|(_, v)| v.is_finite())
                        .collect()
                })
                .unwrap_or_default(),
            metrics: BTreeMap::new(),
            detail: Detail::default(),
            days_simulated: 0.0,
            cpu_secs: 0.0,
        })
        .collect();
    let mut main_kept: Vec<Vec<(String, DesignRun)>> = vec![Vec::new(); scenarios.len()];
    let timings = std::env::var_os("HMM_SIM_TIMINGS").is_some();
    for (t, out) in tasks.iter().zip(outs) {
        let out = out?;
        if timings {
            eprintln!(
                "timing: {} seed {} {} {:?}: {:.2} s",
                file.scenario[t.scenario].name,
                t.seed,
                t.design.name(),
                t.test,
                out.secs
            );
        }
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
        for sweep in ["sweep-lambda", "sweep-mu", "sweep-risk-fee", "ruth4"] {
            let s = d.scenario.iter().find(|s| s.name == sweep).expect(sweep);
            assert!(s.sweep.is_some() && s.hmm.len() >= 2, "{sweep}");
        }
        assert!(
            d.scenario.iter().any(|s| s.batch),
            "a batch-auction sandwich scenario"
        );
    }

    #[test]
    fn bad_scenarios_are_refused() {
        assert!(StudyFile::parse("seeds = 2\n").is_err());
        assert!(StudyFile::parse("[[scenario]]\nname = \"x\"\ncrashes = [\"meteor\"]\n").is_err());
        assert!(StudyFile::parse("[[scenario]]\nname = \"x\"\ndesigns = [\"nothing\"]\n").is_err());
        assert!(StudyFile::parse("[[scenario]]\nname = \"x\"\ntypo = 1\n").is_err());
        assert!(StudyFile::parse(
            "[[scenario]]\nname = \"x\"\nsweep = \"mu\"\nhmm = [{ lambda = 0.5 }]\n"
        )
        .is_err());
        assert!(StudyFile::parse(
            "[[scenario]]\nname = \"x\"\nhmm = [{ lambda = 0.5, execution = \"rk4\" }]\n"
        )
        .is_err());
        assert!(StudyFile::parse("[[scenario]]\nname = \"x\"\nbatch = true\n").is_err());
    }

    /// The soundness guard's refusals are reported, not run, and not hidden: λ ≥ 2 is refused at creation.
    #[test]
    fn a_lambda_sweep_reports_the_guards_refusals() {
        let text = "seeds = 2\n[[scenario]]\nname = \"l\"\ndays = 0.05\narbitrage = false\nsweep = \"lambda\"\n\
                    hmm = [{ lambda = 0.5 }, { lambda = 1.9 }, { lambda = 2.0 }, { lambda = 5.0 }]\n";
        let f = StudyFile::parse(text).expect("parses");
        let st = run_study(&f, 2, false).expect("runs");
        let sr = &st.scenarios[0];
        assert_eq!(sr.design_names, vec!["HMM λ=0.5", "HMM λ=1.9"]);
        let refused: Vec<&str> = sr.refused.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(refused, vec!["HMM λ=2", "HMM λ=5"]);
        assert!(sr
            .refused
            .iter()
            .all(|(_, why)| why.contains("lambda_max must be < 2")));
        assert_eq!(sr.sweep_points.len(), 4, "refused points stay in the sweep");
        let rows = crate::page::sweep_claims(sr);
        let guard = rows
            .iter()
            .find(|r| r.claim.starts_with("λ ∈ [0.5, 5.0]"))
            .expect("the guard's row");
        assert_eq!(
            guard.verdict,
            crate::mc::Verdict::Refuted,
            "{}",
            guard.reason
        );
        assert!(guard.reason.contains("2 of 4"), "{}", guard.reason);
    }

    /// Batch mode: a front-run and a back-run in the victim's batch fill at one price, so no within-block
    /// sandwich profits; the continuous sandwich does on the same victims.
    #[test]
    fn batches_remove_within_block_sandwich_profit() {
        let world = World::new(3, 10.0);
        let s = stress::sandwich_test(&designs::hmm(0.5), &world, 3, true).expect("runs");
        let b = s.batch.expect("batch mode measured");
        assert!(s.mean_best_profit > 0.0, "continuous sandwiches profit");
        assert!(b.max_within <= 0.0, "within-block profit {}", b.max_within);
        assert_eq!(b.mean_best_within, 0.0);
        assert!(b.mean_best_across < s.mean_best_profit);
    }

    /// Eq.30's λ moves in the simulator (the pool is created on the simulation's clock) and with it κ.
    #[test]
    fn dynamic_lambda_moves_and_changes_kappa() {
        let text = "seeds = 1\n[[scenario]]\nname = \"d\"\ndays = 0.5\nsweep = \"steps\"\n\
                    hmm = [{ lambda = 0.5 }, { lambda = 0.5, execution = \"ruth4\", steps = 4 }, \
                    { lambda = 0.5, alpha = 5000, beta = 20 }]\n";
        let f = StudyFile::parse(text).expect("parses");
        let st = run_study(&f, 2, false).expect("runs");
        let sr = &st.scenarios[0];
        let lam = sr.series("lambda_mean", "HMM λ=0.5 dyn.").expect("dyn")[0];
        assert!(lam > 0.6, "mean λ(t) {lam}");
        let k_dyn = sr.series("kappa_abs", "HMM λ=0.5 dyn.").expect("dyn")[0];
        let k_fix = sr.series("kappa_abs", "HMM λ=0.5").expect("fixed")[0];
        assert!(
            k_dyn > 10.0 * k_fix,
            "κ change dyn {k_dyn} vs fixed {k_fix}"
        );
        // Ruth-4 executes on the same level set: the same prices as the exact solve, κ never falls.
        let r4 = sr.series("kappa_min", "HMM λ=0.5 ruth4/4").expect("ruth4")[0];
        assert!(r4 >= 0.0, "κ fell by {r4}");
        assert!(sr.series("quote_us", "HMM λ=0.5 ruth4/4").is_some());
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
