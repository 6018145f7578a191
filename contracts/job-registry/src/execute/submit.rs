//! `SubmitJob` (a cw20 `Send` of $AI): validate the spec, plan the resource vector with the router's `Route`
//! query, buy it with exactly the planned cost (one pool `Buy` of every order, CU delivered to the registry), and open the job with
//! the rest of the $AI in escrow (`docs/interfaces.md`, "Submit"). Any failure reverts the whole transaction.

use std::collections::BTreeSet;

use cosmwasm_std::{from_json, to_json_binary, Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::Cw20ReceiveMsg;
use hmm::job::{JobSpec, JobState, ReceiveMsg};
use hmm::orderbook::ReceiveMsg as BookReceiveMsg;
use hmm::pool::{BuyOrder, ReceiveMsg as PoolReceiveMsg};
use hmm::router::{BundleItem, QueryMsg as RouterQueryMsg, RouteResponse};

use super::{check_start_window, send_msg};
use crate::error::{ContractError, ContractResult};
use crate::state::{
    jobs, Config, Job, CONFIG, JOB_COUNT, OPEN_JOBS, ORDERBOOK, TOTAL_AI, TOTAL_CU,
};

/// Length of a hex sha256.
const COMMITMENT_LEN: usize = 64;

pub fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    // `info.sender` is the token contract that moved the tokens: only $AI pays for jobs.
    if info.sender != config.ai_token {
        return Err(ContractError::WrongToken(info.sender.to_string()));
    }
    let client = deps.api.addr_validate(&wrapper.sender)?;
    match from_json(&wrapper.msg)? {
        ReceiveMsg::SubmitJob { spec } => {
            submit_job(deps, env, config, client, wrapper.amount, spec)
        }
    }
}

/// A validated spec: token addresses checked, commitment lowercased.
struct ValidSpec {
    items: Vec<BundleItem>,
    tokens: Vec<Addr>,
    commitment: String,
}

fn invalid(reason: impl Into<String>) -> ContractError {
    ContractError::InvalidSpec(reason.into())
}

fn validate_spec(
    deps: &DepsMut,
    env: &Env,
    config: &Config,
    spec: &JobSpec,
) -> ContractResult<ValidSpec> {
    let limits = &config.limits;
    if spec.resources.is_empty() {
        return Err(invalid("the resource vector is empty"));
    }
    if spec.resources.len() > limits.max_resources as usize {
        return Err(invalid(format!(
            "at most {} resource lines",
            limits.max_resources
        )));
    }
    let mut seen = BTreeSet::new();
    let mut items = Vec::with_capacity(spec.resources.len());
    let mut tokens = Vec::with_capacity(spec.resources.len());
    for item in &spec.resources {
        if item.amount.is_zero() {
            return Err(ContractError::ZeroAmount);
        }
        let token = deps.api.addr_validate(&item.cu_token)?;
        if token == config.ai_token {
            return Err(invalid("$AI is not a resource"));
        }
        if !seen.insert(token.clone()) {
            return Err(invalid(format!("resource {token} listed twice")));
        }
        items.push(BundleItem {
            cu_token: token.to_string(),
            amount: item.amount,
            pools: vec![],
        });
        tokens.push(token);
    }
    if spec.max_spend.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let now = env.block.time.seconds();
    if spec.start_by <= now {
        return Err(ContractError::DeadlinePassed {
            deadline: spec.start_by,
            now,
        });
    }
    // A job nobody could take (a take needs `MIN_START_WINDOW` before `start_by`) is refused at the door.
    check_start_window(now, spec.start_by)?;
    if spec.finish_by <= spec.start_by {
        return Err(invalid("finish_by must be after start_by"));
    }
    if spec.finish_by.saturating_sub(now) > limits.max_job_duration {
        return Err(invalid(format!(
            "finish_by is more than {} s away",
            limits.max_job_duration
        )));
    }
    if spec.input_commitment.len() != COMMITMENT_LEN
        || !spec.input_commitment.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(invalid(
            "input_commitment must be a hex sha256 (64 hex digits)",
        ));
    }
    Ok(ValidSpec {
        items,
        tokens,
        commitment: spec.input_commitment.to_ascii_lowercase(),
    })
}

