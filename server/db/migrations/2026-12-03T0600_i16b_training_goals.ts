// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, sql } from 'kysely';

/**
 * The two youth offers of AIP 2024, Abschnitt 5.3.1, that the plan goals of issue 16 left out:
 * - `EIN_BAE`: entries into training in außerbetriebliche Einrichtungen (BaE, §§ 76 ff. SGB III),
 *   "2 BaE-Plätze" with training start on 1 September;
 * - `BELEGT_ASA`: young people supported by Assistierte Ausbildung (AsA, § 74 SGB III) at the
 *   month's end, "Haushaltsmittel für bis zu 40 Jugendliche".
 * Loadable `count` indicators, like the other plan series; their goals come from the targets file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into indicators (code, name, unit, formula, numerator_code, denominator_code, better, description, commitments_code) values
    ('EIN_BAE', 'Eintritte BaE', 'count', 'count', null, null, null, 'Eintritte in Berufsausbildung in außerbetrieblichen Einrichtungen (BaE, §§ 76 ff. SGB III) im Monat', null),
    ('BELEGT_ASA', 'Geförderte AsA', 'places', 'count', null, null, null, 'Junge Menschen in Assistierter Ausbildung (AsA, § 74 SGB III) am Monatsende', null)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // What the server derived from the two goals: their last announced status (an up() again starts
  // from a fresh baseline, not from a status of the removed goal) and the stored goal objects,
  // which the first server builds again from the data.
  await sql`delete from alert_state where goal_id in ('EIN_BAE-total','BELEGT_ASA-total')`.execute(db);
  await sql`delete from goal_snapshots`.execute(db);
  // A new data version: everything else derived from the data (region summaries, caches of other
  // instances) is built again too.
  await sql`update meta set value = cast(cast(value as integer) + 1 as text) where key = 'data_version'`.execute(
    db,
  );
  for (const table of ['revisions', 'observations']) {
    await sql`delete from ${sql.table(table)} where indicator_code in ('EIN_BAE','BELEGT_ASA')`.execute(db);
  }
  await sql`delete from plan_target_history where plan_target_id in (select id from plan_targets where indicator_code in ('EIN_BAE','BELEGT_ASA'))`.execute(
    db,
  );
  await sql`delete from plan_targets where indicator_code in ('EIN_BAE','BELEGT_ASA')`.execute(db);
  await sql`delete from indicators where code in ('EIN_BAE','BELEGT_ASA')`.execute(db);
}
