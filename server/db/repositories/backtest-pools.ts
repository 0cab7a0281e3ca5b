/**
 * The stored forecast backtest (see goals/backtest-cache.ts): one row per pool (sample or real
 * regions), indicator, gender and origin month under a build key, and `meta.backtest_build`
 * naming the complete build that is served. A build writes its rows first (under its own key) and
 * is named in meta last, in the transaction that checks the data version, so that a reader never
 * sees half a build.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Gender } from '../../../core/vocabulary.js';
import type { Database } from '../schema.js';
import { yieldToLoop } from '../yield.js';

type Q = Kysely<Database> | Transaction<Database>;

const BUILD_META_KEY = 'backtest_build';

export interface PoolKey {
  sample: boolean;
  indicator: string;
  gender: Gender;
  originMonth: number;
}

/** What the forecast intervals need: each case's year and error (actual − forecast). */
export interface StoredPoolErrors extends PoolKey {
  years: number[];
  errors: number[];
}

/** Every figure of each case (the report). */
export interface StoredPool extends StoredPoolErrors {
  regions: string[];
  actual: number[];
  forecast: number[];
  naive: number[];
}

/** Rows per insert statement (each row holds a few hundred kB of JSON at most). */
const CHUNK = 20;

export async function insertBacktestPools(
  db: Q,
  buildKey: string,
  pools: readonly StoredPool[],
): Promise<void> {
  for (let i = 0; i < pools.length; i += CHUNK) {
    if (i > 0) await yieldToLoop();
    await db
      .insertInto('backtest_pools')
      .values(
        pools.slice(i, i + CHUNK).map((p) => ({
          build_key: buildKey,
          sample: p.sample ? 1 : 0,
          indicator_code: p.indicator,
          gender: p.gender,
          origin_month: p.originMonth,
          cases: p.errors.length,
          years: JSON.stringify(p.years),
          errors: JSON.stringify(p.errors),
          detail: JSON.stringify({
            regions: p.regions,
            actual: p.actual,
            forecast: p.forecast,
            naive: p.naive,
          }),
        })),
      )
      .execute();
  }
}

/** The complete build that is served ('' when none). */
export async function readBacktestBuild(db: Q): Promise<string> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', BUILD_META_KEY)
    .executeTakeFirst();
  return row?.value ?? '';
}

/**
 * Names `buildKey` as the served build and drops every other build's rows (call inside the
 * transaction that checked the data version).
 */
export async function publishBacktestBuild(trx: Q, buildKey: string): Promise<void> {
  await trx
    .insertInto('meta')
    .values({ key: BUILD_META_KEY, value: buildKey })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: buildKey }))
    .execute();
  await trx.deleteFrom('backtest_pools').where('build_key', '<>', buildKey).execute();
}

/** Drops one build's rows (a build that lost the race, or whose data version moved on). */
export async function deleteBacktestBuild(db: Q, buildKey: string): Promise<void> {
  await db.deleteFrom('backtest_pools').where('build_key', '=', buildKey).execute();
}

const numbers = (json: string): number[] => JSON.parse(json) as number[];

/** The years and errors of every pool of a build. */
export async function readBacktestErrors(db: Q, buildKey: string): Promise<StoredPoolErrors[]> {
  const rows = await db
    .selectFrom('backtest_pools')
    .select(['sample', 'indicator_code', 'gender', 'origin_month', 'years', 'errors'])
    .where('build_key', '=', buildKey)
    .execute();
  return rows.map((r) => ({
    sample: r.sample === 1,
    indicator: r.indicator_code,
    gender: r.gender,
    originMonth: r.origin_month,
    years: numbers(r.years),
    errors: numbers(r.errors),
  }));
}

/** Every case of one pool (sample or real), indicator and gender, by origin month. */
export async function readBacktestPool(
  db: Q,
  buildKey: string,
  pool: { sample: boolean; indicator: string; gender: Gender },
): Promise<StoredPool[]> {
  const rows = await db
    .selectFrom('backtest_pools')
    .select(['origin_month', 'years', 'errors', 'detail'])
    .where('build_key', '=', buildKey)
    .where('sample', '=', pool.sample ? 1 : 0)
    .where('indicator_code', '=', pool.indicator)
    .where('gender', '=', pool.gender)
    .orderBy('origin_month')
    .execute();
  return rows.map((r) => {
    const detail = JSON.parse(r.detail) as Pick<StoredPool, 'regions' | 'actual' | 'forecast' | 'naive'>;
    return {
      ...pool,
      originMonth: r.origin_month,
      years: numbers(r.years),
      errors: numbers(r.errors),
      regions: detail.regions,
      actual: detail.actual,
      forecast: detail.forecast,
      naive: detail.naive,
    };
  });
}
