/**
 * The import worker ends when its parent is gone even while its main thread is busy in one long
 * synchronous step (etl/parent-watch.ts): checks on the main thread are not reached then.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, expect, test } from 'vitest';
import { processAlive } from '../../etl/lock.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

test('a process busy on its main thread is ended by the watch once its parent is gone', async () => {
  // The "parent": any process; the busy child watches it (a fork's parent, here given by pid).
  const parent = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  started.push(parent);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/etl/fixtures/blocked-child.ts', String(parent.pid)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  started.push(child);
  if (child.stdout === null) throw new Error('no stdout');
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  expect(first.toString()).toBe('busy\n');
  // While the parent lives, the busy child lives on.
  await new Promise((r) => setTimeout(r, 300));
  expect(processAlive(child.pid ?? 0)).toBe(true);
  parent.kill('SIGKILL');
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
}, 30_000);
