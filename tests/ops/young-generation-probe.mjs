/**
 * Preloaded by heap-settings.test.ts into the built server (`node --import <this> dist/server/main.js`):
 * samples the size of V8's young generation every 10 ms from before the server's own code loads,
 * and writes the largest size seen to YOUNG_GENERATION_PROBE_OUT when the process exits. Plain
 * JavaScript, so that no loader (tsx) allocates before the server does.
 */
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const out = process.env.YOUNG_GENERATION_PROBE_OUT;
if (!out) throw new Error('YOUNG_GENERATION_PROBE_OUT is not set');
let largest = 0;
const sample = () => {
  const size = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  largest = Math.max(largest, size);
};
setInterval(sample, 10).unref();
process.on('exit', () => {
  sample();
  writeFileSync(out, JSON.stringify({ largestNewSpaceBytes: largest }));
});
