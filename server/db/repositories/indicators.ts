import type { Kysely } from 'kysely';
import type { IndicatorDef } from '../../domain/types.js';
import type { Database, Indicator } from '../schema.js';

export function toIndicatorDef(r: Indicator): IndicatorDef {
  return {
    code: r.code,
    name: r.name,
    unit: r.unit,
    formula: r.formula,
    numeratorCode: r.numerator_code,
    denominatorCode: r.denominator_code,
    better: r.better,
  };
}

export interface IndicatorInfo extends IndicatorDef {
  description: string | null;
}

export async function listIndicators(db: Kysely<Database>): Promise<IndicatorInfo[]> {
  const rows = await db.selectFrom('indicators').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ ...toIndicatorDef(r), description: r.description }));
}

export async function getIndicator(db: Kysely<Database>, code: string): Promise<Indicator | undefined> {
  return db.selectFrom('indicators').selectAll().where('code', '=', code).executeTakeFirst();
}
