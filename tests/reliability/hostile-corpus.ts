/**
 * A corpus of hostile and odd import files (issue 11), generated with a seeded PRNG: sparse and
 * bombed workbooks, too many sheets or columns, duplicate and corrupt cells, numeric region keys,
 * pathological whitespace, huge cells, out-of-range values, long names, broken encodings, plus
 * valid files with separator-only rows, CR-only line ends and UTF-16 — each with what must happen.
 */
import { type Prng, prng } from './helpers.js';
import { numberCell, rawWorkbook, sparseWorkbook, textCell, zipBombWorkbook } from './hostile-files.js';

export type Expectation =
  | { kind: 'reject'; sheet?: string | null; row?: number | null; column?: string | null }
  | { kind: 'accept' }
  /** Random damage: rejected (with the file named) or read, but never a crash or a partial write. */
  | { kind: 'either' };

export interface CorpusFile {
  category: string;
  name: string;
  data: Uint8Array;
  expect: Expectation;
}

/** The limits the corpus is run with (the bombs need only a few MB to pass a 4 MB limit). */
export const CORPUS_LIMITS = { xlsxMaxUnpackedBytes: 4 * 1024 * 1024 };

const HEADER = 'region;region_name;month;indicator;gender;value;flag';
const enc = (s: string) => new TextEncoder().encode(s);
const month = (k: number) => `2023-${String(k + 1).padStart(2, '0')}`;

/** A valid canonical CSV for `region`: 12 months × INT/ELB/LZB × total; values vary with `salt`. */
function canonicalLines(region: string, salt: number): string[] {
  const lines: string[] = [];
  for (let k = 0; k < 12; k++) {
    lines.push(`${region};Kreis ${region};${month(k)};INT;total;${20 + ((k + salt) % 17)};`);
    lines.push(`${region};Kreis ${region};${month(k)};ELB;total;${1000 + ((k * 7 + salt) % 97)};`);
    lines.push(`${region};Kreis ${region};${month(k)};LZB;total;${600 + ((k * 3 + salt) % 53)};`);
  }
  return lines;
}

/** A BA-style sheet (months as rows) in raw XML; `mutate` may replace cells of data row k. */
function baSheet(region: string, salt: number, mutate?: (k: number, cells: string[]) => void): string {
  const rows: string[][] = [
    [textCell('A1', 'Erwerbsfähige Leistungsberechtigte (eLb)')],
    [textCell('A2', 'Berichtsmonat'), textCell('B2', 'Regionalschlüssel'), textCell('C2', 'Insgesamt')],
  ];
  for (let k = 0; k < 12; k++) {
    const r = k + 3;
    const cells = [
      textCell(`A${r}`, `${month(k)}`),
      textCell(`B${r}`, region),
      numberCell(`C${r}`, String(1000 + ((k + salt) % 89))),
    ];
    mutate?.(k, cells);
    rows.push(cells);
  }
  return rows.map((cells, i) => `<row r="${i + 1}">${cells.join('')}</row>`).join('');
}

function region(r: Prng): string {
  return `8${String(r.int(0, 9999)).padStart(4, '0')}`;
}

function flip(data: Uint8Array, r: Prng, n: number): Uint8Array {
  const out = new Uint8Array(data);
  for (let i = 0; i < n; i++) out[r.int(0, out.length - 1)] = r.int(0, 255);
  return out;
}

