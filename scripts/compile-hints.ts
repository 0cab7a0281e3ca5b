/**
 * V8's explicit compile hint (Chrome and Edge from version 136; other browsers ignore it): a script
 * whose text begins with the comment `//# allFunctionsCalledOnLoad` has all its functions compiled
 * eagerly, by the background thread that compiles the script while it streams in. Without it V8
 * compiles a function on the main thread the first time it is called, which on a page's start is
 * most of React DOM's and the query cache's code: a part of the one long task in which the main
 * script runs (docs/benchmarks.md, "Issue 13, sixteenth round").
 *
 * The build (vite.config.ts) marks the chunks every page runs at load: the entry and the chunks it
 * imports statically. Page chunks and the chart library are left lazy; most of their functions
 * are not called on a page's first render.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';

/** What the build knows of a chunk (a subset of Rollup's/Rolldown's OutputChunk). */
export interface ChunkInfo {
  fileName: string;
  isEntry: boolean;
  /** File names of the chunks it imports statically. */
  imports: readonly string[];
}

/** The entry chunks and every chunk they import statically, directly or through another. */
export function startupChunks(chunks: readonly ChunkInfo[]): string[] {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    out.add(name);
    for (const dep of byName.get(name)?.imports ?? []) visit(dep);
  };
  for (const c of chunks) if (c.isEntry) visit(c.fileName);
  return [...out].filter((name) => byName.has(name)).sort();
}

/** The script with the hint as its first line (unchanged if it has it already). */
export function withCompileHint(code: string): string {
  return code.startsWith(COMPILE_HINT) ? code : COMPILE_HINT + code;
}

/**
 * Prepends the hint to the startup chunks as written in `dir`; returns their file names. Runs
 * after the bundle is written (Vite's own plugins prepend to the entry up to then) and before the
 * copies are compressed. The chunks' file names were hashed before: a chunk has the same name
 * with and without the hint. A source map of a hinted chunk would be one line off; the build
 * writes none (vite.config.ts, `sourcemap: false`).
 */
export function addCompileHints(dir: string, chunks: readonly ChunkInfo[]): string[] {
  const names = startupChunks(chunks);
  for (const name of names) {
    const path = join(dir, name);
    writeFileSync(path, withCompileHint(readFileSync(path, 'utf8')));
  }
  return names;
}
