import ExcelJS from 'exceljs';
import { afterEach, describe, expect, test } from 'vitest';
import { loadTargetsFile, seedIfEmpty } from '../../etl/index.js';
import { upsertTarget } from '../../server/db/repositories/targets.js';
import { all, get, pluck, pluckAll } from '../helpers/db.js';
import { dataVersion, dumpData, memoryDeps, tempDir, writeText } from './helpers.js';

const TARGETS = `region;region_name;year;indicator;gender;target_change_pct;better;source
01060;Kreis Segeberg;2024;K2;female;1,1;higher;AIP 2024 Jobcenter Kreis Segeberg, Tabelle 3: Integrationsquote der Frauen + 1,1 %
01060;Kreis Segeberg;2024;K2;male;-1,0;higher;AIP 2024, Tabelle 3
01060;Kreis Segeberg;2024;K2;total;-0.4;higher;AIP 2024, Tabelle 3
01060;Kreis Segeberg;2024;K3;female;+7,8;lower;AIP 2024, Tabelle 3
01060;Kreis Segeberg;2024;K3;male;3,9;;AIP 2024, Tabelle 3
01060;Kreis Segeberg;2024;K3;total;6,0;lower;AIP 2024, Tabelle 3
`;

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const deps = await memoryDeps();
  const t = tempDir();
  cleanups.push(() => deps.db.close(), t.cleanup);
  return { deps, dir: t.dir };
}

