/**
 * More than 1,000 malformed or mutated input files, generated from valid seeds (canonical CSV,
 * BA-style CSV, BA-style xlsx) with a seeded PRNG, imported one by one through runImport (kind
 * 'buffer') into ONE file database holding a valid baseline.
 *
 * Each case says what must happen:
 *   reject — the file must be refused, the error must name the file (and the row/column/sheet
 *            where the problem is, when the case knows it), and the data tables must be exactly
 *            as before (logical checksum of every data table);
 *   accept — the file is valid (e.g. only line endings changed): exactly its values must be in
 *            the database afterwards;
 *   either — a random mutation (truncation, byte flips): if the ETL accepts it, an independent
 *            reference reader (fuzz-reference.ts) must be able to read it too, and the database
 *            must hold exactly what the reference reads; if it rejects it, as for `reject`.
 * Replay a run with FUZZ_SEED=<n>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EtlDeps, type ImportSummary, runImport } from '../../etl/index.js';
import { type Db, openDatabase } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import { get, openTestDb, pluck, TEST_DB } from '../helpers/db.js';
import {
  type Obs,
  obsKey,
  referenceBa,
  referenceBaCsv,
  referenceCanonical,
  referenceXlsx,
} from './fuzz-reference.js';
import {
  BA_VALUE_COLS,
  baDataRow,
  baSheet,
  cloneGrid,
  type GridCell,
  type GridSheet,
  gridAsRef,
  gridToCsv,
  gridToXlsx,
  storedZip,
} from './fuzz-seeds.js';
import {
  BASE_CODES,
  type CanonicalRow,
  canonicalRows,
  canonicalText,
  dataChecksumOf,
  germanMonth,
  integrityOf,
  type Prng,
  prng,
  tempDir,
  utf8,
} from './helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_241_120);
const ROOT = new URL('../..', import.meta.url).pathname;

type Expect =
  | {
      kind: 'reject';
      row?: number | null;
      column?: string | null;
      sheet?: string | null;
    }
  | { kind: 'accept'; rows: Obs[] }
  | {
      kind: 'either';
      reference: (data: Uint8Array) => Promise<Obs[] | string> | Obs[] | string;
    };

interface Case {
  category: string;
  name: string;
  data: Uint8Array;
  expect: Expect;
}

const FORMULAS = ["=cmd|' /C calc'!A0", '+SUM(1)', '@x', '=1+1', '-2+3'];
const BAD_MONTHS = [
  '2024-13',
  '0000-00',
  '2023-00',
  '1899-01',
  '2101-01',
  '13/2024',
  '00/2024',
  'Foo 2024',
  '2024-1-32',
  '2024-06-00',
  '31.13.2024',
  'Smarch 2024',
  '2024',
  '',
  '20240-01',
];
const NEGATIVES = ['-1', '-123', '−12', '-1.527', '-0,5', '- 7'];
const NOT_NUMBERS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '1e3',
  '0x1F',
  '12,3,4',
  '1.2.3',
  '∞',
  '12,5',
  '١٢',
  '1,000,000',
  '.5',
  '5.',
  'true',
  'null',
  'undefined',
  '[object Object]',
  '12abc',
];
/** Byte sequences that are not UTF-8 (and not blanks in Windows-1252 either). */
const BROKEN_UTF8 = [[0xc3, 0x28], [0xff], [0xe2, 0x82], [0xf0, 0x28, 0x8c, 0x28], [0x80], [0xc0, 0xaf]];

const CANON_FIELDS = ['region', 'region_name', 'month', 'indicator', 'gender', 'value', 'flag'] as const;
type CanonField = (typeof CANON_FIELDS)[number];
/** Fields whose corruption must reject the file (region_name is free text, flag is checked separately). */
const STRICT_FIELDS: readonly CanonField[] = ['region', 'month', 'indicator', 'gender', 'value'];
const rowKey = (f: CanonField): keyof CanonicalRow => (f === 'region_name' ? 'name' : f);

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

