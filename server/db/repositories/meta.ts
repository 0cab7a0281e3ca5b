/**
 * The data version (meta.data_version): bumped by every transaction that changes observations,
 * region metadata or targets, read by every cache. The one place it is written and read.
 * It is a decimal counter kept as text, and always handed out as a string.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Db } from '../connection.js';
import type { Database } from '../schema.js';

const BUMP_SQL = `insert into meta (key, value) values ('data_version', '1')
  on conflict(key) do update set value = cast(cast(meta.value as integer) + 1 as text)
  returning value`;
const READ_SQL = `select value from meta where key = 'data_version'`;

/**
 * The current data version (bumped by every transaction that changes observations or targets).
 * It is asked on every goal request, so it must cost microseconds, not a Kysely round trip:
 * SQLite reads it through the raw handle with a cached prepared statement; PostgreSQL answers
 * from the mirror that `syncDataVersion` keeps current (every API request refreshes it first).
 */
export function createDataVersionReader(db: Db): () => string {
  if (db.dialect === 'postgres') {
    const mirror = db.dataVersion;
    return () => mirror.value;
  }
  const stmt = db.sqlite.prepare<[], string>(READ_SQL).pluck();
  return () => stmt.get() ?? '0';
}

/**
 * PostgreSQL: reads meta.data_version into the mirror, so that this instance's caches turn over
 * after an import in any instance. Concurrent callers share one query. SQLite: nothing to do (the
 * reader asks the file itself).
 */
export function syncDataVersion(db: Db): Promise<void> {
  if (db.dialect === 'sqlite') return Promise.resolve();
  const mirror = db.dataVersion;
  // Every API request waits for this: a named statement on the pool (parsed and planned once per
  // connection), without building the query through Kysely each time.
  mirror.inflight ??= db.pool
    .query<{ value: string }>({ name: 'zielmonitor_data_version', text: READ_SQL })
    .then(({ rows }) => {
      mirror.value = rows[0]?.value ?? '0';
      return mirror.value;
    })
    .finally(() => {
      mirror.inflight = null;
    });
  return mirror.inflight.then(() => undefined);
}

/** Increments meta.data_version inside `trx` (call it in the transaction that changes data). */
export async function bumpDataVersion(trx: Kysely<Database> | Transaction<Database>): Promise<string> {
  const { rows } = await sql<{ value: string }>`${sql.raw(BUMP_SQL)}`.execute(trx);
  return String(rows[0]?.value ?? '1');
}

const BACKTEST_BASE_KEY = 'backtest_base';

/**
 * The data version whose observations and regions `version` has, for the forecast backtest (which
 * reads nothing else): `version` itself, unless only targets changed since (see
 * `bumpDataVersionKeepingObservations`). Any other bump, by whatever code (an import, a migration's
 * raw SQL), leaves the record naming an older version, so the answer is then `version` again.
 */
export async function backtestBaseOf(
  db: Kysely<Database> | Transaction<Database>,
  version: string,
): Promise<string> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', BACKTEST_BASE_KEY)
    .executeTakeFirst();
  if (row === undefined) return version;
  try {
    const record = JSON.parse(row.value) as { version?: unknown; base?: unknown };
    return record.version === version && typeof record.base === 'string' ? record.base : version;
  } catch {
    return version;
  }
}

/**
 * Increments meta.data_version for a change of targets only (no observation, region or indicator
 * changed): every cache turns over, but the forecast backtest of the version before still holds,
 * and is recorded as the new version's base, and the stored region summaries are carried over. A
 * controller's target change then costs the goals of every region again, not the backtest of the
 * whole database (seconds for a national load).
 */
export async function bumpDataVersionKeepingObservations(trx: Transaction<Database>): Promise<string> {
  // Bumped first: the counter's row is then held by this transaction, and the version before is
  // the one this change lands on, even when an import in another instance committed in between
  // (a version read before the bump could be that import's predecessor).
  const version = await bumpDataVersion(trx);
  const before = String(Number(version) - 1);
  const base = await backtestBaseOf(trx, before);
  const value = JSON.stringify({ version, base });
  await trx
    .insertInto('meta')
    .values({ key: BACKTEST_BASE_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
  // The region summaries (counts and months of the observations) hold for the new version too.
  await trx
    .updateTable('region_summaries')
    .set({ data_version: version })
    .where('data_version', '=', before)
    .execute();
  return version;
}

/** The data version as a number (the ETL's import summary). */
export async function readDataVersion(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  const n = Number(await getDataVersion(db));
  return Number.isFinite(n) ? n : 0;
}

/** meta.data_version through Kysely (for reads inside a transaction); '0' when never bumped. */
export async function getDataVersion(db: Kysely<Database> | Transaction<Database>): Promise<string> {
  const { rows } = await sql<{ value: string }>`${sql.raw(READ_SQL)}`.execute(db);
  return rows[0]?.value ?? '0';
}
