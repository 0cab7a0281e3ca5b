/**
 * Every action the server writes to the audit log has a German name for the admin page and the
 * audit CSV (core/people.ts): a new action without one would show its code to people.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { AUDIT_ACTION_TEXT, auditDetailText } from '../../core/people.js';
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

test("an entry's details read as German, not as the JSON they are stored as", () => {
  expect(auditDetailText('{"runId":3,"status":"success","inserted":0,"updated":1}')).toBe(
    'Lauf: 3 · Ergebnis: erfolgreich · neu: 0 · geändert: 1',
  );
  expect(auditDetailText('{"regions":null,"goals":null}')).toBe('Regionen: alle · Ziele: alle');
  expect(auditDetailText('{"regions":["01060","01062"],"goals":["K2-female"]}')).toBe(
    'Regionen: 01060, 01062 · Ziele: K2-female',
  );
  // A nested record is named, not spelled out; a list of records counted; numbers de-DE.
  expect(
    auditDetailText('{"mapping":{"id":4,"name":"LZB Segeberg","spec":{"kind":"grid"}},"ids":[1,2]}'),
  ).toBe('Zuordnung: LZB Segeberg · Nr.: 1, 2');
  expect(auditDetailText('{"tokens":[{"id":1},{"id":2}],"inserted":12345}')).toBe(
    'Tokens: 2 Einträge · neu: 12.345',
  );
  expect(auditDetailText('{"signedOut":true,"role":"controller"}')).toBe(
    'abgemeldet: ja · Rolle: Controlling',
  );
  // Text that is not a JSON object stays as it is; nothing is nothing.
  expect(auditDetailText('frei formuliert')).toBe('frei formuliert');
  expect(auditDetailText('[1,2]')).toBe('[1,2]');
  expect(auditDetailText(null)).toBe('');
});
