//! Issue 19: a contract holding real state migrates from the last release to the code under test, and every query
//! answer stays the same.
//!
//! The whole stack is deployed from the release's artifacts (`tests/vm/fixtures/v0.3.0/`, see its README), filled
//! with state by `scenarios::populate`, and every query answer of hmm-pool, job-registry and poai is recorded as
//! raw JSON bytes (every `QueryMsg` variant, parameterised ones for every pool, class, job, address, epoch and page
//! the state holds; contract errors are answers too and are compared as their text), with each contract's cw2
//! record (`contract_info`). Then the three contracts are migrated, as wasmd's `MsgMigrateContract` does, to the
//! artifacts under test (`artifacts/`, or `HMM_ARTIFACTS_DIR`) with `{}`; at the same block every answer must be
//! byte-identical, except:
//! - the cw2 version: the contract name must stay, the version must be the one the new code's `migrate` reports
//!   in its `version` attribute (if it reports one) and not lower than the release's;
//! - the queries listed in [`SHAPE_CHANGES`], whose JSON shape the new code changes on purpose.
//!
//! Then a swap, a settled batch and a job through its whole lifecycle run on the migrated contracts, and the token
//! balances are checked against the contracts' books.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cosmwasm_std::{Binary, Decimal256, SignedDecimal256, Uint128};
use serde::Serialize;
use serde_json::Value;
use vm_tests::chain::{artifacts_ready, code, store_code, Chain, ChainError};
use vm_tests::read_artifact;
use vm_tests::scenarios::exchange::{job_sla, swap_checked, UNIT};
use vm_tests::scenarios::populate::{self, advance_to, Populated};

/// The release the fixtures were built from (`tests/vm/fixtures/<this>/`).
const FROM: &str = "v0.3.0";
/// The contracts migrated (ai-token stays on the release's code: the cw20 tokens are not part of issue 19).
const MIGRATED: [&str; 3] = ["hmm-pool", "job-registry", "poai"];

/// Queries whose JSON shape the new code changes on purpose, as (contract crate, the query's top-level key,
/// why). Their answers are not compared (the new shape has its own tests). Empty: every answer must be identical.
const SHAPE_CHANGES: &[(&str, &str, &str)] = &[
    (
        "hmm-pool",
        "efe_rank",
        "moved to job-registry's `efe_rank` in 0.4.0 (the pool refuses it now); the registry's answer after the \
         migration is compared with the pool's before it",
    ),
    (
        "hmm-pool",
        "route",
        "moved to the router in 0.5.0 (the pool refuses it now); the router's `legs` and `total_cost` after the \
         migration are compared with the pool's answer before it",
    ),
    (
        "hmm-pool",
        "config",
        "loses `owner` and `pending_owner` in 0.6.0 (cw-ownable's `ownership` answers them); every other field is \
         compared",
    ),
    (
        "job-registry",
        "config",
        "gains `router` in 0.5.0, loses `admin` in 0.6.0 (cw-ownable's `ownership` answers it) and gains \
         `orderbook` (none until set) in 0.7.0; every other field is compared",
    ),
];
/// The contracts of the release's fixtures (the router is new since).
const FIXTURES: [&str; 4] = ["ai-token", "hmm-pool", "job-registry", "poai"];

fn fixtures_dir() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.join("fixtures").join(FROM)
}

/// One query: the contract's crate, its address, the message.
struct Query {
    krate: &'static str,
    contract: String,
    msg: Value,
}

impl Query {
    fn key(&self) -> String {
        match &self.msg {
            Value::Object(m) => m.keys().next().cloned().unwrap_or_default(),
            _ => String::new(),
        }
    }
}

#[derive(Default)]
struct Queries(Vec<Query>);

impl Queries {
    fn add<M: Serialize>(&mut self, krate: &'static str, contract: &str, msg: &M) {
        self.0.push(Query {
            krate,
            contract: contract.to_string(),
            msg: serde_json::to_value(msg).expect("a query message serialises"),
        });
    }
}

/// An answer: the JSON bytes, or the contract's error text.
type Answer = Result<Vec<u8>, String>;

