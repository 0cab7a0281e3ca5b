/**
 * docs/sample-figures.md is generated from the independent re-computation: it must equal a fresh
 * rendering (else the bundled files or the targets changed and the page shows stale figures), and
 * the audit code must stay independent of the product's goal code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { buildWorkedExample, DOC_PATH } from './worked-example.js';

describe('docs/sample-figures.md', () => {
  test('is up to date (regenerate with `npx tsx tests/audit/print-worked-example.ts --write`)', async () => {
    const fresh = await buildWorkedExample();
    expect(readFileSync(DOC_PATH, 'utf8')).toBe(fresh);
  });

  test('says plainly that the figures are synthetic sample data and shows all three statuses', async () => {
    const doc = await buildWorkedExample();
    expect(doc).toContain('Beispieldaten, Stand September 2024');
    expect(doc).toContain('synthetisch');
    const overview = doc.slice(doc.indexOf('## Übersicht'), doc.indexOf('## Rechenweg'));
    const rows = overview.split('\n').filter((l) => /^\| K[23] /.test(l));
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.includes('✓ im Ziel')).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.includes('▲ gefährdet')).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.includes('✕ verfehlt')).length).toBeGreaterThan(0);
    // de-DE: thousands with '.', decimals with ',' (e.g. "6.804,6"), never an English "6,804.6".
    expect(overview).toMatch(/\d\.\d{3},\d/);
    expect(overview).not.toMatch(/\d,\d{3}\.\d/);
  });
});

describe('independence of the audit', () => {
  // [file, imports it has at least]: a parser that finds none in reference.ts would prove nothing.
  test.each([
    ['reference.ts', 3],
    ['worked-example.ts', 2],
    ['agreement.ts', 0],
  ] as const)('%s imports nothing from the product (server/, etl/, web/)', (file, atLeast) => {
    const src = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    const imports = [...src.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] ?? '');
    expect(imports.length).toBeGreaterThanOrEqual(atLeast);
    for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^(node:|exceljs$|\.\/)/);
  });
});
