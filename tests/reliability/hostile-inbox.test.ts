/**
 * Hostile names in the scheduled import's sources: inbox files named to escape (backslashes,
 * '..', control characters, leading dashes, 250-byte names), a symlink pointing outside the
 * inbox, a FIFO that would block a reader forever, and URL sources whose last path segment
 * decodes to '../../…'. After one scheduled run: every regular file ended up in the archive or
 * the rejected folder under a safe name (rejected ones with an error file beside them), nothing
 * was written anywhere else, the symlink's target is untouched and the FIFO did not hang the run.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInbox, runScheduled } from '../../etl/schedule.js';
import { testConfig } from '../../server/config.js';
import { silentLogger } from '../../server/logger.js';
import { openTestDb } from '../helpers/db.js';
import { tempDir } from './helpers.js';

const csv = (region: string, value: number) =>
  `region;region_name;month;indicator;gender;value\n${region};Eingangskreis;2024-01;INT;total;${value}\n`;

/**
 * `run`, or a clear failure if it has not settled after `ms`: a hang guard, not a speed check. A
 * reader stuck on the FIFO is released (its write end opened and closed) so the worker can end.
 */
async function unlessHung<T>(run: Promise<T>, ms: number, fifo: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // No reader on it: nothing to release.
      }
      reject(new Error(`the scheduled run did not finish within ${ms / 1000} s: hung (on the FIFO?)`));
    }, ms);
  });
  try {
    return await Promise.race([run, hung]);
  } finally {
    clearTimeout(timer);
  }
}

