//! Compact stored records.
//!
//! cw-storage-plus stores every value as JSON, and serde derives a JSON reader for each stored type: field-name
//! matching, missing and duplicate field errors, one visitor per struct. That reader is a large part of a
//! contract's wasm (docs/wasm-size.md) and of the gas of every load. A type made a record with [`record!`] is
//! stored instead as its fields in order, in [postcard](https://docs.rs/postcard) (varints, no names), inside a
//! base64 JSON string, so cw-storage-plus's `Item`, `Map` and `IndexedMap` keep working unchanged.
//!
//! A record type derives serde with `#[serde(remote = "Self")]`: the derive then writes inherent
//! `serialize`/`deserialize` functions rather than the traits, and [`record!`] implements the traits through
//! postcard. Its fields use their own serde impls (cosmwasm-std's numbers and addresses stay decimal and bech32
//! strings). The encoding is positional: adding, removing or reordering fields changes the format, so a
//! contract that changes a record refuses to migrate from older versions or converts them.

use cosmwasm_std::{from_json, to_json_vec, Binary, StdError, StdResult, Storage};
use cw_storage_plus::Item;
use serde::de::DeserializeOwned;
use serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};

/// serde, for [`record!`]'s expansion (the crate using it need not name serde itself).
#[doc(hidden)]
pub use serde as __serde;

/// A type stored as a compact record; implement it with [`record!`].
pub trait Record: Sized {
    /// The type's fields, in order, to `serializer`.
    fn serialize_fields<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// The type from its fields, in order.
    fn deserialize_fields<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

struct Fields<'a, T>(&'a T);

impl<T: Record> Serialize for Fields<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_fields(serializer)
    }
}

struct Decoded<T>(T);

impl<'de, T: Record> Deserialize<'de> for Decoded<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_fields(deserializer).map(Decoded)
    }
}

/// The record's bytes (postcard), as stored inside the base64 string.
pub fn to_bytes<T: Record>(record: &T) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_allocvec(&Fields(record))
}

/// A record from its bytes; trailing bytes are an error (they would mean another layout).
pub fn from_bytes<T: Record>(bytes: &[u8]) -> Result<T, postcard::Error> {
    let (Decoded(record), rest) = postcard::take_from_bytes::<Decoded<T>>(bytes)?;
    if rest.is_empty() {
        Ok(record)
    } else {
        Err(postcard::Error::DeserializeBadEncoding)
    }
}

/// `Serialize` of a record: its bytes as a base64 string.
pub fn serialize<T: Record, S: Serializer>(record: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let bytes = to_bytes(record).map_err(ser::Error::custom)?;
    serializer.serialize_str(&Binary::new(bytes).to_base64())
}

/// `Deserialize` of a record: a base64 string of its bytes.
pub fn deserialize<'de, T: Record, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let text = String::deserialize(deserializer)?;
    let bytes = Binary::from_base64(&text).map_err(de::Error::custom)?;
    from_bytes(&bytes).map_err(de::Error::custom)
}

/// `T` as a record, for a type that is also a message and so keeps its derived JSON impls (see [`CompactItem`]).
struct Compact<T>(T);

impl<T: Serialize + DeserializeOwned> Record for Compact<T> {
    fn serialize_fields<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
    fn deserialize_fields<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Compact)
    }
}

/// An `Item` that stores `T` as a compact record although `T`'s serde impls are JSON ones: for a type that is also
/// a message (its JSON reader is in the contract anyway), read on many messages, where the compact form saves the
/// gas of parsing names and the chain's per-byte read cost. Same key and methods as `Item`.
pub struct CompactItem<T> {
    item: Item<T>,
}

impl<T: Serialize + DeserializeOwned> CompactItem<T> {
    pub const fn new(key: &'static str) -> Self {
        CompactItem {
            item: Item::new(key),
        }
    }

    pub fn save(&self, storage: &mut dyn Storage, value: &T) -> StdResult<()> {
        let bytes =
            postcard::to_allocvec(value).map_err(|e| StdError::generic_err(e.to_string()))?;
        storage.set(self.item.as_slice(), &to_json_vec(&Binary::new(bytes))?);
        Ok(())
    }

    pub fn may_load(&self, storage: &dyn Storage) -> StdResult<Option<T>> {
        let Some(json) = storage.get(self.item.as_slice()) else {
            return Ok(None);
        };
        let bytes: Binary = from_json(json)?;
        from_bytes::<Compact<T>>(&bytes)
            .map(|Compact(value)| Some(value))
            .map_err(|e| StdError::parse_err(std::any::type_name::<T>(), e))
    }

    pub fn load(&self, storage: &dyn Storage) -> StdResult<T> {
        self.may_load(storage)?
            .ok_or_else(|| StdError::not_found(std::any::type_name::<T>()))
    }
}

