//! One asset type for every contract that takes or pays either a cw20 token or a native bank denom (as
//! Astroport's `AssetInfo` / `Asset`). The order book takes and pays assets only through it, so a compute unit can
//! later become a native (tokenfactory) denom without a change to the book.

use std::fmt;

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{
    to_json_binary, Addr, Api, BankMsg, Coin, CosmosMsg, StdResult, Uint128, WasmMsg,
};
use cw20::Cw20ExecuteMsg;
use thiserror::Error;

/// Which asset: a cw20 token contract or a native denom.
#[cw_serde]
#[derive(Eq, PartialOrd, Ord, Hash)]
pub enum AssetInfo {
    /// A cw20 token.
    Cw20 {
        /// The token contract.
        contract_addr: Addr,
    },
    /// A native bank denom (e.g. `uinj`, or a tokenfactory `factory/<creator>/<sub>`).
    Native {
        /// The denom.
        denom: String,
    },
}

/// An amount of an asset.
#[cw_serde]
pub struct Asset {
    /// Which asset.
    pub info: AssetInfo,
    /// Atoms of it.
    pub amount: Uint128,
}

/// Why received funds are refused.
#[derive(Error, Debug, PartialEq)]
pub enum FundsError {
    /// The asset is a cw20 token: it arrives through a cw20 `Send`, not as native funds.
    #[error("{asset} is a cw20 token: send it with a cw20 Send, not as native funds")]
    NotNative {
        /// The asset expected.
        asset: String,
    },
    /// Native funds came with a message that takes none, or in another denom, or several denoms.
    #[error("expected exactly one coin of {expected}, got {got}")]
    WrongFunds {
        /// The denom expected (or `none`).
        expected: String,
        /// What was sent.
        got: String,
    },
}

impl fmt::Display for AssetInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetInfo::Cw20 { contract_addr } => write!(f, "{contract_addr}"),
            AssetInfo::Native { denom } => write!(f, "{denom}"),
        }
    }
}

impl fmt::Display for Asset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.info)
    }
}

impl AssetInfo {
    /// A cw20 asset.
    pub fn cw20(contract_addr: Addr) -> AssetInfo {
        AssetInfo::Cw20 { contract_addr }
    }

    /// A native asset.
    pub fn native(denom: impl Into<String>) -> AssetInfo {
        AssetInfo::Native {
            denom: denom.into(),
        }
    }

    /// Whether it is a native denom.
    pub fn is_native(&self) -> bool {
        matches!(self, AssetInfo::Native { .. })
    }

    /// The same asset with its address validated (a cw20 address from a message is unchecked until then) and a
    /// non-empty denom.
    pub fn check(&self, api: &dyn Api) -> StdResult<AssetInfo> {
        match self {
            AssetInfo::Cw20 { contract_addr } => Ok(AssetInfo::Cw20 {
                contract_addr: api.addr_validate(contract_addr.as_str())?,
            }),
            AssetInfo::Native { denom } if denom.is_empty() => Err(
                cosmwasm_std::StdError::generic_err("a native denom must not be empty"),
            ),
            AssetInfo::Native { denom } => Ok(AssetInfo::native(denom.clone())),
        }
    }

    /// A storage key for per-asset ledgers: `c:<address>` or `n:<denom>` (no cw20 address starts like a denom's
    /// key, so the two kinds never collide).
    pub fn key(&self) -> String {
        match self {
            AssetInfo::Cw20 { contract_addr } => format!("c:{contract_addr}"),
            AssetInfo::Native { denom } => format!("n:{denom}"),
        }
    }

    /// The amount of this native asset in `funds`, which must be exactly one coin of its denom (anything else
    /// would be stranded). A cw20 asset cannot come as funds.
    pub fn paid_in(&self, funds: &[Coin]) -> Result<Uint128, FundsError> {
        let AssetInfo::Native { denom } = self else {
            return Err(FundsError::NotNative {
                asset: self.to_string(),
            });
        };
        match funds {
            [coin] if &coin.denom == denom && !coin.amount.is_zero() => Ok(coin.amount),
            _ => Err(FundsError::WrongFunds {
                expected: denom.clone(),
                got: describe(funds),
            }),
        }
    }

