/**
 * The import worker started early (etl/worker-process.ts, etl/cli-entry.ts): taken by an import
 * with the same heap limit, killed when it does not fit or is not needed; the built command line's
 * entry starts it before its own bundle loads, and imports through it.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { namesFiles, workerHeapMb } from '../../etl/cli-entry-args.js';
import { discardPrestartedWorker, prestartWorker, takePrestartedWorker } from '../../etl/worker-process.js';
import { tempDir } from '../reliability/helpers.js';

const ECHO = fileURLToPath(new URL('./fixtures/echo-worker.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/etl/cli.js', import.meta.url));
afterEach(discardPrestartedWorker);

/** The worker waiting in the slot (etl/worker-process.ts keeps it on the global object). */
const SLOT = Symbol.for('zielmonitor.prestartedImportWorker');
function waiting(): ChildProcess {
  const p = (globalThis as { [SLOT]?: { child: ChildProcess } })[SLOT];
  if (!p) throw new Error('no prestarted worker');
  return p.child;
}

/** Resolves once `child` has ended by SIGKILL. */
async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  expect(child.signalCode).toBe('SIGKILL');
}

describe('a prestarted import worker', () => {
  test('is taken by an import with the same entry and heap limit, and answers', async () => {
    prestartWorker(ECHO, { maxOldGenerationSizeMb: 128 });
    const child = takePrestartedWorker(ECHO, { maxOldGenerationSizeMb: 128 });
    if (child === null) throw new Error('not taken');
    expect(takePrestartedWorker(ECHO, { maxOldGenerationSizeMb: 128 })).toBeNull(); // once
    child.send({ job: 1 });
    const [answer] = (await once(child, 'message')) as [{ echo: unknown; pid: number; execArgv: string[] }];
    expect(answer).toEqual({ echo: { job: 1 }, pid: child.pid, execArgv: ['--max-old-space-size=128'] });
  });

  test('one that does not fit is killed, not taken; so is one replaced by a second start', async () => {
    prestartWorker(ECHO, { maxOldGenerationSizeMb: 128 });
    const misfit = waiting();
    expect(takePrestartedWorker(ECHO, { maxOldGenerationSizeMb: 256 })).toBeNull();
    await killed(misfit);
    prestartWorker(ECHO, { maxOldGenerationSizeMb: 128 });
    const otherEntry = waiting();
    expect(takePrestartedWorker(`${ECHO}.other`, { maxOldGenerationSizeMb: 128 })).toBeNull();
    await killed(otherEntry);
    prestartWorker(ECHO, { maxOldGenerationSizeMb: 128 });
    const replaced = waiting();
    prestartWorker(ECHO, { maxOldGenerationSizeMb: 128 });
    await killed(replaced);
    const second = waiting();
    expect(takePrestartedWorker(ECHO, { maxOldGenerationSizeMb: 128 })).toBe(second);
    second.kill('SIGKILL');
  });

  test('one that died while waiting is not taken', async () => {
    prestartWorker(ECHO, { maxOldGenerationSizeMb: 128 });
    const child = waiting();
    child.kill('SIGTERM');
    await once(child, 'exit');
    expect(takePrestartedWorker(ECHO, { maxOldGenerationSizeMb: 128 })).toBeNull();
  });

  test('one not taken keeps nothing alive: a process that only started it ends by itself', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/prestart-only.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
      timeout: 20_000,
    });
    expect(stdout).toBe('prestarted\n');
  }, 30_000);

  test('a discarded one is killed', async () => {
    prestartWorker(ECHO, { maxOldGenerationSizeMb: 128 });
    const child = waiting();
    discardPrestartedWorker();
    await killed(child);
    expect(takePrestartedWorker(ECHO, { maxOldGenerationSizeMb: 128 })).toBeNull();
  });
});

describe('the command line’s entry', () => {
  test('guesses from the arguments whether files are imported, and reads the heap limit as the config does', () => {
    expect(namesFiles(['daten.csv'])).toBe(true);
    expect(namesFiles(['--', 'a.csv', '--targets', 't.csv'])).toBe(true);
    expect(namesFiles(['--targets', 't.csv'])).toBe(false);
    expect(namesFiles(['-t', 't.csv', '--targets=u.csv'])).toBe(false);
    expect(namesFiles(['a.csv', '--help'])).toBe(false);
    expect(namesFiles([])).toBe(false);
    expect(workerHeapMb(undefined)).toBe(1024);
    expect(workerHeapMb(' ')).toBe(1024);
    expect(workerHeapMb('256')).toBe(256);
    expect(workerHeapMb('63')).toBeNull();
    expect(workerHeapMb('1.5')).toBeNull();
    expect(workerHeapMb('viel')).toBeNull();
  });

  test('is built to import nothing but node’s modules and our own code before the command line', () => {
    const entry = readFileSync(CLI, 'utf8');
    const imports = [...entry.matchAll(/\bimport\s*(?:[^'"()]*?\bfrom\s*)?\(?\s*["']([^"']+)["']/g)].map(
      (m) => m[1],
    );
    expect(imports.filter((i) => !i?.startsWith('node:'))).toEqual(['./cli-main.js']);
  });

  test('imports a file through the worker it started first; a usage error still ends the process', async () => {
    const tmp = tempDir('zm-cli-entry-');
    try {
      const csv = join(tmp.dir, 'a.csv');
      writeFileSync(
        csv,
        'region;region_name;month;indicator;gender;value;flag\n01060;Kreis Segeberg;2024-01;INT;total;312;\n',
      );
      const env = { ...process.env, DATABASE_PATH: join(tmp.dir, 'zm.db'), LOG_LEVEL: 'debug' };
      const run = promisify(execFile);
      const { stdout, stderr } = await run(process.execPath, [CLI, csv], { env });
      expect(stdout).toContain('success');
      const line = stderr.split('\n').find((l) => l.includes('"msg":"import worker process"'));
      expect(JSON.parse(line ?? '{}')).toMatchObject({ prestarted: true });

      // A file that is not there: a usage error, and the process ends (the worker is killed).
      const missing = await run(process.execPath, [CLI, join(tmp.dir, 'fehlt.csv')], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(missing).toMatchObject({ code: 2 });
      // An invalid heap limit: no worker started early, the config error as before.
      const invalid = await run(process.execPath, [CLI, csv], {
        env: { ...env, IMPORT_WORKER_MAX_MB: '1' },
      }).catch((e: { code: number; stderr: string }) => e);
      expect(invalid).toMatchObject({ code: 2 });
      expect((invalid as { stderr: string }).stderr).toContain('IMPORT_WORKER_MAX_MB');
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});
