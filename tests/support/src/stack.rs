//! [`StackBuilder`]: deploys any subset of the exchange on cw-multi-test (DAO DAO's `dao-testing`, Mars red-bank's
//! `MockEnvBuilder`): $AI and CU tokens (`ai-token`), `hmm-pool` and one seeded pool per CU class, `job-registry`
//! or a mock of it, `poai` or a mock of it, wired to each other.

use cosmwasm_std::{Addr, Decimal, Decimal256, Uint128};
use cw20::{Cw20Coin, Cw20ExecuteMsg, MinterResponse};
use cw_multi_test::{App, Executor};
use hmm::job::Limits;
use hmm::poai::Params;
use hmm::pool::{CurveKind, SlaTags};

use crate::chain::{create_pool_msg, BookActions, Chain, PoolActions};
use crate::contracts::{
    orderbook_contract, poai_contract, pool_contract, registry_contract, router_contract,
    token_contract,
};
use crate::{mock_poai, mock_registry};

/// A token to instantiate: `balances` by account name (`App::api().addr_make(name)`).
#[derive(Clone, Debug)]
pub struct TokenSpec {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub balances: Vec<(String, u128)>,
}

impl TokenSpec {
    pub fn new(name: &str, symbol: &str, decimals: u8) -> TokenSpec {
        TokenSpec {
            name: name.to_string(),
            symbol: symbol.to_string(),
            decimals,
            balances: vec![],
        }
    }

    /// Each of `holders` starts with `amount`.
    pub fn held(mut self, holders: &[&str], amount: u128) -> TokenSpec {
        self.balances
            .extend(holders.iter().map(|h| (h.to_string(), amount)));
        self
    }
}

/// The job registry to deploy: the real contract (with these limits, or its defaults), or poai's test mock
/// ([`mock_registry`]).
#[derive(Clone, Debug)]
pub enum RegistrySpec {
    Real(Option<Limits>),
    Mock,
}

/// poai to deploy: the real contract with these parameters, or the registry's test mock ([`mock_poai`]).
#[derive(Clone, Debug)]
pub enum PoaiSpec {
    Real(Box<Params>),
    Mock,
}

/// One bilinear pool per CU class, `q` CU against `p` $AI, seeded by the account `lp`.
#[derive(Clone, Debug)]
pub struct PoolsSpec {
    pub sla: SlaTags,
    pub seed: (u128, u128),
    pub lp: String,
}

#[derive(Clone, Debug)]
pub struct StackBuilder {
    owner: String,
    treasury: String,
    minter: String,
    ai: TokenSpec,
    cu: Vec<TokenSpec>,
    pool: bool,
    pools: Option<PoolsSpec>,
    registry: Option<RegistrySpec>,
    poai: Option<PoaiSpec>,
    wire: bool,
    poai_mints: bool,
    orderbook: bool,
}

impl Default for StackBuilder {
    fn default() -> Self {
        StackBuilder {
            owner: "owner".to_string(),
            treasury: "treasury".to_string(),
            minter: "minter".to_string(),
            ai: TokenSpec::new("HMM AI", "HMMAI", 18),
            cu: vec![],
            pool: false,
            pools: None,
            registry: None,
            poai: None,
            wire: true,
            poai_mints: true,
            orderbook: false,
        }
    }
}

/// What [`StackBuilder::build`] deployed. A contract not asked for is `None`; the suites unwrap what they need.
pub struct Stack {
    pub app: App,
    /// Instantiated everything; the pool's and poai's owner, the registry's admin (and migrate admin).
    pub owner: Addr,
    pub treasury: Addr,
    /// The tokens' minter (poai instead, once deployed, unless [`StackBuilder::minter_stays`]).
    pub minter: Addr,
    pub ai: Addr,
    pub cu: Vec<Addr>,
    pub pool: Option<Addr>,
    /// The router, deployed with the pool contract (pools of [`StackBuilder::pool_per_class`] are registered).
    pub router: Option<Addr>,
    /// The pools of [`StackBuilder::pool_per_class`], one per CU class in order.
    pub pool_ids: Vec<u64>,
    /// The real registry or its mock.
    pub registry: Option<Addr>,
    /// The real poai or its mock.
    pub poai: Option<Addr>,
    /// The order book ([`StackBuilder::orderbook`], or [`Stack::deploy_orderbook`]).
    pub orderbook: Option<Addr>,
}

