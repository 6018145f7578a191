//! A suite builder (DAO DAO / Astroport style): real `ai-token` instances ($AI and three CU tokens), the real
//! `hmm-pool` contract with one bilinear pool per CU class, the registry, and the mock poai; one method per
//! user action and the queries the assertions need.

use anyhow::Result;
use cosmwasm_std::{to_json_binary, Addr, Decimal, Decimal256, Empty, Uint128};
use cw20::{BalanceResponse, Cw20Coin, Cw20ExecuteMsg, MinterResponse, TokenInfoResponse};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use hmm::job::{
    ConfigResponse, ExecuteMsg, InstantiateMsg, JobResponse, JobSpec, JobState, JobsResponse,
    Limits, QueryMsg, ReceiveMsg, RefundMode, SettlementOutcome, TotalEscrowResponse, Verdict,
};
use hmm::pool::{
    BundleItem, ClassDeposit, ClassParams, CurvatureConfig, CurveKind, LatencyClass,
    SlaRequirement, SlaTags,
};
use job_registry::ContractError;

use crate::mock_poai;

pub fn token_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        ai_token::contract::execute,
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

pub fn registry_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            job_registry::contract::execute,
            job_registry::contract::instantiate,
            job_registry::contract::query,
        )
        .with_reply(job_registry::contract::reply)
        .with_migrate(job_registry::contract::migrate),
    )
}

/// Number of CU classes (and pools).
pub const CLASSES: usize = 3;
/// Each client's starting $AI (atoms; every token has 6 decimals here).
pub const CLIENT_AI: u128 = 1_000_000_000_000; // 1e6 $AI
/// The LP's starting balance of every token.
pub const LP_BALANCE: u128 = 10_000_000_000_000;
/// Each pool's seed: Q0 CU against P0 $AI (5 $AI per CU).
pub const Q0: u128 = 100_000_000_000;
pub const P0: u128 = 500_000_000_000;
/// The start and finish windows of `Suite::spec`.
pub const START_IN: u64 = 3_600;
pub const FINISH_IN: u64 = 7_200;
pub const GRACE: u64 = 1_800;

/// The registry's error in an error chain (the registry may be called through a token or poai).
pub fn reg_err(e: anyhow::Error) -> ContractError {
    match e.downcast::<ContractError>() {
        Ok(err) => err,
        Err(e) => panic!("no job-registry error in: {e:?}"),
    }
}

pub struct SuiteBuilder {
    limits: Option<Limits>,
    with_poai: bool,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        SuiteBuilder {
            limits: Some(Limits {
                max_resources: 8,
                max_job_duration: 30 * 24 * 3600,
                settlement_grace: GRACE,
                // No job fee by default, so that the amounts in the lifecycle tests are the CU costs alone;
                // `fees.rs` tests the fee.
                job_fee_rate: Decimal::zero(),
            }),
            with_poai: true,
        }
    }
}

