//! Typed helpers every suite shares: time, cw20 actions and queries, calls and queries of any contract.

use anyhow::Result;
use cosmwasm_std::{to_json_binary, Addr, Decimal256, Uint128};
use cw20::{BalanceResponse, Cw20ExecuteMsg, Cw20QueryMsg, TokenInfoResponse};
use cw_multi_test::{App, AppResponse, Executor};
use hmm::pool::{
    ClassDeposit, ClassParams, CreatePoolMsg, CurvatureConfig, CurveKind,
    ExecuteMsg as PoolExecuteMsg, LatencyClass, SlaRequirement, SlaTags,
};
use serde::{de::DeserializeOwned, Serialize};

/// The first attribute `key` of a response, parsed.
pub fn attr<T: std::str::FromStr>(res: &AppResponse, key: &str) -> Option<T> {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .and_then(|a| a.value.parse().ok())
}

/// Anything holding the chain. Implemented by [`crate::Stack`] and by every suite; the methods are named so that
/// they do not shadow a suite's own (`send`, `exec`, `query` aim at that suite's contract).
pub trait Chain {
    fn app(&self) -> &App;
    fn app_mut(&mut self) -> &mut App;

    /// Advance the chain by `seconds` (and a block).
    fn wait(&mut self, seconds: u64) {
        self.app_mut().update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += 1;
        });
    }

    fn now(&self) -> u64 {
        self.app().block_info().time.seconds()
    }

    fn chain_id(&self) -> String {
        self.app().block_info().chain_id
    }

    /// Execute `msg` on `contract` as `who`.
    fn call<M: Serialize + std::fmt::Debug>(
        &mut self,
        who: &Addr,
        contract: &Addr,
        msg: &M,
    ) -> Result<AppResponse> {
        self.app_mut()
            .execute_contract(who.clone(), contract.clone(), msg, &[])
    }

    /// A smart query of `contract`.
    fn query_on<T: DeserializeOwned, M: Serialize>(&self, contract: &Addr, msg: &M) -> Result<T> {
        Ok(self.app().wrap().query_wasm_smart(contract, msg)?)
    }

    /// cw20 `Send` of `amount` of `token` to `contract` with the hook `hook`.
    fn cw20_send<H: Serialize>(
        &mut self,
        who: &Addr,
        token: &Addr,
        contract: &Addr,
        amount: u128,
        hook: &H,
    ) -> Result<AppResponse> {
        let msg = Cw20ExecuteMsg::Send {
            contract: contract.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(hook)?,
        };
        self.call(who, token, &msg)
    }

    /// cw20 `Transfer`.
    fn cw20_transfer(
        &mut self,
        who: &Addr,
        token: &Addr,
        to: &Addr,
        amount: u128,
    ) -> Result<AppResponse> {
        let msg = Cw20ExecuteMsg::Transfer {
            recipient: to.to_string(),
            amount: Uint128::new(amount),
        };
        self.call(who, token, &msg)
    }

    /// cw20 `IncreaseAllowance` (no expiry).
    fn cw20_allow(
        &mut self,
        who: &Addr,
        token: &Addr,
        spender: &Addr,
        amount: u128,
    ) -> Result<AppResponse> {
        let msg = Cw20ExecuteMsg::IncreaseAllowance {
            spender: spender.to_string(),
            amount: Uint128::new(amount),
            expires: None,
        };
        self.call(who, token, &msg)
    }

    fn balance(&self, token: &Addr, who: &Addr) -> u128 {
        let msg = Cw20QueryMsg::Balance {
            address: who.to_string(),
        };
        let r: BalanceResponse = self.query_on(token, &msg).expect("balance query");
        r.balance.u128()
    }

    fn supply(&self, token: &Addr) -> u128 {
        let r: TokenInfoResponse = self
            .query_on(token, &Cw20QueryMsg::TokenInfo {})
            .expect("token info query");
        r.total_supply.u128()
    }

    /// The sum of `token` over `holders`.
    fn balances_of(&self, token: &Addr, holders: &[Addr]) -> u128 {
        holders.iter().map(|h| self.balance(token, h)).sum()
    }
}

/// The order book's messages a test of another contract needs, built in one place.
pub trait BookActions: Chain {
    /// A resting limit ask of `who` on a cw20 market: `quantity` atoms of `token` at `price` $AI atoms per lot,
    /// paid by a cw20 `Send`; the new order's id.
    fn book_ask(
        &mut self,
        who: &Addr,
        book: &Addr,
        (market_id, token): (u32, &Addr),
        price: u128,
        quantity: u128,
    ) -> Result<u64> {
        let order = hmm::orderbook::PlaceOrderMsg {
            taker_fee_discount: None,
            market_id,
            side: hmm::orderbook::Side::Ask,
            price: Uint128::new(price),
            quantity: Uint128::new(quantity),
            kind: hmm::orderbook::OrderKind::Limit,
            expires_at: None,
            max_fills: None,
            recipient: None,
        };
        let hook = hmm::orderbook::ReceiveMsg::PlaceOrder(order);
        let res = self.cw20_send(who, token, book, quantity, &hook)?;
        attr(&res, "order_id").ok_or_else(|| anyhow::anyhow!("no order_id"))
    }

