//! A structured message fuzzer of the protocol's three contracts through cw-multi-test: the real `job-registry`,
//! `poai` and `ai-token` ($AI and a CU class; a third instance is a fake cw20 nobody accepts), with the real
//! `hmm-pool` pricing and selling the CU (`Suite::with_job_registry`). Random but well-typed sequences of every
//! execute message of the registry and of poai and of the cw20 hooks that reach them, from clients, workers,
//! verifiers, strangers and the owner, mixed with the passage of time and with garbage:
//!
//! - clients submit jobs (`SubmitJob` carrying twice the quoted CU cost and more: the rest, the job fee included, is
//!   escrow), cancel them (returning the CU or selling them back), anyone claims timeouts; workers register (the $AI
//!   hook with a first bond, each key type with its proof of possession) and update, bond, offer capacity, heartbeat,
//!   take, start and attest jobs (the enclave signature over the v1 digest of `suite::attest_digest`, with random
//!   outputs, roots, proofs and `used`), unbond, claim, return CU and sell CU into the pool; verifiers register,
//!   dispute, commit and reveal verdicts, unbond and claim; anyone finalizes, distributes emissions, claims rewards,
//!   reports workers, submits experiences the owner scores, and burns tokens; the owner updates poai's parameters
//!   and the registry's limits (within poai's timeline, the job fee rate included; outside it as garbage) and
//!   declares the class again;
//! - 40 % of the steps are what the honest parties' bots would do next, aimed where it can succeed (reveal a due
//!   verdict, commit on a job in its commit window as a committee member, attest, take with an eligible worker,
//!   finalize, time out, report a silent worker); the rest are drawn from weighted generators (`GENERATORS`) that
//!   mostly aim at a job in the right state;
//! - time: a block, an epoch, a commit or reveal window, a heartbeat, a job or an unbonding period, or up to a day;
//! - garbage: zero and huge amounts, unknown job ids, wrong senders (a client taking its own job, strangers calling
//!   owner, registry-only and poai-only hooks, minting or taking the minter role of the tokens), forged `Receive`
//!   (from the fake cw20, or called directly), the wrong token, hooks that are not JSON, malformed specs (deadlines,
//!   commitments, budgets, duplicate and unknown resources), malformed registrations (no proof, a proof for another
//!   worker, bad capabilities and keys, a first bond below the minimum, registering twice) and malformed
//!   attestations (another key, another chain, another poai, the pre-v1 digest, a field changed after signing, a
//!   short signature, bad hex, `used` above the reservation or naming another token, the wrong signer).
//!
//! After every transaction (and after every refusal, which must change nothing of the below):
//! - no panic, and every refusal is a typed error of one of the contracts (`job_registry::ContractError`,
//!   `poai::ContractError`, `hmm_pool::ContractError`, or the token's `ai_token::ContractError`, which wraps
//!   cw20-base's); a message that must be refused (garbage, forged, unauthorised) is;
//! - the registry's $AI balance = `TotalEscrow.ai`, its balance of each CU token = `TotalEscrow.cu` of that token;
//! - poai's $AI balance = what it owes: the sum of every field of its `Totals` query except the two history counters
//!   `minted` and `burned` (today worker and verifier bonds, unbonding claims, experience deposits and the reward
//!   reserve; a holding added to `Totals` later is counted without a change here); poai holds no CU;
//! - the $AI supply = its supply at the start + Σ `mint` − Σ `burn` actions of the $AI token in the transactions'
//!   events (not computed from the economics: job fees, slashes and capped rewards are all burns); poai's
//!   `Totals.minted` grows by exactly the $AI minted (poai is the only minter) and `Totals.burned` by exactly the
//!   $AI burned from poai's own balance;
//! - each CU token's supply = its supply at the start + Σ `mint` − Σ `burn` in the events; and CU supply + what
//!   holders burned themselves = its supply at the start (what the LP and the client held before poai became the
//!   minter) + Σ over every registered worker (the `Workers` query) of its `Obligations` entry's `open` for that
//!   token (minted − used − withdrawn): the CU the registry burns at settlement and those returned to poai are
//!   exactly what the obligations record as used and withdrawn;
//! - every 50 steps and at the end of a run, across the contracts: the registry's jobs' escrow and locked CU add up
//!   to `TotalEscrow` (and `open_jobs`), a closed job holds nothing; every job the registry assigned is known to poai
//!   with the same worker and CU, in the matching state (Assigned/Running ↔ Assigned, Attested/Verified/Disputed ↔
//!   Attested, Settled ↔ Succeeded, Failed ↔ Refuted, Expired ↔ Failed), and no other job is; each worker's
//!   reserved obligation and `active_jobs` equal the CU and count of its live jobs;
//! - a timeout's `JobFailed` report is never refused by poai (the registry would record `poai_job_failed_refused`
//!   and the worker's reservation would stay).
//!
//! Liveness: a job past its current deadline can always be timed out (`ClaimTimeout` must succeed); an attested job
//! whose reveal period ended can always be finalized (while its epoch is within `MAX_CLOSE_PER_CALL` of the next
//! epoch to close); a client can always cancel its open job returning the CU; an address with claimable rewards
//! can always claim them. At the end of every run the fuzzer drains the deployment, each message required to
//! succeed: every attested job is finalized, every other job timed out, every epoch closed, every experience
//! scored, every reward claimed (the reward reserve must then be zero), every verifier unbonds its whole bond,
//! every worker returns its open obligation in CU (gathered from the other holders) and unbonds its whole bond, and
//! every claim is paid: the registry then holds nothing and poai owes nothing.
//!
//! `PROTOCOL_FUZZ_STEPS` (default 2000) steps are split into runs of `PROTOCOL_FUZZ_RUN_STEPS` (default 500), run
//! `r` seeded with `PROTOCOL_FUZZ_SEED + r` (default seed 1), each on a fresh deployment and ended by the drain. A
//! failure prints the seed, the step and the command that replays that run alone (`PROTOCOL_FUZZ_TRACE=1` prints
//! every transaction). Long run: `PROTOCOL_FUZZ_STEPS=1000000 cargo test --release -p poai --test protocol_fuzz --
//! --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use anyhow::Result;
use cosmwasm_std::{from_json, to_json_binary, Addr, Binary, Decimal256, Uint128, WasmMsg};
use cw20::{Cw20Coin, Cw20ExecuteMsg, Cw20ReceiveMsg};
use cw_multi_test::{AppResponse, Executor};
use hmm::job::{
    ExecuteMsg as JobExec, JobResponse, JobSpec, JobState, JobsResponse, Limits,
    QueryMsg as JobQuery, ReceiveMsg as JobReceive, RefundMode, SettlementOutcome,
    TotalEscrowResponse, Verdict as JobVerdict,
};
use hmm::poai::{
    AssignmentState, AttestationResponse, AuditKind, AuditRecord, BondRequirementResponse,
    ClaimsResponse, ConfigUpdate, CuAmount, EligibilityResponse, EnclaveKeySignatures, EnclaveKeys,
    ExecuteMsg, FailureReason, ObligationsResponse, PendingRewardsResponse, QueryMsg, ReceiveMsg,
    ReportCondition, Verdict, VerifierResponse, WorkersResponse,
};
use hmm::pool::{Ask, ReceiveMsg as PoolReceive};
use hmm::router::{BundleItem, QueryMsg as RouterQuery, RouteResponse};
use hmm_testing::poai::*;
use job_registry::execute::MIN_START_WINDOW;
use poai::execute::epoch::MAX_CLOSE_PER_CALL;
use serde::Serialize;

/// The registry's settlement grace here: more than poai's verification span (epoch + commit + reveal = 200 s), short
/// enough that attested jobs also time out within a run.
const GRACE: u64 = 400;
/// The longest settlement grace the owner steps set.
const MAX_GRACE: u64 = 600;
/// The drain's wait for every deadline to pass: the longest job and the longest grace.
const PAST_EVERY_DEADLINE: u64 = MOCK_LIMITS.max_job_duration + MAX_GRACE + 1;

// ---------------------------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------------------------

/// xorshift64*: deterministic per seed, fast.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `[lo, hi]`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo).saturating_add(1))
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize].clone()
    }

    /// Log-uniform in `[lo, hi]` (`lo ≥ 1`): every order of magnitude about equally likely.
    fn log(&mut self, lo: u128, hi: u128) -> u128 {
        let lo = lo.max(1);
        if hi <= lo {
            return lo;
        }
        let (a, b) = ((lo as f64).ln(), (hi as f64).ln());
        let x = a + (b - a) * (self.next() as f64 / u64::MAX as f64);
        (x.exp() as u128).clamp(lo, hi)
    }

    fn bytes32(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        out
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------------------------

enum Action {
    /// One transaction: `who` executes `msg` (JSON) on `contract`; `what` describes it.
    Exec {
        who: Addr,
        contract: Addr,
        msg: Binary,
        what: String,
    },
    /// The chain advances `secs` seconds (and a block per 6 s, at least one).
    Wait(u64),
}

/// What to remember when the step is accepted.
enum After {
    Nothing,
    /// A job was submitted with this input commitment (its id is read from the events).
    Submitted([u8; 32]),
    /// A verifier committed: what it must reveal.
    Committed {
        job: u64,
        verifier: Addr,
        verdict: Verdict,
        salt: Vec<u8>,
    },
    /// The commitment was revealed.
    Revealed {
        job: u64,
        verifier: Addr,
    },
}

struct Step {
    kind: &'static str,
    /// The message must be refused (garbage, forged, unauthorised).
    must_fail: bool,
    /// Liveness: the message must be accepted, for this reason.
    must_succeed: Option<&'static str>,
    /// A transaction run first as its own step (a worker's heartbeat before it takes a job).
    prelude: Option<Box<Step>>,
    action: Action,
    after: After,
}

fn step(kind: &'static str, action: Action) -> Step {
    Step {
        kind,
        must_fail: false,
        must_succeed: None,
        prelude: None,
        action,
        after: After::Nothing,
    }
}

fn garbage(kind: &'static str, action: Action) -> Step {
    Step {
        must_fail: true,
        ..step(kind, action)
    }
}

fn required(kind: &'static str, why: &'static str, action: Action) -> Step {
    required_if(true, kind, why, action)
}

/// A step required to succeed (for the reason `why`) when `due`.
fn required_if(due: bool, kind: &'static str, why: &'static str, action: Action) -> Step {
    Step {
        must_succeed: due.then_some(why),
        ..step(kind, action)
    }
}

/// `who` executes `msg` on `contract`.
fn exec<M: Serialize + Debug>(who: &Addr, contract: &Addr, msg: &M) -> Action {
    Action::Exec {
        who: who.clone(),
        contract: contract.clone(),
        msg: to_json_binary(msg).expect("serializes"),
        what: format!("{msg:?}"),
    }
}

/// `who` sends `amount` of `token` to `to` with the hook `hook` (cw20 `Send`).
fn send<H: Serialize + Debug>(
    who: &Addr,
    token: &Addr,
    to: &Addr,
    amount: u128,
    hook: &H,
) -> Action {
    send_raw(
        who,
        token,
        to,
        amount,
        to_json_binary(hook).expect("serializes"),
        format!("{hook:?}"),
    )
}

fn send_raw(
    who: &Addr,
    token: &Addr,
    to: &Addr,
    amount: u128,
    hook: Binary,
    what: String,
) -> Action {
    let msg = Cw20ExecuteMsg::Send {
        contract: to.to_string(),
        amount: Uint128::new(amount),
        msg: hook,
    };
    Action::Exec {
        who: who.clone(),
        contract: token.clone(),
        msg: to_json_binary(&msg).expect("serializes"),
        what: format!("cw20 {token} Send {amount} to {to}: {what}"),
    }
}

/// A variant path of an error's `Debug`: `Std(ParseErr { .. })` → `Std::ParseErr`, `Unauthorized("x")` →
/// `Unauthorized`.
fn kind_of(debug: &str) -> String {
    let mut parts: Vec<String> = vec![];
    let mut rest = debug;
    while parts.len() < 3 {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            break;
        }
        rest = &rest[name.len()..];
        parts.push(name);
        match rest.strip_prefix('(') {
            Some(r) => rest = r,
            None => break,
        }
    }
    parts.join("::")
}

/// The contract and variant of a refusal, or `None` if no contract's typed error is in it.
fn classify(e: &anyhow::Error) -> Option<String> {
    if let Some(c) = e.downcast_ref::<poai::ContractError>() {
        return Some(format!("poai::{}", kind_of(&format!("{c:?}"))));
    }
    if let Some(c) = e.downcast_ref::<job_registry::ContractError>() {
        return Some(format!("registry::{}", kind_of(&format!("{c:?}"))));
    }
    if let Some(c) = e.downcast_ref::<hmm_pool::ContractError>() {
        return Some(format!("pool::{}", kind_of(&format!("{c:?}"))));
    }
    if let Some(c) = e.downcast_ref::<ai_token::ContractError>() {
        return Some(format!("token::{}", kind_of(&format!("{c:?}"))));
    }
    None
}

/// $AI or CU moved in and out of existence by one transaction, from the token's `mint` and `burn` events.
#[derive(Default, Debug)]
struct Flows {
    minted: u128,
    burned: u128,
    /// Burned from poai's own balance.
    burned_by_poai: u128,
    /// Burned by holders other than poai and the registry (outside the protocol's books).
    burned_elsewhere: u128,
}

