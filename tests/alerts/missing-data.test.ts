/** "Daten für <Monat> fehlen": once per region and month, after the configured day, never for sample data. */
import { afterEach, describe, expect, test } from 'vitest';
import { all } from '../helpers/db.js';
import {
  addObservation,
  alertRows,
  FixtureGoals,
  freshDb,
  ManualClock,
  makeService,
  missingDataService,
  smtpConfig,
} from './fixtures.js';
import { startSmtp } from './smtp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('missing-data check', () => {
  test('fires once per month when the expected month is not loaded by the configured day', async () => {
    const smtp = await startSmtp();
    const db = await freshDb();
    // Loaded up to May 2024. With lag 4 and day 28, June 2024 must be loaded by 28.10.2024.
    await addObservation(db, '2024-05');
    // A sample region frozen at its own month is never reported.
    await all(
      db,
      "insert into regions (id, name, kind, sample, sample_as_of) values ('09999', 'Beispielkreis', 'kreis', 1, '2024-09')",
    );
    await addObservation(db, '2024-01', '09999');
    const clock = new ManualClock(new Date('2024-10-27T20:00:00Z')); // 27.10. 21:00 in Berlin
    const alerts = missingDataService(db, smtp, clock, cleanups);

    const before = await alerts.checkMissingData();
    expect(before).toMatchObject({ expectedMonth: '2024-05', regionsChecked: 1, missing: 0 });
    expect(smtp.received).toHaveLength(0);

    // 28.10. 00:30 in Berlin (CET since 27.10.; still the 27th in UTC): the deadline day has begun.
    clock.t = new Date('2024-10-27T23:30:00Z');
    const due = await alerts.checkMissingData();
    expect(due).toMatchObject({
      expectedMonth: '2024-06',
      missing: 1,
      alertsCreated: 1,
      delivery: { sent: 1 },
    });
    expect(smtp.received).toHaveLength(1);
    const p = smtp.received[0]?.parsed;
    expect(p?.subject).toBe('Zielmonitor: Daten für Juni 2024 fehlen – Kreis Segeberg');
    expect(p?.text).toContain('Die Zahlen für Juni 2024 hätten bis zum 28.10.2024 geladen sein sollen.');
    expect(p?.text).toContain('Neuester geladener Monat: Mai 2024.');
    expect(p?.text).not.toContain('Beispielkreis');

    // Later the same month, and early next month: the same month is not reported again.
    for (const t of ['2024-10-29T08:00:00Z', '2024-10-31T23:00:00Z', '2024-11-15T08:00:00Z']) {
      clock.t = new Date(t);
      expect(await alerts.checkMissingData()).toMatchObject({
        expectedMonth: '2024-06',
        missing: 1,
        alertsCreated: 0,
      });
    }
    expect(smtp.received).toHaveLength(1);

    // June arrives; on 28.11. July is due and missing: one new mail.
    await addObservation(db, '2024-06');
    clock.t = new Date('2024-11-27T12:00:00Z');
    expect(await alerts.checkMissingData()).toMatchObject({ expectedMonth: '2024-06', missing: 0 });
    clock.t = new Date('2024-11-28T12:00:00Z');
    expect(await alerts.checkMissingData()).toMatchObject({
      expectedMonth: '2024-07',
      missing: 1,
      alertsCreated: 1,
    });
    expect(await alerts.checkMissingData()).toMatchObject({ alertsCreated: 0 });
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual([
      'Zielmonitor: Daten für Juni 2024 fehlen – Kreis Segeberg',
      'Zielmonitor: Daten für Juli 2024 fehlen – Kreis Segeberg',
    ]);
    expect((await alertRows(db)).map((r) => [r.key, r.kind, r.state])).toEqual([
      ['01060|missing|2024-06', 'missing_data', 'sent'],
      ['01060|missing|2024-07', 'missing_data', 'sent'],
    ]);
  });

  test('a mute of "missing" silences the check for a region', async () => {
    const smtp = await startSmtp();
    const db = await freshDb();
    await addObservation(db, '2024-01');
    const clock = new ManualClock(new Date('2024-10-29T08:00:00Z'));
    const alerts = makeService({
      db,
      config: smtpConfig(smtp.port),
      goals: new FixtureGoals(),
      clock: clock.now,
      alertConfig: { recipients: [], mutes: [{ goal: 'missing', region: '01060', until: '2024-10-31' }] },
    });
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
      await smtp.close();
    });
    expect(await alerts.checkMissingData()).toMatchObject({ missing: 1, muted: 1, alertsCreated: 0 });
    expect(smtp.received).toHaveLength(0);
    // The mute ended on 31.10.; on 28.11. the next month is reported.
    clock.t = new Date('2024-11-28T08:00:00Z');
    expect(await alerts.checkMissingData()).toMatchObject({
      expectedMonth: '2024-07',
      muted: 0,
      alertsCreated: 1,
    });
    expect(smtp.received).toHaveLength(2);
  });
});
