import { performance } from 'node:perf_hooks';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import type { LocalApp } from './app.js';
import type { CommandRig, Sample } from './command-rig.js';
import { openLoop } from './open-loop.js';

/** One run of /positions: the measured commands, the warm-up ones, and what the replies said. */
export interface PositionsPhase {
  name: string;
  samples: Sample[];
  warmup: Sample[];
  lost: number;
  /** Measured replies whose text is not the expected book (e.g. one market missing). */
  wrongBook: number;
  /** sendMessage → … → the chart photo that follows the text, per measured sample (ms from send). */
  photoMs: number[];
  maxLagMs?: number;
}

/**
 * The P&L chart /positions sends after its text, per chat. CommandRig times the text (the first
 * sendMessage of the chat); this tap adds when the photo arrived, for the samples registered here.
 */
export class PhotoTap {
  private readonly awaiting = new Map<number, Sample>();
  readonly at = new Map<Sample, number>();

  constructor(app: LocalApp) {
    const onEvent = (e: OutboxEvent): false => {
      if (e.method !== 'sendPhoto' || e.chat_id === null) return false;
      const s = this.awaiting.get(e.chat_id);
      if (s) {
        this.awaiting.delete(e.chat_id);
        this.at.set(s, performance.now());
      }
      return false;
    };
    app.emulator.waitFor(onEvent, 2 ** 31 - 1, { afterSeq: app.emulator.lastSeq }).catch(() => undefined);
  }

  expect(s: Sample): Sample {
    this.awaiting.set(s.userId, s);
    return s;
  }
}

const replied = (s: Sample) => s.replied !== undefined;

/** Waits for stragglers (photos come after the texts the rig drains on). */
async function settle(photos: PhotoTap, samples: Sample[], ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline && samples.some((s) => replied(s) && !photos.at.has(s))) await new Promise((r) => setTimeout(r, 50));
}

function finish(name: string, photos: PhotoTap, samples: Sample[], warmup: Sample[], lost: number, isBook: (text: string) => boolean, maxLagMs?: number): PositionsPhase {
  return {
    name,
    samples,
    warmup,
    lost,
    wrongBook: samples.filter((s) => replied(s) && !isBook(s.replyText ?? '')).length,
    photoMs: samples.flatMap((s) => (photos.at.has(s) ? [photos.at.get(s)! - s.sent] : [])),
    ...(maxLagMs !== undefined ? { maxLagMs } : {}),
  };
}

/**
 * /positions (or `command`, e.g. /status as the machine's baseline, which sends no photo) at `rate`
 * a second for `warmupS + durationS` (open loop); the warm-up seconds are reported apart.
 */
export async function positionsOpenLoop(
  rig: CommandRig,
  photos: PhotoTap,
  o: { name: string; rate: number; warmupS: number; durationS: number; isBook: (text: string) => boolean; command?: string },
): Promise<PositionsPhase> {
  const all: Sample[] = [];
  const command = o.command ?? '/positions';
  const withPhoto = command === '/positions';
  const r = await openLoop(o.rate, (o.warmupS + o.durationS) * 1000, (_i, intended) => {
    const s = rig.send(command, intended);
    all.push(withPhoto ? photos.expect(s) : s);
  });
  const { lost } = await rig.drain(15_000);
  if (withPhoto) await settle(photos, all, 5_000);
  const cut = all[0]!.intended + o.warmupS * 1000;
  return finish(
    o.name,
    photos,
    all.filter((s) => s.intended >= cut),
    all.filter((s) => s.intended < cut),
    lost,
    o.isBook,
    r.maxLagMs,
  );
}

/** /positions one at a time (the next is sent once the previous text and chart arrived): the path without queueing. */
export async function positionsSerial(rig: CommandRig, photos: PhotoTap, o: { name: string; count: number; isBook: (text: string) => boolean }): Promise<PositionsPhase> {
  const samples: Sample[] = [];
  for (let i = 0; i < o.count; i++) {
    const s = photos.expect(rig.send('/positions'));
    samples.push(s);
    await rig.drain(10_000);
    await settle(photos, [s], 5_000);
  }
  return finish(o.name, photos, samples, [], samples.filter((s) => !replied(s)).length, o.isBook);
}
