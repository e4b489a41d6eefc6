import type { CsvLineError } from '../csv/parse-bars-csv.js';
import { forEachCsvRecord } from '../csv/csv-records.js';

/** The universe file itself is unusable (no header, no symbol column, filter on a missing column). */
export class UniverseFileError extends Error {
  override readonly name = 'UniverseFileError';
}

/** What one universe format does with its file: judge the header, read a row. */
export interface UniverseCsvFormat {
  /** The problem with the file's header (column names lower-cased), if any; reading stops and it is thrown. */
  header(columns: readonly string[]): UniverseFileError | undefined;
  /** One data record (trimmed fields, 1-based line); refusals go into the caller's error list. */
  row(fields: string[], line: number, columns: readonly string[]): void;
  /** Thrown when the file has no header at all (it is empty or blank). */
  emptyMessage: string;
}

/**
 * The reading loop shared by the universe files: the first record is the
 * header, each later record goes to `format.row`, and a line the tokenizer
 * cannot read is added to `errors` while the rest is still read. A header
 * problem is thrown once the tokenizer has returned, not from inside its
 * callback.
 *
 * @throws UniverseFileError for a header problem or an empty file
 */
export function readUniverseCsv(csvText: string, errors: CsvLineError[], format: UniverseCsvFormat): void {
  let columns: string[] | undefined;
  let fileError: UniverseFileError | undefined;
  forEachCsvRecord(csvText, {
    error: (line, message) => {
      errors.push({ line, message });
    },
    record: (f, line) => {
      if (fileError) return;
      if (!columns) {
        columns = f.map((h) => h.toLowerCase());
        fileError = format.header(columns);
        return;
      }
      format.row(f, line, columns);
    },
  });
  if (fileError) throw fileError;
  if (!columns) throw new UniverseFileError(format.emptyMessage);
}
