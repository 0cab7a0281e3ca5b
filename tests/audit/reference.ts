/**
 * Independent re-computation of the figures Zielmonitor shows, written from
 * /work/shared/domain.md (the formulas) and data/sample/README.md (the file layouts) alone.
 *
 * On purpose this module imports NOTHING from server/domain/** or server/goals/** (nor the ETL):
 * it reads the bundled files with its own small parsers and computes every figure with plain
 * loops, so that the audit test compares two implementations that were written apart. Keep it
 * that way: a shared helper would let a shared mistake pass unnoticed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';

export type Gender = 'total' | 'female' | 'male';
export const GENDERS: readonly Gender[] = ['total', 'female', 'male'];
export type Status = 'met' | 'at_risk' | 'missed';

export const SAMPLE_DIR = path.resolve('data/sample');
export const TARGETS_FILE = path.resolve('data/targets/2024.csv');
export const SEGEBERG = '01060';
/** Width of the amber band in percentage points of change (the product's default). */
export const AT_RISK_BAND = 1.0;

const MONTH_NAMES_DE = [
  'Januar',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
];

// ---------------------------------------------------------------------------------------------
// Months: 'YYYY-MM' <-> a running index (year × 12 + month − 1), so that m−11 etc. are plain sums.

export function monthIndex(month: string): number {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  const mm = Number(m[2]);
  if (mm < 1 || mm > 12) throw new Error(`not a month: ${month}`);
  return Number(m[1]) * 12 + mm - 1;
}

export function monthOf(index: number): string {
  const y = Math.floor(index / 12);
  const mm = index - y * 12 + 1;
  return `${y}-${String(mm).padStart(2, '0')}`;
}

export function ym(year: number, monthOfYear: number): string {
  return monthOf(year * 12 + monthOfYear - 1);
}

/** "Januar 2024" → "2024-01". */
export function parseGermanMonth(label: string): string | null {
  const m = /^\s*(\S+)\s+(\d{4})\s*$/.exec(label);
  if (!m) return null;
  const i = MONTH_NAMES_DE.indexOf(m[1] ?? '');
  return i < 0 ? null : ym(Number(m[2]), i + 1);
}

