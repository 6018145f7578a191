//! Queries.

use cosmwasm_std::{Addr, Binary, Deps, Env, Order, StdResult, Uint128};
use cw_storage_plus::Bound;
use hmm::poai::{
    AttestationInfo, AttestationResponse, BondRequirementResponse, ClaimsResponse,
    CommitmentResponse, ConfigResponse, CuAmount, EligibilityResponse, EpochResponse,
    ExperienceResponse, ExpertWeight, ExpertWeightsResponse, InclusionResponse, Obligation,
    ObligationsResponse, PendingRewardsResponse, ResourceClass, TotalsResponse, Verdict,
    VerifierResponse, WorkerResponse, WorkersResponse,
};
use hmm::pool::SlaRequirement;
use hmm_math::quality::expert_weights as eq5_weights;
use hmm_math::Udec;

use crate::digest::{self, AttestationFields};
use crate::error::{ContractError, ContractResult};
use crate::execute::epoch::claimable;
use crate::execute::{
    check_eligibility, hip8_score, load_job, load_verifier, load_worker, open_obligations,
    pending_claims, requirement,
};
use crate::helpers::{self, current_epoch, epoch_end, epoch_start, is_sampled, parse_hash, to_hex};
use crate::merkle::compute_root;
use crate::state::{
    Worker, CLAIMS, CLASSES, CONFIG, EPOCHS, EXPERIENCES, NEXT_EPOCH_TO_CLOSE, PARAMS, TOTALS,
    WORKERS,
};

const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 30;
const MAX_EXPERTS: usize = 50;

pub fn config(deps: Deps, env: &Env) -> ContractResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let classes = CLASSES
        .range(deps.storage, None, None, Order::Ascending)
        .map(|r| r.map(|(cu_token, pool_id)| ResourceClass { cu_token, pool_id }))
        .collect::<StdResult<Vec<_>>>()?;
    Ok(ConfigResponse {
        current_epoch: current_epoch(&c, &params, env),
        next_epoch_to_close: NEXT_EPOCH_TO_CLOSE
            .may_load(deps.storage)?
            .unwrap_or_default(),
        owner: c.owner,
        ai_token: c.ai_token,
        pool: c.pool,
        job_registry: c.job_registry,
        treasury: c.treasury,
        experience_oracle: c.experience_oracle,
        params,
        genesis_time: c.genesis_time,
        classes,
    })
}

fn worker_response(deps: Deps, address: Addr, w: Worker) -> ContractResult<WorkerResponse> {
    Ok(WorkerResponse {
        unbonding: pending_claims(deps.storage, &address, false)?,
        hip8_score: hip8_score(&w)?,
        address,
        capabilities: w.capabilities,
        enclave_keys: w.enclave_keys,
        bond: w.bond,
        quality: w.quality,
        metrics: w.metrics,
        low_quality_since: w.low_quality_since,
        last_heartbeat: w.last_heartbeat,
        denied_until: w.denied_until,
        active_jobs: w.active_jobs,
        jobs_succeeded: w.jobs_succeeded,
        jobs_failed: w.jobs_failed,
        slash_count: w.slash_count,
        slashed_total: w.slashed_total,
        registered_at: w.registered_at,
    })
}

pub fn worker(deps: Deps, worker: String) -> ContractResult<WorkerResponse> {
    let addr = deps.api.addr_validate(&worker)?;
    let w = load_worker(deps.storage, &addr)?;
    worker_response(deps, addr, w)
}

pub fn workers(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> ContractResult<WorkersResponse> {
    let start = start_after
        .map(|s| deps.api.addr_validate(&s))
        .transpose()?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let page = WORKERS
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit)
        .collect::<StdResult<Vec<_>>>()?;
    let workers = page
        .into_iter()
        .map(|(a, w)| worker_response(deps, a, w))
        .collect::<ContractResult<Vec<_>>>()?;
    Ok(WorkersResponse { workers })
}

pub fn obligations(deps: Deps, worker: String) -> ContractResult<ObligationsResponse> {
    let addr = deps.api.addr_validate(&worker)?;
    let obligations = open_obligations(deps.storage, &addr)?
        .into_iter()
        .map(|(cu_token, ob)| Obligation {
            open: ob.open(),
            free: ob.free(),
            cu_token,
            minted: ob.minted,
            used: ob.used,
            withdrawn: ob.withdrawn,
            reserved: ob.reserved,
        })
        .collect();
    Ok(ObligationsResponse { obligations })
}

pub fn bond_requirement(deps: Deps, worker: String) -> ContractResult<BondRequirementResponse> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let addr = deps.api.addr_validate(&worker)?;
    let w = load_worker(deps.storage, &addr)?;
    let (obligation_value, required) = requirement(deps, &config, &params, &addr, None)?;
    Ok(BondRequirementResponse {
        bond: w.bond,
        obligation_value,
        required,
        covered: w.bond >= required,
    })
}

