//! The stored form of a [`Pool`]: a compact binary record instead of JSON.
//!
//! Why: every trade loads and saves its pool record once; in JSON every `Decimal256` is a decimal string that costs a
//! 256-bit parse (and a 256-bit division to print it back), and the field names are bytes the chain charges for on
//! every write (the measurements: `docs/wasm-size.md`, "Measurements behind code comments").
//!
//! Layout (format 1): a version byte, then the fields of [`Pool`] in declaration order. Integers (u64, `Uint128`,
//! and the 256-bit atomics of `Decimal256`) are written big-endian without leading zero bytes, behind one length
//! byte, so small values take few bytes. Strings are a length (as an integer) and UTF-8. Enums are one tag byte.
//! Records are read back with every length and tag checked: a malformed or foreign record is a parse error, never
//! a panic, and bytes left over are an error too.
//!
//! Keys are those cw-storage-plus would give a `Map<u64, _>` named `pools`, so a raw query by key still finds a
//! record; its value is this binary form, not JSON.

use crate::{Pool, PoolClass};
use cosmwasm_std::{Addr, Decimal256, Order, StdError, StdResult, Storage, Uint128, Uint256};
use cw_storage_plus::Map;
use hmm::pool::{CurvatureConfig, CurveKind, ExecutionMode, FeeConfig, LatencyClass, SlaTags};

/// The record format written by [`encode`]; [`decode`] refuses any other.
const FORMAT: u8 = 1;

/// The keys: those of a cw-storage-plus `Map<u64, _>` named `pools` (its values are never read through it).
const KEYS: Map<u64, ()> = Map::new("pools");

/// The storage key of pool `id`'s record in the `hmm-pool` contract (what a raw query asks for).
pub fn key(id: u64) -> Vec<u8> {
    KEYS.key(id).to_vec()
}

/// The pool records, with the calls of a cw-storage-plus `Map<u64, Pool>` that the contract uses.
pub struct PoolRecords;

impl PoolRecords {
    pub fn may_load(&self, storage: &dyn Storage, id: u64) -> StdResult<Option<Pool>> {
        storage
            .get(&key(id))
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    pub fn load(&self, storage: &dyn Storage, id: u64) -> StdResult<Pool> {
        self.may_load(storage, id)?
            .ok_or_else(|| StdError::not_found(format!("pool {id}")))
    }

    /// Saves `pool` under `id` (callers pass `pool.id`).
    pub fn save(&self, storage: &mut dyn Storage, id: u64, pool: &Pool) -> StdResult<()> {
        storage.set(&key(id), &encode(pool));
        Ok(())
    }

    /// Up to `limit` pools with ids above `start_after`, in ascending id order.
    pub fn page(
        &self,
        storage: &dyn Storage,
        start_after: Option<u64>,
        limit: usize,
    ) -> StdResult<Vec<Pool>> {
        let start = match start_after {
            Some(id) => match id.checked_add(1) {
                Some(next) => key(next),
                None => return Ok(vec![]),
            },
            None => key(0),
        };
        // One past every id: the key prefix (the namespace with its length) with its last byte incremented.
        let mut end = key(0);
        end.truncate(end.len() - 8);
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        storage
            .range(Some(&start), Some(&end), Order::Ascending)
            .take(limit)
            .map(|(_, bytes)| decode(&bytes))
            .collect()
    }
}

/// The stored form of `pool` (format 1).
pub fn encode(pool: &Pool) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(160 + 200 * pool.classes.len()));
    w.byte(FORMAT);
    w.uint(&pool.id.to_be_bytes());
    w.byte(match pool.kind {
        CurveKind::Bilinear => 0,
        CurveKind::MultiAsset => 1,
        CurveKind::TargetReserve => 2,
        CurveKind::Augmented => 3,
    });
    w.uint(&(pool.classes.len() as u64).to_be_bytes());
    for c in &pool.classes {
        w.str(c.cu_token.as_str());
        w.dec(c.weight);
        w.amount(c.target_reserve);
        w.amount(c.reference_credit);
        w.amount(c.resource_reserve);
        w.amount(c.credit_reserve);
        w.dec(c.fee_growth_resource);
        w.dec(c.price_cumulative);
        w.dec(c.last_price);
    }
    let k = &pool.curvature;
    for d in [k.lambda, k.mu, k.alpha, k.beta, k.lambda_max] {
        w.dec(d);
    }
    w.dec(pool.lambda_now);
    w.dec(pool.volatility);
    let f = &pool.fees;
    for d in [
        f.market_fee,
        f.risk_fee,
        f.volatility_fee,
        f.max_fee,
        f.burn_share,
        f.treasury_share,
    ] {
        w.dec(d);
    }
    let (tag, steps) = match pool.execution {
        ExecutionMode::Exact => (0, 0),
        ExecutionMode::Verlet { steps } => (1, steps),
        ExecutionMode::Ruth4 { steps } => (2, steps),
    };
    w.byte(tag);
    w.uint(&steps.to_be_bytes());
    w.str(&pool.sla.region);
    w.byte(match pool.sla.latency {
        LatencyClass::Realtime => 0,
        LatencyClass::Interactive => 1,
        LatencyClass::Batch => 2,
    });
    w.byte(pool.sla.privacy_tier);
    w.byte(pool.sla.tee as u8);
    w.dec(pool.max_price_impact);
    w.amount(pool.total_shares);
    w.dec(pool.fee_growth_credits);
    w.byte(pool.paused as u8);
    w.uint(&pool.last_update.to_be_bytes());
    w.uint(&pool.last_observation.to_be_bytes());
    match pool.batch_window {
        None => w.byte(0),
        Some(window) => {
            w.byte(1);
            w.uint(&window.to_be_bytes());
        }
    }
    w.0
}

