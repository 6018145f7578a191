//! Queries. Lists are paginated by job id (ascending), through the `IndexedMap` indexes for client, worker, state.

use cosmwasm_std::{Decimal256, Deps, Order, StdResult, Uint128};
use cw_storage_plus::Bound;
use hmm::job::{
    ConfigResponse, CuAmount, EscrowResponse, JobResponse, JobState, JobsResponse,
    TotalEscrowResponse, MAX_EFE_POLICIES,
};
use hmm::job::{EfePolicy, EfeRankResponse, EfeScore};
use hmm::router::{RouteResponse, NO_ROUTE_PREFIX};
use hmm_math::quality::{efe_softmax, expected_free_energy};
use hmm_math::{Sdec, Udec};

use crate::error::{ContractError, ContractResult};
use crate::execute::load_job;
use crate::state::{
    jobs, state_key, Job, StoredJob, CONFIG, JOB_COUNT, OPEN_JOBS, TOTAL_AI, TOTAL_CU,
};

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 10;
/// Largest page size.
pub const MAX_LIMIT: u32 = 30;

pub fn config(deps: Deps) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        ai_token: c.ai_token,
        pool: c.pool,
        router: c.router,
        poai: c.poai,
        limits: c.limits,
        job_count: JOB_COUNT.load(deps.storage)?,
        orderbook: crate::state::ORDERBOOK.may_load(deps.storage)?,
    })
}

pub fn job_response(job: Job) -> JobResponse {
    let cu = job.cu();
    let timeout_at = job.timeout_at();
    JobResponse {
        job_id: job.id,
        client: job.client,
        worker: job.worker,
        state: job.state,
        cu,
        purchase: job.purchase,
        sla: job.sla,
        input_commitment: job.input_commitment,
        max_spend: job.max_spend,
        value: job.value,
        escrow: job.escrow,
        fee: job.fee,
        start_by: job.start_by,
        finish_by: job.finish_by,
        settle_by: job.settle_by,
        timeout_at,
        submitted_at: job.submitted_at,
        assigned_at: job.assigned_at,
        started_at: job.started_at,
        attested_at: job.attested_at,
        closed_at: job.closed_at,
        close_reason: job.close_reason,
        used: job.used,
    }
}

pub fn job(deps: Deps, job_id: u64) -> ContractResult<JobResponse> {
    Ok(job_response(load_job(deps.storage, job_id)?))
}

