//! The discrete-event run of one design: blocks of `block_secs`, jobs and worker sales aggregated per block and
//! resource (the same aggregation for every design), then arbitrage against the index.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Result;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

use crate::designs::{Design, LIQUIDITY_HOURS};
use crate::metrics;
use crate::venue::{Refusal, Venue};
use crate::world::{lognormal, poisson, Index, World, N_CLIENTS, N_RES, RESOURCES, SIZE_SIGMA};

/// The arbitrageur acts when a venue's price is more than this far from the index (compute is not free to move:
/// delivery and settlement cost something), and pulls it back to half that distance.
pub const ARB_BAND: f64 = 0.01;
/// Largest arbitrage trade per block and resource, as a share of the venue's starting CU reserve.
pub const ARB_CAP: f64 = 0.05;
/// A refused or too-large order is split in halves at most this many times.
pub const SPLIT_DEPTH: u32 = 4;

#[derive(Clone, Debug)]
pub struct Surge {
    pub start: u64,
    pub end: u64,
    pub factor: f64,
}

/// What the flash crash is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CrashKind {
    /// `fraction` of the venue's starting CU reserve sold into it in one order.
    Dump,
    /// The paper's definition (2026 §11.4 "50% sudden supply reduction"): workers withdraw `fraction` of their
    /// capacity of the resource (and of what they hold unsold) for `secs` seconds.
    SupplyCut { secs: u64 },
    /// The index itself (the agents' valuations, what CLOB makers, the oracle and the arbitrageur see) falls by
    /// `fraction`, for good.
    IndexDrop,
}

