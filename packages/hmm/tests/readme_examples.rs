//! The contracts' READMEs cannot drift from the code:
//! - every JSON example (a block fenced as ```` ```json <type> ````) parses into that real message type, with the
//!   strict parser the contracts use (`cosmwasm_std::from_json`; unknown fields are refused);
//! - every execute message, query and cw20 hook of a contract has an example in its README, and so do its
//!   instantiate and migrate messages;
//! - every `ContractError` variant and every `action` attribute the contract's source emits is named in it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use cosmwasm_schema::schema_for;
use cosmwasm_std::{from_json, StdResult};
use schemars::schema::{RootSchema, Schema};

/// One fenced JSON example: its type tag, its text, where it is.
struct Example {
    tag: String,
    body: String,
    place: String,
}

/// Parses `body` as the type named by `tag`; `None` for an unknown tag.
fn parse(tag: &str, body: &str) -> Option<StdResult<()>> {
    fn check<T: serde::de::DeserializeOwned>(body: &str) -> StdResult<()> {
        from_json::<T>(body.as_bytes()).map(|_| ())
    }
    // The five message types of each `hmm` module of a contract with its own messages.
    macro_rules! module {
        ($module:ident) => {
            match tag.strip_prefix(concat!("hmm::", stringify!($module), "::")) {
                Some("InstantiateMsg") => return Some(check::<hmm::$module::InstantiateMsg>(body)),
                Some("ExecuteMsg") => return Some(check::<hmm::$module::ExecuteMsg>(body)),
                Some("ReceiveMsg") => return Some(check::<hmm::$module::ReceiveMsg>(body)),
                Some("QueryMsg") => return Some(check::<hmm::$module::QueryMsg>(body)),
                Some("MigrateMsg") => return Some(check::<hmm::$module::MigrateMsg>(body)),
                _ => {}
            }
        };
    }
    module!(pool);
    module!(job);
    module!(poai);
    module!(router);
    module!(orderbook);
    Some(match tag {
        "hmm::token::InstantiateMsg" => check::<hmm::token::InstantiateMsg>(body),
        "hmm::token::TokenExtQueryMsg" => check::<hmm::token::TokenExtQueryMsg>(body),
        "hmm::token::MigrateMsg" => check::<hmm::token::MigrateMsg>(body),
        "cw20::Cw20ExecuteMsg" => check::<cw20::Cw20ExecuteMsg>(body),
        "cw20_base::msg::QueryMsg" => check::<cw20_base::msg::QueryMsg>(body),
        _ => return None,
    })
}

