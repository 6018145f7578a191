//! A tiny multi-contract chain on `cosmwasm-vm`: every contract is a compiled artifact running in the real VM (wasmer
//! singlepass with gas metering), and the chain routes what wasmd would route between them:
//!
//! - `WasmMsg::Execute` sub-messages of a response, depth first and in order (as wasmd does), with the sender set to
//!   the calling contract; `SubMsg` replies (`reply_on` success / error / always) go to the caller's `reply` entry point.
//! - `WasmQuery::Smart` queries from a running contract into another contract (nested queries run their own instance),
//!   and `WasmQuery::Raw` reads of another contract's storage (one counted read, no instance).
//! - Codes other than the artifacts ([`store_code`], e.g. a previous release's): [`Chain::set_code`] deploys a crate
//!   from one, [`Chain::migrate_to`] swaps the code of a contract and calls the new code's `migrate`, as wasmd's
//!   `MsgMigrateContract` does (the migration test, `tests/migration.rs`).
//! - A transaction is atomic: if any call fails (and no `reply_on_error` catches it), every contract's storage is
//!   restored to what it was before the transaction. A caught sub-message failure reverts only that sub-message.
//!
//! As in wasmd, every call (execute, instantiate, reply, and each nested query) gets a fresh instance from one
//! module cache ([`cosmwasm_vm::Cache`]): each artifact is compiled once per process, however many contracts use it.
//!
//! Gas: each call's VM gas is what the wasm and the VM's host functions used (the VM's `used_internally`, the
//! number wasmd converts to SDK gas). Storage and queries report no VM gas: on chain the SDK meters them itself. So
//! that the SDK gas of a transaction can be estimated, the storage counts reads, writes, deletes and iterator
//! steps with their bytes, and [`SdkGasEstimate`] applies wasmd's and the Cosmos SDK's default gas tables.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Mutex, OnceLock};

use cosmwasm_std_v3::{
    Binary, BlockInfo, Checksum, ContractResult, CosmosMsg, Empty, Env, Event, QueryRequest,
    ReplyOn, Response, SystemError, SystemResult, WasmMsg, WasmQuery,
};
use cosmwasm_vm::testing::{mock_env, MockApi};
use cosmwasm_vm::{
    call_execute_raw, call_instantiate_raw, call_migrate_raw, call_query_raw, call_reply_raw,
    capabilities_from_csv, Backend, BackendError, BackendResult, Cache, CacheOptions, GasInfo,
    Instance, InstanceOptions, Querier, Size, Storage,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{artifacts_dir, read_artifact, LoadError, CHAIN_CAPABILITIES, MEMORY_LIMIT_MIB};

/// Gas limit of one call. wasmd gives a call what is left of the transaction's gas; measuring needs no limit.
pub const CALL_GAS_LIMIT: u64 = 1_000_000_000_000_000;
/// The contract crates the chain can deploy (their artifacts are loaded once, at first use).
pub const CONTRACTS: [&str; 6] = [
    "ai-token",
    "hmm-pool",
    "job-registry",
    "poai",
    "router",
    "orderbook",
];
/// Deepest chain of sub-messages followed (wasmd bounds nested queries at 10 by default; the same bound here).
pub const MAX_DEPTH: usize = 10;

// ---------------------------------------------------------------------------------------------------------------
// wasmd and Cosmos SDK gas tables (defaults), for the SDK gas estimate.
// ---------------------------------------------------------------------------------------------------------------

/// wasmd `DefaultGasMultiplier`: CosmWasm (VM) gas per Cosmos SDK gas. 140,000 since CosmWasm 2.0, which cut
/// every VM gas value 1000× (CosmWasm/cosmwasm#1599: 150,000 → 150 per Wasm operation, 140,000,000 → 140,000); the
/// local chain runs wasmd 0.53 with wasmvm 2.1.
pub const WASMD_GAS_MULTIPLIER: u64 = 140_000;
/// wasmd `DefaultInstanceCost`: SDK gas charged each time a (non-pinned) contract is loaded: every execute,
/// instantiate, reply and smart query.
pub const WASMD_INSTANCE_COST: u64 = 60_000;
/// wasmd `DefaultPerAttributeCost`, `DefaultEventAttributeDataCost`, `DefaultEventAttributeDataFreeTier`,
/// `DefaultPerCustomEventCost`.
pub const WASMD_PER_ATTRIBUTE: u64 = 10;
pub const WASMD_ATTRIBUTE_BYTE: u64 = 1;
pub const WASMD_ATTRIBUTE_FREE_BYTES: u64 = 100;
pub const WASMD_PER_CUSTOM_EVENT: u64 = 20;
/// Cosmos SDK `KVGasConfig` defaults.
pub const KV_READ_FLAT: u64 = 1_000;
pub const KV_READ_BYTE: u64 = 3;
pub const KV_WRITE_FLAT: u64 = 2_000;
pub const KV_WRITE_BYTE: u64 = 30;
pub const KV_DELETE: u64 = 1_000;
pub const KV_ITER_NEXT: u64 = 30;
/// wasmd stores a contract's keys under `0x03 ‖ contract address (32 bytes)`: the SDK meters the full key.
pub const WASMD_KEY_PREFIX: u64 = 33;

// ---------------------------------------------------------------------------------------------------------------
// Storage with op counting
// ---------------------------------------------------------------------------------------------------------------

/// What a call did to its contract's storage, in the units the Cosmos SDK meters (keys include wasmd's prefix).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KvStats {
    pub reads: u64,
    pub read_bytes: u64,
    pub writes: u64,
    pub write_bytes: u64,
    pub deletes: u64,
    pub iter_steps: u64,
    pub iter_bytes: u64,
}

impl KvStats {
    /// SDK gas of these operations with the SDK's default `KVGasConfig`.
    pub fn sdk_gas(&self) -> u64 {
        self.reads * KV_READ_FLAT
            + self.read_bytes * KV_READ_BYTE
            + self.writes * KV_WRITE_FLAT
            + self.write_bytes * KV_WRITE_BYTE
            + self.deletes * KV_DELETE
            + self.iter_steps * KV_ITER_NEXT
            + self.iter_bytes * KV_READ_BYTE
    }

