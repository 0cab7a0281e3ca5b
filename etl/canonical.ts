/**
 * The canonical CSV: long format, one value per row, header required
 * (`region;region_name;month;indicator;gender;value;flag`, optional `comparison_type`).
 * See docs/input-formats.md for every accepted spelling.
 */

import type { ImportLimits } from '../core/limits.js';
import type { ValueFlag } from '../core/vocabulary.js';
import { CsvReader, detectSeparator, firstLine, isBlankRecord, recordAtLine } from './csv.js';
import { type IndicatorCatalog, ObservationRows, type ParsedFile } from './rows.js';
import { FileRejection } from './types.js';
import {
  GENDER_WORDS,
  normalizeLabel,
  parseFileRegionKey,
  parseGender,
  parseGermanNumber,
  parseMarker,
  parseMonthText,
} from './values.js';

export type CanonicalField =
  | 'region'
  | 'region_name'
  | 'month'
  | 'indicator'
  | 'gender'
  | 'value'
  | 'flag'
  | 'comparison_type';

const ALIASES: Record<CanonicalField, string[]> = {
  region: [
    'region',
    'region_id',
    'regionalschlüssel',
    'regionalschluessel',
    'jobcenter-nr.',
    'jobcenter-nr',
    'jobcenter_nr',
    'jc-nr.',
    'schlüssel',
  ],
  region_name: ['region_name', 'regionsname', 'name', 'regionname', 'bezeichnung'],
  month: ['month', 'monat', 'berichtsmonat'],
  indicator: ['indicator', 'kennzahl', 'indikator'],
  gender: ['gender', 'geschlecht'],
  value: ['value', 'wert'],
  flag: ['flag', 'kennzeichen'],
  comparison_type: ['comparison_type', 'vergleichstyp'],
};
const REQUIRED: readonly CanonicalField[] = ['region', 'month', 'indicator', 'gender', 'value'];

const ALIAS_TO_FIELD = new Map<string, CanonicalField>();
for (const [field, names] of Object.entries(ALIASES) as [CanonicalField, string[]][]) {
  for (const n of names) ALIAS_TO_FIELD.set(n, field);
}

function headerField(label: string): CanonicalField | undefined {
  return ALIAS_TO_FIELD.get(normalizeLabel(label.replace(/^"|"$/g, '')));
}

/** True when the text's first line is a canonical header (region, month, indicator and value columns). */
export function looksCanonical(text: string): boolean {
  const line = firstLine(text);
  const sep = detectSeparator(line);
  const found = new Set(line.split(sep).map(headerField));
  found.delete(undefined);
  // Canonical when the header names most of its columns, including one a BA table never has
  // (indicator, gender, value, flag): a header missing a required column is then reported as
  // such ("es fehlt 'month'") instead of "format not recognised".
  const canonicalOnly = ['indicator', 'gender', 'value', 'flag'] as const;
  return found.size >= 3 && canonicalOnly.some((f) => found.has(f));
}

export interface ParseProgress {
  rows: number;
  fraction: number;
}

type Columns = Partial<Record<CanonicalField, number>>;

/** Step 1: the header → column index per field (duplicates and missing required fields rejected). */
function readHeader(header: string[]): { col: Columns; labels: string[] } {
  const col: Columns = {};
  const labels: string[] = header.map((h) => h.trim());
  header.forEach((h, i) => {
    const f = headerField(h);
    if (f === undefined) return;
    if (col[f] !== undefined) {
      throw new FileRejection(
        `Spalte '${h.trim()}' kommt doppelt vor (gleiche Bedeutung wie '${labels[col[f] ?? 0]}')`,
        null,
        1,
        h.trim(),
      );
    }
    col[f] = i;
  });
  const missing = REQUIRED.filter((f) => col[f] === undefined);
  if (missing.length > 0) {
    throw new FileRejection(
      `Kopfzeile unvollständig: es fehlt ${missing.map((m) => `'${m}'`).join(', ')} (gefunden: ${labels.map((l) => `'${l}'`).join(', ')}; erwartet region;region_name;month;indicator;gender;value;flag)`,
      null,
      1,
      null,
    );
  }
  return { col, labels };
}

