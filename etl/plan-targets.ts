/**
 * The plan rows of a targets file (kind `cumulative`, `budget` or `capacity`): an annual plan
 * instead of a planned change. Parsed and validated here, written into `plan_targets` (with a
 * `plan_target_history` row per new or changed plan) inside the targets file's transaction.
 * See data/targets/README.md for the columns.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../server/db/schema.js';
import type { Direction, PlanGoalKind } from '../server/domain/types.js';
import { FileRejection } from './types.js';
import { parseGermanNumber } from './values.js';

export const PLAN_KINDS: Record<string, PlanGoalKind> = {
  cumulative: 'cumulative',
  kumuliert: 'cumulative',
  anzahl: 'cumulative',
  budget: 'budget',
  capacity: 'capacity',
  plätze: 'capacity',
  plaetze: 'capacity',
  kapazität: 'capacity',
};

const DIRECTIONS: Record<string, Direction> = {
  higher: 'higher',
  höher: 'higher',
  hoeher: 'higher',
  lower: 'lower',
  niedriger: 'lower',
  both: 'both',
  beide: 'both',
  beides: 'both',
};

/** Without a `better` column: falling short is bad for counts and places; for budgets both sides. */
const DEFAULT_DIRECTION: Record<PlanGoalKind, Direction> = {
  cumulative: 'higher',
  budget: 'both',
  capacity: 'higher',
};

export interface PlanTargetRow {
  region: string;
  regionName: string | null;
  year: number;
  indicator: string;
  kind: PlanGoalKind;
  plan: number;
  better: Direction;
  tolerancePct: number;
  bandPct: number | null;
  profile: 'pro_rata' | 'last_year' | 'explicit';
  /** JSON array of 12 weights for `explicit`. */
  weights: string | null;
  source: string | null;
  line: number;
}

/** The cells of one row by field, and the header label of a field (for error messages). */
export interface RowCells {
  get(field: string): string;
  label(field: string): string | null;
  line: number;
}

function number(cells: RowCells, field: string, what: string, min: number, max: number): number | null {
  const text = cells.get(field);
  if (text === '') return null;
  const n = parseGermanNumber(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new FileRejection(`'${text}' ist ${what}`, null, cells.line, cells.label(field));
  }
  return n;
}

function profileOf(cells: RowCells, kind: PlanGoalKind): Pick<PlanTargetRow, 'profile' | 'weights'> {
  const text = cells.get('profile').toLowerCase();
  if (text === '' || text === 'pro_rata' || text === 'anteilig' || kind === 'capacity') {
    return { profile: 'pro_rata', weights: null };
  }
  if (text === 'last_year' || text === 'vorjahr') return { profile: 'last_year', weights: null };
  const parts = text.split(/[|/ ]+/).filter((p) => p !== '');
  const weights = parts.map(parseGermanNumber);
  if (weights.length !== 12 || weights.some((w) => !(w >= 0)) || weights.every((w) => w === 0)) {
    throw new FileRejection(
      `'${cells.get('profile')}' ist kein Verlauf: erwartet pro_rata, last_year oder 12 Monatsgewichte ≥ 0 getrennt durch | (z. B. 6|7|9|9|8|7|6|8|12|11|10|7)`,
      null,
      cells.line,
      cells.label('profile'),
    );
  }
  return { profile: 'explicit', weights: JSON.stringify(weights) };
}

/**
 * A plan row: `plan` is required (≥ 0), `better` higher/lower/both (default by kind),
 * `tolerance_pct` ≥ 0 (default 0), `band_pct` ≥ 0 (default: the configured band), `profile`.
 */
