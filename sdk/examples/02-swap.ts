// Swap with a quote and a slippage bound: the client buys A100 GPU-hours with $AI (a cw20 Send of $AI carrying the
// pool's Swap hook), receives exactly the quoted amount, and a swap whose bound cannot be met is refused with the
// contract's own text. Needs funded pools: run 01-provide-withdraw first.
//
//   npx tsx examples/02-swap.ts

import { ContractError, HmmPoolQueryClient, attr, contractEvents, executeCalls, swapFromQuote } from '../src/index';
import { ONE, balance, check, cls, eq, m, main, signer } from './common';

main('02-swap', async () => {
  const client = signer('client');
  const pools = new HmmPoolQueryClient(client, m.pool);
  const a100 = cls('CUAGPU');
  const ask = { cu: { token: a100.token } };
  const amount = (1_000n * ONE).toString();

  const p0 = (await pools.pool({ poolId: a100.pool_id })).classes[0].spot_price;
  const quote = await pools.quote({ poolId: a100.pool_id, offer: m.ai_token, ask, offerAmount: amount });
  console.log(`   quote: 1000 $AI -> ${quote.return_amount} CU atoms, fee ${quote.fee_amount}, slippage ${quote.slippage_bps} bps`);

  const swap = swapFromQuote({
    poolContract: m.pool, poolId: a100.pool_id, offerToken: m.ai_token, amount, ask, quote,
    slippageBps: 50, deadline: Math.floor(Date.now() / 1000) + 120,
  });
  eq('swap' in swap.hook ? swap.hook.swap.min_out : null, ((BigInt(quote.return_amount) * 9_950n) / 10_000n).toString(), 'min_out = quote − 0.5 %');

  const [ai0, cu0] = [await balance(client, m.ai_token, client.address), await balance(client, a100.token, client.address)];
  const res = await executeCalls(client, client.address, [swap.call]);
  const [ai1, cu1] = [await balance(client, m.ai_token, client.address), await balance(client, a100.token, client.address)];
  eq(ai0 - ai1, BigInt(amount), `the client paid 1000 $AI (tx ${res.transactionHash.slice(0, 12)}…, gas ${res.gasUsed})`);
  eq(cu1 - cu0, BigInt(quote.return_amount), 'the client received exactly the quoted CU (nothing traded in between)');
  const [ev] = contractEvents(res.events, { contract: m.pool, action: 'swap' });
  eq(attr(ev, 'return_amount'), quote.return_amount, 'the swap event reports the quoted return_amount');
  eq(attr(ev, 'fee_amount'), quote.fee_amount, 'and the quoted fee');
  const p1 = (await pools.pool({ poolId: a100.pool_id })).classes[0].spot_price;
  check(Number(p1) > Number(p0), `buying CU raised its price: ${p0} -> ${p1} $AI/CU`);

  // The same quote again after the price moved, with no slippage allowed: the pool refuses (simulation fails, nothing
  // is broadcast), and the error carries the contract's text.
  const stale = swapFromQuote({
    poolContract: m.pool, poolId: a100.pool_id, offerToken: m.ai_token, amount, ask, quote, slippageBps: 0,
  });
  let refused: unknown;
  try {
    await executeCalls(client, client.address, [stale.call]);
  } catch (e) {
    refused = e;
  }
  check(refused instanceof ContractError, `a stale quote with 0 bps slippage is refused as a ContractError`);
  const msg = (refused as ContractError).contractMessage;
  check(/slippage bound: would receive \d+, minimum is \d+/.test(msg), `with the contract's text: "${msg}"`);
  eq(await balance(client, m.ai_token, client.address), ai1, 'the refused swap cost no $AI');
});
