//! Unit tests with cosmwasm mock dependencies.

use cosmwasm_std::testing::{
    message_info, mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage,
};
use cosmwasm_std::{from_json, Addr, OwnedDeps, StdError, Uint128};
use cw20::{BalanceResponse, Cw20Coin, Cw20ExecuteMsg, MinterResponse, TokenInfoResponse};

use crate::contract::{execute, instantiate, migrate, query, CONTRACT_NAME, CONTRACT_VERSION};
use crate::msg::{
    InstantiateMsg, MigrateMsg, QueryMsg, ResourceMetadata, ResourceMetadataResponse,
    TokenExtQueryMsg,
};
use crate::ContractError;

type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

struct Setup {
    deps: Deps,
    minter: Addr,
    alice: Addr,
    bob: Addr,
}

fn a100() -> ResourceMetadata {
    ResourceMetadata {
        kind: "a100-hour".to_string(),
        unit: "GPU-hour".to_string(),
        description: "One hour of an NVIDIA A100 80 GB".to_string(),
    }
}

fn token_msg(
    minter: &Addr,
    alice: &Addr,
    cap: Option<u128>,
    resource: Option<ResourceMetadata>,
) -> InstantiateMsg {
    InstantiateMsg {
        name: "A100 GPU-hour".to_string(),
        symbol: "CU-AHUNDRED".to_string(),
        decimals: 6,
        initial_balances: vec![Cw20Coin {
            address: alice.to_string(),
            amount: Uint128::new(1_000),
        }],
        mint: Some(MinterResponse {
            minter: minter.to_string(),
            cap: cap.map(Uint128::new),
        }),
        marketing: None,
        resource,
    }
}

fn setup(cap: Option<u128>, resource: Option<ResourceMetadata>) -> Setup {
    let mut deps = mock_dependencies();
    let minter = deps.api.addr_make("poai");
    let alice = deps.api.addr_make("alice");
    let bob = deps.api.addr_make("bob");
    let creator = deps.api.addr_make("creator");
    let msg = token_msg(&minter, &alice, cap, resource);
    let res = instantiate(deps.as_mut(), mock_env(), message_info(&creator, &[]), msg).unwrap();
    assert!(res
        .attributes
        .iter()
        .any(|a| a.key == "action" && a.value == "instantiate"));
    Setup {
        deps,
        minter,
        alice,
        bob,
    }
}

fn q<T: serde::de::DeserializeOwned>(deps: &Deps, msg: QueryMsg) -> T {
    from_json(query(deps.as_ref(), mock_env(), msg).unwrap()).unwrap()
}

fn balance(deps: &Deps, addr: &Addr) -> u128 {
    let res: BalanceResponse = q(
        deps,
        QueryMsg::Cw20(cw20_base::msg::QueryMsg::Balance {
            address: addr.to_string(),
        }),
    );
    res.balance.u128()
}

fn supply(deps: &Deps) -> u128 {
    let res: TokenInfoResponse = q(deps, QueryMsg::Cw20(cw20_base::msg::QueryMsg::TokenInfo {}));
    res.total_supply.u128()
}

fn mint(
    s: &mut Setup,
    sender: &Addr,
    to: &Addr,
    amount: u128,
) -> Result<cosmwasm_std::Response, ContractError> {
    execute(
        s.deps.as_mut(),
        mock_env(),
        message_info(sender, &[]),
        Cw20ExecuteMsg::Mint {
            recipient: to.to_string(),
            amount: Uint128::new(amount),
        },
    )
}

#[test]
fn instantiate_sets_cw20_state_and_our_version() {
    let s = setup(None, None);
    assert_eq!(balance(&s.deps, &s.alice), 1_000);
    assert_eq!(balance(&s.deps, &s.bob), 0);
    assert_eq!(supply(&s.deps), 1_000);
    let info: TokenInfoResponse = q(
        &s.deps,
        QueryMsg::Cw20(cw20_base::msg::QueryMsg::TokenInfo {}),
    );
    assert_eq!(info.symbol, "CU-AHUNDRED");
    assert_eq!(info.decimals, 6);
    let minter: Option<MinterResponse> =
        q(&s.deps, QueryMsg::Cw20(cw20_base::msg::QueryMsg::Minter {}));
    assert_eq!(minter.map(|m| m.minter), Some(s.minter.to_string()));
    let version = cw2::get_contract_version(&s.deps.storage).unwrap();
    assert_eq!(version.contract, CONTRACT_NAME);
    assert_eq!(version.version, CONTRACT_VERSION);
}