fn answers(chain: &Chain, queries: &Queries) -> Vec<Answer> {
    queries
        .0
        .iter()
        .map(|q| match chain.query_bytes(&q.contract, &q.msg) {
            Ok(bytes) => Ok(bytes),
            Err(ChainError::Contract { error, .. }) => Err(error),
            Err(e) => panic!("{} {}: {e}", q.krate, q.msg),
        })
        .collect()
}

fn u(a: u128) -> Uint128 {
    Uint128::new(a)
}

/// Every query of the three contracts, for every id, address and page the state holds.
/// The `EfeRank` query as 0.3 sent it to the pool, as JSON (`hmm::pool::QueryMsg` no longer has it; since 0.4.0 the
/// registry answers the same fields as `hmm::job::QueryMsg::EfeRank`).
fn old_pool_efe_rank(p: &Populated) -> serde_json::Value {
    let x = &p.x;
    let item = |token: &str, amount: u128| hmm::router::BundleItem {
        cu_token: token.to_string(),
        amount: Uint128::new(amount),
        pools: vec![],
    };
    let policy = |items: Vec<hmm::router::BundleItem>, gain: i32| hmm::job::EfePolicy {
        items,
        sla: job_sla(),
        info_gain: SignedDecimal256::percent(gain as i64),
        utility: SignedDecimal256::percent(50),
    };
    serde_json::json!({ "efe_rank": {
        "policies": [
            policy(vec![item(&x.cu_a, 5 * UNIT)], 100),
            policy(x.cu5.iter().map(|t| item(t, UNIT)).collect(), 300),
            policy(vec![item(&x.cu_h, 100_000 * UNIT)], 100),
        ],
        "beta": Decimal256::percent(50),
        "cost_sensitivity": Decimal256::from_ratio(1u128, UNIT),
    }})
}