/// Reads a record written by [`encode`].
pub fn decode(bytes: &[u8]) -> StdResult<Pool> {
    let mut r = Reader(bytes);
    let format = r.byte()?;
    if format != FORMAT {
        return Err(malformed(format!("unknown format {format:#04x}")));
    }
    let id = r.u64()?;
    let kind = match r.byte()? {
        0 => CurveKind::Bilinear,
        1 => CurveKind::MultiAsset,
        2 => CurveKind::TargetReserve,
        3 => CurveKind::Augmented,
        t => return Err(malformed(format!("curve kind {t}"))),
    };
    let n = r.u64()?;
    // A class takes at least 9 bytes; a count beyond what is left is malformed, not a huge allocation.
    if n > (r.0.len() / 9) as u64 {
        return Err(malformed(format!("{n} classes")));
    }
    let mut classes = Vec::with_capacity(n as usize);
    for _ in 0..n {
        classes.push(PoolClass {
            cu_token: Addr::unchecked(r.str()?),
            weight: r.dec()?,
            target_reserve: r.amount()?,
            reference_credit: r.amount()?,
            resource_reserve: r.amount()?,
            credit_reserve: r.amount()?,
            fee_growth_resource: r.dec()?,
            price_cumulative: r.dec()?,
            last_price: r.dec()?,
        });
    }
    let curvature = CurvatureConfig {
        lambda: r.dec()?,
        mu: r.dec()?,
        alpha: r.dec()?,
        beta: r.dec()?,
        lambda_max: r.dec()?,
    };
    let lambda_now = r.dec()?;
    let volatility = r.dec()?;
    let fees = FeeConfig {
        market_fee: r.dec()?,
        risk_fee: r.dec()?,
        volatility_fee: r.dec()?,
        max_fee: r.dec()?,
        burn_share: r.dec()?,
        treasury_share: r.dec()?,
    };
    let tag = r.byte()?;
    let steps = u32::try_from(r.u64()?).map_err(|_| malformed("step count".into()))?;
    let execution = match tag {
        0 => ExecutionMode::Exact,
        1 => ExecutionMode::Verlet { steps },
        2 => ExecutionMode::Ruth4 { steps },
        t => return Err(malformed(format!("execution mode {t}"))),
    };
    let region = r.str()?;
    let latency = match r.byte()? {
        0 => LatencyClass::Realtime,
        1 => LatencyClass::Interactive,
        2 => LatencyClass::Batch,
        t => return Err(malformed(format!("latency class {t}"))),
    };
    let sla = SlaTags {
        region,
        latency,
        privacy_tier: r.byte()?,
        tee: r.bool()?,
    };
    let pool = Pool {
        id,
        kind,
        classes,
        curvature,
        lambda_now,
        volatility,
        fees,
        execution,
        sla,
        max_price_impact: r.dec()?,
        total_shares: r.amount()?,
        fee_growth_credits: r.dec()?,
        paused: r.bool()?,
        last_update: r.u64()?,
        last_observation: r.u64()?,
        batch_window: match r.byte()? {
            0 => None,
            1 => Some(r.u64()?),
            t => return Err(malformed(format!("batch window tag {t}"))),
        },
    };
    if !r.0.is_empty() {
        return Err(malformed(format!("{} bytes after the record", r.0.len())));
    }
    Ok(pool)
}

