// A worker's cycle on the job of 03-submit-job: register with a first bond (capabilities, a secp256k1 enclave key and
// its proof of possession), offer capacity (poai mints CU against the bond), check eligibility, take and start the
// job, then attest: the io Merkle root and the attestation digest computed locally (checked against poai's own
// AttestationDigest query), signed with the enclave key. A forged signature is refused with the contract's text.
//
//   npx tsx examples/04-worker.ts

import { createHash, randomBytes } from 'node:crypto';
import {
  ContractError, JobRegistryClient, PoaiClient, attestationDigest, attr, contractEvents, cw20Send, enclaveRegistration,
  executeCalls, merkleProof, merkleRoot, signDigest, toBase64, toHex, type PoaiHooksTypes,
} from '../src/index';
import { ONE, SLA, balance, check, cls, deployment, eq, loadState, m, main, saveState, signer } from './common';

const sha256hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const bytes = (s: string) => new TextEncoder().encode(s);

main('04-worker', async () => {
  const { jobId, input } = loadState();
  if (!jobId) throw new Error('no job: run 03-submit-job first');
  const w = signer('worker1');
  const poai = new PoaiClient(w, w.address, m.poai);
  const jobs = new JobRegistryClient(w, w.address, m.job_registry);

  // 1. Register with a first bond: the $AI sent with the `register` hook is the bond.
  const enclaveKey = new Uint8Array(randomBytes(32));
  const registered = await poai.worker({ worker: w.address }).then(() => true, () => false);
  if (!registered) {
    const bond = 2_000n * ONE;
    const register: PoaiHooksTypes.ReceiveMsg = {
      register: {
        capabilities: {
          gpu_model: 'H100-SXM', gpu_count: 8, vram_gb: 80, cpu_cores: 96, bandwidth_mbps: 25_000, disk_gb: 4_000,
          region: 'eu-west', latency: 'interactive', privacy_tier: 2, tee: 'nvidia_cc',
        },
        ...enclaveRegistration({ chainId: deployment.chain_id, poai: m.poai, worker: w.address, secretKeys: { secp256k1: enclaveKey } }),
      },
    };
    const ai0 = await balance(w, m.ai_token, w.address);
    await executeCalls(w, w.address, [cw20Send({ token: m.ai_token, contract: m.poai, amount: bond, hook: register })]);
    eq(ai0 - (await balance(w, m.ai_token, w.address)), bond, 'worker1 bonded 2000 $AI');
    eq(BigInt((await poai.worker({ worker: w.address })).bond), bond, 'poai records the bond');
    saveState({ enclaveKey: toHex(enclaveKey) });
  } else {
    const saved = loadState().enclaveKey;
    if (!saved) throw new Error('worker1 is registered but its enclave key is not in the examples state: reset the devnet');
    enclaveKey.set(Buffer.from(saved, 'hex'));
  }

  // 2. Offer capacity for the job's classes: poai mints the CU (quality × raw) to the worker against its bond.
  const quality = Number((await poai.worker({ worker: w.address })).quality);
  for (const [symbol, raw] of [['CUVRAM', 1_000n], ['CUCPU', 500n]] as const) {
    const c = cls(symbol);
    const b0 = await balance(w, c.token, w.address);
    const res = await poai.offerCapacity({ cuToken: c.token, rawAmount: (raw * ONE).toString() });
    const [ev] = contractEvents(res.events, { contract: m.poai, action: 'offer_capacity' });
    const minted = BigInt(attr(ev, 'minted'));
    check(minted > 0n && minted <= raw * ONE, `offered ${raw} ${symbol}: minted ${minted} (quality ${quality})`);
    eq((await balance(w, c.token, w.address)) - b0, minted, `worker1 received the minted ${symbol}`);
  }

  // 3. Eligible? Take and start the job.
  const job = await jobs.job({ jobId });
  const cu = job.cu.map((x) => ({ token: x.token, amount: x.amount }));
  const el = await poai.eligibility({ worker: w.address, cu, sla: SLA });
  check(el.eligible, `worker1 is eligible for job ${jobId}${el.reason ? ` (${el.reason})` : ''}`);
  await jobs.takeJob({ jobId });
  eq((await jobs.job({ jobId })).state, 'assigned', 'registry: assigned');
  eq((await poai.attestation({ jobId })).state, 'assigned', 'poai: assigned');
  await jobs.startJob({ jobId });
  eq((await jobs.job({ jobId })).state, 'running', 'registry: running');

  // 4. Attest: the io tree over input, output and log; the digest the enclave signs.
  const output = bytes(`example output of job ${jobId}: 1k summaries, sha256=${sha256hex('summaries')}`);
  const leaves = [bytes(input), output, bytes('log: 1000 documents, 0 errors')];
  const ioRoot = merkleRoot(leaves)!;
  const fields = {
    jobId, worker: w.address, inputCommitment: job.input_commitment, outputCommitment: sha256hex(output),
    ioMerkleRoot: toHex(ioRoot), teeReportHash: sha256hex(`nvidia-cc report, job ${jobId}`),
  };
  const digest = attestationDigest({ chainId: deployment.chain_id, poai: m.poai, ...fields, used: null });
  const onchain = await poai.attestationDigest(fields);
  eq(onchain.hash, toHex(digest), 'digest computed locally = poai\'s AttestationDigest');

  const attest = { jobId, outputCommitment: fields.outputCommitment, ioMerkleRoot: fields.ioMerkleRoot, teeReportHash: fields.teeReportHash };
  let refused: unknown;
  try {
    await poai.attest({ ...attest, signature: signDigest('secp256k1', new Uint8Array(randomBytes(32)), digest) });
  } catch (e) {
    refused = e;
  }
  check(refused instanceof ContractError && /signature/i.test(refused.contractMessage),
    `a signature by another key is refused: "${refused instanceof ContractError ? refused.contractMessage : String(refused)}"`);

  const res = await poai.attest({ ...attest, signature: signDigest('secp256k1', enclaveKey, digest) });
  const a = await poai.attestation({ jobId });
  eq(a.state, 'attested', `poai: attested (gas ${res.gasUsed})`);
  eq(a.attestation?.key_type, 'secp256k1', 'verified with the secp256k1 enclave key');
  eq((await jobs.job({ jobId })).state, 'attested', 'registry: attested');
  const proof = merkleProof(leaves, 1).map(toHex);
  const inc = await poai.verifyInclusion({ jobId, leaf: toBase64(output), index: 1, leafCount: leaves.length, proof });
  check(inc.included, 'the output is leaf 1 under the attested io root (VerifyInclusion)');
  console.log(`   epoch ${a.attestation?.epoch}: commit until ${a.attestation?.commit_end}, reveal until ${a.attestation?.reveal_end}`);
});
