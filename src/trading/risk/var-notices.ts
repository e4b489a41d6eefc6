import type { RiskReport } from './var-report.js';

/** What the value-at-risk use cases tell a chat (/risk): the open book's VaR and ES with how they were drawn. */
export type VarNotice = { kind: 'risk.var'; report: RiskReport };