fn malformed(msg: String) -> StdError {
    StdError::parse_err("pool record", msg)
}

// The field readers and writers are kept out of line: inlined into `encode` and `decode` at every field they made
// those two the pool's largest functions (7.8 KB of code for `decode`); out of line, each field costs a call
// (a few thousand VM gas, a fraction of one SDK gas per record).
struct Writer(Vec<u8>);

impl Writer {
    #[inline(never)]
    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    /// A big-endian unsigned integer without its leading zero bytes, behind its length (0 for zero).
    #[inline(never)]
    fn uint(&mut self, be: &[u8]) {
        let skip = be.iter().take_while(|&&b| b == 0).count();
        let digits = be.get(skip..).unwrap_or_default();
        // At most 32 bytes (Uint256), so the length fits a byte.
        self.0.push(digits.len() as u8);
        self.0.extend_from_slice(digits);
    }

    #[inline(never)]
    fn amount(&mut self, a: Uint128) {
        self.uint(&a.u128().to_be_bytes());
    }

    #[inline(never)]
    fn dec(&mut self, d: Decimal256) {
        self.uint(&d.atomics().to_be_bytes());
    }

    #[inline(never)]
    fn str(&mut self, s: &str) {
        self.uint(&(s.len() as u64).to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    #[inline(never)]
    fn take(&mut self, n: usize) -> StdResult<&[u8]> {
        if n > self.0.len() {
            return Err(malformed("truncated".into()));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    #[inline(never)]
    fn byte(&mut self) -> StdResult<u8> {
        self.take(1)?
            .first()
            .copied()
            .ok_or_else(|| malformed("truncated".into()))
    }

    #[inline(never)]
    fn bool(&mut self) -> StdResult<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(malformed(format!("bool {b}"))),
        }
    }

    /// An integer written by [`Writer::uint`] into `N` big-endian bytes.
    #[inline(never)]
    fn uint<const N: usize>(&mut self) -> StdResult<[u8; N]> {
        let len = self.byte()? as usize;
        if len > N {
            return Err(malformed(format!(
                "a {len}-byte integer where at most {N} fit"
            )));
        }
        let digits = self.take(len)?;
        // Right-aligned: the last `len` bytes (no index arithmetic, nothing that can panic).
        let mut be = [0u8; N];
        for (slot, digit) in be.iter_mut().rev().zip(digits.iter().rev()) {
            *slot = *digit;
        }
        Ok(be)
    }

    #[inline(never)]
    fn u64(&mut self) -> StdResult<u64> {
        Ok(u64::from_be_bytes(self.uint()?))
    }

    #[inline(never)]
    fn amount(&mut self) -> StdResult<Uint128> {
        Ok(Uint128::new(u128::from_be_bytes(self.uint()?)))
    }

    #[inline(never)]
    fn dec(&mut self) -> StdResult<Decimal256> {
        Ok(Decimal256::new(Uint256::from_be_bytes(self.uint()?)))
    }

    #[inline(never)]
    fn str(&mut self) -> StdResult<String> {
        let len = usize::try_from(self.u64()?).map_err(|_| malformed("string length".into()))?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| malformed("a string is not UTF-8".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use proptest::prelude::*;

    fn class(seed: u128) -> PoolClass {
        PoolClass {
            cu_token: Addr::unchecked(format!("cosmwasm1cu{seed}")),
            weight: Decimal256::percent(20),
            target_reserve: Uint128::new(seed),
            reference_credit: Uint128::MAX,
            resource_reserve: Uint128::zero(),
            credit_reserve: Uint128::new(1),
            fee_growth_resource: Decimal256::MAX,
            price_cumulative: Decimal256::zero(),
            last_price: Decimal256::new(Uint256::from(seed)),
        }
    }

    fn pool(id: u64, classes: usize) -> Pool {
        Pool {
            id,
            kind: CurveKind::Augmented,
            classes: (0..classes as u128).map(class).collect(),
            curvature: CurvatureConfig {
                lambda: Decimal256::percent(50),
                mu: Decimal256::permille(5),
                alpha: Decimal256::zero(),
                beta: Decimal256::one(),
                lambda_max: Decimal256::percent(150),
            },
            lambda_now: Decimal256::percent(51),
            volatility: Decimal256::new(Uint256::from(7u8)),
            fees: FeeConfig {
                market_fee: Decimal256::permille(3),
                risk_fee: Decimal256::percent(2),
                volatility_fee: Decimal256::percent(10),
                max_fee: Decimal256::percent(5),
                burn_share: Decimal256::percent(25),
                treasury_share: Decimal256::percent(10),
            },
            execution: ExecutionMode::Ruth4 { steps: u32::MAX },
            sla: SlaTags {
                region: "eu-west-ü".into(),
                latency: LatencyClass::Batch,
                privacy_tier: 3,
                tee: true,
            },
            max_price_impact: Decimal256::percent(10),
            total_shares: Uint128::new(1_000),
            fee_growth_credits: Decimal256::zero(),
            paused: true,
            last_update: u64::MAX,
            last_observation: 0,
            batch_window: Some(60),
        }
    }

    #[test]
    fn a_record_reads_back_as_written_and_is_compact() {
        for n in [0, 1, 5] {
            let p = pool(u64::MAX - n as u64, n);
            let bytes = encode(&p);
            assert_eq!(decode(&bytes).unwrap(), p);
            assert_eq!(bytes[0], FORMAT);
        }
        let mut p = pool(3, 1);
        p.execution = ExecutionMode::Verlet { steps: 8 };
        p.batch_window = None;
        p.kind = CurveKind::Bilinear;
        p.sla.region = String::new();
        assert_eq!(decode(&encode(&p)).unwrap(), p);
        // A 1-class pool with seed-default parameters: the whole record, not a field count.
        assert!(
            encode(&pool(1, 1)).len() < 400,
            "{}",
            encode(&pool(1, 1)).len()
        );
    }

    /// The pool as `scripts/pool_record.py` decodes it: `Pool`'s field names, the message types' JSON.
    fn decoded(p: &Pool) -> serde_json::Value {
        let class = |c: &PoolClass| {
            serde_json::json!({
                "cu_token": c.cu_token, "weight": c.weight, "target_reserve": c.target_reserve,
                "reference_credit": c.reference_credit, "resource_reserve": c.resource_reserve,
                "credit_reserve": c.credit_reserve, "fee_growth_resource": c.fee_growth_resource,
                "price_cumulative": c.price_cumulative, "last_price": c.last_price,
            })
        };
        serde_json::json!({
            "id": p.id, "kind": p.kind, "classes": p.classes.iter().map(class).collect::<Vec<_>>(),
            "curvature": p.curvature, "lambda_now": p.lambda_now, "volatility": p.volatility, "fees": p.fees,
            "execution": p.execution, "sla": p.sla, "max_price_impact": p.max_price_impact,
            "total_shares": p.total_shares, "fee_growth_credits": p.fee_growth_credits, "paused": p.paused,
            "last_update": p.last_update, "last_observation": p.last_observation, "batch_window": p.batch_window,
        })
    }

    /// `docs/test-vectors/pool-record.json`: records and their decoded form, which `scripts/test_vectors.py` checks
    /// against the Python decoder. `UPDATE_VECTORS=1 cargo test -p hmm-pool-engine vectors` rewrites the file.
    #[test]
    fn the_published_pool_record_vectors_match_the_encoder() {
        let mut verlet = pool(3, 1);
        verlet.execution = ExecutionMode::Verlet { steps: 8 };
        verlet.batch_window = None;
        verlet.kind = CurveKind::Bilinear;
        verlet.sla.latency = LatencyClass::Realtime;
        let cases = [
            ("one class, seed-like parameters", pool(1, 1)),
            ("two classes, extreme values, Ruth-4", pool(u64::MAX, 2)),
            ("bilinear, Verlet, continuous trading", verlet),
            ("no classes yet", pool(7, 0)),
        ];
        let vectors: Vec<serde_json::Value> = cases
            .iter()
            .map(|(name, p)| {
                let hex: String = encode(p).iter().map(|b| format!("{b:02x}")).collect();
                serde_json::json!({ "name": name, "record": hex, "pool": decoded(p) })
            })
            .collect();
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "about": "hmm-pool pool records (format 1) and their decoded form: contracts/hmm-pool/src/record.rs, scripts/pool_record.py",
            "key_of_pool_7": KEYS.key(7).iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "records": vectors,
        }))
        .unwrap()
            + "\n";
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/test-vectors/pool-record.json"
        );
        if std::env::var_os("UPDATE_VECTORS").is_some() {
            std::fs::write(path, &text).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(path).unwrap_or_default(),
            text,
            "docs/test-vectors/pool-record.json is stale: UPDATE_VECTORS=1 cargo test -p hmm-pool-engine vectors"
        );
    }

