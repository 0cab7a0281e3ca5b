/**
 * Plan goals end to end through the ETL and the API: the bundled targets file and sample
 * (entries, places, finance export) are loaded into a fresh database; /api/goals answers them in
 * the same goal object as Tabelle 3, and the figures agree with sums over the sample files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../../etl/index.js';
import { planStatus } from '../../server/domain/plan-goals.js';
import {
  goalsResponse,
  planMonthsResponse,
  seriesResponse,
  targetsResponse,
} from '../../server/http/responses.js';
import { tempDir, writeText } from '../etl/helpers.js';
import { pluck } from '../helpers/db.js';
import { getJson, setup } from './fixture.js';

async function sampleApp() {
  const ctx = await setup({ fixture: false, now: '2024-10-26T10:00:00Z' });
  await seedIfEmpty(ctx.deps.etl);
  return ctx;
}

/** Σ of a canonical sample CSV's values for an indicator over months (gender total). */
function sumCsv(file: string, code: string, months: string[]): number {
  let s = 0;
  for (const line of readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
    const f = line.split(';');
    if (f[3] === code && months.includes(f[2] ?? '')) s += Number(f[5]);
  }
  return s;
}

const JAN_SEP = Array.from({ length: 9 }, (_, i) => `2024-0${i + 1}`);