    fn add(&mut self, o: &KvStats) {
        self.reads += o.reads;
        self.read_bytes += o.read_bytes;
        self.writes += o.writes;
        self.write_bytes += o.write_bytes;
        self.deletes += o.deletes;
        self.iter_steps += o.iter_steps;
        self.iter_bytes += o.iter_bytes;
    }
}

type Record = (Vec<u8>, Vec<u8>);

/// A contract's key-value store: a `BTreeMap` (cloneable, so transactions can be reverted) that counts its operations
/// and reports no VM gas (the SDK meters storage on chain; see [`KvStats`]).
#[derive(Default, Debug)]
pub struct KvStore {
    data: BTreeMap<Vec<u8>, Vec<u8>>,
    iterators: HashMap<u32, (Vec<Record>, usize)>,
    stats: Cell<KvStats>,
}

impl KvStore {
    fn snapshot(&self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.data.clone()
    }

    fn take_stats(&mut self) -> KvStats {
        self.iterators.clear();
        self.stats.take()
    }

    fn count(&self, f: impl FnOnce(&mut KvStats)) {
        let mut s = self.stats.get();
        f(&mut s);
        self.stats.set(s);
    }

    /// Number of keys stored.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

fn key_len(key: &[u8]) -> u64 {
    key.len() as u64 + WASMD_KEY_PREFIX
}

impl Storage for KvStore {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let value = self.data.get(key).cloned();
        self.count(|s| {
            s.reads += 1;
            s.read_bytes += key_len(key) + value.as_ref().map_or(0, |v| v.len() as u64);
        });
        (Ok(value), GasInfo::free())
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: cosmwasm_std_v3::Order,
    ) -> BackendResult<u32> {
        use std::ops::Bound;
        let lo = start.map_or(Bound::Unbounded, |s| Bound::Included(s.to_vec()));
        let hi = end.map_or(Bound::Unbounded, |e| Bound::Excluded(e.to_vec()));
        let empty = matches!((&lo, &hi), (Bound::Included(s), Bound::Excluded(e)) if s >= e);
        let mut records: Vec<Record> = if empty {
            Vec::new()
        } else {
            self.data
                .range((lo, hi))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        if order == cosmwasm_std_v3::Order::Descending {
            records.reverse();
        }
        let id = u32::try_from(self.iterators.len() + 1).unwrap_or(u32::MAX);
        self.iterators.insert(id, (records, 0));
        (Ok(id), GasInfo::free())
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let Some((records, pos)) = self.iterators.get_mut(&iterator_id) else {
            return (
                Err(BackendError::iterator_does_not_exist(iterator_id)),
                GasInfo::free(),
            );
        };
        let item = records.get(*pos).cloned();
        *pos += 1;
        let bytes = item
            .as_ref()
            .map_or(0, |(k, v)| key_len(k) + v.len() as u64);
        self.count(|s| {
            s.iter_steps += 1;
            s.iter_bytes += bytes;
        });
        (Ok(item), GasInfo::free())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        self.count(|s| {
            s.writes += 1;
            s.write_bytes += key_len(key) + value.len() as u64;
        });
        self.data.insert(key.to_vec(), value.to_vec());
        (Ok(()), GasInfo::free())
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        self.count(|s| s.deletes += 1);
        self.data.remove(key);
        (Ok(()), GasInfo::free())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The module cache: every artifact compiled once per process
// ---------------------------------------------------------------------------------------------------------------

type VmCache = Cache<MockApi, KvStore, ChainQuerier>;
type VmInstance = Instance<MockApi, KvStore, ChainQuerier>;

/// One stored code: the artifact's checksum, its size, and the module cache it was compiled into.
#[derive(Clone, Copy)]
pub struct Code {
    pub checksum: Checksum,
    pub size: usize,
    cache: &'static VmCache,
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Code")
            .field("checksum", &self.checksum)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

struct Codes {
    codes: BTreeMap<&'static str, Code>,
}

static CODES: OnceLock<Result<Codes, String>> = OnceLock::new();
/// Codes stored with [`store_code`] (other versions of the contracts, e.g. the fixtures of a migration test), by
/// checksum: each compiled once per process.
static EXTRA_CODES: Mutex<BTreeMap<String, Code>> = Mutex::new(BTreeMap::new());

/// Reads every artifact while holding `scripts/build-wasm.sh`'s lock (shared), so a concurrent rebuild (which
/// deletes and rewrites `artifacts/`) is never seen half done.
fn read_artifacts(dir: &Path) -> Result<Vec<(&'static str, Vec<u8>)>, LoadError> {
    let lock = default_lock_file(dir).and_then(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .ok()
    });
    if let Some(f) = &lock {
        // Best effort: without the lock the read is still correct unless a rebuild runs right now.
        let _ = f.lock_shared();
    }
    let out = CONTRACTS
        .iter()
        .map(|name| read_artifact(dir, name).map(|w| (*name, w)))
        .collect();
    drop(lock);
    out
}

/// `target/.build-wasm.lock` of the checkout whose `artifacts/` is `dir` (only for the default artifacts folder).
fn default_lock_file(dir: &Path) -> Option<PathBuf> {
    if std::env::var_os(crate::ARTIFACTS_ENV).is_some() {
        return None;
    }
    let target = dir.parent()?.join("target");
    target.is_dir().then(|| target.join(".build-wasm.lock"))
}

fn init_codes() -> Result<Codes, String> {
    let dir = artifacts_dir();
    let wasms = read_artifacts(&dir).map_err(|e| e.to_string())?;
    let compiled = compile(&wasms)?;
    Ok(Codes {
        codes: CONTRACTS.iter().copied().zip(compiled).collect(),
    })
}

/// Compiles `wasms` (name, code) into a new module cache that lives as long as the process; checks each as wasmd
/// checks an upload.
fn compile(wasms: &[(&str, Vec<u8>)]) -> Result<Vec<Code>, String> {
    // A private folder for the cache's files: they are only needed until each module sits in the memory cache.
    let base = std::env::temp_dir().join(format!(
        "hmm-vm-cache-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let options = CacheOptions::new(
        &base,
        capabilities_from_csv(CHAIN_CAPABILITIES),
        Size::mebi(2048),
        Size::mebi(MEMORY_LIMIT_MIB),
    );
    // SAFETY: the folder is new and private to this process; nothing else writes module files into it.
    let cache: VmCache =
        unsafe { Cache::new(options) }.map_err(|e| format!("cannot create the VM cache: {e}"))?;
    // Every code keeps a reference to its cache; the caches live until the process ends.
    let cache: &'static VmCache = Box::leak(Box::new(cache));
    let mut codes = Vec::new();
    let result = (|| {
        for (name, wasm) in wasms {
            // Checked as wasmd checks an upload (the VM's static checks, capabilities), then compiled once.
            let checksum = cache
                .store_code(wasm, true, true)
                .map_err(|e| format!("{name}: the VM refused the code: {e}"))?;
            // Load it into the memory cache now, so the files are not needed later.
            let backend = Backend {
                api: MockApi::default(),
                storage: KvStore::default(),
                querier: ChainQuerier { chain: None },
            };
            let instance = cache
                .get_instance(&checksum, backend, InstanceOptions { gas_limit: 1 })
                .map_err(|e| format!("{name}: cannot instantiate the module: {e}"))?;
            drop(instance.recycle());
            codes.push(Code {
                checksum,
                size: wasm.len(),
                cache,
            });
        }
        Ok::<(), String>(())
    })();
    let _ = std::fs::remove_dir_all(&base);
    result?;
    Ok(codes)
}

/// Stores another code than the artifacts (e.g. an older release of a contract, to migrate from): checked as wasmd
/// checks an upload and compiled once per process (a code already stored, by checksum, is returned as it is).
/// `name` only names the code in errors.
pub fn store_code(name: &str, wasm: &[u8]) -> Result<Code, String> {
    let checksum = Checksum::generate(wasm);
    let mut extra = EXTRA_CODES
        .lock()
        .map_err(|_| "the code store is poisoned".to_string())?;
    if let Some(code) = extra.get(&checksum.to_hex()) {
        return Ok(*code);
    }
    let code = compile(&[(name, wasm.to_vec())])?
        .pop()
        .ok_or_else(|| format!("{name}: not compiled"))?;
    extra.insert(code.checksum.to_hex(), code);
    Ok(code)
}

fn codes() -> Result<&'static Codes, String> {
    CODES.get_or_init(init_codes).as_ref().map_err(Clone::clone)
}

/// Loads (once per process) and checks every artifact. `Ok(false)` when they are missing and `HMM_SKIP_VM=1` is
/// set (the reason is printed); an error for anything else.
pub fn artifacts_ready() -> Result<bool, String> {
    match codes() {
        Ok(_) => Ok(true),
        Err(e) if crate::skip_requested() && e.contains("is missing") => {
            println!("SKIPPED: {e}");
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// The loaded code of a contract crate.
pub fn code(crate_name: &str) -> Result<Code, String> {
    codes()?
        .codes
        .get(crate_name)
        .copied()
        .ok_or_else(|| format!("unknown contract crate {crate_name}"))
}

// ---------------------------------------------------------------------------------------------------------------
// Calls, transactions and gas
// ---------------------------------------------------------------------------------------------------------------

/// Entry point of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    Instantiate,
    Execute,
    Query,
    Reply,
    Migrate,
    /// A `WasmQuery::Raw` from a running contract: one storage read of another contract, no code run (wasmd charges
    /// the read, no instance).
    RawQuery,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Entry::Instantiate => "instantiate",
            Entry::Execute => "execute",
            Entry::Query => "query",
            Entry::Reply => "reply",
            Entry::Migrate => "migrate",
            Entry::RawQuery => "raw query",
        })
    }
}

/// One contract call within a transaction (or a top-level query).
#[derive(Clone, Debug)]
pub struct CallTrace {
    /// 0 for the transaction's message, +1 per sub-message or nested query.
    pub depth: usize,
    pub entry: Entry,
    /// The contract's label (e.g. `$AI`, `pool`).
    pub contract: String,
    /// The message's top-level JSON key.
    pub message: String,
    pub ok: bool,
    /// VM gas used by the call itself (not its sub-messages or nested queries).
    pub vm_gas: u64,
    pub kv: KvStats,
    /// wasmd's SDK gas for the events the call emitted.
    pub event_gas: u64,
}

/// SDK gas estimate of a set of calls (see the module doc). Transaction overhead (ante handler: signature, tx
/// bytes, fee) is not included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SdkGasEstimate {
    /// Σ instance cost (one per call).
    pub instances: u64,
    /// Σ ⌊VM gas / multiplier⌋ per call.
    pub execution: u64,
    /// Σ storage gas.
    pub storage: u64,
    /// Σ event gas.
    pub events: u64,
}

impl SdkGasEstimate {
    pub fn total(&self) -> u64 {
        self.instances + self.execution + self.storage + self.events
    }

