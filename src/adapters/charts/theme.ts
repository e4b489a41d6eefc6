/**
 * Colours shared by every chart so the bot's images look like one product.
 * Solid (opaque) colours on purpose: they survive Telegram's JPEG-ish
 * recompression and tests can find them pixel-exact.
 */
import type { LevelRole } from './port.js';

export const UP_COLOR = '#26a69a';
export const DOWN_COLOR = '#ef5350';
export const FLAT_COLOR = '#9e9e9e';
export const BACKGROUND_COLOR = '#ffffff';
export const GRID_COLOR = 'rgba(0,0,0,0.06)';

/** Overlay/series colours, in the order they are handed out. */
export const PALETTE: readonly string[] = ['#1e88e5', '#fb8c00', '#8e24aa', '#3949ab', '#6d4c41', '#00897b'];

export const LEVEL_COLORS: Readonly<Record<LevelRole, string>> = {
  entry: '#1e88e5',
  stop: '#e53935',
  target: '#43a047',
  other: '#757575',
};

export const LEVEL_NAMES: Readonly<Record<LevelRole, string>> = {
  entry: 'Entry',
  stop: 'Stop',
  target: 'Target',
  other: 'Level',
};

/** Faint enough not to hide data, dark enough to survive a screenshot being cropped. */
export const WATERMARK_COLOR = 'rgba(120,120,120,0.18)';

export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}
