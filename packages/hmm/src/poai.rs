//! `poai`: Proof-of-AI. Workers (capability vector, enclave keys, bond, heartbeat), the compute-unit (CU) obligations
//! they mint, attestations, verifier sampling with commit-reveal verdicts and disputes, quality scores, slashing,
//! settlement with the job registry, and the per-epoch $AI emissions.
//!
//! Units: amounts are integer token atoms (`Uint128`); times are block times in seconds since the Unix epoch; rates
//! and scores are `Decimal256` fractions. The cross-contract interface is fixed in `docs/interfaces.md`.
//!
//! Encodings:
//! - 32-byte hashes and commitments (input/output commitments, io Merkle roots, TEE report hashes, proof hashes,
//!   Merkle leaves and siblings, evidence hashes) are hex strings of 64 digits (either case; stored lowercase),
//!   like the registry's `input_commitment`.
//! - Public keys, signatures and salts are `Binary` (base64 in JSON).
//! - Digests are domain-separated and bound to one deployment: `sha256` over a sequence of items, each written as
//!   its length (4 bytes big-endian) followed by its bytes, the first item being a fixed ASCII tag. Addresses and
//!   the chain id are their UTF-8 strings; hashes and commitments their 32 raw bytes (not hex); integers big-endian.
//!   Reference implementation and test vectors: `scripts/attestation.py`, `docs/test-vectors/attestation.json`.
//! - The attestation digest an enclave signs is that hash over the items `"hmm-poai/attest/v1"`, chain id, poai
//!   contract address, job id (8 bytes), worker address, input commitment, output commitment, io Merkle root, TEE
//!   report hash, proof hash (32 bytes, or 0 bytes when there is none), and `used` as sent: one byte `0x00` when
//!   absent, otherwise `0x01`, the entry count (4 bytes), then per entry, in the order sent, the token address
//!   (length-prefixed) and the amount (16 bytes). secp256k1 signatures are the 64-byte compact `r ‖ s` (low-s) over
//!   that digest, and so are secp256r1 (P-256) signatures; ed25519 signatures are 64 bytes over the 32 digest bytes
//!   as the message.
//! - The registration digest (proof of possession of an enclave key, [`ExecuteMsg::Register`]) is that hash over
//!   `"hmm-poai/register/v1"`, chain id, poai contract address, worker address, key type (`"secp256k1"`,
//!   `"secp256r1"` or `"ed25519"`) and the public key bytes as registered; signed like an attestation digest.
//! - A verdict commitment is `sha256(job_id ‖ verdict ‖ salt ‖ verifier)`: job id 8 bytes big-endian, verdict one
//!   byte (1 valid, 0 invalid), the salt bytes, then the verifier's address as UTF-8. Binding the address stops a
//!   verifier from copying another's commitment.
//! - The io Merkle tree is index-bound: leaf `i` hashes to `sha256(0x00 ‖ i as 8 bytes BE ‖ data)`, an inner node
//!   to `sha256(0x01 ‖ left ‖ right)`, a node without a sibling moves up unchanged, and the root is
//!   `sha256(0x02 ‖ leaf_count as 8 bytes BE ‖ top)`.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, Decimal256, Uint128};
use cw20::Cw20ReceiveMsg;

use crate::pool::{LatencyClass, SlaRequirement};

/// An amount of one compute-unit token (same JSON shape as `hmm::job::CuAmount`).
#[cw_serde]
pub struct CuAmount {
    /// The CU cw20 token contract address.
    pub token: String,
    /// Atoms of that token.
    pub amount: Uint128,
}

/// Why the registry reports a job as failed ([`ExecuteMsg::JobFailed`]).
#[cw_serde]
pub enum FailureReason {
    /// A deadline of the job passed (`ClaimTimeout`). If the worker had not attested, it is slashed; if it had
    /// (poai did not settle in time), the reservation is released without penalty.
    Timeout,
    /// The job ended without fault of the worker: the reservation is released, nothing is slashed.
    Cancelled,
}

/// The trusted execution environment a worker runs jobs in.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum TeeType {
    /// No TEE: cannot serve jobs that require one.
    None,
    /// Intel SGX.
    IntelSgx,
    /// Intel TDX.
    IntelTdx,
    /// AMD SEV-SNP.
    AmdSevSnp,
    /// NVIDIA confidential computing (H100 and later).
    NvidiaCc,
    /// Arm CCA.
    ArmCca,
}

