/** Shared helpers of the kill-switch e2e tests (not a test file itself). */
import { expect } from 'vitest';
import type { DataSource } from 'typeorm';
import type { AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { ALPACA_KEY_ID, ALPACA_SECRET } from '../../helpers/execution.js';

/** Places a resting limit buy (below the ask, time in force day) straight at the broker, as an order left open would be. */
export async function restingOrder(tradingUrl: string, id: string): Promise<void> {
  const res = await fetch(`${tradingUrl}/v2/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'APCA-API-KEY-ID': ALPACA_KEY_ID, 'APCA-API-SECRET-KEY': ALPACA_SECRET },
    body: JSON.stringify({ symbol: 'REST', qty: '5', side: 'buy', type: 'limit', time_in_force: 'day', limit_price: '9.00', client_order_id: id }),
  });
  expect(res.status, await res.text()).toBe(200);
}

/** Orders the broker still holds open. */
export function openAtBroker(t: AlpacaTradingEmulator): Record<string, unknown>[] {
  return t.orders().filter((o) => ['new', 'pending_new', 'accepted', 'partially_filled'].includes(String(o['status'])));
}

/** The epochs of the cancel-alls owed right now. */
export async function owedEpochs(ds: DataSource): Promise<number[]> {
  return ((await ds.query(`SELECT epoch::int AS epoch FROM cancel_owed ORDER BY epoch`)) as { epoch: number }[]).map((r) => r.epoch);
}

/** The stored proofs of cancel-alls: the epochs each settled and the per-broker counts. */
export async function cancelProofs(ds: DataSource): Promise<{ epochs: number[]; brokers: Record<string, { cancelled: number; openAfter: number }> }[]> {
  const rows = (await ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'killswitch.cancel_all' ORDER BY seq`)) as { payload: { epochs: number[]; brokers: Record<string, { cancelled: number; openAfter: number }> } }[];
  return rows.map((r) => r.payload);
}

/** The kill switch row as Postgres holds it. */
export async function killRow(ds: DataSource): Promise<{ engaged: boolean; epoch: number }> {
  return ((await ds.query(`SELECT engaged, epoch::int AS epoch FROM kill_switch WHERE id = 1`)) as { engaged: boolean; epoch: number }[])[0]!;
}