    #[test]
    fn malformed_records_are_parse_errors_not_panics() {
        let good = encode(&pool(9, 2));
        // Every truncation, including the empty record.
        for cut in 0..good.len() {
            assert!(
                matches!(decode(&good[..cut]), Err(StdError::ParseErr { .. })),
                "cut at {cut}"
            );
        }
        // Bytes after the record.
        let mut long = good.clone();
        long.push(0);
        assert!(decode(&long).is_err());
        // Another format, e.g. a JSON record of an older build.
        assert!(decode(b"{\"id\":1}").is_err());
        // A tag out of range: the curve kind is the byte after the id (1 length byte + 1 digit).
        let mut bad = good.clone();
        bad[3] = 9;
        assert!(decode(&bad).is_err());
        // An integer longer than its type: the id's length byte.
        let mut bad = good.clone();
        bad[1] = 9;
        assert!(decode(&bad).is_err());
        // A class count far beyond the bytes left.
        let mut bad = good;
        bad[4] = 8;
        bad.splice(5..5, [0xff; 7]);
        assert!(decode(&bad).is_err());
    }

    #[test]
    fn pages_follow_ids_and_stop_at_the_namespace() {
        let mut storage = MockStorage::new();
        for id in [1u64, 2, 3, 256, u64::MAX] {
            POOLS_FOR_TEST.save(&mut storage, id, &pool(id, 1)).unwrap();
        }
        // A key just past the namespace must not be read as a pool.
        storage.set(b"\x00\x05poolt", b"not a pool");
        let ids = |after, limit| -> Vec<u64> {
            POOLS_FOR_TEST
                .page(&storage, after, limit)
                .unwrap()
                .iter()
                .map(|p| p.id)
                .collect()
        };
        assert_eq!(ids(None, 10), vec![1, 2, 3, 256, u64::MAX]);
        assert_eq!(ids(Some(2), 2), vec![3, 256]);
        assert_eq!(ids(Some(256), 10), vec![u64::MAX]);
        assert_eq!(ids(Some(u64::MAX), 10), Vec::<u64>::new());
        assert_eq!(POOLS_FOR_TEST.load(&storage, 256).unwrap(), pool(256, 1));
        assert!(POOLS_FOR_TEST.may_load(&storage, 4).unwrap().is_none());
        assert!(matches!(
            POOLS_FOR_TEST.load(&storage, 4),
            Err(StdError::NotFound { .. })
        ));
    }

