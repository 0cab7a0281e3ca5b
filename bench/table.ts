/**
 * The bench table in docs/benchmarks.md (between the bench markers): written whole by a full run,
 * or, for a partial run (`--only api`), with only its own rows and profiles replaced (matched by
 * the row's first column and the profile's title) and a line saying which rows are newer.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Row {
  what: string;
  figure: string;
  goal: string;
  ok: boolean | null;
}

export interface Profile {
  title: string;
  entries: { name: string; where: string; pct: number }[];
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const rowLine = (r: Row) =>
  `| ${r.what} | ${r.figure} | ${r.goal} | ${r.ok === null ? '' : r.ok ? 'yes' : 'NO'} |`;

const profileLines = (p: Profile) => [
  `${p.title} (self time, top entries):`,
  '',
  ...p.entries.map((e) => `- ${e.pct.toFixed(1)} % \`${e.name}\` ${e.where}`),
];

/** The whole block of a full run. */
function fullBlock(header: string, rows: readonly Row[], profiles: readonly Profile[]): string {
  return [
    header,
    '',
    '| what | measured | goal | met |',
    '|---|---|---|---|',
    ...rows.map(rowLine),
    ...profiles.flatMap((p) => ['', ...profileLines(p)]),
  ].join('\n');
}

/** `old` with `rows` and `profiles` replaced or added, and `note` as the partial run's line. */
function mergedBlock(old: string, note: string, rows: readonly Row[], profiles: readonly Profile[]): string {
  const lines = old.split('\n');
  const whatOf = (line: string) => line.split(' | ')[0]?.replace(/^\| /, '') ?? '';
  const byWhat = new Map(rows.map((r) => [r.what, r]));
  const out: string[] = [];
  let lastRow = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    // The line of an earlier partial run of the same rows (another section's line stays).
    if (line.startsWith('Partial run: ') && line.split(' from ')[0] === note.split(' from ')[0]) continue;
    const title = profiles.find((p) => line.startsWith(`${p.title} (`));
    if (title) {
      // Skip the old section: its title, the blank line and the entries.
      while (i + 1 < lines.length && ((lines[i + 1] ?? '') === '' || (lines[i + 1] ?? '').startsWith('- ')))
        i++;
      continue;
    }
    const row = line.startsWith('| ') ? byWhat.get(whatOf(line)) : undefined;
    if (row) byWhat.delete(row.what);
    out.push(row ? rowLine(row) : line);
    if (line.startsWith('| ')) lastRow = out.length - 1;
  }
  out.splice(lastRow + 1, 0, ...[...byWhat.values()].map(rowLine));
  const headerAt = out.findIndex((l) => l.startsWith('Latest `npm run bench`'));
  out.splice(headerAt + 1, 0, note);
  while (out.at(-1) === '') out.pop();
  return [...out, ...profiles.flatMap((p) => ['', ...profileLines(p)])].join('\n');
}

export function writeBenchTable(
  docs: string,
  run: { header: string; partial: boolean; rows: readonly Row[]; profiles: readonly Profile[] },
): string {
  const text = readFileSync(docs, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  const old = a >= 0 && b > a ? text.slice(a + START.length, b).trim() : '';
  const block =
    run.partial && old !== ''
      ? mergedBlock(old, `Partial run: ${run.header}`, run.rows, run.profiles)
      : fullBlock(run.header, run.rows, run.profiles);
  writeBenchSection(docs, 'bench', block);
  return block;
}

/**
 * Replaces the text between `<!-- <marker>:start -->` and `<!-- <marker>:end -->` in `docs` with
 * `block` (appending the section when it is missing); everything around it is kept.
 */
export function writeBenchSection(docs: string, marker: string, block: string): void {
  const text = readFileSync(docs, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  const next =
    a >= 0 && b > a
      ? `${text.slice(0, a + start.length)}\n${block}\n${text.slice(b)}`
      : `${text.trimEnd()}\n\n${start}\n${block}\n${end}\n`;
  writeFileSync(docs, next);
}
