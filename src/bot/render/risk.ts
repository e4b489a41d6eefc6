import type { VarNotice } from '../../trading/risk/var-notices.js';
import { asFormatted } from '../format/message.js';
import { riskView } from '../views/risk-view.js';
import type { RendererTable } from './types.js';

/** Chat rendering of VarNotice: /risk's answer, one text message. */
export const riskRenderers: RendererTable<VarNotice> = {
  'risk.var': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(riskView(n.report)) }], origin: 'risk' }),
};
