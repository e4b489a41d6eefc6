/**
 * The alert texts are a view: they name a trip's market from its broker (KIS and the KR paper book
 * are Korean) without pulling the circuit breaker's session book, which reads /pnl from the
 * database, into every process that renders an alert. Follows the value imports (type-only ones are
 * erased) from alert-text.ts through the relative modules it reaches.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKrBroker } from '../../../../src/trading/circuit-breaker/kr-broker.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** Every module reached from `file` through value imports and re-exports (`import type` left out), relative to the project. */
function valueClosure(file: string): string[] {
  const seen = new Set<string>();
  const stack = [path.join(ROOT, file)];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gms)) {
      const target = path.resolve(path.dirname(f), m[1]!.replace(/\.js$/, '.ts'));
      if (fs.existsSync(target)) stack.push(target);
    }
  }
  return [...seen].map((f) => path.relative(ROOT, f));
}

describe('alert-text imports no database code', () => {
  it('reaches neither the session book nor the P&L reader nor any adapter', () => {
    const reached = valueClosure('src/bot/views/alert-text.ts');
    // The walk itself works: the view's own helpers are found.
    expect(reached).toContain('src/bot/views/reconcile-view.ts');
    expect(reached).toContain('src/trading/circuit-breaker/kr-broker.ts');
    expect(reached.filter((f) => f.endsWith('session-book.ts') || f.startsWith('src/trading/portfolio/pnl') || f.startsWith('src/adapters/'))).toEqual([]);
  });
});

describe('isKrBroker', () => {
  it('KIS (virtual or live) and the KR paper book serve KRX; the US brokers do not', () => {
    expect(['kis-virtual', 'kis-live', 'paper-kr'].map(isKrBroker)).toEqual([true, true, true]);
    expect(['paper', 'alpaca-paper', 'alpaca-live', 'kis', 'paper-kr2'].map(isKrBroker)).toEqual([false, false, false, false, false]);
  });
});
