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
  observations: number;
  firstMonth: string | null;
  lastMonth: string | null;
}

/** Every region, ordered by id. */
export async function listAllRegions(db: Kysely<Database>): Promise<Region[]> {
  return db.selectFrom('regions').selectAll().orderBy('id').execute();
}

export async function getRegion(db: Kysely<Database>, id: string): Promise<Region | undefined> {
  return db.selectFrom('regions').selectAll().where('id', '=', id).executeTakeFirst();
}