crate::impl_chain!(Stack);

impl StackBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The account names of the owner, the treasury and the tokens' minter (default "owner", "treasury",
    /// "minter").
    pub fn roles(mut self, owner: &str, treasury: &str, minter: &str) -> Self {
        self.owner = owner.to_string();
        self.treasury = treasury.to_string();
        self.minter = minter.to_string();
        self
    }

    /// The $AI token (default "HMM AI", HMMAI, 18 decimals, no balances).
    pub fn ai(mut self, token: TokenSpec) -> Self {
        self.ai = token;
        self
    }

    /// One more CU token (a resource class).
    pub fn cu(mut self, token: TokenSpec) -> Self {
        self.cu.push(token);
        self
    }

    /// The `hmm-pool` contract (no pools).
    pub fn pool(mut self) -> Self {
        self.pool = true;
        self
    }

    /// The pool contract and one seeded bilinear pool per CU class.
    pub fn pool_per_class(mut self, pools: PoolsSpec) -> Self {
        self.pool = true;
        self.pools = Some(pools);
        self
    }

    pub fn registry(mut self, registry: RegistrySpec) -> Self {
        self.registry = Some(registry);
        self
    }

    pub fn poai(mut self, poai: PoaiSpec) -> Self {
        self.poai = Some(poai);
        self
    }

    /// Do not tell the registry about poai (a real registry "before poai exists"), nor poai about a mock registry.
    pub fn unwired(mut self) -> Self {
        self.wire = false;
        self
    }

    /// A real poai does not become the tokens' minter nor declares the CU classes.
    pub fn minter_stays(mut self) -> Self {
        self.poai_mints = false;
        self
    }

    /// The order book, quoted in $AI (cw20), burn share 25 %, no markets ([`Stack::deploy_orderbook`]).
    pub fn orderbook(mut self) -> Self {
        self.orderbook = true;
        self
    }

    pub fn build(self) -> Stack {
        let mut app = App::default();
        let owner = app.api().addr_make(&self.owner);
        let treasury = app.api().addr_make(&self.treasury);
        let minter = app.api().addr_make(&self.minter);
        let token_code = app.store_code(token_contract());
        let pool_code = self.pool.then(|| app.store_code(pool_contract()));
        let make_token = |app: &mut App, t: &TokenSpec| -> Addr {
            let initial_balances = t
                .balances
                .iter()
                .map(|(who, amount)| Cw20Coin {
                    address: app.api().addr_make(who).to_string(),
                    amount: Uint128::new(*amount),
                })
                .collect();
            let msg = hmm::token::InstantiateMsg {
                name: t.name.clone(),
                symbol: t.symbol.clone(),
                decimals: t.decimals,
                initial_balances,
                mint: Some(MinterResponse {
                    minter: minter.to_string(),
                    cap: None,
                }),
                marketing: None,
                resource: None,
            };
            app.instantiate_contract(token_code, owner.clone(), &msg, &[], &t.symbol, None)
                .expect("token instantiates")
        };
        let ai = make_token(&mut app, &self.ai);
        let cu: Vec<Addr> = self.cu.iter().map(|t| make_token(&mut app, t)).collect();
        let pool = pool_code.map(|code| {
            let msg = hmm::pool::InstantiateMsg {
                owner: None,
                ai_token: ai.to_string(),
                treasury: treasury.to_string(),
                permissionless_pools: false,
            };
            app.instantiate_contract(code, owner.clone(), &msg, &[], "hmm-pool", None)
                .expect("pool instantiates")
        });
        let router = pool.as_ref().map(|pool| {
            let code = app.store_code(router_contract());
            let msg = hmm::router::InstantiateMsg {
                tiers: None,
                owner: None,
                pool_contract: pool.to_string(),
                ai_token: ai.to_string(),
                orderbook: None,
            };
            app.instantiate_contract(
                code,
                owner.clone(),
                &msg,
                &[],
                "router",
                Some(owner.to_string()),
            )
            .expect("router instantiates")
        });
        // The pool contract honours the router's volume discounts.
        if let (Some(pool), Some(router)) = (&pool, &router) {
            let msg = hmm::pool::ExecuteMsg::UpdateConfig {
                treasury: None,
                permissionless_pools: None,
                router: Some(router.to_string()),
            };
            app.execute_contract(owner.clone(), pool.clone(), &msg, &[])
                .expect("the pool takes the router");
        }
        let mut s = Stack {
            app,
            owner,
            treasury,
            minter,
            ai,
            cu,
            pool,
            router,
            pool_ids: vec![],
            registry: None,
            poai: None,
            orderbook: None,
        };
        if self.orderbook {
            let quote = hmm::asset::AssetInfo::cw20(s.ai.clone());
            let book = s.deploy_orderbook(quote, Decimal::percent(25));
            // The router plans with the book.
            if let Some(router) = s.router.clone() {
                let owner = s.owner.clone();
                s.book_wire_router(&owner, &router, &book)
                    .expect("router and book wired");
            }
        }
        if let (Some(spec), Some(pool)) = (&self.pools, s.pool.clone()) {
            let lp = s.app.api().addr_make(&spec.lp);
            let (owner, ai) = (s.owner.clone(), s.ai.clone());
            for token in s.cu.clone() {
                let msg = create_pool_msg(
                    CurveKind::Bilinear,
                    std::slice::from_ref(&token),
                    Decimal256::zero(),
                    spec.sla.clone(),
                );
                let id = s.pool_create(&owner, &pool, msg).expect("pool created");
                s.pool_add_liquidity(&lp, &pool, id, &ai, &[token], &[spec.seed], 0)
                    .expect("liquidity added");
                s.pool_ids.push(id);
            }
            if let Some(router) = s.router.clone() {
                let ids = s.pool_ids.clone();
                s.router_register(&owner, &router, ids)
                    .expect("router indexes the pools");
            }
        }
        match (&self.registry, &self.poai) {
            (Some(RegistrySpec::Real(limits)), Some(PoaiSpec::Real(params))) => {
                let poai = s.instantiate_poai(*params.clone(), None);
                let registry = s.instantiate_registry(limits.clone(), Some(&poai));
                let wire = hmm::poai::ConfigUpdate {
                    job_registry: Some(registry.to_string()),
                    ..Default::default()
                };
                let owner = s.owner.clone();
                s.call(&owner, &poai, &hmm::poai::ExecuteMsg::UpdateConfig(wire))
                    .expect("poai takes the registry");
            }
            (Some(RegistrySpec::Mock), Some(PoaiSpec::Real(params))) => {
                let registry =
                    s.instantiate(mock_registry::contract(), &mock_registry::MockInit {});
                s.registry = Some(registry.clone());
                let poai = s.instantiate_poai(*params.clone(), self.wire.then_some(&registry));
                let owner = s.owner.clone();
                let set = mock_registry::MockExec::SetPoai {
                    poai: poai.to_string(),
                };
                s.call(&owner, &registry, &set)
                    .expect("registry knows poai");
            }
            (Some(RegistrySpec::Real(limits)), Some(PoaiSpec::Mock)) => {
                let registry = s.instantiate_registry(limits.clone(), None);
                let init = mock_poai::InstantiateMsg {
                    registry: registry.to_string(),
                };
                let poai = s.instantiate(mock_poai::contract(), &init);
                s.poai = Some(poai.clone());
                if self.wire {
                    let owner = s.owner.clone();
                    let msg = hmm::job::ExecuteMsg::UpdateConfig {
                        poai: Some(poai.to_string()),
                        limits: None,
                        orderbook: None,
                    };
                    s.call(&owner, &registry, &msg).expect("poai set");
                }
            }
            (Some(RegistrySpec::Real(limits)), None) => {
                s.instantiate_registry(limits.clone(), None);
            }
            (None, Some(PoaiSpec::Real(params))) => {
                s.instantiate_poai(*params.clone(), None);
            }
            (None, None) => {}
            (registry, poai) => panic!("StackBuilder: {registry:?} with {poai:?} is not a stack"),
        }
        // The registry pays the book for the book's part of a plan.
        if let (Some(RegistrySpec::Real(_)), Some(registry), Some(book)) =
            (&self.registry, s.registry.clone(), s.orderbook.clone())
        {
            let owner = s.owner.clone();
            let msg = hmm::job::ExecuteMsg::UpdateConfig {
                poai: None,
                limits: None,
                orderbook: Some(book.to_string()),
            };
            s.call(&owner, &registry, &msg)
                .expect("registry takes the book");
        }
        if let (true, Some(PoaiSpec::Real(_)), Some(poai)) =
            (self.poai_mints, &self.poai, s.poai.clone())
        {
            s.poai_takes_over(&poai);
        }
        s
    }
}