export function parsePlanRow(
  cells: RowCells,
  key: { region: string; regionName: string | null; year: number; indicator: string; unit: string },
  kind: PlanGoalKind,
): PlanTargetRow {
  const plan = number(
    cells,
    'plan',
    'kein Jahresplan (erwartet eine Zahl ≥ 0, z. B. 250 oder 6.400.000)',
    0,
    1e12,
  );
  if (plan === null) {
    throw new FileRejection(
      `Jahresplan fehlt: Art '${kind}' braucht die Spalte plan (z. B. 250 oder 6.400.000)`,
      null,
      cells.line,
      cells.label('plan'),
    );
  }
  const expectedUnit = kind === 'budget' ? 'eur' : kind === 'capacity' ? 'places' : 'count';
  if (key.unit !== expectedUnit) {
    throw new FileRejection(
      `Kennzahl ${key.indicator} hat die Einheit '${key.unit}', Art '${kind}' braucht '${expectedUnit}'`,
      null,
      cells.line,
      cells.label('indicator'),
    );
  }
  const betterText = cells.get('better').toLowerCase();
  const better = betterText === '' ? DEFAULT_DIRECTION[kind] : DIRECTIONS[betterText];
  if (better === undefined) {
    throw new FileRejection(
      `'${cells.get('better')}' ist keine Richtung (erwartet higher, lower oder both)`,
      null,
      cells.line,
      cells.label('better'),
    );
  }
  return {
    ...key,
    kind,
    plan,
    better,
    tolerancePct: number(cells, 'tolerance_pct', 'keine Toleranz in % (erwartet 0 bis 100)', 0, 100) ?? 0,
    bandPct: number(cells, 'band_pct', 'keine Bandbreite in % (erwartet 0 bis 100)', 0, 100),
    ...profileOf(cells, kind),
    source: cells.get('source') || null,
    line: cells.line,
  };
}

/** The stored columns of a plan row (plan_targets) besides its key and who changed it when. */
export function planTargetColumns(t: PlanTargetRow) {
  return {
    kind: t.kind,
    plan_value: t.plan,
    better: t.better,
    tolerance_pct: t.tolerancePct,
    band_pct: t.bandPct,
    profile: t.profile,
    profile_weights: t.weights,
    source: t.source,
  };
}

/** Upserts the plan rows (inside the caller's transaction); counts like the change targets. */
export async function writePlanTargets(
  trx: Kysely<Database>,
  rows: readonly PlanTargetRow[],
  now: string,
  by: string | null,
): Promise<{ inserted: number; updated: number; unchanged: number }> {
  const r = { inserted: 0, updated: 0, unchanged: 0 };
  const history = (id: number, old: number | null, t: PlanTargetRow) =>
    trx
      .insertInto('plan_target_history')
      .values({
        plan_target_id: id,
        old_plan_value: old,
        new_plan_value: t.plan,
        changed_at: now,
        changed_by: by,
        source: t.source,
      })
      .execute();
  for (const t of rows) {
    const old = await trx
      .selectFrom('plan_targets')
      .select([
        'id',
        'kind',
        'plan_value',
        'better',
        'tolerance_pct',
        'band_pct',
        'profile',
        'profile_weights',
        'source',
      ])
      .where('region_id', '=', t.region)
      .where('year', '=', t.year)
      .where('indicator_code', '=', t.indicator)
      .executeTakeFirst();
    const values = { ...planTargetColumns(t), updated_at: now, updated_by: by };
    if (!old) {
      const row = await trx
        .insertInto('plan_targets')
        .values({ region_id: t.region, year: t.year, indicator_code: t.indicator, ...values })
        .returning('id')
        .executeTakeFirstOrThrow();
      await history(row.id, null, t);
      r.inserted++;
      continue;
    }
    const same =
      old.kind === t.kind &&
      old.plan_value === t.plan &&
      old.better === t.better &&
      old.tolerance_pct === t.tolerancePct &&
      old.band_pct === t.bandPct &&
      old.profile === t.profile &&
      old.profile_weights === t.weights &&
      old.source === t.source;
    if (same) {
      r.unchanged++;
      continue;
    }
    await trx.updateTable('plan_targets').set(values).where('id', '=', old.id).execute();
    if (old.plan_value !== t.plan) await history(old.id, old.plan_value, t);
    r.updated++;
  }
  return r;
}
