//! The pool suite (Astroport's `Helper`, DAO DAO's suite): $AI (18 decimals), N CU tokens and the `hmm-pool`
//! contract, with one method per user action on the pool and the queries the assertions need.

use anyhow::Result;
use cosmwasm_std::{Addr, Decimal256};
use cw_multi_test::{App, AppResponse, Executor};
use hmm::pool::{
    Ask, CreatePoolMsg, CurveKind, ExecuteMsg, PoolResponse, QueryMsg, QuoteResponse, ReceiveMsg,
    SlaTags,
};

use crate::chain::BookActions;
pub use crate::chain::{attr, Chain, PoolActions};
pub use crate::contracts::{flaky_token_contract, pool_contract, token_contract, FreezeMsg};
use crate::stack::{StackBuilder, TokenSpec};

/// Every account starts with this much of every token (atoms; 18-decimal $AI, 6-decimal CU).
pub const START_AI: u128 = 1_000_000_000_000_000_000_000_000; // 1e6 $AI
pub const START_CU: u128 = 1_000_000_000_000; // 1e6 CU

pub struct Suite {
    pub app: App,
    pub owner: Addr,
    pub treasury: Addr,
    pub minter: Addr,
    pub lp: Addr,
    pub trader: Addr,
    pub attacker: Addr,
    pub ai: Addr,
    pub cu: Vec<Addr>,
    pub pool: Addr,
    /// The router over the pool contract; [`Suite::add_liquidity`] registers every pool it funds.
    pub router: Addr,
}

impl Suite {
    /// $AI, `classes` CU tokens, and the pool contract; lp, trader and attacker funded with every token.
    pub fn new(classes: usize) -> Suite {
        let holders = ["lp", "trader", "attacker"];
        let symbols = [
            "CUGPU", "CUVRAM", "CUCPU", "CUNET", "CUDISK", "CUSIX", "CUSEVEN", "CUEIGHT",
        ];
        let mut b = StackBuilder::new()
            .ai(TokenSpec::new("HMM AI", "HMMAI", 18).held(&holders, START_AI))
            .pool();
        for i in 0..classes {
            b = b.cu(TokenSpec::new("Compute unit", symbols[i % 8], 6).held(&holders, START_CU));
        }
        let s = b.build();
        Suite {
            lp: s.addr("lp"),
            trader: s.addr("trader"),
            attacker: s.addr("attacker"),
            pool: s.pool.expect("pool"),
            router: s.router.expect("router"),
            app: s.app,
            owner: s.owner,
            treasury: s.treasury,
            minter: s.minter,
            ai: s.ai,
            cu: s.cu,
        }
    }

    /// Deploys the order book (quoted in $AI, burn share 25 %), opens one market per CU token (lots of 1 CU,
    /// ticks of 0.001 $AI, no minimum but one lot) and has the router plan with it; returns the book.
    pub fn add_orderbook(&mut self) -> Addr {
        let code = self.app.store_code(crate::contracts::orderbook_contract());
        let msg = hmm::orderbook::InstantiateMsg {
            owner: None,
            quote: hmm::asset::AssetInfo::cw20(self.ai.clone()),
            treasury: self.treasury.to_string(),
            burn_share: cosmwasm_std::Decimal::percent(25),
        };
        let owner = self.owner.clone();
        let book = self
            .app
            .instantiate_contract(code, owner.clone(), &msg, &[], "orderbook", None)
            .expect("orderbook instantiates");
        for cu in self.cu.clone() {
            let market = hmm::orderbook::CreateMarketMsg {
                base: hmm::asset::AssetInfo::cw20(cu),
                lot_size: cosmwasm_std::Uint128::new(1_000_000),
                tick_size: cosmwasm_std::Uint128::new(1_000_000_000_000_000),
                min_lots: cosmwasm_std::Uint128::one(),
                min_notional: cosmwasm_std::Uint128::zero(),
                maker_fee: None,
                taker_fee: None,
            };
            self.call(
                &owner,
                &book,
                &hmm::orderbook::ExecuteMsg::CreateMarket(market),
            )
            .expect("market created");
        }
        let router = self.router.clone();
        self.book_wire_router(&owner, &router, &book)
            .expect("router and book wired");
        book
    }

    /// Replaces CU token `i` with a [`flaky_token_contract`] funded like the others; `freeze` toggles it.
    pub fn make_flaky(&mut self, i: usize) -> Addr {
        let code = self.app.store_code(flaky_token_contract());
        let msg = hmm::token::InstantiateMsg {
            name: "Flaky compute unit".to_string(),
            symbol: "CUFLAKY".to_string(),
            decimals: 6,
            initial_balances: [&self.lp, &self.trader, &self.attacker]
                .iter()
                .map(|h| cw20::Cw20Coin {
                    address: h.to_string(),
                    amount: cosmwasm_std::Uint128::new(START_CU),
                })
                .collect(),
            mint: Some(cw20::MinterResponse {
                minter: self.minter.to_string(),
                cap: None,
            }),
            marketing: None,
            resource: None,
        };
        let token = self
            .app
            .instantiate_contract(code, self.owner.clone(), &msg, &[], "CUFLAKY", None)
            .expect("flaky token instantiates");
        self.cu[i] = token.clone();
        token
    }

