/**
 * Generates the bundled SYNTHETIC sample data (data/sample/): monthly INT/ELB/LZB by gender for
 * Kreis Segeberg (01060), January 2021 to September 2024, plus four invented Jobcenters of the same
 * Vergleichstyp. The figures follow the magnitudes and seasonality of shared/domain.md but are not
 * BA figures.
 *
 *   npm run sample               # writes data/sample/
 *   npm run sample -- <dir>      # writes into another folder (the tests use a temp folder)
 *
 * Deterministic: a seeded PRNG (mulberry32), fixed timestamps inside the xlsx, so a re-run
 * produces byte-identical files. After generating, the 2024 targets (data/targets/2024.csv) are
 * evaluated with the product's own goal maths at the as-of month; the generator fails unless at
 * least one goal is met, one at risk and one missed (the dashboard should show all three).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import ExcelJS from 'exceljs';
import { z } from 'zod';
import { formatMonth } from '../core/format.js';
import { addMonths, month as M, monthIndex, monthOfYear, monthRange, yearOf } from '../core/months.js';
import { lzbShareComparison } from '../server/domain/comparison.js';
import { evaluateGoal, makeGoalSpec } from '../server/domain/goals.js';
import { rateTwelveMonth, seriesRef } from '../server/domain/kennzahlen.js';
import { buildSeriesLookup, type ObservationRow } from '../server/domain/series.js';
import type {
  Better,
  Gender,
  GoalEvaluation,
  IndicatorDef,
  Month,
  SeriesLookup,
} from '../server/domain/types.js';
import { mulberry32 } from './mulberry32.js';
import {
  evaluatePlanTargets,
  financeCsv,
  generatePlanSample,
  PLAN_FILES,
  planCountsCsv,
} from './sample-plan.js';

export const SAMPLE_AS_OF: Month = M('2024-09');
export const SAMPLE_FIRST: Month = M('2021-01');
/** The canonical CSV holds Segeberg up to here; the BA-style xlsx holds the months after it. */
export const CSV_LAST: Month = M('2023-12');
export const COMPARISON_TYPE = 'IIIb';
export const SAMPLE_LABEL = 'Beispieldaten, Stand September 2024';
export const AT_RISK_BAND_PCT = 1.0;
export const SEGEBERG = { id: '01060', name: 'Kreis Segeberg' } as const;
export const FILES = {
  csv: 'segeberg-sample.csv',
  xlsx: 'segeberg-sample-ba.xlsx',
  peers: 'vergleichstyp-sample.csv',
  manifest: 'manifest.json',
} as const;

/** data/ (the generator lives in scripts/, its files in data/sample and data/targets). */
const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data');
export const TARGETS_2024 = path.join(HERE, 'targets', '2024.csv');

/** The indicators as the initial migration defines them (the generator needs no database). */
export const SAMPLE_INDICATORS: Record<'K2' | 'K3', IndicatorDef> = {
  K2: {
    code: 'K2',
    name: 'Integrationsquote',
    unit: 'percent',
    formula: 'rate',
    numeratorCode: 'INT',
    denominatorCode: 'ELB',
    better: 'higher',
  },
  K3: {
    code: 'K3',
    name: 'Bestand Langzeitleistungsbeziehende',
    unit: 'count',
    formula: 'stock',
    numeratorCode: 'LZB',
    denominatorCode: null,
    better: 'lower',
  },
};

// ---------------------------------------------------------------------------------------------
// Randomness and shapes

/** Piecewise-linear interpolation between (month, value) anchors, flat outside them. */
function interp(anchors: readonly (readonly [Month, number])[], month: Month): number {
  const x = monthIndex(month);
  const first = anchors[0];
  const last = anchors[anchors.length - 1];
  if (!first || !last) throw new Error('interp: no anchors');
  if (x <= monthIndex(first[0])) return first[1];
  for (let i = 1; i < anchors.length; i++) {
    const [m1, v1] = anchors[i] ?? first;
    const [m0, v0] = anchors[i - 1] ?? first;
    const x1 = monthIndex(m1);
    if (x <= x1) {
      const x0 = monthIndex(m0);
      return v0 + ((v1 - v0) * (x - x0)) / (x1 - x0);
    }
  }
  return last[1];
}

