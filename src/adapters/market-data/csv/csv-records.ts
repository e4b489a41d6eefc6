/**
 * The one CSV tokenizer of the bar and universe readers: csv-parse (RFC 4180
 * quoting: commas, doubled quotes and line breaks inside quoted fields), fed
 * record by record so no array of all rows is built.
 *
 * What the readers rely on, kept from the hand-split reader it replaced:
 * - line numbers are physical lines, 1-based, header included, and a record
 *   is numbered by the line it STARTS on (a quoted line break spans two);
 * - a leading BOM is dropped; lines end in LF or CRLF (a lone CR is data);
 * - fields are trimmed (outside quotes); quotes inside an unquoted field are
 *   kept as text;
 * - a line that is empty or only blanks (or holds one empty quoted field) is skipped;
 * - a line csv-parse cannot read (a quote that never closes, text after a
 *   closing quote) is reported on its line and reading resumes on the next
 *   line, so one bad line does not hide the rest of the file.
 *
 * Memory: the sync parser works on the string the caller already holds
 * (readers get one file at a time, as before); its records of that one file
 * are held while they are handed over, as the split lines were. A streaming
 * parse would not bound memory further while the callers read whole files.
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvRecordSink {
  /** One non-blank record: its trimmed fields and the physical line it starts on. */
  record(fields: string[], line: number): void;
  /** A line that could not be tokenized, and why. */
  error(line: number, message: string): void;
}

const OPTIONS = {
  record_delimiter: '\n',
  relax_column_count: true,
  relax_quotes: true,
  trim: true,
  // Blank lines must come through as records: every physical line is then
  // one record's start or continuation, which is how lines are numbered.
  skip_empty_lines: false,
} as const;

export function forEachCsvRecord(text: string, sink: CsvRecordSink): void {
  // csv-parse counts a CRLF inside a quoted field as two lines, so line ends
  // are made LF first; a quoted CRLF becomes LF, which no reader cares about.
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.includes('\r\n')) body = body.replaceAll('\r\n', '\n');

  // Fast path: one parse into an array (about half the cost of csv-parse's
  // per-record callback, which builds an info object per record). Only a
  // quoted field can hold a line break, so a record spans 1 + its fields'
  // line breaks. A file csv-parse cannot read takes the resumable path.
  let records: string[][];
  try {
    records = parse(body, OPTIONS) as string[][];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    forEachRecordResuming(body, sink);
    return;
  }
  let line = 1;
  for (const fields of records) {
    const start = line;
    line++;
    for (const f of fields) {
      for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) line++;
    }
    if (!isBlank(fields)) sink.record(fields, start);
  }
}

/** A line that is empty or only blanks parses to one empty field. */
function isBlank(fields: string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

/**
 * Record by record, with csv-parse's own line count: a line csv-parse cannot
 * read is reported and parsing starts again on the next line.
 */
function forEachRecordResuming(body: string, sink: CsvRecordSink): void {
  let offset = 0; // where the current pass starts in `body`
  let lineBase = 0; // physical lines before `offset`
  while (offset < body.length) {
    let lastEnd = 0; // last line (relative to this pass) of the last record read
    try {
      parse(body.slice(offset), {
        ...OPTIONS,
        on_record: (fields: string[], ctx) => {
          const start = lastEnd + 1;
          lastEnd = ctx.lines;
          if (!isBlank(fields)) sink.record(fields, lineBase + start);
          return null; // nothing is collected
        },
      });
      return;
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      const bad = lastEnd + 1; // the failing record starts on the line after the last good one
      sink.error(lineBase + bad, describe(err));
      // Resume on the line after the bad one.
      let next = offset;
      for (let n = 0; n < bad; n++) {
        const nl = body.indexOf('\n', next);
        if (nl < 0) return;
        next = nl + 1;
      }
      offset = next;
      lineBase += bad;
    }
  }
}

function describe(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unclosed quote: a quoted field starts on this line and never ends';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'text after a closing quote; inside a quoted field write a quote as ""';
    default:
      return `unreadable line (${err.code})`;
  }
}