describe('plan goals in /api/goals', () => {
  it('lists the eleven plan goals of AIP 2024 after Tabelle 3, with kind, unit, plan and path', async () => {
    const ctx = await sampleApp();
    const { status, body } = await getJson(ctx, '/api/goals');
    expect(status).toBe(200);
    const r = goalsResponse.parse(body);
    expect(r.dataMonth).toBe('2024-09');
    const plan = r.goals.filter((g) => g.kind !== 'change');
    expect(plan.map((g) => [g.id, g.kind, g.unit, g.plan, g.gender])).toEqual([
      ['EGT_IST-total', 'budget', 'eur', 6_400_000, 'total'],
      ['FBW_IST-total', 'budget', 'eur', 1_600_000, 'total'],
      ['EIN_FBW-total', 'cumulative', 'count', 250, 'total'],
      ['EIN_FBW_ABS-total', 'cumulative', 'count', 55, 'total'],
      ['EIN_EQ-total', 'cumulative', 'count', 10, 'total'],
      ['EIN_EF-total', 'cumulative', 'count', 1000, 'total'],
      ['EIN_BAE-total', 'cumulative', 'count', 2, 'total'],
      ['BELEGT_MN-total', 'capacity', 'places', 300, 'total'],
      ['BELEGT_AC-total', 'capacity', 'places', 140, 'total'],
      ['BELEGT_JA-total', 'capacity', 'places', 30, 'total'],
      ['BELEGT_ASA-total', 'capacity', 'places', 40, 'total'],
    ]);
    const change = r.goals.filter((g) => g.kind === 'change');
    expect(change).toHaveLength(6);
    expect(change.every((g) => g.plan === null && g.planToDate === null)).toBe(true);
    expect(change.find((g) => g.id === 'K2-total')?.unit).toBe('percent');
  });

  it('EIN_FBW: current is Σ Jan..Sep of the file, the path 250 × last year’s share, status from the band', async () => {
    const ctx = await sampleApp();
    const r = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    const g = r.goals.find((x) => x.id === 'EIN_FBW-total');
    const file = 'data/sample/segeberg-plan-sample.csv';
    const ytd = sumCsv(file, 'EIN_FBW', JAN_SEP);
    const last = sumCsv(
      file,
      'EIN_FBW',
      JAN_SEP.map((m) => m.replace('2024', '2023')),
    );
    const lastYear = sumCsv(
      file,
      'EIN_FBW',
      Array.from({ length: 12 }, (_, i) => `2023-${String(i + 1).padStart(2, '0')}`),
    );
    expect(g?.current.value).toBe(ytd);
    expect(g?.previous.value).toBe(last);
    expect(g?.planToDate).toBeCloseTo((250 * last) / lastYear, 9);
    const dev = 100 * (ytd / ((250 * last) / lastYear) - 1);
    expect(g?.changePct).toBeCloseTo(dev, 9);
    // tolerance 5, band 10 (targets file): −15 < dev < −5 is gefährdet
    expect(dev).toBeLessThan(-5);
    expect(dev).toBeGreaterThan(-15);
    expect(g?.status).toBe('at_risk');
    expect(g?.pace).toMatchObject({
      kind: 'plan_remaining',
      total: 250 - ytd,
      months: 3,
      perMonth: (250 - ytd) / 3,
    });
    // The path's next step: the first month from October whose path 250 × (2023 Jan..k / 2023)
    // lies above the year so far (the status is gefährdet, so October's already does).
    const pathAt = (k: number) =>
      (250 *
        sumCsv(
          file,
          'EIN_FBW',
          Array.from({ length: k }, (_, i) => `2023-${String(i + 1).padStart(2, '0')}`),
        )) /
      lastYear;
    const k = [10, 11, 12].find((m) => pathAt(m) > ytd);
    expect(k).toBe(10);
    expect(g?.pace?.pathNext?.month).toBe('2024-10');
    expect(g?.pace?.pathNext?.needed).toBe(Math.ceil(pathAt(10) - ytd));
  });

  it('budget goals read the finance export (amounts with decimal comma) and show the commitments', async () => {
    const ctx = await sampleApp();
    const r = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    const g = r.goals.find((x) => x.id === 'EGT_IST-total');
    let ytd = 0;
    let bind = 0;
    for (const line of readFileSync('data/sample/segeberg-finanzen-sample.csv', 'utf8')
      .trim()
      .split('\n')
      .slice(1)) {
      const [month, budgetLine, amount, commitments] = line.split(';');
      const num = (s = '') => Number(s.replaceAll('.', '').replace(',', '.'));
      if (budgetLine !== 'Eingliederungstitel' || !month?.endsWith('.2024')) continue;
      ytd += num(amount);
      if (month === '09.2024') bind = num(commitments);
    }
    expect(g?.current.value).toBeCloseTo(ytd, 2);
    expect(g?.commitments).toBeCloseTo(bind, 2);
    expect(g?.better).toBe('both');
    expect(g?.forecast.value).not.toBeNull();
  });

  it('capacity: the mean occupancy of Jan..Sep against the planned places, the latest month beside it', async () => {
    const ctx = await sampleApp();
    const r = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    const g = r.goals.find((x) => x.id === 'BELEGT_AC-total');
    const file = 'data/sample/segeberg-plan-sample.csv';
    expect(g?.current.value).toBeCloseTo(sumCsv(file, 'BELEGT_AC', JAN_SEP) / 9, 9);
    expect(g?.monthly.value).toBe(sumCsv(file, 'BELEGT_AC', ['2024-09']));
    expect(g?.planToDate).toBe(140);
    expect(g?.pace).toBeNull();
  });

  it('the youth offers of Abschnitt 5.3.1: BaE entries against a September path, AsA places for up to 40', async () => {
    const ctx = await sampleApp();
    const r = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    const file = 'data/sample/segeberg-plan-sample.csv';
    // BaE: all entries planned for the training start on 1 September, so the path is 0 until
    // August and the whole plan (2) from September.
    const bae = r.goals.find((x) => x.id === 'EIN_BAE-total');
    expect(bae?.current.value).toBe(sumCsv(file, 'EIN_BAE', JAN_SEP));
    expect(sumCsv(file, 'EIN_BAE', JAN_SEP.slice(0, 8))).toBe(0);
    expect(bae?.planToDate).toBe(2);
    expect(bae?.current.value).toBe(2);
    expect(bae?.status).toBe('met');
    // With two places, one entry short (-50 %) is gefährdet and none (-100 %) verfehlt: the band
    // of the targets file reaches past 50 %.
    const rule = bae?.planRule;
    expect(rule?.tolerancePct).toBe(0);
    expect(planStatus(-50, 'higher', 0, rule?.bandPct ?? 0)).toBe('at_risk');
    expect(planStatus(-100, 'higher', 0, rule?.bandPct ?? 0)).toBe('missed');
    // AsA: money for up to 40 young people; unused places warn like too many (better: both).
    // A mean of 35.8 is 10.6 % under the plan: past the tolerance of 10 %, inside the band of 15.
    const asa = r.goals.find((x) => x.id === 'BELEGT_ASA-total');
    const mean = sumCsv(file, 'BELEGT_ASA', JAN_SEP) / 9;
    expect(mean).toBeLessThan(40);
    expect(asa?.current.value).toBeCloseTo(mean, 9);
    expect(asa?.planToDate).toBe(40);
    expect(asa?.better).toBe('both');
    expect(100 * (mean / 40 - 1)).toBeCloseTo(-10.56, 2);
    expect(asa?.status).toBe('at_risk');
  });

  it('EQ grants along the file’s profile (audit finding 3): May no forecast, June to September 10 of 10', async () => {
    const ctx = await sampleApp();
    const file = 'data/sample/segeberg-plan-sample.csv';
    // The sample: 2024 Jan–May 0 grants, then 1, 1, 3, 3; the profile 0|0|0|0|0|1|1|3|3|1|1|0
    // asks 0 by May, 1 by June, 2 by July, 5 by August, 8 by September: on the path each month.
    expect(sumCsv(file, 'EIN_EQ', JAN_SEP.slice(0, 5))).toBe(0);
    const eqAt = async (month: string) =>
      goalsResponse
        .parse((await getJson(ctx, `/api/goals?month=${month}`)).body)
        .goals.find((x) => x.id === 'EIN_EQ-total');
    const may = await eqAt('2024-05');
    expect(may?.status).toBe('met');
    expect(may?.forecast.value).toBeNull();
    expect(may?.forecast.reason).toBe('Keine Prognose: laut Planpfad ist bis Mai 2024 noch nichts fällig.');
    for (const [month, ytd] of [
      ['2024-06', 1],
      ['2024-07', 2],
      ['2024-08', 5],
      ['2024-09', 8],
    ] as const) {
      const g = await eqAt(month);
      expect(g?.current.value, month).toBe(ytd);
      expect(g?.forecast.method, month).toBe('plan_path');
      expect(g?.forecast.value, month).toBeCloseTo(10, 9); // ytd / share = ytd / (ytd / 10)
      expect(g?.forecast.status, month).toBe('met');
    }
  });

  it('the Eingliederungstitel forecast above the 6,4 Mio € available is gefährdet (audit finding 4)', async () => {
    const ctx = await sampleApp();
    const r = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    const g = r.goals.find((x) => x.id === 'EGT_IST-total');
    // 4.460.705,50 + r × Σ2023(Oct–Dec) = 6.472.082,79 € (the audit's hand computation), +1,13 %.
    expect(g?.status).toBe('met'); // +1,1 % ahead of the path: within its 5 %
    expect(g?.forecast.method).toBe('yoy3');
    expect(g?.forecast.value).toBeCloseTo(6_472_082.79, 1);
    expect(g?.forecast.changePct).toBeCloseTo(1.126, 3);
    expect(g?.forecast.status).toBe('at_risk');
  });

  it('series of a plan goal: 12 points with the path, cumulative actuals and the forecast path', async () => {
    const ctx = await sampleApp();
    const { status, body } = await getJson(ctx, '/api/goals/EIN_FBW-total/series');
    expect(status).toBe(200);
    const r = seriesResponse.parse(body);
    expect(r.points).toHaveLength(12);
    expect(r.points[8]?.current).toBe(r.goal.current.value);
    expect(r.points[8]?.target).toBeCloseTo(r.goal.planToDate ?? 0, 9);
    expect(r.points[9]?.current).toBeNull();
    expect(r.points[11]?.forecast).toBeCloseTo(r.goal.forecast.value ?? 0, 9);
    expect(r.points[11]?.target).toBe(250);
  });
});

