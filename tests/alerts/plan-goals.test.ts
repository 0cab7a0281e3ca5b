/**
 * Plan goals in the alerts: an import that moves FbW entries below the path changes the goal's
 * status and sends exactly one mail through a real SMTP server; the same file again sends none.
 *
 * Data (region 01060, canonical CSV): INT/ELB/LZB total constant (so every month is a data month);
 * EIN_FBW 20 a month in 2023 and January..June 2024. Plan (targets file): 240 entries, pro rata,
 * tolerance 5 %, band 10 %.
 *   June:  Σ = 120, path 240 × 6/12 = 120 → deviation 0 → im Ziel (the baseline: no mail)
 *   July file (EIN_FBW 2 in July): Σ = 122, path 140 → 100 × (122/140 − 1) = −12,86 % → gefährdet
 *   forecast: ratio (20+20+2)/(20+20+20) = 0,7; 122 + 0,7 × 5 × 20 = 192 → −20,0 % zum Plan, verfehlt
 *   pace: 240 − 122 = 118 over 5 months = 23,6 → "noch 118 Eintritte FbW bis Dezember, 24 je Monat"
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { loadTargetsFile, runImport } from '../../etl/index.js';
import { createAppDeps } from '../../server/app-deps.js';
import { openDatabase } from '../../server/db/connection.js';
import { scratchDir } from '../helpers/scratch.js';
import { alertRows, ManualClock, smtpConfig } from './fixtures.js';
import { startSmtp } from './smtp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function months(year: number, to: number): string[] {
  return Array.from({ length: to }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

function csv(rows: [month: string, indicator: string, value: number][]): Uint8Array {
  const lines = [
    'region;region_name;month;indicator;gender;value;flag',
    ...rows.map(([m, ind, v]) => `01060;Kreis Segeberg;${m};${ind};total;${v};`),
  ];
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

function baseRows(ms: string[]): [string, string, number][] {
  return ms.flatMap((m) => [
    [m, 'INT', 300],
    [m, 'ELB', 10_000],
    [m, 'LZB', 6_000],
  ]);
}

test('FbW entries below the path: one mail with the plan figures; the same file again: none', async () => {
  const smtp = await startSmtp();
  const dir = scratchDir('zm-plan-alerts-');
  const db = await openDatabase(join(dir, 'zielmonitor.db'));
  const clock = new ManualClock(new Date('2024-11-20T06:00:00Z'));
  const config = smtpConfig(smtp.port, { ALERT_RECIPIENTS: 'gf@jobcenter.example' });
  const deps = await createAppDeps({ db, config, clock: clock.now, afterImport: 'await' });
  const { goals, alerts, etl } = deps;
  cleanups.push(async () => {
    await deps.close();
    await smtp.close();
  });

  const targets = join(dir, '2024.csv');
  writeFileSync(
    targets,
    'region;region_name;year;indicator;gender;kind;plan;better;tolerance_pct;band_pct;profile;source\n' +
      // 240 rather than the AIP's 250, so that the path is whole (20 a month).
      '01060;Kreis Segeberg;2024;EIN_FBW;total;cumulative;240;higher;5;10;pro_rata;AIP 2024, 5.2.1\n',
  );
  await loadTargetsFile(etl, targets, 'test');

  const june = [...months(2023, 12), ...months(2024, 6)];
  const first = await runImport(
    etl,
    [
      {
        kind: 'buffer',
        name: 'bis-juni.csv',
        data: csv([...baseRows(june), ...june.map((m): [string, string, number] => [m, 'EIN_FBW', 20])]),
      },
    ],
    { trigger: 'cli' },
  );
  expect(first.changed).toBe(true);
  expect(smtp.received).toHaveLength(0); // im Ziel on the baseline
  const before = (await goals.getGoals({ region: '01060' })).goals.find((g) => g.id === 'EIN_FBW-total');
  expect(before?.status).toBe('met');
  expect(before?.planToDate).toBe(120);

  const july = csv([...baseRows(['2024-07']), ['2024-07', 'EIN_FBW', 2]]);
  await runImport(etl, [{ kind: 'buffer', name: 'juli.csv', data: july }], { trigger: 'cli' });
  const after = (await goals.getGoals({ region: '01060' })).goals.find((g) => g.id === 'EIN_FBW-total');
  expect(after?.status).toBe('at_risk');
  expect(after?.current.value).toBe(122);
  expect(after?.planToDate).toBe(140);

  expect(smtp.received).toHaveLength(1);
  const mail = smtp.received[0]?.parsed;
  expect(mail?.subject).toBe('Zielmonitor: Eintritte FbW gefährdet – Kreis Segeberg, Datenstand Juli 2024');
  expect(mail?.text).toContain('Eintritte FbW (EIN_FBW, 2024): gefährdet');
  expect(mail?.text).toMatch(/Region: +Kreis Segeberg \(01060\)\n/);
  expect(mail?.text).toMatch(/Ist Januar bis Juli 2024: +122\n/);
  expect(mail?.text).toMatch(/Plan bis Juli 2024: +140\n/);
  expect(mail?.text).toMatch(/Abweichung vom Plan: +−12,9 %\n/);
  expect(mail?.text).toMatch(/Jahresplan: +240\n/);
  // Along the even path: 122 / (7/12) = 209,14, −12,9 % like the year so far: gefährdet.
  expect(mail?.text).toMatch(
    /Prognose Dezember 2024: +209,1 \(−12,9 % zum Plan, ▲ voraussichtlich gefährdet\) – Prognose, keine Ist-Zahl/,
  );
  expect(mail?.text).toMatch(/Noch zu erreichen: +noch 118 Eintritte FbW bis Dezember, 24 je Monat/);
  expect(mail?.text).toContain(
    'https://zielmonitor.jobcenter.example/ziel/EIN_FBW-total?region=01060&year=2024',
  );

  // The same file again: nothing changes, nothing is sent.
  const again = await runImport(etl, [{ kind: 'buffer', name: 'juli.csv', data: july }], { trigger: 'cli' });
  expect(again.changed).toBe(false);
  expect(await alerts.evaluate('manual')).toMatchObject({ alertsCreated: 0 });
  expect(smtp.received).toHaveLength(1);
  expect((await alertRows(db)).map((r) => [r.key, r.kind, r.state])).toEqual([
    ['01060|EIN_FBW-total|2024-07|at_risk', 'worse', 'sent'],
  ]);
});
