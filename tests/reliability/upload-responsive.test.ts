/**
 * Acceptance of issue 11: while a 400,000-row upload imports, /api/goals, polled every 200 ms, keeps
 * being answered (all through the import, keeping up with the polls) and never fails. A real HTTP
 * server (createApp + @hono/node-server, port 0) over a file database (or PostgreSQL), wired as
 * server/main.ts wires it: imports in a worker process, no SQLite busy timeout on the server's
 * connection, alert evaluation after the import. No latency is asserted (speed is measured in
 * bench/): what counts is that answers kept coming while the import ran.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { type AppServices, createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';
import { type Db, openDatabase } from '../../server/db/connection.js';
import { ADMIN_TOKEN, insertFixture, REGION_A } from '../api/fixture.js';
import { openTestDb, TEST_DB } from '../helpers/db.js';
import { canonicalRows, canonicalText, tempDir } from './helpers.js';

const REGIONS = 1235; // × 3 years × 108 rows = 400,140 rows, plus region A's 216

function bigUpload(): Uint8Array<ArrayBuffer> {
  const parts: string[] = [canonicalText([...canonicalRows(REGION_A, 'Kreis Segeberg', 2024, 3)])];
  for (let i = 0; i < REGIONS; i++) {
    const id = `4${String(i).padStart(4, '0')}`;
    for (const year of [2022, 2023, 2024]) {
      const text = canonicalText(canonicalRows(id, `Lastkreis ${i}`, year, i));
      parts.push(text.slice(text.indexOf('\n')));
    }
  }
  return new TextEncoder().encode(`${parts.join('')}\n`);
}

describe('the API stays responsive during a big upload (reliability)', () => {
  const tmp = tempDir('zm-upload-');
  let db: Db;
  let deps: AppServices | undefined;
  let base = '';
  let close: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    // SQLite: a file the worker process writes while the server's connection reads, with no busy
    // timeout; PostgreSQL: the run's database, which the worker reaches through a pool of its own.
    db = TEST_DB === 'sqlite' ? await openDatabase(join(tmp.dir, 'zm.db')) : await openTestDb();
    await insertFixture(db);
    if (db.dialect === 'sqlite') db.sqlite.pragma('busy_timeout = 0');
    const config = testConfig({ ADMIN_TOKEN, UPLOAD_MAX_BYTES: String(64 * 1024 * 1024) });
    // As server/main.ts: imports in a worker process; after one, the goals of the new data version
    // are stored and the alerts evaluated.
    deps = await createAppDeps({ db, config, clock: () => new Date('2025-05-01T10:00:00Z'), serve: true });
    const app = createApp(deps);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterAll(async () => {
    await close();
    await (deps ? deps.close() : db?.close());
    tmp.cleanup();
  });

  it('/api/goals polled every 200 ms keeps answering, and never fails, while 400,000 rows import', async () => {
    const data = bigUpload();
    const goalsUrl = `${base}/api/goals?region=${REGION_A}&year=2024`;
    expect((await fetch(goalsUrl)).status).toBe(200); // warm
    // The multipart body is built before the polling starts: the client is another machine, its
    // encoding work must not count as the server's.
    const form = new Request('http://x/', {
      method: 'POST',
      body: (() => {
        const f = new FormData();
        f.append('file', new File([data], 'gross.csv', { type: 'text/csv' }));
        return f;
      })(),
    });
    const contentType = form.headers.get('content-type') ?? '';
    const body = new Uint8Array(await form.arrayBuffer());

    // Polls on a clock of their own, each independent of the one before: a poll the server does
    // not answer stays pending while the next ones start. Times only place the answers within the
    // import; no duration is asserted.
    interface Poll {
      startedAt: number;
      answeredAt: number | null;
      status: number | string | null;
    }
    const polls: Poll[] = [];
    const pending: Promise<void>[] = [];
    const poll = () => {
      const p: Poll = { startedAt: performance.now(), answeredAt: null, status: null };
      polls.push(p);
      pending.push(
        fetch(goalsUrl)
          .then(async (r) => {
            await r.arrayBuffer();
            return r.status;
          })
          .then(
            (status) => {
              p.status = status;
            },
            (e: unknown) => {
              p.status = String(e);
            },
          )
          .finally(() => {
            p.answeredAt = performance.now();
          }),
      );
    };
    const importStart = performance.now();
    let importEnd = 0;
    const upload = fetch(`${base}/api/imports`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': contentType },
      body,
    })
      .then(async (res) => ({ status: res.status, body: (await res.json()) as { inserted?: number } }))
      .finally(() => {
        importEnd = performance.now();
      });
    poll();
    const timer = setInterval(poll, 200);
    let u: Awaited<typeof upload>;
    try {
      u = await upload;
    } finally {
      clearInterval(timer);
    }
    await Promise.all(pending);

    const during = polls.filter((p) => p.startedAt < importEnd);
    const answeredDuring = during.filter((p) => p.answeredAt !== null && p.answeredAt < importEnd);
    // Where in the import the answers fell: quarters of the time from sending the upload to its answer.
    const quarterOf = (t: number) =>
      Math.min(3, Math.floor((4 * (t - importStart)) / (importEnd - importStart)));
    const perQuarter = [0, 1, 2, 3].map(
      (q) => answeredDuring.filter((p) => quarterOf(p.answeredAt ?? 0) === q).length,
    );
    console.log(
      `upload of ${data.length} bytes imported in ${((importEnd - importStart) / 1000).toFixed(1)} s; ${during.length} polls started meanwhile, ${answeredDuring.length} answered meanwhile (per quarter ${perQuarter.join('/')}), slowest ${Math.max(...polls.map((p) => (p.answeredAt ?? 0) - p.startedAt)).toFixed(0)} ms`,
    );
    expect(u.status).toBe(200);
    expect(u.body.inserted).toBeGreaterThanOrEqual(400_000);
    expect(polls.filter((p) => p.status !== 200)).toEqual([]);
    expect(during.length).toBeGreaterThanOrEqual(5);
    // The server kept up with the polls instead of queueing them behind the import …
    expect(answeredDuring.length, 'polls answered while the import ran').toBeGreaterThanOrEqual(
      Math.ceil(0.75 * during.length),
    );
    // … and answered all through it: in every quarter of the import, first to last.
    expect(
      perQuarter.map((n) => n > 0),
      `answers per quarter: ${perQuarter.join('/')}`,
    ).toEqual([true, true, true, true]);
  }, 180_000);
});
