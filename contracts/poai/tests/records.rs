//! `docs/test-vectors/records.json`: every compact record the contracts store (hmm-pool, job-registry, poai), read
//! raw from their storage after a scenario on the whole stack (tokens, pool, registry, poai), with the JSON of the
//! decoded value. `scripts/test_vectors.py` checks the client decoder (`scripts/records.py`) against the file; this
//! test checks the file against the contracts. `UPDATE_VECTORS=1 cargo test -p poai --test records` rewrites it.

use cosmwasm_std::{from_json, to_json_string, Addr, Decimal256, Order, Uint128};
use cw_multi_test::Executor;
use hmm::job::{CuAmount, ExecuteMsg as JobExec, RefundMode};
use hmm::poai as messages;
use hmm::poai::{AuditKind, AuditRecord, ExecuteMsg, ReceiveMsg, Verdict};
use hmm::pool::{Ask, CurveKind, ReceiveMsg as PoolReceive};
use hmm_pool::state as pool;
use hmm_record::Stored;
use hmm_testing::poai::*;
use hmm_testing::{create_pool_msg, sla_tags};
use job_registry::state as registry;
use poai::state;
use serde::de::DeserializeOwned;
use serde::Serialize;

const BOND: u128 = 10_000 * UNIT;
const RAW: u128 = 2_000 * UNIT;
const JOB_CU: u128 = 20 * UNIT;

/// The JSON of the value a stored record holds (`Stored<T, V>` → `T` → `to_json_string`).
fn json_of<T: Serialize + DeserializeOwned, const V: u8>(stored: &[u8]) -> String {
    let record: Stored<T, V> = from_json(stored).expect("a record of the collection's version");
    to_json_string(&record.0).expect("JSON")
}

/// A collection of compact records: its contract, item key or map namespace, record type and decoder.
struct Collection {
    contract: &'static str,
    namespace: &'static str,
    item: bool,
    record_type: &'static str,
    json: fn(&[u8]) -> String,
}

/// `item` or `map`, contract, item key or namespace, `module::Type` and layout version of each collection.
macro_rules! collections {
    ($($kind:ident $contract:literal $namespace:literal $module:ident::$ty:ident $v:literal;)*) => {
        &[$(Collection {
            contract: $contract,
            namespace: $namespace,
            item: is_item!($kind),
            record_type: stringify!($ty),
            json: json_of::<$module::$ty, $v>,
        }),*]
    };
}

macro_rules! is_item {
    (item) => {
        true
    };
    (map) => {
        false
    };
}

/// Every compact-record collection of the three contracts (their `state.rs`); `scripts/records.py`'s `COLLECTIONS`.
const COLLECTIONS: &[Collection] = collections! {
    item "hmm-pool" "config" pool::Config 2;
    map "hmm-pool" "positions" pool::Position 1;
    map "hmm-pool" "obs" pool::Observation 1;
    map "hmm-pool" "intents" pool::Intent 1;
    item "job-registry" "config" registry::Config 3;
    map "job-registry" "jobs" registry::Job 1;
    item "poai" "config" state::Config 1;
    item "poai" "params" messages::Params 1;
    item "poai" "totals" state::Totals 1;
    map "poai" "workers" state::Worker 1;
    map "poai" "obligations" state::ObligationState 1;
    map "poai" "jobs" state::Job 1;
    map "poai" "verifiers" state::VerifierState 1;
    map "poai" "verdicts" state::VerdictRecord 1;
    map "poai" "epochs" state::EpochState 1;
    map "poai" "points" state::Points 1;
    map "poai" "experiences" state::Experience 1;
};

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A job of `JOB_CU` CU at the registry, `start_by` in `duration / 2`, `finish_by` in `duration`; its id.
fn submit(s: &mut Suite, duration: u64) -> u64 {
    let (client, registry) = (s.client.clone(), s.registry.clone());
    s.submit_job(&client, &registry, JOB_CU, duration)
}

fn at_registry(s: &mut Suite, who: &Addr, msg: &JobExec) {
    let registry = s.registry.clone();
    s.app
        .execute_contract(who.clone(), registry, msg, &[])
        .unwrap_or_else(|e| panic!("{msg:?}: {e}"));
}

/// The worker attests `job_id` (input `input_of(0)`, as `submit` commits), with `used` and `proof`.
fn attest(s: &mut Suite, w: &Addr, key: &Key, job_id: u64, used: Option<u128>, proof: bool) {
    let used = used.map(|amount| {
        vec![CuAmount {
            token: s.cu.to_string(),
            amount: Uint128::new(amount),
        }]
    });
    let signed = Signed {
        job_id,
        worker: w.to_string(),
        input: input_of(0),
        output: output_of(job_id),
        io_root: sha(b"io"),
        tee: sha(b"tee"),
        proof: proof.then(|| sha(b"proof")),
        used,
    };
    let msg = s.attest_signed(&signed, key);
    s.exec(w, &msg).expect("attested");
}

fn commit(s: &mut Suite, v: &Addr, job_id: u64, verdict: Verdict) {
    let commitment = s.commitment(job_id, verdict, &[7u8; 32], v);
    s.exec(v, &ExecuteMsg::CommitVerdict { job_id, commitment })
        .expect("committed");
}

