//! The exchange in the VM, all contracts together on a [`Chain`]: $AI and seven CU tokens (`ai-token`), `hmm-pool`
//! with three pools — a single-class bilinear pool in exact mode (the constant-product baseline), a single-class
//! target-reserve pool (the HMM curve, exact mode) and a 5-class target-reserve pool — liquidity through cw20
//! allowances (`IncreaseAllowance`, then the pool's `TransferFrom` sub-messages), quotes, swaps through cw20 `Send`
//! hooks (exact in both ways, exact out, CU→CU), a 5-class bundle through the router (`Route` query, `BuyBundle`),
//! and a withdrawal.
//!
//! Every step checks its outcome against the token balances and the pool's reserves, and the benchmark rows are
//! labelled (see [`Chain::label_next`]).

use cosmwasm_std::{to_json_binary, Decimal256, Uint128};
use cw20::{Cw20Coin, Cw20ExecuteMsg, Cw20QueryMsg, MinterResponse};
use hmm::pool::{
    Ask, ClassDeposit, ClassParams, CreatePoolMsg, CurveKind, ExecuteMsg, InstantiateMsg,
    LatencyClass, PoolResponse, QueryMsg, QuoteResponse, ReceiveMsg, ShareResponse, SlaRequirement,
    SlaTags, MINIMUM_LIQUIDITY,
};
use hmm::router::{BundleItem, RouteResponse};
use hmm::token::ResourceMetadata;

use crate::chain::{Chain, ChainError, TxResult};

/// One token in atoms (6 decimals).
pub const UNIT: u128 = 1_000_000;
/// Pool seed per class: 1000 CU against 2000 $AI (spot price 2 $AI per CU).
pub const SEED_CU: u128 = 1_000 * UNIT;
pub const SEED_AI: u128 = 2_000 * UNIT;
/// Starting balances.
pub const LP_AI: u128 = 1_000_000 * UNIT;
pub const LP_CU: u128 = 100_000 * UNIT;
pub const USER_AI: u128 = 100_000 * UNIT;
pub const TRADER_CU: u128 = 10_000 * UNIT;

/// Benchmark labels (rows of `docs/benchmarks.md`).
pub mod label {
    pub const INST_AI: &str = "instantiate ai-token ($AI)";
    pub const INST_CU: &str = "instantiate ai-token (a CU token)";
    pub const INST_POOL: &str = "instantiate hmm-pool";
    pub const INST_ROUTER: &str = "instantiate router";
    pub const REGISTER_POOLS: &str = "router RegisterPools (3 pools)";
    pub const CREATE_BILINEAR: &str = "create pool: bilinear, 1 class";
    pub const CREATE_HMM: &str = "create pool: target-reserve, 1 class";
    pub const CREATE_5: &str = "create pool: target-reserve, 5 classes";
    pub const ALLOWANCE: &str = "cw20 increase_allowance (before add liquidity)";
    pub const ADD_FIRST: &str = "add liquidity, first (bilinear)";
    pub const ADD_LATER: &str = "add liquidity, later (bilinear)";
    pub const ADD_FIRST_HMM: &str = "add liquidity, first (target-reserve, 1 class)";
    pub const ADD_FIRST_5: &str = "add liquidity, first (5 classes)";
    pub const ADD_LATER_5: &str = "add liquidity, later (5 classes)";
    pub const QUOTE: &str = "quote query (bilinear, AI→CU)";
    pub const REVERSE_QUOTE: &str = "reverse quote query (bilinear)";
    pub const POOL_QUERY: &str = "pool query (bilinear: load the record, price it, answer)";
    pub const POOL_QUERY_5: &str = "pool query (5 classes)";
    pub const SWAP_IN_BUY: &str = "swap exact-in AI→CU (bilinear)";
    pub const SWAP_IN_SELL: &str = "swap exact-in CU→AI (bilinear)";
    pub const SWAP_OUT: &str = "swap exact-out AI→CU (bilinear)";
    pub const HMM_SWAP_IN_BUY: &str = "swap exact-in AI→CU (target-reserve, 1 class)";
    pub const HMM_SWAP_IN_SELL: &str = "swap exact-in CU→AI (target-reserve, 1 class)";
    pub const HMM_SWAP_OUT: &str = "swap exact-out AI→CU (target-reserve, 1 class)";
    pub const SWAP_5: &str = "swap exact-in AI→CU (5-class pool)";
    pub const CROSS: &str = "cross swap CU→CU (5-class pool)";
    pub const ROUTE_QUERY_1: &str = "route query, 1 class";
    pub const ROUTE_QUERY_5: &str = "route query, 5 classes";
    pub const BUNDLE_1: &str = "route buy (BuyBundle), 1 class";
    pub const BUNDLE_5: &str = "route buy (BuyBundle), 5 classes";
    pub const PLAN_BUY_1: &str = "plan buy (router's plan, one pool Buy), 1 class";
    pub const PLAN_BUY_5: &str = "plan buy (router's plan, one pool Buy), 5 classes";
    pub const REMOVE: &str = "remove liquidity (bilinear)";
    pub const REMOVE_5: &str = "remove liquidity (5 classes)";
    pub const TRANSFER: &str = "cw20 transfer";
}

