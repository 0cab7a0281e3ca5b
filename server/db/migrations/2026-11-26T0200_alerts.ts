// Frozen in time: migrations never import app code. Edit by adding a new migration.
import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

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
  const t = columnTypes(db);
  await db.schema
    .createTable('alert_state')
    .addColumn('region_id', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('goal_id', 'text', (c) => c.notNull())
    .addColumn('last_status', 'text', (c) => c.notNull())
    .addColumn('last_data_month', 'text', (c) => c.notNull())
    .addColumn('last_data_version', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_state_pk', ['region_id', 'year', 'goal_id'])
    .addCheckConstraint('alert_state_status', sql`last_status in ('met','at_risk','missed','no_data')`)
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'integer', t.id)
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('region_id', 'text', (c) => c.notNull())
    .addColumn('goal_id', 'text')
    .addColumn('year', 'integer')
    .addColumn('data_month', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('previous_status', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('message_id', 'text')
    .addCheckConstraint('alerts_kind', sql`kind in ('worse','recovered','revision','missing_data')`)
    .addCheckConstraint('alerts_state', sql`state in ('pending','sent','failed')`)
    .execute();
  await db.schema.createIndex('alerts_created').on('alerts').column('created_at').execute();

  await db.schema
    .createTable('alert_digests')
    .addColumn('id', 'integer', t.id)
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('smtp_response', 'text')
    .addCheckConstraint('alert_digests_state', sql`state in ('pending','sent','failed')`)
    .execute();
  await db.schema
    .createIndex('alert_digests_due')
    .on('alert_digests')
    .columns(['state', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('digest_id', 'integer', (c) => c.notNull().references('alert_digests.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('alert_deliveries_pk', ['alert_id', 'digest_id'])
    .execute();
  await db.schema.createIndex('alert_deliveries_digest').on('alert_deliveries').column('digest_id').execute();

  await db.schema
    .createTable('alert_mutes')
    .addColumn('id', 'integer', t.id)
    .addColumn('goal', 'text', (c) => c.notNull())
    .addColumn('region_id', 'text')
    .addColumn('until', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  // One mute per goal and region (NULL region = every region): a PUT replaces it.
  await sql`create unique index alert_mutes_key on alert_mutes (goal, coalesce(region_id, ''))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['alert_mutes', 'alert_deliveries', 'alert_digests', 'alerts', 'alert_state']) {
    await db.schema.dropTable(t).execute();
  }
}
