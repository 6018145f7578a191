//! `ai-token`: the $AI token and the compute-unit (CU) tokens, one cw20 code for all of them.
//!
//! The execute messages and the standard queries are exactly cw20-base's (`cw20::Cw20ExecuteMsg`, `cw20_base::msg::QueryMsg`),
//! so wallets and explorers see a plain cw20 token. This module holds what the HMM exchange adds: the instantiate message
//! with the optional [`ResourceMetadata`] of a CU token, and one extra query, [`TokenExtQueryMsg::ResourceMetadata`].
//!
//! [`ExecuteMsg`] and [`QueryMsg`] describe the token's messages for the schema (`schema/ai-token/`) and the generated
//! clients, every field documented: the execute messages are cw20's, the queries cw20-base's and
//! [`TokenExtQueryMsg`]'s as one flat, tagged enum. The contract parses the same JSON with its own types
//! (`cw20_base::msg::ExecuteMsg`, `ai_token::msg::QueryMsg`); tests of `ai-token` check that every variant here
//! reaches it unchanged.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Uint128};
use cw20::Expiration;
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

/// Every execute message of `ai-token`: cw20's (`cw20::Cw20ExecuteMsg`, which the contract parses), with every field
/// described, for the schema and clients. Amounts are token atoms; this type is never compiled into a contract.
#[cw_serde]
pub enum ExecuteMsg {
    /// Move tokens from the sender to another account (no hook is called).
    Transfer {
        /// The account credited.
        recipient: String,
        /// Atoms to move.
        amount: Uint128,
    },
    /// Destroy tokens of the sender; the total supply falls by `amount`.
    Burn {
        /// Atoms to burn.
        amount: Uint128,
    },
    /// Move tokens to a contract and call its `Receive` with `msg` (the hook: e.g. a pool's `Swap`, the router's
    /// `BuyBundle`, the registry's `SubmitJob`; see each contract's `ReceiveMsg`).
    Send {
        /// The receiving contract.
        contract: String,
        /// Atoms to move.
        amount: Uint128,
        /// The hook message, JSON in base64, passed to the contract as `Cw20ReceiveMsg::msg`.
        msg: Binary,
    },
    /// Let `spender` take `amount` more atoms from the sender's balance (`TransferFrom`, `SendFrom`, `BurnFrom`).
    IncreaseAllowance {
        /// The account allowed to spend.
        spender: String,
        /// Atoms added to the allowance.
        amount: Uint128,
        /// New expiry of the whole allowance; `None`: unchanged (never, for a new allowance).
        expires: Option<Expiration>,
    },
    /// Lower `spender`'s allowance by `amount`; an allowance that would fall to 0 or below is removed.
    DecreaseAllowance {
        /// The account allowed to spend.
        spender: String,
        /// Atoms taken off the allowance.
        amount: Uint128,
        /// New expiry of the whole allowance; `None`: unchanged.
        expires: Option<Expiration>,
    },
    /// Move tokens from `owner` to `recipient` within the sender's allowance from `owner`.
    TransferFrom {
        /// The account debited (it granted the allowance).
        owner: String,
        /// The account credited.
        recipient: String,
        /// Atoms to move.
        amount: Uint128,
    },
    /// Move tokens from `owner` to a contract and call its `Receive` with `msg`, within the sender's allowance.
    SendFrom {
        /// The account debited (it granted the allowance).
        owner: String,
        /// The receiving contract.
        contract: String,
        /// Atoms to move.
        amount: Uint128,
        /// The hook message, JSON in base64.
        msg: Binary,
    },
    /// Burn tokens of `owner` within the sender's allowance.
    BurnFrom {
        /// The account debited (it granted the allowance).
        owner: String,
        /// Atoms to burn.
        amount: Uint128,
    },
    /// The minter only: create tokens (within the cap, if any). For a CU token the minter is poai.
    Mint {
        /// The account credited.
        recipient: String,
        /// Atoms to create.
        amount: Uint128,
    },
    /// The minter only: hand minting to another address, or give it up forever.
    UpdateMinter {
        /// The new minter; `None`: nobody can mint any more.
        new_minter: Option<String>,
    },
    /// The marketing address only: change the marketing information. `None` leaves a field unchanged, `""` clears
    /// it.
    UpdateMarketing {
        /// A URL pointing to the project behind this token.
        project: Option<String>,
        /// A longer description of the token and its use.
        description: Option<String>,
        /// The address allowed to update the marketing information and the logo.
        marketing: Option<String>,
    },
    /// The marketing address only: set the logo (a URL, or an embedded SVG or PNG of at most 5 KiB).
    UploadLogo(Logo),
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
