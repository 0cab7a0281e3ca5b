/**
 * The synthetic national file of the PostgreSQL bench (bench/pg.ts): ours as canonical CSV and
 * the same rows in the observations table's column order for psql's \\copy.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REGIONS = 404;
const MONTHS = 120;
const INDICATORS = ['INT', 'ELB', 'LZB'] as const;
const GENDERS = ['total', 'female', 'male'] as const;

/** Deterministic pseudo-random numbers (the same file every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generate(dir: string): { csv: string; cliCsv: string; rows: number } {
  const rnd = lcg(20241120);
  const ours: string[] = ['region;region_name;month;indicator;gender;value;flag'];
  const cli: string[] = [];
  const loadedAt = '2024-11-20T06:00:00.000Z';
  let id = 0;
  for (let r = 0; r < REGIONS; r++) {
    const region = String(1001 + r * 37).padStart(5, '0');
    const name = `Jobcenter ${r + 1}`;
    const size = 2000 + Math.floor(rnd() * 40000);
    for (let m = 0; m < MONTHS; m++) {
      const month = `${2015 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      for (const ind of INDICATORS) {
        const base = ind === 'ELB' ? size : ind === 'LZB' ? size * 0.63 : size * 0.02;
        for (const g of GENDERS) {
          const share = g === 'total' ? 1 : g === 'female' ? 0.47 : 0.53;
          const value = Math.round(base * share * (0.95 + rnd() * 0.1));
          // A few suppressed small cells, as in real BA files.
          const suppressed = ind === 'INT' && value < 20 && rnd() < 0.5;
          id++;
          if (suppressed) {
            ours.push(`${region};${name};${month};${ind};${g};*;`);
            cli.push(`${id};${region};${ind};${g};${month};;*;1;${loadedAt};0`);
          } else {
            ours.push(`${region};${name};${month};${ind};${g};${value};`);
            cli.push(`${id};${region};${ind};${g};${month};${value};;1;${loadedAt};0`);
          }
        }
      }
    }
  }
  const csv = join(dir, 'national.csv');
  const cliCsv = join(dir, 'national-sqlite3.csv');
  writeFileSync(csv, `${ours.join('\n')}\n`);
  writeFileSync(cliCsv, `${cli.join('\n')}\n`);
  return { csv, cliCsv, rows: id };
}