export function germanMonthName(monthOfYear: number): string {
  const n = MONTH_NAMES_DE[monthOfYear - 1];
  if (n === undefined) throw new Error(`no month ${monthOfYear}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// The data: one value (or null for a BA marker) per region, indicator, gender, month.

export interface RegionMeta {
  id: string;
  name: string;
  comparisonType: string | null;
}

export class Observations {
  readonly values = new Map<string, number | null>();
  readonly regions = new Map<string, RegionMeta>();

  private key(region: string, indicator: string, gender: Gender, month: string): string {
    return `${region}|${indicator}|${gender}|${month}`;
  }

  set(region: string, indicator: string, gender: Gender, month: string, value: number | null, where: string) {
    const k = this.key(region, indicator, gender, month);
    if (this.values.has(k)) throw new Error(`${where}: duplicate ${k}`);
    this.values.set(k, value);
  }

  /** The value; throws when the month is absent or was a marker (the audit needs every input). */
  get(region: string, indicator: string, gender: Gender, month: string): number {
    const k = this.key(region, indicator, gender, month);
    const v = this.values.get(k);
    if (v === undefined) throw new Error(`no observation ${k}`);
    if (v === null) throw new Error(`observation ${k} is a marker, not a number`);
    return v;
  }

  /** The value, or undefined (absent) / null (marker). */
  peek(region: string, indicator: string, gender: Gender, month: string): number | null | undefined {
    return this.values.get(this.key(region, indicator, gender, month));
  }
}

function asGender(s: string | undefined, where: string): Gender {
  if (s === 'total' || s === 'female' || s === 'male') return s;
  throw new Error(`${where}: gender "${s}" is not total/female/male`);
}

/** German number: "1.234", "1.234,5", "-0,4", "1234". */
export function parseGermanNumber(s: string, where: string): number {
  const t = s.trim();
  if (!/^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/.test(t)) throw new Error(`${where}: "${s}" is not a number`);
  return Number(t.replace(/\./g, '').replace(',', '.'));
}

const CANONICAL_HEADER = 'region;region_name;month;indicator;gender;value;flag;comparison_type';

/** Reads a canonical `;` CSV of the sample (value or a marker `*`/`-`/`X` with the same flag). */
export function readCanonicalCsv(file: string, into: Observations): void {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  if (lines[0] !== CANONICAL_HEADER) throw new Error(`${file}: unexpected header "${lines[0]}"`);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const where = `${path.basename(file)} line ${i + 1}`;
    const f = line.split(';');
    if (f.length !== 8) throw new Error(`${where}: ${f.length} fields, expected 8`);
    const [region = '', name = '', month = '', indicator = '', g, rawValue = '', flag = '', type = ''] = f;
    monthIndex(month);
    const gender = asGender(g, where);
    let value: number | null;
    if (rawValue === '*' || rawValue === '-' || rawValue === 'X') {
      if (flag !== rawValue) throw new Error(`${where}: marker ${rawValue} with flag "${flag}"`);
      value = null;
    } else {
      if (flag !== '') throw new Error(`${where}: value ${rawValue} with flag "${flag}"`);
      value = parseGermanNumber(rawValue, where);
    }
    into.set(region, indicator, gender, month, value, where);
    const meta = into.regions.get(region);
    const comparisonType = type === '' ? null : type;
    if (!meta) into.regions.set(region, { id: region, name, comparisonType });
    else if (meta.comparisonType !== comparisonType || meta.name !== name)
      throw new Error(`${where}: region ${region} changes name or comparison type`);
  }
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((r) => r.text)
      .join('')
      .trim();
  throw new Error(`unexpected cell value ${JSON.stringify(v)}`);
}

/** The BA-style sheets of the sample xlsx and the indicator each one carries. */
export const XLSX_SHEETS: readonly { sheet: string; indicator: string }[] = [
  { sheet: 'Integrationen', indicator: 'INT' },
  { sheet: 'eLb', indicator: 'ELB' },
  { sheet: 'LZB', indicator: 'LZB' },
  { sheet: 'Integrationsquote', indicator: 'K2_BA' },
];

/**
 * Reads the BA-layout workbook: a header row with "Berichtsmonat", "Regionalschlüssel",
 * "Insgesamt" and below it "Männer"/"Frauen"; then one row per month ("Januar 2024").
 */
export async function readBaXlsx(file: string, into: Observations): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  for (const { sheet, indicator } of XLSX_SHEETS) {
    const ws = wb.getWorksheet(sheet);
    if (!ws) throw new Error(`${path.basename(file)}: no sheet ${sheet}`);
    let headerRow = -1;
    const col: Partial<Record<'month' | 'region' | Gender, number>> = {};
    for (let r = 1; r <= ws.rowCount && headerRow < 0; r++) {
      const row = ws.getRow(r);
      for (let c = 1; c <= ws.columnCount; c++) {
        const t = cellText(row.getCell(c).value);
        if (t === 'Berichtsmonat') {
          headerRow = r;
          col.month = c;
        }
        if (t === 'Regionalschlüssel') col.region = c;
        if (t === 'Insgesamt') col.total = c;
      }
    }
    if (headerRow < 0) throw new Error(`${sheet}: no header row`);
    const sub = ws.getRow(headerRow + 1);
    for (let c = 1; c <= ws.columnCount; c++) {
      const t = cellText(sub.getCell(c).value);
      if (t === 'Männer') col.male = c;
      if (t === 'Frauen') col.female = c;
    }
    const { month: cm, region: cr, total: ct, female: cf, male: cmale } = col;
    if (cm === undefined || cr === undefined || ct === undefined || cf === undefined || cmale === undefined)
      throw new Error(`${sheet}: header incomplete ${JSON.stringify(col)}`);
    const genderCols: [Gender, number][] = [
      ['total', ct],
      ['female', cf],
      ['male', cmale],
    ];
    let rowsRead = 0;
    for (let r = headerRow + 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const month = parseGermanMonth(cellText(row.getCell(cm).value));
      if (month === null) continue; // blank line, footnotes
      const region = cellText(row.getCell(cr).value);
      const where = `${sheet} row ${r}`;
      for (const [gender, c] of genderCols) {
        const v = row.getCell(c).value;
        let value: number | null;
        if (typeof v === 'number') value = v;
        else if (v === '*' || v === '-' || v === 'X') value = null;
        else throw new Error(`${where} column ${c}: not a number: ${JSON.stringify(v)}`);
        into.set(region, indicator, gender, month, value, where);
      }
      rowsRead++;
    }
    if (rowsRead === 0) throw new Error(`${sheet}: no month rows`);
  }
}

export interface Target {
  indicator: 'K2' | 'K3';
  gender: Gender;
  targetPct: number;
  better: 'higher' | 'lower';
}

export function readTargets(file: string, region: string, year: number): Target[] {
  const lines = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  const header = (lines[0] ?? '').split(';');
  const at = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column ${name}`);
    return i;
  };
  const iRegion = at('region');
  const iYear = at('year');
  const iInd = at('indicator');
  const iGender = at('gender');
  const iPct = at('target_change_pct');
  const iBetter = at('better');
  // Plan goals (kind cumulative, budget, capacity) are not Tabelle 3 targets.
  const iKind = header.indexOf('kind');
  const out: Target[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const f = line.split(';');
    const where = `${path.basename(file)} line ${i + 1}`;
    if (f[iRegion] !== region || Number(f[iYear]) !== year) continue;
    if (iKind >= 0 && (f[iKind] ?? '') !== '' && f[iKind] !== 'change') continue;
    const indicator = f[iInd];
    const better = f[iBetter];
    if (indicator !== 'K2' && indicator !== 'K3') throw new Error(`${where}: indicator ${indicator}`);
    if (better !== 'higher' && better !== 'lower') throw new Error(`${where}: better ${better}`);
    out.push({
      indicator,
      gender: asGender(f[iGender], where),
      targetPct: parseGermanNumber(f[iPct] ?? '', where),
      better,
    });
  }
  return out;
}