fn flows(res: &AppResponse, token: &Addr, poai: &Addr, registry: &Addr) -> Flows {
    let mut f = Flows::default();
    for e in res.events.iter().filter(|e| e.ty == "wasm") {
        let attr = |k: &str| {
            e.attributes
                .iter()
                .find(|a| a.key == k)
                .map(|a| a.value.as_str())
        };
        if attr("_contract_address") != Some(token.as_str()) {
            continue;
        }
        let amount: u128 = attr("amount").and_then(|a| a.parse().ok()).unwrap_or(0);
        match attr("action") {
            Some("mint") => f.minted += amount,
            Some("burn") => {
                f.burned += amount;
                let from = attr("from");
                if from == Some(poai.as_str()) {
                    f.burned_by_poai += amount;
                } else if from != Some(registry.as_str()) {
                    f.burned_elsewhere += amount;
                }
            }
            _ => {}
        }
    }
    f
}

/// The value of attribute `key` in the first event of `contract` that has it.
fn attribute(res: &AppResponse, contract: &Addr, key: &str) -> Option<String> {
    res.events
        .iter()
        .filter(|e| {
            e.attributes
                .iter()
                .any(|a| a.key == "_contract_address" && a.value == contract.as_str())
        })
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    txs: u64,
    accepted: u64,
    accepted_by_kind: BTreeMap<&'static str, u64>,
    refused: BTreeMap<String, u64>,
    /// Liveness-required messages, by kind (all accepted, or the run failed).
    liveness: BTreeMap<&'static str, u64>,
    /// Jobs by the state they closed in (counted by the drains).
    closed_jobs: BTreeMap<String, u64>,
    ai_minted: u128,
    ai_burned: u128,
    cu_minted: u128,
    cu_burned: u128,
    deep_checks: u64,
    /// Timeouts by the state the job timed out in.
    timeouts: BTreeMap<String, u64>,
    /// Worker slashes by the action that slashed.
    slashes: BTreeMap<String, u64>,
    /// Workers that returned their whole obligation and unbonded everything in a drain, and those that could not
    /// gather enough CU (unbonded what the requirement allowed).
    full_exits: u64,
    partial_exits: u64,
    seconds_simulated: u64,
}

// ---------------------------------------------------------------------------------------------------------------
// The fuzzer
// ---------------------------------------------------------------------------------------------------------------

struct Fuzz {
    s: Suite,
    rng: Rng,
    /// Who submits jobs: the suite's client (holds CU and $AI), `anyone` ($AI only) and a worker (its own jobs).
    clients: Vec<Addr>,
    /// Holds nothing and is registered as nothing.
    stranger: Addr,
    /// A cw20 nobody accepts, held by every actor.
    junk: Addr,
    /// Enclave keys the workers register (two of each type).
    keys: Vec<Key>,
    /// Input commitment of every job submitted.
    inputs: BTreeMap<u64, [u8; 32]>,
    /// Unrevealed commitments: (job, verifier) → (verdict, salt).
    commits: BTreeMap<(u64, Addr), (Verdict, Vec<u8>)>,
    /// Experience submissions so far.
    experiences: u64,
    /// The last generator found no job to aim at.
    missed: bool,
    /// Generate only what an honest party would send, where it can succeed (the bots of [`Fuzz::gen_bot`]).
    honest: bool,
    /// (job, verifier) pairs that committed.
    committed: BTreeSet<(u64, Addr)>,
    /// (worker, last heartbeat) silences the watchdog reported.
    reported: BTreeSet<(Addr, u64)>,
    /// Expected supplies: start + minted − burned, from the events.
    ai_supply: u128,
    cu_supply: u128,
    /// CU burned by holders themselves (not through poai or the registry): no obligation backs them.
    cu_burned_elsewhere: u128,
    /// poai's `Totals` after the last step.
    totals: BTreeMap<String, Uint128>,
    names: Vec<(String, String)>,
}

impl Fuzz {
    fn new(seed: u64) -> Fuzz {
        let mut s = Suite::with_job_registry(Limits {
            settlement_grace: GRACE,
            ..MOCK_LIMITS
        });
        let owner = s.owner.clone();
        s.set_params(|p| p.sample_rate = Decimal256::percent(50));
        let stranger = s.app.api().addr_make("stranger");
        let clients = vec![s.client.clone(), s.anyone.clone(), s.workers[2].clone()];
        let mut holders = vec![s.lp.clone(), s.client.clone(), s.anyone.clone()];
        holders.extend(s.workers.iter().cloned());
        holders.extend(s.verifiers.iter().cloned());
        let junk_code = s.app.store_code(token_contract());
        let junk = s
            .app
            .instantiate_contract(
                junk_code,
                owner.clone(),
                &hmm::token::InstantiateMsg {
                    name: "Junk".to_string(),
                    symbol: "JUNK".to_string(),
                    decimals: 6,
                    initial_balances: holders
                        .iter()
                        .map(|h| Cw20Coin {
                            address: h.to_string(),
                            amount: Uint128::new(START_CU),
                        })
                        .collect(),
                    mint: None,
                    marketing: None,
                    resource: None,
                },
                &[],
                "junk",
                None,
            )
            .expect("junk token");
        let keys = vec![
            Key::secp(11),
            Key::secp(12),
            Key::ed(21),
            Key::ed(22),
            Key::p256(31),
            Key::p256(32),
        ];
        let mut names = vec![
            (s.poai.to_string(), "POAI".to_string()),
            (s.registry.to_string(), "REGISTRY".to_string()),
            (s.pool.to_string(), "POOL".to_string()),
            (s.ai.to_string(), "AI".to_string()),
            (s.cu.to_string(), "CU".to_string()),
            (junk.to_string(), "JUNK".to_string()),
            (s.owner.to_string(), "owner".to_string()),
            (s.treasury.to_string(), "treasury".to_string()),
            (s.lp.to_string(), "lp".to_string()),
            (s.client.to_string(), "client".to_string()),
            (s.anyone.to_string(), "anyone".to_string()),
            (stranger.to_string(), "stranger".to_string()),
        ];
        for (i, w) in s.workers.iter().enumerate() {
            names.push((w.to_string(), format!("worker{i}")));
        }
        for (i, v) in s.verifiers.iter().enumerate() {
            names.push((v.to_string(), format!("verifier{i}")));
        }
        let mut f = Fuzz {
            ai_supply: s.supply(&s.ai),
            cu_supply: s.supply(&s.cu),
            cu_burned_elsewhere: 0,
            s,
            rng: Rng::new(seed),
            clients,
            stranger,
            junk,
            keys,
            inputs: BTreeMap::new(),
            commits: BTreeMap::new(),
            experiences: 0,
            missed: false,
            honest: false,
            committed: BTreeSet::new(),
            reported: BTreeSet::new(),
            totals: BTreeMap::new(),
            names,
        };
        f.totals = f.poai_totals().expect("totals");
        f
    }

    fn readable(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (addr, name) in &self.names {
            out = out.replace(addr.as_str(), name);
        }
        out
    }

    fn now(&self) -> u64 {
        self.s.now()
    }

    // ----- queries -----

    fn registry_query<T: serde::de::DeserializeOwned>(&self, msg: &JobQuery) -> Result<T> {
        Ok(self.s.app.wrap().query_wasm_smart(&self.s.registry, msg)?)
    }

    /// poai's `Totals`, every field by name (all are amounts).
    fn poai_totals(&self) -> Result<BTreeMap<String, Uint128>> {
        self.s.q(&QueryMsg::Totals {})
    }

    fn rjob(&self, job_id: u64) -> Option<JobResponse> {
        self.registry_query(&JobQuery::Job { job_id }).ok()
    }

    fn pjob(&self, job_id: u64) -> Option<AttestationResponse> {
        self.s.q(&QueryMsg::Attestation { job_id }).ok()
    }

    /// Every registry job in one of `states` (all jobs if `states` is empty).
    fn rjobs(&self, states: &[JobState]) -> Vec<JobResponse> {
        let mut out = vec![];
        let pages: Vec<Option<JobState>> = if states.is_empty() {
            vec![None]
        } else {
            states.iter().copied().map(Some).collect()
        };
        for state in pages {
            let mut after = None;
            loop {
                let msg = match state {
                    Some(state) => JobQuery::JobsByState {
                        state,
                        start_after: after,
                        limit: Some(30),
                    },
                    None => JobQuery::Jobs {
                        start_after: after,
                        limit: Some(30),
                    },
                };
                let page: JobsResponse = self.registry_query(&msg).expect("jobs");
                let n = page.jobs.len();
                after = page.jobs.last().map(|j| j.job_id);
                out.extend(page.jobs);
                if n < 30 {
                    break;
                }
            }
        }
        out
    }

    /// Every registered worker (paged).
    fn registered(&self) -> Vec<Addr> {
        let mut out = vec![];
        let mut after: Option<String> = None;
        loop {
            let page: WorkersResponse = self
                .s
                .q(&QueryMsg::Workers {
                    start_after: after.clone(),
                    limit: Some(30),
                })
                .expect("workers");
            let n = page.workers.len();
            out.extend(page.workers.into_iter().map(|w| w.address));
            after = out.last().map(|a| a.to_string());
            if n < 30 {
                return out;
            }
        }
    }

    fn obligations(&self, worker: &Addr) -> Vec<hmm::poai::Obligation> {
        self.s
            .q::<ObligationsResponse>(&QueryMsg::Obligations {
                worker: worker.to_string(),
            })
            .map(|r| r.obligations)
            .unwrap_or_default()
    }

    /// The class's open obligation of `worker`.
    fn open_cu(&self, worker: &Addr) -> u128 {
        self.obligations(worker)
            .iter()
            .filter(|o| o.cu_token == self.s.cu)
            .map(|o| o.open.u128())
            .sum()
    }

    fn worker_info(&self, w: &Addr) -> Option<hmm::poai::WorkerResponse> {
        let msg = QueryMsg::Worker {
            worker: w.to_string(),
        };
        self.s.q(&msg).ok()
    }

    fn worker_bond(&self, w: &Addr) -> Option<u128> {
        self.worker_info(w).map(|r| r.bond.u128())
    }

    /// An amount from a poai query's answer (0 when it fails, e.g. for an address poai does not know).
    fn poai_amount<T: serde::de::DeserializeOwned>(
        &self,
        msg: QueryMsg,
        f: impl FnOnce(T) -> u128,
    ) -> u128 {
        self.s.q(&msg).map(f).unwrap_or(0)
    }

    fn verifier_bond(&self, v: &Addr) -> u128 {
        let msg = QueryMsg::Verifier {
            verifier: v.to_string(),
        };
        self.poai_amount(msg, |r: VerifierResponse| r.bond.u128())
    }

    fn claimable(&self, who: &Addr) -> u128 {
        let msg = QueryMsg::PendingRewards {
            address: who.to_string(),
        };
        self.poai_amount(msg, |r: PendingRewardsResponse| r.claimable.u128())
    }

    fn matured_claims(&self, who: &Addr) -> u128 {
        let now = self.now();
        let msg = QueryMsg::Claims {
            address: who.to_string(),
        };
        self.poai_amount(msg, |r: ClaimsResponse| {
            r.claims
                .iter()
                .filter(|c| c.release_at <= now)
                .map(|c| c.amount.u128())
                .sum()
        })
    }

    /// The key of ours that `worker` has registered, if any.
    fn key_of(&self, worker: &Addr) -> Option<&Key> {
        let w = self.worker_info(worker)?;
        let k = &w.enclave_keys;
        let registered = [&k.secp256k1, &k.ed25519, &k.secp256r1];
        self.keys
            .iter()
            .find(|key| registered.iter().any(|r| r.as_ref() == Some(&key.public())))
    }

    /// What the router's plan charges for `amount` CU now (`None`: it cannot fill them).
    fn quote(&self, amount: u128) -> Option<u128> {
        let r: RouteResponse = self
            .s
            .app
            .wrap()
            .query_wasm_smart(
                &self.s.router,
                &RouterQuery::Route {
                    trader: None,
                    items: vec![self.item(amount)],
                    sla: sla(),
                },
            )
            .ok()?;
        Some(r.total_cost.u128())
    }

    fn item(&self, amount: u128) -> BundleItem {
        BundleItem {
            cu_token: self.s.cu.to_string(),
            amount: Uint128::new(amount),
            pools: vec![],
        }
    }

    fn pool_cu_reserve(&self) -> u128 {
        self.s.balance(&self.s.cu, &self.s.pool)
    }

    fn limits(&self) -> Limits {
        self.registry_query::<hmm::job::ConfigResponse>(&JobQuery::Config {})
            .expect("registry config")
            .limits
    }

    fn params(&self) -> hmm::poai::Params {
        self.s.config().params
    }

    // ----- picking -----

    fn worker(&mut self) -> Addr {
        let w = self.s.workers.clone();
        self.rng.pick(&w)
    }

    fn verifier(&mut self) -> Addr {
        let v = self.s.verifiers.clone();
        self.rng.pick(&v)
    }

    /// Anyone at all (including the owner and the stranger).
    fn anybody(&mut self) -> Addr {
        let mut all = vec![
            self.s.owner.clone(),
            self.s.client.clone(),
            self.s.anyone.clone(),
            self.stranger.clone(),
        ];
        all.extend(self.s.workers.iter().cloned());
        all.extend(self.s.verifiers.iter().cloned());
        self.rng.pick(&all)
    }