impl Stack {
    /// The address of the account `name`.
    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    /// Deploys an order book quoted in `quote` (the owner its owner and migrate admin, the treasury its
    /// treasury), stores it as [`Stack::orderbook`] and returns it.
    pub fn deploy_orderbook(&mut self, quote: hmm::asset::AssetInfo, burn_share: Decimal) -> Addr {
        let code = self.app.store_code(orderbook_contract());
        let msg = hmm::orderbook::InstantiateMsg {
            owner: None,
            quote,
            treasury: self.treasury.to_string(),
            burn_share,
        };
        let book = self.instantiate_admin(code, &msg, "orderbook");
        self.orderbook = Some(book.clone());
        book
    }

    fn instantiate<M: serde::Serialize>(
        &mut self,
        code: Box<dyn cw_multi_test::Contract<cosmwasm_std::Empty>>,
        msg: &M,
    ) -> Addr {
        let code = self.app.store_code(code);
        self.app
            .instantiate_contract(code, self.owner.clone(), msg, &[], "mock", None)
            .expect("mock instantiates")
    }

    /// Instantiates `code` with the owner as the migrate admin.
    fn instantiate_admin<M: serde::Serialize>(&mut self, code: u64, msg: &M, label: &str) -> Addr {
        let owner = self.owner.clone();
        self.app
            .instantiate_contract(
                code,
                owner.clone(),
                msg,
                &[],
                label,
                Some(owner.to_string()),
            )
            .unwrap_or_else(|e| panic!("{label} instantiates: {e}"))
    }

