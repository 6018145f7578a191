//! Workers: registration, bonds, heartbeats, unbonding with slashable claims, and claims paid out.

use cosmwasm_std::{Addr, Binary, Deps, DepsMut, Env, MessageInfo, Response, Storage, Uint128};
use hmm::poai::{Capabilities, Claim, EnclaveKeySignatures, EnclaveKeys, Hip8Metrics};

use crate::digest::registration_digest;
use crate::error::{ContractError, ContractResult};
use crate::execute::{
    ensure_covered, histogram_insert, load_worker, requirement, track_low_quality, update_totals,
};
use crate::helpers::{add_secs, current_epoch, transfer_msg};
use crate::state::{Worker, CLAIMS, CONFIG, PARAMS, WORKERS};

/// Most pending claims per address (each `Unbond` adds one; bounded so slashing stays cheap).
pub const MAX_CLAIMS: usize = 16;

fn check_text(
    field: &'static str,
    s: &str,
    min: usize,
    max: usize,
    slug: bool,
) -> ContractResult<()> {
    let ok_len = (min..=max).contains(&s.len());
    let ok_chars = !slug
        || s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok_len || !ok_chars {
        return Err(ContractError::InvalidInput {
            field,
            reason: if slug {
                format!("{min} to {max} characters of [a-z0-9-]")
            } else {
                format!("{min} to {max} bytes")
            },
        });
    }
    Ok(())
}

pub fn validate_capabilities(c: &Capabilities) -> ContractResult<()> {
    check_text("gpu_model", &c.gpu_model, 0, 64, false)?;
    check_text("region", &c.region, 1, 32, true)?;
    if c.privacy_tier > 3 {
        return Err(ContractError::InvalidInput {
            field: "privacy_tier",
            reason: "0 to 3".to_string(),
        });
    }
    Ok(())
}

pub fn validate_keys(k: &EnclaveKeys) -> ContractResult<()> {
    if k.secp256k1.is_none() && k.ed25519.is_none() && k.secp256r1.is_none() {
        return Err(ContractError::InvalidInput {
            field: "enclave_keys",
            reason: "at least one key is required".to_string(),
        });
    }
    for (field, key) in [("secp256k1", &k.secp256k1), ("secp256r1", &k.secp256r1)] {
        let Some(pk) = key else { continue };
        let ok = match pk.len() {
            33 => matches!(pk.first(), Some(2) | Some(3)),
            65 => pk.first() == Some(&4),
            _ => false,
        };
        if !ok {
            return Err(ContractError::InvalidInput {
                field,
                reason: "33-byte compressed or 65-byte uncompressed SEC1 key".to_string(),
            });
        }
    }
    if let Some(pk) = &k.ed25519 {
        if pk.len() != 32 {
            return Err(ContractError::InvalidInput {
                field: "ed25519",
                reason: "32 bytes".to_string(),
            });
        }
    }
    Ok(())
}