/// What a worker offers (2026 §9.1 "capability vector"); matched against a job's SLA.
#[cw_serde]
pub struct Capabilities {
    /// GPU model, 0 to 64 bytes, e.g. "H100-SXM" (empty for CPU-only workers).
    pub gpu_model: String,
    /// Number of GPUs.
    pub gpu_count: u32,
    /// GPU memory per GPU, GB.
    pub vram_gb: u32,
    /// CPU cores.
    pub cpu_cores: u32,
    /// Network bandwidth, Mbit/s.
    pub bandwidth_mbps: u64,
    /// Disk, GB.
    pub disk_gb: u64,
    /// Region code, 1 to 32 bytes of `[a-z0-9-]`, e.g. "eu-west".
    pub region: String,
    /// The fastest latency class the worker meets.
    pub latency: LatencyClass,
    /// Privacy tier 0 (public) to 3 (confidential); serves every requirement up to it.
    pub privacy_tier: u8,
    /// The TEE the worker runs in.
    pub tee: TeeType,
}

/// The public keys a worker's enclave signs attestations with; at least one is required.
#[cw_serde]
pub struct EnclaveKeys {
    /// secp256k1 public key, 33 bytes compressed or 65 bytes uncompressed.
    pub secp256k1: Option<Binary>,
    /// ed25519 public key, 32 bytes.
    pub ed25519: Option<Binary>,
    /// secp256r1 (NIST P-256, as in many TEE attestation keys) public key, 33 bytes compressed or 65 uncompressed.
    /// Optional in JSON.
    #[serde(default)]
    pub secp256r1: Option<Binary>,
}

/// Proofs of possession of enclave keys: for each key in [`EnclaveKeys`], the key's signature over its
/// registration digest (module doc: chain id, poai address, the registering worker's address, key type, key), so a
/// key can only be registered by a worker its holder signed for, on this chain and this poai instance.
#[cw_serde]
#[derive(Default)]
pub struct EnclaveKeySignatures {
    /// Signature of the secp256k1 key: 64-byte compact `r ‖ s`, low-s. Required iff that key is given.
    pub secp256k1: Option<Binary>,
    /// Signature of the ed25519 key: 64 bytes over the 32 digest bytes as the message. Required iff that key is
    /// given.
    pub ed25519: Option<Binary>,
    /// Signature of the secp256r1 key: 64-byte compact `r ‖ s`. Required iff that key is given. Optional in JSON.
    #[serde(default)]
    pub secp256r1: Option<Binary>,
}

/// A verifier's verdict on an attestation.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum Verdict {
    /// The output is correct for the committed input.
    Valid,
    /// The output is wrong, or the attestation does not hold.
    Invalid,
}

/// How a verifier checked an attestation (2025 §3.2 attestation primitives and batch audits).
#[cw_serde]
#[derive(Copy, Eq)]
pub enum AuditKind {
    /// Checked the TEE report (enclave measurement and signed runtime trace).
    TeeReport,
    /// Checked the succinct proof.
    ZkProof,
    /// Ran randomized canary prompts against the worker.
    CanaryPrompt,
    /// Re-ran the job with the same seed and compared outputs.
    SeedReplay,
}

/// The evidence behind a verdict (kept on chain as a hash; the data itself lives off chain).
#[cw_serde]
pub struct AuditRecord {
    /// How the check was done.
    pub kind: AuditKind,
    /// Hex sha256 of the evidence (canary transcript, replay output, …).
    pub evidence_hash: String,
}