/// The wire names of an enum's variants, from its JSON schema (the schema clients read).
fn variants(schema: RootSchema) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let one_of = schema
        .schema
        .subschemas
        .and_then(|s| s.one_of)
        .expect("a message enum's schema is a oneOf");
    for variant in one_of {
        let Schema::Object(object) = variant else {
            panic!("unexpected variant schema")
        };
        if let Some(values) = object.enum_values {
            names.extend(values.iter().filter_map(|v| v.as_str().map(str::to_string)));
        } else if let Some(o) = object.object {
            names.extend(o.required.iter().cloned());
        }
    }
    names
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fenced JSON examples of a Markdown file.
fn examples(readme: &Path) -> Vec<Example> {
    let text = fs::read_to_string(readme).unwrap_or_else(|e| panic!("{}: {e}", readme.display()));
    let mut out = vec![];
    let mut open: Option<(String, usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        let fence = line.trim_start();
        match &mut open {
            Some((tag, start, body)) => {
                if fence.starts_with("```") {
                    out.push(Example {
                        tag: std::mem::take(tag),
                        body: std::mem::take(body),
                        place: format!("{}:{}", readme.display(), *start + 1),
                    });
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None => {
                if let Some(info) = fence.strip_prefix("```json") {
                    open = Some((info.trim().to_string(), n, String::new()));
                }
            }
        }
    }
    assert!(open.is_none(), "{}: unclosed fence", readme.display());
    out
}

/// The JSON examples of a contract's README (there must be some).
fn readme_examples(contract: &str) -> Vec<Example> {
    let readme = repo_root()
        .join("contracts")
        .join(contract)
        .join("README.md");
    let found = examples(&readme);
    assert!(!found.is_empty(), "{}: no JSON examples", readme.display());
    found
}

/// The top-level key of an example: the variant it is (every message is `{"variant": {...}}`).
fn variant_of(body: &str) -> Option<String> {
    let rest = body
        .trim_start()
        .strip_prefix('{')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// Names of the `ContractError` variants in `error.rs` (four-space indented, capitalised).
fn error_variants(error_rs: &Path) -> Vec<String> {
    let text =
        fs::read_to_string(error_rs).unwrap_or_else(|e| panic!("{}: {e}", error_rs.display()));
    let body = text
        .split_once("pub enum ContractError {")
        .map(|(_, b)| b)
        .expect("a ContractError enum");
    let body = body.split("\n}").next().unwrap_or_default();
    body.lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| {
            l.split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// Values of the `action` attributes written literally in a contract's sources (tests excluded).
fn actions(src: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                for piece in code.split("\"action\",").skip(1) {
                    let value = piece
                        .trim_start()
                        .strip_prefix('"')
                        .and_then(|r| r.split('"').next());
                    if let Some(value) = value {
                        found.insert(value.to_string());
                    }
                }
            }
        }
    }
    found
}

/// A contract, its README's example types, and the enums whose every variant needs an example.
struct Contract {
    name: &'static str,
    /// (type tag, variants) of the execute, query and hook enums.
    enums: Vec<(&'static str, BTreeSet<String>)>,
    /// Type tags that need at least one example (instantiate, migrate).
    singles: [&'static str; 2],
    /// Action attributes emitted by a library the contract runs (cw20-base), named too.
    library_actions: &'static [&'static str],
}

/// A contract whose messages are the `hmm::<module>` types.
macro_rules! hmm_contract {
    ($name:literal, $module:ident) => {
        Contract {
            name: $name,
            enums: vec![
                (
                    concat!("hmm::", stringify!($module), "::ExecuteMsg"),
                    variants(schema_for!(hmm::$module::ExecuteMsg)),
                ),
                (
                    concat!("hmm::", stringify!($module), "::ReceiveMsg"),
                    variants(schema_for!(hmm::$module::ReceiveMsg)),
                ),
                (
                    concat!("hmm::", stringify!($module), "::QueryMsg"),
                    variants(schema_for!(hmm::$module::QueryMsg)),
                ),
            ],
            singles: [
                concat!("hmm::", stringify!($module), "::InstantiateMsg"),
                concat!("hmm::", stringify!($module), "::MigrateMsg"),
            ],
            library_actions: &[],
        }
    };
}

fn contracts() -> Vec<Contract> {
    vec![
        Contract {
            name: "ai-token",
            enums: vec![
                (
                    "cw20::Cw20ExecuteMsg",
                    variants(schema_for!(cw20::Cw20ExecuteMsg)),
                ),
                (
                    "cw20_base::msg::QueryMsg",
                    variants(schema_for!(cw20_base::msg::QueryMsg)),
                ),
                (
                    "hmm::token::TokenExtQueryMsg",
                    variants(schema_for!(hmm::token::TokenExtQueryMsg)),
                ),
            ],
            singles: ["hmm::token::InstantiateMsg", "hmm::token::MigrateMsg"],
            library_actions: &[
                "transfer",
                "burn",
                "mint",
                "send",
                "update_minter",
                "update_marketing",
                "upload_logo",
                "increase_allowance",
                "decrease_allowance",
                "transfer_from",
                "burn_from",
                "send_from",
            ],
        },
        hmm_contract!("hmm-pool", pool),
        hmm_contract!("job-registry", job),
        hmm_contract!("poai", poai),
        hmm_contract!("router", router),
        hmm_contract!("orderbook", orderbook),
    ]
}

#[test]
fn every_readme_example_parses_into_its_message_type() {
    let mut failures = vec![];
    for c in contracts() {
        for e in &readme_examples(c.name) {
            match parse(&e.tag, &e.body) {
                None => failures.push(format!("{}: unknown type tag `{}`", e.place, e.tag)),
                Some(Err(err)) => {
                    failures.push(format!("{}: not a valid {}: {err}", e.place, e.tag))
                }
                Some(Ok(())) => {}
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_message_of_every_contract_has_a_readme_example() {
    let mut missing = vec![];
    for c in contracts() {
        let found = readme_examples(c.name);
        for (tag, names) in &c.enums {
            let shown: BTreeSet<String> = found
                .iter()
                .filter(|e| e.tag == *tag)
                .filter_map(|e| variant_of(&e.body))
                .collect();
            for name in names.difference(&shown) {
                missing.push(format!("{}: no ```json {tag} example of `{name}`", c.name));
            }
        }
        for tag in c.singles {
            if !found.iter().any(|e| e.tag == tag) {
                missing.push(format!("{}: no ```json {tag} example", c.name));
            }
        }
    }
    assert!(missing.is_empty(), "\n{}", missing.join("\n"));
}

#[test]
fn every_error_and_event_of_every_contract_is_named_in_its_readme() {
    let mut missing = vec![];
    for c in contracts() {
        let dir = repo_root().join("contracts").join(c.name);
        let readme = fs::read_to_string(dir.join("README.md")).unwrap();
        for error in error_variants(&dir.join("src/error.rs")) {
            if !readme.contains(&format!("`{error}`")) {
                missing.push(format!("{}: error `{error}` is not in the README", c.name));
            }
        }
        let mut names = actions(&dir.join("src"));
        names.extend(c.library_actions.iter().map(|a| a.to_string()));
        for action in names {
            if !readme.contains(&format!("`{action}`")) {
                missing.push(format!(
                    "{}: action `{action}` is not in the README",
                    c.name
                ));
            }
        }
    }
    assert!(missing.is_empty(), "\n{}", missing.join("\n"));
}
