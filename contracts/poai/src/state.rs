//! Storage of the poai contract.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal256, StdResult, Storage, Uint128};
use cw_storage_plus::{Item, Map};
use hmm::poai::{
    AssignmentState, AuditRecord, Capabilities, Claim, EnclaveKeys, Hip8Metrics, Params,
    RewardPool, Verdict,
};
use hmm_record::Item as RecordItem;
use hmm_record::Map as RecordMap;
use serde::{Deserialize, Serialize};

// The structs of this module and `Params` are stored as compact records of layout version 1 (`hmm_record`: a version
// byte and the fields in postcard). Changing a field means a new version and a conversion in `migrate`.

/// Addresses and the epoch clock.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Config {
    pub owner: Addr,
    pub ai_token: Addr,
    pub pool: Addr,
    pub job_registry: Option<Addr>,
    pub treasury: Addr,
    pub experience_oracle: Addr,
    /// Start of epoch 0 (seconds); epoch `e` is `[genesis + e·L, genesis + (e+1)·L)` with `L = epoch_length`.
    pub genesis_time: u64,
}

/// A registered worker.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Worker {
    pub capabilities: Capabilities,
    pub enclave_keys: EnclaveKeys,
    /// Bonded $AI atoms (unbonding claims are kept in [`CLAIMS`]).
    pub bond: Uint128,
    /// 2026 eq.24 quality q.
    pub quality: Decimal256,
    pub metrics: Hip8Metrics,
    /// Bucket of the HIP-8 score in [`HISTOGRAM`] (⌊100·score⌋).
    pub score_bucket: u8,
    pub low_quality_since: Option<u64>,
    pub last_heartbeat: u64,
    pub denied_until: u64,
    pub active_jobs: u32,
    pub jobs_succeeded: u64,
    pub jobs_failed: u64,
    pub slash_count: u32,
    pub slashed_total: Uint128,
    pub registered_at: u64,
}

/// A worker's CU obligation in one class.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ObligationState {
    pub minted: Uint128,
    pub used: Uint128,
    pub withdrawn: Uint128,
    pub reserved: Uint128,
}

impl ObligationState {
    /// minted − used − withdrawn.
    pub fn open(&self) -> Uint128 {
        self.minted
            .saturating_sub(self.used)
            .saturating_sub(self.withdrawn)
    }
    /// open − reserved.
    pub fn free(&self) -> Uint128 {
        self.open().saturating_sub(self.reserved)
    }
}

/// A stored attestation and its verification tallies.
#[cw_serde]
pub struct StoredAttestation {
    pub output_commitment: String,
    pub io_merkle_root: String,
    pub tee_report_hash: String,
    pub proof_hash: Option<String>,
    pub key_type: String,
    pub attested_at: u64,
    pub epoch: u64,
    pub commit_end: u64,
    pub reveal_end: u64,
    pub disputed_by: Option<Addr>,
    pub dispute_evidence: Option<String>,
    pub commits: u32,
    pub valid_weight: Uint128,
    pub invalid_weight: Uint128,
}

/// A job as poai tracks it, from `JobAssigned` to its end.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Job {
    pub worker: Addr,
    pub client: Addr,
    /// Reserved CU per token.
    pub cu: Vec<(Addr, Uint128)>,
    /// CU consumed (set at the attestation).
    pub used: Vec<(Addr, Uint128)>,
    pub value: Uint128,
    /// The job fee the registry burns on success: the base of the job's reward credit.
    pub fee: Uint128,
    pub assigned_at: u64,
    pub finish_by: u64,
    pub state: AssignmentState,
    pub attestation: Option<StoredAttestation>,
}

/// A bonded verifier.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VerifierState {
    pub bond: Uint128,
    pub open_commits: u32,
    pub open_disputes: u32,
    pub verdicts: u64,
    pub correct: u64,
    pub slash_count: u32,
    pub registered_at: u64,
}

/// One verifier's commitment (and reveal) on one job.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VerdictRecord {
    pub commitment: String,
    pub revealed: Option<Verdict>,
    /// The verifier's bond at commit; at reveal, its voting weight: min(bond at commit, bond at reveal).
    pub weight: Uint128,
    pub audit: Option<AuditRecord>,
}

/// An epoch: what accumulates while it runs, and its seed and reward pools once closed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct EpochState {
    /// Running hash over the attestations made in the epoch (hex), mixed into the seed.
    pub accumulator: String,
    pub attestations: u64,
    pub work: Uint128,
    pub verifier_points: Uint128,
    pub curator_points: Uint128,
    /// Set at close.
    pub seed: Option<String>,
    /// The sample rate in force at close.
    pub sample_rate: Option<Decimal256>,
    pub workers: RewardPool,
    pub verifiers: RewardPool,
    pub curators: RewardPool,
    pub treasury: Uint128,
}

