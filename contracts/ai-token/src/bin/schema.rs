//! Writes the JSON schema of `ai-token` to `schema/ai-token/` at the repository root (whatever the working directory):
//! `ai-token.json` (the whole API, cosmwasm-schema's IDL) and `raw/*.json` (one file per message and response),
//! the same files `cosmwasm_schema::write_api!` writes, in this project's one-folder-per-contract layout.

use std::fs::{create_dir_all, write};
use std::path::PathBuf;

use ai_token::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use cosmwasm_schema::{generate_api, remove_schemas};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()?;
    let out_dir = root.join("schema").join(env!("CARGO_PKG_NAME"));
    create_dir_all(&out_dir)?;
    remove_schemas(&out_dir)?;

    let api = generate_api! {
        instantiate: InstantiateMsg,
        execute: ExecuteMsg,
        query: QueryMsg,
        migrate: MigrateMsg,
    }
    .render();

    let path = out_dir.join(concat!(env!("CARGO_PKG_NAME"), ".json"));
    write(&path, api.to_string()? + "\n")?;
    println!("Exported the full API as {}", path.display());

    let raw_dir = out_dir.join("raw");
    create_dir_all(&raw_dir)?;
    remove_schemas(&raw_dir)?;
    for (filename, json) in api.to_schema_files()? {
        let path = raw_dir.join(filename);
        write(&path, json + "\n")?;
        println!("Exported {}", path.display());
    }
    Ok(())
}