    /// A job id nobody has: 0, just past the last one, or huge.
    fn unknown_job(&mut self) -> u64 {
        let last = self.inputs.keys().next_back().copied().unwrap_or(0);
        match self.rng.below(3) {
            0 => 0,
            1 => last + 1 + self.rng.below(3),
            _ => u64::MAX - self.rng.below(2),
        }
    }

    /// A registry job in one of `states`, mostly one that `prefer` accepts (where the message can succeed);
    /// `None` 10 % of the time (the caller aims at no job) or when there is none. When none is preferred, `missed`
    /// is set and the step is mostly replaced by another.
    fn job_in(
        &mut self,
        states: &[JobState],
        prefer: impl Fn(&Fuzz, &JobResponse) -> bool,
    ) -> Option<JobResponse> {
        if self.garbage(10) {
            return None;
        }
        let jobs = self.rjobs(states);
        let preferred: Vec<JobResponse> =
            jobs.iter().filter(|j| prefer(self, j)).cloned().collect();
        self.missed = preferred.is_empty();
        if !preferred.is_empty() && (self.honest || self.rng.chance(85)) {
            Some(self.rng.pick(&preferred))
        } else if jobs.is_empty() {
            None
        } else {
            Some(self.rng.pick(&jobs))
        }
    }

    /// Whether to send garbage (`percent` % of the time; never in honest mode).
    fn garbage(&mut self, percent: u64) -> bool {
        !self.honest && self.rng.chance(percent)
    }

    /// poai's attestation of a job, if it has one.
    fn attestation(&self, job_id: u64) -> Option<hmm::poai::AttestationInfo> {
        self.pjob(job_id).and_then(|j| j.attestation)
    }

    // ----- generators -----

    fn gen(&mut self) -> Step {
        if self.rng.chance(40) {
            if let Some(st) = self.gen_bot() {
                return st;
            }
        }
        self.missed = false;
        let st = self.gen_any();
        if self.missed && self.rng.chance(75) {
            // Nothing to aim at: keep the protocol moving instead.
            return if self.rng.chance(30) {
                self.gen_submit()
            } else {
                self.gen_upkeep()
            };
        }
        st
    }

    fn gen_any(&mut self) -> Step {
        let total: u64 = GENERATORS.iter().map(|(w, _)| w).sum();
        let mut x = self.rng.below(total);
        for (weight, gen) in GENERATORS {
            if x < weight {
                return gen(self);
            }
            x -= weight;
        }
        unreachable!("x < total")
    }

    fn gen_distribute(&mut self) -> Step {
        let who = self.anybody();
        let msg = ExecuteMsg::DistributeEmissions {};
        step("distribute", exec(&who, &self.s.poai, &msg))
    }

    /// The next thing the honest parties' bots would do, in a random order of concerns: reveal a due verdict,
    /// commit on an attestation in its commit window, attest an assigned job, take an open job, finalize a job whose
    /// reveal period ended, time out a job past its deadline (`None`: nothing to do).
    fn gen_bot(&mut self) -> Option<Step> {
        // Verdicts first (their windows are the shortest), then the rest in a random order.
        let mut order: Vec<u64> = (0..7).collect();
        for (lo, hi) in [(0, 2), (2, 7)] {
            for i in (lo + 1..hi).rev() {
                let j = lo + self.rng.below((i - lo) as u64 + 1) as usize;
                order.swap(i, j);
            }
        }
        self.honest = true;
        let mut found = None;
        for concern in order {
            self.missed = false;
            let st = match concern {
                0 => self.gen_reveal(),
                1 => self.gen_commit(),
                2 => self.gen_attest(),
                3 => self.gen_take(),
                4 => self.gen_finalize(),
                5 => self.gen_timeout(),
                _ => self.gen_report(),
            };
            if !self.missed {
                found = Some(st);
                break;
            }
        }
        self.honest = false;
        found
    }

    /// What an honest worker's bot does next: register, keep its bond above twice its requirement, keep some free
    /// obligation on offer, send a heartbeat.
    fn gen_upkeep(&mut self) -> Step {
        let poai = self.s.poai.clone();
        if self.rng.chance(40) {
            // A verifier keeps its bond at the minimum.
            let v = self.verifier();
            let (bond, min) = (
                self.verifier_bond(&v),
                self.params().verifier_min_bond.u128(),
            );
            if bond < min {
                let hook = ReceiveMsg::RegisterVerifier {};
                return step(
                    "register verifier",
                    send(&v, &self.s.ai, &poai, min - bond + UNIT, &hook),
                );
            }
        }
        let w = self.worker();
        if self.worker_bond(&w).is_none() {
            let honest = std::mem::replace(&mut self.honest, true);
            let st = self.register_step(w);
            self.honest = honest;
            return st;
        }
        let req: BondRequirementResponse = self
            .s
            .q(&QueryMsg::BondRequirement {
                worker: w.to_string(),
            })
            .expect("bond requirement");
        let (bond, required) = (req.bond.u128(), req.required.u128());
        if bond < 2 * required + 500 * UNIT {
            let amount = (2 * required + 1_000 * UNIT - bond).min(50_000 * UNIT);
            return step(
                "bond",
                send(&w, &self.s.ai, &poai, amount, &ReceiveMsg::Bond {}),
            );
        }
        let free: u128 = self.obligations(&w).iter().map(|o| o.free.u128()).sum();
        if free < 100 * UNIT {
            let raw = self.rng.log(100 * UNIT, 400 * UNIT);
            let msg = ExecuteMsg::OfferCapacity {
                cu_token: self.s.cu.to_string(),
                raw_amount: Uint128::new(raw),
            };
            return step("offer", exec(&w, &poai, &msg));
        }
        step("heartbeat", exec(&w, &poai, &ExecuteMsg::Heartbeat {}))
    }

    fn gen_wait(&mut self) -> Step {
        let secs = match self.rng.below(1_000) {
            0..=599 => self.rng.range(1, 12),
            600..=849 => self.rng.range(13, 120),
            850..=959 => self.rng.range(121, 700),
            960..=997 => self.rng.range(701, 2_500),
            _ => self.rng.log(2_501, 86_400) as u64,
        };
        step("wait", Action::Wait(secs))
    }

    fn spec(&mut self, amount: u128) -> (JobSpec, [u8; 32]) {
        let now = self.now();
        let start_by = now + MIN_START_WINDOW + self.rng.range(5, 400);
        let finish_by =
            (start_by + self.rng.range(10, 1_000)).min(now + self.limits().max_job_duration);
        let input = self.rng.bytes32();
        let spec = JobSpec {
            resources: vec![self.item(amount)],
            sla: sla(),
            max_spend: Uint128::new(1),
            start_by,
            finish_by,
            input_commitment: hex(&input),
        };
        (spec, input)
    }

    fn gen_submit(&mut self) -> Step {
        let client = self.rng.pick(&self.clients);
        let amount = self.rng.log(UNIT / 10, 40 * UNIT);
        let (mut spec, input) = self.spec(amount);
        let cost = self.quote(amount).unwrap_or(UNIT);
        // Generous: the escrow (and any job fee) is what is sent beyond the CU cost.
        let mut sent = 2 * cost + 10 * UNIT;
        spec.max_spend = Uint128::new(sent);
        let (ai, registry) = (self.s.ai.clone(), self.s.registry.clone());
        if self.rng.chance(80) {
            let mut st = step(
                "submit",
                send(
                    &client,
                    &ai,
                    &registry,
                    sent,
                    &JobReceive::SubmitJob { spec },
                ),
            );
            st.after = After::Submitted(input);
            return st;
        }
        let mut token = ai.clone();
        let mut who = client;
        match self.rng.below(13) {
            0 => spec.start_by = self.now() + self.rng.range(0, MIN_START_WINDOW - 1),
            1 => spec.finish_by = spec.start_by,
            2 => spec.finish_by = self.now() + self.limits().max_job_duration + 1,
            3 => spec.input_commitment = "not a commitment".to_string(),
            4 => spec.resources[0].amount = Uint128::zero(),
            5 => spec.resources.clear(),
            6 => spec.resources[0].cu_token = self.junk.to_string(),
            7 => spec.resources.push(spec.resources[0].clone()),
            8 => spec.max_spend = Uint128::new(cost / 2),
            9 => sent = cost / 2,
            10 => sent = 0,
            11 => who = self.stranger.clone(),
            _ => token = self.s.cu.clone(),
        }
        garbage(
            "submit (garbage)",
            send(
                &who,
                &token,
                &registry,
                sent,
                &JobReceive::SubmitJob { spec },
            ),
        )
    }

    fn gen_take(&mut self) -> Step {
        let registry = self.s.registry.clone();
        let Some(job) = self.job_in(&[JobState::Open], |f, j| {
            j.start_by >= f.now() + MIN_START_WINDOW
        }) else {
            let who = self.worker();
            let job_id = self.unknown_job();
            return garbage(
                "take (unknown)",
                exec(&who, &registry, &JobExec::TakeJob { job_id }),
            );
        };
        let take = |who: &Addr| exec(who, &registry, &JobExec::TakeJob { job_id: job.job_id });
        match if self.honest { 9 } else { self.rng.below(10) } {
            0 => garbage("take (own job)", take(&job.client)),
            1 => {
                let who = self
                    .rng
                    .pick(&[self.stranger.clone(), self.s.verifiers[0].clone()]);
                garbage("take (not a worker)", take(&who))
            }
            _ => {
                // An eligible worker if there is one (as a worker's bot would check first; its heartbeat, sent
                // first, makes a stale one eligible).
                let cu = job.cu.clone();
                let eligible: Vec<Addr> = self
                    .s
                    .workers
                    .iter()
                    .filter(|w| **w != job.client)
                    .filter(|w| {
                        self.s
                            .q::<EligibilityResponse>(&QueryMsg::Eligibility {
                                worker: w.to_string(),
                                cu: cu.clone(),
                                sla: sla(),
                            })
                            .is_ok_and(|e| {
                                e.eligible || e.reason.is_some_and(|r| r.contains("heartbeat"))
                            })
                    })
                    .cloned()
                    .collect();
                self.missed |= self.honest && eligible.is_empty();
                let who = if !eligible.is_empty() && (self.honest || self.rng.chance(80)) {
                    self.rng.pick(&eligible)
                } else {
                    self.worker()
                };
                let mut st = step("take", take(&who));
                if self.honest || self.rng.chance(70) {
                    st.prelude = Some(Box::new(step(
                        "heartbeat",
                        exec(&who, &self.s.poai, &ExecuteMsg::Heartbeat {}),
                    )));
                }
                st
            }
        }
    }

    fn gen_start(&mut self) -> Step {
        let registry = self.s.registry.clone();
        let Some(job) = self.job_in(&[JobState::Assigned], |f, j| j.start_by >= f.now()) else {
            let who = self.worker();
            let job_id = self.unknown_job();
            return garbage(
                "start (unknown)",
                exec(&who, &registry, &JobExec::StartJob { job_id }),
            );
        };
        let worker = job.worker.clone().expect("assigned");
        let msg = JobExec::StartJob { job_id: job.job_id };
        if self.rng.chance(15) {
            let who = self.rng.pick(&[job.client.clone(), self.stranger.clone()]);
            return garbage("start (not its worker)", exec(&who, &registry, &msg));
        }
        step("start", exec(&worker, &registry, &msg))
    }

    fn random_used(&mut self, reserved: u128) -> Option<Vec<CuAmount>> {
        let cu = self.s.cu.to_string();
        match self.rng.below(10) {
            0..=3 => None,
            4 => Some(vec![]),
            _ => Some(vec![CuAmount {
                token: cu,
                amount: Uint128::new(self.rng.range(0, reserved as u64) as u128),
            }]),
        }
    }

