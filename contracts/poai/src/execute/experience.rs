//! Experience submissions (2025 §4.3): a deposit D, refunded in proportion to measured utility; the utility is the
//! submitter's curator weight in the epoch's emissions (2025 §4.2, δ).

use cosmwasm_std::{Addr, Decimal256, DepsMut, Env, MessageInfo, Response, Uint128, Uint256};
use hmm_math::economics::experience_refund;
use hmm_math::Udec;

use crate::error::{ContractError, ContractResult};
use crate::execute::{add_points, update_totals};
use crate::helpers::{canonical_hash, current_epoch, push_transfer};
use crate::state::{Experience, Points, CONFIG, EXPERIENCES, EXPERIENCE_COUNT, PARAMS};

pub fn submit(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    amount: Uint128,
    content_hash: String,
    uri: Option<String>,
) -> ContractResult<Response> {
    let params = PARAMS.load(deps.storage)?;
    if amount != params.experience_deposit {
        return Err(ContractError::WrongDeposit {
            expected: params.experience_deposit,
            got: amount,
        });
    }
    let content_hash = canonical_hash("content_hash", &content_hash)?;
    if uri.as_ref().is_some_and(|u| u.len() > 256) {
        return Err(ContractError::InvalidInput {
            field: "uri",
            reason: "at most 256 bytes".to_string(),
        });
    }
    let id = EXPERIENCE_COUNT
        .may_load(deps.storage)?
        .unwrap_or_default()
        .checked_add(1)
        .ok_or(ContractError::InvalidInput {
            field: "id",
            reason: "overflow".to_string(),
        })?;
    EXPERIENCE_COUNT.save(deps.storage, &id)?;
    EXPERIENCES.save(
        deps.storage,
        id,
        &Experience {
            submitter: sender.clone(),
            content_hash,
            uri,
            deposit: amount,
            utility: None,
            refunded: Uint128::zero(),
            submitted_at: env.block.time.seconds(),
        },
    )?;
    update_totals(deps.storage, &|t| {
        t.deposits = t.deposits.checked_add(amount)?;
        Ok(())
    })?;
    Ok(Response::new()
        .add_attribute("action", "submit_experience")
        .add_attribute("id", id.to_string())
        .add_attribute("submitter", sender))
}

pub fn score(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: u64,
    utility: Decimal256,
) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    if info.sender != config.experience_oracle {
        return Err(ContractError::Unauthorized("the experience oracle"));
    }
    let mut x = EXPERIENCES
        .may_load(deps.storage, id)?
        .ok_or(ContractError::UnknownExperience(id))?;
    if x.utility.is_some() {
        return Err(ContractError::AlreadyScored(id));
    }
    if utility > Decimal256::one() {
        return Err(ContractError::InvalidInput {
            field: "utility",
            reason: "must be in [0, 1]".to_string(),
        });
    }
    let settled = experience_refund(x.deposit, Udec::from(utility))?;
    let mut msgs = vec![];
    push_transfer(&mut msgs, &config.ai_token, &x.submitter, settled.refund)?;
    push_transfer(
        &mut msgs,
        &config.ai_token,
        &config.treasury,
        settled.forfeit,
    )?;
    update_totals(deps.storage, &|t| {
        t.deposits = t.deposits.checked_sub(x.deposit)?;
        Ok(())
    })?;
    // Curator weight: utility in millionths.
    let points = utility
        .atomics()
        .checked_div(Uint256::from(1_000_000_000_000u128))
        .unwrap_or_default();
    let points = Uint128::try_from(points).unwrap_or_default();
    let epoch = current_epoch(&config, &params, &env);
    add_points(
        deps.storage,
        &x.submitter,
        epoch,
        &Points {
            curator: points,
            ..Points::default()
        },
    )?;
    x.utility = Some(utility);
    x.refunded = settled.refund;
    x.deposit = Uint128::zero();
    EXPERIENCES.save(deps.storage, id, &x)?;
    Ok(Response::new()
        .add_messages(msgs)
        .add_attribute("action", "score_experience")
        .add_attribute("id", id.to_string())
        .add_attribute("refund", settled.refund)
        .add_attribute("forfeit", settled.forfeit))
}
