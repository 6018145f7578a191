//! Attestations: the enclave signature over the domain-separated digest (`digest.rs`: this chain, this poai, the
//! job, the worker and every attested field) checked on chain, the commitments stored, the registry told.

use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response, Uint128};
use hmm::poai::{AssignmentState, CuAmount, EnclaveKeys};

use crate::digest::{attestation_digest, AttestationFields};
use crate::error::{ContractError, ContractResult};
use crate::execute::{load_job, load_worker};
use crate::helpers::{
    accumulate, add_secs, current_epoch, epoch_end, parse_hash, registry_msg, to_hex,
};
use crate::state::{Config, StoredAttestation, CONFIG, EPOCHS, JOBS, PARAMS, WORKERS};
use crate::views::JobView;
use crate::wire::{RegistryMsg as JobExecuteMsg, RegistryQuery as JobQueryMsg};

/// The registry's view of a job.
pub fn query_job(deps: Deps, config: &Config, job_id: u64) -> ContractResult<JobView> {
    let registry = config
        .job_registry
        .as_ref()
        .ok_or(ContractError::RegistryNotSet)?;
    deps.querier
        .query_wasm_smart(registry, &JobQueryMsg::Job { job_id })
        .map_err(|e| ContractError::QueryFailed {
            contract: registry.to_string(),
            reason: e.to_string(),
        })
}

/// Which registered key verifies `signature` over `digest`; `None` if none does. Malformed keys or signatures
/// count as not verifying.
pub fn verify_enclave_signature(
    deps: Deps,
    keys: &EnclaveKeys,
    digest: &[u8; 32],
    signature: &Binary,
) -> Option<&'static str> {
    if signature.len() != 64 {
        return None;
    }
    if let Some(pk) = &keys.secp256k1 {
        if deps
            .api
            .secp256k1_verify(digest, signature, pk)
            .unwrap_or(false)
        {
            return Some("secp256k1");
        }
    }
    if let Some(pk) = &keys.secp256r1 {
        if deps
            .api
            .secp256r1_verify(digest, signature, pk)
            .unwrap_or(false)
        {
            return Some("secp256r1");
        }
    }
    if let Some(pk) = &keys.ed25519 {
        if deps
            .api
            .ed25519_verify(digest, signature, pk)
            .unwrap_or(false)
        {
            return Some("ed25519");
        }
    }
    None
}

#[allow(clippy::too_many_arguments)]
pub fn attest(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
    output_commitment: String,
    io_merkle_root: String,
    tee_report_hash: String,
    signature: Binary,
    proof_hash: Option<String>,
    used: Option<Vec<CuAmount>>,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let mut job = load_job(deps.storage, job_id)?;
    if info.sender != job.worker {
        return Err(ContractError::Unauthorized("the job's worker"));
    }
    match job.state {
        AssignmentState::Assigned => {}
        AssignmentState::Attested => return Err(ContractError::AlreadyAttested(job_id)),
        _ => return Err(ContractError::AlreadyFinalized(job_id)),
    }
    let now = env.block.time.seconds();
    if now > job.finish_by {
        return Err(ContractError::DeadlinePassed {
            deadline: job.finish_by,
            now,
        });
    }
    let output = parse_hash("output_commitment", &output_commitment)?;
    let io_root = parse_hash("io_merkle_root", &io_merkle_root)?;
    let tee_hash = parse_hash("tee_report_hash", &tee_report_hash)?;
    let proof = proof_hash
        .as_deref()
        .map(|p| parse_hash("proof_hash", p))
        .transpose()?;
    // CU consumed: each a reserved token, at most what was reserved; unlisted tokens count as zero.
    let used_lines = match &used {
        None => job.cu.clone(),
        Some(lines) => {
            let mut out = Vec::with_capacity(job.cu.len());
            for line in lines {
                let token = deps.api.addr_validate(&line.token)?;
                let reserved = job
                    .cu
                    .iter()
                    .find(|(t, _)| *t == token)
                    .map(|(_, a)| *a)
                    .ok_or_else(|| ContractError::InvalidInput {
                        field: "used",
                        reason: format!("{token} is not reserved for the job"),
                    })?;
                if line.amount > reserved || out.iter().any(|(t, _): &(_, Uint128)| *t == token) {
                    return Err(ContractError::InvalidInput {
                        field: "used",
                        reason: format!("{token}: at most {reserved}, once"),
                    });
                }
                out.push((token, line.amount));
            }
            out
        }
    };
    // `addr_validate` accepts only the canonical spelling, so the token strings signed are the ones stored.
    // The registry's job: same worker, and its input commitment.
    let registry_job = query_job(deps.as_ref(), &config, job_id)?;
    if registry_job.worker.as_ref() != Some(&job.worker) {
        return Err(ContractError::JobMismatch {
            job_id,
            reason: "the registry has another worker".to_string(),
        });
    }
    let input = parse_hash("input_commitment", &registry_job.input_commitment)?;
    let digest = attestation_digest(
        &env.block.chain_id,
        env.contract.address.as_str(),
        &AttestationFields {
            job_id,
            worker: job.worker.as_str(),
            input: &input,
            output: &output,
            io_merkle_root: &io_root,
            tee_report_hash: &tee_hash,
            proof_hash: proof.as_ref(),
            used: used.as_deref(),
        },
    );
    let worker = load_worker(deps.storage, &job.worker)?;
    let key_type =
        verify_enclave_signature(deps.as_ref(), &worker.enclave_keys, &digest, &signature)
            .ok_or(ContractError::InvalidSignature)?;

    let epoch = current_epoch(&config, &params, &env);
    let commit_end = add_secs(epoch_end(&config, &params, epoch)?, params.commit_period)?;
    let reveal_end = add_secs(commit_end, params.reveal_period)?;
    let mut e = EPOCHS.may_load(deps.storage, epoch)?.unwrap_or_default();
    e.accumulator = accumulate(&e.accumulator, job_id, &output, signature.as_slice());
    e.attestations = e.attestations.saturating_add(1);
    EPOCHS.save(deps.storage, epoch, &e)?;

    job.state = AssignmentState::Attested;
    job.used = used_lines;
    job.attestation = Some(StoredAttestation {
        output_commitment: to_hex(&output),
        io_merkle_root: to_hex(&io_root),
        tee_report_hash: to_hex(&tee_hash),
        proof_hash: proof.map(|p| to_hex(&p)),
        key_type: key_type.to_string(),
        attested_at: now,
        epoch,
        commit_end,
        reveal_end,
        disputed_by: None,
        dispute_evidence: None,
        commits: 0,
        valid_weight: Uint128::zero(),
        invalid_weight: Uint128::zero(),
    });
    JOBS.save(deps.storage, job_id, &job)?;
    let mut w = worker;
    w.last_heartbeat = now;
    WORKERS.save(deps.storage, &job.worker, &w)?;

    Ok(Response::new()
        .add_message(registry_msg(
            &config,
            &JobExecuteMsg::RecordAttestation { job_id },
        )?)
        .add_attribute("action", "attest")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("worker", job.worker)
        .add_attribute("key_type", key_type)
        .add_attribute("epoch", epoch.to_string())
        .add_attribute("reveal_end", reveal_end.to_string()))
}
