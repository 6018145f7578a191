//! One file per group of actions; the worker bookkeeping they share (bond requirement, eligibility, quality,
//! HIP-8 metrics, slashing, reward points) is here.

pub mod admin;
pub mod attest;
pub mod capacity;
pub mod epoch;
pub mod experience;
pub mod finalize;
pub mod jobs;
pub mod receive;
pub mod report;
pub mod verify;
pub mod worker;

use cosmwasm_std::{Addr, Decimal256, Deps, Env, Order, StdResult, Storage, Uint128};
use hmm::poai::{Capabilities, CuAmount, Params, TeeType};
use hmm::pool::{LatencyClass, SlaRequirement, TwapResponse};
use hmm_math::economics::{bond_requirement, slash_amount};
use hmm_math::fees::{quality_fee_multiplier, quality_tier};
use hmm_math::quality::{metric_ema, quality_ema, quality_score, QualityMetrics};
use hmm_math::Udec;

use crate::error::{ContractError, ContractResult};
use crate::state::{
    Config, Job, ObligationState, Points, Totals, VerifierState, Worker, CLAIMS, CLASSES,
    HISTOGRAM, JOBS, OBLIGATIONS, POINTS, TOTALS, VERIFIERS, WORKERS,
};
use crate::wire::PoolQuery as PoolQueryMsg;

/// Number of HIP-8 score buckets (⌊100·score⌋ ∈ 0..=100).
pub const BUCKETS: usize = 101;

pub fn load_worker(storage: &dyn Storage, addr: &Addr) -> ContractResult<Worker> {
    WORKERS
        .may_load(storage, addr)?
        .ok_or_else(|| ContractError::NotRegistered(addr.to_string()))
}

pub fn load_verifier(storage: &dyn Storage, addr: &Addr) -> ContractResult<VerifierState> {
    VERIFIERS
        .may_load(storage, addr)?
        .ok_or_else(|| ContractError::NotVerifier(addr.to_string()))
}

pub fn load_job(storage: &dyn Storage, job_id: u64) -> ContractResult<Job> {
    JOBS.may_load(storage, job_id)?
        .ok_or(ContractError::UnknownJob(job_id))
}

pub fn class_pool(storage: &dyn Storage, token: &Addr) -> ContractResult<u64> {
    CLASSES
        .may_load(storage, token)?
        .ok_or_else(|| ContractError::UnknownClass(token.to_string()))
}

