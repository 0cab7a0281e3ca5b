import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { monthsResponse } from '../../server/http/responses.js';
import { rows, sql } from '../helpers/db.js';
import { getJson, REGION_A, REGION_B, REGION_B_NAME, setup } from './fixture.js';

describe('GET /api/months (JSON)', () => {
  it('returns the rows of a month with hand-computed K2, JFW and K3', async () => {
    const ctx = await setup();
    const r = monthsResponse.parse(
      (await getJson(ctx, `/api/months?region=${REGION_A}&from=2024-03&to=2024-03&gender=total`)).body,
    );
    expect(r.total).toBe(1);
    expect(r.rows[0]).toEqual({
      month: '2024-03',
      gender: 'total',
      int: 25, // 22 + 3
      elb: 1135, // 1120 + 5 × 3
      lzb: 627, // 630 − 3
      k2: 32400 / 1083.75, // 100 × Σ INT Apr23..Mar24 (324) / mean ELB Mar23..Feb24 (1083.75)
      jfw: 6.4, // 100 × 72 / 1125
      k3: (100 * (627 - 606)) / 606, // LZB Mar24 against Mar23
      flags: { int: null, elb: null, lzb: null },
      revised: { int: false, elb: false, lzb: false },
    });
  });

  it('shows markers and revisions, and nulls where the inputs do not reach back far enough', async () => {
    const ctx = await setup();
    const r = monthsResponse.parse((await getJson(ctx, '/api/months?from=2024-02&to=2024-02')).body);
    const male = r.rows.find((x) => x.gender === 'male');
    expect(male?.int).toBeNull();
    expect(male?.flags.int).toBe('*');
    expect(male?.k2).toBeNull();
    expect(r.rows.find((x) => x.gender === 'total')?.revised.int).toBe(true);
    const first = monthsResponse.parse((await getJson(ctx, '/api/months?to=2022-12&gender=total')).body);
    expect(first.rows[0]).toMatchObject({ month: '2022-12', int: 15, k2: null, jfw: null, k3: null });
  });

  it('filters by gender list and revised flag, sorts by several columns and pages without overlap', async () => {
    const ctx = await setup();
    const both = monthsResponse.parse(
      (await getJson(ctx, '/api/months?gender=female,male&pageSize=1000')).body,
    );
    expect(both.total).toBe(50); // 25 months × 2 genders
    expect(new Set(both.rows.map((x) => x.gender))).toEqual(new Set(['female', 'male']));
    // Default order: month descending, then insgesamt, Frauen, Männer.
    expect(both.rows.slice(0, 2).map((x) => `${x.month} ${x.gender}`)).toEqual([
      '2024-12 female',
      '2024-12 male',
    ]);

    const revised = monthsResponse.parse((await getJson(ctx, '/api/months?revised=true')).body);
    expect(revised.rows.map((x) => `${x.month} ${x.gender}`)).toEqual(['2024-02 total']);

    const byLzb = monthsResponse.parse(
      (await getJson(ctx, '/api/months?gender=total&sort=lzb:desc,month:asc&pageSize=3')).body,
    );
    // LZB total peaks at 630 − 1 = 629 (Jan 2024), then 628 (Feb 2024), then 627 (Mar 2024)
    expect(byLzb.rows.map((x) => x.lzb)).toEqual([629, 628, 627]);

    const byK2 = monthsResponse.parse(
      (await getJson(ctx, '/api/months?gender=total&sort=k2:asc&pageSize=1000')).body,
    );
    const k2s = byK2.rows.map((x) => x.k2);
    const numbers = k2s.filter((v): v is number => v !== null);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(k2s.slice(numbers.length).every((v) => v === null)).toBe(true); // nulls last

    const pages: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const p = monthsResponse.parse((await getJson(ctx, `/api/months?pageSize=20&page=${page}`)).body);
      expect(p.total).toBe(75);
      pages.push(...p.rows.map((x) => `${x.month} ${x.gender}`));
    }
    expect(pages).toHaveLength(75);
    expect(new Set(pages).size).toBe(75);
  });

  it('rejects bad parameters with the reason', async () => {
    const ctx = await setup();
    const cases: [string, RegExp][] = [
      ['/api/months?from=2024-05&to=2024-01', /from must not be after to/],
      ['/api/months?gender=total,divers', /gender.*divers/],
      ['/api/months?sort=name:asc', /sort/],
      ['/api/months?sort=month:up', /sort/],
      ['/api/months?pageSize=5000', /pageSize/],
      ['/api/months?page=0', /page/],
      ['/api/months?columns=month,password', /columns.*password/],
      ['/api/months?format=pdf', /format/],
      ['/api/months?revised=maybe', /revised/],
    ];
    for (const [path, reason] of cases) {
      const { status, body } = await getJson(ctx, path);
      expect(status, path).toBe(400);
      expect(body, path).toMatchObject({
        error: { code: 'bad_request', message: expect.stringMatching(reason) },
      });
    }
  });
});

