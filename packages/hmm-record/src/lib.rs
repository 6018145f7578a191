//! The contracts' storage codec and migration policy, in one place (docs/storage.md).
//!
//! **Records.** Every stored struct is a plain serde type, kept in cw-storage-plus containers through the thin
//! wrappers [`Item`] and [`Map`] (the same keys and method names). A value is a compact record: one layout-version
//! byte, then the fields in declaration order in [postcard](https://postcard.jamesmunns.com/wire-format) (varints,
//! no field names; cosmwasm-std's numbers and addresses stay strings), carried as a base64 JSON string so that
//! cw-storage-plus containers, `IndexedMap`s and raw queries keep working ([`Stored`]). Measured against plain JSON
//! (docs/storage.md): JSON made the job and poai messages 7–15 % dearer in SDK gas and, with a migration that
//! converts, put poai and the pool over the 600 KiB artifact limit. The version is the container's const parameter:
//! a change to a record's fields bumps it, and `migrate` converts the old records; a record of another version is a
//! parse error naming both, never misread. The pool record, written by every swap, is raw binary instead (`hmm-pool`'s
//! `record.rs`: a format byte first; the client decoder is `scripts/pool_record.py`).
//!
//! **Migration.** One policy for every contract: [`migrate`] ([`ensure_migratable`]: the same cw2 name, a semver
//! version not newer than the code's and not older than the oldest layout the code converts; then the contract's
//! conversion). [`legacy`] converts the records of the 0.3 contracts, which had no version byte.

use cosmwasm_std::{from_json, to_json_vec, Binary, Order, Response, StdError, StdResult, Storage};
use cw2::ContractVersion;
use cw_storage_plus::{Bound, KeyDeserialize, PrimaryKey};
use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `T` as a compact record of layout version `V`: what the containers hold (code sees `T`).
#[derive(Clone, Debug, PartialEq)]
pub struct Stored<T, const V: u8>(pub T);

/// A record's bytes: the version `V`, then the fields (postcard).
pub fn to_bytes<T: Serialize, const V: u8>(value: &T) -> StdResult<Vec<u8>> {
    postcard::to_extend(value, vec![V])
        .map_err(|e| StdError::serialize_err(std::any::type_name::<T>(), e))
}

/// A record from its bytes; refused if its version is not `V` or bytes are left over (another layout).
pub fn from_bytes<T: DeserializeOwned, const V: u8>(bytes: &[u8]) -> StdResult<T> {
    let fields = fields_of(bytes, V)?;
    match postcard::take_from_bytes::<T>(fields) {
        Ok((value, [])) => Ok(value),
        Ok(_) => Err(malformed("bytes left after the record")),
        Err(_) => Err(malformed("its fields do not parse")),
    }
}

/// The fields of a record of version `version` (out of line: one copy for every record type).
#[inline(never)]
fn fields_of(bytes: &[u8], version: u8) -> StdResult<&[u8]> {
    match bytes.split_first() {
        Some((&stored, fields)) if stored == version => Ok(fields),
        Some((&stored, _)) => Err(StdError::parse_err(
            "record",
            format!("layout version {stored}, this code reads {version}: migrate the contract"),
        )),
        None => Err(malformed("empty")),
    }
}

fn malformed(why: &str) -> StdError {
    StdError::parse_err("record", why)
}

impl<T: Serialize, const V: u8> Serialize for Stored<T, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes = to_bytes::<T, V>(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&Binary::new(bytes).to_base64())
    }
}

impl<'de, T: DeserializeOwned, const V: u8> Deserialize<'de> for Stored<T, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = Binary::from_base64(&text).map_err(de::Error::custom)?;
        from_bytes::<T, V>(&bytes)
            .map(Stored)
            .map_err(de::Error::custom)
    }
}

/// A cw-storage-plus `Item` of `T`, stored as a compact record of version `V`.
pub struct Item<T, const V: u8>(cw_storage_plus::Item<Stored<T, V>>);

