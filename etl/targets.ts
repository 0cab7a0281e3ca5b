/**
 * Loads an annual targets file (data/targets/<year>.csv): validated whole, then upserted into
 * `targets` in one transaction with a `target_history` row for every new or changed target.
 */
import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { withWriteTransaction } from '../server/db/dialect/index.js';
import { bumpDataVersion, syncDataVersion } from '../server/db/repositories/meta.js';
import { decideTargetWrite } from '../server/db/repositories/targets.js';
import type { Database } from '../server/db/schema.js';
import type { Better, Gender, PlanGoalKind } from '../server/domain/types.js';
import { CsvReader, detectSeparator, firstLine, isBlankRecord } from './csv.js';
import { decodeText } from './decode.js';
import { PLAN_KINDS, type PlanTargetRow, parsePlanRow, writePlanTargets } from './plan-targets.js';
import { type EtlDeps, FileRejection, formatImportError } from './types.js';
import {
  GENDER_WORDS,
  normalizeLabel,
  parseFileRegionKey,
  parseGender,
  parseGermanNumber,
} from './values.js';

type Field =
  | 'region'
  | 'region_name'
  | 'year'
  | 'indicator'
  | 'gender'
  | 'target_change_pct'
  | 'better'
  | 'source'
  | 'kind'
  | 'plan'
  | 'tolerance_pct'
  | 'band_pct'
  | 'profile';
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
  kind: ['kind', 'art', 'zielart'],
  plan: ['plan', 'jahresplan', 'planwert'],
  tolerance_pct: ['tolerance_pct', 'toleranz'],
  band_pct: ['band_pct', 'band', 'bandbreite'],
  profile: ['profile', 'verlauf', 'profil'],
};
/** `target_change_pct` is required on change rows, `plan` on plan rows (checked per row). */
const REQUIRED: readonly Field[] = ['region', 'year', 'indicator', 'gender'];
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

/** What a targets file holds: Tabelle 3 change targets and plan targets. */
export interface ParsedTargets {
  change: TargetRow[];
  plan: PlanTargetRow[];
}

interface IndicatorEntry {
  code: string;
  better: Better | null;
  unit: string;
}

export interface TargetsResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A row's cells read through the header: by field, with the file's own column label for errors. */
interface TargetCells {
  get(fields: string[], f: Field): string;
  /** The file's label of a field's column (for errors), the field name if absent. */
  name(f: Field): string;
  labelOf(f: string): string | null;
  has(f: Field): boolean;
}

/** Parses and validates a whole targets file. */
export function parseTargets(text: string, indicators: ReadonlyMap<string, IndicatorEntry>): ParsedTargets {
  const reader = new CsvReader(text, detectSeparator(firstLine(text)));
  const header = reader.next();
  if (!header) throw new FileRejection('Datei ist leer', null, 1, null);
  const cells = readHeader(header);
  const out: TargetRow[] = [];
  const plans: PlanTargetRow[] = [];
  const seen = new Map<string, TargetRow>();
  const seenPlans = new Map<string, number>();
  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    const line = reader.line;
    if (isBlankRecord(fields)) continue;
    const { region, year, ind } = parseRowKey(cells, fields, line, indicators);
    const kind = kindOf(cells.get(fields, 'kind'), line, cells.has('kind') ? cells.name('kind') : null);
    if (kind !== 'change') {
      plans.push(parsePlanLine(cells, fields, line, { region, year, ind, kind }, seenPlans));
      continue;
    }
    const row = parseChangeLine(cells, fields, line, { region, year, ind });
    const key = `${region}|${year}|${ind.code}|${row.gender}`;
    const prev = seen.get(key);
    if (prev) {
      if (prev.pct === row.pct && prev.better === row.better) continue;
      throw new FileRejection(
        `Ziel für ${region}, ${year}, ${ind.code}, ${row.gender} doppelt mit anderem Wert (schon in Zeile ${prev.line})`,
        null,
        line,
        null,
      );
    }
    seen.set(key, row);
    out.push(row);
  }
  if (out.length + plans.length === 0)
    throw new FileRejection('keine Zielzeilen unter der Kopfzeile', null, null, null);
  return { change: out, plan: plans };
}