    fn gen_attest(&mut self) -> Step {
        let poai = self.s.poai.clone();
        let Some(job) = self.job_in(&[JobState::Assigned, JobState::Running], |f, j| {
            j.finish_by >= f.now()
        }) else {
            let who = self.worker();
            let job_id = self.unknown_job();
            let mut signed = self.s.signed(job_id, None);
            signed.worker = who.to_string();
            let msg = self.s.attest_signed(&signed, &self.keys[0]);
            return garbage("attest (unknown)", exec(&who, &poai, &msg));
        };
        let worker = job.worker.clone().expect("assigned");
        let reserved = job.cu.first().map(|c| c.amount.u128()).unwrap_or(0);
        let signed = Signed {
            job_id: job.job_id,
            worker: worker.to_string(),
            input: self.inputs.get(&job.job_id).copied().unwrap_or_default(),
            output: self.rng.bytes32(),
            io_root: self.rng.bytes32(),
            tee: self.rng.bytes32(),
            proof: self.rng.chance(50).then(|| self.rng.bytes32()),
            used: self.random_used(reserved),
        };
        let own = self.key_of(&worker).map(|k| k.public());
        let key_index = self
            .keys
            .iter()
            .position(|k| Some(k.public()) == own)
            .unwrap_or(0);
        if !self.garbage(25) {
            let msg = self.s.attest_signed(&signed, &self.keys[key_index]);
            return step("attest", exec(&worker, &poai, &msg));
        }
        let key = &self.keys[key_index];
        let chain = self.s.chain_id();
        let (who, msg) = match self.rng.below(11) {
            0 => {
                let other = (key_index + 1 + self.rng.below(5) as usize) % self.keys.len();
                (
                    worker.clone(),
                    self.s.attest_signed(&signed, &self.keys[other]),
                )
            }
            1 => {
                let mut msg = self.s.attest_signed(&signed, key);
                if let ExecuteMsg::Attest {
                    output_commitment, ..
                } = &mut msg
                {
                    *output_commitment = hex(&self.rng.bytes32());
                }
                (worker.clone(), msg)
            }
            2 => {
                let sig = key.sign(&attest_digest("another-chain", poai.as_str(), &signed));
                (worker.clone(), Suite::attest_with(&signed, sig))
            }
            3 => {
                let sig = key.sign(&attest_digest(&chain, self.s.registry.as_str(), &signed));
                (worker.clone(), Suite::attest_with(&signed, sig))
            }
            4 => {
                let sig = key.sign(&old_digest(signed.job_id, &signed.input, &signed.output));
                (worker.clone(), Suite::attest_with(&signed, sig))
            }
            5 => {
                let mut wrong = signed.clone();
                wrong.input = self.rng.bytes32();
                (worker.clone(), self.s.attest_signed(&wrong, key))
            }
            6 => {
                let mut msg = self.s.attest_signed(&signed, key);
                if let ExecuteMsg::Attest { signature, .. } = &mut msg {
                    *signature = Binary::from(signature.as_slice()[..63].to_vec());
                }
                (worker.clone(), msg)
            }
            7 => {
                let mut msg = self.s.attest_signed(&signed, key);
                if let ExecuteMsg::Attest { io_merkle_root, .. } = &mut msg {
                    *io_merkle_root = "zz".repeat(32);
                }
                (worker.clone(), msg)
            }
            8 => {
                let mut wrong = signed.clone();
                wrong.used = Some(vec![CuAmount {
                    token: if self.rng.chance(50) {
                        self.junk.to_string()
                    } else {
                        self.s.cu.to_string()
                    },
                    amount: Uint128::new(reserved + 1),
                }]);
                (worker.clone(), self.s.attest_signed(&wrong, key))
            }
            9 => {
                let mut wrong = signed.clone();
                wrong.worker = self.s.workers[0].to_string();
                if wrong.worker == signed.worker {
                    wrong.worker = self.s.workers[1].to_string();
                }
                (worker.clone(), self.s.attest_signed(&wrong, key))
            }
            _ => {
                let who = self.rng.pick(&[job.client.clone(), self.stranger.clone()]);
                (who, self.s.attest_signed(&signed, key))
            }
        };
        garbage("attest (malformed)", exec(&who, &poai, &msg))
    }

    /// A job the registry holds as attested, mostly one whose poai attestation `prefer` accepts.
    fn attested_job(
        &mut self,
        prefer: impl Fn(u64, &hmm::poai::AttestationInfo) -> bool,
    ) -> Option<JobResponse> {
        let now = self.now();
        self.job_in(
            &[JobState::Attested, JobState::Verified, JobState::Disputed],
            |f, j| f.attestation(j.job_id).is_some_and(|a| prefer(now, &a)),
        )
    }

    /// A verifier, now and then the job's worker or the stranger; in honest mode a bonded verifier that has not
    /// committed on the job and, to `commit`, may (`missed` if there is none).
    fn judge(&mut self, job: &JobResponse, commit: bool) -> Addr {
        if self.honest {
            let min = self.params().verifier_min_bond.u128();
            let ready: Vec<Addr> = self
                .s
                .verifiers
                .iter()
                .filter(|v| !self.committed.contains(&(job.job_id, (*v).clone())))
                .filter(|v| self.verifier_bond(v) >= min)
                .filter(|v| !commit || self.may_commit(job.job_id, v))
                .cloned()
                .collect();
            if ready.is_empty() {
                self.missed = true;
                return self.verifier();
            }
            return self.rng.pick(&ready);
        }
        match self.rng.below(20) {
            0 => job.worker.clone().unwrap_or_else(|| self.stranger.clone()),
            1 => self.stranger.clone(),
            _ => self.verifier(),
        }
    }

    /// Whether `v` may commit on the attested job `job_id` as far as the fuzzer can tell (an honest verifier's bot
    /// checks the same before it spends a transaction): once the attestation's epoch is closed, the job must be
    /// sampled or disputed and `v` on its committee (poai's own `is_sampled` and `on_committee`, at the sample rate
    /// of the parameters now); before, its seed is unknown and it may try.
    fn may_commit(&self, job_id: u64, v: &Addr) -> bool {
        let Some(a) = self.attestation(job_id) else {
            return false;
        };
        let epoch: Option<hmm::poai::EpochResponse> = self
            .s
            .q(&QueryMsg::Epoch {
                epoch: Some(a.epoch),
            })
            .ok();
        let Some(seed) = epoch.and_then(|e| e.seed) else {
            return true;
        };
        let params = self.params();
        let total = self
            .totals
            .get("verifier_bonds")
            .copied()
            .unwrap_or_default();
        let bond = Uint128::new(self.verifier_bond(v));
        (a.disputed_by.is_some() || poai::helpers::is_sampled(&seed, job_id, params.sample_rate))
            && poai::helpers::on_committee(
                &seed,
                job_id,
                v,
                bond,
                total,
                params.max_verifiers_per_job,
            )
    }

    fn gen_commit(&mut self) -> Step {
        let poai = self.s.poai.clone();
        let Some(job) =
            self.attested_job(|now, a| a.commit_end - COMMIT <= now && now < a.commit_end)
        else {
            let who = self.verifier();
            let job_id = self.unknown_job();
            let commitment = hex(&self.rng.bytes32());
            return garbage(
                "commit (unknown)",
                exec(
                    &who,
                    &poai,
                    &ExecuteMsg::CommitVerdict { job_id, commitment },
                ),
            );
        };
        let who = self.judge(&job, true);
        let verdict = if self.rng.chance(70) {
            Verdict::Valid
        } else {
            Verdict::Invalid
        };
        let len = self.rng.range(16, 64) as usize;
        let salt = self.rng.bytes(len);
        let mut commitment = self.s.commitment(job.job_id, verdict, &salt, &who);
        let malformed = self.garbage(5);
        if malformed {
            commitment = "0x".to_string() + &commitment[2..];
        }
        let mut st = step(
            "commit",
            exec(
                &who,
                &poai,
                &ExecuteMsg::CommitVerdict {
                    job_id: job.job_id,
                    commitment,
                },
            ),
        );
        st.must_fail = malformed;
        st.after = After::Committed {
            job: job.job_id,
            verifier: who,
            verdict,
            salt,
        };
        st
    }

    fn gen_reveal(&mut self) -> Step {
        let poai = self.s.poai.clone();
        // Forget commitments whose job poai no longer verifies.
        let stale: Vec<(u64, Addr)> = self
            .commits
            .keys()
            .filter(|(job, _)| {
                self.pjob(*job)
                    .is_none_or(|j| j.state != AssignmentState::Attested)
            })
            .cloned()
            .collect();
        for k in stale {
            self.commits.remove(&k);
        }
        let now = self.now();
        let all: Vec<(u64, Addr)> = self.commits.keys().cloned().collect();
        let due: Vec<(u64, Addr)> = all
            .iter()
            .filter(|(job, _)| {
                self.attestation(*job)
                    .is_some_and(|a| a.commit_end <= now && now < a.reveal_end)
            })
            .cloned()
            .collect();
        self.missed = due.is_empty();
        let open = if !due.is_empty() && (self.honest || self.rng.chance(85)) {
            due
        } else {
            all
        };
        if open.is_empty() || self.garbage(5) {
            let who = self.verifier();
            let job_id = self.unknown_job();
            return garbage(
                "reveal (no commitment)",
                exec(
                    &who,
                    &poai,
                    &ExecuteMsg::RevealVerdict {
                        job_id,
                        verdict: Verdict::Valid,
                        salt: Binary::from(vec![7u8; 32]),
                        audit: None,
                    },
                ),
            );
        }
        let (job_id, verifier) = self.rng.pick(&open);
        let (mut verdict, mut salt) = self.commits[&(job_id, verifier.clone())].clone();
        let mut wrong = false;
        let mut bad_evidence = false;
        let mut evidence = hex(&self.rng.bytes32());
        match if self.honest { 19 } else { self.rng.below(20) } {
            0 => {
                verdict = match verdict {
                    Verdict::Valid => Verdict::Invalid,
                    Verdict::Invalid => Verdict::Valid,
                };
                wrong = true;
            }
            1 => {
                salt[0] ^= 1;
                wrong = true;
            }
            2 => {
                salt.truncate(8);
                wrong = true;
            }
            3 => {
                evidence = "not hex".to_string();
                bad_evidence = true;
            }
            _ => {}
        }
        let audit = self.rng.chance(60).then(|| AuditRecord {
            kind: self.rng.pick(&[
                AuditKind::TeeReport,
                AuditKind::ZkProof,
                AuditKind::CanaryPrompt,
                AuditKind::SeedReplay,
            ]),
            evidence_hash: evidence,
        });
        let wrong = wrong || (bad_evidence && audit.is_some());
        let mut st = step(
            "reveal",
            exec(
                &verifier,
                &poai,
                &ExecuteMsg::RevealVerdict {
                    job_id,
                    verdict,
                    salt: Binary::from(salt),
                    audit,
                },
            ),
        );
        st.must_fail = wrong;
        if !wrong {
            st.after = After::Revealed {
                job: job_id,
                verifier,
            };
        }
        st
    }

    fn gen_dispute(&mut self) -> Step {
        let poai = self.s.poai.clone();
        let (job_id, who) = match self.attested_job(|now, a| now < a.commit_end) {
            Some(job) => (job.job_id, self.judge(&job, false)),
            None => (self.unknown_job(), self.verifier()),
        };
        let malformed = self.rng.chance(5);
        let evidence_hash = if malformed {
            "evidence".to_string()
        } else {
            hex(&self.rng.bytes32())
        };
        let mut st = step(
            "dispute",
            exec(
                &who,
                &poai,
                &ExecuteMsg::Dispute {
                    job_id,
                    evidence_hash,
                },
            ),
        );
        st.must_fail = malformed;
        st
    }

    /// `Finalize` of `job_id`, required to succeed when poai holds it attested, its reveal period is over, the
    /// registry has not closed it, and its epoch is within reach of one call's epoch closing.
    fn finalize_step(&self, job_id: u64, who: &Addr) -> Step {
        let action = exec(who, &self.s.poai, &ExecuteMsg::Finalize { job_id });
        let due = self.pjob(job_id).is_some_and(|j| {
            let next = self.s.config().next_epoch_to_close;
            j.state == AssignmentState::Attested
                && j.attestation.as_ref().is_some_and(|a| {
                    self.now() >= a.reveal_end && a.epoch < next + MAX_CLOSE_PER_CALL
                })
                && self.rjob(job_id).is_some_and(|r| !r.state.is_final())
        });
        let why = "an attested job whose reveal period ended must finalize";
        required_if(due, "finalize", why, action)
    }

    /// The job's id; without one, any job's or one nobody has.
    fn id_or_any(&mut self, job: Option<JobResponse>) -> u64 {
        match job {
            Some(job) => job.job_id,
            None if self.honest => 0,
            None if self.rng.chance(50) && !self.inputs.is_empty() => {
                let ids: Vec<u64> = self.inputs.keys().copied().collect();
                self.rng.pick(&ids)
            }
            None => self.unknown_job(),
        }
    }

    fn gen_finalize(&mut self) -> Step {
        let who = self.anybody();
        let job = self.attested_job(|now, a| now >= a.reveal_end);
        let job_id = self.id_or_any(job);
        self.finalize_step(job_id, &who)
    }

    /// `ClaimTimeout` of `job_id`, required to succeed when the registry holds it open past its deadline.
    fn timeout_step(&self, job_id: u64, who: &Addr) -> Step {
        let action = exec(who, &self.s.registry, &JobExec::ClaimTimeout { job_id });
        let now = self.now();
        let due = self
            .rjob(job_id)
            .is_some_and(|j| j.timeout_at.is_some_and(|t| now > t));
        required_if(
            due,
            "timeout",
            "a job past its deadline must time out",
            action,
        )
    }

    fn gen_timeout(&mut self) -> Step {
        let who = self.anybody();
        // `timeout_at` is `None` once a job is closed.
        let job = self.job_in(&[], |f, j| j.timeout_at.is_some_and(|t| f.now() > t));
        let job_id = self.id_or_any(job);
        self.timeout_step(job_id, &who)
    }

    fn gen_cancel(&mut self) -> Step {
        let registry = self.s.registry.clone();
        let Some(job) = self.job_in(&[JobState::Open], |_, _| true) else {
            let who = self.rng.pick(&self.clients.clone());
            let job_id = self.unknown_job();
            return garbage(
                "cancel (unknown)",
                exec(
                    &who,
                    &registry,
                    &JobExec::CancelJob {
                        job_id,
                        refund: RefundMode::ReturnCu,
                    },
                ),
            );
        };
        let job_id = job.job_id;
        match self.rng.below(10) {
            0 => {
                let mut who = self.worker();
                if who == job.client || self.rng.chance(50) {
                    who = self.stranger.clone();
                }
                garbage(
                    "cancel (not its client)",
                    exec(
                        &who,
                        &registry,
                        &JobExec::CancelJob {
                            job_id,
                            refund: RefundMode::ReturnCu,
                        },
                    ),
                )
            }
            1..=3 => {
                let min_out = match self.rng.below(4) {
                    0 => vec![],
                    1 => vec![Uint128::new(self.rng.log(1, 100 * UNIT))],
                    2 => vec![Uint128::one(); 2],
                    _ => vec![Uint128::one()],
                };
                let wrong = min_out.len() == 2;
                let mut st = step(
                    "cancel (sell back)",
                    exec(
                        &job.client,
                        &registry,
                        &JobExec::CancelJob {
                            job_id,
                            refund: RefundMode::SellToPool { min_out },
                        },
                    ),
                );
                st.must_fail = wrong;
                st
            }
            _ => required(
                "cancel",
                "a client can cancel its open job",
                exec(
                    &job.client,
                    &registry,
                    &JobExec::CancelJob {
                        job_id,
                        refund: RefundMode::ReturnCu,
                    },
                ),
            ),
        }
    }