/// Proof of possession: every key given must have signed its registration digest (this chain, this poai, this
/// worker, its type and bytes), and no proof may name a key that is not given. Checked before anything is written.
pub fn check_possession(
    deps: Deps,
    env: &Env,
    worker: &Addr,
    keys: &EnclaveKeys,
    proofs: &EnclaveKeySignatures,
) -> ContractResult<()> {
    let entries: [(&'static str, &Option<Binary>, &Option<Binary>); 3] = [
        ("secp256k1", &keys.secp256k1, &proofs.secp256k1),
        ("secp256r1", &keys.secp256r1, &proofs.secp256r1),
        ("ed25519", &keys.ed25519, &proofs.ed25519),
    ];
    for (key_type, key, proof) in entries {
        let (key, sig) = match (key, proof) {
            (None, None) => continue,
            (None, Some(_)) => return Err(ContractError::UnexpectedPossessionProof(key_type)),
            (Some(_), None) => return Err(ContractError::MissingPossessionProof(key_type)),
            (Some(key), Some(sig)) if sig.len() == 64 => (key, sig),
            (Some(_), Some(_)) => return Err(ContractError::InvalidPossessionProof(key_type)),
        };
        let digest = registration_digest(
            &env.block.chain_id,
            env.contract.address.as_str(),
            worker.as_str(),
            key_type,
            key,
        );
        let api = deps.api;
        let ok = match key_type {
            "secp256k1" => api.secp256k1_verify(&digest, sig, key),
            "secp256r1" => api.secp256r1_verify(&digest, sig, key),
            _ => api.ed25519_verify(&digest, sig, key),
        }
        .unwrap_or(false);
        if !ok {
            return Err(ContractError::InvalidPossessionProof(key_type));
        }
    }
    Ok(())
}

/// What a worker registers (or updates): its capabilities, keys and their proofs of possession.
pub struct Registration {
    pub capabilities: Capabilities,
    pub enclave_keys: EnclaveKeys,
    pub possession: EnclaveKeySignatures,
}

/// Checks a registration's fields and its proofs of possession for `worker`.
fn check_registration(
    deps: Deps,
    env: &Env,
    worker: &Addr,
    r: &Registration,
) -> ContractResult<()> {
    validate_capabilities(&r.capabilities)?;
    validate_keys(&r.enclave_keys)?;
    check_possession(deps, env, worker, &r.enclave_keys, &r.possession)
}

/// A new worker (the $AI hook `Register`): the tokens sent, at least `worker_min_bond`, are its first bond.
pub fn register(
    deps: DepsMut,
    env: Env,
    sender: Addr,
    amount: Uint128,
    r: Registration,
) -> ContractResult<Response> {
    if WORKERS.has(deps.storage, &sender) {
        return Err(ContractError::AlreadyRegistered);
    }
    check_registration(deps.as_ref(), &env, &sender, &r)?;
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    if amount < params.worker_min_bond {
        return Err(ContractError::BondTooSmall {
            bond: amount,
            min: params.worker_min_bond,
        });
    }
    let now = env.block.time.seconds();
    let mut w = Worker {
        capabilities: r.capabilities,
        enclave_keys: r.enclave_keys,
        bond: Uint128::zero(),
        quality: params.initial_quality,
        metrics: Hip8Metrics::default(),
        score_bucket: 0,
        low_quality_since: None,
        last_heartbeat: now,
        denied_until: 0,
        active_jobs: 0,
        jobs_succeeded: 0,
        jobs_failed: 0,
        slash_count: 0,
        slashed_total: Uint128::zero(),
        registered_at: now,
    };
    track_low_quality(&mut w, &params, current_epoch(&config, &params, &env));
    histogram_insert(deps.storage, &mut w)?;
    add_to_bond(deps.storage, &sender, &mut w, amount)?;
    Ok(Response::new()
        .add_attribute("action", "register_worker")
        .add_attribute("worker", sender)
        .add_attribute("bond", amount))
}

/// A registered worker's new capabilities and keys (`ExecuteMsg::Register`).
pub fn update_registration(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    r: Registration,
) -> ContractResult<Response> {
    let Some(mut w) = WORKERS.may_load(deps.storage, &info.sender)? else {
        let params = PARAMS.load(deps.storage)?;
        return Err(ContractError::RegisterWithBond {
            min: params.worker_min_bond,
        });
    };
    if w.active_jobs > 0 {
        return Err(ContractError::WorkerBusy(w.active_jobs));
    }
    check_registration(deps.as_ref(), &env, &info.sender, &r)?;
    w.capabilities = r.capabilities;
    w.enclave_keys = r.enclave_keys;
    w.last_heartbeat = env.block.time.seconds();
    WORKERS.save(deps.storage, &info.sender, &w)?;
    Ok(Response::new()
        .add_attribute("action", "update_worker")
        .add_attribute("worker", info.sender))
}

/// Adds `amount` to a worker's bond (and to the bonds poai holds) and saves the worker.
fn add_to_bond(
    storage: &mut dyn Storage,
    worker: &Addr,
    w: &mut Worker,
    amount: Uint128,
) -> ContractResult<()> {
    w.bond = w.bond.checked_add(amount)?;
    WORKERS.save(storage, worker, w)?;
    update_totals(storage, &|t| {
        t.worker_bonds = t.worker_bonds.checked_add(amount)?;
        Ok(())
    })
}

pub fn bond(deps: DepsMut, sender: Addr, amount: Uint128) -> ContractResult<Response> {
    let mut w = load_worker(deps.storage, &sender)?;
    add_to_bond(deps.storage, &sender, &mut w, amount)?;
    Ok(Response::new()
        .add_attribute("action", "bond")
        .add_attribute("worker", sender)
        .add_attribute("amount", amount)
        .add_attribute("bond", w.bond))
}

pub fn heartbeat(deps: DepsMut, env: Env, info: MessageInfo) -> ContractResult<Response> {
    let mut w = load_worker(deps.storage, &info.sender)?;
    w.last_heartbeat = env.block.time.seconds();
    WORKERS.save(deps.storage, &info.sender, &w)?;
    Ok(Response::new()
        .add_attribute("action", "heartbeat")
        .add_attribute("worker", info.sender))
}

/// Adds an unbonding claim (shared by workers and verifiers).
pub fn push_claim(
    deps: &mut DepsMut,
    addr: &Addr,
    amount: Uint128,
    release_at: u64,
    verifier: bool,
) -> ContractResult<()> {
    let mut claims = CLAIMS.may_load(deps.storage, addr)?.unwrap_or_default();
    if claims.len() >= MAX_CLAIMS {
        return Err(ContractError::InvalidInput {
            field: "amount",
            reason: format!("at most {MAX_CLAIMS} pending claims; claim matured ones first"),
        });
    }
    claims.push(Claim {
        amount,
        release_at,
        verifier,
    });
    CLAIMS.save(deps.storage, addr, &claims)?;
    update_totals(deps.storage, &|t| {
        t.claims = t.claims.checked_add(amount)?;
        Ok(())
    })
}

pub fn unbond(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> ContractResult<Response> {
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let config = CONFIG.load(deps.storage)?;
    let params = PARAMS.load(deps.storage)?;
    let mut w = load_worker(deps.storage, &info.sender)?;
    if amount > w.bond {
        return Err(ContractError::UnbondTooLarge {
            asked: amount,
            bonded: w.bond,
        });
    }
    let remaining = w.bond.checked_sub(amount)?;
    let (_, required) = requirement(deps.as_ref(), &config, &params, &info.sender, None)?;
    ensure_covered(remaining, required)?;
    w.bond = remaining;
    WORKERS.save(deps.storage, &info.sender, &w)?;
    let release_at = add_secs(env.block.time.seconds(), params.unbonding_period)?;
    push_claim(&mut deps, &info.sender, amount, release_at, false)?;
    update_totals(deps.storage, &|t| {
        t.worker_bonds = t.worker_bonds.checked_sub(amount)?;
        Ok(())
    })?;
    Ok(Response::new()
        .add_attribute("action", "unbond")
        .add_attribute("worker", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("release_at", release_at.to_string()))
}

pub fn claim_unbonded(deps: DepsMut, env: Env, info: MessageInfo) -> ContractResult<Response> {
    let config = CONFIG.load(deps.storage)?;
    let now = env.block.time.seconds();
    let claims = CLAIMS
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    let (ready, pending): (Vec<Claim>, Vec<Claim>) =
        claims.into_iter().partition(|c| c.release_at <= now);
    let amount = ready
        .iter()
        .try_fold(Uint128::zero(), |a, c| a.checked_add(c.amount))?;
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim);
    }
    if pending.is_empty() {
        CLAIMS.remove(deps.storage, &info.sender);
    } else {
        CLAIMS.save(deps.storage, &info.sender, &pending)?;
    }
    update_totals(deps.storage, &|t| {
        t.claims = t.claims.checked_sub(amount)?;
        Ok(())
    })?;
    Ok(Response::new()
        .add_message(transfer_msg(&config.ai_token, &info.sender, amount)?)
        .add_attribute("action", "claim_unbonded")
        .add_attribute("address", info.sender)
        .add_attribute("amount", amount))
}
