//! A small mock of the poai contract: it answers the registry's `JobAssigned` (eligible or not, configurable) and
//! `JobFailed` (accepted or refused), records them, and drives the registry's poai-only hooks
//! (`RecordAttestation`, `RecordVerdict`, `Settle`) on the test's command.
//!
//! It parses what the registry sends with poai's real message type (`hmm::poai::ExecuteMsg`), so the registry's
//! messages are checked against poai's wire format.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdError,
    StdResult, Uint128, WasmMsg,
};
use cw_multi_test::{Contract, ContractWrapper};
use cw_storage_plus::{Item, Map};
use hmm::job::{CuAmount, ExecuteMsg as RegistryMsg, SettlementOutcome, Verdict};
use hmm::poai::ExecuteMsg as PoaiMsg;
use hmm::pool::SlaRequirement;

#[cw_serde]
pub struct InstantiateMsg {
    pub registry: String,
}

pub use hmm::poai::FailureReason;

/// What the mock accepts: poai's real messages (from the registry), or the test's controls.
#[cw_serde]
#[serde(untagged)]
pub enum ExecuteMsg {
    Poai(Box<hmm::poai::ExecuteMsg>),
    Control(Control),
}

/// The test's controls.
#[cw_serde]
pub enum Control {
    SetEligible {
        eligible: bool,
    },
    SetRefuseReports {
        refuse: bool,
    },
    Attest {
        job_id: u64,
    },
    Verdict {
        job_id: u64,
        verdict: Verdict,
    },
    Settle {
        job_id: u64,
        outcome: SettlementOutcome,
    },
}

/// What `JobAssigned` carried.
#[cw_serde]
pub struct Assignment {
    pub worker: String,
    pub client: String,
    pub cu: Vec<CuAmount>,
    pub sla: SlaRequirement,
    pub value: Uint128,
    pub fee: Uint128,
    pub finish_by: u64,
}

#[cw_serde]
pub enum QueryMsg {
    Assigned {
        job_id: u64,
    },
    Failed {
        job_id: u64,
    },
    /// What the registry reads of poai's config: its timeline.
    Config {},
}

/// The mock's timeline (seconds): verification spans 300 s, bonds unbond after 40 days.
pub const MOCK_SPAN: u64 = 300;

const REGISTRY: Item<Addr> = Item::new("registry");
const ELIGIBLE: Item<bool> = Item::new("eligible");
const REFUSE: Item<bool> = Item::new("refuse");
const ASSIGNED: Map<u64, Assignment> = Map::new("assigned");
const FAILED: Map<u64, (String, FailureReason)> = Map::new("failed");

fn instantiate(deps: DepsMut, _: Env, _: MessageInfo, msg: InstantiateMsg) -> StdResult<Response> {
    REGISTRY.save(deps.storage, &deps.api.addr_validate(&msg.registry)?)?;
    ELIGIBLE.save(deps.storage, &true)?;
    REFUSE.save(deps.storage, &false)?;
    Ok(Response::new())
}

fn call_registry(deps: &DepsMut, msg: &RegistryMsg) -> StdResult<Response> {
    Ok(Response::new().add_message(WasmMsg::Execute {
        contract_addr: REGISTRY.load(deps.storage)?.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    }))
}

fn execute(deps: DepsMut, _: Env, info: MessageInfo, msg: ExecuteMsg) -> StdResult<Response> {
    match msg {
        ExecuteMsg::Poai(msg) => {
            if info.sender != REGISTRY.load(deps.storage)? {
                return Err(StdError::generic_err("job-registry only"));
            }
            from_registry(deps, *msg)
        }
        ExecuteMsg::Control(c) => control(deps, c),
    }
}

fn from_registry(deps: DepsMut, msg: PoaiMsg) -> StdResult<Response> {
    match msg {
        PoaiMsg::JobAssigned {
            job_id,
            worker,
            client,
            cu,
            sla,
            value,
            fee,
            finish_by,
        } => {
            if !ELIGIBLE.load(deps.storage)? {
                return Err(StdError::generic_err("worker not eligible"));
            }
            let a = Assignment {
                worker,
                client,
                cu,
                sla,
                value,
                fee,
                finish_by,
            };
            ASSIGNED.save(deps.storage, job_id, &a)?;
            Ok(Response::new())
        }
        PoaiMsg::JobFailed {
            job_id,
            worker,
            reason,
        } => {
            if REFUSE.load(deps.storage)? {
                return Err(StdError::generic_err("report refused"));
            }
            FAILED.save(deps.storage, job_id, &(worker, reason))?;
            Ok(Response::new())
        }
        other => Err(StdError::generic_err(format!(
            "the mock does not implement {other:?}"
        ))),
    }
}

fn control(deps: DepsMut, c: Control) -> StdResult<Response> {
    match c {
        Control::SetEligible { eligible } => {
            ELIGIBLE.save(deps.storage, &eligible)?;
            Ok(Response::new())
        }
        Control::SetRefuseReports { refuse } => {
            REFUSE.save(deps.storage, &refuse)?;
            Ok(Response::new())
        }
        Control::Attest { job_id } => {
            call_registry(&deps, &RegistryMsg::RecordAttestation { job_id })
        }
        Control::Verdict { job_id, verdict } => {
            call_registry(&deps, &RegistryMsg::RecordVerdict { job_id, verdict })
        }
        Control::Settle { job_id, outcome } => {
            call_registry(&deps, &RegistryMsg::Settle { job_id, outcome })
        }
    }
}

fn query(deps: Deps, _: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Assigned { job_id } => to_json_binary(&ASSIGNED.may_load(deps.storage, job_id)?),
        QueryMsg::Failed { job_id } => to_json_binary(&FAILED.may_load(deps.storage, job_id)?),
        QueryMsg::Config {} => to_json_binary(&serde_json::json!({
            "params": {
                "epoch_length": MOCK_SPAN - 200,
                "commit_period": 100,
                "reveal_period": 100,
                "unbonding_period": 40 * 86_400,
            }
        })),
    }
}

pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query))
}