fn all_queries(chain: &Chain, p: &Populated) -> Queries {
    use hmm::job::QueryMsg as J;
    use hmm::poai::QueryMsg as P;
    use hmm::pool::QueryMsg as Q;
    let (x, j) = (&p.x, &p.j);
    let mut qs = Queries::default();
    let mut accounts = p.accounts();
    accounts.extend([j.registry.clone(), j.poai.clone(), x.pool.clone()]);

    // hmm-pool
    let pool = "hmm-pool";
    qs.add(pool, &x.pool, &Q::Config {});
    let pools: hmm::pool::PoolsResponse = chain
        .query(
            &x.pool,
            &Q::Pools {
                start_after: None,
                limit: Some(30),
            },
        )
        .unwrap();
    assert_eq!(pools.pools.len(), 4, "four pools");
    qs.add(
        pool,
        &x.pool,
        &Q::Pools {
            start_after: None,
            limit: None,
        },
    );
    for start_after in std::iter::once(None).chain(pools.pools.iter().map(|p| Some(p.pool_id))) {
        for limit in [Some(1), Some(2)] {
            qs.add(pool, &x.pool, &Q::Pools { start_after, limit });
        }
    }
    let mut class_tokens = Vec::new();
    for info in &pools.pools {
        let pool_id = info.pool_id;
        qs.add(pool, &x.pool, &Q::Pool { pool_id });
        qs.add(pool, &x.pool, &Q::Batch { pool_id });
        let tokens: Vec<String> = info
            .classes
            .iter()
            .map(|c| c.cu_token.to_string())
            .collect();
        for t in &tokens {
            if !class_tokens.contains(t) {
                class_tokens.push(t.clone());
            }
            qs.add(
                pool,
                &x.pool,
                &Q::SpotPrice {
                    pool_id,
                    cu_token: t.clone(),
                },
            );
            for window in [None, Some(0), Some(60), Some(200), Some(100_000)] {
                qs.add(
                    pool,
                    &x.pool,
                    &Q::Twap {
                        pool_id,
                        cu_token: t.clone(),
                        window,
                    },
                );
            }
            let buy = hmm::pool::Ask::Cu { token: t.clone() };
            for (offer, ask) in [(&x.ai, buy.clone()), (t, hmm::pool::Ask::Ai)] {
                for amount in [UNIT, 50 * UNIT] {
                    qs.add(
                        pool,
                        &x.pool,
                        &Q::Quote {
                            pool_id,
                            offer: offer.clone(),
                            ask: ask.clone(),
                            offer_amount: u(amount),
                        },
                    );
                    qs.add(
                        pool,
                        &x.pool,
                        &Q::ReverseQuote {
                            pool_id,
                            offer: offer.clone(),
                            ask: ask.clone(),
                            ask_amount: u(amount / 2),
                        },
                    );
                }
            }
        }
        for a in &tokens {
            for b in tokens.iter().filter(|b| *b != a) {
                qs.add(
                    pool,
                    &x.pool,
                    &Q::CrossPrice {
                        pool_id,
                        offer_cu: a.clone(),
                        ask_cu: b.clone(),
                    },
                );
                qs.add(
                    pool,
                    &x.pool,
                    &Q::Quote {
                        pool_id,
                        offer: a.clone(),
                        ask: hmm::pool::Ask::Cu { token: b.clone() },
                        offer_amount: u(2 * UNIT),
                    },
                );
            }
        }
        for owner in &accounts {
            qs.add(
                pool,
                &x.pool,
                &Q::Share {
                    pool_id,
                    owner: owner.clone(),
                },
            );
            qs.add(
                pool,
                &x.pool,
                &Q::ImpermanentLoss {
                    pool_id,
                    owner: owner.clone(),
                },
            );
        }
    }
    for address in &accounts {
        qs.add(
            pool,
            &x.pool,
            &Q::Owed {
                address: address.clone(),
            },
        );
    }
    let item = |t: &String, n: u128| hmm::router::BundleItem {
        cu_token: t.clone(),
        amount: u(n),
        pools: vec![],
    };
    for sla in [job_sla(), hmm::pool::SlaRequirement::default()] {
        for t in &class_tokens {
            // The pool's `Route` of 0.4 and older, as JSON (`hmm::pool::QueryMsg` has it no longer).
            qs.add(
                pool,
                &x.pool,
                &serde_json::json!({ "route": { "items": [item(t, 3 * UNIT)], "sla": sla.clone() } }),
            );
        }
        let items: Vec<_> = x.cu5.iter().map(|t| item(t, UNIT)).collect();
        qs.add(
            pool,
            &x.pool,
            &serde_json::json!({ "route": { "items": items, "sla": sla.clone() } }),
        );
    }
    qs.add(pool, &x.pool, &old_pool_efe_rank(p));

    // job-registry
    let reg = "job-registry";
    qs.add(reg, &j.registry, &J::Config {});
    qs.add(reg, &j.registry, &J::TotalEscrow {});
    // As JSON: 0.3 answers without the router.
    let config: Value = chain.query(&j.registry, &J::Config {}).unwrap();
    let job_count = config["job_count"].as_u64().expect("job_count");
    let job_ids: Vec<u64> = (1..=job_count + 1).collect();
    for &job_id in &job_ids {
        qs.add(reg, &j.registry, &J::Job { job_id });
        qs.add(reg, &j.registry, &J::Escrow { job_id });
    }
    let starts = || std::iter::once(None).chain(job_ids.iter().map(|&i| Some(i)));
    qs.add(
        reg,
        &j.registry,
        &J::Jobs {
            start_after: None,
            limit: None,
        },
    );
    for start_after in starts() {
        qs.add(
            reg,
            &j.registry,
            &J::Jobs {
                start_after,
                limit: Some(3),
            },
        );
    }
    for who in &accounts {
        for (start_after, limit) in [(None, None), (None, Some(2)), (Some(3), Some(2))] {
            qs.add(
                reg,
                &j.registry,
                &J::JobsByClient {
                    client: who.clone(),
                    start_after,
                    limit,
                },
            );
            qs.add(
                reg,
                &j.registry,
                &J::JobsByWorker {
                    worker: who.clone(),
                    start_after,
                    limit,
                },
            );
        }
    }
    use hmm::job::JobState::*;
    for state in [
        Open, Assigned, Running, Attested, Verified, Disputed, Settled, Cancelled, Expired, Failed,
    ] {
        for (start_after, limit) in [(None, None), (None, Some(1)), (Some(5), Some(30))] {
            qs.add(
                reg,
                &j.registry,
                &J::JobsByState {
                    state,
                    start_after,
                    limit,
                },
            );
        }
    }

    // poai
    let poai = "poai";
    qs.add(poai, &j.poai, &P::Config {});
    qs.add(poai, &j.poai, &P::Totals {});
    let workers = [x.worker.clone(), p.worker2.clone()];
    qs.add(
        poai,
        &j.poai,
        &P::Workers {
            start_after: None,
            limit: None,
        },
    );
    for start_after in std::iter::once(None).chain(workers.iter().cloned().map(Some)) {
        qs.add(
            poai,
            &j.poai,
            &P::Workers {
                start_after,
                limit: Some(1),
            },
        );
    }
    qs.add(
        poai,
        &j.poai,
        &P::ExpertWeights {
            workers: workers.to_vec(),
        },
    );
    for who in &accounts {
        let w = who.clone();
        qs.add(poai, &j.poai, &P::Worker { worker: w.clone() });
        qs.add(poai, &j.poai, &P::Obligations { worker: w.clone() });
        qs.add(poai, &j.poai, &P::BondRequirement { worker: w.clone() });
        qs.add(
            poai,
            &j.poai,
            &P::Eligibility {
                worker: w.clone(),
                cu: vec![hmm::poai::CuAmount {
                    token: x.cu_a.clone(),
                    amount: u(20 * UNIT),
                }],
                sla: job_sla(),
            },
        );
        qs.add(
            poai,
            &j.poai,
            &P::Verifier {
                verifier: w.clone(),
            },
        );
        qs.add(poai, &j.poai, &P::Claims { address: w.clone() });
        qs.add(poai, &j.poai, &P::PendingRewards { address: w });
    }
    for &job_id in &job_ids {
        qs.add(poai, &j.poai, &P::Attestation { job_id });
        qs.add(
            poai,
            &j.poai,
            &P::VerifyInclusion {
                job_id,
                leaf: Binary::from(b"leaf".to_vec()),
                index: 0,
                leaf_count: 1,
                proof: vec![],
            },
        );
        for v in &p.verifiers {
            qs.add(
                poai,
                &j.poai,
                &P::VerdictCommitment {
                    job_id,
                    verifier: v.clone(),
                    verdict: hmm::poai::Verdict::Valid,
                    salt: Binary::from([7u8; 16].to_vec()),
                },
            );
        }
        qs.add(
            poai,
            &j.poai,
            &P::AttestationDigest {
                job_id,
                worker: x.worker.clone(),
                input_commitment: "00".repeat(32),
                output_commitment: "11".repeat(32),
                io_merkle_root: "22".repeat(32),
                tee_report_hash: "33".repeat(32),
                proof_hash: Some("44".repeat(32)),
                used: Some(vec![hmm::poai::CuAmount {
                    token: x.cu_a.clone(),
                    amount: u(UNIT),
                }]),
            },
        );
    }
    let pc: hmm::poai::ConfigResponse = chain.query(&j.poai, &P::Config {}).unwrap();
    qs.add(poai, &j.poai, &P::Epoch { epoch: None });
    for epoch in 0..=pc.current_epoch + 1 {
        qs.add(poai, &j.poai, &P::Epoch { epoch: Some(epoch) });
    }
    for id in 1..=3 {
        qs.add(poai, &j.poai, &P::Experience { id });
    }
    qs
}

