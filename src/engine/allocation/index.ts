export * from './types.js';
export * from './constants.js';
export { estimateKelly } from './estimate.js';
export { chooseRisk, type RiskChoice } from './half-kelly.js';
export { applyCaps, maxQtyWithin, type CapContext } from './caps.js';
export { validateKellyInput } from './validate.js';
export { sizeHalfKelly } from './size.js';