/// Parameters, each bounded (see [`ExecuteMsg::UpdateConfig`]). Defaults from 2025 §4.4 and 2026 §6.3/§12.3 where
/// the seeds give a number; otherwise a stated project choice.
#[cw_serde]
pub struct Params {
    /// γ of 2026 eq.36: bond ≥ γ · Σ open obligation · spot price. Default 1.5; in [1, 10].
    pub collateral_ratio: Decimal256,
    /// α of the quality EMA, 2026 eq.24. Default 0.1; in (0, 1].
    pub quality_alpha: Decimal256,
    /// Quality of a newly registered worker (project choice: 0.5, HIP-8's value for an unobserved metric); in [0, 1].
    pub initial_quality: Decimal256,
    /// Quality below which epochs count toward the low-quality slash (2026 §12.3: 0.5); in [0, 1].
    pub low_quality_threshold: Decimal256,
    /// Consecutive epochs below the threshold before a slash (2026 §12.3: 7); 1 to 365.
    pub low_quality_epochs: u64,
    /// Seconds without a heartbeat after which a worker with open obligation may be slashed (2026 §12.3: 600);
    /// 60 to 86 400.
    pub heartbeat_timeout: u64,
    /// σ: fraction of the bond burned per slash (project choice 0.1); in (0, 1].
    pub slash_fraction: Decimal256,
    /// Seconds a slashed worker cannot take jobs or offer capacity (project choice: 1 day); at least
    /// `heartbeat_timeout`, at most 30 days.
    pub denial_window: u64,
    /// Seconds between `Unbond` and `ClaimUnbonded` (project choice: 31 days, past the registry's longest job and its
    /// verification); more than `epoch_length + commit_period + reveal_period`, at most 90 days.
    pub unbonding_period: u64,
    /// Length of an epoch in seconds (project choice: 1 hour); 60 s to 30 days.
    pub epoch_length: u64,
    /// Fraction of attestations sampled for verification each epoch (project choice 0.1); in [0, 1].
    pub sample_rate: Decimal256,
    /// Seconds after the end of the attestation's epoch during which verifiers commit (project choice 1 hour);
    /// 1 s to 7 days.
    pub commit_period: u64,
    /// Seconds after the commit period during which verifiers reveal (project choice 1 hour); 1 s to 7 days.
    pub reveal_period: u64,
    /// Most verifiers that may commit on one attestation (project choice 7); 1 to 50.
    pub max_verifiers_per_job: u32,
    /// Smallest verifier bond, $AI atoms (project choice: 1000 $AI). Positive.
    pub verifier_min_bond: Uint128,
    /// Smallest first bond of a worker, $AI atoms, paid with its registration ([`ReceiveMsg::Register`]; project
    /// choice: 1000 $AI): registering costs capital locked for the unbonding period, so Sybil registrations
    /// cannot skew the HIP-8 score histogram or grow storage for free. Positive.
    pub worker_min_bond: Uint128,
    /// ρ: PoAI bonus rate on a verified job's value V_j (2025 §4.2: ρ ≤ 0.1; project default 0.05); in [0, 0.1].
    pub poai_bonus_rate: Decimal256,
    /// Share of the PoAI bonus paid to the verifiers who judged correctly (project choice 0.2); in [0, 1].
    pub verifier_bonus_share: Decimal256,
    /// R: $AI atoms minted per epoch (project choice: 1000 $AI); one `UpdateConfig` may at most double it.
    pub emission_per_epoch: Uint128,
    /// β: validators' (verifiers') share of R (2025 §4.4: 0.35).
    pub emission_validators: Decimal256,
    /// γ: workers' share of R, pro rata verified work (2025 §4.4: 0.50).
    pub emission_workers: Decimal256,
    /// δ: curators' share of R, pro rata experience utility (2025 §4.4: 0.10). β + γ + δ ≤ 1; the treasury gets the rest.
    pub emission_curators: Decimal256,
    /// D: deposit of an experience submission, $AI atoms (2025 §4.4: 25 $AI). Positive.
    pub experience_deposit: Uint128,
}

/// Creates the poai contract.
#[cw_serde]
pub struct InstantiateMsg {
    /// Owner (admin); defaults to the sender.
    pub owner: Option<String>,
    /// The $AI cw20 token: bonds, deposits, rewards. poai must be (or become) its minter for emissions and bonuses.
    pub ai_token: String,
    /// The `hmm-pool` contract whose spot prices value obligations (2026 eq.36).
    pub pool: String,
    /// The `job-registry` contract; may be set later with `UpdateConfig` (no job can be assigned until then).
    pub job_registry: Option<String>,
    /// Receives the treasury share of emissions and forfeited deposits.
    pub treasury: String,
    /// Who scores experience submissions; defaults to the owner.
    pub experience_oracle: Option<String>,
    /// Parameters; `None`: the defaults (amount defaults scale with the $AI token's decimals).
    pub params: Option<Params>,
}

/// Hooks carried by a cw20 `Send` to poai.
#[cw_serde]
pub enum ReceiveMsg {
    /// $AI only: register the sender as a worker, the tokens sent (at least `worker_min_bond`) its first bond.
    /// The fields are those of [`ExecuteMsg::Register`], which updates a registered worker.
    Register {
        /// The capability vector.
        capabilities: Capabilities,
        /// The enclave public keys attestations are signed with.
        enclave_keys: EnclaveKeys,
        /// Proof of possession of each key (see [`ExecuteMsg::Register`]).
        #[serde(default)]
        possession: EnclaveKeySignatures,
    },
    /// $AI only: add the tokens sent to the sender's worker bond (the sender must be registered).
    Bond {},
    /// $AI only: register the sender as a verifier, or add to its bond. The resulting bond must reach
    /// `verifier_min_bond`.
    RegisterVerifier {},
    /// A CU token only: the worker returns unsold CU, which are burned and reduce its open obligation. At most the
    /// unreserved part of its obligation in that class.
    WithdrawCapacity {},
    /// $AI only: submit an experience (2025 §4.3) with exactly the deposit D; refunded in proportion to its
    /// measured utility when the experience oracle scores it.
    SubmitExperience {
        /// Hex sha256 of the experience content.
        content_hash: String,
        /// Where the content can be fetched, at most 256 bytes.
        uri: Option<String>,
    },
}

/// Conditions anyone may report about a worker ([`ExecuteMsg::ReportWorker`]).
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ReportCondition {
    /// No heartbeat for `heartbeat_timeout` while the worker has open obligation (2026 §12.3).
    MissedHeartbeat,
    /// Quality below `low_quality_threshold` for `low_quality_epochs` consecutive epochs (2026 §12.3).
    LowQuality,
}

