/**
 * The circuit breaker's rejection count (issue 12, item 10): after CIRCUIT_REJECTS consecutive
 * orders the broker refused, the kill switch is engaged by the robot itself, with the reason,
 * one admin alert and an audit row holding the proof (the refused client order ids).
 *
 * Real Postgres (a fresh database per test), the shared Redis under a unique prefix, the real
 * kill switch, audit chain and alert store, and the paper broker; a "refusing broker" is the
 * paper broker whose order POST answers with the broker's refusal (`BrokerError` kind `rejected`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import { RedisKillSwitchMirror } from '../../../../src/adapters/redis/kill-switch-mirror.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { KillSwitch } from '../../../../src/trading/kill-switch/kill-switch.js';
import type { Broker } from '../../../../src/adapters/brokers/port.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { clientOrderIdFor } from '../../../../src/trading/execution/ids.js';
import { makeWorld, wrapBroker, type World } from '../execution/setup.js';
import { ADMIN, approved, auditRows, breakerOn, switchRow } from './setup.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

const LIMITS = { dailyLossPct: 3, rejects: 5 };

/** The paper broker refusing every order at its POST, as a broker does (insufficient buying power). */
function refusing(): Broker {
  return wrapBroker(w.paper(), {
    submitOrder: async (r) => {
      throw new BrokerError({ broker: 'paper', kind: 'rejected', detail: 'order refused (HTTP 403)', reason: `insufficient buying power for ${r.symbol}`, clientOrderId: r.clientOrderId });
    },
  });
}

/** One approval the broker refuses; returns its client order id. */
async function brokerRejection(): Promise<string> {
  const approvalId = await approved(w);
  const out = await executeApproval(w.deps({ broker: refusing() }), approvalId);
  expect(out).toMatchObject({ kind: 'refused', gate: 'broker', reason: { code: 'broker_rejected' } });
  return clientOrderIdFor(approvalId);
}

/** One approval the broker accepts and fills. */
async function fill(): Promise<string> {
  const approvalId = await approved(w);
  expect(await executeApproval(w.deps(), approvalId)).toMatchObject({ kind: 'filled' });
  return clientOrderIdFor(approvalId);
}