    /// Wires a router and a book together as the deployment does (owner): the router plans with the book, the
    /// book honours the router's taker-fee discounts.
    fn book_wire_router(&mut self, owner: &Addr, router: &Addr, book: &Addr) -> Result<()> {
        let set = hmm::router::ExecuteMsg::SetOrderbook {
            orderbook: Some(book.to_string()),
        };
        self.call(owner, router, &set)?;
        let trust = hmm::orderbook::ExecuteMsg::UpdateConfig {
            treasury: None,
            burn_share: None,
            router: Some(router.to_string()),
        };
        self.call(owner, book, &trust)?;
        Ok(())
    }

    /// The ask levels of a market, best first (price, lots).
    fn book_asks(&self, book: &Addr, market_id: u32) -> Result<Vec<(u128, u128)>> {
        let depth: hmm::orderbook::DepthResponse = self.query_on(
            book,
            &hmm::orderbook::QueryMsg::Depth {
                market_id,
                bid_start_after: None,
                ask_start_after: None,
                limit: None,
            },
        )?;
        Ok(depth
            .asks
            .iter()
            .map(|l| (l.price.u128(), l.lots.u128()))
            .collect())
    }
}

impl<T: Chain> BookActions for T {}

/// The pool's messages, built in one place.
pub trait PoolActions: Chain {
    /// `RegisterPools` on the router as `who` (anyone may).
    fn router_register(&mut self, who: &Addr, router: &Addr, pool_ids: Vec<u64>) -> Result<()> {
        self.call(
            who,
            router,
            &hmm::router::ExecuteMsg::RegisterPools { pool_ids },
        )?;
        Ok(())
    }

    /// `CreatePool` as `who`; the new pool's id.
    fn pool_create(&mut self, who: &Addr, pool: &Addr, msg: CreatePoolMsg) -> Result<u64> {
        let res = self.call(who, pool, &PoolExecuteMsg::CreatePool(msg))?;
        attr(&res, "pool_id").ok_or_else(|| anyhow::anyhow!("no pool_id"))
    }

    /// Allowances for the deposits (`tokens[i]` the CU token of class `i`, then $AI for the credits), then
    /// `AddLiquidity`.
    #[allow(clippy::too_many_arguments)]
    fn pool_add_liquidity(
        &mut self,
        who: &Addr,
        pool: &Addr,
        pool_id: u64,
        ai: &Addr,
        tokens: &[Addr],
        deposits: &[(u128, u128)],
        min_shares: u128,
    ) -> Result<AppResponse> {
        let mut credits = 0;
        for (token, (q, p)) in tokens.iter().zip(deposits) {
            self.cw20_allow(who, token, pool, *q)?;
            credits += p;
        }
        self.cw20_allow(who, ai, pool, credits)?;
        let msg = PoolExecuteMsg::AddLiquidity {
            pool_id,
            deposits: deposits
                .iter()
                .map(|(q, p)| ClassDeposit {
                    resource: Uint128::new(*q),
                    credits: Uint128::new(*p),
                })
                .collect(),
            min_shares: Uint128::new(min_shares),
            deadline: None,
        };
        self.call(who, pool, &msg)
    }
}

impl<T: Chain> PoolActions for T {}

/// A pool of `cu` (weight 1 each) of curve `kind`, curvature λ = `lambda` (μ 5 %, λ_max the larger of 150 % and
/// λ), SLA `sla`, price impact capped at 50 %; every other option at its default.
pub fn create_pool_msg(
    kind: CurveKind,
    cu: &[Addr],
    lambda: Decimal256,
    sla: SlaTags,
) -> CreatePoolMsg {
    CreatePoolMsg {
        kind,
        classes: cu
            .iter()
            .map(|t| ClassParams {
                cu_token: t.to_string(),
                weight: Decimal256::one(),
            })
            .collect(),
        curvature: Some(CurvatureConfig {
            lambda,
            mu: Decimal256::percent(5),
            alpha: Decimal256::zero(),
            beta: Decimal256::zero(),
            lambda_max: Decimal256::percent(150).max(lambda),
        }),
        fees: None,
        execution: None,
        sla,
        max_price_impact: Some(Decimal256::percent(50)),
        batch_window: None,
    }
}

/// Pool SLA tags in eu-west, interactive, with a TEE, at `privacy_tier`.
pub fn sla_tags(privacy_tier: u8) -> SlaTags {
    SlaTags {
        region: "eu-west".to_string(),
        latency: LatencyClass::Interactive,
        privacy_tier,
        tee: true,
    }
}

/// The SLA every pool of [`sla_tags`] meets (eu-west, batch latency or better, privacy tier 1, a TEE).
pub fn sla_requirement() -> SlaRequirement {
    SlaRequirement {
        regions: vec!["eu-west".to_string()],
        max_latency: Some(LatencyClass::Batch),
        min_privacy_tier: 1,
        tee_required: true,
    }
}

/// `impl Chain` for a struct with a field `app: App`.
#[macro_export]
macro_rules! impl_chain {
    ($t:ty) => {
        impl $crate::Chain for $t {
            fn app(&self) -> &cw_multi_test::App {
                &self.app
            }
            fn app_mut(&mut self) -> &mut cw_multi_test::App {
                &mut self.app
            }
        }
    };
}