describe('loadTargetsFile', () => {
  test('loads the six AIP targets, creates the region, writes history, bumps data_version', async () => {
    const { deps, dir } = await setup();
    const path = writeText(dir, '2024.csv', TARGETS);
    const v = await dataVersion(deps.db);
    expect(await loadTargetsFile(deps, path, 'test')).toEqual({ inserted: 6, updated: 0, unchanged: 0 });
    expect(await dataVersion(deps.db)).toBe(v + 1);
    const rows = await all(
      deps.db,
      'select indicator_code, gender, target_change_pct, better, updated_by from targets order by indicator_code, gender',
    );
    expect(rows).toEqual([
      {
        indicator_code: 'K2',
        gender: 'female',
        target_change_pct: 1.1,
        better: 'higher',
        updated_by: 'test',
      },
      { indicator_code: 'K2', gender: 'male', target_change_pct: -1, better: 'higher', updated_by: 'test' },
      {
        indicator_code: 'K2',
        gender: 'total',
        target_change_pct: -0.4,
        better: 'higher',
        updated_by: 'test',
      },
      { indicator_code: 'K3', gender: 'female', target_change_pct: 7.8, better: 'lower', updated_by: 'test' },
      // empty 'better' → the indicator's default (K3: lower)
      { indicator_code: 'K3', gender: 'male', target_change_pct: 3.9, better: 'lower', updated_by: 'test' },
      { indicator_code: 'K3', gender: 'total', target_change_pct: 6, better: 'lower', updated_by: 'test' },
    ]);
    expect(await all(deps.db, 'select id, name from regions')).toEqual([
      { id: '01060', name: 'Kreis Segeberg' },
    ]);
    expect(await pluck(deps.db, 'select count(*) from target_history where old_change_pct is null')).toBe(6);
  });

  test('the same file again changes nothing; a changed target is updated with history', async () => {
    const { deps, dir } = await setup();
    const path = writeText(dir, '2024.csv', TARGETS);
    await loadTargetsFile(deps, path);
    const before = await dumpData(deps.db);
    expect(await loadTargetsFile(deps, path)).toEqual({ inserted: 0, updated: 0, unchanged: 6 });
    expect(await dumpData(deps.db)).toEqual(before);
    const v = await dataVersion(deps.db);
    const changed = writeText(dir, '2024b.csv', TARGETS.replace('1,1;higher', '1,5;higher'));
    expect(await loadTargetsFile(deps, changed, 'controller@jc')).toEqual({
      inserted: 0,
      updated: 1,
      unchanged: 5,
    });
    expect(
      await all(
        deps.db,
        'select old_change_pct, new_change_pct, changed_by from target_history where old_change_pct is not null',
      ),
    ).toEqual([{ old_change_pct: 1.1, new_change_pct: 1.5, changed_by: 'controller@jc' }]);
    expect(await dataVersion(deps.db)).toBe(v + 1);
  });

  test('a targets file and the API (upsertTarget) write one history by one rule', async () => {
    const history = (db: Parameters<typeof all>[0]) =>
      all(
        db,
        `select t.indicator_code, t.gender, h.old_change_pct, h.new_change_pct, h.changed_by, h.source
           from target_history h join targets t on t.id = h.target_id order by h.id`,
      );
    const viaFile = await setup();
    const viaApi = await setup();
    for (const s of [viaFile, viaApi]) await loadTargetsFile(s.deps, writeText(s.dir, '2024.csv', TARGETS));
    // The same change: the K2 target of women from +1,1 % to +1,5 %, and the K2 target of men from −1,0 % to −0,5 %.
    const changed = TARGETS.replace('1,1;higher', '1,5;higher').replace(';K2;male;-1,0;', ';K2;male;-0,5;');
    await loadTargetsFile(viaFile.deps, writeText(viaFile.dir, '2024b.csv', changed), 'controller@jc');
    const kysely = viaApi.deps.db.db;
    const now = new Date('2024-10-01T08:00:00Z');
    const base = { region: '01060', year: 2024, changedBy: 'controller@jc' };
    await upsertTarget(
      kysely,
      {
        ...base,
        indicator: 'K2',
        gender: 'female',
        targetChangePct: 1.5,
        better: 'higher',
        source: 'AIP 2024 Jobcenter Kreis Segeberg, Tabelle 3: Integrationsquote der Frauen + 1,1 %',
      },
      now,
    );
    await upsertTarget(
      kysely,
      {
        ...base,
        indicator: 'K2',
        gender: 'male',
        targetChangePct: -0.5,
        better: 'higher',
        source: 'AIP 2024, Tabelle 3',
      },
      now,
    );
    const fileRows = await history(viaFile.deps.db);
    expect(fileRows).toHaveLength(8); // six created, two changed
    expect(await history(viaApi.deps.db)).toEqual(fileRows);
    // The same file once more: no change, no history row (by either path).
    await loadTargetsFile(viaFile.deps, writeText(viaFile.dir, '2024c.csv', changed), 'controller@jc');
    await upsertTarget(
      kysely,
      { ...base, indicator: 'K2', gender: 'male', targetChangePct: -0.5, better: 'higher', source: null },
      now,
    );
    expect(await history(viaFile.deps.db)).toHaveLength(8);
    expect(await history(viaApi.deps.db)).toHaveLength(8);
  });

  test.each([
    [
      TARGETS.replace('1,1;higher', '1,1,1;higher'),
      "Zeile 2, Spalte 'target_change_pct': '1,1,1' ist keine Veränderung",
    ],
    [TARGETS.replace(';K3;male;', ';K9;male;'), "Zeile 6, Spalte 'indicator': unbekannte Kennzahl 'K9'"],
    [TARGETS.replace(';2024;K2;total', ';24;K2;total'), "Zeile 4, Spalte 'year': '24' ist kein Jahr"],
    [
      TARGETS.replace(
        ';higher;AIP 2024, Tabelle 3\n01060;Kreis Segeberg;2024;K2;total',
        ';besser;AIP\n01060;Kreis Segeberg;2024;K2;total',
      ),
      "Zeile 3, Spalte 'better'",
    ],
    [
      `${TARGETS}01060;Kreis Segeberg;2024;K3;total;6,5;lower;x\n`,
      'Zeile 8: Ziel für 01060, 2024, K3, total doppelt',
    ],
    ['region;year;indicator\n01060;2024;K2\n', "es fehlt 'gender', 'target_change_pct'"],
  ])('rejects a bad file whole (%#)', async (text, message) => {
    const { deps, dir } = await setup();
    const good = writeText(dir, 'good.csv', TARGETS.split('\n').slice(0, 2).join('\n'));
    await loadTargetsFile(deps, good);
    const before = await dumpData(deps.db);
    const path = writeText(dir, 'bad.csv', text);
    await expect(loadTargetsFile(deps, path)).rejects.toThrow(message);
    expect(await dumpData(deps.db)).toEqual(before);
  });
});

