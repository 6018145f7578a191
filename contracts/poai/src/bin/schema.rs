//! Writes the JSON schema of `poai` to `schema/poai/` at the repository root. Its cw20 hook messages (`ReceiveMsg`) go to `raw/receive_msg.json`.

use cosmwasm_schema::{generate_api, schema_for};
use hmm::poai::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api = generate_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    };
    hmm::schema::write_contract_schema(
        api,
        Some(schema_for!(ReceiveMsg)),
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_PKG_NAME"),
    )
}
