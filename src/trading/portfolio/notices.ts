/**
 * What the portfolio use cases tell a chat, as typed data (codes and figures, no
 * sentences): published through the Notifier port and turned into chat text
 * by src/bot/render/portfolio.ts (and by the dashboard, later).
 */
export type PortfolioNotice = never;