/** One approval our own gate refuses (price above EXEC_MAX_PRICE): nothing reaches the broker. */
async function gateRefusal(): Promise<void> {
  const approvalId = await approved(w);
  expect(await executeApproval(w.deps({ limits: { maxPrice: 1 } }), approvalId)).toMatchObject({ kind: 'refused', gate: 'policy' });
  expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE approval_id = $1`, [approvalId])).toBe(0);
}

describe('circuit breaker: consecutive broker rejections', () => {
  it('five in a row: the kill switch is engaged with the reason, one alert, one audit row with the five client order ids', async () => {
    const { breaker, messages } = breakerOn(w, LIMITS);
    const cids: string[] = [];
    for (let i = 1; i <= 4; i++) {
      cids.push(await brokerRejection());
      expect(await breaker.checkRejections('paper')).toEqual({ kind: 'clear', streak: i, limit: 5 });
    }
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });

    cids.push(await brokerRejection());
    const tripped = await breaker.checkRejections('paper');
    expect(tripped).toMatchObject({
      kind: 'tripped',
      epoch: 1,
      alerted: true,
      audited: true,
      trip: { kind: 'broker_rejections', limit: 5, clientOrderIds: cids, lastBrokerReason: 'insufficient buying power for ABC' },
    });

    // The switch: engaged by the robot, with a short reason code (the bot words it).
    expect(await switchRow(w)).toEqual({ engaged: true, epoch: 1, reason: 'circuit breaker: broker_rejections' });
    expect(await w.killSwitch.state()).toMatchObject({ engaged: true, epoch: 1, reason: 'circuit breaker: broker_rejections' });
    expect((await auditRows(w, 'killswitch.engaged'))[0]).toMatchObject({ actor: 'circuit-breaker', reason: 'circuit breaker: broker_rejections', epoch: 1 });

    // The proof, in the audit chain…
    const audit = await auditRows(w, 'circuit.tripped');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'circuit-breaker', broker: 'paper', epoch: 1, reason: 'circuit breaker: broker_rejections', trip: { kind: 'broker_rejections', limit: 5, clientOrderIds: cids } });
    expect((await w.audit.verify()).ok).toBe(true);

    // …and in one admin alert (code and figures stored; the admin reads words).
    const alerts = (await w.ds.query(`SELECT key, kind, severity, state, detail FROM alerts`)) as { key: string; kind: string; severity: string; state: string; detail: Record<string, unknown> }[];
    expect(alerts).toEqual([
      {
        key: 'circuit.tripped:paper',
        kind: 'circuit-tripped',
        severity: 'critical',
        state: 'open',
        detail: { code: 'circuit.tripped', broker: 'paper', epoch: 1, trip: { kind: 'broker_rejections', limit: 5, clientOrderIds: cids, lastBrokerReason: 'insufficient buying power for ABC' } },
      },
    ]);
    expect(messages.sent.map((m) => m.chatId)).toEqual([ADMIN]);
    expect(messages.texts[0]).toContain('Circuit breaker (paper): the broker rejected 5 orders in a row');
    expect(messages.texts[0]).toContain(cids[4]!);

    // Checking again (the next job, another worker) changes nothing: the same epoch, no second alert or audit row.
    expect(await breaker.checkRejections('paper')).toEqual({ kind: 'already_engaged', reason: 'circuit breaker: broker_rejections' });
    expect(await switchRow(w)).toMatchObject({ engaged: true, epoch: 1 });
    expect(await auditRows(w, 'circuit.tripped')).toHaveLength(1);
    expect(messages.sent).toHaveLength(1);

    // The next approval is stopped by the switch before the broker; that refusal is no broker rejection.
    const next = await approved(w);
    expect(await executeApproval(w.deps({ broker: refusing() }), next)).toMatchObject({ kind: 'refused', gate: 'kill_switch', reason: { code: 'kill_switch', killReason: 'circuit breaker: broker_rejections' } });
  });

  it('four rejections, a fill, four rejections: not tripped (the fill breaks the streak); the fifth after the fill trips it with only those five', async () => {
    const { breaker } = breakerOn(w, LIMITS);
    for (let i = 0; i < 4; i++) await brokerRejection();
    await fill();
    expect(await breaker.checkRejections('paper')).toEqual({ kind: 'clear', streak: 0, limit: 5 });
    const after: string[] = [];
    for (let i = 1; i <= 4; i++) {
      after.push(await brokerRejection());
      expect(await breaker.checkRejections('paper')).toEqual({ kind: 'clear', streak: i, limit: 5 });
    }
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
    expect(await auditRows(w, 'circuit.tripped')).toHaveLength(0);

    after.push(await brokerRejection());
    expect(await breaker.checkRejections('paper')).toMatchObject({ kind: 'tripped', trip: { clientOrderIds: after } });
  });

  it('refusals by our own gates do not count and do not break the streak: only orders the broker refused', async () => {
    const { breaker } = breakerOn(w, LIMITS);
    const cids: string[] = [];
    for (let i = 0; i < 4; i++) cids.push(await brokerRejection());
    for (let i = 0; i < 3; i++) {
      await gateRefusal();
      expect(await breaker.checkRejections('paper')).toEqual({ kind: 'clear', streak: 4, limit: 5 });
    }
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
    cids.push(await brokerRejection());
    expect(await breaker.checkRejections('paper')).toMatchObject({ kind: 'tripped', trip: { clientOrderIds: cids } });
  });

  it('keyed by broker: one broker refusing does not trip the check of another', async () => {
    const { breaker } = breakerOn(w, LIMITS);
    for (let i = 0; i < 5; i++) await brokerRejection();
    expect(await breaker.checkRejections('alpaca-live')).toEqual({ kind: 'clear', streak: 0, limit: 5 });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
  });

  it('after an admin resumes, the streak starts again: the alert is resolved and only new refusals count', async () => {
    const { breaker, messages } = breakerOn(w, LIMITS);
    for (let i = 0; i < 5; i++) await brokerRejection();
    expect(await breaker.checkRejections('paper')).toMatchObject({ kind: 'tripped', epoch: 1 });
    await w.killSwitch.resume(7); // epoch 2

    expect(await breaker.checkRejections('paper')).toEqual({ kind: 'clear', streak: 0, limit: 5 });
    expect(((await w.ds.query(`SELECT state, resolve_detail FROM alerts WHERE key = 'circuit.tripped:paper'`)) as unknown[])[0]).toEqual({
      state: 'resolved',
      resolve_detail: { code: 'circuit.resumed', broker: 'paper' },
    });
    expect(messages.texts[1]).toContain('Circuit breaker (paper): the kill switch was resumed');

    const again: string[] = [];
    for (let i = 1; i <= 4; i++) {
      again.push(await brokerRejection());
      expect(await breaker.checkRejections('paper')).toEqual({ kind: 'clear', streak: i, limit: 5 });
    }
    again.push(await brokerRejection());
    expect(await breaker.checkRejections('paper')).toMatchObject({ kind: 'tripped', epoch: 3, alerted: true, trip: { clientOrderIds: again } });
    // A new episode: admins are told again.
    expect(messages.texts.filter((t) => t.includes('the broker rejected 5 orders in a row'))).toHaveLength(2);
  });

  it('ten workers checking at once after the fifth rejection: the epoch moves once, one audit row, one alert', async () => {
    for (let i = 0; i < 5; i++) await brokerRejection();
    // Ten worker processes: each its own kill switch (its own memory of the switch) and connections.
    const workers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const uow = w.uow(await w.open(4));
        const killSwitch = new KillSwitch(uow, new RedisKillSwitchMirror(w.redis, `${w.prefix}:killswitch`), new AuditLog(uow));
        return breakerOn(w, LIMITS, { db: uow, killSwitch }).breaker;
      }),
    );
    const results = await Promise.all(workers.map((b) => b.checkRejections('paper')));
    expect(results.filter((r) => r.kind === 'tripped')).toHaveLength(1);
    expect(results.every((r) => r.kind === 'tripped' || r.kind === 'already_engaged')).toBe(true);
    expect(await switchRow(w)).toMatchObject({ engaged: true, epoch: 1 });
    expect(await auditRows(w, 'circuit.tripped')).toHaveLength(1);
    expect(await auditRows(w, 'killswitch.engaged')).toHaveLength(1);
  });

  it('CIRCUIT_REJECTS=0 turns the count off', async () => {
    const { breaker } = breakerOn(w, { dailyLossPct: 3, rejects: null });
    for (let i = 0; i < 6; i++) await brokerRejection();
    expect(await breaker.checkRejections('paper')).toEqual({ kind: 'off' });
    expect(await switchRow(w)).toMatchObject({ engaged: false, epoch: 0 });
  });
});