/// Everything deployed by [`exchange`], for later scenarios.
pub struct Exchange {
    pub chain: Chain,
    pub owner: String,
    pub treasury: String,
    pub lp: String,
    pub trader: String,
    pub client: String,
    pub worker: String,
    pub anyone: String,
    /// The $AI token.
    pub ai: String,
    /// The CU token of the bilinear pool.
    pub cu_a: String,
    /// The CU token of the single-class target-reserve pool.
    pub cu_h: String,
    /// The five CU tokens of the 5-class pool.
    pub cu5: Vec<String>,
    pub pool: String,
    /// The router (every pool of the scenario registered).
    pub router: String,
    /// Pool ids.
    pub bilinear: u64,
    pub hmm: u64,
    pub five: u64,
}

/// The SLA tags of every pool here: eu-west, interactive, privacy tier 2, TEE.
pub fn pool_sla() -> SlaTags {
    SlaTags {
        region: "eu-west".to_string(),
        latency: LatencyClass::Interactive,
        privacy_tier: 2,
        tee: true,
    }
}

/// A requirement the pools' tags meet.
pub fn job_sla() -> SlaRequirement {
    SlaRequirement {
        regions: vec!["eu-west".to_string()],
        max_latency: Some(LatencyClass::Batch),
        min_privacy_tier: 1,
        tee_required: true,
    }
}

fn u(a: u128) -> Uint128 {
    Uint128::new(a)
}

fn e(err: ChainError) -> String {
    err.to_string()
}

/// cw20 balance.
pub fn balance(chain: &Chain, token: &str, who: &str) -> Result<u128, String> {
    let r: cw20::BalanceResponse = chain
        .query(
            token,
            &Cw20QueryMsg::Balance {
                address: who.to_string(),
            },
        )
        .map_err(e)?;
    Ok(r.balance.u128())
}

/// cw20 total supply.
pub fn supply(chain: &Chain, token: &str) -> Result<u128, String> {
    let r: cw20::TokenInfoResponse = chain.query(token, &Cw20QueryMsg::TokenInfo {}).map_err(e)?;
    Ok(r.total_supply.u128())
}

/// A pool's state.
pub fn pool_state(x: &Exchange, pool_id: u64) -> Result<PoolResponse, String> {
    x.chain
        .query(&x.pool, &QueryMsg::Pool { pool_id })
        .map_err(e)
}

/// A cw20 `Send` of `amount` of `token` from `who` to `contract` with `hook`.
pub fn send<H: serde::Serialize>(
    chain: &Chain,
    who: &str,
    token: &str,
    contract: &str,
    amount: u128,
    hook: &H,
) -> Result<TxResult, ChainError> {
    let msg = to_json_binary(hook).map_err(|err| ChainError::Vm(err.to_string()))?;
    chain.execute(
        who,
        token,
        &Cw20ExecuteMsg::Send {
            contract: contract.to_string(),
            amount: u(amount),
            msg,
        },
    )
}

fn token_msg(
    name: &str,
    symbol: &str,
    holders: &[(&str, u128)],
    minter: &str,
    resource: Option<ResourceMetadata>,
) -> hmm::token::InstantiateMsg {
    hmm::token::InstantiateMsg {
        name: name.to_string(),
        symbol: symbol.to_string(),
        decimals: 6,
        initial_balances: holders
            .iter()
            .map(|(a, n)| Cw20Coin {
                address: a.to_string(),
                amount: u(*n),
            })
            .collect(),
        mint: Some(MinterResponse {
            minter: minter.to_string(),
            cap: None,
        }),
        marketing: None,
        resource,
    }
}

fn resource(kind: &str) -> ResourceMetadata {
    ResourceMetadata {
        kind: kind.to_string(),
        unit: "GPU-hour".to_string(),
        description: format!("One hour of {kind}"),
    }
}