    /// A worker registers (the $AI hook `Register` with its first bond) or, once registered, updates its
    /// capabilities and keys (`ExecuteMsg::Register`), with one of the keys; 30 % garbage.
    fn gen_register(&mut self) -> Step {
        let worker = self.worker();
        self.register_step(worker)
    }

    fn register_step(&mut self, worker: Addr) -> Step {
        let (poai, ai) = (self.s.poai.clone(), self.s.ai.clone());
        let mut update = self.worker_bond(&worker).is_some();
        let k = self.rng.below(self.keys.len() as u64) as usize;
        let mut capabilities = caps();
        let mut enclave_keys = self.keys[k].keys();
        let mut possession = self.keys[k].possession(&self.s.chain_id(), &poai, &worker);
        let min = self.params().worker_min_bond.u128();
        let mut bond = self.rng.log(min, 10 * min);
        let (mut who, mut token) = (worker.clone(), ai.clone());
        let bad = self.garbage(30);
        if !bad {
            if self.rng.chance(15) {
                capabilities.region = "us-east".to_string();
            }
            capabilities.gpu_count = self.rng.range(1, 8) as u32;
        } else {
            match self.rng.below(9) {
                0 => possession = EnclaveKeySignatures::default(),
                1 => {
                    let other = self
                        .rng
                        .pick(&[self.stranger.clone(), self.s.verifiers[0].clone()]);
                    possession = self.keys[k].possession(&self.s.chain_id(), &poai, &other);
                }
                2 => capabilities.region = "EU West".to_string(),
                3 => capabilities.privacy_tier = 7,
                4 => {
                    enclave_keys = EnclaveKeys {
                        secp256k1: Some(Binary::from(vec![5u8; 33])),
                        ed25519: None,
                        secp256r1: None,
                    }
                }
                5 => who = self.stranger.clone(),
                // A new worker's first bond below the minimum; a registered worker registering again.
                6 => {
                    bond = min - 1;
                    update = false;
                }
                // A new worker updating; a registered one registering again.
                7 => update = !update,
                _ => {
                    token = self.junk.clone();
                    update = false;
                }
            }
        }
        let action = if update {
            let msg = ExecuteMsg::Register {
                capabilities,
                enclave_keys,
                possession,
            };
            exec(&who, &poai, &msg)
        } else {
            let hook = ReceiveMsg::Register {
                capabilities,
                enclave_keys,
                possession,
            };
            send(&who, &token, &poai, bond, &hook)
        };
        if bad {
            garbage("register (garbage)", action)
        } else {
            step("register", action)
        }
    }

    fn gen_bond(&mut self) -> Step {
        let poai = self.s.poai.clone();
        let worker = self.worker();
        let amount = self.rng.log(UNIT, 20_000 * UNIT);
        let (ai, cu, junk) = (self.s.ai.clone(), self.s.cu.clone(), self.junk.clone());
        match self.rng.below(20) {
            0 => garbage(
                "bond (zero)",
                send(&worker, &ai, &poai, 0, &ReceiveMsg::Bond {}),
            ),
            1 => garbage(
                "bond (CU)",
                send(&worker, &cu, &poai, 1, &ReceiveMsg::Bond {}),
            ),
            2 => garbage(
                "bond (junk)",
                send(&worker, &junk, &poai, amount, &ReceiveMsg::Bond {}),
            ),
            3 => {
                let who = self
                    .rng
                    .pick(&[self.stranger.clone(), self.s.anyone.clone()]);
                garbage(
                    "bond (not a worker)",
                    send(&who, &ai, &poai, amount, &ReceiveMsg::Bond {}),
                )
            }
            _ => step(
                "bond",
                send(&worker, &ai, &poai, amount, &ReceiveMsg::Bond {}),
            ),
        }
    }

    fn gen_offer(&mut self) -> Step {
        let poai = self.s.poai.clone();
        let worker = self.worker();
        let raw = match self.rng.below(20) {
            0 => 0,
            1 => u128::MAX / 3,
            2..=4 => self.rng.log(1, UNIT),
            _ => self.rng.log(UNIT, 2_000 * UNIT),
        };
        let cu_token = match self.rng.below(20) {
            0 => self.junk.to_string(),
            1 => self.s.ai.to_string(),
            _ => self.s.cu.to_string(),
        };
        let msg = ExecuteMsg::OfferCapacity {
            cu_token,
            raw_amount: Uint128::new(raw),
        };
        step("offer", exec(&worker, &poai, &msg))
    }

    fn gen_heartbeat(&mut self) -> Step {
        let who = if self.rng.chance(10) {
            self.stranger.clone()
        } else {
            self.worker()
        };
        let st = step(
            "heartbeat",
            exec(&who, &self.s.poai, &ExecuteMsg::Heartbeat {}),
        );
        if who == self.stranger {
            Step {
                must_fail: true,
                ..st
            }
        } else {
            st
        }
    }

    /// A worker (or a verifier) unbonds: part of its bond, all of it, what its requirement leaves, or garbage.
    fn gen_unbond(&mut self, verifier: bool) -> Step {
        let who = if verifier {
            self.verifier()
        } else {
            self.worker()
        };
        let (bond, required) = if verifier {
            (self.verifier_bond(&who), 0)
        } else {
            let req: Option<BondRequirementResponse> = self
                .s
                .q(&QueryMsg::BondRequirement {
                    worker: who.to_string(),
                })
                .ok();
            let required = req.map(|r| r.required.u128()).unwrap_or(u128::MAX);
            (self.worker_bond(&who).unwrap_or(0), required)
        };
        let amount = match self.rng.below(10) {
            0 => 0,
            1 => bond + 1 + self.rng.log(1, UNIT),
            2..=3 => bond.saturating_sub(required),
            _ => self.rng.log(1, bond.max(1)),
        };
        let amount = Uint128::new(amount);
        let msg = if verifier {
            ExecuteMsg::UnbondVerifier { amount }
        } else {
            ExecuteMsg::Unbond { amount }
        };
        let kind = if verifier {
            "unbond verifier"
        } else {
            "unbond"
        };
        let st = step(kind, exec(&who, &self.s.poai, &msg));
        Step {
            must_fail: amount.is_zero() || amount.u128() > bond,
            ..st
        }
    }

    fn gen_claim_unbonded(&mut self) -> Step {
        let who = if self.rng.chance(50) {
            self.worker()
        } else {
            self.verifier()
        };
        step(
            "claim unbonded",
            exec(&who, &self.s.poai, &ExecuteMsg::ClaimUnbonded {}),
        )
    }

    fn gen_withdraw(&mut self) -> Step {
        let poai = self.s.poai.clone();
        let worker = self.worker();
        let held = self.s.balance(&self.s.cu, &worker);
        let free: u128 = self
            .obligations(&worker)
            .iter()
            .map(|o| o.free.u128())
            .sum();
        let hook = ReceiveMsg::WithdrawCapacity {};
        match self.rng.below(10) {
            0 => garbage(
                "withdraw (junk)",
                send(&worker, &self.junk, &poai, UNIT, &hook),
            ),
            1 => garbage(
                "withdraw ($AI)",
                send(&worker, &self.s.ai, &poai, UNIT, &hook),
            ),
            2 => {
                // More than is free (refused by poai) or than is held (by the token).
                let amount = free.max(held) + 1;
                garbage(
                    "withdraw (too much)",
                    send(&worker, &self.s.cu, &poai, amount, &hook),
                )
            }
            _ => {
                let amount = self.rng.log(1, held.min(free).max(1));
                step("withdraw", send(&worker, &self.s.cu, &poai, amount, &hook))
            }
        }
    }

    fn gen_sell(&mut self) -> Step {
        let mut sellers = self.s.workers.clone();
        sellers.push(self.s.client.clone());
        let who = self.rng.pick(&sellers);
        let held = self.s.balance(&self.s.cu, &who);
        let amount = self.rng.log(1, held.min(self.pool_cu_reserve() / 4).max(1));
        step(
            "sell CU",
            send(
                &who,
                &self.s.cu,
                &self.s.pool,
                amount,
                &PoolReceive::Swap {
                    pool_id: self.s.pool_id,
                    ask: Ask::Ai,
                    exact_out: None,
                    min_out: None,
                    deadline: None,
                    to: None,
                },
            ),
        )
    }

    /// A holder burns some of its $AI or CU (the supplies must follow the events).
    fn gen_burn(&mut self) -> Step {
        let who = self.anybody();
        let token = self.rng.pick(&[self.s.ai.clone(), self.s.cu.clone()]);
        let held = self.s.balance(&token, &who);
        let amount = Uint128::new(self.rng.log(1, held.max(1)));
        step("burn", exec(&who, &token, &Cw20ExecuteMsg::Burn { amount }))
    }

    fn gen_register_verifier(&mut self) -> Step {
        let v = self.verifier();
        let min = self.params().verifier_min_bond.u128();
        let amount = match self.rng.below(10) {
            0 => min / 2,
            1 => self.rng.log(1, UNIT),
            _ => self.rng.log(min, 3 * min),
        };
        let (ai, poai) = (self.s.ai.clone(), self.s.poai.clone());
        if self.rng.chance(5) {
            return garbage(
                "register verifier (junk)",
                send(
                    &v,
                    &self.junk,
                    &poai,
                    amount,
                    &ReceiveMsg::RegisterVerifier {},
                ),
            );
        }
        step(
            "register verifier",
            send(&v, &ai, &poai, amount, &ReceiveMsg::RegisterVerifier {}),
        )
    }

    fn gen_experience(&mut self) -> Step {
        let mut who = self.rng.pick(&self.clients.clone());
        if self.rng.chance(30) {
            who = self.verifier();
        }
        let deposit = self.params().experience_deposit.u128();
        let hook = ReceiveMsg::SubmitExperience {
            content_hash: hex(&self.rng.bytes32()),
            uri: self.rng.chance(50).then(|| "ipfs://experience".to_string()),
        };
        let (ai, poai) = (self.s.ai.clone(), self.s.poai.clone());
        match self.rng.below(10) {
            0 => garbage(
                "experience (wrong deposit)",
                send(&who, &ai, &poai, deposit + 1, &hook),
            ),
            1 => {
                let hook = ReceiveMsg::SubmitExperience {
                    content_hash: hex(&self.rng.bytes32()),
                    uri: Some("x".repeat(300)),
                };
                garbage(
                    "experience (long uri)",
                    send(&who, &ai, &poai, deposit, &hook),
                )
            }
            _ => step("experience", send(&who, &ai, &poai, deposit, &hook)),
        }
    }

    fn gen_score(&mut self) -> Step {
        let id = if self.experiences > 0 && self.rng.chance(90) {
            self.rng.range(1, self.experiences)
        } else {
            self.experiences + 1 + self.rng.below(3)
        };
        let utility = if self.rng.chance(5) {
            Decimal256::percent(120)
        } else {
            Decimal256::permille(self.rng.below(1_001))
        };
        let msg = ExecuteMsg::ScoreExperience { id, utility };
        if self.rng.chance(10) {
            let who = self
                .rng
                .pick(&[self.stranger.clone(), self.s.client.clone()]);
            return garbage("score (not the oracle)", exec(&who, &self.s.poai, &msg));
        }
        let st = step("score", exec(&self.s.owner, &self.s.poai, &msg));
        Step {
            must_fail: utility > Decimal256::one(),
            ..st
        }
    }

    /// `ClaimRewards` by `who`, required to succeed when it has something claimable.
    fn claim_rewards_step(&self, who: &Addr) -> Step {
        let action = exec(who, &self.s.poai, &ExecuteMsg::ClaimRewards {});
        let why = "rewards of a closed epoch can be claimed";
        required_if(self.claimable(who) > 0, "claim rewards", why, action)
    }

    fn gen_claim_rewards(&mut self) -> Step {
        let who = self.anybody();
        self.claim_rewards_step(&who)
    }

    fn gen_report(&mut self) -> Step {
        let who = self.anybody();
        // A watchdog reports a worker with open obligation silent for longer than the heartbeat timeout, once per
        // silence.
        let timeout = self.params().heartbeat_timeout;
        let now = self.now();
        let silent: Vec<(Addr, u64)> = self
            .s
            .workers
            .iter()
            .filter_map(|w| {
                let r = self.worker_info(w)?;
                let key = (w.clone(), r.last_heartbeat);
                (now > r.last_heartbeat + timeout
                    && self.open_cu(w) > 0
                    && !self.reported.contains(&key))
                .then_some(key)
            })
            .collect();
        self.missed = silent.is_empty();
        let worker = if !silent.is_empty() && (self.honest || self.rng.chance(50)) {
            let key = self.rng.pick(&silent);
            self.reported.insert(key.clone());
            key.0
        } else if self.rng.chance(10) {
            self.stranger.clone()
        } else {
            self.worker()
        };
        let condition = if self.honest || self.rng.chance(70) {
            ReportCondition::MissedHeartbeat
        } else {
            ReportCondition::LowQuality
        };
        step(
            "report",
            exec(
                &who,
                &self.s.poai,
                &ExecuteMsg::ReportWorker {
                    worker: worker.to_string(),
                    condition,
                },
            ),
        )
    }

