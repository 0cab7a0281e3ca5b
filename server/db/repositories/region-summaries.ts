import { type Kysely, sql, type Transaction } from 'kysely';
import type { Month } from '../../../core/vocabulary.js';
import type { Database } from '../schema.js';
import { yieldToLoop } from '../yield.js';
import { replaceAllRows } from './replace-all.js';

/** What a region holds, as /api/regions and the default period need it. */
export interface RegionSummary {
  regionId: string;
  observations: number;
  firstMonth: Month | null;
  lastMonth: Month | null;
  /** Latest month in which every one of the data-month codes (total) is present. */
  latestDataMonth: Month | null;
  loadedAt: string | null;
}

type Q = Kysely<Database> | Transaction<Database>;

/** Regions aggregated per read: each read is short, so a server's event loop stays responsive. */
const REGIONS_PER_READ = 32;

/**
 * Aggregates every region's observations (two grouped reads over the covering index per group of
 * regions, once per data version, yielding to the event loop between groups: one read over the
 * whole national table blocked a server's requests for seconds). `dataMonthCodes` are the base
 * counts that must all be present (gender total) for a month to count as a data month.
 */
export async function aggregateRegionSummaries(
  db: Q,
  dataMonthCodes: readonly string[],
): Promise<RegionSummary[]> {
  const regions = (await db.selectFrom('regions').select('id').orderBy('id').execute()).map((r) => r.id);
  const out: RegionSummary[] = [];
  for (let i = 0; i < regions.length; i += REGIONS_PER_READ) {
    if (i > 0) await yieldToLoop();
    out.push(...(await aggregateGroup(db, regions.slice(i, i + REGIONS_PER_READ), dataMonthCodes)));
  }
  return out;
}

async function aggregateGroup(
  db: Q,
  regions: readonly string[],
  dataMonthCodes: readonly string[],
): Promise<RegionSummary[]> {
  const [counts, latest] = await Promise.all([
    db
      .selectFrom('observations')
      .select((eb) => [
        'region_id',
        eb.fn.countAll<number>().as('n'),
        eb.fn.min<Month>('month').as('first_month'),
        eb.fn.max<Month>('month').as('last_month'),
        eb.fn.max<string>('loaded_at').as('loaded_at'),
      ])
      .where('region_id', 'in', [...regions])
      .groupBy('region_id')
      .execute(),
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('observations')
          .select(['region_id', 'month'])
          .where('region_id', 'in', [...regions])
          .where('gender', '=', 'total')
          .where('indicator_code', 'in', [...dataMonthCodes])
          .groupBy(['region_id', 'month'])
          .having((h) => h.fn.count('indicator_code').distinct(), '=', dataMonthCodes.length)
          .as('d'),
      )
      .select((eb) => ['d.region_id', eb.fn.max<Month>('d.month').as('month')])
      .groupBy('d.region_id')
      .execute(),
  ]);
  const byRegion = new Map(counts.map((c) => [c.region_id, c]));
  const latestBy = new Map(latest.map((l) => [l.region_id, l.month]));
  return regions.map((id) => {
    const c = byRegion.get(id);
    return {
      regionId: id,
      observations: Number(c?.n ?? 0),
      firstMonth: c?.first_month ?? null,
      lastMonth: c?.last_month ?? null,
      latestDataMonth: latestBy.get(id) ?? null,
      loadedAt: c?.loaded_at ?? null,
    };
  });
}

/** Replaces every summary with `rows`, built from `dataVersion` (call inside a transaction). */
export async function replaceRegionSummaries(
  db: Q,
  dataVersion: string,
  rows: readonly RegionSummary[],
): Promise<void> {
  const stored = rows.map((r) => ({
    region_id: r.regionId,
    data_version: dataVersion,
    observations: r.observations,
    first_month: r.firstMonth,
    last_month: r.lastMonth,
    latest_data_month: r.latestDataMonth,
    loaded_at: r.loadedAt,
  }));
  await replaceAllRows(db, 'region_summaries', stored, 500);
}

/** The stored summaries when they were built from `dataVersion`; null when outdated or absent. */
export async function readRegionSummaries(db: Q, dataVersion: string): Promise<RegionSummary[] | null> {
  const rows = await db.selectFrom('region_summaries').selectAll().orderBy('region_id').execute();
  if (rows.length === 0 || rows.some((r) => r.data_version !== dataVersion)) return null;
  return rows.map((r) => ({
    regionId: r.region_id,
    observations: r.observations,
    firstMonth: r.first_month,
    lastMonth: r.last_month,
    latestDataMonth: r.latest_data_month,
    loadedAt: r.loaded_at,
  }));
}

/**
 * The same aggregation as aggregateRegionSummaries, stored for `dataVersion` in one statement
 * (SQL both engines accept): for use inside an import's write transaction, so that no reader sees
 * the new version without its summaries. tests/api/goal-precompute.test.ts checks that both agree.
 */
export async function storeRegionSummariesIn(
  db: Q,
  dataVersion: string,
  dataMonthCodes: readonly string[],
): Promise<void> {
  const codes = sql.join(dataMonthCodes.map((c) => sql`${c}`));
  await db.deleteFrom('region_summaries').execute();
  await sql`insert into region_summaries
         (region_id, data_version, observations, first_month, last_month, latest_data_month, loaded_at)
       select r.id, ${dataVersion}, coalesce(c.n, 0), c.first_month, c.last_month, l.month, c.loaded_at
       from regions r
       left join (select region_id, count(*) as n, min(month) as first_month, max(month) as last_month,
                         max(loaded_at) as loaded_at
                  from observations group by region_id) c on c.region_id = r.id
       left join (select region_id, max(month) as month
                  from (select region_id, month from observations
                        where gender = 'total' and indicator_code in (${codes})
                        group by region_id, month
                        having count(distinct indicator_code) = ${dataMonthCodes.length}) m
                  group by region_id) l on l.region_id = r.id`.execute(db);
}