/// Deploys the tokens and the pool contract, creates the three pools and seeds them (first and later deposits).
pub fn deploy(chain: &Chain) -> Result<Exchange, String> {
    let owner = chain.addr("owner");
    let treasury = chain.addr("treasury");
    let lp = chain.addr("lp");
    let trader = chain.addr("trader");
    let client = chain.addr("client");
    let worker = chain.addr("worker");
    let anyone = chain.addr("anyone");

    let ai_holders = [
        (lp.as_str(), LP_AI),
        (trader.as_str(), USER_AI),
        (client.as_str(), USER_AI),
        (worker.as_str(), USER_AI),
    ];
    let (ai, _) = chain
        .label_next(label::INST_AI)
        .instantiate(
            "ai-token",
            "$AI",
            &owner,
            &token_msg("HMM AI", "HMMAI", &ai_holders, &owner, None),
        )
        .map_err(e)?;
    let cu_holders = [(lp.as_str(), LP_CU), (trader.as_str(), TRADER_CU)];
    let names = [
        ("CU-A100", "CU-AHUNDRED", "a100-hour"),
        ("CU-H100", "CU-HHUNDRED", "h100-hour"),
        ("CU-L40S", "CU-LFORTY", "l40s-hour"),
        ("CU-TPU", "CU-TPU", "tpu-v5-hour"),
        ("CU-MI300", "CU-MITHREE", "mi300-hour"),
        ("CU-B200", "CU-BTWO", "b200-hour"),
        ("CU-CPU", "CU-CPU", "cpu-core-hour"),
    ];
    let mut cus = Vec::new();
    for (i, (label, symbol, kind)) in names.iter().enumerate() {
        if i == 0 {
            chain.label_next(label::INST_CU);
        }
        let (addr, _) = chain
            .instantiate(
                "ai-token",
                label,
                &owner,
                &token_msg(
                    &format!("{label} compute unit"),
                    symbol,
                    &cu_holders,
                    &owner,
                    Some(resource(kind)),
                ),
            )
            .map_err(e)?;
        cus.push(addr);
    }
    let (pool, _) = chain
        .label_next(label::INST_POOL)
        .instantiate(
            "hmm-pool",
            "pool",
            &owner,
            &InstantiateMsg {
                owner: None,
                ai_token: ai.clone(),
                treasury: treasury.clone(),
                permissionless_pools: false,
            },
        )
        .map_err(e)?;

    let create = |kind: CurveKind, tokens: &[String], weight: Decimal256, lbl: &str| {
        let res = chain
            .label_next(lbl)
            .execute(
                &owner,
                &pool,
                &ExecuteMsg::CreatePool(CreatePoolMsg {
                    kind,
                    classes: tokens
                        .iter()
                        .map(|t| ClassParams {
                            cu_token: t.clone(),
                            weight,
                        })
                        .collect(),
                    curvature: None,
                    fees: None,
                    execution: None,
                    sla: pool_sla(),
                    max_price_impact: Some(Decimal256::percent(50)),
                    batch_window: None,
                }),
            )
            .map_err(e)?;
        res.attr("pool_id")
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| "create_pool: no pool_id attribute".to_string())
    };
    let cu5: Vec<String> = cus[2..7].to_vec();
    let bilinear = create(
        CurveKind::Bilinear,
        &cus[0..1],
        Decimal256::one(),
        label::CREATE_BILINEAR,
    )?;
    let hmm = create(
        CurveKind::TargetReserve,
        &cus[1..2],
        Decimal256::one(),
        label::CREATE_HMM,
    )?;
    let five = create(
        CurveKind::TargetReserve,
        &cu5,
        Decimal256::percent(20),
        label::CREATE_5,
    )?;
    check_eq!((bilinear, hmm, five), (1, 2, 3), "pool ids");
    let (router, _) = chain
        .label_next(label::INST_ROUTER)
        .instantiate(
            "router",
            "router",
            &owner,
            &hmm::router::InstantiateMsg {
                tiers: None,
                owner: None,
                pool_contract: pool.clone(),
                ai_token: ai.clone(),
                orderbook: None,
            },
        )
        .map_err(e)?;

    let x = Exchange {
        chain: chain.clone(),
        owner,
        treasury,
        lp,
        trader,
        client,
        worker,
        anyone,
        ai,
        cu_a: cus[0].clone(),
        cu_h: cus[1].clone(),
        cu5,
        pool,
        router,
        bilinear,
        hmm,
        five,
    };

    // Allowances for every deposit below (the pool pulls with TransferFrom).
    let mut first = true;
    for token in std::iter::once(&x.ai).chain(&cus) {
        if first {
            chain.label_next(label::ALLOWANCE);
            first = false;
        }
        chain
            .execute(
                &x.lp,
                token,
                &Cw20ExecuteMsg::IncreaseAllowance {
                    spender: x.pool.clone(),
                    amount: u(LP_CU * 10),
                    expires: None,
                },
            )
            .map_err(e)?;
    }
    add_liquidity_checked(&x, x.bilinear, 1, SEED_CU, SEED_AI, label::ADD_FIRST)?;
    add_liquidity_checked(
        &x,
        x.bilinear,
        1,
        SEED_CU / 10,
        SEED_AI / 10,
        label::ADD_LATER,
    )?;
    add_liquidity_checked(&x, x.hmm, 1, SEED_CU, SEED_AI, label::ADD_FIRST_HMM)?;
    add_liquidity_checked(&x, x.five, 5, SEED_CU, SEED_AI, label::ADD_FIRST_5)?;
    add_liquidity_checked(
        &x,
        x.five,
        5,
        SEED_CU / 10,
        SEED_AI / 10,
        label::ADD_LATER_5,
    )?;
    // Funded: the router indexes them (anyone may).
    chain
        .label_next(label::REGISTER_POOLS)
        .execute(
            &x.anyone,
            &x.router,
            &hmm::router::ExecuteMsg::RegisterPools {
                pool_ids: vec![x.bilinear, x.hmm, x.five],
            },
        )
        .map_err(e)?;
    Ok(x)
}