    pub fn of(calls: &[CallTrace]) -> Self {
        let mut e = SdkGasEstimate::default();
        for c in calls {
            if c.entry != Entry::RawQuery {
                e.instances += WASMD_INSTANCE_COST;
            }
            e.execution += c.vm_gas / WASMD_GAS_MULTIPLIER;
            e.storage += c.kv.sdk_gas();
            e.events += c.event_gas;
        }
        e
    }
}

/// The gas of one measured transaction or query.
#[derive(Clone, Debug)]
pub struct TxGas {
    /// What was measured.
    pub label: String,
    pub ok: bool,
    pub calls: Vec<CallTrace>,
}

impl TxGas {
    /// Σ VM gas of every call.
    pub fn vm_gas(&self) -> u64 {
        self.calls.iter().map(|c| c.vm_gas).sum()
    }

    /// VM gas of the first (top-level) call only.
    pub fn top_vm_gas(&self) -> u64 {
        self.calls.first().map_or(0, |c| c.vm_gas)
    }

    /// Σ storage operations.
    pub fn kv(&self) -> KvStats {
        let mut s = KvStats::default();
        for c in &self.calls {
            s.add(&c.kv);
        }
        s
    }

    pub fn sdk(&self) -> SdkGasEstimate {
        SdkGasEstimate::of(&self.calls)
    }

