import { afterEach, describe, expect, test } from 'vitest';
import { runImport } from '../../etl/index.js';
import { all, get, pluck, pluckAll } from '../helpers/db.js';
import { buf, dataVersion, dumpData, memoryDeps, observations } from './helpers.js';

const HEADER = 'region;region_name;month;indicator;gender;value;flag';

async function importText(
  text: string | Uint8Array,
  name = 'data.csv',
  deps?: Awaited<ReturnType<typeof memoryDeps>>,
) {
  const d = deps ?? (await memoryDeps());
  const data = typeof text === 'string' ? buf(text) : text;
  const summary = await runImport(d, [{ kind: 'buffer', name, data }], { trigger: 'cli' });
  return { deps: d, summary, file: summary.files[0] };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

describe('canonical CSV: accepted spellings', () => {
  test('the documented example: counts, thousands separator, markers as NULL + flag', async () => {
    const { deps, summary, file } = await importText(
      [
        HEADER,
        '01060;Kreis Segeberg;2024-01;INT;total;312;',
        '01060;Kreis Segeberg;2024-01;ELB;female;5.123;',
        '01060;Kreis Segeberg;2024-02;INT;male;*;',
      ].join('\n'),
    );
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect(summary.status).toBe('success');
    expect(file?.inserted).toBe(3);
    expect(await observations(deps.db)).toEqual([
      {
        region_id: '01060',
        indicator_code: 'ELB',
        gender: 'female',
        month: '2024-01',
        value: 5123,
        flag: null,
        revision_count: 0,
      },
      {
        region_id: '01060',
        indicator_code: 'INT',
        gender: 'male',
        month: '2024-02',
        value: null,
        flag: '*',
        revision_count: 0,
      },
      {
        region_id: '01060',
        indicator_code: 'INT',
        gender: 'total',
        month: '2024-01',
        value: 312,
        flag: null,
        revision_count: 0,
      },
    ]);
    const region = await get(deps.db, 'select id, name, sample, sample_as_of from regions');
    expect(region).toEqual({ id: '01060', name: 'Kreis Segeberg', sample: 0, sample_as_of: null });
    expect(await dataVersion(deps.db)).toBe(1);
  });

  test('comma separator, quoted decimal comma, CRLF, UTF-8 BOM, published percent', async () => {
    const text =
      '\uFEFFregion,region_name,month,indicator,gender,value,flag\r\n01060,"Kreis Segeberg, Holstein",2024-03,K2_BA,total,"14,7",\r\n01060,"Kreis Segeberg, Holstein",2024-03,INT,female,"1.527",\r\n';
    const { deps, file } = await importText(text);
    open.push(deps.db);
    expect(file?.error).toBeNull();
    const rows = await observations(deps.db);
    expect(rows.map((r) => [r.indicator_code, r.value])).toEqual([
      ['INT', 1527],
      ['K2_BA', 14.7],
    ]);
    expect(await pluck(deps.db, 'select name from regions')).toBe('Kreis Segeberg, Holstein');
  });

  test('quoted fields with doubled quotes and a line break inside', async () => {
    const text = `${HEADER}\n01060;"Kreis ""Segeberg""\nNord";2024-03;INT;total;"312";\n01060;x;2024-04;INT;total;7;\n`;
    const { deps, file } = await importText(text);
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect(file?.inserted).toBe(2);
    expect(await pluck(deps.db, 'select name from regions')).toBe('Kreis "Segeberg"\nNord');
  });

  test('Windows-1252 with German header aliases, März and Männer', async () => {
    const text =
      'Regionalschlüssel;Regionsname;Berichtsmonat;Kennzahl;Geschlecht;Wert;Kennzeichen\n01060;Kreis Segeberg;März 2024;INT;Männer;1.527;\n01060;Kreis Segeberg;Mrz 2024;LZB;Frauen;4.002;\n';
    // Encode as cp1252: every char here is in Latin-1, so one byte per char.
    const bytes = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const { deps, file } = await importText(bytes);
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect((await observations(deps.db)).map((r) => [r.indicator_code, r.gender, r.month, r.value])).toEqual([
      ['INT', 'male', '2024-03', 1527],
      ['LZB', 'female', '2024-03', 4002],
    ]);
  });

  test('Windows-1252 bytes 0x80-0x9F decode as cp1252 (en dash marker, euro in a name)', async () => {
    const text = `${HEADER}\n01060;Kreis \u20AC;2024-01;INT;total;\u2013;\n`;
    const map: Record<string, number> = { '\u20AC': 0x80, '\u2013': 0x96 };
    const bytes = Uint8Array.from([...text].map((c) => map[c] ?? c.charCodeAt(0)));
    const { deps, file } = await importText(bytes);
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect((await observations(deps.db))[0]).toMatchObject({ value: null, flag: '-' });
    expect(await pluck(deps.db, 'select name from regions')).toBe('Kreis €');
  });

  test.each([
    ['2024-03', '2024-03'],
    ['03/2024', '2024-03'],
    ['3/2024', '2024-03'],
    ['März 2024', '2024-03'],
    ['Mrz 2024', '2024-03'],
    ['maerz 2024', '2024-03'],
    ['2024-03-01', '2024-03'],
    ['Dezember 2023', '2023-12'],
    ['Okt 2022', '2022-10'],
    ['01.07.2024', '2024-07'],
  ])('month %s → %s', async (input, expected) => {
    const { deps, file } = await importText(`${HEADER}\n01060;K;${input};INT;total;1;\n`);
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect((await observations(deps.db))[0]?.month).toBe(expected);
  });

  test.each([
    ['insgesamt', 'total'],
    ['Insgesamt', 'total'],
    ['gesamt', 'total'],
    ['TOTAL', 'total'],
    ['Frauen', 'female'],
    ['weiblich', 'female'],
    ['female', 'female'],
    ['Männer', 'male'],
    ['Maenner', 'male'],
    ['männlich', 'male'],
    ['MALE', 'male'],
  ])('gender %s → %s', async (input, expected) => {
    const { deps, file } = await importText(`${HEADER}\n01060;K;2024-01;INT;${input};1;\n`);
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect((await observations(deps.db))[0]?.gender).toBe(expected);
  });

  test.each([
    ['*', '', '*'],
    ['-', '', '-'],
    ['X', '', 'X'],
    ['x', '', 'X'],
    ['', '*', '*'],
    ['', 'X', 'X'],
    ['*', '*', '*'],
  ])('value %j with flag %j is stored as NULL + %s, never 0', async (value, flag, expected) => {
    const { deps, file } = await importText(`${HEADER}\n01060;K;2024-01;INT;total;${value};${flag}\n`);
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect((await observations(deps.db))[0]).toMatchObject({ value: null, flag: expected });
  });

  test.each([
    ['1.527', 1527, 'INT'],
    ['1.527.300', 1527300, 'INT'],
    ['14,7', 14.7, 'K3_BA'],
    ['14.7', 14.7, 'K3_BA'],
    ['-3,2', -3.2, 'K3_BA'],
    ['+1,1', 1.1, 'K3_BA'],
    ['0,5', 0.5, 'K3_BA'],
  ])('value %s → %d (%s)', async (input, expected, indicator) => {
    const { deps, file } = await importText(`${HEADER}\n01060;K;2024-01;${indicator};total;${input};\n`);
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect((await observations(deps.db))[0]?.value).toBe(expected);
  });

  test('optional comparison_type column (Vergleichstyp) sets the region type', async () => {
    const { deps, file } = await importText(
      'Region;Name;Monat;Kennzahl;Geschlecht;Wert;Vergleichstyp\n09999;JC Beispiel;2024-01;ELB;total;9000;IIb\n',
    );
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect(await pluck(deps.db, 'select comparison_type from regions')).toBe('IIb');
  });

  test('an exact repetition of a row is accepted once', async () => {
    const { deps, file } = await importText(
      `${HEADER}\n01060;K;2024-01;INT;total;5;\n01060;K;2024-01;INT;total;5;\n`,
    );
    open.push(deps.db);
    expect(file?.inserted).toBe(1);
  });
});

describe('canonical CSV: rejections name row and column and write nothing', () => {
  test.each([
    ['12,3,4', 3, 'value', "'12,3,4' ist keine Zahl"],
    ['', 3, 'value', 'leerer Wert ohne Kennzeichen'],
    ['-5', 3, 'value', 'negative Anzahl -5'],
    ['12,5', 3, 'value', 'keine ganze Zahl'],
  ])('value %j → row %d, column %s', async (value, row, column, message) => {
    const deps = await memoryDeps();
    open.push(deps.db);
    await importText(`${HEADER}\n01060;K;2024-01;INT;total;1;\n`, 'first.csv', deps);
    const before = await dumpData(deps.db);
    const { file, summary } = await importText(
      `${HEADER}\n01060;K;2024-02;INT;total;2;\n01060;K;2024-03;INT;total;${value};\n`,
      'bad.csv',
      deps,
    );
    expect(file?.status).toBe('rejected');
    expect(file?.error).toMatchObject({ file: 'bad.csv', sheet: null, row, column });
    expect(file?.error?.message).toContain(message);
    expect(summary.status).toBe('failed');
    expect(await dumpData(deps.db)).toEqual(before);
    const recorded = await get(deps.db, `select status, error from imported_files where path = 'bad.csv'`);
    expect(recorded).toMatchObject({ status: 'rejected' });
    expect(String((recorded as { error: string }).error)).toContain(
      `Datei bad.csv, Zeile ${row}, Spalte '${column}'`,
    );
  });

  test('a decimal is refused with the reason that fits the indicator: a count, or a stock not marked provisional', async () => {
    const text = (ind: string) => `${HEADER}\n01060;K;2024-01;${ind};total;1,5;\n`;
    const count = await importText(text('INT'), 'int.csv');
    open.push(count.deps.db);
    expect(count.file?.error?.message).toBe(
      '1,5 ist keine ganze Zahl, INT (Integrationen) ist eine Anzahl von Ereignissen (Dezimalwerte nur bei als vorläufig gekennzeichneten Beständen wie ELB, LZB)',
    );
    // ELB is a stock: not "an amount of events", which contradicted the hint in brackets.
    const stock = await importText(text('ELB'), 'elb.csv');
    open.push(stock.deps.db);
    expect(stock.file?.error?.message).toBe(
      '1,5 ist keine ganze Zahl, ELB (Erwerbsfähige Leistungsberechtigte) ist ein Bestand, und Dezimalwerte gibt es nur bei Werten, die die Datei als vorläufig kennzeichnet (BA-Hinweis „vorläufige Daten“ oder die Vorläufig-Angabe einer Zuordnung)',
    );
  });

  test.each([
    ['INT', '1.234,5', '1.234,5 ist keine ganze Zahl'],
    ['INT', '−1.234', 'negative Anzahl −1.234 für INT'],
    ['ELB', '200.000.000', 'unplausibel große Anzahl 200.000.000 für ELB'],
    ['K2_BA', '1.200,5', 'K2_BA ist eine Quote: erwartet 0 bis 100, nicht 1.200,5'],
    ['K3_BA', '2.000,5 %', 'K3_BA: 2.000,5 % liegt außerhalb von −100 bis 1000'],
    ['K3_BA', '"2.000,5"', 'K3_BA: 2.000,5 % liegt außerhalb von −100 bis 1000'],
  ])('a refused %s value is quoted as the file writes it: %s', async (indicator, value, message) => {
    // A quoted field spanning lines before it: the line is that of the record, re-read as such.
    const text = `${HEADER}\n01060;"Kreis\nSegeberg";2024-01;INT;total;1;\n01060;K;2024-02;${indicator};total;${value};\n`;
    const { deps, file } = await importText(text, 'shown.csv');
    open.push(deps.db);
    expect(file?.error).toMatchObject({ row: 4, column: 'value' });
    expect(file?.error?.message).toContain(message);
  });

  test('a month after the current one is refused (no figure can exist for it yet), and nothing is written', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    await importText(`${HEADER}\n01060;K;2024-01;INT;total;1;\n`, 'first.csv', deps);
    const before = await dumpData(deps.db);
    const now = new Date();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const month = next.toISOString().slice(0, 7);
    const { file } = await importText(
      `${HEADER}\n01060;K;2024-02;INT;total;2;\n01060;K;${month};INT;total;3;\n`,
      'typo.csv',
      deps,
    );
    expect(file?.status).toBe('rejected');
    expect(file?.error).toMatchObject({ file: 'typo.csv', row: 3 });
    expect(file?.error?.message).toMatch(
      /^Monat \S+ \d{4} liegt in der Zukunft \(aktueller Monat: \S+ \d{4}\)/,
    );
    expect(await dumpData(deps.db)).toEqual(before);
    // The current month itself is accepted.
    const current = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const { file: ok } = await importText(`${HEADER}\n01060;K;${current};INT;total;3;\n`, 'now.csv', deps);
    expect(ok?.error).toBeNull();
  });

  test('a four-digit key is the five-digit one whose leading zero a spreadsheet dropped: one region, not two', async () => {
    const { deps, file } = await importText(
      `${HEADER}\n01062;Kreis Stormarn;2024-01;INT;total;5;\n1062;Kreis Stormarn;2024-02;INT;total;6;\n`,
    );
    open.push(deps.db);
    expect(file?.error).toBeNull();
    expect(await pluckAll(deps.db, 'select id from regions order by id')).toEqual(['01062']);
    expect(
      await pluckAll(deps.db, "select month from observations where region_id = '01062' order by month"),
    ).toEqual(['2024-01', '2024-02']);
  });

  test('German error message names the file column as written in the header', async () => {
    const { deps, file } = await importText(
      'Region;Name;Monat;Kennzahl;Geschlecht;Wert;Kennzeichen\n01060;K;2024-01;INT;total;5;\n01060;K;2024-02;INT;total;12,3,4;\n',
    );
    open.push(deps.db);
    expect(file?.error).toEqual({
      file: 'data.csv',
      sheet: null,
      row: 3,
      column: 'Wert',
      message: expect.stringContaining("'12,3,4' ist keine Zahl"),
    });
    expect(await observations(deps.db)).toEqual([]);
  });

  test.each([
    ['2024-13', 'month', 'kein gültiger Monat'],
    ['13/2024', 'month', 'kein gültiger Monat'],
    ['Foo 2024', 'month', 'kein gültiger Monat'],
    ['2024-00', 'month', 'kein gültiger Monat'],
  ])('impossible month %s is rejected', async (month, column, message) => {
    const { deps, file } = await importText(`${HEADER}\n01060;K;${month};INT;total;5;\n`);
    open.push(deps.db);
    expect(file?.error).toMatchObject({ row: 2, column });
    expect(file?.error?.message).toContain(message);
    expect(await observations(deps.db)).toEqual([]);
    expect(await pluck(deps.db, 'select count(*) from regions')).toBe(0);
  });

  test('unknown gender', async () => {
    const { deps, file } = await importText(`${HEADER}\n01060;K;2024-01;INT;divers;5;\n`);
    open.push(deps.db);
    expect(file?.error).toMatchObject({ row: 2, column: 'gender' });
    expect(file?.error?.message).toContain('insgesamt, Frauen, Männer');
  });

  test('unknown indicator lists the codes the database knows (not a hard-coded list)', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    await all(
      deps.db,
      `insert into indicators (code, name, unit, formula) values ('K2E4', 'Integrationsquote Alleinerziehende', 'percent', 'published')`,
    );
    const { file } = await importText(
      `${HEADER}\n01060;K;2024-01;INT;total;5;\n01060;K;2024-01;FOO;total;5;\n`,
      'a.csv',
      deps,
    );
    expect(file?.error).toMatchObject({ row: 3, column: 'indicator' });
    expect(file?.error?.message).toMatch(/unbekannte Kennzahl 'FOO' \(bekannt: .*ELB.*INT.*K2E4.*K2_BA.*LZB/);
    // The new indicator is loadable without code changes.
    const ok = await importText(`${HEADER}\n01060;K;2024-01;K2E4;total;"31,5";\n`, 'b.csv', deps);
    expect(ok.file?.error).toBeNull();
  });

  test('computed indicators (K2) are not loaded from files', async () => {
    const { deps, file } = await importText(`${HEADER}\n01060;K;2024-01;K2;total;5;\n`);
    open.push(deps.db);
    expect(file?.error?.message).toContain('K2_BA');
  });

  test('the same key twice with different values', async () => {
    const { deps, file } = await importText(
      `${HEADER}\n01060;K;2024-01;INT;total;5;\n01060;K;2024-02;INT;total;5;\n01060;K;01/2024;INT;insgesamt;6;\n`,
    );
    open.push(deps.db);
    expect(file?.error).toMatchObject({ row: 4 });
    expect(file?.error?.message).toContain('doppelter Eintrag für Region 01060, INT, total, 2024-01');
    expect(file?.error?.message).toContain('Zeile 2');
    expect(await observations(deps.db)).toEqual([]);
  });

  test('missing required column, wrong field count, number and flag together, bad flag', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    const missing = await importText('region;month;indicator;value\n01060;2024-01;INT;5\n', 'm.csv', deps);
    expect(missing.file?.error).toMatchObject({ row: 1 });
    expect(missing.file?.error?.message).toContain("es fehlt 'gender'");
    // Any required column missing is named, not just reported as an unknown format.
    for (const [header, absent] of [
      ['month;indicator;gender;value', 'region'],
      ['region;indicator;gender;value', 'month'],
      ['region;month;gender;value', 'indicator'],
      ['region;month;indicator;gender', 'value'],
    ] as const) {
      const r = await importText(`${header}\n01060;2024-01;INT;total\n`, `${absent}.csv`, deps);
      expect(r.file?.error).toMatchObject({ row: 1 });
      expect(r.file?.error?.message).toContain(`es fehlt '${absent}'`);
    }
    const short = await importText(`${HEADER}\n01060;K;2024-01;INT\n`, 's.csv', deps);
    expect(short.file?.error).toMatchObject({ row: 2 });
    expect(short.file?.error?.message).toContain('4 Felder, erwartet 7');
    const both = await importText(`${HEADER}\n01060;K;2024-01;INT;total;5;*\n`, 'b.csv', deps);
    expect(both.file?.error).toMatchObject({ row: 2, column: 'flag' });
    const flag = await importText(`${HEADER}\n01060;K;2024-01;INT;total;;Q\n`, 'f.csv', deps);
    expect(flag.file?.error?.message).toContain("unbekanntes Kennzeichen 'Q'");
    const quote = await importText(`${HEADER}\n01060;"K;2024-01;INT;total;5;\n`, 'q.csv', deps);
    expect(quote.file?.error).toMatchObject({ row: 2 });
    expect(await observations(deps.db)).toEqual([]);
  });
});

