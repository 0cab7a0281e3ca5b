/**
 * Derived data (region summaries, goal snapshots, the forecast backtest) are computed once per
 * data version and stored; a fresh server reads them. Reading must not change a single byte: a
 * fresh server on the stored data answers exactly as one that recomputes everything from the
 * observations, and a stored backtest made by other rules is rebuilt, not served.
 * Runs on SQLite and (npm run test:pg) on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { month as M, monthRange } from '../../core/months.js';
import { createApp } from '../../server/app.js';
import { createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';
import type { Db } from '../../server/db/connection.js';
import { bumpDataVersion, syncDataVersion } from '../../server/db/repositories/meta.js';
import { upsertTarget } from '../../server/db/repositories/targets.js';
import type { Gender } from '../../server/domain/types.js';
import { all, openTestDb, pluck, pluckAll } from '../helpers/db.js';

const GENDERS: Gender[] = ['total', 'female', 'male'];
const REGIONS = Array.from({ length: 6 }, (_, i) => `t2${String(1000 + i)}`);
const MONTHS = monthRange(M('2019-01'), M('2024-09'));

/** Deterministic figures that differ by region, gender and month (so the backtest errors do). */
function figure(r: number, code: string, g: number, k: number): number {
  const base = { INT: 40, ELB: 2000, LZB: 1300 }[code] ?? 1;
  return Math.round(base * (1 + r / 9) * (1 + g / 7) * (1 + ((k * 7 + r * 5 + g * 3) % 17) / 60));
}

async function seed(db: Db): Promise<void> {
  const k = db.db;
  await k
    .insertInto('regions')
    .values(
      REGIONS.map((id, r) => ({
        id,
        name: `Jobcenter ${r}`,
        kind: 'jobcenter',
        comparison_type: r % 2 === 0 ? 'Ia' : 'IIb',
        sample: 0,
        sample_as_of: null,
      })),
    )
    .execute();
  const rows = REGIONS.flatMap((id, r) =>
    MONTHS.flatMap((month, m) =>
      GENDERS.flatMap((gender, g) =>
        ['INT', 'ELB', 'LZB'].map((code) => ({
          region_id: id,
          indicator_code: code,
          gender,
          month,
          value: figure(r, code, g, m),
          flag: null,
          source_file_id: null,
          loaded_at: `2024-1${r % 2}-0${(m % 9) + 1}T06:00:00.000Z`,
          revision_count: 0,
          provisional: 0,
        })),
      ),
    ),
  );
  for (let i = 0; i < rows.length; i += 500)
    await k
      .insertInto('observations')
      .values(rows.slice(i, i + 500))
      .execute();
  const targets: [string, Gender, number, 'higher' | 'lower'][] = [
    ['K2', 'total', -0.4, 'higher'],
    ['K2', 'female', 1.1, 'higher'],
    ['K3', 'male', 3.9, 'lower'],
    ['K3', 'total', 6.0, 'lower'],
  ];
  await k
    .insertInto('targets')
    .values(
      REGIONS.flatMap((id) =>
        targets.map(([indicator_code, gender, target_change_pct, better]) => ({
          region_id: id,
          year: 2024,
          indicator_code,
          gender,
          target_change_pct,
          better,
          source: 'AIP 2024, Tabelle 3',
          updated_at: '2024-01-15T00:00:00.000Z',
          updated_by: null,
        })),
      ),
    )
    .execute();
  await k.updateTable('meta').set({ value: '5' }).where('key', '=', 'data_version').execute();
  await syncDataVersion(db);
}

/** A server's app and goal service on `db`, as a freshly started process has them. */
async function server(db: Db) {
  const now = new Date('2025-02-01T10:00:00Z');
  const deps = await createAppDeps({ db, config: testConfig(), clock: () => now, build: 'test-build' });
  return { app: createApp(deps), goals: deps.goals };
}

const PATHS = [
  '/api/regions',
  ...REGIONS.flatMap((id) => [
    `/api/goals?region=${id}`,
    `/api/goals?region=${id}&month=2024-05`,
    `/api/goals?region=${id}&year=2023`,
    `/api/goals/K2-total/series?region=${id}`,
    `/api/goals/K3-male/backtest?region=${id}`,
    `/api/comparison?region=${id}`,
  ]),
];

/** Every answer's bytes, in PATHS order. */
async function answers(app: Awaited<ReturnType<typeof server>>['app']): Promise<string[]> {
  const out: string[] = [];
  for (const path of PATHS) {
    const res = await app.request(path);
    expect(res.status, path).toBe(200);
    out.push(await res.text());
  }
  return out;
}

async function stored(db: Db) {
  return {
    build: await pluck<string>(db, `select value from meta where key = 'backtest_build'`),
    pools: await pluck<number>(db, 'select count(*) from backtest_pools'),
    snapshots: await all<{ region_id: string; snapshot_key: string; body: string }>(
      db,
      'select region_id, snapshot_key, body from goal_snapshots order by region_id',
    ),
  };
}

async function clearDerived(db: Db): Promise<void> {
  for (const table of ['goal_snapshots', 'backtest_pools', 'region_summaries'] as const)
    await db.db.deleteFrom(table).execute();
  await db.db.deleteFrom('meta').where('key', '=', 'backtest_build').execute();
}