/** At least `min` files (about 2,100 by default). */
export function hostileCorpus(seed: number, min = 2000): CorpusFile[] {
  const r = prng(seed);
  const out: CorpusFile[] = [];
  const add = (category: string, ext: string, data: Uint8Array, expect: Expectation) => {
    out.push({ category, name: `${category}-${String(out.length).padStart(4, '0')}.${ext}`, data, expect });
  };
  const generators: [number, () => void][] = [
    // Sparse workbooks: one cell far down in each of many sheets.
    [
      120,
      () => {
        const sheets = r.int(1, 50);
        const row = r.int(100_001, 1_048_576);
        add('sparse-xlsx', 'xlsx', sparseWorkbook(sheets, row), { kind: 'reject', sheet: 'Blatt 1' });
      },
    ],
    // Zip bombs, with honest and with lying size headers.
    [40, () => add('zip-bomb', 'xlsx', zipBombWorkbook(r.int(5, 8), r.next() < 0.5), { kind: 'reject' })],
    // Too many sheets.
    [
      30,
      () =>
        add(
          'many-sheets',
          'xlsx',
          rawWorkbook(Array.from({ length: r.int(51, 70) }, (_, i) => ({ name: `S${i}`, sheetData: '' }))),
          { kind: 'reject' },
        ),
    ],
    // Too many columns.
    [
      30,
      () => {
        const col = ['ALM', 'BAA', 'XFD'][r.int(0, 2)] ?? 'XFD';
        add(
          'wide-xlsx',
          'xlsx',
          rawWorkbook([{ name: 'eLb', sheetData: `<row r="3">${textCell(`${col}3`, 'x')}</row>` }]),
          {
            kind: 'reject',
            sheet: 'eLb',
          },
        );
      },
    ],
    // The same cell twice with different values.
    [
      60,
      () => {
        const k = r.int(0, 11);
        const xml = baSheet(region(r), r.int(0, 99), (kk, cells) => {
          if (kk === k) cells.push(numberCell(`C${k + 3}`, String(r.int(1, 999))));
        });
        add('duplicate-cell', 'xlsx', rawWorkbook([{ name: 'eLb', sheetData: xml }]), {
          kind: 'reject',
          sheet: 'eLb',
          row: k + 3,
          column: 'C',
        });
      },
    ],
    // Corrupt cells: shared string index out of range, text in a number cell, bad boolean.
    [
      90,
      () => {
        const k = r.int(0, 11);
        const bad = [
          `<c r="C${k + 3}" t="s"><v>${r.int(5, 99999)}</v></c>`,
          `<c r="C${k + 3}"><v>1,5x</v></c>`,
          `<c r="C${k + 3}" t="b"><v>2</v></c>`,
        ][r.int(0, 2)] as string;
        const xml = baSheet(region(r), r.int(0, 99), (kk, cells) => {
          if (kk === k) cells[2] = bad;
        });
        add('corrupt-cell', 'xlsx', rawWorkbook([{ name: 'eLb', sheetData: xml }]), {
          kind: 'reject',
          sheet: 'eLb',
          row: k + 3,
          column: 'C',
        });
      },
    ],
    // Numeric region keys Excel cannot hold exactly.
    [
      60,
      () => {
        const k = r.int(0, 11);
        const key = ['1.5E+300', '9007199254740993', '-5', '1.5', '1E+20'][r.int(0, 4)] as string;
        const xml = baSheet(region(r), r.int(0, 99), (kk, cells) => {
          if (kk === k) cells[1] = numberCell(`B${k + 3}`, key);
        });
        add('numeric-key', 'xlsx', rawWorkbook([{ name: 'eLb', sheetData: xml }]), {
          kind: 'reject',
          sheet: 'eLb',
          row: k + 3,
          column: 'B',
        });
      },
    ],
    // Valid BA workbooks (raw XML), some with a huge but allowed padding in the title.
    [
      80,
      () =>
        add(
          'ba-xlsx-valid',
          'xlsx',
          rawWorkbook([{ name: 'eLb', sheetData: baSheet(region(r), r.int(0, 999)) }]),
          { kind: 'accept' },
        ),
    ],
    // Damaged workbooks.
    [
      150,
      () => {
        const data = rawWorkbook([{ name: 'eLb', sheetData: baSheet(region(r), r.int(0, 999)) }]);
        add(
          'xlsx-flipped',
          'xlsx',
          r.next() < 0.5 ? flip(data, r, r.int(1, 8)) : data.slice(0, r.int(1, data.length - 1)),
          {
            kind: 'either',
          },
        );
      },
    ],
    // Pathological whitespace in the header: past the cell limit → rejected on line 1; below → read.
    [
      120,
      () => {
        const n = r.next() < 0.5 ? r.int(10_001, 200_000) : r.int(100, 9_000);
        const header = HEADER.replace('month', `month${' '.repeat(n)}`);
        add(
          'whitespace-header',
          'csv',
          enc(`${header}\n${canonicalLines(region(r), r.int(0, 999)).join('\n')}\n`),
          n > 10_000 ? { kind: 'reject', row: 1 } : { kind: 'accept' },
        );
      },
    ],
    // Whitespace-padded values and labels (trimmed, read).
    [
      80,
      () => {
        const lines = canonicalLines(region(r), r.int(0, 999)).map((l) =>
          l.replace(';total;', `;${' '.repeat(r.int(0, 3000))}total${'\t'.repeat(r.int(0, 50))};`),
        );
        add('whitespace-cells', 'csv', enc(`${HEADER}\n${lines.join('\n')}\n`), { kind: 'accept' });
      },
    ],
    // Huge cells.
    [
      120,
      () => {
        const lines = canonicalLines(region(r), r.int(0, 999));
        const i = r.int(0, lines.length - 1);
        const fields = (lines[i] ?? '').split(';');
        const f = r.int(0, 5);
        fields[f] = 'x'.repeat(r.int(10_001, 400_000));
        lines[i] = fields.join(';');
        const column = ['region', 'region_name', 'month', 'indicator', 'gender', 'value'][f] ?? null;
        add('huge-cell', 'csv', enc(`${HEADER}\n${lines.join('\n')}\n`), {
          kind: 'reject',
          row: i + 2,
          column,
        });
      },
    ],
    // Out-of-range values.
    [
      240,
      () => {
        const lines = canonicalLines(region(r), r.int(0, 999));
        const i = r.int(0, lines.length - 1);
        const line = lines[i] ?? '';
        const bad = [
          '-1',
          '2,5',
          '5 %',
          '12%',
          `1${'0'.repeat(r.int(310, 400))}`,
          '200.000.000',
          '1e5',
          'Infinity',
          'NaN',
        ][r.int(0, 8)];
        lines[i] = line.replace(/;(\d+);$/, `;${bad};`);
        add('out-of-range', 'csv', enc(`${HEADER}\n${lines.join('\n')}\n`), {
          kind: 'reject',
          row: i + 2,
          column: 'value',
        });
      },
    ],
    [
      60,
      () => {
        const v = r.next() < 0.5 ? String(r.int(101, 5000)) : `-${r.int(1, 90)}`;
        add('rate-range', 'csv', enc(`${HEADER}\n${region(r)};K;2023-05;K2_BA;total;${v};\n`), {
          kind: 'reject',
          row: 2,
          column: 'value',
        });
      },
    ],
    // Names and comparison types past 200 characters.
    [
      60,
      () => {
        const lines = canonicalLines(region(r), r.int(0, 999));
        lines[0] = (lines[0] ?? '').replace(/;Kreis [^;]*;/, `;${'N'.repeat(r.int(201, 5000))};`);
        add('long-name', 'csv', enc(`${HEADER}\n${lines.join('\n')}\n`), {
          kind: 'reject',
          row: 2,
          column: 'region_name',
        });
      },
    ],
    // Separator-only rows as Excel writes them (read).
    [
      100,
      () => {
        const lines = canonicalLines(region(r), r.int(0, 999));
        for (let k = 0; k < r.int(1, 5); k++)
          lines.splice(r.int(0, lines.length), 0, ';'.repeat(r.int(1, 12)));
        add('separator-rows', 'csv', enc(`${HEADER}\n${lines.join('\n')}\n`), { kind: 'accept' });
      },
    ],
    // CR-only line ends (read).
    [
      60,
      () =>
        add('cr-only', 'csv', enc(`${HEADER}\r${canonicalLines(region(r), r.int(0, 999)).join('\r')}\r`), {
          kind: 'accept',
        }),
    ],
    // UTF-16 with a byte order mark (read).
    [
      60,
      () => {
        const le = Buffer.from(
          `${HEADER}\n${canonicalLines(region(r), r.int(0, 999)).join('\n')}\n`,
          'utf16le',
        );
        const be = r.next() < 0.5;
        if (be) le.swap16();
        add('utf16-bom', 'csv', new Uint8Array([...(be ? [0xfe, 0xff] : [0xff, 0xfe]), ...le]), {
          kind: 'accept',
        });
      },
    ],
    // A broken byte in a UTF-8 file with umlauts: named with its line.
    [
      80,
      () => {
        const lines = canonicalLines(region(r), r.int(0, 999)).map((l) => l.replace('Kreis', 'Lübeck'));
        const i = r.int(0, lines.length - 1);
        lines[i] = (lines[i] ?? '').replace(';total;', `;tot${String.fromCharCode(0xfffd)}al;`);
        const bytes = Buffer.from(`${HEADER}\n${lines.join('\n')}\n`, 'utf8');
        const at = bytes.indexOf(Buffer.from([0xef, 0xbf, 0xbd]));
        const broken = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from([r.int(0x80, 0xbf)]),
          bytes.subarray(at + 3),
        ]);
        add('broken-utf8', 'csv', new Uint8Array(broken), { kind: 'reject', row: i + 2 });
      },
    ],
    // Damaged CSV.
    [
      200,
      () => {
        const data = enc(`${HEADER}\n${canonicalLines(region(r), r.int(0, 999)).join('\n')}\n`);
        add(
          'csv-flipped',
          'csv',
          r.next() < 0.5 ? flip(data, r, r.int(1, 6)) : data.slice(0, r.int(1, data.length - 1)),
          {
            kind: 'either',
          },
        );
      },
    ],
    // Valid canonical files.
    [
      120,
      () =>
        add(
          'csv-valid',
          'csv',
          enc(`${HEADER}\n${canonicalLines(region(r), r.int(0, 999)).join('\r\n')}\r\n`),
          { kind: 'accept' },
        ),
    ],
  ];
  while (out.length < min)
    for (const [n, gen] of generators) for (let k = 0; k < Math.ceil(n / 10); k++) gen();
  return out;
}
