/** Pixel dimensions and container format of an uploaded image. */
export interface ImageInfo {
  width: number;
  height: number;
  format: 'png' | 'jpeg' | 'gif' | 'webp';
  mimeType: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads width and height from the header of a PNG, JPEG, GIF or WebP file without decoding
 * it. Returns undefined for anything else, which sendPhoto reports as IMAGE_PROCESS_FAILED.
 */
export function readImageInfo(data: Buffer): ImageInfo | undefined {
  return readPng(data) ?? readJpeg(data) ?? readGif(data) ?? readWebp(data);
}

function readPng(data: Buffer): ImageInfo | undefined {
  // Signature, then the IHDR chunk: length(4) "IHDR"(4) width(4) height(4).
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (data.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return valid(data.readUInt32BE(16), data.readUInt32BE(20), 'png', 'image/png');
}

function readJpeg(data: Buffer): ImageInfo | undefined {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < data.length) {
    if (data[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = data[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return valid(data.readUInt16BE(i + 7), data.readUInt16BE(i + 5), 'jpeg', 'image/jpeg');
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    i += 2 + data.readUInt16BE(i + 2);
  }
  return undefined;
}

function readGif(data: Buffer): ImageInfo | undefined {
  if (data.length < 10) return undefined;
  const sig = data.toString('latin1', 0, 6);
  if (sig !== 'GIF87a' && sig !== 'GIF89a') return undefined;
  return valid(data.readUInt16LE(6), data.readUInt16LE(8), 'gif', 'image/gif');
}

function readWebp(data: Buffer): ImageInfo | undefined {
  if (data.length < 30 || data.toString('latin1', 0, 4) !== 'RIFF' || data.toString('latin1', 8, 12) !== 'WEBP') {
    return undefined;
  }
  const chunk = data.toString('latin1', 12, 16);
  if (chunk === 'VP8X') {
    return valid(1 + data.readUIntLE(24, 3), 1 + data.readUIntLE(27, 3), 'webp', 'image/webp');
  }
  if (chunk === 'VP8 ') {
    return valid(data.readUInt16LE(26) & 0x3fff, data.readUInt16LE(28) & 0x3fff, 'webp', 'image/webp');
  }
  if (chunk === 'VP8L') {
    const bits = data.readUInt32LE(21);
    return valid((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1, 'webp', 'image/webp');
  }
  return undefined;
}

function valid(width: number, height: number, format: ImageInfo['format'], mimeType: string): ImageInfo | undefined {
  return width > 0 && height > 0 ? { width, height, format, mimeType } : undefined;
}