describe('derived data stored once per data version', () => {
  it('a fresh server on the stored data answers byte for byte as one that recomputes them', async () => {
    const db = await openTestDb();
    await seed(db);

    // The first server builds and stores everything of version 5.
    const first = await server(db);
    expect(await first.goals.prepare()).toBeUndefined();
    const built = await stored(db);
    expect(built.build).toMatch(/^5:/);
    expect(Number(built.pools)).toBeGreaterThan(0);
    expect(built.snapshots.map((s) => s.region_id)).toEqual(REGIONS);
    const reference = await answers(first.app);
    // The answers carry forecast intervals, so the stored backtest is part of what is compared.
    const goals = JSON.parse(reference[1] ?? '{}') as { goals: { forecast: { interval: unknown } }[] };
    expect(goals.goals.some((g) => g.forecast.interval !== null)).toBe(true);

    // A fresh server reads them: the same bytes, and nothing was rebuilt.
    const fresh = await server(db);
    expect(await answers(fresh.app)).toEqual(reference);
    expect(await fresh.goals.prepare()).toBeUndefined();
    expect(await stored(db)).toEqual(built);

    // Without any stored derived data, a fresh server recomputes them: the same bytes again,
    // and what it stores equals what was stored before (but for the new build's id).
    await clearDerived(db);
    const recomputing = await server(db);
    expect(await answers(recomputing.app)).toEqual(reference);
    expect(await recomputing.goals.prepare()).toBeUndefined();
    const rebuilt = await stored(db);
    expect(rebuilt.snapshots).toEqual(built.snapshots);
    expect(rebuilt.pools).toEqual(built.pools);
    expect(rebuilt.build).not.toBe(built.build);
  });

  it('a stored backtest that this code would not compute is rebuilt, not served', async () => {
    const db = await openTestDb();
    await seed(db);
    const first = await server(db);
    await first.goals.prepare();
    const reference = await answers(first.app);
    const { build } = await stored(db);

    // Every pool's first error (the first region's case) as if computed by other forecast rules;
    // the goal snapshots go too, so that goals are computed from the pools.
    for (const row of await all<{
      origin_month: number;
      indicator_code: string;
      gender: string;
      errors: string;
      sample: number;
    }>(db, 'select sample, indicator_code, gender, origin_month, errors from backtest_pools')) {
      const errors = JSON.parse(row.errors) as number[];
      errors[0] = (errors[0] ?? 0) + 5;
      await db.db
        .updateTable('backtest_pools')
        .set({ errors: JSON.stringify(errors) })
        .where('sample', '=', row.sample)
        .where('indicator_code', '=', row.indicator_code)
        .where('gender', '=', row.gender as Gender)
        .where('origin_month', '=', row.origin_month)
        .execute();
    }
    await db.db.deleteFrom('goal_snapshots').execute();

    const fresh = await server(db);
    expect(await answers(fresh.app)).toEqual(reference);
    await fresh.goals.prepare();
    const after = await stored(db);
    expect(after.build).toMatch(/^5:/);
    expect(after.build).not.toBe(build);
    expect(await pluckAll<string>(db, 'select distinct build_key from backtest_pools')).toEqual([
      after.build,
    ]);
  });

  it('a change of targets keeps the stored backtest (the observations are the same); any other bump builds it again', async () => {
    const db = await openTestDb();
    await seed(db);
    const first = await server(db);
    await first.goals.prepare();
    const before = await stored(db);
    expect(before.build).toMatch(/^5:/);
    const summariesBefore = await all<{ data_version: string }>(
      db,
      'select * from region_summaries order by region_id',
    );
    expect(new Set(summariesBefore.map((r) => r.data_version))).toEqual(new Set(['5']));
    const region = REGIONS[0] ?? '';

    // A controller changes one target: version 6 on the base of 5.
    const saved = await upsertTarget(
      db.db,
      {
        region,
        year: 2024,
        indicator: 'K2',
        gender: 'female',
        targetChangePct: 2.5,
        better: 'higher',
        source: null,
        changedBy: 'Controlling',
      },
      new Date('2025-02-01T10:00:00Z'),
    );
    expect(saved.changed).toBe(true);
    // The region summaries (the observations' counts and months) are carried over to version 6.
    const summaries = await all<{ data_version: string }>(
      db,
      'select * from region_summaries order by region_id',
    );
    expect(new Set(summaries.map((r) => r.data_version))).toEqual(new Set(['6']));
    expect(summaries.map((r) => ({ ...r, data_version: '5' }))).toEqual(summariesBefore);
    await syncDataVersion(db);
    expect(await pluck<string>(db, `select value from meta where key = 'data_version'`)).toBe('6');
    const afterTarget = await answers(first.app);
    await first.goals.prepare();
    // The backtest was not built again (the same build, the same rows) ...
    expect(await pluck<string>(db, `select value from meta where key = 'backtest_build'`)).toBe(before.build);
    expect(await pluckAll<string>(db, 'select distinct build_key from backtest_pools')).toEqual([
      before.build,
    ]);
    // ... the goal shows the new target ...
    const goal = (
      JSON.parse(afterTarget[1] ?? '{}') as { goals: { id: string; targetChangePct: number }[] }
    ).goals.find((g) => g.id === 'K2-female');
    expect(goal?.targetChangePct).toBe(2.5);
    // ... and every answer, forecast intervals included, is what a server computing everything
    // of version 6 from nothing answers.
    await clearDerived(db);
    const recomputing = await server(db);
    expect(await answers(recomputing.app)).toEqual(afterTarget);
    await recomputing.goals.prepare();
    const rebuiltOfTarget = await stored(db);
    expect(rebuiltOfTarget.build).toMatch(/^5:/); // stored under its base, which version 6 names

    // Any other bump (an import, a migration's raw SQL) names no base: the backtest is built again.
    await db.db.transaction().execute((trx) => bumpDataVersion(trx));
    await syncDataVersion(db);
    const later = await server(db);
    await later.goals.prepare();
    expect(await pluck<string>(db, `select value from meta where key = 'backtest_build'`)).toMatch(/^7:/);
  });
});