/// Deposits `cu`/`ai` per class and checks shares, reserves and balances.
fn add_liquidity_checked(
    x: &Exchange,
    pool_id: u64,
    classes: usize,
    cu: u128,
    ai: u128,
    lbl: &str,
) -> Result<(), String> {
    let chain = &x.chain;
    let before = pool_state(x, pool_id)?;
    let tokens: Vec<String> = before
        .classes
        .iter()
        .map(|c| c.cu_token.to_string())
        .collect();
    check_eq!(tokens.len(), classes, "classes of the pool");
    let lp_ai = balance(chain, &x.ai, &x.lp)?;
    let lp_cu: Vec<u128> = tokens
        .iter()
        .map(|t| balance(chain, t, &x.lp))
        .collect::<Result<_, _>>()?;
    let share_before: ShareResponse = chain
        .query(
            &x.pool,
            &QueryMsg::Share {
                pool_id,
                owner: x.lp.clone(),
            },
        )
        .map_err(e)?;
    let res = chain
        .label_next(lbl)
        .execute(
            &x.lp,
            &x.pool,
            &ExecuteMsg::AddLiquidity {
                pool_id,
                deposits: vec![
                    ClassDeposit {
                        resource: u(cu),
                        credits: u(ai),
                    };
                    classes
                ],
                min_shares: Uint128::zero(),
                deadline: None,
            },
        )
        .map_err(e)?;
    let minted: u128 = res
        .attr("shares")
        .and_then(|s| s.parse().ok())
        .ok_or("add_liquidity: no shares attribute")?;
    let after = pool_state(x, pool_id)?;
    let first = before.total_shares.is_zero();
    if first {
        // √(Σ Δq·Δp), MINIMUM_LIQUIDITY locked.
        let total = isqrt(classes as u128 * cu * ai);
        check_eq!(
            after.total_shares.u128(),
            total,
            "first deposit: total shares"
        );
        check_eq!(
            minted,
            total - MINIMUM_LIQUIDITY,
            "first deposit: minted shares"
        );
    } else {
        check_eq!(
            after.total_shares.u128(),
            before.total_shares.u128() + minted,
            "later deposit: total shares"
        );
        // The pool keeps its prices: every reserve grows by the same ratio (pulled amounts are rounded up).
        for (b, a) in before.classes.iter().zip(&after.classes) {
            let expect_q = ceil_div(
                b.resource_reserve.u128() * minted,
                before.total_shares.u128(),
            );
            check_eq!(
                a.resource_reserve.u128(),
                b.resource_reserve.u128() + expect_q,
                "later deposit: resource reserve"
            );
            if a.spot_price.abs_diff(b.spot_price) > b.spot_price * Decimal256::permille(1) {
                return Err(format!(
                    "later deposit moved the spot price: {} -> {}",
                    b.spot_price, a.spot_price
                ));
            }
        }
    }
    // What the LP paid is exactly what the reserves gained, per token.
    let credits_in: u128 = after
        .classes
        .iter()
        .zip(&before.classes)
        .map(|(a, b)| a.credit_reserve.u128() - b.credit_reserve.u128())
        .sum();
    check_eq!(
        lp_ai - balance(chain, &x.ai, &x.lp)?,
        credits_in,
        "LP's $AI paid = credit reserves gained"
    );
    for ((t, before_bal), (a, b)) in tokens
        .iter()
        .zip(&lp_cu)
        .zip(after.classes.iter().zip(&before.classes))
    {
        check_eq!(
            before_bal - balance(chain, t, &x.lp)?,
            a.resource_reserve.u128() - b.resource_reserve.u128(),
            "LP's CU paid = resource reserve gained"
        );
    }
    let share: ShareResponse = chain
        .query(
            &x.pool,
            &QueryMsg::Share {
                pool_id,
                owner: x.lp.clone(),
            },
        )
        .map_err(e)?;
    check_eq!(
        share.shares.u128(),
        share_before.shares.u128() + minted,
        "LP's shares"
    );
    // The pool holds at least its reserves in every token.
    check_solvent(x)?;
    Ok(())
}

