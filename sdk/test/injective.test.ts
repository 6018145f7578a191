// Offline checks of the Injective signer (src/injective.ts): the key derivation injectived uses, the public key's
// type whatever the chain id, and a signature the chain verifies (eth_secp256k1: keccak-256 of the SignDoc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TxRaw, AuthInfo, TxBody, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { MsgExecuteContract } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { InjectiveSigner, ContractError, provideLiquidity } from '../src/index';

// A key made by `injectived keys add` (keyring-backend test) on a throwaway devnet: its mnemonic and the address
// injectived printed for it (eth_secp256k1, coin type 60). It never holds funds outside that devnet.
const MNEMONIC =
  'hover barely save riot sibling seat income fold gas pumpkin weasel ozone right announce field order knock endless struggle hidden trouble beauty cradle seven';
const ADDRESS = 'inj1qf0s5s50yrh7966udzcdca5xmjwegusuqxa2ej';
const opts = { rest: 'http://127.0.0.1:1', chainId: 'hmm-local-1' };

test('a mnemonic gives the address injectived gives it (m/44\'/60\'/0\'/0/0)', () => {
  assert.equal(InjectiveSigner.fromMnemonic(MNEMONIC, opts).address, ADDRESS);
});

test('several calls sign offline as one transaction, with an ethsecp256k1 key on any chain id, verifiable', () => {
  const s = InjectiveSigner.fromMnemonic(MNEMONIC, opts);
  const calls = provideLiquidity({
    poolContract: 'inj1pool', aiToken: 'inj1ai', poolId: 1, deposits: [{ cuToken: 'inj1gpu', resource: 10, credits: 50 }],
  });
  const bytes = s.signOffline(calls, { accountNumber: 7, sequence: 3, gas: 500_000 });
  const raw = TxRaw.decode(bytes);
  const body = TxBody.decode(raw.bodyBytes);
  assert.equal(body.messages.length, calls.length);
  const first = MsgExecuteContract.decode(body.messages[0].value);
  assert.equal(first.sender, ADDRESS);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(first.msg)), calls[0].msg);

  const auth = AuthInfo.decode(raw.authInfoBytes);
  const pk = auth.signerInfos[0].publicKey!;
  assert.equal(pk.typeUrl, '/injective.crypto.v1beta1.ethsecp256k1.PubKey');
  assert.equal(auth.signerInfos[0].sequence, 3n);
  assert.equal(auth.fee!.gasLimit, 500_000n);
  assert.deepEqual(auth.fee!.amount, [{ denom: 'inj', amount: (500_000n * 160_000_000n).toString() }]);

  const signDoc = SignDoc.encode({ bodyBytes: raw.bodyBytes, authInfoBytes: raw.authInfoBytes, chainId: 'hmm-local-1', accountNumber: 7n }).finish();
  const key = PubKey.decode(pk.value).key;
  assert.ok(secp256k1.verify(raw.signatures[0].slice(0, 64), keccak_256(signDoc), key, { prehash: false }));
});

test('a call for another sender is refused before anything is sent', async () => {
  const s = InjectiveSigner.fromMnemonic(MNEMONIC, opts);
  await assert.rejects(s.execute('inj1other', 'inj1c', { x: {} }), /cannot send for inj1other/);
});

test('ContractError cuts the contract text out of an Injective simulation log', () => {
  const raw =
    'failed to execute message; message index: 0: dispatch: submessages: slippage bound: would receive 4, minimum is 9: execute wasm contract failed [!injective!labs/wasmd@v0.53.3-inj.2/x/wasm/keeper/keeper.go:423] With gas wanted: \'0\' and gas used: \'312\' : unknown request';
  const e = new ContractError(raw);
  assert.equal(e.contractMessage, 'dispatch: submessages: slippage bound: would receive 4, minimum is 9');
  assert.equal(e.messageIndex, 0);
});
