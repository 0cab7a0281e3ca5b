/**
 * The canonical CSV: long format, one value per row, header required
 * (`region;region_name;month;indicator;gender;value;flag`, optional `comparison_type`).
 * See docs/input-formats.md for every accepted spelling.
 */
import { CsvReader, detectSeparator, firstLine, isBlankRecord } from './csv.js';
import type { ImportLimits } from './limits.js';
import { type IndicatorCatalog, ObservationRows, type ParsedFile } from './rows.js';
import { FileRejection } from './types.js';
import {
  GENDER_WORDS,
  normalizeLabel,
  parseGender,
  parseGermanNumber,
  parseMarker,
  parseMonth,
  parseRegionKey,
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
  const col: Partial<Record<CanonicalField, number>> = {};
  const labels: string[] = header.map((h) => h.trim());
  reader.columnNames = labels;
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
  const cRegion = col.region ?? 0;
  const cMonth = col.month ?? 0;
  const cIndicator = col.indicator ?? 0;
  const cGender = col.gender ?? 0;
  const cValue = col.value ?? 0;
  const cName = col.region_name ?? -1;
  const cFlag = col.flag ?? -1;
  const cType = col.comparison_type ?? -1;
  const lastRequired = Math.max(cRegion, cMonth, cIndicator, cGender, cValue);
  const label = (i: number) => labels[i] ?? String(i + 1);

  const rows = new ObservationRows((line, what) => ({
    sheet: null,
    row: line,
    column: what === 'value' ? label(cValue) : null,
  }));

  // Per-distinct-string caches: a file has few regions, months, indicators and genders.
  const regionCache = new Map<string, number>();
  const monthCache = new Map<string, number>();
  const indicatorCache = new Map<string, number>();
  const genderCache = new Map<string, number>();
  const total = text.length;
  let count = 0;

  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    const line = reader.line;
    // Empty lines and lines of separators only (';;;;;;', as Excel writes empty rows).
    if (isBlankRecord(fields)) continue;
    if (fields.length <= lastRequired) {
      throw new FileRejection(
        `${fields.length} Felder, erwartet ${labels.length} (Trennzeichen '${sep}')`,
        null,
        line,
        null,
      );
    }
    if (fields.length > labels.length) {
      for (let i = labels.length; i < fields.length; i++) {
        if ((fields[i] ?? '').trim() !== '') {
          throw new FileRejection(
            `mehr Felder (${fields.length}) als die Kopfzeile (${labels.length})`,
            null,
            line,
            null,
          );
        }
      }
    }

    const regionRaw = fields[cRegion] ?? '';
    let regionIdx = regionCache.get(regionRaw);
    if (regionIdx === undefined) {
      const id = parseRegionKey(regionRaw);
      if (id === null) {
        throw new FileRejection(
          `'${regionRaw}' ist kein Regionalschlüssel (erwartet z. B. 01060)`,
          null,
          line,
          label(cRegion),
        );
      }
      regionIdx = rows.regionOf(
        id,
        cName >= 0 ? (fields[cName] ?? '').trim() : null,
        cType >= 0 ? (fields[cType] ?? '').trim() : null,
        { sheet: null, row: line, column: label(cName >= 0 ? cName : cType) },
      );
      regionCache.set(regionRaw, regionIdx);
    } else if (cType >= 0 && rows.regions[regionIdx]?.comparisonType === null) {
      rows.regionOf(rows.regions[regionIdx]?.id ?? '', null, (fields[cType] ?? '').trim(), {
        sheet: null,
        row: line,
        column: label(cType),
      });
    }

    const monthRaw = fields[cMonth] ?? '';
    let month = monthCache.get(monthRaw);
    if (month === undefined) {
      const m = parseMonth(monthRaw);
      if (m === null) {
        throw new FileRejection(
          `'${monthRaw}' ist kein gültiger Monat (erwartet z. B. 2024-03, 03/2024 oder März 2024)`,
          null,
          line,
          label(cMonth),
        );
      }
      month = m;
      monthCache.set(monthRaw, m);
    }

    const indRaw = fields[cIndicator] ?? '';
    let ind = indicatorCache.get(indRaw);
    if (ind === undefined) {
      ind = rows.indicatorOf(catalog.resolve(indRaw, { sheet: null, row: line, column: label(cIndicator) }));
      indicatorCache.set(indRaw, ind);
    }

    const genderRaw = fields[cGender] ?? '';
    let g = genderCache.get(genderRaw);
    if (g === undefined) {
      const parsed = parseGender(genderRaw);
      if (parsed === null) {
        throw new FileRejection(
          `'${genderRaw}' ist kein Geschlecht (erwartet ${GENDER_WORDS})`,
          null,
          line,
          label(cGender),
        );
      }
      g = parsed === 'total' ? 0 : parsed === 'female' ? 1 : 2;
      genderCache.set(genderRaw, g);
    }

    const valueRaw = fields[cValue] ?? '';
    const flagRaw = cFlag >= 0 ? (fields[cFlag] ?? '') : '';
    let value = parseGermanNumber(valueRaw);
    if (!Number.isNaN(value) && flagRaw === '') {
      rows.push(regionIdx, ind, g, month, value, null, line, valueRaw.includes('%'));
    } else {
      const v = valueRaw.trim();
      const f = flagRaw.trim();
      const vMarker = parseMarker(v);
      const fMarker = f === '' ? null : parseMarker(f);
      if (f !== '' && fMarker === null) {
        throw new FileRejection(
          `unbekanntes Kennzeichen '${f}' (erlaubt: *, -, X)`,
          null,
          line,
          label(cFlag),
        );
      }
      if (vMarker !== null) {
        if (fMarker !== null && fMarker !== vMarker) {
          throw new FileRejection(
            `Wert '${v}' und Kennzeichen '${f}' widersprechen sich`,
            null,
            line,
            label(cFlag),
          );
        }
        rows.push(regionIdx, ind, g, month, 0, vMarker, line);
      } else if (v === '') {
        if (fMarker === null) {
          throw new FileRejection(
            'leerer Wert ohne Kennzeichen: erwartet eine Zahl oder *, -, X (in Wert oder Kennzeichen)',
            null,
            line,
            label(cValue),
          );
        }
        rows.push(regionIdx, ind, g, month, 0, fMarker, line);
      } else {
        value = parseGermanNumber(v);
        if (Number.isNaN(value)) {
          throw new FileRejection(
            `'${v}' ist keine Zahl (erwartet z. B. 1.527 oder 14,7 oder *, -, X)`,
            null,
            line,
            label(cValue),
          );
        }
        if (fMarker === null) {
          rows.push(regionIdx, ind, g, month, value, null, line, v.includes('%'));
        } else {
          throw new FileRejection(
            `Zahl '${v}' und Kennzeichen '${f}' zugleich: ein Kennzeichen steht nur anstelle einer Zahl`,
            null,
            line,
            label(cFlag),
          );
        }
      }
    }
    if (onProgress && ++count % 50_000 === 0) onProgress({ rows: count, fraction: reader.position / total });
  }
  if (rows.length === 0) throw new FileRejection('keine Datenzeilen unter der Kopfzeile', null, null, null);
  return { format: 'canonical-csv', rows };
}
