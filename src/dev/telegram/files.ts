import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';

/** What a stored file was sent as; a photo file_id cannot be re-sent as a document and vice versa. */
export type FileKind = 'photo' | 'document';

/** A file the bot uploaded, kept in memory so tests can read the exact bytes back. */
export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: FileKind;
  data: Buffer;
  mimeType: string;
  fileName?: string;
  /** Path under /file/bot<token>/ as returned by getFile. */
  filePath: string;
  width?: number;
  height?: number;
}

/** Extensions the real API uses for file paths, by MIME type. */
const EXTENSION_BY_MIME: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** MIME types guessed from a document's file name, like the real API does. */
const MIME_BY_EXTENSION: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.html': 'text/html',
  '.zip': 'application/zip',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
};

/** Guesses a document's MIME type from its name, falling back to what the upload declared. */
export function guessMimeType(fileName: string, declared: string | undefined): string {
  const byExt = MIME_BY_EXTENSION[extname(fileName).toLowerCase()];
  if (byExt) return byExt;
  // busboy reports text/plain for parts without a content-type header; that is not a claim.
  if (declared && declared !== 'text/plain' && declared !== 'application/octet-stream') return declared;
  return 'application/octet-stream';
}

/**
 * In-memory file storage indexed by file_id and by file_path. file_ids look like the real
 * ones (opaque base64url with the same type prefixes) so code that inspects them is not fooled.
 */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private counter = 0;

  /** Stores new bytes and returns the record with fresh identifiers. */
  add(input: { kind: FileKind; data: Buffer; mimeType: string; fileName?: string; width?: number; height?: number }): StoredFile {
    const n = this.counter++;
    const prefix = input.kind === 'photo' ? 'AgACAgQAAxkDAA' : 'BQACAgQAAxkDAA';
    const ext =
      input.kind === 'photo'
        ? (EXTENSION_BY_MIME[input.mimeType] ?? 'jpg')
        : extname(input.fileName ?? '').slice(1) || 'dat';
    const file: StoredFile = {
      ...input,
      fileId: prefix + randomBytes(36).toString('base64url'),
      fileUniqueId: 'AQAD' + randomBytes(9).toString('base64url'),
      filePath: `${input.kind === 'photo' ? 'photos' : 'documents'}/file_${n}.${ext}`,
    };
    this.byId.set(file.fileId, file);
    this.byPath.set(file.filePath, file);
    return file;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  getByPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  clear(): void {
    this.byId.clear();
    this.byPath.clear();
  }
}
