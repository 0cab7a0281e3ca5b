import { describe, expect, it } from 'vitest';
import { loadJobcenterDirectory } from '../../etl/reference.js';
import { baTableLines, eckwerteWorkbook, type TableValues, toBaCsv } from '../fixtures/real-ba.js';
import { pluck, pluckAll } from '../helpers/db.js';
import { ADMIN_TOKEN, getJson, REGION_A, setup, type TestContext } from './fixture.js';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

function upload(ctx: TestContext, name: string, content: string | Uint8Array<ArrayBuffer>) {
  const form = new FormData();
  form.append('file', new File([content], name));
  return getJson(ctx, '/api/imports', { method: 'POST', headers: auth, body: form });
}

/** December 2024, November 2024, December 2023 of the fixture region A (ELB 2024: 1120 + 5 i). */
function table(provisional: boolean): string {
  const v: TableValues = provisional
    ? {
        elb: [
          ['1.190,40', '1.175,60', '1.120'],
          ['584,20', '582,30', '560'],
          ['606,20', '593,30', '560'],
        ],
        lzb: [
          ['618,50', '619,25', '624'],
          ['324,25', '323,50', '312'],
          ['294,25', '295,75', '312'],
        ],
      }
    : {
        elb: [
          ['1.180', '1.175', '1.120'],
          ['584', '582', '560'],
          ['596', '593', '560'],
        ],
        lzb: [
          ['618', '619', '624'],
          ['324', '323', '312'],
          ['294', '296', '312'],
        ],
      };
  const lines = baTableLines(v, { note: provisional }).map((l) =>
    l.map((c) =>
      c
        .replace('September 2024', 'Dezember 2024')
        .replace('August 2024', 'November 2024')
        .replace('September 2023', 'Dezember 2023'),
    ),
  );
  return toBaCsv(lines);
}

interface GoalJson {
  id: string;
  status: string;
  provisional: boolean;
}

