import { performance } from 'node:perf_hooks';
import type { BarsStore } from '../../src/adapters/bars/index.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import type { ScanRun } from '../scan.js';
import type { LocalApp } from './app.js';

/** A /scan kr as the chat saw it: bench/scan.ts's milestones plus the first card's caption (to check it is a KR card). */
export interface KrScanRun extends ScanRun {
  firstCardText?: string;
}

const textOf = (e: OutboxEvent): string => e.message?.text ?? e.message?.caption ?? e.text ?? '';

/**
 * bench/scan.ts's tapScans for a KR scan, whose messages name the market ("⏳ KR scan queued",
 * "Scanning 61 KR symbols"): the same in-emulator tap (a waitFor predicate that never matches,
 * called synchronously as the Bot API call is handled), the same milestones.
 */
export function tapKrScans(app: LocalApp, current: () => KrScanRun | undefined): void {
  const onEvent = (e: OutboxEvent): false => {
    const t = performance.now();
    const r = current();
    if (!r || e.chat_id !== r.userId) return false;
    const text = textOf(e);
    if (e.method === 'sendMessage' && r.ack === undefined && /scan queued/i.test(text)) r.ack = t;
    else if (e.method === 'editMessageText' && r.started === undefined && /Scanning \d+ (KR )?symbols/.test(text)) r.started = t;
    else if (e.method === 'editMessageText' && /Scan done/.test(text)) {
      r.done ??= t;
      r.doneText = text;
      const top = /Top (\d+) below/.exec(text);
      r.expectedCards = top ? Number(top[1]) : 0;
    } else if (e.method === 'sendPhoto') {
      if (r.firstCard === undefined) {
        r.firstCard = t;
        r.firstCardText = text;
      }
      r.lastCard = t;
      r.cards++;
    }
    return false;
  };
  app.emulator.waitFor(onEvent, 2 ** 31 - 1, { afterSeq: app.emulator.lastSeq }).catch(() => undefined);
}

/** Records where each universe load of the app's bars store was answered from (bench-side wrapper on the instance; src unchanged). */
export function recordLoads(store: BarsStore, sink: () => ScanRun | undefined): void {
  const load = store.loadUniverse.bind(store);
  store.loadUniverse = async (...args: Parameters<BarsStore['loadUniverse']>) => {
    const out = await load(...args);
    const info = store.lastLoad;
    if (info) sink()?.loads.push({ from: info.from, ms: info.ms });
    return out;
  };
}