    /// `amount` of this asset.
    pub fn with(&self, amount: Uint128) -> Asset {
        Asset {
            info: self.clone(),
            amount,
        }
    }
}

/// Funds as text: `none`, or `10uinj,5uatom`.
pub fn describe(funds: &[Coin]) -> String {
    if funds.is_empty() {
        return "none".to_string();
    }
    funds
        .iter()
        .map(|c| format!("{}{}", c.amount, c.denom))
        .collect::<Vec<_>>()
        .join(",")
}

impl Asset {
    /// The message paying this asset to `to`: a cw20 `Transfer` or a bank send.
    pub fn transfer_msg(&self, to: &Addr) -> StdResult<CosmosMsg> {
        Ok(match &self.info {
            AssetInfo::Cw20 { contract_addr } => WasmMsg::Execute {
                contract_addr: contract_addr.to_string(),
                msg: to_json_binary(&Cw20ExecuteMsg::Transfer {
                    recipient: to.to_string(),
                    amount: self.amount,
                })?,
                funds: vec![],
            }
            .into(),
            AssetInfo::Native { denom } => BankMsg::Send {
                to_address: to.to_string(),
                amount: vec![Coin::new(self.amount, denom.clone())],
            }
            .into(),
        })
    }

    /// The message destroying this asset from the sender's balance: a cw20 `Burn`, or a bank `Burn` (which the
    /// chain's bank module executes for any denom the contract holds, tokenfactory denoms included).
    pub fn burn_msg(&self) -> StdResult<CosmosMsg> {
        Ok(match &self.info {
            AssetInfo::Cw20 { contract_addr } => WasmMsg::Execute {
                contract_addr: contract_addr.to_string(),
                msg: to_json_binary(&Cw20ExecuteMsg::Burn {
                    amount: self.amount,
                })?,
                funds: vec![],
            }
            .into(),
            AssetInfo::Native { denom } => BankMsg::Burn {
                amount: vec![Coin::new(self.amount, denom.clone())],
            }
            .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::coin;

    #[test]
    fn native_funds_must_be_exactly_one_coin_of_the_denom() {
        let ai = AssetInfo::native("uai");
        assert_eq!(ai.paid_in(&[coin(5, "uai")]), Ok(Uint128::new(5)));
        for funds in [
            vec![],
            vec![coin(5, "uatom")],
            vec![coin(5, "uai"), coin(1, "uatom")],
        ] {
            assert!(matches!(
                ai.paid_in(&funds),
                Err(FundsError::WrongFunds { .. })
            ));
        }
        let cw20 = AssetInfo::cw20(Addr::unchecked("token"));
        assert!(matches!(
            cw20.paid_in(&[coin(5, "uai")]),
            Err(FundsError::NotNative { .. })
        ));
    }

    #[test]
    fn keys_of_the_two_kinds_differ() {
        assert_ne!(
            AssetInfo::cw20(Addr::unchecked("x")).key(),
            AssetInfo::native("x").key()
        );
    }

    #[test]
    fn transfer_and_burn_messages_per_kind() {
        let to = Addr::unchecked("to");
        let native = AssetInfo::native("uai").with(Uint128::new(7));
        assert!(matches!(
            native.transfer_msg(&to).unwrap(),
            CosmosMsg::Bank(BankMsg::Send { .. })
        ));
        assert!(matches!(
            native.burn_msg().unwrap(),
            CosmosMsg::Bank(BankMsg::Burn { .. })
        ));
        let cw20 = AssetInfo::cw20(Addr::unchecked("t")).with(Uint128::new(7));
        assert!(matches!(
            cw20.transfer_msg(&to).unwrap(),
            CosmosMsg::Wasm(WasmMsg::Execute { .. })
        ));
    }
}