/// Admin changes; every field optional.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    /// New owner.
    pub owner: Option<String>,
    /// The pool contract.
    pub pool: Option<String>,
    /// The job-registry contract.
    pub job_registry: Option<String>,
    /// The treasury.
    pub treasury: Option<String>,
    /// Who scores experience submissions.
    pub experience_oracle: Option<String>,
    /// All parameters at once (each checked against its bounds).
    pub params: Option<Params>,
}

/// poai's execute messages. Native funds are refused on every one (`Payment`).
#[cw_serde]
// Parsed once per message; boxing the large variants would only change the Rust API.
#[allow(clippy::large_enum_variant)]
pub enum ExecuteMsg {
    /// cw20 tokens arrive here (`Send`); the payload is a [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
    /// Update a registered worker's capabilities and keys (refused while it has a job reserved). A new worker
    /// registers through the $AI hook [`ReceiveMsg::Register`] with its first bond (`RegisterWithBond` here).
    Register {
        /// The capability vector.
        capabilities: Capabilities,
        /// The enclave public keys attestations are signed with.
        enclave_keys: EnclaveKeys,
        /// Proof of possession of each key in `enclave_keys`: its signature over its registration digest (module
        /// doc). A key without one, a signature that does not verify, or a signature for a key not given is refused
        /// and nothing changes. Omitted in JSON: no proofs (so any key is refused).
        #[serde(default)]
        possession: EnclaveKeySignatures,
    },
    /// Mint `⌊q · raw_amount⌋` CU of a class to the sender (2025 eq.10, 2026 eq.23: capacity weighted by its
    /// quality q), adding to its open obligation. Refused if the bond would not cover γ · Σ obligation · spot price
    /// (2026 eq.36), during a denial window, or for an unknown class. Counts as a heartbeat.
    OfferCapacity {
        /// The class's CU token.
        cu_token: String,
        /// Raw capacity offered, in CU atoms.
        raw_amount: Uint128,
    },
    /// The worker is alive.
    Heartbeat {},
    /// Start unbonding `amount` of the sender's worker bond; what remains must still cover its obligation. The
    /// amount can be claimed after `unbonding_period` and can be slashed until then.
    Unbond {
        /// $AI atoms.
        amount: Uint128,
    },
    /// Start unbonding `amount` of the sender's verifier bond (what remains must be 0 or at least
    /// `verifier_min_bond`; refused while it has an unrevealed commitment).
    UnbondVerifier {
        /// $AI atoms.
        amount: Uint128,
    },
    /// Pay the sender every unbonding claim that has matured.
    ClaimUnbonded {},
    /// job-registry only (`docs/interfaces.md`, "Take"): the worker takes a job. poai checks eligibility (registered,
    /// bond covering its obligation, not denied, heartbeat fresh, SLA match, unreserved obligation ≥ `cu` per class)
    /// and reserves the obligation, or fails.
    JobAssigned {
        /// The job.
        job_id: u64,
        /// The worker taking it.
        worker: String,
        /// The job's client.
        client: String,
        /// CU locked in the job, per token.
        cu: Vec<CuAmount>,
        /// The job's SLA.
        sla: SlaRequirement,
        /// $AI paid for the CU (V_j of the PoAI bonus).
        value: Uint128,
        /// The job fee the registry burns if the job succeeds: the job's rewards (bonus and emissions, every
        /// party together) are capped at 9/10 of it. Absent: 0, and the job earns no reward.
        #[serde(default)]
        fee: Uint128,
        /// Attestation deadline (seconds).
        finish_by: u64,
    },
    /// job-registry only (`docs/interfaces.md`, "Timeouts"): an assigned job failed. A timeout before the
    /// attestation slashes the worker (σ of its bond burned), records a failed attestation (quality EMA with a = 0)
    /// and opens a denial window; the reservation is released in every case.
    JobFailed {
        /// The job.
        job_id: u64,
        /// Its worker.
        worker: String,
        /// Why.
        reason: FailureReason,
    },
    /// The assigned worker attests a job before its `finish_by`: the enclave signature over the attestation digest
    /// (module doc: chain id, poai address, job id, worker, input commitment read from the registry's job, output
    /// commitment, io Merkle root, TEE report hash, proof hash and `used`) is verified against the worker's
    /// registered keys, the attestation is stored, and job-registry's `RecordAttestation` is called. Every field
    /// below except `signature` is signed.
    Attest {
        /// The job.
        job_id: u64,
        /// Hex sha256 commitment to the output.
        output_commitment: String,
        /// Hex root of the index-bound Merkle tree of the job's inputs and outputs.
        io_merkle_root: String,
        /// Hex sha256 of the TEE attestation report.
        tee_report_hash: String,
        /// Enclave signature (64 bytes: secp256k1 or secp256r1 compact `r ‖ s`, or ed25519).
        signature: Binary,
        /// Hex hash of an optional succinct proof.
        proof_hash: Option<String>,
        /// CU actually consumed per token (each ≤ what was reserved, each token once; token addresses in canonical
        /// form); `None`: everything reserved. Signed as sent (absent, or the entries in this order); the unused
        /// rest is rebated to the client.
        used: Option<Vec<CuAmount>>,
    },
    /// A verifier commits to a verdict on an attestation that is sampled or disputed, during the commit period.
    CommitVerdict {
        /// The job.
        job_id: u64,
        /// `sha256(job_id ‖ verdict ‖ salt ‖ verifier)` (see the module doc), hex.
        commitment: String,
    },
    /// A verifier reveals its verdict during the reveal period; it must hash to its commitment.
    RevealVerdict {
        /// The job.
        job_id: u64,
        /// The verdict.
        verdict: Verdict,
        /// The salt used in the commitment, 16 to 64 bytes.
        salt: Binary,
        /// How it checked (batch audit record), optional.
        audit: Option<AuditRecord>,
    },
    /// A bonded verifier challenges an attestation (until the end of the commit period), forcing verification even
    /// if it was not sampled. If the verifiers then confirm the attestation, the disputer is slashed σ.
    Dispute {
        /// The job.
        job_id: u64,
        /// Hex sha256 of the disputer's evidence.
        evidence_hash: String,
    },
    /// Anyone, after the reveal period of the attestation's epoch: settle the job. Success if not sampled nor
    /// disputed, or if the revealed verdicts (weighted by verifier bond) do not refute it; failure otherwise
    /// (the worker is slashed as for fraud). Rewards are paid and job-registry's `Settle` is called.
    Finalize {
        /// The job.
        job_id: u64,
    },
    /// Anyone: report a worker for a slashable condition of 2026 §12.3. Slashes σ of its bond and opens a denial
    /// window if the condition holds, and fails otherwise.
    ReportWorker {
        /// The worker.
        worker: String,
        /// What happened.
        condition: ReportCondition,
    },
    /// The experience oracle scores a submission with its measured utility u ∈ [0, 1]: `⌊u·D⌋` is refunded, the
    /// rest goes to the treasury, and u counts as the submitter's curator weight for this epoch's emissions.
    ScoreExperience {
        /// The submission.
        id: u64,
        /// Measured utility.
        utility: Decimal256,
    },
    /// Anyone: close every ended epoch (at most 20 per call): fix its sampling seed and mint its emission R —
    /// validators β, workers γ and curators δ held for claims, the treasury the rest (and any share nobody earned).
    DistributeEmissions {},
    /// Pay the sender its share of closed epochs' emissions (worker work, verifier points, curator utility).
    ClaimRewards {},
    /// Owner: declare a resource class (its CU token, of which poai must be the minter) and the pool that prices it.
    SetResourceClass {
        /// The CU token.
        cu_token: String,
        /// The pool id in the pool contract.
        pool_id: u64,
    },
    /// Owner: change addresses and parameters.
    UpdateConfig(ConfigUpdate),
}

