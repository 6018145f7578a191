//! `ai-token`: the $AI token and the compute-unit (CU) tokens, one cw20 code for all of them.
//!
//! The execute messages and the standard queries are exactly cw20-base's (`cw20::Cw20ExecuteMsg`, `cw20_base::msg::QueryMsg`),
//! so wallets and explorers see a plain cw20 token. This module holds what the HMM exchange adds: the instantiate message
//! with the optional [`ResourceMetadata`] of a CU token, and one extra query, [`TokenExtQueryMsg::ResourceMetadata`].
//!
//! [`QueryMsg`] is every query the token answers as one flat, tagged enum: what the schema (`schema/ai-token/`) and the
//! generated clients use. The contract parses the same JSON with its own type (`ai_token::msg::QueryMsg`, cw20-base's
//! queries beside [`TokenExtQueryMsg`]); a test of `ai-token` checks that every variant here reaches it unchanged.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cw20::{
    AllAccountsResponse, AllAllowancesResponse, AllSpenderAllowancesResponse, AllowanceResponse,
    BalanceResponse, Cw20Coin, DownloadLogoResponse, Logo, MarketingInfoResponse, MinterResponse,
    TokenInfoResponse,
};

/// Instantiates one token: $AI (no `resource`) or the compute-unit token of one resource class (`resource` set).
///
/// The cw20 fields have cw20-base's meaning and checks; an unknown field is refused.
#[cw_serde]
pub struct InstantiateMsg {
    /// Human-readable name, 3 to 50 bytes of UTF-8 (e.g. "HMM AI" or "A100 GPU-hour").
    pub name: String,
    /// Ticker symbol, 3 to 12 characters of `[a-zA-Z-]`: no digits, so e.g. "HMMAI", "CU-AHUNDRED".
    pub symbol: String,
    /// Number of decimal places a client shows; at most 18. Balances are integers in the smallest unit.
    pub decimals: u8,
    /// Balances minted at instantiation (addresses must be distinct); their sum is the initial total supply.
    pub initial_balances: Vec<Cw20Coin>,
    /// Who may mint, and the optional cap on the total supply. `None`: nobody can ever mint (fixed supply).
    /// For a CU token the minter is the `poai` contract.
    pub mint: Option<MinterResponse>,
    /// Optional marketing information (project, description, marketing address, logo) shown by wallets.
    pub marketing: Option<InstantiateMarketingInfo>,
    /// The resource class this token counts, for a compute-unit token; `None` for $AI.
    /// Fixed at instantiation.
    pub resource: Option<ResourceMetadata>,
}

/// Marketing information set at instantiation, as in cw20-base.
#[cw_serde]
pub struct InstantiateMarketingInfo {
    /// URL or name of the project.
    pub project: Option<String>,
    /// Free-text description of the token.
    pub description: Option<String>,
    /// Address allowed to update the marketing information and the logo later; `None`: nobody.
    pub marketing: Option<String>,
    /// A logo: a URL, or an embedded SVG/PNG of at most 5 KiB.
    pub logo: Option<Logo>,
}

/// What one whole unit of a compute-unit token stands for.
#[cw_serde]
pub struct ResourceMetadata {
    /// Machine-readable resource class: 1 to 64 characters of `[a-z0-9-]`, e.g. "a100-hour", "vram-gb-hour".
    pub kind: String,
    /// Human-readable unit of one token, 1 to 32 bytes, e.g. "GPU-hour", "GB-hour".
    pub unit: String,
    /// Free-text description of the resource and its service level, at most 512 bytes.
    pub description: String,
}

/// The queries `ai-token` adds to the standard cw20 ones. On the wire they sit beside the cw20 queries
/// (`{"resource_metadata":{}}`), so one query message type covers both.
#[cw_serde]
#[derive(QueryResponses)]
pub enum TokenExtQueryMsg {
    /// The resource class of a compute-unit token; `resource` is `null` for $AI.
    #[returns(ResourceMetadataResponse)]
    ResourceMetadata {},
}

/// Every query of `ai-token`, flat and tagged, for the schema and clients: cw20-base's standard queries (same JSON,
/// same answers) and [`TokenExtQueryMsg`]'s. The contract itself deserialises `ai_token::msg::QueryMsg`, which
/// accepts exactly these messages (tested in `ai-token`); this type is never compiled into a contract.
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The balance of an address, in atoms; 0 if it has none.
    #[returns(BalanceResponse)]
    Balance {
        /// The account.
        address: String,
    },
    /// Name, symbol, decimals and total supply.
    #[returns(TokenInfoResponse)]
    TokenInfo {},
    /// Who may mint, and the cap on the total supply (`null` for a fixed-supply token).
    #[returns(MinterResponse)]
    Minter {},
    /// How much `spender` may still spend from `owner`'s balance (0 if unset), and when that allowance expires.
    #[returns(AllowanceResponse)]
    Allowance {
        /// The account that granted the allowance.
        owner: String,
        /// The account allowed to spend.
        spender: String,
    },
    /// The allowances an owner has granted, by spender address, paginated.
    #[returns(AllAllowancesResponse)]
    AllAllowances {
        /// The account that granted them.
        owner: String,
        /// Start after this spender address.
        start_after: Option<String>,
        /// At most this many (cw20-base: default 10, maximum 30).
        limit: Option<u32>,
    },
    /// The allowances a spender has been granted, by owner address, paginated.
    #[returns(AllSpenderAllowancesResponse)]
    AllSpenderAllowances {
        /// The account allowed to spend.
        spender: String,
        /// Start after this owner address.
        start_after: Option<String>,
        /// At most this many (cw20-base: default 10, maximum 30).
        limit: Option<u32>,
    },
    /// Every account with a balance, by address, paginated.
    #[returns(AllAccountsResponse)]
    AllAccounts {
        /// Start after this address.
        start_after: Option<String>,
        /// At most this many (cw20-base: default 10, maximum 30).
        limit: Option<u32>,
    },
    /// Project, description, marketing address and logo (as a URL or "embedded").
    #[returns(MarketingInfoResponse)]
    MarketingInfo {},
    /// The embedded logo (MIME type and bytes); an error if the logo is not embedded.
    #[returns(DownloadLogoResponse)]
    DownloadLogo {},
    /// The resource class of a compute-unit token; `resource` is `null` for $AI (as [`TokenExtQueryMsg::ResourceMetadata`]).
    #[returns(ResourceMetadataResponse)]
    ResourceMetadata {},
}

/// Answer to [`TokenExtQueryMsg::ResourceMetadata`].
#[cw_serde]
pub struct ResourceMetadataResponse {
    /// The resource class this token counts; `None` for $AI.
    pub resource: Option<ResourceMetadata>,
}

/// Migrates an `ai-token` instance to a newer code of `ai-token`. Balances, allowances and metadata are kept.
#[cw_serde]
pub struct MigrateMsg {}