    fn gen_owner(&mut self) -> Step {
        let (owner, poai, registry) = (
            self.s.owner.clone(),
            self.s.poai.clone(),
            self.s.registry.clone(),
        );
        let update = |params| {
            ExecuteMsg::UpdateConfig(ConfigUpdate {
                params: Some(params),
                ..Default::default()
            })
        };
        let mut p = self.params();
        match self.rng.below(20) {
            // Parameters within their bounds (the economics' own fields are changed through the queried params,
            // so fields added to `Params` keep their values).
            0..=7 => {
                for _ in 0..self.rng.range(1, 3) {
                    match self.rng.below(10) {
                        9 => {
                            p.worker_min_bond =
                                Uint128::new(self.rng.pick(&[UNIT, WORKER_MIN, 3 * WORKER_MIN]))
                        }
                        0 => p.sample_rate = Decimal256::percent(self.rng.pick(&[0, 20, 50, 100])),
                        1 => p.slash_fraction = Decimal256::percent(self.rng.pick(&[5, 10, 30])),
                        2 => p.poai_bonus_rate = Decimal256::percent(self.rng.pick(&[0, 2, 5, 10])),
                        3 => {
                            p.verifier_bonus_share =
                                Decimal256::percent(self.rng.pick(&[0, 20, 50]))
                        }
                        4 => {
                            p.emission_per_epoch =
                                Uint128::new(self.rng.pick(&[EMISSION / 2, EMISSION, 2 * EMISSION]))
                        }
                        5 => p.max_verifiers_per_job = self.rng.range(1, 5) as u32,
                        6 => {
                            p.verifier_min_bond = Uint128::new(self.rng.pick(&[
                                VERIFIER_MIN / 2,
                                VERIFIER_MIN,
                                2 * VERIFIER_MIN,
                            ]))
                        }
                        7 => {
                            p.experience_deposit =
                                Uint128::new(self.rng.pick(&[DEPOSIT / 2, DEPOSIT, 2 * DEPOSIT]))
                        }
                        _ => p.quality_alpha = Decimal256::percent(self.rng.pick(&[5, 10, 30])),
                    }
                }
                step("owner: params", exec(&owner, &poai, &update(p)))
            }
            8 => {
                p.epoch_length += 1;
                garbage("owner: epoch length", exec(&owner, &poai, &update(p)))
            }
            9 => {
                p.emission_per_epoch *= Uint128::new(3);
                garbage("owner: emission ×3", exec(&owner, &poai, &update(p)))
            }
            10 => {
                match self.rng.below(3) {
                    0 => p.collateral_ratio = Decimal256::percent(50),
                    1 => p.unbonding_period = 100,
                    _ => p.denial_window = p.heartbeat_timeout - 1,
                }
                garbage(
                    "owner: params out of bounds",
                    exec(&owner, &poai, &update(p)),
                )
            }
            11 => {
                let junk = self.junk.to_string();
                let msg = ExecuteMsg::UpdateConfig(if self.rng.chance(50) {
                    ConfigUpdate {
                        pool: Some(junk),
                        ..Default::default()
                    }
                } else {
                    ConfigUpdate {
                        job_registry: Some(junk),
                        ..Default::default()
                    }
                });
                garbage("owner: re-point", exec(&owner, &poai, &msg))
            }
            12 => {
                let who = match self.rng.below(3) {
                    0 => self.stranger.clone(),
                    1 => self.worker(),
                    _ => self.verifier(),
                };
                garbage("stranger: params", exec(&who, &poai, &update(p)))
            }
            13 => step(
                "owner: class again",
                exec(
                    &owner,
                    &poai,
                    &ExecuteMsg::SetResourceClass {
                        cu_token: self.s.cu.to_string(),
                        pool_id: self.s.pool_id,
                    },
                ),
            ),
            14 => {
                let (cu_token, pool_id, who) = match self.rng.below(3) {
                    0 => (self.junk.to_string(), self.s.pool_id, owner.clone()),
                    1 => (self.s.cu.to_string(), 999, owner.clone()),
                    _ => (self.s.cu.to_string(), self.s.pool_id, self.stranger.clone()),
                };
                garbage(
                    "class (garbage)",
                    exec(
                        &who,
                        &poai,
                        &ExecuteMsg::SetResourceClass { cu_token, pool_id },
                    ),
                )
            }
            15..=16 => {
                // The registry's limits within what poai's timeline needs (settlement grace above the verification
                // span, jobs short enough for the unbonding period).
                let mut limits = self.limits();
                limits.max_resources = self.rng.range(1, 8) as u32;
                limits.max_job_duration = self.rng.range(600, MOCK_LIMITS.max_job_duration);
                limits.settlement_grace = self.rng.range(EPOCH + COMMIT + REVEAL + 1, MAX_GRACE);
                limits.job_fee_rate = cosmwasm_std::Decimal::percent(self.rng.pick(&[0, 1, 5, 10]));
                step(
                    "admin: limits",
                    exec(
                        &owner,
                        &registry,
                        &JobExec::UpdateConfig {
                            orderbook: None,
                            poai: None,
                            limits: Some(limits),
                        },
                    ),
                )
            }
            _ => {
                let mut limits = self.limits();
                let (who, msg) = match self.rng.below(3) {
                    0 => {
                        // Out of the registry's bounds, or out of poai's timeline: a grace within the
                        // verification span, jobs longer than the unbonding period leaves room for.
                        let span = EPOCH + COMMIT + REVEAL;
                        match self.rng.below(4) {
                            0 => limits.max_resources = 0,
                            1 => limits.job_fee_rate = cosmwasm_std::Decimal::percent(11),
                            2 => limits.settlement_grace = self.rng.range(0, span),
                            _ => {
                                let unbonding = self.params().unbonding_period;
                                limits.max_job_duration = unbonding - span;
                            }
                        }
                        (
                            owner.clone(),
                            JobExec::UpdateConfig {
                                orderbook: None,
                                poai: None,
                                limits: Some(limits),
                            },
                        )
                    }
                    1 => (
                        owner.clone(),
                        JobExec::UpdateConfig {
                            orderbook: None,
                            poai: Some(self.junk.to_string()),
                            limits: None,
                        },
                    ),
                    _ => (
                        self.stranger.clone(),
                        JobExec::UpdateConfig {
                            orderbook: None,
                            poai: None,
                            limits: None,
                        },
                    ),
                };
                garbage("admin (garbage)", exec(&who, &registry, &msg))
            }
        }
    }

