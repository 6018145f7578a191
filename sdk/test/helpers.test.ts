import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ContractError,
  buyBundleFromRoute,
  buyOrdersFromRoute,
  contractEvents,
  attr,
  pairs,
  cw20Send,
  depositsAtRatio,
  encodeHook,
  executeCalls,
  fromBinaryJson,
  maxSpendFor,
  minOutFor,
  parseContractError,
  provideLiquidity,
  swapFromQuote,
  toEncodeObject,
  uint128,
  type ContractCall,
  type MultiExecutor,
} from '../src/index';
import type { RouteResponse } from '../src/generated/Router.types';
import type { PoolResponse } from '../src/generated/HmmPool.types';

const AI = 'wasm1ai';
const POOLS = 'wasm1pools';
const ROUTER = 'wasm1router';
const GPU = 'wasm1gpu';
const VRAM = 'wasm1vram';

test('a hook becomes the base64 JSON of a cw20 Send', () => {
  const hook = { swap: { pool_id: 1, ask: 'ai', exact_out: null, min_out: '5', deadline: null, to: null } };
  const call = cw20Send({ token: GPU, contract: POOLS, amount: 1000n, hook });
  assert.equal(call.contractAddress, GPU);
  const send = (call.msg as { send: { contract: string; amount: string; msg: string } }).send;
  assert.equal(send.contract, POOLS);
  assert.equal(send.amount, '1000');
  assert.equal(send.msg, Buffer.from(JSON.stringify(hook)).toString('base64'));
  assert.deepEqual(fromBinaryJson(encodeHook(hook)), hook);
});

test('amounts are Uint128 decimal strings', () => {
  assert.equal(uint128(5), '5');
  assert.equal(uint128('340282366920938463463374607431768211455'), '340282366920938463463374607431768211455');
  assert.throws(() => uint128('340282366920938463463374607431768211456'));
  assert.throws(() => uint128(-1));
  assert.throws(() => uint128(1.5));
  assert.throws(() => uint128('1e3'));
});

const route: RouteResponse = {
  legs: [
    {
      pool_id: 2,
      cu_token: GPU,
      amount: '2000000',
      cost: '7000',
      parts: [
        { pool_id: 2, amount: '1500000', cost: '5200' },
        { pool_id: 5, amount: '500000', cost: '1800' },
      ],
      marginal_price: '0.0035',
    },
    { pool_id: 3, cu_token: VRAM, amount: '10', cost: '3001', parts: [], marginal_price: '300' },
  ],
  total_cost: '10001',
  orders: [
    { pool_id: 2, lines: [{ cu_token: GPU, amount: '1500000' }], cost: '5200' },
    { pool_id: 5, lines: [{ cu_token: GPU, amount: '500000' }], cost: '1800' },
    { pool_id: 3, lines: [{ cu_token: VRAM, amount: '10' }], cost: '3001' },
  ],
  pool_contract: POOLS,
};
const items = [
  { cu_token: GPU, amount: '2000000' },
  { cu_token: VRAM, amount: '10' },
];
const sla = { regions: ['eu-west'], max_latency: null, min_privacy_tier: 0, tee_required: false };

