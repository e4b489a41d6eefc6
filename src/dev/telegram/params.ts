import { badRequest } from './errors.js';

/** A file part of a multipart request. */
export interface UploadedFile {
  /** Form field name the part was sent under. */
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

/**
 * The merged arguments of one Bot API call.
 *
 * The real API accepts the same argument as a query-string value, a form field, a multipart
 * field or a typed JSON value, so every accessor coerces from both strings and JSON types.
 * Complex arguments (reply_markup, entities, …) arrive JSON-encoded in string transports.
 */
export class Params {
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly files: ReadonlyMap<string, UploadedFile> = new Map(),
  ) {}

  /** True when the argument was sent with any non-null value. */
  has(name: string): boolean {
    const v = this.values[name];
    return v !== undefined && v !== null;
  }

  /** Raw value as received (string for string transports, any JSON type for JSON bodies). */
  raw(name: string): unknown {
    return this.values[name];
  }

  /** A string argument; numbers and booleans are stringified like the real API does. */
  string(name: string): string | undefined {
    const v = this.values[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  }

  /**
   * An integer argument. Unparsable values read as undefined; callers decide whether that is
   * "missing" or a specific error, because the real API words it differently per method.
   */
  int(name: string): number | undefined {
    const v = this.values[name];
    if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
    if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
    return undefined;
  }

  /** A boolean argument: JSON true, or the strings "true"/"1" (case-insensitive). */
  bool(name: string): boolean {
    const v = this.values[name];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return /^(true|1)$/i.test(v.trim());
    return false;
  }

  /**
   * A JSON-typed argument. String values are parsed; a parse failure raises the 400 the real
   * API uses for that argument (`parseError` is the text after "Bad Request: ").
   */
  json(name: string, parseError: string): unknown {
    const v = this.values[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') return v;
    if (v.trim() === '') return undefined;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      throw badRequest(parseError);
    }
  }

  /**
   * An uploaded file for `name`: either a part sent under that field name, or an
   * `attach://<part>` reference to another part.
   */
  file(name: string): UploadedFile | undefined {
    const direct = this.files.get(name);
    if (direct) return direct;
    const v = this.values[name];
    if (typeof v === 'string' && v.startsWith('attach://')) return this.files.get(v.slice('attach://'.length));
    return undefined;
  }
}
