import { describe, expect, it } from 'vitest';
import { bumpDataVersion } from '../../server/db/repositories/meta.js';
import {
  comparisonResponse,
  healthResponse,
  importsResponse,
  indicatorsResponse,
  regionsResponse,
  revisionsResponse,
  targetHistoryResponse,
  targetsResponse,
  versionResponse,
} from '../../server/http/responses.js';
import { rows, sql, TEST_DB } from '../helpers/db.js';
import { getJson, REGION_A, REGION_B, REGION_B_NAME, setup } from './fixture.js';

describe('GET /api/health', () => {
  it('is ok when the expected month is loaded', async () => {
    const ctx = await setup();
    const { status, body } = await getJson(ctx, '/api/health');
    expect(status).toBe(200);
    expect(healthResponse.parse(body)).toEqual({
      status: 'ok',
      dataMonth: '2024-12',
      expectedMonth: '2024-12',
      stale: false,
      sample: false,
      lastImport: null,
      dataVersion: '1',
      build: 'test-build',
    });
  });

  it('is degraded when the data are stale or the last import failed', async () => {
    const late = await setup({ now: '2025-06-02T08:00:00Z' }); // June, before the 25th → January 2025 expected
    const h = healthResponse.parse((await getJson(late, '/api/health')).body);
    expect(h).toMatchObject({
      status: 'degraded',
      stale: true,
      expectedMonth: '2025-01',
      dataMonth: '2024-12',
    });

    const failed = await setup();
    await rows(
      failed.db,
      sql`insert into import_runs (started_at, finished_at, trigger, status, error) values
          ('2025-04-30T06:00:00Z', '2025-04-30T06:00:05Z', 'cron', 'failed', 'Datei x.csv: kaputt')`,
    );
    const f = healthResponse.parse((await getJson(failed, '/api/health')).body);
    expect(f.status).toBe('degraded');
    expect(f.lastImport).toEqual({ finishedAt: '2025-04-30T06:00:05Z', status: 'failed' });
  });

  it('is degraded without any data', async () => {
    const ctx = await setup({ fixture: false });
    const h = healthResponse.parse((await getJson(ctx, '/api/health')).body);
    expect(h).toMatchObject({ status: 'degraded', dataMonth: null, stale: true, sample: false });
  });
});