pub fn eligibility(
    deps: Deps,
    env: &Env,
    worker: String,
    cu: Vec<CuAmount>,
    sla: SlaRequirement,
) -> ContractResult<EligibilityResponse> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let addr = deps.api.addr_validate(&worker)?;
    Ok(
        match check_eligibility(deps, env, &config, &params, &addr, &cu, &sla) {
            Ok(_) => EligibilityResponse {
                eligible: true,
                reason: None,
            },
            Err(e) => EligibilityResponse {
                eligible: false,
                reason: Some(e.to_string()),
            },
        },
    )
}

fn cu_list(lines: &[(Addr, Uint128)]) -> Vec<CuAmount> {
    lines
        .iter()
        .map(|(t, a)| CuAmount {
            token: t.to_string(),
            amount: *a,
        })
        .collect()
}

pub fn attestation(deps: Deps, job_id: u64) -> ContractResult<AttestationResponse> {
    let job = load_job(deps.storage, job_id)?;
    let attestation = match &job.attestation {
        None => None,
        Some(a) => {
            let e = EPOCHS.may_load(deps.storage, a.epoch)?.unwrap_or_default();
            let sampled = match (&e.seed, e.sample_rate) {
                (Some(seed), Some(rate)) => Some(is_sampled(seed, job_id, rate)),
                _ => None,
            };
            Some(AttestationInfo {
                output_commitment: a.output_commitment.clone(),
                io_merkle_root: a.io_merkle_root.clone(),
                tee_report_hash: a.tee_report_hash.clone(),
                proof_hash: a.proof_hash.clone(),
                key_type: a.key_type.clone(),
                attested_at: a.attested_at,
                epoch: a.epoch,
                sampled,
                disputed_by: a.disputed_by.clone(),
                dispute_evidence: a.dispute_evidence.clone(),
                commit_end: a.commit_end,
                reveal_end: a.reveal_end,
                commits: a.commits,
                valid_weight: a.valid_weight,
                invalid_weight: a.invalid_weight,
            })
        }
    };
    Ok(AttestationResponse {
        job_id,
        cu: cu_list(&job.cu),
        used: cu_list(&job.used),
        worker: job.worker,
        client: job.client,
        value: job.value,
        assigned_at: job.assigned_at,
        finish_by: job.finish_by,
        state: job.state,
        attestation,
    })
}

pub fn verify_inclusion(
    deps: Deps,
    job_id: u64,
    leaf: Binary,
    index: u64,
    leaf_count: u64,
    proof: Vec<String>,
) -> ContractResult<InclusionResponse> {
    let job = load_job(deps.storage, job_id)?;
    let att = job.attestation.ok_or(ContractError::NotAttested(job_id))?;
    if proof.len() > 64 {
        return Err(ContractError::InvalidInput {
            field: "proof",
            reason: "at most 64 siblings".to_string(),
        });
    }
    let siblings = proof
        .iter()
        .map(|s| parse_hash("proof", s))
        .collect::<ContractResult<Vec<_>>>()?;
    let computed = compute_root(&leaf, index, leaf_count, &siblings).map_err(|e| {
        ContractError::InvalidInput {
            field: "proof",
            reason: match e {
                crate::merkle::MerkleError::IndexOutOfRange => "index out of range".to_string(),
                crate::merkle::MerkleError::WrongProofLength => "wrong proof length".to_string(),
            },
        }
    })?;
    let computed_root = to_hex(&computed);
    Ok(InclusionResponse {
        included: computed_root == att.io_merkle_root,
        root: att.io_merkle_root,
        computed_root,
    })
}

pub fn expert_weights(deps: Deps, workers: Vec<String>) -> ContractResult<ExpertWeightsResponse> {
    if workers.is_empty() || workers.len() > MAX_EXPERTS {
        return Err(ContractError::InvalidInput {
            field: "workers",
            reason: format!("1 to {MAX_EXPERTS} workers"),
        });
    }
    let mut addrs = Vec::with_capacity(workers.len());
    let mut qualities = Vec::with_capacity(workers.len());
    for w in &workers {
        let addr = deps.api.addr_validate(w)?;
        let worker = load_worker(deps.storage, &addr)?;
        qualities.push(worker.quality);
        addrs.push(addr);
    }
    let weights = eq5_weights(&qualities.iter().map(|q| Udec::from(*q)).collect::<Vec<_>>())?;
    Ok(ExpertWeightsResponse {
        weights: addrs
            .into_iter()
            .zip(qualities)
            .zip(weights)
            .map(|((worker, quality), weight)| ExpertWeight {
                worker,
                quality,
                weight: weight.into(),
            })
            .collect(),
    })
}

