/**
 * The committed sample files: equal to a fresh generator run, plausible magnitudes, and the goal
 * statuses the dashboard is meant to show. Reads the files themselves (a minimal reader, not the
 * ETL), so a hand edit or a stale commit is caught.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MONTH_NAMES } from '../../core/format.js';
import { month as M, monthRange } from '../../core/months.js';
import {
  CSV_LAST,
  evaluateTargets,
  FILES,
  readTargets,
  SAMPLE_AS_OF,
  TARGETS_2024,
  writeSample,
} from '../../scripts/generate-sample.js';
import { PLAN_FILES } from '../../scripts/sample-plan.js';
import { lzbShareComparison } from '../../server/domain/comparison.js';
import { comparePublished } from '../../server/domain/goals.js';
import { rateTwelveMonth, seriesRef } from '../../server/domain/kennzahlen.js';
import { buildSeriesLookup, type ObservationRow } from '../../server/domain/series.js';
import type { Gender, GoalEvaluation, Month, SeriesLookup } from '../../server/domain/types.js';

const SAMPLE_DIR = path.resolve('data/sample');

interface Row extends ObservationRow {
  region: string;
  comparisonType: string;
}

function parseCanonical(text: string): Row[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  expect(header).toBe('region;region_name;month;indicator;gender;value;flag;comparison_type');
  return lines.map((line) => {
    const [region, , month, indicator, gender, value, flag, comparisonType] = line.split(';');
    if (gender !== 'total' && gender !== 'female' && gender !== 'male')
      throw new Error(`bad gender in ${line}`);
    const isFlag = value === '*' || value === '-' || value === 'X';
    if (isFlag) expect(flag).toBe(value);
    else expect(value).toMatch(/^\d+$/);
    return {
      region: region ?? '',
      month: M(month ?? ''),
      indicator: indicator ?? '',
      gender,
      value: isFlag ? null : Number(value),
      flag: isFlag ? value : null,
      comparisonType: comparisonType ?? '',
    };
  });
}

function germanMonth(label: string): Month {
  const [name, year] = label.split(' ');
  const i = (MONTH_NAMES as readonly string[]).indexOf(name ?? '');
  if (i < 0 || !year) throw new Error(`not a German month: ${label}`);
  return M(`${year}-${String(i + 1).padStart(2, '0')}`);
}

const SHEET_INDICATOR: Record<string, string> = {
  Integrationen: 'INT',
  eLb: 'ELB',
  LZB: 'LZB',
  Integrationsquote: 'K2_BA',
};

async function parseXlsx(file: string): Promise<{ rows: Row[]; titles: Record<string, string[]> }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const rows: Row[] = [];
  const titles: Record<string, string[]> = {};
  for (const ws of wb.worksheets) {
    const indicator = SHEET_INDICATOR[ws.name];
    if (!indicator) throw new Error(`unexpected sheet ${ws.name}`);
    const text = (r: number, c: number) => String(ws.getRow(r).getCell(c).value ?? '');
    titles[ws.name] = [text(1, 1), text(2, 1), text(4, 4), text(4, 5), text(5, 5), text(5, 6)];
    for (let r = 6; text(r, 1) !== ''; r++) {
      const month = germanMonth(text(r, 1));
      expect(text(r, 2)).toBe('01060');
      for (const [col, gender] of [
        [4, 'total'],
        [5, 'male'],
        [6, 'female'],
      ] as const) {
        const v = ws.getRow(r).getCell(col).value;
        if (typeof v !== 'number') throw new Error(`${ws.name} row ${r} col ${col}: not a number`);
        rows.push({
          region: '01060',
          month,
          indicator,
          gender,
          value: v,
          flag: null,
          comparisonType: 'IIIb',
        });
      }
    }
  }
  return { rows, titles };
}

let segeberg: Row[] = [];
let csvRows: Row[] = [];
let xlsxRows: Row[] = [];
let peers: Row[] = [];
let published: Row[] = [];
let titles: Record<string, string[]> = {};
let lookup: SeriesLookup;
let goals: GoalEvaluation[] = [];
let tmp = '';

beforeAll(async () => {
  csvRows = parseCanonical(await readFile(path.join(SAMPLE_DIR, FILES.csv), 'utf8'));
  peers = parseCanonical(await readFile(path.join(SAMPLE_DIR, FILES.peers), 'utf8'));
  const x = await parseXlsx(path.join(SAMPLE_DIR, FILES.xlsx));
  titles = x.titles;
  xlsxRows = x.rows.filter((r) => r.indicator !== 'K2_BA');
  published = x.rows.filter((r) => r.indicator === 'K2_BA');
  segeberg = [...csvRows, ...xlsxRows];
  lookup = buildSeriesLookup(segeberg);
  goals = evaluateTargets(segeberg, await readTargets(TARGETS_2024), SAMPLE_AS_OF);
  tmp = await mkdtemp(path.join(tmpdir(), 'zm-sample-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('sample files', () => {
  test('the committed files equal a fresh, deterministic generator run', async () => {
    await writeSample(tmp);
    for (const f of [
      FILES.csv,
      FILES.xlsx,
      FILES.peers,
      FILES.manifest,
      PLAN_FILES.counts,
      PLAN_FILES.finance,
    ]) {
      const fresh = await readFile(path.join(tmp, f));
      const committed = await readFile(path.join(SAMPLE_DIR, f));
      expect(fresh.equals(committed), `${f} differs from a fresh run of npm run sample`).toBe(true);
    }
  });

  test('manifest marks the data as sample, as of September 2024', async () => {
    const manifest: unknown = JSON.parse(await readFile(path.join(SAMPLE_DIR, FILES.manifest), 'utf8'));
    expect(manifest).toEqual({
      sample: true,
      asOf: M('2024-09'),
      label: 'Beispieldaten, Stand September 2024',
      files: [
        'segeberg-sample.csv',
        'segeberg-sample-ba.xlsx',
        'vergleichstyp-sample.csv',
        'segeberg-plan-sample.csv',
        'segeberg-finanzen-sample.csv',
      ],
    });
  });

  test('CSV covers 2021-01..2023-12, the xlsx 2024-01..2024-09, without overlap, 9 rows a month', () => {
    const csvMonths = [...new Set(csvRows.map((r) => r.month))];
    const xlsxMonths = [...new Set(xlsxRows.map((r) => r.month))];
    expect(csvMonths).toEqual(monthRange(M('2021-01'), CSV_LAST));
    expect(xlsxMonths).toEqual(monthRange(M('2024-01'), M('2024-09')));
    expect(csvRows).toHaveLength(36 * 9);
    expect(xlsxRows).toHaveLength(9 * 9);
    expect(new Set(csvRows.map((r) => r.region))).toEqual(new Set(['01060']));
    expect(new Set(peers.map((r) => r.region))).toEqual(new Set(['99001', '99002', '99003', '99004']));
    expect(peers).toHaveLength(4 * 45 * 9);
    expect(new Set([...csvRows, ...peers].map((r) => r.comparisonType))).toEqual(new Set(['IIIb']));
  });

  test('BA layout: sheet titles, headers and the synthetic marker', () => {
    expect(titles.Integrationen).toEqual([
      'Integrationen (INT) 1)',
      'Jobcenter Kreis Segeberg (01060) – Beispieldaten (synthetisch)',
      'Insgesamt',
      'davon',
      'Männer',
      'Frauen',
    ]);
    expect(titles.eLb?.[0]).toBe('Erwerbsfähige Leistungsberechtigte (eLb)');
    expect(titles.LZB?.[0]).toBe('Langzeitleistungsbeziehende (LZB) 2)');
    expect(titles.Integrationsquote?.[0]).toBe('Integrationsquote (K2)');
  });

  test('exactly one suppressed value, and total = female + male wherever both are numbers', () => {
    const all = [...segeberg, ...peers];
    expect(
      all.filter((r) => r.flag !== null).map((r) => [r.region, r.indicator, r.gender, r.month, r.flag]),
    ).toEqual([['01060', 'INT', 'female', M('2021-05'), '*']]);
    const key = (r: Row) => `${r.region}|${r.indicator}|${r.month}`;
    const byKey = new Map<string, Partial<Record<Gender, number | null>>>();
    for (const r of all) byKey.set(key(r), { ...byKey.get(key(r)), [r.gender]: r.value });
    let checked = 0;
    for (const [k, v] of byKey) {
      if (v.female == null || v.male == null) continue;
      expect(v.total, k).toBe(v.female + v.male);
      checked++;
    }
    expect(checked).toBe(byKey.size - 1);
  });

  test('magnitudes of shared/domain.md', () => {
    const v = (indicator: string, gender: Gender, month: Month) =>
      lookup(indicator, gender).get(month)?.value ?? Number.NaN;
    const elbMid2023 = v('ELB', 'total', M('2023-06'));
    expect(elbMid2023).toBeGreaterThan(10_100);
    expect(elbMid2023).toBeLessThan(10_700);
    expect(v('ELB', 'female', M('2023-06')) / elbMid2023).toBeGreaterThan(0.45);
    expect(v('ELB', 'female', M('2023-06')) / elbMid2023).toBeLessThan(0.48);
    for (const month of monthRange(M('2021-01'), SAMPLE_AS_OF)) {
      const share = v('LZB', 'total', month) / v('ELB', 'total', month);
      expect(share, month).toBeGreaterThan(0.59);
      expect(share, month).toBeLessThan(0.67);
    }
    const k2 = (gender: Gender) =>
      rateTwelveMonth(seriesRef(lookup, 'INT', gender), seriesRef(lookup, 'ELB', gender), M('2023-12'))
        .value ?? Number.NaN;
    expect(k2('total')).toBeGreaterThan(24);
    expect(k2('total')).toBeLessThan(25.5);
    expect(k2('male')).toBeGreaterThan(28.5);
    expect(k2('male')).toBeLessThan(31);
    expect(k2('female')).toBeGreaterThan(18.5);
    expect(k2('female')).toBeLessThan(20.5);
    // Seasonality: December is the weakest month of integrations, spring and autumn the strongest.
    const int2023 = monthRange(M('2023-01'), M('2023-12')).map((m) => v('INT', 'total', m));
    expect(Math.min(...int2023)).toBe(v('INT', 'total', M('2023-12')));
    expect(v('INT', 'total', M('2023-03'))).toBeGreaterThan(v('INT', 'total', M('2023-06')));
    expect(v('INT', 'total', M('2023-09'))).toBeGreaterThan(v('INT', 'total', M('2023-07')));
  });
});

describe('sample goals at September 2024 (AIP 2024 targets, band 1.0)', () => {
  test('at least one goal is met, one at risk and one missed', () => {
    const statuses = goals.map((g) => g.status);
    expect(statuses).toContain('met');
    expect(statuses).toContain('at_risk');
    expect(statuses).toContain('missed');
    expect(goals.every((g) => g.missing.length === 0)).toBe(true);
  });

  test('the statuses the README and dashboard describe', () => {
    expect(Object.fromEntries(goals.map((g) => [g.id, g.status]))).toEqual({
      'K2-female': 'met',
      'K2-male': 'at_risk',
      'K2-total': 'met',
      'K3-female': 'missed',
      'K3-male': 'at_risk',
      'K3-total': 'at_risk',
    });
  });

  test('each status sits clearly inside its band (not decided by rounding)', () => {
    for (const g of goals) {
      const change = g.changePct ?? Number.NaN;
      const shortfall = g.better === 'higher' ? g.targetChangePct - change : change - g.targetChangePct;
      // At least 0.1 points away from the target and from the band edge.
      expect(Math.abs(shortfall), g.id).toBeGreaterThan(0.1);
      expect(Math.abs(shortfall - 1), g.id).toBeGreaterThan(0.1);
    }
  });

  test('the published K2 sheet agrees with the computed 12-month K2 within rounding', () => {
    expect(published).toHaveLength(27);
    for (const p of published) {
      const computed = rateTwelveMonth(
        seriesRef(lookup, 'INT', p.gender),
        seriesRef(lookup, 'ELB', p.gender),
        p.month,
      ).value;
      expect(
        comparePublished(computed, { value: p.value, flag: null })?.differs,
        `${p.gender} ${p.month}`,
      ).toBe(false);
    }
  });

  test("Segeberg's LZB share lies below the mean of its Vergleichstyp peers", () => {
    const at = (rows: Row[], region: string, indicator: string) =>
      rows.find(
        (r) =>
          r.region === region &&
          r.indicator === indicator &&
          r.gender === 'total' &&
          r.month === SAMPLE_AS_OF,
      )?.value ?? null;
    const cmp = lzbShareComparison(
      { lzb: at(segeberg, '01060', 'LZB'), elb: at(segeberg, '01060', 'ELB') },
      ['99001', '99002', '99003', '99004'].map((id) => ({
        regionId: id,
        lzb: at(peers, id, 'LZB'),
        elb: at(peers, id, 'ELB'),
      })),
    );
    expect(cmp.peerCount).toBe(4);
    expect(cmp.below).toBe(true);
  });
});
