//! Verifiers: bonds, commit-reveal verdicts on sampled or disputed attestations, disputes.

use cosmwasm_std::{Addr, Binary, DepsMut, Env, MessageInfo, Response, Uint128};
use hmm::poai::{AssignmentState, AuditRecord, Verdict};

use crate::error::{ContractError, ContractResult};
use crate::execute::epoch::ensure_closed;
use crate::execute::worker::push_claim;
use crate::execute::{decrement, load_job, load_verifier, update_totals};
use crate::helpers::{
    add_secs, canonical_hash, epoch_end, is_sampled, on_committee, registry_msg, to_hex,
    verdict_commitment,
};
use crate::state::{
    Job, StoredAttestation, VerdictRecord, VerifierState, CONFIG, EPOCHS, JOBS, PARAMS, TOTALS,
    VERDICTS, VERIFIERS,
};
use crate::wire::{RegistryMsg as JobExecuteMsg, RegistryVerdict as JobVerdict};

pub fn register_verifier(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    amount: Uint128,
) -> ContractResult<Response> {
    let params = PARAMS.load(deps.storage)?;
    let mut v = VERIFIERS
        .may_load(deps.storage, &sender)?
        .unwrap_or(VerifierState {
            bond: Uint128::zero(),
            open_commits: 0,
            open_disputes: 0,
            verdicts: 0,
            correct: 0,
            slash_count: 0,
            registered_at: env.block.time.seconds(),
        });
    v.bond = v.bond.checked_add(amount)?;
    if v.bond < params.verifier_min_bond {
        return Err(ContractError::BondTooSmall {
            bond: v.bond,
            min: params.verifier_min_bond,
        });
    }
    VERIFIERS.save(deps.storage, &sender, &v)?;
    update_totals(deps.storage, &|t| {
        t.verifier_bonds = t.verifier_bonds.checked_add(amount)?;
        Ok(())
    })?;
    Ok(Response::new()
        .add_attribute("action", "register_verifier")
        .add_attribute("verifier", sender)
        .add_attribute("bond", v.bond))
}

pub fn unbond_verifier(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> ContractResult<Response> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let params = PARAMS.load(deps.storage)?;
    let mut v = load_verifier(deps.storage, &info.sender)?;
    if amount > v.bond {
        return Err(ContractError::UnbondTooLarge {
            asked: amount,
            bonded: v.bond,
        });
    }
    if v.open_commits > 0 || v.open_disputes > 0 {
        return Err(ContractError::VerifierBusy);
    }
    let remaining = v.bond.checked_sub(amount)?;
    if !remaining.is_zero() && remaining < params.verifier_min_bond {
        return Err(ContractError::BondTooSmall {
            bond: remaining,
            min: params.verifier_min_bond,
        });
    }
    v.bond = remaining;
    VERIFIERS.save(deps.storage, &info.sender, &v)?;
    let release_at = add_secs(env.block.time.seconds(), params.unbonding_period)?;
    push_claim(&mut deps, &info.sender, amount, release_at, true)?;
    update_totals(deps.storage, &|t| {
        t.verifier_bonds = t.verifier_bonds.checked_sub(amount)?;
        Ok(())
    })?;
    Ok(Response::new()
        .add_attribute("action", "unbond_verifier")
        .add_attribute("verifier", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("release_at", release_at.to_string()))
}

/// A verifier whose bond reaches the minimum.
fn bonded_verifier(deps: &DepsMut, addr: &Addr) -> ContractResult<VerifierState> {
    let params = PARAMS.load(deps.storage)?;
    let v = load_verifier(deps.storage, addr)?;
    if v.bond < params.verifier_min_bond {
        return Err(ContractError::NotVerifier(addr.to_string()));
    }
    Ok(v)
}

fn attested(job_id: u64, job: &Job) -> ContractResult<&StoredAttestation> {
    match (job.state, job.attestation.as_ref()) {
        (AssignmentState::Attested, Some(a)) => Ok(a),
        (AssignmentState::Assigned, _) => Err(ContractError::NotAttested(job_id)),
        _ => Err(ContractError::AlreadyFinalized(job_id)),
    }
}

fn window(what: &'static str, opens: u64, closes: u64, now: u64) -> ContractResult<()> {
    if now < opens || now >= closes {
        return Err(ContractError::OutsideWindow {
            what,
            opens,
            closes,
            now,
        });
    }
    Ok(())
}

pub fn commit_verdict(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
    commitment: String,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let commitment = canonical_hash("commitment", &commitment)?;
    let mut v = bonded_verifier(&deps, &info.sender)?;
    let mut job = load_job(deps.storage, job_id)?;
    if job.worker == info.sender {
        return Err(ContractError::OwnJob);
    }
    let att = attested(job_id, &job)?;
    let now = env.block.time.seconds();
    let opens = epoch_end(&config, &params, att.epoch)?;
    window("commit", opens, att.commit_end, now)?;
    let msgs = ensure_closed(deps.storage, &env, &config, &params, att.epoch)?;
    let e = EPOCHS.load(deps.storage, att.epoch)?;
    let sampled = match (&e.seed, e.sample_rate) {
        (Some(seed), Some(rate)) => is_sampled(seed, job_id, rate),
        _ => false,
    };
    if !sampled && att.disputed_by.is_none() {
        return Err(ContractError::NotSampled(job_id));
    }
    // The committee is drawn by bond from the epoch seed, not taken first-come (issue 18: a client's Sybil
    // verifiers took every seat in the first block).
    let seed = e.seed.as_deref().unwrap_or_default();
    let total = TOTALS
        .may_load(deps.storage)?
        .unwrap_or_default()
        .verifier_bonds;
    if !on_committee(
        seed,
        job_id,
        &info.sender,
        v.bond,
        total,
        params.max_verifiers_per_job,
    ) {
        return Err(ContractError::NotOnCommittee(job_id));
    }
    if VERDICTS.has(deps.storage, (job_id, &info.sender)) {
        return Err(ContractError::AlreadyCommitted(job_id));
    }
    if att.commits >= params.max_verifiers_per_job {
        return Err(ContractError::CommitteeFull(job_id));
    }
    VERDICTS.save(
        deps.storage,
        (job_id, &info.sender),
        &VerdictRecord {
            commitment,
            revealed: None,
            // The bond at commit: the reveal counts at most this (a top-up after seeing the others' reveals
            // cannot outvote them).
            weight: v.bond,
            audit: None,
        },
    )?;
    if let Some(a) = job.attestation.as_mut() {
        a.commits = a.commits.saturating_add(1);
    }
    JOBS.save(deps.storage, job_id, &job)?;
    v.open_commits = v.open_commits.saturating_add(1);
    VERIFIERS.save(deps.storage, &info.sender, &v)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "commit_verdict")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("verifier", info.sender))
}