/// The pool contract's balance of every token covers the sum of all pools' reserves in it.
pub fn check_solvent(x: &Exchange) -> Result<(), String> {
    let pools: hmm::pool::PoolsResponse = x
        .chain
        .query(
            &x.pool,
            &QueryMsg::Pools {
                start_after: None,
                limit: None,
            },
        )
        .map_err(e)?;
    let mut credits = 0u128;
    let mut per_token: std::collections::BTreeMap<String, u128> = Default::default();
    for p in &pools.pools {
        for c in &p.classes {
            credits += c.credit_reserve.u128();
            *per_token.entry(c.cu_token.to_string()).or_default() += c.resource_reserve.u128();
        }
    }
    let held = balance(&x.chain, &x.ai, &x.pool)?;
    if held < credits {
        return Err(format!(
            "pool holds {held} $AI atoms, reserves need {credits}"
        ));
    }
    for (token, need) in per_token {
        let held = balance(&x.chain, &token, &x.pool)?;
        if held < need {
            return Err(format!(
                "pool holds {held} atoms of {token}, reserves need {need}"
            ));
        }
    }
    Ok(())
}

fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let mut x = (n as f64).sqrt() as u128;
    while x * x > n {
        x -= 1;
    }
    while (x + 1) * (x + 1) <= n {
        x += 1;
    }
    x
}

fn ceil_div(a: u128, b: u128) -> u128 {
    a.div_ceil(b)
}

/// `q · p` of a single-class pool, as a u128 product (exact: reserves stay below 2^64 here).
fn product(p: &PoolResponse) -> u128 {
    p.classes
        .first()
        .map_or(0, |c| c.resource_reserve.u128() * c.credit_reserve.u128())
}

/// What one swap did: the quote, and the trader's token deltas.
pub struct SwapCheck {
    pub quote: QuoteResponse,
    pub paid: u128,
    pub received: u128,
}

/// Sells `amount` of `offer` (a token address) for `ask` in `pool_id`, exact in or exact out, after quoting it; checks
/// that the trader pays and receives what the quote said, and the pool's reserves and invariant.
#[allow(clippy::too_many_arguments)]
pub fn swap_checked(
    x: &Exchange,
    pool_id: u64,
    offer: &str,
    ask: &str,
    amount: u128,
    exact_out: Option<u128>,
    lbl: &str,
    quote_label: Option<&str>,
) -> Result<SwapCheck, String> {
    let chain = &x.chain;
    let ask_msg = if ask == x.ai {
        Ask::Ai
    } else {
        Ask::Cu {
            token: ask.to_string(),
        }
    };
    if let Some(l) = quote_label {
        chain.label_next(l);
    }
    let quote: QuoteResponse = match exact_out {
        None => chain.query(
            &x.pool,
            &QueryMsg::Quote {
                pool_id,
                offer: offer.to_string(),
                ask: ask_msg.clone(),
                offer_amount: u(amount),
            },
        ),
        Some(out) => chain.query(
            &x.pool,
            &QueryMsg::ReverseQuote {
                pool_id,
                offer: offer.to_string(),
                ask: ask_msg.clone(),
                ask_amount: u(out),
            },
        ),
    }
    .map_err(e)?;
    let before = pool_state(x, pool_id)?;
    let offer_before = balance(chain, offer, &x.trader)?;
    let ask_before = balance(chain, ask, &x.trader)?;
    let res = chain
        .label_next(lbl)
        .execute(
            &x.trader,
            offer,
            &Cw20ExecuteMsg::Send {
                contract: x.pool.clone(),
                amount: u(amount),
                msg: to_json_binary(&ReceiveMsg::Swap {
                    pool_id,
                    ask: ask_msg,
                    exact_out: exact_out.map(u),
                    min_out: exact_out.is_none().then_some(quote.return_amount),
                    deadline: None,
                    to: None,
                })
                .map_err(|err| err.to_string())?,
            },
        )
        .map_err(e)?;
    let paid = offer_before - balance(chain, offer, &x.trader)?;
    let received = balance(chain, ask, &x.trader)? - ask_before;
    check_eq!(received, quote.return_amount.u128(), "received = quote");
    check_eq!(paid, quote.offer_amount.u128(), "paid = quote");
    if let Some(out) = exact_out {
        check_eq!(received, out, "exact out received");
        check_eq!(
            res.attr("refund").map(str::to_string),
            Some((amount - paid).to_string()),
            "exact out refund"
        );
    }
    check_eq!(
        res.attr("return_amount").map(str::to_string),
        Some(received.to_string()),
        "return_amount attribute"
    );
    let after = pool_state(x, pool_id)?;
    let class_of = |t: &str| before.classes.iter().position(|c| c.cu_token.as_str() == t);
    let fee: u128 = quote.fee_amount.u128();
    match (class_of(offer), class_of(ask)) {
        (None, Some(j)) => {
            // Buy: q falls by what was received; p rises by what was paid minus the fee.
            let (b, a) = (&before.classes[j], &after.classes[j]);
            check_eq!(
                b.resource_reserve.u128() - a.resource_reserve.u128(),
                received,
                "buy: resource reserve"
            );
            check_eq!(
                a.credit_reserve.u128() - b.credit_reserve.u128(),
                paid - fee,
                "buy: credit reserve gains the net input"
            );
            if a.spot_price <= b.spot_price {
                return Err("buy: the spot price did not rise".to_string());
            }
        }
        (Some(i), None) => {
            let (b, a) = (&before.classes[i], &after.classes[i]);
            check_eq!(
                a.resource_reserve.u128() - b.resource_reserve.u128(),
                paid - fee,
                "sell: resource reserve gains the net input"
            );
            check_eq!(
                b.credit_reserve.u128() - a.credit_reserve.u128(),
                received,
                "sell: credit reserve"
            );
            if a.spot_price >= b.spot_price {
                return Err("sell: the spot price did not fall".to_string());
            }
        }
        (Some(i), Some(j)) => {
            // Class against class through credits: the offered class gains CU, the asked class loses exactly what
            // was received, and the credits move from one class to the other.
            let (bi, ai) = (&before.classes[i], &after.classes[i]);
            let (bj, aj) = (&before.classes[j], &after.classes[j]);
            if ai.resource_reserve <= bi.resource_reserve {
                return Err("cross: offered class reserve did not grow".to_string());
            }
            check_eq!(
                bj.resource_reserve.u128() - aj.resource_reserve.u128(),
                received,
                "cross: asked class reserve"
            );
            let credit_out = bi.credit_reserve.u128() - ai.credit_reserve.u128();
            let credit_in = aj.credit_reserve.u128() - bj.credit_reserve.u128();
            if credit_in > credit_out || credit_in == 0 {
                return Err(format!(
                    "cross: credits out of class {i} {credit_out}, into class {j} {credit_in}"
                ));
            }
        }
        (None, None) => return Err("swap: neither side is a class of the pool".to_string()),
    }
    // Untouched classes stay untouched.
    for (k, (b, a)) in before.classes.iter().zip(&after.classes).enumerate() {
        let touched = [offer, ask].contains(&b.cu_token.as_str());
        if !touched
            && (b.resource_reserve, b.credit_reserve) != (a.resource_reserve, a.credit_reserve)
        {
            return Err(format!("swap moved the reserves of untouched class {k}"));
        }
    }
    if before.kind == CurveKind::Bilinear && product(&after) < product(&before) {
        return Err(format!(
            "bilinear: q·p fell from {} to {}",
            product(&before),
            product(&after)
        ));
    }
    if after.invariant < before.invariant && before.kind == CurveKind::Bilinear {
        return Err("bilinear: the invariant fell".to_string());
    }
    check_solvent(x)?;
    Ok(SwapCheck {
        quote,
        paid,
        received,
    })
}