    /// The calls as `contract.message` joined by ` → ` (nested ones indented by depth).
    pub fn call_path(&self) -> String {
        self.calls
            .iter()
            .map(|c| {
                let q = if c.entry == Entry::Query { "?" } else { "" };
                format!("{}{}.{}", q, c.contract, c.message)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The outcome of a transaction.
#[derive(Clone, Debug)]
pub struct TxResult {
    /// Events in order: each call's `wasm` event (its attributes plus `_contract_address`) and custom events.
    pub events: Vec<Event>,
    /// The `data` of the top-level response.
    pub data: Option<Binary>,
    pub gas: TxGas,
}

impl TxResult {
    /// The first value of attribute `key` in any event.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == key)
            .map(|a| a.value.as_str())
    }

    /// Every value of attribute `key`, in order.
    pub fn attrs(&self, key: &str) -> Vec<&str> {
        self.events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .filter(|a| a.key == key)
            .map(|a| a.value.as_str())
            .collect()
    }
}

/// Why a transaction or query failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainError {
    /// A contract returned an error (`contract` is its label); the transaction was reverted.
    Contract {
        contract: String,
        message: String,
        error: String,
    },
    /// The VM failed (trap, out of gas, bad export, (de)serialisation) or the chain cannot route something.
    Vm(String),
}

impl ChainError {
    /// The error text of a contract error (`None` for a VM failure).
    pub fn contract_error(&self) -> Option<&str> {
        match self {
            ChainError::Contract { error, .. } => Some(error),
            ChainError::Vm(_) => None,
        }
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Contract {
                contract,
                message,
                error,
            } => write!(f, "{contract}.{message} refused: {error}"),
            ChainError::Vm(e) => write!(f, "VM error: {e}"),
        }
    }
}

impl std::error::Error for ChainError {}

struct ContractSlot {
    label: String,
    crate_name: &'static str,
    /// The code it runs (changed by [`Chain::migrate_to`]).
    code: Code,
    /// `None` while the contract runs. A smart query into a contract that is running (itself, or a caller up the
    /// stack) is refused here; wasmd would answer it from the uncommitted state. None of the contracts does that.
    storage: Option<KvStore>,
}

struct State {
    block: BlockInfo,
    contracts: BTreeMap<String, ContractSlot>,
    labels: BTreeMap<String, String>,
    trace: Vec<CallTrace>,
    /// Depths of the calls running now (innermost last).
    running: Vec<usize>,
    records: Vec<TxGas>,
    next_label: Option<String>,
    /// Codes [`Chain::instantiate`] deploys instead of the artifacts, by crate (see [`Chain::set_code`]).
    deploy_codes: BTreeMap<&'static str, Code>,
}

/// The chain. Cheap to clone (a handle).
#[derive(Clone)]
pub struct Chain {
    state: Rc<RefCell<State>>,
    api: MockApi,
}

/// The querier each instance gets: routes `WasmQuery::Smart` into the other contracts.
pub struct ChainQuerier {
    chain: Option<Chain>,
}

impl Querier for ChainQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        _gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let Some(chain) = &self.chain else {
            return (
                Ok(SystemResult::Err(SystemError::Unknown {})),
                GasInfo::free(),
            );
        };
        let request: QueryRequest<Empty> = match serde_json::from_slice(request) {
            Ok(r) => r,
            Err(e) => {
                return (
                    Ok(SystemResult::Err(SystemError::InvalidRequest {
                        error: e.to_string(),
                        request: Binary::from(request),
                    })),
                    GasInfo::free(),
                )
            }
        };
        let result = match request {
            QueryRequest::Wasm(WasmQuery::Smart { contract_addr, msg }) => {
                let depth = chain.current_depth() + 1;
                match chain.call(&contract_addr, Entry::Query, None, msg.as_slice(), depth) {
                    Ok(bytes) => match serde_json::from_slice::<ContractResult<Binary>>(&bytes) {
                        Ok(r) => SystemResult::Ok(r),
                        Err(e) => SystemResult::Ok(ContractResult::Err(e.to_string())),
                    },
                    Err(ChainError::Contract { error, .. }) => {
                        SystemResult::Ok(ContractResult::Err(error))
                    }
                    Err(ChainError::Vm(e)) if e.starts_with("no contract") => {
                        SystemResult::Err(SystemError::NoSuchContract {
                            addr: contract_addr,
                        })
                    }
                    Err(ChainError::Vm(e)) => SystemResult::Ok(ContractResult::Err(e)),
                }
            }
            QueryRequest::Wasm(WasmQuery::Raw { contract_addr, key }) => {
                match chain.raw_query(&contract_addr, &key, chain.current_depth() + 1) {
                    Ok(value) => SystemResult::Ok(ContractResult::Ok(Binary::from(
                        value.unwrap_or_default(),
                    ))),
                    Err(_) => SystemResult::Err(SystemError::NoSuchContract {
                        addr: contract_addr,
                    }),
                }
            }
            other => SystemResult::Err(SystemError::UnsupportedRequest {
                kind: format!("{other:?}").chars().take(60).collect(),
            }),
        };
        (Ok(result), GasInfo::free())
    }
}

/// Every contract's storage, by address (to revert a transaction or a caught sub-message).
type Snapshot = BTreeMap<String, BTreeMap<Vec<u8>, Vec<u8>>>;

/// Raw result of a call: the JSON the contract returned.
type Raw = Vec<u8>;

