/**
 * Every action the server writes to the audit log has a German name for the admin page and the
 * audit CSV (core/people.ts): a new action without one would show its code to people.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { AUDIT_ACTION_TEXT } from '../../core/people.js';
import { sourceFiles } from '../architecture/import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('every audited action literal in the server has a German text', () => {
  const found = new Set<string>();
  for (const file of sourceFiles(ROOT, ['server', 'etl'])) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/\baudit\w*\([^']*'([a-z_]+\.[a-z_]+)'/g)) if (m[1]) found.add(m[1]);
  }
  // The scan finds the calls (a broken pattern would find nothing and pass).
  expect(found.size).toBeGreaterThanOrEqual(15);
  expect([...found].filter((a) => AUDIT_ACTION_TEXT[a] === undefined).sort()).toEqual([]);
});