/// Buys `items` through the router's `Route` + `BuyBundle` as the trader, sending 1 $AI more than the route costs;
/// checks that every line arrives, the cost is the route's and the rest is refunded.
pub fn buy_bundle_checked(
    x: &Exchange,
    items: &[BundleItem],
    query_label: &str,
    lbl: &str,
) -> Result<RouteResponse, String> {
    let chain = &x.chain;
    // A release before the router (0.4 and older, the migration test's fixtures) routes in the pool itself.
    let legacy = !chain.deploys_artifact("hmm-pool");
    let query = hmm::router::QueryMsg::Route {
        trader: None,
        items: items.to_vec(),
        sla: job_sla(),
    };
    let route: RouteResponse = if legacy {
        let old: serde_json::Value = chain
            .label_next(query_label)
            .query(&x.pool, &query)
            .map_err(e)?;
        RouteResponse {
            legs: serde_json::from_value(old["legs"].clone()).map_err(|err| err.to_string())?,
            total_cost: serde_json::from_value(old["total_cost"].clone())
                .map_err(|err| err.to_string())?,
            orders: vec![],
            pool_contract: cosmwasm_std::Addr::unchecked(&x.pool),
            book_fills: vec![],
            orderbook: None,
        }
    } else {
        chain
            .label_next(query_label)
            .query(&x.router, &query)
            .map_err(e)?
    };
    check_eq!(route.legs.len(), items.len(), "route legs");
    check_eq!(
        route.legs.iter().map(|l| l.cost.u128()).sum::<u128>(),
        route.total_cost.u128(),
        "route total"
    );
    let ai_before = balance(chain, &x.ai, &x.trader)?;
    let cu_before: Vec<u128> = items
        .iter()
        .map(|i| balance(chain, &i.cu_token, &x.trader))
        .collect::<Result<_, _>>()?;
    let sent = route.total_cost.u128() + UNIT;
    let res = chain
        .label_next(lbl)
        .execute(
            &x.trader,
            &x.ai,
            &Cw20ExecuteMsg::Send {
                contract: if legacy {
                    x.pool.clone()
                } else {
                    x.router.clone()
                },
                amount: u(sent),
                msg: to_json_binary(&hmm::router::ReceiveMsg::BuyBundle {
                    items: items.to_vec(),
                    sla: job_sla(),
                    deadline: None,
                    to: None,
                })
                .map_err(|err| err.to_string())?,
            },
        )
        .map_err(e)?;
    check_bought(
        x,
        items,
        &res,
        route.total_cost.u128(),
        ai_before,
        &cu_before,
    )?;
    Ok(route)
}