impl Chain {
    /// A new chain at `mock_env()`'s block. Loads the artifacts on first use in the process.
    pub fn new() -> Result<Chain, String> {
        codes()?;
        Ok(Chain {
            state: Rc::new(RefCell::new(State {
                block: mock_env().block,
                contracts: BTreeMap::new(),
                labels: BTreeMap::new(),
                trace: Vec::new(),
                running: Vec::new(),
                records: Vec::new(),
                next_label: None,
                deploy_codes: BTreeMap::new(),
            })),
            api: MockApi::default(),
        })
    }

    /// A valid address for `name` (bech32, prefix `cosmwasm`).
    pub fn addr(&self, name: &str) -> String {
        self.api.addr_make(name)
    }

    /// The contract crate deployed at `addr`.
    pub fn crate_of(&self, addr: &str) -> Option<&'static str> {
        self.state
            .borrow()
            .contracts
            .get(addr)
            .map(|s| s.crate_name)
    }

    /// The label of an address (a contract's label, or the address itself).
    pub fn label_of(&self, addr: &str) -> String {
        self.state
            .borrow()
            .labels
            .get(addr)
            .cloned()
            .unwrap_or_else(|| addr.to_string())
    }

    /// The current block.
    pub fn block(&self) -> BlockInfo {
        self.state.borrow().block.clone()
    }

    /// Block time in seconds.
    pub fn now(&self) -> u64 {
        self.state.borrow().block.time.seconds()
    }

    /// Moves the chain forward: `blocks` blocks and `seconds` seconds.
    pub fn advance(&self, blocks: u64, seconds: u64) {
        let mut st = self.state.borrow_mut();
        st.block.height += blocks;
        st.block.time = st.block.time.plus_seconds(seconds);
    }

    /// Names the next transaction or query in the gas records (measured rows of the benchmark).
    pub fn label_next(&self, label: &str) -> &Self {
        self.state.borrow_mut().next_label = Some(label.to_string());
        self
    }

    /// The measured transactions and queries so far (those named with [`Chain::label_next`]).
    pub fn records(&self) -> Vec<TxGas> {
        self.state.borrow().records.clone()
    }

    /// The last measured record with this label.
    pub fn record(&self, label: &str) -> Option<TxGas> {
        self.state
            .borrow()
            .records
            .iter()
            .rev()
            .find(|r| r.label == label)
            .cloned()
    }

    /// Size of a contract's artifact.
    pub fn code_size(&self, crate_name: &str) -> Result<usize, String> {
        code(crate_name).map(|c| c.size)
    }

    /// Instantiates `crate_name` as a new contract called `label` (its address is `addr(label)`).
    pub fn instantiate<M: Serialize>(
        &self,
        crate_name: &str,
        label: &str,
        sender: &str,
        msg: &M,
    ) -> Result<(String, TxResult), ChainError> {
        let chosen = self.state.borrow().deploy_codes.get(crate_name).copied();
        let code = match chosen {
            Some(c) => c,
            None => code(crate_name).map_err(ChainError::Vm)?,
        };
        self.instantiate_code(code, crate_name, label, sender, msg)
    }

    /// From now on [`Chain::instantiate`] deploys `crate_name` from `code` (e.g. an older release from
    /// [`store_code`]) instead of its artifact, so that the scenarios can build state on another version.
    pub fn set_code(&self, crate_name: &str, code: Code) -> Result<(), String> {
        let name = CONTRACTS
            .iter()
            .copied()
            .find(|c| *c == crate_name)
            .ok_or_else(|| format!("unknown crate {crate_name}"))?;
        self.state.borrow_mut().deploy_codes.insert(name, code);
        Ok(())
    }

    /// Whether [`Chain::instantiate`] deploys `crate_name` from its artifact (not from a [`Chain::set_code`] code).
    pub fn deploys_artifact(&self, crate_name: &str) -> bool {
        !self.state.borrow().deploy_codes.contains_key(crate_name)
    }

    /// Instantiates `code` (a code of the contract crate `crate_name`, e.g. from [`store_code`]) as a new contract
    /// called `label`.
    pub fn instantiate_code<M: Serialize>(
        &self,
        code: Code,
        crate_name: &str,
        label: &str,
        sender: &str,
        msg: &M,
    ) -> Result<(String, TxResult), ChainError> {
        let crate_name = CONTRACTS
            .iter()
            .copied()
            .find(|c| *c == crate_name)
            .ok_or_else(|| ChainError::Vm(format!("unknown crate {crate_name}")))?;
        let address = self.api.addr_make(&format!("contract/{label}"));
        {
            let mut st = self.state.borrow_mut();
            if st.contracts.contains_key(&address) || st.labels.values().any(|l| l == label) {
                return Err(ChainError::Vm(format!("label {label} is taken")));
            }
            st.contracts.insert(
                address.clone(),
                ContractSlot {
                    label: label.to_string(),
                    crate_name,
                    code,
                    storage: Some(KvStore::default()),
                },
            );
            st.labels.insert(address.clone(), label.to_string());
        }
        let msg = to_json(msg)?;
        let res = self.transaction(&msg, |chain| {
            chain.run_execute(sender, &address, Entry::Instantiate, &msg, 0)
        });
        if res.is_err() {
            let mut st = self.state.borrow_mut();
            st.contracts.remove(&address);
            st.labels.remove(&address);
        }
        res.map(|r| (address, r))
    }

    /// Executes `msg` on `contract` as `sender`: one transaction (all or nothing).
    pub fn execute<M: Serialize>(
        &self,
        sender: &str,
        contract: &str,
        msg: &M,
    ) -> Result<TxResult, ChainError> {
        let msg = to_json(msg)?;
        self.transaction(&msg, |chain| {
            chain.run_execute(sender, contract, Entry::Execute, &msg, 0)
        })
    }

    /// Migrates `contract` to the same code.
    pub fn migrate<M: Serialize>(&self, contract: &str, msg: &M) -> Result<TxResult, ChainError> {
        let msg = to_json(msg)?;
        self.transaction(&msg, |chain| {
            chain.run_execute("", contract, Entry::Migrate, &msg, 0)
        })
    }

    /// Migrates `contract` to `code`, as wasmd's `MsgMigrateContract` does: the address keeps its storage, runs
    /// `code` from now on, and `code`'s `migrate` entry point is called with `msg`. If the migration fails the
    /// transaction is reverted, the old code included. (No admin check: this chain has no contract admins.)
    pub fn migrate_to<M: Serialize>(
        &self,
        contract: &str,
        code: Code,
        msg: &M,
    ) -> Result<TxResult, ChainError> {
        let old = {
            let mut st = self.state.borrow_mut();
            let slot = st
                .contracts
                .get_mut(contract)
                .ok_or_else(|| ChainError::Vm(format!("no contract at {contract}")))?;
            std::mem::replace(&mut slot.code, code)
        };
        let res = self.migrate(contract, msg);
        if res.is_err() {
            if let Some(slot) = self.state.borrow_mut().contracts.get_mut(contract) {
                slot.code = old;
            }
        }
        res
    }

    /// The checksum of the code `contract` runs.
    pub fn checksum_of(&self, contract: &str) -> Option<Checksum> {
        self.state
            .borrow()
            .contracts
            .get(contract)
            .map(|s| s.code.checksum)
    }

    /// What a `WasmQuery::Raw` of `key` returns: the raw value stored under `key` in `contract`'s storage.
    /// A `WasmQuery::Raw` from a running contract at `depth`: the value, recorded as one storage read of `contract`.
    fn raw_query(
        &self,
        contract: &str,
        key: &[u8],
        depth: usize,
    ) -> Result<Option<Vec<u8>>, ChainError> {
        let value = self.query_raw_key(contract, key)?;
        let mut st = self.state.borrow_mut();
        let label = st
            .contracts
            .get(contract)
            .map(|slot| slot.label.clone())
            .unwrap_or_default();
        st.trace.push(CallTrace {
            depth,
            entry: Entry::RawQuery,
            contract: label,
            message: "raw".to_string(),
            ok: true,
            vm_gas: 0,
            kv: KvStats {
                reads: 1,
                read_bytes: key_len(key) + value.as_ref().map_or(0, |v| v.len() as u64),
                ..KvStats::default()
            },
            event_gas: 0,
        });
        Ok(value)
    }

    pub fn query_raw_key(&self, contract: &str, key: &[u8]) -> Result<Option<Vec<u8>>, ChainError> {
        let st = self.state.borrow();
        let slot = st
            .contracts
            .get(contract)
            .ok_or_else(|| ChainError::Vm(format!("no contract at {contract}")))?;
        let storage = slot
            .storage
            .as_ref()
            .ok_or_else(|| ChainError::Vm(format!("{} is running", slot.label)))?;
        Ok(storage.data.get(key).cloned())
    }

    /// Runs a smart query and parses the answer.
    pub fn query<M: Serialize, T: DeserializeOwned>(
        &self,
        contract: &str,
        msg: &M,
    ) -> Result<T, ChainError> {
        let bytes = self.query_bytes(contract, msg)?;
        serde_json::from_slice(&bytes)
            .map_err(|e| ChainError::Vm(format!("cannot parse the query answer: {e}")))
    }

    /// Runs a smart query and returns the answer as the contract wrote it (JSON bytes).
    pub fn query_bytes<M: Serialize>(
        &self,
        contract: &str,
        msg: &M,
    ) -> Result<Vec<u8>, ChainError> {
        let msg = to_json(msg)?;
        let label = self.state.borrow_mut().next_label.take();
        self.state.borrow_mut().trace.clear();
        let res = self.call(contract, Entry::Query, None, &msg, 0);
        let trace = std::mem::take(&mut self.state.borrow_mut().trace);
        if let Some(label) = label {
            self.state.borrow_mut().records.push(TxGas {
                label,
                ok: res.is_ok(),
                calls: trace,
            });
        }
        let bytes = res?;
        let answer: ContractResult<Binary> = serde_json::from_slice(&bytes)
            .map_err(|e| ChainError::Vm(format!("query result: {e}")))?;
        match answer {
            ContractResult::Ok(bin) => Ok(bin.to_vec()),
            ContractResult::Err(error) => Err(ChainError::Contract {
                contract: self.label_of(contract),
                message: message_key(&msg),
                error,
            }),
        }
    }

    /// Runs `f` as a transaction: storage is restored if it fails; the calls are recorded if labelled.
    fn transaction(
        &self,
        msg: &[u8],
        f: impl FnOnce(&Chain) -> Result<Outcome, ChainError>,
    ) -> Result<TxResult, ChainError> {
        let label = self.state.borrow_mut().next_label.take();
        self.state.borrow_mut().trace.clear();
        let snapshot = self.snapshot()?;
        let res = f(self);
        let trace = std::mem::take(&mut self.state.borrow_mut().trace);
        let gas = TxGas {
            label: label.clone().unwrap_or_else(|| message_key(msg)),
            ok: res.is_ok(),
            calls: trace,
        };
        if label.is_some() {
            self.state.borrow_mut().records.push(gas.clone());
        }
        match res {
            Ok(out) => Ok(TxResult {
                events: out.events,
                data: out.data,
                gas,
            }),
            Err(e) => {
                self.restore(snapshot);
                Err(e)
            }
        }
    }

    fn snapshot(&self) -> Result<Snapshot, ChainError> {
        let st = self.state.borrow();
        st.contracts
            .iter()
            .map(|(addr, slot)| match &slot.storage {
                Some(s) => Ok((addr.clone(), s.snapshot())),
                None => Err(ChainError::Vm(format!(
                    "{} is running: cannot snapshot",
                    slot.label
                ))),
            })
            .collect()
    }

    fn restore(&self, snapshot: Snapshot) {
        let mut st = self.state.borrow_mut();
        for (addr, data) in snapshot {
            if let Some(slot) = st.contracts.get_mut(&addr) {
                slot.storage = Some(KvStore {
                    data,
                    ..KvStore::default()
                });
            }
        }
    }

    fn current_depth(&self) -> usize {
        self.state.borrow().running.last().copied().unwrap_or(0)
    }

    /// Instantiate / execute / migrate `contract`, then its sub-messages (depth first), then replies.
    fn run_execute(
        &self,
        sender: &str,
        contract: &str,
        entry: Entry,
        msg: &[u8],
        depth: usize,
    ) -> Result<Outcome, ChainError> {
        if depth > MAX_DEPTH {
            return Err(ChainError::Vm("sub-messages nested too deep".to_string()));
        }
        let info = serde_json::json!({ "sender": sender, "funds": [] });
        let raw = self.call(contract, entry, Some(&info), msg, depth)?;
        self.process_response(contract, entry, msg, &raw, depth)
    }

    fn process_response(
        &self,
        contract: &str,
        entry: Entry,
        msg: &[u8],
        raw: &[u8],
        depth: usize,
    ) -> Result<Outcome, ChainError> {
        let result: ContractResult<Response<Empty>> = serde_json::from_slice(raw)
            .map_err(|e| ChainError::Vm(format!("cannot parse the {entry} response: {e}")))?;
        let response = match result {
            ContractResult::Ok(r) => r,
            ContractResult::Err(error) => {
                return Err(ChainError::Contract {
                    contract: self.label_of(contract),
                    message: if entry == Entry::Reply {
                        "reply".to_string()
                    } else {
                        message_key(msg)
                    },
                    error,
                })
            }
        };
        let mut events = Vec::new();
        let mut wasm = Event::new("wasm").add_attribute("_contract_address", contract);
        wasm.attributes.extend(response.attributes.iter().cloned());
        events.push(wasm);
        events.extend(response.events.iter().cloned());
        let mut data = response.data.clone();
        for sub in response.messages {
            let (target, sub_msg) = match sub.msg {
                CosmosMsg::Wasm(WasmMsg::Execute {
                    contract_addr,
                    msg,
                    funds,
                }) => {
                    if !funds.is_empty() {
                        return Err(ChainError::Vm(
                            "native funds are not supported by this chain".to_string(),
                        ));
                    }
                    (contract_addr, msg)
                }
                other => {
                    return Err(ChainError::Vm(format!(
                        "unsupported message from {}: {other:?}",
                        self.label_of(contract)
                    )))
                }
            };
            let catches = matches!(sub.reply_on, ReplyOn::Error | ReplyOn::Always);
            let snapshot = if catches {
                Some(self.snapshot()?)
            } else {
                None
            };
            let res = self.run_execute(
                contract,
                &target,
                Entry::Execute,
                sub_msg.as_slice(),
                depth + 1,
            );
            let reply_result = match (res, sub.reply_on) {
                (Ok(out), ReplyOn::Never | ReplyOn::Error) => {
                    events.extend(out.events);
                    None
                }
                (Ok(out), ReplyOn::Success | ReplyOn::Always) => {
                    events.extend(out.events.iter().cloned());
                    Some(serde_json::json!({ "ok": {
                        "events": out.events,
                        "data": out.data,
                        "msg_responses": [],
                    }}))
                }
                (Err(e), ReplyOn::Never | ReplyOn::Success) => return Err(e),
                (Err(e), ReplyOn::Error | ReplyOn::Always) => {
                    if let Some(s) = snapshot {
                        self.restore(s);
                    }
                    let error = match e {
                        ChainError::Contract { error, .. } => error,
                        ChainError::Vm(e) => e,
                    };
                    Some(serde_json::json!({ "error": error }))
                }
            };
            if let Some(result) = reply_result {
                let reply = serde_json::json!({
                    "id": sub.id,
                    "payload": sub.payload,
                    "gas_used": 0,
                    "result": result,
                });
                let reply = serde_json::to_vec(&reply)
                    .map_err(|e| ChainError::Vm(format!("reply: {e}")))?;
                let raw = self.call(contract, Entry::Reply, None, &reply, depth)?;
                let out = self.process_response(contract, Entry::Reply, &reply, &raw, depth)?;
                events.extend(out.events);
                if out.data.is_some() {
                    data = out.data;
                }
            }
        }
        Ok(Outcome { events, data })
    }

    /// One call into one contract: a fresh instance from the module cache, the contract's storage moved in and out.
    fn call(
        &self,
        contract: &str,
        entry: Entry,
        info: Option<&serde_json::Value>,
        msg: &[u8],
        depth: usize,
    ) -> Result<Raw, ChainError> {
        let (label, code, storage, env) = {
            let mut st = self.state.borrow_mut();
            let block = st.block.clone();
            let Some(slot) = st.contracts.get_mut(contract) else {
                return Err(ChainError::Vm(format!("no contract at {contract}")));
            };
            let Some(storage) = slot.storage.take() else {
                return Err(ChainError::Vm(format!(
                    "{} is already running (re-entrant call)",
                    slot.label
                )));
            };
            let mut env: Env = mock_env();
            env.block = block;
            env.contract.address = cosmwasm_std_v3::Addr::unchecked(contract);
            (slot.label.clone(), slot.code, storage, env)
        };
        // Record the call before running it; the gas is filled in after.
        let index = {
            let mut st = self.state.borrow_mut();
            st.trace.push(CallTrace {
                depth,
                entry,
                contract: label.clone(),
                message: match entry {
                    Entry::Reply => "reply".to_string(),
                    Entry::Instantiate => "instantiate".to_string(),
                    Entry::Migrate => "migrate".to_string(),
                    _ => message_key(msg),
                },
                ok: false,
                vm_gas: 0,
                kv: KvStats::default(),
                event_gas: 0,
            });
            st.running.push(depth);
            st.trace.len() - 1
        };
        let backend = Backend {
            api: self.api,
            storage,
            querier: ChainQuerier {
                chain: Some(self.clone()),
            },
        };
        let instance = code.cache.get_instance(
            &code.checksum,
            backend,
            InstanceOptions {
                gas_limit: CALL_GAS_LIMIT,
            },
        );
        let mut instance: VmInstance = match instance {
            Ok(i) => i,
            Err(err) => {
                self.state.borrow_mut().running.pop();
                return Err(ChainError::Vm(format!(
                    "{label}: cannot instantiate: {err}"
                )));
            }
        };
        // A profiler for development: with HMM_GAS_TRACE set, every `deps.api.debug("marker")` a contract calls
        // prints the VM gas used since the previous marker (or the start of the call). cosmwasm-vm has no
        // per-function profile, and a native one misleads: the VM charges each branch and call 14× an arithmetic
        // operator (docs/benchmarks.md). A marker costs ~0.24 M gas itself; none is committed in a contract.
        if std::env::var_os("HMM_GAS_TRACE").is_some() {
            let (mut last, call) = (CALL_GAS_LIMIT, label.clone());
            instance.set_debug_handler(move |msg, info| {
                eprintln!(
                    "gas-trace {call}: {msg}: {} since the last marker",
                    last.saturating_sub(info.gas_remaining)
                );
                last = info.gas_remaining;
            });
        }
        let env_bytes = serde_json::to_vec(&env).map_err(|e| ChainError::Vm(e.to_string()))?;
        let info_bytes = info
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ChainError::Vm(e.to_string()))?;
        let info_bytes = info_bytes.unwrap_or_default();
        let result = match entry {
            Entry::Instantiate => call_instantiate_raw(&mut instance, &env_bytes, &info_bytes, msg),
            Entry::Execute => call_execute_raw(&mut instance, &env_bytes, &info_bytes, msg),
            // (A raw query never comes here: `Chain::raw_query` reads the storage without an instance.)
            Entry::Query | Entry::RawQuery => call_query_raw(&mut instance, &env_bytes, msg),
            Entry::Reply => call_reply_raw(&mut instance, &env_bytes, msg),
            Entry::Migrate => call_migrate_raw(&mut instance, &env_bytes, msg),
        };
        self.state.borrow_mut().running.pop();
        let report = instance.create_gas_report();
        let backend = instance.recycle();
        let mut storage = match backend {
            Some(b) => b.storage,
            None => {
                return Err(ChainError::Vm(format!(
                    "{label}: the VM kept the storage (instance not recyclable)"
                )))
            }
        };
        let kv = storage.take_stats();
        {
            let mut st = self.state.borrow_mut();
            if let Some(slot) = st.contracts.get_mut(contract) {
                slot.storage = Some(storage);
            }
        }
        let ok_and_events = match &result {
            Ok(raw) => match entry {
                Entry::Query => (
                    serde_json::from_slice::<ContractResult<Binary>>(raw)
                        .map(|r| r.is_ok())
                        .unwrap_or(false),
                    0,
                ),
                _ => match serde_json::from_slice::<ContractResult<Response<Empty>>>(raw) {
                    Ok(ContractResult::Ok(r)) => (true, event_gas(&r)),
                    _ => (false, 0),
                },
            },
            Err(_) => (false, 0),
        };
        {
            let mut st = self.state.borrow_mut();
            if let Some(t) = st.trace.get_mut(index) {
                t.ok = ok_and_events.0;
                t.event_gas = ok_and_events.1;
                t.vm_gas = report.used_internally;
                t.kv = kv;
            }
        }
        result.map_err(|e| ChainError::Vm(format!("{label}.{entry}: {e}")))
    }
}

