import type { BrokerPosition } from '../../adapters/brokers/port.js';
import type { FillContext } from '../portfolio/fill-context.js';
import type { StoredPick } from '../scan/picks-repo.js';
import type { ExecutionOutcome } from './execute.js';
import type { ExitOutcome } from './exit-types.js';
import type { ReconcileReport } from './reconcile.js';

/**
 * What the execution use cases tell a chat, as typed data (codes and figures, no
 * sentences): published through the Notifier port and turned into chat text
 * by src/bot/render/execution.ts (and by the dashboard, later).
 */
export type ExecutionNotice =
  | ExecutionOutcomeNotice
  | FillChartNotice
  | CancelAllNotice
  | ExitsNotice
  | FlattenNotice
  | ReconcileNotice
  | ExecutionGaveUpNotice
  | StillCheckingNotice;

/**
 * An approval's final outcome: the confirmation, then the pick card (where it
 * was posted to this chat) shows the outcome and loses its buttons.
 */
export interface ExecutionOutcomeNotice {
  kind: 'execution.outcome';
  outcome: ExecutionOutcome;
  /** Stop, planned entry, position and candles for the confirmation; null when they could not be read. */
  fill: FillContext | null;
  /** The pick card to edit, when it is in this chat and the pick is known. */
  card: { messageId: number; pick: StoredPick } | null;
}

/**
 * An approval whose outcome is still not known a while after its job first
 * started (EXEC_TELL_PENDING_AFTER_MS): sent once, so the trader is not left
 * in silence; the outcome follows as an {@link ExecutionOutcomeNotice}.
 */
export interface StillCheckingNotice {
  kind: 'execution.still-checking';
  /** The broker's name (e.g. `alpaca-paper`). */
  broker: string;
  pickId: string;
  /** The pick's symbol; null when the pick could not be read. */
  symbol: string | null;
}

/** The chart of a filled approval, sent a moment after its confirmation. */
export interface FillChartNotice {
  kind: 'execution.fill-chart';
  outcome: Extract<ExecutionOutcome, { kind: 'filled' | 'partially_filled' }>;
  fill: FillContext;
}

/** After /kill: what cancelling every open broker order did, proven by a fresh look at the broker. */
export interface CancelAllNotice {
  kind: 'execution.cancel-all';
  broker: string;
  cancelled: number;
  /** Orders still open at the broker afterwards (should be none); `foreign`: not placed by Courtside (the dashboard, another app). */
  stillOpen: { symbol: string; status: string; foreign?: boolean }[];
  /**
   * Set when a /resume came before the owed cancel-all could be performed: it
   * was dropped (cancelling now would cancel orders placed since), and
   * `stillOpen` lists what is open at the broker now. `kill`: the kill epoch
   * it was owed for; `epoch`: the epoch it was dropped at.
   */
  superseded?: { kill: number; epoch: number };
}

/** A stop / target / time-stop pass that acted on something. */
export interface ExitsNotice {
  kind: 'execution.exits';
  outcomes: ExitOutcome[];
}

/** `/kill flatten`: every sale, and the broker's positions afterwards as proof (null when unreadable). */
export interface FlattenNotice {
  kind: 'execution.flatten';
  outcomes: ExitOutcome[];
  brokerPositions: BrokerPosition[] | null;
  /**
   * Set when a market's book was not offered for sale because its exchange takes no orders now
   * (KRX closed or in an auction): its positions, and the next open that takes orders (epoch ms).
   */
  notNow?: { market: 'US' | 'KR'; positions: { symbol: string; qty: number }[]; nextOpenMs: number | null };
}

/** A reconciliation someone asked for. */
export interface ReconcileNotice {
  kind: 'execution.reconcile';
  report: ReconcileReport;
}

/** An execution job that failed through every retry while its order may exist: reconciliation settles it. */
export interface ExecutionGaveUpNotice {
  kind: 'execution.gave-up';
  pickId: string;
  tries: number;
  /** The last error, scrubbed. */
  error: string;
}