describe('GET /api/targets lists the plan targets beside Tabelle 3', () => {
  it('with plan, direction, tolerance, band, profile and the seed section as source', async () => {
    const ctx = await sampleApp();
    const r = targetsResponse.parse((await getJson(ctx, '/api/targets?year=2024')).body);
    expect(r.targets).toHaveLength(6);
    const egt = r.planTargets.find((t) => t.indicator === 'EGT_IST');
    expect(egt).toMatchObject({
      kind: 'budget',
      plan: 6_400_000,
      better: 'both',
      tolerancePct: 5,
      bandPct: 10,
    });
    expect(egt?.source).toContain('Abschnitt 4');
    const eq = r.planTargets.find((t) => t.indicator === 'EIN_EQ');
    expect(eq?.profile).toBe('explicit');
    expect(eq?.profileWeights).toEqual([0, 0, 0, 0, 0, 1, 1, 3, 3, 1, 1, 0]);
    expect(r.planTargets.map((t) => [t.indicator, t.plan])).toEqual([
      ['EGT_IST', 6_400_000],
      ['FBW_IST', 1_600_000],
      ['EIN_FBW', 250],
      ['EIN_FBW_ABS', 55],
      ['EIN_EQ', 10],
      ['EIN_EF', 1000],
      ['EIN_BAE', 2],
      ['BELEGT_MN', 300],
      ['BELEGT_AC', 140],
      ['BELEGT_JA', 30],
      ['BELEGT_ASA', 40],
    ]);
  });
});

