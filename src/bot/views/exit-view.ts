import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { BrokerPosition } from '../../adapters/brokers/port.js';
import { money } from '../format/numbers.js';
import type { ExitOutcome } from '../../trading/execution/exit-types.js';

/**
 * Exit results for the chat (stop / time-stop runs and `/kill flatten`):
 * one line per position, most important first (sold, then problems), and
 * the broker's positions afterwards as proof when known.
 */
export function exitOutcomesView(title: string, outcomes: readonly ExitOutcome[], brokerPositions: readonly BrokerPosition[] | null): FmtString {
  const head = fmt`${bold(title)}`;
  if (outcomes.length === 0) {
    const held = brokerPositions === null ? '' : ` Broker positions: ${brokerPositions.length}.`;
    return fmt`${head}\nNo open positions: nothing to sell.${held}`;
  }
  const sold = outcomes.filter((o) => o.filledQty > 0);
  const rest = outcomes.filter((o) => o.filledQty === 0);
  const pnl = sold.reduce((s, o) => s + (o.realizedPnl ?? 0), 0);
  const lines: (string | FmtString)[] = [head];
  if (sold.length > 0) lines.push(`Sold ${sold.length} position(s), realized ${money(pnl)}.`);
  for (const o of [...sold, ...rest]) lines.push(`• ${o.message}`);
  if (brokerPositions !== null) {
    lines.push(
      brokerPositions.length === 0
        ? fmt`Broker positions now ${bold`0`}.`
        : `Broker still holds ${brokerPositions.map((p) => `${p.symbol} ${p.qty}`).join(', ')}: send the command again or close them in the broker's dashboard.`,
    );
  }
  return join(lines, '\n');
}