impl SuiteBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Charge this job fee (the default suite charges none).
    pub fn with_job_fee(mut self, rate: Decimal) -> Self {
        if let Some(l) = self.limits.as_mut() {
            l.job_fee_rate = rate;
        }
        self
    }

    /// Leave poai unset in the registry (instantiated "before poai exists").
    pub fn without_poai(mut self) -> Self {
        self.with_poai = false;
        self
    }

    pub fn build(self) -> Suite {
        let mut app = App::default();
        let addr = |app: &App, name: &str| app.api().addr_make(name);
        let admin = addr(&app, "admin");
        let treasury = addr(&app, "treasury");
        let minter = addr(&app, "minter");
        let lp = addr(&app, "lp");
        let attacker = addr(&app, "attacker");
        let clients: Vec<Addr> = (0..3).map(|i| addr(&app, &format!("client{i}"))).collect();
        let workers: Vec<Addr> = (0..3).map(|i| addr(&app, &format!("worker{i}"))).collect();

        let token_code = app.store_code(token_contract());
        let pool_code = app.store_code(pool_contract());
        let registry_code = app.store_code(registry_contract());
        let poai_code = app.store_code(mock_poai::contract());

        let make_token = |app: &mut App, symbol: &str, balances: Vec<Cw20Coin>| -> Addr {
            let msg = hmm::token::InstantiateMsg {
                name: format!("HMM {symbol}"),
                symbol: symbol.to_string(),
                decimals: 6,
                initial_balances: balances,
                mint: Some(MinterResponse {
                    minter: minter.to_string(),
                    cap: None,
                }),
                marketing: None,
                resource: None,
            };
            app.instantiate_contract(token_code, admin.clone(), &msg, &[], symbol, None)
                .expect("token instantiates")
        };
        let coin = |a: &Addr, amount: u128| Cw20Coin {
            address: a.to_string(),
            amount: Uint128::new(amount),
        };
        let mut ai_balances = vec![coin(&lp, LP_BALANCE), coin(&attacker, CLIENT_AI)];
        ai_balances.extend(clients.iter().map(|c| coin(c, CLIENT_AI)));
        let ai = make_token(&mut app, "HMMAI", ai_balances);
        let cu: Vec<Addr> = ["CU-GPU", "CU-VRAM", "CU-CPU"]
            .iter()
            .map(|s| {
                make_token(
                    &mut app,
                    s,
                    vec![coin(&lp, LP_BALANCE), coin(&attacker, Q0)],
                )
            })
            .collect();

        let pool = app
            .instantiate_contract(
                pool_code,
                admin.clone(),
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

        let registry = app
            .instantiate_contract(
                registry_code,
                admin.clone(),
                &InstantiateMsg {
                    admin: None,
                    ai_token: ai.to_string(),
                    pool: pool.to_string(),
                    poai: None,
                    limits: self.limits,
                },
                &[],
                "job-registry",
                Some(admin.to_string()),
            )
            .expect("registry instantiates");
        let poai = app
            .instantiate_contract(
                poai_code,
                admin.clone(),
                &mock_poai::InstantiateMsg {
                    registry: registry.to_string(),
                },
                &[],
                "mock-poai",
                None,
            )
            .expect("mock poai instantiates");
        if self.with_poai {
            app.execute_contract(
                admin.clone(),
                registry.clone(),
                &ExecuteMsg::UpdateConfig {
                    admin: None,
                    poai: Some(poai.to_string()),
                    limits: None,
                },
                &[],
            )
            .expect("poai set");
        }

        let mut s = Suite {
            app,
            admin,
            treasury,
            lp,
            attacker,
            clients,
            workers,
            ai,
            cu,
            pool,
            pool_ids: vec![],
            registry,
            poai,
        };
        for class in 0..CLASSES {
            let id = s.create_pool(class);
            s.add_liquidity(id, class);
            s.pool_ids.push(id);
        }
        s
    }
}

pub struct Suite {
    pub app: App,
    pub admin: Addr,
    pub treasury: Addr,
    pub lp: Addr,
    pub attacker: Addr,
    pub clients: Vec<Addr>,
    pub workers: Vec<Addr>,
    pub ai: Addr,
    pub cu: Vec<Addr>,
    pub pool: Addr,
    pub pool_ids: Vec<u64>,
    pub registry: Addr,
    pub poai: Addr,
}

/// Every balance and every job: what a refused message must leave unchanged.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub balances: Vec<u128>,
    pub supplies: Vec<u128>,
    pub jobs: String,
    pub config: String,
    pub pools: Vec<String>,
}

pub fn pool_sla() -> SlaTags {
    SlaTags {
        region: "eu-west".to_string(),
        latency: LatencyClass::Interactive,
        privacy_tier: 1,
        tee: true,
    }
}

impl Suite {
    fn create_pool(&mut self, class: usize) -> u64 {
        // Built as JSON so that optional fields the pool may add later stay at their defaults.
        let msg = serde_json::json!({
            "create_pool": {
                "kind": CurveKind::Bilinear,
                "classes": [ClassParams {
                    cu_token: self.cu[class].to_string(),
                    weight: Decimal256::one(),
                }],
                "curvature": CurvatureConfig {
                    lambda: Decimal256::zero(),
                    mu: Decimal256::percent(5),
                    alpha: Decimal256::zero(),
                    beta: Decimal256::zero(),
                    lambda_max: Decimal256::percent(150),
                },
                "sla": pool_sla(),
                "max_price_impact": Decimal256::percent(50),
            }
        });
        let res = self
            .app
            .execute_contract(self.admin.clone(), self.pool.clone(), &msg, &[])
            .expect("pool created");
        attr(&res, "pool_id").expect("pool id")
    }