    fn instantiate_poai(&mut self, params: Params, registry: Option<&Addr>) -> Addr {
        let code = self.app.store_code(poai_contract());
        let msg = hmm::poai::InstantiateMsg {
            owner: None,
            ai_token: self.ai.to_string(),
            pool: self.pool.as_ref().expect("poai needs the pool").to_string(),
            job_registry: registry.map(|r| r.to_string()),
            treasury: self.treasury.to_string(),
            experience_oracle: None,
            params: Some(params),
        };
        let poai = self.instantiate_admin(code, &msg, "poai");
        self.poai = Some(poai.clone());
        poai
    }

    fn instantiate_registry(&mut self, limits: Option<Limits>, poai: Option<&Addr>) -> Addr {
        let code = self.app.store_code(registry_contract());
        let msg = hmm::job::InstantiateMsg {
            owner: None,
            ai_token: self.ai.to_string(),
            pool: self
                .pool
                .as_ref()
                .expect("the registry needs the pool")
                .to_string(),
            router: self
                .router
                .as_ref()
                .expect("the registry needs the router")
                .to_string(),
            poai: poai.map(|p| p.to_string()),
            limits,
        };
        let registry = self.instantiate_admin(code, &msg, "job-registry");
        self.registry = Some(registry.clone());
        registry
    }

    /// poai becomes the minter of $AI and of every CU token, and declares CU class `i` with pool `pool_ids[i]`.
    fn poai_takes_over(&mut self, poai: &Addr) {
        let minter = self.minter.clone();
        for token in std::iter::once(self.ai.clone()).chain(self.cu.clone()) {
            let msg = Cw20ExecuteMsg::UpdateMinter {
                new_minter: Some(poai.to_string()),
            };
            self.call(&minter, &token, &msg)
                .expect("poai becomes the minter");
        }
        let owner = self.owner.clone();
        for (token, pool_id) in self.cu.clone().into_iter().zip(self.pool_ids.clone()) {
            let msg = hmm::poai::ExecuteMsg::SetResourceClass {
                cu_token: token.to_string(),
                pool_id,
            };
            self.call(&owner, poai, &msg).expect("class declared");
        }
    }
}