impl<T: Serialize + DeserializeOwned, const V: u8> Item<T, V> {
    /// The item under `key`.
    pub const fn new(key: &'static str) -> Self {
        Item(cw_storage_plus::Item::new(key))
    }

    /// The storage key.
    pub fn as_slice(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// Stores `value`.
    pub fn save(&self, storage: &mut dyn Storage, value: &T) -> StdResult<()> {
        storage.set(self.0.as_slice(), &encode::<T, V>(value)?);
        Ok(())
    }

    /// The value; an error if there is none.
    pub fn load(&self, storage: &dyn Storage) -> StdResult<T> {
        self.0.load(storage).map(|s| s.0)
    }

    /// The value, if there is one.
    pub fn may_load(&self, storage: &dyn Storage) -> StdResult<Option<T>> {
        self.0.may_load(storage).map(|s| s.map(|s| s.0))
    }
}

/// The stored form of `value`: the JSON string of the record's base64 (without cloning `value` into [`Stored`]).
fn encode<T: Serialize, const V: u8>(value: &T) -> StdResult<Vec<u8>> {
    to_json_vec(&Binary::new(to_bytes::<T, V>(value)?).to_base64())
}

/// A cw-storage-plus `Map` of `T`, stored as compact records of version `V`.
pub struct Map<K, T, const V: u8>(cw_storage_plus::Map<K, Stored<T, V>>);

impl<'a, K: PrimaryKey<'a>, T: Serialize + DeserializeOwned, const V: u8> Map<K, T, V> {
    /// The map named `namespace`.
    pub const fn new(namespace: &'static str) -> Self {
        Map(cw_storage_plus::Map::new(namespace))
    }

    /// The namespace (keys start with its length, two bytes, and it).
    pub fn namespace_bytes(&self) -> &[u8] {
        self.0.namespace_bytes()
    }

    /// Stores `value` under `key`.
    pub fn save(&self, storage: &mut dyn Storage, key: K, value: &T) -> StdResult<()> {
        storage.set(&self.0.key(key), &encode::<T, V>(value)?);
        Ok(())
    }

    /// The value under `key`; an error if there is none.
    pub fn load(&self, storage: &dyn Storage, key: K) -> StdResult<T> {
        self.0.load(storage, key).map(|s| s.0)
    }

    /// The value under `key`, if there is one.
    pub fn may_load(&self, storage: &dyn Storage, key: K) -> StdResult<Option<T>> {
        self.0.may_load(storage, key).map(|s| s.map(|s| s.0))
    }

    /// Whether `key` holds a value.
    pub fn has(&self, storage: &dyn Storage, key: K) -> bool {
        self.0.has(storage, key)
    }

    /// Removes the value under `key`.
    pub fn remove(&self, storage: &mut dyn Storage, key: K) {
        self.0.remove(storage, key)
    }

    /// Every record whose key starts with `prefix`, by the rest of its key, in `order`.
    pub fn prefix_range<'s>(
        &self,
        storage: &'s dyn Storage,
        prefix: K::Prefix,
        order: Order,
    ) -> impl Iterator<Item = StdResult<(<K::Suffix as KeyDeserialize>::Output, T)>> + 's
    where
        K::Suffix: PrimaryKey<'a> + KeyDeserialize,
        <K::Suffix as KeyDeserialize>::Output: 'static,
        T: 's,
    {
        self.0
            .prefix(prefix)
            .range(storage, None, None, order)
            .map(|item| item.map(|(k, s)| (k, s.0)))
    }
}

