import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { applyHeapSettings } from '../../server/heap-settings.js';

/** The young generation's size after request-like garbage, in a fresh node process. */
function youngGeneration(args: string[], env: Record<string, string> = {}): number {
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'tests/ops/heap-probe.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return (JSON.parse(out.stdout) as { newSpaceBytes: number }).newSpaceBytes;
}

describe('server heap settings (server/heap-settings.ts)', () => {
  it('keeps the young generation at 1 MB semi-spaces where plain node grows it', () => {
    const plain = youngGeneration([]);
    const applied = youngGeneration(['apply']);
    // V8's default grows the semi-spaces to several MB under allocation; applied, they stay at 1 MB.
    expect(plain).toBeGreaterThan(4 * 1024 * 1024);
    expect(applied).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it("leaves the operator's own node flags alone", () => {
    expect(applyHeapSettings(['--max-semi-space-size=8'], undefined)).toEqual([]);
    expect(applyHeapSettings([], '--optimize-for-size --enable-source-maps')).toEqual([]);
    const grown = youngGeneration(['apply'], { NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(grown).toBeGreaterThan(4 * 1024 * 1024);
  });
});