pub fn reveal_verdict(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
    verdict: Verdict,
    salt: Binary,
    audit: Option<AuditRecord>,
) -> ContractResult<Response> {
    let mut job = load_job(deps.storage, job_id)?;
    let att = attested(job_id, &job)?;
    let now = env.block.time.seconds();
    window("reveal", att.commit_end, att.reveal_end, now)?;
    let mut rec = VERDICTS
        .may_load(deps.storage, (job_id, &info.sender))?
        .ok_or(ContractError::NoCommitment(job_id))?;
    if rec.revealed.is_some() {
        return Err(ContractError::AlreadyRevealed(job_id));
    }
    if !(16..=64).contains(&salt.len()) {
        return Err(ContractError::InvalidInput {
            field: "salt",
            reason: "16 to 64 bytes".to_string(),
        });
    }
    let audit = audit
        .map(|a| -> ContractResult<AuditRecord> {
            Ok(AuditRecord {
                kind: a.kind,
                evidence_hash: canonical_hash("evidence_hash", &a.evidence_hash)?,
            })
        })
        .transpose()?;
    if to_hex(&verdict_commitment(job_id, verdict, &salt, &info.sender)) != rec.commitment {
        return Err(ContractError::CommitmentMismatch);
    }
    let mut v = load_verifier(deps.storage, &info.sender)?;
    // Voting weight: min(bond at commit, bond at reveal). Topping up between the two buys no weight; unbonding or
    // a slash in between lowers it.
    let weight = rec.weight.min(v.bond);
    rec.revealed = Some(verdict);
    rec.weight = weight;
    rec.audit = audit;
    VERDICTS.save(deps.storage, (job_id, &info.sender), &rec)?;
    if let Some(a) = job.attestation.as_mut() {
        match verdict {
            Verdict::Valid => a.valid_weight = a.valid_weight.checked_add(weight)?,
            Verdict::Invalid => a.invalid_weight = a.invalid_weight.checked_add(weight)?,
        }
    }
    JOBS.save(deps.storage, job_id, &job)?;
    v.open_commits = decrement(v.open_commits, "open_commits")?;
    v.verdicts = v.verdicts.saturating_add(1);
    VERIFIERS.save(deps.storage, &info.sender, &v)?;
    Ok(Response::new()
        .add_attribute("action", "reveal_verdict")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("verifier", info.sender)
        .add_attribute(
            "verdict",
            match verdict {
                Verdict::Valid => "valid",
                Verdict::Invalid => "invalid",
            },
        ))
}

pub fn dispute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    job_id: u64,
    evidence_hash: String,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let evidence_hash = canonical_hash("evidence_hash", &evidence_hash)?;
    let mut v = bonded_verifier(&deps, &info.sender)?;
    let mut job = load_job(deps.storage, job_id)?;
    if job.worker == info.sender {
        return Err(ContractError::OwnJob);
    }
    let att = attested(job_id, &job)?;
    let now = env.block.time.seconds();
    window("dispute", att.attested_at, att.commit_end, now)?;
    // A dispute puts at least the job's value at stake: disputing a large job to grief it costs a large bond.
    if v.bond < job.value {
        return Err(ContractError::DisputeBondTooSmall {
            bond: v.bond,
            needed: job.value,
        });
    }
    if att.disputed_by.is_some() {
        return Err(ContractError::AlreadyDisputed(job_id));
    }
    if let Some(a) = job.attestation.as_mut() {
        a.disputed_by = Some(info.sender.clone());
        a.dispute_evidence = Some(evidence_hash);
    }
    JOBS.save(deps.storage, job_id, &job)?;
    v.open_disputes = v.open_disputes.saturating_add(1);
    VERIFIERS.save(deps.storage, &info.sender, &v)?;
    Ok(Response::new()
        .add_message(registry_msg(
            &config,
            &JobExecuteMsg::RecordVerdict {
                job_id,
                verdict: JobVerdict::Disputed,
            },
        )?)
        .add_attribute("action", "dispute")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("disputer", info.sender))
}