impl<'a, K, T, const V: u8> Map<K, T, V>
where
    K: PrimaryKey<'a> + KeyDeserialize,
    K::Output: 'static,
    T: Serialize + DeserializeOwned,
{
    /// The records with keys between `min` and `max`, in `order`.
    pub fn range<'s>(
        &self,
        storage: &'s dyn Storage,
        min: Option<Bound<'a, K>>,
        max: Option<Bound<'a, K>>,
        order: Order,
    ) -> impl Iterator<Item = StdResult<(K::Output, T)>> + 's
    where
        T: 's,
    {
        self.0
            .range(storage, min, max, order)
            .map(|item| item.map(|(k, s)| (k, s.0)))
    }
}

/// Why a contract refuses to migrate.
#[derive(thiserror::Error, Debug, PartialEq)]
pub enum MigrateError {
    /// The stored contract is another contract.
    #[error("cannot migrate {stored} to {expected}: another contract")]
    WrongContract {
        /// The cw2 name stored.
        stored: String,
        /// This code's cw2 name.
        expected: String,
    },
    /// The stored version is newer than this code.
    #[error("cannot migrate from version {stored} down to {new}")]
    Downgrade {
        /// The cw2 version stored.
        stored: String,
        /// This code's version.
        new: String,
    },
    /// The stored version predates the oldest layout this code converts.
    #[error("cannot migrate from version {stored}: this code converts layouts from {oldest} on")]
    TooOld {
        /// The cw2 version stored.
        stored: String,
        /// The oldest version whose state this code converts.
        oldest: String,
    },
    /// Reading or converting the stored state failed.
    #[error(transparent)]
    Std(#[from] StdError),

    /// A conversion from the stored version needs a value the old state does not hold.
    #[error("migrating from the stored version needs `{field}` in the MigrateMsg")]
    MissingField { field: &'static str },
    /// A version that is not semver.
    #[error("version {version} is not semver: {reason}")]
    InvalidVersion {
        /// The unparsable version.
        version: String,
        /// The parser's reason.
        reason: String,
    },
}

/// A semver version's precedence (semver.org §11): the numbers, then a pre-release below its release, identifiers
/// compared numerically or in ASCII order (numeric ones first), a longer list above its prefix; build metadata is
/// ignored. Hand-written rather than the `semver` crate: its parser added 6.5 KB to each artifact, which the pool at
/// the 600 KiB limit cannot spare (docs/storage.md); the tests check it against the crate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    core: [u64; 3],
    /// Empty, the release, sorts above every pre-release: stored as `(1, [])` against `(0, identifiers)`.
    pre: (u8, Vec<Identifier>),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Identifier {
    Numeric(u64),
    Text(String),
}

impl Version {
    /// Parses `major.minor.patch[-pre.release][+build]`; numbers without leading zeros, identifiers non-empty
    /// `[0-9A-Za-z-]`.
    pub fn parse(version: &str) -> Result<Version, MigrateError> {
        let invalid = |reason: &str| MigrateError::InvalidVersion {
            version: version.to_string(),
            reason: reason.to_string(),
        };
        let number = |part: &str| -> Option<u64> {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            let leading_zero = part.len() > 1 && part.starts_with('0');
            if digits && !leading_zero {
                part.parse().ok()
            } else {
                None
            }
        };
        let identifier_ok = |part: &str| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        let (rest, build) = version.split_once('+').unwrap_or((version, ""));
        if version.contains('+') && !build.split('.').all(identifier_ok) {
            return Err(invalid("bad build metadata"));
        }
        let (core, pre) = rest.split_once('-').unwrap_or((rest, ""));
        let numbers: Vec<Option<u64>> = core.split('.').map(number).collect();
        let [Some(major), Some(minor), Some(patch)] = numbers[..] else {
            return Err(invalid("expected major.minor.patch without leading zeros"));
        };
        if !rest.contains('-') {
            return Ok(Version {
                core: [major, minor, patch],
                pre: (1, vec![]),
            });
        }
        let mut identifiers = vec![];
        for part in pre.split('.') {
            if !identifier_ok(part) {
                return Err(invalid("bad pre-release identifier"));
            }
            identifiers.push(if part.bytes().all(|b| b.is_ascii_digit()) {
                Identifier::Numeric(
                    number(part)
                        .ok_or_else(|| invalid("numeric identifier with a leading zero"))?,
                )
            } else {
                Identifier::Text(part.to_string())
            });
        }
        Ok(Version {
            core: [major, minor, patch],
            pre: (0, identifiers),
        })
    }
}

/// The one migration policy (cw2's `ensure_from_older_version`, with typed errors and a floor): the stored contract
/// is `name`, its semver version is not newer than `version`, and not older than `oldest`, the oldest version whose
/// state this code converts. Returns the stored version; the caller converts and then sets the new version.
pub fn ensure_migratable(
    stored: &ContractVersion,
    name: &str,
    version: &str,
    oldest: &str,
) -> Result<Version, MigrateError> {
    if stored.contract != name {
        return Err(MigrateError::WrongContract {
            stored: stored.contract.clone(),
            expected: name.to_string(),
        });
    }
    let from = Version::parse(&stored.version)?;
    if from > Version::parse(version)? {
        return Err(MigrateError::Downgrade {
            stored: stored.version.clone(),
            new: version.to_string(),
        });
    }
    if from < Version::parse(oldest)? {
        return Err(MigrateError::TooOld {
            stored: stored.version.clone(),
            oldest: oldest.to_string(),
        });
    }
    Ok(from)
}

/// The `migrate` entry point of every contract: [`ensure_migratable`], then `convert` with the stored version (it
/// rewrites the records stored in an older layout and returns how many), then the new cw2 version.
pub fn migrate(
    storage: &mut dyn Storage,
    name: &str,
    version: &str,
    oldest: &str,
    convert: impl FnOnce(&mut dyn Storage, &Version) -> Result<u32, MigrateError>,
) -> Result<Response, MigrateError> {
    let stored = cw2::get_contract_version(storage)?;
    let from = ensure_migratable(&stored, name, version, oldest)?;
    let converted = convert(storage, &from)?;
    cw2::set_contract_version(storage, name, version)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", version)
        .add_attribute("records_converted", converted.to_string()))
}

/// The records of the 0.3 contracts (hmm-pool 0.3, job-registry and poai 0.2–0.3): the same postcard fields in the
/// same base64 JSON string, without the version byte. `migrate` adds it; no record is decoded on the way, so the
/// conversion costs no code per type.
pub mod legacy {
    use super::*;