describe('real BA files through the API', () => {
  it('a region is found by t11522 and by 01060; provisional values are flagged per month row and goal point', async () => {
    const ctx = await setup();
    const up = await upload(ctx, 'ba-tabelle.csv', table(true));
    expect(up.status).toBe(200);
    await ctx.deps.alerts.evaluate('import');
    const alertsBefore = await pluck(ctx.db, 'select count(*) from alerts');

    for (const key of ['t11522', REGION_A, 'T11522']) {
      const r = await getJson(ctx, `/api/months?region=${key}&from=2024-10&to=2024-12&gender=total`);
      expect(r.status, key).toBe(200);
      const body = r.body as {
        region: { id: string };
        rows: { month: string; elb: number; provisional: { elb: boolean; lzb: boolean; int: boolean } }[];
      };
      expect(body.region.id).toBe(REGION_A);
      const byMonth = Object.fromEntries(body.rows.map((x) => [x.month, x]));
      expect(byMonth['2024-12']).toMatchObject({
        elb: 1190.4,
        provisional: { elb: true, lzb: true, int: false },
      });
      expect(byMonth['2024-10']?.provisional).toEqual({ int: false, elb: false, lzb: false });
    }

    const g = await getJson(ctx, '/api/goals?region=t11522&year=2024&month=2024-12');
    expect(g.status).toBe(200);
    const goals = (g.body as { goals: GoalJson[] }).goals;
    const k2 = goals.find((x) => x.id === 'K2-total');
    expect(k2?.provisional).toBe(true);
    // The JFW at month m reads ELB from December 2023 to m−1: November's projection marks
    // November and December, October stays final.
    const series = await getJson(ctx, '/api/goals/K2-total/series?region=01060&year=2024&month=2024-12');
    const points = (series.body as { points: { month: string; provisional: boolean }[] }).points;
    const pts = Object.fromEntries(points.map((p) => [p.month, p.provisional]));
    expect([pts['2024-10'], pts['2024-11'], pts['2024-12']]).toEqual([false, true, true]);

    // Exports keep the numbers and name the provisional ones in a note.
    const csv = await ctx.app.request('/api/months?region=t11522&format=csv&from=2024-10&to=2024-12');
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain(
      'Vorläufige Werte (von der BA hochgerechnet, endgültige Werte folgen): November 2024 (ELB, LZB); Dezember 2024 (ELB, LZB)',
    );

    // Final values replace the provisional ones as revisions; flags gone; same status: no alert.
    const statusBefore = goals.map((x) => `${x.id}:${x.status}`);
    const fin = await upload(ctx, 'ba-tabelle-final.csv', table(false));
    expect(fin.status).toBe(200);
    expect((fin.body as { updated: number }).updated).toBe(12);
    await ctx.deps.alerts.evaluate('import');
    const after = (await getJson(ctx, '/api/goals?region=01060&year=2024&month=2024-12')).body as {
      goals: GoalJson[];
    };
    expect(after.goals.map((x) => `${x.id}:${x.status}`)).toEqual(statusBefore);
    expect(after.goals.every((x) => !x.provisional)).toBe(true);
    expect(await pluck(ctx.db, 'select count(*) from alerts')).toBe(alertsBefore);
    const rev = await getJson(ctx, '/api/months/2024-12/revisions?region=t11522&indicator=ELB&gender=total');
    expect(rev.status).toBe(200);
    expect((rev.body as { revisions: { oldValue: number; newValue: number }[] }).revisions[0]).toMatchObject({
      oldValue: 1190.4,
      newValue: 1180,
    });
  });

  it('an unknown region key is a 404 naming it', async () => {
    const ctx = await setup();
    const r = await getJson(ctx, '/api/goals?region=t99999');
    expect(r.status).toBe(404);
    expect(JSON.stringify(r.body)).toContain('t99999');
  });

  it("jobcenter directory and set-up: picking one's Jobcenter creates the region with its Kreis key as alias", async () => {
    const ctx = await setup({ fixture: false });
    // What server start-up does (server/main.ts).
    await loadJobcenterDirectory(ctx.db);
    const list = await getJson(ctx, '/api/jobcenters');
    const jcs = (list.body as { jobcenters: { id: string; nameBa: string }[] }).jobcenters;
    expect(jcs).toHaveLength(404);
    expect(jcs.find((j) => j.id === 't11522')?.nameBa).toBe('Segeberg, JC');
    const noAuth = await getJson(ctx, '/api/jobcenters/home', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jobcenter: 't11522' }),
    });
    expect(noAuth.status).toBe(401);
    const bad = await getJson(ctx, '/api/jobcenters/home', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jobcenter: 'Segeberg' }),
    });
    expect(bad.status).toBe(400);
    const ok = await getJson(ctx, '/api/jobcenters/home', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jobcenter: 't11522' }),
    });
    expect(ok.body).toEqual({ home: 't11522' });
    const regions = (await getJson(ctx, '/api/regions')).body as {
      regions: { id: string; aliases: string[] }[];
    };
    expect(regions.regions).toMatchObject([{ id: 't11522', aliases: ['01060'] }]);
    // An Eckwerte workbook for the Jobcenter lands there.
    const up = await upload(ctx, 'jc-eckwerte-t11522-0-202409-xlsx.xlsx', await eckwerteWorkbook());
    expect(up.status).toBe(200);
    expect(await pluckAll(ctx.db, 'select distinct region_id from observations order by 1')).toEqual([
      't11522',
    ]);
  });
});

describe('targets by either key', () => {
  it('GET /api/targets?region=t11522 lists the targets of 01060 once the alias is known', async () => {
    const ctx = await setup();
    await upload(ctx, 'ba-tabelle.csv', table(true));
    const byAlias = (await getJson(ctx, '/api/targets?region=t11522&year=2024')).body as {
      targets: { region: string }[];
    };
    const byId = (await getJson(ctx, '/api/targets?region=01060&year=2024')).body as { targets: unknown[] };
    expect(byAlias.targets.length).toBe(byId.targets.length);
    expect(byAlias.targets.length).toBeGreaterThan(0);
  });
});