/** Every bundled sample file (as listed in data/sample/README.md) in one Observations. */
export async function loadSample(): Promise<Observations> {
  const obs = new Observations();
  readCanonicalCsv(path.join(SAMPLE_DIR, 'segeberg-sample.csv'), obs);
  readCanonicalCsv(path.join(SAMPLE_DIR, 'vergleichstyp-sample.csv'), obs);
  await readBaXlsx(path.join(SAMPLE_DIR, 'segeberg-sample-ba.xlsx'), obs);
  return obs;
}

// ---------------------------------------------------------------------------------------------
// The formulas of domain.md, each with the raw sums and means it was built from.

export interface Ratio {
  /** Σ INT over the numerator months. */
  sumInt: number;
  /** Σ ELB over the denominator months, their count and mean. */
  sumElb: number;
  elbMonths: number;
  meanElb: number;
  intFrom: string;
  intTo: string;
  elbFrom: string;
  elbTo: string;
  value: number;
}

function sumOver(o: Observations, region: string, ind: string, g: Gender, from: number, to: number): number {
  let s = 0;
  for (let i = from; i <= to; i++) s += o.get(region, ind, g, monthOf(i));
  return s;
}

/** Σ of an indicator over the months `from`..`to` ('YYYY-MM', inclusive). */
export function sumMonths(
  o: Observations,
  region: string,
  ind: string,
  g: Gender,
  from: string,
  to: string,
): number {
  return sumOver(o, region, ind, g, monthIndex(from), monthIndex(to));
}

function meanOver(o: Observations, region: string, ind: string, g: Gender, from: number, to: number): number {
  return sumOver(o, region, ind, g, from, to) / (to - from + 1);
}

/** JFW_t(m) = 100 × Σ INT(Jan..m) / mean ELB(Dec t−1 .. m−1). */
export function jfw(o: Observations, region: string, g: Gender, year: number, monthOfYear: number): Ratio {
  const jan = year * 12;
  const m = jan + monthOfYear - 1;
  const sumInt = sumOver(o, region, 'INT', g, jan, m);
  const sumElb = sumOver(o, region, 'ELB', g, jan - 1, m - 1);
  const elbMonths = m - jan + 1;
  const meanElb = sumElb / elbMonths;
  return {
    sumInt,
    sumElb,
    elbMonths,
    meanElb,
    intFrom: monthOf(jan),
    intTo: monthOf(m),
    elbFrom: monthOf(jan - 1),
    elbTo: monthOf(m - 1),
    value: (100 * sumInt) / meanElb,
  };
}

/** K2(m) = 100 × Σ INT(m−11..m) / mean ELB(m−12..m−1). */
export function k2TwelveMonth(o: Observations, region: string, g: Gender, month: string): Ratio {
  const m = monthIndex(month);
  const sumInt = sumOver(o, region, 'INT', g, m - 11, m);
  const sumElb = sumOver(o, region, 'ELB', g, m - 12, m - 1);
  const meanElb = sumElb / 12;
  return {
    sumInt,
    sumElb,
    elbMonths: 12,
    meanElb,
    intFrom: monthOf(m - 11),
    intTo: monthOf(m),
    elbFrom: monthOf(m - 12),
    elbTo: monthOf(m - 1),
    value: (100 * sumInt) / meanElb,
  };
}