    /// poai's `JobAssigned` as a stranger forges it, in the JSON this build of poai parses (with or without the
    /// job fee field).
    fn forged_assignment(&mut self, job_id: u64) -> Binary {
        let sla = String::from_utf8(to_json_binary(&sla()).expect("sla").to_vec()).expect("utf8");
        let base = format!(
            r#""job_id":{job_id},"worker":"{}","client":"{}","cu":[{{"token":"{}","amount":"{}"}}],"sla":{sla},"value":"{}","finish_by":{}"#,
            self.stranger,
            self.s.client,
            self.s.cu,
            10 * UNIT,
            100 * UNIT,
            self.now() + 100
        );
        [
            format!(r#"{{"job_assigned":{{{base},"fee":"{}"}}}}"#, UNIT),
            format!(r#"{{"job_assigned":{{{base}}}}}"#),
        ]
        .into_iter()
        .map(|json| Binary::from(json.into_bytes()))
        .find(|b| from_json::<ExecuteMsg>(b).is_ok())
        .expect("one form parses")
    }

    fn gen_forged(&mut self) -> Step {
        let (poai, registry, ai, cu, junk) = (
            self.s.poai.clone(),
            self.s.registry.clone(),
            self.s.ai.clone(),
            self.s.cu.clone(),
            self.junk.clone(),
        );
        let stranger = self.stranger.clone();
        let job = self
            .job_in(
                &[JobState::Assigned, JobState::Running, JobState::Attested],
                |_, _| true,
            )
            .map(|j| j.job_id)
            .unwrap_or_else(|| self.unknown_job());
        let impostor = match self.rng.below(4) {
            0 => stranger.clone(),
            1 => self.worker(),
            2 => self.verifier(),
            _ => self.s.owner.clone(),
        };
        let (spec, _) = self.spec(UNIT);
        let victim = self.worker();
        let action = match self.rng.below(17) {
            // The tokens' minter is poai: nobody else mints or takes the role.
            14 => exec(
                &impostor,
                &self.rng.pick(&[ai.clone(), cu.clone()]),
                &Cw20ExecuteMsg::Mint {
                    recipient: impostor.to_string(),
                    amount: Uint128::new(1_000 * UNIT),
                },
            ),
            15 => exec(
                &impostor,
                &self.rng.pick(&[ai.clone(), cu.clone()]),
                &Cw20ExecuteMsg::UpdateMinter {
                    new_minter: Some(impostor.to_string()),
                },
            ),
            16 => exec(
                &impostor,
                &ai,
                &Cw20ExecuteMsg::TransferFrom {
                    owner: victim.to_string(),
                    recipient: impostor.to_string(),
                    amount: Uint128::new(UNIT),
                },
            ),
            0 => Action::Exec {
                who: impostor.clone(),
                contract: poai.clone(),
                msg: self.forged_assignment(job),
                what: "forged JobAssigned".to_string(),
            },
            1 => exec(
                &impostor,
                &poai,
                &ExecuteMsg::JobFailed {
                    job_id: job,
                    worker: victim.to_string(),
                    reason: FailureReason::Timeout,
                },
            ),
            2 => exec(
                &impostor,
                &registry,
                &JobExec::RecordAttestation { job_id: job },
            ),
            3 => exec(
                &impostor,
                &registry,
                &JobExec::RecordVerdict {
                    job_id: job,
                    verdict: JobVerdict::Disputed,
                },
            ),
            4 => exec(
                &impostor,
                &registry,
                &JobExec::Settle {
                    job_id: job,
                    outcome: if self.rng.chance(50) {
                        SettlementOutcome::Success { used: vec![] }
                    } else {
                        SettlementOutcome::Failure {
                            reason: "forged".to_string(),
                        }
                    },
                },
            ),
            5 => send(&impostor, &junk, &poai, UNIT * 5_000, &ReceiveMsg::Bond {}),
            6 => send(
                &impostor,
                &junk,
                &poai,
                UNIT * 5_000,
                &ReceiveMsg::RegisterVerifier {},
            ),
            7 => send(
                &impostor,
                &junk,
                &poai,
                DEPOSIT,
                &ReceiveMsg::SubmitExperience {
                    content_hash: hex(&[1; 32]),
                    uri: None,
                },
            ),
            8 => send(
                &impostor,
                &junk,
                &registry,
                1_000 * UNIT,
                &JobReceive::SubmitJob { spec },
            ),
            9 => send(
                &self.s.client.clone(),
                &cu,
                &registry,
                UNIT,
                &JobReceive::SubmitJob { spec },
            ),
            10 => exec(
                &impostor,
                &poai,
                &ExecuteMsg::Receive(Cw20ReceiveMsg {
                    sender: victim.to_string(),
                    amount: Uint128::new(1_000_000 * UNIT),
                    msg: to_json_binary(&ReceiveMsg::Bond {}).expect("hook"),
                }),
            ),
            11 => exec(
                &impostor,
                &registry,
                &JobExec::Receive(Cw20ReceiveMsg {
                    sender: self.s.client.to_string(),
                    amount: Uint128::new(1_000_000 * UNIT),
                    msg: to_json_binary(&JobReceive::SubmitJob { spec }).expect("hook"),
                }),
            ),
            12 => send_raw(
                &victim,
                &ai,
                &poai,
                UNIT,
                Binary::from(b"not json".to_vec()),
                "not JSON".into(),
            ),
            _ => send_raw(
                &self.s.client.clone(),
                &ai,
                &registry,
                UNIT,
                Binary::from(b"{\"submit_job\":{}}".to_vec()),
                "a hook without a spec".into(),
            ),
        };
        garbage("forged", action)
    }

    // ----- execution and checks -----

    fn execute(&mut self, action: &Action) -> Result<AppResponse> {
        match action {
            Action::Exec {
                who, contract, msg, ..
            } => self.s.app.execute(
                who.clone(),
                WasmMsg::Execute {
                    contract_addr: contract.to_string(),
                    msg: msg.clone(),
                    funds: vec![],
                }
                .into(),
            ),
            Action::Wait(secs) => {
                let secs = *secs;
                self.s.app.update_block(|b| {
                    b.time = b.time.plus_seconds(secs);
                    b.height += 1 + secs / 6;
                });
                Ok(AppResponse::default())
            }
        }
    }

    fn remember(&mut self, after: After, res: &AppResponse) {
        match after {
            After::Nothing => {}
            After::Submitted(input) => {
                let id = attribute(res, &self.s.registry, "job_id")
                    .and_then(|v| v.parse().ok())
                    .expect("a submitted job has an id");
                self.inputs.insert(id, input);
            }
            After::Committed {
                job,
                verifier,
                verdict,
                salt,
            } => {
                self.committed.insert((job, verifier.clone()));
                self.commits.insert((job, verifier), (verdict, salt));
            }
            After::Revealed { job, verifier } => {
                self.commits.remove(&(job, verifier));
            }
        }
        if attribute(res, &self.s.poai, "action").as_deref() == Some("submit_experience") {
            self.experiences += 1;
        }
    }

    /// The books after every transaction (module doc).
    fn check(&mut self, res: Option<&AppResponse>, stats: &mut Stats) -> Result<(), String> {
        let (ai, cu, poai, registry) = (
            self.s.ai.clone(),
            self.s.cu.clone(),
            self.s.poai.clone(),
            self.s.registry.clone(),
        );
        let totals = self
            .poai_totals()
            .map_err(|e| format!("Totals query failed: {e}"))?;
        // A refused transaction has no events and must move nothing.
        let none = AppResponse::default();
        let res = res.unwrap_or(&none);
        let (fa, fc) = (
            flows(res, &ai, &poai, &registry),
            flows(res, &cu, &poai, &registry),
        );
        self.cu_burned_elsewhere += fc.burned_elsewhere;
        self.ai_supply = self.ai_supply + fa.minted - fa.burned;
        self.cu_supply = self.cu_supply + fc.minted - fc.burned;
        stats.ai_minted += fa.minted;
        stats.ai_burned += fa.burned;
        stats.cu_minted += fc.minted;
        stats.cu_burned += fc.burned;
        let delta = |k: &str| {
            let (now, before) = (totals.get(k), self.totals.get(k));
            now.copied().unwrap_or_default().u128() as i128
                - before.copied().unwrap_or_default().u128() as i128
        };
        let (minted, burned) = (delta("minted"), delta("burned"));
        if (minted, burned) != (fa.minted as i128, fa.burned_by_poai as i128) {
            return Err(format!(
                "poai's Totals moved minted {minted:+}, burned {burned:+}; the $AI events minted {}, burned from poai {} ({fa:?})",
                fa.minted, fa.burned_by_poai
            ));
        }
        if let Some(error) = attribute(res, &registry, "error") {
            return Err(format!(
                "poai refused the registry's JobFailed report: {error}"
            ));
        }
        for e in res.events.iter().filter(|e| e.ty == "wasm") {
            let attr = |k: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
            };
            if let Some(state) = attr("timed_out_in") {
                *stats.timeouts.entry(state).or_default() += 1;
            }
            let slashed = attr("slashed")
                .and_then(|v| v.parse::<u128>().ok())
                .unwrap_or(0);
            if slashed > 0 {
                *stats
                    .slashes
                    .entry(attr("action").unwrap_or_default())
                    .or_default() += 1;
            }
        }
        self.totals = totals.clone();
        let ai_supply = self.s.supply(&ai);
        if ai_supply != self.ai_supply {
            return Err(format!(
                "$AI supply {ai_supply} ≠ start + minted − burned from the events = {}",
                self.ai_supply
            ));
        }
        let cu_supply = self.s.supply(&cu);
        if cu_supply != self.cu_supply {
            return Err(format!(
                "CU supply {cu_supply} ≠ start + minted − burned from the events = {}",
                self.cu_supply
            ));
        }
        let owed: u128 = totals
            .iter()
            .filter(|(k, _)| *k != "minted" && *k != "burned")
            .map(|(_, v)| v.u128())
            .sum();
        let held = self.s.balance(&ai, &poai);
        if held != owed {
            return Err(format!("poai holds {held} $AI but owes {owed}: {totals:?}"));
        }
        for token in [&cu, &self.junk] {
            let b = self.s.balance(token, &poai);
            if b != 0 {
                return Err(format!("poai holds {b} of {token}"));
            }
        }
        let te: TotalEscrowResponse = self
            .registry_query(&JobQuery::TotalEscrow {})
            .map_err(|e| format!("TotalEscrow query failed: {e}"))?;
        let held = self.s.balance(&ai, &registry);
        if held != te.ai.u128() {
            return Err(format!(
                "the registry holds {held} $AI, TotalEscrow says {}",
                te.ai
            ));
        }
        for token in [&cu, &self.junk] {
            let locked: u128 = te
                .cu
                .iter()
                .filter(|c| c.token == token.as_str())
                .map(|c| c.amount.u128())
                .sum();
            let held = self.s.balance(token, &registry);
            if held != locked {
                return Err(format!(
                    "the registry holds {held} of {token}, TotalEscrow says {locked}"
                ));
            }
        }
        let open: u128 = self.registered().iter().map(|w| self.open_cu(w)).sum();
        if cu_supply + self.cu_burned_elsewhere != self.s.cu_start_supply + open {
            return Err(format!(
                "CU supply {cu_supply} + {} burned by holders ≠ start {} + Σ open obligations {open}",
                self.cu_burned_elsewhere, self.s.cu_start_supply
            ));
        }
        Ok(())
    }

    /// The registry's jobs against `TotalEscrow` and against poai's view of them.
    fn deep_check(&self) -> Result<(), String> {
        let jobs = self.rjobs(&[]);
        let te: TotalEscrowResponse = self
            .registry_query(&JobQuery::TotalEscrow {})
            .map_err(|e| e.to_string())?;
        let (mut ai, mut cu, mut open) = (0u128, BTreeMap::<String, u128>::new(), 0u64);
        let mut reserved: BTreeMap<Addr, (u128, u32)> = BTreeMap::new();
        for j in &jobs {
            if j.state.is_final() {
                if !j.escrow.is_zero() {
                    return Err(format!(
                        "closed job {} still holds {} $AI",
                        j.job_id, j.escrow
                    ));
                }
            } else {
                open += 1;
                ai += j.escrow.u128();
                for c in &j.cu {
                    *cu.entry(c.token.clone()).or_default() += c.amount.u128();
                }
            }
            let p = self.pjob(j.job_id);
            let Some(worker) = &j.worker else {
                if p.is_some() {
                    return Err(format!("poai knows job {}, which nobody took", j.job_id));
                }
                continue;
            };
            let Some(p) = p else {
                return Err(format!("job {} was taken, poai does not know it", j.job_id));
            };
            use AssignmentState as P;
            use JobState as R;
            let matches = matches!(
                (j.state, p.state),
                (R::Assigned | R::Running, P::Assigned)
                    | (R::Attested | R::Verified | R::Disputed, P::Attested)
                    | (R::Settled, P::Succeeded)
                    | (R::Failed, P::Refuted)
                    | (R::Expired, P::Failed)
            );
            if !matches || p.worker != *worker || p.cu != j.cu {
                return Err(format!(
                    "job {}: the registry has it {:?} by {worker} with {:?}, poai {:?} by {} with {:?}",
                    j.job_id, j.state, j.cu, p.state, p.worker, p.cu
                ));
            }
            if !j.state.is_final() {
                let e = reserved.entry(worker.clone()).or_default();
                e.0 += j.cu.iter().map(|c| c.amount.u128()).sum::<u128>();
                e.1 += 1;
            }
        }
        let te_cu: BTreeMap<String, u128> = te
            .cu
            .iter()
            .map(|c| (c.token.clone(), c.amount.u128()))
            .collect();
        if te.ai.u128() != ai || te_cu != cu || te.open_jobs != open {
            return Err(format!(
                "TotalEscrow {te:?} ≠ the open jobs' escrow {ai}, CU {cu:?}, count {open}"
            ));
        }
        for w in self.registered() {
            let r: u128 = self.obligations(&w).iter().map(|o| o.reserved.u128()).sum();
            let active = self.s.worker(&w).active_jobs;
            let (want, count) = reserved.get(&w).copied().unwrap_or_default();
            if (r, active) != (want, count) {
                return Err(format!(
                    "{w} has {r} CU reserved in {active} jobs; its live jobs hold {want} CU in {count}"
                ));
            }
        }
        Ok(())
    }

    /// Runs one step (its prelude first): executes it, enforces the refusal and liveness rules, remembers what it
    /// created, checks the books. `Err` describes a violation.
    fn run_step(
        &mut self,
        st: Step,
        label: &str,
        trace: bool,
        stats: &mut Stats,
    ) -> Result<bool, String> {
        if let Some(pre) = st.prelude {
            self.run_step(*pre, label, trace, stats)?;
        }
        let desc = format!(
            "{label} {}{}{}: {}",
            st.kind,
            if st.must_fail { " (must fail)" } else { "" },
            if st.must_succeed.is_some() {
                " (must succeed)"
            } else {
                ""
            },
            match &st.action {
                Action::Exec { who, what, .. } => format!("{who} → {what}"),
                Action::Wait(secs) => format!("wait {secs} s"),
            }
        );
        let fail = |what: String| -> Result<bool, String> { Err(format!("{desc}\n  {what}")) };
        if let Action::Wait(secs) = st.action {
            stats.seconds_simulated += secs;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| self.execute(&st.action)));
        stats.txs += 1;
        let res = match outcome {
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                return fail(format!("PANIC: {msg}"));
            }
            Ok(Ok(res)) => {
                if st.must_fail {
                    return fail("accepted a message that must be refused".to_string());
                }
                stats.accepted += 1;
                *stats.accepted_by_kind.entry(st.kind).or_default() += 1;
                if st.must_succeed.is_some() {
                    *stats.liveness.entry(st.kind).or_default() += 1;
                }
                if trace {
                    println!("{} -> ok", self.readable(&desc));
                }
                Some(res)
            }
            Ok(Err(e)) => {
                let Some(kind) = classify(&e) else {
                    return fail(format!("untyped refusal: {e:?}"));
                };
                if let Some(why) = st.must_succeed {
                    return fail(format!(
                        "LIVENESS: {why}, but it was refused: {kind}: {}",
                        e.root_cause()
                    ));
                }
                if trace {
                    let why = self.readable(&e.root_cause().to_string());
                    println!("{} -> refused {kind}: {why}", self.readable(&desc));
                }
                *stats.refused.entry(kind).or_default() += 1;
                None
            }
        };
        if let Some(res) = &res {
            self.remember(st.after, res);
        }
        match catch_unwind(AssertUnwindSafe(|| self.check(res.as_ref(), stats))) {
            Ok(Ok(())) => Ok(res.is_some()),
            Ok(Err(what)) => fail(what),
            Err(_) => fail("PANIC in the checks (a query)".to_string()),
        }
    }

    /// A step of the drain (required to succeed, or not, as the step says): whether it was accepted.
    fn drain_step(&mut self, st: Step, trace: bool, stats: &mut Stats) -> Result<bool, String> {
        self.run_step(st, "drain", trace, stats)
    }

    fn deep(&mut self, stats: &mut Stats) -> Result<(), String> {
        stats.deep_checks += 1;
        match catch_unwind(AssertUnwindSafe(|| self.deep_check())) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(what)) => Err(format!("cross-contract check\n  {what}")),
            Err(_) => Err("PANIC in the cross-contract check".to_string()),
        }
    }

    /// The end of a run: everything is wound down, every message required to succeed (module doc).
    fn drain(&mut self, trace: bool, stats: &mut Stats) -> Result<(), String> {
        let poai = self.s.poai.clone();
        let anyone = self.s.anyone.clone();
        // 1. Past every reveal period: close the epochs, finalize every attested job.
        self.drain_step(
            step("wait", Action::Wait(EPOCH + COMMIT + REVEAL + 1)),
            trace,
            stats,
        )?;
        self.close_epochs(trace, stats)?;
        for job in self.rjobs(&[JobState::Attested, JobState::Verified, JobState::Disputed]) {
            let st = self.finalize_step(job.job_id, &anyone);
            if st.must_succeed.is_none() {
                return Err(format!(
                    "drain: job {} is not due for Finalize after its reveal period: {:?}",
                    job.job_id,
                    self.pjob(job.job_id)
                ));
            }
            self.drain_step(st, trace, stats)?;
        }
        // 2. Past every deadline: every other job times out.
        self.drain_step(
            step("wait", Action::Wait(PAST_EVERY_DEADLINE)),
            trace,
            stats,
        )?;
        for job in self.rjobs(&[]).iter().filter(|j| !j.state.is_final()) {
            self.drain_step(self.timeout_step(job.job_id, &anyone), trace, stats)?;
        }
        for job in self.rjobs(&[]) {
            *stats
                .closed_jobs
                .entry(format!("{:?}", job.state))
                .or_default() += 1;
        }
        // 3. Every experience scored, the epochs closed, every reward claimed: nothing stays in the reserve.
        for id in 1..=self.experiences {
            let scored = self
                .s
                .q::<hmm::poai::ExperienceResponse>(&QueryMsg::Experience { id })
                .is_ok_and(|x| x.utility.is_some());
            if !scored {
                let msg = ExecuteMsg::ScoreExperience {
                    id,
                    utility: Decimal256::percent(50),
                };
                let why = "the oracle can score an experience";
                self.drain_step(
                    required("score", why, exec(&self.s.owner, &poai, &msg)),
                    trace,
                    stats,
                )?;
            }
        }
        self.drain_step(step("wait", Action::Wait(EPOCH)), trace, stats)?;
        self.close_epochs(trace, stats)?;
        // Until refused: an entry whose share is all burned (above its jobs' credit) is claimable for nothing.
        for who in self.everyone() {
            while self.drain_step(self.claim_rewards_step(&who), trace, stats)? {}
        }
        let reserve = self
            .totals
            .get("reward_reserve")
            .copied()
            .unwrap_or_default();
        if !reserve.is_zero() {
            return Err(format!(
                "drain: every reward claimed, {reserve} $AI left in the reward reserve"
            ));
        }
        // 4. Matured claims first (at most 16 may be pending per address), then every bond out.
        let unbonding = self.params().unbonding_period;
        self.drain_step(step("wait", Action::Wait(unbonding + 1)), trace, stats)?;
        self.claim_all(trace, stats)?;
        for v in self.s.verifiers.clone() {
            let bond = self.verifier_bond(&v);
            if bond > 0 {
                let msg = ExecuteMsg::UnbondVerifier {
                    amount: Uint128::new(bond),
                };
                let why = "a verifier with no open commitment can unbond";
                self.drain_step(
                    required("unbond verifier", why, exec(&v, &poai, &msg)),
                    trace,
                    stats,
                )?;
            }
        }
        let mut all_out = true;
        for w in self.registered() {
            all_out &= self.exit_worker(&w, trace, stats)?;
        }
        self.drain_step(step("wait", Action::Wait(unbonding + 1)), trace, stats)?;
        self.claim_all(trace, stats)?;
        // 5. Nothing is held for anyone.
        let te: TotalEscrowResponse = self
            .registry_query(&JobQuery::TotalEscrow {})
            .map_err(|e| e.to_string())?;
        if !te.ai.is_zero() || !te.cu.is_empty() || te.open_jobs != 0 {
            return Err(format!("drain: the registry still holds {te:?}"));
        }
        let owed: Vec<(&String, &Uint128)> = self
            .totals
            .iter()
            .filter(|(k, v)| *k != "minted" && *k != "burned" && !v.is_zero())
            .collect();
        if all_out && !owed.is_empty() {
            return Err(format!("drain: everyone is out, poai still owes {owed:?}"));
        }
        Ok(())
    }

    /// Every address that can hold rewards, bonds or claims.
    fn everyone(&self) -> Vec<Addr> {
        let mut all = vec![
            self.s.owner.clone(),
            self.s.client.clone(),
            self.s.anyone.clone(),
            self.s.lp.clone(),
            self.stranger.clone(),
        ];
        all.extend(self.s.workers.iter().cloned());
        all.extend(self.s.verifiers.iter().cloned());
        all
    }

    /// `DistributeEmissions` until every ended epoch is closed.
    fn close_epochs(&mut self, trace: bool, stats: &mut Stats) -> Result<(), String> {
        loop {
            let c = self.s.config();
            if c.next_epoch_to_close >= c.current_epoch {
                return Ok(());
            }
            let msg = ExecuteMsg::DistributeEmissions {};
            let why = "an ended epoch can be closed";
            let who = self.s.anyone.clone();
            self.drain_step(
                required("distribute", why, exec(&who, &self.s.poai, &msg)),
                trace,
                stats,
            )?;
        }
    }

    /// Every matured unbonding claim paid.
    fn claim_all(&mut self, trace: bool, stats: &mut Stats) -> Result<(), String> {
        for who in self.everyone() {
            if self.matured_claims(&who) > 0 {
                let msg = ExecuteMsg::ClaimUnbonded {};
                let why = "a matured claim can be paid";
                self.drain_step(
                    required("claim unbonded", why, exec(&who, &self.s.poai, &msg)),
                    trace,
                    stats,
                )?;
            }
        }
        Ok(())
    }

    /// A worker returns its open obligation in CU (gathered from the other holders if it sold its own) and unbonds
    /// its whole bond; if not enough CU can be gathered, it unbonds what its requirement leaves. Whether it got out
    /// entirely.
    fn exit_worker(&mut self, w: &Addr, trace: bool, stats: &mut Stats) -> Result<bool, String> {
        let (cu, poai) = (self.s.cu.clone(), self.s.poai.clone());
        let open = self.open_cu(w);
        if open > 0 {
            let mut donors = vec![
                self.s.client.clone(),
                self.s.lp.clone(),
                self.s.anyone.clone(),
            ];
            donors.extend(self.s.workers.iter().filter(|x| *x != w).cloned());
            for d in donors {
                let need = open.saturating_sub(self.s.balance(&cu, w));
                let give = need.min(self.s.balance(&cu, &d));
                if give > 0 {
                    let msg = Cw20ExecuteMsg::Transfer {
                        recipient: w.to_string(),
                        amount: Uint128::new(give),
                    };
                    let why = "a CU holder can transfer";
                    self.drain_step(
                        required("gather CU", why, exec(&d, &cu, &msg)),
                        trace,
                        stats,
                    )?;
                }
            }
            let give_back = open.min(self.s.balance(&cu, w));
            if give_back > 0 {
                let why = "a worker with no job can return its obligation";
                let hook = ReceiveMsg::WithdrawCapacity {};
                self.drain_step(
                    required("withdraw", why, send(w, &cu, &poai, give_back, &hook)),
                    trace,
                    stats,
                )?;
            }
        }
        let bond = self.worker_bond(w).unwrap_or(0);
        let out = self.open_cu(w) == 0;
        let amount = if out {
            stats.full_exits += 1;
            bond
        } else {
            stats.partial_exits += 1;
            let r: BondRequirementResponse = self
                .s
                .q(&QueryMsg::BondRequirement {
                    worker: w.to_string(),
                })
                .map_err(|e| e.to_string())?;
            bond.saturating_sub(r.required.u128())
        };
        if amount > 0 {
            let msg = ExecuteMsg::Unbond {
                amount: Uint128::new(amount),
            };
            let why = "a worker can unbond what its obligation does not need";
            self.drain_step(required("unbond", why, exec(w, &poai, &msg)), trace, stats)?;
        }
        Ok(out)
    }
}

