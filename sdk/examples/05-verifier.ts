// A verifier's commit and reveal, and the job's settlement: the verifier bonds (the `register_verifier` hook), waits
// for the end of the attestation's epoch, commits its verdict — the commitment computed LOCALLY (verdictMessages),
// never through poai's VerdictCommitment query, which would hand the secret salt to the RPC node — reveals it in the
// reveal window, and finalizes: poai rewards the worker, the registry settles (client refunded its escrow less the
// job fee). The fast deployment profile (scripts/deploy --profile fast: 60 s epochs, every job sampled, 6 s windows)
// makes this take about a minute.
//
//   npx tsx examples/05-verifier.ts

import {
  JobRegistryQueryClient, PoaiClient, PoaiQueryClient, cw20Send, executeCalls, verdictMessages, type PoaiHooksTypes,
} from '../src/index';
import { ONE, balance, check, eq, loadState, m, main, signer, waitUntil } from './common';

main('05-verifier', async () => {
  const { jobId } = loadState();
  if (!jobId) throw new Error('no job: run 03-submit-job and 04-worker first');
  const v = signer('verifier');
  const poai = new PoaiClient(v, v.address, m.poai);
  const jobs = new JobRegistryQueryClient(v, m.job_registry);

  const bonded = await poai.verifier({ verifier: v.address }).then((r) => BigInt(r.bond), () => 0n);
  if (bonded === 0n) {
    const hook: PoaiHooksTypes.ReceiveMsg = { register_verifier: {} };
    await executeCalls(v, v.address, [cw20Send({ token: m.ai_token, contract: m.poai, amount: 2_000n * ONE, hook })]);
    eq(BigInt((await poai.verifier({ verifier: v.address })).bond), 2_000n * ONE, 'the verifier bonded 2000 $AI');
  }

  const params = (await poai.config()).params;
  const at = (await poai.attestation({ jobId })).attestation;
  if (!at) throw new Error(`job ${jobId} is not attested: run 04-worker first`);
  await waitUntil(at.commit_end - params.commit_period, `the end of epoch ${at.epoch} (the commit window)`);

  const verdict = verdictMessages({ jobId, verdict: 'valid', verifier: v.address }); // a fresh 32-byte salt
  await executeCalls(v, v.address, [{ contractAddress: m.poai, msg: verdict.commit }]);
  eq((await poai.attestation({ jobId })).attestation?.commits, 1, `committed ${verdict.commitment.slice(0, 16)}…`);

  await waitUntil(at.commit_end, 'the reveal window');
  await executeCalls(v, v.address, [{ contractAddress: m.poai, msg: verdict.reveal }]);
  const bond = BigInt((await poai.verifier({ verifier: v.address })).bond);
  eq(BigInt((await poai.attestation({ jobId })).attestation!.valid_weight), bond, 'revealed: valid weight = the verifier\'s bond');

  await waitUntil(at.reveal_end, 'the end of the reveal window');
  const job = await jobs.job({ jobId });
  const client = job.client;
  const worker = job.worker!;
  const [c0, w0] = [await balance(v, m.ai_token, client), await balance(v, m.ai_token, worker)];
  const res = await poai.finalize({ jobId });
  eq((await new PoaiQueryClient(v, m.poai).attestation({ jobId })).state, 'succeeded', `poai: succeeded (gas ${res.gasUsed})`);
  const settled = await jobs.job({ jobId });
  eq(settled.state, 'settled', 'registry: settled');
  eq(settled.close_reason, 'completed', 'close reason');
  eq((await balance(v, m.ai_token, client)) - c0, BigInt(job.escrow) - BigInt(job.fee), 'the client got its escrow back, less the job fee');
  check((await balance(v, m.ai_token, worker)) > w0, 'the worker received its PoAI bonus');
});
