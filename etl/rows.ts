/**
 * The validated content of one file before it is written: regions, indicators and observation
 * rows in growable typed arrays (one file can hold half a million rows; no object per row).
 * Every push is checked: known, loadable indicator; counts not negative and whole; no key twice
 * with different values.
 */

import { formatCount, formatMonth } from '../core/format.js';
import type { Gender, IndicatorFormula, ValueFlag } from '../server/domain/types.js';
import { FileRejection } from './types.js';
import { type MonthIndex, monthString } from './values.js';

export interface IndicatorInfo {
  code: string;
  name: string;
  unit: string;
  formula: IndicatorFormula;
  /** For published percent figures: a rate (0–100) or a change against last year (≥ −100). */
  percentKind?: 'rate' | 'change';
  /**
   * A stock (ELB, LZB: the denominator of a rate or the base of a stock indicator). The BA
   * projects stocks at the current edge, so they may carry decimals (provisional values).
   */
  stock?: boolean;
}

/** Longest region name or comparison type accepted. */
export const MAX_NAME_CHARS = 200;
/** No count in an SGB II file comes near this (Germany has about 4 million ELB). */
export const MAX_COUNT = 100_000_000;
/** Highest plausible change against last year, in percent. */
const MAX_CHANGE_PCT = 1000;

/** The indicators known to the database, looked up case-insensitively by code. */
export class IndicatorCatalog {
  private readonly byUpper = new Map<string, IndicatorInfo>();
  constructor(readonly all: readonly IndicatorInfo[]) {
    for (const i of all) this.byUpper.set(i.code.toUpperCase(), i);
  }
  find(code: string): IndicatorInfo | undefined {
    return this.byUpper.get(code.trim().toUpperCase());
  }
  /** Indicators a file may carry: base counts and published figures (computed ones are not loaded). */
  loadableCodes(): string[] {
    return this.all.filter((i) => isLoadable(i)).map((i) => i.code);
  }
  /** The indicator for a file's code, or a rejection that lists the codes the database knows. */
  resolve(
    code: string,
    at: { sheet: string | null; row: number | null; column: string | null },
  ): IndicatorInfo {
    const info = this.find(code);
    if (!info) {
      throw new FileRejection(
        `unbekannte Kennzahl '${code.trim()}' (bekannt: ${this.loadableCodes().join(', ')})`,
        at.sheet,
        at.row,
        at.column,
      );
    }
    if (!isLoadable(info)) {
      throw new FileRejection(
        `Kennzahl '${info.code}' wird aus den Grundzahlen berechnet und nicht geladen; veröffentlichte Werte bitte als ${info.code}_BA liefern (ladbar: ${this.loadableCodes().join(', ')})`,
        at.sheet,
        at.row,
        at.column,
      );
    }
    return info;
  }
}

function isLoadable(i: IndicatorInfo): boolean {
  return i.formula === 'count' || i.formula === 'published';
}

export interface RegionInfo {
  id: string;
  name: string | null;
  comparisonType: string | null;
  /** Other keys of the region to remember (e.g. the BA Jobcenter id beside the Kreis key). */
  aliases?: string[];
}

export const GENDER_CODES: readonly Gender[] = ['total', 'female', 'male'];
export const FLAG_CODES: readonly (ValueFlag | null)[] = [null, '*', '-', 'X'];
const FLAG_INDEX: Record<ValueFlag, number> = { '*': 1, '-': 2, X: 3 };

/** Describes where a pushed value came from, for error messages; only called on failure. */
export interface SourcePosition {
  sheet: string | null;
  row: number;
  column: string | null;
  /**
   * For a value: the cell as the file shows it (`1.234,5`, not the parsed 1234.5), so that a
   * person finds it. Looked up only here, on the error path; absent where no single cell holds
   * the value (a finance export's sums).
   */
  text?: string;
}

/**
 * A parsed number in German notation (decimal comma, no grouping: 1234.5 → `1234,5`), for
 * messages about a value without its text.
 */
export function germanNumber(value: number): string {
  return String(value).replace('.', ',');
}

const MONTH_BASE = 1990 * 12;

export class ObservationRows {
  length = 0;
  region = new Int32Array(1024);
  indicator = new Uint16Array(1024);
  gender = new Uint8Array(1024);
  month = new Int32Array(1024);
  value = new Float64Array(1024);
  flag = new Uint8Array(1024);
  /** Index into `positions` callers keep, or a line number: whatever `describe` understands. */
  source = new Int32Array(1024);
  /** 1: the value is provisional (a BA projection); see `push`. */
  provisional = new Uint8Array(1024);