type Generator = fn(&mut Fuzz) -> Step;

/// The random generators and their weights (per mille).
const GENERATORS: [(u64, Generator); 30] = [
    (80, Fuzz::gen_submit),
    (70, Fuzz::gen_take),
    (20, Fuzz::gen_start),
    (70, Fuzz::gen_attest),
    (60, Fuzz::gen_commit),
    (30, Fuzz::gen_reveal),
    (15, Fuzz::gen_dispute),
    (50, Fuzz::gen_finalize),
    (35, Fuzz::gen_timeout),
    (20, Fuzz::gen_cancel),
    (25, Fuzz::gen_register),
    (25, Fuzz::gen_bond),
    (40, Fuzz::gen_offer),
    (30, Fuzz::gen_heartbeat),
    (20, |f| f.gen_unbond(false)),
    (15, Fuzz::gen_claim_unbonded),
    (15, Fuzz::gen_withdraw),
    (25, Fuzz::gen_sell),
    (5, Fuzz::gen_burn),
    (15, Fuzz::gen_register_verifier),
    (10, |f| f.gen_unbond(true)),
    (10, Fuzz::gen_experience),
    (10, Fuzz::gen_score),
    (15, Fuzz::gen_distribute),
    (30, Fuzz::gen_claim_rewards),
    (15, Fuzz::gen_report),
    (30, Fuzz::gen_owner),
    (55, Fuzz::gen_forged),
    (80, Fuzz::gen_upkeep),
    (80, Fuzz::gen_wait),
];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Panics with the violation and the command that replays the run up to it (`steps` steps).
fn fail(seed: u64, steps: u64, f: &Fuzz, at: &str, what: &str) -> ! {
    panic!(
        "protocol fuzz FAILED at seed {seed}, {at}\n  {}\n  replay: PROTOCOL_FUZZ_SEED={seed} PROTOCOL_FUZZ_STEPS={steps} PROTOCOL_FUZZ_RUN_STEPS={steps} PROTOCOL_FUZZ_TRACE=1 cargo test -p poai --test protocol_fuzz protocol_message_fuzz -- --nocapture",
        f.readable(what)
    )
}

/// One run: a fresh deployment, `steps` random steps, the drain. Panics naming the seed and step on a violation.
fn run(seed: u64, steps: u64, trace: bool, stats: &mut Stats) {
    let mut f = Fuzz::new(seed);
    for n in 0..steps {
        let st = f.gen();
        let mut result = f.run_step(st, &format!("#{n}"), trace, stats).map(|_| ());
        if result.is_ok() && n % 50 == 49 {
            result = f.deep(stats);
        }
        if let Err(what) = result {
            fail(seed, n + 1, &f, &format!("step {n}"), &what);
        }
    }
    if let Err(what) = f.drain(trace, stats).and_then(|()| f.deep(stats)) {
        fail(seed, steps, &f, "the drain", &what);
    }
}

fn list<K: Debug>(m: &BTreeMap<K, u64>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k:?} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn protocol_message_fuzz() {
    let steps = env_u64("PROTOCOL_FUZZ_STEPS", 2_000);
    let run_steps = env_u64("PROTOCOL_FUZZ_RUN_STEPS", 500).max(1);
    let seed = env_u64("PROTOCOL_FUZZ_SEED", 1);
    let trace = std::env::var("PROTOCOL_FUZZ_TRACE").is_ok_and(|v| v != "0");
    let start = Instant::now();
    let mut stats = Stats::default();
    let (mut done, mut runs) = (0, 0);
    while done < steps {
        let n = run_steps.min(steps - done);
        run(seed.wrapping_add(runs), n, trace, &mut stats);
        done += n;
        runs += 1;
    }
    let refused: u64 = stats.refused.values().sum();
    println!(
        "protocol fuzz: {steps} steps in {runs} runs from seed {seed}: {} transactions, {} accepted, {refused} refused, {:.1} s",
        stats.txs,
        stats.accepted,
        start.elapsed().as_secs_f64()
    );
    println!("  accepted by kind: {}", list(&stats.accepted_by_kind));
    println!("  refused by error: {}", list(&stats.refused));
    println!(
        "  liveness-required, all accepted: {}",
        list(&stats.liveness)
    );
    println!("  jobs by final state: {}", list(&stats.closed_jobs));
    println!("  timeouts by state: {}", list(&stats.timeouts));
    println!("  worker slashes by action: {}", list(&stats.slashes));
    println!(
        "  $AI minted {} burned {}; CU minted {} burned {}; {} cross-contract checks; workers out entirely {}, partly {}; {} hours simulated",
        stats.ai_minted,
        stats.ai_burned,
        stats.cu_minted,
        stats.cu_burned,
        stats.deep_checks,
        stats.full_exits,
        stats.partial_exits,
        stats.seconds_simulated / 3_600
    );
}

/// Found while writing this fuzzer (its owner steps keep the registry's limits inside poai's timeline, so that the
/// liveness checks hold): poai checks that the registry's settlement grace exceeds its verification span (epoch +
/// commit + reveal) when poai's parameters or its registry change (`check_timelines`), but the registry's admin can
/// lower the grace afterwards and nothing checks it. A job submitted then and attested shortly before its `finish_by`
/// can be timed out while its verification is still open: its verdicts cannot all be revealed, `Finalize` comes too
/// late, and a refuted attestation escapes its slash unless enough reveals are in by the timeout (issue 18, item 7).
/// Fixed: the registry now reads poai's timeline whenever its limits change and refuses limits that do not fit
/// (`hmm::job::check_timelines`, the same rule poai applies), so the update below is refused.
#[test]
fn a_registry_grace_shorter_than_verification_is_refused() {
    let mut f = Fuzz::new(1);
    let (owner, registry, poai) = (f.s.owner.clone(), f.s.registry.clone(), f.s.poai.clone());
    let mut limits = f.limits();
    limits.settlement_grace = 1;
    let update = JobExec::UpdateConfig {
        orderbook: None,
        poai: None,
        limits: Some(limits),
    };
    if f.s
        .app
        .execute_contract(owner, registry.clone(), &update, &[])
        .is_err()
    {
        return;
    }
    let (w, client, key) = (f.s.workers[0].clone(), f.s.client.clone(), Key::secp(11));
    f.s.onboard(&w, &key, 10_000 * UNIT, 200 * UNIT);
    let (mut spec, input) = f.spec(10 * UNIT);
    spec.max_spend = Uint128::new(1_000 * UNIT);
    spec.start_by = f.now() + 2 * MIN_START_WINDOW;
    spec.finish_by = spec.start_by + 100;
    let finish_by = spec.finish_by;
    let submit = Cw20ExecuteMsg::Send {
        contract: registry.to_string(),
        amount: Uint128::new(1_000 * UNIT),
        msg: to_json_binary(&JobReceive::SubmitJob { spec }).unwrap(),
    };
    let res =
        f.s.app
            .execute_contract(client, f.s.ai.clone(), &submit, &[]);
    let job_id: u64 = attribute(&res.unwrap(), &registry, "job_id")
        .unwrap()
        .parse()
        .unwrap();
    for msg in [JobExec::TakeJob { job_id }, JobExec::StartJob { job_id }] {
        if f.s
            .app
            .execute_contract(w.clone(), registry.clone(), &msg, &[])
            .is_err()
        {
            return;
        }
    }
    // The worker attests in the last second allowed.
    f.s.wait(finish_by - f.now());
    let signed = Signed {
        job_id,
        worker: w.to_string(),
        input,
        output: sha(b"output"),
        io_root: sha(b"io"),
        tee: sha(b"tee"),
        proof: None,
        used: None,
    };
    let attest = f.s.attest_signed(&signed, &key);
    f.s.app.execute_contract(w, poai, &attest, &[]).unwrap();
    let (job, att) = (f.rjob(job_id).unwrap(), f.attestation(job_id).unwrap());
    assert!(
        att.reveal_end <= job.settle_by,
        "the registry may time job {job_id} out after {} (settle_by), before its verification ends at {}",
        job.settle_by,
        att.reveal_end
    );
}
