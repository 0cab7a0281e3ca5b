/**
 * An import process killed with SIGKILL at 22 random points (seeded; KILL_SEED to replay).
 *
 * The database already holds an earlier state (a first file); the child process
 * (kill-import-child.ts) imports a ~52k-row canonical CSV that both updates those values and
 * inserts many new ones. The child prints synchronous phase markers, so after each kill we know
 * exactly how far it got: before the write (startup, lock, read, parse), inside the write
 * transaction, or after the commit. After every kill:
 *   - PRAGMA integrity_check is ok;
 *   - the data are exactly the before-state or the after-state (logical checksum of every data
 *     table), and the one the markers demand (no commit marker → before; commit marker → after);
 *   - the import lock of the dead process does not block: a re-run in this process completes
 *     and leaves the after-state, and no run is left 'running'.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../etl/index.js';
import { openDatabase } from '../../server/db/connection.js';
import { silentLogger } from '../../server/logger.js';
import {
  type CanonicalRow,
  canonicalRows,
  canonicalText,
  dataVersionOf,
  integrityCheck,
  logicalChecksum,
  prng,
  tempDir,
} from './helpers.js';

const CHILD = fileURLToPath(new URL('./kill-import-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEED = Number(process.env.KILL_SEED ?? 4242);
const KILLS = 22;

type Marker = 'ready' | 'write-begin' | 'committed' | 'done';

interface ChildRun {
  markers: Map<Marker, number>;
  /** ms from spawn to each marker (parent clock). */
  seen: Map<Marker, number>;
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Spawns the child; `killAt` decides when to SIGKILL it: ms after spawn, or ms after a marker
 * arrived (so the kill lands in the intended phase however fast the machine is today); null
 * runs it to the end.
 */
function runChild(
  db: string,
  csv: string,
  killAt: { from: 'spawn' | Marker; ms: number } | null,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, db, csv], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ChildRun = {
      markers: new Map(),
      seen: new Map(),
      stdout: '',
      stderr: '',
      code: null,
      signal: null,
    };
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    if (killAt?.from === 'spawn') timer = setTimeout(kill, killAt.ms);
    const guard = setTimeout(kill, 60_000);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      run.stdout += chunk;
      for (const line of run.stdout.split('\n')) {
        const m = /^(ready|write-begin|committed|done) (\d+)$/.exec(line);
        if (!m) continue;
        const marker = m[1] as Marker;
        if (run.seen.has(marker)) continue;
        run.seen.set(marker, performance.now() - t0);
        run.markers.set(marker, Number(m[2]));
        if (killAt?.from === marker) timer = setTimeout(kill, killAt.ms);
      }
    });
    child.stderr?.on('data', (chunk: string) => {
      run.stderr += chunk;
    });
    child.on('error', reject);
    // 'close': the process is gone AND its pipes are drained, so every marker written is in.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

function rowsFor(regions: number, years: number[], salt: number): CanonicalRow[] {
  const rows: CanonicalRow[] = [];
  for (let i = 0; i < regions; i++) {
    const id = `2${String(i).padStart(4, '0')}`;
    for (const y of years) rows.push(...canonicalRows(id, `Testkreis ${i}`, y, salt + i));
  }
  return rows;
}

