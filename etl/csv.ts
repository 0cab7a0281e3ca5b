/**
 * A small, fast delimited-text reader. Lines without a quote character take a `split` fast path
 * (the bulk of machine-written files); lines with quotes go through an RFC 4180 state machine
 * (doubled quotes, separators and line breaks inside quoted fields).
 */
import { count, DEFAULT_LIMITS, type ImportLimits } from '../core/limits.js';
import { columnLetter } from '../core/spreadsheet.js';
import { FileRejection } from './types.js';

export type Separator = ';' | ',' | '\t';

/** Picks the separator that occurs most often (outside quotes) in the header line. */
export function detectSeparator(headerLine: string): Separator {
  const counts: Record<Separator, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] >= counts[','] && counts[';'] >= counts['\t'] && counts[';'] > 0) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/** The first line of a text (without its line break). */
export function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  const line = nl < 0 ? text : text.slice(0, nl);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export class CsvReader {
  /** 1-based number of the line where the record last returned by next() starts. */
  line = 0;
  private pos = 0;
  private nextLine = 1;
  private readonly sepCode: number;
  private records = 0;
  /** Names for columns in errors (a header's labels); unset: spreadsheet letters. */
  columnNames: readonly string[] | null = null;

  constructor(
    private readonly text: string,
    readonly sep: Separator,
    private readonly limits: ImportLimits = DEFAULT_LIMITS,
  ) {
    this.sepCode = sep.charCodeAt(0);
  }

  private checkRecord(fields: string[], chars: number): string[] {
    const { csvMaxRows, csvMaxLineChars, maxCellChars } = this.limits;
    if (++this.records > csvMaxRows) {
      throw new FileRejection(
        `die Datei hat mehr als ${count(csvMaxRows)} Zeilen (Grenze CSV_MAX_ROWS)`,
        null,
        this.line,
        null,
      );
    }
    if (chars > csvMaxLineChars) {
      throw new FileRejection(
        `die Zeile ist länger als ${count(csvMaxLineChars)} Zeichen (Grenze CSV_MAX_LINE_CHARS)`,
        null,
        this.line,
        null,
      );
    }
    if (chars > maxCellChars) {
      const i = fields.findIndex((f) => f.length > maxCellChars);
      if (i >= 0) this.hugeField(i);
    }
    return fields;
  }

  private hugeField(i: number): never {
    throw new FileRejection(
      `Feld ${i + 1} hat mehr als ${count(this.limits.maxCellChars)} Zeichen (Grenze MAX_CELL_CHARS)`,
      null,
      this.line,
      this.columnNames ? (this.columnNames[i] ?? null) : columnLetter(i),
    );
  }

  /** The first field longer than the cell limit in text[start, end), found without splitting. */
  private findHugeField(start: number, end: number): number {
    let field = 0;
    let from = start;
    while (from <= end) {
      let to = this.text.indexOf(this.sep, from);
      if (to < 0 || to > end) to = end;
      if (to - from > this.limits.maxCellChars) return to === end && field === 0 ? -1 : field;
      field++;
      from = to + 1;
    }
    return -1;
  }

  /** Bytes (characters) consumed so far, for progress reports. */
  get position(): number {
    return this.pos;
  }

  /** The next record's fields, or null at the end. Empty lines give `['']`. */
  next(): string[] | null {
    const text = this.text;
    const start = this.pos;
    if (start >= text.length) return null;
    this.line = this.nextLine;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let lineEnd = end;
    if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    const line = text.slice(start, lineEnd);
    if (lineEnd - start > this.limits.csvMaxLineChars) {
      // Checked before splitting: a 100 MB line must not become an array first. A huge field in
      // it is named with its column (a line that is one field is named as a line).
      const huge = this.findHugeField(start, lineEnd);
      if (huge >= 0) this.hugeField(huge);
      return this.checkRecord([], lineEnd - start);
    }
    if (line.indexOf('"') < 0) {
      this.pos = end + 1;
      this.nextLine++;
      return this.checkRecord(line.split(this.sep), line.length);
    }
    const from = this.pos;
    const fields = this.quoted();
    return this.checkRecord(fields, this.pos - from);
  }

  private quoted(): string[] {
    const text = this.text;
    const n = text.length;
    const sep = this.sepCode;
    const fields: string[] = [];
    let i = this.pos;
    let lines = 0;
    for (;;) {
      // At the start of a field.
      if (text.charCodeAt(i) === 34) {
        let value = '';
        let from = i + 1;
        i = from;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            throw new FileRejection(
              'Anführungszeichen wird nicht geschlossen (ein Feld beginnt mit " und endet nicht mit ")',
              null,
              this.line,
              null,
            );
          }
          for (let k = i; k < q; k++) if (text.charCodeAt(k) === 10) lines++;
          if (text.charCodeAt(q + 1) === 34) {
            value += text.slice(from, q + 1);
            i = q + 2;
            from = i;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        // Between the closing quote and the next separator only blanks are allowed.
        while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) && text.charCodeAt(i) !== sep)
          i++;
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === sep || c === 10 || c === 13) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      const c = i < n ? text.charCodeAt(i) : 10;
      if (c === sep) {
        i++;
        continue;
      }
      if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
      else if (c === 10 || c === 13) i++;
      else {
        throw new FileRejection(
          `unerwartetes Zeichen '${text.charAt(i)}' nach einem Feld in Anführungszeichen`,
          null,
          this.line,
          null,
        );
      }
      break;
    }
    this.pos = i;
    this.nextLine += 1 + lines;
    return fields;
  }
}

/**
 * The fields of the record that starts at `line`, read again from the start of the text: for an
 * error message that quotes a field as the file shows it. Linear in the file, so only for the
 * error path; the parse itself keeps nothing per record.
 */
export function recordAtLine(
  text: string,
  sep: Separator,
  line: number,
  limits: ImportLimits = DEFAULT_LIMITS,
): string[] | null {
  const reader = new CsvReader(text, sep, limits);
  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    if (reader.line === line) return fields;
    if (reader.line > line) break;
  }
  return null;
}

/** True when every field is empty or blank. */
export function isBlankRecord(fields: readonly string[]): boolean {
  for (const f of fields) if (f.trim() !== '') return false;
  return true;
}
