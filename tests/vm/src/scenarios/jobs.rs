//! The job and PoAI flows in the VM, on top of [`super::exchange`]: `job-registry` and `poai` as artifacts, wired as in
//! `docs/interfaces.md` — poai the minter of $AI and of the A100 CU token, the class priced by the bilinear pool.
//!
//! A worker registers (a secp256k1 enclave key with its proof of possession), bonds $AI and offers capacity (CU minted to it). A client submits a
//! job (cw20 `Send` of $AI to the registry, which queries the router's `Route` and buys the CU with one `Buy` per pool in the
//! same transaction), the worker takes it (registry → poai `JobAssigned`), attests with a real signature (poai queries
//! the registry's `Job`, verifies the signature, calls `RecordAttestation`), and after the reveal period anyone
//! finalizes (poai → registry `Settle`: the used CU are burned, the escrow refunded). A second job times out
//! (`ClaimTimeout` → poai `JobFailed` → slash). Every step is checked against balances, supplies and both contracts'
//! views of the job.

use cosmwasm_std::{Binary, Decimal256, Uint128};
use cw20::{Cw20ExecuteMsg, MinterResponse};
use hmm::job::{
    ExecuteMsg as JobExec, JobResponse, JobSpec, JobState, QueryMsg as JobQuery,
    ReceiveMsg as JobReceive, TotalEscrowResponse,
};
use hmm::poai::{
    AssignmentState, AttestationResponse, Capabilities, EnclaveKeySignatures, EnclaveKeys,
    ExecuteMsg, InstantiateMsg, ObligationsResponse, Params, QueryMsg, ReceiveMsg, TeeType,
    WorkerResponse,
};
use hmm::pool::LatencyClass;
use hmm::router::BundleItem;
use k256::ecdsa::signature::hazmat::PrehashSigner;
use sha2::{Digest, Sha256};

use super::exchange::{balance, job_sla, send, supply, Exchange, UNIT};
use crate::chain::ChainError;

/// Benchmark labels.
pub mod label {
    pub const INST_REGISTRY: &str = "instantiate job-registry";
    pub const INST_POAI: &str = "instantiate poai";
    pub const SET_CLASS: &str = "poai set resource class (queries pool + cw20 minter)";
    pub const REGISTER: &str = "poai register worker";
    pub const BOND: &str = "poai bond (cw20 send)";
    pub const OFFER: &str = "poai offer capacity (mints CU)";
    pub const SUBMIT: &str = "job submit (router route query + pool Buy)";
    pub const TAKE: &str = "job take (→ poai JobAssigned)";
    pub const ATTEST: &str = "job attest (secp256k1, → registry)";
    pub const FINALIZE: &str = "job finalize / settle (→ registry Settle, burn)";
    pub const TIMEOUT: &str = "job claim timeout (→ poai JobFailed, slash)";
    pub const ELIGIBILITY: &str = "poai eligibility query";
}

/// Epoch length and verification periods of the scenario (seconds).
pub const EPOCH: u64 = 100;
pub const COMMIT: u64 = 50;
pub const REVEAL: u64 = 50;
pub const BOND: u128 = 10_000 * UNIT;
/// A worker's smallest first bond, paid with its registration.
pub const WORKER_MIN: u128 = 100 * UNIT;
pub const RAW: u128 = 1_000 * UNIT; // 500 CU minted: within the pool's CU reserve (the per-epoch mint limit)
/// CU a job buys.
pub const JOB_CU: u128 = 20 * UNIT;
/// $AI the client sends with a job, and its budget for the CU.
pub const JOB_SENT: u128 = 200 * UNIT;
pub const JOB_MAX_SPEND: u128 = 150 * UNIT;

fn u(a: u128) -> Uint128 {
    Uint128::new(a)
}

fn e(err: ChainError) -> String {
    err.to_string()
}

