/**
 * Loads an annual targets file (data/targets/<year>.csv): validated whole, then upserted into
 * `targets` in one transaction with a `target_history` row for every new or changed target.
 */
import { readFile } from 'node:fs/promises';
import type { Better, Gender, PlanGoalKind } from '../server/domain/types.js';
import { CsvReader, detectSeparator, firstLine, isBlankRecord } from './csv.js';
import { decodeText } from './decode.js';
import { PLAN_KINDS, type PlanTargetRow, parsePlanRow, writePlanTargets } from './plan-targets.js';
import { type EtlDeps, FileRejection, formatImportError } from './types.js';
import { GENDER_WORDS, normalizeLabel, parseGender, parseGermanNumber, parseRegionKey } from './values.js';
import { bumpDataVersion } from './write.js';

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

/** Parses and validates a whole targets file. */
export function parseTargets(text: string, indicators: ReadonlyMap<string, IndicatorEntry>): ParsedTargets {
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
  const out: TargetRow[] = [];
  const plans: PlanTargetRow[] = [];
  const seen = new Map<string, TargetRow>();
  const seenPlans = new Map<string, number>();
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
    const kind = kindOf(get(fields, 'kind'), line, col.kind === undefined ? null : name('kind'));
    if (kind !== 'change') {
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
      const plan = parsePlanRow(
        cells,
        { region, regionName, year, indicator: ind.code, unit: ind.unit },
        kind,
      );
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
      plans.push(plan);
      continue;
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
        col.target_change_pct === undefined ? null : name('target_change_pct'),
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
  if (out.length + plans.length === 0)
    throw new FileRejection('keine Zielzeilen unter der Kopfzeile', null, null, null);
  return { change: out, plan: plans };
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
  const { sqlite } = deps.db;
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  const indicators = new Map<string, IndicatorEntry>();
  for (const r of sqlite.prepare('select code, better, unit from indicators').all()) {
    if (typeof r !== 'object' || r === null || !('code' in r) || typeof r.code !== 'string') continue;
    const b = 'better' in r ? r.better : null;
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

  const getRegion = sqlite.prepare('select 1 from regions where id = ?').pluck();
  const insertRegion = sqlite.prepare('insert into regions (id, name) values (?, ?)');
  const find = sqlite.prepare(
    'select id, target_change_pct, better, source from targets where region_id = ? and year = ? and indicator_code = ? and gender = ?',
  );
  const insert = sqlite.prepare(
    `insert into targets (region_id, year, indicator_code, gender, target_change_pct, better, source, updated_at, updated_by)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = sqlite.prepare(
    'update targets set target_change_pct = ?, better = ?, source = ?, updated_at = ?, updated_by = ? where id = ?',
  );
  const history = sqlite.prepare(
    'insert into target_history (target_id, old_change_pct, new_change_pct, changed_at, changed_by, source) values (?, ?, ?, ?, ?, ?)',
  );
  const by = changedBy ?? null;
  const rows = parsed.change;
  const result = sqlite
    .transaction((): TargetsResult => {
      const r: TargetsResult = { inserted: 0, updated: 0, unchanged: 0 };
      for (const t of parsed.plan) {
        if (getRegion.get(t.region) === undefined) insertRegion.run(t.region, t.regionName ?? t.region);
      }
      const p = writePlanTargets(sqlite, parsed.plan, now, by);
      r.inserted += p.inserted;
      r.updated += p.updated;
      r.unchanged += p.unchanged;
      for (const t of rows) {
        if (getRegion.get(t.region) === undefined) insertRegion.run(t.region, t.regionName ?? t.region);
        const old = find.get(t.region, t.year, t.indicator, t.gender) as
          | { id: number; target_change_pct: number; better: string; source: string | null }
          | undefined;
        if (!old) {
          const id = Number(
            insert.run(t.region, t.year, t.indicator, t.gender, t.pct, t.better, t.source, now, by)
              .lastInsertRowid,
          );
          history.run(id, null, t.pct, now, by, t.source);
          r.inserted++;
        } else if (old.target_change_pct !== t.pct || old.better !== t.better || old.source !== t.source) {
          update.run(t.pct, t.better, t.source, now, by, old.id);
          if (old.target_change_pct !== t.pct)
            history.run(old.id, old.target_change_pct, t.pct, now, by, t.source);
          r.updated++;
        } else {
          r.unchanged++;
        }
      }
      if (r.inserted + r.updated > 0) bumpDataVersion(sqlite);
      return r;
    })
    .immediate();
  deps.logger.info({ file: path, ...result }, 'targets loaded');
  return result;
}
