use cosmwasm_std::{OverflowError, StdError, Uint128};
use cw_utils::PaymentError;
use hmm_math::MathError;
use thiserror::Error;

/// Every way a message to poai can fail. A failed message changes nothing.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(
        "the sender is not on job {0}'s verification committee (drawn by bond from the epoch seed)"
    )]
    NotOnCommittee(u64),

    #[error("a dispute needs a bond of at least the job's value: {bond} bonded, {needed} needed")]
    DisputeBondTooSmall { bond: Uint128, needed: Uint128 },

    #[error("a job's client cannot be its worker")]
    ClientIsWorker,

    #[error("{0} cannot be changed once set")]
    Immutable(&'static str),

    #[error("counter {0} would fall below zero: the contract's books disagree with themselves")]
    CounterUnderflow(&'static str),

    #[error("mint limit: at most {limit} atoms of {token} per epoch (the pool's CU reserve); {minted} minted")]
    MintLimit {
        token: String,
        limit: Uint128,
        minted: Uint128,
    },

    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Math(#[from] MathError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error("unauthorized: only {0} may do this")]
    Unauthorized(&'static str),

    #[error("token {0} is not accepted here")]
    WrongToken(String),

    #[error("the amount must be positive")]
    ZeroAmount,

    #[error("invalid parameter {name}: {reason}")]
    InvalidParam { name: &'static str, reason: String },

    #[error("epoch_length cannot change after instantiation (epoch numbers would move)")]
    EpochLengthImmutable,

    #[error("invalid {field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },

    #[error("{0} is not a declared resource class")]
    UnknownClass(String),

    #[error("{0} is not a registered worker")]
    NotRegistered(String),

    #[error("{0} is not a bonded verifier")]
    NotVerifier(String),

    #[error("the worker has {0} job(s) reserved")]
    WorkerBusy(u32),

    #[error("the verifier has unrevealed commitments or unresolved disputes")]
    VerifierBusy,

    #[error("denied until {until} (slashed)")]
    Denied { until: u64 },

    #[error("last heartbeat at {last}, more than {timeout} s ago")]
    HeartbeatStale { last: u64, timeout: u64 },

    #[error("the worker does not meet the SLA: {0}")]
    SlaMismatch(String),

    #[error("free obligation in {token} is {free}, {needed} needed")]
    InsufficientObligation {
        token: String,
        free: Uint128,
        needed: Uint128,
    },

    #[error("insufficient bond: {bond} bonded, {required} required (2026 eq.36)")]
    InsufficientBond { bond: Uint128, required: Uint128 },

    #[error("bond too small: {bond}, the minimum is {min}")]
    BondTooSmall { bond: Uint128, min: Uint128 },

    #[error("a new worker registers through the $AI hook `register`, with a first bond of at least {min}")]
    RegisterWithBond { min: Uint128 },

    #[error("the sender is already a registered worker: update it with `register`")]
    AlreadyRegistered,

    #[error("cannot unbond {asked}: {bonded} bonded")]
    UnbondTooLarge { asked: Uint128, bonded: Uint128 },

    #[error("no price for {token}: {reason}")]
    PriceUnavailable { token: String, reason: String },

    #[error("the job registry is not set")]
    RegistryNotSet,

    #[error("job {0} is unknown")]
    UnknownJob(u64),

    #[error("job {0} is already known")]
    JobExists(u64),

    #[error("job {job_id} does not match: {reason}")]
    JobMismatch { job_id: u64, reason: String },

    #[error("job {0} is already attested")]
    AlreadyAttested(u64),

    #[error("job {0} is not attested")]
    NotAttested(u64),

    #[error("job {0} is already finalized")]
    AlreadyFinalized(u64),

    #[error("deadline {deadline} passed (block time {now})")]
    DeadlinePassed { deadline: u64, now: u64 },

    #[error("the signature does not verify against the worker's enclave keys")]
    InvalidSignature,

    #[error("the {0} enclave key needs a proof of possession (its signature over the registration digest)")]
    MissingPossessionProof(&'static str),

    #[error("the proof of possession of the {0} enclave key does not verify for this chain, poai and worker")]
    InvalidPossessionProof(&'static str),

    #[error("a proof of possession was given for a {0} key that is not registered")]
    UnexpectedPossessionProof(&'static str),

    #[error("job {0} was not sampled nor disputed: nothing to verify")]
    NotSampled(u64),

    #[error("{what} window: opens at {opens}, closes at {closes}, block time {now}")]
    OutsideWindow {
        what: &'static str,
        opens: u64,
        closes: u64,
        now: u64,
    },

    #[error("verification of job {job_id} is open until {until}")]
    VerificationOpen { job_id: u64, until: u64 },

    #[error("epoch {0} is not closed yet: call DistributeEmissions")]
    EpochNotClosed(u64),

    #[error("no ended epoch to close")]
    NoEpochToClose,

    #[error("already committed on job {0}")]
    AlreadyCommitted(u64),

    #[error("job {0} already has the most verifiers allowed")]
    CommitteeFull(u64),

    #[error("no commitment on job {0}")]
    NoCommitment(u64),

    #[error("already revealed on job {0}")]
    AlreadyRevealed(u64),

    #[error("the reveal does not match the commitment")]
    CommitmentMismatch,

    #[error("job {0} is already disputed")]
    AlreadyDisputed(u64),

    #[error("a worker cannot verify or dispute its own job")]
    OwnJob,

    #[error("condition not met: {0}")]
    ConditionNotMet(String),

    #[error("the deposit must be exactly {expected}, got {got}")]
    WrongDeposit { expected: Uint128, got: Uint128 },

    #[error("experience {0} is unknown")]
    UnknownExperience(u64),

    #[error("experience {0} is already scored")]
    AlreadyScored(u64),

    #[error("nothing to claim")]
    NothingToClaim,

    #[error("poai is not the minter of {0}")]
    NotMinter(String),

    #[error("query to {contract} failed: {reason}")]
    QueryFailed { contract: String, reason: String },

    #[error(transparent)]
    Migrate(#[from] hmm_record::MigrateError),
}

pub type ContractResult<T> = Result<T, ContractError>;
