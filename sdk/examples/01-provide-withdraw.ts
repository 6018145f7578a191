// Provide and withdraw liquidity. The LP seeds every class's pool (a first deposit names its own price), the router
// indexes the funded pools, then the LP adds to the A100 pool at its current ratio and withdraws what it got — each
// deposit ONE transaction (allowances + add_liquidity + revocation of what was not pulled).
//
//   npx tsx examples/01-provide-withdraw.ts        (after scripts/deploy; see examples/common.ts for the environment)

import { HmmPoolClient, RouterClient, attr, contractEvents, depositsAtRatio, executeCalls, provideLiquidity } from '../src/index';
import { ONE, balance, check, cls, eq, m, main, signer } from './common';

main('01-provide-withdraw', async () => {
  const lp = signer('lp');
  const pools = new HmmPoolClient(lp, lp.address, m.pool);
  const now = Math.floor(Date.now() / 1000);

  // 1. Seed each class's pool: 20k CU at the demo's prices (whole tokens of $AI per CU below).
  const seeds: [string, bigint, bigint][] = [
    ['CUHGPU', 20_000n, 80_000n],
    ['CUAGPU', 20_000n, 40_000n],
    ['CUVRAM', 80_000n, 5_000n],
    ['CUCPU', 80_000n, 3_000n],
  ];
  const seeded: number[] = [];
  for (const [symbol, q, p] of seeds) {
    const c = cls(symbol);
    const info = await pools.pool({ poolId: c.pool_id });
    if (BigInt(info.total_shares) > 0n) {
      console.log(`   pool ${c.pool_id} (${symbol}) already has liquidity`);
      seeded.push(c.pool_id);
      continue;
    }
    const ai0 = await balance(lp, m.ai_token, lp.address);
    const res = await executeCalls(
      lp,
      lp.address,
      provideLiquidity({
        poolContract: m.pool, aiToken: m.ai_token, poolId: c.pool_id,
        deposits: [{ cuToken: c.token, resource: (q * ONE).toString(), credits: (p * ONE).toString() }],
        minShares: '1', deadline: now + 300,
      }),
    );
    const [ev] = contractEvents(res.events, { contract: m.pool, action: 'add_liquidity' });
    const after = await pools.pool({ poolId: c.pool_id });
    eq([after.classes[0].resource_reserve, after.classes[0].credit_reserve], [(q * ONE).toString(), (p * ONE).toString()],
      `pool ${c.pool_id} (${symbol}) reserves after the first deposit (gas ${res.gasUsed}, shares ${ev ? attr(ev, 'shares') : '?'})`);
    eq(ai0 - (await balance(lp, m.ai_token, lp.address)), p * ONE, `LP paid ${p} $AI into pool ${c.pool_id}`);
    const allowance = await lp.queryContractSmart(c.token, { allowance: { owner: lp.address, spender: m.pool } });
    eq(allowance.allowance, '0', `no ${symbol} allowance left to the pool contract`);
    seeded.push(c.pool_id);
  }

  // 2. Funded pools join the router's index (anyone may ask).
  const router = new RouterClient(lp, lp.address, m.router);
  await router.registerPools({ poolIds: seeded });
  for (const [symbol] of seeds) {
    const c = cls(symbol);
    const listed = await router.classPools({ cuToken: c.token });
    check(listed.pool_ids.includes(c.pool_id), `router indexes pool ${c.pool_id} under ${symbol}`);
  }

  // 3. Add to the A100 pool at its ratio, then withdraw the shares it gave.
  const a100 = cls('CUAGPU');
  const pool = await pools.pool({ poolId: a100.pool_id });
  const [ai0, cu0] = [await balance(lp, m.ai_token, lp.address), await balance(lp, a100.token, lp.address)];
  const deposits = depositsAtRatio(pool, [(200n * ONE).toString()]);
  const added = await executeCalls(lp, lp.address, provideLiquidity({
    poolContract: m.pool, aiToken: m.ai_token, poolId: a100.pool_id, deposits, minShares: '1', deadline: now + 300,
  }));
  const [ev] = contractEvents(added.events, { contract: m.pool, action: 'add_liquidity' });
  const shares = BigInt(attr(ev, 'shares'));
  check(shares > 0n, `add_liquidity gave ${shares} shares for 200 CU + ${BigInt(deposits[0].credits) / ONE} $AI (one tx, gas ${added.gasUsed})`);
  const share = await pools.share({ poolId: a100.pool_id, owner: lp.address });
  check(BigInt(share.shares) >= shares, `Share query: the LP holds ${share.shares} shares`);
  const [ai1, cu1] = [await balance(lp, m.ai_token, lp.address), await balance(lp, a100.token, lp.address)];
  check(cu0 - cu1 <= 200n * ONE && cu0 - cu1 > 0n, `CU pulled: ${cu0 - cu1} (at most the 200 CU granted)`);

  const removed = await pools.removeLiquidity({
    poolId: a100.pool_id, shares: shares.toString(), minCredits: '0', minResources: [], deadline: now + 300,
  });
  const [ai2, cu2] = [await balance(lp, m.ai_token, lp.address), await balance(lp, a100.token, lp.address)];
  check(ai2 > ai1 && cu2 > cu1, `withdrawn: ${cu2 - cu1} CU + ${ai2 - ai1} $AI (gas ${removed.gasUsed})`);
  check(cu2 <= cu0 && ai2 <= ai0 + (ai0 - ai1) / 100n, 'the round trip returns no more than was put in (fees aside)');
  const after = await pools.share({ poolId: a100.pool_id, owner: lp.address });
  eq(BigInt(after.shares), BigInt(share.shares) - shares, 'the LP shares fell by the shares withdrawn');
});
