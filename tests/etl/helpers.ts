/** Shared helpers for the ETL tests: fresh databases, temp dirs, table dumps. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EtlDeps } from '../../etl/index.js';
import { createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';
import type { Db } from '../../server/db/connection.js';
import { all, openTestDb, pluck } from '../helpers/db.js';

/** The ETL deps of the app (createAppDeps) on a fresh database of the run's engine. */
export async function memoryDeps(extra: Partial<EtlDeps> = {}): Promise<EtlDeps & { db: Db }> {
  const { etl } = await createAppDeps({
    db: await openTestDb(),
    config: testConfig(),
    clock: () => new Date('2024-11-20T06:00:00Z'),
  });
  return { ...etl, db: etl.db, ...extra };
}

export function tempDir(prefix = 'zm-etl-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeText(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Every row of the data tables, in a stable order: equal dumps mean nothing was written. */
export async function dumpData(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of ['regions', 'observations', 'revisions', 'targets', 'target_history', 'meta']) {
    out[t] = await all(db, `select * from ${t} order by 1`);
  }
  return out;
}

export function buf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export interface ObsRowView {
  region_id: string;
  indicator_code: string;
  gender: string;
  month: string;
  value: number | null;
  flag: string | null;
  revision_count: number;
}

export function observations(db: Db): Promise<ObsRowView[]> {
  return all<ObsRowView>(
    db,
    'select region_id, indicator_code, gender, month, value, flag, revision_count from observations order by region_id, indicator_code, gender, month',
  );
}

export async function dataVersion(db: Db): Promise<number> {
  return Number(await pluck(db, `select value from meta where key = 'data_version'`));
}
