/**
 * A small hand-made data set for the API tests, inserted directly with SQL into a fresh migrated
 * in-memory database. The numbers follow simple rules so that expected figures can be computed by
 * hand in the tests (the arithmetic is written next to each assertion).
 *
 * Region A '01060' "Kreis Segeberg" (Vergleichstyp IIb), months 2022-12 .. 2024-12 (25 months),
 * i = month of year (1..12):
 *   total  INT: 2022-12 15;  2023: 20 + i (21..32);     2024: 22 + i (23..34)
 *          ELB: 2022-12 1000; 2023: 1000 + 10 i (1010..1120); 2024: 1120 + 5 i (1125..1180)
 *          LZB: 2022-12 600;  2023: 600 + 2 i (602..624);  2024: 630 - i (629..618)
 *   female INT: 2022-12 8;  2023: 10 + i;  2024: 11 + i
 *          ELB: 2022-12 500;  2023: 500 + 5 i;  2024: 560 + 2 i
 *          LZB: 2022-12 300;  2023: 300 + i;   2024: 312 + i
 *   male   like female, but INT 2024-02 is suppressed ('*')
 *   INT total 2024-02 was revised (revision_count 1, one revisions row 25 → 24).
 *   Published (K2_BA, K3_BA) total 2024-03: K2 29.9, K3 5.0.
 *   Targets 2024: the six rows of AIP Tabelle 3.
 * Region B '09999' named like a formula (for the CSV injection test), Vergleichstyp IIb, the same
 *   25 months, total only: INT 30, ELB 2000, LZB 1400 every month. Target 2024: K2 total +1.0.
 */

import { month as M } from '../../core/months.js';
import { createApp } from '../../server/app.js';
import { createAppDeps } from '../../server/app-deps.js';
import { type Config, testConfig } from '../../server/config.js';
import { type Db, openDatabase } from '../../server/db/connection.js';
import { syncDataVersion } from '../../server/db/repositories/meta.js';
import type { Gender, ValueFlag } from '../../server/db/schema.js';
import type { AppDeps } from '../../server/deps.js';
import { openTestDb } from '../helpers/db.js';

export const REGION_A = '01060';
export const REGION_B = '09999';
export const REGION_B_NAME = '=HYPERLINK("http://evil.example","Klick")';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const LOADED_AT = '2025-01-20T06:00:00.000Z';

type Row = [
  region: string,
  code: string,
  gender: string,
  month: string,
  value: number | null,
  flag: string | null,
];

function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, k) => `${year}-${String(k + 1).padStart(2, '0')}`);
}

export function fixtureRows(): Row[] {
  const rows: Row[] = [];
  const add = (
    region: string,
    code: string,
    gender: string,
    month: string,
    value: number | null,
    flag = null,
  ) => rows.push([region, code, gender, month, value, flag]);
  // Region A, total
  add(REGION_A, 'INT', 'total', '2022-12', 15);
  add(REGION_A, 'ELB', 'total', '2022-12', 1000);
  add(REGION_A, 'LZB', 'total', '2022-12', 600);
  monthsOf(2023).forEach((m, k) => {
    const i = k + 1;
    add(REGION_A, 'INT', 'total', m, 20 + i);
    add(REGION_A, 'ELB', 'total', m, 1000 + 10 * i);
    add(REGION_A, 'LZB', 'total', m, 600 + 2 * i);
  });
  monthsOf(2024).forEach((m, k) => {
    const i = k + 1;
    add(REGION_A, 'INT', 'total', m, 22 + i);
    add(REGION_A, 'ELB', 'total', m, 1120 + 5 * i);
    add(REGION_A, 'LZB', 'total', m, 630 - i);
  });
  // Region A, female and male
  for (const g of ['female', 'male']) {
    add(REGION_A, 'INT', g, '2022-12', 8);
    add(REGION_A, 'ELB', g, '2022-12', 500);
    add(REGION_A, 'LZB', g, '2022-12', 300);
    monthsOf(2023).forEach((m, k) => {
      const i = k + 1;
      add(REGION_A, 'INT', g, m, 10 + i);
      add(REGION_A, 'ELB', g, m, 500 + 5 * i);
      add(REGION_A, 'LZB', g, m, 300 + i);
    });
    monthsOf(2024).forEach((m, k) => {
      const i = k + 1;
      if (g === 'male' && m === '2024-02') rows.push([REGION_A, 'INT', g, m, null, '*']);
      else add(REGION_A, 'INT', g, m, 11 + i);
      add(REGION_A, 'ELB', g, m, 560 + 2 * i);
      add(REGION_A, 'LZB', g, m, 312 + i);
    });
  }
  add(REGION_A, 'K2_BA', 'total', '2024-03', 29.9);
  add(REGION_A, 'K3_BA', 'total', '2024-03', 5.0);
  // Region B, total only
  for (const m of ['2022-12', ...monthsOf(2023), ...monthsOf(2024)]) {
    add(REGION_B, 'INT', 'total', m, 30);
    add(REGION_B, 'ELB', 'total', m, 2000);
    add(REGION_B, 'LZB', 'total', m, 1400);
  }
  return rows;
}

