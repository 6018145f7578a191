//! Message flows run by both the VM tests and the gas benchmark. Each checks its outcomes and returns the first
//! mismatch as an error; the gas of every call is in the contract's [`VmContract::records`].
//!
//! `ai_token` (this file) runs on one [`VmContract`]; the multi-contract flows run on a [`crate::chain::Chain`]:
//! [`exchange`] (tokens, pools, liquidity, quotes, swaps, routes) and [`jobs`] (job-registry and poai on top of it).

use cw20::{
    BalanceResponse, Cw20Coin, Cw20ExecuteMsg, Cw20QueryMsg, MinterResponse, TokenInfoResponse,
};
use hmm::token::{
    InstantiateMsg, MigrateMsg, ResourceMetadata, ResourceMetadataResponse, TokenExtQueryMsg,
};

use crate::{CallError, VmContract};

/// Fails the scenario with a message unless `left == right`.
macro_rules! check_eq {
    ($left:expr, $right:expr, $what:expr) => {{
        let (l, r) = (&$left, &$right);
        if l != r {
            return Err(format!("{}: expected {:?}, got {:?}", $what, r, l));
        }
    }};
}

/// The accounts of the token scenario.
pub struct TokenAccounts {
    /// The minter (the `poai` contract in production).
    pub minter: String,
    /// Holds the initial supply.
    pub alice: String,
    /// Starts empty.
    pub bob: String,
}

/// Initial supply of the token scenario.
pub const TOKEN_INITIAL: u128 = 1_000_000;
/// Supply cap of the token scenario.
pub const TOKEN_CAP: u128 = 2_000_000;

/// The compute-unit token used by the scenario.
pub fn a100() -> ResourceMetadata {
    ResourceMetadata {
        kind: "a100-hour".to_string(),
        unit: "GPU-hour".to_string(),
        description: "One hour of an NVIDIA A100 80 GB".to_string(),
    }
}

fn u(amount: u128) -> cosmwasm_std::Uint128 {
    cosmwasm_std::Uint128::new(amount)
}

/// Balance of `address` through the VM.
pub fn balance(token: &mut VmContract, address: &str) -> Result<u128, String> {
    let res: BalanceResponse = token
        .query(&Cw20QueryMsg::Balance {
            address: address.to_string(),
        })
        .map_err(|e| e.to_string())?;
    Ok(res.balance.u128())
}

/// Total supply through the VM.
pub fn total_supply(token: &mut VmContract) -> Result<u128, String> {
    let res: TokenInfoResponse = token
        .query(&Cw20QueryMsg::TokenInfo {})
        .map_err(|e| e.to_string())?;
    Ok(res.total_supply.u128())
}

/// `ai-token` as a CU token: instantiate, queries, transfer, burn, a refused mint by a non-minter, a mint, a mint
/// above the cap, the resource metadata query, migrate.
pub fn ai_token(token: &mut VmContract) -> Result<TokenAccounts, String> {
    let accounts = TokenAccounts {
        minter: token.addr("poai"),
        alice: token.addr("alice"),
        bob: token.addr("bob"),
    };
    let TokenAccounts { minter, alice, bob } = &accounts;
    let creator = token.addr("creator");
    let e = |e: CallError| e.to_string();

    token
        .instantiate(
            &creator,
            &[],
            &InstantiateMsg {
                name: "A100 GPU-hour".to_string(),
                symbol: "CU-AHUNDRED".to_string(),
                decimals: 6,
                initial_balances: vec![Cw20Coin {
                    address: alice.clone(),
                    amount: u(TOKEN_INITIAL),
                }],
                mint: Some(MinterResponse {
                    minter: minter.clone(),
                    cap: Some(u(TOKEN_CAP)),
                }),
                marketing: None,
                resource: Some(a100()),
            },
        )
        .map_err(e)?;

    let info: TokenInfoResponse = token.query(&Cw20QueryMsg::TokenInfo {}).map_err(e)?;
    check_eq!(info.total_supply.u128(), TOKEN_INITIAL, "initial supply");
    check_eq!(info.symbol.as_str(), "CU-AHUNDRED", "symbol");
    check_eq!(
        balance(token, alice)?,
        TOKEN_INITIAL,
        "alice's initial balance"
    );
    let minter_info: Option<MinterResponse> = token.query(&Cw20QueryMsg::Minter {}).map_err(e)?;
    check_eq!(
        minter_info.map(|m| m.minter),
        Some(minter.clone()),
        "minter"
    );

    let res = token
        .execute(
            alice,
            &[],
            &Cw20ExecuteMsg::Transfer {
                recipient: bob.clone(),
                amount: u(250_000),
            },
        )
        .map_err(e)?;
    check_eq!(
        res.attributes
            .iter()
            .any(|a| a.key == "action" && a.value == "transfer"),
        true,
        "transfer attribute"
    );
    check_eq!(balance(token, alice)?, 750_000, "alice after transfer");
    check_eq!(balance(token, bob)?, 250_000, "bob after transfer");
    check_eq!(total_supply(token)?, TOKEN_INITIAL, "supply after transfer");

    token
        .execute(bob, &[], &Cw20ExecuteMsg::Burn { amount: u(50_000) })
        .map_err(e)?;
    check_eq!(balance(token, bob)?, 200_000, "bob after burn");
    check_eq!(
        total_supply(token)?,
        TOKEN_INITIAL - 50_000,
        "supply after burn"
    );

    let refused = token.label_next("mint (not the minter)").execute(
        bob,
        &[],
        &Cw20ExecuteMsg::Mint {
            recipient: bob.clone(),
            amount: u(1),
        },
    );
    match refused {
        Err(CallError::Contract(msg)) if msg.contains("Unauthorized") => {}
        other => {
            return Err(format!(
                "mint by a non-minter: expected Unauthorized, got {other:?}"
            ))
        }
    }
    check_eq!(
        total_supply(token)?,
        TOKEN_INITIAL - 50_000,
        "supply after the refused mint"
    );
    check_eq!(balance(token, bob)?, 200_000, "bob after the refused mint");

    token
        .execute(
            minter,
            &[],
            &Cw20ExecuteMsg::Mint {
                recipient: bob.clone(),
                amount: u(10_000),
            },
        )
        .map_err(e)?;
    check_eq!(balance(token, bob)?, 210_000, "bob after mint");
    check_eq!(
        total_supply(token)?,
        TOKEN_INITIAL - 40_000,
        "supply after mint"
    );

    let over_cap = token.label_next("mint (above the cap)").execute(
        minter,
        &[],
        &Cw20ExecuteMsg::Mint {
            recipient: bob.clone(),
            amount: u(TOKEN_CAP),
        },
    );
    match over_cap {
        Err(CallError::Contract(msg)) if msg.contains("cap") => {}
        other => {
            return Err(format!(
                "mint above the cap: expected a cap error, got {other:?}"
            ))
        }
    }
    check_eq!(
        total_supply(token)?,
        TOKEN_INITIAL - 40_000,
        "supply after the refused mint above cap"
    );

    let meta: ResourceMetadataResponse = token
        .query(&TokenExtQueryMsg::ResourceMetadata {})
        .map_err(e)?;
    check_eq!(meta.resource, Some(a100()), "resource metadata");

    token.migrate(&MigrateMsg {}).map_err(e)?;
    check_eq!(
        total_supply(token)?,
        TOKEN_INITIAL - 40_000,
        "supply after migrate"
    );
    Ok(accounts)
}

pub mod exchange;
pub mod jobs;
pub mod populate;
