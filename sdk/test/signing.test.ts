// Offline signing with CosmJS (standard Cosmos chains; Injective needs its own signer, see README): the helpers'
// calls and a generated message composer's messages signed as ONE transaction without a node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { SigningCosmWasmClient } from '@cosmjs/cosmwasm-stargate';
import { TxRaw, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { MsgExecuteContract } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import { HmmPoolClient, HmmPoolMsgComposer, fromCosmJs, provideLiquidity, toEncodeObject } from '../src/index';

// A well-known test mnemonic (never holds funds).
const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

test('provide liquidity signs offline as one transaction of several messages', async () => {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, { prefix: 'wasm' });
  const [{ address }] = await wallet.getAccounts();
  const client = await SigningCosmWasmClient.offline(wallet);
  // The generated clients take a CosmJS client through fromCosmJs.
  const pool = new HmmPoolClient(fromCosmJs(client), address, 'wasm1pools');
  assert.equal(pool.sender, address);

  const calls = provideLiquidity({
    poolContract: 'wasm1pools',
    aiToken: 'wasm1ai',
    poolId: 1,
    deposits: [{ cuToken: 'wasm1gpu', resource: 1000, credits: 5000 }],
  });
  const composed = new HmmPoolMsgComposer(address, 'wasm1pools').claimFees({ poolId: 1, defer: [] });
  const messages = [...calls.map((c) => toEncodeObject(address, c)), composed];
  const fee = { amount: [{ denom: 'ustake', amount: '5000' }], gas: '400000' };
  const signed = await client.sign(address, messages, fee, 'hmm sdk test', {
    accountNumber: 7,
    sequence: 3,
    chainId: 'hmm-test-1',
  });
  const raw = TxRaw.decode(TxRaw.encode(signed).finish());
  assert.equal(raw.signatures.length, 1);
  assert.equal(raw.signatures[0].length, 64);
  const body = TxBody.decode(raw.bodyBytes);
  assert.equal(body.memo, 'hmm sdk test');
  assert.equal(body.messages.length, calls.length + 1);
  const decoded = body.messages.map((m) => {
    assert.equal(m.typeUrl, '/cosmwasm.wasm.v1.MsgExecuteContract');
    const msg = MsgExecuteContract.decode(m.value);
    assert.equal(msg.sender, address);
    return [msg.contract, JSON.parse(new TextDecoder().decode(msg.msg))];
  });
  assert.deepEqual(decoded[0], ['wasm1gpu', { increase_allowance: { spender: 'wasm1pools', amount: '1000' } }]);
  assert.deepEqual(decoded[2][1].add_liquidity.deposits, [{ resource: '1000', credits: '5000' }]);
  assert.deepEqual(decoded[decoded.length - 1], ['wasm1pools', { claim_fees: { pool_id: 1, defer: [] } }]);
});