describe('re-imports: idempotent, revisions, never duplicates', () => {
  const base = [
    HEADER,
    '01060;K;2024-01;INT;total;300;',
    '01060;K;2024-02;INT;total;310;',
    '01060;K;2024-03;INT;total;*;',
  ];

  test('the same file twice is "unchanged" and writes nothing', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    await importText(base.join('\n'), 'a.csv', deps);
    const before = await dumpData(deps.db);
    const { summary, file } = await importText(base.join('\n'), 'a-again.csv', deps);
    expect(file?.status).toBe('unchanged');
    expect(summary.status).toBe('unchanged');
    expect(summary.changed).toBe(false);
    expect(await dumpData(deps.db)).toEqual(before);
  });

  test('the earlier file again after a correction puts its values back (by hand); a schedule does not', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    const nov = [HEADER, '01060;K;2024-11;INT;female;300;'].join('\n');
    const corrected = [HEADER, '01060;K;2024-11;INT;female;20;'].join('\n');
    await importText(nov, 'nov.csv', deps);
    await importText(corrected, 'nov-korrektur.csv', deps);
    const value = () => pluck(deps.db, "select value from observations where month = '2024-11'");
    expect(await value()).toBe(20);
    // The inbox or a source serving the old file again: known content, skipped.
    const scheduled = await runImport(deps, [{ kind: 'buffer', name: 'nov.csv', data: buf(nov) }], {
      trigger: 'cron',
    });
    expect(scheduled.files[0]?.status).toBe('unchanged');
    expect(await value()).toBe(20);
    // A person uploading it again: merged, the value back, with its revision.
    const { file, summary } = await importText(nov, 'nov.csv', deps);
    expect(file).toMatchObject({ status: 'imported', inserted: 0, updated: 1, unchanged: 0 });
    expect(summary.changed).toBe(true);
    expect(await value()).toBe(300);
    expect(await pluckAll(deps.db, 'select new_value from revisions order by id')).toEqual([20, 300]);
    // And once more: nothing changed since, so it is unchanged.
    const again = await importText(nov, 'nov.csv', deps);
    expect(again.file?.status).toBe('unchanged');
  });

  test('a different file with the same values imports with everything unchanged', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    await importText(base.join('\n'), 'a.csv', deps);
    const v = await dataVersion(deps.db);
    const { summary, file } = await importText(`${base.join('\r\n')}\r\n`, 'b.csv', deps);
    expect(file).toMatchObject({ status: 'imported', inserted: 0, updated: 0, unchanged: 3 });
    expect(summary.status).toBe('unchanged');
    expect(await dataVersion(deps.db)).toBe(v);
  });

  test('a corrected month updates the value and records the old one', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    const first = await importText(base.join('\n'), 'a.csv', deps);
    const v = await dataVersion(deps.db);
    const corrected = [
      HEADER,
      '01060;K;2024-01;INT;total;300;',
      '01060;K;2024-02;INT;total;315;',
      '01060;K;2024-03;INT;total;320;',
      '01060;K;2024-04;INT;total;330;',
    ];
    const later = { ...deps, clock: () => new Date('2024-12-20T06:00:00Z') };
    const { summary, file } = await importText(corrected.join('\n'), 'b.csv', later);
    expect(file).toMatchObject({ status: 'imported', inserted: 1, updated: 2, unchanged: 1 });
    // Each observation names the file and time that last wrote it: the new key and the two
    // corrections b.csv, the unchanged month a.csv (the bulk insert's fixed columns).
    const byFile = await all(
      deps.db,
      `select o.month, f.path, o.loaded_at, o.revision_count from observations o
         join imported_files f on f.id = o.source_file_id order by o.month`,
    );
    expect(byFile).toEqual([
      { month: '2024-01', path: 'a.csv', loaded_at: '2024-11-20T06:00:00.000Z', revision_count: 0 },
      { month: '2024-02', path: 'b.csv', loaded_at: '2024-12-20T06:00:00.000Z', revision_count: 1 },
      { month: '2024-03', path: 'b.csv', loaded_at: '2024-12-20T06:00:00.000Z', revision_count: 1 },
      { month: '2024-04', path: 'b.csv', loaded_at: '2024-12-20T06:00:00.000Z', revision_count: 0 },
    ]);
    expect(summary.changed).toBe(true);
    expect(await dataVersion(deps.db)).toBe(v + 1);
    expect((await observations(deps.db)).map((r) => [r.month, r.value, r.flag, r.revision_count])).toEqual([
      ['2024-01', 300, null, 0],
      ['2024-02', 315, null, 1],
      ['2024-03', 320, null, 1],
      ['2024-04', 330, null, 0],
    ]);
    const revisions = await all(
      deps.db,
      'select month, old_value, old_flag, new_value, new_flag, import_run_id from revisions order by month',
    );
    expect(revisions).toEqual([
      {
        month: '2024-02',
        old_value: 310,
        old_flag: null,
        new_value: 315,
        new_flag: null,
        import_run_id: summary.runId,
      },
      {
        month: '2024-03',
        old_value: null,
        old_flag: '*',
        new_value: 320,
        new_flag: null,
        import_run_id: summary.runId,
      },
    ]);
    expect(summary.runId).toBeGreaterThan(first.summary.runId);
    const fileId = await pluck(deps.db, `select id from imported_files where path = 'b.csv'`);
    expect(await pluckAll(deps.db, 'select distinct source_file_id from revisions')).toEqual([fileId]);
    expect(await pluck(deps.db, 'select count(*) from observations')).toBe(4);
  });

  test('a number replaced by a marker is a revision too', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    await importText(base.join('\n'), 'a.csv', deps);
    const { file } = await importText(`${HEADER}\n01060;K;2024-01;INT;total;X;\n`, 'b.csv', deps);
    expect(file).toMatchObject({ updated: 1 });
    expect(await get(deps.db, 'select old_value, new_value, new_flag from revisions')).toEqual({
      old_value: 300,
      new_value: null,
      new_flag: 'X',
    });
  });
});

