/** Small statistics kernels for the engine: the normal distribution, sample moments, the deflated Sharpe ratio. */
export * from './normal.js';
export * from './moments.js';
export * from './deflated-sharpe.js';
