//! The job-registry suite: real `ai-token` instances ($AI and three CU tokens, 6 decimals), the real `hmm-pool`
//! with one bilinear pool per CU class, the registry, and the mock poai ([`crate::mock_poai`]); one method per
//! user action and the queries the assertions need.

use anyhow::Result;
use cosmwasm_std::{Addr, Decimal, Uint128};
use cw_multi_test::{App, AppResponse};
use hmm::job::{
    ConfigResponse, ExecuteMsg, JobResponse, JobSpec, JobState, JobsResponse, Limits, QueryMsg,
    ReceiveMsg, RefundMode, SettlementOutcome, TotalEscrowResponse, Verdict,
};
use hmm::pool::{SlaRequirement, SlaTags};
use hmm::router::BundleItem;
use job_registry::ContractError;

pub use crate::chain::{attr, Chain, PoolActions};
use crate::mock_poai;
use crate::stack::{PoaiSpec, PoolsSpec, RegistrySpec, StackBuilder, TokenSpec};

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
    with_orderbook: bool,
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
            with_orderbook: false,
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

    /// Add the order book, one market per CU token (lots of 1 CU, ticks of one $AI atom, 0.1 % / 0.3 % fees), used
    /// by the router and paid by the registry ([`Suite::orderbook`]).
    pub fn with_orderbook(mut self) -> Self {
        self.with_orderbook = true;
        self
    }

    /// Leave poai unset in the registry (instantiated "before poai exists").
    pub fn without_poai(mut self) -> Self {
        self.with_poai = false;
        self
    }

    pub fn build(self) -> Suite {
        let clients = ["client0", "client1", "client2"];
        let ai = TokenSpec::new("HMM HMMAI", "HMMAI", 6)
            .held(&["lp"], LP_BALANCE)
            .held(&["attacker"], CLIENT_AI)
            .held(&clients, CLIENT_AI);
        let mut b = StackBuilder::new()
            .roles("admin", "treasury", "minter")
            .ai(ai)
            .pool_per_class(PoolsSpec {
                sla: pool_sla(),
                seed: (Q0, P0),
                lp: "lp".to_string(),
            })
            .registry(RegistrySpec::Real(self.limits))
            .poai(PoaiSpec::Mock);
        for symbol in ["CU-GPU", "CU-VRAM", "CU-CPU"] {
            let cu = TokenSpec::new(&format!("HMM {symbol}"), symbol, 6)
                .held(&["lp"], LP_BALANCE)
                .held(&["attacker"], Q0);
            b = b.cu(cu);
        }
        if !self.with_poai {
            b = b.unwired();
        }
        if self.with_orderbook {
            b = b.orderbook();
        }
        let mut s = b.build();
        if let Some(book) = s.orderbook.clone() {
            let owner = s.owner.clone();
            for cu in s.cu.clone() {
                let market = hmm::orderbook::CreateMarketMsg {
                    base: hmm::asset::AssetInfo::cw20(cu),
                    lot_size: Uint128::new(1_000_000),
                    tick_size: Uint128::one(),
                    min_lots: Uint128::one(),
                    min_notional: Uint128::zero(),
                    maker_fee: None,
                    taker_fee: None,
                };
                s.call(
                    &owner,
                    &book,
                    &hmm::orderbook::ExecuteMsg::CreateMarket(market),
                )
                .expect("market created");
            }
        }
        Suite {
            lp: s.addr("lp"),
            attacker: s.addr("attacker"),
            clients: clients.iter().map(|c| s.addr(c)).collect(),
            workers: (0..3).map(|i| s.addr(&format!("worker{i}"))).collect(),
            pool: s.pool.expect("pool"),
            router: s.router.expect("router"),
            registry: s.registry.expect("registry"),
            poai: s.poai.expect("mock poai"),
            app: s.app,
            admin: s.owner,
            treasury: s.treasury,
            ai: s.ai,
            cu: s.cu,
            pool_ids: s.pool_ids,
            orderbook: s.orderbook,
        }
    }
}

pub struct Suite {
    pub app: App,
    /// The order book ([`SuiteBuilder::with_orderbook`]): market `i + 1` trades CU token `i`.
    pub orderbook: Option<Addr>,
    pub admin: Addr,
    pub treasury: Addr,
    pub lp: Addr,
    pub attacker: Addr,
    pub clients: Vec<Addr>,
    pub workers: Vec<Addr>,
    pub ai: Addr,
    pub cu: Vec<Addr>,
    pub pool: Addr,
    pub router: Addr,
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
    crate::chain::sla_tags(1)
}

impl Suite {
    /// The SLA every pool meets.
    pub fn sla() -> SlaRequirement {
        crate::chain::sla_requirement()
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

    /// The router's current price of `lines` (what a submit would pay).
    pub fn route_cost(&self, spec: &JobSpec) -> Result<u128> {
        let msg = hmm::router::QueryMsg::Route {
            trader: None,
            items: spec.resources.clone(),
            sla: spec.sla.clone(),
        };
        let r: hmm::router::RouteResponse = self.query_on(&self.router, &msg)?;
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
        let registry = self.registry.clone();
        let hook = ReceiveMsg::SubmitJob { spec: spec.clone() };
        let res = self.cw20_send(client, token, &registry, amount, &hook)?;
        attr(&res, "job_id").ok_or_else(|| anyhow::anyhow!("no job_id"))
    }

    pub fn submit(&mut self, client: &Addr, amount: u128, spec: &JobSpec) -> Result<u64> {
        let ai = self.ai.clone();
        self.submit_with(client, &ai, amount, spec)
    }

    pub fn exec(&mut self, who: &Addr, msg: &ExecuteMsg) -> Result<AppResponse> {
        let registry = self.registry.clone();
        self.call(who, &registry, msg)
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
        let (admin, poai) = (self.admin.clone(), self.poai.clone());
        self.call(&admin, &poai, msg)
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
        self.query_on(&self.poai, &mock_poai::QueryMsg::Assigned { job_id })
            .expect("mock query")
    }

    pub fn failure_report(&self, job_id: u64) -> Option<(String, mock_poai::FailureReason)> {
        self.query_on(&self.poai, &mock_poai::QueryMsg::Failed { job_id })
            .expect("mock query")
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T> {
        self.query_on(&self.registry, msg)
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
        self.balances_of(token, &self.accounts())
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
                    .query_on(&self.pool, &hmm::pool::QueryMsg::Pool { pool_id: *id })
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

crate::impl_chain!(Suite);