    /// Adds `version` in front of the record stored under `key` (an `Item`); 0 or 1 records converted.
    pub fn version_item(storage: &mut dyn Storage, key: &[u8], version: u8) -> StdResult<u32> {
        let Some(stored) = storage.get(key) else {
            return Ok(0);
        };
        storage.set(key, &with_version(&stored, version)?);
        Ok(1)
    }

    /// Adds `version` in front of every record of the `Map` (or `IndexedMap`'s primary) named `namespace`; returns
    /// how many it converted. Indexes hold keys only and stay valid.
    pub fn version_map(storage: &mut dyn Storage, namespace: &[u8], version: u8) -> StdResult<u32> {
        let (start, end) = namespace_range(namespace)?;
        let stored: Vec<(Vec<u8>, Vec<u8>)> = storage
            .range(Some(&start), Some(&end), Order::Ascending)
            .collect();
        let mut converted = 0u32;
        for (key, value) in stored {
            storage.set(&key, &with_version(&value, version)?);
            converted += 1;
        }
        Ok(converted)
    }

    /// A value as a 0.3 contract stored it, decoded as `T` (for a record whose fields changed with 0.4, such as a
    /// config that lost its owner to cw-ownable: decode the old struct, then save the new one).
    pub fn decode<T: DeserializeOwned>(stored: &[u8]) -> StdResult<T> {
        let text: String = from_json(stored)?;
        match postcard::take_from_bytes::<T>(&Binary::from_base64(&text)?) {
            Ok((value, [])) => Ok(value),
            Ok(_) => Err(malformed("bytes left after the record")),
            Err(_) => Err(malformed("its fields do not parse")),
        }
    }

