//! Writes the JSON schema of `ai-token` to `schema/ai-token/` at the repository root (whatever the working directory):
//! `ai-token.json` (the whole API, cosmwasm-schema's IDL) and `raw/*.json` (one file per message and response).
//!
//! The query schema is `hmm::token::QueryMsg`, every query as one flat tagged enum, so that generated clients get a
//! method per query; the contract parses the same JSON with its own `ai_token::msg::QueryMsg` (cw20-base's queries
//! beside the extension's, hand-deserialised to keep the wasm small), and a test checks that the two agree.

use ai_token::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg};
use cosmwasm_schema::generate_api;
use hmm::token::QueryMsg;

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
