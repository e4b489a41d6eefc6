import { bold, fmt } from 'telegraf/format';
import { describe, expect, it } from 'vitest';
import { money, pct } from '../../../../src/bot/format/numbers.js';
import { lines, table } from '../../../../src/bot/format/table.js';

describe('table', () => {
  it('aligns text left and numbers right, under a header rule, in one pre block', () => {
    const t = table([
      ['Sym', 'Qty', 'P&L'],
      ['SPY', 10, money(120.5, { signed: true })],
      ['GL', 250, money(-45, { signed: true })],
    ]);
    expect(t.text).toBe(['Sym  Qty       P&L', '---  ---  --------', 'SPY   10  +$120.50', 'GL   250   -$45.00'].join('\n'));
    expect(t.entities).toEqual([{ type: 'pre', offset: 0, length: t.text.length }]);
  });

  it('shrinks gaps when too wide for a phone, and honours explicit alignment', () => {
    const t = table(
      [
        ['a-long-symbol-name', 'x'],
        ['b', pct(0.5)],
      ],
      { header: false, maxWidth: 20, align: ['right', 'left'] },
    );
    expect(t.text).toBe(['a-long-symbol-name x', '                 b 50.00%'].join('\n'));
  });

  it('pads ragged rows, flattens newlines in cells, and handles empty input', () => {
    const t = table([['h1', 'h2'], ['only'], ['multi\nline', '—']], { header: true });
    expect(t.text.split('\n')).toEqual(['h1          h2', '----------  --', 'only', 'multi line   —']);
    expect(table([]).text).toBe('');
    expect(table([]).entities).toBeUndefined();
  });

  it('composes with telegraf fmt and lines()', () => {
    const msg = lines(fmt`${bold('Positions')}`, table([['A', '1']], { header: false }));
    expect(msg.text).toBe('Positions\nA  1');
    expect(msg.entities).toEqual([
      { type: 'bold', offset: 0, length: 9 },
      { type: 'pre', offset: 10, length: 4 },
    ]);
  });
});
