import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { safeFileName } from '../../etl/fetch.js';
import { runScheduledImport, startSchedule } from '../../etl/index.js';
import { runScheduled } from '../../etl/schedule.js';
import { testConfig } from '../../server/config.js';
import { pluck } from '../helpers/db.js';
import { memoryDeps, observations, tempDir } from './helpers.js';

const HEADER = 'region;region_name;month;indicator;gender;value;flag';
const GOOD = `${HEADER}\n01060;K;2024-01;INT;total;5;\n`;

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(env: Record<string, string> = {}) {
  const t = tempDir();
  const dirs = {
    inbox: join(t.dir, 'inbox'),
    archive: join(t.dir, 'archive'),
    rejected: join(t.dir, 'rejected'),
  };
  mkdirSync(dirs.inbox);
  const config = testConfig({
    INBOX_DIR: dirs.inbox,
    ARCHIVE_DIR: dirs.archive,
    REJECTED_DIR: dirs.rejected,
    ...env,
  });
  const deps = await memoryDeps({ clock: () => new Date() });
  cleanups.push(t.cleanup, () => deps.db.close());
  return { dirs, config, deps };
}

/** Puts a file into the inbox, modified a minute ago (settled) unless `fresh`. */
function drop(dir: string, name: string, text: string, fresh = false): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  if (!fresh) {
    const past = new Date(Date.now() - 60_000);
    utimesSync(p, past, past);
  }
  return p;
}

describe('inbox', () => {
  test('imports settled files, archives them, moves rejected ones with an error file, leaves the rest', async () => {
    const { dirs, config, deps } = await setup();
    drop(dirs.inbox, 'good.csv', GOOD);
    drop(dirs.inbox, 'bad.csv', `${HEADER}\n01060;K;2024-02;INT;total;12,3,4;\n`);
    drop(dirs.inbox, 'fresh.csv', `${HEADER}\n01060;K;2024-03;INT;total;7;\n`, true);
    drop(dirs.inbox, '.hidden.csv', GOOD);
    drop(dirs.inbox, 'upload.csv.part', GOOD);
    drop(dirs.inbox, 'notes.txt', 'hello');

    const s = await runScheduledImport(deps, config);
    expect(s?.status).toBe('partial');
    expect(s?.files.map((f) => [f.path.split('/').pop(), f.status])).toEqual([
      ['bad.csv', 'rejected'],
      ['good.csv', 'imported'],
    ]);
    expect(await observations(deps.db)).toHaveLength(1);
    expect(readdirSync(dirs.inbox).sort()).toEqual([
      '.hidden.csv',
      'fresh.csv',
      'notes.txt',
      'upload.csv.part',
    ]);
    const archived = readdirSync(dirs.archive);
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatch(/^\d{8}T\d{6}Z_good\.csv$/);
    const rejected = readdirSync(dirs.rejected).sort();
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toMatch(/^\d{8}T\d{6}Z_bad\.csv$/);
    expect(rejected[1]).toBe(`${rejected[0]}.error.txt`);
    const errorText = readFileSync(join(dirs.rejected, rejected[1] ?? ''), 'utf8');
    expect(errorText).toContain(
      `Datei ${join(dirs.inbox, 'bad.csv')}, Zeile 2, Spalte 'value': '12,3,4' ist keine Zahl`,
    );
    expect(s?.files[1]?.path).toBe(join(dirs.inbox, 'good.csv'));
    expect(await pluck(deps.db, 'select trigger from import_runs')).toBe('cron');
  });

  test('nothing to do → null; an already imported file is archived as unchanged', async () => {
    const { dirs, config, deps } = await setup();
    expect(await runScheduledImport(deps, config)).toBeNull();
    drop(dirs.inbox, 'a.csv', GOOD);
    await runScheduledImport(deps, config);
    drop(dirs.inbox, 'a.csv', GOOD);
    const s = await runScheduledImport(deps, config);
    expect(s?.files[0]?.status).toBe('unchanged');
    expect(readdirSync(dirs.inbox)).toEqual([]);
    expect(readdirSync(dirs.archive)).toHaveLength(2);
  });
});