async function baWorkbook(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('LZB');
  const rows = [
    ['Langzeitleistungsbeziehende (LZB)'],
    ['Jobcenter Kreis Segeberg (01060)'],
    [],
    ['Berichtsmonat', 'Regionalschlüssel', 'Region', 'Insgesamt', 'davon'],
    ['', '', '', '', 'Männer', 'Frauen'],
    ['Januar 2024', '01060', 'Kreis Segeberg', 6651, 3555, 3096],
    [],
    ['Beispieldaten (synthetisch)'],
  ];
  rows.forEach((r, i) => {
    r.forEach((v, c) => {
      ws.getRow(i + 1).getCell(c + 1).value = v;
    });
  });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('seedIfEmpty', () => {
  test('loads the manifest files as sample data and all target files, once', async () => {
    const { deps, dir } = await setup();
    const sampleDir = `${dir}/sample`;
    const targetsDir = `${dir}/targets`;
    const fs = await import('node:fs');
    fs.mkdirSync(sampleDir);
    fs.mkdirSync(targetsDir);
    writeText(
      sampleDir,
      'a.csv',
      'region;region_name;month;indicator;gender;value;flag;comparison_type\n01060;Kreis Segeberg;2023-12;INT;total;250;;IIIb\n99001;Beispiel A;2023-12;INT;total;100;;IIIb\n',
    );
    fs.writeFileSync(`${sampleDir}/b.xlsx`, await baWorkbook());
    writeText(
      sampleDir,
      'manifest.json',
      JSON.stringify({ sample: true, asOf: '2024-09', files: ['a.csv', 'b.xlsx'] }),
    );
    writeText(targetsDir, '2024.csv', TARGETS);
    writeText(targetsDir, '2025.csv', TARGETS.replaceAll(';2024;', ';2025;'));
    writeText(targetsDir, 'README.md', '# not a targets file');

    expect(await seedIfEmpty(deps, { sampleDir, targetsDir })).toBe(true);
    expect(await pluck(deps.db, 'select count(*) from observations')).toBe(5);
    expect(
      await all(deps.db, 'select id, sample, sample_as_of, comparison_type from regions order by id'),
    ).toEqual([
      { id: '01060', sample: 1, sample_as_of: '2024-09', comparison_type: 'IIIb' },
      { id: '99001', sample: 1, sample_as_of: '2024-09', comparison_type: 'IIIb' },
    ]);
    expect(await pluck(deps.db, 'select count(*) from targets')).toBe(12);
    expect(await pluckAll(deps.db, `select distinct trigger from import_runs`)).toEqual(['startup']);
    // Not empty any more: a second start loads nothing.
    const before = await dumpData(deps.db);
    expect(await seedIfEmpty(deps, { sampleDir, targetsDir })).toBe(false);
    expect(await dumpData(deps.db)).toEqual(before);
  });

  test('the bundled sample (data/sample, data/targets) loads without a rejected file', async () => {
    const { deps } = await setup();
    // The after-import hook (the alert evaluation) must already see the year's targets.
    let targetsAtAfterImport = -1;
    const withHook = {
      ...deps,
      afterImport: async () => {
        targetsAtAfterImport = Number(await pluck(deps.db, 'select count(*) from targets'));
      },
    };
    expect(await seedIfEmpty(withHook)).toBe(true);
    expect(targetsAtAfterImport).toBe(6);
    const rejected = await all(deps.db, `select path, error from imported_files where status = 'rejected'`);
    expect(rejected).toEqual([]);
    expect(await get(deps.db, `select sample, sample_as_of from regions where id = '01060'`)).toEqual({
      sample: 1,
      sample_as_of: '2024-09',
    });
    expect(
      await pluck(deps.db, `select count(*) from targets where region_id = '01060' and year = 2024`),
    ).toBe(6);
  });
});