/// Makes each type a [`Record`] and implements its `Serialize` and `Deserialize` through it. Each type must derive
/// `Serialize` and `Deserialize` with `#[serde(remote = "Self")]`: the expansion calls the inherent functions that
/// derive writes (without them, the calls would resolve to the traits implemented here and recurse).
#[macro_export]
macro_rules! record {
    ($($record:ty),+ $(,)?) => {$(
        impl $crate::Record for $record {
            fn serialize_fields<S: $crate::__serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$record>::serialize(self, serializer)
            }
            fn deserialize_fields<'de, D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                <$record>::deserialize(deserializer)
            }
        }
        impl $crate::__serde::Serialize for $record {
            fn serialize<S: $crate::__serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::serialize(self, serializer)
            }
        }
        impl<'de> $crate::__serde::Deserialize<'de> for $record {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::deserialize(deserializer)
            }
        }
    )+};
}

/// Whether a contract stored by `stored_contract` at `stored_version` may migrate to `contract` at `version`, whose
/// stored layout dates from `layout_since`: the same contract, not a newer version, and not one that stored an older
/// layout (this code cannot read it, and would leave unreadable state behind rather than fail the migration).
pub fn can_migrate(
    stored_contract: &str,
    stored_version: &str,
    contract: &str,
    version: &str,
    layout_since: &str,
) -> bool {
    let stored = version_key(stored_version);
    stored_contract == contract
        && stored <= version_key(version)
        && stored >= version_key(layout_since)
}

/// `major.minor.patch` as numbers, so "0.10.0" > "0.9.0" (unparsable parts count as 0).
fn version_key(version: &str) -> Vec<u64> {
    version
        .split(['.', '-'])
        .take(3)
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::MockStorage;
    use cosmwasm_std::{from_json, to_json_vec, Addr, Decimal256, Uint128};
    use cw_storage_plus::Map;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
    #[serde(remote = "Self")]
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

    crate::record!(Sample);

    fn sample() -> Sample {
        Sample {
            owner: Addr::unchecked("cosmwasm1owner"),
            amount: Uint128::new(123_456_789_000),
            price: Decimal256::percent(1_234),
            note: Some("quoted \" and \\ text".to_string()),
            parts: vec![(Addr::unchecked("cosmwasm1cu"), Uint128::MAX)],
            state: Kind::Closed {
                reason: "timeout".to_string(),
            },
            at: u64::MAX,
        }
    }

    #[test]
    fn a_record_is_a_base64_string_and_reads_back() {
        let json = to_json_vec(&sample()).unwrap();
        assert_eq!(json.first(), Some(&b'"'));
        assert!(
            !String::from_utf8_lossy(&json).contains("owner"),
            "no field names"
        );
        assert_eq!(from_json::<Sample>(&json).unwrap(), sample());
    }

    #[test]
    fn a_record_works_in_cw_storage_plus_maps() {
        let map: Map<u64, Sample> = Map::new("samples");
        let mut storage = MockStorage::new();
        map.save(&mut storage, 7, &sample()).unwrap();
        assert_eq!(map.load(&storage, 7).unwrap(), sample());
        let all: Vec<_> = map
            .range(&storage, None, None, cosmwasm_std::Order::Ascending)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(all, vec![(7, sample())]);
    }

    #[test]
    fn migrates_only_the_same_contract_from_its_layout_up_to_its_version() {
        use super::{can_migrate, version_key};
        let ok = |name, version| can_migrate(name, version, "crates.io:c", "0.3.0", "0.2.0");
        assert!(ok("crates.io:c", "0.2.0"));
        assert!(ok("crates.io:c", "0.2.7"));
        assert!(ok("crates.io:c", "0.3.0"));
        assert!(!ok("crates.io:c", "0.1.9"), "an older layout");
        assert!(!ok("crates.io:c", "0.3.1"), "a newer version");
        assert!(!ok("crates.io:c", "99.0.0"));
        assert!(!ok("crates.io:cw20-base", "0.2.0"), "another contract");
        assert!(version_key("0.10.0") > version_key("0.9.0"));
        assert!(version_key("1.0.0-rc1") < version_key("1.0.1"));
    }

    #[test]
    fn a_compact_item_keeps_a_json_type_compact() {
        let item: super::CompactItem<Kind> = super::CompactItem::new("kind");
        let mut storage = MockStorage::new();
        assert_eq!(item.may_load(&storage).unwrap(), None);
        assert!(item.load(&storage).is_err());
        let value = Kind::Closed {
            reason: "done".to_string(),
        };
        item.save(&mut storage, &value).unwrap();
        assert_eq!(item.load(&storage).unwrap(), value);
        let stored = cosmwasm_std::Storage::get(&storage, b"kind").unwrap();
        assert!(
            !String::from_utf8_lossy(&stored).contains("closed"),
            "no names"
        );
        cosmwasm_std::Storage::set(&mut storage, b"kind", br#""AQ==""#);
        assert!(item.load(&storage).is_err(), "a bad record is an error");
    }

    #[test]
    fn malformed_records_are_errors_not_panics() {
        let good = super::to_bytes(&sample()).unwrap();
        // Every truncation, a trailing byte, bad base64 and a JSON object all fail cleanly.
        for cut in 0..good.len() {
            assert!(
                super::from_bytes::<Sample>(&good[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(super::from_bytes::<Sample>(&longer).is_err());
        assert!(from_json::<Sample>(br#""not base64!""#).is_err());
        assert!(from_json::<Sample>(br#"{"owner":"x"}"#).is_err());
    }
}
