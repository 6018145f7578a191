//! `job-registry`: jobs with escrow. A client pays $AI for a resource vector of compute units (CU) plus an SLA;
//! the registry buys the CU on the router's plan (`hmm::router::QueryMsg::Route`, then one `hmm::pool::ReceiveMsg::Buy`
//! per pool), locks them in the job, and
//! releases them when the job ends: burned on success (the `used` part), otherwise returned to the client.
//!
//! Lifecycle (every non-final state has a deadline after which anyone may call [`ExecuteMsg::ClaimTimeout`]):
//!
//! ```text
//! Open ──TakeJob──▶ Assigned ──StartJob──▶ Running ──RecordAttestation──▶ Attested ──RecordVerdict──▶ Verified / Disputed
//!  │                  │  └────────RecordAttestation─────────────────────────▲              Settle ──▶ Settled / Failed
//!  └─CancelJob──▶ Cancelled         any non-final state ──ClaimTimeout (deadline passed)──▶ Expired
//! ```
//!
//! Units: amounts are integer token atoms (`Uint128`); times are block times in seconds since the Unix epoch.
//! The cross-contract interface is fixed in `docs/interfaces.md`.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal, Decimal256, SignedDecimal256, Uint128};
use cw20::Cw20ReceiveMsg;

use crate::pool::SlaRequirement;
use crate::router::{BundleItem, RouteLeg};

/// An amount of one compute-unit token: the type poai uses (`hmm::poai::CuAmount`), re-exported so that the
/// registry's and poai's messages share one type.
pub use crate::poai::CuAmount;

/// Bounds the registry enforces on every job (set at instantiation, changeable by the admin; a change applies
/// to jobs submitted afterwards: a job's deadlines are fixed when it is submitted).
#[cw_serde]
pub struct Limits {
    /// Most resource lines (distinct CU tokens) in one job's resource vector: 1 to 16, default 8.
    pub max_resources: u32,
    /// Longest allowed time from submission to `finish_by`, in seconds: 1 s to 1 year, default 30 days.
    pub max_job_duration: u64,
    /// Seconds after `finish_by` that poai has to settle an attested job before anyone may claim a timeout: at
    /// most 1 year, default 1 day.
    pub settlement_grace: u64,
    /// The protocol's fee on a job, a fraction of its CU cost (`value`), rounded up; at most 10 %. Paid at
    /// submission on top of the cost, held with the escrow, burned when the job settles as a success and returned
    /// with the escrow otherwise. It is what makes PoAI rewards safe against self-dealing: poai pays at most
    /// 9/10 of it in bonus and emissions for the job (SECURITY.md, "rewards"). Default (also when absent): 1 %.
    #[serde(default = "default_job_fee_rate")]
    pub job_fee_rate: Decimal,
}

/// The rule that ties the registry's limits to poai's verification timeline, checked by both contracts whenever
/// either side changes: an attested job can be settled until `finish_by + settlement_grace`, and poai's
/// verification ends at most `verification_span` (its `epoch_length + commit_period + reveal_period`) after the
/// attestation, which comes before `finish_by`; so the grace must exceed the span, or every attested job would time
/// out unpaid and no fraud would be slashed. A worker's bond must outlive the longest job and its verification, so
/// `unbonding_period` (seconds) must exceed `verification_span + max_job_duration`. Returns what does not fit.
pub fn check_timelines(
    limits: &Limits,
    verification_span: u64,
    unbonding_period: u64,
) -> Result<(), TimelineMismatch> {
    if limits.settlement_grace <= verification_span {
        return Err(TimelineMismatch::GraceTooShort);
    }
    if unbonding_period <= verification_span.saturating_add(limits.max_job_duration) {
        return Err(TimelineMismatch::UnbondingTooShort);
    }
    Ok(())
}

/// What [`check_timelines`] found not to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineMismatch {
    /// The registry's `settlement_grace` does not exceed poai's verification span.
    GraceTooShort,
    /// poai's `unbonding_period` does not exceed the verification span plus the registry's `max_job_duration`.
    UnbondingTooShort,
}

