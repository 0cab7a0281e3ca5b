/**
 * Acceptance of issue 11: while a 400,000-row upload imports, /api/goals polled every 200 ms never
 * takes longer than 500 ms and never fails. A real HTTP server (createApp + @hono/node-server, port
 * 0) over a file database (or PostgreSQL), wired as server/main.ts wires it: imports in a worker process, no SQLite
 * busy timeout on the server's connection, alert evaluation after the import.
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

  it('/api/goals polled every 200 ms answers within 500 ms, every time, while 400,000 rows import', async () => {
    const data = bigUpload();
    const goalsUrl = `${base}/api/goals?region=${REGION_A}&year=2024`;
    expect((await fetch(goalsUrl)).status).toBe(200); // warm
    // The multipart body is built before the polling starts: the client is another machine, its
    // encoding work must not count as the server's latency.
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
    let done = false;
    const upload = fetch(`${base}/api/imports`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': contentType },
      body,
    })
      .then(async (res) => ({ status: res.status, body: (await res.json()) as { inserted?: number } }))
      .finally(() => {
        done = true;
      });

    const polls: { ms: number; status: number | string; at: number }[] = [];
    const started = performance.now();
    while (!done || polls.length < 3) {
      const t = performance.now();
      const status = await fetch(goalsUrl).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        (e: unknown) => String(e),
      );
      const ms = performance.now() - t;
      polls.push({ ms, status, at: Math.round(t - started) });
      await new Promise((r) => setTimeout(r, Math.max(0, 200 - ms)));
    }
    const u = await upload;
    const max = Math.max(...polls.map((p) => p.ms));
    console.log(
      `upload of ${data.length} bytes imported in ${((performance.now() - started) / 1000).toFixed(1)} s; ${polls.length} polls, slowest ${max.toFixed(0)} ms`,
    );
    expect(u.status).toBe(200);
    expect(u.body.inserted).toBeGreaterThanOrEqual(400_000);
    expect(polls.length).toBeGreaterThanOrEqual(5);
    expect(polls.filter((p) => p.status !== 200)).toEqual([]);
    expect(polls.filter((p) => p.ms >= 500)).toEqual([]);
    expect(max).toBeLessThan(500);
  }, 180_000);
});
