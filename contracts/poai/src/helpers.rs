//! Encodings (hex), digests (verdict commitment, sampling seed; the signed ones are in `digest.rs`), the epoch clock, and the cw20 and
//! job-registry messages poai sends.

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, Decimal256, Env, Uint128, Uint256, WasmMsg};
use hmm::poai::{Params, Verdict};
use sha2::{Digest, Sha256};

use crate::error::{ContractError, ContractResult};
use crate::state::Config;
use crate::wire::{Cw20Msg, RegistryMsg};

// ---------------------------------------------------------------------------------------------------------------
// Hex and hashes
// ---------------------------------------------------------------------------------------------------------------

pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A 32-byte hash from 64 hex digits (either case).
pub fn parse_hash(field: &'static str, s: &str) -> ContractResult<[u8; 32]> {
    let bad = |reason: &str| ContractError::InvalidInput {
        field,
        reason: reason.to_string(),
    };
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return Err(bad("must be 64 hex digits (32 bytes)"));
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        let hi = bytes.get(2 * i).copied().and_then(hex_digit);
        let lo = bytes.get(2 * i + 1).copied().and_then(hex_digit);
        match (hi, lo) {
            (Some(hi), Some(lo)) => *o = (hi << 4) | lo,
            _ => return Err(bad("not a hex string")),
        }
    }
    Ok(out)
}

/// A 32-byte hash from hex, returned in canonical (lowercase) form.
pub fn canonical_hash(field: &'static str, s: &str) -> ContractResult<String> {
    parse_hash(field, s).map(|h| to_hex(&h))
}

/// A verdict commitment: `sha256(job_id BE ‖ verdict byte ‖ salt ‖ verifier address UTF-8)`.
pub fn verdict_commitment(job_id: u64, verdict: Verdict, salt: &[u8], verifier: &Addr) -> [u8; 32] {
    let v: u8 = match verdict {
        Verdict::Valid => 1,
        Verdict::Invalid => 0,
    };
    sha256(&[
        &job_id.to_be_bytes(),
        &[v],
        salt,
        verifier.as_str().as_bytes(),
    ])
}

/// The seed of a closing epoch. Everything in it is fixed only when the closing transaction runs: the block
/// height and time (nanoseconds), the chain id, the running hash of the epoch's attestations, and the previous seed.
/// See `contracts/poai/README.md` for what this does and does not protect against.
pub fn epoch_seed(env: &Env, epoch: u64, accumulator: &str, previous: &str) -> [u8; 32] {
    sha256(&[
        b"poai/epoch-seed",
        &epoch.to_be_bytes(),
        &env.block.height.to_be_bytes(),
        &env.block.time.nanos().to_be_bytes(),
        env.block.chain_id.as_bytes(),
        accumulator.as_bytes(),
        previous.as_bytes(),
    ])
}

/// Whether a job is sampled under an epoch seed: the first 8 bytes of `sha256("poai/sample" ‖ seed ‖ job_id)` as
/// a big-endian integer are below `rate · 2⁶⁴`.
pub fn is_sampled(seed_hex: &str, job_id: u64, rate: Decimal256) -> bool {
    if rate >= Decimal256::one() {
        return true;
    }
    let h = sha256(&[b"poai/sample", seed_hex.as_bytes(), &job_id.to_be_bytes()]);
    let mut first = [0u8; 8];
    first.copy_from_slice(&h[..8]);
    let x = Uint256::from(u64::from_be_bytes(first));
    // threshold = rate · 2⁶⁴ = rate.atomics · 2⁶⁴ / 10¹⁸ (< 2⁶⁴ since rate < 1).
    let two64 = Uint256::from(u128::from(u64::MAX) + 1);
    let threshold = rate
        .atomics()
        .checked_mul(two64)
        .ok()
        .and_then(|n| n.checked_div(Uint256::from(10u128.pow(18))).ok())
        .unwrap_or_default();
    x < threshold
}

/// Whether `verifier`, with `bond` of all verifiers' `total` bonds, sits on job `job_id`'s committee (bond-weighted
/// sortition from the epoch seed): iff the first 8 bytes of `sha256("poai/committee" ‖ seed ‖ job_id ‖ verifier)`,
/// read as x ∈ [0, 2⁶⁴), satisfy `x · total < seats · bond · 2⁶⁴`, i.e. with probability `min(1, seats·bond/total)`.
/// Nobody chooses the seats: the seed is fixed when the epoch closes, after the attestation. Splitting a bond across
/// Sybil verifiers does not raise the expected number of seats held, and a verifier that tops up its bond to raise
/// its chance puts that bond at risk of the slash for voting against the outcome.
pub fn on_committee(
    seed_hex: &str,
    job_id: u64,
    verifier: &Addr,
    bond: Uint128,
    total: Uint128,
    seats: u32,
) -> bool {
    let h = sha256(&[
        b"poai/committee",
        seed_hex.as_bytes(),
        &job_id.to_be_bytes(),
        verifier.as_bytes(),
    ]);
    let mut first = [0u8; 8];
    first.copy_from_slice(&h[..8]);
    let x = Uint256::from(u64::from_be_bytes(first));
    let two64 = Uint256::from(u128::from(u64::MAX) + 1);
    let lhs = x.checked_mul(Uint256::from(total));
    let rhs = Uint256::from(bond)
        .checked_mul(Uint256::from(u128::from(seats)))
        .and_then(|v| v.checked_mul(two64));
    match (lhs, rhs) {
        (Ok(l), Ok(r)) => l < r,
        _ => false,
    }
}

