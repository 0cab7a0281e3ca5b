/**
 * Child of heap-settings.test.ts: applies the server's heap settings when told to (the way
 * dist/server/main.js does, by importing the module), makes request-like garbage, and prints the
 * young generation's size as V8 reports it.
 */
import { getHeapSpaceStatistics } from 'node:v8';

if (process.argv[2] === 'apply') await import('../../server/heap-settings.js');
let keep = 0;
for (let i = 0; i < 200_000; i++) {
  // Short-lived objects of a few hundred bytes, about what a request leaves behind.
  const o = { i, s: `row ${i}`, a: new Array(20).fill(i) };
  keep += JSON.stringify(o).length;
}
const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
process.stdout.write(JSON.stringify({ newSpaceBytes: young?.space_size ?? -1, keep }));