function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('hostile inbox and URL source names (reliability)', () => {
  const tmp = tempDir('zm-inbox-');
  const inbox = join(tmp.dir, 'inbox');
  const archive = join(tmp.dir, 'archive');
  const rejected = join(tmp.dir, 'rejected');
  const outside = join(tmp.dir, 'outside');
  let server: Server;
  let base = '';

  beforeAll(async () => {
    for (const d of [inbox, archive, rejected, outside]) mkdirSync(d, { recursive: true });
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      // Valid data for "good" paths, garbage for the rest.
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(url.includes('good') ? csv('06999', url.length) : 'kein;gültiges;Format\n1;2;3\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    tmp.cleanup();
  });

  it('moves every inbox file into archive/rejected under a safe name and writes nowhere else', async () => {
    // Starts with '.': a hidden file, which the inbox leaves alone (as it does temp files).
    const hidden = '..\\..\\escape.csv';
    writeFileSync(join(inbox, hidden), csv('06989', 1));
    const hostile = [
      { name: 'a\\..\\..\\b.csv', good: false },
      { name: '-rf --no-preserve-root.csv', good: true },
      { name: 'zeile\numbruch.csv', good: true },
      { name: 'tab\tund\rcr.csv', good: false },
      { name: `${'l'.repeat(240)}.csv`, good: true },
      { name: 'Übersicht März 2024 (Kopie).csv', good: true },
      { name: '$(touch pwned).csv', good: false },
      { name: '%2e%2e%2fescape.csv', good: false },
      { name: 'CON.csv', good: true },
    ];
    for (const [i, f] of hostile.entries()) {
      writeFileSync(
        join(inbox, f.name),
        f.good ? csv(`069${String(i).padStart(2, '0')}`, i + 1) : 'Unsinn\n',
      );
    }
    // A symlink to a (valid) file outside the inbox, and a FIFO.
    const target = join(outside, 'secret.csv');
    writeFileSync(target, csv('06990', 1));
    symlinkSync(target, join(inbox, 'link.csv'));
    execFileSync('mkfifo', [join(inbox, 'pipe.csv')]);
    // Old enough to be picked up (the inbox waits for files to settle): the FIFO and the symlink's
    // target too, so that only their kind keeps them out.
    const old = new Date(Date.now() - 3600_000);
    for (const f of [...hostile, { name: hidden }, { name: 'pipe.csv' }])
      utimesSync(join(inbox, f.name), old, old);
    utimesSync(target, old, old);
    const targetStat = statSync(target);
    const beforeOutside = listAll(outside);

    const db = await openTestDb();
    const config = testConfig({
      INBOX_DIR: inbox,
      ARCHIVE_DIR: archive,
      REJECTED_DIR: rejected,
      SOURCE_URLS: [
        `${base}/good/..%2F..%2Fescape-good.csv`,
        `${base}/bad/..%2F..%2F..%2Ftmp%2Fzm-escape.csv`,
        `${base}/good/%00nul.csv`,
        `${base}/bad/%E0%A4%A.csv`,
        `${base}/good/`,
      ].join(','),
      FETCH_RETRIES: '0',
    });
    // The FIFO (and the symlink) are no regular files: the inbox never offers them for reading,
    // where opening the FIFO would wait for a writer forever.
    const offered = (await listInbox(inbox, new Date())).map((p) => relative(inbox, p));
    expect(offered).not.toContain('pipe.csv');
    expect(offered).not.toContain('link.csv');
    expect(offered.sort()).toEqual(hostile.map((f) => f.name).sort());
    const summary = await unlessHung(
      runScheduled({ db, logger: silentLogger(), clock: () => new Date() }, config, { retryBackoffMs: 1 }),
      20_000,
      join(inbox, 'pipe.csv'),
    );
    expect(summary).not.toBeNull();
    const files = summary?.files ?? [];
    expect(files).toHaveLength(hostile.length + 5);
    expect(files.filter((f) => /pipe\.csv|link\.csv/.test(f.path))).toEqual([]);

    // Nothing left in the inbox but the hidden file, the symlink and the FIFO (no regular files).
    expect(readdirSync(inbox).sort()).toEqual([hidden, 'link.csv', 'pipe.csv'].sort());
    // The symlink's target is untouched, and nothing else appeared outside.
    expect(existsSync(target)).toBe(true);
    expect(statSync(target).mtimeMs).toBe(targetStat.mtimeMs);
    expect(readFileSync(target, 'utf8')).toBe(csv('06990', 1));
    expect(listAll(outside)).toEqual(beforeOutside);
    expect(existsSync('/tmp/zm-escape.csv')).toBe(false);
    expect(existsSync(join(tmp.dir, 'escape.csv'))).toBe(false);
    expect(existsSync(join(tmp.dir, 'escape-good.csv'))).toBe(false);
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);

    // Everything else sits directly in archive/ or rejected/ with a safe, visible name.
    const all = listAll(tmp.dir).filter((p) => !p.startsWith('inbox') && !p.startsWith('outside'));
    const problems: string[] = [];
    for (const p of all) {
      const [dir, name, ...rest] = p.split('/');
      if (rest.length > 0 || (dir !== 'archive' && dir !== 'rejected') || !name) {
        problems.push(`unexpected path ${JSON.stringify(p)}`);
        continue;
      }
      if (!/^[A-Za-z0-9_][A-Za-z0-9äöüÄÖÜß._-]*$/.test(name) || name.length > 160)
        problems.push(`unsafe name ${JSON.stringify(name)}`);
    }
    expect(problems).toEqual([]);
    const archived = readdirSync(archive);
    const rejectedFiles = readdirSync(rejected);
    const goodCount = hostile.filter((f) => f.good).length + 3; // three good URLs
    expect(archived.length).toBe(goodCount);
    // Each rejected file has its error file beside it.
    const rejectedData = rejectedFiles.filter((n) => !n.endsWith('.error.txt'));
    expect(rejectedData.length).toBe(hostile.length - hostile.filter((f) => f.good).length + 2);
    for (const n of rejectedData) expect(rejectedFiles).toContain(`${n}.error.txt`);
    expect(files.filter((f) => f.status === 'imported').length).toBe(goodCount);
    await db.close();
  });
});