impl TimelineMismatch {
    /// Why, in words.
    pub fn reason(self) -> &'static str {
        match self {
            TimelineMismatch::GraceTooShort => {
                "the registry's settlement_grace must exceed poai's epoch_length + commit_period + reveal_period"
            }
            TimelineMismatch::UnbondingTooShort => {
                "poai's unbonding_period must exceed the registry's max_job_duration plus poai's verification timeline"
            }
        }
    }
}

/// The job fee rate when none is given: 1 %.
pub fn default_job_fee_rate() -> Decimal {
    Decimal::percent(1)
}

/// Creates the registry.
#[cw_serde]
pub struct InstantiateMsg {
    /// Owner (cw-ownable; may change limits and set poai once); defaults to the sender.
    pub owner: Option<String>,
    /// The $AI cw20 token: the only token `SubmitJob` accepts, and the escrow unit.
    pub ai_token: String,
    /// The `hmm-pool` contract the registry buys CU from (the router's plan) and on request sells them back to.
    pub pool: String,
    /// The `router` contract whose `Route` plans every purchase: the registry sends the plan's orders (one
    /// `Buy` per pool) to `pool` itself in the same transaction, so a submit costs no extra contract call.
    pub router: String,
    /// The `poai` contract: the only caller of the settlement hooks and the judge of worker eligibility.
    /// May be left unset here (if poai is instantiated later) and set once with [`ExecuteMsg::UpdateConfig`];
    /// until then no job can be taken.
    pub poai: Option<String>,
    /// Limits; defaults: 8 resources, 30 days, 1 day of settlement grace.
    pub limits: Option<Limits>,
}

/// What a client asks for when submitting a job.
#[cw_serde]
pub struct JobSpec {
    /// The resource vector r: atoms of each CU token to buy and lock for the job. Non-empty, no token twice,
    /// every amount positive.
    pub resources: Vec<BundleItem>,
    /// The SLA the CU (and the worker) must meet: allowed regions, slowest latency class, privacy tier, TEE.
    pub sla: SlaRequirement,
    /// Most $AI the CU purchase may cost (fees included). The submit fails if the route costs more.
    pub max_spend: Uint128,
    /// A worker must take and start the job by this time (seconds); after it an untaken or unstarted job
    /// can be timed out. Must be in the future.
    pub start_by: u64,
    /// The worker's attestation must be recorded by this time (seconds). Must be after `start_by`.
    pub finish_by: u64,
    /// Commitment to the job input: hex sha256 (64 hex digits; stored lowercase). The attestation digest the
    /// worker's enclave signs covers it (`hmm::poai` module doc).
    pub input_commitment: String,
}

/// Hooks carried by a cw20 `Send` to the registry.
#[cw_serde]
pub enum ReceiveMsg {
    /// Submit a job, paying with the $AI sent (only the configured $AI token is accepted). The registry buys
    /// `spec.resources` on the router's plan in the same transaction for exactly the route's cost, which must not
    /// exceed `spec.max_spend` nor the amount sent; the rest of the $AI stays in the job's escrow.
    /// If the purchase cannot be made the whole transaction fails and nothing changes.
    SubmitJob {
        /// The job.
        spec: JobSpec,
    },
}

/// How a cancelled job's CU are refunded.
#[cw_serde]
pub enum RefundMode {
    /// The locked CU are transferred to the client as CU tokens.
    ReturnCu,
    /// Each locked CU line is sold back to the pool it was bought from (`Swap` exact in, ask $AI) and the $AI
    /// paid to the client. The cancel fails as a whole if any sale fails (e.g. below `min_out`).
    SellToPool {
        /// Minimum $AI per CU line, in the order of the job's `cu`; empty: no bound.
        min_out: Vec<Uint128>,
    },
}

/// The final verdict poai reports with [`ExecuteMsg::Settle`].
#[cw_serde]
pub enum SettlementOutcome {
    /// The job was verified: `used` CU (each ≤ what is locked, tokens of the job only) are burned against the
    /// worker's obligation; the unused rest is rebated to the client with the escrowed $AI.
    Success {
        /// CU actually consumed, per token; tokens not listed count as zero used.
        used: Vec<CuAmount>,
    },
    /// The job failed: all locked CU and the escrowed $AI go back to the client.
    Failure {
        /// Why (recorded as the close reason), at most 256 bytes.
        reason: String,
    },
}