export const TARGETS_2024: [indicator: string, gender: string, pct: number, better: string][] = [
  ['K2', 'female', 1.1, 'higher'],
  ['K2', 'male', -1.0, 'higher'],
  ['K2', 'total', -0.4, 'higher'],
  ['K3', 'female', 7.8, 'lower'],
  ['K3', 'male', 3.9, 'lower'],
  ['K3', 'total', 6.0, 'lower'],
];

/** Inserts the fixture into a migrated database (SQLite or PostgreSQL). */
export async function insertFixture(db: Db): Promise<void> {
  const k = db.db;
  await k
    .insertInto('regions')
    .values(
      [REGION_A, REGION_B].map((id, i) => ({
        id,
        name: i === 0 ? 'Kreis Segeberg' : REGION_B_NAME,
        kind: 'jobcenter',
        comparison_type: 'IIb',
        sample: 0,
        sample_as_of: null,
      })),
    )
    .execute();
  const all = fixtureRows().map(([region_id, indicator_code, gender, month, value, flag]) => ({
    region_id,
    indicator_code,
    gender: gender as Gender,
    month: M(month),
    value,
    flag: flag as ValueFlag | null,
    source_file_id: null,
    loaded_at: LOADED_AT,
    revision_count: 0,
    provisional: 0,
  }));
  for (let i = 0; i < all.length; i += 500)
    await k
      .insertInto('observations')
      .values(all.slice(i, i + 500))
      .execute();
  // INT total 2024-02 was first loaded as 25 and corrected to 24 (= 22 + 2).
  const obs = await k
    .updateTable('observations')
    .set({ revision_count: 1 })
    .where('region_id', '=', REGION_A)
    .where('indicator_code', '=', 'INT')
    .where('gender', '=', 'total')
    .where('month', '=', M('2024-02'))
    .returning('month')
    .executeTakeFirst();
  if (!obs) throw new Error('fixture: observation missing');
  await k
    .insertInto('revisions')
    .values({
      region_id: REGION_A,
      indicator_code: 'INT',
      gender: 'total',
      month: M('2024-02'),
      old_value: 25,
      old_flag: null,
      old_provisional: 0,
      new_provisional: 0,
      new_value: 24,
      new_flag: null,
      changed_at: '2024-07-20T06:00:00.000Z',
      source_file_id: null,
      import_run_id: null,
    })
    .execute();
  const target = (region: string, ind: string, g: string, pct: number, better: string) => ({
    region_id: region,
    year: 2024,
    indicator_code: ind,
    gender: g as Gender,
    target_change_pct: pct,
    better: better as 'higher' | 'lower',
    source: 'AIP 2024, Tabelle 3',
    updated_at: '2024-01-15T00:00:00.000Z',
    updated_by: null,
  });
  await k
    .insertInto('targets')
    .values([
      ...TARGETS_2024.map(([ind, g, pct, better]) => target(REGION_A, ind, g, pct, better)),
      target(REGION_B, 'K2', 'total', 1.0, 'higher'),
    ])
    .execute();
  await k.updateTable('meta').set({ value: '1' }).where('key', '=', 'data_version').execute();
  await syncDataVersion(db);
}

export interface TestContext {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  db: Db;
  config: Config;
}

/** A fresh in-memory database with the fixture, and the app over it. */
export async function setup(
  options: {
    env?: Record<string, string>;
    now?: string;
    fixture?: boolean;
    maxExportRows?: number;
    /** A database file instead of ':memory:' (tests of concurrent connections). */
    databasePath?: string;
  } = {},
): Promise<TestContext> {
  // A file path is SQLite (tests of concurrent connections); otherwise the suite's engine.
  const db = options.databasePath ? await openDatabase(options.databasePath) : await openTestDb();
  if (options.fixture ?? true) await insertFixture(db);
  const config = testConfig({ ADMIN_TOKEN, ...options.env });
  // 1 May 2025: before the 25th, so the BA should have published December 2024 (lag 4 + 1).
  const now = new Date(options.now ?? '2025-05-01T10:00:00Z');
  const deps = await createAppDeps({ db, config, clock: () => now, build: 'test-build' });
  return {
    app: createApp(deps, { maxExportRows: options.maxExportRows }),
    deps,
    db,
    config,
  };
}

/** GET and parse JSON, failing loudly on a non-JSON answer. */
export async function getJson(ctx: TestContext, path: string, init?: RequestInit) {
  const res = await ctx.app.request(path, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${path}: not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { res, status: res.status, body };
}
