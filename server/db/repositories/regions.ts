import type { Kysely } from 'kysely';
import type { Database, Region } from '../schema.js';

/** A region as the API shows it. */
export interface RegionInfo {
  id: string;
  name: string;
  kind: string;
  comparisonType: string | null;
  sample: boolean;
  sampleAsOf: string | null;
}

export function toRegionInfo(r: Region): RegionInfo {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    comparisonType: r.comparison_type,
    sample: r.sample === 1,
    sampleAsOf: r.sample_as_of,
  };
}

export interface RegionListItem extends RegionInfo {
  /** Other keys of the region (BA Jobcenter id, Kreis key). */
  aliases: string[];
  observations: number;
  firstMonth: string | null;
  lastMonth: string | null;
  /** The newest month with every figure the goals need (their default data month). */
  latestDataMonth: string | null;
}

/** Every region, ordered by id. */
export async function listAllRegions(db: Kysely<Database>): Promise<Region[]> {
  return db.selectFrom('regions').selectAll().orderBy('id').execute();
}

export async function getRegion(db: Kysely<Database>, id: string): Promise<Region | undefined> {
  return db.selectFrom('regions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every alias (lower-cased) → region id: the BA Jobcenter id beside the Kreis key, and back. */
export async function listRegionAliases(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('region_aliases').select(['alias', 'region_id']).execute();
  return new Map(rows.map((r) => [r.alias.toLowerCase(), r.region_id]));
}

/** The region a key means: its own id, or the region it is an alias of; undefined when unknown. */
export async function resolveRegionKey(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const direct = await db.selectFrom('regions').select('id').where('id', '=', key).executeTakeFirst();
  if (direct) return direct.id;
  const alias = await db
    .selectFrom('region_aliases')
    .select('region_id')
    .where((eb) => eb(eb.fn('lower', ['alias']), '=', key.toLowerCase()))
    .executeTakeFirst();
  return alias?.region_id;
}

/** Aliases of each region (for the region list and the set-up). */
export async function aliasesByRegion(db: Kysely<Database>): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('region_aliases')
    .select(['alias', 'region_id'])
    .orderBy('alias')
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.region_id, [...(out.get(r.region_id) ?? []), r.alias]);
  return out;
}