/** Step 2, per record: too few fields (blank lines skipped) or non-empty fields beyond the header. */
function recordFits(
  fields: string[],
  lastRequired: number,
  width: number,
  sep: string,
  line: number,
): boolean {
  // Empty lines and lines of separators only (';;;;;;', as Excel writes empty rows).
  if (isBlankRecord(fields)) return false;
  if (fields.length <= lastRequired) {
    throw new FileRejection(
      `${fields.length} Felder, erwartet ${width} (Trennzeichen '${sep}')`,
      null,
      line,
      null,
    );
  }
  for (let i = width; i < fields.length; i++) {
    if ((fields[i] ?? '').trim() !== '') {
      throw new FileRejection(
        `mehr Felder (${fields.length}) als die Kopfzeile (${width})`,
        null,
        line,
        null,
      );
    }
  }
  return true;
}

/** Step 3, per cell: value and flag → the number or the marker (either in the value or in the flag column). */
export function valueAndMarker(
  valueRaw: string,
  flagRaw: string,
  where: { line: number; valueColumn: string; flagColumn: string },
): { value: number; flag: ValueFlag | null } {
  const fast = parseGermanNumber(valueRaw);
  if (!Number.isNaN(fast) && flagRaw === '') return { value: fast, flag: null };
  const reject = (message: string, column: string) => new FileRejection(message, null, where.line, column);
  const v = valueRaw.trim();
  const f = flagRaw.trim();
  const vMarker = parseMarker(v);
  const fMarker = f === '' ? null : parseMarker(f);
  if (f !== '' && fMarker === null) {
    throw reject(`unbekanntes Kennzeichen '${f}' (erlaubt: *, -, X)`, where.flagColumn);
  }
  if (vMarker !== null) {
    if (fMarker !== null && fMarker !== vMarker) {
      throw reject(`Wert '${v}' und Kennzeichen '${f}' widersprechen sich`, where.flagColumn);
    }
    return { value: 0, flag: vMarker };
  }
  if (v === '') {
    if (fMarker === null) {
      throw reject(
        'leerer Wert ohne Kennzeichen: erwartet eine Zahl oder *, -, X (in Wert oder Kennzeichen)',
        where.valueColumn,
      );
    }
    return { value: 0, flag: fMarker };
  }
  const value = parseGermanNumber(v);
  if (Number.isNaN(value)) {
    throw reject(`'${v}' ist keine Zahl (erwartet z. B. 1.527 oder 14,7 oder *, -, X)`, where.valueColumn);
  }
  if (fMarker !== null) {
    throw reject(
      `Zahl '${v}' und Kennzeichen '${f}' zugleich: ein Kennzeichen steht nur anstelle einer Zahl`,
      where.flagColumn,
    );
  }
  return { value, flag: null };
}

/** Memoises a parse per distinct cell text: a file has few regions, months, indicators and genders. */
function memo<T>(parse: (raw: string, line: number) => T): (raw: string, line: number) => T {
  const cache = new Map<string, T>();
  return (raw, line) => {
    let v = cache.get(raw);
    if (v === undefined) {
      v = parse(raw, line);
      cache.set(raw, v);
    }
    return v;
  };
}

