export * from './types.js';
export * from './policy-gate.js';
export * from './liquidity-gate.js';
export * from './position-caps.js';
export * from './drift-band.js';
export * from './refusal-sentences.js';
export * from './returns.js';
