//! Writing a contract's JSON schema into the repository's `schema/<contract>/` folder (used by each contract's
//! `src/bin/schema.rs`; host only, never called from a contract).

use std::fs::{create_dir_all, write};
use std::path::PathBuf;

use cosmwasm_schema::schemars::schema::RootSchema;
use cosmwasm_schema::{export_schema, remove_schemas, Api};

/// The file, in `schema/<name>/raw/`, of a contract's cw20 hook messages (its `ReceiveMsg`: what a cw20 `Send` to
/// it carries in `msg`). cosmwasm-schema's IDL has no place for them, so they sit beside the raw message schemas;
/// the SDK's code generator (`sdk/scripts/codegen.mjs`) reads them from there.
pub const RECEIVE_FILE: &str = "receive_msg.json";

/// Writes `schema/<name>/<name>.json` (the whole API, cosmwasm-schema's IDL) and `schema/<name>/raw/*.json`
/// (one file per message and response) under the repository root, two levels above `manifest_dir`; and, for a
/// contract that takes cw20 tokens, the schema of its hook messages as `raw/receive_msg.json` ([`RECEIVE_FILE`];
/// `cosmwasm_schema::schema_for!(ReceiveMsg)`).
pub fn write_contract_schema(
    api: Api,
    receive: Option<RootSchema>,
    manifest_dir: &str,
    name: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(manifest_dir).join("../..").canonicalize()?;
    let out_dir = root.join("schema").join(name);
    create_dir_all(&out_dir)?;
    remove_schemas(&out_dir)?;
    let path = out_dir.join(format!("{name}.json"));
    let api = api.render();
    write(&path, api.to_string()? + "\n")?;
    println!("Exported the full API as {}", path.display());
    let raw_dir = out_dir.join("raw");
    create_dir_all(&raw_dir)?;
    remove_schemas(&raw_dir)?;
    for (filename, json) in api.to_schema_files()? {
        let path = raw_dir.join(filename);
        write(&path, json + "\n")?;
    }
    if let Some(receive) = receive {
        // Named after the schema's title, `ReceiveMsg`: RECEIVE_FILE.
        export_schema(&receive, &raw_dir);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_schema::schema_for;

    /// `export_schema` names the file after the schema's title: every contract's hook enum lands in `RECEIVE_FILE`.
    #[test]
    fn hook_schemas_are_written_to_receive_file() {
        let dir = std::env::temp_dir().join(format!("hmm-schema-test-{}", std::process::id()));
        create_dir_all(&dir).unwrap();
        for schema in [
            schema_for!(crate::pool::ReceiveMsg),
            schema_for!(crate::router::ReceiveMsg),
            schema_for!(crate::orderbook::ReceiveMsg),
            schema_for!(crate::job::ReceiveMsg),
            schema_for!(crate::poai::ReceiveMsg),
        ] {
            export_schema(&schema, &dir);
            let path = dir.join(RECEIVE_FILE);
            assert!(path.exists(), "{}", path.display());
            std::fs::remove_file(path).unwrap();
        }
        std::fs::remove_dir(&dir).unwrap();
    }
}