describe('GET /api/months/plan (Monatswerte, Planwerte)', () => {
  it('answers the plan series by month, newest first, and exports them as CSV with the sample note', async () => {
    const ctx = await sampleApp();
    const { status, body } = await getJson(ctx, '/api/months/plan?region=01060&from=2024-01&to=2024-09');
    expect(status).toBe(200);
    const r = planMonthsResponse.parse(body);
    expect(r.columns.map((c) => c.code).sort()).toEqual(
      [
        'BELEGT_AC',
        'BELEGT_ASA',
        'BELEGT_JA',
        'BELEGT_MN',
        'EGT_BIND',
        'EGT_IST',
        'EIN_BAE',
        'EIN_EF',
        'EIN_EQ',
        'EIN_FBW',
        'EIN_FBW_ABS',
        'FBW_BIND',
        'FBW_IST',
        'PLAETZE_AC',
      ].sort(),
    );
    expect(r.rows.map((x) => x.month)).toEqual([
      '2024-09',
      '2024-08',
      '2024-07',
      '2024-06',
      '2024-05',
      '2024-04',
      '2024-03',
      '2024-02',
      '2024-01',
    ]);
    const file = 'data/sample/segeberg-plan-sample.csv';
    expect(r.rows[0]?.values.EIN_FBW).toBe(sumCsv(file, 'EIN_FBW', ['2024-09']));

    const csv = await ctx.app.request('/api/months/plan?region=01060&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('zielmonitor-planwerte_01060_beispieldaten.csv');
    const text = await csv.text();
    const [header, first] = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toContain('Eintritte FbW (EIN_FBW)');
    expect(header).toContain('Ausgaben Eingliederungstitel (EGT_IST) (€)');
    expect(first).toMatch(/^Kreis Segeberg;September 2024;/);
    expect(text).toContain('Beispieldaten, Stand September 2024');
    // Euros with decimal comma and no thousands separator (Excel reads them back as numbers).
    expect(first).toMatch(/;\d+,\d{1,2};/);
    // No binary noise in any amount (1246628,5700000001 was printed for 1246628.57).
    expect(text.match(/\d+,\d{3,}/g) ?? []).toEqual([]);

    const bad = await ctx.app.request('/api/months/plan?from=2024-09&to=2024-01');
    expect(bad.status).toBe(400);
  });

  it('exports the same series as XLSX: months as date cells, amounts as numbers', async () => {
    const ctx = await sampleApp();
    const r = planMonthsResponse.parse(
      (await getJson(ctx, '/api/months/plan?region=01060&from=2024-01&to=2024-09')).body,
    );
    const res = await ctx.app.request('/api/months/plan?region=01060&from=2024-01&to=2024-09&format=xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(
      'zielmonitor-planwerte_01060_beispieldaten.xlsx',
    );
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('Planwerte');
    if (!ws) throw new Error('sheet Planwerte missing');
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 2)).toEqual(['Region', 'Monat']);
    const fbw = header.indexOf('Eintritte FbW (EIN_FBW)') + 1;
    const egt = header.indexOf('Ausgaben Eingliederungstitel (EGT_IST) (€)') + 1;
    expect(fbw).toBeGreaterThan(2);
    r.rows.forEach((row, k) => {
      const cells = ws.getRow(k + 2);
      expect(cells.getCell(1).value).toBe('Kreis Segeberg');
      // A date cell shown "September 2024": Excel sorts it by time, not alphabetically.
      expect(cells.getCell(2).value).toEqual(new Date(`${row.month}-01T00:00:00Z`));
      expect(cells.getCell(2).numFmt).toBe('mmmm yyyy');
      expect(cells.getCell(fbw).value).toBe(row.values.EIN_FBW);
      expect(cells.getCell(egt).value).toBe(row.values.EGT_IST);
      expect(cells.getCell(egt).numFmt).toBe('#,##0.00');
    });
    expect(ws.getRow(2).getCell(fbw).value).toBe(
      sumCsv('data/sample/segeberg-plan-sample.csv', 'EIN_FBW', ['2024-09']),
    );
  });
});