    fn with_version(stored: &[u8], version: u8) -> StdResult<Vec<u8>> {
        let text: String = from_json(stored)?;
        let mut bytes = vec![version];
        bytes.extend_from_slice(&Binary::from_base64(&text)?);
        to_json_vec(&Binary::new(bytes).to_base64())
    }

    /// The key range of a cw-storage-plus `Map` named `namespace`: its keys begin with the namespace's length (two
    /// bytes, big-endian) and the namespace, so no other namespace shares the range.
    fn namespace_range(namespace: &[u8]) -> StdResult<(Vec<u8>, Vec<u8>)> {
        let len = u16::try_from(namespace.len())
            .map_err(|_| StdError::generic_err("namespace longer than 65535 bytes"))?;
        let mut start = len.to_be_bytes().to_vec();
        start.extend_from_slice(namespace);
        // Past every key with this prefix: the prefix incremented as a big-endian number.
        let mut end = start.clone();
        while let Some(last) = end.pop() {
            if last < u8::MAX {
                end.push(last + 1);
                break;
            }
        }
        Ok((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{Addr, Decimal256, Uint128};
    use cw_storage_plus::IndexedMap;

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    struct Sample {
        owner: Addr,
        amount: Uint128,
        price: Decimal256,
        note: Option<String>,
        parts: Vec<(Addr, Uint128)>,
        state: Kind,
        at: u64,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Open,
        Closed { reason: String },
    }

    fn sample(at: u64) -> Sample {
        Sample {
            owner: Addr::unchecked("cosmwasm1owner"),
            amount: Uint128::new(123_456_789_000),
            price: Decimal256::percent(1_234),
            note: Some("quoted \" and \\ text".to_string()),
            parts: vec![(Addr::unchecked("cosmwasm1cu"), Uint128::MAX)],
            state: Kind::Closed {
                reason: "timeout".to_string(),
            },
            at,
        }
    }

    /// A value as the 0.3 code stored it: base64 of postcard, in a JSON string, no version.
    fn unversioned(value: &Sample) -> Vec<u8> {
        let bytes = postcard::to_allocvec(value).unwrap();
        to_json_vec(&Binary::new(bytes).to_base64()).unwrap()
    }

    fn version(v: &str) -> ContractVersion {
        ContractVersion {
            contract: "crates.io:c".to_string(),
            version: v.to_string(),
        }
    }

    #[test]
    fn a_record_is_a_versioned_base64_string_and_reads_back() {
        let item: Item<Sample, 3> = Item::new("one");
        let mut storage = MockStorage::new();
        assert_eq!(item.may_load(&storage).unwrap(), None);
        assert!(item.load(&storage).is_err());
        item.save(&mut storage, &sample(1)).unwrap();
        let stored = storage.get(b"one").unwrap();
        let text: String = from_json(&stored).unwrap();
        let bytes = Binary::from_base64(&text).unwrap();
        assert_eq!(bytes[0], 3, "the version first");
        assert_eq!(&bytes[1..], postcard::to_allocvec(&sample(1)).unwrap());
        assert_eq!(item.load(&storage).unwrap(), sample(1));
        // The same bytes read as another version: refused with both versions named, not misread.
        let other: Item<Sample, 4> = Item::new("one");
        let err = other.load(&storage).unwrap_err().to_string();
        assert!(err.contains("layout version 3, this code reads 4"), "{err}");
    }

    #[test]
    fn maps_and_indexed_maps_keep_working() {
        let map: Map<(u64, &Addr), Sample, 1> = Map::new("samples");
        let mut storage = MockStorage::new();
        let (a, b) = (Addr::unchecked("a"), Addr::unchecked("b"));
        map.save(&mut storage, (7, &a), &sample(1)).unwrap();
        map.save(&mut storage, (7, &b), &sample(2)).unwrap();
        map.save(&mut storage, (8, &a), &sample(3)).unwrap();
        assert!(map.has(&storage, (7, &b)));
        assert_eq!(map.load(&storage, (8, &a)).unwrap(), sample(3));
        let seven: Vec<_> = map
            .prefix_range(&storage, 7, Order::Ascending)
            .collect::<StdResult<_>>()
            .unwrap();
        assert_eq!(seven, vec![(a.clone(), sample(1)), (b.clone(), sample(2))]);
        let all: Vec<_> = map
            .range(&storage, None, None, Order::Descending)
            .collect::<StdResult<_>>()
            .unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0], ((8, a.clone()), sample(3)));
        map.remove(&mut storage, (7, &a));
        assert_eq!(map.may_load(&storage, (7, &a)).unwrap(), None);

        // An IndexedMap holds `Stored` directly.
        struct Idx<'a> {
            owner: cw_storage_plus::MultiIndex<'a, String, Stored<Sample, 1>, u64>,
        }
        impl cw_storage_plus::IndexList<Stored<Sample, 1>> for Idx<'_> {
            fn get_indexes(
                &'_ self,
            ) -> Box<dyn Iterator<Item = &'_ dyn cw_storage_plus::Index<Stored<Sample, 1>>> + '_>
            {
                let v: Vec<&dyn cw_storage_plus::Index<Stored<Sample, 1>>> = vec![&self.owner];
                Box::new(v.into_iter())
            }
        }
        let indexed: IndexedMap<u64, Stored<Sample, 1>, Idx> = IndexedMap::new(
            "indexed",
            Idx {
                owner: cw_storage_plus::MultiIndex::new(
                    |_, s: &Stored<Sample, 1>| s.0.owner.to_string(),
                    "indexed",
                    "indexed__owner",
                ),
            },
        );
        indexed.save(&mut storage, 1, &Stored(sample(1))).unwrap();
        let by_owner: Vec<_> = indexed
            .idx
            .owner
            .prefix("cosmwasm1owner".to_string())
            .range(&storage, None, None, Order::Ascending)
            .collect::<StdResult<_>>()
            .unwrap();
        assert_eq!(by_owner, vec![(1, Stored(sample(1)))]);
    }