/// poai's queries.
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// Addresses, parameters and epoch state.
    #[returns(ConfigResponse)]
    Config {},
    /// One worker.
    #[returns(WorkerResponse)]
    Worker {
        /// The worker's address.
        worker: String,
    },
    /// Workers by ascending address.
    #[returns(WorkersResponse)]
    Workers {
        /// Start after this address.
        start_after: Option<String>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// A worker's obligation in every class it minted.
    #[returns(ObligationsResponse)]
    Obligations {
        /// The worker's address.
        worker: String,
    },
    /// A worker's bond against what 2026 eq.36 requires at current spot prices.
    #[returns(BondRequirementResponse)]
    BondRequirement {
        /// The worker's address.
        worker: String,
    },
    /// Whether a worker could take a job with this CU and SLA now (what `JobAssigned` checks).
    #[returns(EligibilityResponse)]
    Eligibility {
        /// The worker's address.
        worker: String,
        /// CU the job locks.
        cu: Vec<CuAmount>,
        /// The job's SLA.
        sla: SlaRequirement,
    },
    /// A job as poai sees it: assignment, attestation, verification state.
    #[returns(AttestationResponse)]
    Attestation {
        /// The job.
        job_id: u64,
    },
    /// Checks that `leaf` is leaf `index` of `leaf_count` under the job's attested io Merkle root.
    #[returns(InclusionResponse)]
    VerifyInclusion {
        /// The job.
        job_id: u64,
        /// The leaf data (raw bytes).
        leaf: Binary,
        /// Its position, from 0.
        index: u64,
        /// Number of leaves of the tree.
        leaf_count: u64,
        /// Sibling hashes from the leaf up (hex).
        proof: Vec<String>,
    },
    /// Expert weights η_m ∝ q_m/(1 − q_m) (2025 eq.5) of the given workers, normalised to sum to 1.
    #[returns(ExpertWeightsResponse)]
    ExpertWeights {
        /// 1 to 50 registered workers.
        workers: Vec<String>,
    },
    /// One verifier.
    #[returns(VerifierResponse)]
    Verifier {
        /// The verifier's address.
        verifier: String,
    },
    /// Pending unbonding claims of an address.
    #[returns(ClaimsResponse)]
    Claims {
        /// The address.
        address: String,
    },
    /// One epoch: its window, whether it is closed, its seed and rewards. `None`: the current epoch.
    #[returns(EpochResponse)]
    Epoch {
        /// The epoch number.
        epoch: Option<u64>,
    },
    /// Rewards an address can claim now, and points in epochs not closed yet.
    #[returns(PendingRewardsResponse)]
    PendingRewards {
        /// The address.
        address: String,
    },
    /// One experience submission.
    #[returns(ExperienceResponse)]
    Experience {
        /// The submission id.
        id: u64,
    },
    /// The verdict commitment a verifier must submit (a helper; computing it off chain is equivalent).
    #[returns(CommitmentResponse)]
    VerdictCommitment {
        /// The job.
        job_id: u64,
        /// The verifier's address.
        verifier: String,
        /// The verdict.
        verdict: Verdict,
        /// The salt.
        salt: Binary,
    },
    /// The digest an enclave signs for a job on this chain and this poai (a helper; computing it off chain with the
    /// module doc's layout is equivalent). Nothing is checked against the job: the fields are hashed as given.
    #[returns(CommitmentResponse)]
    AttestationDigest {
        /// The job.
        job_id: u64,
        /// The worker's address (as stored: the job's worker).
        worker: String,
        /// Hex input commitment (from the job).
        input_commitment: String,
        /// Hex output commitment.
        output_commitment: String,
        /// Hex io Merkle root.
        io_merkle_root: String,
        /// Hex TEE report hash.
        tee_report_hash: String,
        /// Hex proof hash, if any.
        proof_hash: Option<String>,
        /// CU used, as `Attest` will send it.
        used: Option<Vec<CuAmount>>,
    },
    /// Totals of what poai holds and has minted and burned (for conservation checks).
    #[returns(TotalsResponse)]
    Totals {},
}

