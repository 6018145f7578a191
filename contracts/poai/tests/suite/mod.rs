//! Suite builder for poai on cw-multi-test: real `ai-token` instances ($AI and one CU class), the real `hmm-pool`
//! (spot prices), poai, and a small mock job registry that keeps jobs, answers `Job`, accepts `RecordAttestation`,
//! `RecordVerdict` and `Settle` from poai only, and calls poai's `JobAssigned` / `JobFailed` on request.

#![allow(dead_code)]

use anyhow::{bail, Result};
use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Decimal256, Deps, DepsMut, Empty, Env, MessageInfo, Response,
    Uint128, WasmMsg,
};
use cw20::{
    BalanceResponse, Cw20Coin, Cw20ExecuteMsg, Cw20QueryMsg, MinterResponse, TokenInfoResponse,
};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use cw_storage_plus::{Item, Map};
use hmm::job::{
    CloseReason, CuAmount as JobCuAmount, JobResponse, JobState, QueryMsg as JobQueryMsg,
    SettlementOutcome, Verdict as JobVerdict,
};
use hmm::poai::{
    AttestationResponse, Capabilities, ConfigResponse, CuAmount, EnclaveKeySignatures, EnclaveKeys,
    ExecuteMsg, FailureReason, InstantiateMsg, Params, QueryMsg, ReceiveMsg, TeeType,
    TotalsResponse, Verdict, WorkerResponse,
};
use hmm::pool::{
    ClassDeposit, ClassParams, CreatePoolMsg, CurvatureConfig, CurveKind, LatencyClass,
    SlaRequirement, SlaTags,
};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use sha2::{Digest, Sha256};

pub use poai::ContractError;

// ---------------------------------------------------------------------------------------------------------------
// Amounts (6-decimal tokens)
// ---------------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------------
// Mock job registry
// ---------------------------------------------------------------------------------------------------------------

#[cw_serde]
pub struct MockInit {}

#[cw_serde]
pub enum MockExec {
    /// Test only: create a job; the CU (`cu`) must already be held by the registry (the client transfers them).
    CreateJob {
        job_id: u64,
        client: String,
        cu: Vec<JobCuAmount>,
        value: Uint128,
        finish_by: u64,
        input_commitment: String,
        sla: SlaRequirement,
    },
    /// Test only: the worker takes the job: the registry calls poai `JobAssigned`.
    Take {
        job_id: u64,
        worker: String,
    },
    /// Test only: a timeout: the registry calls poai `JobFailed`.
    Fail {
        job_id: u64,
        reason: FailureReason,
    },
    /// Test only: set poai.
    SetPoai {
        poai: String,
    },
    // The registry's real messages poai sends (same JSON as `hmm::job::ExecuteMsg`).
    RecordAttestation {
        job_id: u64,
    },
    RecordVerdict {
        job_id: u64,
        verdict: JobVerdict,
    },
    Settle {
        job_id: u64,
        outcome: SettlementOutcome,
    },
}

const MOCK_POAI: Item<Addr> = Item::new("poai");
const MOCK_JOBS: Map<u64, JobResponse> = Map::new("jobs");
/// How often each poai hook was received.
pub const MOCK_CALLS: Map<&str, u32> = Map::new("calls");

fn bump(deps: &mut DepsMut, name: &str) -> Result<()> {
    let n = MOCK_CALLS.may_load(deps.storage, name)?.unwrap_or(0);
    MOCK_CALLS.save(deps.storage, name, &(n + 1))?;
    Ok(())
}

fn mock_instantiate(_: DepsMut, _: Env, _: MessageInfo, _: MockInit) -> Result<Response> {
    Ok(Response::new())
}

fn only_poai(deps: &DepsMut, info: &MessageInfo) -> Result<()> {
    if MOCK_POAI.load(deps.storage)? != info.sender {
        bail!("mock registry: only poai");
    }
    Ok(())
}