/// Buys `items` on the router's plan with one pool `Buy` sent by the trader (the router's `Route` query, then a cw20
/// `Send` to the pool contract with every order), sending 1 $AI more; checks the lines, the cost and the refund.
pub fn buy_plan_checked(x: &Exchange, items: &[BundleItem], lbl: &str) -> Result<(), String> {
    let chain = &x.chain;
    let route: RouteResponse = chain
        .query(
            &x.router,
            &hmm::router::QueryMsg::Route {
                trader: None,
                items: items.to_vec(),
                sla: job_sla(),
            },
        )
        .map_err(e)?;
    let ai_before = balance(chain, &x.ai, &x.trader)?;
    let cu_before: Vec<u128> = items
        .iter()
        .map(|i| balance(chain, &i.cu_token, &x.trader))
        .collect::<Result<_, _>>()?;
    let orders = route
        .orders
        .iter()
        .map(|o| hmm::pool::BuyOrder {
            pool_id: o.pool_id,
            lines: o.lines.clone(),
        })
        .collect();
    let res = chain
        .label_next(lbl)
        .execute(
            &x.trader,
            &x.ai,
            &Cw20ExecuteMsg::Send {
                contract: x.pool.clone(),
                amount: u(route.total_cost.u128() + UNIT),
                msg: to_json_binary(&ReceiveMsg::Buy {
                    fee_discount: None,
                    orders,
                    deadline: None,
                    to: None,
                })
                .map_err(|err| err.to_string())?,
            },
        )
        .map_err(e)?;
    check_bought(
        x,
        items,
        &res,
        route.total_cost.u128(),
        ai_before,
        &cu_before,
    )
}

/// After a bundle purchase by the trader that sent 1 $AI more than `cost`: the $AI spent is `cost`, the extra came
/// back, every line arrived, and the pool is solvent.
fn check_bought(
    x: &Exchange,
    items: &[BundleItem],
    res: &TxResult,
    cost: u128,
    ai_before: u128,
    cu_before: &[u128],
) -> Result<(), String> {
    let chain = &x.chain;
    check_eq!(
        ai_before - balance(chain, &x.ai, &x.trader)?,
        cost,
        "bundle: $AI spent = the plan's cost"
    );
    check_eq!(
        res.attr("refund").map(str::to_string),
        Some(UNIT.to_string()),
        "bundle: refund"
    );
    for (item, before) in items.iter().zip(cu_before) {
        check_eq!(
            balance(chain, &item.cu_token, &x.trader)? - before,
            item.amount.u128(),
            "bundle: CU received"
        );
    }
    check_solvent(x)
}

/// Removes `shares` of the LP's position and checks the payout against the `Share` query.
pub fn remove_checked(
    x: &Exchange,
    pool_id: u64,
    fraction_pct: u128,
    lbl: &str,
) -> Result<(), String> {
    let chain = &x.chain;
    let share: ShareResponse = chain
        .query(
            &x.pool,
            &QueryMsg::Share {
                pool_id,
                owner: x.lp.clone(),
            },
        )
        .map_err(e)?;
    let before = pool_state(x, pool_id)?;
    let shares = share.shares.u128() * fraction_pct / 100;
    let ai_before = balance(chain, &x.ai, &x.lp)?;
    let cu_before: Vec<u128> = before
        .classes
        .iter()
        .map(|c| balance(chain, c.cu_token.as_str(), &x.lp))
        .collect::<Result<_, _>>()?;
    chain
        .label_next(lbl)
        .execute(
            &x.lp,
            &x.pool,
            &ExecuteMsg::RemoveLiquidity {
                pool_id,
                shares: u(shares),
                min_credits: Uint128::zero(),
                min_resources: vec![],
                deadline: None,
                defer: vec![],
            },
        )
        .map_err(e)?;
    let after = pool_state(x, pool_id)?;
    check_eq!(
        before.total_shares.u128() - after.total_shares.u128(),
        shares,
        "remove: total shares"
    );
    let total = before.total_shares.u128();
    let mut credits = 0u128;
    for (k, (c, cu0)) in before.classes.iter().zip(cu_before).enumerate() {
        // Pro rata, rounded down, plus the position's CU fees.
        let dq = c.resource_reserve.u128() * shares / total;
        let fee = share.pending_fee_resources.get(k).map_or(0, |f| f.u128());
        check_eq!(
            balance(chain, c.cu_token.as_str(), &x.lp)? - cu0,
            dq + fee,
            "remove: CU paid"
        );
        check_eq!(
            c.resource_reserve.u128() - after.classes[k].resource_reserve.u128(),
            dq,
            "remove: resource reserve"
        );
        credits += c.credit_reserve.u128() * shares / total;
    }
    check_eq!(
        balance(chain, &x.ai, &x.lp)? - ai_before,
        credits + share.pending_fee_credits.u128(),
        "remove: $AI paid (pro rata + fees)"
    );
    check_solvent(x)?;
    Ok(())
}

