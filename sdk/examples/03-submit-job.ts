// Submit a job and follow its state: the client quotes the job's CU on the router, submits it through the $AI hook
// (the $AI sent pays the CU — bought by the registry on the router's plan — and the rest stays in the job's escrow),
// and reads the job back. 04-worker takes it (assigned → running → attested), 05-verifier settles it.
//
//   npx tsx examples/03-submit-job.ts

import { createHash } from 'node:crypto';
import {
  JobRegistryQueryClient, RouterQueryClient, attr, contractEvents, cw20Send, executeCalls, maxSpendFor,
  type JobRegistryHooksTypes,
} from '../src/index';
import { ONE, SLA, balance, blockTime, cls, eq, m, main, saveState, signer } from './common';

main('03-submit-job', async () => {
  const client = signer('client');
  const router = new RouterQueryClient(client, m.router);
  const jobs = new JobRegistryQueryClient(client, m.job_registry);

  const items = [
    { cu_token: cls('CUVRAM').token, amount: (80n * ONE).toString() },
    { cu_token: cls('CUCPU').token, amount: (16n * ONE).toString() },
  ];
  const route = await router.route({ items, sla: SLA });
  const cost = BigInt(route.total_cost);
  console.log(`   route: ${route.legs.map((l) => `${l.amount} of ${l.cu_token.slice(0, 10)}… for ${l.cost}`).join(', ')}; total ${cost}`);
  const maxSpend = maxSpendFor(route.total_cost, { slippageBps: 200 });
  const escrow = 5n * ONE;

  const input = 'example job: summarise 1k documents, seed 7';
  const now = await blockTime();
  const hook: JobRegistryHooksTypes.ReceiveMsg = {
    submit_job: {
      spec: {
        resources: items, sla: SLA, max_spend: maxSpend, start_by: now + 600, finish_by: now + 1800,
        input_commitment: createHash('sha256').update(input).digest('hex'),
      },
    },
  };
  const sent = BigInt(maxSpend) + escrow;
  const ai0 = await balance(client, m.ai_token, client.address);
  const res = await executeCalls(client, client.address, [
    cw20Send({ token: m.ai_token, contract: m.job_registry, amount: sent, hook }),
  ]);
  const [ev] = contractEvents(res.events, { contract: m.job_registry, action: 'submit_job' });
  const jobId = Number(attr(ev, 'job_id'));
  console.log(`   submitted job ${jobId} (tx ${res.transactionHash.slice(0, 12)}…, gas ${res.gasUsed})`);

  const job = await jobs.job({ jobId });
  eq(job.state, 'open', `job ${jobId} state`);
  eq(job.client, client.address, 'the job is the client\'s');
  eq(BigInt(job.value), cost, 'job value = the quoted route cost (nothing traded in between)');
  eq(BigInt(job.escrow), sent - cost, 'escrow = sent − cost');
  eq(ai0 - (await balance(client, m.ai_token, client.address)), sent, 'the client paid what it sent');
  for (const it of items) {
    eq(await balance(client, it.cu_token, m.job_registry) >= BigInt(it.amount), true,
      `the registry holds the job's ${it.amount} atoms of ${it.cu_token.slice(0, 12)}…`);
  }
  saveState({ jobId, input });
});
