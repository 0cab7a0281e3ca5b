/**
 * The national data set of the benchmarks: 404 Jobcenters × 120 months (January 2015 ..
 * December 2024) × INT/ELB/LZB × 3 genders = 436,320 rows in the canonical CSV the ETL reads
 * (with the Vergleichstyp, 15 types), and the six AIP targets of 2024 for every region.
 * Deterministic (the same files every run); realistic magnitudes and a few suppressed cells.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const REGIONS = 404;
export const MONTHS = 120;
export const FIRST_YEAR = 2015;
export const TARGET_YEAR = 2024;
/** The data months the "spread" API scenario walks: nine months of the target year. */
export const SPREAD_MONTHS = ['04', '05', '06', '07', '08', '09', '10', '11', '12'].map(
  (m) => `${TARGET_YEAR}-${m}`,
);
const INDICATORS = ['INT', 'ELB', 'LZB'] as const;
const GENDERS = ['total', 'female', 'male'] as const;
const TARGETS: [string, string, string, string][] = [
  ['K2', 'female', '1,1', 'higher'],
  ['K2', 'male', '-1,0', 'higher'],
  ['K2', 'total', '-0,4', 'higher'],
  ['K3', 'female', '7,8', 'lower'],
  ['K3', 'male', '3,9', 'lower'],
  ['K3', 'total', '6,0', 'lower'],
];

export const regionId = (r: number) => String(1001 + r * 37).padStart(5, '0');
export const regionIds = () => Array.from({ length: REGIONS }, (_, r) => regionId(r));

/** Deterministic pseudo-random numbers. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface NationalFiles {
  /** The canonical CSV (`npm run etl` reads it). */
  csv: string;
  /** The targets of TARGET_YEAR for every region (`npm run etl -- --targets`). */
  targets: string;
  rows: number;
}

export function writeNationalFiles(dir: string): NationalFiles {
  const rnd = lcg(20241120);
  const lines: string[] = ['region;region_name;month;indicator;gender;value;flag;comparison_type'];
  const targets: string[] = ['region;region_name;year;indicator;gender;target_change_pct;better;source'];
  let rows = 0;
  for (let r = 0; r < REGIONS; r++) {
    const region = regionId(r);
    const name = `Jobcenter ${r + 1}`;
    const type = `T${(r % 15) + 1}`;
    const size = 2000 + Math.floor(rnd() * 40000);
    for (let m = 0; m < MONTHS; m++) {
      const month = `${FIRST_YEAR + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      for (const ind of INDICATORS) {
        const base = ind === 'ELB' ? size : ind === 'LZB' ? size * 0.63 : size * 0.02;
        for (const g of GENDERS) {
          const share = g === 'total' ? 1 : g === 'female' ? 0.47 : 0.53;
          const value = Math.round(base * share * (0.95 + rnd() * 0.1));
          // A few suppressed small cells (never in a total), as in real BA files.
          const suppressed = ind === 'INT' && g !== 'total' && value < 20 && rnd() < 0.5;
          lines.push(`${region};${name};${month};${ind};${g};${suppressed ? '*' : value};;${type}`);
          rows++;
        }
      }
    }
    for (const [ind, g, pct, better] of TARGETS) {
      targets.push(`${region};${name};${TARGET_YEAR};${ind};${g};${pct};${better};Benchmark`);
    }
  }
  const csv = join(dir, 'national.csv');
  const targetsFile = join(dir, `targets-${TARGET_YEAR}.csv`);
  writeFileSync(csv, `${lines.join('\n')}\n`);
  writeFileSync(targetsFile, `${targets.join('\n')}\n`);
  return { csv, targets: targetsFile, rows };
}
