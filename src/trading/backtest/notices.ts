/**
 * What the backtest use cases tell a chat, as typed data (codes and figures, no
 * sentences): published through the Notifier port and turned into chat text
 * by src/bot/render/backtest.ts (and by the dashboard, later).
 */
export type BacktestNotice = never;
