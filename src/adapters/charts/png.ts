/** The 8-byte signature every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * True when `buf` starts like a PNG. Servers sometimes answer 200 with an
 * HTML error page or an SVG; checking the bytes beats trusting Content-Type.
 */
export function looksLikePng(buf: Uint8Array): boolean {
  return buf.length > PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => buf[i] === b);
}
