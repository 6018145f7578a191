//! Writes the JSON schema of `ai-token` to `schema/ai-token/` at the repository root (whatever the working directory):
//! `ai-token.json` (the whole API, cosmwasm-schema's IDL) and `raw/*.json` (one file per message and response).
//!
//! The execute and query schemas are `hmm::token::ExecuteMsg` and `hmm::token::QueryMsg`: the same JSON as the
//! contract's own types (cw20's execute messages; cw20-base's queries beside the extension's, hand-deserialised to
//! keep the wasm small), with every field described and the queries as one flat tagged enum, so that generated
//! clients get a method per query. Tests of `ai-token` check that each pair agrees.

use ai_token::msg::{InstantiateMsg, MigrateMsg};
use cosmwasm_schema::generate_api;
use hmm::token::{ExecuteMsg, QueryMsg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api = generate_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    };
    hmm::schema::write_contract_schema(
        api,
        None,
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_PKG_NAME"),
    )
}
