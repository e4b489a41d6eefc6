import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { countColor, decodePng, pixel } from './helpers/png.js';

// The decoder is what every chart assertion stands on, so check it against pixels we placed ourselves.
describe('test PNG decoder', () => {
  it('reads size and exact pixels of a canvas-encoded image', async () => {
    const canvas = createCanvas(40, 30);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, 40, 30);
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(5, 5, 10, 10);
    // A gradient row exercises the Sub/Up/Average/Paeth filters the encoder picks for non-flat data.
    for (let x = 0; x < 40; x++) {
      ctx.fillStyle = `rgb(${x * 6}, ${255 - x * 6}, ${(x * 37) % 256})`;
      ctx.fillRect(x, 25, 1, 5);
    }
    const img = decodePng(await canvas.encode('png'));
    expect([img.width, img.height]).toEqual([40, 30]);
    expect(pixel(img, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(img, 5, 5)).toEqual([255, 0, 0, 255]);
    expect(pixel(img, 14, 14)).toEqual([255, 0, 0, 255]);
    expect(pixel(img, 15, 15)).toEqual([255, 255, 255, 255]);
    expect(countColor(img, [255, 0, 0])).toBe(100);
    for (const x of [0, 13, 39]) expect(pixel(img, x, 27)).toEqual([x * 6, 255 - x * 6, (x * 37) % 256, 255]);
  });

  it('rejects corrupt input', () => {
    expect(() => decodePng(Buffer.from('<html>nope</html>'))).toThrow(/signature/);
  });
});
