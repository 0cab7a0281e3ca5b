/**
 * V8's compile hint on the chunks every page runs at load (scripts/compile-hints.ts): which chunks
 * get it, that it is the script's first line, and that the build step writes it into the files of
 * a directory. The built dashboard as served (the build's own wiring, the compressed copies) is
 * checked by tests/e2e/dashboard.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  addCompileHints,
  type ChunkInfo,
  COMPILE_HINT,
  startupChunks,
  withCompileHint,
} from '../../scripts/compile-hints.js';

const chunk = (fileName: string, imports: string[] = [], isEntry = false): ChunkInfo => ({
  fileName,
  imports,
  isEntry,
});

// The shape of the dashboard's build: the entry imports the runtime and a shared chunk; the
// pages are imported dynamically (not in `imports`) and import the shared chunk and the charts.
const BUILD = [
  chunk('assets/index.js', ['assets/runtime.js', 'assets/shared.js'], true),
  chunk('assets/runtime.js'),
  chunk('assets/shared.js', ['assets/runtime.js']),
  chunk('assets/Months.js', ['assets/shared.js', 'assets/DataTable.js']),
  chunk('assets/DataTable.js', ['assets/runtime.js']),
  chunk('assets/Goal.js', ['assets/shared.js', 'assets/echarts.js']),
  chunk('assets/echarts.js', ['assets/runtime.js']),
];

describe('startupChunks', () => {
  test('the entry and what it imports statically, directly or through another chunk', () => {
    expect(startupChunks(BUILD)).toEqual(['assets/index.js', 'assets/runtime.js', 'assets/shared.js']);
    const deeper = [
      chunk('a.js', ['b.js'], true),
      chunk('b.js', ['c.js']),
      chunk('c.js', ['a.js']), // a cycle ends, it does not loop
      chunk('lazy.js', ['c.js']),
    ];
    expect(startupChunks(deeper)).toEqual(['a.js', 'b.js', 'c.js']);
  });

  test('page chunks, the chart library and chunks the bundle does not hold stay as they are', () => {
    const names = startupChunks(BUILD);
    expect(names).not.toContain('assets/Months.js');
    expect(names).not.toContain('assets/echarts.js');
    // An import the bundle does not hold (an external module) is not a file to write.
    expect(startupChunks([chunk('a.js', ['external.js'], true)])).toEqual(['a.js']);
    expect(startupChunks(BUILD.filter((c) => !c.isEntry))).toEqual([]);
  });
});

describe('withCompileHint', () => {
  test("puts the magic comment on the script's first line, once", () => {
    expect(COMPILE_HINT).toBe('//# allFunctionsCalledOnLoad\n');
    const code = 'const __vite__mapDeps=(i)=>i;export{a};';
    const hinted = withCompileHint(code);
    expect(hinted).toBe(`//# allFunctionsCalledOnLoad\n${code}`);
    expect(withCompileHint(hinted)).toBe(hinted);
    // A comment elsewhere in the file is not the hint: V8 reads it only at the start.
    expect(withCompileHint(`x;\n${COMPILE_HINT}`).startsWith(COMPILE_HINT)).toBe(true);
  });
});

describe('addCompileHints (the build step)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zm-hints-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('prepends the hint to the startup chunks as written and leaves every other file alone', () => {
    const files = [
      'index.js',
      'runtime.js',
      'shared.js',
      'Months.js',
      'DataTable.js',
      'Goal.js',
      'echarts.js',
    ];
    for (const f of files) writeFileSync(join(dir, f), `/* ${f} */ export default 1;\n`);
    const build = BUILD.map((c) => ({ ...c, fileName: c.fileName.replace('assets/', '') })).map((c) => ({
      ...c,
      imports: c.imports.map((i) => i.replace('assets/', '')),
    }));
    expect(addCompileHints(dir, build)).toEqual(['index.js', 'runtime.js', 'shared.js']);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const hinted = ['index.js', 'runtime.js', 'shared.js'].includes(f);
      expect(text, f).toBe(`${hinted ? COMPILE_HINT : ''}/* ${f} */ export default 1;\n`);
    }
    // A second run (a build step repeated on the same output) adds nothing.
    addCompileHints(dir, build);
    expect(readFileSync(join(dir, 'index.js'), 'utf8').split(COMPILE_HINT).length).toBe(2);
  });
});