describe('source URLs', () => {
  let server: Server;
  const hits = new Map<string, number>();

  async function serve(): Promise<string> {
    hits.clear();
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      if (path === '/ok.csv' || path.startsWith('/..')) {
        res.end(GOOD);
      } else if (path === '/flaky.csv') {
        if (n <= 2) {
          res.statusCode = 503;
          res.end('try later');
        } else res.end(`${HEADER}\n01060;K;2024-05;INT;total;9;\n`);
      } else if (path === '/slow.csv') {
        setTimeout(() => res.end(GOOD), 3_000).unref();
      } else if (path === '/huge.csv') {
        // No content-length: the limit has to stop the reading itself.
        res.write(`${HEADER}\n`);
        const chunk = '01060;K;2024-01;INT;total;5;\n'.repeat(200);
        let sent = 0;
        const pump = () => {
          while (sent < 200 && res.write(chunk)) sent++;
          if (sent < 200) res.once('drain', pump);
          else res.end();
        };
        pump();
      } else if (path === '/missing.csv') {
        res.statusCode = 404;
        res.end('not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  test('downloads, imports and archives a URL under a safe name', async () => {
    const base = await serve();
    const { dirs, config, deps } = await setup({
      SOURCE_URLS: `${base}/ok.csv ${base}/..%2F..%2Fevil%20name.csv`,
    });
    const s = await runScheduledImport(deps, config);
    expect(s?.files.map((f) => f.status)).toEqual(['imported', 'unchanged']);
    const archived = readdirSync(dirs.archive);
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatch(/^\d{8}T\d{6}Z_ok\.csv$/);
    // The same URL next time: same checksum, nothing written, nothing archived again.
    const again = await runScheduledImport(deps, config);
    expect(again?.status).toBe('unchanged');
    expect(readdirSync(dirs.archive)).toHaveLength(1);
  });

  test('a traversal-looking URL name stays inside the archive folder', async () => {
    const base = await serve();
    const { dirs, config, deps } = await setup({ SOURCE_URLS: `${base}/..%2F..%2Fevil%20name.csv` });
    await runScheduledImport(deps, config);
    const archived = readdirSync(dirs.archive);
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatch(/^\d{8}T\d{6}Z_[A-Za-z0-9._-]+$/);
    expect(archived[0]).not.toContain('..');
    expect(existsSync(join(dirs.archive, '..', 'evil name.csv'))).toBe(false);
  });

  test('retries 503 with backoff until it succeeds', async () => {
    const base = await serve();
    const { config, deps } = await setup({ SOURCE_URLS: `${base}/flaky.csv`, FETCH_RETRIES: '3' });
    const s = await runScheduled(deps, config, { retryBackoffMs: 20 });
    expect(s?.files[0]?.status).toBe('imported');
    expect(hits.get('/flaky.csv')).toBe(3);
  });

  test('timeout: retried, then rejected with a clear message; 404 is not retried', async () => {
    const base = await serve();
    const { dirs, config, deps } = await setup({
      SOURCE_URLS: `${base}/slow.csv ${base}/missing.csv`,
      FETCH_TIMEOUT_MS: '200',
      FETCH_RETRIES: '1',
    });
    const s = await runScheduled(deps, config, { retryBackoffMs: 20 });
    expect(s?.status).toBe('failed');
    expect(s?.files[0]?.error?.message).toContain('keine Antwort innerhalb von 200 ms');
    expect(s?.files[0]?.error?.message).toContain('nach 2 Versuchen');
    expect(hits.get('/slow.csv')).toBe(2);
    expect(s?.files[1]?.error?.message).toContain('HTTP 404');
    expect(hits.get('/missing.csv')).toBe(1);
    expect(readdirSync(dirs.rejected).filter((f) => f.endsWith('.error.txt'))).toHaveLength(2);
  });

  test('oversize: reading stops past FETCH_MAX_BYTES, no retry, nothing written', async () => {
    const base = await serve();
    const { config, deps } = await setup({
      SOURCE_URLS: `${base}/huge.csv`,
      FETCH_MAX_BYTES: '2048',
      FETCH_RETRIES: '2',
    });
    const s = await runScheduled(deps, config, { retryBackoffMs: 20 });
    expect(s?.files[0]?.status).toBe('rejected');
    expect(s?.files[0]?.error?.message).toMatch(/zu groß: mehr als 2 KiB/);
    expect(hits.get('/huge.csv')).toBe(1);
    expect(await observations(deps.db)).toEqual([]);
  });
});

describe('startSchedule', () => {
  test('runs on the cron schedule in the given time zone and stops cleanly', async () => {
    const { dirs, config } = await setup({
      SCHEDULE_ENABLED: 'true',
      SCHEDULE_CRON: '* * * * * *',
      SCHEDULE_TIMEZONE: 'Europe/Berlin',
    });
    const { deps } = await setup();
    drop(dirs.inbox, 'a.csv', GOOD);
    const schedule = startSchedule(deps, config);
    try {
      const until = Date.now() + 8_000;
      while (readdirSync(dirs.inbox).length > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
    } finally {
      await schedule.stop();
    }
    expect(readdirSync(dirs.inbox)).toEqual([]);
    expect(await observations(deps.db)).toHaveLength(1);
    // Stopped: a new file stays where it is.
    drop(dirs.inbox, 'b.csv', GOOD.replace(';5;', ';6;'));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(readdirSync(dirs.inbox)).toEqual(['b.csv']);
  });

  test('rejects a bad cron expression or time zone at start', async () => {
    const { deps } = await setup();
    expect(() =>
      startSchedule(deps, testConfig({ SCHEDULE_ENABLED: 'true', SCHEDULE_CRON: '61 * * * *' })),
    ).toThrow(/SCHEDULE_CRON/);
    expect(() =>
      startSchedule(deps, testConfig({ SCHEDULE_ENABLED: 'true', SCHEDULE_TIMEZONE: 'Mars/Olympus' })),
    ).toThrow(/SCHEDULE_TIMEZONE/);
  });
});

describe('safeFileName', () => {
  test.each([
    ['Übersicht März 2024.csv', 'Übersicht_März_2024.csv'],
    ['../../etc/passwd', '_._etc_passwd'],
    ['a\u0000b\nc.csv', 'a_b_c.csv'],
    ['..hidden.xlsx', 'hidden.xlsx'],
    ['', 'download'],
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });
});
