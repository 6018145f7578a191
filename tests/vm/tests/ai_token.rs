//! `ai-token` in the VM: the compiled artifact, with gas metering.

use cw20::{Cw20ExecuteMsg, Cw20QueryMsg, TokenInfoResponse};
use vm_tests::{gas_table, scenarios, CallError, VmContract};

#[test]
fn ai_token_flow_in_the_vm() {
    let Some(mut token) = VmContract::load_or_skip("ai-token") else {
        return;
    };
    if let Err(e) = scenarios::ai_token(&mut token) {
        panic!("ai-token scenario: {e}\n{}", gas_table(token.records()));
    }
    println!("{}", gas_table(token.records()));
    // Every call was metered, and execution is not free.
    assert!(token.records().iter().all(|r| r.gas > 0));
    let refused: Vec<_> = token
        .records()
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.message.as_str())
        .collect();
    assert_eq!(refused, ["mint (not the minter)", "mint (above the cap)"]);
}

#[test]
fn bad_input_is_a_contract_error_not_a_vm_failure() {
    let Some(mut token) = VmContract::load_or_skip("ai-token") else {
        return;
    };
    let accounts = match scenarios::ai_token(&mut token) {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    let supply_before = scenarios::total_supply(&mut token).unwrap();

    // Overdraft, invalid address, malformed JSON, unknown message: refused by the contract with a message, no trap.
    let overdraft = token.execute(
        &accounts.bob,
        &[],
        &Cw20ExecuteMsg::Transfer {
            recipient: accounts.alice.clone(),
            amount: cosmwasm_std::Uint128::new(u128::MAX),
        },
    );
    assert!(
        matches!(&overdraft, Err(CallError::Contract(m)) if m.contains("Overflow")),
        "{overdraft:?}"
    );
    let bad_addr = token.execute(
        &accounts.bob,
        &[],
        &Cw20ExecuteMsg::Transfer {
            recipient: "not-an-address".to_string(),
            amount: cosmwasm_std::Uint128::new(1),
        },
    );
    assert!(
        matches!(bad_addr, Err(CallError::Contract(_))),
        "{bad_addr:?}"
    );
    let unknown = token.execute(&accounts.bob, &[], &serde_json::json!({"steal": {}}));
    assert!(
        matches!(&unknown, Err(CallError::Contract(m)) if m.contains("unknown variant")),
        "{unknown:?}"
    );
    let bad_query = token.query_raw(&serde_json::json!({"balance": {}}));
    assert!(
        matches!(bad_query, Err(CallError::Contract(_))),
        "{bad_query:?}"
    );

    let info: TokenInfoResponse = token.query(&Cw20QueryMsg::TokenInfo {}).unwrap();
    assert_eq!(info.total_supply.u128(), supply_before);
}
