//! Writes the JSON schema of `orderbook` to `schema/orderbook/` at the repository root.

use cosmwasm_schema::generate_api;
use hmm::orderbook::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api = generate_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    };
    hmm::schema::write_contract_schema(api, env!("CARGO_MANIFEST_DIR"), env!("CARGO_PKG_NAME"))
}