fn page(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

fn collect(
    iter: Box<dyn Iterator<Item = StdResult<(u64, StoredJob)>> + '_>,
    limit: Option<u32>,
) -> ContractResult<JobsResponse> {
    let jobs = iter
        .take(page(limit))
        .map(|r| r.map(|(_, j)| job_response(j.0)))
        .collect::<StdResult<Vec<_>>>()?;
    Ok(JobsResponse { jobs })
}

pub fn all_jobs(
    deps: Deps,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<JobsResponse> {
    let start = start_after.map(Bound::exclusive);
    collect(
        jobs().range(deps.storage, start, None, Order::Ascending),
        limit,
    )
}

pub fn jobs_by_client(
    deps: Deps,
    client: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<JobsResponse> {
    let client = deps.api.addr_validate(&client)?;
    let start = start_after.map(Bound::exclusive);
    collect(
        jobs().idx.client.prefix(client.to_string()).range(
            deps.storage,
            start,
            None,
            Order::Ascending,
        ),
        limit,
    )
}

pub fn jobs_by_worker(
    deps: Deps,
    worker: String,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<JobsResponse> {
    let worker = deps.api.addr_validate(&worker)?;
    let start = start_after.map(Bound::exclusive);
    collect(
        jobs().idx.worker.prefix(worker.to_string()).range(
            deps.storage,
            start,
            None,
            Order::Ascending,
        ),
        limit,
    )
}

pub fn jobs_by_state(
    deps: Deps,
    state: JobState,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> ContractResult<JobsResponse> {
    let start = start_after.map(Bound::exclusive);
    collect(
        jobs().idx.state.prefix(state_key(state)).range(
            deps.storage,
            start,
            None,
            Order::Ascending,
        ),
        limit,
    )
}

pub fn escrow(deps: Deps, job_id: u64) -> ContractResult<EscrowResponse> {
    let job = load_job(deps.storage, job_id)?;
    let closed = job.state.is_final();
    Ok(EscrowResponse {
        job_id,
        ai: job.escrow,
        cu: job
            .purchase
            .iter()
            .map(|l| CuAmount {
                token: l.cu_token.to_string(),
                amount: if closed { Uint128::zero() } else { l.amount },
            })
            .collect(),
    })
}

pub fn total_escrow(deps: Deps) -> ContractResult<TotalEscrowResponse> {
    let cu = TOTAL_CU
        .range(deps.storage, None, None, Order::Ascending)
        .map(|r| {
            r.map(|(token, amount)| CuAmount {
                token: token.to_string(),
                amount,
            })
        })
        .collect::<StdResult<Vec<_>>>()
        .map_err(ContractError::Std)?;
    Ok(TotalEscrowResponse {
        ai: TOTAL_AI.load(deps.storage)?,
        cu,
        open_jobs: OPEN_JOBS.load(deps.storage)?,
    })
}

/// `EfeRank`: each policy's bundle priced by the router's `Route` query (the plan a submit buys on), its
/// EFE (2026 eq.34, `hmm_math::quality`), and the softmax weights over the feasible ones. Moved here from the pool
/// in 0.4.0: a job's policy choice is the registry's business, and the pool's artifact had no room left.
pub fn efe_rank(
    deps: Deps,
    policies: Vec<EfePolicy>,
    beta: Decimal256,
    cost_sensitivity: Decimal256,
) -> ContractResult<EfeRankResponse> {
    if policies.is_empty() || policies.len() > MAX_EFE_POLICIES {
        return Err(ContractError::EfePolicyCount {
            count: policies.len(),
            max: MAX_EFE_POLICIES,
        });
    }
    let router = CONFIG.load(deps.storage)?.router;
    let lambda_c = Udec::from(cost_sensitivity);
    // (cost, EFE) per policy; None when no route fills it.
    let mut priced: Vec<Option<(Uint128, Sdec)>> = Vec::with_capacity(policies.len());
    for policy in policies {
        let route = hmm::router::QueryMsg::Route {
            trader: None,
            items: policy.items,
            sla: policy.sla,
        };
        match deps
            .querier
            .query_wasm_smart::<RouteResponse>(&router, &route)
        {
            Ok(quote) => {
                let efe = expected_free_energy(
                    policy.info_gain.into(),
                    policy.utility.into(),
                    lambda_c,
                    Udec::from_int(quote.total_cost.u128()),
                )?;
                priced.push(Some((quote.total_cost, efe)));
            }
            // The router's `NoRoute`: infeasible, no weight. Any other refusal (a malformed bundle) is an error.
            Err(err) if err.to_string().contains(NO_ROUTE_PREFIX) => priced.push(None),
            Err(err) => return Err(err.into()),
        }
    }
    let feasible: Vec<Sdec> = priced.iter().flatten().map(|(_, efe)| *efe).collect();
    let mut weights = if feasible.is_empty() {
        vec![]
    } else {
        efe_softmax(Udec::from(beta), &feasible)?
    }
    .into_iter();
    let mut scores = Vec::with_capacity(priced.len());
    for p in &priced {
        scores.push(match p {
            Some((cost, efe)) => EfeScore {
                cost: Some(*cost),
                efe: Some((*efe).into()),
                weight: weights.next().map_or(Decimal256::zero(), Decimal256::from),
            },
            None => EfeScore {
                cost: None,
                efe: None,
                weight: Decimal256::zero(),
            },
        });
    }
    // Feasible by EFE, highest first (stable: ties keep the given order), then the infeasible.
    let mut ranking: Vec<(u32, Option<Sdec>)> = (0u32..)
        .zip(priced.iter().map(|p| p.map(|(_, efe)| efe)))
        .collect();
    ranking.sort_by(|(_, a), (_, b)| b.cmp(a));
    Ok(EfeRankResponse {
        scores,
        ranking: ranking.into_iter().map(|(i, _)| i).collect(),
    })
}
