/** The alert tables, as plain functions taking the Kysely handle (or a transaction) first. */
import { type Kysely, sql, type Transaction } from 'kysely';
import { stringAgg } from '../db/dialect/index.js';
import type { AlertGoalStatus, AlertKind, AlertState, Database } from '../db/schema.js';
import type { Mute } from './alert-config.js';
import type { Month } from './types.js';

type Q = Kysely<Database> | Transaction<Database>;

export { getDataVersion as readDataVersion } from '../db/repositories/meta.js';

/** Regions that have targets: the ones whose goals are evaluated. */
export async function regionsWithTargets(db: Q): Promise<string[]> {
  const rows = await db
    .selectFrom('targets')
    .select('region_id')
    .union(db.selectFrom('plan_targets').select('region_id'))
    .orderBy('region_id')
    .execute();
  return rows.map((r) => r.region_id);
}

export interface RegionLatest {
  id: string;
  name: string;
  sample: boolean;
  sampleAsOf: string | null;
  latestMonth: Month | null;
}

/** Every region that has observations, with its newest month. */
export async function regionsWithLatestMonth(db: Q): Promise<RegionLatest[]> {
  const rows = await db
    .selectFrom('regions as r')
    .innerJoin('observations as o', 'o.region_id', 'r.id')
    .select((eb) => [
      'r.id',
      'r.name',
      'r.sample',
      'r.sample_as_of',
      eb.fn.max<Month | null>('o.month').as('latest'),
    ])
    .groupBy('r.id')
    .orderBy('r.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    sample: r.sample === 1,
    sampleAsOf: r.sample_as_of,
    latestMonth: r.latest,
  }));
}

export interface StoredState {
  status: AlertGoalStatus;
  dataMonth: Month;
  dataVersion: string;
}

export async function loadStates(db: Q, regionId: string, year: number): Promise<Map<string, StoredState>> {
  const rows = await db
    .selectFrom('alert_state')
    .selectAll()
    .where('region_id', '=', regionId)
    .where('year', '=', year)
    .execute();
  return new Map(
    rows.map((r) => [
      r.goal_id,
      { status: r.last_status, dataMonth: r.last_data_month, dataVersion: r.last_data_version },
    ]),
  );
}

export interface StateUpdate {
  regionId: string;
  year: number;
  goalId: string;
  status: AlertGoalStatus;
  dataMonth: Month;
  dataVersion: string;
}

export async function saveState(db: Q, s: StateUpdate, now: string): Promise<void> {
  await db
    .insertInto('alert_state')
    .values({
      region_id: s.regionId,
      year: s.year,
      goal_id: s.goalId,
      last_status: s.status,
      last_data_month: s.dataMonth,
      last_data_version: s.dataVersion,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['region_id', 'year', 'goal_id']).doUpdateSet({
        last_status: s.status,
        last_data_month: s.dataMonth,
        last_data_version: s.dataVersion,
        updated_at: now,
      }),
    )
    .execute();
}

export interface NewAlert {
  key: string;
  kind: AlertKind;
  regionId: string;
  goalId: string | null;
  year: number | null;
  dataMonth: Month;
  status: AlertGoalStatus | null;
  previousStatus: AlertGoalStatus | null;
  subject: string;
  body: string;
  recipients: string[];
  trigger: string;
}