/// Load, change and save the [`Totals`]. The change is a `&dyn Fn`, not a generic: a generic is compiled once per
/// caller (docs/wasm-size.md, "Generic code is paid per instance").
pub fn update_totals(
    storage: &mut dyn Storage,
    f: &dyn Fn(&mut Totals) -> ContractResult<()>,
) -> ContractResult<()> {
    let mut t = TOTALS.may_load(storage)?.unwrap_or_default();
    f(&mut t)?;
    TOTALS.save(storage, &t)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Prices and the bond requirement (2026 eq.36)
// ---------------------------------------------------------------------------------------------------------------

/// The price a class's obligations are valued at (2026 eq.36), $AI atoms per CU atom: the higher of the pool's
/// spot price and its TWAP over one epoch, in one query.
///
/// Why: the spot price is the worker's to move. Selling CU into the pool lowers it, which lowered the bond
/// requirement in the same block, so a worker could mint at the cap, dump, and mint again, or sell and unbond
/// (issue 18). Every use of this price (offer, assignment, unbond) is helped by a *lower* price, and the maximum
/// cannot be lowered without holding the spot down for a whole epoch, in the open, against every arbitrageur
/// (SECURITY.md, "collateral price"). Raising the spot only raises the worker's own requirement.
pub fn collateral_price(
    deps: Deps,
    config: &Config,
    params: &Params,
    token: &Addr,
) -> ContractResult<Udec> {
    Ok(class_market(deps, config, params, token)?.0)
}

/// [`collateral_price`] and the class's CU reserve in the pool, from one query.
pub fn class_market(
    deps: Deps,
    config: &Config,
    params: &Params,
    token: &Addr,
) -> ContractResult<(Udec, Uint128)> {
    let pool_id = class_pool(deps.storage, token)?;
    let res: StdResult<TwapResponse> = deps.querier.query_wasm_smart(
        &config.pool,
        &PoolQueryMsg::Twap {
            pool_id,
            cu_token: token.to_string(),
            window: Some(params.epoch_length),
        },
    );
    res.map(|r| (Udec::from(r.price.max(r.spot)), r.resource_reserve))
        .map_err(|e| ContractError::PriceUnavailable {
            token: token.to_string(),
            reason: e.to_string(),
        })
}

/// A worker's open obligations, one entry per class with something open.
pub fn open_obligations(
    storage: &dyn Storage,
    worker: &Addr,
) -> ContractResult<Vec<(Addr, ObligationState)>> {
    Ok(OBLIGATIONS
        .prefix_range(storage, worker, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?)
}

/// `(Σ open · price, γ · Σ open · price)` for a worker's obligations at [`collateral_price`], with `extra` CU added
/// to one class (an offer being checked, with that class's price already queried). Both rounded up.
pub fn requirement(
    deps: Deps,
    config: &Config,
    params: &Params,
    worker: &Addr,
    extra: Option<(&Addr, Uint128, Udec)>,
) -> ContractResult<(Uint128, Uint128)> {
    let mut holdings = vec![];
    let mut extra_done = false;
    for (token, ob) in open_obligations(deps.storage, worker)? {
        let mut open = ob.open();
        let mut known = None;
        if let Some((t, x, price)) = extra {
            if *t == token {
                open = open.checked_add(x)?;
                extra_done = true;
                known = Some(price);
            }
        }
        if !open.is_zero() {
            let price = match known {
                Some(price) => price,
                None => collateral_price(deps, config, params, &token)?,
            };
            holdings.push((open, price));
        }
    }
    if let Some((_, x, price)) = extra {
        if !extra_done && !x.is_zero() {
            holdings.push((x, price));
        }
    }
    let value = bond_requirement(&holdings, Udec::one())?;
    let required = bond_requirement(&holdings, Udec::from(params.collateral_ratio))?;
    Ok((value, required))
}

/// Fails unless `bond ≥ required`.
pub fn ensure_covered(bond: Uint128, required: Uint128) -> ContractResult<()> {
    if bond < required {
        return Err(ContractError::InsufficientBond { bond, required });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Eligibility
// ---------------------------------------------------------------------------------------------------------------

fn latency_name(l: LatencyClass) -> &'static str {
    match l {
        LatencyClass::Realtime => "realtime",
        LatencyClass::Interactive => "interactive",
        LatencyClass::Batch => "batch",
    }
}

/// Whether capabilities meet an SLA (2026 §6.2 region, latency, privacy tier, TEE).
pub fn check_sla(caps: &Capabilities, sla: &SlaRequirement) -> Result<(), String> {
    if !sla.regions.is_empty() && !sla.regions.contains(&caps.region) {
        return Err(format!("region {} is not allowed", caps.region));
    }
    if let Some(max) = sla.max_latency {
        if caps.latency > max {
            return Err(format!(
                "latency {} is slower than {}",
                latency_name(caps.latency),
                latency_name(max)
            ));
        }
    }
    if caps.privacy_tier < sla.min_privacy_tier {
        return Err(format!(
            "privacy tier {} is below {}",
            caps.privacy_tier, sla.min_privacy_tier
        ));
    }
    if sla.tee_required && caps.tee == TeeType::None {
        return Err("a TEE is required".to_string());
    }
    Ok(())
}

/// Validates a CU list: known classes, positive amounts, no token twice.
pub fn parse_cu(deps: Deps, cu: &[CuAmount]) -> ContractResult<Vec<(Addr, Uint128)>> {
    if cu.is_empty() {
        return Err(ContractError::InvalidInput {
            field: "cu",
            reason: "empty".to_string(),
        });
    }
    let mut out: Vec<(Addr, Uint128)> = Vec::with_capacity(cu.len());
    for line in cu {
        let token = deps.api.addr_validate(&line.token)?;
        class_pool(deps.storage, &token)?;
        if line.amount.is_zero() {
            return Err(ContractError::ZeroAmount);
        }
        if out.iter().any(|(t, _)| *t == token) {
            return Err(ContractError::InvalidInput {
                field: "cu",
                reason: format!("{token} appears twice"),
            });
        }
        out.push((token, line.amount));
    }
    Ok(out)
}

/// Everything `JobAssigned` checks, in order; the first failure is returned as a typed error.
pub fn check_eligibility(
    deps: Deps,
    env: &Env,
    config: &Config,
    params: &Params,
    addr: &Addr,
    cu: &[CuAmount],
    sla: &SlaRequirement,
) -> ContractResult<(Worker, Vec<(Addr, Uint128)>)> {
    let worker = load_worker(deps.storage, addr)?;
    let now = env.block.time.seconds();
    if now < worker.denied_until {
        return Err(ContractError::Denied {
            until: worker.denied_until,
        });
    }
    if now.saturating_sub(worker.last_heartbeat) > params.heartbeat_timeout {
        return Err(ContractError::HeartbeatStale {
            last: worker.last_heartbeat,
            timeout: params.heartbeat_timeout,
        });
    }
    check_sla(&worker.capabilities, sla).map_err(ContractError::SlaMismatch)?;
    let lines = parse_cu(deps, cu)?;
    for (token, amount) in &lines {
        let ob = OBLIGATIONS
            .may_load(deps.storage, (addr, token))?
            .unwrap_or_default();
        if ob.free() < *amount {
            return Err(ContractError::InsufficientObligation {
                token: token.to_string(),
                free: ob.free(),
                needed: *amount,
            });
        }
    }
    let (_, required) = requirement(deps, config, params, addr, None)?;
    if worker.bond.is_zero() {
        return Err(ContractError::InsufficientBond {
            bond: worker.bond,
            required: required.max(Uint128::one()),
        });
    }
    ensure_covered(worker.bond, required)?;
    Ok((worker, lines))
}

// ---------------------------------------------------------------------------------------------------------------
// Quality (2026 eq.24), HIP-8 metrics and tiers
// ---------------------------------------------------------------------------------------------------------------

/// Applies one attestation result to the quality EMA and the low-quality streak.
pub fn apply_quality(
    worker: &mut Worker,
    passed: bool,
    params: &Params,
    epoch: u64,
) -> ContractResult<()> {
    let q = quality_ema(
        Udec::from(worker.quality),
        passed,
        Udec::from(params.quality_alpha),
    )?;
    worker.quality = q.into();
    track_low_quality(worker, params, epoch);
    Ok(())
}

/// Starts or ends the run of epochs with q below the threshold.
pub fn track_low_quality(worker: &mut Worker, params: &Params, epoch: u64) {
    if worker.quality < params.low_quality_threshold {
        if worker.low_quality_since.is_none() {
            worker.low_quality_since = Some(epoch);
        }
    } else {
        worker.low_quality_since = None;
    }
}

fn to_metrics(m: &hmm::poai::Hip8Metrics) -> QualityMetrics {
    QualityMetrics {
        latency: m.latency.map(Udec::from),
        throughput: m.throughput.map(Udec::from),
        availability: m.availability.map(Udec::from),
        accuracy: m.accuracy.map(Udec::from),
    }
}

/// The HIP-8 score of a worker's metrics.
pub fn hip8_score(worker: &Worker) -> ContractResult<Decimal256> {
    Ok(quality_score(&to_metrics(&worker.metrics))?.into())
}

fn bucket_of(score: Decimal256) -> u8 {
    // ⌊100·score⌋, score ∈ [0, 1].
    let atomics = score.atomics();
    let per_bucket = cosmwasm_std::Uint256::from(10u128.pow(16));
    let b = atomics
        .checked_div(per_bucket)
        .unwrap_or_default()
        .min(cosmwasm_std::Uint256::from(100u32));
    u8::try_from(Uint128::try_from(b).map(|b| b.u128()).unwrap_or(100)).unwrap_or(100)
}

/// Adds a newly registered worker to the score histogram.
pub fn histogram_insert(storage: &mut dyn Storage, worker: &mut Worker) -> ContractResult<()> {
    let bucket = bucket_of(hip8_score(worker)?);
    let mut h = HISTOGRAM
        .may_load(storage)?
        .unwrap_or_else(|| vec![0; BUCKETS]);
    if let Some(c) = h.get_mut(usize::from(bucket)) {
        *c = c.saturating_add(1);
    }
    HISTOGRAM.save(storage, &h)?;
    worker.score_bucket = bucket;
    Ok(())
}

/// One HIP-8 observation (each metric `None` = not observed this time); moves the worker in the histogram.
pub fn observe_metrics(
    storage: &mut dyn Storage,
    worker: &mut Worker,
    latency: Option<Udec>,
    availability: Option<Udec>,
    accuracy: Option<Udec>,
) -> ContractResult<()> {
    let m = &mut worker.metrics;
    if let Some(v) = latency {
        m.latency = Some(metric_ema(m.latency.map(Udec::from), v)?.into());
    }
    if let Some(v) = availability {
        m.availability = Some(metric_ema(m.availability.map(Udec::from), v)?.into());
    }
    if let Some(v) = accuracy {
        m.accuracy = Some(metric_ema(m.accuracy.map(Udec::from), v)?.into());
    }
    let bucket = bucket_of(hip8_score(worker)?);
    if bucket != worker.score_bucket {
        let mut h = HISTOGRAM
            .may_load(storage)?
            .unwrap_or_else(|| vec![0; BUCKETS]);
        if let Some(c) = h.get_mut(usize::from(worker.score_bucket)) {
            *c = decrement(*c, "histogram bucket")?;
        }
        if let Some(c) = h.get_mut(usize::from(bucket)) {
            *c = c.saturating_add(1);
        }
        HISTOGRAM.save(storage, &h)?;
        worker.score_bucket = bucket;
    }
    Ok(())
}

/// HIP-8 fee multiplier of a worker (1.5 top 10 %, 1 middle, 0.5 bottom 10 %) from its rank in the score histogram:
/// rank = number of workers in strictly higher buckets (ties share the best rank of their bucket).
pub fn hip8_multiplier(storage: &dyn Storage, worker: &Worker) -> ContractResult<Udec> {
    let h = HISTOGRAM
        .may_load(storage)?
        .unwrap_or_else(|| vec![0; BUCKETS]);
    let population: u32 = h.iter().fold(0u32, |a, c| a.saturating_add(*c));
    let rank: u32 = h
        .iter()
        .skip(usize::from(worker.score_bucket) + 1)
        .fold(0u32, |a, c| a.saturating_add(*c));
    if population == 0 || rank >= population {
        return Ok(Udec::one());
    }
    Ok(quality_fee_multiplier(quality_tier(rank, population)?))
}

/// `part / whole` as a fraction in [0, 1] (rounded down); 1 if `whole` is 0.
pub fn fraction(part: u64, whole: u64) -> ContractResult<Udec> {
    if whole == 0 {
        return Ok(Udec::one());
    }
    Ok(Udec::from_ratio(
        u128::from(part.min(whole)),
        u128::from(whole),
        hmm_math::Rounding::Down,
    )?)
}

// ---------------------------------------------------------------------------------------------------------------
// Slashing (2025 §4.2, 2026 §12.3)
// ---------------------------------------------------------------------------------------------------------------

/// Slashes σ of a worker's bond and of each of its pending worker claims (tg4-stake style), opens the denial
/// window and returns the total to burn. The caller saves the worker and burns the amount.
pub fn slash_worker(
    storage: &mut dyn Storage,
    addr: &Addr,
    worker: &mut Worker,
    params: &Params,
    now: u64,
) -> ContractResult<Uint128> {
    let sigma = Udec::from(params.slash_fraction);
    let from_bond = slash_amount(worker.bond, sigma)?;
    worker.bond = worker.bond.checked_sub(from_bond)?;
    let from_claims = slash_claims(storage, addr, false, sigma)?;
    let total = from_bond.checked_add(from_claims)?;
    worker.denied_until = now.saturating_add(params.denial_window);
    worker.slash_count = worker.slash_count.saturating_add(1);
    worker.slashed_total = worker.slashed_total.checked_add(total)?;
    update_totals(storage, &|t| {
        t.worker_bonds = t.worker_bonds.checked_sub(from_bond)?;
        t.claims = t.claims.checked_sub(from_claims)?;
        t.burned = t.burned.checked_add(total)?;
        Ok(())
    })?;
    Ok(total)
}

/// Slashes σ of a verifier's bond and pending verifier claims; returns the total to burn. The caller saves it.
pub fn slash_verifier(
    storage: &mut dyn Storage,
    addr: &Addr,
    verifier: &mut VerifierState,
    params: &Params,
) -> ContractResult<Uint128> {
    let sigma = Udec::from(params.slash_fraction);
    let from_bond = slash_amount(verifier.bond, sigma)?;
    verifier.bond = verifier.bond.checked_sub(from_bond)?;
    let from_claims = slash_claims(storage, addr, true, sigma)?;
    let total = from_bond.checked_add(from_claims)?;
    verifier.slash_count = verifier.slash_count.saturating_add(1);
    update_totals(storage, &|t| {
        t.verifier_bonds = t.verifier_bonds.checked_sub(from_bond)?;
        t.claims = t.claims.checked_sub(from_claims)?;
        t.burned = t.burned.checked_add(total)?;
        Ok(())
    })?;
    Ok(total)
}

fn slash_claims(
    storage: &mut dyn Storage,
    addr: &Addr,
    verifier: bool,
    sigma: Udec,
) -> ContractResult<Uint128> {
    let Some(mut claims) = CLAIMS.may_load(storage, addr)? else {
        return Ok(Uint128::zero());
    };
    let mut total = Uint128::zero();
    for c in claims.iter_mut().filter(|c| c.verifier == verifier) {
        let s = slash_amount(c.amount, sigma)?;
        c.amount = c.amount.checked_sub(s)?;
        total = total.checked_add(s)?;
    }
    claims.retain(|c| !c.amount.is_zero());
    if claims.is_empty() {
        CLAIMS.remove(storage, addr);
    } else {
        CLAIMS.save(storage, addr, &claims)?;
    }
    Ok(total)
}

/// Sum of an address's pending claims of one kind.
pub fn pending_claims(storage: &dyn Storage, addr: &Addr, verifier: bool) -> StdResult<Uint128> {
    Ok(CLAIMS
        .may_load(storage, addr)?
        .unwrap_or_default()
        .iter()
        .filter(|c| c.verifier == verifier)
        .fold(Uint128::zero(), |a, c| a.saturating_add(c.amount)))
}

// ---------------------------------------------------------------------------------------------------------------
// Reward points
// ---------------------------------------------------------------------------------------------------------------

/// Credits points to an address in an (open) epoch and to the epoch's totals.
pub fn add_points(
    storage: &mut dyn Storage,
    addr: &Addr,
    epoch: u64,
    add: &Points,
) -> ContractResult<()> {
    if add == &Points::default() {
        return Ok(());
    }
    let mut p: Points = POINTS.may_load(storage, (addr, epoch))?.unwrap_or_default();
    p.work = p.work.checked_add(add.work)?;
    p.verifier = p.verifier.checked_add(add.verifier)?;
    p.curator = p.curator.checked_add(add.curator)?;
    p.credit = p.credit.checked_add(add.credit)?;
    POINTS.save(storage, (addr, epoch), &p)?;
    let mut e = crate::state::EPOCHS
        .may_load(storage, epoch)?
        .unwrap_or_default();
    e.work = e.work.checked_add(add.work)?;
    e.verifier_points = e.verifier_points.checked_add(add.verifier)?;
    e.curator_points = e.curator_points.checked_add(add.curator)?;
    crate::state::EPOCHS.save(storage, epoch, &e)?;
    Ok(())
}

/// Releases a job's reservation (and with `used`, burns that much of the obligation).
pub fn release_reservation(
    storage: &mut dyn Storage,
    job: &Job,
    used: &[(Addr, Uint128)],
) -> ContractResult<()> {
    for (token, reserved) in &job.cu {
        let mut ob = OBLIGATIONS
            .may_load(storage, (&job.worker, token))?
            .unwrap_or_default();
        ob.reserved = ob.reserved.checked_sub(*reserved)?;
        if let Some((_, u)) = used.iter().find(|(t, _)| t == token) {
            ob.used = ob.used.checked_add(*u)?;
        }
        OBLIGATIONS.save(storage, (&job.worker, token), &ob)?;
    }
    Ok(())
}

/// `count − 1`, failing closed (a typed error) instead of saturating: a counter below zero means the books are wrong.
pub fn decrement(count: u32, name: &'static str) -> ContractResult<u32> {
    count
        .checked_sub(1)
        .ok_or(ContractError::CounterUnderflow(name))
}
