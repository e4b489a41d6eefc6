import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { BotApiError } from './errors.js';
import type { UploadedFile } from './params.js';

/** Size limits for multipart requests; the defaults follow the real API's upload limits. */
export interface MultipartLimits {
  /** Largest accepted file part, in bytes (the real API allows 50 MB for bots). */
  maxFileBytes: number;
  /** Largest accepted non-file field, in bytes. */
  maxFieldBytes: number;
}

export const DEFAULT_MULTIPART_LIMITS: MultipartLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxFieldBytes: 1024 * 1024,
};

/** Fields and files of one multipart/form-data body. */
export interface MultipartBody {
  fields: Record<string, string>;
  files: Map<string, UploadedFile>;
}

/**
 * Reads a multipart/form-data request with busboy, buffering file parts in memory (the
 * emulator keeps uploaded files anyway, so streaming them to disk would buy nothing).
 */
export function parseMultipart(req: IncomingMessage, limits: MultipartLimits = DEFAULT_MULTIPART_LIMITS): Promise<MultipartBody> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: limits.maxFileBytes, fieldSize: limits.maxFieldBytes },
      });
    } catch {
      reject(new BotApiError(400, 'Bad Request: invalid multipart/form-data body'));
      return;
    }
    const fields: Record<string, string> = {};
    const files = new Map<string, UploadedFile>();
    let failed: BotApiError | undefined;

    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        // The real API answers 413 for uploads above its limit.
        failed = new BotApiError(413, 'Request Entity Too Large');
      });
      stream.on('end', () => {
        files.set(name, {
          field: name,
          filename: info.filename ?? name,
          mimeType: info.mimeType,
          data: Buffer.concat(chunks),
        });
      });
    });
    parser.on('error', () => reject(new BotApiError(400, 'Bad Request: invalid multipart/form-data body')));
    parser.on('close', () => (failed ? reject(failed) : resolve({ fields, files })));
    req.pipe(parser);
  });
}