/** Integrations by month of year: spring and autumn peaks, a December dip (sums to 12). */
const INT_SEASON = [0.95, 1.0, 1.15, 1.1, 1.05, 0.95, 0.95, 1.1, 1.15, 1.05, 0.95, 0.6] as const;
/** ELB stock by month of year: slightly up in winter, down in summer (relative deviation). */
const ELB_SEASON = [0.008, 0.009, 0.005, 0, -0.003, -0.005, -0.006, -0.004, -0.002, 0, 0.001, 0.003] as const;
/** Integration level by year (2021 still dampened by the pandemic). */
const INT_YEAR: Record<number, number> = { 2021: 0.93, 2022: 1.0, 2023: 1.0, 2024: 1.0 };

interface GenderModel {
  /** ELB stock anchors (level before seasonality). */
  elb: readonly (readonly [Month, number])[];
  /** LZB as a share of ELB. */
  lzbShare: readonly (readonly [Month, number])[];
  /** Integrations per year per ELB (annual K2 / 100). */
  annualRate: number;
}

interface RegionModel {
  id: string;
  name: string;
  seed: number;
  female: GenderModel;
  male: GenderModel;
}

/** Unrounded monthly figures of one gender. */
interface RawSeries {
  INT: Map<Month, number>;
  ELB: Map<Month, number>;
  LZB: Map<Month, number>;
}