  readonly regions: RegionInfo[] = [];
  readonly indicators: IndicatorInfo[] = [];
  private readonly regionIndex = new Map<string, number>();
  private readonly indicatorIndex = new Map<string, number>();
  /**
   * Per region: key (indicator, gender, month) → row. One small map per region keeps the keys
   * small integers (a single map's keys over all regions outgrew V8's small integers: every
   * lookup then hashed a heap number, the parse's hottest line).
   */
  private readonly keys: Map<number, number>[] = [];

  /**
   * @param describe turns a row's `source` tag and a column hint into a position for errors.
   */
  constructor(private readonly describe: (source: number, what: 'value' | 'key') => SourcePosition) {}

  /**
   * The current month (UTC): no BA figure can be for a month after it. A file with one (a typo,
   * 2030 for 2023) would otherwise make that month the region's Datenstand and its year the one
   * the dashboard shows, with no goals in it, until the rows were removed by hand.
   */
  private readonly lastMonth = (() => {
    const now = new Date();
    return now.getUTCFullYear() * 12 + now.getUTCMonth();
  })();

  private rejectFuture(month: MonthIndex, source: number): never {
    const p = this.describe(source, 'key');
    throw new FileRejection(
      `Monat ${formatMonth(monthString(month))} liegt in der Zukunft (aktueller Monat: ${formatMonth(monthString(this.lastMonth))}): dafür gibt es noch keine Werte`,
      p.sheet,
      p.row,
      p.column,
    );
  }

  /**
   * Index of a region, registering it on first sight (name and comparison type: first non-empty
   * wins). Names and comparison types longer than MAX_NAME_CHARS are rejected at `at`.
   */
  regionOf(
    id: string,
    name: string | null,
    comparisonType: string | null,
    at: SourcePosition | null = null,
  ): number {
    for (const [what, v] of [
      ['Regionsname', name],
      ['Vergleichstyp', comparisonType],
    ] as const) {
      if (v !== null && v.length > MAX_NAME_CHARS) {
        throw new FileRejection(
          `${what} hat ${v.length} Zeichen, erlaubt sind höchstens ${MAX_NAME_CHARS}`,
          at?.sheet ?? null,
          at?.row ?? null,
          at?.column ?? null,
        );
      }
    }
    let idx = this.regionIndex.get(id);
    if (idx === undefined) {
      idx = this.regions.length;
      this.regions.push({ id, name: name || null, comparisonType: comparisonType || null });
      this.regionIndex.set(id, idx);
    } else {
      const r = this.regions[idx];
      if (r) {
        if (!r.name && name) r.name = name;
        if (!r.comparisonType && comparisonType) r.comparisonType = comparisonType;
      }
    }
    return idx;
  }

  indicatorOf(info: IndicatorInfo): number {
    let idx = this.indicatorIndex.get(info.code);
    if (idx === undefined) {
      idx = this.indicators.length;
      this.indicators.push(info);
      this.indicatorIndex.set(info.code, idx);
    }
    return idx;
  }

  private grow(): void {
    const cap = this.region.length * 2;
    const g = <T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.region = g(this.region, (n) => new Int32Array(n));
    this.indicator = g(this.indicator, (n) => new Uint16Array(n));
    this.gender = g(this.gender, (n) => new Uint8Array(n));
    this.month = g(this.month, (n) => new Int32Array(n));
    this.value = g(this.value, (n) => new Float64Array(n));
    this.flag = g(this.flag, (n) => new Uint8Array(n));
    this.source = g(this.source, (n) => new Int32Array(n));
    this.provisional = g(this.provisional, (n) => new Uint8Array(n));
  }

  /** Finite, plausible, and a count never written as a percentage. */
  private checkRange(info: IndicatorInfo, value: number, source: number, percentSign: boolean): void {
    type Problem = (shown: string) => string;
    let problem: Problem | null = null;
    if (!Number.isFinite(value)) problem = () => `keine endliche Zahl für ${info.code}`;
    else if (info.unit === 'count' && percentSign)
      problem = () => `Prozentangabe für ${info.code} (${info.name}): erwartet eine Anzahl, kein %`;
    else if (info.unit === 'count' && value > MAX_COUNT)
      problem = (shown) =>
        `unplausibel große Anzahl ${shown} für ${info.code}: erwartet höchstens ${formatCount(MAX_COUNT)}`;
    else if (info.unit === 'percent' && info.percentKind === 'rate' && (value < 0 || value > 100))
      problem = (shown) => `${info.code} ist eine Quote: erwartet 0 bis 100, nicht ${shown}`;
    else if (info.unit === 'percent' && (value < -100 || value > MAX_CHANGE_PCT))
      problem = (shown) =>
        `${info.code}: ${shown.endsWith('%') ? shown : `${shown} %`} liegt außerhalb von −100 bis ${MAX_CHANGE_PCT}`;
    if (problem !== null) this.rejectValue(value, source, problem);
  }