test('a route becomes a BuyBundle with a max spend', () => {
  const { call, maxSpend, hook } = buyBundleFromRoute({ route, items, sla, router: ROUTER, aiToken: AI, slippageBps: 100 });
  // 10001 × 1.01 = 10101.01, rounded up.
  assert.equal(maxSpend, '10102');
  assert.equal(call.contractAddress, AI);
  const send = (call.msg as { send: { contract: string; amount: string; msg: string } }).send;
  assert.equal(send.contract, ROUTER);
  assert.equal(send.amount, '10102');
  assert.deepEqual(fromBinaryJson(send.msg), hook);
  assert.deepEqual(hook, { buy_bundle: { items, sla, deadline: null, to: null } });
  // Pinned: each line names the pools its leg was planned on.
  const pinned = buyBundleFromRoute({ route, items, sla, router: ROUTER, aiToken: AI, maxSpend: 10001, pinPools: true, deadline: 99 });
  assert.equal(pinned.maxSpend, '10001');
  assert.deepEqual(pinned.hook, {
    buy_bundle: {
      items: [
        { cu_token: GPU, amount: '2000000', pools: [2, 5] },
        { cu_token: VRAM, amount: '10', pools: [3] },
      ],
      sla,
      deadline: 99,
      to: null,
    },
  });
  assert.throws(() => buyBundleFromRoute({ route, items, sla, router: ROUTER, aiToken: AI, maxSpend: 10000 }), /below the quoted cost/);
  assert.throws(() => buyBundleFromRoute({ route, items: items.slice(1), sla, router: ROUTER, aiToken: AI }), /2 legs for 1 items/);
  assert.throws(
    () => buyBundleFromRoute({ route, items: [items[0], { cu_token: VRAM, amount: '11' }], sla, router: ROUTER, aiToken: AI }),
    /does not match item 1/,
  );
});

test('default slippage is 0.5 %; the route orders go straight to the pools as one Buy', () => {
  assert.equal(maxSpendFor('10000', {}), '10050');
  const { call, hook } = buyOrdersFromRoute({ route, aiToken: AI, to: 'wasm1me' });
  const send = (call.msg as { send: { contract: string; amount: string } }).send;
  assert.equal(send.contract, POOLS);
  assert.equal(send.amount, '10052'); // 10001 × 1.005 = 10051.005, rounded up
  assert.deepEqual(hook, {
    buy: { orders: route.orders.map((o) => ({ pool_id: o.pool_id, lines: o.lines })), deadline: null, to: 'wasm1me' },
  });
});

test('a swap from a quote bounds the output by the slippage', () => {
  assert.equal(minOutFor('10000', 30), '9970');
  const quote = {
    offer_amount: '1000',
    return_amount: '20001',
    fee_amount: '3',
    fee_rate: '0.003',
    slippage_bps: 12,
    expiry_height: 5,
  };
  const { call, hook } = swapFromQuote({ poolContract: POOLS, poolId: 1, offerToken: AI, amount: 1000, ask: { cu: { token: GPU } }, quote });
  assert.deepEqual(hook, {
    swap: { pool_id: 1, ask: { cu: { token: GPU } }, exact_out: null, min_out: '19900', deadline: null, to: null },
  });
  assert.equal(call.contractAddress, AI);
});

test('provide liquidity is one list of messages: allowances, add_liquidity, revocations', () => {
  const calls = provideLiquidity({
    poolContract: POOLS,
    aiToken: AI,
    poolId: 1,
    deposits: [
      { cuToken: GPU, resource: '1000000000', credits: '5000000000' },
      { cuToken: VRAM, resource: 400000000n, credits: 5000000000n },
    ],
    deadline: 1767225600,
  });
  assert.deepEqual(calls, [
    { contractAddress: GPU, msg: { increase_allowance: { spender: POOLS, amount: '1000000000' } } },
    { contractAddress: VRAM, msg: { increase_allowance: { spender: POOLS, amount: '400000000' } } },
    { contractAddress: AI, msg: { increase_allowance: { spender: POOLS, amount: '10000000000' } } },
    {
      contractAddress: POOLS,
      // The pool README's add_liquidity example.
      msg: {
        add_liquidity: {
          pool_id: 1,
          deposits: [
            { resource: '1000000000', credits: '5000000000' },
            { resource: '400000000', credits: '5000000000' },
          ],
          min_shares: '0',
          deadline: 1767225600,
        },
      },
    },
    { contractAddress: GPU, msg: { decrease_allowance: { spender: POOLS, amount: '1000000000' } } },
    { contractAddress: VRAM, msg: { decrease_allowance: { spender: POOLS, amount: '400000000' } } },
    { contractAddress: AI, msg: { decrease_allowance: { spender: POOLS, amount: '10000000000' } } },
  ]);
  const noRevoke = provideLiquidity({
    poolContract: POOLS,
    aiToken: AI,
    poolId: 1,
    deposits: [{ cuToken: GPU, resource: 1, credits: 2 }],
    revokeLeftover: false,
    expires: { at_height: 100 },
  });
  assert.equal(noRevoke.length, 3);
  assert.deepEqual(noRevoke[0].msg, { increase_allowance: { spender: POOLS, amount: '1', expires: { at_height: 100 } } });
  assert.throws(() => provideLiquidity({ poolContract: POOLS, aiToken: AI, poolId: 1, deposits: [] }));
  assert.throws(() =>
    provideLiquidity({ poolContract: POOLS, aiToken: AI, poolId: 1, deposits: [{ cuToken: GPU, resource: 0, credits: 1 }] }),
  );
});