/** Inserts the alert unless its key exists; returns the new id, or null when the key was already there. */
export async function insertAlertOnce(db: Q, a: NewAlert, now: string): Promise<number | null> {
  const row = await db
    .insertInto('alerts')
    .values({
      key: a.key,
      kind: a.kind,
      region_id: a.regionId,
      goal_id: a.goalId,
      year: a.year,
      data_month: a.dataMonth,
      status: a.status,
      previous_status: a.previousStatus,
      subject: a.subject,
      body: a.body,
      recipients: JSON.stringify(a.recipients),
      trigger: a.trigger,
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface NewDigest {
  recipient: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  messageId: string;
  alertIds: number[];
}

export async function insertDigest(db: Q, d: NewDigest, now: string): Promise<number> {
  const row = await db
    .insertInto('alert_digests')
    .values({
      recipient: d.recipient,
      subject: d.subject,
      body_text: d.bodyText,
      body_html: d.bodyHtml,
      message_id: d.messageId,
      state: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (d.alertIds.length > 0) {
    await db
      .insertInto('alert_deliveries')
      .values(d.alertIds.map((alertId) => ({ alert_id: alertId, digest_id: row.id })))
      .execute();
  }
  await refreshAlerts(db, row.id);
  return row.id;
}

export interface DueDigest {
  id: number;
  recipient: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  messageId: string;
  attempts: number;
  createdAt: string;
  keys: string[];
}

/** Digests not yet accepted whose next attempt is due at `now`, oldest first. */
export async function dueDigests(db: Q, now: string): Promise<DueDigest[]> {
  const rows = await db
    .selectFrom('alert_digests')
    .selectAll()
    .where('state', '!=', 'sent')
    .where('next_attempt_at', '<=', now)
    .orderBy('id')
    .execute();
  const out: DueDigest[] = [];
  for (const r of rows) {
    const keys = await db
      .selectFrom('alert_deliveries as d')
      .innerJoin('alerts as a', 'a.id', 'd.alert_id')
      .select('a.key')
      .where('d.digest_id', '=', r.id)
      .orderBy('a.id')
      .execute();
    out.push({
      id: r.id,
      recipient: r.recipient,
      subject: r.subject,
      bodyText: r.body_text,
      bodyHtml: r.body_html,
      messageId: r.message_id,
      attempts: r.attempts,
      createdAt: r.created_at,
      keys: keys.map((k) => k.key),
    });
  }
  return out;
}

/** Counts an attempt before it is made, so a crash mid-send still shows in the history. */
/**
 * Claims a due digest for one sending attempt: counts the attempt and moves its next attempt
 * `leaseUntil` ahead, only if it is still unsent and due. Returns the attempt number, or null when
 * another instance claimed (or sent) it first, so that two instances never send the same digest.
 */
export async function markAttempt(
  db: Q,
  digestId: number,
  claim: { now: string; leaseUntil: string },
): Promise<number | null> {
  const row = await db
    .updateTable('alert_digests')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: claim.leaseUntil }))
    .where('id', '=', digestId)
    .where('state', '!=', 'sent')
    .where('next_attempt_at', '<=', claim.now)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? null;
}

export async function markDigestSent(db: Q, digestId: number, response: string, now: string): Promise<void> {
  await db
    .updateTable('alert_digests')
    .set({ state: 'sent', sent_at: now, smtp_response: response.slice(0, 1000) })
    .where('id', '=', digestId)
    .execute();
  await refreshAlerts(db, digestId);
}

export async function markDigestFailed(
  db: Q,
  digestId: number,
  error: string,
  nextAttemptAt: string,
): Promise<void> {
  await db
    .updateTable('alert_digests')
    .set({ state: 'failed', last_error: error.slice(0, 2000), next_attempt_at: nextAttemptAt })
    .where('id', '=', digestId)
    .execute();
  await refreshAlerts(db, digestId);
}

/**
 * Recomputes the delivery columns of every alert a digest carries from all of that alert's
 * digests: sent once every digest was accepted, failed while one failed, pending otherwise. The
 * last error stays after a later success, so the history shows what went wrong.
 */
async function refreshAlerts(db: Q, digestId: number): Promise<void> {
  await sql`
    update alerts set
      state = case
        when not exists (select 1 from alert_deliveries d join alert_digests g on g.id = d.digest_id
                         where d.alert_id = alerts.id and g.state != 'sent') then 'sent'
        when exists (select 1 from alert_deliveries d join alert_digests g on g.id = d.digest_id
                     where d.alert_id = alerts.id and g.state = 'failed') then 'failed'
        else 'pending' end,
      attempts = coalesce((select max(g.attempts) from alert_deliveries d join alert_digests g on g.id = d.digest_id
                           where d.alert_id = alerts.id), 0),
      last_error = coalesce((select g.last_error from alert_deliveries d join alert_digests g on g.id = d.digest_id
                             where d.alert_id = alerts.id and g.last_error is not null
                             order by (g.state != 'sent') desc, g.id desc limit 1), alerts.last_error),
      next_attempt_at = (select min(g.next_attempt_at) from alert_deliveries d join alert_digests g on g.id = d.digest_id
                         where d.alert_id = alerts.id and g.state != 'sent'),
      sent_at = case
        when not exists (select 1 from alert_deliveries d join alert_digests g on g.id = d.digest_id
                         where d.alert_id = alerts.id and g.state != 'sent')
        then (select max(g.sent_at) from alert_deliveries d join alert_digests g on g.id = d.digest_id
              where d.alert_id = alerts.id)
        else null end,
      message_id = (select ${stringAgg(db, sql`m.message_id`, ' ')} from (
                      select g.message_id from alert_deliveries d join alert_digests g on g.id = d.digest_id
                      where d.alert_id = alerts.id order by g.id) as m)
    where id in (select alert_id from alert_deliveries where digest_id = ${digestId})
  `.execute(db);
}

/** An alert as GET /api/alerts shows it. */
export interface AlertView {
  id: number;
  key: string;
  kind: AlertKind;
  regionId: string;
  goalId: string | null;
  dataMonth: string;
  status: AlertGoalStatus | null;
  previousStatus: AlertGoalStatus | null;
  subject: string;
  body: string;
  recipients: string[];
  state: AlertState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
  messageId: string | null;
}

function parseRecipients(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export async function listAlerts(db: Q, opts: { limit: number; state?: AlertState }): Promise<AlertView[]> {
  let q = db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(opts.limit);
  if (opts.state) q = q.where('state', '=', opts.state);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    kind: r.kind,
    regionId: r.region_id,
    goalId: r.goal_id,
    dataMonth: r.data_month,
    status: r.status,
    previousStatus: r.previous_status,
    subject: r.subject,
    body: r.body,
    recipients: parseRecipients(r.recipients),
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    messageId: r.message_id,
  }));
}

