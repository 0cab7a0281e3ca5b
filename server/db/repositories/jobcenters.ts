import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { bumpDataVersion } from './meta.js';

export interface JobcenterItem {
  id: string;
  nameBa: string;
  /** Derived from the label, not official. */
  kreisAgs: string | null;
  kreisName: string | null;
  /** The region this Jobcenter's files land in, when one exists. */
  regionId: string | null;
}

/** The Jobcenter directory, by label, with the region each one maps to (id or alias). */
export async function listJobcenters(db: Kysely<Database>): Promise<JobcenterItem[]> {
  const rows = await db
    .selectFrom('jobcenters as j')
    .leftJoin('region_aliases as a', 'a.alias', 'j.id')
    .leftJoin('regions as r', 'r.id', 'j.id')
    .select(['j.id', 'j.name_ba', 'j.kreis_ags', 'j.kreis_name', 'a.region_id', 'r.id as own_id'])
    .orderBy('j.name_ba')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    nameBa: r.name_ba,
    kreisAgs: r.kreis_ags,
    kreisName: r.kreis_name,
    regionId: r.own_id ?? r.region_id ?? null,
  }));
}

export async function getJobcenter(db: Kysely<Database>, id: string) {
  return db.selectFrom('jobcenters').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The Jobcenter chosen at set-up (meta `home_region`), or null. */
export async function getHomeRegion(db: Kysely<Database>): Promise<string | null> {
  const r = await db.selectFrom('meta').select('value').where('key', '=', 'home_region').executeTakeFirst();
  return r?.value ?? null;
}

/**
 * Set-up: one's own Jobcenter becomes a region (or the region holding its Kreis key gets its id
 * as an alias), and the home region. Returns the region id.
 */
export async function chooseHomeJobcenter(db: Kysely<Database>, jobcenterId: string): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const jc = await trx
      .selectFrom('jobcenters')
      .selectAll()
      .where('id', '=', jobcenterId)
      .executeTakeFirst();
    if (!jc) return null;
    const alias = await trx
      .selectFrom('region_aliases')
      .select('region_id')
      .where('alias', '=', jc.id)
      .executeTakeFirst();
    const own = await trx.selectFrom('regions').select('id').where('id', '=', jc.id).executeTakeFirst();
    let regionId = own?.id ?? alias?.region_id ?? null;
    if (regionId === null && jc.kreis_ags !== null) {
      const kreis = await kreisKey(trx, jc.kreis_ags);
      if (kreis.alone && kreis.regionExists) {
        regionId = jc.kreis_ags;
        await addSetupAlias(trx, jc.id, jc.kreis_ags);
      }
    }
    if (regionId === null) {
      regionId = jc.id;
      await trx
        .insertInto('regions')
        .values({
          id: jc.id,
          name: jc.name_ba,
          kind: 'jobcenter',
          comparison_type: null,
          sample: 0,
          sample_as_of: null,
        })
        .execute();
      if (jc.kreis_ags !== null) {
        const kreis = await kreisKey(trx, jc.kreis_ags);
        if (kreis.alone && !kreis.regionExists) await addSetupAlias(trx, jc.kreis_ags, jc.id);
      }
    }
    await trx
      .insertInto('meta')
      .values({ key: 'home_region', value: regionId })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: regionId }))
      .execute();
    // Regions changed: cached goal data and region lists are rebuilt.
    await bumpDataVersion(trx);
    return regionId;
  });
}

/** Whether a Kreis key belongs to one Jobcenter alone, and whether a region has it as its id. */
async function kreisKey(
  trx: Kysely<Database>,
  kreisAgs: string,
): Promise<{ alone: boolean; regionExists: boolean }> {
  const shared = await trx.selectFrom('jobcenters').select('id').where('kreis_ags', '=', kreisAgs).execute();
  const region = await trx.selectFrom('regions').select('id').where('id', '=', kreisAgs).executeTakeFirst();
  return { alone: shared.length === 1, regionExists: region !== undefined };
}

async function addSetupAlias(trx: Kysely<Database>, alias: string, regionId: string): Promise<void> {
  await trx
    .insertInto('region_aliases')
    .values({ alias, region_id: regionId, source: 'setup' })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