/// Interim verification status poai may report between the attestation and the settlement.
#[cw_serde]
#[derive(Copy)]
pub enum Verdict {
    /// Verifiers confirmed the attestation (state `Verified`).
    Verified,
    /// The attestation is challenged (state `Disputed`).
    Disputed,
}

/// The registry's execute messages. Native funds are refused on every one (`Payment`).
#[cw_serde]
pub enum ExecuteMsg {
    /// cw20 tokens arrive here (`Send`); the payload is a [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
    /// A worker takes an `Open` job (before `start_by`). The registry calls poai `JobAssigned` in the same
    /// transaction; if poai finds the worker not eligible the take fails. State → `Assigned`.
    TakeJob {
        /// The job.
        job_id: u64,
    },
    /// The assigned worker reports that it started the job (before `start_by`). State → `Running`.
    StartJob {
        /// The job.
        job_id: u64,
    },
    /// The client cancels a job nobody has taken yet (`Open`): the locked CU are refunded as `refund` says and
    /// the escrowed $AI is returned. State → `Cancelled`.
    CancelJob {
        /// The job.
        job_id: u64,
        /// Return the CU or sell them back through the pool.
        refund: RefundMode,
    },
    /// Anyone, once the deadline of the job's current state has passed (`start_by` for `Open`/`Assigned`,
    /// `finish_by` for `Running`, `finish_by + settlement_grace` for `Attested`/`Verified`/`Disputed`): the
    /// client gets the CU and the escrowed $AI back, and an assigned worker is reported to poai
    /// (`JobFailed { reason: Timeout }`). State → `Expired`.
    ClaimTimeout {
        /// The job.
        job_id: u64,
    },
    /// poai only: the worker's attestation was verified by poai (job `Assigned` or `Running`, before
    /// `finish_by`). State → `Attested`.
    RecordAttestation {
        /// The job.
        job_id: u64,
    },
    /// poai only, optional: interim verification status of an attested job (`Attested`, `Verified` or
    /// `Disputed`). State → `Verified` or `Disputed`.
    RecordVerdict {
        /// The job.
        job_id: u64,
        /// The status.
        verdict: Verdict,
    },
    /// poai only: the final outcome. `Success` needs an attestation (`Attested`, `Verified`, `Disputed`) and
    /// burns the used CU → `Settled`; `Failure` is accepted from any assigned state and refunds the client →
    /// `Failed`.
    Settle {
        /// The job.
        job_id: u64,
        /// The outcome.
        outcome: SettlementOutcome,
    },
    /// Owner only: set the poai contract (once, if it was not set at instantiation), or change the limits.
    UpdateConfig {
        /// The poai contract; refused if already set.
        poai: Option<String>,
        /// New limits (apply to jobs submitted afterwards).
        limits: Option<Limits>,
        /// The order book whose fill-or-kill bids may buy part of a job's CU (the router's plan names its book;
        /// the registry pays only this one). Absent: unchanged; the empty string: no book.
        #[serde(default)]
        orderbook: Option<String>,
    },
    /// Two-step ownership transfer (cw-ownable): the owner proposes (with an optional expiry), the proposed owner
    /// accepts; the owner may also renounce.
    UpdateOwnership(cw_ownable::Action),
}

/// Where a job is in its lifecycle.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum JobState {
    /// Submitted, CU locked, waiting for a worker.
    Open,
    /// Taken by a worker (poai reserved its obligation), not started yet.
    Assigned,
    /// The worker started it.
    Running,
    /// poai recorded a valid attestation.
    Attested,
    /// Verifiers confirmed the attestation.
    Verified,
    /// The attestation is challenged; poai resolves it.
    Disputed,
    /// Final: succeeded, used CU burned, rest refunded.
    Settled,
    /// Final: cancelled by the client before assignment, everything refunded.
    Cancelled,
    /// Final: a deadline passed, everything refunded.
    Expired,
    /// Final: poai reported a failure, everything refunded.
    Failed,
}

impl JobState {
    /// Whether the job is closed (nothing is held for it any more).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            JobState::Settled | JobState::Cancelled | JobState::Expired | JobState::Failed
        )
    }
}