test('deposits at the pool ratio round the credits up', () => {
  const pool = {
    pool_id: 4,
    classes: [
      { cu_token: GPU, resource_reserve: '3000', credit_reserve: '1000' },
      { cu_token: VRAM, resource_reserve: '10', credit_reserve: '70' },
    ],
  } as unknown as PoolResponse;
  assert.deepEqual(depositsAtRatio(pool, [100, '3']), [
    { cuToken: GPU, resource: '100', credits: '34' },
    { cuToken: VRAM, resource: '3', credits: '21' },
  ]);
  assert.throws(() => depositsAtRatio(pool, [1]), /2 classes/);
});

test('calls become MsgExecuteContract encode objects and go out as one transaction', async () => {
  const call: ContractCall = { contractAddress: POOLS, msg: { claim_fees: { pool_id: 1, defer: [] } } };
  const eo = toEncodeObject('wasm1me', call);
  assert.equal(eo.typeUrl, '/cosmwasm.wasm.v1.MsgExecuteContract');
  assert.equal(new TextDecoder().decode(eo.value.msg), '{"claim_fees":{"pool_id":1,"defer":[]}}');
  assert.deepEqual(eo.value.funds, []);

  const seen: unknown[] = [];
  const ok: MultiExecutor = {
    async executeMultiple(sender, instructions, fee, memo) {
      seen.push([sender, instructions.length, fee, memo]);
      return { transactionHash: 'AB', events: [], gasUsed: 1n };
    },
  };
  await executeCalls(ok, 'wasm1me', [call, call]);
  assert.deepEqual(seen, [['wasm1me', 2, 1.3, '']]);

  const failing: MultiExecutor = {
    async executeMultiple() {
      throw new Error(
        'Broadcasting transaction failed with code 5 (codespace: wasm). Log: failed to execute message; message index: 3: Slippage: 99 < 100: execute wasm contract failed',
      );
    },
  };
  await assert.rejects(executeCalls(failing, 'wasm1me', [call]), (e: unknown) => {
    assert.ok(e instanceof ContractError);
    assert.equal(e.contractMessage, 'Slippage: 99 < 100');
    assert.equal(e.messageIndex, 3);
    return true;
  });
  await assert.rejects(executeCalls(ok, 'wasm1me', []), /no calls/);
});

test('contract errors are cut out of simulation and query logs', () => {
  assert.deepEqual(
    parseContractError(
      'Query failed with (6): rpc error: code = Unknown desc = failed to execute message; message index: 0: no pool offers wasm1gpu: execute wasm contract failed [CosmWasm/wasmd/x/wasm/keeper/keeper.go:123] With gas wanted: 0',
    ),
    { message: 'no pool offers wasm1gpu', index: 0 },
  );
  assert.deepEqual(
    parseContractError('Query failed with (6): Generic error: Querier contract error: unknown pool 9: query wasm contract failed: unknown request'),
    { message: 'Generic error: Querier contract error: unknown pool 9', index: undefined },
  );
});