fn mock_execute(mut deps: DepsMut, env: Env, info: MessageInfo, msg: MockExec) -> Result<Response> {
    match msg {
        MockExec::SetPoai { poai } => {
            MOCK_POAI.save(deps.storage, &Addr::unchecked(poai))?;
            Ok(Response::new())
        }
        MockExec::CreateJob {
            job_id,
            client,
            cu,
            value,
            finish_by,
            input_commitment,
            sla,
        } => {
            let now = env.block.time.seconds();
            let job = JobResponse {
                job_id,
                client: Addr::unchecked(client),
                worker: None,
                state: JobState::Open,
                cu,
                purchase: vec![],
                sla,
                input_commitment,
                max_spend: value,
                value,
                escrow: Uint128::zero(),
                // The registry's largest job fee (10 %): the reward credit (9 % of V) then covers the default
                // PoAI bonus (5 % of V), so most tests see the uncapped bonus; the cap has its own tests.
                fee: value.multiply_ratio(MOCK_FEE_PERCENT, 100u128),
                start_by: finish_by,
                finish_by,
                settle_by: finish_by + 86_400,
                timeout_at: Some(finish_by),
                submitted_at: now,
                assigned_at: None,
                started_at: None,
                attested_at: None,
                closed_at: None,
                close_reason: None,
                used: vec![],
            };
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            Ok(Response::new())
        }
        MockExec::Take { job_id, worker } => {
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            job.worker = Some(Addr::unchecked(&worker));
            job.state = JobState::Assigned;
            job.assigned_at = Some(env.block.time.seconds());
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            let poai = MOCK_POAI.load(deps.storage)?;
            let msg = ExecuteMsg::JobAssigned {
                job_id,
                worker,
                client: job.client.to_string(),
                cu: job
                    .cu
                    .iter()
                    .map(|c| CuAmount {
                        token: c.token.clone(),
                        amount: c.amount,
                    })
                    .collect(),
                sla: job.sla.clone(),
                value: job.value,
                fee: job.fee,
                finish_by: job.finish_by,
            };
            Ok(Response::new().add_message(WasmMsg::Execute {
                contract_addr: poai.to_string(),
                msg: to_json_binary(&msg)?,
                funds: vec![],
            }))
        }
        MockExec::Fail { job_id, reason } => {
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            let worker = job
                .worker
                .clone()
                .map(|w| w.to_string())
                .unwrap_or_default();
            let state = job.state;
            job.state = JobState::Expired;
            job.close_reason = Some(CloseReason::Timeout { state });
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            let poai = MOCK_POAI.load(deps.storage)?;
            let mut resp = refund_all(&job)?;
            resp = resp.add_message(WasmMsg::Execute {
                contract_addr: poai.to_string(),
                msg: to_json_binary(&ExecuteMsg::JobFailed {
                    job_id,
                    worker,
                    reason,
                })?,
                funds: vec![],
            });
            Ok(resp)
        }
        MockExec::RecordAttestation { job_id } => {
            only_poai(&deps, &info)?;
            bump(&mut deps, "record_attestation")?;
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            if !matches!(job.state, JobState::Assigned | JobState::Running) {
                bail!("mock registry: job {job_id} is not assigned");
            }
            job.state = JobState::Attested;
            job.attested_at = Some(env.block.time.seconds());
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            Ok(Response::new())
        }
        MockExec::RecordVerdict { job_id, verdict } => {
            only_poai(&deps, &info)?;
            bump(&mut deps, "record_verdict")?;
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            job.state = match verdict {
                JobVerdict::Verified => JobState::Verified,
                JobVerdict::Disputed => JobState::Disputed,
            };
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            Ok(Response::new())
        }
        MockExec::Settle { job_id, outcome } => {
            only_poai(&deps, &info)?;
            bump(&mut deps, "settle")?;
            let mut job = MOCK_JOBS.load(deps.storage, job_id)?;
            if job.state.is_final() {
                bail!("mock registry: job {job_id} is closed");
            }
            let resp = match &outcome {
                SettlementOutcome::Success { used } => {
                    let mut resp = Response::new();
                    for line in &job.cu {
                        let u = used
                            .iter()
                            .find(|x| x.token == line.token)
                            .map(|x| x.amount)
                            .unwrap_or_default();
                        if u > line.amount {
                            bail!("mock registry: used more than locked");
                        }
                        if !u.is_zero() {
                            resp = resp.add_message(WasmMsg::Execute {
                                contract_addr: line.token.clone(),
                                msg: to_json_binary(&Cw20ExecuteMsg::Burn { amount: u })?,
                                funds: vec![],
                            });
                        }
                        let rebate = line.amount - u;
                        if !rebate.is_zero() {
                            resp = resp.add_message(transfer(&line.token, &job.client, rebate)?);
                        }
                    }
                    job.state = JobState::Settled;
                    job.used = used.clone();
                    job.close_reason = Some(CloseReason::Completed);
                    resp
                }
                SettlementOutcome::Failure { reason } => {
                    job.state = JobState::Failed;
                    job.close_reason = Some(CloseReason::Failed {
                        reason: reason.clone(),
                    });
                    refund_all(&job)?
                }
            };
            MOCK_JOBS.save(deps.storage, job_id, &job)?;
            Ok(resp)
        }
    }
}

