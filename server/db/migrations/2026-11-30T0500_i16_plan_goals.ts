// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

/**
 * Plan goals of the AIP beyond Tabelle 3 (issue 16): counts, money and places against an annual plan.
 * - `indicators`: the base series they read (entries, spending, commitments, places, occupancy), as
 *   loadable `count` indicators with the units `count`, `eur` and `places`; `commitments_code` names
 *   the commitments (Bindungen) series of a spending series.
 * - `plan_targets`: one plan goal per region, year and indicator: kind, annual plan, which side of
 *   the path is bad, tolerance and band, and the shape of the path.
 * - `plan_target_history`: every change of a plan, with who and when.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('indicators').addColumn('commitments_code', 'text').execute();
  await sql`insert into indicators (code, name, unit, formula, numerator_code, denominator_code, better, description, commitments_code) values
    ('EIN_FBW', 'Eintritte FbW', 'count', 'count', null, null, null, 'Eintritte in Förderung der beruflichen Weiterbildung (FbW) im Monat', null),
    ('EIN_FBW_ABS', 'Eintritte FbW abschlussorientiert', 'count', 'count', null, null, null, 'Eintritte in abschlussorientierte FbW (Umschulung, Teilqualifizierung) im Monat', null),
    ('EIN_EQ', 'EQ-Bewilligungen', 'count', 'count', null, null, null, 'Bewilligungen betrieblicher Einstiegsqualifizierung (§ 54a SGB III) im Monat', null),
    ('EIN_EF', 'Einzelförderungen', 'count', 'count', null, null, null, 'Bewilligte Einzelförderungen (z. B. Eingliederungszuschüsse, Qualifizierungen) im Monat', null),
    ('EGT_IST', 'Ausgaben Eingliederungstitel', 'eur', 'count', null, null, null, 'Ausgaben aus dem Eingliederungstitel im Monat (Finanzsystem)', 'EGT_BIND'),
    ('EGT_BIND', 'Bindungen Eingliederungstitel', 'eur', 'count', null, null, null, 'Festgelegte Mittel (Bindungen) des Eingliederungstitels am Monatsende', null),
    ('FBW_IST', 'Ausgaben FbW', 'eur', 'count', null, null, null, 'Ausgaben für Förderung der beruflichen Weiterbildung im Monat (Finanzsystem)', 'FBW_BIND'),
    ('FBW_BIND', 'Bindungen FbW', 'eur', 'count', null, null, null, 'Festgelegte Mittel (Bindungen) für FbW am Monatsende', null),
    ('PLAETZE_AC', 'Plätze Aktivcenter', 'places', 'count', null, null, null, 'Vertraglich verfügbare Plätze im Aktivcenter (§ 45 SGB III) im Monat', null),
    ('BELEGT_AC', 'Belegung Aktivcenter', 'places', 'count', null, null, null, 'Belegte Plätze im Aktivcenter (§ 45 SGB III) im Monat', null),
    ('BELEGT_MN', 'Belegung Maßnahmeplätze', 'places', 'count', null, null, null, 'Belegte Maßnahmeplätze (AGH, Aktivierung und berufliche Eingliederung) im Monat', null),
    ('BELEGT_JA', 'Belegung Plätze Jugendamt', 'places', 'count', null, null, null, 'Belegte Plätze der Produktionsschule in Kooperation mit dem Jugendamt im Monat', null)
  `.execute(db);

  await db.schema
    .createTable('plan_targets')
    .addColumn('id', 'integer', t.id)
    .addColumn('region_id', 'text', (c) => c.notNull().references('regions.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('indicator_code', 'text', (c) => c.notNull().references('indicators.code'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('plan_value', t.real, (c) => c.notNull())
    .addColumn('better', 'text', (c) => c.notNull())
    .addColumn('tolerance_pct', t.real, (c) => c.notNull().defaultTo(0))
    .addColumn('band_pct', t.real)
    .addColumn('profile', 'text', (c) => c.notNull().defaultTo('pro_rata'))
    .addColumn('profile_weights', 'text')
    .addColumn('source', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addCheckConstraint('plan_targets_kind', sql`kind in ('cumulative','budget','capacity')`)
    .addCheckConstraint('plan_targets_better', sql`better in ('higher','lower','both')`)
    .addCheckConstraint('plan_targets_profile', sql`profile in ('pro_rata','last_year','explicit')`)
    .addCheckConstraint('plan_targets_plan', sql`plan_value >= 0`)
    .execute();
  await db.schema
    .createIndex('plan_targets_key')
    .unique()
    .on('plan_targets')
    .columns(['region_id', 'year', 'indicator_code'])
    .execute();

  await db.schema
    .createTable('plan_target_history')
    .addColumn('id', 'integer', t.id)
    .addColumn('plan_target_id', 'integer', (c) => c.notNull().references('plan_targets.id'))
    .addColumn('old_plan_value', t.real)
    .addColumn('new_plan_value', t.real, (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text')
    .addColumn('source', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan_target_history').execute();
  await db.schema.dropTable('plan_targets').execute();
  await sql`delete from indicators where code in ('EIN_FBW','EIN_FBW_ABS','EIN_EQ','EIN_EF','EGT_IST','EGT_BIND','FBW_IST','FBW_BIND','PLAETZE_AC','BELEGT_AC','BELEGT_MN','BELEGT_JA')`.execute(
    db,
  );
  await db.schema.alterTable('indicators').dropColumn('commitments_code').execute();
}
