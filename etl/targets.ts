/**
 * Loads an annual targets file (data/targets/<year>.csv): validated whole, then upserted into
 * `targets` in one transaction with a `target_history` row for every new or changed target.
 */
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { withWriteTransaction } from '../server/db/dialect/index.js';
import { bumpDataVersion, syncDataVersion } from '../server/db/repositories/meta.js';
import type { Database } from '../server/db/schema.js';
import type { Better, Gender } from '../server/domain/types.js';
import { CsvReader, detectSeparator, firstLine, isBlankRecord } from './csv.js';
import { decodeText } from './decode.js';
import { type EtlDeps, FileRejection, formatImportError } from './types.js';
import { GENDER_WORDS, normalizeLabel, parseGender, parseGermanNumber, parseRegionKey } from './values.js';

type Field =
  | 'region'
  | 'region_name'
  | 'year'
  | 'indicator'
  | 'gender'
  | 'target_change_pct'
  | 'better'
  | 'source';
const ALIASES: Record<Field, string[]> = {
  region: ['region', 'region_id', 'regionalschlüssel', 'jobcenter-nr.', 'schlüssel'],
  region_name: ['region_name', 'regionsname', 'name'],
  year: ['year', 'jahr'],
  indicator: ['indicator', 'kennzahl', 'indikator'],
  gender: ['gender', 'geschlecht'],
  target_change_pct: [
    'target_change_pct',
    'target',
    'ziel',
    'zielwert',
    'veränderung',
    'veraenderung',
    'zielveränderung',
  ],
  better: ['better', 'besser', 'richtung'],
  source: ['source', 'quelle'],
};
const REQUIRED: readonly Field[] = ['region', 'year', 'indicator', 'gender', 'target_change_pct'];
const BETTER: Record<string, Better> = {
  higher: 'higher',
  höher: 'higher',
  hoeher: 'higher',
  hoch: 'higher',
  lower: 'lower',
  niedriger: 'lower',
  niedrig: 'lower',
  tiefer: 'lower',
};

interface TargetRow {
  region: string;
  regionName: string | null;
  year: number;
  indicator: string;
  gender: Gender;
  pct: number;
  better: Better;
  source: string | null;
  line: number;
}

export interface TargetsResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Parses and validates a whole targets file. */
export function parseTargets(
  text: string,
  indicators: ReadonlyMap<string, { code: string; better: Better | null }>,
): TargetRow[] {
  const reader = new CsvReader(text, detectSeparator(firstLine(text)));
  const header = reader.next();
  if (!header) throw new FileRejection('Datei ist leer', null, 1, null);
  const labels = header.map((h) => h.trim());
  const col: Partial<Record<Field, number>> = {};
  labels.forEach((h, i) => {
    const n = normalizeLabel(h);
    for (const [field, names] of Object.entries(ALIASES) as [Field, string[]][]) {
      if (names.includes(n) && col[field] === undefined) col[field] = i;
    }
  });
  const missing = REQUIRED.filter((f) => col[f] === undefined);
  if (missing.length > 0) {
    throw new FileRejection(
      `Kopfzeile unvollständig: es fehlt ${missing.map((m) => `'${m}'`).join(', ')} (erwartet region;region_name;year;indicator;gender;target_change_pct;better;source)`,
      null,
      1,
      null,
    );
  }
  const get = (fields: string[], f: Field) => {
    const i = col[f];
    return i === undefined ? '' : (fields[i] ?? '').trim();
  };
  const name = (f: Field) => labels[col[f] ?? 0] ?? f;
  const out: TargetRow[] = [];
  const seen = new Map<string, TargetRow>();
  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    const line = reader.line;
    if (isBlankRecord(fields)) continue;
    const region = parseRegionKey(get(fields, 'region'));
    if (region === null)
      throw new FileRejection(
        `'${get(fields, 'region')}' ist kein Regionalschlüssel`,
        null,
        line,
        name('region'),
      );
    const yearText = get(fields, 'year');
    const year = Number(yearText);
    if (!/^\d{4}$/.test(yearText) || year < 2000 || year > 2100) {
      throw new FileRejection(`'${yearText}' ist kein Jahr (erwartet z. B. 2024)`, null, line, name('year'));
    }
    const indText = get(fields, 'indicator');
    const ind = indicators.get(indText.toUpperCase());
    if (!ind) {
      throw new FileRejection(
        `unbekannte Kennzahl '${indText}' (bekannt: ${[...indicators.values()].map((i) => i.code).join(', ')})`,
        null,
        line,
        name('indicator'),
      );
    }
    const gender = parseGender(get(fields, 'gender'));
    if (gender === null) {
      throw new FileRejection(
        `'${get(fields, 'gender')}' ist kein Geschlecht (erwartet ${GENDER_WORDS})`,
        null,
        line,
        name('gender'),
      );
    }
    const pctText = get(fields, 'target_change_pct');
    const pct = parseGermanNumber(pctText);
    if (pctText === '' || !Number.isFinite(pct) || Math.abs(pct) > 1000) {
      throw new FileRejection(
        `'${pctText}' ist keine Veränderung in % (erwartet z. B. 1,1 oder -0,4)`,
        null,
        line,
        name('target_change_pct'),
      );
    }
    const betterText = get(fields, 'better').toLowerCase();
    const better = betterText === '' ? ind.better : (BETTER[betterText] ?? null);
    if (better === null) {
      throw new FileRejection(
        betterText === ''
          ? `Richtung fehlt und ${ind.code} hat keine Voreinstellung: erwartet higher oder lower`
          : `'${get(fields, 'better')}' ist keine Richtung (erwartet higher oder lower)`,
        null,
        line,
        col.better === undefined ? null : name('better'),
      );
    }
    const row: TargetRow = {
      region,
      regionName: get(fields, 'region_name') || null,
      year,
      indicator: ind.code,
      gender,
      pct,
      better,
      source: get(fields, 'source') || null,
      line,
    };
    const key = `${region}|${year}|${ind.code}|${gender}`;
    const prev = seen.get(key);
    if (prev) {
      if (prev.pct === pct && prev.better === better) continue;
      throw new FileRejection(
        `Ziel für ${region}, ${year}, ${ind.code}, ${gender} doppelt mit anderem Wert (schon in Zeile ${prev.line})`,
        null,
        line,
        null,
      );
    }
    seen.set(key, row);
    out.push(row);
  }
  if (out.length === 0) throw new FileRejection('keine Zielzeilen unter der Kopfzeile', null, null, null);
  return out;
}