fn transfer(token: &str, to: &Addr, amount: Uint128) -> Result<WasmMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
            recipient: to.to_string(),
            amount,
        })?,
        funds: vec![],
    })
}

fn refund_all(job: &JobResponse) -> Result<Response> {
    let mut resp = Response::new();
    for line in &job.cu {
        resp = resp.add_message(transfer(&line.token, &job.client, line.amount)?);
    }
    Ok(resp)
}

#[derive(serde::Serialize)]
struct MockConfig {
    limits: hmm::job::Limits,
}

/// The mock registry's limits: a day of settlement grace, jobs up to 1500 s (the test unbonding period is 2000 s,
/// verification 200 s).
pub const MOCK_LIMITS: hmm::job::Limits = hmm::job::Limits {
    max_resources: 8,
    max_job_duration: 1_500,
    settlement_grace: 86_400,
    job_fee_rate: cosmwasm_std::Decimal::percent(MOCK_FEE_PERCENT),
};

/// The mock registry's job fee, in percent of a job's value.
pub const MOCK_FEE_PERCENT: u64 = 10;

fn mock_query(deps: Deps, _: Env, msg: JobQueryMsg) -> Result<Binary> {
    match msg {
        JobQueryMsg::Job { job_id } => Ok(to_json_binary(&MOCK_JOBS.load(deps.storage, job_id)?)?),
        // What poai reads of the registry's config: its limits (checked against poai's timeline).
        JobQueryMsg::Config {} => Ok(to_json_binary(&MockConfig {
            limits: MOCK_LIMITS,
        })?),
        _ => bail!("mock registry: unsupported query"),
    }
}

pub fn mock_registry() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        mock_execute,
        mock_instantiate,
        mock_query,
    ))
}

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

pub fn poai_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            poai::contract::execute,
            poai::contract::instantiate,
            poai::contract::query,
        )
        .with_migrate(poai::contract::migrate),
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Enclave keys
// ---------------------------------------------------------------------------------------------------------------

