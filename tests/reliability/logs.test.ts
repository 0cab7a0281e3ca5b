/**
 * Structured logs (issue 7, operations): every line is one JSON object; each HTTP request logs
 * one line carrying the request id that the response returns in X-Request-Id; a 4xx is logged at
 * info, not as an error; an import run and an alert run each log exactly one summary line.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../etl/index.js';
import { createApp } from '../../server/app.js';
import { createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';
import type { Db } from '../../server/db/connection.js';
import type { AppDeps } from '../../server/deps.js';
import { ADMIN_TOKEN, insertFixture, REGION_A } from '../api/fixture.js';
import { openTestDb } from '../helpers/db.js';
import { tempDir } from './helpers.js';

type Line = Record<string, unknown>;

describe('structured logs (reliability)', () => {
  const tmp = tempDir('zm-logs-');
  const raw: string[] = [];
  let db: Db;
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;

  /** Parses every line logged since `from`; a line that is not one JSON object fails the test. */
  const linesSince = (from: number): Line[] =>
    raw.slice(from).map((l) => {
      const v: unknown = JSON.parse(l);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not a JSON object: ${l}`);
      return v as Line;
    });

  beforeAll(async () => {
    db = await openTestDb();
    await insertFixture(db);
    const config = testConfig({ ADMIN_TOKEN, OUTBOX_DIR: join(tmp.dir, 'outbox') });
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        raw.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    const logger = pino(
      { level: 'info', base: { app: 'zielmonitor' }, timestamp: pino.stdTimeFunctions.isoTime },
      sink,
    );
    const clock = () => new Date('2025-05-01T10:00:00Z');
    deps = await createAppDeps({ db, config, logger, clock, build: 'logs-test' });
    app = createApp(deps);
  });
  afterAll(async () => {
    await db.close();
    tmp.cleanup();
  });

  it('logs one JSON line per request with the request id the response carries', async () => {
    const cases: { path: string; init?: RequestInit; status: number }[] = [
      { path: '/api/health', status: 200 },
      { path: `/api/goals?region=${REGION_A}`, status: 200 },
      { path: '/api/health', init: { headers: { 'X-Request-Id': 'proxy-id-42' } }, status: 200 },
      { path: '/api/months?from=2024-13', status: 400 },
      { path: '/api/nothing-here', status: 404 },
      { path: '/api/targets', init: { method: 'PUT' }, status: 401 },
    ];
    const seenIds = new Set<string>();
    for (const c of cases) {
      const from = raw.length;
      const res = await app.request(c.path, c.init);
      expect(res.status, c.path).toBe(c.status);
      const id = res.headers.get('x-request-id');
      expect(id, c.path).toMatch(/^[\w\-=]{1,255}$/);
      if (c.init?.headers) expect(id).toBe('proxy-id-42');
      else {
        expect(seenIds.has(id ?? '')).toBe(false);
        seenIds.add(id ?? '');
      }
      const lines = linesSince(from);
      const requestLines = lines.filter((l) => l.requestId === id && typeof l.status === 'number');
      expect(requestLines, `${c.path}: ${JSON.stringify(lines)}`).toHaveLength(1);
      const line = requestLines[0] ?? {};
      expect(line).toMatchObject({
        method: c.init?.method ?? 'GET',
        path: c.path.split('?')[0],
        status: c.status,
      });
      expect(typeof line.ms).toBe('number');
      expect(typeof line.time).toBe('string');
      // A caller's mistake is not our error: 4xx at info (30), not error (50).
      expect(line.level, c.path).toBe(30);
      expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    }
  });

  it("a handler's own lines carry the request id too, and the request line reads as before", async () => {
    const from = raw.length;
    const res = await app.request('/api/targets', {
      method: 'PUT',
      headers: { Authorization: 'Bearer not-a-token', 'X-Request-Id': 'handler-line-7' },
    });
    expect(res.status).toBe(401);
    const lines = linesSince(from);
    const failed = lines.filter((l) => l.msg === 'authentication failed');
    expect(failed, JSON.stringify(lines)).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 40, app: 'zielmonitor', requestId: 'handler-line-7' });
    // The request line: the same keys in the same order as a child logger's line would have.
    const line = raw.slice(from).find((l) => l.includes('"msg":"request"')) ?? '';
    expect(Object.keys(JSON.parse(line) as Line)).toEqual([
      'level',
      'time',
      'app',
      'requestId',
      'method',
      'path',
      'status',
      'ms',
      'msg',
    ]);
  });

  it('logs exactly one summary line per import run, also for several files with a rejection', async () => {
    const from = raw.length;
    const ok = new TextEncoder().encode(
      `region;month;indicator;gender;value\n${REGION_A};2025-01;INT;total;40\n${REGION_A};2025-01;ELB;total;1200\n`,
    );
    const bad = new TextEncoder().encode('region;month;indicator;gender;value\n01060;2025-13;INT;total;1\n');
    const summary = await runImport(
      deps.etl,
      [
        { kind: 'buffer', name: 'ok.csv', data: ok },
        { kind: 'buffer', name: 'bad.csv', data: bad },
      ],
      { trigger: 'cli' },
    );
    expect(summary.status).toBe('partial');
    const lines = linesSince(from);
    const finished = lines.filter((l) => l.msg === 'import finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({
      level: 30,
      runId: summary.runId,
      status: 'partial',
      files: 2,
      rejected: 1,
      inserted: 2,
      dataVersion: summary.dataVersion,
    });
    // A rejected file is the file's problem, not an application error; and no per-row chatter.
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(3);
  });

  it('logs exactly one summary line per alert run', async () => {
    const from = raw.length;
    const res = await app.request('/api/alerts/evaluate', {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const lines = linesSince(from);
    expect(lines.filter((l) => l.msg === 'alerts evaluated')).toHaveLength(1);
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});
