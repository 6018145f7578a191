//! VM-level tests: the compiled contracts (`artifacts/*.wasm`, built by `scripts/build-wasm.sh`) run in `cosmwasm-vm`
//! with gas metering, which cw-multi-test does not do.
//!
//! Two harnesses:
//! - [`VmContract`]: one contract instance with its own mock storage, querier and API; no routing between contracts.
//!   Enough for a contract that calls nobody (`ai-token`).
//! - [`chain::Chain`]: a tiny multi-contract chain. Every contract runs in the VM, sub-messages (`WasmMsg::Execute`,
//!   replies) and smart queries are routed between them as wasmd routes them, transactions are atomic, and every call
//!   is metered (VM gas, plus the storage operations and events the SDK would charge for).
//!
//! Scenarios shared by the tests and the benchmark (`examples/bench_gas.rs`) live in [`scenarios`].
//!
//! Missing artifacts are a test failure, unless `HMM_SKIP_VM=1` is set: then the VM tests print why and pass.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use cosmwasm_std_v3::{Coin, ContractResult, Empty, Env, MessageInfo, Response};
use cosmwasm_vm::testing::{mock_env, MockApi, MockQuerier, MockStorage};
use cosmwasm_vm::{
    call_execute, call_instantiate, call_migrate, call_query, capabilities_from_csv, Backend,
    Instance, InstanceOptions, Size,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub mod chain;
pub mod scenarios;

/// What the target chain (wasmd with wasmvm 2.1) offers; the same list `scripts/build-wasm.sh` gives `cosmwasm-check`.
pub const CHAIN_CAPABILITIES: &str =
    "iterator,staking,stargate,cosmwasm_1_1,cosmwasm_1_2,cosmwasm_1_3,cosmwasm_1_4,cosmwasm_2_0,cosmwasm_2_1";
/// CosmWasm gas per Cosmos SDK gas in wasmd (`DefaultGasMultiplier` in `x/wasm/types/gas_register.go`; 140,000 for
/// CosmWasm 2.x, see [`chain::WASMD_GAS_MULTIPLIER`]).
/// SDK gas from the VM = VM gas / this. The SDK also charges an instance cost per call, storage access, events and
/// the transaction itself, which the VM does not see: [`chain::SdkGasEstimate`] adds them.
pub const WASMD_GAS_MULTIPLIER: u64 = chain::WASMD_GAS_MULTIPLIER;
/// Gas limit of one instance, for all its calls together: high, since the point is to measure, not to limit.
pub const INSTANCE_GAS_LIMIT: u64 = 1_000_000_000_000_000;
/// Memory limit of one instance (wasmd's default is 32 MiB).
pub const MEMORY_LIMIT_MIB: usize = 32;
/// Set to `1` to skip the VM tests when the artifacts are missing (instead of failing).
pub const SKIP_ENV: &str = "HMM_SKIP_VM";
/// Set to a folder to load the artifacts from there instead of `artifacts/` at the repository root.
pub const ARTIFACTS_ENV: &str = "HMM_ARTIFACTS_DIR";

/// The folder holding the `.wasm` artifacts.
pub fn artifacts_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(ARTIFACTS_ENV) {
        return PathBuf::from(dir);
    }
    // Cargo sets CARGO_MANIFEST_DIR when it runs a test or an example: prefer it to the compile-time value, which
    // is stale when a target folder is shared between checkouts.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.join("../../artifacts")
}

/// The artifact file of a contract crate (`ai-token` -> `ai_token.wasm`).
pub fn artifact_path(dir: &Path, crate_name: &str) -> PathBuf {
    dir.join(format!("{}.wasm", crate_name.replace('-', "_")))
}

/// Whether `HMM_SKIP_VM=1` (or `true`) is set.
pub fn skip_requested() -> bool {
    matches!(
        std::env::var(SKIP_ENV).as_deref().map(str::trim),
        Ok("1") | Ok("true") | Ok("yes")
    )
}