/** Maps the header's labels to fields; rejects a header without the required columns. */
function readHeader(header: string[]): TargetCells {
  const labels = header.map((h) => h.trim());
  const col: Partial<Record<Field, number>> = {};
  labels.forEach((h, i) => {
    const n = normalizeLabel(h);
    for (const [field, names] of Object.entries(ALIASES) as [Field, string[]][]) {
      if (names.includes(n) && col[field] === undefined) col[field] = i;
    }
  });
  const missing: Field[] = REQUIRED.filter((f) => col[f] === undefined);
  // A file needs a change column (Tabelle 3) or a plan column (plan goals), or both.
  if (col.target_change_pct === undefined && col.plan === undefined) missing.push('target_change_pct');
  if (missing.length > 0) {
    throw new FileRejection(
      `Kopfzeile unvollständig: es fehlt ${missing.map((m) => `'${m}'`).join(', ')} (erwartet region;region_name;year;indicator;gender;kind;target_change_pct;plan;better;tolerance_pct;band_pct;profile;source)`,
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
  const labelOf = (f: string) => {
    const i = col[f as Field];
    return i === undefined ? null : (labels[i] ?? f);
  };
  return { get, name, labelOf, has: (f) => col[f] !== undefined };
}

/** The region, year and indicator every row names. */
function parseRowKey(
  { get, name }: TargetCells,
  fields: string[],
  line: number,
  indicators: ReadonlyMap<string, IndicatorEntry>,
): { region: string; year: number; ind: IndicatorEntry } {
  const region = parseFileRegionKey(get(fields, 'region'));
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
  return { region, year, ind };
}

/** A plan-goal row (cumulative, budget, capacity); a second plan for the same key is rejected. */
function parsePlanLine(
  { get, name, labelOf }: TargetCells,
  fields: string[],
  line: number,
  at: { region: string; year: number; ind: IndicatorEntry; kind: PlanGoalKind },
  seenPlans: Map<string, number>,
): PlanTargetRow {
  const { region, year, ind, kind } = at;
  const cells = { get: (f: string) => get(fields, f as Field), label: (f: string) => labelOf(f), line };
  const genderText = get(fields, 'gender');
  if (genderText !== '' && parseGender(genderText) !== 'total') {
    throw new FileRejection(
      `Planziele gelten für alle (insgesamt), nicht '${genderText}'`,
      null,
      line,
      name('gender'),
    );
  }
  const regionName = get(fields, 'region_name') || null;
  const plan = parsePlanRow(cells, { region, regionName, year, indicator: ind.code, unit: ind.unit }, kind);
  const key = `${region}|${year}|${ind.code}`;
  const first = seenPlans.get(key);
  if (first !== undefined) {
    throw new FileRejection(
      `Plan für ${region}, ${year}, ${ind.code} doppelt (schon in Zeile ${first})`,
      null,
      line,
      null,
    );
  }
  seenPlans.set(key, line);
  return plan;
}

/** A Tabelle 3 change-target row. */
function parseChangeLine(
  { get, name, has }: TargetCells,
  fields: string[],
  line: number,
  at: { region: string; year: number; ind: IndicatorEntry },
): TargetRow {
  const { region, year, ind } = at;
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
      has('target_change_pct') ? name('target_change_pct') : null,
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
      has('better') ? name('better') : null,
    );
  }
  return {
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
}

/** The kind of a row: empty or `change` for Tabelle 3 rows, else a plan kind. */
function kindOf(text: string, line: number, column: string | null): 'change' | PlanGoalKind {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'change' || t === 'veränderung') return 'change';
  const kind = PLAN_KINDS[t];
  if (kind === undefined) {
    throw new FileRejection(
      `'${text}' ist keine Zielart (erwartet change, cumulative, budget oder capacity)`,
      null,
      line,
      column,
    );
  }
  return kind;
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
  const indicators = new Map<string, IndicatorEntry>();
  for (const r of await deps.db.db.selectFrom('indicators').select(['code', 'better', 'unit']).execute()) {
    const b = r.better;
    indicators.set(r.code.toUpperCase(), {
      code: r.code,
      better: b === 'higher' || b === 'lower' ? b : null,
      unit: 'unit' in r && typeof r.unit === 'string' ? r.unit : 'count',
    });
  }
  let parsed: ParsedTargets;
  try {
    parsed = parseTargets(decodeText(new Uint8Array(await readFile(path))).text, indicators);
  } catch (e) {
    if (e instanceof FileRejection) {
      throw new Error(
        formatImportError({ file: path, sheet: null, row: e.row, column: e.column, message: e.message }),
      );
    }
    throw new Error(`Datei ${path}: nicht lesbar: ${e instanceof Error ? e.message : String(e)}`);
  }

  const by = changedBy ?? null;
  const rows = parsed.change;
  const result = await withWriteTransaction(deps.db, async ({ trx }) => {
    const r: TargetsResult = { inserted: 0, updated: 0, unchanged: 0 };
    for (const t of parsed.plan) await ensureRegion(trx, t.region, t.regionName);
    const p = await writePlanTargets(trx, parsed.plan, now, by);
    r.inserted += p.inserted;
    r.updated += p.updated;
    r.unchanged += p.unchanged;
    const c = await writeTargets(trx, rows, now, by);
    r.inserted += c.inserted;
    r.updated += c.updated;
    r.unchanged += c.unchanged;
    if (c.inserted + c.updated === 0 && r.inserted + r.updated > 0) await bumpDataVersion(trx);
    return r;
  });
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
  for (const t of rows) {
    await ensureRegion(trx, t.region, t.regionName);
    const old = await trx
      .selectFrom('targets')
      .select(['id', 'target_change_pct', 'better', 'source'])
      .where('region_id', '=', t.region)
      .where('year', '=', t.year)
      .where('indicator_code', '=', t.indicator)
      .where('gender', '=', t.gender)
      .executeTakeFirst();
    // The one write rule for targets, shared with the API (server/db/repositories/targets.ts).
    const write = decideTargetWrite(old, { targetChangePct: t.pct, better: t.better, source: t.source });
    if (write.kind === 'none') {
      r.unchanged++;
      continue;
    }
    const stamp = { ...write.fields, updated_at: now, updated_by: by };
    let id: number;
    if (old !== undefined) {
      await trx.updateTable('targets').set(stamp).where('id', '=', old.id).execute();
      id = old.id;
    } else {
      const row = await trx
        .insertInto('targets')
        .values({
          region_id: t.region,
          year: t.year,
          indicator_code: t.indicator,
          gender: t.gender,
          ...stamp,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    await trx
      .insertInto('target_history')
      .values({ target_id: id, ...write.history, changed_at: now, changed_by: by })
      .execute();
    if (old === undefined) r.inserted++;
    else r.updated++;
  }
  if (r.inserted + r.updated > 0) await bumpDataVersion(trx);
  return r;
}

/** Inserts the region (named as in the file) unless it is known. */
async function ensureRegion(trx: Kysely<Database>, id: string, name: string | null): Promise<void> {
  const region = await trx.selectFrom('regions').select('id').where('id', '=', id).executeTakeFirst();
  if (region) return;
  await trx
    .insertInto('regions')
    .values({ id, name: name ?? id, kind: 'jobcenter', comparison_type: null, sample: 0, sample_as_of: null })
    .execute();
}
