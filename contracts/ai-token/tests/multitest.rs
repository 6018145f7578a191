//! The token in cw-multi-test: the wire JSON (plain cw20 queries, `resource_metadata`), mint authority, burn, send.

use ai_token::contract::{execute, instantiate, migrate, query};
use ai_token::msg::{InstantiateMsg, ResourceMetadata, ResourceMetadataResponse};
use cosmwasm_std::{Addr, Uint128};
use cw20::{
    BalanceResponse, Cw20Coin, Cw20ExecuteMsg, Cw20QueryMsg, MinterResponse, TokenInfoResponse,
};
use cw_multi_test::{App, ContractWrapper, Executor};
use serde_json::json;

fn store_and_instantiate(app: &mut App, resource: Option<ResourceMetadata>) -> (Addr, Addr, Addr) {
    let code = ContractWrapper::new(execute, instantiate, query).with_migrate(migrate);
    let code_id = app.store_code(Box::new(code));
    let minter = app.api().addr_make("poai");
    let alice = app.api().addr_make("alice");
    let admin = app.api().addr_make("admin");
    let token = app
        .instantiate_contract(
            code_id,
            admin.clone(),
            &InstantiateMsg {
                name: "HMM AI".to_string(),
                symbol: "HMMAI".to_string(),
                decimals: 6,
                initial_balances: vec![Cw20Coin {
                    address: alice.to_string(),
                    amount: Uint128::new(1_000_000),
                }],
                mint: Some(MinterResponse {
                    minter: minter.to_string(),
                    cap: Some(Uint128::new(2_000_000)),
                }),
                marketing: None,
                resource,
            },
            &[],
            "token",
            Some(admin.to_string()),
        )
        .unwrap();
    (token, minter, alice)
}

#[test]
fn wallet_json_and_flows() {
    let mut app = App::default();
    let (token, minter, alice) = store_and_instantiate(&mut app, None);
    let bob = app.api().addr_make("bob");

    // A wallet queries with cw20's own message type.
    let info: TokenInfoResponse = app
        .wrap()
        .query_wasm_smart(&token, &Cw20QueryMsg::TokenInfo {})
        .unwrap();
    assert_eq!(info.total_supply, Uint128::new(1_000_000));

    app.execute_contract(
        alice.clone(),
        token.clone(),
        &Cw20ExecuteMsg::Transfer {
            recipient: bob.to_string(),
            amount: Uint128::new(10),
        },
        &[],
    )
    .unwrap();
    let err = app
        .execute_contract(
            bob.clone(),
            token.clone(),
            &Cw20ExecuteMsg::Mint {
                recipient: bob.to_string(),
                amount: Uint128::new(1),
            },
            &[],
        )
        .unwrap_err();
    assert_eq!(
        err.downcast::<ai_token::ContractError>().unwrap(),
        ai_token::ContractError::Cw20(cw20_base::ContractError::Unauthorized {})
    );
    app.execute_contract(
        minter,
        token.clone(),
        &Cw20ExecuteMsg::Mint {
            recipient: bob.to_string(),
            amount: Uint128::new(5),
        },
        &[],
    )
    .unwrap();
    app.execute_contract(
        bob.clone(),
        token.clone(),
        &Cw20ExecuteMsg::Burn {
            amount: Uint128::new(3),
        },
        &[],
    )
    .unwrap();

    let bal: BalanceResponse = app
        .wrap()
        .query_wasm_smart(&token, &json!({"balance": {"address": bob.to_string()}}))
        .unwrap();
    assert_eq!(bal.balance, Uint128::new(12));
    let info: TokenInfoResponse = app
        .wrap()
        .query_wasm_smart(&token, &json!({"token_info": {}}))
        .unwrap();
    assert_eq!(info.total_supply, Uint128::new(1_000_002));

    let meta: ResourceMetadataResponse = app
        .wrap()
        .query_wasm_smart(&token, &json!({"resource_metadata": {}}))
        .unwrap();
    assert_eq!(meta.resource, None);
}

#[test]
fn cu_token_metadata_and_migration() {
    let mut app = App::default();
    let resource = ResourceMetadata {
        kind: "h100-hour".to_string(),
        unit: "GPU-hour".to_string(),
        description: "One hour of an H100 SXM".to_string(),
    };
    let (token, _, _) = store_and_instantiate(&mut app, Some(resource.clone()));
    let meta: ResourceMetadataResponse = app
        .wrap()
        .query_wasm_smart(&token, &json!({"resource_metadata": {}}))
        .unwrap();
    assert_eq!(meta.resource, Some(resource.clone()));

    let code_id = app.store_code(Box::new(
        ContractWrapper::new(execute, instantiate, query).with_migrate(migrate),
    ));
    let admin = app.api().addr_make("admin");
    app.migrate_contract(admin, token.clone(), &json!({}), code_id)
        .unwrap();
    let meta: ResourceMetadataResponse = app
        .wrap()
        .query_wasm_smart(&token, &json!({"resource_metadata": {}}))
        .unwrap();
    assert_eq!(meta.resource, Some(resource));
}