/// The running hash of an epoch's attestations after one more.
pub fn accumulate(accumulator: &str, job_id: u64, output: &[u8; 32], signature: &[u8]) -> String {
    to_hex(&sha256(&[
        accumulator.as_bytes(),
        &job_id.to_be_bytes(),
        output,
        signature,
    ]))
}

// ---------------------------------------------------------------------------------------------------------------
// Epoch clock
// ---------------------------------------------------------------------------------------------------------------

pub fn epoch_at(config: &Config, params: &Params, time: u64) -> u64 {
    time.saturating_sub(config.genesis_time) / params.epoch_length.max(1)
}

pub fn current_epoch(config: &Config, params: &Params, env: &Env) -> u64 {
    epoch_at(config, params, env.block.time.seconds())
}

pub fn epoch_start(config: &Config, params: &Params, epoch: u64) -> ContractResult<u64> {
    epoch
        .checked_mul(params.epoch_length)
        .and_then(|d| d.checked_add(config.genesis_time))
        .ok_or(ContractError::InvalidInput {
            field: "epoch",
            reason: "too far in the future".to_string(),
        })
}

pub fn epoch_end(config: &Config, params: &Params, epoch: u64) -> ContractResult<u64> {
    epoch_start(config, params, epoch.saturating_add(1))
}

pub fn add_secs(a: u64, b: u64) -> ContractResult<u64> {
    a.checked_add(b).ok_or(ContractError::InvalidInput {
        field: "time",
        reason: "overflow".to_string(),
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------------------

fn cw20_msg(token: &Addr, msg: &Cw20Msg) -> ContractResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: token.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    }
    .into())
}

pub fn transfer_msg(token: &Addr, recipient: &Addr, amount: Uint128) -> ContractResult<CosmosMsg> {
    cw20_msg(
        token,
        &Cw20Msg::Transfer {
            recipient: recipient.to_string(),
            amount,
        },
    )
}

pub fn mint_msg(token: &Addr, recipient: &Addr, amount: Uint128) -> ContractResult<CosmosMsg> {
    cw20_msg(
        token,
        &Cw20Msg::Mint {
            recipient: recipient.to_string(),
            amount,
        },
    )
}

pub fn burn_msg(token: &Addr, amount: Uint128) -> ContractResult<CosmosMsg> {
    cw20_msg(token, &Cw20Msg::Burn { amount })
}

/// A message to the job registry.
pub fn registry_msg(config: &Config, msg: &RegistryMsg) -> ContractResult<CosmosMsg> {
    let registry = config
        .job_registry
        .as_ref()
        .ok_or(ContractError::RegistryNotSet)?;
    Ok(WasmMsg::Execute {
        contract_addr: registry.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    }
    .into())
}

/// Pushes `mint` of `amount` to `to` unless the amount is zero.
pub fn push_mint(
    msgs: &mut Vec<CosmosMsg>,
    token: &Addr,
    to: &Addr,
    amount: Uint128,
) -> ContractResult<()> {
    if !amount.is_zero() {
        msgs.push(mint_msg(token, to, amount)?);
    }
    Ok(())
}

/// Pushes a `transfer` unless the amount is zero.
pub fn push_transfer(
    msgs: &mut Vec<CosmosMsg>,
    token: &Addr,
    to: &Addr,
    amount: Uint128,
) -> ContractResult<()> {
    if !amount.is_zero() {
        msgs.push(transfer_msg(token, to, amount)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let h = sha256(&[b"abc"]);
        let s = to_hex(&h);
        assert_eq!(
            s,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(parse_hash("x", &s.to_uppercase()).unwrap(), h);
        assert!(parse_hash("x", "zz").is_err());
        assert!(parse_hash("x", &"g".repeat(64)).is_err());
        assert!(parse_hash("x", "ä".repeat(32).as_str()).is_err());
    }

    #[test]
    fn sampling_rate_extremes_and_frequency() {
        let seed = to_hex(&sha256(&[b"seed"]));
        assert!(is_sampled(&seed, 1, Decimal256::one()));
        assert!(!is_sampled(&seed, 1, Decimal256::zero()));
        let rate = Decimal256::percent(10);
        let hits = (0..10_000u64)
            .filter(|j| is_sampled(&seed, *j, rate))
            .count();
        assert!((850..1150).contains(&hits), "{hits}");
    }
}