/** mean LZB(Jan..m) of the year. */
export function lzbYtdMean(
  o: Observations,
  region: string,
  g: Gender,
  year: number,
  monthOfYear: number,
): number {
  const jan = year * 12;
  return meanOver(o, region, 'LZB', g, jan, jan + monthOfYear - 1);
}

/** K3(m) = 100 × (LZB(m) / LZB(m−12) − 1). */
export function k3(o: Observations, region: string, g: Gender, month: string): number {
  const m = monthIndex(month);
  return 100 * (o.get(region, 'LZB', g, month) / o.get(region, 'LZB', g, monthOf(m - 12)) - 1);
}

export function changePct(current: number, previous: number): number {
  return 100 * (current / previous - 1);
}

/** met: change at or beyond the target in the good direction; at_risk: short by less than the band. */
export function status(
  change: number,
  target: number,
  better: 'higher' | 'lower',
  band = AT_RISK_BAND,
): Status {
  const shortfall = better === 'higher' ? target - change : change - target;
  if (shortfall <= 0) return 'met';
  if (shortfall < band) return 'at_risk';
  return 'missed';
}

export interface GoalFigures {
  id: string;
  indicator: 'K2' | 'K3';
  gender: Gender;
  better: 'higher' | 'lower';
  targetPct: number;
  month: string;
  previousMonth: string;
  /** K2: JFW_t(m); K3: mean LZB_t(Jan..m). */
  value: number;
  previous: number;
  changePct: number;
  status: Status;
  /** How far the change lies from the nearest status boundary (points): small = ill-conditioned. */
  boundaryDistance: number;
  /** K2: the month's 12-month K2; K3: the month's LZB stock. */
  monthly: number;
  /** K2: change of the 12-month K2 against m−12; K3: K3(m). */
  monthlyChangePct: number;
  /** Last year's full-year value (K2: JFW_{t−1}(12); K3: mean LZB_{t−1}(Jan..Dec)). */
  previousFullYear: number;
  /** The yoy3 forecast of December (JFW_t(12) or mean LZB_t(Jan..Dec)). */
  forecast: number;
  forecastChangePct: number;
  forecastStatus: Status;
  /** The year-on-year ratio of each base series over the basis months. */
  forecastRatios: Record<string, number>;
  /** The raw inputs, for the worked example. */
  detail:
    | { kind: 'K2'; current: Ratio; previous: Ratio; previousDec: Ratio; twelveMonth: Ratio }
    | { kind: 'K3'; lzbNow: number; lzbYearAgo: number };
}

/**
 * The yoy3 forecast from the issue text alone: r_X = Σ X_t(j) / Σ X_{t−1}(j) over j = max(1, m−2)..m
 * (the sample has every month, so no basis month is dropped); later months X_{t−1}(k) × r_X; then
 * K2: 100 × (Σ INT actual Jan..m + forecast m+1..Dec) / mean(ELB Dec t−1, actual Jan..m, forecast
 * m+1..Nov); K3: mean of LZB actual Jan..m and forecast m+1..Dec.
 */
export function yoy3(
  o: Observations,
  region: string,
  t: Target,
  year: number,
  m: number,
): { value: number; ratios: Record<string, number> } {
  const g = t.gender;
  const ratio = (code: string) => {
    let cur = 0;
    let last = 0;
    for (let j = Math.max(1, m - 2); j <= m; j++) {
      cur += o.get(region, code, g, ym(year, j));
      last += o.get(region, code, g, ym(year - 1, j));
    }
    return cur / last;
  };
  const at = (code: string, k: number, r: number) =>
    k <= m ? o.get(region, code, g, ym(year, k)) : o.get(region, code, g, ym(year - 1, k)) * r;
  if (t.indicator === 'K2') {
    const rInt = ratio('INT');
    const rElb = ratio('ELB');
    let ints = 0;
    for (let k = 1; k <= 12; k++) ints += at('INT', k, rInt);
    let elbs = o.get(region, 'ELB', g, ym(year - 1, 12));
    for (let k = 1; k <= 11; k++) elbs += at('ELB', k, rElb);
    return { value: (100 * ints) / (elbs / 12), ratios: { INT: rInt, ELB: rElb } };
  }
  const r = ratio('LZB');
  let sum = 0;
  for (let k = 1; k <= 12; k++) sum += at('LZB', k, r);
  return { value: sum / 12, ratios: { LZB: r } };
}