/// Answer to [`QueryMsg::Config`].
#[cw_serde]
pub struct ConfigResponse {
    /// The owner.
    pub owner: Addr,
    /// The $AI token.
    pub ai_token: Addr,
    /// The pool contract.
    pub pool: Addr,
    /// The job registry, once set.
    pub job_registry: Option<Addr>,
    /// The treasury.
    pub treasury: Addr,
    /// The experience oracle.
    pub experience_oracle: Addr,
    /// Parameters.
    pub params: Params,
    /// Start of epoch 0 (the instantiation time).
    pub genesis_time: u64,
    /// The epoch now.
    pub current_epoch: u64,
    /// The next epoch to close (every earlier one is closed).
    pub next_epoch_to_close: u64,
    /// Declared resource classes.
    pub classes: Vec<ResourceClass>,
}

/// A resource class poai mints CU for.
#[cw_serde]
pub struct ResourceClass {
    /// The CU token.
    pub cu_token: Addr,
    /// The pool that prices it.
    pub pool_id: u64,
}

/// A worker's HIP-8 metrics (rolling `0.7·old + 0.3·new`, each in [0, 1], higher is better); `None` if never
/// observed (counts as 0.5 in the score).
#[cw_serde]
#[derive(Default)]
pub struct Hip8Metrics {
    /// Share of the job window left when the attestation arrived.
    pub latency: Option<Decimal256>,
    /// Not measurable on chain (HIP-8 means tokens per second); stays unobserved (0.5 in the score) until a
    /// metrics oracle reports it.
    pub throughput: Option<Decimal256>,
    /// 1 for a job attested in time, 0 for a timed-out one.
    pub availability: Option<Decimal256>,
    /// 1 for a verified job, 0 for a refuted or failed one.
    pub accuracy: Option<Decimal256>,
}

/// Answer to [`QueryMsg::Worker`].
#[cw_serde]
pub struct WorkerResponse {
    /// The worker.
    pub address: Addr,
    /// Capability vector.
    pub capabilities: Capabilities,
    /// Enclave keys.
    pub enclave_keys: EnclaveKeys,
    /// Bonded $AI atoms (not counting unbonding claims).
    pub bond: Uint128,
    /// $AI atoms in unbonding claims (still slashable).
    pub unbonding: Uint128,
    /// Quality q (2026 eq.24).
    pub quality: Decimal256,
    /// HIP-8 metrics.
    pub metrics: Hip8Metrics,
    /// HIP-8 score (0.3/0.3/0.2/0.2).
    pub hip8_score: Decimal256,
    /// First epoch of the current run of epochs with q below the threshold, if q is below it now.
    pub low_quality_since: Option<u64>,
    /// Last heartbeat (seconds).
    pub last_heartbeat: u64,
    /// The worker cannot take jobs or offer capacity before this time (seconds).
    pub denied_until: u64,
    /// Jobs currently reserved.
    pub active_jobs: u32,
    /// Jobs verified.
    pub jobs_succeeded: u64,
    /// Jobs failed or refuted.
    pub jobs_failed: u64,
    /// Times slashed.
    pub slash_count: u32,
    /// $AI atoms burned from this worker's bond and claims.
    pub slashed_total: Uint128,
    /// Registration time (seconds).
    pub registered_at: u64,
}

