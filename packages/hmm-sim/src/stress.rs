//! Stress tests of 2026 §11.4, each a short run of every design on the same world at one-minute blocks:
//! a flash crash (a sudden supply dump), sandwich attacks, and a 5× demand surge for 24 h.

use std::sync::atomic::AtomicU64;

use anyhow::Result;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

use crate::designs::Design;
use crate::metrics;
use crate::sim::{
    build_venues, reserve0, run_design, Crash, CrashKind, DesignRun, SimParams, Surge,
};
use crate::world::{World, DAY, N_RES};

/// Block length of the stress runs.
pub const STRESS_BLOCK: u64 = 60;
/// The crash hits this resource (A100) after one day of warm-up.
pub const CRASH_RESOURCE: usize = 0;
pub const CRASH_FRACTION: f64 = 0.5;

/// The flash crash run: one day of warm-up, the crash at the start of day 2, one day after it.
pub fn crash_params(seed: u64, kind: CrashKind, arbitrage: bool) -> SimParams {
    SimParams {
        days: 2.0,
        seed,
        block_secs: STRESS_BLOCK,
        jobs_per_min: 10.0,
        slippage_every: 0,
        surge: None,
        crash: Some(Crash {
            at: DAY,
            resource: CRASH_RESOURCE,
            fraction: CRASH_FRACTION,
            kind,
        }),
        arbitrage,
    }
}

/// The demand surge run: 5× the job rate over day 2 of 3.
pub fn surge_params(seed: u64, arbitrage: bool) -> SimParams {
    SimParams {
        days: 3.0,
        seed,
        block_secs: STRESS_BLOCK,
        jobs_per_min: 10.0,
        slippage_every: 0,
        surge: Some(Surge {
            start: DAY,
            end: 2 * DAY,
            factor: 5.0,
        }),
        crash: None,
        arbitrage,
    }
}

/// The band around the baseline a recovered price is back in (the papers' "95% of baseline").
pub const RECOVERY_BAND: f64 = 0.05;

#[derive(Clone, Debug)]
pub struct CrashResult {
    pub name: String,
    /// Which crash (`CrashKind::label`).
    pub kind: String,
    /// Lowest and highest price after the shock relative to the baseline.
    pub trough: f64,
    pub peak: f64,
    /// Minutes from the shock until the price is back within 5 % of the baseline for good (0: it never left the
    /// band; None: still outside at the end of the run).
    pub recovery_min: Option<f64>,
    /// Share of the dump the venue absorbed.
    pub absorbed: f64,
    /// A100 price around the crash (minutes from the crash, price / baseline).
    pub path: Vec<(f64, f64)>,
}

pub fn crash_result(run: &DesignRun, p: &SimParams) -> CrashResult {
    let b_at = (DAY / p.block_secs) as usize;
    let series: Vec<f64> = run
        .prices
        .iter()
        .map(|x| f64::from(x[CRASH_RESOURCE]))
        .collect();
    let before = &series[b_at.saturating_sub(60)..b_at.min(series.len())];
    let baseline = metrics::mean(before.iter().copied());
    let after = series.get(b_at + 1..).unwrap_or(&[]);
    let trough = after.iter().copied().fold(f64::INFINITY, f64::min) / baseline;
    let peak = after.iter().copied().fold(f64::NEG_INFINITY, f64::max) / baseline;
    // The price observed at the start of block b_at + 1 already includes the shock and that block's flow. After an
    // index drop the level to reach is the new index, not the old baseline.
    let crash = p.crash.as_ref();
    let target = match crash {
        Some(c) if c.kind == CrashKind::IndexDrop => baseline * (1.0 - c.fraction),
        _ => baseline,
    };
    let outside = |x: f64| (x / target - 1.0).abs() > RECOVERY_BAND;
    let recovery_min = match after.iter().rposition(|&x| outside(x)) {
        None => Some(0.0),
        Some(k) if k + 1 == after.len() => None,
        Some(k) => Some(((k + 2) as u64 * p.block_secs) as f64 / 60.0),
    };
    let path = series
        .iter()
        .enumerate()
        .skip(b_at.saturating_sub(30))
        .take(300)
        .map(|(k, &x)| {
            (
                (k as f64 - b_at as f64) * p.block_secs as f64 / 60.0,
                x / baseline,
            )
        })
        .collect();
    CrashResult {
        name: run.name.clone(),
        kind: crash.map_or_else(String::new, |c| c.kind.label()),
        trough,
        peak,
        recovery_min,
        absorbed: run
            .dump
            .map_or(0.0, |(s, a)| if a > 0.0 { s / a } else { 0.0 }),
        path,
    }
}

#[derive(Clone, Debug)]
pub struct SurgeResult {
    pub name: String,
    /// 1 − CV(π) over the surge day, mean over resources.
    pub stability_surge: f64,
    /// The same over the day before.
    pub stability_before: f64,
    /// Share of demanded value that could not be delivered over the whole run.
    pub failed_share: f64,
    /// H100 price / index over the run (hours, ratio).
    pub path: Vec<(f64, f64)>,
}