/// An address's points in one epoch.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Points {
    pub work: Uint128,
    pub verifier: Uint128,
    pub curator: Uint128,
    /// What the work and verifier points may still claim from the epoch's emissions: the reward credit of the
    /// jobs that earned them less the bonuses already paid (`hmm_math::economics::REWARD_PER_BURNED`).
    /// Curator points are not capped: the experience oracle scores them (a trusted role).
    pub credit: Uint128,
}

/// An experience submission.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Experience {
    pub submitter: Addr,
    pub content_hash: String,
    pub uri: Option<String>,
    pub deposit: Uint128,
    pub utility: Option<Decimal256>,
    pub refunded: Uint128,
    pub submitted_at: u64,
}

/// What poai's $AI balance backs, and its mint/burn history.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Totals {
    pub worker_bonds: Uint128,
    pub verifier_bonds: Uint128,
    pub claims: Uint128,
    pub deposits: Uint128,
    pub reward_reserve: Uint128,
    pub minted: Uint128,
    pub burned: Uint128,
}

pub const CONFIG: RecordItem<Config, 1> = RecordItem::new("config");
/// A compact record although `Params` is a message type: read on almost every message.
pub const PARAMS: RecordItem<Params, 1> = RecordItem::new("params");
/// cu_token → pool id.
pub const CLASSES: Map<&Addr, u64> = Map::new("classes");
pub const WORKERS: RecordMap<&Addr, Worker, 1> = RecordMap::new("workers");
/// (worker, cu_token) → obligation.
pub const OBLIGATIONS: RecordMap<(&Addr, &Addr), ObligationState, 1> =
    RecordMap::new("obligations");
/// Pending unbonding claims per address, oldest first.
pub const CLAIMS: Map<&Addr, Vec<Claim>> = Map::new("claims");
pub const JOBS: RecordMap<u64, Job, 1> = RecordMap::new("jobs");
pub const VERIFIERS: RecordMap<&Addr, VerifierState, 1> = RecordMap::new("verifiers");
/// (job id, verifier) → commitment and reveal.
pub const VERDICTS: RecordMap<(u64, &Addr), VerdictRecord, 1> = RecordMap::new("verdicts");
pub const EPOCHS: RecordMap<u64, EpochState, 1> = RecordMap::new("epochs");
/// Every epoch below this one is closed.
pub const NEXT_EPOCH_TO_CLOSE: Item<u64> = Item::new("next_epoch_to_close");
/// (address, epoch) → points earned in that epoch.
pub const POINTS: RecordMap<(&Addr, u64), Points, 1> = RecordMap::new("points");
/// Number of registered workers per HIP-8 score bucket (⌊100·score⌋, 101 buckets).
pub const HISTOGRAM: Item<Vec<u32>> = Item::new("histogram");
pub const EXPERIENCES: RecordMap<u64, Experience, 1> = RecordMap::new("experiences");
pub const EXPERIENCE_COUNT: Item<u64> = Item::new("experience_count");
pub const TOTALS: RecordItem<Totals, 1> = RecordItem::new("totals");
/// worker → block time of the last `ReportWorker { MissedHeartbeat }` that slashed it (kept apart from
/// `Worker::last_heartbeat`, which only the worker's own transactions refresh).
pub const HEARTBEAT_REPORTS: Map<&Addr, u64> = Map::new("heartbeat_reports");
/// (worker, CU token) → (epoch, CU minted by `OfferCapacity` in it).
pub const MINTED_IN_EPOCH: Map<(&Addr, &Addr), (u64, Uint128)> = Map::new("minted_in_epoch");
/// A worker mints at most this many parts per million of the pool's CU reserve of a class per epoch (100 %: the
/// most it could sell into the pool in that epoch without emptying the other side's price).
pub const MINT_LIMIT_PPM: u128 = 1_000_000;

/// Converts the records of a 0.3 contract (the same fields without a version byte) to version 1. Returns how many
/// records it rewrote.
pub fn convert_records(storage: &mut dyn Storage) -> StdResult<u32> {
    use hmm_record::legacy::{version_item, version_map};
    let mut converted = 0;
    for key in [CONFIG.as_slice(), PARAMS.as_slice(), TOTALS.as_slice()] {
        converted += version_item(storage, key, 1)?;
    }
    for namespace in [
        WORKERS.namespace_bytes(),
        OBLIGATIONS.namespace_bytes(),
        JOBS.namespace_bytes(),
        VERIFIERS.namespace_bytes(),
        VERDICTS.namespace_bytes(),
        EPOCHS.namespace_bytes(),
        POINTS.namespace_bytes(),
        EXPERIENCES.namespace_bytes(),
    ] {
        converted += version_map(storage, namespace, 1)?;
    }
    Ok(converted)
}
