//! A suite builder for cross-contract tests (Astroport's `Helper`, DAO DAO's suite): real token and pool code on
//! cw-multi-test, with one method per user action and the queries the assertions need.

use anyhow::Result;
use cosmwasm_std::{to_json_binary, Addr, Decimal256, Empty, Uint128};
use cw20::{BalanceResponse, Cw20ExecuteMsg, MinterResponse, TokenInfoResponse};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use hmm::pool::{
    Ask, ClassDeposit, ClassParams, CreatePoolMsg, CurvatureConfig, CurveKind, ExecuteMsg,
    LatencyClass, PoolResponse, QueryMsg, QuoteResponse, ReceiveMsg, SlaTags,
};
use hmm::token::InstantiateMsg as TokenInstantiate;

pub fn token_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        ai_token::contract::execute,
        ai_token::contract::instantiate,
        ai_token::contract::query,
    ))
}

/// A cw20 token that its minter can freeze: while frozen it refuses every transfer, send and burn (a token that
/// "later refuses transfers", as a permissionless pool's CU token may). `{"freeze": true}` / `{"freeze": false}`.
#[derive(serde::Deserialize)]
#[serde(untagged)]
pub enum FlakyTokenMsg {
    Freeze { freeze: bool },
    Token(ai_token::msg::ExecuteMsg),
}

const FROZEN: &[u8] = b"frozen";

fn flaky_execute(
    deps: cosmwasm_std::DepsMut,
    env: cosmwasm_std::Env,
    info: cosmwasm_std::MessageInfo,
    msg: FlakyTokenMsg,
) -> Result<cosmwasm_std::Response, anyhow::Error> {
    match msg {
        FlakyTokenMsg::Freeze { freeze } => {
            if freeze {
                deps.storage.set(FROZEN, b"1");
            } else {
                deps.storage.remove(FROZEN);
            }
            Ok(cosmwasm_std::Response::new())
        }
        FlakyTokenMsg::Token(msg) => {
            if deps.storage.get(FROZEN).is_some() {
                anyhow::bail!("token frozen: it refuses every transfer");
            }
            Ok(ai_token::contract::execute(deps, env, info, msg)?)
        }
    }
}

pub fn flaky_token_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        flaky_execute,
        ai_token::contract::instantiate,
        ai_token::contract::query,
    ))
}

pub fn pool_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        hmm_pool::contract::execute,
        hmm_pool::contract::instantiate,
        hmm_pool::contract::query,
    ))
}

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
}

impl Suite {
    /// $AI, `classes` CU tokens, and the pool contract; lp, trader and attacker funded with every token.
    pub fn new(classes: usize) -> Suite {
        let mut app = App::default();
        let owner = app.api().addr_make("owner");
        let treasury = app.api().addr_make("treasury");
        let minter = app.api().addr_make("minter");
        let lp = app.api().addr_make("lp");
        let trader = app.api().addr_make("trader");
        let attacker = app.api().addr_make("attacker");
        let token_code = app.store_code(token_contract());
        let pool_code = app.store_code(pool_contract());
        let holders = [&lp, &trader, &attacker];
        let make_token =
            |app: &mut App, name: &str, symbol: &str, decimals: u8, each: u128| -> Addr {
                let msg = TokenInstantiate {
                    name: name.to_string(),
                    symbol: symbol.to_string(),
                    decimals,
                    initial_balances: holders
                        .iter()
                        .map(|h| cw20::Cw20Coin {
                            address: h.to_string(),
                            amount: Uint128::new(each),
                        })
                        .collect(),
                    mint: Some(MinterResponse {
                        minter: minter.to_string(),
                        cap: None,
                    }),
                    marketing: None,
                    resource: None,
                };
                app.instantiate_contract(token_code, owner.clone(), &msg, &[], symbol, None)
                    .expect("token instantiates")
            };
        let ai = make_token(&mut app, "HMM AI", "HMMAI", 18, START_AI);
        let symbols = [
            "CUGPU", "CUVRAM", "CUCPU", "CUNET", "CUDISK", "CUSIX", "CUSEVEN", "CUEIGHT",
        ];
        let cu = (0..classes)
            .map(|i| make_token(&mut app, "Compute unit", symbols[i % 8], 6, START_CU))
            .collect();
        let pool = app
            .instantiate_contract(
                pool_code,
                owner.clone(),
                &hmm::pool::InstantiateMsg {
                    owner: None,
                    ai_token: ai.to_string(),
                    treasury: treasury.to_string(),
                    permissionless_pools: false,
                },
                &[],
                "hmm-pool",
                None,
            )
            .expect("pool instantiates");
        Suite {
            app,
            owner,
            treasury,
            minter,
            lp,
            trader,
            attacker,
            ai,
            cu,
            pool,
        }
    }