fn reveal(s: &mut Suite, v: &Addr, job_id: u64, verdict: Verdict, audit: Option<AuditRecord>) {
    let salt = vec![7u8; 32].into();
    let msg = ExecuteMsg::RevealVerdict {
        job_id,
        verdict,
        salt,
        audit,
    };
    s.exec(v, &msg).expect("revealed");
}

/// Until `t` (a block time not yet reached).
fn wait_until(s: &mut Suite, t: u64) {
    let now = s.now();
    s.wait(t - now);
}

/// The stack after a scenario that leaves a record of every type, with enum variants and options in several states.
fn scenario() -> Suite {
    let mut s = Suite::with_job_registry(MOCK_LIMITS);
    s.set_params(|p| p.sample_rate = Decimal256::one());
    let (w0, w1, w2) = (
        s.workers[0].clone(),
        s.workers[1].clone(),
        s.workers[2].clone(),
    );
    let (v0, v1) = (s.verifiers[0].clone(), s.verifiers[1].clone());
    let (k0, k1, k2) = (Key::secp(1), Key::ed(2), Key::p256(3));
    s.onboard(&w0, &k0, BOND, RAW);
    s.onboard(&w1, &k1, BOND, RAW);
    s.onboard(&w2, &k2, BOND, RAW);
    for v in [&v0, &v1] {
        s.register_verifier(v, VERIFIER_MIN).expect("verifier");
    }
    let (client, owner, lp) = (s.client.clone(), s.owner.clone(), s.lp.clone());
    let (ai, cu, pool) = (s.ai.clone(), s.cu.clone(), s.pool.clone());
    let bilinear = |sla| {
        create_pool_msg(
            CurveKind::Bilinear,
            std::slice::from_ref(&cu),
            Decimal256::zero(),
            sla,
        )
    };
    // A second pool of the class, as deep as the first: the jobs' CU lines are split across the two (`parts`).
    let twin = s
        .pool_create(&owner, &pool, bilinear(sla_tags(2)))
        .expect("pool");
    let deposit = [(POOL_CU, POOL_AI)];
    let cu_slice = std::slice::from_ref(&cu);
    s.pool_add_liquidity(&lp, &pool, twin, &ai, cu_slice, &deposit, 0)
        .expect("liquidity");
    let router = s.router.clone();
    s.router_register(&lp, &router, vec![twin])
        .expect("router indexes it");

    // Epoch 0: two attested jobs, one running (it will time out), two cancelled, one left open.
    let settled = submit(&mut s, 1_000);
    at_registry(&mut s, &w0, &JobExec::TakeJob { job_id: settled });
    attest(&mut s, &w0, &k0, settled, None, false);
    let refuted = submit(&mut s, 1_000);
    at_registry(&mut s, &w1, &JobExec::TakeJob { job_id: refuted });
    attest(&mut s, &w1, &k1, refuted, None, false);
    let timed_out = submit(&mut s, 200);
    at_registry(&mut s, &w2, &JobExec::TakeJob { job_id: timed_out });
    at_registry(&mut s, &w2, &JobExec::StartJob { job_id: timed_out });
    for refund in [
        RefundMode::ReturnCu,
        RefundMode::SellToPool { min_out: vec![] },
    ] {
        let job_id = submit(&mut s, 1_000);
        at_registry(&mut s, &client, &JobExec::CancelJob { job_id, refund });
    }
    submit(&mut s, 1_000);
    // Experiences: one to be scored, one not, with and without a URI.
    let first = s
        .send(
            &client,
            &ai,
            DEPOSIT,
            &ReceiveMsg::SubmitExperience {
                content_hash: hex(&sha(b"experience 1")),
                uri: Some("ipfs://experience-1".to_string()),
            },
        )
        .expect("experience");
    let first: u64 = attr(&first, "id").expect("experience id");
    let hook = ReceiveMsg::SubmitExperience {
        content_hash: hex(&sha(b"experience 2")),
        uri: None,
    };
    s.send(&client, &ai, DEPOSIT, &hook).expect("experience");

    // Epoch 1: epoch 0 closes; its jobs are judged; a job attested with a partial `used` and a proof, one disputed.
    let att = s.job(settled).attestation.expect("attested");
    wait_until(&mut s, att.commit_end - COMMIT + 1);
    for v in [&v0, &v1] {
        commit(&mut s, v, settled, Verdict::Valid);
        commit(&mut s, v, refuted, Verdict::Invalid);
    }
    let partial = submit(&mut s, 1_000);
    at_registry(&mut s, &w0, &JobExec::TakeJob { job_id: partial });
    attest(&mut s, &w0, &k0, partial, Some(JOB_CU / 4), true);
    let disputed = submit(&mut s, 1_000);
    at_registry(&mut s, &w0, &JobExec::TakeJob { job_id: disputed });
    attest(&mut s, &w0, &k0, disputed, None, false);
    let evidence_hash = hex(&sha(b"evidence"));
    s.exec(
        &v0,
        &ExecuteMsg::Dispute {
            job_id: disputed,
            evidence_hash: evidence_hash.clone(),
        },
    )
    .expect("disputed");
    wait_until(&mut s, att.commit_end + 1);
    let audit = AuditRecord {
        kind: AuditKind::CanaryPrompt,
        evidence_hash,
    };
    reveal(&mut s, &v0, settled, Verdict::Valid, Some(audit));
    reveal(&mut s, &v1, settled, Verdict::Valid, None);
    reveal(&mut s, &v0, refuted, Verdict::Invalid, None);
    reveal(&mut s, &v1, refuted, Verdict::Invalid, None);
    let score = ExecuteMsg::ScoreExperience {
        id: first,
        utility: Decimal256::percent(80),
    };
    s.exec(&owner, &score).expect("scored");

    // Epoch 2: the judged jobs finalize, the running one times out; the partial job's verdicts: one revealed, one not.
    wait_until(&mut s, att.reveal_end + 1);
    s.finalize(settled).expect("finalized");
    s.finalize(refuted).expect("finalized");
    let anyone = s.anyone.clone();
    at_registry(
        &mut s,
        &anyone,
        &JobExec::ClaimTimeout { job_id: timed_out },
    );
    let att = s.job(partial).attestation.expect("attested");
    for v in [&v0, &v1] {
        commit(&mut s, v, partial, Verdict::Valid);
    }
    wait_until(&mut s, att.commit_end + 1);
    reveal(&mut s, &v0, partial, Verdict::Valid, None);
    let assigned = submit(&mut s, 1_000);
    at_registry(&mut s, &w0, &JobExec::TakeJob { job_id: assigned });

    // The pool: an owner proposed (cw-ownable's item, not a compact record), and a batch-auction pool (SLA tier 0:
    // no job routes to it) with waiting intents.
    let proposal = hmm::pool::ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
        new_owner: s.anyone.to_string(),
        expiry: None,
    });
    s.call(&owner, &pool, &proposal).expect("proposed");
    let mut msg = bilinear(sla_tags(0));
    msg.batch_window = Some(60);
    let batch = s.pool_create(&owner, &pool, msg).expect("batch pool");
    let deposit = [(100 * UNIT, 200 * UNIT)];
    s.pool_add_liquidity(&lp, &pool, batch, &ai, cu_slice, &deposit, 0)
        .expect("liquidity");
    let buy = PoolReceive::BatchIntent {
        pool_id: batch,
        ask: Ask::Cu {
            token: cu.to_string(),
        },
        min_out: Some(Uint128::new(UNIT)),
    };
    s.cw20_send(&client, &ai, &pool, 10 * UNIT, &buy)
        .expect("intent");
    let sell = PoolReceive::BatchIntent {
        pool_id: batch,
        ask: Ask::Ai,
        min_out: None,
    };
    s.cw20_send(&lp, &cu, &pool, 5 * UNIT, &sell)
        .expect("intent");
    s
}

