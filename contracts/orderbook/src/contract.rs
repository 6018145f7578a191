//! Entry points: a thin dispatcher onto `execute/` and `query.rs`, and the cw20 `Receive` hook's dispatcher.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{from_json, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response};
use cw20::Cw20ReceiveMsg;
use hmm::asset::AssetInfo;
use hmm::orderbook::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg};

use crate::error::ContractResult;
use crate::execute::{admin, cancel, market, place};
use crate::query;
use crate::state::{Config, CONFIG};

pub const CONTRACT_NAME: &str = "crates.io:orderbook";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest version whose state `migrate` reads: the first one (no layout has changed yet).
const OLDEST_MIGRATABLE: &str = "0.1.0";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = msg.owner.unwrap_or_else(|| info.sender.to_string());
    let ownership = cw_ownable::initialize_owner(deps.storage, deps.api, Some(&owner))?;
    let config = Config {
        quote: msg.quote.check(deps.api)?,
        treasury: deps.api.addr_validate(&msg.treasury)?,
        burn_share: admin::check_burn_share(msg.burn_share)?,
        market_count: 0,
    };
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attributes(ownership.into_attributes()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> ContractResult<Response> {
    // Only a native-funded order takes native funds (a cw20 hook's tokens come through the token contract).
    if !matches!(msg, ExecuteMsg::PlaceOrder(_)) {
        cw_utils::nonpayable(&info)?;
    }
    match msg {
        ExecuteMsg::PlaceOrder(order) => {
            let paid = place::Paid::Native(info.funds);
            place::place_order(deps, env, info.sender, order, paid)
        }
        ExecuteMsg::Receive(wrapper) => receive(deps, env, info, wrapper),
        ExecuteMsg::Cancel { order_ids } => cancel::cancel(deps, env, info, order_ids),
        ExecuteMsg::CreateMarket(msg) => market::create_market(deps, info, msg),
        ExecuteMsg::UpdateMarket {
            market_id,
            maker_fee,
            taker_fee,
            min_lots,
            min_notional,
        } => market::update_market(
            deps,
            info,
            market_id,
            market::MarketUpdate {
                maker_fee,
                taker_fee,
                min_lots,
                min_notional,
            },
        ),
        ExecuteMsg::UpdateConfig {
            treasury,
            burn_share,
            router,
        } => admin::update_config(deps, info, treasury, burn_share, router),
        ExecuteMsg::CollectFees { assets } => admin::collect_fees(deps, assets),
        ExecuteMsg::UpdateOwnership(action) => {
            let ownership = cw_ownable::update_ownership(deps, &env.block, &info.sender, action)?;
            Ok(Response::new()
                .add_attribute("action", "update_ownership")
                .add_attributes(ownership.into_attributes()))
        }
    }
}

/// A cw20 `Send` to the book: the tokens sent (the calling token contract, `amount`) pay the hook's order.
fn receive(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    wrapper: Cw20ReceiveMsg,
) -> ContractResult<Response> {
    let owner = deps.api.addr_validate(&wrapper.sender)?;
    let paid = place::Paid::Cw20(AssetInfo::cw20(info.sender).with(wrapper.amount));
    match from_json(&wrapper.msg)? {
        ReceiveMsg::PlaceOrder(order) => place::place_order(deps, env, owner, order, paid),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> ContractResult<Binary> {
    Ok(match msg {
        QueryMsg::Config {} => to_json_binary(&query::config(deps)?)?,
        QueryMsg::Market { market_id } => to_json_binary(&query::market(deps, market_id)?)?,
        QueryMsg::Markets { start_after, limit } => {
            to_json_binary(&query::markets(deps, start_after, limit)?)?
        }
        QueryMsg::Order { order_id } => to_json_binary(&query::order(deps, order_id)?)?,
        QueryMsg::OrdersByOwner {
            owner,
            start_after,
            limit,
        } => to_json_binary(&query::orders_by_owner(deps, owner, start_after, limit)?)?,
        QueryMsg::Depth {
            market_id,
            bid_start_after,
            ask_start_after,
            limit,
        } => to_json_binary(&query::depth(
            deps,
            market_id,
            bid_start_after,
            ask_start_after,
            limit,
        )?)?,
        QueryMsg::BestPrices { market_id } => {
            to_json_binary(&query::best_prices(deps, market_id)?)?
        }
        QueryMsg::Fees {} => to_json_binary(&query::fees(deps)?)?,
        QueryMsg::Takeable {
            market_id,
            side,
            taker,
            limit,
        } => to_json_binary(&query::takeable(deps, &env, market_id, side, taker, limit)?)?,
        QueryMsg::Ownership {} => to_json_binary(&cw_ownable::get_ownership(deps.storage)?)?,
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    Ok(hmm_record::migrate(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        OLDEST_MIGRATABLE,
        |storage, from| {
            // 0.2 publishes each market's top of book for routers: publish the existing markets' now.
            if from < &hmm_record::Version::parse("0.2.0")? {
                let markets: Vec<hmm::orderbook::Market> = crate::state::MARKETS
                    .range(storage, None, None, cosmwasm_std::Order::Ascending)
                    .map(|item| item.map(|(_, m)| m))
                    .collect::<Result<_, _>>()?;
                for market in &markets {
                    crate::state::publish_top(storage, market)?;
                }
                return Ok(u32::try_from(markets.len()).unwrap_or(u32::MAX));
            }
            Ok(0)
        },
    )?)
}

/// Entry-point unit tests on mock dependencies: instantiation, migration, and the dust measurement (the work of a
/// fill, counted on a storage wrapper, with and without 10,000 minimum-size orders resting around it). The trading
/// flows run in cw-multi-test (`tests/`, through `hmm-testing`).
#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use cosmwasm_std::testing::{message_info, mock_env, MockApi, MockQuerier};
    use cosmwasm_std::{
        to_json_binary, Addr, Decimal, MemoryStorage, Order, OwnedDeps, Record, Storage, Uint128,
    };
    use hmm::orderbook::{CreateMarketMsg, OrderKind, PlaceOrderMsg, Side};

    use super::*;
    use crate::error::ContractError;

    /// Storage that counts what the contract does to it: reads, writes, removals, range scans and range steps,
    /// and the bytes read and written. `sdk_gas` prices them as the Cosmos SDK's KV store does (read 1,000 + 3/B,
    /// write 2,000 + 30/B, delete 1,000, iterator step 30 + 3/B).
    #[derive(Default)]
    struct Counting {
        inner: MemoryStorage,
        reads: Cell<u64>,
        read_bytes: Cell<u64>,
        scans: Cell<u64>,
        steps: Cell<u64>,
        step_bytes: Cell<u64>,
        writes: u64,
        write_bytes: u64,
        removes: u64,
    }

    /// What one message cost: (reads, scans, steps, writes, removes) and the SDK gas of it.
    #[derive(Debug, PartialEq)]
    struct Work {
        ops: (u64, u64, u64, u64, u64),
        sdk_gas: u64,
    }

    impl Counting {
        fn reset(&mut self) {
            let inner = std::mem::take(&mut self.inner);
            *self = Counting {
                inner,
                ..Counting::default()
            };
        }

        fn work(&self) -> Work {
            let gas = self.reads.get() * 1_000
                + self.read_bytes.get() * 3
                + self.steps.get() * 30
                + self.step_bytes.get() * 3
                + self.writes * 2_000
                + self.write_bytes * 30
                + self.removes * 1_000;
            Work {
                ops: (
                    self.reads.get(),
                    self.scans.get(),
                    self.steps.get(),
                    self.writes,
                    self.removes,
                ),
                sdk_gas: gas,
            }
        }
    }

    impl Storage for Counting {
        fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
            let v = self.inner.get(key);
            self.reads.set(self.reads.get() + 1);
            let n = key.len() + v.as_ref().map_or(0, Vec::len);
            self.read_bytes.set(self.read_bytes.get() + n as u64);
            v
        }

        fn range<'a>(
            &'a self,
            start: Option<&[u8]>,
            end: Option<&[u8]>,
            order: Order,
        ) -> Box<dyn Iterator<Item = Record> + 'a> {
            self.scans.set(self.scans.get() + 1);
            Box::new(self.inner.range(start, end, order).inspect(|(k, v)| {
                self.steps.set(self.steps.get() + 1);
                self.step_bytes
                    .set(self.step_bytes.get() + (k.len() + v.len()) as u64);
            }))
        }

        fn set(&mut self, key: &[u8], value: &[u8]) {
            self.writes += 1;
            self.write_bytes += (key.len() + value.len()) as u64;
            self.inner.set(key, value)
        }

        fn remove(&mut self, key: &[u8]) {
            self.removes += 1;
            self.inner.remove(key)
        }
    }

    type Deps = OwnedDeps<Counting, MockApi, MockQuerier>;

    fn addr(name: &str) -> Addr {
        MockApi::default().addr_make(name)
    }

    const LOT: u128 = 1_000;

    /// The book quoted in a cw20 "ai", with market 1 on the cw20 "cu" (lot 1,000, tick 10, minimum one lot worth
    /// 500).
    fn setup() -> Deps {
        let mut deps = OwnedDeps {
            storage: Counting::default(),
            api: MockApi::default(),
            querier: MockQuerier::default(),
            custom_query_type: std::marker::PhantomData,
        };
        let msg = InstantiateMsg {
            owner: None,
            quote: AssetInfo::cw20(addr("ai")),
            treasury: addr("treasury").to_string(),
            burn_share: Decimal::percent(25),
        };
        instantiate(
            deps.as_mut(),
            mock_env(),
            message_info(&addr("owner"), &[]),
            msg,
        )
        .unwrap();
        let market = CreateMarketMsg {
            base: AssetInfo::cw20(addr("cu")),
            lot_size: Uint128::new(LOT),
            tick_size: Uint128::new(10),
            min_lots: Uint128::one(),
            min_notional: Uint128::new(500),
            maker_fee: None,
            taker_fee: None,
        };
        execute(
            deps.as_mut(),
            mock_env(),
            message_info(&addr("owner"), &[]),
            ExecuteMsg::CreateMarket(market),
        )
        .unwrap();
        deps
    }

    /// A limit order of `who`, paid through the right token's cw20 hook.
    fn place(deps: &mut Deps, who: &str, side: Side, price: u128, lots: u128) -> Response {
        let (token, amount) = match side {
            Side::Bid => ("ai", price * lots),
            Side::Ask => ("cu", lots * LOT),
        };
        let order = PlaceOrderMsg {
            market_id: 1,
            side,
            price: Uint128::new(price),
            quantity: Uint128::new(lots * LOT),
            kind: OrderKind::Limit,
            expires_at: None,
            max_fills: None,
            recipient: None,
            taker_fee_discount: None,
        };
        let hook = ExecuteMsg::Receive(Cw20ReceiveMsg {
            sender: addr(who).to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(&ReceiveMsg::PlaceOrder(order)).unwrap(),
        });
        execute(
            deps.as_mut(),
            mock_env(),
            message_info(&addr(token), &[]),
            hook,
        )
        .unwrap()
    }

    /// The work of a normal fill: a 10-lot bid taking the 10-lot ask at the top of the book, with one more ask
    /// resting behind it at its price; `dust` minimum-size orders (one lot worth 1,000 ≥ the 500 minimum) rest in
    /// the book first: half behind the filled order at its price, half at other price levels on both sides.
    fn fill_work(dust: u128) -> Work {
        let mut deps = setup();
        place(&mut deps, "maker", Side::Ask, 1_000, 10);
        place(&mut deps, "second", Side::Ask, 1_000, 10);
        // A bid below (the published top reads both sides' best: both books have one).
        place(&mut deps, "bidder", Side::Bid, 900, 1);
        for i in 0..dust {
            match i % 4 {
                0 | 1 => place(&mut deps, "duster", Side::Ask, 1_000, 1),
                2 => place(&mut deps, "duster", Side::Ask, 1_010 + 10 * (i % 500), 1),
                _ => place(&mut deps, "duster", Side::Bid, 990 - 10 * (i % 49), 1),
            };
        }
        deps.storage.reset();
        let res = place(&mut deps, "taker", Side::Bid, 1_000, 10);
        let filled = res.attributes.iter().find(|a| a.key == "status").unwrap();
        assert_eq!(filled.value, "filled");
        deps.storage.work()
    }

    /// The dust measurement (docs: contracts/orderbook/README.md, "Dust"): the same storage operations with and
    /// without 10,000 resting dust orders; the SDK gas differs only by the bytes of larger counters in the records
    /// (order ids and the level's totals are varints).
    #[test]
    fn a_fill_costs_the_same_with_10000_dust_orders_in_the_book() {
        let clean = fill_work(0);
        let dusty = fill_work(10_000);
        eprintln!("fill without dust: {clean:?}\nfill with 10,000 dust orders: {dusty:?}");
        assert_eq!(clean.ops, dusty.ops);
        assert!(
            dusty.sdk_gas.abs_diff(clean.sdk_gas) <= 300,
            "{clean:?} vs {dusty:?}"
        );
    }

    /// 0.1 had no published top of book: migrating publishes every market's, with its resting orders.
    #[test]
    fn migrate_from_0_1_publishes_the_top_of_every_market() {
        let mut deps = setup();
        place(&mut deps, "maker", Side::Ask, 1_000, 10);
        place(&mut deps, "bidder", Side::Bid, 900, 1);
        let market = crate::state::MARKETS.load(&deps.storage, 1).unwrap();
        let key = market.base.key();
        crate::state::TOP.remove(&mut deps.storage, &key);
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.1.0").unwrap();
        let res = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        assert!(res
            .attributes
            .iter()
            .any(|a| a.key == "records_converted" && a.value == "1"));
        let top = crate::state::TOP.load(&deps.storage, &key).unwrap();
        assert_eq!(
            (top.market_id, top.bid, top.ask),
            (1, Some(Uint128::new(900)), Some(Uint128::new(1_000)))
        );
    }

    #[test]
    fn instantiate_records_the_version_and_the_owner() {
        let deps = setup();
        let v = cw2::get_contract_version(&deps.storage).unwrap();
        assert_eq!(
            (v.contract.as_str(), v.version.as_str()),
            (CONTRACT_NAME, CONTRACT_VERSION)
        );
        let o = cw_ownable::get_ownership(&deps.storage).unwrap();
        assert_eq!(o.owner, Some(addr("owner")));
    }

    #[test]
    fn migrate_accepts_only_this_contract_up_to_this_version() {
        use hmm_record::MigrateError;
        let mut deps = setup();
        migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        type Expected = fn(&MigrateError) -> bool;
        let refusals: [(&str, &str, Expected); 3] = [
            (CONTRACT_NAME, "99.0.0", |e| {
                matches!(e, MigrateError::Downgrade { .. })
            }),
            ("crates.io:hmm-pool", "0.4.0", |e| {
                matches!(e, MigrateError::WrongContract { .. })
            }),
            (CONTRACT_NAME, "latest", |e| {
                matches!(e, MigrateError::InvalidVersion { .. })
            }),
        ];
        for (name, version, expected) in refusals {
            cw2::set_contract_version(&mut deps.storage, name, version).unwrap();
            match migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err() {
                ContractError::Migrate(e) => assert!(expected(&e), "{name} {version}: {e}"),
                other => panic!("{name} {version}: {other}"),
            }
        }
        cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, OLDEST_MIGRATABLE).unwrap();
        migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    }
}