/// The whole exchange flow (see the module doc). Returns the deployed exchange for the job flow.
pub fn exchange(chain: &Chain) -> Result<Exchange, String> {
    let x = deploy(chain)?;
    let buy = 10 * UNIT;
    let sell = 5 * UNIT;
    let out = 5 * UNIT;
    for (pool_id, cu, labels) in [
        (
            x.bilinear,
            x.cu_a.clone(),
            [label::SWAP_IN_BUY, label::SWAP_IN_SELL, label::SWAP_OUT],
        ),
        (
            x.hmm,
            x.cu_h.clone(),
            [
                label::HMM_SWAP_IN_BUY,
                label::HMM_SWAP_IN_SELL,
                label::HMM_SWAP_OUT,
            ],
        ),
    ] {
        let bilinear = pool_id == x.bilinear;
        let b = swap_checked(
            &x,
            pool_id,
            &x.ai,
            &cu,
            buy,
            None,
            labels[0],
            bilinear.then_some(label::QUOTE),
        )?;
        // ~2 $AI per CU less the fee and the impact.
        if !(b.received > 4 * UNIT && b.received < 5 * UNIT) {
            return Err(format!("buy {buy} $AI atoms gave {} CU atoms", b.received));
        }
        let s = swap_checked(&x, pool_id, &cu, &x.ai, sell, None, labels[1], None)?;
        // ~2 $AI per CU (a little more after the buy) less the fee.
        if !(s.received > 9 * UNIT && s.received < 11 * UNIT) {
            return Err(format!(
                "sell {sell} CU atoms gave {} $AI atoms",
                s.received
            ));
        }
        swap_checked(
            &x,
            pool_id,
            &x.ai,
            &cu,
            20 * UNIT,
            Some(out),
            labels[2],
            bilinear.then_some(label::REVERSE_QUOTE),
        )?;
    }
    // What reading and answering a pool record costs, without a trade (compare with the quote).
    for (pool_id, lbl, classes) in [
        (x.bilinear, label::POOL_QUERY, 1),
        (x.five, label::POOL_QUERY_5, 5),
    ] {
        let info: PoolResponse = chain
            .label_next(lbl)
            .query(&x.pool, &QueryMsg::Pool { pool_id })
            .map_err(e)?;
        if info.classes.len() != classes || info.total_shares.is_zero() {
            return Err(format!("pool {pool_id}: {info:?}"));
        }
    }
    // The 5-class pool: one swap, a class-against-class swap, a bundle of one line and of all five.
    swap_checked(&x, x.five, &x.ai, &x.cu5[0], buy, None, label::SWAP_5, None)?;
    let cross = swap_checked(
        &x,
        x.five,
        &x.cu5[1],
        &x.cu5[2],
        sell,
        None,
        label::CROSS,
        None,
    )?;
    // Same prices in every class: about 1:1 less two fees.
    if !(cross.received > 4 * UNIT && cross.received < 5 * UNIT) {
        return Err(format!("cross swap of {sell} gave {}", cross.received));
    }
    let one = [BundleItem {
        cu_token: x.cu5[3].clone(),
        amount: u(2 * UNIT),
        pools: vec![],
    }];
    buy_bundle_checked(&x, &one, label::ROUTE_QUERY_1, label::BUNDLE_1)?;
    // The same plan sent to the pool contract directly (what the registry does): no router call, one $AI Send.
    let legacy = !chain.deploys_artifact("hmm-pool");
    if !legacy {
        buy_plan_checked(&x, &one, label::PLAN_BUY_1)?;
    }
    let five: Vec<BundleItem> = x
        .cu5
        .iter()
        .map(|t| BundleItem {
            cu_token: t.clone(),
            amount: u(2 * UNIT),
            pools: vec![],
        })
        .collect();
    let route = buy_bundle_checked(&x, &five, label::ROUTE_QUERY_5, label::BUNDLE_5)?;
    if route.legs.iter().any(|l| l.pool_id != x.five) {
        return Err("the 5-class bundle was not routed to the 5-class pool".to_string());
    }
    if !legacy {
        buy_plan_checked(&x, &five, label::PLAN_BUY_5)?;
    }
    remove_checked(&x, x.bilinear, 50, label::REMOVE)?;
    remove_checked(&x, x.five, 50, label::REMOVE_5)?;

    // A plain cw20 transfer for reference.
    let before = balance(chain, &x.ai, &x.anyone)?;
    chain
        .label_next(label::TRANSFER)
        .execute(
            &x.trader,
            &x.ai,
            &Cw20ExecuteMsg::Transfer {
                recipient: x.anyone.clone(),
                amount: u(UNIT),
            },
        )
        .map_err(e)?;
    check_eq!(balance(chain, &x.ai, &x.anyone)? - before, UNIT, "transfer");
    Ok(x)
}