describe('GET /api/version', () => {
  it('answers with an ETag and 304 when it matches, a new ETag after a data change', async () => {
    const ctx = await setup();
    const first = await ctx.app.request('/api/version');
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag');
    expect(etag).toBe('"1-test-build"');
    expect(versionResponse.parse(await first.json())).toEqual({ dataVersion: '1', build: 'test-build' });

    const again = await ctx.app.request('/api/version', { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    // Another process (an import by the CLI) bumps the version: seen at once.
    await rows(ctx.db, sql`update meta set value = '2' where key = 'data_version'`);
    const changed = await ctx.app.request('/api/version', { headers: { 'If-None-Match': etag ?? '' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2-test-build"');
  });
});

describe('GET /api/regions, /api/indicators', () => {
  it('lists regions with their data range and the default region', async () => {
    const ctx = await setup();
    const r = regionsResponse.parse((await getJson(ctx, '/api/regions')).body);
    expect(r.defaultRegion).toBe(REGION_A);
    // A: 25 months × 3 genders × 3 counts = 225, plus 2 published values; B: 25 × 3 = 75.
    expect(r.regions.map((x) => [x.id, x.observations, x.firstMonth, x.lastMonth])).toEqual([
      [REGION_A, 227, '2022-12', '2024-12'],
      [REGION_B, 75, '2022-12', '2024-12'],
    ]);
    expect(r.regions[1]?.name).toBe(REGION_B_NAME);
    // The goals' default data month, as the goals answer names it: the pages tell it from a
    // chosen month by it.
    for (const x of r.regions) {
      const goals = await getJson(ctx, `/api/goals?region=${x.id}`);
      expect(x.latestDataMonth, x.id).toBe((goals.body as { dataMonth: string | null }).dataMonth);
    }
    expect(r.regions.map((x) => x.latestDataMonth)).toEqual(['2024-12', '2024-12']);
  });

  it('lists the indicator definitions', async () => {
    const ctx = await setup();
    const r = indicatorsResponse.parse((await getJson(ctx, '/api/indicators')).body);
    expect(r.indicators.find((i) => i.code === 'K2')).toMatchObject({
      formula: 'rate',
      numeratorCode: 'INT',
      denominatorCode: 'ELB',
      better: 'higher',
    });
  });
});

describe('GET /api/targets', () => {
  it('filters by year and region, ordered insgesamt, Frauen, Männer', async () => {
    const ctx = await setup();
    const all = targetsResponse.parse((await getJson(ctx, '/api/targets?year=2024')).body);
    expect(all.targets).toHaveLength(7);
    const a = targetsResponse.parse((await getJson(ctx, `/api/targets?year=2024&region=${REGION_A}`)).body);
    expect(a.targets.map((t) => `${t.indicator}-${t.gender} ${t.targetChangePct}`)).toEqual([
      'K2-total -0.4',
      'K2-female 1.1',
      'K2-male -1',
      'K3-total 6',
      'K3-female 7.8',
      'K3-male 3.9',
    ]);
    const none = targetsResponse.parse((await getJson(ctx, '/api/targets?year=2023')).body);
    expect(none.targets).toEqual([]);
    const bad = await getJson(ctx, '/api/targets?year=20x4');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { message: expect.stringContaining('year') } });
  });

  it('history is empty until a target is changed', async () => {
    const ctx = await setup();
    const h = targetHistoryResponse.parse((await getJson(ctx, '/api/targets/history')).body);
    expect(h.history).toEqual([]);
  });
});

describe('GET /api/imports', () => {
  it('lists runs newest first with their files, limited', async () => {
    const ctx = await setup();
    for (let k = 1; k <= 3; k++) {
      await rows(
        ctx.db,
        sql`insert into import_runs (started_at, finished_at, trigger, status, files_count, rows_inserted)
            values (${`2025-0${k}-01T06:00:00Z`}, ${`2025-0${k}-01T06:00:09Z`}, 'cli', 'success', 1, ${k * 10})`,
      );
      await rows(
        ctx.db,
        sql`insert into imported_files (run_id, path, sha256, size, status, rows_inserted, imported_at)
            values (${k}, ${`file${k}.csv`}, ${`sha${k}`}, 100, 'imported', ${k * 10}, ${`2025-0${k}-01T06:00:09Z`})`,
      );
    }
    const r = importsResponse.parse((await getJson(ctx, '/api/imports?limit=2')).body);
    expect(r.runs.map((x) => x.id)).toEqual([3, 2]);
    expect(r.runs[0]?.files).toMatchObject([{ path: 'file3.csv', rowsInserted: 30, status: 'imported' }]);
    expect((await getJson(ctx, '/api/imports?limit=0')).status).toBe(400);
    expect((await getJson(ctx, '/api/imports?limit=201')).status).toBe(400);
  });
});

describe('GET /api/months/:month/revisions', () => {
  it('returns the history of a month, newest first, filtered', async () => {
    const ctx = await setup();
    const r = revisionsResponse.parse(
      (await getJson(ctx, `/api/months/2024-02/revisions?region=${REGION_A}`)).body,
    );
    expect(r.revisions).toHaveLength(1);
    expect(r.revisions[0]).toMatchObject({ indicator: 'INT', gender: 'total', oldValue: 25, newValue: 24 });
    const none = revisionsResponse.parse(
      (await getJson(ctx, `/api/months/2024-02/revisions?region=${REGION_A}&indicator=ELB`)).body,
    );
    expect(none.revisions).toEqual([]);
    expect((await getJson(ctx, '/api/months/2024-2/revisions')).status).toBe(400);
    expect((await getJson(ctx, '/api/months/2024-02/revisions?gender=divers')).status).toBe(400);
    expect((await getJson(ctx, '/api/months/2024-02/revisions?region=77777')).status).toBe(404);
  });
});

describe('GET /api/comparison', () => {
  it('compares the LZB share with the mean of the same Vergleichstyp', async () => {
    const ctx = await setup();
    const r = comparisonResponse.parse((await getJson(ctx, '/api/comparison')).body);
    // A, Dec 2024: 100 × 618 / 1180 = 52.37 %; B: 100 × 1400 / 2000 = 70 % → below
    expect(r.month).toBe('2024-12');
    expect(r.comparisonType).toBe('IIb');
    expect(r.own).toEqual({ lzb: 618, elb: 1180 });
    expect(r.ownSharePct).toBeCloseTo((100 * 618) / 1180, 12);
    expect(r.peerMeanPct).toBe(70);
    expect(r.peerCount).toBe(1);
    expect(r.below).toBe(true);
    expect(r.peers).toEqual([{ id: REGION_B, name: REGION_B_NAME, sharePct: 70 }]);

    const b = comparisonResponse.parse(
      (await getJson(ctx, `/api/comparison?region=${REGION_B}&month=2023-06`)).body,
    );
    // B against A in June 2023: A = 100 × 612 / 1060 = 57.74 % < 70 % → B is not below
    expect(b.peerMeanPct).toBeCloseTo((100 * 612) / 1060, 12);
    expect(b.below).toBe(false);
    expect((await getJson(ctx, '/api/comparison?month=2023')).status).toBe(400);
  });

  it('never puts sample regions beside real ones: peers share the sample mark', async () => {
    const ctx = await setup();
    // B becomes a sample region of the same type (as the bundled Beispieldaten would be).
    await rows(ctx.db, sql`update regions set sample = 1 where id = ${REGION_B}`);
    await bumpDataVersion(ctx.db.db);
    const a = comparisonResponse.parse((await getJson(ctx, '/api/comparison')).body);
    expect(a.comparisonType).toBe('IIb');
    expect(a.own).toEqual({ lzb: 618, elb: 1180 });
    expect(a.peers).toEqual([]);
    expect(a.peerCount).toBe(0);
    expect(a.peerMeanPct).toBeNull();
    const b = comparisonResponse.parse((await getJson(ctx, `/api/comparison?region=${REGION_B}`)).body);
    expect(b.peers).toEqual([]);
    expect(b.peerMeanPct).toBeNull();
  });

  it('gives no verdict (below: null) when a share is unknown, with or without peers', async () => {
    const ctx = await setup();
    // A's LZB of December 2024 suppressed: A has no share, B still has one.
    await rows(
      ctx.db,
      sql`update observations set value = null, flag = '*'
          where region_id = ${REGION_A} and indicator_code = 'LZB' and gender = 'total' and month = '2024-12'`,
    );
    await bumpDataVersion(ctx.db.db);
    const a = comparisonResponse.parse((await getJson(ctx, '/api/comparison?month=2024-12')).body);
    expect(a.ownSharePct).toBeNull();
    expect(a.peerMeanPct).toBe(70);
    expect(a.below).toBeNull();
    // B against A, whose share is now unknown: no peer enters the mean, so no verdict either.
    const b = comparisonResponse.parse(
      (await getJson(ctx, `/api/comparison?region=${REGION_B}&month=2024-12`)).body,
    );
    expect(b.peerCount).toBe(0);
    expect(b.below).toBeNull();
  });
});

describe('the HTTP envelope', () => {
  it('answers unknown API paths with a JSON 404 and sets secure headers and a request id', async () => {
    const ctx = await setup();
    const res = await ctx.app.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'No such endpoint: GET /api/nothing-here' },
    });
    const ok = await ctx.app.request('/api/health');
    expect(ok.headers.get('x-request-id')).toMatch(/\S+/);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(ok.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('answers 500 "internal" without details when something unexpected breaks', async () => {
    const ctx = await setup();
    await rows(
      ctx.db,
      TEST_DB === 'postgres' ? sql`drop table import_runs cascade` : sql`drop table import_runs`,
    );
    const res = await ctx.app.request('/api/imports');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
  });
});

describe('GET /api/openapi.json', () => {
  it('describes every route of the app', async () => {
    const ctx = await setup();
    const { status, body } = await getJson(ctx, '/api/openapi.json');
    expect(status).toBe(200);
    const doc = body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    // Every registered API route (method + path) must be described.
    const routes = ctx.app.routes
      .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\/$/, '')}`);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of new Set(routes)) {
      const [method, path] = route.split(' ') as [string, string];
      expect(doc.paths[path]?.[method], route).toBeDefined();
    }
    const months = doc.paths['/api/months']?.get as { parameters: { name: string }[] };
    expect(months.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'region',
        'from',
        'to',
        'gender',
        'sort',
        'page',
        'pageSize',
        'columns',
        'format',
      ]),
    );
  });
});
