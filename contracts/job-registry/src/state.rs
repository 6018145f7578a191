//! Storage: the config, the jobs (an `IndexedMap` with multi-indexes by client, worker and state), and running
//! totals of what the registry holds for open jobs (they equal its token balances; tests check it).

use cosmwasm_std::{Addr, StdResult, Storage, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use hmm::job::{CloseReason, CuAmount, JobState, Limits};
use hmm::pool::SlaRequirement;
use hmm::router::RouteLeg;
use serde::{Deserialize, Serialize};

// Stored as compact records (hmm-record: postcard fields in a base64 string), not JSON objects: smaller wasm and
// cheaper loads. The layout is positional: see `migrate` before changing a field.

/// The config (record version 3; the owner is cw-ownable's, in its own item).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Config {
    pub ai_token: Addr,
    pub pool: Addr,
    /// Plans every purchase (since record version 2; version 1 had no router).
    pub router: Addr,
    pub poai: Option<Addr>,
    pub limits: Limits,
}

/// The config as record version 2 stored it (0.5): the admin in the record.
#[derive(Serialize, Deserialize)]
struct ConfigV2 {
    admin: Addr,
    ai_token: Addr,
    pool: Addr,
    router: Addr,
    poai: Option<Addr>,
    limits: Limits,
}

/// The config as record version 1 stored it (0.4 and older): no router.
#[derive(Serialize, Deserialize)]
struct ConfigV1 {
    admin: Addr,
    ai_token: Addr,
    pool: Addr,
    poai: Option<Addr>,
    limits: Limits,
}

/// A job as stored. The locked CU are the purchase legs (one per resource line, exact amounts, spec order).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Job {
    pub id: u64,
    pub client: Addr,
    pub worker: Option<Addr>,
    pub state: JobState,
    pub purchase: Vec<RouteLeg>,
    pub sla: SlaRequirement,
    pub input_commitment: String,
    pub max_spend: Uint128,
    pub value: Uint128,
    /// $AI held for the job: what was sent minus `value`, `fee` included.
    pub escrow: Uint128,
    /// The job fee (part of `escrow`): burned on success, returned otherwise.
    pub fee: Uint128,
    pub start_by: u64,
    pub finish_by: u64,
    pub settle_by: u64,
    pub submitted_at: u64,
    pub assigned_at: Option<u64>,
    pub started_at: Option<u64>,
    pub attested_at: Option<u64>,
    pub closed_at: Option<u64>,
    pub close_reason: Option<CloseReason>,
    pub used: Vec<CuAmount>,
}

impl Job {
    /// The CU locked in the job (zero amounts once it is closed are not tracked here: see `escrow_of`).
    pub fn cu(&self) -> Vec<CuAmount> {
        self.purchase
            .iter()
            .map(|l| CuAmount {
                token: l.cu_token.to_string(),
                amount: l.amount,
            })
            .collect()
    }

    /// The deadline after which `ClaimTimeout` may close the job in its current state; `None` if closed.
    pub fn timeout_at(&self) -> Option<u64> {
        match self.state {
            JobState::Open | JobState::Assigned => Some(self.start_by),
            JobState::Running => Some(self.finish_by),
            JobState::Attested | JobState::Verified | JobState::Disputed => Some(self.settle_by),
            JobState::Settled | JobState::Cancelled | JobState::Expired | JobState::Failed => None,
        }
    }
}

/// Stable index key of a state (the `JobsByState` index).
pub fn state_key(state: JobState) -> u8 {
    match state {
        JobState::Open => 0,
        JobState::Assigned => 1,
        JobState::Running => 2,
        JobState::Attested => 3,
        JobState::Verified => 4,
        JobState::Disputed => 5,
        JobState::Settled => 6,
        JobState::Cancelled => 7,
        JobState::Expired => 8,
        JobState::Failed => 9,
    }
}

/// A job as the `IndexedMap` holds it: a compact record of layout version 1.
pub type StoredJob = hmm_record::Stored<Job, 1>;