pub fn surge_result(run: &DesignRun, p: &SimParams) -> SurgeResult {
    let per_day = (DAY / p.block_secs) as usize;
    let window = |from: usize, to: usize| -> f64 {
        let mut s = 0.0;
        for i in 0..N_RES {
            s += metrics::stability(
                run.prices
                    .get(from..to.min(run.prices.len()))
                    .unwrap_or(&[])
                    .iter()
                    .map(|x| f64::from(x[i])),
            );
        }
        s / N_RES as f64
    };
    let path = run
        .prices
        .iter()
        .zip(&run.index)
        .enumerate()
        .step_by(10)
        .map(|(k, (x, f))| {
            (
                k as f64 * p.block_secs as f64 / 3600.0,
                f64::from(x[1]) / f64::from(f[1]),
            )
        })
        .collect();
    SurgeResult {
        name: run.name.clone(),
        stability_surge: window(per_day, 2 * per_day),
        stability_before: window(0, per_day),
        failed_share: if run.demanded_value > 0.0 {
            run.failed_value / run.demanded_value
        } else {
            0.0
        },
        path,
    }
}

#[derive(Clone, Debug)]
pub struct SandwichResult {
    pub name: String,
    pub attempts: u64,
    /// Share of random sandwich attempts that lost money (or could not be placed).
    pub unprofitable: f64,
    /// Share of victims for which no front-run size on the grid was profitable.
    pub safe_victims: f64,
    /// Mean profit of the best sandwich per victim, as a share of the victim's trade value.
    pub mean_best_profit: f64,
    /// The same victims and sizes in batch-auction mode (when asked).
    pub batch: Option<BatchSandwich>,
}

/// Sandwiches against a uniform-price batch per block (2026 §8.3, Alg.3), profits as shares of the victim's value.
#[derive(Clone, Debug)]
pub struct BatchSandwich {
    /// Mean over victims of the best within-block sandwich (front-run buy and back-run sale in the victim's batch).
    pub mean_best_within: f64,
    /// The largest within-block profit found over every victim and size (> 0 would be within-block MEV).
    pub max_within: f64,
    /// Mean over victims of the best two-block attack: buy in the victim's batch, sell in the next block's.
    pub mean_best_across: f64,
    /// Share of victims for which no two-block attack on the grid was profitable.
    pub safe_across: f64,
}

/// Clear one batch of CU-sized intents on `v` (2026 Alg.3 steps 2–4, the rule of the contract's `settle_batch`
/// with intents sized in CU): the venue trades only the imbalance X = buys − sells on its curve, and every intent
/// fills at the one price π* = (what that trade cost or paid) / |X| (the spot when X = 0). Fees are charged on the
/// imbalance only, so matched intents trade fee-free: the most favourable rule for an attacker. None: the
/// imbalance could not be traded.
pub fn clear_batch(
    v: &mut dyn crate::venue::Venue,
    buys: f64,
    sells: f64,
    now: u64,
) -> Option<f64> {
    let x = buys - sells;
    if x.abs() <= 1e-9 * buys.max(sells).max(1.0) {
        let s = v.spot();
        return (s.is_finite() && s > 0.0).then_some(s);
    }
    let f = if x > 0.0 {
        v.buy(x, now)
    } else {
        v.sell(-x, now)
    }
    .ok()?;
    Some(f.ai / x.abs())
}

/// One batch with the attacker's buy `front` and sale `back` and the victim's buy `victim` (the victim's intent is
/// refunded, and the batch cleared again without it, if π* exceeds its limit price `limit`); returns π*.
fn batch_with_victim(
    w: &mut Box<dyn crate::venue::Venue>,
    front: f64,
    back: f64,
    victim: f64,
    limit: f64,
    now: u64,
) -> Option<f64> {
    let mut trial = w.boxed_clone();
    if let Some(p) = clear_batch(trial.as_mut(), front + victim, back, now) {
        if p <= limit {
            *w = trial;
            return Some(p);
        }
    }
    clear_batch(w.as_mut(), front, back, now)
}

/// Attacker profits ($AI) in batch mode: (within one block, across two blocks); None where not placeable.
fn batch_sandwich(
    v: &dyn crate::venue::Venue,
    front: f64,
    victim: f64,
) -> (Option<f64>, Option<f64>) {
    let Ok(quote) = v.quote_buy(victim) else {
        return (None, None);
    };
    let limit = quote.ai / victim * (1.0 + VICTIM_TOLERANCE);
    // Within the block: buy and sell `front` in the victim's batch; both fill at the same π*.
    let mut w = v.boxed_clone();
    let within = batch_with_victim(&mut w, front, front, victim, limit, 1).map(|p| {
        // Every intent of the batch fills at π*: the attacker pays it on its buy and receives it on its sale.
        let (paid, received) = (front * p, front * p);
        received - paid
    });
    // Across blocks: buy in the victim's batch, sell alone in the next one.
    let mut w = v.boxed_clone();
    let across = batch_with_victim(&mut w, front, 0.0, victim, limit, 1).and_then(|p1| {
        let p2 = clear_batch(w.as_mut(), 0.0, front, 2)?;
        Some(front * (p2 - p1))
    });
    (within, across)
}