describe('SIGKILL during an import (reliability)', () => {
  const tmp = tempDir('zm-kill-');
  const firstCsv = join(tmp.dir, 'first.csv');
  const bigCsv = join(tmp.dir, 'big.csv');
  const pristine = join(tmp.dir, 'pristine.db');
  let before = '';
  let beforeVersion = 0;
  let bigRows = 0;

  beforeAll(async () => {
    // The earlier state: 40 regions, 2023.
    writeFileSync(firstCsv, canonicalText(rowsFor(40, [2023], 0)));
    // The big file: 120 regions × 48 months × 9 = 51,840 rows; corrects 2023 of the first 40.
    const big = rowsFor(120, [2021, 2022, 2023, 2024], 1);
    bigRows = big.length;
    writeFileSync(bigCsv, canonicalText(big));
    const db = await openDatabase(pristine);
    const s = await runImport({ db, logger: silentLogger() }, [{ kind: 'file', path: firstCsv }], {
      trigger: 'cli',
    });
    expect(s.status).toBe('success');
    before = logicalChecksum(db.sqlite);
    beforeVersion = dataVersionOf(db.sqlite);
    await db.close(); // checkpoints the WAL: the .db file alone is the state
    expect(existsSync(`${pristine}-wal`)).toBe(false);
  });
  afterAll(() => tmp.cleanup());

  const fresh = (name: string) => {
    const p = join(tmp.dir, name);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${p}${suffix}`, { force: true });
    copyFileSync(pristine, p);
    return p;
  };

  it('leaves the data all-before or all-after the file at every kill point, and a re-run completes', async () => {
    expect(bigRows).toBeGreaterThanOrEqual(50_000);

    // Calibration: one uncut run gives the after-state and the phase timings.
    const calibDb = fresh('calibration.db');
    const calib = await runChild(calibDb, bigCsv, null);
    expect(calib.code, calib.stderr).toBe(0);
    for (const m of ['ready', 'write-begin', 'committed', 'done'] as const) {
      expect(
        calib.markers.has(m),
        `marker ${m} missing (did the ETL's write path change?): ${calib.stdout}`,
      ).toBe(true);
    }
    const at = (m: Marker) => (calib.markers.get(m) ?? 0) - (calib.markers.get('ready') ?? 0);
    const phases = {
      parse: at('write-begin'),
      write: at('committed') - at('write-begin'),
      total: at('done'),
    };
    let after = '';
    let afterVersion = 0;
    {
      const db = await openDatabase(calibDb);
      after = logicalChecksum(db.sqlite);
      afterVersion = dataVersionOf(db.sqlite);
      expect(integrityCheck(db.sqlite)).toBe('ok');
      await db.close();
    }
    expect(after).not.toBe(before);
    expect(afterVersion).toBe(beforeVersion + 1);
    console.log(
      `kill-import: ${bigRows} rows; uncut child: startup ${Math.round(calib.seen.get('ready') ?? 0)} ms, read+parse ${phases.parse} ms, write ${phases.write} ms, total after ready ${phases.total} ms`,
    );

    // Kill points, spread over startup, parse, the write transaction and after the commit.
    const r = prng(SEED);
    const plan: { from: 'spawn' | Marker; ms: number; aim: string }[] = [];
    const span = (ms: number) => Math.max(1, Math.round(ms * 0.95));
    for (let i = 0; i < KILLS; i++) {
      const bucket = i % 11;
      if (bucket === 0)
        plan.push({ from: 'spawn', ms: r.int(0, span(calib.seen.get('ready') ?? 500)), aim: 'startup' });
      else if (bucket <= 3) plan.push({ from: 'ready', ms: r.int(0, span(phases.parse)), aim: 'parse' });
      else if (bucket <= 8)
        plan.push({ from: 'write-begin', ms: r.int(0, span(phases.write)), aim: 'write' });
      else plan.push({ from: 'committed', ms: r.int(0, at('done') - at('committed') + 20), aim: 'after' });
    }

    const landed = { beforeWrite: 0, duringWrite: 0, afterCommit: 0, exitedNormally: 0 };
    let duringWriteButCommitted = 0;
    const problems: string[] = [];
    for (const [i, k] of plan.entries()) {
      const path = fresh(`kill-${i}.db`);
      const run = await runChild(path, bigCsv, k);
      const where = `kill ${i} (${k.aim}, ${k.ms} ms after ${k.from}; markers ${[...run.markers.keys()].join(',') || 'none'})`;
      const db = await openDatabase(path);
      try {
        const integrity = integrityCheck(db.sqlite);
        if (integrity !== 'ok') problems.push(`${where}: integrity_check ${integrity}`);
        const state = logicalChecksum(db.sqlite);
        const version = dataVersionOf(db.sqlite);
        const isBefore = state === before && version === beforeVersion;
        const isAfter = state === after && version === afterVersion;
        if (!isBefore && !isAfter)
          problems.push(`${where}: the data are neither the before- nor the after-state`);
        if (run.signal !== 'SIGKILL') {
          landed.exitedNormally++;
          if (!isAfter)
            problems.push(`${where}: child finished (code ${run.code}) but the data are not the after-state`);
        } else if (!run.markers.has('write-begin')) {
          landed.beforeWrite++;
          if (!isBefore) problems.push(`${where}: killed before the write, but the data changed`);
        } else if (!run.markers.has('committed')) {
          landed.duringWrite++;
          // The commit can complete in SQLite just before the marker is written.
          if (isAfter) duringWriteButCommitted++;
        } else {
          landed.afterCommit++;
          if (!isAfter)
            problems.push(`${where}: killed after the commit, but the data are not the after-state`);
        }

        // The dead importer's lock must not block: a re-run completes with the after-state.
        const s = await runImport({ db, logger: silentLogger() }, [{ kind: 'file', path: bigCsv }], {
          trigger: 'cli',
        });
        if (s.status !== (isAfter ? 'unchanged' : 'success'))
          problems.push(`${where}: re-run status ${s.status}`);
        if (logicalChecksum(db.sqlite) !== after || dataVersionOf(db.sqlite) !== afterVersion) {
          problems.push(`${where}: the re-run did not produce the after-state`);
        }
        const running = db.sqlite
          .prepare(`select count(*) from import_runs where status = 'running'`)
          .pluck()
          .get();
        if (running !== 0) problems.push(`${where}: ${running} runs still 'running' after the re-run`);
        const lock = db.sqlite.prepare(`select count(*) from meta where key = 'import_lock'`).pluck().get();
        if (lock !== 0) problems.push(`${where}: import lock left after the re-run`);
        if (integrityCheck(db.sqlite) !== 'ok') problems.push(`${where}: integrity_check after the re-run`);
      } finally {
        await db.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      }
    }
    console.log(
      `kill-import: ${KILLS} kills (seed ${SEED}) — before the write ${landed.beforeWrite}, during the write ${landed.duringWrite} (of which committed just before the kill: ${duringWriteButCommitted}), after the commit ${landed.afterCommit}, finished before the kill ${landed.exitedNormally}`,
    );
    expect(problems).toEqual([]);
    // The plan must really have hit the write transaction and the time before it.
    expect(landed.duringWrite).toBeGreaterThanOrEqual(3);
    expect(landed.beforeWrite).toBeGreaterThanOrEqual(3);
  }, 480_000);
});
