/**
 * Two real server processes (server/main.ts) on one PostgreSQL database, as behind a load
 * balancer: an upload to one shows on the other with the next request; killing the instance that
 * runs the schedule and alert delivery (SIGKILL) hands them to the other; alerts for one import
 * reach the SMTP sink once although both instances evaluate.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LEADER_LOCK } from '../../server/leader.js';
import { startSmtp, type TestSmtp } from '../alerts/smtp.js';
import { createPgDatabase, dropPgDatabase } from '../helpers/db.js';
import { startServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.js';

const HEADER = 'region;region_name;month;indicator;gender;value;flag';
const auth = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

function months(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y++;
  }
  return out;
}

/** Kreis Segeberg 2022-12 … 2024-06: K2 Frauen falls 10 % short of the year before (target +1.1 %). */
function dataCsv(): string {
  const rows: string[] = [];
  const add = (mo: string, ind: string, g: string, v: number) =>
    rows.push(`01060;Kreis Segeberg;${mo};${ind};${g};${v};`);
  for (const mo of months('2022-12', '2024-06')) {
    add(mo, 'ELB', 'female', 1000);
    add(mo, 'ELB', 'total', 2000);
  }
  add('2022-12', 'INT', 'total', 20);
  add('2022-12', 'LZB', 'total', 600);
  for (const mo of months('2023-01', '2023-12')) {
    add(mo, 'INT', 'female', 10);
    add(mo, 'INT', 'total', 20);
    add(mo, 'LZB', 'total', 600);
  }
  for (const mo of months('2024-01', '2024-06')) {
    add(mo, 'INT', 'female', 9);
    add(mo, 'INT', 'total', 18);
    add(mo, 'LZB', 'total', 630);
  }
  return `${HEADER}\n${rows.join('\n')}\n`;
}