  /** A rejection of a value, quoting the value as the file shows it (the parsed number without it). */
  private rejectValue(value: number, source: number, message: (shown: string) => string): never {
    const p = this.describe(source, 'value');
    throw new FileRejection(message(p.text ?? germanNumber(value)), p.sheet, p.row, p.column);
  }

  /**
   * Adds one value (`flag` null) or marker (`value` ignored). Throws a FileRejection for a
   * negative count, a fractional count of events (INT), or a key already seen with a different
   * value; an exact repetition of a row is dropped. A stock (ELB, LZB) may have decimals: the
   * BA's projections at the current edge; such a value is stored as provisional, as is any value
   * the caller marks `provisional` (a file's note, a marker column, the mapping).
   */
  push(
    regionIdx: number,
    indicatorIdx: number,
    genderIdx: number,
    month: MonthIndex,
    value: number,
    flag: ValueFlag | null,
    source: number,
    percentSign = false,
    provisional = false,
  ): void {
    if (month > this.lastMonth) this.rejectFuture(month, source);
    const flagIdx = flag === null ? 0 : FLAG_INDEX[flag];
    const info = this.indicators[indicatorIdx];
    if (flagIdx === 0 && info) this.checkRange(info, value, source, percentSign);
    let prov = provisional && flagIdx === 0;
    if (flagIdx === 0 && info && info.unit === 'count') {
      if (value < 0) {
        this.rejectValue(
          value,
          source,
          (shown) => `negative Anzahl ${shown} für ${info.code} (${info.name}): erwartet eine Zahl ≥ 0`,
        );
      }
      // A decimal is a provisional (projected) stock: accepted only where the file says so (the
      // BA note, a marker column, the mapping); anywhere else it is an error, as for counts.
      if (!Number.isInteger(value) && info.stock === true && prov) {
        prov = true;
      } else if (!Number.isInteger(value)) {
        // A stock may hold a decimal only as a projection the file marks as such; a count never.
        const why =
          info.stock === true
            ? `${info.code} (${info.name}) ist ein Bestand, und Dezimalwerte gibt es nur bei Werten, die die Datei als vorläufig kennzeichnet (BA-Hinweis „vorläufige Daten“ oder die Vorläufig-Angabe einer Zuordnung)`
            : `${info.code} (${info.name}) ist eine Anzahl von Ereignissen (Dezimalwerte nur bei als vorläufig gekennzeichneten Beständen wie ELB, LZB)`;
        this.rejectValue(value, source, (shown) => `${shown} ist keine ganze Zahl, ${why}`);
      }
    }
    const key = (indicatorIdx * 4 + genderIdx) * 2048 + (month - MONTH_BASE);
    let seen = this.keys[regionIdx];
    if (seen === undefined) {
      seen = new Map();
      this.keys[regionIdx] = seen;
    }
    const prev = seen.get(key);
    if (prev !== undefined) {
      const sameFlag = this.flag[prev] === flagIdx;
      if (sameFlag && (flagIdx !== 0 || this.value[prev] === value)) {
        if (prov) this.provisional[prev] = 1;
        return;
      }
      const p = this.describe(source, 'key');
      const first = this.describe(this.source[prev] ?? 0, 'key');
      const where = first.sheet !== null && first.sheet !== p.sheet ? `Blatt '${first.sheet}', ` : '';
      throw new FileRejection(
        `doppelter Eintrag für Region ${this.regions[regionIdx]?.id}, ${info?.code}, ${GENDER_CODES[genderIdx]}, ${monthString(month)} mit anderem Wert (schon in ${where}Zeile ${first.row})`,
        p.sheet,
        p.row,
        p.column,
      );
    }
    if (this.length === this.region.length) this.grow();
    const i = this.length++;
    seen.set(key, i);
    this.region[i] = regionIdx;
    this.indicator[i] = indicatorIdx;
    this.gender[i] = genderIdx;
    this.month[i] = month;
    this.value[i] = flagIdx === 0 ? value : 0;
    this.flag[i] = flagIdx;
    this.source[i] = source;
    this.provisional[i] = prov ? 1 : 0;
  }
}

export function genderIndex(g: Gender): number {
  return g === 'total' ? 0 : g === 'female' ? 1 : 2;
}

/** What a parser hands to the writer. */
export interface ParsedFile {
  format: 'canonical-csv' | 'ba-xlsx' | 'ba-csv' | 'finance-csv' | 'ba-table' | 'eckwerte' | 'mapping';
  rows: ObservationRows;
}
