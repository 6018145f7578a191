//! The messages of `ai-token`. The instantiate/migrate messages and the extra query live in the shared `hmm` package;
//! execute messages and standard queries are cw20-base's.

use cosmwasm_schema::QueryResponses;
use schemars::JsonSchema;
use serde::de::value::EnumAccessDeserializer;
use serde::de::{DeserializeSeed, EnumAccess, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

pub use cw20_base::msg::ExecuteMsg;
pub use hmm::token::{
    InstantiateMarketingInfo, InstantiateMsg, MigrateMsg, ResourceMetadata,
    ResourceMetadataResponse, TokenExtQueryMsg,
};

/// Queries: every standard cw20 query (balance, token_info, minter, allowance, all_allowances, all_spender_allowances,
/// all_accounts, marketing_info, download_logo), plus `resource_metadata`.
///
/// On the wire a query is the plain cw20 JSON (e.g. `{"balance":{"address":"..."}}`) or `{"resource_metadata":{}}`,
/// never wrapped.
// Serialisation is untagged; deserialisation (the `Deserialize` impl below) dispatches on the variant name instead of
// using serde's untagged-enum buffering, which is large in wasm (docs/wasm-size.md).
#[derive(Serialize, JsonSchema, QueryResponses, Clone, Debug, PartialEq)]
#[serde(untagged)]
#[query_responses(nested)]
pub enum QueryMsg {
    /// A standard cw20 query, answered by cw20-base.
    Cw20(cw20_base::msg::QueryMsg),
    /// A query added by `ai-token`.
    Ext(TokenExtQueryMsg),
}

/// The variant names of [`TokenExtQueryMsg`] on the wire. A test checks this list against the enum.
pub const EXT_QUERY_VARIANTS: &[&str] = &["resource_metadata"];

impl<'de> Deserialize<'de> for QueryMsg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_enum("QueryMsg", &[], QueryMsgVisitor)
    }
}

struct QueryMsgVisitor;

impl<'de> Visitor<'de> for QueryMsgVisitor {
    type Value = QueryMsg;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a cw20 query or resource_metadata")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<QueryMsg, A::Error> {
        // Read the variant name, then hand the name and the rest of the input to the enum that owns it.
        let (name, variant) = data.variant::<String>()?;
        let is_ext = EXT_QUERY_VARIANTS.contains(&name.as_str());
        let replay = EnumAccessDeserializer::new(Replay { name, variant });
        if is_ext {
            TokenExtQueryMsg::deserialize(replay).map(QueryMsg::Ext)
        } else {
            cw20_base::msg::QueryMsg::deserialize(replay).map(QueryMsg::Cw20)
        }
    }
}

/// An [`EnumAccess`] whose variant name has already been read.
struct Replay<V> {
    name: String,
    variant: V,
}

impl<'de, V: serde::de::VariantAccess<'de>> EnumAccess<'de> for Replay<V> {
    type Error = V::Error;
    type Variant = V;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, V), V::Error> {
        let value = seed.deserialize(self.name.into_deserializer())?;
        Ok((value, self.variant))
    }
}
