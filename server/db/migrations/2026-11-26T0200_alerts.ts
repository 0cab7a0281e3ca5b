// Frozen in time: migrations never import app code. Edit by adding a new migration.
import type { Kysely } from 'kysely';
import { runDdl } from './ddl.js';

/**
 * E-mail alerts:
 * - `alert_state`: the last status announced (or baselined) per goal, so that only changes are mailed.
 * - `alerts`: one row per alert key (`region|goal|dataMonth|status`, `region|missing|month`). The key is
 *   UNIQUE and inserted before anything is sent: the same change is never mailed twice.
 * - `alert_digests`: one mail to one recipient, grouping every alert of one evaluation that the
 *   recipient follows; it carries the rendered message so that a retry sends exactly the same mail.
 * - `alert_deliveries`: which alerts a digest carries (an alert goes to several recipients).
 * - `alert_mutes`: goals muted until a date (set through the API; the config file may add more).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    ({ id }) => `
    create table alert_state (
      region_id text not null, year integer not null, goal_id text not null,
      last_status text not null, last_data_month text not null, last_data_version text not null,
      updated_at text not null,
      constraint alert_state_pk primary key (region_id, year, goal_id),
      constraint alert_state_status check (last_status in ('met','at_risk','missed','no_data'))
    );

    create table alerts (
      id ${id}, key text not null unique, kind text not null, region_id text not null,
      goal_id text, year integer, data_month text not null, status text, previous_status text,
      subject text not null, body text not null, recipients text not null, trigger text not null,
      state text not null default 'pending', attempts integer not null default 0, last_error text,
      next_attempt_at text, created_at text not null, sent_at text, message_id text,
      constraint alerts_kind check (kind in ('worse','recovered','revision','missing_data')),
      constraint alerts_state check (state in ('pending','sent','failed'))
    );
    create index alerts_created on alerts (created_at);

    create table alert_digests (
      id ${id}, recipient text not null, subject text not null,
      body_text text not null, body_html text not null, message_id text not null unique,
      state text not null default 'pending', attempts integer not null default 0, last_error text,
      next_attempt_at text not null, created_at text not null, sent_at text, smtp_response text,
      constraint alert_digests_state check (state in ('pending','sent','failed'))
    );
    create index alert_digests_due on alert_digests (state, next_attempt_at);

    create table alert_deliveries (
      alert_id integer not null references alerts (id) on delete cascade,
      digest_id integer not null references alert_digests (id) on delete cascade,
      constraint alert_deliveries_pk primary key (alert_id, digest_id)
    );
    create index alert_deliveries_digest on alert_deliveries (digest_id);

    create table alert_mutes (
      id ${id}, goal text not null, region_id text, until text not null, reason text,
      created_at text not null, created_by text
    );
    -- One mute per goal and region (NULL region = every region): a PUT replaces it.
    create unique index alert_mutes_key on alert_mutes (goal, coalesce(region_id, ''));
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runDdl(
    db,
    `drop table alert_mutes; drop table alert_deliveries; drop table alert_digests;
     drop table alerts; drop table alert_state;`,
  );
}