/// An enclave key pair.
pub enum Key {
    Secp(k256::ecdsa::SigningKey),
    Ed(ed25519_zebra::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl Key {
    pub fn secp(seed: u8) -> Key {
        let bytes = [seed.max(1); 32];
        Key::Secp(k256::ecdsa::SigningKey::from_bytes(&bytes.into()).expect("valid scalar"))
    }

    pub fn p256(seed: u8) -> Key {
        let bytes = [seed.max(1); 32];
        Key::P256(p256::ecdsa::SigningKey::from_bytes(&bytes.into()).expect("valid scalar"))
    }

    pub fn ed(seed: u8) -> Key {
        Key::Ed(ed25519_zebra::SigningKey::from([seed; 32]))
    }

    pub fn public(&self) -> Binary {
        match self {
            Key::Secp(k) => {
                Binary::from(k.verifying_key().to_encoded_point(true).as_bytes().to_vec())
            }
            Key::P256(k) => {
                Binary::from(k.verifying_key().to_encoded_point(true).as_bytes().to_vec())
            }
            Key::Ed(k) => {
                let vk = ed25519_zebra::VerificationKeyBytes::from(k);
                Binary::from(vk.as_ref().to_vec())
            }
        }
    }

    pub fn keys(&self) -> EnclaveKeys {
        match self {
            Key::Secp(_) => EnclaveKeys {
                secp256k1: Some(self.public()),
                ed25519: None,
                secp256r1: None,
            },
            Key::Ed(_) => EnclaveKeys {
                secp256k1: None,
                ed25519: Some(self.public()),
                secp256r1: None,
            },
            Key::P256(_) => EnclaveKeys {
                secp256k1: None,
                ed25519: None,
                secp256r1: Some(self.public()),
            },
        }
    }

    /// "secp256k1", "secp256r1" or "ed25519".
    pub fn key_type(&self) -> &'static str {
        match self {
            Key::Secp(_) => "secp256k1",
            Key::P256(_) => "secp256r1",
            Key::Ed(_) => "ed25519",
        }
    }

    /// The proof of possession of this key for `worker` registering at `poai` on `chain_id`.
    pub fn possession(&self, chain_id: &str, poai: &Addr, worker: &Addr) -> EnclaveKeySignatures {
        let sig = Some(self.sign(&registration_digest(
            chain_id,
            poai.as_str(),
            worker.as_str(),
            self.key_type(),
            &self.public(),
        )));
        let mut p = EnclaveKeySignatures::default();
        match self {
            Key::Secp(_) => p.secp256k1 = sig,
            Key::P256(_) => p.secp256r1 = sig,
            Key::Ed(_) => p.ed25519 = sig,
        }
        p
    }

    /// Signs a 32-byte digest (secp256k1: the prehash, low-s; ed25519: the digest as the message).
    pub fn sign(&self, digest: &[u8; 32]) -> Binary {
        match self {
            Key::Secp(k) => {
                let sig: k256::ecdsa::Signature = k.sign_prehash(digest).expect("signs");
                let sig = sig.normalize_s().unwrap_or(sig);
                Binary::from(sig.to_bytes().to_vec())
            }
            Key::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign_prehash(digest).expect("signs");
                let sig = sig.normalize_s().unwrap_or(sig);
                Binary::from(sig.to_bytes().to_vec())
            }
            Key::Ed(k) => {
                let sig: [u8; 64] = k.sign(digest).into();
                Binary::from(sig.to_vec())
            }
        }
    }
}