#[test]
fn the_published_record_vectors_match_the_contracts_storage() {
    let s = scenario();
    let contracts = [
        ("hmm-pool", s.pool.clone()),
        ("job-registry", s.registry.clone()),
        ("poai", s.poai.clone()),
    ];
    let mut vectors = vec![];
    let mut counts = std::collections::BTreeMap::new();
    for (contract, addr) in &contracts {
        let storage = s.app.contract_storage(addr);
        for (key, value) in storage.range(None, None, Order::Ascending) {
            let Some(c) = COLLECTIONS.iter().find(|c| {
                let ns = c.namespace.as_bytes();
                c.contract == *contract
                    && if c.item {
                        key == ns
                    } else {
                        key.len() > ns.len() + 2
                            && key[..2] == (ns.len() as u16).to_be_bytes()
                            && &key[2..2 + ns.len()] == ns
                    }
            }) else {
                continue;
            };
            *counts.entry((c.contract, c.record_type)).or_insert(0) += 1;
            vectors.push(serde_json::json!({
                "contract": c.contract,
                "type": c.record_type,
                "namespace": c.namespace,
                "key": hex_of(&key),
                "stored": String::from_utf8(value.clone()).expect("a JSON string"),
                "json": (c.json)(&value),
            }));
        }
    }
    for c in COLLECTIONS {
        assert!(
            counts.contains_key(&(c.contract, c.record_type)),
            "the scenario left no {} {} record",
            c.contract,
            c.record_type
        );
    }
    let text = serde_json::to_string_pretty(&serde_json::json!({
        "about": "Compact records (hmm-record: a JSON string of base64 of [layout version][postcard fields]) \
                  read raw from the contracts' storage after a scenario (contracts/poai/tests/records.rs), with \
                  the JSON of the decoded value (cosmwasm_std::to_json_string); decoder: scripts/records.py",
        "records": vectors,
    }))
    .unwrap()
        + "\n";
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/test-vectors/records.json"
    );
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(path).unwrap_or_default(),
        text,
        "docs/test-vectors/records.json is stale: UPDATE_VECTORS=1 cargo test -p poai --test records"
    );
}
