/**
 * A scheduled scan of a KR slot scans market KR (issue 15, H9b): the scheduled job names its
 * market, each trader's scan.start carries it, and the ack says which market it is for. A US
 * slot's jobs are what they were before markets (no market named: absent = US).
 */
import type { Job, Worker } from 'bullmq';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { runScheduledScan, type ScheduledScanDeps } from '../../../../src/jobs/handlers/scheduled-scan.js';
import { scanScheduledSchema, scanStartSchema } from '../../../../src/jobs/payloads/scan.js';

function rig() {
  const added: { name: string; payload: Record<string, unknown>; jobId?: string }[] = [];
  const acks: { chatId: number; slot: string }[] = [];
  const store = new Map<string, string>();
  const deps: ScheduledScanDeps = {
    recipients: async () => [
      { chatId: 11, userId: 11, role: 'trader', silent: false },
      { chatId: 12, userId: 12, role: 'viewer', silent: false },
    ],
    redis: {
      get: async (k: string) => store.get(k) ?? null,
      set: async (k: string, v: string) => {
        store.set(k, v);
        return 'OK';
      },
    } as unknown as ScheduledScanDeps['redis'],
    prefix: 't',
    jobs: {
      add: async (name, payload, opts) => {
        added.push({ name, payload: payload as Record<string, unknown>, ...(opts?.jobId ? { jobId: opts.jobId } : {}) });
        return opts?.jobId ?? 'x';
      },
    },
    postScheduledAck: async (chatId, slot) => {
      acks.push({ chatId, slot });
      return 500 + chatId;
    },
  };
  return { deps, added, acks };
}

const run = (id: string) => ({ job: { id } as Job, token: undefined, worker: {} as Worker, log: pino({ level: 'silent' }) });

describe('scheduled scans per market', () => {
  it('the scheduled payload takes an optional market (US or KR) and nothing else', () => {
    expect(scanScheduledSchema.parse({ slotKey: 'sched-kr-scan-0810-2026-11-26', sessionDate: '2026-11-26', market: 'KR' }).market).toBe('KR');
    expect(scanScheduledSchema.parse({ slotKey: 'sched-us-scan-0935-2026-11-25', sessionDate: '2026-11-25' }).market).toBeUndefined();
    expect(scanScheduledSchema.safeParse({ slotKey: 'sched-kr-scan-0810-2026-11-26', sessionDate: '2026-11-26', market: 'JP' }).success).toBe(false);
  });

  it('a KR slot scans market KR for each trader, and its ack names KR', async () => {
    const { deps, added, acks } = rig();
    const jobId = 'sched-kr-scan-0810-2026-11-26';
    const out = await runScheduledScan({ slotKey: jobId, sessionDate: '2026-11-26', market: 'KR' }, run(jobId), deps);
    expect(out).toEqual({ chats: 1, unreachable: [] });
    expect(acks).toEqual([{ chatId: 11, slot: 'KR scan-0810-2026-11-26' }]);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ name: 'scan.start', jobId: `${jobId}-to-11` });
    expect(added[0]!.payload.market).toBe('KR');
    expect(scanStartSchema.parse(added[0]!.payload).market).toBe('KR');
  });

  it('a US slot: the same jobs as before markets (no market named), ack without a market', async () => {
    const { deps, added, acks } = rig();
    const jobId = 'sched-us-scan-0935-2026-11-25';
    await runScheduledScan({ slotKey: jobId, sessionDate: '2026-11-25' }, run(jobId), deps);
    expect(acks).toEqual([{ chatId: 11, slot: 'scan-0935-2026-11-25' }]);
    expect(added[0]!.payload).not.toHaveProperty('market');
  });
});
