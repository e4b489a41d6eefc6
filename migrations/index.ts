import { Foundation1763800000000 } from './1763800000000-Foundation.js';

/** Every migration, oldest first. Listed explicitly so ESM builds need no glob loading. */
export const MIGRATIONS = [Foundation1763800000000];