/// Answer to [`QueryMsg::Workers`].
#[cw_serde]
pub struct WorkersResponse {
    /// The workers, by ascending address.
    pub workers: Vec<WorkerResponse>,
}

/// A worker's obligation in one class: open = minted − used − withdrawn; free = open − reserved.
#[cw_serde]
pub struct Obligation {
    /// The CU token.
    pub cu_token: Addr,
    /// CU minted to the worker in total.
    pub minted: Uint128,
    /// CU burned against jobs it served.
    pub used: Uint128,
    /// CU it returned unsold (burned).
    pub withdrawn: Uint128,
    /// CU reserved for jobs it has taken.
    pub reserved: Uint128,
    /// Open obligation: minted − used − withdrawn.
    pub open: Uint128,
    /// Open and not reserved: what it can still be assigned or withdraw.
    pub free: Uint128,
}

/// Answer to [`QueryMsg::Obligations`].
#[cw_serde]
pub struct ObligationsResponse {
    /// One entry per class the worker minted.
    pub obligations: Vec<Obligation>,
}

/// Answer to [`QueryMsg::BondRequirement`].
#[cw_serde]
pub struct BondRequirementResponse {
    /// Bonded $AI atoms.
    pub bond: Uint128,
    /// Σ open obligation · spot price, $AI atoms (rounded up).
    pub obligation_value: Uint128,
    /// γ · obligation value (2026 eq.36), $AI atoms, rounded up.
    pub required: Uint128,
    /// Whether bond ≥ required.
    pub covered: bool,
}

/// Answer to [`QueryMsg::Eligibility`].
#[cw_serde]
pub struct EligibilityResponse {
    /// Whether `JobAssigned` would accept the worker now.
    pub eligible: bool,
    /// Why not.
    pub reason: Option<String>,
}

/// Where a job is in poai.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum AssignmentState {
    /// Taken; waiting for the attestation.
    Assigned,
    /// Attested; in verification.
    Attested,
    /// Finalized as verified; settled with the registry.
    Succeeded,
    /// Refuted by verifiers; settled as failed.
    Refuted,
    /// Reported failed by the registry.
    Failed,
}

/// Answer to [`QueryMsg::Attestation`].
#[cw_serde]
pub struct AttestationResponse {
    /// The job.
    pub job_id: u64,
    /// Its worker.
    pub worker: Addr,
    /// Its client.
    pub client: Addr,
    /// CU reserved for it.
    pub cu: Vec<CuAmount>,
    /// CU consumed (from the attestation).
    pub used: Vec<CuAmount>,
    /// V_j: $AI atoms the client paid for the CU (the registry's `value`).
    pub value: Uint128,
    /// Assignment time (seconds).
    pub assigned_at: u64,
    /// Attestation deadline (seconds).
    pub finish_by: u64,
    /// State.
    pub state: AssignmentState,
    /// The attestation, once made.
    pub attestation: Option<AttestationInfo>,
}

/// A stored attestation and its verification.
#[cw_serde]
pub struct AttestationInfo {
    /// Hex output commitment.
    pub output_commitment: String,
    /// Hex io Merkle root.
    pub io_merkle_root: String,
    /// Hex TEE report hash.
    pub tee_report_hash: String,
    /// Hex proof hash.
    pub proof_hash: Option<String>,
    /// Which key verified: "secp256k1", "secp256r1" or "ed25519".
    pub key_type: String,
    /// When it was made (seconds).
    pub attested_at: u64,
    /// The epoch it belongs to.
    pub epoch: u64,
    /// Whether it was sampled; `None` until the epoch is closed.
    pub sampled: Option<bool>,
    /// Who disputed it.
    pub disputed_by: Option<Addr>,
    /// Hex evidence hash of the dispute.
    pub dispute_evidence: Option<String>,
    /// Commit period end (seconds).
    pub commit_end: u64,
    /// Reveal period end; `Finalize` is possible from then on (seconds).
    pub reveal_end: u64,
    /// Commitments made.
    pub commits: u32,
    /// Bond weight of `Valid` reveals.
    pub valid_weight: Uint128,
    /// Bond weight of `Invalid` reveals.
    pub invalid_weight: Uint128,
}

/// Answer to [`QueryMsg::VerifyInclusion`].
#[cw_serde]
pub struct InclusionResponse {
    /// Whether the proof leads to the attested root.
    pub included: bool,
    /// The attested root (hex).
    pub root: String,
    /// The root the proof leads to (hex).
    pub computed_root: String,
}