struct Outcome {
    events: Vec<Event>,
    data: Option<Binary>,
}

/// wasmd's event gas for a response (`EventCosts(res.Attributes, res.Events)`): attributes and custom events, one
/// free tier of bytes for the whole response.
fn event_gas(r: &Response<Empty>) -> u64 {
    let mut free = WASMD_ATTRIBUTE_FREE_BYTES;
    let mut attr_cost = |attrs: &[(usize, usize)]| -> u64 {
        if attrs.is_empty() {
            return 0;
        }
        let mut bytes: u64 = attrs.iter().map(|(k, v)| (k + v) as u64).sum();
        if bytes <= free {
            free -= bytes;
            bytes = 0;
        } else {
            bytes -= free;
            free = 0;
        }
        bytes * WASMD_ATTRIBUTE_BYTE + WASMD_PER_ATTRIBUTE * attrs.len() as u64
    };
    let wasm_attrs: Vec<(usize, usize)> = r
        .attributes
        .iter()
        .map(|a| (a.key.len(), a.value.len()))
        .collect();
    let mut gas = attr_cost(&wasm_attrs);
    for e in &r.events {
        gas += WASMD_PER_CUSTOM_EVENT + e.ty.len() as u64 * WASMD_ATTRIBUTE_BYTE;
        let attrs: Vec<(usize, usize)> = e
            .attributes
            .iter()
            .map(|a| (a.key.len(), a.value.len()))
            .collect();
        gas += attr_cost(&attrs);
    }
    gas
}

fn to_json<M: Serialize>(msg: &M) -> Result<Vec<u8>, ChainError> {
    serde_json::to_vec(msg)
        .map_err(|e| ChainError::Vm(format!("cannot serialise the message: {e}")))
}

/// The top-level JSON key of a message (`transfer`, `receive`, …); `receive` hooks are named by their inner key
/// when the payload is readable (`receive:swap`).
pub fn message_key(msg: &[u8]) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(msg)
    else {
        return "message".to_string();
    };
    if map.len() != 1 {
        return "message".to_string();
    }
    let Some((key, value)) = map.into_iter().next() else {
        return "message".to_string();
    };
    if key == "receive" || key == "send" {
        let inner = value
            .get("msg")
            .and_then(|m| m.as_str())
            .and_then(|b64| Binary::from_base64(b64).ok())
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b.as_slice()).ok())
            .and_then(|v| v.as_object().and_then(|o| o.keys().next().cloned()));
        if let Some(inner) = inner {
            return format!("{key}:{inner}");
        }
    }
    key
}
