/**
 * Prints the worked example for controllers (Kreis Segeberg, September 2024) to stdout, or with
 * `--write` writes it to docs/sample-figures.md.
 *
 *   npx tsx tests/audit/print-worked-example.ts          # print
 *   npx tsx tests/audit/print-worked-example.ts --write  # update docs/sample-figures.md
 */
import { writeFileSync } from 'node:fs';
import { buildWorkedExample, DOC_PATH } from './worked-example.js';

const text = await buildWorkedExample();
if (process.argv.includes('--write')) {
  writeFileSync(DOC_PATH, text);
  process.stderr.write(`wrote ${DOC_PATH}\n`);
} else {
  process.stdout.write(text);
}