    const POOLS_FOR_TEST: PoolRecords = PoolRecords;

    fn any_dec() -> impl Strategy<Value = Decimal256> {
        any::<[u8; 32]>().prop_map(|b| Decimal256::new(Uint256::from_be_bytes(b)))
    }

    proptest! {
        #[test]
        fn any_pool_reads_back(
            id in any::<u64>(),
            n in 0usize..6,
            amounts in prop::array::uniform4(any::<u128>()),
            decs in prop::array::uniform4(any_dec()),
            times in any::<(u64, u64, Option<u64>)>(),
            region in "\\PC{0,12}",
        ) {
            let mut p = pool(id, n);
            for c in &mut p.classes {
                c.resource_reserve = Uint128::new(amounts[0]);
                c.credit_reserve = Uint128::new(amounts[1]);
                c.price_cumulative = decs[0];
                c.weight = decs[1];
            }
            p.total_shares = Uint128::new(amounts[2]);
            p.lambda_now = decs[2];
            p.fee_growth_credits = decs[3];
            p.last_update = times.0;
            p.last_observation = times.1;
            p.batch_window = times.2;
            p.sla.region = region;
            p.execution = ExecutionMode::Verlet { steps: amounts[3] as u32 };
            prop_assert_eq!(decode(&encode(&p)).unwrap(), p);
        }
    }
}