#[test]
fn only_the_minter_can_mint() {
    let mut s = setup(None, None);
    let (alice, bob, minter) = (s.alice.clone(), s.bob.clone(), s.minter.clone());
    for intruder in [&alice, &bob] {
        let err = mint(&mut s, intruder, &bob, 5).unwrap_err();
        assert_eq!(
            err,
            ContractError::Cw20(cw20_base::ContractError::Unauthorized {})
        );
    }
    assert_eq!(supply(&s.deps), 1_000);
    assert_eq!(balance(&s.deps, &bob), 0);

    let res = mint(&mut s, &minter, &bob, 5).unwrap();
    assert!(res
        .attributes
        .iter()
        .any(|a| a.key == "action" && a.value == "mint"));
    assert_eq!(supply(&s.deps), 1_005);
    assert_eq!(balance(&s.deps, &bob), 5);
}

#[test]
fn a_token_without_minter_cannot_mint() {
    let mut deps = mock_dependencies();
    let alice = deps.api.addr_make("alice");
    let mut msg = token_msg(&alice, &alice, None, None);
    msg.mint = None;
    instantiate(deps.as_mut(), mock_env(), message_info(&alice, &[]), msg).unwrap();
    let err = execute(
        deps.as_mut(),
        mock_env(),
        message_info(&alice, &[]),
        Cw20ExecuteMsg::Mint {
            recipient: alice.to_string(),
            amount: Uint128::new(1),
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::Cw20(cw20_base::ContractError::Unauthorized {})
    );
}

#[test]
fn cap_is_enforced() {
    let mut s = setup(Some(1_100), None);
    let (minter, bob) = (s.minter.clone(), s.bob.clone());
    mint(&mut s, &minter, &bob, 100).unwrap();
    assert_eq!(supply(&s.deps), 1_100);
    let err = mint(&mut s, &minter, &bob, 1).unwrap_err();
    assert_eq!(
        err,
        ContractError::Cw20(cw20_base::ContractError::CannotExceedCap {})
    );
    assert_eq!(supply(&s.deps), 1_100);
    assert_eq!(balance(&s.deps, &bob), 100);

    // The initial supply itself must fit under the cap.
    let mut deps = mock_dependencies();
    let minter = deps.api.addr_make("poai");
    let alice = deps.api.addr_make("alice");
    let err = instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&alice, &[]),
        token_msg(&minter, &alice, Some(999), None),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::Cw20(cw20_base::ContractError::Std(StdError::generic_err(
            "Initial supply greater than cap"
        )))
    );
}

#[test]
fn burn_reduces_balance_and_total_supply() {
    let mut s = setup(None, None);
    let alice = s.alice.clone();
    let res = execute(
        s.deps.as_mut(),
        mock_env(),
        message_info(&alice, &[]),
        Cw20ExecuteMsg::Burn {
            amount: Uint128::new(400),
        },
    )
    .unwrap();
    assert!(res
        .attributes
        .iter()
        .any(|a| a.key == "action" && a.value == "burn"));
    assert_eq!(balance(&s.deps, &alice), 600);
    assert_eq!(supply(&s.deps), 600);

    // Burning more than the balance is refused and changes nothing.
    let err = execute(
        s.deps.as_mut(),
        mock_env(),
        message_info(&alice, &[]),
        Cw20ExecuteMsg::Burn {
            amount: Uint128::new(601),
        },
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Cw20(cw20_base::ContractError::Std(StdError::Overflow { .. }))
    ));
    assert_eq!(balance(&s.deps, &alice), 600);
    assert_eq!(supply(&s.deps), 600);
}

#[test]
fn transfer_moves_balance_and_keeps_supply() {
    let mut s = setup(None, None);
    let (alice, bob) = (s.alice.clone(), s.bob.clone());
    execute(
        s.deps.as_mut(),
        mock_env(),
        message_info(&alice, &[]),
        Cw20ExecuteMsg::Transfer {
            recipient: bob.to_string(),
            amount: Uint128::new(250),
        },
    )
    .unwrap();
    assert_eq!(balance(&s.deps, &alice), 750);
    assert_eq!(balance(&s.deps, &bob), 250);
    assert_eq!(supply(&s.deps), 1_000);

    let err = execute(
        s.deps.as_mut(),
        mock_env(),
        message_info(&bob, &[]),
        Cw20ExecuteMsg::Transfer {
            recipient: "not-an-address".to_string(),
            amount: Uint128::new(1),
        },
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Cw20(cw20_base::ContractError::Std(_))
    ));
    assert_eq!(balance(&s.deps, &bob), 250);
}