describe('targets file and finance export: bad input is rejected whole with its position', () => {
  it('a plan row without plan, and an unknown budget line, name row and column', async () => {
    const ctx = await setup({ fixture: false });
    const t = tempDir();
    const { loadTargetsFile } = await import('../../etl/index.js');
    const bad = writeText(
      t.dir,
      'plan.csv',
      'region;year;indicator;gender;kind;target_change_pct;plan;better\n01060;2024;EIN_FBW;total;cumulative;;;higher\n',
    );
    await expect(loadTargetsFile(ctx.deps.etl, bad)).rejects.toThrow(
      /Zeile 2, Spalte 'plan': Jahresplan fehlt/,
    );
    const both = writeText(
      t.dir,
      'plan2.csv',
      'region;year;indicator;gender;kind;plan;better\n01060;2024;EGT_IST;total;budget;6.400.000;beides\n01060;2024;EIN_EQ;total;cumulative;10;sideways\n',
    );
    await expect(loadTargetsFile(ctx.deps.etl, both)).rejects.toThrow(
      /Zeile 3, Spalte 'better': 'sideways' ist keine Richtung/,
    );
    expect(await pluck(ctx.db, 'select count(*) as n from plan_targets')).toBe(0);

    const res = await ctx.app.request('/api/imports', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
      body: (() => {
        const f = new FormData();
        f.append(
          'file',
          new Blob([
            'Monat;Haushaltsstelle;Betrag\n01.2024;Eingliederungstitel;1.000,50\n02.2024;Kantine;12,00\n',
          ]),
          'finanzen.csv',
        );
        return f;
      })(),
    });
    const text = await res.text();
    expect(text).toMatch(/Zeile 3, Spalte Haushaltsstelle: unbekannte Haushaltsstelle 'Kantine'/);
    expect(await pluck(ctx.db, 'select count(*) as n from observations')).toBe(0);
    t.cleanup();
  });
});