test('contract events: wasm and wasm-* events by contract and action', () => {
  const events = [
    { type: 'message', attributes: [{ key: 'action', value: '/cosmwasm.wasm.v1.MsgExecuteContract' }] },
    {
      type: 'wasm',
      attributes: [
        { key: '_contract_address', value: POOLS },
        { key: 'action', value: 'buy' },
        { key: 'order', value: '2:5200' },
        { key: 'order', value: '5:1800' },
        { key: 'bought', value: `${GPU}:2000000` },
        { key: 'cost', value: '7000' },
      ],
    },
    { type: 'wasm-fill', attributes: [{ key: '_contract_address', value: 'wasm1book' }, { key: 'order_id', value: '7' }] },
  ];
  const all = contractEvents(events);
  assert.equal(all.length, 2);
  const [buy] = contractEvents(events, { contract: POOLS, action: 'buy' });
  assert.equal(attr(buy, 'cost'), '7000');
  assert.deepEqual(pairs(buy, 'order'), [
    ['2', '5200'],
    ['5', '1800'],
  ]);
  assert.deepEqual(pairs(buy, 'bought'), [[GPU, '2000000']]);
  assert.throws(() => attr(buy, 'order'), /2 values/);
  const [fill] = contractEvents(events, { type: 'fill' });
  assert.equal(fill.contract, 'wasm1book');
  assert.equal(fill.action, undefined);
});

test('fromCosmJs: "auto" gas gets the margin, contract refusals carry the contract text', async () => {
  const seen: unknown[] = [];
  const fake = {
    async queryContractSmart(_a: string, q: Record<string, unknown>) {
      if ('pool' in q) throw new Error('Query failed with (6): Generic error: unknown pool 9: query wasm contract failed');
      return { ok: true };
    },
    async execute(...args: unknown[]) {
      seen.push(args[3]);
      if (seen.length === 3) {
        throw new Error('failed to execute message; message index: 0: Deadline passed: execute wasm contract failed');
      }
      return {};
    },
  };
  const { fromCosmJs } = await import('../src/index');
  const { HmmPoolClient } = await import('../src/index');
  const pool = new HmmPoolClient(fromCosmJs(fake, { gasMultiplier: 1.5 }), 'wasm1me', POOLS);
  await pool.claimFees({ poolId: 1 });
  await pool.claimFees({ poolId: 1 }, { amount: [], gas: '100' });
  await assert.rejects(pool.claimFees({ poolId: 1 }), (e: unknown) => e instanceof ContractError && e.contractMessage === 'Deadline passed');
  assert.deepEqual(seen, [1.5, { amount: [], gas: '100' }, 1.5]);
  await assert.rejects(pool.pool({ poolId: 9 }), (e: unknown) => e instanceof ContractError && /unknown pool 9/.test(e.contractMessage));
});

test('checkDeployment compares cw2 contract_info with the versions the SDK was generated for', async () => {
  const { checkDeployment, CONTRACT_VERSIONS } = await import('../src/index');
  const store: Record<string, string> = {
    wasm1pools: JSON.stringify({ contract: 'crates.io:hmm-pool', version: CONTRACT_VERSIONS['hmm-pool'] }),
    wasm1old: JSON.stringify({ contract: 'crates.io:router', version: '0.0.1' }),
  };
  const querier = {
    async queryContractRaw(address: string, key: Uint8Array) {
      assert.equal(new TextDecoder().decode(key), 'contract_info');
      return store[address] ? new TextEncoder().encode(store[address]) : null;
    },
  };
  const checks = await checkDeployment(querier, { 'hmm-pool': 'wasm1pools', router: 'wasm1old', poai: 'wasm1none' });
  assert.deepEqual(
    checks.map((c) => [c.name, c.ok]),
    [
      ['hmm-pool', true],
      ['router', false],
      ['poai', false],
    ],
  );
  assert.equal(checks[2].found, null);
});
