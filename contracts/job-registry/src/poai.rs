//! The messages the registry sends to poai (`docs/interfaces.md`: "Take" and "Timeouts").
//!
//! Only the two variants the registry sends, serialised exactly as `hmm::poai::ExecuteMsg::{JobAssigned,
//! JobFailed}` (same names and fields): serialising through poai's whole `ExecuteMsg` would link serde code for
//! every poai message into this contract (docs/wasm-size.md). The tests' mock poai parses what the registry
//! sends with `hmm::poai::ExecuteMsg` itself, so the two cannot drift apart unnoticed.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, StdResult, Uint128, WasmMsg};
use hmm::job::CuAmount;
pub use hmm::poai::FailureReason;
use hmm::pool::SlaRequirement;

/// The subset of `hmm::poai::ExecuteMsg` the registry sends.
#[cw_serde]
pub enum PoaiExecuteMsg {
    /// `hmm::poai::ExecuteMsg::JobAssigned`.
    JobAssigned {
        job_id: u64,
        worker: String,
        client: String,
        cu: Vec<CuAmount>,
        sla: SlaRequirement,
        value: Uint128,
        fee: Uint128,
        finish_by: u64,
    },
    /// `hmm::poai::ExecuteMsg::JobFailed`.
    JobFailed {
        job_id: u64,
        worker: String,
        reason: FailureReason,
    },
}

pub fn poai_msg(poai: &Addr, msg: &PoaiExecuteMsg) -> StdResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: poai.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    }
    .into())
}

/// poai's `QueryMsg::Config {}` (`hmm::poai::QueryMsg`).
#[cw_serde]
pub enum PoaiQueryMsg {
    /// `hmm::poai::QueryMsg::Config`.
    Config {},
}

/// The part of poai's `ConfigResponse` the registry reads (unknown fields are ignored).
#[derive(serde::Deserialize)]
pub struct PoaiConfigView {
    /// poai's parameters.
    pub params: PoaiTimeline,
}

/// poai's verification timeline and unbonding period (seconds), from its `Params`.
#[derive(serde::Deserialize)]
pub struct PoaiTimeline {
    pub epoch_length: u64,
    pub commit_period: u64,
    pub reveal_period: u64,
    pub unbonding_period: u64,
}