    /// Replaces CU token `i` with a [`flaky_token_contract`] funded like the others; `freeze` toggles it.
    pub fn make_flaky(&mut self, i: usize) -> Addr {
        let code = self.app.store_code(flaky_token_contract());
        let msg = TokenInstantiate {
            name: "Flaky compute unit".to_string(),
            symbol: "CUFLAKY".to_string(),
            decimals: 6,
            initial_balances: [&self.lp, &self.trader, &self.attacker]
                .iter()
                .map(|h| cw20::Cw20Coin {
                    address: h.to_string(),
                    amount: Uint128::new(START_CU),
                })
                .collect(),
            mint: Some(MinterResponse {
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
        self.app
            .execute_contract(minter, token.clone(), &serde_json_freeze(freeze), &[])
            .expect("freeze");
    }

    pub fn default_sla() -> SlaTags {
        SlaTags {
            region: "eu-west".to_string(),
            latency: LatencyClass::Interactive,
            privacy_tier: 1,
            tee: true,
        }
    }

    pub fn create_msg(&self, kind: CurveKind, classes: &[usize], lambda: &str) -> CreatePoolMsg {
        CreatePoolMsg {
            kind,
            classes: classes
                .iter()
                .map(|i| ClassParams {
                    cu_token: self.cu[*i].to_string(),
                    weight: Decimal256::one(),
                })
                .collect(),
            curvature: Some(CurvatureConfig {
                lambda: lambda.parse().expect("decimal"),
                mu: Decimal256::percent(5),
                alpha: Decimal256::zero(),
                beta: Decimal256::zero(),
                lambda_max: Decimal256::percent(150).max(lambda.parse().expect("decimal")),
            }),
            fees: None,
            execution: None,
            sla: Self::default_sla(),
            max_price_impact: Some(Decimal256::percent(50)),
            batch_window: None,
        }
    }

    pub fn create_pool(&mut self, msg: CreatePoolMsg) -> Result<u64> {
        let res = self.app.execute_contract(
            self.owner.clone(),
            self.pool.clone(),
            &ExecuteMsg::CreatePool(msg),
            &[],
        )?;
        let id = res
            .events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == "pool_id")
            .map(|a| a.value.parse::<u64>())
            .ok_or_else(|| anyhow::anyhow!("no pool_id"))??;
        Ok(id)
    }

    fn allow(&mut self, who: &Addr, token: &Addr, amount: u128) -> Result<AppResponse> {
        self.app.execute_contract(
            who.clone(),
            token.clone(),
            &Cw20ExecuteMsg::IncreaseAllowance {
                spender: self.pool.to_string(),
                amount: Uint128::new(amount),
                expires: None,
            },
            &[],
        )
    }

    /// Grant allowances for the deposits, then `AddLiquidity`.
    pub fn add_liquidity(
        &mut self,
        who: &Addr,
        pool_id: u64,
        deposits: &[(u128, u128)],
        min_shares: u128,
    ) -> Result<AppResponse> {
        let pool = self.pool_info(pool_id);
        let mut credits = 0;
        for (class, (q, p)) in pool.classes.iter().zip(deposits) {
            self.allow(who, &class.cu_token, *q)?;
            credits += p;
        }
        let ai = self.ai.clone();
        self.allow(who, &ai, credits)?;
        self.app.execute_contract(
            who.clone(),
            self.pool.clone(),
            &ExecuteMsg::AddLiquidity {
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
            },
            &[],
        )
    }

    /// cw20 `Send` of `amount` of `token` to the pool with a hook.
    pub fn send(
        &mut self,
        who: &Addr,
        token: &Addr,
        amount: u128,
        hook: &ReceiveMsg,
    ) -> Result<AppResponse> {
        self.app.execute_contract(
            who.clone(),
            token.clone(),
            &Cw20ExecuteMsg::Send {
                contract: self.pool.to_string(),
                amount: Uint128::new(amount),
                msg: to_json_binary(hook)?,
            },
            &[],
        )
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
            exact_out: exact_out.map(Uint128::new),
            min_out: min_out.map(Uint128::new),
            deadline: None,
            to: None,
        };
        self.send(who, offer, amount, &hook)
    }

    pub fn execute(&mut self, who: &Addr, msg: &ExecuteMsg) -> Result<AppResponse> {
        self.app
            .execute_contract(who.clone(), self.pool.clone(), msg, &[])
    }

    pub fn balance(&self, token: &Addr, who: &Addr) -> u128 {
        let r: BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                token,
                &cw20::Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .expect("balance query");
        r.balance.u128()
    }

    pub fn supply(&self, token: &Addr) -> u128 {
        let r: TokenInfoResponse = self
            .app
            .wrap()
            .query_wasm_smart(token, &cw20::Cw20QueryMsg::TokenInfo {})
            .expect("token info query");
        r.total_supply.u128()
    }

    pub fn pool_info(&self, pool_id: u64) -> PoolResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.pool, &QueryMsg::Pool { pool_id })
            .expect("pool query")
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T> {
        Ok(self.app.wrap().query_wasm_smart(&self.pool, msg)?)
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
            offer_amount: Uint128::new(amount),
        })
    }

    /// Advance the chain by `seconds` (and a block).
    pub fn wait(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += 1;
        });
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

/// The `{"freeze": bool}` message of [`flaky_token_contract`].
fn serde_json_freeze(freeze: bool) -> FreezeMsg {
    FreezeMsg { freeze }
}

#[derive(serde::Serialize, Debug)]
struct FreezeMsg {
    freeze: bool,
}
