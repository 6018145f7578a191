//! The messages the registry sends to poai (`docs/interfaces.md`: "Take" and "Timeouts"), as `hmm::poai` defines
//! them.

use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, StdResult, WasmMsg};
pub use hmm::poai::{ExecuteMsg as PoaiExecuteMsg, FailureReason};

pub fn poai_msg(poai: &Addr, msg: &PoaiExecuteMsg) -> StdResult<CosmosMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: poai.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    }
    .into())
}