export interface StoredMute extends Mute {
  id: number;
  createdAt: string;
  createdBy: string | null;
}

export async function listStoredMutes(db: Q): Promise<StoredMute[]> {
  const rows = await db.selectFrom('alert_mutes').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    goal: r.goal,
    regionId: r.region_id,
    until: r.until,
    reason: r.reason,
    createdAt: r.created_at,
    createdBy: r.created_by,
  }));
}

/** Sets the mute of a goal (and region); a mute for the same goal and region is replaced. */
export async function upsertMute(
  db: Kysely<Database>,
  m: Mute & { createdBy: string | null },
  now: string,
): Promise<StoredMute> {
  return db.transaction().execute(async (trx) => {
    let del = trx.deleteFrom('alert_mutes').where('goal', '=', m.goal);
    del = m.regionId === null ? del.where('region_id', 'is', null) : del.where('region_id', '=', m.regionId);
    await del.execute();
    const row = await trx
      .insertInto('alert_mutes')
      .values({
        goal: m.goal,
        region_id: m.regionId,
        until: m.until,
        reason: m.reason,
        created_at: now,
        created_by: m.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return {
      id: row.id,
      goal: row.goal,
      regionId: row.region_id,
      until: row.until,
      reason: row.reason,
      createdAt: row.created_at,
      createdBy: row.created_by,
    };
  });
}

export async function deleteMute(db: Q, id: number): Promise<boolean> {
  const r = await db.deleteFrom('alert_mutes').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** A recipient added through the API; `regions`/`goals` null: follows every region / goal. */
export interface StoredRecipient {
  id: number;
  email: string;
  name: string | null;
  regions: string[] | null;
  goals: string[] | null;
  createdAt: string;
  createdBy: string | null;
}

function jsonList(text: string | null): string[] | null {
  if (text === null) return null;
  const v: unknown = JSON.parse(text);
  return Array.isArray(v) ? v.map(String) : null;
}

export async function listStoredRecipients(db: Q): Promise<StoredRecipient[]> {
  const rows = await db.selectFrom('alert_recipients').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    regions: jsonList(r.regions),
    goals: jsonList(r.goals),
    createdAt: r.created_at,
    createdBy: r.created_by,
  }));
}

/** Adds a recipient; a second entry for the same address (any case) fails on the unique index. */
export async function insertRecipient(
  db: Q,
  r: Omit<StoredRecipient, 'id' | 'createdAt'>,
  now: string,
): Promise<StoredRecipient> {
  const row = await db
    .insertInto('alert_recipients')
    .values({
      email: r.email,
      name: r.name,
      regions: r.regions === null ? null : JSON.stringify(r.regions),
      goals: r.goals === null ? null : JSON.stringify(r.goals),
      created_at: now,
      created_by: r.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...r, id: row.id, createdAt: now };
}

/** Removes a recipient; its address, or null when there was none with this id. */
export async function deleteRecipient(db: Q, id: number): Promise<string | null> {
  const row = await db
    .deleteFrom('alert_recipients')
    .where('id', '=', id)
    .returning('email')
    .executeTakeFirst();
  return row?.email ?? null;
}
