import type { ExecutionNotice } from '../../trading/execution/notices.js';
import type { RendererTable } from './types.js';

/** Chat renderings of every ExecutionNotice kind. */
export const executionRenderers: RendererTable<ExecutionNotice> = {};
