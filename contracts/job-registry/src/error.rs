use cosmwasm_std::{CheckedMultiplyFractionError, OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use hmm::job::JobState;
use thiserror::Error;

/// Every way a message to the registry can fail. A failed message changes nothing.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("a job's client cannot take it as its worker")]
    ClientIsWorker,

    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Fraction(#[from] CheckedMultiplyFractionError),

    #[error(transparent)]
    Math(#[from] hmm_math::MathError),

    #[error("EfeRank takes 1 to {max} policies, got {count}")]
    EfePolicyCount { count: usize, max: usize },

    #[error("unauthorized: only {0} may do this")]
    Unauthorized(&'static str),

    #[error("token {0} is not accepted here: jobs are paid in $AI")]
    WrongToken(String),

    #[error("job {0} does not exist")]
    UnknownJob(u64),

    #[error("invalid job spec: {0}")]
    InvalidSpec(String),

    #[error("the amount must be positive")]
    ZeroAmount,

    #[error("the pool cannot fill the resource vector: {0}")]
    RouteFailed(String),

    #[error("the router returned a plan that does not match the resource vector")]
    RouteMismatch,

    #[error("the CU cost {cost} $AI, more than the max spend of {max_spend}")]
    BudgetExceeded { cost: Uint128, max_spend: Uint128 },

    #[error("the CU cost and the job fee come to {cost} $AI, more than the {sent} sent")]
    InsufficientFunds { cost: Uint128, sent: Uint128 },

    #[error("job {job_id} is {state:?}: cannot {action}")]
    InvalidState {
        job_id: u64,
        state: JobState,
        action: &'static str,
    },

    #[error("deadline {deadline} passed (block time {now})")]
    DeadlinePassed { deadline: u64, now: u64 },

    #[error(
        "start_by {start_by} leaves less than {min} s after block time {now} to start the job"
    )]
    StartWindowTooShort { start_by: u64, now: u64, min: u64 },

    #[error("the deadline {deadline} of job {job_id} has not passed yet (block time {now})")]
    DeadlineNotReached {
        job_id: u64,
        deadline: u64,
        now: u64,
    },

    #[error("the poai contract is not set yet")]
    PoaiNotSet,

    #[error("the poai contract is already set")]
    PoaiAlreadySet,

    #[error("invalid settlement: {0}")]
    InvalidOutcome(String),

    #[error("invalid refund: {0}")]
    InvalidRefund(String),

    #[error("invalid limits: {0}")]
    InvalidLimits(String),

    #[error("unknown reply id {0}")]
    UnknownReply(u64),

    #[error(transparent)]
    Ownership(#[from] cw_ownable::OwnershipError),

    #[error(transparent)]
    Migrate(#[from] hmm_record::MigrateError),
}

pub type ContractResult<T> = Result<T, ContractError>;