#[test]
fn resource_metadata_query() {
    let s = setup(None, Some(a100()));
    let res: ResourceMetadataResponse = q(
        &s.deps,
        QueryMsg::Ext(TokenExtQueryMsg::ResourceMetadata {}),
    );
    assert_eq!(res.resource, Some(a100()));

    // $AI has none.
    let s = setup(None, None);
    let res: ResourceMetadataResponse = q(
        &s.deps,
        QueryMsg::Ext(TokenExtQueryMsg::ResourceMetadata {}),
    );
    assert_eq!(res.resource, None);
}

#[test]
fn malformed_resource_metadata_is_refused() {
    let cases = [
        ("", "GPU-hour", "", "kind"),
        ("A100-hour", "GPU-hour", "", "kind"),
        ("a100 hour", "GPU-hour", "", "kind"),
        ("-a100", "GPU-hour", "", "kind"),
        (&"a".repeat(65), "GPU-hour", "", "kind"),
        ("a100-hour", "", "", "unit"),
        ("a100-hour", " GPU-hour", "", "unit"),
        ("a100-hour", &"u".repeat(33), "", "unit"),
        ("a100-hour", "GPU-hour", &"d".repeat(513), "description"),
        ("a100-hour", "GPU-hour", "line\u{0}break", "description"),
    ];
    for (kind, unit, description, bad_field) in cases {
        let mut deps = mock_dependencies();
        let minter = deps.api.addr_make("poai");
        let alice = deps.api.addr_make("alice");
        let resource = ResourceMetadata {
            kind: kind.to_string(),
            unit: unit.to_string(),
            description: description.to_string(),
        };
        let err = instantiate(
            deps.as_mut(),
            mock_env(),
            message_info(&alice, &[]),
            token_msg(&minter, &alice, None, Some(resource)),
        )
        .unwrap_err();
        match err {
            ContractError::InvalidResource { field, .. } => {
                assert_eq!(field, bad_field, "case {kind:?}/{unit:?}")
            }
            other => panic!("unexpected error {other:?}"),
        }
        // Nothing was stored.
        assert!(cw2::get_contract_version(&deps.storage).is_err());
    }
}