pub const SANDWICH_VICTIMS: usize = 300;
/// Front-run sizes tried for the best attacker, share of the starting CU reserve.
pub const SANDWICH_GRID: [f64; 8] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1];
/// Victims refuse to pay more than this over their quote.
pub const VICTIM_TOLERANCE: f64 = 0.01;

fn log_uniform(rng: &mut impl Rng, lo: f64, hi: f64) -> f64 {
    (lo.ln() + rng.gen::<f64>() * (hi.ln() - lo.ln())).exp()
}

/// Profit in $AI of front-running a victim buy of `victim` CU with a buy of `front` CU (None: not placeable).
fn sandwich(v: &dyn crate::venue::Venue, front: f64, victim: f64) -> Option<f64> {
    let mut w = v.boxed_clone();
    let quote = w.quote_buy(victim).ok()?;
    let f = w.buy(front, 1).ok()?;
    // The victim's transaction fails if the price moved past its tolerance (its min_out / max_in).
    if let Ok(q) = w.quote_buy(victim) {
        if q.ai <= quote.ai * (1.0 + VICTIM_TOLERANCE) {
            w.buy(victim, 1).ok();
        }
    }
    let back = w.sell(front, 2).ok()?;
    Some(back.ai - f.ai)
}

/// Sandwich attacks on fresh venues of `design` (victims buy 0.05–5 % of the reserve; random attackers front-run
/// 0.05–10 %; the best attacker tries the whole grid).
pub fn sandwich_test(
    design: &Design,
    world: &World,
    seed: u64,
    batch: bool,
) -> Result<SandwichResult> {
    let venues = build_venues(design, world, seed)?;
    let q0 = reserve0(world);
    let mut rng = ChaCha12Rng::seed_from_u64(seed ^ 0x5A_4D);
    let (mut lost, mut attempts, mut safe, mut best_sum) = (0u64, 0u64, 0u64, 0.0);
    let (mut within_sum, mut within_max, mut across_sum, mut across_safe) =
        (0.0, f64::NEG_INFINITY, 0.0, 0u64);
    for k in 0..SANDWICH_VICTIMS {
        let i = k % N_RES;
        let (Some(v), Some(q)) = (venues.get(i), q0.get(i)) else {
            continue;
        };
        let victim = log_uniform(&mut rng, 0.0005, 0.05) * q;
        let front = log_uniform(&mut rng, 0.0005, 0.1) * q;
        attempts += 1;
        match sandwich(v.as_ref(), front, victim) {
            Some(p) if p > 0.0 => {}
            _ => lost += 1,
        }
        let best = SANDWICH_GRID
            .iter()
            .filter_map(|g| sandwich(v.as_ref(), g * q, victim))
            .fold(f64::NEG_INFINITY, f64::max);
        if best <= 0.0 {
            safe += 1;
        }
        let value = victim * v.spot();
        if best.is_finite() && value > 0.0 {
            best_sum += best.max(0.0) / value;
        }
        if batch && value > 0.0 {
            let (mut bw, mut ba) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
            for g in SANDWICH_GRID {
                let (w, a) = batch_sandwich(v.as_ref(), g * q, victim);
                bw = bw.max(w.unwrap_or(f64::NEG_INFINITY));
                ba = ba.max(a.unwrap_or(f64::NEG_INFINITY));
            }
            if bw.is_finite() {
                within_sum += bw.max(0.0) / value;
                within_max = within_max.max(bw / value);
            }
            if ba <= 0.0 {
                across_safe += 1;
            }
            if ba.is_finite() {
                across_sum += ba.max(0.0) / value;
            }
        }
    }
    Ok(SandwichResult {
        name: design.name(),
        attempts,
        unprofitable: lost as f64 / attempts.max(1) as f64,
        safe_victims: safe as f64 / SANDWICH_VICTIMS as f64,
        mean_best_profit: best_sum / SANDWICH_VICTIMS as f64,
        batch: batch.then(|| BatchSandwich {
            mean_best_within: within_sum / SANDWICH_VICTIMS as f64,
            max_within: within_max,
            mean_best_across: across_sum / SANDWICH_VICTIMS as f64,
            safe_across: across_safe as f64 / SANDWICH_VICTIMS as f64,
        }),
    })
}

/// Run a short stress simulation of one design.
pub fn stress_run(design: &Design, world: &World, p: &SimParams) -> Result<DesignRun> {
    let progress = AtomicU64::new(0);
    run_design(design, world, p, &progress)
}
