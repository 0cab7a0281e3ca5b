/**
 * Time stamps that end or mark a row: revoked (sessions, tokens), deleted (comments), last seen or
 * used (written at most once a minute, so that reads stay cheap). One statement each, on both
 * dialects.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** The rows a stamp ends once: their column stays null until then. */
type Ending =
  | { table: 'sessions' | 'api_tokens'; column: 'revoked_at' }
  | { table: 'comments'; column: 'deleted_at' };

/** Stamps `column` of row `id` with `now` unless already stamped; false: no such row, or stamped before. */
export async function stampOnce(
  db: Kysely<Database>,
  { table, column }: Ending,
  id: number,
  now: Date,
): Promise<boolean> {
  const res = await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${now.toISOString()}
    where id = ${id} and ${sql.ref(column)} is null`.execute(db);
  return Number(res.numAffectedRows ?? 0) > 0;
}

type Seen = { table: 'sessions'; column: 'last_seen_at' } | { table: 'api_tokens'; column: 'last_used_at' };

/** How often a last-seen or last-used stamp moves at most. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Sets `column` of row `id` to `now` when it is empty or more than a minute old. `lastSeen`, the
 * value read with the row: when it is recent, nothing is written (no write lock taken at all).
 */
export async function touchEveryMinute(
  db: Kysely<Database>,
  { table, column }: Seen,
  id: number,
  now: Date,
  lastSeen: string | null = null,
): Promise<void> {
  if (lastSeen !== null && Date.parse(lastSeen) > now.getTime() - TOUCH_EVERY_MS) return;
  const cutoff = new Date(now.getTime() - TOUCH_EVERY_MS).toISOString();
  await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${now.toISOString()}
    where id = ${id} and (${sql.ref(column)} is null or ${sql.ref(column)} < ${cutoff})`.execute(db);
}