/// Why an artifact could not be used.
#[derive(Debug)]
pub enum LoadError {
    /// The file is not there (the artifacts were not built).
    Missing(PathBuf),
    /// The file is there but unreadable.
    Io(PathBuf, std::io::Error),
    /// The VM refused the code (compilation, validation, capabilities).
    Vm(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Missing(p) => write!(
                f,
                "{} is missing: build the artifacts first (bash scripts/build-wasm.sh), or set {SKIP_ENV}=1 to skip the VM tests",
                p.display()
            ),
            LoadError::Io(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            LoadError::Vm(e) => write!(f, "the VM refused the code: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads a contract's artifact from `dir`.
pub fn read_artifact(dir: &Path, crate_name: &str) -> Result<Vec<u8>, LoadError> {
    let path = artifact_path(dir, crate_name);
    match std::fs::read(&path) {
        Ok(wasm) => Ok(wasm),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(LoadError::Missing(path)),
        Err(e) => Err(LoadError::Io(path, e)),
    }
}

/// Decides what a test does about a load result: `Ok(Some(wasm))` to run; `Ok(None)` (after printing why) to skip,
/// which is allowed only for a missing artifact with `skip` set; `Err` for everything else (a test failure).
pub fn wasm_or_skip(
    result: Result<Vec<u8>, LoadError>,
    skip: bool,
) -> Result<Option<Vec<u8>>, LoadError> {
    match result {
        Ok(wasm) => Ok(Some(wasm)),
        Err(LoadError::Missing(path)) if skip => {
            println!(
                "SKIPPED: {} is missing and {SKIP_ENV}=1 is set; the VM tests did not run",
                path.display()
            );
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The contract returned an error (the message was refused; the chain would revert the transaction).
    Contract(String),
    /// The VM failed: out of gas, a panic/abort in the contract, a bad export, (de)serialisation.
    Vm(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Contract(e) => write!(f, "contract error: {e}"),
            CallError::Vm(e) => write!(f, "VM error: {e}"),
        }
    }
}

impl std::error::Error for CallError {}

impl CallError {
    /// The contract error message, if the contract refused the call.
    pub fn contract_error(&self) -> Option<&str> {
        match self {
            CallError::Contract(e) => Some(e),
            CallError::Vm(_) => None,
        }
    }
}

/// The gas of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasRecord {
    /// The contract crate.
    pub contract: String,
    /// `instantiate`, `execute`, `query` or `migrate`.
    pub entry_point: &'static str,
    /// The message's variant (its top-level JSON key, e.g. `transfer`), or the label given with [`VmContract::label_next`].
    pub message: String,
    /// Whether the call succeeded.
    pub ok: bool,
    /// VM gas of the call, in CosmWasm gas: wasm execution, the VM's host functions (address validation, crypto,
    /// ...) and what the backend reports as used externally.
    pub gas: u64,
    /// The part of `gas` the backend reported as used externally. With the mock backend that is storage access
    /// (1 gas per key byte); on chain the SDK's KV store gas takes its place.
    pub external_gas: u64,
}

impl GasRecord {
    /// The call's VM gas in Cosmos SDK gas, rounded up.
    pub fn sdk_gas(&self) -> u64 {
        self.gas.div_ceil(WASMD_GAS_MULTIPLIER)
    }
}

/// One contract instance in the VM, with its own mock storage, querier and API (bech32 prefix `cosmwasm`).
pub struct VmContract {
    name: String,
    wasm_size: usize,
    instance: Instance<MockApi, MockStorage, MockQuerier>,
    env: Env,
    next_label: Option<String>,
    records: Vec<GasRecord>,
}

impl VmContract {
    /// Loads `artifacts/<crate>.wasm` (see [`artifacts_dir`]). `None`, with a printed reason, when the artifact is
    /// missing and `HMM_SKIP_VM=1`; panics with the reason on any other problem, so use it in tests only.
    pub fn load_or_skip(crate_name: &str) -> Option<Self> {
        let loaded = wasm_or_skip(
            read_artifact(&artifacts_dir(), crate_name),
            skip_requested(),
        )
        .and_then(|wasm| wasm.map(|w| Self::from_wasm(crate_name, &w)).transpose());
        match loaded {
            Ok(contract) => contract,
            Err(e) => panic!("{crate_name}: {e}"),
        }
    }

    /// Loads `artifacts/<crate>.wasm`.
    pub fn load(crate_name: &str) -> Result<Self, LoadError> {
        let wasm = read_artifact(&artifacts_dir(), crate_name)?;
        Self::from_wasm(crate_name, &wasm)
    }

    /// Compiles `wasm` into a fresh instance and checks that it needs no capability the chain lacks.
    pub fn from_wasm(name: &str, wasm: &[u8]) -> Result<Self, LoadError> {
        let backend = Backend {
            api: MockApi::default(),
            storage: MockStorage::default(),
            querier: MockQuerier::new(&[]),
        };
        let options = InstanceOptions {
            gas_limit: INSTANCE_GAS_LIMIT,
        };
        let instance =
            Instance::from_code(wasm, backend, options, Some(Size::mebi(MEMORY_LIMIT_MIB)))
                .map_err(|e| LoadError::Vm(e.to_string()))?;
        let available: HashSet<String> = capabilities_from_csv(CHAIN_CAPABILITIES);
        let mut missing: Vec<String> = instance
            .required_capabilities()
            .difference(&available)
            .cloned()
            .collect();
        if !missing.is_empty() {
            missing.sort();
            return Err(LoadError::Vm(format!(
                "requires capabilities the chain does not offer: {}",
                missing.join(",")
            )));
        }
        Ok(VmContract {
            name: name.to_string(),
            wasm_size: wasm.len(),
            instance,
            env: mock_env(),
            next_label: None,
            records: Vec::new(),
        })
    }

    /// The contract crate's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Size of the loaded wasm, in bytes.
    pub fn wasm_size(&self) -> usize {
        self.wasm_size
    }

    /// A valid address for `label` (bech32, prefix `cosmwasm`), as the contract's `addr_validate` expects.
    pub fn addr(&self, label: &str) -> String {
        self.instance.api().addr_make(label)
    }

    /// The contract's own address.
    pub fn contract_addr(&self) -> String {
        self.env.contract.address.to_string()
    }

    /// The environment the next call sees.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Moves the chain forward: `blocks` blocks and `seconds` seconds.
    pub fn advance(&mut self, blocks: u64, seconds: u64) {
        self.env.block.height += blocks;
        self.env.block.time = self.env.block.time.plus_seconds(seconds);
    }

    /// Names the next call in the gas records (instead of the message's JSON key).
    pub fn label_next(&mut self, label: &str) -> &mut Self {
        self.next_label = Some(label.to_string());
        self
    }

    /// Every call so far.
    pub fn records(&self) -> &[GasRecord] {
        &self.records
    }

    /// VM gas of the last call (0 before any call).
    pub fn gas_used(&self) -> u64 {
        self.records.last().map_or(0, |r| r.gas)
    }

    /// Instantiates the contract.
    pub fn instantiate<M: Serialize>(
        &mut self,
        sender: &str,
        funds: &[Coin],
        msg: &M,
    ) -> Result<Response<Empty>, CallError> {
        let (msg, label) = self.encode(msg)?;
        let (env, info) = (self.env.clone(), info(sender, funds));
        self.metered("instantiate", label, |i| {
            call_instantiate::<_, _, _, Empty>(i, &env, &info, &msg)
        })
    }

    /// Executes a message.
    pub fn execute<M: Serialize>(
        &mut self,
        sender: &str,
        funds: &[Coin],
        msg: &M,
    ) -> Result<Response<Empty>, CallError> {
        let (msg, label) = self.encode(msg)?;
        let (env, info) = (self.env.clone(), info(sender, funds));
        self.metered("execute", label, |i| {
            call_execute::<_, _, _, Empty>(i, &env, &info, &msg)
        })
    }

    /// Migrates the contract to the same code (the VM holds one code per instance).
    pub fn migrate<M: Serialize>(&mut self, msg: &M) -> Result<Response<Empty>, CallError> {
        let (msg, label) = self.encode(msg)?;
        let env = self.env.clone();
        self.metered("migrate", label, |i| {
            call_migrate::<_, _, _, Empty>(i, &env, &msg)
        })
    }

    /// Runs a query and returns the raw JSON answer.
    pub fn query_raw<M: Serialize>(&mut self, msg: &M) -> Result<Vec<u8>, CallError> {
        let (msg, label) = self.encode(msg)?;
        let env = self.env.clone();
        self.metered("query", label, |i| call_query(i, &env, &msg))
            .map(|bin| bin.to_vec())
    }

    /// Runs a query and parses the answer.
    pub fn query<M: Serialize, T: DeserializeOwned>(&mut self, msg: &M) -> Result<T, CallError> {
        let raw = self.query_raw(msg)?;
        serde_json::from_slice(&raw)
            .map_err(|e| CallError::Vm(format!("cannot parse the query answer: {e}")))
    }

    fn encode<M: Serialize>(&mut self, msg: &M) -> Result<(Vec<u8>, String), CallError> {
        let value = serde_json::to_value(msg)
            .map_err(|e| CallError::Vm(format!("cannot serialise the message: {e}")))?;
        let label = match self.next_label.take() {
            Some(label) => label,
            None => match &value {
                serde_json::Value::Object(map) if map.len() == 1 => {
                    map.keys().next().cloned().unwrap_or_default()
                }
                // A struct message (e.g. InstantiateMsg): its type name.
                _ => std::any::type_name::<M>()
                    .rsplit("::")
                    .next()
                    .unwrap_or("message")
                    .to_string(),
            },
        };
        let bytes = serde_json::to_vec(&value)
            .map_err(|e| CallError::Vm(format!("cannot serialise the message: {e}")))?;
        Ok((bytes, label))
    }

    fn metered<T>(
        &mut self,
        entry_point: &'static str,
        message: String,
        call: impl FnOnce(
            &mut Instance<MockApi, MockStorage, MockQuerier>,
        ) -> cosmwasm_vm::VmResult<ContractResult<T>>,
    ) -> Result<T, CallError> {
        let before = self.instance.create_gas_report();
        let result = call(&mut self.instance);
        let after = self.instance.create_gas_report();
        let outcome = match result {
            Ok(ContractResult::Ok(value)) => Ok(value),
            Ok(ContractResult::Err(e)) => Err(CallError::Contract(e)),
            Err(e) => Err(CallError::Vm(e.to_string())),
        };
        self.records.push(GasRecord {
            contract: self.name.clone(),
            entry_point,
            message,
            ok: outcome.is_ok(),
            gas: before.remaining.saturating_sub(after.remaining),
            external_gas: after.used_externally.saturating_sub(before.used_externally),
        });
        outcome
    }
}

fn info(sender: &str, funds: &[Coin]) -> MessageInfo {
    cosmwasm_vm::testing::mock_info(sender, funds)
}

/// A markdown table of gas records: entry point, message, outcome, VM gas, the backend part, SDK gas.
pub fn gas_table(records: &[GasRecord]) -> String {
    let mut out = String::from(
        "| contract | call | message | ok | VM gas | of which backend (mock storage) | VM gas / 140 000 |\n\
         | --- | --- | --- | --- | ---: | ---: | ---: |\n",
    );
    for r in records {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.contract,
            r.entry_point,
            r.message,
            if r.ok { "yes" } else { "refused" },
            r.gas,
            r.external_gas,
            r.sdk_gas()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_names_use_underscores() {
        assert_eq!(
            artifact_path(Path::new("a"), "ai-token"),
            Path::new("a/ai_token.wasm")
        );
    }

    #[test]
    fn missing_artifact_fails_unless_skipping() {
        let dir = std::env::temp_dir().join("hmm-vm-tests-no-artifacts");
        let result = read_artifact(&dir, "ai-token");
        assert!(matches!(result, Err(LoadError::Missing(_))));
        // Skipping is allowed only with the flag.
        assert!(matches!(
            wasm_or_skip(read_artifact(&dir, "ai-token"), true),
            Ok(None)
        ));
        let failed = wasm_or_skip(read_artifact(&dir, "ai-token"), false);
        assert!(matches!(failed, Err(LoadError::Missing(_))));
        // An unreadable artifact is never skipped.
        let io = LoadError::Io(dir.clone(), std::io::Error::other("denied"));
        assert!(wasm_or_skip(Err(io), true).is_err());
    }

    #[test]
    fn garbage_is_refused_by_the_vm() {
        assert!(matches!(
            VmContract::from_wasm("x", b"not wasm"),
            Err(LoadError::Vm(_))
        ));
    }
}