pub fn sha(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The pre-v1 attestation digest `sha256(job_id BE ‖ input ‖ output)` (no longer accepted).
pub fn old_digest(job_id: u64, input: &[u8; 32], output: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(job_id.to_be_bytes());
    h.update(input);
    h.update(output);
    h.finalize().into()
}

/// Length-prefixed items (u32 BE length ‖ bytes), hashed: the layout of poai's signed digests, written here
/// independently of the contract (`contracts/poai/src/digest.rs`, `scripts/attestation.py`).
fn items(items: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for i in items {
        h.update((i.len() as u32).to_be_bytes());
        h.update(i);
    }
    h.finalize().into()
}

/// What an attestation signs besides the deployment.
#[derive(Clone)]
pub struct Signed {
    pub job_id: u64,
    pub worker: String,
    pub input: [u8; 32],
    pub output: [u8; 32],
    pub io_root: [u8; 32],
    pub tee: [u8; 32],
    pub proof: Option<[u8; 32]>,
    pub used: Option<Vec<CuAmount>>,
}

/// The v1 attestation digest.
pub fn attest_digest(chain_id: &str, poai: &str, s: &Signed) -> [u8; 32] {
    let used = match &s.used {
        None => vec![0u8],
        Some(lines) => {
            let mut out = vec![1u8];
            out.extend_from_slice(&(lines.len() as u32).to_be_bytes());
            for l in lines {
                out.extend_from_slice(&(l.token.len() as u32).to_be_bytes());
                out.extend_from_slice(l.token.as_bytes());
                out.extend_from_slice(&l.amount.u128().to_be_bytes());
            }
            out
        }
    };
    items(&[
        b"hmm-poai/attest/v1",
        chain_id.as_bytes(),
        poai.as_bytes(),
        &s.job_id.to_be_bytes(),
        s.worker.as_bytes(),
        &s.input,
        &s.output,
        &s.io_root,
        &s.tee,
        s.proof.as_ref().map(|p| p.as_slice()).unwrap_or(&[]),
        &used,
    ])
}

/// The v1 registration (proof of possession) digest.
pub fn registration_digest(
    chain_id: &str,
    poai: &str,
    worker: &str,
    key_type: &str,
    key: &[u8],
) -> [u8; 32] {
    items(&[
        b"hmm-poai/register/v1",
        chain_id.as_bytes(),
        poai.as_bytes(),
        worker.as_bytes(),
        key_type.as_bytes(),
        key,
    ])
}

pub fn input_of(job_id: u64) -> [u8; 32] {
    sha(format!("input of job {job_id}").as_bytes())
}

pub fn output_of(job_id: u64) -> [u8; 32] {
    sha(format!("output of job {job_id}").as_bytes())
}

/// The poai error of a failed execution (also when it failed in a sub-message, e.g. the registry's call).
pub fn err(e: anyhow::Error) -> ContractError {
    match e.downcast::<ContractError>() {
        Ok(c) => c,
        Err(e) => panic!("not a poai ContractError: {e:?}"),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------------------------

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
    pub pool_id: u64,
    pub poai: Addr,
    pub registry: Addr,
    pub ai_start_supply: u128,
    pub cu_start_supply: u128,
    /// More token holders to count in conservation checks (e.g. a real registry).
    pub holders_extra: Vec<Addr>,
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

impl Suite {
    /// Everything deployed, the pool seeded, poai the minter of $AI and the CU token, the class declared.
    pub fn new() -> Suite {
        Self::with_params(test_params())
    }

    pub fn with_params(params: Params) -> Suite {
        Self::build(params, true)
    }

    /// poai without a registry (the mock is deployed but not wired): for tests that wire a real one, which poai
    /// accepts once.
    pub fn without_registry() -> Suite {
        Self::build(test_params(), false)
    }

    fn build(params: Params, wire_mock: bool) -> Suite {
        let mut app = App::default();
        let api = app.api();
        let owner = api.addr_make("owner");
        let treasury = api.addr_make("treasury");
        let lp = api.addr_make("lp");
        let client = api.addr_make("client");
        let anyone = api.addr_make("anyone");
        let workers: Vec<Addr> = (0..3)
            .map(|i| api.addr_make(&format!("worker{i}")))
            .collect();
        let verifiers: Vec<Addr> = (0..4)
            .map(|i| api.addr_make(&format!("verifier{i}")))
            .collect();
        let token_code = app.store_code(token_contract());
        let pool_code = app.store_code(pool_contract());
        let poai_code = app.store_code(poai_contract());
        let registry_code = app.store_code(mock_registry());

        let mut ai_holders = vec![lp.clone(), client.clone(), anyone.clone()];
        ai_holders.extend(workers.iter().cloned());
        ai_holders.extend(verifiers.iter().cloned());
        let make_token = |app: &mut App, symbol: &str, holders: &[Addr], each: u128| -> Addr {
            let msg = hmm::token::InstantiateMsg {
                name: format!("{symbol} token"),
                symbol: symbol.to_string(),
                decimals: 6,
                initial_balances: holders
                    .iter()
                    .map(|h| Cw20Coin {
                        address: h.to_string(),
                        amount: Uint128::new(each),
                    })
                    .collect(),
                mint: Some(MinterResponse {
                    minter: owner.to_string(),
                    cap: None,
                }),
                marketing: None,
                resource: None,
            };
            app.instantiate_contract(token_code, owner.clone(), &msg, &[], symbol, None)
                .expect("token instantiates")
        };
        let ai = make_token(&mut app, "HMMAI", &ai_holders, START_AI);
        let cu = make_token(&mut app, "CUGPU", &[lp.clone(), client.clone()], START_CU);

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
        let res = app
            .execute_contract(
                owner.clone(),
                pool.clone(),
                &hmm::pool::ExecuteMsg::CreatePool(CreatePoolMsg {
                    kind: CurveKind::Bilinear,
                    classes: vec![ClassParams {
                        cu_token: cu.to_string(),
                        weight: Decimal256::one(),
                    }],
                    curvature: Some(CurvatureConfig {
                        lambda: Decimal256::zero(),
                        mu: Decimal256::percent(5),
                        alpha: Decimal256::zero(),
                        beta: Decimal256::zero(),
                        lambda_max: Decimal256::percent(150),
                    }),
                    fees: None,
                    execution: None,
                    sla: SlaTags {
                        region: "eu-west".to_string(),
                        latency: LatencyClass::Interactive,
                        privacy_tier: 2,
                        tee: true,
                    },
                    max_price_impact: Some(Decimal256::percent(50)),
                    batch_window: None,
                }),
                &[],
            )
            .expect("pool created");
        let pool_id = res
            .events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == "pool_id")
            .and_then(|a| a.value.parse::<u64>().ok())
            .expect("pool id");
        for (token, amount) in [(&cu, POOL_CU), (&ai, POOL_AI)] {
            app.execute_contract(
                lp.clone(),
                token.clone(),
                &Cw20ExecuteMsg::IncreaseAllowance {
                    spender: pool.to_string(),
                    amount: Uint128::new(amount),
                    expires: None,
                },
                &[],
            )
            .expect("allowance");
        }
        app.execute_contract(
            lp.clone(),
            pool.clone(),
            &hmm::pool::ExecuteMsg::AddLiquidity {
                pool_id,
                deposits: vec![ClassDeposit {
                    resource: Uint128::new(POOL_CU),
                    credits: Uint128::new(POOL_AI),
                }],
                min_shares: Uint128::zero(),
                deadline: None,
            },
            &[],
        )
        .expect("liquidity");

        let registry = app
            .instantiate_contract(
                registry_code,
                owner.clone(),
                &MockInit {},
                &[],
                "registry",
                None,
            )
            .expect("registry instantiates");
        let poai = app
            .instantiate_contract(
                poai_code,
                owner.clone(),
                &InstantiateMsg {
                    owner: None,
                    ai_token: ai.to_string(),
                    pool: pool.to_string(),
                    job_registry: wire_mock.then(|| registry.to_string()),
                    treasury: treasury.to_string(),
                    experience_oracle: None,
                    params: Some(params),
                },
                &[],
                "poai",
                Some(owner.to_string()),
            )
            .expect("poai instantiates");
        app.execute_contract(
            owner.clone(),
            registry.clone(),
            &MockExec::SetPoai {
                poai: poai.to_string(),
            },
            &[],
        )
        .expect("registry knows poai");
        for token in [&ai, &cu] {
            app.execute_contract(
                owner.clone(),
                token.clone(),
                &Cw20ExecuteMsg::UpdateMinter {
                    new_minter: Some(poai.to_string()),
                },
                &[],
            )
            .expect("poai becomes the minter");
        }
        app.execute_contract(
            owner.clone(),
            poai.clone(),
            &ExecuteMsg::SetResourceClass {
                cu_token: cu.to_string(),
                pool_id,
            },
            &[],
        )
        .expect("class declared");
        let mut s = Suite {
            app,
            owner,
            treasury,
            lp,
            client,
            workers,
            verifiers,
            anyone,
            ai,
            cu,
            pool,
            pool_id,
            poai,
            registry,
            ai_start_supply: 0,
            cu_start_supply: 0,
            holders_extra: vec![],
        };
        s.ai_start_supply = s.supply(&s.ai.clone());
        s.cu_start_supply = s.supply(&s.cu.clone());
        s
    }

    // ----- chain -----

    pub fn wait(&mut self, seconds: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(seconds);
            b.height += 1;
        });
    }

    pub fn now(&self) -> u64 {
        self.app.block_info().time.seconds()
    }

    // ----- calls -----

    pub fn exec(&mut self, who: &Addr, msg: &ExecuteMsg) -> Result<AppResponse> {
        self.app
            .execute_contract(who.clone(), self.poai.clone(), msg, &[])
    }

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
                contract: self.poai.to_string(),
                amount: Uint128::new(amount),
                msg: to_json_binary(hook)?,
            },
            &[],
        )
    }

    pub fn chain_id(&self) -> String {
        self.app.block_info().chain_id
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
        let client = self.client.clone();
        self.app.execute_contract(
            client.clone(),
            self.cu.clone(),
            &Cw20ExecuteMsg::Transfer {
                recipient: self.registry.to_string(),
                amount: Uint128::new(cu),
            },
            &[],
        )?;
        self.app.execute_contract(
            client.clone(),
            self.registry.clone(),
            &MockExec::CreateJob {
                job_id,
                client: client.to_string(),
                cu: vec![JobCuAmount {
                    token: self.cu.to_string(),
                    amount: Uint128::new(cu),
                }],
                value: Uint128::new(value),
                finish_by,
                input_commitment: hex(&input_of(job_id)),
                sla,
            },
            &[],
        )
    }

    pub fn take(&mut self, job_id: u64, worker: &Addr) -> Result<AppResponse> {
        let anyone = self.anyone.clone();
        self.app.execute_contract(
            anyone,
            self.registry.clone(),
            &MockExec::Take {
                job_id,
                worker: worker.to_string(),
            },
            &[],
        )
    }

    pub fn fail(&mut self, job_id: u64, reason: FailureReason) -> Result<AppResponse> {
        let anyone = self.anyone.clone();
        self.app.execute_contract(
            anyone,
            self.registry.clone(),
            &MockExec::Fail { job_id, reason },
            &[],
        )
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
        self.exec(
            &owner,
            &ExecuteMsg::UpdateConfig(hmm::poai::ConfigUpdate {
                params: Some(p),
                ..Default::default()
            }),
        )
        .expect("params updated");
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

    pub fn q<T: cosmwasm_schema::serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T> {
        Ok(self.app.wrap().query_wasm_smart(&self.poai, msg)?)
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
        self.app
            .wrap()
            .query_wasm_smart(&self.registry, &JobQueryMsg::Job { job_id })
            .expect("registry job")
    }

    pub fn totals(&self) -> TotalsResponse {
        self.q(&QueryMsg::Totals {}).expect("totals")
    }

    pub fn balance(&self, token: &Addr, who: &Addr) -> u128 {
        let r: BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                token,
                &Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .expect("balance");
        r.balance.u128()
    }

    pub fn supply(&self, token: &Addr) -> u128 {
        let r: TokenInfoResponse = self
            .app
            .wrap()
            .query_wasm_smart(token, &Cw20QueryMsg::TokenInfo {})
            .expect("token info");
        r.total_supply.u128()
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
        self.holders().iter().map(|h| self.balance(token, h)).sum()
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
                let page: hmm::job::JobsResponse = match self.app.wrap().query_wasm_smart(
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

impl Suite {
    /// The suite with poai wired to a real `job-registry` (the real pool and tokens, `limits`), which replaces the
    /// mock as `registry`.
    pub fn with_job_registry(limits: hmm::job::Limits) -> Suite {
        let mut s = Suite::without_registry();
        let code = s.app.store_code(Box::new(ContractWrapper::new(
            job_registry::contract::execute,
            job_registry::contract::instantiate,
            job_registry::contract::query,
        )));
        let (owner, poai) = (s.owner.clone(), s.poai.clone());
        let init = hmm::job::InstantiateMsg {
            admin: None,
            ai_token: s.ai.to_string(),
            pool: s.pool.to_string(),
            poai: Some(poai.to_string()),
            limits: Some(limits),
        };
        s.registry = s
            .app
            .instantiate_contract(code, owner.clone(), &init, &[], "job-registry", None)
            .expect("registry instantiates");
        let wire = hmm::poai::ConfigUpdate {
            job_registry: Some(s.registry.to_string()),
            ..Default::default()
        };
        s.exec(&owner, &ExecuteMsg::UpdateConfig(wire))
            .expect("poai takes the registry");
        s
    }
}
