//! The registry checks the plan it buys on: a router whose `Route` answer does not add up (orders that deliver other
//! amounts than the legs, another token, or cost other than the total) is refused with `RouteMismatch` before any
//! token moves. A mock router answers what each case sets; the pool, tokens and mock poai are the suite's.

use cosmwasm_std::{Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdResult, Uint128};
use cw_multi_test::{ContractWrapper, Executor};
use hmm::router::RouteResponse;
use hmm_testing::chain::BookActions;
use hmm_testing::registry::*;
use job_registry::ContractError;

/// One token in atoms (6 decimals here).
const UNIT: u128 = 1_000_000;

/// The mock router: answers every query with the `RouteResponse` it was instantiated with.
fn mock_router() -> Box<dyn cw_multi_test::Contract<Empty>> {
    fn instantiate(
        deps: DepsMut,
        _: Env,
        _: MessageInfo,
        answer: RouteResponse,
    ) -> StdResult<Response> {
        deps.storage
            .set(b"answer", &cosmwasm_std::to_json_vec(&answer)?);
        Ok(Response::new())
    }
    fn execute(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
        Ok(Response::new())
    }
    fn query(deps: Deps, _: Env, _: hmm::router::QueryMsg) -> StdResult<Binary> {
        Ok(Binary::from(
            deps.storage.get(b"answer").unwrap_or_default(),
        ))
    }
    Box::new(ContractWrapper::new(execute, instantiate, query))
}

/// A second registry on the suite's pool, tokens and poai, planning with a mock router that answers `answer`.
fn registry_with(s: &mut Suite, answer: &RouteResponse) -> cosmwasm_std::Addr {
    let router_code = s.app.store_code(mock_router());
    let admin = s.admin.clone();
    let router = s
        .app
        .instantiate_contract(router_code, admin.clone(), answer, &[], "mock router", None)
        .unwrap();
    let code = s
        .app
        .store_code(hmm_testing::contracts::registry_contract());
    let msg = hmm::job::InstantiateMsg {
        owner: None,
        ai_token: s.ai.to_string(),
        pool: s.pool.to_string(),
        router: router.to_string(),
        poai: Some(s.poai.to_string()),
        limits: None,
    };
    s.app
        .instantiate_contract(code, admin, &msg, &[], "registry 2", None)
        .unwrap()
}

#[test]
fn a_plan_that_does_not_add_up_is_refused_before_any_token_moves() {
    let mut s = SuiteBuilder::default().build();
    let spec = s.spec(&[(0, 2 * UNIT), (1, 3 * UNIT)], 1_000 * UNIT);
    let honest: RouteResponse = s
        .query_on(
            &s.router,
            &hmm::router::QueryMsg::Route {
                trader: None,
                items: spec.resources.clone(),
                sla: spec.sla.clone(),
            },
        )
        .unwrap();
    assert_eq!(honest.orders.len(), 2, "one order per class pool");
    let mut short = honest.clone();
    short.orders[0].lines[0].amount -= Uint128::one();
    let mut cheap = honest.clone();
    cheap.orders[1].cost -= Uint128::one();
    let mut foreign = honest.clone();
    foreign.orders[1].lines[0].cu_token = s.cu[2].to_string();
    let mut extra = honest.clone();
    let mut line = extra.orders[0].lines[0].clone();
    line.cu_token = s.cu[2].to_string();
    extra.orders[0].lines.push(line);
    let client = s.clients[0].clone();
    let ai = s.ai.clone();
    for (case, answer) in [
        ("short", short),
        ("cheap", cheap),
        ("foreign", foreign),
        ("extra", extra),
    ] {
        let registry = registry_with(&mut s, &answer);
        let before = s.balance(&ai, &client);
        let hook = hmm::job::ReceiveMsg::SubmitJob { spec: spec.clone() };
        let err = s
            .cw20_send(&client, &ai, &registry, 500 * UNIT, &hook)
            .unwrap_err();
        assert_eq!(reg_err(err), ContractError::RouteMismatch, "{case}");
        assert_eq!(s.balance(&ai, &client), before, "{case}: nothing moved");
    }
    // The honest plan through the same path buys the job.
    let registry = registry_with(&mut s, &honest);
    let hook = hmm::job::ReceiveMsg::SubmitJob { spec };
    s.cw20_send(&client, &ai, &registry, 500 * UNIT, &hook)
        .unwrap();
    assert_eq!(s.balance(&s.cu[0], &registry), 2 * UNIT);
    assert_eq!(s.balance(&s.cu[1], &registry), 3 * UNIT);
}