fn submit_job(
    deps: DepsMut,
    env: Env,
    config: Config,
    client: Addr,
    amount: Uint128,
    spec: JobSpec,
) -> ContractResult<Response> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let valid = validate_spec(&deps, &env, &config, &spec)?;

    // 1. Price the bundle. The purchase below runs in the same transaction on the same state: same cost.
    let route: RouteResponse = deps
        .querier
        .query_wasm_smart(
            config.router.to_string(),
            &RouterQueryMsg::Route {
                trader: None,
                items: valid.items.clone(),
                sla: spec.sla.clone(),
            },
        )
        .map_err(|e| ContractError::RouteFailed(e.to_string()))?;
    // One leg per line, in order, for exactly the amount asked.
    if route.legs.len() != valid.items.len()
        || route
            .legs
            .iter()
            .zip(&valid.tokens)
            .zip(&valid.items)
            .any(|((leg, token), item)| leg.cu_token != *token || leg.amount != item.amount)
    {
        return Err(ContractError::RouteMismatch);
    }
    // The orders deliver exactly the legs' CU and cost exactly the total: what the registry locks is what arrives,
    // and no refund comes back outside the escrow's books.
    let mut orders_cost = Uint128::zero();
    let mut delivered: Vec<(&str, Uint128)> = Vec::with_capacity(route.legs.len());
    for order in &route.orders {
        orders_cost = orders_cost.checked_add(order.cost)?;
        for line in &order.lines {
            match delivered.iter_mut().find(|(t, _)| *t == line.cu_token) {
                Some((_, sum)) => *sum = sum.checked_add(line.amount)?,
                None => delivered.push((&line.cu_token, line.amount)),
            }
        }
    }
    let pools_cost = orders_cost;
    for fill in &route.book_fills {
        orders_cost = orders_cost.checked_add(fill.cost)?;
        match delivered
            .iter_mut()
            .find(|(t, _)| *t == fill.cu_token.as_str())
        {
            Some((_, sum)) => *sum = sum.checked_add(fill.amount)?,
            None => delivered.push((fill.cu_token.as_str(), fill.amount)),
        }
    }
    // Book fills are paid only to the registry's own book: the router names venues, the registry's owner trusts
    // them.
    let book = ORDERBOOK.may_load(deps.storage)?;
    if orders_cost != route.total_cost
        || (!route.book_fills.is_empty() && (book.is_none() || route.orderbook != book))
        || delivered.len() != route.legs.len()
        || route.legs.iter().any(|leg| {
            !delivered
                .iter()
                .any(|(t, n)| *t == leg.cu_token.as_str() && *n == leg.amount)
        })
    {
        return Err(ContractError::RouteMismatch);
    }
    let cost = route.total_cost;
    if cost > spec.max_spend {
        return Err(ContractError::BudgetExceeded {
            cost,
            max_spend: spec.max_spend,
        });
    }
    // The job fee (`Limits::job_fee_rate`), rounded up, comes on top of the cost and stays with the escrow.
    let fee = cost.checked_mul_ceil(config.limits.job_fee_rate)?;
    let due = cost.checked_add(fee)?;
    if due > amount {
        return Err(ContractError::InsufficientFunds {
            cost: due,
            sent: amount,
        });
    }
    let escrow = amount.checked_sub(cost)?;

    // 2. Record the job and what it holds.
    let id = JOB_COUNT
        .load(deps.storage)?
        .checked_add(1)
        .ok_or_else(|| cosmwasm_std::StdError::generic_err("job id overflow"))?;
    JOB_COUNT.save(deps.storage, &id)?;
    OPEN_JOBS.update(deps.storage, |n| {
        n.checked_add(1)
            .ok_or_else(|| cosmwasm_std::StdError::generic_err("open job count overflow"))
    })?;
    TOTAL_AI.update(deps.storage, |t| -> ContractResult<_> {
        Ok(t.checked_add(escrow)?)
    })?;
    for leg in &route.legs {
        let held = TOTAL_CU
            .may_load(deps.storage, &leg.cu_token)?
            .unwrap_or_default()
            .checked_add(leg.amount)?;
        TOTAL_CU.save(deps.storage, &leg.cu_token, &held)?;
    }
    let now = env.block.time.seconds();
    let settle_by = spec
        .finish_by
        .checked_add(config.limits.settlement_grace)
        .ok_or_else(|| invalid("finish_by + settlement_grace overflows"))?;
    let job = Job {
        id,
        client: client.clone(),
        worker: None,
        state: JobState::Open,
        purchase: route.legs,
        sla: spec.sla.clone(),
        input_commitment: valid.commitment,
        max_spend: spec.max_spend,
        value: cost,
        escrow,
        fee,
        start_by: spec.start_by,
        finish_by: spec.finish_by,
        settle_by,
        submitted_at: now,
        assigned_at: None,
        started_at: None,
        attested_at: None,
        closed_at: None,
        close_reason: None,
        used: vec![],
    };
    jobs().save(deps.storage, id, &hmm_record::Stored(job.clone()))?;

    // 3. Buy exactly the planned bundle: every pool's order in one `Buy` for exactly its cost, and each line's book
    // part as one fill-or-kill bid for exactly its cost, the CU delivered to the registry (no refund: nothing is
    // left over; a bid the book cannot fill exactly reverts the submit). The registry sends them itself rather than
    // through the router's `BuyBundle`: two contract calls fewer per submit (the router's execution and its $AI
    // `Send`).
    let me = env.contract.address.to_string();
    let mut resp = Response::new();
    if !route.orders.is_empty() {
        resp = resp.add_message(send_msg(
            &config.ai_token,
            &config.pool,
            pools_cost,
            to_json_binary(&PoolReceiveMsg::Buy {
                fee_discount: None,
                orders: route
                    .orders
                    .into_iter()
                    .map(|o| BuyOrder {
                        pool_id: o.pool_id,
                        lines: o.lines,
                    })
                    .collect(),
                deadline: None,
                to: Some(me.clone()),
            })?,
        )?);
    }
    if let Some(book) = &book {
        for fill in &route.book_fills {
            resp = resp.add_message(send_msg(
                &config.ai_token,
                book,
                fill.cost,
                to_json_binary(&BookReceiveMsg::PlaceOrder(fill.order(&me)))?,
            )?);
        }
    }
    Ok(resp
        .add_attribute("action", "submit_job")
        .add_attribute("job_id", id.to_string())
        .add_attribute("client", client)
        .add_attribute("value", cost)
        .add_attribute("escrow", escrow)
        .add_attribute("fee", fee))
}