function utf16(text: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  if (endian === 'be') le.swap16();
  const b = bom ? (endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  return concat(b, new Uint8Array(le));
}

/** Canonical rows → expected observations (the seeds write plain whole numbers). */
function canonObs(
  rows: readonly CanonicalRow[],
  value: (r: CanonicalRow) => number = (r) => Number(r.value),
): Obs[] {
  const g = (s: string): Obs['gender'] => {
    const l = s.toLowerCase();
    return l === 'insgesamt' || l === 'total'
      ? 'total'
      : l === 'frauen' || l === 'female'
        ? 'female'
        : 'male';
  };
  return rows.map((r) => ({
    region: r.region,
    indicator: r.indicator.toUpperCase(),
    gender: g(r.gender),
    month: r.month,
    value: value(r),
    flag: null,
  }));
}

function flip(data: Uint8Array, r: Prng, times: number): Uint8Array {
  const out = Uint8Array.from(data);
  for (let k = 0; k < times; k++) out[r.int(0, out.length - 1)] = r.int(0, 255);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Case generation
// ---------------------------------------------------------------------------------------------

const CANON_REGION = '09001';
const BA_CSV_REGION = '09002';
const XLSX_REGION = '09003';
const LATIN1_REGION = '09011';
const YEAR = 2023;

async function generateCases(
  r: Prng,
): Promise<{ cases: Case[]; baseline: { name: string; data: Uint8Array }[] }> {
  const cases: Case[] = [];
  let n = 0;
  const add = (category: string, ext: string, data: Uint8Array, expect: Expect) => {
    n++;
    cases.push({
      category,
      name: `${category}-${String(n).padStart(4, '0')}.${ext}`,
      data,
      expect,
    });
  };

  // ---- canonical CSV -------------------------------------------------------------------------
  const seedRows = canonicalRows(CANON_REGION, 'Fuzzstadt', YEAR);
  const seedText = canonicalText(seedRows);
  const seed = utf8(seedText);
  const seedObs = canonObs(seedRows);
  const lineOf = (i: number) => i + 2; // header is line 1
  const rowIdx = () => r.int(0, seedRows.length - 1);
  const withField = (i: number, field: CanonField, value: string) =>
    seedRows.map((row, k) => (k === i ? { ...row, [rowKey(field)]: value } : row));
  const eitherCanon: Expect = { kind: 'either', reference: referenceCanonical };

  for (let k = 0; k < 150; k++)
    add('canon-truncated', 'csv', seed.slice(0, r.int(0, seed.length - 1)), eitherCanon);
  for (let k = 0; k < 150; k++) add('canon-flipped', 'csv', flip(seed, r, r.int(1, 4)), eitherCanon);
  for (let k = 0; k < 20; k++) {
    const at = r.int(0, seed.length);
    add('canon-nul', 'csv', concat(seed.slice(0, at), [0], seed.slice(at)), eitherCanon);
  }

  // Encodings.
  for (const [endian, bom] of [
    ['le', true],
    ['be', true],
    ['le', false],
    ['be', false],
  ] as const) {
    // With a byte order mark UTF-16 is read (issue 11); without one it is not recognised.
    add(
      'canon-utf16',
      'csv',
      utf16(seedText, endian, bom),
      bom ? { kind: 'accept', rows: seedObs } : { kind: 'reject' },
    );
  }
  for (let k = 0; k < 10; k++) {
    // Windows-1252 with umlauts everywhere: German header, 'März 2023', 'Männer', 'Lübeck'.
    const rows = canonicalRows(LATIN1_REGION, 'Kreis Lübeck-Süd', YEAR, k + 1);
    const genderDe: Record<string, string> = {
      total: 'insgesamt',
      female: 'Frauen',
      male: 'Männer',
    };
    const eol = k % 2 === 0 ? '\r\n' : '\n';
    const text =
      ['regionalschlüssel;regionsname;monat;kennzahl;geschlecht;wert;kennzeichen']
        .concat(
          rows.map((x) =>
            [
              x.region,
              x.name,
              germanMonth(x.month),
              x.indicator,
              genderDe[x.gender] ?? x.gender,
              new Intl.NumberFormat('de-DE').format(Number(x.value)),
              '',
            ].join(';'),
          ),
        )
        .join(eol) + eol;
    add('canon-latin1', 'csv', new Uint8Array(Buffer.from(text, 'latin1')), {
      kind: 'accept',
      rows: canonObs(rows),
    });
  }
  for (let k = 0; k < 30; k++) {
    const i = rowIdx();
    const field = k % 6 === 5 ? 'region_name' : r.pick(STRICT_FIELDS);
    const row = seedRows[i];
    if (!row) throw new Error('no row');
    const original = row[rowKey(field)];
    const cut = r.int(0, original.length);
    const marker = '\u0001';
    const text = canonicalText(withField(i, field, original.slice(0, cut) + marker + original.slice(cut)));
    const [before, after] = text.split(marker);
    const data = concat(utf8(before ?? ''), r.pick(BROKEN_UTF8), utf8(after ?? ''));
    add(
      'canon-broken-utf8',
      'csv',
      data,
      field === 'region_name' ? eitherCanon : { kind: 'reject', row: lineOf(i), column: field },
    );
  }

  // Binary garbage.
  for (let k = 0; k < 45; k++)
    add('garbage', r.pick(['csv', 'txt', 'xlsx', 'dat']), r.bytes(r.int(1, 4096)), { kind: 'reject' });
  for (let k = 0; k < 10; k++)
    add('garbage-pk', 'xlsx', concat([0x50, 0x4b, 0x03, 0x04], r.bytes(r.int(0, 4096))), { kind: 'reject' });
  for (let k = 0; k < 5; k++)
    add('garbage-xls', 'xls', concat([0xd0, 0xcf, 0x11, 0xe0], r.bytes(r.int(0, 2048))), { kind: 'reject' });
  for (let k = 0; k < 5; k++) {
    const files = Array.from({ length: r.int(1, 4) }, (_, j) => ({
      name: `x/${j}.bin`,
      data: r.bytes(r.int(0, 512)),
    }));
    add('zip-not-xlsx', 'xlsx', storedZip(files), { kind: 'reject' });
  }

  // Huge cells (1 MB).
  const MB = 1 << 20;
  for (const field of [...STRICT_FIELDS, 'flag'] as const) {
    for (let k = 0; k < 2; k++) {
      const i = rowIdx();
      const big = field === 'value' ? '1'.repeat(MB) : 'x'.repeat(MB);
      add('huge-cell', 'csv', utf8(canonicalText(withField(i, field, big))), {
        kind: 'reject',
        row: lineOf(i),
        column: field,
      });
    }
  }
  add(
    'huge-cell',
    'csv',
    utf8(canonicalText(withField(rowIdx(), 'region_name', 'N'.repeat(MB)))),
    eitherCanon,
  );
  add('huge-cell', 'csv', utf8(seedText.replace('flag', `flag;${'h'.repeat(MB)}`)), eitherCanon);

  // Formula strings.
  for (const f of FORMULAS) {
    for (const field of [...STRICT_FIELDS, 'flag'] as const) {
      const i = rowIdx();
      add('formula', 'csv', utf8(canonicalText(withField(i, field, f))), {
        kind: 'reject',
        row: lineOf(i),
        column: field,
      });
    }
    add('formula', 'csv', utf8(canonicalText(withField(rowIdx(), 'region_name', f))), {
      kind: 'accept',
      rows: seedObs,
    });
  }

  // Missing columns.
  const dropColumn = (col: number) =>
    seedText
      .split('\n')
      .map((l) =>
        l === ''
          ? l
          : l
              .split(';')
              .filter((_, j) => j !== col)
              .join(';'),
      )
      .join('\n');
  for (const field of STRICT_FIELDS) {
    add('missing-column', 'csv', utf8(dropColumn(CANON_FIELDS.indexOf(field))), {
      kind: 'reject',
      // A file without gender is still recognisably canonical: the header row is named.
      ...(field === 'gender' ? { row: 1 } : {}),
    });
  }
  for (const field of ['region_name', 'flag'] as const) {
    add('missing-column', 'csv', utf8(dropColumn(CANON_FIELDS.indexOf(field))), {
      kind: 'accept',
      rows: seedObs,
    });
  }
  for (let k = 0; k < 10; k++) {
    const i = rowIdx();
    const lines = seedText.split('\n');
    lines[lineOf(i) - 1] = (lines[lineOf(i) - 1] ?? '').split(';').slice(0, 5).join(';');
    add('missing-fields', 'csv', utf8(lines.join('\n')), {
      kind: 'reject',
      row: lineOf(i),
      column: null,
    });
  }
  for (let k = 0; k < 10; k++) {
    const i = rowIdx();
    const lines = seedText.split('\n');
    const fields = (lines[lineOf(i) - 1] ?? '').split(';');
    fields.splice(r.int(0, 5), 1);
    lines[lineOf(i) - 1] = fields.join(';');
    add('missing-fields', 'csv', utf8(lines.join('\n')), eitherCanon);
  }

  // Extra columns.
  for (const extra of ['Bemerkung', "=cmd|' /C calc'!A0", '']) {
    const text = seedText
      .split('\n')
      .map((l, j) => (l === '' ? l : `${l};${j === 0 ? 'bemerkung' : extra}`))
      .join('\n');
    add('extra-column', 'csv', utf8(text), { kind: 'accept', rows: seedObs });
  }
  for (let k = 0; k < 10; k++) {
    const i = rowIdx();
    const lines = seedText.split('\n');
    lines[lineOf(i) - 1] += ';unerwartet';
    add('extra-field', 'csv', utf8(lines.join('\n')), {
      kind: 'reject',
      row: lineOf(i),
      column: null,
    });
  }
  for (let k = 0; k < 3; k++) {
    const i = rowIdx();
    const lines = seedText.split('\n');
    lines[lineOf(i) - 1] += ';;;';
    add('extra-field', 'csv', utf8(lines.join('\n')), {
      kind: 'accept',
      rows: seedObs,
    });
  }

  // Duplicate rows.
  for (let k = 0; k < 20; k++) {
    const i = r.int(0, seedRows.length - 2);
    const j = r.int(i + 1, seedRows.length);
    const orig = seedRows[i];
    if (!orig) throw new Error('no row');
    const rows = [...seedRows];
    rows.splice(j, 0, {
      ...orig,
      value: String(Number(orig.value) + r.int(1, 50)),
    });
    add('duplicate-key', 'csv', utf8(canonicalText(rows)), {
      kind: 'reject',
      row: lineOf(j),
    });
  }
  for (let k = 0; k < 10; k++) {
    const i = rowIdx();
    const orig = seedRows[i];
    if (!orig) throw new Error('no row');
    const rows = [...seedRows];
    rows.splice(r.int(0, rows.length), 0, { ...orig });
    add('duplicate-same', 'csv', utf8(canonicalText(rows)), {
      kind: 'accept',
      rows: seedObs,
    });
  }

  // Impossible months, negative counts, NaN and friends.
  for (let k = 0; k < 30; k++) {
    const i = rowIdx();
    add(
      'bad-month',
      'csv',
      utf8(canonicalText(withField(i, 'month', BAD_MONTHS[k % BAD_MONTHS.length] ?? ''))),
      {
        kind: 'reject',
        row: lineOf(i),
        column: 'month',
      },
    );
  }
  for (let k = 0; k < 20; k++) {
    const i = rowIdx();
    add(
      'negative',
      'csv',
      utf8(canonicalText(withField(i, 'value', NEGATIVES[k % NEGATIVES.length] ?? '-1'))),
      {
        kind: 'reject',
        row: lineOf(i),
        column: 'value',
      },
    );
  }
  for (let k = 0; k < 30; k++) {
    const i = rowIdx();
    add(
      'not-a-number',
      'csv',
      utf8(canonicalText(withField(i, 'value', NOT_NUMBERS[k % NOT_NUMBERS.length] ?? 'NaN'))),
      {
        kind: 'reject',
        row: lineOf(i),
        column: 'value',
      },
    );
  }

  // Empty and nearly empty files.
  const header = seedText.split('\n')[0] ?? '';
  for (const text of [
    '',
    '\uFEFF',
    '\uFEFF\n',
    header,
    `${header}\n`,
    `\uFEFF${header}\r\n`,
    '\n\n\n',
    '   \t ',
    `${header}\n\n\n`,
    ';;;;;;\n;;;;;;\n',
  ]) {
    add('empty', 'csv', utf8(text), { kind: 'reject' });
  }

  // Line endings.
  for (let k = 0; k < 10; k++) {
    const text = seedText
      .split('\n')
      .map((l, j, all) => (j === all.length - 1 ? l : l + r.pick(['\n', '\r\n'])))
      .join('');
    add('crlf-mix', 'csv', utf8(text), { kind: 'accept', rows: seedObs });
  }
  // Classic Mac line endings are read (issue 11).
  for (let k = 0; k < 2; k++)
    add('cr-only', 'csv', utf8(seedText.replace(/\n/g, '\r')), { kind: 'accept', rows: seedObs });

  // Very long lines.
  for (let k = 0; k < 3; k++) {
    const lines = seedText.split('\n');
    lines[lineOf(rowIdx()) - 1] += ';'.repeat(100_000);
    add('long-line', 'csv', utf8(lines.join('\n')), {
      kind: 'accept',
      rows: seedObs,
    });
  }
  for (let k = 0; k < 3; k++) {
    const i = rowIdx();
    const lines = seedText.split('\n');
    lines[lineOf(i) - 1] = 'x'.repeat(2 * MB);
    add('long-line', 'csv', utf8(lines.join('\n')), {
      kind: 'reject',
      row: lineOf(i),
      column: null,
    });
  }
  for (let k = 0; k < 2; k++) {
    const i = rowIdx();
    const lines = seedText.split('\n');
    lines[lineOf(i) - 1] += `;${'y'.repeat(MB)}`;
    add('long-line', 'csv', utf8(lines.join('\n')), {
      kind: 'reject',
      row: lineOf(i),
      column: null,
    });
  }
  for (let k = 0; k < 2; k++) {
    const extraHeader = Array.from({ length: 50_000 }, (_, j) => `c${j}`).join(';');
    add('long-line', 'csv', utf8(seedText.replace('flag', `flag;${extraHeader}`)), {
      kind: 'accept',
      rows: seedObs,
    });
  }

  // Quotes.
  for (let k = 0; k < 10; k++) {
    const i = rowIdx();
    const field = r.pick(CANON_FIELDS);
    const row = seedRows[i];
    if (!row) throw new Error('no row');
    add('unclosed-quote', 'csv', utf8(canonicalText(withField(i, field, `"${row[rowKey(field)]}`))), {
      kind: 'reject',
      row: lineOf(i),
    });
  }
  for (let k = 0; k < 5; k++) {
    const text = seedText
      .split('\n')
      .map((l) =>
        l === ''
          ? l
          : l
              .split(';')
              .map((f) => `"${f.replace(/"/g, '""')}"`)
              .join(';'),
      )
      .join('\n');
    add('quoted', 'csv', utf8(text), { kind: 'accept', rows: seedObs });
  }
  for (let k = 0; k < 5; k++) {
    const i = rowIdx();
    add('quoted-separator', 'csv', utf8(canonicalText(withField(i, 'value', '"1;2"'))), {
      kind: 'reject',
      row: lineOf(i),
      column: 'value',
    });
  }

  // Separators.
  add('separator', 'csv', utf8(seedText.replace(/;/g, ',')), {
    kind: 'accept',
    rows: seedObs,
  });
  add('separator', 'csv', utf8(seedText.replace(/;/g, '\t')), {
    kind: 'accept',
    rows: seedObs,
  });
  for (let k = 0; k < 5; k++) {
    const i = rowIdx();
    const lines = seedText.split('\n');
    lines[lineOf(i) - 1] = (lines[lineOf(i) - 1] ?? '').replace(/;/g, ',');
    add('separator-mix', 'csv', utf8(lines.join('\n')), {
      kind: 'reject',
      row: lineOf(i),
      column: null,
    });
  }

  // ---- BA-style CSV ---------------------------------------------------------------------------
  const baCsvSeeds = BASE_CODES.map((code) => baSheet(code, BA_CSV_REGION, 'Fuzzdorf', YEAR));
  const eitherBaCsv: Expect = { kind: 'either', reference: referenceBaCsv };
  const baCsvBytes = (s: GridSheet, eol = '\n') => utf8(gridToCsv(s, eol));
  const baAccept = (sheets: GridSheet[]): Expect => {
    const rows = referenceBa(gridAsRef(sheets).map((s) => ({ ...s, name: null })));
    if (typeof rows === 'string') throw new Error(`seed not readable by the reference: ${rows}`);
    return { kind: 'accept', rows };
  };
  const mutateCell = (sheet: GridSheet, row: number, col: number, value: GridCell): GridSheet => {
    const [copy] = cloneGrid([sheet]);
    if (!copy) throw new Error('clone');
    const cells = copy.rows[row - 1];
    if (!cells) throw new Error(`no row ${row}`);
    cells[col] = value;
    return copy;
  };
  const monthIdx = () => r.int(0, 11);

  for (let k = 0; k < 80; k++) {
    const s = baCsvBytes(r.pick(baCsvSeeds));
    add('ba-csv-truncated', 'csv', s.slice(0, r.int(0, s.length - 1)), eitherBaCsv);
  }
  for (let k = 0; k < 80; k++)
    add('ba-csv-flipped', 'csv', flip(baCsvBytes(r.pick(baCsvSeeds)), r, r.int(1, 4)), eitherBaCsv);
  for (const s of baCsvSeeds) {
    for (const [endian, bom] of [
      ['le', true],
      ['be', false],
    ] as const) {
      add('ba-csv-utf16', 'csv', utf16(gridToCsv(s), endian, bom), bom ? baAccept([s]) : { kind: 'reject' });
    }
    add('ba-csv-latin1', 'csv', new Uint8Array(Buffer.from(gridToCsv(s, '\r\n'), 'latin1')), baAccept([s]));
  }
  const baReject = (
    category: string,
    s: GridSheet,
    row: number,
    col: number,
    value: GridCell,
    letter: string,
  ) =>
    add(category, 'csv', baCsvBytes(mutateCell(s, row, col, value)), {
      kind: 'reject',
      sheet: null,
      row,
      column: letter,
    });
  for (let k = 0; k < 20; k++) {
    const row = baDataRow(monthIdx());
    baReject('ba-csv-bad-month', r.pick(baCsvSeeds), row, 0, BAD_MONTHS[k % BAD_MONTHS.length] ?? '', 'A');
  }
  for (let k = 0; k < 15; k++) {
    const c = r.pick(BA_VALUE_COLS);
    baReject(
      'ba-csv-negative',
      r.pick(baCsvSeeds),
      baDataRow(monthIdx()),
      c.col,
      NEGATIVES[k % NEGATIVES.length] ?? '-1',
      c.letter,
    );
  }
  for (let k = 0; k < 15; k++) {
    const c = r.pick(BA_VALUE_COLS);
    baReject(
      'ba-csv-not-a-number',
      r.pick(baCsvSeeds),
      baDataRow(monthIdx()),
      c.col,
      NOT_NUMBERS[k % NOT_NUMBERS.length] ?? 'NaN',
      c.letter,
    );
  }
  for (let k = 0; k < 15; k++) {
    const c = r.pick(BA_VALUE_COLS);
    baReject(
      'ba-csv-formula',
      r.pick(baCsvSeeds),
      baDataRow(monthIdx()),
      c.col,
      FORMULAS[k % FORMULAS.length] ?? '=1',
      c.letter,
    );
  }
  for (let k = 0; k < 6; k++) {
    const c = r.pick(BA_VALUE_COLS);
    baReject('ba-csv-empty-cell', r.pick(baCsvSeeds), baDataRow(monthIdx()), c.col, '', c.letter);
  }
  for (let k = 0; k < 3; k++) {
    const c = r.pick(BA_VALUE_COLS);
    baReject('ba-csv-huge-cell', r.pick(baCsvSeeds), baDataRow(monthIdx()), c.col, 'x'.repeat(MB), c.letter);
    baReject('ba-csv-huge-cell', r.pick(baCsvSeeds), baDataRow(monthIdx()), 0, 'x'.repeat(MB), 'A');
  }
  for (const s of baCsvSeeds) {
    // No gender columns at all.
    const noGender = cloneGrid([s])[0];
    if (!noGender) throw new Error('clone');
    noGender.rows[3] = ['Berichtsmonat', 'Regionalschlüssel', 'Region', 'Summe', 'davon', null];
    noGender.rows[4] = [];
    add('ba-csv-no-genders', 'csv', baCsvBytes(noGender), {
      kind: 'reject',
      sheet: null,
      row: 4,
    });
    // No month header.
    add('ba-csv-no-month-header', 'csv', baCsvBytes(mutateCell(s, 4, 0, 'Zeitraum X')), { kind: 'reject' });
    // An extra column with notes: still valid.
    const extra = cloneGrid([s])[0];
    if (!extra) throw new Error('clone');
    extra.rows.forEach((row, i) => {
      if (i === 3) row[6] = 'Bemerkung';
      else if (i >= 5 && i < 17) row[6] = i % 2 ? '=HYPERLINK("x")' : 'geprüft';
    });
    add('ba-csv-extra-column', 'csv', baCsvBytes(extra), baAccept([extra]));
    // Header and footnotes only.
    const headerOnly = cloneGrid([s])[0];
    if (!headerOnly) throw new Error('clone');
    headerOnly.rows.splice(5, 12);
    add('ba-csv-header-only', 'csv', baCsvBytes(headerOnly), {
      kind: 'reject',
      sheet: null,
    });
    add('ba-csv-footer-only', 'csv', utf8('© Statistik der Bundesagentur für Arbeit\n'), { kind: 'reject' });
  }
  for (let k = 0; k < 10; k++) {
    const s = r.pick(baCsvSeeds);
    const [copy] = cloneGrid([s]);
    if (!copy) throw new Error('clone');
    const from = copy.rows[baDataRow(monthIdx()) - 1];
    if (!from) throw new Error('row');
    const dup = from.map((c, j) => (j >= 3 && typeof c === 'number' ? c + 1 : c));
    const at = baDataRow(11); // right after the last month
    copy.rows.splice(at, 0, dup);
    add('ba-csv-duplicate-month', 'csv', baCsvBytes(copy), {
      kind: 'reject',
      sheet: null,
      row: at + 1,
    });
  }
  for (let k = 0; k < 5; k++) {
    const s = r.pick(baCsvSeeds);
    const [copy] = cloneGrid([s]);
    if (!copy) throw new Error('clone');
    const from = copy.rows[baDataRow(monthIdx()) - 1];
    if (!from) throw new Error('row');
    copy.rows.splice(baDataRow(11), 0, [...from]);
    add('ba-csv-duplicate-same', 'csv', baCsvBytes(copy), baAccept([s]));
  }
  for (let k = 0; k < 5; k++) {
    const s = r.pick(baCsvSeeds);
    const text = gridToCsv(s)
      .split('\n')
      .map((l, j, all) => (j === all.length - 1 ? l : l + r.pick(['\n', '\r\n'])))
      .join('');
    add('ba-csv-crlf-mix', 'csv', utf8(text), baAccept([s]));
  }

  // ---- BA-style xlsx --------------------------------------------------------------------------
  const xlsxSeed = BASE_CODES.map((code) => baSheet(code, XLSX_REGION, 'Fuzzheim', YEAR));
  const xlsxBytes = await gridToXlsx(xlsxSeed);
  const xlsxAccept = (sheets: GridSheet[]): Expect => {
    const rows = referenceBa(gridAsRef(sheets));
    if (typeof rows === 'string') throw new Error(`seed not readable by the reference: ${rows}`);
    return { kind: 'accept', rows };
  };
  for (let k = 0; k < 30; k++)
    add('xlsx-truncated', 'xlsx', xlsxBytes.slice(0, r.int(0, xlsxBytes.length - 1)), { kind: 'reject' });
  for (let k = 0; k < 30; k++)
    add('xlsx-flipped', 'xlsx', flip(xlsxBytes, r, r.int(1, 3)), {
      kind: 'either',
      reference: referenceXlsx,
    });

  const xlsxCell = async (
    category: string,
    value: GridCell,
    col: { col: number; letter: string },
    expect: 'reject' | 'accept',
    monthK = monthIdx(),
  ) => {
    const sheetIdx = r.int(0, xlsxSeed.length - 1);
    const grid = cloneGrid(xlsxSeed);
    const sheet = grid[sheetIdx];
    const cells = sheet?.rows[baDataRow(monthK) - 1];
    if (!sheet || !cells) throw new Error('grid');
    cells[col.col] = value;
    add(
      category,
      'xlsx',
      await gridToXlsx(grid),
      expect === 'reject'
        ? {
            kind: 'reject',
            sheet: sheet.name,
            row: baDataRow(monthK),
            column: col.letter,
          }
        : xlsxAccept(grid),
    );
  };
  const A = { col: 0, letter: 'A' };
  for (let k = 0; k < 8; k++) await xlsxCell('xlsx-bad-month', BAD_MONTHS[k] ?? '2024-13', A, 'reject');
  for (let k = 0; k < 8; k++)
    await xlsxCell('xlsx-negative', -r.int(1, 5000), r.pick(BA_VALUE_COLS), 'reject');
  for (const v of [0.5, 1234.25]) await xlsxCell('xlsx-fraction', v, r.pick(BA_VALUE_COLS), 'reject');
  for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    await xlsxCell('xlsx-nan', v, r.pick(BA_VALUE_COLS), 'reject');
  }
  for (const f of FORMULAS) await xlsxCell('xlsx-formula-text', f, r.pick(BA_VALUE_COLS), 'reject');
  for (let k = 0; k < 3; k++)
    await xlsxCell('xlsx-formula-no-result', { formula: 'SUM(A1:A2)' }, r.pick(BA_VALUE_COLS), 'reject');
  for (let k = 0; k < 3; k++) {
    // A formula with a cached result that equals the seed value: valid.
    const grid = cloneGrid(xlsxSeed);
    const sheet = grid[r.int(0, grid.length - 1)];
    const row = sheet?.rows[baDataRow(monthIdx()) - 1];
    const c = r.pick(BA_VALUE_COLS);
    const v = row?.[c.col];
    if (!row || typeof v !== 'number') throw new Error('grid');
    row[c.col] = { formula: `${v - 1}+1`, result: v };
    add('xlsx-formula-result', 'xlsx', await gridToXlsx(grid), xlsxAccept(grid));
  }
  for (let k = 0; k < 3; k++)
    await xlsxCell('xlsx-huge-cell', 'z'.repeat(MB), r.pick([A, ...BA_VALUE_COLS]), 'reject');
  for (let k = 0; k < 3; k++) await xlsxCell('xlsx-empty-cell', null, r.pick(BA_VALUE_COLS), 'reject');
  for (let k = 0; k < 2; k++)
    await xlsxCell('xlsx-numeric-key', Number(XLSX_REGION), { col: 1, letter: 'B' }, 'accept');
  for (let k = 0; k < 3; k++) {
    const grid = cloneGrid(xlsxSeed);
    const sheet = grid[k];
    if (!sheet) throw new Error('grid');
    sheet.rows[3] = ['Berichtsmonat', 'Regionalschlüssel', 'Region', 'Summe', 'davon', null];
    sheet.rows[4] = [];
    add('xlsx-no-genders', 'xlsx', await gridToXlsx(grid), {
      kind: 'reject',
      sheet: sheet.name,
      row: 4,
    });
  }
  for (let k = 0; k < 2; k++) {
    const grid = cloneGrid(xlsxSeed);
    const sheet = grid[k];
    if (!sheet) throw new Error('grid');
    sheet.rows[3] = ['Zeitraum', 'Regionalschlüssel', 'Region', 'Insgesamt', 'davon', null];
    add('xlsx-no-month-header', 'xlsx', await gridToXlsx(grid), {
      kind: 'reject',
      sheet: sheet.name,
    });
  }
  for (let k = 0; k < 5; k++) {
    const grid = cloneGrid(xlsxSeed);
    const sheet = grid[r.int(0, grid.length - 1)];
    const from = sheet?.rows[baDataRow(monthIdx()) - 1];
    if (!sheet || !from) throw new Error('grid');
    sheet.rows.splice(
      baDataRow(11),
      0,
      from.map((c, j) => (j >= 3 && typeof c === 'number' ? c + 7 : c)),
    );
    add('xlsx-duplicate-month', 'xlsx', await gridToXlsx(grid), {
      kind: 'reject',
      sheet: sheet.name,
      row: baDataRow(12),
    });
  }
  for (let k = 0; k < 3; k++) {
    const grid = cloneGrid(xlsxSeed);
    for (const sheet of grid) {
      sheet.rows.forEach((row, i) => {
        if (i === 3) row[6] = 'Bemerkung';
        else if (i >= 5 && i < 17) row[6] = "=cmd|' /C calc'!A0";
      });
    }
    add('xlsx-extra-column', 'xlsx', await gridToXlsx(grid), xlsxAccept(grid));
  }
  for (let k = 0; k < 3; k++) {
    const grid = BASE_CODES.map((code) => baSheet(code, XLSX_REGION, 'Fuzzheim', YEAR, 100 + k));
    add('xlsx-revised-values', 'xlsx', await gridToXlsx(grid), xlsxAccept(grid));
  }
  for (let k = 0; k < 2; k++) {
    const notes: GridSheet = {
      name: 'Notizen',
      code: 'INT',
      rows: [['Nur Text'], ['noch mehr Text', 'und mehr']],
    };
    add('xlsx-no-data-sheet', 'xlsx', await gridToXlsx([notes]), {
      kind: 'reject',
    });
    add('xlsx-no-sheets', 'xlsx', await gridToXlsx([]), { kind: 'reject' });
  }

  const baseline = [
    { name: 'baseline-canonical.csv', data: seed },
    ...baCsvSeeds.map((s, i) => ({
      name: `baseline-ba-${i}.csv`,
      data: baCsvBytes(s),
    })),
    { name: 'baseline-ba.xlsx', data: xlsxBytes },
  ];
  return { cases, baseline };
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

interface Snapshot {
  checksum: string;
  observations: number;
  revisions: number;
  dataVersion: number;
}

async function snapshot(db: Db): Promise<Snapshot> {
  return {
    checksum: await dataChecksumOf(db),
    observations: Number(await pluck(db, 'select count(*) from observations')),
    revisions: Number(await pluck(db, 'select count(*) from revisions')),
    dataVersion: Number((await pluck(db, `select value from meta where key = 'data_version'`)) ?? 0),
  };
}

/** Database-wide rules that must hold after every accepted file. */
async function invariantViolations(db: Db): Promise<string[]> {
  const checks: [string, string][] = [
    [
      'value and flag both set or both null',
      'select count(*) from observations where (value is null) = (flag is null)',
    ],
    [
      'count indicator not a non-negative whole number',
      `select count(*) from observations o join indicators i on i.code = o.indicator_code
       where i.unit = 'count' and o.value is not null and (o.value < 0 or o.value != cast(o.value as integer))`,
    ],
    [
      'month not YYYY-MM',
      `select count(*) from observations where ${db.dialect === 'sqlite' ? "month not glob '[12][0-9][0-9][0-9]-[01][0-9]'" : "month !~ '^[12][0-9]{3}-[01][0-9]$'"}
       or cast(substr(month, 6, 2) as integer) not between 1 and 12`,
    ],
    [
      'revision_count differs from the revisions rows',
      `select count(*) from observations o
       where o.revision_count != (select count(*) from revisions r where r.region_id = o.region_id
         and r.indicator_code = o.indicator_code and r.gender = o.gender and r.month = o.month)`,
    ],
    ['import lock left behind', `select count(*) from meta where key = 'import_lock'`],
  ];
  const out: string[] = [];
  for (const [what, q] of checks) {
    const n = Number(await pluck(db, q));
    if (n !== 0) out.push(`${what}: ${n}`);
  }
  return out;
}

function dbValue(db: Db, o: Obs): Promise<{ value: number | null; flag: string | null } | undefined> {
  return get<{ value: number | null; flag: string | null }>(
    db,
    'select value, flag from observations where region_id = ? and indicator_code = ? and gender = ? and month = ?',
    o.region,
    o.indicator,
    o.gender,
    o.month,
  );
}

describe('fuzzed input files (reliability)', () => {
  const tmp = tempDir('zm-fuzz-');
  let db: Db;
  let deps: EtlDeps;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    // SQLite: a file, so that its integrity_check covers what 1,000+ imports wrote to disk.
    db = TEST_DB === 'sqlite' ? await openDatabase(`${tmp.dir}/fuzz.db`) : await openTestDb();
    deps = {
      db,
      logger: silentLogger(),
      clock: () => new Date('2024-11-20T06:00:00Z'),
    };
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await db?.close();
    tmp.cleanup();
  });

  it('rejects every broken file with its position and nothing written, imports exactly the valid ones', async () => {
    const r = prng(SEED);
    const { cases, baseline } = await generateCases(r);
    expect(cases.length).toBeGreaterThanOrEqual(1000);

    // Baseline: the bundled sample CSV and every seed, each imported once.
    const base = await runImport(
      deps,
      [
        { kind: 'file', path: `${ROOT}data/sample/segeberg-sample.csv` },
        ...baseline.map((b) => ({
          kind: 'buffer' as const,
          name: b.name,
          data: b.data,
        })),
      ],
      { trigger: 'cli' },
    );
    expect(base.files.map((f) => [f.path.replace(ROOT, ''), f.status, f.error?.message ?? null])).toEqual(
      [{ path: 'data/sample/segeberg-sample.csv' }, ...baseline.map((b) => ({ path: b.name }))].map((f) => [
        f.path,
        'imported',
        null,
      ]),
    );

    const failures: string[] = [];
    const outcomes = new Map<string, { rejected: number; imported: number; unchanged: number }>();
    const lastFile = () =>
      get<{ status: string; error: string | null; path: string }>(
        db,
        'select status, error, path from imported_files order by id desc limit 1',
      );
    let maxMessage = 0;
    const started = performance.now();

    for (const c of cases) {
      const fail = (msg: string) => failures.push(`${c.name} [${c.expect.kind}]: ${msg}`);
      const before = await snapshot(db);
      let summary: ImportSummary;
      try {
        summary = await runImport(deps, [{ kind: 'buffer', name: c.name, data: c.data }], {
          trigger: 'upload',
        });
      } catch (e) {
        fail(`runImport threw: ${e instanceof Error ? e.stack : String(e)}`);
        continue;
      }
      const f = summary.files[0];
      if (!f || summary.files.length !== 1) {
        fail(`expected one file result, got ${summary.files.length}`);
        continue;
      }
      const tally = outcomes.get(c.category) ?? {
        rejected: 0,
        imported: 0,
        unchanged: 0,
      };
      tally[f.status]++;
      outcomes.set(c.category, tally);

      if (f.status === 'rejected') {
        const after = await snapshot(db);
        if (c.expect.kind === 'accept') fail(`valid file rejected: ${f.error?.message.slice(0, 300)}`);
        if (after.checksum !== before.checksum) fail('data tables changed although the file was rejected');
        if (summary.status !== 'failed') fail(`run status ${summary.status}, expected failed`);
        const e = f.error;
        if (!e) {
          fail('rejected without an error');
          continue;
        }
        if (e.file !== c.name) fail(`error names file '${e.file}', expected '${c.name}'`);
        if (e.message.trim() === '') fail('empty error message');
        const stored = await lastFile();
        if (stored?.status !== 'rejected' || !stored.error?.startsWith(`Datei ${c.name}`)) {
          fail(
            `imported_files does not record the rejection with the file name: ${JSON.stringify(stored)?.slice(0, 200)}`,
          );
        }
        maxMessage = Math.max(maxMessage, stored?.error?.length ?? 0);
        if ((stored?.error?.length ?? 0) > 2000) {
          fail(
            `error text is ${stored?.error?.length} characters long (a huge cell copied into the message?)`,
          );
        }
        if (c.expect.kind === 'reject') {
          const x = c.expect;
          if (x.row !== undefined && e.row !== x.row)
            fail(`error row ${e.row}, expected ${x.row}: ${e.message.slice(0, 200)}`);
          if (x.column !== undefined && e.column !== x.column) {
            fail(`error column ${e.column}, expected ${x.column}: ${e.message.slice(0, 200)}`);
          }
          if (x.sheet !== undefined && e.sheet !== x.sheet)
            fail(`error sheet ${e.sheet}, expected ${x.sheet}`);
        }
        continue;
      }

      // Accepted ('imported', or 'unchanged' for bytes imported before).
      if (c.expect.kind === 'reject') {
        fail(`broken file accepted (${f.status}, ${f.inserted} inserted, ${f.updated} updated)`);
        continue;
      }
      let expected: Obs[];
      if (c.expect.kind === 'accept') {
        expected = c.expect.rows;
      } else {
        const ref = await c.expect.reference(c.data);
        if (typeof ref === 'string') {
          fail(
            `accepted, but the reference reader cannot read it (${ref}); first bytes: ${JSON.stringify(new TextDecoder().decode(c.data.slice(0, 120)))}`,
          );
          continue;
        }
        expected = ref;
      }
      const after = await snapshot(db);
      if (f.status === 'unchanged') {
        // Bytes imported before are skipped by checksum, even if a later file changed the values
        // since (by design: "the same file imported again changes nothing").
        if (after.checksum !== before.checksum) fail('data changed by a file reported unchanged');
        continue;
      }
      {
        const n = f.inserted + f.updated + f.unchanged;
        if (n !== expected.length) fail(`file has ${expected.length} values, import counted ${n}`);
        if (after.observations - before.observations !== f.inserted) {
          fail(
            `${f.inserted} inserted, but observations grew by ${after.observations - before.observations}`,
          );
        }
        if (after.revisions - before.revisions !== f.updated) {
          fail(`${f.updated} updated, but revisions grew by ${after.revisions - before.revisions}`);
        }
        const bumped = after.dataVersion - before.dataVersion;
        if (bumped !== (summary.changed ? 1 : 0))
          fail(`data_version moved by ${bumped}, changed=${summary.changed}`);
      }
      for (const o of expected) {
        const got = await dbValue(db, o);
        if (!got || got.value !== o.value || got.flag !== o.flag) {
          fail(
            `${obsKey(o)}: database has ${JSON.stringify(got)}, file says ${JSON.stringify({ value: o.value, flag: o.flag })}`,
          );
          break;
        }
      }
      for (const v of await invariantViolations(db)) fail(v);
    }
    const ms = performance.now() - started;

    expect(await integrityOf(db)).toBe('ok');
    const table = [...outcomes.entries()].map(([category, t]) => ({
      category,
      ...t,
    }));
    const total = table.reduce(
      (a, t) => ({
        rejected: a.rejected + t.rejected,
        imported: a.imported + t.imported,
        unchanged: a.unchanged + t.unchanged,
      }),
      { rejected: 0, imported: 0, unchanged: 0 },
    );
    console.log(
      `fuzz (seed ${SEED}): ${cases.length} files in ${(ms / 1000).toFixed(1)} s — rejected ${total.rejected}, imported ${total.imported}, unchanged ${total.unchanged}; longest stored error ${maxMessage} chars`,
    );
    console.table(table);
    expect(failures.slice(0, 40)).toEqual([]);
    expect(unhandled).toEqual([]);
    // The mix must really exercise both paths.
    expect(total.rejected).toBeGreaterThan(500);
    expect(total.imported + total.unchanged).toBeGreaterThan(50);
    // A guard against a hang, not a speed check: on PostgreSQL the run takes 138–146 s in CI on two
    // cores, and went past 240 s once while other work shared the machine.
  }, 600_000);
});