describe('GET /api/months?format=csv', () => {
  it('writes German Excel CSV: BOM, semicolons, decimal comma, CRLF, the requested columns in order', async () => {
    const ctx = await setup();
    const res = await ctx.app.request(
      `/api/months?region=${REGION_A}&from=2024-02&to=2024-03&gender=total,male&columns=month,gender,int,jfw,k3,revised&format=csv&pageSize=1`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain(
      'attachment; filename="zielmonitor-monatswerte_01060_2024-02_2024-03.csv"',
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.split('\r\n').slice(0, -1);
    // All filtered rows (pageSize does not apply to exports), in sort order, requested columns only.
    expect(lines).toEqual([
      'Monat;Geschlecht;Integrationen (INT);K2 Jahresfortschrittswert (%);K3 Veränderung LZB ggü. Vorjahresmonat (%);Korrigiert',
      // JFW Mar24 = 6.4; K3 = 100 × 21/606 = 3.4653465347 (10 decimals)
      'März 2024;insgesamt;25;6,4;3,4653465347;',
      // male Mar24: INT 14, JFW null (Feb suppressed); K3 male: LZB 315 vs 303 → 100 × 12/303 = 3.9603960396
      'März 2024;Männer;14;;3,9603960396;',
      // JFW Feb24 = 100 × (23+24) / mean(1120, 1125) = 4700/1122.5 = 4.1870824053…;
      // K3 = LZB 628 vs 604 → 100 × 24/604 = 3.9735099338; INT was revised
      'Februar 2024;insgesamt;24;4,1870824053;3,9735099338;ja (INT)',
      // male: INT suppressed → marker; K3 = LZB 314 vs 302 → 100 × 12/302 = 3.9735099338
      'Februar 2024;Männer;*;;3,9735099338;',
    ]);
  });

  it('neutralises formula injection in text cells', async () => {
    const ctx = await setup();
    const res = await ctx.app.request(
      `/api/months?region=${REGION_B}&from=2024-12&columns=region,month,k3&format=csv`,
    );
    const text = (await res.text()).replace(/^\uFEFF/, '');
    const line = text.split('\r\n')[1];
    // The name starts with "=": prefixed with an apostrophe and quoted (it contains quotes).
    expect(line).toBe(`"'${REGION_B_NAME.replace(/"/g, '""')}";Dezember 2024;0`);
  });

  it('refuses exports above the row limit with 422 and the reason', async () => {
    const ctx = await setup({ maxExportRows: 10 });
    const { status, body } = await getJson(ctx, '/api/months?format=csv');
    expect(status).toBe(422);
    expect(body).toMatchObject({
      error: { code: 'export_too_large', message: expect.stringContaining('75 rows') },
    });
    expect((await ctx.app.request('/api/months?format=csv&gender=total&from=2024-06')).status).toBe(200);
  });
});

describe('exports of sample data say so', () => {
  it('ends CSV and XLSX with the sample note and names the file accordingly; real data carry none', async () => {
    const ctx = await setup();
    await rows(ctx.db, sql`update regions set sample = 1, sample_as_of = '2024-09' where id = ${REGION_A}`);
    await rows(
      ctx.db,
      sql`update meta set value = cast(cast(value as integer) + 1 as text) where key = 'data_version'`,
    );
    const note =
      'Beispieldaten, Stand September 2024 – synthetische Zahlen, keine Daten der Statistik der Bundesagentur für Arbeit';

    const csv = await ctx.app.request(`/api/months?region=${REGION_A}&from=2024-03&gender=total&format=csv`);
    expect(csv.headers.get('content-disposition')).toContain('_beispieldaten.csv');
    const text = (await csv.text()).replace(/^\uFEFF/, '');
    const [table = '', footer] = text.split('\r\n\r\n');
    expect(footer).toBe(`${note}\r\n`);
    expect(table.split('\r\n')[1]).toMatch(/^Kreis Segeberg;Dezember 2024;insgesamt;34;/);

    const xlsx = await ctx.app.request(
      `/api/months?region=${REGION_A}&from=2024-03&gender=total&format=xlsx`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.getWorksheet('Monatswerte');
    expect(ws?.getRow(ws.rowCount).getCell(1).value).toBe(note);

    const real = await ctx.app.request(`/api/months?region=${REGION_B}&format=csv`);
    expect(real.headers.get('content-disposition')).not.toContain('beispieldaten');
    expect(await real.text()).not.toContain('Beispieldaten');
  });
});

describe('GET /api/months?format=xlsx', () => {
  it('writes typed numeric cells with German headers that parse back to the same rows', async () => {
    const ctx = await setup();
    const json = monthsResponse.parse(
      (await getJson(ctx, '/api/months?from=2024-01&gender=total&pageSize=1000')).body,
    );
    const res = await ctx.app.request('/api/months?from=2024-01&gender=total&format=xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('Monatswerte');
    if (!ws) throw new Error('sheet Monatswerte missing');
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'Region',
      'Monat',
      'Geschlecht',
      'Integrationen (INT)',
      'Erwerbsfähige Leistungsberechtigte (ELB)',
      'Langzeitleistungsbeziehende (LZB)',
      'K2 Integrationsquote 12 Monate (%)',
      'K2 Jahresfortschrittswert (%)',
      'K3 Veränderung LZB ggü. Vorjahresmonat (%)',
      'Korrigiert',
    ]);
    expect(ws.rowCount).toBe(1 + json.total);
    json.rows.forEach((row, k) => {
      const r = ws.getRow(k + 2);
      expect(r.getCell(1).value).toBe('Kreis Segeberg');
      expect(typeof r.getCell(4).value).toBe('number');
      expect(r.getCell(4).value).toBe(row.int);
      expect(r.getCell(5).value).toBe(row.elb);
      expect(r.getCell(6).value).toBe(row.lzb);
      expect(r.getCell(7).value).toBe(row.k2);
      expect(r.getCell(8).value).toBe(row.jfw);
      expect(r.getCell(9).value).toBe(row.k3);
      expect(r.getCell(8).numFmt).toBe('0.0');
    });
    // The month as a date cell shown "Dezember 2024": it sorts by time in Excel, not alphabetically.
    expect(ws.getRow(2).getCell(2).value).toEqual(new Date(Date.UTC(2024, 11, 1)));
    expect(ws.getRow(2).getCell(2).numFmt).toBe('mmmm yyyy');
    expect(ws.getRow(1 + json.total).getCell(2).value).toEqual(new Date(Date.UTC(2024, 0, 1)));
  });
});