/// poai parameters of the scenario: no random sampling (the job settles unverified), short epochs.
pub fn params() -> Params {
    Params {
        collateral_ratio: Decimal256::percent(150),
        quality_alpha: Decimal256::percent(10),
        initial_quality: Decimal256::percent(50),
        low_quality_threshold: Decimal256::percent(50),
        low_quality_epochs: 7,
        heartbeat_timeout: 600,
        slash_fraction: Decimal256::percent(10),
        denial_window: 600,
        unbonding_period: 1_000,
        epoch_length: EPOCH,
        sample_rate: Decimal256::zero(),
        commit_period: COMMIT,
        reveal_period: REVEAL,
        max_verifiers_per_job: 3,
        verifier_min_bond: u(1_000 * UNIT),
        worker_min_bond: u(WORKER_MIN),
        poai_bonus_rate: Decimal256::percent(5),
        verifier_bonus_share: Decimal256::percent(20),
        emission_per_epoch: u(1_000 * UNIT),
        emission_validators: Decimal256::percent(35),
        emission_workers: Decimal256::percent(50),
        emission_curators: Decimal256::percent(10),
        experience_deposit: u(25 * UNIT),
    }
}

/// A worker that meets [`job_sla`] and the pools' tags.
pub fn capabilities() -> Capabilities {
    Capabilities {
        gpu_model: "A100-SXM".to_string(),
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

fn sha(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The enclave key of the scenario's worker.
pub fn enclave_key() -> k256::ecdsa::SigningKey {
    k256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).expect("a valid secp256k1 scalar")
}

/// sha256 over length-prefixed items (u32 BE length ‖ bytes): the layout of poai's signed digests
/// (`hmm::poai` module doc, `scripts/attestation.py`), written independently of the contract.
fn items(items: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for i in items {
        h.update((i.len() as u32).to_be_bytes());
        h.update(i);
    }
    h.finalize().into()
}

/// The v1 attestation digest (docs/interfaces.md) of an attestation without proof hash and without `used`.
#[allow(clippy::too_many_arguments)]
pub fn attestation_digest(
    chain_id: &str,
    poai: &str,
    job_id: u64,
    worker: &str,
    input: &[u8; 32],
    output: &[u8; 32],
    io_root: &[u8; 32],
    tee_report: &[u8; 32],
) -> [u8; 32] {
    items(&[
        b"hmm-poai/attest/v1",
        chain_id.as_bytes(),
        poai.as_bytes(),
        &job_id.to_be_bytes(),
        worker.as_bytes(),
        input,
        output,
        io_root,
        tee_report,
        &[],
        &[0],
    ])
}

/// The v1 registration digest a secp256k1 enclave key signs to prove possession.
pub fn registration_digest(chain_id: &str, poai: &str, worker: &str, key: &[u8]) -> [u8; 32] {
    items(&[
        b"hmm-poai/register/v1",
        chain_id.as_bytes(),
        poai.as_bytes(),
        worker.as_bytes(),
        b"secp256k1",
        key,
    ])
}

/// 64-byte compact low-s secp256k1 signature of a digest.
pub fn sign(key: &k256::ecdsa::SigningKey, digest: &[u8; 32]) -> Result<Binary, String> {
    let sig: k256::ecdsa::Signature = key.sign_prehash(digest).map_err(|err| err.to_string())?;
    let sig = sig.normalize_s().unwrap_or(sig);
    Ok(Binary::from(sig.to_bytes().to_vec()))
}

/// The deployed job contracts.
pub struct Jobs {
    pub registry: String,
    pub poai: String,
}

fn registry_job(x: &Exchange, j: &Jobs, job_id: u64) -> Result<JobResponse, String> {
    x.chain
        .query(&j.registry, &JobQuery::Job { job_id })
        .map_err(e)
}

fn poai_job(x: &Exchange, j: &Jobs, job_id: u64) -> Result<AttestationResponse, String> {
    x.chain
        .query(&j.poai, &QueryMsg::Attestation { job_id })
        .map_err(e)
}

fn worker(x: &Exchange, j: &Jobs) -> Result<WorkerResponse, String> {
    x.chain
        .query(
            &j.poai,
            &QueryMsg::Worker {
                worker: x.worker.clone(),
            },
        )
        .map_err(e)
}

/// Deploys job-registry and poai and wires them to the exchange.
pub fn deploy(x: &Exchange) -> Result<Jobs, String> {
    let chain = &x.chain;
    let mut init = serde_json::to_value(hmm::job::InstantiateMsg {
        owner: None,
        ai_token: x.ai.clone(),
        pool: x.pool.clone(),
        router: x.router.clone(),
        poai: None,
        limits: None,
    })
    .map_err(|err| err.to_string())?;
    if !chain.deploys_artifact("job-registry") {
        // A release before the router (0.4 and older: the migration test) knows no `router` field, and calls the
        // owner `admin` (0.5 and older).
        if let Some(fields) = init.as_object_mut() {
            fields.remove("router");
            if let Some(owner) = fields.remove("owner") {
                fields.insert("admin".to_string(), owner);
            }
        }
    }
    let (registry, _) = chain
        .label_next(label::INST_REGISTRY)
        .instantiate("job-registry", "registry", &x.owner, &init)
        .map_err(e)?;
    let (poai, _) = chain
        .label_next(label::INST_POAI)
        .instantiate(
            "poai",
            "poai",
            &x.owner,
            &InstantiateMsg {
                owner: None,
                ai_token: x.ai.clone(),
                pool: x.pool.clone(),
                job_registry: Some(registry.clone()),
                treasury: x.treasury.clone(),
                experience_oracle: None,
                params: Some(params()),
            },
        )
        .map_err(e)?;
    chain
        .execute(
            &x.owner,
            &registry,
            &JobExec::UpdateConfig {
                poai: Some(poai.clone()),
                limits: None,
                orderbook: None,
            },
        )
        .map_err(e)?;
    for token in [&x.ai, &x.cu_a] {
        chain
            .execute(
                &x.owner,
                token,
                &Cw20ExecuteMsg::UpdateMinter {
                    new_minter: Some(poai.clone()),
                },
            )
            .map_err(e)?;
        let m: Option<MinterResponse> = chain
            .query(token, &cw20::Cw20QueryMsg::Minter {})
            .map_err(e)?;
        check_eq!(m.map(|m| m.minter), Some(poai.clone()), "minter is poai");
    }
    chain
        .label_next(label::SET_CLASS)
        .execute(
            &x.owner,
            &poai,
            &ExecuteMsg::SetResourceClass {
                cu_token: x.cu_a.clone(),
                pool_id: x.bilinear,
            },
        )
        .map_err(e)?;
    Ok(Jobs { registry, poai })
}

/// The $AI hook that registers `worker` (with [`capabilities`]) under the secp256k1 enclave `key`, with the key's
/// proof of possession; and the public key.
pub fn register_hook(
    chain_id: &str,
    poai: &str,
    worker: &str,
    key: &k256::ecdsa::SigningKey,
) -> Result<(Binary, ReceiveMsg), String> {
    let public = Binary::from(
        key.verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec(),
    );
    let possession = sign(key, &registration_digest(chain_id, poai, worker, &public))?;
    let hook = ReceiveMsg::Register {
        capabilities: capabilities(),
        enclave_keys: EnclaveKeys {
            secp256k1: Some(public.clone()),
            ed25519: None,
            secp256r1: None,
        },
        possession: EnclaveKeySignatures {
            secp256k1: Some(possession),
            ed25519: None,
            secp256r1: None,
        },
    };
    Ok((public, hook))
}

/// The worker registers, bonds and offers capacity; checks the bond, the CU minted and the obligation.
pub fn onboard(x: &Exchange, j: &Jobs) -> Result<(), String> {
    let chain = &x.chain;
    let key = enclave_key();
    let (public, hook) = register_hook(&chain.block().chain_id, &j.poai, &x.worker, &key)?;
    // Registration pays the first bond (the minimum) through the $AI hook; the rest is bonded after.
    let ai_before = balance(chain, &x.ai, &x.worker)?;
    chain.label_next(label::REGISTER);
    send(chain, &x.worker, &x.ai, &j.poai, WORKER_MIN, &hook).map_err(e)?;
    chain.label_next(label::BOND);
    send(
        chain,
        &x.worker,
        &x.ai,
        &j.poai,
        BOND - WORKER_MIN,
        &ReceiveMsg::Bond {},
    )
    .map_err(e)?;
    check_eq!(
        ai_before - balance(chain, &x.ai, &x.worker)?,
        BOND,
        "bond paid"
    );
    let w = worker(x, j)?;
    check_eq!(w.bond.u128(), BOND, "bond recorded");
    check_eq!(
        w.enclave_keys.secp256k1,
        Some(public),
        "enclave key recorded"
    );

    let cu_supply = supply(chain, &x.cu_a)?;
    let cu_before = balance(chain, &x.cu_a, &x.worker)?;
    chain
        .label_next(label::OFFER)
        .execute(
            &x.worker,
            &j.poai,
            &ExecuteMsg::OfferCapacity {
                cu_token: x.cu_a.clone(),
                raw_amount: u(RAW),
            },
        )
        .map_err(e)?;
    // ⌊q·raw⌋ with the initial quality 0.5.
    let minted = RAW / 2;
    check_eq!(
        balance(chain, &x.cu_a, &x.worker)? - cu_before,
        minted,
        "CU minted to the worker"
    );
    check_eq!(
        supply(chain, &x.cu_a)? - cu_supply,
        minted,
        "CU supply grows by the mint"
    );
    let ob: ObligationsResponse = chain
        .query(
            &j.poai,
            &QueryMsg::Obligations {
                worker: x.worker.clone(),
            },
        )
        .map_err(e)?;
    check_eq!(ob.obligations.len(), 1, "one obligation");
    check_eq!(ob.obligations[0].open.u128(), minted, "open obligation");
    Ok(())
}

/// The client submits a job for [`JOB_CU`] A100 CU; returns its id. Checks the escrow, the purchase and both
/// contracts' balances.
pub fn submit(
    x: &Exchange,
    j: &Jobs,
    input: &[u8; 32],
    duration: u64,
    lbl: Option<&str>,
) -> Result<u64, String> {
    let chain = &x.chain;
    let now = chain.now();
    let client_ai = balance(chain, &x.ai, &x.client)?;
    let registry_cu = balance(chain, &x.cu_a, &j.registry)?;
    let registry_ai = balance(chain, &x.ai, &j.registry)?;
    let spec = JobSpec {
        resources: vec![BundleItem {
            cu_token: x.cu_a.clone(),
            amount: u(JOB_CU),
            pools: vec![],
        }],
        sla: job_sla(),
        max_spend: u(JOB_MAX_SPEND),
        start_by: now + duration / 2,
        finish_by: now + duration,
        input_commitment: hex(input),
    };
    if let Some(l) = lbl {
        chain.label_next(l);
    }
    let res = send(
        chain,
        &x.client,
        &x.ai,
        &j.registry,
        JOB_SENT,
        &JobReceive::SubmitJob { spec },
    )
    .map_err(e)?;
    let job_id: u64 = res
        .attr("job_id")
        .and_then(|v| v.parse().ok())
        .ok_or("submit: no job_id attribute")?;
    let job = registry_job(x, j, job_id)?;
    check_eq!(job.state, JobState::Open, "submitted job state");
    let value = job.value.u128();
    if value == 0 || value > JOB_MAX_SPEND {
        return Err(format!("job value {value} outside (0, max_spend]"));
    }
    check_eq!(job.escrow.u128(), JOB_SENT - value, "escrow = sent - value");
    check_eq!(job.purchase.len(), 1, "one purchase leg");
    check_eq!(
        job.purchase[0].pool_id,
        x.bilinear,
        "bought from the bilinear pool"
    );
    check_eq!(
        client_ai - balance(chain, &x.ai, &x.client)?,
        JOB_SENT,
        "client paid what it sent"
    );
    check_eq!(
        balance(chain, &x.cu_a, &j.registry)? - registry_cu,
        JOB_CU,
        "registry holds the job's CU"
    );
    check_eq!(
        balance(chain, &x.ai, &j.registry)? - registry_ai,
        JOB_SENT - value,
        "registry holds the escrow"
    );
    Ok(job_id)
}

/// The whole job/PoAI flow (see the module doc).
pub fn jobs(x: &Exchange) -> Result<Jobs, String> {
    let chain = &x.chain;
    let j = deploy(x)?;
    onboard(x, &j)?;

    // Job 1: submit, take, attest, finalize.
    let input = sha(b"input of job 1");
    let job_id = submit(x, &j, &input, 1_000, Some(label::SUBMIT))?;
    let eligibility: hmm::poai::EligibilityResponse = chain
        .label_next(label::ELIGIBILITY)
        .query(
            &j.poai,
            &QueryMsg::Eligibility {
                worker: x.worker.clone(),
                cu: vec![hmm::poai::CuAmount {
                    token: x.cu_a.clone(),
                    amount: u(JOB_CU),
                }],
                sla: job_sla(),
            },
        )
        .map_err(e)?;
    check_eq!(
        (eligibility.eligible, eligibility.reason),
        (true, None),
        "eligibility"
    );
    chain
        .label_next(label::TAKE)
        .execute(&x.worker, &j.registry, &JobExec::TakeJob { job_id })
        .map_err(e)?;
    let job = registry_job(x, &j, job_id)?;
    check_eq!(job.state, JobState::Assigned, "registry: assigned");
    check_eq!(
        job.worker.map(|w| w.to_string()),
        Some(x.worker.clone()),
        "registry: worker"
    );
    let pj = poai_job(x, &j, job_id)?;
    check_eq!(pj.state, AssignmentState::Assigned, "poai: assigned");
    check_eq!(pj.value, job.value, "poai: job value");

    let output = sha(b"output of job 1");
    let chain_id = chain.block().chain_id;
    let digest_with = |io_root: &[u8; 32]| {
        attestation_digest(
            &chain_id,
            &j.poai,
            job_id,
            &x.worker,
            &input,
            &output,
            io_root,
            &sha(b"tee report"),
        )
    };
    let digest = digest_with(&sha(b"io"));
    // A signature over another digest (the enclave signed another io root than the one sent) is refused, and
    // changes nothing.
    let forged = sign(&enclave_key(), &digest_with(&sha(b"the host's io root")))?;
    let attest = |signature: Binary| ExecuteMsg::Attest {
        job_id,
        output_commitment: hex(&output),
        io_merkle_root: hex(&sha(b"io")),
        tee_report_hash: hex(&sha(b"tee report")),
        signature,
        proof_hash: None,
        used: None,
    };
    match chain.execute(&x.worker, &j.poai, &attest(forged)) {
        Err(ChainError::Contract { contract, .. }) if contract == "poai" => {}
        other => {
            return Err(format!(
                "a forged attestation: expected a poai error, got {other:?}"
            ))
        }
    }
    check_eq!(
        registry_job(x, &j, job_id)?.state,
        JobState::Assigned,
        "still assigned"
    );
    chain
        .label_next(label::ATTEST)
        .execute(&x.worker, &j.poai, &attest(sign(&enclave_key(), &digest)?))
        .map_err(e)?;
    check_eq!(
        registry_job(x, &j, job_id)?.state,
        JobState::Attested,
        "registry: attested"
    );
    let pj = poai_job(x, &j, job_id)?;
    check_eq!(pj.state, AssignmentState::Attested, "poai: attested");
    check_eq!(
        pj.attestation.as_ref().map(|a| a.key_type.as_str()),
        Some("secp256k1"),
        "poai: key type"
    );

    chain.advance(20, 2 * EPOCH + 1);
    let cu_supply = supply(chain, &x.cu_a)?;
    let client_ai = balance(chain, &x.ai, &x.client)?;
    let held = registry_job(x, &j, job_id)?;
    let (escrow, fee) = (held.escrow.u128(), held.fee.u128());
    check_eq!(fee > 0, true, "a job fee is held");
    chain
        .label_next(label::FINALIZE)
        .execute(&x.anyone, &j.poai, &ExecuteMsg::Finalize { job_id })
        .map_err(e)?;
    let job = registry_job(x, &j, job_id)?;
    check_eq!(job.state, JobState::Settled, "registry: settled");
    check_eq!(job.escrow.u128(), 0, "registry: escrow released");
    check_eq!(
        poai_job(x, &j, job_id)?.state,
        AssignmentState::Succeeded,
        "poai: succeeded"
    );
    check_eq!(
        cu_supply - supply(chain, &x.cu_a)?,
        JOB_CU,
        "the used CU are burned"
    );
    check_eq!(
        balance(chain, &x.ai, &x.client)? - client_ai,
        escrow - fee,
        "the client gets the escrow back, less the burned job fee"
    );
    let ob: ObligationsResponse = chain
        .query(
            &j.poai,
            &QueryMsg::Obligations {
                worker: x.worker.clone(),
            },
        )
        .map_err(e)?;
    check_eq!(ob.obligations[0].used.u128(), JOB_CU, "obligation used");
    check_eq!(ob.obligations[0].reserved.u128(), 0, "nothing reserved");
    let w = worker(x, &j)?;
    check_eq!(w.jobs_succeeded, 1, "worker: one job succeeded");

    // Job 2: taken, never attested, timed out: the client is refunded, the worker slashed σ = 10 % of its bond.
    chain
        .execute(&x.worker, &j.poai, &ExecuteMsg::Heartbeat {})
        .map_err(e)?;
    let client_ai = balance(chain, &x.ai, &x.client)?;
    let client_cu = balance(chain, &x.cu_a, &x.client)?;
    let job2 = submit(x, &j, &sha(b"input of job 2"), 200, None)?;
    chain
        .execute(&x.worker, &j.registry, &JobExec::TakeJob { job_id: job2 })
        .map_err(e)?;
    chain.advance(5, 201);
    let ai_supply = supply(chain, &x.ai)?;
    let bond = worker(x, &j)?.bond.u128();
    chain
        .label_next(label::TIMEOUT)
        .execute(
            &x.anyone,
            &j.registry,
            &JobExec::ClaimTimeout { job_id: job2 },
        )
        .map_err(e)?;
    check_eq!(
        registry_job(x, &j, job2)?.state,
        JobState::Expired,
        "job 2 expired"
    );
    check_eq!(
        poai_job(x, &j, job2)?.state,
        AssignmentState::Failed,
        "poai: job 2 failed"
    );
    let w = worker(x, &j)?;
    check_eq!(w.slash_count, 1, "worker slashed once");
    check_eq!(bond - w.bond.u128(), bond / 10, "σ of the bond slashed");
    check_eq!(
        ai_supply - supply(chain, &x.ai)?,
        bond / 10,
        "the slash is burned"
    );
    // The client paid the route's cost in $AI and got the CU back, plus the escrow.
    let value2 = registry_job(x, &j, job2)?.value.u128();
    check_eq!(
        client_ai - balance(chain, &x.ai, &x.client)?,
        value2,
        "job 2: the client is out only the CU's price"
    );
    check_eq!(
        balance(chain, &x.cu_a, &x.client)? - client_cu,
        JOB_CU,
        "job 2: the client gets the CU"
    );
    let held: TotalEscrowResponse = chain
        .query(&j.registry, &JobQuery::TotalEscrow {})
        .map_err(e)?;
    check_eq!(
        (held.ai.u128(), held.cu.len(), held.open_jobs),
        (0, 0, 0),
        "registry holds nothing"
    );
    check_eq!(
        balance(chain, &x.cu_a, &j.registry)?,
        0,
        "registry CU balance"
    );
    check_eq!(
        balance(chain, &x.ai, &j.registry)?,
        0,
        "registry $AI balance"
    );
    super::exchange::check_solvent(x)?;
    Ok(j)
}
