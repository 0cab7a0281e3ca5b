/**
 * Child of heap-settings.test.ts: applies the server's heap settings when told to (the way
 * dist/server/main.js does, by importing the module), then keeps a rolling window of
 * medium-lived objects, as the server's caches of answers do (they survive the young generation
 * and die in the old one), and prints the largest heap V8 had meanwhile and the young
 * generation's size at the end. It lets the event loop turn every 1,000 objects (about 150 KB),
 * as a server does between requests (a cached goals request allocates about 30 KB).
 */
import { getHeapStatistics } from 'node:v8';
import { youngGenerationBytes } from '../../server/heap-settings.js';

if (process.argv[2] === 'apply') await import('../../server/apply-heap-settings.js');
const startNewSpaceBytes = youngGenerationBytes();
const WINDOW = 50_000;
const ring = new Array<unknown>(WINDOW);
let peak = 0;
for (let i = 0; i < 3_000_000; i++) {
  ring[i % WINDOW] = { i, s: `answer ${i} ${'x'.repeat(100)}` };
  if (i % 10_000 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
  if (i % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
}
process.stdout.write(
  JSON.stringify({
    peakHeapBytes: peak,
    startNewSpaceBytes,
    newSpaceBytes: youngGenerationBytes(),
    kept: ring.length,
  }),
);