describe('runs and regions', () => {
  test('a run with one good and one bad file is partial; the good file is kept', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    const summary = await runImport(
      deps,
      [
        { kind: 'buffer', name: 'good.csv', data: buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`) },
        { kind: 'buffer', name: 'bad.csv', data: buf(`${HEADER}\n01060;K;2024-02;INT;total;x5;\n`) },
      ],
      { trigger: 'api' },
    );
    expect(summary.status).toBe('partial');
    expect(summary.files.map((f) => f.status)).toEqual(['imported', 'rejected']);
    expect(await observations(deps.db)).toHaveLength(1);
    const run = await get(deps.db, 'select * from import_runs where id = ?', summary.runId);
    expect(run).toMatchObject({ status: 'partial', trigger: 'api', files_count: 2, rows_inserted: 1 });
    expect(String((run as { error: string }).error)).toContain('bad.csv');
    expect((run as { finished_at: string | null }).finished_at).not.toBeNull();
  });

  test('sample import marks regions; real figures for a sample region replace all its synthetic ones', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    const TYPED = `${HEADER};comparison_type`;
    // The sample: two regions of one comparison type, 01060 with a revised value.
    const sampleRows = (lzb: number) =>
      [
        TYPED,
        `01060;K;2023-01;LZB;total;${lzb};;IIIb`,
        '01060;K;2024-01;INT;total;5;;IIIb',
        '99001;Beispiel A;2024-01;INT;total;7;;IIIb',
      ].join('\n');
    for (const [name, lzb] of [
      ['s1.csv', 3000],
      ['s2.csv', 3100],
    ] as const) {
      await runImport(deps, [{ kind: 'buffer', name, data: buf(sampleRows(lzb)) }], {
        trigger: 'startup',
        sample: { asOf: '2024-09' },
      });
    }
    expect(
      await all(deps.db, 'select id, sample, sample_as_of, comparison_type from regions order by id'),
    ).toEqual([
      { id: '01060', sample: 1, sample_as_of: '2024-09', comparison_type: 'IIIb' },
      { id: '99001', sample: 1, sample_as_of: '2024-09', comparison_type: 'IIIb' },
    ]);
    expect(await pluck(deps.db, 'select count(*) from revisions where region_id = ?', '01060')).toBe(1);
    expect(await pluckAll(deps.db, 'select sample from imported_files')).toEqual([1, 1]);
    const before = await dataVersion(deps.db);

    // One real month for 01060: its synthetic history (2023, its revision) is gone, the real row
    // is all it holds, and the other sample region keeps its data and its mark.
    const s = await runImport(
      deps,
      [{ kind: 'buffer', name: 'r.csv', data: buf(`${HEADER}\n01060;K;2024-02;INT;total;6;\n`) }],
      { trigger: 'cli' },
    );
    expect(s.changed).toBe(true);
    expect(s.files[0]).toMatchObject({
      status: 'imported',
      inserted: 1,
      updated: 0,
      replacedSample: ['01060'],
    });
    expect(await dataVersion(deps.db)).not.toBe(before);
    expect(
      await all(deps.db, 'select id, sample, sample_as_of, comparison_type from regions order by id'),
    ).toEqual([
      { id: '01060', sample: 0, sample_as_of: null, comparison_type: null },
      { id: '99001', sample: 1, sample_as_of: '2024-09', comparison_type: 'IIIb' },
    ]);
    expect(
      (await observations(deps.db)).map((o) => [
        o.region_id,
        o.indicator_code,
        o.month,
        o.value,
        o.revision_count,
      ]),
    ).toEqual([
      ['01060', 'INT', '2024-02', 6, 0],
      ['99001', 'INT', '2024-01', 7, 0],
    ]);
    expect(await pluck(deps.db, 'select count(*) from revisions where region_id = ?', '01060')).toBe(0);

    // Real data for a real region: merged as always, nothing replaced.
    const again = await runImport(
      deps,
      [{ kind: 'buffer', name: 'r2.csv', data: buf(`${HEADER}\n01060;K;2024-02;INT;total;8;\n`) }],
      { trigger: 'cli' },
    );
    expect(again.files[0]).toMatchObject({ status: 'imported', inserted: 0, updated: 1 });
    expect(again.files[0]?.replacedSample).toBeUndefined();
    expect(await pluck(deps.db, 'select count(*) from revisions where region_id = ?', '01060')).toBe(1);
  });

  test('a rejected real file leaves a sample region and its synthetic data as they were', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    await runImport(
      deps,
      [{ kind: 'buffer', name: 's.csv', data: buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`) }],
      { trigger: 'startup', sample: { asOf: '2024-09' } },
    );
    const before = await dumpData(deps.db);
    const s = await runImport(
      deps,
      [
        {
          kind: 'buffer',
          name: 'bad.csv',
          data: buf(`${HEADER}\n01060;K;2024-02;INT;total;6;\n01060;K;2024-13;INT;total;6;\n`),
        },
      ],
      { trigger: 'cli' },
    );
    expect(s.files[0]?.status).toBe('rejected');
    expect(await dumpData(deps.db)).toEqual(before);
  });

  test('afterImport is called after a change only', async () => {
    const calls: number[] = [];
    const deps = await memoryDeps({ afterImport: (s) => void calls.push(s.runId) });
    open.push(deps.db);
    const a = await runImport(
      deps,
      [{ kind: 'buffer', name: 'a.csv', data: buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`) }],
      { trigger: 'cli' },
    );
    await runImport(
      deps,
      [{ kind: 'buffer', name: 'a.csv', data: buf(`${HEADER}\n01060;K;2024-01;INT;total;5;\n`) }],
      { trigger: 'cli' },
    );
    expect(calls).toEqual([a.runId]);
  });

  test('a missing file is rejected with a readable message', async () => {
    const deps = await memoryDeps();
    open.push(deps.db);
    const s = await runImport(deps, [{ kind: 'file', path: '/nonexistent/x.csv' }], { trigger: 'cli' });
    expect(s.files[0]?.status).toBe('rejected');
    expect(s.files[0]?.error?.message).toContain('Datei nicht lesbar');
  });
});