function simulateGender(model: GenderModel, rnd: () => number, months: readonly Month[]): RawSeries {
  const noise = (amplitude: number) => (rnd() * 2 - 1) * amplitude;
  const elbAt = (m: Month, n: number) =>
    interp(model.elb, m) * (1 + (ELB_SEASON[monthOfYear(m) - 1] ?? 0)) * (1 + n);
  const out: RawSeries = { INT: new Map(), ELB: new Map(), LZB: new Map() };
  // The month before the first one: the denominator of the first integrations.
  let prevElb = elbAt(addMonths(months[0] ?? SAMPLE_FIRST, -1), 0);
  for (const m of months) {
    const elb = elbAt(m, noise(0.003));
    const season = INT_SEASON[monthOfYear(m) - 1] ?? 1;
    const int = (model.annualRate / 12) * prevElb * season * (INT_YEAR[yearOf(m)] ?? 1) * (1 + noise(0.05));
    const lzb = elb * interp(model.lzbShare, m) * (1 + noise(0.002));
    out.INT.set(m, int);
    out.ELB.set(m, elb);
    out.LZB.set(m, lzb);
    prevElb = elb;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The regions

/** A model's anchor month: per gender its ELB stock and LZB share (straight lines in between). */
interface Anchor {
  month: string;
  female: readonly [elb: number, lzbShare: number];
  male: readonly [elb: number, lzbShare: number];
}

/** One gender's model from the anchors. */
function genderModel(anchors: readonly Anchor[], gender: 'female' | 'male', annualRate: number): GenderModel {
  return {
    elb: anchors.map((a) => [M(a.month), a[gender][0]] as const),
    lzbShare: anchors.map((a) => [M(a.month), a[gender][1]] as const),
    annualRate,
  };
}

/**
 * About 10,400 ELB in mid-2023, 46-47 % women; a fall until spring 2022, then the move of refugees
 * from Ukraine into SGB II (June 2022) lifts the stock, women more than men.
 */
const SEGEBERG_ANCHORS: readonly Anchor[] = [
  { month: '2021-01', female: [4720, 0.63], male: [5750, 0.62] },
  { month: '2021-12', female: [4600, 0.655], male: [5560, 0.645] },
  { month: '2022-05', female: [4480, 0.66], male: [5380, 0.65] },
  { month: '2022-09', female: [4880, 0.605], male: [5560, 0.625] },
  { month: '2023-06', female: [4860, 0.6], male: [5540, 0.62] },
  { month: '2023-12', female: [4880, 0.605], male: [5580, 0.62] },
  { month: '2024-09', female: [4950, 0.625], male: [5660, 0.625] },
];

const SEGEBERG_MODEL: RegionModel = {
  id: SEGEBERG.id,
  name: SEGEBERG.name,
  seed: 1060,
  female: genderModel(SEGEBERG_ANCHORS, 'female', 0.193),
  male: genderModel(SEGEBERG_ANCHORS, 'male', 0.295),
};

/** Scales a model: ELB by `size`, LZB share shifted by `lzbShift`, integration rate times `rate`. */
function peerModel(letter: string, index: number, size: number, lzbShift: number, rate: number): RegionModel {
  const scale = (g: GenderModel): GenderModel => ({
    elb: g.elb.map(([m, v]) => [m, v * size] as const),
    lzbShare: g.lzbShare.map(([m, v]) => [m, v + lzbShift] as const),
    annualRate: g.annualRate * rate,
  });
  return {
    id: `9900${index}`,
    name: `Beispiel-Jobcenter ${letter}`,
    seed: 99000 + index,
    female: scale(SEGEBERG_MODEL.female),
    male: scale(SEGEBERG_MODEL.male),
  };
}

/** Four invented Jobcenters of the same Vergleichstyp, of different sizes, all with higher LZB shares. */
const PEER_MODELS: readonly RegionModel[] = [
  peerModel('A', 1, 0.55, 0.03, 0.97),
  peerModel('B', 2, 1.35, 0.055, 0.92),
  peerModel('C', 3, 0.85, 0.04, 1.04),
  peerModel('D', 4, 2.0, 0.06, 0.9),
];

/**
 * The shape of Segeberg's 2024 against the AIP targets, as changes against 2023 at the as-of month
 * (year-to-date, in percent). Aimed at, not hit exactly: the counts are whole people, and the
 * rounding of about 800 integrations moves a K2 change by a few tenths of a percent. With the 1-point band: K2 women met (target +1.1), K2 men at risk
 * (target −1.0), LZB women missed (target +7.8: refugees of 2022 reach 21 months of benefits),
 * LZB men at risk (target +3.9). The totals follow from the sums.
 */
const SEGEBERG_2024_CHANGE = {
  K2: { female: 2.4, male: -1.5 },
  K3: { female: 9.6, male: 4.3 },
} as const;

// ---------------------------------------------------------------------------------------------
// Observations

export interface SampleRow extends ObservationRow {
  region: string;
  regionName: string;
}

type SplitGender = Exclude<Gender, 'total'>;
const SPLIT: readonly SplitGender[] = ['female', 'male'];
const BASE = ['INT', 'ELB', 'LZB'] as const;
type Base = (typeof BASE)[number];

/** Rounded counts by gender, with total = female + male exactly. */
type Counts = Record<Base, Record<Gender, Map<Month, number>>>;

function emptyCounts(): Counts {
  const g = () =>
    ({ total: new Map(), female: new Map(), male: new Map() }) as Record<Gender, Map<Month, number>>;
  return { INT: g(), ELB: g(), LZB: g() };
}

function roundAll(
  raw: Record<SplitGender, RawSeries>,
  scale?: (b: Base, g: SplitGender, m: Month) => number,
): Counts {
  const c = emptyCounts();
  for (const b of BASE) {
    for (const g of SPLIT) {
      for (const [m, v] of raw[g][b]) c[b][g].set(m, Math.round(v * (scale ? scale(b, g, m) : 1)));
    }
    for (const [m, f] of c[b].female) c[b].total.set(m, f + (c[b].male.get(m) ?? 0));
  }
  return c;
}

function lookupOfCounts(c: Counts): SeriesLookup {
  const rows: ObservationRow[] = [];
  for (const b of BASE) {
    for (const g of ['total', 'female', 'male'] as const) {
      for (const [month, value] of c[b][g]) rows.push({ indicator: b, gender: g, month, value, flag: null });
    }
  }
  return buildSeriesLookup(rows);
}

function simulateRegion(model: RegionModel, months: readonly Month[]): Record<SplitGender, RawSeries> {
  const rnd = mulberry32(model.seed);
  // One stream per region; female first, then male, so each region is reproducible on its own.
  return { female: simulateGender(model.female, rnd, months), male: simulateGender(model.male, rnd, months) };
}

/**
 * Segeberg: simulate, then scale the 2024 integrations and LZB stocks per gender so that the
 * year-to-date change at the as-of month matches SEGEBERG_2024_CHANGE (a few fixed-point rounds,
 * because the counts are rounded to whole people).
 */
function generateSegeberg(months: readonly Month[]): Counts {
  const raw = simulateRegion(SEGEBERG_MODEL, months);
  const factor: Record<'INT' | 'LZB', Record<SplitGender, number>> = {
    INT: { female: 1, male: 1 },
    LZB: { female: 1, male: 1 },
  };
  // Phase the adjustment in from October 2023 to April 2024, so the monthly lines bend instead of
  // jumping at the turn of the year; January..September 2023 (the comparison base) stay as simulated.
  const rampFrom = monthIndex(M('2023-09'));
  const rampTo = monthIndex(M('2024-04'));
  const ramp = (m: Month) => Math.min(1, Math.max(0, (monthIndex(m) - rampFrom) / (rampTo - rampFrom)));
  const scale = (b: Base, g: SplitGender, m: Month) => (b === 'ELB' ? 1 : 1 + (factor[b][g] - 1) * ramp(m));
  let counts = roundAll(raw, scale);
  // The update assumes proportionality, which the ramp dilutes: it converges geometrically.
  for (let round = 0; round < 25; round++) {
    const lookup = lookupOfCounts(counts);
    for (const g of SPLIT) {
      for (const [code, base] of [
        ['K2', 'INT'],
        ['K3', 'LZB'],
      ] as const) {
        const spec = makeGoalSpec(SAMPLE_INDICATORS[code], {
          gender: g,
          year: 2024,
          targetChangePct: 0,
          better: SAMPLE_INDICATORS[code].better ?? 'higher',
          source: null,
        });
        const achieved = evaluateGoal(spec, lookup, SAMPLE_AS_OF, {
          atRiskBandPct: AT_RISK_BAND_PCT,
        }).changePct;
        if (achieved === null) throw new Error(`calibration: no value for ${code} ${g}`);
        // Both tracked quantities are proportional to the 2024 counts being scaled.
        factor[base][g] *= (1 + SEGEBERG_2024_CHANGE[code][g] / 100) / (1 + achieved / 100);
      }
    }
    counts = roundAll(raw, scale);
  }
  return counts;
}

/** The one suppressed cell of the sample: women's integrations of May 2021 (a '*', not a zero). */
export const SUPPRESSED = { indicator: 'INT', gender: 'female', month: M('2021-05') } as const;

function rowsOf(model: Pick<RegionModel, 'id' | 'name'>, c: Counts, months: readonly Month[]): SampleRow[] {
  const rows: SampleRow[] = [];
  for (const month of months) {
    for (const b of BASE) {
      for (const g of ['total', 'female', 'male'] as const) {
        const value = c[b][g].get(month);
        if (value === undefined) throw new Error(`no ${b} ${g} ${month} for ${model.id}`);
        const suppressed =
          model.id === SEGEBERG.id &&
          b === SUPPRESSED.indicator &&
          g === SUPPRESSED.gender &&
          month === SUPPRESSED.month;
        rows.push({
          region: model.id,
          regionName: model.name,
          indicator: b,
          gender: g,
          month,
          value: suppressed ? null : value,
          flag: suppressed ? '*' : null,
        });
      }
    }
  }
  return rows;
}

export interface Sample {
  /** Segeberg, all months (CSV months and xlsx months). */
  segeberg: SampleRow[];
  peers: SampleRow[];
  /** The 12-month K2 of Segeberg for the xlsx months, rounded to one decimal as the BA prints it. */
  k2Published: { month: Month; gender: Gender; value: number }[];
}

export function generateSample(): Sample {
  const months = monthRange(SAMPLE_FIRST, SAMPLE_AS_OF);
  const seg = generateSegeberg(months);
  const segeberg = rowsOf(SEGEBERG_MODEL, seg, months);
  const peers = PEER_MODELS.flatMap((p) => rowsOf(p, roundAll(simulateRegion(p, months)), months));

  const lookup = buildSeriesLookup(segeberg);
  const k2Published: Sample['k2Published'] = [];
  for (const month of monthRange(addMonths(CSV_LAST, 1), SAMPLE_AS_OF)) {
    for (const gender of ['total', 'male', 'female'] as const) {
      const k2 = rateTwelveMonth(
        seriesRef(lookup, 'INT', gender),
        seriesRef(lookup, 'ELB', gender),
        month,
      ).value;
      if (k2 === null) throw new Error(`no K2 for ${gender} ${month}`);
      k2Published.push({ month, gender, value: Math.round(k2 * 10) / 10 });
    }
  }
  return { segeberg, peers, k2Published };
}

// ---------------------------------------------------------------------------------------------
// Files

const CSV_HEADER = 'region;region_name;month;indicator;gender;value;flag;comparison_type';

export function canonicalCsv(rows: readonly SampleRow[]): string {
  const lines = [CSV_HEADER];
  for (const r of rows) {
    const value = r.value === null ? (r.flag ?? '') : String(r.value);
    lines.push(
      [r.region, r.regionName, r.month, r.indicator, r.gender, value, r.flag ?? '', COMPARISON_TYPE].join(
        ';',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

const SHEETS = [
  { name: 'Integrationen', indicator: 'INT', title: 'Integrationen (INT) 1)' },
  { name: 'eLb', indicator: 'ELB', title: 'Erwerbsfähige Leistungsberechtigte (eLb)' },
  { name: 'LZB', indicator: 'LZB', title: 'Langzeitleistungsbeziehende (LZB) 2)' },
] as const;
const FOOTNOTES = [
  '1) Aufnahme sozialversicherungspflichtiger Beschäftigung, voll qualifizierender Ausbildung oder Selbständigkeit',
  '2) mind. 21 Monate Leistungsbezug in den letzten 24 Monaten',
];
const NOT_OFFICIAL =
  'Beispieldaten (synthetisch) im Layout der Statistik der Bundesagentur für Arbeit – keine amtlichen Zahlen';
const SUBTITLE = `Jobcenter ${SEGEBERG.name} (${SEGEBERG.id}) – Beispieldaten (synthetisch)`;
/** Fixed document timestamps, so the xlsx is byte-identical on every run. */
const XLSX_DATE = new Date('2024-10-25T06:00:00Z');

function addBaSheet(
  wb: ExcelJS.Workbook,
  name: string,
  title: string,
  data: readonly { month: Month; total: number | string; male: number | string; female: number | string }[],
  footnotes: readonly string[],
  numFmt: string,
): void {
  const ws = wb.addWorksheet(name);
  ws.addRow([title]);
  ws.addRow([SUBTITLE]);
  ws.addRow([]);
  ws.addRow(['Berichtsmonat', 'Regionalschlüssel', 'Region', 'Insgesamt', 'davon', '']);
  ws.addRow(['', '', '', '', 'Männer', 'Frauen']);
  for (const d of data) {
    const row = ws.addRow([formatMonth(d.month), SEGEBERG.id, SEGEBERG.name, d.total, d.male, d.female]);
    for (const col of [4, 5, 6]) row.getCell(col).numFmt = numFmt;
  }
  ws.addRow([]);
  for (const f of footnotes) ws.addRow([f]);
  ws.addRow([NOT_OFFICIAL]);
  ws.getRow(1).font = { bold: true };
  ws.getColumn(1).width = 18;
  ws.getColumn(2).width = 18;
  ws.getColumn(3).width = 18;
  for (const col of [4, 5, 6]) ws.getColumn(col).width = 12;
}

export async function baXlsx(sample: Sample): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Zielmonitor (Beispieldaten-Generator)';
  wb.created = XLSX_DATE;
  wb.modified = XLSX_DATE;
  const xlsxMonths = monthRange(addMonths(CSV_LAST, 1), SAMPLE_AS_OF);
  const cell = (indicator: string, gender: Gender, month: Month): number | string => {
    const r = sample.segeberg.find(
      (x) => x.indicator === indicator && x.gender === gender && x.month === month,
    );
    if (!r) throw new Error(`no ${indicator} ${gender} ${month}`);
    return r.value ?? r.flag ?? '';
  };
  for (const s of SHEETS) {
    const data = xlsxMonths.map((month) => ({
      month,
      total: cell(s.indicator, 'total', month),
      male: cell(s.indicator, 'male', month),
      female: cell(s.indicator, 'female', month),
    }));
    addBaSheet(wb, s.name, s.title, data, FOOTNOTES, '#,##0');
  }
  const k2 = (gender: Gender, month: Month) => {
    const r = sample.k2Published.find((x) => x.gender === gender && x.month === month);
    if (!r) throw new Error(`no K2 ${gender} ${month}`);
    return r.value;
  };
  addBaSheet(
    wb,
    'Integrationsquote',
    'Integrationsquote (K2)',
    xlsxMonths.map((month) => ({
      month,
      total: k2('total', month),
      male: k2('male', month),
      female: k2('female', month),
    })),
    ['K2: Integrationen der letzten 12 Monate je durchschnittlichem Bestand eLb (Vormonate), in %'],
    '0.0',
  );
  return normalizeZipTimestamps(Buffer.from(await wb.xlsx.writeBuffer()));
}

/**
 * JSZip (inside exceljs) stamps every zip entry with the current time. Overwrite the DOS
 * date/time fields of the local and central headers with a fixed value so that the bytes depend
 * on the content only. The CRCs cover the data, not the headers, so the archive stays valid.
 */
export function normalizeZipTimestamps(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  // 2024-10-25 06:00:00 in DOS format.
  const dosTime = (6 << 11) | (0 << 5) | 0;
  const dosDate = ((2024 - 1980) << 9) | (10 << 5) | 25;
  for (let i = 0; i + 30 <= out.length; ) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50) {
      out.writeUInt16LE(dosTime, i + 10);
      out.writeUInt16LE(dosDate, i + 12);
      const compressed = out.readUInt32LE(i + 18);
      const nameLen = out.readUInt16LE(i + 26);
      const extraLen = out.readUInt16LE(i + 28);
      const flags = out.readUInt16LE(i + 6);
      if (flags & 0x08) throw new Error('zip entries with data descriptors are not supported');
      i += 30 + nameLen + extraLen + compressed;
    } else if (sig === 0x02014b50) {
      out.writeUInt16LE(dosTime, i + 12);
      out.writeUInt16LE(dosDate, i + 14);
      i += 46 + out.readUInt16LE(i + 28) + out.readUInt16LE(i + 30) + out.readUInt16LE(i + 32);
    } else {
      break; // end of central directory
    }
  }
  return out;
}

export const MANIFEST = {
  sample: true,
  asOf: SAMPLE_AS_OF,
  label: SAMPLE_LABEL,
  files: [FILES.csv, FILES.xlsx, FILES.peers, PLAN_FILES.counts, PLAN_FILES.finance],
} as const;

// ---------------------------------------------------------------------------------------------
// Verification against the targets

const targetRow = z.object({
  region: z.string().min(1),
  region_name: z.string(),
  year: z.coerce.number().int(),
  indicator: z.string().min(1),
  gender: z.enum(['total', 'female', 'male']),
  target_change_pct: z
    .string()
    .regex(/^[+-]?\d+(,\d+)?$/, 'a number with decimal comma, e.g. 1,1 or -0,4')
    .transform((s) => Number(s.replace(',', '.'))),
  better: z.enum(['higher', 'lower']),
  source: z.string(),
});
export type TargetRow = z.output<typeof targetRow>;

/** Reads a targets file (data/targets/YYYY.csv); errors name the line and column. */
export async function readTargets(file: string): Promise<TargetRow[]> {
  const text = await readFile(file, 'utf8');
  const [header, ...lines] = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const cols = (header ?? '').split(';');
  // Plan goals (kind cumulative, budget, capacity) are evaluated by scripts/sample-plan.ts.
  const kindAt = cols.indexOf('kind');
  const isChange = (line: string) => {
    const kind = kindAt < 0 ? '' : (line.split(';')[kindAt] ?? '');
    return kind === '' || kind === 'change';
  };
  return lines
    .map((line, i) => ({ line, n: i + 2 }))
    .filter(({ line }) => line.trim() !== '' && isChange(line))
    .map(({ line, n }) => {
      const cells = line.split(';');
      const parsed = targetRow.safeParse(Object.fromEntries(cols.map((c, j) => [c, cells[j] ?? ''])));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(
          `${file}, line ${n}, column ${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`,
        );
      }
      return parsed.data;
    });
}

/** Evaluates the targets over the rows at `month` with the product's own goal maths. */
export function evaluateTargets(
  rows: readonly ObservationRow[],
  targets: readonly TargetRow[],
  month: Month,
): GoalEvaluation[] {
  const lookup = buildSeriesLookup(rows);
  return targets.map((t) => {
    const indicator =
      t.indicator === 'K2' || t.indicator === 'K3' ? SAMPLE_INDICATORS[t.indicator] : undefined;
    if (!indicator) throw new Error(`unknown goal indicator ${t.indicator}`);
    const better: Better = t.better;
    const spec = makeGoalSpec(indicator, {
      gender: t.gender,
      year: t.year,
      targetChangePct: t.target_change_pct,
      better,
      source: t.source,
    });
    return evaluateGoal(spec, lookup, month, { atRiskBandPct: AT_RISK_BAND_PCT });
  });
}

const pct = (n: number | null, digits = 2) =>
  n === null ? '–' : `${n >= 0 ? '+' : ''}${n.toFixed(digits)} %`;

export async function writeSample(
  outDir: string,
): Promise<{ goals: GoalEvaluation[]; planGoals: GoalEvaluation[]; sample: Sample }> {
  const sample = generateSample();
  const csvRows = sample.segeberg.filter((r) => monthIndex(r.month) <= monthIndex(CSV_LAST));
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, FILES.csv), canonicalCsv(csvRows));
  await writeFile(path.join(outDir, FILES.peers), canonicalCsv(sample.peers));
  await writeFile(path.join(outDir, FILES.xlsx), await baXlsx(sample));
  const plan = generatePlanSample();
  await writeFile(path.join(outDir, PLAN_FILES.counts), planCountsCsv(plan));
  await writeFile(path.join(outDir, PLAN_FILES.finance), financeCsv(plan));
  await writeFile(path.join(outDir, FILES.manifest), `${JSON.stringify(MANIFEST, null, 2)}\n`);

  const goals = evaluateTargets(sample.segeberg, await readTargets(TARGETS_2024), SAMPLE_AS_OF);
  const statuses = new Set(goals.map((g) => g.status));
  for (const s of ['met', 'at_risk', 'missed'] as const) {
    if (!statuses.has(s)) throw new Error(`sample check failed: no goal is '${s}' at ${SAMPLE_AS_OF}`);
  }
  const planGoals = await evaluatePlanTargets(TARGETS_2024, plan, SAMPLE_AS_OF, AT_RISK_BAND_PCT);
  const planStatuses = new Set(planGoals.map((g) => g.status));
  for (const s of ['met', 'at_risk', 'missed'] as const) {
    if (!planStatuses.has(s))
      throw new Error(`sample check failed: no plan goal is '${s}' at ${SAMPLE_AS_OF}`);
  }
  return { goals, planGoals, sample };
}

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? path.join(HERE, 'sample'));
  const { goals, planGoals, sample } = await writeSample(outDir);
  console.log(`Wrote synthetic sample data to ${outDir} (${SAMPLE_LABEL})`);
  console.log(`  ${sample.segeberg.length} Segeberg rows, ${sample.peers.length} peer rows`);
  console.log(`Goals at ${SAMPLE_AS_OF} (band ${AT_RISK_BAND_PCT} point):`);
  for (const g of goals) {
    console.log(
      `  ${g.label.padEnd(45)} change ${pct(g.changePct).padStart(9)}  target ${pct(g.targetChangePct, 1).padStart(8)}  ${g.status}`,
    );
  }
  for (const g of planGoals) {
    console.log(
      `  ${g.label.padEnd(45)} ytd ${String(g.current.value?.toFixed(0)).padStart(9)}  path ${String(g.planToDate?.toFixed(0)).padStart(9)}  ${pct(g.changePct).padStart(9)}  forecast ${String(g.forecast.value?.toFixed(0)).padStart(9)}  ${g.status}`,
    );
  }
  const at = (region: string, code: string) =>
    sample[region === SEGEBERG.id ? 'segeberg' : 'peers'].find(
      (r) => r.region === region && r.indicator === code && r.gender === 'total' && r.month === SAMPLE_AS_OF,
    )?.value ?? null;
  const peers = [...new Set(sample.peers.map((r) => r.region))];
  const cmp = lzbShareComparison(
    { lzb: at(SEGEBERG.id, 'LZB'), elb: at(SEGEBERG.id, 'ELB') },
    peers.map((id) => ({ regionId: id, lzb: at(id, 'LZB'), elb: at(id, 'ELB') })),
  );
  console.log(
    `LZB share ${SAMPLE_AS_OF}: Segeberg ${cmp.ownSharePct?.toFixed(1)} % vs peer mean ${cmp.peerMeanPct?.toFixed(1)} % (${cmp.peerCount} peers) → below: ${cmp.below}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