/// An ask `s.lp` rests on the book: `lots` CU of class `class` at `price` $AI atoms per CU.
fn rest_ask(s: &mut Suite, class: usize, price: u128, lots: u128) -> u64 {
    let book = s.orderbook.clone().expect("the suite's book");
    let (lp, token) = (s.lp.clone(), s.cu[class].clone());
    s.book_ask(&lp, &book, (class as u32 + 1, &token), price, lots * UNIT)
        .unwrap()
}

/// A job whose class-0 line is sold partly by cheap asks on the book: the registry sends the pool `Buy` and one
/// fill-or-kill bid, holds exactly the job's CU, and pays exactly the plan's cost; a plan naming another book is
/// refused.
#[test]
fn a_job_buys_part_of_a_line_from_the_book_and_the_rest_from_the_pools() {
    let mut s = SuiteBuilder::default().with_orderbook().build();
    let book = s.orderbook.clone().unwrap();
    // The pools sell at ~5 $AI atoms per CU atom: 2 CU asked at 4 and 5 CU at 9.
    rest_ask(&mut s, 0, 4 * UNIT, 2);
    rest_ask(&mut s, 0, 9 * UNIT, 5);
    let spec = s.spec(&[(0, 5 * UNIT), (1, 3 * UNIT)], 1_000 * UNIT);
    let plan: RouteResponse = s
        .query_on(
            &s.router,
            &hmm::router::QueryMsg::Route {
                trader: None,
                items: spec.resources.clone(),
                sla: spec.sla.clone(),
            },
        )
        .unwrap();
    assert_eq!(plan.orderbook.as_ref(), Some(&book));
    assert_eq!(plan.book_fills.len(), 1);
    let fill = plan.book_fills[0].clone();
    assert_eq!(
        (fill.line, fill.quantity.u128(), fill.cost.u128()),
        (0, 2 * UNIT, 8 * UNIT)
    );
    assert_eq!(fill.amount.u128(), 2 * UNIT - 6_000);

    // A router that sends the fills to a book the registry does not pay is refused.
    let mut elsewhere = plan.clone();
    elsewhere.orderbook = Some(s.lp.clone());
    let rogue = registry_with(&mut s, &elsewhere);
    let (client, ai) = (s.clients[0].clone(), s.ai.clone());
    let hook = hmm::job::ReceiveMsg::SubmitJob { spec: spec.clone() };
    let err = s
        .cw20_send(&client, &ai, &rogue, 500 * UNIT, &hook)
        .unwrap_err();
    assert_eq!(reg_err(err), ContractError::RouteMismatch);

    let registry = s.registry.clone();
    let (ai_before, lp_ai) = (s.balance(&ai, &client), s.balance(&ai, &s.lp.clone()));
    let res = s
        .cw20_send(&client, &ai, &registry, 500 * UNIT, &hook)
        .unwrap();
    assert!(res.events.iter().any(|e| e.ty == "wasm-fill"));
    assert_eq!(s.balance(&s.cu[0].clone(), &registry), 5 * UNIT);
    assert_eq!(s.balance(&s.cu[1].clone(), &registry), 3 * UNIT);
    assert_eq!(
        s.balance(&ai, &registry),
        500 * UNIT - plan.total_cost.u128()
    );
    assert_eq!(ai_before - s.balance(&ai, &client), 500 * UNIT);
    // The maker got 8 $AI less its 0.1 % fee; the dear ask still rests.
    assert_eq!(s.balance(&ai, &s.lp.clone()) - lp_ai, 8 * UNIT - 8_000);
    assert_eq!(s.book_asks(&book, 1).unwrap(), vec![(9 * UNIT, 5)]);
}
