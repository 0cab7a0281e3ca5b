/**
 * Which instance runs the import schedule and the alert timers. On SQLite there is one instance:
 * it always leads. On PostgreSQL every instance tries to take a session advisory lock on its own
 * connection; the one holding it leads until its connection ends (shutdown, crash, kill -9), and
 * the others, polling every LEADER_POLL_SECONDS, take over within that time.
 */
import type pg from 'pg';
import type { Db } from './db/connection.js';
import type { Logger } from './logger.js';

/** Key of the leader's session advisory lock. */
export const LEADER_LOCK = 7_301_003;

/** How long the leader's check of its connection may take before it gives up leading. */
const LEADER_QUERY_TIMEOUT_MS = 10_000;

export interface LeadershipOptions {
  pollMs: number;
  logger: Logger;
  /** Called when this instance becomes the leader. */
  onAcquire(): void;
  /** Called when it stops leading (lost connection, shutdown). */
  onLose(): Promise<void>;
}

export interface Leadership {
  isLeader(): boolean;
  /** Stops leading (releases the lock) and stops trying. */
  stop(): Promise<void>;
}

export function startLeadership(db: Db, opts: LeadershipOptions): Leadership {
  if (db.dialect === 'sqlite') {
    opts.onAcquire();
    let leading = true;
    return {
      isLeader: () => leading,
      async stop() {
        if (!leading) return;
        leading = false;
        await opts.onLose();
      },
    };
  }
  const log = opts.logger.child({ component: 'leader' });
  let client: pg.Client | null = null;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let tick: Promise<void> = Promise.resolve();

  const drop = async (why: string) => {
    const c = client;
    client = null;
    // The tasks stop before the lock goes (ending the connection releases it), so that two
    // instances never run them at once.
    if (leading) {
      leading = false;
      log.warn({ why }, 'no longer leading: schedule and alert delivery stopped here');
      await opts.onLose().catch((err: unknown) => log.error({ err }, 'stopping the leader tasks failed'));
    }
    if (c) await c.end().catch(() => undefined);
  };

  const attempt = async () => {
    if (stopped) return;
    try {
      if (!client) {
        // Loaded here, not at the module's top: a server on SQLite never needs the driver.
        const { default: driver } = await import('pg');
        const c = new driver.Client({
          connectionString: db.url,
          keepAlive: true,
          keepAliveInitialDelayMillis: 5_000,
          // A leader that cannot reach its database stops leading instead of waiting for TCP.
          query_timeout: LEADER_QUERY_TIMEOUT_MS,
          application_name: `zielmonitor-leader-${process.pid}`,
        });
        c.on('error', (err) => {
          if (client === c) tick = tick.then(() => drop(err.message));
        });
        await c.connect();
        client = c;
        // A process killed on its host closes its socket, and PostgreSQL frees the lock at once. A
        // host that vanishes (power, network) sends nothing: these make the server drop this
        // session, and the lock with it, within about 20 s instead of the OS default of 2 hours.
        await c.query(
          'set tcp_keepalives_idle = 5; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3; set tcp_user_timeout = 15000',
        );
      }
      if (leading) {
        await client.query('select 1');
        return;
      }
      const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LEADER_LOCK]);
      if (r.rows[0]?.ok === true && !stopped) {
        leading = true;
        log.info({ pid: process.pid }, 'leading: schedule and alert delivery run in this instance');
        opts.onAcquire();
      }
    } catch (err) {
      await drop(err instanceof Error ? err.message : String(err));
    }
  };

  const loop = () => {
    tick = tick.then(attempt);
    void tick.then(() => {
      if (!stopped) timer = setTimeout(loop, opts.pollMs).unref();
    });
  };
  loop();

  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await tick;
      await drop('shutdown');
    },
  };
}
