/** Shared helpers for the ETL tests: fresh databases, temp dirs, table dumps. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
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

/** A row of an xlsx test sheet: null leaves the cell empty. */
export type XlsxRow = (string | number | Date | null)[];

/** An xlsx workbook of `sheets` (rows from A1; merges, number formats and hidden sheets as given). */
export async function xlsxWorkbook(
  sheets: {
    name: string;
    rows: XlsxRow[];
    merges?: string[];
    numFmt?: Record<string, string>;
    hidden?: boolean;
  }[],
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, s.hidden ? { state: 'hidden' } : {});
    s.rows.forEach((r, i) => {
      const row = ws.getRow(i + 1);
      r.forEach((v, c) => {
        if (v !== null) row.getCell(c + 1).value = v;
      });
    });
    for (const [address, fmt] of Object.entries(s.numFmt ?? {})) ws.getCell(address).numFmt = fmt;
    for (const m of s.merges ?? []) ws.mergeCells(m);
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
