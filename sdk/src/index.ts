// @hmm-exchange/sdk: generated clients (src/generated, from ../schema) and the hand-written helpers.

export * from './generated';
export * from './encoding';
export * from './tx';
export * from './cw20';
export * from './router';
export * from './pool';
export * from './poai';
export * from './events';
export * from './cosmjs';
export * from './deployment';
export * from './injective';