pub struct JobIndexes<'a> {
    pub client: MultiIndex<'a, String, StoredJob, u64>,
    /// Untaken jobs are indexed under the empty string, which no address equals.
    pub worker: MultiIndex<'a, String, StoredJob, u64>,
    pub state: MultiIndex<'a, u8, StoredJob, u64>,
}

impl IndexList<StoredJob> for JobIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<StoredJob>> + '_> {
        let v: Vec<&dyn Index<StoredJob>> = vec![&self.client, &self.worker, &self.state];
        Box::new(v.into_iter())
    }
}

/// The namespace of the jobs (the `IndexedMap`'s primary map).
pub const JOBS_NAMESPACE: &str = "jobs";

pub fn jobs<'a>() -> IndexedMap<u64, StoredJob, JobIndexes<'a>> {
    IndexedMap::new(
        JOBS_NAMESPACE,
        JobIndexes {
            client: MultiIndex::new(
                |_, j: &StoredJob| j.0.client.to_string(),
                "jobs",
                "jobs__client",
            ),
            worker: MultiIndex::new(
                |_, j: &StoredJob| j.0.worker.as_ref().map(Addr::to_string).unwrap_or_default(),
                "jobs",
                "jobs__worker",
            ),
            state: MultiIndex::new(
                |_, j: &StoredJob| state_key(j.0.state),
                "jobs",
                "jobs__state",
            ),
        },
    )
}

pub const CONFIG: hmm_record::Item<Config, 3> = hmm_record::Item::new("config");
const CONFIG_V2: hmm_record::Item<ConfigV2, 2> = hmm_record::Item::new("config");
const CONFIG_V1: hmm_record::Item<ConfigV1, 1> = hmm_record::Item::new("config");
/// The order book the registry pays for the book's part of a plan (`UpdateConfig`); kept beside the config record
/// so that adding it changed no record layout.
pub const ORDERBOOK: Item<Addr> = Item::new("orderbook");
/// The last job id.
pub const JOB_COUNT: Item<u64> = Item::new("job_count");
/// Jobs not closed yet.
pub const OPEN_JOBS: Item<u64> = Item::new("open_jobs");
/// $AI held for open jobs.
pub const TOTAL_AI: Item<Uint128> = Item::new("total_ai");
/// CU held for open jobs, per token.
pub const TOTAL_CU: Map<&Addr, Uint128> = Map::new("total_cu");

/// Converts the records of a 0.3 contract (the same fields without a version byte) to version 1; the job indexes
/// hold keys only and stay valid. Returns how many records it rewrote.
pub fn convert_records(storage: &mut dyn Storage) -> StdResult<u32> {
    use hmm_record::legacy::{version_item, version_map};
    Ok(version_item(storage, CONFIG.as_slice(), 1)?
        + version_map(storage, JOBS_NAMESPACE.as_bytes(), 1)?)
}

/// Rewrites a version-1 config (0.4 and older) as version 2 with the router; returns 1.
pub fn add_router(storage: &mut dyn Storage, router: Addr) -> StdResult<u32> {
    let old = CONFIG_V1.load(storage)?;
    CONFIG_V2.save(
        storage,
        &ConfigV2 {
            admin: old.admin,
            ai_token: old.ai_token,
            pool: old.pool,
            router,
            poai: old.poai,
            limits: old.limits,
        },
    )?;
    Ok(1)
}

/// Rewrites a version-2 config (0.5) as version 3: the admin becomes the cw-ownable owner (no transfer was ever
/// pending: 0.5 handed the role over in one step). Returns 1.
pub fn move_admin_to_cw_ownable(
    storage: &mut dyn Storage,
    api: &dyn cosmwasm_std::Api,
) -> StdResult<u32> {
    let old = CONFIG_V2.load(storage)?;
    cw_ownable::initialize_owner(storage, api, Some(old.admin.as_str()))?;
    CONFIG.save(
        storage,
        &Config {
            ai_token: old.ai_token,
            pool: old.pool,
            router: old.router,
            poai: old.poai,
            limits: old.limits,
        },
    )?;
    Ok(1)
}
