import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  applyHeapSettings,
  capYoungGeneration,
  YOUNG_GENERATION_CAP_BYTES,
} from '../../server/heap-settings.js';

interface Probe {
  peakHeapBytes: number;
  newSpaceBytes: number;
}

/** The largest heap and the young generation of a fresh node process under a cache-like load. */
function probe(args: string[], nodeArgs: string[] = []): Probe {
  const argv = [...nodeArgs, '--import', 'tsx', 'tests/ops/heap-probe.ts', ...args];
  const out = spawnSync(process.execPath, argv, {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as Probe;
}

describe('server heap settings (server/heap-settings.ts)', () => {
  it('keeps the dead space of medium-lived objects from piling up in the old generation', () => {
    const plain = probe([]);
    const applied = probe(['apply']);
    // Measured: 130–155 MB plain, 98–100 MB applied (the window itself holds about 15 MB).
    expect(applied.peakHeapBytes).toBeLessThan(plain.peakHeapBytes * 0.9);
    // The young generation stops at its cap; without the settings it grows to V8's 32 MB here.
    expect(applied.newSpaceBytes).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES);
    expect(applied.newSpaceBytes).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES / 4);
    expect(plain.newSpaceBytes).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
  });

  it("leaves the operator's own node flags alone", () => {
    expect(applyHeapSettings(['--heap-growing-percent=50'], undefined)).toEqual([]);
    expect(applyHeapSettings(['--max-semi-space-size=2'], undefined)).toEqual([]);
    expect(applyHeapSettings([], '--optimize-for-size --enable-source-maps')).toEqual([]);
    // V8 flags cannot go in NODE_OPTIONS; on the command line they show in process.execArgv.
    const own = probe(['apply'], ['--heap-growing-percent=300']);
    const applied = probe(['apply']);
    expect(own.peakHeapBytes).toBeGreaterThan(applied.peakHeapBytes * 1.1);
  });

  it('stops the young generation at its cap, and lets it grow back after V8 has shrunk it', () => {
    const MB = 1024 * 1024;
    let size = 2 * MB;
    const factors: number[] = [];
    const cap = capYoungGeneration(16 * MB, {
      size: () => size,
      setGrowthFactor: (f) => factors.push(f),
    });
    try {
      // Below the cap V8's own factor (2) stands: nothing to set.
      expect(factors).toEqual([]);
      for (size of [4 * MB, 8 * MB]) cap.check();
      expect(factors).toEqual([]);
      size = 16 * MB;
      cap.check();
      cap.check();
      expect(factors).toEqual([1]);
      // Quiet hours: V8 shrank the young generation; it may grow again, up to the cap.
      size = 2 * MB;
      cap.check();
      expect(factors).toEqual([1, 2]);
      size = 16 * MB;
      cap.check();
      expect(factors).toEqual([1, 2, 1]);
    } finally {
      cap.stop();
    }
  });
});
