//! The messages of `ai-token`. The instantiate/migrate messages and the extra query live in the shared `hmm` package;
//! execute messages and standard queries are cw20-base's.

use cosmwasm_schema::{cw_serde, QueryResponses};

pub use cw20_base::msg::ExecuteMsg;
pub use hmm::token::{
    InstantiateMarketingInfo, InstantiateMsg, MigrateMsg, ResourceMetadata,
    ResourceMetadataResponse, TokenExtQueryMsg,
};

/// Queries: every standard cw20 query (balance, token_info, minter, allowance, all_allowances, all_spender_allowances,
/// all_accounts, marketing_info, download_logo), plus `resource_metadata`.
///
/// Untagged: on the wire a query is the plain cw20 JSON (e.g. `{"balance":{"address":"..."}}`) or
/// `{"resource_metadata":{}}`, never wrapped.
#[cw_serde]
#[derive(QueryResponses)]
#[serde(untagged)]
#[query_responses(nested)]
pub enum QueryMsg {
    /// A standard cw20 query, answered by cw20-base.
    Cw20(cw20_base::msg::QueryMsg),
    /// A query added by `ai-token`.
    Ext(TokenExtQueryMsg),
}
