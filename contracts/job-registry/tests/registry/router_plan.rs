//! The registry checks the plan it buys on: a router whose `Route` answer does not add up (orders that deliver other
//! amounts than the legs, another token, or cost other than the total) is refused with `RouteMismatch` before any
//! token moves. A mock router answers what each case sets; the pool, tokens and mock poai are the suite's.

use cosmwasm_std::{Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdResult, Uint128};
use cw_multi_test::{ContractWrapper, Executor};
use hmm::router::RouteResponse;
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