/// Why a job closed (recorded on the job, as Akash records close reasons).
#[cw_serde]
pub enum CloseReason {
    /// Settled successfully.
    Completed,
    /// Cancelled by the client.
    Cancelled {
        /// Whether the CU were sold back to the pool (true) or returned as CU (false).
        sold_back: bool,
    },
    /// The deadline of `state` passed and someone claimed the timeout.
    Timeout {
        /// The state the job timed out in.
        state: JobState,
    },
    /// poai settled the job as failed.
    Failed {
        /// poai's reason.
        reason: String,
    },
}

/// The registry's queries.
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The configuration.
    #[returns(ConfigResponse)]
    Config {},
    /// The owner, and the proposed owner while a transfer is pending (cw-ownable's `Ownership`).
    #[returns(cw_ownable::Ownership<String>)]
    Ownership {},
    /// One job.
    #[returns(JobResponse)]
    Job {
        /// The job.
        job_id: u64,
    },
    /// All jobs by ascending id.
    #[returns(JobsResponse)]
    Jobs {
        /// Start after this job id.
        start_after: Option<u64>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// A client's jobs by ascending id.
    #[returns(JobsResponse)]
    JobsByClient {
        /// The client's address.
        client: String,
        /// Start after this job id.
        start_after: Option<u64>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// The jobs a worker took, by ascending id.
    #[returns(JobsResponse)]
    JobsByWorker {
        /// The worker's address.
        worker: String,
        /// Start after this job id.
        start_after: Option<u64>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// The jobs in a state, by ascending id.
    #[returns(JobsResponse)]
    JobsByState {
        /// The state.
        state: JobState,
        /// Start after this job id.
        start_after: Option<u64>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// What the registry holds for one job now ($AI escrow and locked CU; zero once closed).
    #[returns(EscrowResponse)]
    Escrow {
        /// The job.
        job_id: u64,
    },
    /// What the registry holds for all open jobs together (equals its token balances).
    #[returns(TotalEscrowResponse)]
    TotalEscrow {},
    /// Rank candidate policies for a job by expected free energy (2025 eq.15, 2026 eq.34):
    /// `EFE(π) = ΔI + ΔU − λ_c·cost(π)` and `η_π = e^{β·EFE(π)} / Σ_π' e^{β·EFE(π')}`, where `cost(π)` is what the
    /// policy's bundle costs in the pools now (the router's `Route` total, queried per policy) and ΔI, ΔU are the
    /// caller's expectations (they are not observable on chain). Policies are alternatives: each is priced against
    /// the pools as they are now. A policy that no SLA-matching pool can fill gets no weight; a malformed one (a zero
    /// line, an invalid address) is an error. 1 to [`MAX_EFE_POLICIES`] policies.
    #[returns(EfeRankResponse)]
    EfeRank {
        /// The candidate policies, 1 to [`MAX_EFE_POLICIES`].
        policies: Vec<EfePolicy>,
        /// β ≥ 0, the inverse temperature: 0 weighs the feasible policies equally, a large β favours the best.
        beta: Decimal256,
        /// λ_c: EFE units per $AI atom of cost.
        cost_sensitivity: Decimal256,
    },
}

/// Most policies one `EfeRank` query prices (each is a `Route` query to the router: bounds the query's gas).
pub const MAX_EFE_POLICIES: usize = 16;

/// Answer to [`QueryMsg::Config`].
#[cw_serde]
pub struct ConfigResponse {
    /// The $AI token.
    pub ai_token: Addr,
    /// The pool contract.
    pub pool: Addr,
    /// The router contract.
    pub router: Addr,
    /// The poai contract, once set.
    pub poai: Option<Addr>,
    /// The limits.
    pub limits: Limits,
    /// Jobs submitted so far (the last job id).
    pub job_count: u64,
    /// The order book the registry pays for the book's part of a plan; none: plans must use the pools only.
    pub orderbook: Option<Addr>,
}

/// A job. What poai reads (client, worker, state, locked CU, input commitment, deadlines, value) and the rest.
#[cw_serde]
pub struct JobResponse {
    /// The job id (1, 2, …).
    pub job_id: u64,
    /// Who submitted and paid.
    pub client: Addr,
    /// Who took it.
    pub worker: Option<Addr>,
    /// The state.
    pub state: JobState,
    /// The CU bought for the job, per token, in the order of the spec (locked until the job closes).
    pub cu: Vec<CuAmount>,
    /// How the CU were bought: pool, token, amount and $AI cost of each line.
    pub purchase: Vec<RouteLeg>,
    /// The SLA.
    pub sla: SlaRequirement,
    /// Hex sha256 of the job input (lowercase).
    pub input_commitment: String,
    /// The client's budget for the CU purchase, $AI atoms.
    pub max_spend: Uint128,
    /// $AI atoms paid for the CU.
    pub value: Uint128,
    /// $AI atoms held in escrow for the job now (what was sent minus `value`, the job fee included; zero once closed).
    pub escrow: Uint128,
    /// The job fee held in `escrow`, $AI atoms: burned on success, returned otherwise.
    pub fee: Uint128,
    /// Take and start deadline (seconds).
    pub start_by: u64,
    /// Attestation deadline (seconds).
    pub finish_by: u64,
    /// Settlement deadline for an attested job: `finish_by + settlement_grace` at submission (seconds).
    pub settle_by: u64,
    /// The deadline of the current state after which `ClaimTimeout` is allowed (seconds); `None` once closed.
    pub timeout_at: Option<u64>,
    /// Submission time (seconds).
    pub submitted_at: u64,
    /// When it was taken (seconds).
    pub assigned_at: Option<u64>,
    /// When the worker started it (seconds).
    pub started_at: Option<u64>,
    /// When the attestation was recorded (seconds).
    pub attested_at: Option<u64>,
    /// When it closed (seconds).
    pub closed_at: Option<u64>,
    /// Why it closed.
    pub close_reason: Option<CloseReason>,
    /// CU burned at a successful settlement.
    pub used: Vec<CuAmount>,
}

/// A page of jobs.
#[cw_serde]
pub struct JobsResponse {
    /// The jobs, by ascending id.
    pub jobs: Vec<JobResponse>,
}

/// Answer to [`QueryMsg::Escrow`].
#[cw_serde]
pub struct EscrowResponse {
    /// The job.
    pub job_id: u64,
    /// $AI held for the job.
    pub ai: Uint128,
    /// CU held for the job, per token.
    pub cu: Vec<CuAmount>,
}

/// Answer to [`QueryMsg::TotalEscrow`].
#[cw_serde]
pub struct TotalEscrowResponse {
    /// $AI held for all open jobs.
    pub ai: Uint128,
    /// CU held for all open jobs, per token (tokens with nothing held are omitted).
    pub cu: Vec<CuAmount>,
    /// Jobs not closed yet.
    pub open_jobs: u64,
}

/// Migrates the registry to a newer code of `job-registry`.
#[cw_serde]
pub struct MigrateMsg {
    /// The `router` contract; required when migrating from 0.4 or older (which bought through the pool's own
    /// router), ignored otherwise.
    #[serde(default)]
    pub router: Option<String>,
}

/// One candidate policy of the registry's `EfeRank` ([`QueryMsg::EfeRank`]): a bundle to buy under an
/// SLA, and what the caller expects it to be worth.
#[cw_serde]
pub struct EfePolicy {
    /// The bundle's lines, as in `Route`.
    pub items: Vec<BundleItem>,
    /// The SLA the bundle's pools must meet.
    pub sla: SlaRequirement,
    /// ΔI: expected information gain, in EFE units.
    pub info_gain: SignedDecimal256,
    /// ΔU: expected utility, in EFE units.
    pub utility: SignedDecimal256,
}

/// A policy's place in the EFE weighting.
#[cw_serde]
pub struct EfeScore {
    /// $AI atoms, fees included, to buy the policy's bundle now; `None` if no SLA-matching route fills it.
    pub cost: Option<Uint128>,
    /// EFE(π), rounded down (the cost term rounded up); `None` if the policy is infeasible.
    pub efe: Option<SignedDecimal256>,
    /// η_π (2026 eq.34): the policy's share of liquidity. The feasible policies' weights sum to exactly 1 (each
    /// rounds down, the remaining ulps go to the largest); 0 for an infeasible policy.
    pub weight: Decimal256,
}

/// Answer to the registry's `EfeRank` ([`QueryMsg::EfeRank`]).
#[cw_serde]
pub struct EfeRankResponse {
    /// One score per policy, in the order given.
    pub scores: Vec<EfeScore>,
    /// Indices into the policies: feasible ones by EFE from highest (ties by index), then the infeasible ones.
    pub ranking: Vec<u32>,
}
