//! The poai suite: real `ai-token` instances ($AI and one CU class, 6 decimals), the real `hmm-pool` (spot
//! prices), poai, and the mock job registry ([`crate::mock_registry`]: keeps jobs, answers `Job`, accepts
//! `RecordAttestation`, `RecordVerdict` and `Settle` from poai only, and calls poai's `JobAssigned` / `JobFailed`
//! on request), or the real `job-registry` ([`Suite::with_job_registry`]).

use anyhow::Result;
use cosmwasm_std::{Addr, Binary, Decimal256, Uint128};
use cw_multi_test::{App, AppResponse};
use hmm::job::{CuAmount as JobCuAmount, JobResponse, JobState, QueryMsg as JobQueryMsg};
use hmm::poai::{
    AttestationResponse, Capabilities, ConfigResponse, ExecuteMsg, FailureReason, Params, QueryMsg,
    ReceiveMsg, TeeType, TotalsResponse, Verdict, WorkerResponse,
};
use hmm::pool::{LatencyClass, SlaRequirement};
use sha2::{Digest, Sha256};

pub use crate::chain::{attr, Chain, PoolActions};
pub use crate::contracts::{poai_contract, token_contract};
pub use crate::keys::*;
pub use crate::mock_registry::{MockExec, MOCK_CALLS, MOCK_FEE_PERCENT, MOCK_LIMITS};
use crate::stack::{PoaiSpec, PoolsSpec, RegistrySpec, StackBuilder, TokenSpec};
pub use poai::ContractError;

pub const UNIT: u128 = 1_000_000;
pub const START_AI: u128 = 1_000_000 * UNIT;
pub const START_CU: u128 = 10_000 * UNIT;
/// Pool seed: 1000 CU against 2000 $AI → spot price 2 $AI atoms per CU atom.
pub const POOL_CU: u128 = 1_000 * UNIT;
pub const POOL_AI: u128 = 2_000 * UNIT;
pub const VERIFIER_MIN: u128 = 1_000 * UNIT;
/// The smallest first bond of a worker in the tests.
pub const WORKER_MIN: u128 = 100 * UNIT;
pub const EMISSION: u128 = 1_000 * UNIT;
pub const DEPOSIT: u128 = 25 * UNIT;
pub const EPOCH: u64 = 100;
pub const COMMIT: u64 = 50;
pub const REVEAL: u64 = 50;

/// The poai error of a failed execution (also when it failed in a sub-message, e.g. the registry's call).
pub fn err(e: anyhow::Error) -> ContractError {
    match e.downcast::<ContractError>() {
        Ok(c) => c,
        Err(e) => panic!("not a poai ContractError: {e:?}"),
    }
}

pub struct Suite {
    pub app: App,
    pub owner: Addr,
    pub treasury: Addr,
    pub lp: Addr,
    pub client: Addr,
    pub workers: Vec<Addr>,
    pub verifiers: Vec<Addr>,
    pub anyone: Addr,
    pub ai: Addr,
    pub cu: Addr,
    pub pool: Addr,
    /// The router over the pool contract (the suite's pools registered).
    pub router: Addr,
    pub pool_id: u64,
    pub poai: Addr,
    pub registry: Addr,
    pub ai_start_supply: u128,
    pub cu_start_supply: u128,
    /// More token holders to count in conservation checks (e.g. a real registry).
    pub holders_extra: Vec<Addr>,
}

/// What a refused message's error must be: [`is`] an error, or [`like`] a pattern.
pub struct Expect(Box<dyn Fn(&ContractError) -> bool>);

impl Expect {
    /// Whether `e` is the error expected.
    pub fn accepts(&self, e: &ContractError) -> bool {
        (self.0)(e)
    }
}

/// The error must equal `expected`.
pub fn is(expected: ContractError) -> Expect {
    Expect(Box::new(move |e| *e == expected))
}

/// `InvalidParam` of the parameter `name`.
pub fn invalid_param(name: &'static str) -> Expect {
    Expect(Box::new(
        move |e| matches!(e, ContractError::InvalidParam { name: n, .. } if *n == name),
    ))
}

/// `InvalidInput` of the field `field`.
pub fn invalid_input(field: &'static str) -> Expect {
    Expect(Box::new(
        move |e| matches!(e, ContractError::InvalidInput { field: f, .. } if *f == field),
    ))
}