/** Evaluates one target at data month `year`-`monthOfYear`, from the formulas alone. */
export function evaluate(
  o: Observations,
  region: string,
  t: Target,
  year: number,
  monthOfYear: number,
  band = AT_RISK_BAND,
): GoalFigures {
  const month = ym(year, monthOfYear);
  const previousMonth = ym(year - 1, monthOfYear);
  let value: number;
  let previous: number;
  let previousFullYear: number;
  let monthly: number;
  let monthlyChangePct: number;
  let detail: GoalFigures['detail'];
  if (t.indicator === 'K2') {
    const cur = jfw(o, region, t.gender, year, monthOfYear);
    const prev = jfw(o, region, t.gender, year - 1, monthOfYear);
    const prevDec = jfw(o, region, t.gender, year - 1, 12);
    const twelve = k2TwelveMonth(o, region, t.gender, month);
    value = cur.value;
    previous = prev.value;
    previousFullYear = prevDec.value;
    monthly = twelve.value;
    monthlyChangePct = changePct(twelve.value, k2TwelveMonth(o, region, t.gender, previousMonth).value);
    detail = { kind: 'K2', current: cur, previous: prev, previousDec: prevDec, twelveMonth: twelve };
  } else {
    value = lzbYtdMean(o, region, t.gender, year, monthOfYear);
    previous = lzbYtdMean(o, region, t.gender, year - 1, monthOfYear);
    previousFullYear = lzbYtdMean(o, region, t.gender, year - 1, 12);
    monthly = o.get(region, 'LZB', t.gender, month);
    monthlyChangePct = k3(o, region, t.gender, month);
    detail = { kind: 'K3', lzbNow: monthly, lzbYearAgo: o.get(region, 'LZB', t.gender, previousMonth) };
  }
  const change = changePct(value, previous);
  const fc = yoy3(o, region, t, year, monthOfYear);
  const forecastChangePct = changePct(fc.value, previousFullYear);
  const edge = t.better === 'higher' ? t.targetPct - band : t.targetPct + band;
  return {
    id: `${t.indicator}-${t.gender}`,
    indicator: t.indicator,
    gender: t.gender,
    better: t.better,
    targetPct: t.targetPct,
    month,
    previousMonth,
    value,
    previous,
    changePct: change,
    status: status(change, t.targetPct, t.better, band),
    boundaryDistance: Math.min(Math.abs(change - t.targetPct), Math.abs(change - edge)),
    monthly,
    monthlyChangePct,
    previousFullYear,
    forecast: fc.value,
    forecastChangePct,
    forecastStatus: status(forecastChangePct, t.targetPct, t.better, band),
    forecastRatios: fc.ratios,
    detail,
  };
}

export interface ShareComparison {
  ownSharePct: number;
  own: { lzb: number; elb: number };
  peers: { id: string; sharePct: number }[];
  peerMeanPct: number;
  below: boolean;
}

/** LZB share = 100 × LZB / ELB (insgesamt); the peers are the other regions of the same type. */
export function lzbShareComparison(o: Observations, region: string, month: string): ShareComparison {
  const me = o.regions.get(region);
  if (!me || me.comparisonType === null) throw new Error(`${region}: no comparison type`);
  const lzb = o.get(region, 'LZB', 'total', month);
  const elb = o.get(region, 'ELB', 'total', month);
  const peers: { id: string; sharePct: number }[] = [];
  const ids = [...o.regions.keys()].sort();
  for (const id of ids) {
    if (id === region || o.regions.get(id)?.comparisonType !== me.comparisonType) continue;
    peers.push({ id, sharePct: (100 * o.get(id, 'LZB', 'total', month)) / o.get(id, 'ELB', 'total', month) });
  }
  let sum = 0;
  for (const p of peers) sum += p.sharePct;
  const ownSharePct = (100 * lzb) / elb;
  const peerMeanPct = sum / peers.length;
  return { ownSharePct, own: { lzb, elb }, peers, peerMeanPct, below: ownSharePct < peerMeanPct };
}
