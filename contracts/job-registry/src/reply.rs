//! Replies to the sub-messages the registry sends: every reply id, in one enum, and what each reply does. Actions
//! that send a sub-message take its id from [`ReplyId`]; the `reply` entry point (`contract.rs`) calls [`reply`].

use cosmwasm_std::{DepsMut, Env, Reply, Response};

use crate::error::{ContractError, ContractResult};

/// The id of every sub-message the registry wants a reply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum ReplyId {
    /// The `JobFailed` report sent to poai on a timeout (reply on error only).
    JobFailed = 1,
}

impl ReplyId {
    /// The id as sent with the sub-message.
    pub const fn id(self) -> u64 {
        self as u64
    }
}

impl TryFrom<u64> for ReplyId {
    type Error = ContractError;

    fn try_from(id: u64) -> ContractResult<Self> {
        [ReplyId::JobFailed]
            .into_iter()
            .find(|r| r.id() == id)
            .ok_or(ContractError::UnknownReply(id))
    }
}

/// Only `JobFailed` reports are sent with a reply (on error): a poai that refuses the report must not keep the
/// client's refund locked, so its error is recorded and the timeout stands.
pub fn reply(_deps: DepsMut, _env: Env, msg: Reply) -> ContractResult<Response> {
    match ReplyId::try_from(msg.id)? {
        ReplyId::JobFailed => {
            let error = msg.result.into_result().err().unwrap_or_default();
            Ok(Response::new()
                .add_attribute("action", "poai_job_failed_refused")
                .add_attribute("error", error))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reply_id_round_trips_and_others_are_refused() {
        assert_eq!(ReplyId::try_from(1), Ok(ReplyId::JobFailed));
        assert_eq!(ReplyId::try_from(0), Err(ContractError::UnknownReply(0)));
        assert_eq!(ReplyId::try_from(2), Err(ContractError::UnknownReply(2)));
    }
}