    #[test]
    fn migrates_the_same_contract_from_the_oldest_layout_up_to_this_version() {
        let check =
            |stored: &str| ensure_migratable(&version(stored), "crates.io:c", "0.4.0", "0.3.0");
        assert_eq!(check("0.3.0").unwrap(), Version::parse("0.3.0").unwrap());
        assert!(check("0.3.7").is_ok());
        assert!(
            check("0.4.0").is_ok(),
            "the same version: a no-op migration"
        );
        assert!(matches!(check("0.2.9"), Err(MigrateError::TooOld { .. })));
        assert!(matches!(
            check("0.4.1"),
            Err(MigrateError::Downgrade { .. })
        ));
        assert!(
            matches!(check("0.10.0"), Err(MigrateError::Downgrade { .. })),
            "semver, not text order"
        );
        assert!(
            check("0.4.0-rc.1").is_ok(),
            "a pre-release is older than its release"
        );
        assert!(matches!(
            check("v1"),
            Err(MigrateError::InvalidVersion { .. })
        ));
        let other = ContractVersion {
            contract: "crates.io:cw20-base".to_string(),
            version: "0.3.0".to_string(),
        };
        assert!(matches!(
            ensure_migratable(&other, "crates.io:c", "0.4.0", "0.3.0"),
            Err(MigrateError::WrongContract { .. })
        ));
    }