/// One expert's weight.
#[cw_serde]
pub struct ExpertWeight {
    /// The worker.
    pub worker: Addr,
    /// Its quality q.
    pub quality: Decimal256,
    /// η, normalised.
    pub weight: Decimal256,
}

/// Answer to [`QueryMsg::ExpertWeights`].
#[cw_serde]
pub struct ExpertWeightsResponse {
    /// In the order asked; the weights sum to exactly 1.
    pub weights: Vec<ExpertWeight>,
}

/// Answer to [`QueryMsg::Verifier`].
#[cw_serde]
pub struct VerifierResponse {
    /// The verifier.
    pub address: Addr,
    /// Bonded $AI atoms.
    pub bond: Uint128,
    /// $AI atoms in unbonding claims.
    pub unbonding: Uint128,
    /// Commitments not yet revealed.
    pub open_commits: u32,
    /// Verdicts revealed.
    pub verdicts: u64,
    /// Verdicts that matched the final outcome.
    pub correct: u64,
    /// Times slashed.
    pub slash_count: u32,
    /// Registration time (seconds).
    pub registered_at: u64,
}

/// An unbonding claim.
#[cw_serde]
pub struct Claim {
    /// $AI atoms (reduced by slashes while pending).
    pub amount: Uint128,
    /// Claimable from (seconds).
    pub release_at: u64,
    /// Whether it comes from a verifier bond (true) or a worker bond (false).
    pub verifier: bool,
}

/// Answer to [`QueryMsg::Claims`].
#[cw_serde]
pub struct ClaimsResponse {
    /// Pending claims, oldest first.
    pub claims: Vec<Claim>,
}

/// Rewards of one role in one epoch.
#[cw_serde]
#[derive(Default)]
pub struct RewardPool {
    /// $AI atoms still to be claimed.
    pub remaining: Uint128,
    /// Weight (points) still to claim them.
    pub remaining_weight: Uint128,
}

/// Answer to [`QueryMsg::Epoch`].
#[cw_serde]
pub struct EpochResponse {
    /// The epoch.
    pub epoch: u64,
    /// Start (seconds, inclusive).
    pub start: u64,
    /// End (seconds, exclusive).
    pub end: u64,
    /// Whether it is closed.
    pub closed: bool,
    /// Sampling seed (hex), once closed.
    pub seed: Option<String>,
    /// Attestations made in it.
    pub attestations: u64,
    /// Verified work credited in it ($AI value of finalized jobs).
    pub work: Uint128,
    /// Verifier points (correct reveals) credited in it.
    pub verifier_points: Uint128,
    /// Curator utility (millionths) credited in it.
    pub curator_points: Uint128,
    /// Workers' emission share, held for claims.
    pub workers: RewardPool,
    /// Verifiers' emission share, held for claims.
    pub verifiers: RewardPool,
    /// Curators' emission share, held for claims.
    pub curators: RewardPool,
    /// Minted to the treasury at close.
    pub treasury: Uint128,
}

/// Answer to [`QueryMsg::PendingRewards`].
#[cw_serde]
pub struct PendingRewardsResponse {
    /// $AI atoms claimable now (closed epochs).
    pub claimable: Uint128,
    /// Epochs with points of this address that are not closed yet.
    pub pending_epochs: Vec<u64>,
}

/// Answer to [`QueryMsg::Experience`].
#[cw_serde]
pub struct ExperienceResponse {
    /// The submission id.
    pub id: u64,
    /// Who submitted.
    pub submitter: Addr,
    /// Hex content hash.
    pub content_hash: String,
    /// Where to fetch it.
    pub uri: Option<String>,
    /// Deposit held, $AI atoms (zero once scored).
    pub deposit: Uint128,
    /// Utility in [0, 1], once scored.
    pub utility: Option<Decimal256>,
    /// Refunded amount, $AI atoms, once scored.
    pub refunded: Uint128,
    /// Submission time (seconds).
    pub submitted_at: u64,
}

/// Answer to [`QueryMsg::VerdictCommitment`] and [`QueryMsg::AttestationDigest`].
#[cw_serde]
pub struct CommitmentResponse {
    /// The 32-byte hash, hex.
    pub hash: String,
}

/// Answer to [`QueryMsg::Totals`]: what poai's $AI balance backs, and its mint/burn history.
#[cw_serde]
pub struct TotalsResponse {
    /// Σ worker bonds.
    pub worker_bonds: Uint128,
    /// Σ verifier bonds.
    pub verifier_bonds: Uint128,
    /// Σ pending unbonding claims.
    pub claims: Uint128,
    /// Σ experience deposits held.
    pub deposits: Uint128,
    /// Emissions held for claims.
    pub reward_reserve: Uint128,
    /// $AI minted by poai (emissions and bonuses).
    pub minted: Uint128,
    /// $AI burned by poai (slashes).
    pub burned: Uint128,
}

/// Migrates poai to a newer code of `poai`.
#[cw_serde]
pub struct MigrateMsg {}