#[test]
fn standard_cw20_query_json_is_unchanged() {
    let cases = [
        r#"{"balance":{"address":"x"}}"#,
        r#"{"token_info":{}}"#,
        r#"{"minter":{}}"#,
        r#"{"allowance":{"owner":"x","spender":"y"}}"#,
        r#"{"all_allowances":{"owner":"x","start_after":null,"limit":10}}"#,
        r#"{"all_spender_allowances":{"spender":"x"}}"#,
        r#"{"all_accounts":{"limit":30}}"#,
        r#"{"marketing_info":{}}"#,
        r#"{"download_logo":{}}"#,
    ];
    for json in cases {
        let msg: QueryMsg = from_json(json.as_bytes()).unwrap();
        assert!(matches!(msg, QueryMsg::Cw20(_)), "{json}");
        // Serialising gives back the plain cw20 JSON, not a wrapper.
        let plain: cw20_base::msg::QueryMsg = from_json(json.as_bytes()).unwrap();
        assert_eq!(
            cosmwasm_std::to_json_vec(&msg).unwrap(),
            cosmwasm_std::to_json_vec(&plain).unwrap()
        );
    }
    let msg: QueryMsg = from_json(br#"{"resource_metadata":{}}"#).unwrap();
    assert_eq!(msg, QueryMsg::Ext(TokenExtQueryMsg::ResourceMetadata {}));
    // Like cw20-base itself, unknown fields inside a variant are ignored; unknown variants and missing fields are not.
    for bad in [
        r#"{"nope":{}}"#,
        r#"{"balance":{}}"#,
        r#"{"resource_metadata":1}"#,
        "[]",
    ] {
        assert!(from_json::<QueryMsg>(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn migrate_checks_name_and_version() {
    let mut s = setup(None, Some(a100()));
    let res = migrate(s.deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    assert!(res
        .attributes
        .iter()
        .any(|a| a.key == "to_version" && a.value == CONTRACT_VERSION));
    let meta: ResourceMetadataResponse = q(
        &s.deps,
        QueryMsg::Ext(TokenExtQueryMsg::ResourceMetadata {}),
    );
    assert_eq!(meta.resource, Some(a100()));

    cw2::set_contract_version(&mut s.deps.storage, CONTRACT_NAME, "99.0.0").unwrap();
    let err = migrate(s.deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert!(
        matches!(
            err,
            ContractError::Migrate(hmm_record::MigrateError::Downgrade { .. })
        ),
        "{err:?}"
    );

    cw2::set_contract_version(&mut s.deps.storage, CONTRACT_NAME, "not-semver").unwrap();
    let err = migrate(s.deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert!(
        matches!(
            err,
            ContractError::Migrate(hmm_record::MigrateError::InvalidVersion { .. })
        ),
        "{err:?}"
    );

    cw2::set_contract_version(&mut s.deps.storage, "crates.io:cw20-base", "2.0.0").unwrap();
    let err = migrate(s.deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert!(
        matches!(
            err,
            ContractError::Migrate(hmm_record::MigrateError::WrongContract { .. })
        ),
        "{err:?}"
    );
}

#[test]
fn every_ext_query_variant_is_routed() {
    // Each TokenExtQueryMsg variant, serialised, must parse back as QueryMsg::Ext (EXT_QUERY_VARIANTS is complete).
    let variants = [TokenExtQueryMsg::ResourceMetadata {}];
    assert_eq!(variants.len(), crate::msg::EXT_QUERY_VARIANTS.len());
    for v in variants {
        let json = cosmwasm_std::to_json_vec(&v).unwrap();
        let parsed: QueryMsg = from_json(&json).unwrap();
        assert_eq!(parsed, QueryMsg::Ext(v));
        assert_eq!(cosmwasm_std::to_json_vec(&parsed).unwrap(), json);
    }
}

/// The wire names of an enum's variants (each `oneOf` entry's required key), sorted.
fn variant_names(schema: cosmwasm_schema::schemars::schema::RootSchema) -> Vec<String> {
    let value = serde_json::to_value(schema).unwrap();
    let mut out: Vec<String> = value["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["required"].as_array().unwrap().clone())
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

/// The distinct wire names (the JSON object's one key) of some messages, sorted.
fn wire_names<T: serde::Serialize>(cases: &[T]) -> Vec<String> {
    let mut out: Vec<String> = cases
        .iter()
        .map(|c| {
            let v = serde_json::to_value(c).unwrap();
            v.as_object().unwrap().keys().next().unwrap().clone()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What the contract must parse each message of the schema's flat query enum (`hmm::token::QueryMsg`) as. The
/// match is exhaustive, so a variant added there must be added here.
fn contract_query(msg: &hmm::token::QueryMsg) -> QueryMsg {
    use cw20_base::msg::QueryMsg as Cw20;
    use hmm::token::QueryMsg as Flat;
    match msg.clone() {
        Flat::Balance { address } => QueryMsg::Cw20(Cw20::Balance { address }),
        Flat::TokenInfo {} => QueryMsg::Cw20(Cw20::TokenInfo {}),
        Flat::Minter {} => QueryMsg::Cw20(Cw20::Minter {}),
        Flat::Allowance { owner, spender } => QueryMsg::Cw20(Cw20::Allowance { owner, spender }),
        Flat::AllAllowances {
            owner,
            start_after,
            limit,
        } => QueryMsg::Cw20(Cw20::AllAllowances {
            owner,
            start_after,
            limit,
        }),
        Flat::AllSpenderAllowances {
            spender,
            start_after,
            limit,
        } => QueryMsg::Cw20(Cw20::AllSpenderAllowances {
            spender,
            start_after,
            limit,
        }),
        Flat::AllAccounts { start_after, limit } => {
            QueryMsg::Cw20(Cw20::AllAccounts { start_after, limit })
        }
        Flat::MarketingInfo {} => QueryMsg::Cw20(Cw20::MarketingInfo {}),
        Flat::DownloadLogo {} => QueryMsg::Cw20(Cw20::DownloadLogo {}),
        Flat::ResourceMetadata {} => QueryMsg::Ext(TokenExtQueryMsg::ResourceMetadata {}),
    }
}

#[test]
fn schema_query_enum_is_the_wire_format_of_the_contract() {
    use cosmwasm_schema::{schema_for, QueryResponses};
    use hmm::token::QueryMsg as Flat;
    let some = |s: &str| Some(s.to_string());
    let cases = [
        Flat::Balance {
            address: "alice".into(),
        },
        Flat::TokenInfo {},
        Flat::Minter {},
        Flat::Allowance {
            owner: "alice".into(),
            spender: "bob".into(),
        },
        Flat::AllAllowances {
            owner: "alice".into(),
            start_after: None,
            limit: None,
        },
        Flat::AllAllowances {
            owner: "alice".into(),
            start_after: some("bob"),
            limit: Some(7),
        },
        Flat::AllSpenderAllowances {
            spender: "bob".into(),
            start_after: some("alice"),
            limit: Some(3),
        },
        Flat::AllSpenderAllowances {
            spender: "bob".into(),
            start_after: None,
            limit: None,
        },
        Flat::AllAccounts {
            start_after: some("alice"),
            limit: Some(30),
        },
        Flat::AllAccounts {
            start_after: None,
            limit: None,
        },
        Flat::MarketingInfo {},
        Flat::DownloadLogo {},
        Flat::ResourceMetadata {},
    ];
    // Every variant is covered: the cases name each one (by its wire name) at least once.
    let flat_names = variant_names(schema_for!(Flat));
    assert_eq!(wire_names(&cases), flat_names);
    // The flat enum has exactly the contract's queries: cw20-base's and the extension's.
    let mut contract_names = variant_names(schema_for!(cw20_base::msg::QueryMsg));
    contract_names.extend(variant_names(schema_for!(TokenExtQueryMsg)));
    contract_names.sort();
    assert_eq!(flat_names, contract_names);
    // Each message reaches the contract as the query it means, and serialises back to the same bytes.
    for case in &cases {
        let json = cosmwasm_std::to_json_vec(case).unwrap();
        let parsed: QueryMsg = from_json(&json).unwrap();
        assert_eq!(
            parsed,
            contract_query(case),
            "{}",
            String::from_utf8_lossy(&json)
        );
        assert_eq!(cosmwasm_std::to_json_vec(&parsed).unwrap(), json);
    }
    // And is answered with the same response type.
    let flat = serde_json::to_value(Flat::response_schemas().unwrap()).unwrap();
    let contract = serde_json::to_value(QueryMsg::response_schemas().unwrap()).unwrap();
    assert_eq!(flat, contract);
}

#[test]
fn schema_execute_enum_is_the_wire_format_of_the_contract() {
    use cosmwasm_schema::schema_for;
    use cosmwasm_std::Binary;
    use cw20::{EmbeddedLogo, Expiration, Logo};
    use hmm::token::ExecuteMsg as Flat;
    let amount = Uint128::new(1_000_000);
    let msg = Binary::from(br#"{"bond":{}}"#.as_slice());
    let cases = [
        Flat::Transfer {
            recipient: "bob".into(),
            amount,
        },
        Flat::Burn { amount },
        Flat::Send {
            contract: "pool".into(),
            amount,
            msg: msg.clone(),
        },
        Flat::IncreaseAllowance {
            spender: "pool".into(),
            amount,
            expires: Some(Expiration::AtHeight(100)),
        },
        Flat::IncreaseAllowance {
            spender: "pool".into(),
            amount,
            expires: None,
        },
        Flat::DecreaseAllowance {
            spender: "pool".into(),
            amount,
            expires: Some(Expiration::Never {}),
        },
        Flat::TransferFrom {
            owner: "alice".into(),
            recipient: "bob".into(),
            amount,
        },
        Flat::SendFrom {
            owner: "alice".into(),
            contract: "pool".into(),
            amount,
            msg,
        },
        Flat::BurnFrom {
            owner: "alice".into(),
            amount,
        },
        Flat::Mint {
            recipient: "bob".into(),
            amount,
        },
        Flat::UpdateMinter { new_minter: None },
        Flat::UpdateMinter {
            new_minter: Some("poai".into()),
        },
        Flat::UpdateMarketing {
            project: Some("p".into()),
            description: None,
            marketing: Some(String::new()),
        },
        Flat::UploadLogo(Logo::Url("https://example.invalid/logo.png".into())),
        Flat::UploadLogo(Logo::Embedded(EmbeddedLogo::Png(Binary::from(
            b"\x89PNG".as_slice(),
        )))),
    ];
    // The same variants as the contract's execute message, each covered by a case.
    let flat_names = variant_names(schema_for!(Flat));
    assert_eq!(
        flat_names,
        variant_names(schema_for!(crate::msg::ExecuteMsg))
    );
    assert_eq!(wire_names(&cases), flat_names);
    // Each message parses as the contract's and serialises back to the same bytes.
    for case in &cases {
        let json = cosmwasm_std::to_json_vec(case).unwrap();
        let parsed: crate::msg::ExecuteMsg = from_json(&json).unwrap();
        assert_eq!(
            cosmwasm_std::to_json_vec(&parsed).unwrap(),
            json,
            "{}",
            String::from_utf8_lossy(&json)
        );
    }
}
