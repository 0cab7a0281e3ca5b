/**
 * Reference data the parsers need from the database, read once per import run as plain data
 * (regions, aliases, the Jobcenter directory, the wizard's saved mappings), and the loading of
 * the Jobcenter directory (data/reference/ba-jobcenters.csv) into its table.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from '../server/db/connection.js';
import { CsvReader } from './csv.js';
import type { ReferenceData } from './regions.js';
import { gridSpecSchema, type SavedMapping } from './wizard-mapping.js';

export const DEFAULT_JOBCENTERS_PATH = fileURLToPath(
  new URL('../data/reference/ba-jobcenters.csv', import.meta.url),
);

async function rowsOf(db: Db, text: string): Promise<Record<string, unknown>[]> {
  return (await sql.raw<Record<string, unknown>>(text).execute(db.db)).rows;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export async function loadReference(db: Db): Promise<ReferenceData> {
  return {
    regions: (await rowsOf(db, 'select id, name from regions')).map((r) => ({
      id: str(r.id),
      name: str(r.name),
    })),
    aliases: (await rowsOf(db, 'select alias, region_id from region_aliases')).map((r) => ({
      alias: str(r.alias),
      regionId: str(r.region_id),
    })),
    jobcenters: (await rowsOf(db, 'select id, name_ba, kreis_ags, kreis_name from jobcenters')).map((r) => ({
      id: str(r.id),
      nameBa: str(r.name_ba),
      kreisAgs: strOrNull(r.kreis_ags),
      kreisName: strOrNull(r.kreis_name),
    })),
  };
}

/** The saved wizard mappings, oldest first (a stored spec that no longer validates is skipped). */
export async function loadSavedMappings(db: Db): Promise<Pick<SavedMapping, 'pattern' | 'spec'>[]> {
  const out: Pick<SavedMapping, 'pattern' | 'spec'>[] = [];
  for (const r of await rowsOf(db, 'select pattern, spec from import_mappings order by id')) {
    try {
      const spec = gridSpecSchema.safeParse(JSON.parse(str(r.spec)));
      if (spec.success) out.push({ pattern: str(r.pattern), spec: spec.data });
    } catch {
      // not JSON: skipped (the check constraint keeps this from happening)
    }
  }
  return out;
}

/**
 * Loads the Jobcenter directory when its table is empty, and links every region whose id is a
 * directory key to the other key (Kreis Segeberg `01060` ↔ `t11522`). Returns the rows loaded.
 */
export async function loadJobcenterDirectory(db: Db, path = DEFAULT_JOBCENTERS_PATH): Promise<number> {
  let loaded = 0;
  if ((await rowsOf(db, 'select 1 from jobcenters limit 1')).length === 0) {
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    const reader = new CsvReader(text, ';');
    const header = reader.next() ?? [];
    const col = (name: string) => header.indexOf(name);
    const [id, name, ags, kreis] = ['jobcenter_id', 'name_ba', 'kreis_ags_derived', 'kreis_name_derived'].map(
      col,
    );
    if (id === undefined || name === undefined || id < 0 || name < 0) {
      throw new Error(`${path}: header must name jobcenter_id and name_ba`);
    }
    const rows: { id: string; name_ba: string; kreis_ags: string | null; kreis_name: string | null }[] = [];
    for (let f = reader.next(); f !== null; f = reader.next()) {
      const jc = f[id]?.trim() ?? '';
      if (!/^t\d{5}$/.test(jc)) continue;
      const a = ags !== undefined && ags >= 0 ? f[ags]?.trim() || null : null;
      const k = kreis !== undefined && kreis >= 0 ? f[kreis]?.trim() || null : null;
      rows.push({ id: jc, name_ba: f[name]?.trim() ?? jc, kreis_ags: a, kreis_name: k });
    }
    await db.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) {
        const r = await trx
          .insertInto('jobcenters')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        loaded += Number(r.numInsertedOrUpdatedRows ?? 0);
      }
    });
  }
  await linkDirectoryAliases(db);
  return loaded;
}

/**
 * For every region whose id is a Kreis key that exactly one Jobcenter covers, the Jobcenter's
 * id becomes an alias (and the other way round). Idempotent.
 */
export async function linkDirectoryAliases(db: Db): Promise<void> {
  await sql
    .raw(
      `insert into region_aliases (alias, region_id, source)
       select j.id, r.id, 'directory' from regions r
         join jobcenters j on j.kreis_ags = r.id
        where (select count(*) from jobcenters j2 where j2.kreis_ags = r.id) = 1
          and not exists (select 1 from regions r2 where r2.id = j.id)
       on conflict do nothing`,
    )
    .execute(db.db);
  await sql
    .raw(
      `insert into region_aliases (alias, region_id, source)
       select j.kreis_ags, r.id, 'directory' from regions r
         join jobcenters j on j.id = r.id
        where j.kreis_ags is not null
          and (select count(*) from jobcenters j2 where j2.kreis_ags = j.kreis_ags) = 1
          and not exists (select 1 from regions r2 where r2.id = j.kreis_ags)
       on conflict do nothing`,
    )
    .execute(db.db);
}
