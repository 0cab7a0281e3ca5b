// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, sql } from 'kysely';
import { runDdl } from './ddl.js';

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
  await runDdl(db, 'alter table indicators add column commitments_code text');
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

  await runDdl(
    db,
    ({ id, real }) => `
    create table plan_targets (
      id ${id},
      region_id text not null references regions (id), year integer not null,
      indicator_code text not null references indicators (code),
      kind text not null, plan_value ${real} not null, better text not null,
      tolerance_pct ${real} not null default 0, band_pct ${real},
      profile text not null default 'pro_rata', profile_weights text, source text,
      updated_at text not null, updated_by text,
      constraint plan_targets_kind check (kind in ('cumulative','budget','capacity')),
      constraint plan_targets_better check (better in ('higher','lower','both')),
      constraint plan_targets_profile check (profile in ('pro_rata','last_year','explicit')),
      constraint plan_targets_plan check (plan_value >= 0)
    );
    create unique index plan_targets_key on plan_targets (region_id, year, indicator_code);

    create table plan_target_history (
      id ${id}, plan_target_id integer not null references plan_targets (id),
      old_plan_value ${real}, new_plan_value ${real} not null,
      changed_at text not null, changed_by text, source text
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(db, 'drop table plan_target_history; drop table plan_targets;');
  await sql`delete from indicators where code in ('EIN_FBW','EIN_FBW_ABS','EIN_EQ','EIN_EF','EGT_IST','EGT_BIND','FBW_IST','FBW_BIND','PLAETZE_AC','BELEGT_AC','BELEGT_MN','BELEGT_JA')`.execute(
    db,
  );
  await runDdl(db, 'alter table indicators drop column commitments_code');
}