/** The key cells of a record (region, month, indicator, gender) → row indices, cached per distinct text. */
function keyParsers(
  rows: ObservationRows,
  catalog: IndicatorCatalog,
  col: Columns,
  label: (i: number) => string,
) {
  const cType = col.comparison_type ?? -1;
  const cName = col.region_name ?? -1;
  const reject = (message: string, line: number, c: number | undefined) =>
    new FileRejection(message, null, line, label(c ?? 0));
  const regionIdOf = memo((raw, line) => {
    const id = parseFileRegionKey(raw);
    if (id === null)
      throw reject(`'${raw}' ist kein Regionalschlüssel (erwartet z. B. 01060)`, line, col.region);
    return id;
  });
  const seenRegions = new Map<string, number>();
  return {
    region(fields: string[], line: number): number {
      const raw = fields[col.region ?? 0] ?? '';
      const known = seenRegions.get(raw);
      const type = cType >= 0 ? (fields[cType] ?? '').trim() : null;
      if (known !== undefined) {
        // A comparison type may first appear on a later row of the region.
        if (type !== null && rows.regions[known]?.comparisonType === null) {
          rows.regionOf(rows.regions[known]?.id ?? '', null, type, {
            sheet: null,
            row: line,
            column: label(cType),
          });
        }
        return known;
      }
      const idx = rows.regionOf(
        regionIdOf(raw, line),
        cName >= 0 ? (fields[cName] ?? '').trim() : null,
        type,
        { sheet: null, row: line, column: label(cName >= 0 ? cName : cType) },
      );
      seenRegions.set(raw, idx);
      return idx;
    },
    month: memo((raw, line) => {
      const m = parseMonthText(raw);
      if (m === null) {
        throw reject(
          `'${raw}' ist kein gültiger Monat (erwartet z. B. 2024-03, 03/2024 oder März 2024)`,
          line,
          col.month,
        );
      }
      return m;
    }),
    indicator: memo((raw, line) =>
      rows.indicatorOf(catalog.resolve(raw, { sheet: null, row: line, column: label(col.indicator ?? 0) })),
    ),
    gender: memo((raw, line) => {
      const parsed = parseGender(raw);
      if (parsed === null)
        throw reject(`'${raw}' ist kein Geschlecht (erwartet ${GENDER_WORDS})`, line, col.gender);
      return parsed === 'total' ? 0 : parsed === 'female' ? 1 : 2;
    }),
  };
}

/** Parses and validates a whole canonical CSV text. Throws a FileRejection at the first problem. */
export function parseCanonicalCsv(
  text: string,
  catalog: IndicatorCatalog,
  onProgress?: (p: ParseProgress) => void,
  limits?: ImportLimits,
): ParsedFile {
  const sep = detectSeparator(firstLine(text));
  const reader = new CsvReader(text, sep, limits);
  const header = reader.next();
  if (!header)
    throw new FileRejection('Datei ist leer: erwartet eine Kopfzeile und Datenzeilen', null, 1, null);
  const { col, labels } = readHeader(header);
  reader.columnNames = labels;
  const cValue = col.value ?? 0;
  const cFlag = col.flag ?? -1;
  const lastRequired = Math.max(col.region ?? 0, col.month ?? 0, col.indicator ?? 0, col.gender ?? 0, cValue);
  const label = (i: number) => labels[i] ?? String(i + 1);
  const where = { line: 0, valueColumn: label(cValue), flagColumn: label(cFlag) };

  // Called only for an error: a value's message quotes the field as written ('1.234,5', not the
  // parsed 1234.5), read again from the text rather than kept for every one of 400,000 rows.
  const rows = new ObservationRows((line, what) => {
    if (what !== 'value') return { sheet: null, row: line, column: null };
    const shown = recordAtLine(text, sep, line, limits)?.[cValue]?.trim();
    return { sheet: null, row: line, column: label(cValue), ...(shown ? { text: shown } : {}) };
  });
  const keys = keyParsers(rows, catalog, col, label);
  const total = text.length;
  let count = 0;

  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    const line = reader.line;
    if (!recordFits(fields, lastRequired, labels.length, sep, line)) continue;
    const regionIdx = keys.region(fields, line);
    const month = keys.month(fields[col.month ?? 0] ?? '', line);
    const ind = keys.indicator(fields[col.indicator ?? 0] ?? '', line);
    const g = keys.gender(fields[col.gender ?? 0] ?? '', line);
    where.line = line;
    const valueRaw = fields[cValue] ?? '';
    const cell = valueAndMarker(valueRaw, cFlag >= 0 ? (fields[cFlag] ?? '') : '', where);
    rows.push(regionIdx, ind, g, month, cell.value, cell.flag, line, valueRaw.includes('%'));
    if (onProgress && ++count % 50_000 === 0) onProgress({ rows: count, fraction: reader.position / total });
  }
  if (rows.length === 0) throw new FileRejection('keine Datenzeilen unter der Kopfzeile', null, null, null);
  return { format: 'canonical-csv', rows };
}