    /// The hand-written precedence agrees with the `semver` crate on every pair of a varied list, and both refuse
    /// the same malformed versions.
    #[test]
    fn version_order_and_validity_match_the_semver_crate() {
        let versions = [
            "0.0.0",
            "0.0.1",
            "0.1.0",
            "0.3.0",
            "0.3.7",
            "0.4.0",
            "0.10.0",
            "1.0.0",
            "2.0.0",
            "10.0.0",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0-0",
            "1.0.0-1",
            "1.0.0-a-b",
            "1.0.0+build.5",
            "1.0.0-rc.1+x",
            "18446744073709551615.0.0",
        ];
        for a in versions {
            for b in versions {
                let ours = Version::parse(a).unwrap().cmp(&Version::parse(b).unwrap());
                let theirs = semver::Version::parse(a)
                    .unwrap()
                    .cmp_precedence(&semver::Version::parse(b).unwrap());
                assert_eq!(ours, theirs, "{a} vs {b}");
            }
        }
        for bad in [
            "",
            "1",
            "1.0",
            "1.0.0.0",
            "01.0.0",
            "1.00.0",
            "v1.0.0",
            "1.0.0-",
            "1.0.0-01",
            "1.0.0-a..b",
            "1.0.0+",
            "1.0.0-a+b+c",
            "1.0.0-ü",
            "18446744073709551616.0.0",
            " 1.0.0",
            "1.-1.0",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad} accepted");
            assert!(
                semver::Version::parse(bad).is_err(),
                "{bad}: the crate accepts it"
            );
        }
    }

    #[test]
    fn unversioned_records_get_their_version_in_place() {
        let mut storage = MockStorage::new();
        // A map whose name prefixes another's ("sample" / "samples") and an item named like the map: untouched.
        storage.set(
            b"\x00\x07samples\x00\x00\x00\x00\x00\x00\x00\x07",
            &unversioned(&sample(7)),
        );
        storage.set(
            b"\x00\x07samples\x00\x00\x00\x00\x00\x00\x00\x09",
            &unversioned(&sample(9)),
        );
        storage.set(
            b"\x00\x06sample\x00\x00\x00\x00\x00\x00\x00\x01",
            b"untouched",
        );
        storage.set(b"samples", b"untouched");
        storage.set(b"one", &unversioned(&sample(1)));
        assert_eq!(legacy::version_map(&mut storage, b"samples", 2).unwrap(), 2);
        assert_eq!(legacy::version_item(&mut storage, b"one", 2).unwrap(), 1);
        assert_eq!(legacy::version_item(&mut storage, b"none", 2).unwrap(), 0);
        assert_eq!(
            legacy::decode::<Sample>(&unversioned(&sample(4))).unwrap(),
            sample(4)
        );
        assert!(legacy::decode::<Sample>(b"\"AAAA\"").is_err());

        let map: Map<u64, Sample, 2> = Map::new("samples");
        let all: Vec<_> = map
            .range(&storage, None, None, Order::Ascending)
            .collect::<StdResult<_>>()
            .unwrap();
        assert_eq!(all, vec![(7, sample(7)), (9, sample(9))]);
        assert_eq!(
            Item::<Sample, 2>::new("one").load(&storage).unwrap(),
            sample(1)
        );
        assert_eq!(storage.get(b"samples").unwrap(), b"untouched");
        assert_eq!(
            storage
                .get(b"\x00\x06sample\x00\x00\x00\x00\x00\x00\x00\x01")
                .unwrap(),
            b"untouched"
        );
    }

    #[test]
    fn malformed_records_are_errors_not_panics() {
        let good = to_bytes::<Sample, 1>(&sample(3)).unwrap();
        assert_eq!(from_bytes::<Sample, 1>(&good).unwrap(), sample(3));
        let mut longer = good.clone();
        longer.push(0);
        for bad in [longer, good[..good.len() - 1].to_vec(), vec![1], vec![]] {
            assert!(from_bytes::<Sample, 1>(&bad).is_err());
        }
        for bad in [&b"\"not base64!\""[..], b"{}", b""] {
            assert!(from_json::<Stored<Sample, 1>>(bad).is_err());
        }
    }
}