/// The error must pass `check`, e.g. `like(|e| matches!(e, ContractError::InvalidParam { name: "x", .. }))`.
pub fn like(check: fn(&ContractError) -> bool) -> Expect {
    Expect(Box::new(check))
}

/// A case of a refusal table: its name, the sender, the message, the error expected.
pub type Refusal = (&'static str, Addr, ExecuteMsg, Expect);

/// Something a test does to the suite, e.g. `Box::new(|s| s.offer(&w, 0))`.
pub type Action = Box<dyn FnOnce(&mut Suite) -> Result<AppResponse>>;

/// A case of a parameter table: its name, the change to the parameters, the error expected.
pub type ParamRefusal = (&'static str, fn(&mut Params), Expect);

/// `UpdateConfig` of the parameters alone.
pub fn update_params(params: Params) -> ExecuteMsg {
    update_config(hmm::poai::ConfigUpdate {
        params: Some(params),
        ..Default::default()
    })
}

/// `UpdateConfig`.
pub fn update_config(update: hmm::poai::ConfigUpdate) -> ExecuteMsg {
    ExecuteMsg::UpdateConfig(update)
}

pub fn test_params() -> Params {
    Params {
        collateral_ratio: Decimal256::percent(150),
        quality_alpha: Decimal256::percent(10),
        initial_quality: Decimal256::percent(50),
        low_quality_threshold: Decimal256::percent(50),
        low_quality_epochs: 7,
        heartbeat_timeout: 600,
        slash_fraction: Decimal256::percent(10),
        denial_window: 600,
        unbonding_period: 2_000,
        epoch_length: EPOCH,
        sample_rate: Decimal256::zero(),
        commit_period: COMMIT,
        reveal_period: REVEAL,
        max_verifiers_per_job: 3,
        verifier_min_bond: Uint128::new(VERIFIER_MIN),
        worker_min_bond: Uint128::new(WORKER_MIN),
        poai_bonus_rate: Decimal256::percent(5),
        verifier_bonus_share: Decimal256::percent(20),
        emission_per_epoch: Uint128::new(EMISSION),
        emission_validators: Decimal256::percent(35),
        emission_workers: Decimal256::percent(50),
        emission_curators: Decimal256::percent(10),
        experience_deposit: Uint128::new(DEPOSIT),
    }
}

pub fn caps() -> Capabilities {
    Capabilities {
        gpu_model: "H100-SXM".to_string(),
        gpu_count: 8,
        vram_gb: 80,
        cpu_cores: 64,
        bandwidth_mbps: 10_000,
        disk_gb: 4_000,
        region: "eu-west".to_string(),
        latency: LatencyClass::Interactive,
        privacy_tier: 2,
        tee: TeeType::NvidiaCc,
    }
}

pub fn sla() -> SlaRequirement {
    SlaRequirement {
        regions: vec!["eu-west".to_string()],
        max_latency: Some(LatencyClass::Batch),
        min_privacy_tier: 1,
        tee_required: true,
    }
}

impl Default for Suite {
    fn default() -> Self {
        Self::new()
    }
}

impl Suite {
    /// `client` submits a job of `cu` CU of the suite's class to the real job `registry` (2,000 $AI sent, the
    /// change returned; `start_by` in `duration / 2`, `finish_by` in `duration`); the job's id.
    pub fn submit_job(&mut self, client: &Addr, registry: &Addr, cu: u128, duration: u64) -> u64 {
        let now = self.now();
        let spec = hmm::job::JobSpec {
            resources: vec![hmm::router::BundleItem {
                cu_token: self.cu.to_string(),
                amount: Uint128::new(cu),
                pools: vec![],
            }],
            sla: sla(),
            max_spend: Uint128::new(1_000 * UNIT),
            start_by: now + duration / 2,
            finish_by: now + duration,
            input_commitment: hex(&input_of(0)),
        };
        let ai = self.ai.clone();
        let hook = hmm::job::ReceiveMsg::SubmitJob { spec };
        let res = self
            .cw20_send(client, &ai, registry, 2_000 * UNIT, &hook)
            .expect("job submitted");
        attr(&res, "job_id").expect("job id")
    }

    /// Everything deployed, the pool seeded, poai the minter of $AI and the CU token, the class declared.
    pub fn new() -> Suite {
        Self::with_params(test_params())
    }

    pub fn with_params(params: Params) -> Suite {
        Self::build(StackBuilder::new().registry(RegistrySpec::Mock), params)
    }

    /// poai without a registry (the mock is deployed but not wired).
    pub fn without_registry() -> Suite {
        Self::build(
            StackBuilder::new().registry(RegistrySpec::Mock).unwired(),
            test_params(),
        )
    }

    /// The suite with poai wired to a real `job-registry` (the real pool and tokens, `limits`) instead of the
    /// mock.
    pub fn with_job_registry(limits: hmm::job::Limits) -> Suite {
        Self::build(
            StackBuilder::new().registry(RegistrySpec::Real(Some(limits))),
            test_params(),
        )
    }

    fn build(builder: StackBuilder, params: Params) -> Suite {
        let workers: Vec<String> = (0..3).map(|i| format!("worker{i}")).collect();
        let verifiers: Vec<String> = (0..4).map(|i| format!("verifier{i}")).collect();
        let mut ai_holders = vec!["lp", "client", "anyone"];
        ai_holders.extend(workers.iter().map(String::as_str));
        ai_holders.extend(verifiers.iter().map(String::as_str));
        let s = builder
            .roles("owner", "treasury", "owner")
            .ai(TokenSpec::new("HMMAI token", "HMMAI", 6).held(&ai_holders, START_AI))
            .cu(TokenSpec::new("CUGPU token", "CUGPU", 6).held(&["lp", "client"], START_CU))
            .pool_per_class(PoolsSpec {
                sla: crate::chain::sla_tags(2),
                seed: (POOL_CU, POOL_AI),
                lp: "lp".to_string(),
            })
            .poai(PoaiSpec::Real(Box::new(params)))
            .build();
        let mut s = Suite {
            lp: s.addr("lp"),
            client: s.addr("client"),
            anyone: s.addr("anyone"),
            workers: workers.iter().map(|w| s.addr(w)).collect(),
            verifiers: verifiers.iter().map(|v| s.addr(v)).collect(),
            cu: s.cu[0].clone(),
            pool: s.pool.expect("pool"),
            router: s.router.expect("router"),
            pool_id: s.pool_ids[0],
            poai: s.poai.expect("poai"),
            registry: s.registry.expect("registry"),
            app: s.app,
            owner: s.owner,
            treasury: s.treasury,
            ai: s.ai,
            ai_start_supply: 0,
            cu_start_supply: 0,
            holders_extra: vec![],
        };
        s.ai_start_supply = s.supply(&s.ai);
        s.cu_start_supply = s.supply(&s.cu);
        s
    }

    // ----- calls -----

    pub fn exec(&mut self, who: &Addr, msg: &ExecuteMsg) -> Result<AppResponse> {
        let poai = self.poai.clone();
        self.call(who, &poai, msg)
    }

    pub fn send(
        &mut self,
        who: &Addr,
        token: &Addr,
        amount: u128,
        hook: &ReceiveMsg,
    ) -> Result<AppResponse> {
        let poai = self.poai.clone();
        self.cw20_send(who, token, &poai, amount, hook)
    }

    /// The `Register` message for `key` with its proof of possession for `worker` here.
    pub fn register_msg(&self, worker: &Addr, key: &Key) -> ExecuteMsg {
        ExecuteMsg::Register {
            capabilities: caps(),
            enclave_keys: key.keys(),
            possession: key.possession(&self.chain_id(), &self.poai, worker),
        }
    }

    /// The $AI hook that registers a new worker with `key`.
    pub fn register_hook(&self, worker: &Addr, key: &Key) -> ReceiveMsg {
        ReceiveMsg::Register {
            capabilities: caps(),
            enclave_keys: key.keys(),
            possession: key.possession(&self.chain_id(), &self.poai, worker),
        }
    }

    /// Registers a new worker with `key` and a first bond of `bond`.
    pub fn register_bonded(&mut self, worker: &Addr, key: &Key, bond: u128) -> Result<AppResponse> {
        let (ai, msg) = (self.ai.clone(), self.register_hook(worker, key));
        self.send(worker, &ai, bond, &msg)
    }

    /// A new worker registers with the minimum bond ([`WORKER_MIN`]); a registered one updates its keys.
    pub fn register(&mut self, worker: &Addr, key: &Key) -> Result<AppResponse> {
        let registered = self
            .q::<WorkerResponse>(&QueryMsg::Worker {
                worker: worker.to_string(),
            })
            .is_ok();
        if registered {
            let msg = self.register_msg(worker, key);
            self.exec(worker, &msg)
        } else {
            self.register_bonded(worker, key, WORKER_MIN)
        }
    }

    pub fn bond(&mut self, worker: &Addr, amount: u128) -> Result<AppResponse> {
        let ai = self.ai.clone();
        self.send(worker, &ai, amount, &ReceiveMsg::Bond {})
    }

    pub fn offer(&mut self, worker: &Addr, raw: u128) -> Result<AppResponse> {
        let cu = self.cu.to_string();
        self.exec(
            worker,
            &ExecuteMsg::OfferCapacity {
                cu_token: cu,
                raw_amount: Uint128::new(raw),
            },
        )
    }

    /// Register with `key`, bond `bond`, offer `raw` (minted ⌊q·raw⌋).
    pub fn onboard(&mut self, worker: &Addr, key: &Key, bond: u128, raw: u128) {
        self.register_bonded(worker, key, bond).expect("register");
        if raw > 0 {
            self.offer(worker, raw).expect("offer");
        }
    }

    pub fn register_verifier(&mut self, v: &Addr, amount: u128) -> Result<AppResponse> {
        let ai = self.ai.clone();
        self.send(v, &ai, amount, &ReceiveMsg::RegisterVerifier {})
    }

    /// The client locks `cu` CU in a new job at the registry (transfer) and the registry records it.
    pub fn create_job(
        &mut self,
        job_id: u64,
        cu: u128,
        value: u128,
        duration: u64,
    ) -> Result<AppResponse> {
        let finish_by = self.now() + duration;
        self.create_job_with(job_id, cu, value, finish_by, sla())
    }

    pub fn create_job_with(
        &mut self,
        job_id: u64,
        cu: u128,
        value: u128,
        finish_by: u64,
        sla: SlaRequirement,
    ) -> Result<AppResponse> {
        let (client, token, registry) =
            (self.client.clone(), self.cu.clone(), self.registry.clone());
        self.cw20_transfer(&client, &token, &registry, cu)?;
        let msg = MockExec::CreateJob {
            job_id,
            client: client.to_string(),
            cu: vec![JobCuAmount {
                token: token.to_string(),
                amount: Uint128::new(cu),
            }],
            value: Uint128::new(value),
            finish_by,
            input_commitment: hex(&input_of(job_id)),
            sla,
        };
        self.call(&client, &registry, &msg)
    }

    pub fn take(&mut self, job_id: u64, worker: &Addr) -> Result<AppResponse> {
        let msg = MockExec::Take {
            job_id,
            worker: worker.to_string(),
        };
        self.registry_do(&msg)
    }

    pub fn fail(&mut self, job_id: u64, reason: FailureReason) -> Result<AppResponse> {
        self.registry_do(&MockExec::Fail { job_id, reason })
    }

    /// A control message of the mock registry, sent by `anyone`.
    fn registry_do(&mut self, msg: &MockExec) -> Result<AppResponse> {
        let (anyone, registry) = (self.anyone.clone(), self.registry.clone());
        self.call(&anyone, &registry, msg)
    }

    /// What the job's worker signs by default for `job_id` (the worker as poai stored it; `workers[0]` for a job
    /// poai does not know).
    pub fn signed(&self, job_id: u64, io_root: Option<[u8; 32]>) -> Signed {
        let worker = self
            .q::<AttestationResponse>(&QueryMsg::Attestation { job_id })
            .map(|j| j.worker.to_string())
            .unwrap_or_else(|_| self.workers[0].to_string());
        Signed {
            job_id,
            worker,
            input: input_of(job_id),
            output: output_of(job_id),
            io_root: io_root.unwrap_or_else(|| sha(b"io root")),
            tee: sha(b"tee report"),
            proof: None,
            used: None,
        }
    }

    /// The v1 digest of `s` on this chain and this poai.
    pub fn digest_of(&self, s: &Signed) -> [u8; 32] {
        attest_digest(&self.chain_id(), self.poai.as_str(), s)
    }

    /// An `Attest` carrying the fields of `s` and `signature`.
    pub fn attest_with(s: &Signed, signature: Binary) -> ExecuteMsg {
        ExecuteMsg::Attest {
            job_id: s.job_id,
            output_commitment: hex(&s.output),
            io_merkle_root: hex(&s.io_root),
            tee_report_hash: hex(&s.tee),
            signature,
            proof_hash: s.proof.map(|p| hex(&p)),
            used: s.used.clone(),
        }
    }

    /// `Attest` of `s`, signed by `key` over its v1 digest here.
    pub fn attest_signed(&self, s: &Signed, key: &Key) -> ExecuteMsg {
        Self::attest_with(s, key.sign(&self.digest_of(s)))
    }

    pub fn attest_msg(&self, job_id: u64, key: &Key, io_root: Option<String>) -> ExecuteMsg {
        let root = io_root.map(|r| {
            let b: Vec<u8> = (0..32)
                .map(|i| u8::from_str_radix(&r[2 * i..2 * i + 2], 16).expect("hex"))
                .collect();
            <[u8; 32]>::try_from(b).expect("32 bytes")
        });
        self.attest_signed(&self.signed(job_id, root), key)
    }

    pub fn attest(&mut self, worker: &Addr, job_id: u64, key: &Key) -> Result<AppResponse> {
        let msg = self.attest_msg(job_id, key, None);
        self.exec(worker, &msg)
    }

    pub fn finalize(&mut self, job_id: u64) -> Result<AppResponse> {
        let anyone = self.anyone.clone();
        self.exec(&anyone, &ExecuteMsg::Finalize { job_id })
    }

    pub fn set_params(&mut self, f: impl FnOnce(&mut Params)) {
        let mut p = self.config().params;
        f(&mut p);
        let owner = self.owner.clone();
        self.exec(&owner, &update_params(p))
            .expect("params updated");
    }

    /// Runs a case table: each message, sent by its sender, must be refused with an error its check accepts, and
    /// change nothing (the [`Suite::snapshot`]).
    pub fn assert_refusals(&mut self, cases: Vec<Refusal>) {
        let actions = cases
            .into_iter()
            .map(|(name, who, msg, expect)| {
                let action: Action = Box::new(move |s: &mut Suite| s.exec(&who, &msg));
                (name, action, expect)
            })
            .collect();
        self.assert_refused_actions(actions);
    }

    /// Runs a case table of any actions (a cw20 hook, a take through the registry, …): each must be refused with
    /// an error its check accepts, and change nothing.
    pub fn assert_refused_actions(&mut self, cases: Vec<(&'static str, Action, Expect)>) {
        for (name, action, expect) in cases {
            let snap = self.snapshot();
            let e = err(action(self).expect_err(name));
            assert!(expect.accepts(&e), "{name}: refused with {e:?}");
            assert_eq!(
                self.snapshot(),
                snap,
                "{name}: the refusal changed something"
            );
        }
    }

    /// [`Suite::assert_refusals`] of `UpdateConfig` by the owner with `base` changed by each case's mutation.
    pub fn assert_param_refusals(&mut self, base: &Params, cases: Vec<ParamRefusal>) {
        let owner = self.owner.clone();
        let cases = cases
            .into_iter()
            .map(|(name, mutate, expect)| {
                let mut p = base.clone();
                mutate(&mut p);
                (name, owner.clone(), update_params(p), expect)
            })
            .collect();
        self.assert_refusals(cases);
    }

    /// A verdict commitment computed off chain.
    pub fn commitment(
        &self,
        job_id: u64,
        verdict: Verdict,
        salt: &[u8],
        verifier: &Addr,
    ) -> String {
        let mut h = Sha256::new();
        h.update(job_id.to_be_bytes());
        h.update([match verdict {
            Verdict::Valid => 1u8,
            Verdict::Invalid => 0u8,
        }]);
        h.update(salt);
        h.update(verifier.as_bytes());
        hex(&h.finalize())
    }

    // ----- queries -----

    pub fn q<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T> {
        self.query_on(&self.poai, msg)
    }

    pub fn config(&self) -> ConfigResponse {
        self.q(&QueryMsg::Config {}).expect("config")
    }

    pub fn worker(&self, w: &Addr) -> WorkerResponse {
        self.q(&QueryMsg::Worker {
            worker: w.to_string(),
        })
        .expect("worker")
    }

    pub fn job(&self, job_id: u64) -> AttestationResponse {
        self.q(&QueryMsg::Attestation { job_id }).expect("job")
    }

    pub fn registry_job(&self, job_id: u64) -> JobResponse {
        self.query_on(&self.registry, &JobQueryMsg::Job { job_id })
            .expect("registry job")
    }

    /// Whether `w` may take a job of `cu` of this suite's CU token under [`sla`].
    pub fn eligibility(&self, w: &Addr, cu: u128) -> hmm::poai::EligibilityResponse {
        self.q(&QueryMsg::Eligibility {
            worker: w.to_string(),
            cu: vec![hmm::poai::CuAmount {
                token: self.cu.to_string(),
                amount: Uint128::new(cu),
            }],
            sla: sla(),
        })
        .expect("eligibility")
    }

    pub fn totals(&self) -> TotalsResponse {
        self.q(&QueryMsg::Totals {}).expect("totals")
    }

    pub fn calls(&self, name: &str) -> u32 {
        let raw = self
            .app
            .wrap()
            .query_wasm_raw(&self.registry, MOCK_CALLS.key(name).to_vec())
            .expect("raw query");
        raw.and_then(|b| cosmwasm_std::from_json::<u32>(&b).ok())
            .unwrap_or(0)
    }

    /// Every holder of a token we know of.
    pub fn holders(&self) -> Vec<Addr> {
        let mut all = vec![
            self.owner.clone(),
            self.treasury.clone(),
            self.lp.clone(),
            self.client.clone(),
            self.anyone.clone(),
            self.pool.clone(),
            self.poai.clone(),
            self.registry.clone(),
        ];
        all.extend(self.workers.iter().cloned());
        all.extend(self.verifiers.iter().cloned());
        all.extend(self.holders_extra.iter().cloned());
        all
    }

    pub fn known_balances(&self, token: &Addr) -> u128 {
        self.balances_of(token, &self.holders())
    }

    /// Everything a refused message must leave unchanged: poai's totals and config, every worker, every balance.
    pub fn snapshot(&self) -> String {
        let workers: Vec<String> = self
            .workers
            .iter()
            .map(|w| {
                self.q::<WorkerResponse>(&QueryMsg::Worker {
                    worker: w.to_string(),
                })
                .map(|r| format!("{r:?}"))
                .unwrap_or_default()
            })
            .collect();
        let balances: Vec<u128> = self
            .holders()
            .iter()
            .flat_map(|h| [self.balance(&self.ai, h), self.balance(&self.cu, h)])
            .collect();
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}",
            self.totals(),
            self.config(),
            workers,
            balances,
            (self.supply(&self.ai), self.supply(&self.cu))
        )
    }

    /// The job fees a real registry (in `holders_extra`) burned: the fee of every job it settled as a success.
    pub fn fees_burned(&self) -> u128 {
        let mut burned = 0;
        for registry in &self.holders_extra {
            let mut start_after = None;
            loop {
                let page: hmm::job::JobsResponse = match self.query_on(
                    registry,
                    &JobQueryMsg::Jobs {
                        start_after,
                        limit: Some(30),
                    },
                ) {
                    Ok(page) => page,
                    Err(_) => break,
                };
                let Some(last) = page.jobs.last().map(|j| j.job_id) else {
                    break;
                };
                burned += page
                    .jobs
                    .iter()
                    .filter(|j| j.state == JobState::Settled)
                    .map(|j| j.fee.u128())
                    .sum::<u128>();
                start_after = Some(last);
            }
        }
        burned
    }

    /// Checks the $AI books: supply = known balances; supply = start + minted − burned; poai's balance = what it owes.
    pub fn assert_ai_conserved(&self) {
        let t = self.totals();
        let supply = self.supply(&self.ai);
        assert_eq!(supply, self.known_balances(&self.ai), "supply = Σ balances");
        assert_eq!(
            supply,
            self.ai_start_supply + t.minted.u128() - t.burned.u128() - self.fees_burned(),
            "supply = start + minted − burned"
        );
        let owed = t.worker_bonds + t.verifier_bonds + t.claims + t.deposits + t.reward_reserve;
        assert_eq!(
            self.balance(&self.ai, &self.poai),
            owed.u128(),
            "poai holds what it owes"
        );
    }

    /// CU supply = start supply + Σ open obligations over the workers.
    pub fn assert_cu_conserved(&self) {
        let open: u128 = self
            .workers
            .iter()
            .map(|w| {
                self.q::<hmm::poai::ObligationsResponse>(&QueryMsg::Obligations {
                    worker: w.to_string(),
                })
                .map(|r| r.obligations.iter().map(|o| o.open.u128()).sum::<u128>())
                .unwrap_or(0)
            })
            .sum();
        assert_eq!(
            self.supply(&self.cu),
            self.cu_start_supply + open,
            "CU supply = start + Σ open"
        );
        assert_eq!(
            self.supply(&self.cu),
            self.known_balances(&self.cu),
            "CU supply = Σ balances"
        );
    }
}

crate::impl_chain!(Suite);
