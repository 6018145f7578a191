//! Finalization: the verification outcome, quality, slashing, rewards, and the registry's `Settle`.

use cosmwasm_std::{Addr, DepsMut, Env, Order, Response, StdResult, Uint128};
use hmm::poai::{AssignmentState, Verdict};
use hmm_math::economics::{capped_poai_bonus, reward_credit, split_by_weights};
use hmm_math::fees::amount_times_rate;
use hmm_math::{Rounding, Udec};

use crate::error::{ContractError, ContractResult};
use crate::execute::epoch::ensure_closed;
use crate::execute::{
    add_points, apply_quality, decrement, fraction, hip8_multiplier, load_job, load_worker,
    observe_metrics, release_reservation, slash_verifier, slash_worker, update_totals,
};
use crate::helpers::{burn_msg, current_epoch, is_sampled, push_mint, registry_msg};
use crate::state::{Points, CONFIG, EPOCHS, JOBS, PARAMS, VERDICTS, VERIFIERS, WORKERS};
use crate::wire::{Outcome as SettlementOutcome, RegistryMsg as JobExecuteMsg};

/// Why a refuted job failed, as recorded by the registry.
pub const REFUTED_REASON: &str = "refuted by PoAI verification";

pub fn finalize(deps: DepsMut, env: Env, job_id: u64) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let mut job = load_job(deps.storage, job_id)?;
    let att = match (job.state, job.attestation.clone()) {
        (AssignmentState::Attested, Some(a)) => a,
        (AssignmentState::Assigned, _) => return Err(ContractError::NotAttested(job_id)),
        _ => return Err(ContractError::AlreadyFinalized(job_id)),
    };
    let now = env.block.time.seconds();
    if now < att.reveal_end {
        return Err(ContractError::VerificationOpen {
            job_id,
            until: att.reveal_end,
        });
    }
    let mut msgs = ensure_closed(deps.storage, &env, &config, &params, att.epoch)?;
    let e = EPOCHS.load(deps.storage, att.epoch)?;
    let sampled = match (&e.seed, e.sample_rate) {
        (Some(seed), Some(rate)) => is_sampled(seed, job_id, rate),
        _ => false,
    };
    let checked = sampled || att.disputed_by.is_some();
    // Verdicts weighted by verifier bond; a tie or no reveal leaves the attestation standing.
    let refuted = checked && att.invalid_weight > att.valid_weight;
    let epoch_now = current_epoch(&config, &params, &env);
    let mut burned = Uint128::zero();
    let mut minted = Uint128::zero();

    // Verifiers: those who judged right earn points and a bonus share; committers who never revealed are slashed.
    let records = VERDICTS
        .prefix_range(deps.storage, job_id, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    let mut correct: Vec<Addr> = vec![];
    for (addr, rec) in records {
        let Some(mut v) = VERIFIERS.may_load(deps.storage, &addr)? else {
            continue;
        };
        match rec.revealed {
            None => {
                v.open_commits = decrement(v.open_commits, "open_commits")?;
                burned =
                    burned.checked_add(slash_verifier(deps.storage, &addr, &mut v, &params)?)?;
            }
            Some(verdict) => {
                if (verdict == Verdict::Invalid) == refuted {
                    v.correct = v.correct.saturating_add(1);
                    correct.push(addr.clone());
                } else {
                    // Voting against the outcome costs σ of the bond: a captured minority pays for its votes.
                    burned = burned.checked_add(slash_verifier(
                        deps.storage,
                        &addr,
                        &mut v,
                        &params,
                    )?)?;
                }
            }
        }
        VERIFIERS.save(deps.storage, &addr, &v)?;
    }
    // A dispute that the verifiers did not uphold costs the disputer σ of its bond.
    if let Some(d) = &att.disputed_by {
        if let Some(mut v) = VERIFIERS.may_load(deps.storage, d)? {
            v.open_disputes = decrement(v.open_disputes, "open_disputes")?;
            if !refuted {
                burned = burned.checked_add(slash_verifier(deps.storage, d, &mut v, &params)?)?;
            }
            VERIFIERS.save(deps.storage, d, &v)?;
        }
    }

    let mut w = load_worker(deps.storage, &job.worker)?;
    w.active_jobs = decrement(w.active_jobs, "active_jobs")?;
    let latency = fraction(
        job.finish_by.saturating_sub(att.attested_at),
        job.finish_by.saturating_sub(job.assigned_at),
    )?;
    let mut resp = Response::new()
        .add_attribute("action", "finalize")
        .add_attribute("job_id", job_id.to_string())
        .add_attribute("sampled", sampled.to_string())
        .add_attribute("refuted", refuted.to_string());
    // What the job burned for good, whoever is behind its parties: the job fee on success (the registry burns
    // it at `Settle`), the worker's slash on a refutation (at most the fee, so that a refutation pays the
    // verifiers no more than a success would). Every reward for the job comes out of 9/10 of it.
    let (outcome, burned_for_job) = if refuted {
        release_reservation(deps.storage, &job, &[])?;
        apply_quality(&mut w, false, &params, epoch_now)?;
        observe_metrics(
            deps.storage,
            &mut w,
            Some(latency),
            Some(Udec::one()),
            Some(Udec::ZERO),
        )?;
        w.jobs_failed = w.jobs_failed.saturating_add(1);
        let slashed = slash_worker(deps.storage, &job.worker, &mut w, &params, now)?;
        burned = burned.checked_add(slashed)?;
        resp = resp.add_attribute("slashed", slashed);
        job.state = AssignmentState::Refuted;
        let outcome = SettlementOutcome::Failure {
            reason: REFUTED_REASON.to_string(),
        };
        (outcome, slashed.min(job.fee))
    } else {
        release_reservation(deps.storage, &job, &job.used)?;
        apply_quality(&mut w, true, &params, epoch_now)?;
        observe_metrics(
            deps.storage,
            &mut w,
            Some(latency),
            Some(Udec::one()),
            Some(Udec::one()),
        )?;
        w.jobs_succeeded = w.jobs_succeeded.saturating_add(1);
        job.state = AssignmentState::Succeeded;
        let outcome = SettlementOutcome::Success {
            used: job
                .used
                .iter()
                .map(|(t, a)| hmm::poai::CuAmount {
                    token: t.to_string(),
                    amount: *a,
                })
                .collect(),
        };
        (outcome, job.fee)
    };

    // The reward credit and the PoAI bonus ρ·V_j (2025 §4.2, capped by the credit), split worker / verifiers.
    let credit = reward_credit(burned_for_job)?;
    let worker_weight = Udec::one().checked_sub(Udec::from(params.verifier_bonus_share))?;
    let (credit_parts, bonus_parts) = capped_poai_bonus(
        job.value,
        Udec::from(params.poai_bonus_rate),
        credit,
        &[worker_weight, Udec::from(params.verifier_bonus_share)],
    )?;
    let part = |v: &[Uint128], i: usize| v.get(i).copied().unwrap_or_default();
    if !refuted {
        // HIP-8: +50 % for the top 10 % of scores, −50 % for the bottom 10 %, within the worker's credit.
        let worker_credit = part(&credit_parts, 0);
        let multiplier = hip8_multiplier(deps.storage, &w)?;
        let pay = amount_times_rate(part(&bonus_parts, 0), multiplier, Rounding::Down)?
            .min(worker_credit);
        push_mint(&mut msgs, &config.ai_token, &job.worker, pay)?;
        minted = minted.checked_add(pay)?;
        // Emission weight: the worker's credit; what its claim may still take: the credit less the bonus.
        add_points(
            deps.storage,
            &job.worker,
            epoch_now,
            &Points {
                work: worker_credit,
                credit: worker_credit.checked_sub(pay)?,
                ..Points::default()
            },
        )?;
        resp = resp
            .add_attribute("worker_bonus", pay)
            .add_attribute("hip8_multiplier", multiplier.to_string());
    }
    resp = resp
        .add_attribute("reward_credit", credit)
        .add_attribute("quality", w.quality.to_string());
    WORKERS.save(deps.storage, &job.worker, &w)?;

    if !correct.is_empty() {
        let equal = vec![Udec::one(); correct.len()];
        let split = |amount: Uint128| -> ContractResult<Vec<Uint128>> {
            Ok(if amount.is_zero() {
                vec![Uint128::zero(); correct.len()]
            } else {
                split_by_weights(amount, &equal)?
            })
        };
        let credits = split(part(&credit_parts, 1))?;
        let bonuses = split(part(&bonus_parts, 1))?;
        for ((addr, credit), bonus) in correct.iter().zip(credits).zip(bonuses) {
            let share = bonus.min(credit);
            push_mint(&mut msgs, &config.ai_token, addr, share)?;
            minted = minted.checked_add(share)?;
            add_points(
                deps.storage,
                addr,
                epoch_now,
                &Points {
                    verifier: credit,
                    credit: credit.checked_sub(share)?,
                    ..Points::default()
                },
            )?;
        }
    }
    update_totals(deps.storage, &|t| {
        t.minted = t.minted.checked_add(minted)?;
        Ok(())
    })?;
    if !burned.is_zero() {
        msgs.push(burn_msg(&config.ai_token, burned)?);
    }
    msgs.push(registry_msg(
        &config,
        &JobExecuteMsg::Settle { job_id, outcome },
    )?);
    JOBS.save(deps.storage, job_id, &job)?;
    Ok(resp
        .add_messages(msgs)
        .add_attribute("burned", burned)
        .add_attribute("minted", minted))
}