    fn add_liquidity(&mut self, pool_id: u64, class: usize) {
        for (token, amount) in [(self.cu[class].clone(), Q0), (self.ai.clone(), P0)] {
            self.app
                .execute_contract(
                    self.lp.clone(),
                    token,
                    &Cw20ExecuteMsg::IncreaseAllowance {
                        spender: self.pool.to_string(),
                        amount: Uint128::new(amount),
                        expires: None,
                    },
                    &[],
                )
                .expect("allowance");
        }
        self.app
            .execute_contract(
                self.lp.clone(),
                self.pool.clone(),
                &hmm::pool::ExecuteMsg::AddLiquidity {
                    pool_id,
                    deposits: vec![ClassDeposit {
                        resource: Uint128::new(Q0),
                        credits: Uint128::new(P0),
                    }],
                    min_shares: Uint128::zero(),
                    deadline: None,
                },
                &[],
            )
            .expect("liquidity added");
    }

    pub fn now(&self) -> u64 {
        self.app.block_info().time.seconds()
    }

    /// Advance the chain by `seconds` (and a block).
    pub fn wait(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += 1;
        });
    }

    /// The SLA every pool meets.
    pub fn sla() -> SlaRequirement {
        SlaRequirement {
            regions: vec!["eu-west".to_string()],
            max_latency: Some(LatencyClass::Batch),
            min_privacy_tier: 1,
            tee_required: true,
        }
    }

    /// A spec for `lines` = (class, CU atoms), budget `max_spend`, deadlines START_IN / FINISH_IN from now.
    pub fn spec(&self, lines: &[(usize, u128)], max_spend: u128) -> JobSpec {
        let now = self.now();
        JobSpec {
            resources: lines
                .iter()
                .map(|(c, a)| BundleItem {
                    cu_token: self.cu[*c].to_string(),
                    amount: Uint128::new(*a),
                    pools: vec![],
                })
                .collect(),
            sla: Self::sla(),
            max_spend: Uint128::new(max_spend),
            start_by: now + START_IN,
            finish_by: now + FINISH_IN,
            input_commitment: "AB".repeat(32),
        }
    }

    /// The pool's current price of `lines` (what a submit would pay).
    pub fn route_cost(&self, spec: &JobSpec) -> Result<u128> {
        let r: hmm::pool::RouteResponse = self.app.wrap().query_wasm_smart(
            &self.pool,
            &hmm::pool::QueryMsg::Route {
                items: spec.resources.clone(),
                sla: spec.sla.clone(),
            },
        )?;
        Ok(r.total_cost.u128())
    }

    /// cw20 `Send` of `amount` of `token` to the registry with `SubmitJob`.
    pub fn submit_with(
        &mut self,
        client: &Addr,
        token: &Addr,
        amount: u128,
        spec: &JobSpec,
    ) -> Result<u64> {
        let res = self.app.execute_contract(
            client.clone(),
            token.clone(),
            &Cw20ExecuteMsg::Send {
                contract: self.registry.to_string(),
                amount: Uint128::new(amount),
                msg: to_json_binary(&ReceiveMsg::SubmitJob { spec: spec.clone() })?,
            },
            &[],
        )?;
        attr(&res, "job_id").ok_or_else(|| anyhow::anyhow!("no job_id"))
    }

    pub fn submit(&mut self, client: &Addr, amount: u128, spec: &JobSpec) -> Result<u64> {
        let ai = self.ai.clone();
        self.submit_with(client, &ai, amount, spec)
    }

    pub fn exec(&mut self, who: &Addr, msg: &ExecuteMsg) -> Result<AppResponse> {
        self.app
            .execute_contract(who.clone(), self.registry.clone(), msg, &[])
    }

    pub fn take(&mut self, worker: &Addr, job_id: u64) -> Result<AppResponse> {
        self.exec(worker, &ExecuteMsg::TakeJob { job_id })
    }

    pub fn start(&mut self, worker: &Addr, job_id: u64) -> Result<AppResponse> {
        self.exec(worker, &ExecuteMsg::StartJob { job_id })
    }

    pub fn cancel(&mut self, who: &Addr, job_id: u64, refund: RefundMode) -> Result<AppResponse> {
        self.exec(who, &ExecuteMsg::CancelJob { job_id, refund })
    }

    pub fn claim_timeout(&mut self, who: &Addr, job_id: u64) -> Result<AppResponse> {
        self.exec(who, &ExecuteMsg::ClaimTimeout { job_id })
    }

    fn poai_do(&mut self, msg: &mock_poai::ExecuteMsg) -> Result<AppResponse> {
        let admin = self.admin.clone();
        self.app
            .execute_contract(admin, self.poai.clone(), msg, &[])
    }

    /// poai records the attestation.
    pub fn attest(&mut self, job_id: u64) -> Result<AppResponse> {
        self.poai_do(&mock_poai::ExecuteMsg::Control(
            mock_poai::Control::Attest { job_id },
        ))
    }

    pub fn verdict(&mut self, job_id: u64, verdict: Verdict) -> Result<AppResponse> {
        self.poai_do(&mock_poai::ExecuteMsg::Control(
            mock_poai::Control::Verdict { job_id, verdict },
        ))
    }

    /// poai settles.
    pub fn settle(&mut self, job_id: u64, outcome: SettlementOutcome) -> Result<AppResponse> {
        self.poai_do(&mock_poai::ExecuteMsg::Control(
            mock_poai::Control::Settle { job_id, outcome },
        ))
    }

    pub fn set_eligible(&mut self, eligible: bool) {
        self.poai_do(&mock_poai::ExecuteMsg::Control(
            mock_poai::Control::SetEligible { eligible },
        ))
        .expect("mock control");
    }

    pub fn set_refuse_reports(&mut self, refuse: bool) {
        self.poai_do(&mock_poai::ExecuteMsg::Control(
            mock_poai::Control::SetRefuseReports { refuse },
        ))
        .expect("mock control");
    }

    pub fn assignment(&self, job_id: u64) -> Option<mock_poai::Assignment> {
        self.app
            .wrap()
            .query_wasm_smart(&self.poai, &mock_poai::QueryMsg::Assigned { job_id })
            .expect("mock query")
    }

    pub fn failure_report(&self, job_id: u64) -> Option<(String, mock_poai::FailureReason)> {
        self.app
            .wrap()
            .query_wasm_smart(&self.poai, &mock_poai::QueryMsg::Failed { job_id })
            .expect("mock query")
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T> {
        Ok(self.app.wrap().query_wasm_smart(&self.registry, msg)?)
    }

    pub fn job(&self, job_id: u64) -> JobResponse {
        self.query(&QueryMsg::Job { job_id }).expect("job query")
    }

    pub fn state(&self, job_id: u64) -> JobState {
        self.job(job_id).state
    }

    pub fn config(&self) -> ConfigResponse {
        self.query(&QueryMsg::Config {}).expect("config query")
    }

    pub fn total_escrow(&self) -> TotalEscrowResponse {
        self.query(&QueryMsg::TotalEscrow {}).expect("escrow query")
    }

    pub fn all_jobs(&self) -> Vec<JobResponse> {
        let mut out = vec![];
        let mut start_after = None;
        loop {
            let page: JobsResponse = self
                .query(&QueryMsg::Jobs {
                    start_after,
                    limit: Some(30),
                })
                .expect("jobs query");
            let Some(last) = page.jobs.last() else {
                return out;
            };
            start_after = Some(last.job_id);
            out.extend(page.jobs);
        }
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

    pub fn tokens(&self) -> Vec<Addr> {
        std::iter::once(self.ai.clone())
            .chain(self.cu.iter().cloned())
            .collect()
    }

    /// Every account that can hold tokens in these tests.
    pub fn accounts(&self) -> Vec<Addr> {
        let mut v = vec![
            self.admin.clone(),
            self.treasury.clone(),
            self.lp.clone(),
            self.attacker.clone(),
            self.pool.clone(),
            self.registry.clone(),
            self.poai.clone(),
        ];
        v.extend(self.clients.iter().cloned());
        v.extend(self.workers.iter().cloned());
        v
    }

    /// Sum of the balances of every known account.
    pub fn known_balances(&self, token: &Addr) -> u128 {
        self.accounts().iter().map(|a| self.balance(token, a)).sum()
    }

    pub fn snapshot(&self) -> Snapshot {
        let accounts = self.accounts();
        let tokens = self.tokens();
        let mut balances = vec![];
        for t in &tokens {
            for a in &accounts {
                balances.push(self.balance(t, a));
            }
        }
        let pools = self
            .pool_ids
            .iter()
            .map(|id| {
                let p: hmm::pool::PoolResponse = self
                    .app
                    .wrap()
                    .query_wasm_smart(&self.pool, &hmm::pool::QueryMsg::Pool { pool_id: *id })
                    .expect("pool query");
                format!("{:?}", p.classes)
            })
            .collect();
        Snapshot {
            balances,
            supplies: tokens.iter().map(|t| self.supply(t)).collect(),
            jobs: format!("{:?} {:?}", self.all_jobs(), self.total_escrow()),
            config: format!("{:?}", self.config()),
            pools,
        }
    }
}

/// The first attribute `key` of a response, parsed.
pub fn attr<T: std::str::FromStr>(res: &AppResponse, key: &str) -> Option<T> {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .and_then(|a| a.value.parse().ok())
}