pub fn verifier(deps: Deps, verifier: String) -> ContractResult<VerifierResponse> {
    let addr = deps.api.addr_validate(&verifier)?;
    let v = load_verifier(deps.storage, &addr)?;
    Ok(VerifierResponse {
        unbonding: pending_claims(deps.storage, &addr, true)?,
        address: addr,
        bond: v.bond,
        open_commits: v.open_commits.saturating_add(v.open_disputes),
        verdicts: v.verdicts,
        correct: v.correct,
        slash_count: v.slash_count,
        registered_at: v.registered_at,
    })
}

pub fn claims(deps: Deps, address: String) -> ContractResult<ClaimsResponse> {
    let addr = deps.api.addr_validate(&address)?;
    Ok(ClaimsResponse {
        claims: CLAIMS.may_load(deps.storage, &addr)?.unwrap_or_default(),
    })
}

pub fn epoch(deps: Deps, env: &Env, epoch: Option<u64>) -> ContractResult<EpochResponse> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let epoch = epoch.unwrap_or_else(|| current_epoch(&config, &params, env));
    let e = EPOCHS.may_load(deps.storage, epoch)?.unwrap_or_default();
    let next = NEXT_EPOCH_TO_CLOSE
        .may_load(deps.storage)?
        .unwrap_or_default();
    Ok(EpochResponse {
        epoch,
        start: epoch_start(&config, &params, epoch)?,
        end: epoch_end(&config, &params, epoch)?,
        closed: epoch < next,
        seed: e.seed,
        attestations: e.attestations,
        work: e.work,
        verifier_points: e.verifier_points,
        curator_points: e.curator_points,
        workers: e.workers,
        verifiers: e.verifiers,
        curators: e.curators,
        treasury: e.treasury,
    })
}

pub fn pending_rewards(deps: Deps, address: String) -> ContractResult<PendingRewardsResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let (claimable, _, pending_epochs) = claimable(deps.storage, &addr)?;
    Ok(PendingRewardsResponse {
        claimable,
        pending_epochs,
    })
}

pub fn experience(deps: Deps, id: u64) -> ContractResult<ExperienceResponse> {
    let x = EXPERIENCES
        .may_load(deps.storage, id)?
        .ok_or(ContractError::UnknownExperience(id))?;
    Ok(ExperienceResponse {
        id,
        submitter: x.submitter,
        content_hash: x.content_hash,
        uri: x.uri,
        deposit: x.deposit,
        utility: x.utility,
        refunded: x.refunded,
        submitted_at: x.submitted_at,
    })
}

pub fn verdict_commitment(
    deps: Deps,
    job_id: u64,
    verifier: String,
    verdict: Verdict,
    salt: Binary,
) -> ContractResult<CommitmentResponse> {
    let addr = deps.api.addr_validate(&verifier)?;
    Ok(CommitmentResponse {
        hash: to_hex(&helpers::verdict_commitment(job_id, verdict, &salt, &addr)),
    })
}

/// The fields of [`hmm::poai::QueryMsg::AttestationDigest`].
pub struct DigestQuery {
    pub job_id: u64,
    pub worker: String,
    pub input_commitment: String,
    pub output_commitment: String,
    pub io_merkle_root: String,
    pub tee_report_hash: String,
    pub proof_hash: Option<String>,
    pub used: Option<Vec<CuAmount>>,
}

pub fn attestation_digest(env: &Env, q: DigestQuery) -> ContractResult<CommitmentResponse> {
    let input = parse_hash("input_commitment", &q.input_commitment)?;
    let output = parse_hash("output_commitment", &q.output_commitment)?;
    let io_merkle_root = parse_hash("io_merkle_root", &q.io_merkle_root)?;
    let tee_report_hash = parse_hash("tee_report_hash", &q.tee_report_hash)?;
    let proof_hash = q
        .proof_hash
        .map(|p| parse_hash("proof_hash", &p))
        .transpose()?;
    let fields = AttestationFields {
        job_id: q.job_id,
        worker: &q.worker,
        input: &input,
        output: &output,
        io_merkle_root: &io_merkle_root,
        tee_report_hash: &tee_report_hash,
        proof_hash: proof_hash.as_ref(),
        used: q.used.as_deref(),
    };
    let digest =
        digest::attestation_digest(&env.block.chain_id, env.contract.address.as_str(), &fields);
    Ok(CommitmentResponse {
        hash: to_hex(&digest),
    })
}

pub fn totals(deps: Deps) -> ContractResult<TotalsResponse> {
    let t = TOTALS.may_load(deps.storage)?.unwrap_or_default();
    Ok(TotalsResponse {
        worker_bonds: t.worker_bonds,
        verifier_bonds: t.verifier_bonds,
        claims: t.claims,
        deposits: t.deposits,
        reward_reserve: t.reward_reserve,
        minted: t.minted,
        burned: t.burned,
    })
}
