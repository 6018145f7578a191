//! Entry points: a thin dispatcher onto `execute/` and `query.rs`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use hmm::poai::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use crate::error::{ContractError, ContractResult};
use crate::execute::{
    admin, attest, capacity, epoch, experience, finalize, jobs, receive, report, verify, worker,
};
use crate::query;
use crate::state::{Config, Totals, CONFIG, HISTOGRAM, NEXT_EPOCH_TO_CLOSE, PARAMS, TOTALS};
use crate::views::TokenInfoView;
use crate::wire::Cw20Query as Cw20QueryMsg;

pub const CONTRACT_NAME: &str = "crates.io:poai";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest version whose state `migrate` converts: 0.3.0 (compact records, which 0.4.0 stores as JSON; 0.3.0 added
/// `Params.worker_min_bond`, `Job.fee` and `Points.credit`). Older layouts are refused rather than left unreadable.
const OLDEST_MIGRATABLE: &str = "0.3.0";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = match msg.owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender,
    };
    let ai_token = deps.api.addr_validate(&msg.ai_token)?;
    let params = match msg.params {
        Some(p) => p,
        None => {
            let token: TokenInfoView = deps
                .querier
                .query_wasm_smart(&ai_token, &Cw20QueryMsg::TokenInfo {})
                .map_err(|e| ContractError::QueryFailed {
                    contract: ai_token.to_string(),
                    reason: e.to_string(),
                })?;
            admin::default_params(token.decimals)?
        }
    };
    admin::validate_params(&params)?;
    let config = Config {
        experience_oracle: match msg.experience_oracle {
            Some(o) => deps.api.addr_validate(&o)?,
            None => owner.clone(),
        },
        owner,
        ai_token,
        pool: deps.api.addr_validate(&msg.pool)?,
        job_registry: msg
            .job_registry
            .map(|r| deps.api.addr_validate(&r))
            .transpose()?,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        genesis_time: env.block.time.seconds(),
    };
    CONFIG.save(deps.storage, &config)?;
    PARAMS.save(deps.storage, &params)?;
    NEXT_EPOCH_TO_CLOSE.save(deps.storage, &0)?;
    HISTOGRAM.save(deps.storage, &vec![0; crate::execute::BUCKETS])?;
    TOTALS.save(deps.storage, &Totals::default())?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", config.owner)
        .add_attribute("genesis_time", config.genesis_time.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    // Every payment is a cw20 token: native funds would be stranded.
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Receive(wrapper) => receive::receive(deps, env, info, wrapper),
        ExecuteMsg::Register {
            capabilities,
            enclave_keys,
            possession,
        } => worker::update_registration(
            deps,
            env,
            info,
            worker::Registration {
                capabilities,
                enclave_keys,
                possession,
            },
        ),
        ExecuteMsg::OfferCapacity {
            cu_token,
            raw_amount,
        } => capacity::offer_capacity(deps, env, info, cu_token, raw_amount),
        ExecuteMsg::Heartbeat {} => worker::heartbeat(deps, env, info),
        ExecuteMsg::Unbond { amount } => worker::unbond(deps, env, info, amount),
        ExecuteMsg::UnbondVerifier { amount } => verify::unbond_verifier(deps, env, info, amount),
        ExecuteMsg::ClaimUnbonded {} => worker::claim_unbonded(deps, env, info),
        ExecuteMsg::JobAssigned {
            job_id,
            worker,
            client,
            cu,
            sla,
            value,
            fee,
            finish_by,
        } => jobs::job_assigned(
            deps,
            env,
            info,
            jobs::Assignment {
                job_id,
                worker,
                client,
                cu,
                sla,
                value,
                fee,
                finish_by,
            },
        ),
        ExecuteMsg::JobFailed {
            job_id,
            worker,
            reason,
        } => jobs::job_failed(deps, env, info, job_id, worker, reason),
        ExecuteMsg::Attest {
            job_id,
            output_commitment,
            io_merkle_root,
            tee_report_hash,
            signature,
            proof_hash,
            used,
        } => attest::attest(
            deps,
            env,
            info,
            job_id,
            output_commitment,
            io_merkle_root,
            tee_report_hash,
            signature,
            proof_hash,
            used,
        ),
        ExecuteMsg::CommitVerdict { job_id, commitment } => {
            verify::commit_verdict(deps, env, info, job_id, commitment)
        }
        ExecuteMsg::RevealVerdict {
            job_id,
            verdict,
            salt,
            audit,
        } => verify::reveal_verdict(deps, env, info, job_id, verdict, salt, audit),
        ExecuteMsg::Dispute {
            job_id,
            evidence_hash,
        } => verify::dispute(deps, env, info, job_id, evidence_hash),
        ExecuteMsg::Finalize { job_id } => finalize::finalize(deps, env, job_id),
        ExecuteMsg::ReportWorker { worker, condition } => {
            report::report_worker(deps, env, worker, condition)
        }
        ExecuteMsg::ScoreExperience { id, utility } => {
            experience::score(deps, env, info, id, utility)
        }
        ExecuteMsg::DistributeEmissions {} => epoch::distribute_emissions(deps, env),
        ExecuteMsg::ClaimRewards {} => epoch::claim_rewards(deps, info),
        ExecuteMsg::SetResourceClass { cu_token, pool_id } => {
            admin::set_resource_class(deps, env, info, cu_token, pool_id)
        }
        ExecuteMsg::UpdateConfig(update) => admin::update_config(deps, info, update),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps, &env)?)?,
        QueryMsg::Worker { worker } => to_json_binary(&query::worker(deps, worker)?)?,
        QueryMsg::Workers { start_after, limit } => {
            to_json_binary(&query::workers(deps, start_after, limit)?)?
        }
        QueryMsg::Obligations { worker } => to_json_binary(&query::obligations(deps, worker)?)?,
        QueryMsg::BondRequirement { worker } => {
            to_json_binary(&query::bond_requirement(deps, worker)?)?
        }
        QueryMsg::Eligibility { worker, cu, sla } => {
            to_json_binary(&query::eligibility(deps, &env, worker, cu, sla)?)?
        }
        QueryMsg::Attestation { job_id } => to_json_binary(&query::attestation(deps, job_id)?)?,
        QueryMsg::VerifyInclusion {
            job_id,
            leaf,
            index,
            leaf_count,
            proof,
        } => to_json_binary(&query::verify_inclusion(
            deps, job_id, leaf, index, leaf_count, proof,
        )?)?,
        QueryMsg::ExpertWeights { workers } => {
            to_json_binary(&query::expert_weights(deps, workers)?)?
        }
        QueryMsg::Verifier { verifier } => to_json_binary(&query::verifier(deps, verifier)?)?,
        QueryMsg::Claims { address } => to_json_binary(&query::claims(deps, address)?)?,
        QueryMsg::Epoch { epoch } => to_json_binary(&query::epoch(deps, &env, epoch)?)?,
        QueryMsg::PendingRewards { address } => {
            to_json_binary(&query::pending_rewards(deps, address)?)?
        }
        QueryMsg::Experience { id } => to_json_binary(&query::experience(deps, id)?)?,
        QueryMsg::VerdictCommitment {
            job_id,
            verifier,
            verdict,
            salt,
        } => to_json_binary(&query::verdict_commitment(
            deps, job_id, verifier, verdict, salt,
        )?)?,
        QueryMsg::AttestationDigest {
            job_id,
            worker,
            input_commitment,
            output_commitment,
            io_merkle_root,
            tee_report_hash,
            proof_hash,
            used,
        } => to_json_binary(&query::attestation_digest(
            &env,
            query::DigestQuery {
                job_id,
                worker,
                input_commitment,
                output_commitment,
                io_merkle_root,
                tee_report_hash,
                proof_hash,
                used,
            },
        )?)?,
        QueryMsg::Totals {} => to_json_binary(&query::totals(deps)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    Ok(hmm_record::migrate(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        OLDEST_MIGRATABLE,
        |storage, from| match from < &hmm_record::Version::parse("0.4.0")? {
            true => Ok(crate::state::convert_records(storage)?),
            false => Ok(0),
        },
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::{mock_dependencies, mock_env};

    /// 0.2.x stored another layout, which this code cannot read: refused, not half-migrated (the policy itself is
    /// tested in hmm-record; the conversion of real state in the VM test `tests/vm/tests/migration.rs`).
    #[test]
    fn migrate_refuses_older_layouts_and_accepts_this_one() {
        let mut deps = mock_dependencies();
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.2.0").unwrap();
        let refused = migrate(deps.as_mut(), mock_env(), MigrateMsg {});
        assert!(matches!(
            refused,
            Err(ContractError::Migrate(
                hmm_record::MigrateError::TooOld { .. }
            ))
        ));
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, OLDEST_MIGRATABLE).unwrap();
        migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        let stored = cw2::get_contract_version(&deps.storage).unwrap();
        assert_eq!(stored.version, CONTRACT_VERSION);
    }
}
