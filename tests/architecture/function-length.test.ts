/**
 * No function of the product is longer than 120 lines (chart option builders, which are lists of
 * settings, and frozen migrations excepted). The measure is shown on planted functions first.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { functionSizes, longFunctions } from './function-length.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const planted = mkdtempSync(path.join(tmpdir(), 'zielmonitor-length-'));
afterAll(() => rmSync(planted, { recursive: true, force: true }));

const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

describe('function length', () => {
  test('functions, arrows, methods and components are measured from first to last line', () => {
    mkdirSync(path.join(planted, 'server'), { recursive: true });
    writeFileSync(
      path.join(planted, 'server/x.ts'),
      [
        `export function long() {\n${body(121)}\n}`, // 123 lines
        `export const arrow = () => {\n${body(10)}\n};`, // 12 lines
        `export class C {\n  method() {\n${body(3)}\n  }\n}`, // method: 5 lines
        `export function buildThingOption() {\n${body(200)}\n}`,
        '',
      ].join('\n'),
    );
    const sizes = functionSizes(planted, ['server/x.ts']);
    expect(sizes.map((f) => [f.name, f.lines])).toEqual([
      ['long', 123],
      ['arrow', 12],
      ['method', 5],
      ['buildThingOption', 202],
    ]);
    expect(longFunctions(planted, 120, ['server']).map((f) => `${f.file}:${f.line} ${f.name}`)).toEqual([
      'server/x.ts:1 long',
    ]);
  });

  test('no function of the source tree is over 120 lines', () => {
    expect(longFunctions(ROOT).map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`)).toEqual([]);
  });
});