/// Prints what the state holds and checks that every job state the contracts can reach is there.
fn summarise(chain: &Chain, p: &Populated) {
    use hmm::job::JobState::*;
    let (x, j) = (&p.x, &p.j);
    let pools: hmm::pool::PoolsResponse = chain
        .query(
            &x.pool,
            &hmm::pool::QueryMsg::Pools {
                start_after: None,
                limit: Some(30),
            },
        )
        .unwrap();
    let mut positions = 0;
    for pool in &pools.pools {
        for owner in p.accounts() {
            let s: hmm::pool::ShareResponse = chain
                .query(
                    &x.pool,
                    &hmm::pool::QueryMsg::Share {
                        pool_id: pool.pool_id,
                        owner,
                    },
                )
                .unwrap();
            positions += usize::from(!s.shares.is_zero());
        }
    }
    let mut states = BTreeMap::new();
    for state in [
        Open, Assigned, Running, Attested, Verified, Disputed, Settled, Cancelled, Expired, Failed,
    ] {
        let page: hmm::job::JobsResponse = chain
            .query(
                &j.registry,
                &hmm::job::QueryMsg::JobsByState {
                    state,
                    start_after: None,
                    limit: Some(30),
                },
            )
            .unwrap();
        states.insert(format!("{state:?}"), page.jobs.len());
    }
    let config: hmm::poai::ConfigResponse = chain
        .query(&j.poai, &hmm::poai::QueryMsg::Config {})
        .unwrap();
    println!(
        "state: {} pools, {} LP positions, jobs by state {:?}, 2 workers, {} verifiers, {} epochs closed",
        pools.pools.len(),
        positions,
        states,
        p.verifiers.len(),
        config.next_epoch_to_close
    );
    for state in [
        Open, Assigned, Running, Attested, Disputed, Settled, Cancelled, Expired, Failed,
    ] {
        assert!(states[&format!("{state:?}")] > 0, "no job {state:?}");
    }
}