/**
 * Loads a targets file. Throws an Error whose message names file, row and column when the file
 * is not acceptable (nothing is written then).
 */
export async function loadTargetsFile(
  deps: EtlDeps,
  path: string,
  changedBy?: string,
): Promise<TargetsResult> {
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  const indicators = new Map<string, { code: string; better: Better | null }>();
  for (const r of await deps.db.db.selectFrom('indicators').select(['code', 'better']).execute()) {
    const b = r.better;
    indicators.set(r.code.toUpperCase(), {
      code: r.code,
      better: b === 'higher' || b === 'lower' ? b : null,
    });
  }
  let rows: TargetRow[];
  try {
    rows = parseTargets(decodeText(new Uint8Array(await readFile(path))).text, indicators);
  } catch (e) {
    if (e instanceof FileRejection) {
      throw new Error(
        formatImportError({ file: path, sheet: null, row: e.row, column: e.column, message: e.message }),
      );
    }
    throw new Error(`Datei ${path}: nicht lesbar: ${e instanceof Error ? e.message : String(e)}`);
  }

  const by = changedBy ?? null;
  const result = await withWriteTransaction(deps.db, ({ trx }) => writeTargets(trx, rows, now, by));
  await syncDataVersion(deps.db);
  deps.logger.info({ file: path, ...result }, 'targets loaded');
  return result;
}

/** Writes the targets in the caller's transaction, with a history row for each new or changed value. */
async function writeTargets(
  trx: Kysely<Database>,
  rows: readonly TargetRow[],
  now: string,
  by: string | null,
): Promise<TargetsResult> {
  const r: TargetsResult = { inserted: 0, updated: 0, unchanged: 0 };
  const history = (targetId: number, old: number | null, t: TargetRow) =>
    trx
      .insertInto('target_history')
      .values({
        target_id: targetId,
        old_change_pct: old,
        new_change_pct: t.pct,
        changed_at: now,
        changed_by: by,
        source: t.source,
      })
      .execute();
  for (const t of rows) {
    const region = await trx.selectFrom('regions').select('id').where('id', '=', t.region).executeTakeFirst();
    if (!region) {
      await trx
        .insertInto('regions')
        .values({
          id: t.region,
          name: t.regionName ?? t.region,
          kind: 'jobcenter',
          comparison_type: null,
          sample: 0,
          sample_as_of: null,
        })
        .execute();
    }
    const old = await trx
      .selectFrom('targets')
      .select(['id', 'target_change_pct', 'better', 'source'])
      .where('region_id', '=', t.region)
      .where('year', '=', t.year)
      .where('indicator_code', '=', t.indicator)
      .where('gender', '=', t.gender)
      .executeTakeFirst();
    if (!old) {
      const row = await trx
        .insertInto('targets')
        .values({
          region_id: t.region,
          year: t.year,
          indicator_code: t.indicator,
          gender: t.gender,
          target_change_pct: t.pct,
          better: t.better,
          source: t.source,
          updated_at: now,
          updated_by: by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await history(row.id, null, t);
      r.inserted++;
    } else if (old.target_change_pct !== t.pct || old.better !== t.better || old.source !== t.source) {
      await trx
        .updateTable('targets')
        .set({
          target_change_pct: t.pct,
          better: t.better,
          source: t.source,
          updated_at: now,
          updated_by: by,
        })
        .where('id', '=', old.id)
        .execute();
      if (old.target_change_pct !== t.pct) await history(old.id, old.target_change_pct, t);
      r.updated++;
    } else {
      r.unchanged++;
    }
  }
  if (r.inserted + r.updated > 0) await bumpDataVersion(trx);
  return r;
}
