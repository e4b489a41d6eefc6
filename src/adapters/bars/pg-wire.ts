/**
 * Binary Postgres wire helpers for bulk bar I/O, on top of plain `pg`
 * (no extra packages):
 *
 * - array parameters in binary form (`float8[]`, `date[]`, `text[]`): `pg`
 *   sends a Buffer parameter with format code 1, so Postgres decodes it with
 *   `array_recv` — no number→text→number round trip on either side;
 * - `COPY … FROM STDIN (FORMAT binary)` and `COPY … TO STDOUT (FORMAT binary)`
 *   as `pg` "submittables" (the interface `pg-copy-streams` uses), with the
 *   whole payload built in memory.
 *
 * Note: `pg` cannot return query results in binary (it decodes every field as
 * UTF-8), which is why binary reads go through COPY.
 */
import type pg from 'pg';

/** Days from 1970-01-01 (Unix epoch) to 2000-01-01 (Postgres date epoch). */
export const PG_EPOCH_DAY = 10_957;

const OID_TEXT = 25;
const OID_FLOAT8 = 701;
const OID_DATE = 1082;

function arrayHeader(n: number, oid: number, payloadBytes: number): { buf: Buffer; view: DataView } {
  const buf = Buffer.allocUnsafeSlow(20 + payloadBytes);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setInt32(0, 1); // dimensions
  view.setInt32(4, 0); // has nulls
  view.setInt32(8, oid);
  view.setInt32(12, n); // length of dimension 1
  view.setInt32(16, 1); // lower bound
  return { buf, view };
}

/** A `float8[]` parameter in binary form. */
export function float8ArrayParam(values: Float64Array): Buffer {
  const n = values.length;
  const { buf, view } = arrayHeader(n, OID_FLOAT8, n * 12);
  for (let i = 0, o = 20; i < n; i++, o += 12) {
    view.setInt32(o, 8);
    view.setFloat64(o + 4, values[i]!);
  }
  return buf;
}

/** A `date[]` parameter in binary form, from days since 1970-01-01. */
export function dateArrayParam(epochDays: Int32Array): Buffer {
  const n = epochDays.length;
  const { buf, view } = arrayHeader(n, OID_DATE, n * 8);
  for (let i = 0, o = 20; i < n; i++, o += 8) {
    view.setInt32(o, 4);
    view.setInt32(o + 4, epochDays[i]! - PG_EPOCH_DAY);
  }
  return buf;
}

/** A `text[]` parameter in binary form; `repeat[i]` copies of `values[i]` (run-length input). */
export function textArrayParam(values: readonly string[], repeat?: readonly number[]): Buffer {
  const encoded = values.map((v) => Buffer.from(v, 'utf8'));
  let n = 0;
  let bytes = 0;
  for (let i = 0; i < encoded.length; i++) {
    const r = repeat ? repeat[i]! : 1;
    n += r;
    bytes += r * (4 + encoded[i]!.length);
  }
  const { buf, view } = arrayHeader(n, OID_TEXT, bytes);
  let o = 20;
  for (let i = 0; i < encoded.length; i++) {
    const e = encoded[i]!;
    const r = repeat ? repeat[i]! : 1;
    for (let k = 0; k < r; k++) {
      view.setInt32(o, e.length);
      e.copy(buf, o + 4);
      o += 4 + e.length;
    }
  }
  return buf;
}

const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Builds a binary COPY payload row by row. Fields are appended with the
 * typed helpers; `endRow` is implicit in `row(fieldCount)`.
 */
export class CopyBinaryWriter {
  private buf: Buffer;
  private view: DataView;
  private o = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(64, initialBytes));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.ensure(19);
    COPY_SIGNATURE.copy(this.buf, 0);
    this.view.setInt32(11, 0); // flags
    this.view.setInt32(15, 0); // header extension length
    this.o = 19;
  }

  /** Starts a row of `fields` fields; `bytes` is an upper bound of the row size, so no per-field bounds checks are needed. */
  row(fields: number, bytes: number): this {
    this.ensure(bytes + 2);
    this.view.setInt16(this.o, fields);
    this.o += 2;
    return this;
  }

  bytesField(b: Buffer): this {
    this.view.setInt32(this.o, b.length);
    b.copy(this.buf, this.o + 4);
    this.o += 4 + b.length;
    return this;
  }

  dateField(epochDay: number): this {
    this.view.setInt32(this.o, 4);
    this.view.setInt32(this.o + 4, epochDay - PG_EPOCH_DAY);
    this.o += 8;
    return this;
  }

  float8Field(v: number): this {
    this.view.setInt32(this.o, 8);
    this.view.setFloat64(this.o + 4, v);
    this.o += 12;
    return this;
  }

  /** The finished payload (signature, rows, trailer). */
  finish(): Buffer {
    this.ensure(2);
    this.view.setInt16(this.o, -1);
    this.o += 2;
    return this.buf.subarray(0, this.o);
  }

  private ensure(extra: number): void {
    if (this.o + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.o + extra));
    this.buf.copy(next, 0, 0, this.o);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
}