impl CrashKind {
    pub fn label(&self) -> String {
        match self {
            CrashKind::Dump => "dump".into(),
            CrashKind::SupplyCut { secs } => format!("supply-cut {} min", secs / 60),
            CrashKind::IndexDrop => "index-drop".into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Crash {
    pub at: u64,
    pub resource: usize,
    pub fraction: f64,
    pub kind: CrashKind,
}

impl Crash {
    /// Share of the resource's capacity still offered at `now`.
    fn capacity_left(&self, resource: usize, now: u64) -> f64 {
        match self.kind {
            CrashKind::SupplyCut { secs }
                if resource == self.resource && now >= self.at && now < self.at + secs =>
            {
                1.0 - self.fraction
            }
            _ => 1.0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SimParams {
    pub days: f64,
    pub seed: u64,
    pub block_secs: u64,
    pub jobs_per_min: f64,
    /// Every n-th job is also quoted alone, at its arrival, on every leg (the slippage sample).
    pub slippage_every: u64,
    pub surge: Option<Surge>,
    pub crash: Option<Crash>,
    /// Index mode (today's model): an arbitrageur trades every venue toward the external index. Without it
    /// (index-free mode) prices come from the flow of jobs and workers and the venues' inventory only; the agents'
    /// valuations still follow the index (their outside option), and CLOB makers quote around their own mid.
    pub arbitrage: bool,
}

impl SimParams {
    pub fn blocks(&self) -> u64 {
        ((self.days * 86_400.0) / self.block_secs as f64)
            .round()
            .max(1.0) as u64
    }
}

/// What one design did over the run.
#[derive(Clone, Debug, Default)]
pub struct DesignRun {
    pub name: String,
    pub is_hmm: bool,
    /// Spot price per block and resource.
    pub prices: Vec<[f32; N_RES]>,
    /// Index price per block and resource (the same for every design).
    pub index: Vec<[f32; N_RES]>,
    /// All-in cost of sampled jobs against the spot (fees included), fraction.
    pub slippage: Vec<f64>,
    pub quote_secs: f64,
    pub quotes: u64,
    pub jobs: u64,
    pub accepted: u64,
    /// $AI value of CU demanded by accepted jobs, and of what could not be delivered.
    pub demanded_value: f64,
    pub failed_value: f64,
    /// $AI traded: client and worker flow, and arbitrage.
    pub flow_volume: f64,
    pub arb_volume: f64,
    pub refusals: u64,
    /// Mean of the liquidity (LP holdings at the index), $AI.
    pub mean_tvl: f64,
    pub initial_value: f64,
    /// At the end, valued at the final index: LP position, the initial holdings held instead, fees earned.
    pub pool_value: f64,
    pub hold_value: f64,
    pub fee_value: f64,
    /// Per resource IL at the end.
    pub il_by_resource: [f64; N_RES],
    /// HMM only: smallest and largest relative change of the invariant over the run among the five pools, mean λ(t).
    pub invariant: Option<(f64, f64)>,
    pub mean_lambda: Option<f64>,
    /// Crash: CU of the dump sold, and CU offered.
    pub dump: Option<(f64, f64)>,
    pub wall_secs: f64,
}

impl DesignRun {
    pub fn days(&self, block_secs: u64) -> f64 {
        self.prices.len() as f64 * block_secs as f64 / 86_400.0
    }
}

/// Execute a market order, splitting refused parts in halves; returns (CU filled, $AI, refusals).
fn execute(v: &mut dyn Venue, buy: bool, cu: f64, now: u64, depth: u32) -> (f64, f64, u64) {
    if !(cu > 0.0) {
        return (0.0, 0.0, 0);
    }
    let r = if buy { v.buy(cu, now) } else { v.sell(cu, now) };
    match r {
        Ok(f) => (f.cu, f.ai, 0),
        Err(Refusal::Refused(_)) | Err(Refusal::Liquidity) if depth < SPLIT_DEPTH => {
            let (a, b, c) = execute(v, buy, cu / 2.0, now, depth + 1);
            let (d, e, f) = execute(v, buy, cu / 2.0, now, depth + 1);
            (a + d, b + e, c + f + 1)
        }
        Err(_) => (0.0, 0.0, 1),
    }
}

/// Starting CU reserve of each resource's venue.
pub fn reserve0(world: &World) -> [f64; N_RES] {
    let mut q = [0.0; N_RES];
    for (q, d) in q.iter_mut().zip(world.demand_per_hour) {
        *q = d * LIQUIDITY_HOURS;
    }
    q
}

pub fn build_venues(design: &Design, world: &World, seed: u64) -> Result<Vec<Box<dyn Venue>>> {
    let q0 = reserve0(world);
    (0..N_RES)
        .map(|i| design.venue(q0[i], q0[i] * RESOURCES[i].p0, seed.wrapping_add(i as u64)))
        .collect()
}

/// Run one design over the whole horizon. `progress` counts processed blocks (shared by all threads).
pub fn run_design(
    design: &Design,
    world: &World,
    p: &SimParams,
    progress: &AtomicU64,
) -> Result<DesignRun> {
    let t_start = Instant::now();
    let mut venues = build_venues(design, world, p.seed)?;
    let q0 = reserve0(world);
    let mut index = Index::new(p.seed);
    let mut flow = ChaCha12Rng::seed_from_u64(p.seed ^ 0xF10E);
    let blocks = p.blocks();
    let b_secs = p.block_secs;
    let mut out = DesignRun {
        name: design.name(),
        is_hmm: design.is_hmm(),
        prices: Vec::with_capacity(blocks as usize),
        index: Vec::with_capacity(blocks as usize),
        ..Default::default()
    };
    let init: Vec<(f64, f64)> = venues.iter().map(|v| v.holdings()).collect();
    out.initial_value = init
        .iter()
        .zip(RESOURCES)
        .map(|((x, y), r)| x * r.p0 + y)
        .sum();
    let inv0: Option<Vec<f64>> = venues.iter().map(|v| v.invariant()).collect();
    let mut lambda_sum = 0.0;
    let mut inventory = vec![[0.0f64; N_RES]; world.workers.len()];
    let mut tvl_sum = 0.0;
    let mut job_no: u64 = 0;
    let mut dump = None;
    for b in 0..blocks {
        let now = b * b_secs;
        if b > 0 {
            index.step(now, b_secs);
        }
        if let Some(c) = p
            .crash
            .as_ref()
            .filter(|c| c.kind == CrashKind::IndexDrop && c.at >= now && c.at < now + b_secs)
        {
            index.shock(c.resource, 1.0 - c.fraction);
        }
        let f: [f64; N_RES] = std::array::from_fn(|i| index.price(i));
        for (v, fi) in venues.iter_mut().zip(f) {
            // Index-free: market makers and oracles see nothing but the venue's own price.
            let reference = if p.arbitrage { fi } else { v.spot() };
            v.on_block(now, reference);
        }
        let spots: [f64; N_RES] = std::array::from_fn(|i| venues[i].spot());
        out.prices.push(spots.map(|x| x as f32));
        out.index.push(f.map(|x| x as f32));
        tvl_sum += venues
            .iter()
            .zip(f)
            .map(|(v, fi)| {
                let (x, y) = v.holdings();
                x * fi + y
            })
            .sum::<f64>();
        if let Some(l) = venues.first().and_then(|v| v.lambda()) {
            lambda_sum += l;
        }

        // Jobs arriving in this block (Poisson), each a bundle of log-normal size; accepted if the bundle at the
        // venue's current prices fits the client's budget.
        let surge = p
            .surge
            .as_ref()
            .filter(|s| now >= s.start && now < s.end)
            .map_or(1.0, |s| s.factor);
        let n = poisson(&mut flow, p.jobs_per_min * b_secs as f64 / 60.0 * surge);
        let mut demand = [0.0f64; N_RES];
        for _ in 0..n {
            let c = flow.gen_range(0..N_CLIENTS);
            let size = lognormal(&mut flow, -SIZE_SIGMA * SIZE_SIGMA / 2.0, SIZE_SIGMA);
            job_no += 1;
            out.jobs += 1;
            let Some(client) = world.clients.get(c) else {
                continue;
            };
            let amounts = client.profile.map(|x| x * size);
            let est: f64 = amounts.iter().zip(spots).map(|(a, s)| a * s).sum();
            let budget: f64 =
                client.value * amounts.iter().zip(f).map(|(a, fi)| a * fi).sum::<f64>();
            if est > budget {
                continue;
            }
            out.accepted += 1;
            out.demanded_value += est;
            for (d, a) in demand.iter_mut().zip(amounts) {
                *d += a;
            }
            if p.slippage_every > 0 && job_no.is_multiple_of(p.slippage_every) {
                let t0 = Instant::now();
                let mut paid = 0.0;
                let mut ok = true;
                for (i, a) in amounts.iter().enumerate() {
                    if *a > 0.0 {
                        out.quotes += 1;
                        match venues[i].quote_buy(*a) {
                            Ok(fl) => paid += fl.ai,
                            Err(_) => ok = false,
                        }
                    }
                }
                out.quote_secs += t0.elapsed().as_secs_f64();
                if ok && est > 0.0 {
                    out.slippage.push(paid / est - 1.0);
                }
            }
        }

        // Workers: capacity accrues (perishable beyond one hour or one block), sold when the venue pays at least
        // the worker's reservation price.
        let mut supply = [0.0f64; N_RES];
        let keep = 3600.0f64.max(b_secs as f64) / 3600.0;
        let left: [f64; N_RES] =
            std::array::from_fn(|i| p.crash.as_ref().map_or(1.0, |c| c.capacity_left(i, now)));
        let cut_starts = p.crash.as_ref().filter(|c| {
            matches!(c.kind, CrashKind::SupplyCut { .. }) && c.at >= now && c.at < now + b_secs
        });
        for (w, inv) in world.workers.iter().zip(inventory.iter_mut()) {
            if let Some(c) = cut_starts {
                if let Some(x) = inv.get_mut(c.resource) {
                    *x *= 1.0 - c.fraction;
                }
            }
            for i in 0..N_RES {
                let cap = w.capacity[i] * left[i];
                inv[i] = (inv[i] + cap * b_secs as f64 / 3600.0).min(cap * keep);
                if w.cost * f[i] <= spots[i] {
                    supply[i] += inv[i];
                    inv[i] = 0.0;
                }
            }
        }

        if let Some(c) = p
            .crash
            .as_ref()
            .filter(|c| c.kind == CrashKind::Dump && c.at >= now && c.at < now + b_secs)
        {
            if let Some(v) = venues.get_mut(c.resource) {
                let amount = c.fraction * q0.get(c.resource).copied().unwrap_or(0.0);
                let (sold, ai, refused) = execute(v.as_mut(), false, amount, now, 0);
                out.refusals += refused;
                out.flow_volume += ai;
                dump = Some((sold, amount));
            }
        }

        let buy_first = flow.gen::<bool>();
        for i in 0..N_RES {
            let v = venues[i].as_mut();
            let order = if buy_first {
                [true, false]
            } else {
                [false, true]
            };
            for buy in order {
                let amount = if buy { demand[i] } else { supply[i] };
                let (filled, ai, refused) = execute(v, buy, amount, now, 0);
                out.refusals += refused;
                out.flow_volume += ai;
                if buy {
                    out.failed_value += (amount - filled).max(0.0) * spots[i];
                }
            }
        }

        // Arbitrage against the index (index mode only).
        for (i, v) in venues.iter_mut().enumerate().filter(|_| p.arbitrage) {
            let s = v.spot();
            let gap = s / f[i] - 1.0;
            if gap.abs() <= ARB_BAND {
                continue;
            }
            let cap = ARB_CAP * q0[i];
            let size = if v.oracle_priced() {
                // Trades at the stale price: buy below the index, sell above it.
                if s * (1.0 + crate::designs::REF_FEE) < f[i] * (1.0 - ARB_BAND / 2.0) {
                    cap
                } else if s * (1.0 - crate::designs::REF_FEE) > f[i] * (1.0 + ARB_BAND / 2.0) {
                    -cap
                } else {
                    0.0
                }
            } else {
                let target = f[i] * (1.0 + gap.signum() * ARB_BAND / 2.0);
                v.size_to_price(target).clamp(-cap, cap)
            };
            if size != 0.0 {
                let (_, ai, refused) = execute(v.as_mut(), size > 0.0, size.abs(), now, 0);
                out.refusals += refused;
                out.arb_volume += ai;
            }
        }
        if b % 64 == 63 || b + 1 == blocks {
            progress.fetch_add(
                if b % 64 == 63 { 64 } else { (b % 64) + 1 },
                Ordering::Relaxed,
            );
        }
    }

    let f_end: [f64; N_RES] = std::array::from_fn(|i| index.price(i));
    for (i, v) in venues.iter().enumerate() {
        let (x, y) = v.holdings();
        let (fx, fy) = v.lp_fees();
        let (x0, y0) = init[i];
        let pool = x * f_end[i] + y;
        let hold = x0 * f_end[i] + y0;
        out.pool_value += pool;
        out.hold_value += hold;
        out.fee_value += fx * f_end[i] + fy;
        out.il_by_resource[i] = metrics::il(pool, hold);
    }
    out.mean_tvl = tvl_sum / blocks as f64;
    if let Some(h0) = inv0 {
        let rel: Vec<f64> = venues
            .iter()
            .zip(h0)
            .filter_map(|(v, a)| v.invariant().map(|z| z / a - 1.0))
            .collect();
        let lo = rel.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = rel.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        out.invariant = Some((lo, hi));
        out.mean_lambda = Some(lambda_sum / blocks as f64);
    }
    out.dump = dump;
    out.wall_secs = t_start.elapsed().as_secs_f64();
    Ok(out)
}
