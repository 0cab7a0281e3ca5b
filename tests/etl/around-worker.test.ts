/**
 * An import in a worker thread tells `isolation.aroundWorker` before the thread is created and
 * once it has exited, also when the thread dies: the server releases its hold on V8's young
 * generation for that time (server/heap-settings.ts) and must get it back on every path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import { createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/connection.js';
import { releaseYoungGeneration } from '../../server/heap-settings.js';
import { silentLogger } from '../../server/logger.js';
import { buf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'zielmonitor-around-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CSV = [
  'region;region_name;month;indicator;gender;value;flag',
  '01060;Kreis Segeberg;2024-01;INT;total;312;',
  '01060;Kreis Segeberg;2024-01;ELB;total;5123;',
].join('\n');

/** Imports CSV through a worker with `maxOldGenerationSizeMb`; returns the status and what aroundWorker saw. */
async function importThroughWorker(name: string, maxOldGenerationSizeMb: number) {
  const db = await openDatabase(join(dir, `${name}.db`));
  const events: string[] = [];
  try {
    const summary = await runImport(
      {
        db,
        logger: silentLogger(),
        isolation: {
          maxOldGenerationSizeMb,
          onRunning: (running) => events.push(running ? 'running' : 'ended'),
          aroundWorker: () => {
            events.push('before worker');
            return () => events.push('after worker');
          },
        },
      },
      [{ kind: 'buffer', name: 'data.csv', data: buf(CSV) }],
      { trigger: 'cli' },
    );
    return { status: summary.status, events };
  } finally {
    await db.close();
  }
}

describe('isolation.aroundWorker', () => {
  test('is told before the worker starts and after it has exited', async () => {
    const { status, events } = await importThroughWorker('ok', 256);
    expect(status).toBe('success');
    expect(events).toEqual(['running', 'before worker', 'after worker', 'ended']);
  });

  test('is told after a worker that died (its heap too small to start)', async () => {
    const { status, events } = await importThroughWorker('dies', 1);
    expect(status).toBe('aborted');
    expect(events).toEqual(['running', 'before worker', 'after worker', 'ended']);
  });

  test('the server releases its young generation for that time', async () => {
    const db = await openDatabase(':memory:');
    try {
      const deps = await createAppDeps({ db, config: testConfig(), serve: true });
      expect(deps.etl.isolation?.aroundWorker).toBe(releaseYoungGeneration);
    } finally {
      await db.close();
    }
  });
});
