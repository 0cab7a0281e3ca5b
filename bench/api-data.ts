/**
 * A national data set for the API benchmark, written straight into SQLite: 404 regions ×
 * 45 months (January 2021 .. September 2024) × 3 genders × INT/ELB/LZB, plus the six AIP targets
 * of 2024 for every region. Deterministic (seeded), realistic magnitudes (LZB ≈ 63 % of ELB,
 * integrations ≈ 2 % of ELB a month with spring/autumn peaks and a December dip).
 */

import { type Month, month, monthRange } from '../core/months.js';
import { mulberry32 } from '../scripts/mulberry32.js';
import type { SqliteDb } from '../server/db/connection.js';

export const REGION_COUNT = 404;
export const FIRST_MONTH = month('2021-01');
export const LAST_MONTH = month('2024-09');

const SEASON = [1.0, 1.05, 1.15, 1.1, 1.0, 0.95, 0.9, 1.05, 1.15, 1.1, 1.0, 0.7];
const TARGETS: [string, string, number, string][] = [
  ['K2', 'female', 1.1, 'higher'],
  ['K2', 'male', -1.0, 'higher'],
  ['K2', 'total', -0.4, 'higher'],
  ['K3', 'female', 7.8, 'lower'],
  ['K3', 'male', 3.9, 'lower'],
  ['K3', 'total', 6.0, 'lower'],
];

export function regionIds(): string[] {
  return Array.from({ length: REGION_COUNT }, (_, i) => String(10001 + i));
}

/**
 * Inserts the data set; returns the number of observations written. `firstMonth` starts it
 * earlier (tests that need backtest errors from at least three other years); the benchmarks use
 * the default.
 */
export function loadNationalData(
  db: SqliteDb,
  { firstMonth = FIRST_MONTH }: { firstMonth?: Month } = {},
): number {
  const s = db.sqlite;
  const random = mulberry32(20240901);
  const months = monthRange(firstMonth, LAST_MONTH);
  const loadedAt = '2025-01-20T06:00:00.000Z';
  const insRegion = s.prepare(
    `insert into regions (id, name, kind, comparison_type, sample, sample_as_of) values (?, ?, 'jobcenter', ?, 0, null)`,
  );
  const insObs = s.prepare(
    `insert into observations (region_id, indicator_code, gender, month, value, flag, loaded_at, revision_count)
     values (?, ?, ?, ?, ?, null, ?, 0)`,
  );
  const insTarget = s.prepare(
    `insert into targets (region_id, year, indicator_code, gender, target_change_pct, better, source, updated_at, updated_by)
     values (?, 2024, ?, ?, ?, ?, 'AIP 2024, Tabelle 3', ?, null)`,
  );
  let n = 0;
  s.transaction(() => {
    for (const [i, id] of regionIds().entries()) {
      insRegion.run(id, `Jobcenter ${id}`, `T${(i % 15) + 1}`);
      const size = 2000 + Math.floor(random() * 28000);
      const trend = (random() - 0.5) * 0.004;
      for (const [k, month] of months.entries()) {
        const elbF = Math.round(size * 0.48 * (1 + trend * k) * (0.99 + random() * 0.02));
        const elbM = Math.round(size * 0.52 * (1 + trend * k) * (0.99 + random() * 0.02));
        const lzbF = Math.round(elbF * (0.62 + random() * 0.04));
        const lzbM = Math.round(elbM * (0.6 + random() * 0.04));
        const season = SEASON[k % 12] ?? 1;
        const intF = Math.round(elbF * 0.016 * season * (0.9 + random() * 0.2));
        const intM = Math.round(elbM * 0.025 * season * (0.9 + random() * 0.2));
        const rows: [string, string, number][] = [
          ['ELB', 'female', elbF],
          ['ELB', 'male', elbM],
          ['ELB', 'total', elbF + elbM],
          ['LZB', 'female', lzbF],
          ['LZB', 'male', lzbM],
          ['LZB', 'total', lzbF + lzbM],
          ['INT', 'female', intF],
          ['INT', 'male', intM],
          ['INT', 'total', intF + intM],
        ];
        for (const [code, gender, value] of rows) {
          insObs.run(id, code, gender, month, value, loadedAt);
          n++;
        }
      }
      for (const [ind, gender, pct, better] of TARGETS) insTarget.run(id, ind, gender, pct, better, loadedAt);
    }
    s.prepare(
      `update meta set value = cast(cast(value as integer) + 1 as text) where key = 'data_version'`,
    ).run();
  })();
  return n;
}
