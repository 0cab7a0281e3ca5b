/** The audit log: one row per write, with who and when. */
import type { Kysely } from 'kysely';
import type { AuditLogTable, Database } from '../schema.js';

/** A row of the log as the API shows it (the columns of audit_log, `user_id` as `userId`). */
export type AuditEntry = Pick<
  AuditLogTable,
  'at' | 'actor' | 'via' | 'action' | 'subject' | 'detail' | 'address'
> & {
  id: number;
  userId: number | null;
};

/** An entry to record; `detail` is stored as JSON. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'detail'> & {
  detail?: Record<string, unknown> | null;
};

export async function recordAudit(db: Kysely<Database>, entry: NewAuditEntry, now: Date): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: now.toISOString(),
      user_id: entry.userId,
      actor: entry.actor,
      via: entry.via,
      action: entry.action,
      subject: entry.subject,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      address: entry.address,
    })
    .execute();
}

export interface AuditFilter {
  /** Part of the actor's name (case-insensitive). */
  actor?: string;
  /** An action ('comment.create') or its prefix ('comment'). */
  action?: string;
  /** First day, 'YYYY-MM-DD' (UTC). */
  from?: string;
  /** Last day, 'YYYY-MM-DD' (UTC), inclusive. */
  to?: string;
  limit: number;
}

/** Entries matching the filter, newest first. */
export async function listAudit(db: Kysely<Database>, f: AuditFilter): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.actor) q = q.where('actor', 'like', `%${f.actor.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
  if (f.action)
    q = q.where((eb) => eb.or([eb('action', '=', f.action ?? ''), eb('action', 'like', `${f.action}.%`)]));
  if (f.from) q = q.where('at', '>=', `${f.from}T00:00:00.000Z`);
  if (f.to) q = q.where('at', '<=', `${f.to}T23:59:59.999Z`);
  const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    userId: r.user_id,
    actor: r.actor,
    via: r.via,
    action: r.action,
    subject: r.subject,
    detail: r.detail,
    address: r.address,
  }));
}