    /// Freeze (or thaw) a [`Suite::make_flaky`] token.
    pub fn freeze(&mut self, token: &Addr, freeze: bool) {
        let minter = self.minter.clone();
        self.call(&minter, token, &FreezeMsg { freeze })
            .expect("freeze");
    }

    pub fn default_sla() -> SlaTags {
        crate::chain::sla_tags(1)
    }

    pub fn create_msg(&self, kind: CurveKind, classes: &[usize], lambda: &str) -> CreatePoolMsg {
        let cu: Vec<Addr> = classes.iter().map(|i| self.cu[*i].clone()).collect();
        let lambda: Decimal256 = lambda.parse().expect("decimal");
        crate::chain::create_pool_msg(kind, &cu, lambda, Self::default_sla())
    }

    pub fn create_pool(&mut self, msg: CreatePoolMsg) -> Result<u64> {
        let (owner, pool) = (self.owner.clone(), self.pool.clone());
        self.pool_create(&owner, &pool, msg)
    }

    /// Grant allowances for the deposits, then `AddLiquidity`.
    pub fn add_liquidity(
        &mut self,
        who: &Addr,
        pool_id: u64,
        deposits: &[(u128, u128)],
        min_shares: u128,
    ) -> Result<AppResponse> {
        let tokens: Vec<Addr> = self
            .pool_info(pool_id)
            .classes
            .into_iter()
            .map(|c| c.cu_token)
            .collect();
        let (pool, ai, router) = (self.pool.clone(), self.ai.clone(), self.router.clone());
        let res =
            self.pool_add_liquidity(who, &pool, pool_id, &ai, &tokens, deposits, min_shares)?;
        // Funded: the router indexes it (anyone may; registering again changes nothing).
        self.router_register(who, &router, vec![pool_id])?;
        Ok(res)
    }

    /// A query to the router.
    pub fn query_router<T: serde::de::DeserializeOwned>(
        &self,
        msg: &hmm::router::QueryMsg,
    ) -> Result<T> {
        self.query_on(&self.router, msg)
    }

    /// cw20 `Send` of `amount` of `token` to the router with a hook.
    pub fn send_router(
        &mut self,
        who: &Addr,
        token: &Addr,
        amount: u128,
        hook: &hmm::router::ReceiveMsg,
    ) -> Result<AppResponse> {
        let router = self.router.clone();
        self.cw20_send(who, token, &router, amount, hook)
    }

    /// cw20 `Send` of `amount` of `token` to the pool with a hook.
    pub fn send(
        &mut self,
        who: &Addr,
        token: &Addr,
        amount: u128,
        hook: &ReceiveMsg,
    ) -> Result<AppResponse> {
        let pool = self.pool.clone();
        self.cw20_send(who, token, &pool, amount, hook)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn swap(
        &mut self,
        who: &Addr,
        pool_id: u64,
        offer: &Addr,
        amount: u128,
        ask: Ask,
        exact_out: Option<u128>,
        min_out: Option<u128>,
    ) -> Result<AppResponse> {
        let hook = ReceiveMsg::Swap {
            pool_id,
            ask,
            exact_out: exact_out.map(cosmwasm_std::Uint128::new),
            min_out: min_out.map(cosmwasm_std::Uint128::new),
            deadline: None,
            to: None,
        };
        self.send(who, offer, amount, &hook)
    }

    pub fn execute(&mut self, who: &Addr, msg: &ExecuteMsg) -> Result<AppResponse> {
        let pool = self.pool.clone();
        self.call(who, &pool, msg)
    }

    pub fn pool_info(&self, pool_id: u64) -> PoolResponse {
        self.query(&QueryMsg::Pool { pool_id }).expect("pool query")
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T> {
        self.query_on(&self.pool, msg)
    }

    pub fn quote(
        &self,
        pool_id: u64,
        offer: &Addr,
        ask: Ask,
        amount: u128,
    ) -> Result<QuoteResponse> {
        self.query(&QueryMsg::Quote {
            pool_id,
            offer: offer.to_string(),
            ask,
            offer_amount: cosmwasm_std::Uint128::new(amount),
        })
    }

    /// Everything a refused message must leave unchanged: the pool record and the balance of every token for every
    /// account we know of.
    pub fn snapshot(&self, pool_id: u64) -> (String, Vec<u128>) {
        let pool = format!("{:?}", self.pool_info(pool_id));
        let mut balances = vec![];
        for t in std::iter::once(&self.ai).chain(self.cu.iter()) {
            for a in [
                &self.lp,
                &self.trader,
                &self.attacker,
                &self.pool,
                &self.treasury,
            ] {
                balances.push(self.balance(t, a));
            }
        }
        (pool, balances)
    }

    /// Every token held anywhere we know of: the accounts, the pool, the treasury (for conservation checks).
    pub fn known_balances(&self, token: &Addr) -> u128 {
        [
            &self.lp,
            &self.trader,
            &self.attacker,
            &self.pool,
            &self.treasury,
            &self.owner,
        ]
        .iter()
        .map(|a| self.balance(token, a))
        .sum()
    }
}

crate::impl_chain!(Suite);
