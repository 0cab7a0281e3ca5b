import { afterEach, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import {
  baTableLines,
  baTableXlsx,
  baTimeSeriesCsv,
  eckwerteWorkbook,
  FINAL,
  PROVISIONAL,
  toBaCsv,
} from '../fixtures/real-ba.js';
import { all, createPgDatabase, pluck, pluckAll, TEST_DB } from '../helpers/db.js';
import { buf, dumpData, memoryDeps } from './helpers.js';

type Deps = Awaited<ReturnType<typeof memoryDeps>>;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function deps(): Promise<Deps> {
  const d = await memoryDeps();
  cleanups.push(() => d.db.close());
  return d;
}

function importBuffer(d: Deps, name: string, data: Uint8Array) {
  return runImport(d, [{ kind: 'buffer', name, data }], { trigger: 'upload' });
}

interface Row {
  region_id: string;
  indicator_code: string;
  gender: string;
  month: string;
  value: number | null;
  flag: string | null;
  provisional: number;
  revision_count: number;
}
function rows(d: Deps, where = '1 = 1'): Promise<Row[]> {
  return all<Row>(
    d.db,
    `select region_id, indicator_code, gender, month, value, flag, provisional, revision_count from observations
     where ${where} order by indicator_code, gender, month`,
  );
}
const brief = (r: Row) =>
  `${r.region_id} ${r.indicator_code} ${r.gender} ${r.month} ${r.flag ?? r.value}${r.provisional ? ' p' : ''}`;

/** What the provisional BA table must become: ELB/LZB by gender, Sep/Aug 2024 provisional. */
const EXPECTED_PROVISIONAL = [
  '01060 ELB female 2023-09 4700',
  '01060 ELB female 2024-08 4932.55 p',
  '01060 ELB female 2024-09 4942.1 p',
  '01060 ELB male 2023-09 5401',
  '01060 ELB male 2024-08 5637.47 p',
  '01060 ELB male 2024-09 5643.31 p',
  '01060 ELB total 2023-09 10101',
  '01060 ELB total 2024-08 10570.02 p',
  '01060 ELB total 2024-09 10585.41 p',
  '01060 LZB female 2023-09 3250',
  '01060 LZB female 2024-08 3398.8 p',
  '01060 LZB female 2024-09 3401.2 p',
  '01060 LZB male 2023-09 -',
  '01060 LZB male 2024-08 3321.2 p',
  '01060 LZB male 2024-09 3329.39 p',
  '01060 LZB total 2023-09 6400',
  '01060 LZB total 2024-08 6720 p',
  '01060 LZB total 2024-09 6730.59 p',
];

/** A region 01060 must exist first for the BA label to land in it (as with the sample data). */
async function withSegeberg(d: Deps) {
  await importBuffer(
    d,
    'seed.csv',
    buf(
      'region;region_name;month;indicator;gender;value;flag\n01060;Kreis Segeberg;2024-01;INT;total;300;\n',
    ),
  );
}

describe('BA statistics table (months across)', () => {
  test.each([
    ['CSV', 'ba-tabelle.csv', async () => buf(toBaCsv(baTableLines(PROVISIONAL)))],
    ['xlsx', 'ba-tabelle.xlsx', () => baTableXlsx(PROVISIONAL)],
  ])(
    '%s: region from "Jobcenter:; Segeberg, JC", genders by position, provisional edge, "-"',
    async (_k, name, make) => {
      const d = await deps();
      await withSegeberg(d);
      const s = await importBuffer(d, name, await make());
      expect(s.files[0]?.error).toBeNull();
      expect((await rows(d, "indicator_code in ('ELB','LZB')")).map(brief)).toEqual(EXPECTED_PROVISIONAL);
      // The "Frauen" row under "Ausländer" was not read; the change columns were not read.
      expect(await pluck(d.db, 'select count(*) from observations where value = 2100')).toBe(0);
      // The BA id became an alias of the region.
      expect(await pluck(d.db, "select region_id from region_aliases where alias = 't11522'")).toBe('01060');
    },
  );

  test('the same file again changes nothing; final values later replace the provisional ones as revisions', async () => {
    const d = await deps();
    await withSegeberg(d);
    const first = buf(toBaCsv(baTableLines(PROVISIONAL)));
    await importBuffer(d, 'sep.csv', first);
    const before = await dumpData(d.db);
    const again = await importBuffer(d, 'sep-copy.csv', first);
    expect(again.files[0]?.status).toBe('unchanged');
    expect(await dumpData(d.db)).toEqual(before);

    const final = await importBuffer(d, 'sep-final.csv', buf(toBaCsv(baTableLines(FINAL, { note: false }))));
    expect(final.files[0]?.error).toBeNull();
    const lzbTotalAug = (
      await rows(d, "indicator_code = 'LZB' and gender = 'total' and month = '2024-08'")
    )[0];
    // Same number (6720), no longer provisional: still a revision.
    expect(lzbTotalAug).toMatchObject({ value: 6720, provisional: 0, revision_count: 1 });
    const elbSep = (await rows(d, "indicator_code = 'ELB' and gender = 'total' and month = '2024-09'"))[0];
    expect(elbSep).toMatchObject({ value: 10590, provisional: 0, revision_count: 1 });
    const rev = await all(
      d.db,
      "select old_value, new_value, old_provisional, new_provisional from revisions where indicator_code = 'ELB' and gender = 'total' and month = '2024-09'",
    );
    expect(rev).toEqual([{ old_value: 10585.41, new_value: 10590, old_provisional: 1, new_provisional: 0 }]);
    // Final months that did not change (Sep 2023) are untouched.
    expect(await rows(d, "month = '2023-09' and revision_count > 0")).toEqual([]);
    expect(final.files[0]).toMatchObject({ updated: 12, unchanged: 6 });
  });

  test('a decimal in integrations is an error naming the cell; nothing is written', async () => {
    const d = await deps();
    await withSegeberg(d);
    const before = await dumpData(d.db);
    const v = {
      ...PROVISIONAL,
      int: [
        ['312,5', '300', '290'],
        ['150', '140', '130'],
        ['162', '160', '160'],
      ] as [string, string, string][],
    };
    const s = await importBuffer(d, 'int.csv', buf(toBaCsv(baTableLines(v))));
    expect(s.files[0]?.status).toBe('rejected');
    expect(s.files[0]?.error).toMatchObject({ row: 18, column: 'B' });
    expect(s.files[0]?.error?.message).toContain('312,5 ist keine ganze Zahl');
    expect(await dumpData(d.db)).toEqual(before);
  });

  test('a refused figure is quoted as the table writes it (1.312,5, not the parsed 1312,5)', async () => {
    const d = await deps();
    await withSegeberg(d);
    const v = {
      ...PROVISIONAL,
      int: [
        ['1.312,5', '300', '290'],
        ['150', '140', '130'],
        ['162', '160', '160'],
      ] as [string, string, string][],
    };
    const s = await importBuffer(d, 'int.csv', buf(toBaCsv(baTableLines(v))));
    expect(s.files[0]?.error).toMatchObject({ row: 18, column: 'B' });
    expect(s.files[0]?.error?.message).toMatch(/^1\.312,5 ist keine ganze Zahl/);
  });

  test('a region the directory does not know is rejected naming the metadata line', async () => {
    const d = await deps();
    const s = await importBuffer(
      d,
      'x.csv',
      buf(toBaCsv(baTableLines(PROVISIONAL, { region: 'Jobcenter:;Atlantis, JC' }))),
    );
    expect(s.files[0]?.error).toMatchObject({ row: 1, column: 'B' });
    expect(s.files[0]?.error?.message).toContain("Region 'Atlantis, JC'");
  });

  test('without an existing region: "Land:; Schleswig-Holstein" creates the Land by its key', async () => {
    const d = await deps();
    const s = await importBuffer(
      d,
      'land.csv',
      buf(toBaCsv(baTableLines(FINAL, { region: 'Land:;Schleswig-Holstein', note: false }))),
    );
    expect(s.files[0]?.error).toBeNull();
    expect(await all(d.db, 'select id, name, kind from regions order by id')).toEqual([
      { id: '01', name: 'Schleswig-Holstein', kind: 'land' },
    ]);
  });
});

describe('BA statistics table (time series: months down the rows)', () => {
  test('"Kreis:; Segeberg" resolves through the directory; genders by position; note marks the edge', async () => {
    const d = await deps();
    await withSegeberg(d);
    const s = await importBuffer(d, 'zeitreihe.csv', buf(baTimeSeriesCsv()));
    expect(s.files[0]?.error).toBeNull();
    const got = (await rows(d, "indicator_code in ('ELB','LZB') and gender != 'total'")).map(brief);
    expect(got).toEqual(
      [
        '01060 ELB female 2024-01 4850 p',
        '01060 ELB female 2024-02 4860 p',
        '01060 ELB female 2024-03 4875.25 p',
        '01060 ELB male 2024-01 5550 p',
        '01060 ELB male 2024-02 5560 p',
        '01060 ELB male 2024-03 5580.25 p',
        '01060 LZB female 2024-01 3350 p',
        '01060 LZB female 2024-02 3355 p',
        '01060 LZB female 2024-03 3360.5 p',
        '01060 LZB male 2024-01 3250 p',
        '01060 LZB male 2024-02 - ',
        '01060 LZB male 2024-03 3265.25 p',
      ].map((x) => x.trimEnd()),
    );
  });
});

describe('Eckwerte für Jobcenter workbook', () => {
  test('ELB and LZB by gender from "1.1 Eckwerte" (month from the sheet) and LZB from "3.4" (its own month)', async () => {
    const d = await deps();
    await withSegeberg(d);
    const s = await importBuffer(d, 'jc-eckwerte-t11522-0-202409-xlsx.xlsx', await eckwerteWorkbook());
    expect(s.files[0]?.error).toBeNull();
    expect((await rows(d, "indicator_code in ('ELB','LZB')")).map(brief)).toEqual([
      '01060 ELB female 2024-09 4942.1 p',
      '01060 ELB male 2024-09 5643.31 p',
      '01060 ELB total 2024-09 10585.41 p',
      '01060 LZB female 2024-06 3370',
      '01060 LZB female 2024-09 3401.2 p',
      '01060 LZB male 2024-06 3280',
      '01060 LZB male 2024-09 3329.39 p',
      '01060 LZB total 2024-06 6650',
      '01060 LZB total 2024-09 6730.59 p',
    ]);
    const final = await importBuffer(
      d,
      'jc-eckwerte-t11522-0-202409-final.xlsx',
      await eckwerteWorkbook({ final: true }),
    );
    expect(final.files[0]).toMatchObject({ updated: 6, unchanged: 3, error: null });
    expect(await rows(d, 'provisional = 1')).toEqual([]);
  });

  test('without any region yet: the Jobcenter from the Deckblatt becomes a region with its Kreis key as alias', async () => {
    const d = await deps();
    const s = await importBuffer(d, 'jc-eckwerte-t11522-0-202409-xlsx.xlsx', await eckwerteWorkbook());
    expect(s.files[0]?.error).toBeNull();
    expect(await all(d.db, 'select id, name from regions order by id')).toEqual([
      { id: 't11522', name: 'Segeberg, JC' },
    ]);
    expect(await all(d.db, 'select alias, region_id from region_aliases order by alias')).toEqual([
      { alias: '01060', region_id: 't11522' },
    ]);
    // A canonical file keyed 01060 lands in the same region.
    await importBuffer(
      d,
      'c.csv',
      buf(
        'region;region_name;month;indicator;gender;value;flag\n01060;Kreis Segeberg;2024-09;INT;total;300;\n',
      ),
    );
    expect(await pluckAll(d.db, 'select distinct region_id from observations order by 1')).toEqual([
      't11522',
    ]);
  });
});

describe('real BA files through the inbox and the CLI', () => {
  test('inbox: a BA table and an Eckwerte workbook import with the right months, genders and region', async () => {
    const { mkdirSync, utimesSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { runScheduledImport } = await import('../../etl/index.js');
    const { testConfig } = await import('../../server/config.js');
    const { tempDir } = await import('./helpers.js');
    const d = await deps();
    await withSegeberg(d);
    const t = tempDir();
    cleanups.push(t.cleanup);
    const inbox = join(t.dir, 'inbox');
    mkdirSync(inbox);
    const past = new Date(Date.now() - 60_000);
    const put = (name: string, data: Uint8Array | string) => {
      writeFileSync(join(inbox, name), data);
      utimesSync(join(inbox, name), past, past);
    };
    put('ba-tabelle.csv', toBaCsv(baTableLines(PROVISIONAL)));
    put('jc-eckwerte-t11522-0-202409-xlsx.xlsx', await eckwerteWorkbook());
    const config = testConfig({
      INBOX_DIR: inbox,
      ARCHIVE_DIR: join(t.dir, 'archive'),
      REJECTED_DIR: join(t.dir, 'rejected'),
    });
    const s = await runScheduledImport({ ...d, clock: () => new Date() }, config, 'cron');
    expect(s?.files.map((f) => [f.status, f.error])).toEqual([
      ['imported', null],
      ['imported', null],
    ]);
    expect((await rows(d, "indicator_code = 'LZB' and gender = 'male'")).map(brief)).toEqual([
      '01060 LZB male 2023-09 -',
      '01060 LZB male 2024-06 3280',
      '01060 LZB male 2024-08 3321.2 p',
      '01060 LZB male 2024-09 3329.39 p',
    ]);
  });

  test('CLI: `npm run etl -- <folder>` imports both layouts; exit 0', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { fileURLToPath } = await import('node:url');
    const { openDatabase, openPostgres } = await import('../../server/db/connection.js');
    const { dropPgDatabase } = await import('../helpers/db.js');
    const { tempDir } = await import('./helpers.js');
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dir = join(t.dir, 'in');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ba-tabelle.csv'), toBaCsv(baTableLines(PROVISIONAL)));
    writeFileSync(join(dir, 'jc-eckwerte-t11522-0-202409-xlsx.xlsx'), await eckwerteWorkbook());
    // The CLI on the database this run tests: DATABASE_URL on PostgreSQL, a file otherwise.
    const pgUrl = TEST_DB === 'postgres' ? await createPgDatabase() : null;
    if (pgUrl) cleanups.push(() => dropPgDatabase(pgUrl));
    const env = {
      ...process.env,
      LOG_LEVEL: 'silent',
      DATABASE_PATH: join(t.dir, 'zm.db'),
      ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    };
    const cli = fileURLToPath(new URL('../../etl/cli.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, dir], { env, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const db = pgUrl ? await openPostgres(pgUrl) : await openDatabase(join(t.dir, 'zm.db'));
    cleanups.push(() => db.close());
    // No region existed: the BA label created the Jobcenter's region; both files landed in it.
    expect(await pluckAll(db, 'select distinct region_id from observations order by 1')).toEqual(['t11522']);
    expect(await pluck(db, 'select count(*) from observations where provisional = 1')).toBe(12);
  });
});