type Callback<T> = (err: Error | null, result?: T) => void;

/** Message shapes `pg` hands to a submittable (only the fields used here). */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(msg: string): void;
}

/** Base of the COPY submittables: `pg` calls these hooks while the command runs. */
abstract class CopySubmittable<T> {
  callback: Callback<T> | undefined;
  protected error: Error | null = null;
  private done = false;

  constructor(readonly text: string) {}

  submit(connection: PgConnection): null {
    connection.query(this.text);
    return null;
  }

  protected finish(err: Error | null, result?: T): void {
    if (this.done) return;
    this.done = true;
    const cb = this.callback;
    this.callback = undefined;
    cb?.(err, result);
  }

  handleError(err: Error): void {
    // pg drops the active query on an error message, so no ReadyForQuery will reach us.
    this.finish(err);
  }

  handleCopyInResponse(connection: PgConnection): void {
    connection.sendCopyFail('unexpected COPY FROM STDIN');
  }
  handleCopyData(_msg: { chunk: Buffer }): void {}
  handleCommandComplete(_msg: { text?: string }): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  abstract handleReadyForQuery(): void;
}

/** `COPY … FROM STDIN` sending prebuilt payload chunks; resolves to the copied row count. */
export class CopyIn extends CopySubmittable<number> {
  private rowCount = 0;

  constructor(
    text: string,
    private readonly chunks: readonly Buffer[],
  ) {
    super(text);
  }

  override handleCopyInResponse(connection: PgConnection): void {
    for (const c of this.chunks) connection.sendCopyFromChunk(c);
    connection.endCopyFrom();
  }

  override handleCommandComplete(msg: { text?: string }): void {
    const m = /(\d+)\s*$/.exec(msg.text ?? '');
    this.rowCount = m ? Number(m[1]) : 0;
  }

  handleReadyForQuery(): void {
    this.finish(this.error, this.rowCount);
  }
}

/**
 * `COPY (…) TO STDOUT (FORMAT binary)` whose rows are handed to `onRow` as
 * they arrive (the field buffers are only valid during the call: `pg` reuses
 * its read buffer). Resolves to the number of rows.
 */
export class CopyOutBinary extends CopySubmittable<number> {
  private pending: Buffer | null = null;
  private headerSeen = false;
  private rows = 0;
  private ended = false;

  constructor(
    text: string,
    private readonly onRow: (fields: (Buffer | null)[]) => void,
  ) {
    super(text);
  }

  override handleCopyData(msg: { chunk: Buffer }): void {
    if (this.error) return;
    try {
      this.consume(msg.chunk);
    } catch (err) {
      this.error = err as Error;
    }
  }

  handleReadyForQuery(): void {
    if (!this.error && (!this.ended || (this.pending && this.pending.length > 0))) {
      this.error = new Error('COPY binary stream ended early');
    }
    this.finish(this.error, this.rows);
  }

  private consume(chunk: Buffer): void {
    // Postgres sends one CopyData message per row, so the pending buffer is
    // only used if a row ever arrives split across messages.
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let o = 0;
    if (!this.headerSeen) {
      if (buf.length < 19) {
        this.pending = Buffer.from(buf);
        return;
      }
      if (!buf.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error('not a binary COPY stream');
      const ext = buf.readInt32BE(15);
      o = 19 + ext;
      this.headerSeen = true;
    }
    while (o < buf.length) {
      if (buf.length - o < 2) break;
      const nf = buf.readInt16BE(o);
      if (nf === -1) {
        this.ended = true;
        o += 2;
        continue;
      }
      // Check the whole row is present before handing it out.
      let p = o + 2;
      let complete = true;
      for (let f = 0; f < nf; f++) {
        if (buf.length - p < 4) {
          complete = false;
          break;
        }
        const len = buf.readInt32BE(p);
        p += 4 + (len > 0 ? len : 0);
        if (p > buf.length) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      const fields: (Buffer | null)[] = new Array(nf);
      p = o + 2;
      for (let f = 0; f < nf; f++) {
        const len = buf.readInt32BE(p);
        p += 4;
        if (len < 0) fields[f] = null;
        else {
          fields[f] = buf.subarray(p, p + len);
          p += len;
        }
      }
      this.onRow(fields);
      this.rows++;
      o = p;
    }
    if (o < buf.length) this.pending = Buffer.from(buf.subarray(o));
  }
}

/** Runs a COPY submittable on a client. */
export function runCopy<T>(client: pg.ClientBase, q: CopySubmittable<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    q.callback = (err, res) => (err ? reject(err) : resolve(res as T));
    (client as unknown as { query(q: unknown): void }).query(q);
  });
}