fn text(a: &Answer) -> String {
    match a {
        Ok(b) => String::from_utf8_lossy(b).into_owned(),
        Err(e) => format!("error: {e}"),
    }
}

fn version(v: &str) -> Vec<u64> {
    v.split(['-', '+'])
        .next()
        .unwrap_or_default()
        .split('.')
        .map(|n| n.parse().unwrap_or(0))
        .collect()
}

#[test]
fn migrating_from_the_last_release_keeps_every_query_answer() {
    let started = std::time::Instant::now();
    match artifacts_ready() {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => panic!("{e}"),
    }
    let chain = Chain::new().unwrap();
    let dir = fixtures_dir();
    for name in FIXTURES {
        let wasm = read_artifact(&dir, name).unwrap_or_else(|e| panic!("fixture {name}: {e}"));
        let old = store_code(name, &wasm).unwrap_or_else(|e| panic!("fixture {name}: {e}"));
        chain.set_code(name, old).unwrap();
    }
    let p = populate::populate(&chain).unwrap_or_else(|e| panic!("populate: {e}"));
    let (x, j) = (&p.x, &p.j);
    let addresses: BTreeMap<&str, String> = [
        ("hmm-pool", x.pool.clone()),
        ("job-registry", j.registry.clone()),
        ("poai", j.poai.clone()),
    ]
    .into();
    summarise(&chain, &p);
    let queries = all_queries(&chain, &p);
    let block = chain.block();
    let before = answers(&chain, &queries);
    let pool_efe_rank = chain.query_bytes(&x.pool, &old_pool_efe_rank(&p)).unwrap();
    // cw2's record, as a raw query of `contract_info` returns it: (contract, version).
    let cw2 = |krate: &str| -> (String, String) {
        let raw = chain
            .query_raw_key(&addresses[krate], b"contract_info")
            .unwrap()
            .unwrap_or_else(|| panic!("{krate}: no contract_info"));
        let v: Value = serde_json::from_slice(&raw).unwrap();
        let field = |f: &str| {
            v[f].as_str()
                .unwrap_or_else(|| panic!("{krate}: {v}"))
                .to_string()
        };
        (field("contract"), field("version"))
    };
    let old_versions: BTreeMap<&str, (String, String)> =
        MIGRATED.iter().map(|k| (*k, cw2(k))).collect();

    // Migrate each contract to the code under test, as MsgMigrateContract does.
    let mut reported = BTreeMap::new();
    for krate in MIGRATED {
        let new = code(krate).unwrap();
        // The registry's 0.5 migration needs the router (0.4 and older bought through the pool's own router).
        let msg = match krate {
            "job-registry" => serde_json::json!({ "router": x.router }),
            _ => serde_json::json!({}),
        };
        let res = chain
            .migrate_to(&addresses[krate], new, &msg)
            .unwrap_or_else(|e| panic!("migrating {krate}: {e}"));
        assert_eq!(chain.checksum_of(&addresses[krate]), Some(new.checksum));
        reported.insert(krate, res.attr("to_version").map(str::to_string));
        // 0.3 records had no layout-version byte: the migration rewrote every one of them.
        let converted: u64 = res
            .attr("records_converted")
            .and_then(|n| n.parse().ok())
            .unwrap_or_default();
        assert!(converted > 0, "{krate}: no record converted");
        println!("{krate}: {converted} records converted");
    }
    assert_eq!(
        chain.block(),
        block,
        "the answers are compared at the same block"
    );
    let after = answers(&chain, &queries);
    // EfeRank moved from the pool to the registry: the same question, the same answer.
    let registry_efe_rank = chain
        .query_bytes(&j.registry, &old_pool_efe_rank(&p))
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&registry_efe_rank),
        String::from_utf8_lossy(&pool_efe_rank),
        "the registry's efe_rank answers as the pool's did"
    );

    // Route moved from the pool to the router: the same plan for the same question.
    let mut routes = 0;
    let mut configs = 0;
    for ((q, b), a) in queries.0.iter().zip(&before).zip(&after) {
        match (q.krate, q.key().as_str()) {
            ("hmm-pool", "route") => {
                let router = chain.query_bytes(&x.router, &q.msg);
                let plan = |bytes: &[u8]| {
                    let v: Value = serde_json::from_slice(bytes).unwrap();
                    (v["legs"].clone(), v["total_cost"].clone())
                };
                match (b, router) {
                    (Ok(b), Ok(r)) => assert_eq!(plan(&r), plan(b), "router route: {}", q.msg),
                    (Err(b), Err(ChainError::Contract { error, .. })) => {
                        assert_eq!(error, *b, "router route refusal: {}", q.msg)
                    }
                    (b, r) => panic!("route {}: pool {b:?}, router {r:?}", q.msg),
                }
                routes += 1;
            }
            (krate @ ("hmm-pool" | "job-registry"), "config") => {
                let (Ok(b), Ok(a)) = (b, a) else {
                    panic!("{krate} config: {b:?} {a:?}")
                };
                let mut a: Value = serde_json::from_slice(a).unwrap();
                let mut b: Value = serde_json::from_slice(b).unwrap();
                let (a_fields, b_fields) = (a.as_object_mut().unwrap(), b.as_object_mut().unwrap());
                // The owner left the config for cw-ownable's item (0.6.0 pool and registry).
                let owner_key = if krate == "job-registry" {
                    "admin"
                } else {
                    "owner"
                };
                let owner = b_fields.remove(owner_key);
                assert_eq!(
                    owner,
                    Some(Value::String(x.owner.clone())),
                    "{krate} config"
                );
                let pending = b_fields.remove("pending_owner");
                if krate == "hmm-pool" {
                    // populate proposed a new owner; the migration drops the proposal (see below).
                    assert_eq!(pending, Some(Value::String(p.new_owner.clone())));
                }
                if krate == "job-registry" {
                    let router = a_fields.remove("router");
                    assert_eq!(router, Some(Value::String(x.router.clone())));
                    // 0.7.0 pays an order book once its owner sets one: none after the migration.
                    assert_eq!(a_fields.remove("orderbook"), Some(Value::Null));
                }
                assert_eq!(a, b, "{krate} config: the other fields");
                // The stored owner is cw-ownable's now, with no transfer pending (the pool's 0.5 proposal is
                // dropped: the owner proposes again).
                let ownership: Value = chain
                    .query(&addresses[krate], &serde_json::json!({ "ownership": {} }))
                    .unwrap();
                assert_eq!(
                    ownership,
                    serde_json::json!({
                        "owner": x.owner,
                        "pending_owner": null,
                        "pending_expiry": null
                    }),
                    "{krate} ownership"
                );
                configs += 1;
            }
            _ => {}
        }
    }
    assert!(routes > 0, "route answers compared");
    assert_eq!(configs, 2, "the pool's and the registry's configs compared");

    // cw2: same contract, the new version.
    for krate in MIGRATED {
        let ((old_name, old), (name, new)) = (&old_versions[krate], cw2(krate));
        assert_eq!(&name, old_name, "{krate}: cw2 contract name");
        assert!(
            version(&new) >= version(old),
            "{krate}: cw2 version {new} after migrating from {old}"
        );
        if let Some(v) = &reported[krate] {
            assert_eq!(&new, v, "{krate}: cw2 version = what migrate reports");
        }
        println!("{krate}: cw2 {name} {old} -> {new}");
    }

    // Every answer byte-identical, except the declared shape changes.
    let mut per_contract: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut diffs = Vec::new();
    for ((q, b), a) in queries.0.iter().zip(&before).zip(&after) {
        let key = q.key();
        if let Some((_, _, why)) = SHAPE_CHANGES
            .iter()
            .find(|(k, m, _)| *k == q.krate && *m == key)
        {
            skipped.push(format!("{} {key}: {why}", q.krate));
            continue;
        }
        let entry = per_contract.entry(q.krate).or_default();
        entry.0 += 1;
        entry.1 += usize::from(b.is_err());
        if a != b {
            diffs.push(format!(
                "{} {}\n  before: {}\n  after:  {}",
                q.krate,
                q.msg,
                text(b),
                text(a)
            ));
        }
    }
    for (krate, (n, errors)) in &per_contract {
        println!("{krate}: {n} query answers compared ({errors} of them contract errors)");
    }
    println!(
        "{} answers compared, + {} cw2 records; {} skipped as declared shape changes",
        per_contract.values().map(|v| v.0).sum::<usize>(),
        MIGRATED.len(),
        skipped.len()
    );
    assert!(
        diffs.is_empty(),
        "{} query answers changed by the migration:\n{}",
        diffs.len(),
        diffs
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );

    // The migrated contracts work: a swap, the waiting batch settled, a job through its lifecycle.
    swap_checked(x, x.bilinear, &x.ai, &x.cu_a, 7 * UNIT, None, "", None).unwrap();
    let batch: hmm::pool::BatchResponse = chain
        .query(
            &x.pool,
            &hmm::pool::QueryMsg::Batch {
                pool_id: p.batch_pool,
            },
        )
        .unwrap();
    advance_to(&chain, batch.window_end.expect("a waiting batch") + 1);
    chain
        .execute(
            &x.anyone,
            &x.pool,
            &hmm::pool::ExecuteMsg::SettleBatch {
                pool_id: p.batch_pool,
                defer: vec![],
            },
        )
        .unwrap();
    chain
        .execute(&p.worker2, &j.poai, &hmm::poai::ExecuteMsg::Heartbeat {})
        .unwrap();
    let job_id = populate::submit_job(x, j, &x.client, 100_000).unwrap();
    populate::take(x, j, &p.worker2, job_id).unwrap();
    let att = populate::attest(x, j, &p.worker2, &populate::enclave_key2(), job_id).unwrap();
    advance_to(&chain, att.attestation.unwrap().reveal_end);
    chain
        .execute(
            &x.anyone,
            &j.poai,
            &hmm::poai::ExecuteMsg::Finalize { job_id },
        )
        .unwrap();
    let job: hmm::job::JobResponse = chain
        .query(&j.registry, &hmm::job::QueryMsg::Job { job_id })
        .unwrap();
    assert_eq!(job.state, hmm::job::JobState::Settled);
    let att: hmm::poai::AttestationResponse = chain
        .query(&j.poai, &hmm::poai::QueryMsg::Attestation { job_id })
        .unwrap();
    assert_eq!(att.state, hmm::poai::AssignmentState::Succeeded);
    populate::check_books(x, j).unwrap();
    println!("run time {:.1} s", started.elapsed().as_secs_f64());
}