async function upload(server: TestServer, name: string, text: string) {
  const form = new FormData();
  form.append('file', new File([text], name, { type: 'text/csv' }));
  const res = await fetch(`${server.url}/api/imports`, { method: 'POST', headers: auth, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function json(server: TestServer, path: string, init?: RequestInit) {
  const res = await fetch(`${server.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

let url = '';
let smtp: TestSmtp;
const servers: TestServer[] = [];

async function leaderOf(dbUrl: string): Promise<number | null> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const r = await c.query<{ application_name: string }>(
      // pg_locks is cluster-wide: other test files' servers hold the same key in their own
      // databases, so only this database's holder counts.
      `select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.objid = ${LEADER_LOCK} and l.granted
          and l.database = (select oid from pg_database where datname = current_database())`,
    );
    const name = r.rows[0]?.application_name ?? '';
    const m = /^zielmonitor-leader-(\d+)$/.exec(name);
    return m ? Number(m[1]) : null;
  } finally {
    await c.end();
  }
}

/**
 * When the instance with process id `pid` last tried for the leader lock (its leader connection's
 * current or last query, from pg_stat_activity), null when its last query was another: sampled
 * often enough, each new value is one try.
 */
async function lastLeaderTry(dbUrl: string, pid: number): Promise<string | null> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const r = await c.query<{ query: string; at: string }>(
      'select query, query_start::text as at from pg_stat_activity where application_name = $1',
      [`zielmonitor-leader-${pid}`],
    );
    const row = r.rows[0];
    return row?.query.includes('pg_try_advisory_lock') ? row.at : null;
  } finally {
    await c.end();
  }
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms: number,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  url = await createPgDatabase();
  smtp = await startSmtp();
  const env = {
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '4',
    LEADER_POLL_SECONDS: '1',
    LOAD_SAMPLE_ON_EMPTY: 'false',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    ALERT_RECIPIENTS: 'gf@jobcenter.example',
    PUBLIC_URL: 'https://zielmonitor.jobcenter.example',
  };
  // Started together: migrations run once under the lock, the other waits.
  servers.push(...(await Promise.all([startServer({ env }), startServer({ env })])));
}, 120_000);

afterAll(async () => {
  for (const s of servers) await s.dispose();
  await smtp?.close();
  if (url) await dropPgDatabase(url);
});

describe('two instances on one PostgreSQL database', () => {
  test('both are ready; an upload to one shows on the other with the next request', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    for (const s of servers) {
      expect(await json(s, '/api/health/ready')).toMatchObject({
        status: 200,
        body: { database: 'postgres' },
      });
    }
    const before = await json(b, '/api/version');
    expect(
      (await upload(a, 'regions.csv', `${HEADER}\n01060;Kreis Segeberg;2022-12;ELB;female;1000;\n`)).status,
    ).toBe(200);
    const target = await fetch(`${a.url}/api/targets`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        region: '01060',
        year: 2024,
        indicator: 'K2',
        gender: 'female',
        targetChangePct: 1.1,
        better: 'higher',
      }),
    });
    expect(target.status).toBe(200);
    const up = await upload(a, 'bis-juni-2024.csv', dataCsv());
    expect(up.status).toBe(200);
    // Both instances evaluate the import's alerts: a after its import, b right now.
    const evalB = await json(b, '/api/alerts/evaluate', { method: 'POST', headers: auth });
    expect(evalB.status).toBe(200);

    const after = await json(b, '/api/version');
    expect(after.body.dataVersion).not.toBe(before.body.dataVersion);
    expect(after.body.dataVersion).toBe((await json(a, '/api/version')).body.dataVersion);
    const goalsA = await json(a, '/api/goals?region=01060&year=2024');
    const goalsB = await json(b, '/api/goals?region=01060&year=2024');
    expect(goalsB.status).toBe(200);
    expect(goalsB.body.dataMonth).toBe('2024-06');
    expect(goalsB.body).toEqual(goalsA.body);

    // Alerts: whatever both evaluated, every alert key reached the sink exactly once.
    await waitFor('the K2 Frauen alert mail', async () => smtp.received.length > 0, 20_000);
    await new Promise((r) => setTimeout(r, 3000)); // room for a duplicate to arrive, if there were one
    const keys = smtp.received.flatMap((m) =>
      String(m.raw.match(/^X-Zielmonitor-Alert-Keys: (.*)$/m)?.[1] ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    );
    expect(keys.some((k) => k.includes('K2-female'))).toBe(true);
    expect(keys.length).toBe(new Set(keys).size);
    const history = await json(b, '/api/alerts?limit=50');
    expect(history.status).toBe(200);

    // July: K2 Frauen recovers. Three evaluations race: a's after its import and one
    // more on each instance at the same moment. Each new alert still reaches the sink once.
    const mailsBefore = smtp.received.length;
    const july = [
      ['2023-07', 'INT', 'female', 10],
      ['2024-06', 'ELB', 'female', 1000],
      ['2024-07', 'INT', 'female', 30],
      ['2024-07', 'ELB', 'female', 1000],
      ['2024-07', 'INT', 'total', 40],
      ['2024-07', 'ELB', 'total', 2000],
      ['2024-07', 'LZB', 'total', 700],
    ]
      .map(([mo, ind, g, v]) => `01060;Kreis Segeberg;${mo};${ind};${g};${v};`)
      .join('\n');
    expect((await upload(a, 'juli-2024.csv', `${HEADER}\n${july}\n`)).status).toBe(200);
    const raced = await Promise.all(
      [a, b].map((s) => json(s, '/api/alerts/evaluate', { method: 'POST', headers: auth })),
    );
    expect(raced.map((r) => r.status)).toEqual([200, 200]);
    await waitFor('the July mail', async () => smtp.received.length > mailsBefore, 20_000);
    await new Promise((r) => setTimeout(r, 3000));
    const allKeys = smtp.received.flatMap((m) =>
      String(m.raw.match(/^X-Zielmonitor-Alert-Keys: (.*)$/m)?.[1] ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    );
    // K2 Frauen (the goal with a target here) is back on track in July: that alert, once.
    expect(allKeys.filter((k) => k.includes('K2-female') && k.includes('2024-07'))).toHaveLength(1);
    expect(allKeys.length).toBe(new Set(allKeys).size);
  }, 120_000);

  test('recipients kept on the Hinweise page: added on one instance, seen and removed on the other', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const post = (s: TestServer, email: string) =>
      json(s, '/api/alerts/recipients', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, goals: ['K2-female'] }),
      });
    const apiEntries = async (s: TestServer) =>
      (
        (await json(s, '/api/alerts/recipients', { headers: auth })).body.recipients as {
          source: string;
          email: string;
          id: number;
        }[]
      )
        .filter((r) => r.source === 'api')
        .map((r) => ({ id: r.id, email: r.email }));

    const added = await post(a, 'controlling@jobcenter.example');
    expect(added.status).toBe(201);
    expect(await apiEntries(b)).toEqual(await apiEntries(a));
    expect((await apiEntries(b)).map((r) => r.email)).toEqual(['controlling@jobcenter.example']);

    // The same address added on both instances at the same moment, in two spellings: one entry
    // (the unique index decides), and the other request learns that it is listed already.
    const raced = await Promise.all([post(a, 'Team@jobcenter.example'), post(b, 'team@JOBCENTER.example')]);
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(raced.find((r) => r.status === 409)?.body).toMatchObject({ error: { code: 'recipient_exists' } });
    expect((await apiEntries(a)).map((r) => r.email.toLowerCase())).toEqual([
      'controlling@jobcenter.example',
      'team@jobcenter.example',
    ]);

    // Removed on b: a lists it no more, and a second removal on a finds nothing.
    const id = (added.body.recipient as { id: number }).id;
    expect((await json(b, `/api/alerts/recipients/${id}`, { method: 'DELETE', headers: auth })).status).toBe(
      200,
    );
    expect((await apiEntries(a)).map((r) => r.email.toLowerCase())).toEqual(['team@jobcenter.example']);
    const again = await json(a, `/api/alerts/recipients/${id}`, { method: 'DELETE', headers: auth });
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'recipient_not_found' } } });
  }, 60_000);

  test('SIGKILL the instance that runs schedule and alerts: the other takes over', async () => {
    const pids = servers.map((s) => s.pid());
    const leader = await waitFor('a leader', () => leaderOf(url), 10_000);
    if (leader === null) throw new Error('no leader');
    expect(pids).toContain(leader);
    const other = servers.find((s) => s.pid() !== leader);
    const otherPid = other?.pid();
    if (!other || !otherPid) throw new Error('no second instance');
    // The other's tries for the lock after the kill, told apart by their start times.
    const before = await lastLeaderTry(url, otherPid);
    const tries = new Set<string>();
    process.kill(leader, 'SIGKILL');
    const next = await waitFor(
      'the takeover',
      async () => {
        const at = await lastLeaderTry(url, otherPid);
        if (at !== null && at !== before) tries.add(at);
        const p = await leaderOf(url);
        return p !== null && p !== leader ? p : null;
      },
      60_000,
    );
    expect(next).toBe(other.pid());
    // Counted in the other's polls (LEADER_POLL_SECONDS=1 here, 15 s in production), not in
    // milliseconds: the killed process's connection closed, PostgreSQL freed its lock at once, and
    // the other took it at its next try (or the one after, when a try was under way at the kill).
    const taken = await lastLeaderTry(url, otherPid).then((at) => (at !== null && at !== before ? at : null));
    if (taken !== null) tries.add(taken);
    console.log(`the other's tries for the leader lock from the kill until it led: ${tries.size}`);
    expect(tries.size).toBeGreaterThanOrEqual(1);
    expect(tries.size, "the other's tries for the lock after the kill").toBeLessThanOrEqual(3);
    // The server writes its log lines in batches (at the latest every 200 ms): the lock can be
    // seen in pg_locks before the line that reports it has reached us.
    await waitFor(
      'the new leader to report that it leads',
      async () =>
        other.logs.some((l) => l.includes('leading: schedule and alert delivery run in this instance')),
      10_000,
    );
    expect((await json(other, '/api/health/ready')).status).toBe(200);
  }, 90_000);
});
