/**
 * The alert engine against a real SMTP server (smtp-server on 127.0.0.1) and a real SQLite file.
 * Goals come from a fixture goal source so each test sets the statuses it needs; the end-to-end
 * test with imported files and the real goal service is in e2e.test.ts.
 */

import { afterEach, describe, expect, test } from 'vitest';
import { formatChange, formatCount, formatPercent } from '../../core/format.js';
import { month as M } from '../../core/months.js';
import type { Month } from '../../core/vocabulary.js';
import { all } from '../helpers/db.js';
import {
  alertRows,
  FixtureGoals,
  freshDb,
  goal,
  ManualClock,
  makeService,
  REGION,
  smtpConfig,
} from './fixtures.js';
import { freePort, startSmtp, type TestSmtp } from './smtp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra: Record<string, string> = {}, smtpOpts: Parameters<typeof startSmtp>[0] = {}) {
  const smtp = await startSmtp(smtpOpts);
  const db = await freshDb();
  const goals = new FixtureGoals();
  const clock = new ManualClock(new Date('2024-10-30T08:00:00Z'));
  const config = smtpConfig(smtp.port, extra);
  const alerts = makeService({ db, config, goals, clock: clock.now });
  cleanups.push(async () => {
    await alerts.stop();
    await db.close();
    await smtp.close();
  });
  return { smtp, db, goals, clock, config, alerts };
}

const femaleMissed = () =>
  goal({
    id: 'K2-female',
    status: 'missed',
    current: 10.2534,
    previous: 10.8,
    changePct: 100 * (10.2534 / 10.8 - 1), // −5.0611… %
    forecast: {
      value: 19.87,
      changePct: -4.2,
      status: 'missed',
      interval: { lowPct: -5.31, highPct: -3.04 },
      probabilityMet: 0.04,
    },
    pace: {
      kind: 'integrations_needed',
      total: 1020.4,
      perMonth: 170.07,
      previousYearPerMonth: 151.2,
      forecastPerMonth: 149.6,
      months: 6,
      pathNext: null,
    },
  });
const maleMet = () => goal({ id: 'K2-male', status: 'met', current: 16.1, previous: 16.0, changePct: 0.625 });
const lzbMet = () =>
  goal({ id: 'K3-total', status: 'met', current: 6512.4, previous: 6300, changePct: 3.3714 });

describe('a missed target', () => {
  test('produces exactly one mail per recipient with subject, figures and link', async () => {
    const { smtp, db, goals, alerts } = await setup();
    goals.goals = [femaleMissed(), maleMet(), lzbMet()];

    const summary = await alerts.evaluate('import');
    expect(summary).toMatchObject({
      changes: 1,
      alertsCreated: 1,
      digestsCreated: 2,
      delivery: { sent: 2, failed: 0 },
    });

    expect(smtp.received).toHaveLength(2);
    expect(smtp.received.map((m) => m.rcptTo).sort()).toEqual([
      ['controlling@jobcenter.example'],
      ['gf@jobcenter.example'],
    ]);
    for (const mail of smtp.received) {
      const p = mail.parsed;
      expect(p.subject).toBe(
        'Zielmonitor: Integrationsquote Frauen verfehlt – Kreis Segeberg, Datenstand Juni 2024',
      );
      expect(p.to).toBe(mail.rcptTo[0]);
      expect(p.headers.get('from')).toBe('Zielmonitor <zielmonitor@jobcenter.example>');
      // The figures, de-DE: JFW 10,25 % now, 10,80 % last June, change −5,06 % against +1,1 %.
      expect(formatPercent(10.2534, 2)).toBe('10,25 %');
      for (const body of [p.text, p.html]) {
        expect(body).toContain('10,25 %');
        expect(body).toContain('10,80 %');
        expect(body).toContain('−5,06 % (Ziel: +1,10 %)');
        expect(body).toContain('✕ verfehlt');
        expect(body).toContain('Prognose Dezember 2024');
        expect(body).toContain('Prognose Dez.: −4,2 % (80 %: −5,3 … −3,0 %) · 4 % Zielerreichung');
        expect(body).toContain(
          'Dezemberwert 19,87 % (✕ voraussichtlich verfehlt) – Prognose, keine Ist-Zahl',
        );
        expect(body).toContain(
          // 1,020.4 still needed: rounded up, as what is shown must be enough.
          'Für das Ziel fehlen noch 1.021 Integrationen bis Dezember (171 je Monat; Vorjahr Juli–Dez.: 151 je Monat; Prognose: 150 je Monat).',
        );
        expect(body).toContain('Juni 2024');
        expect(body).not.toContain('Integrationsquote Männer');
        expect(body).not.toContain('Beispieldaten');
      }
      expect(p.text).toContain('Jahresfortschrittswert Juni 2024:');
      expect(p.text).toContain('Vorjahr (Juni 2023):');
      expect(p.text).toContain('https://zielmonitor.jobcenter.example/ziel/K2-female?region=01060&year=2024');
      expect(p.html).toContain(
        'href="https://zielmonitor.jobcenter.example/ziel/K2-female?region=01060&amp;year=2024"',
      );
      expect(p.messageId).toMatch(/^<[0-9a-f]{40}@zielmonitor>$/);
      expect(p.headers.get('x-zielmonitor-alert-keys')).toBe('01060|K2-female|2024-06|missed');
    }

    const rows = await alertRows(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      key: '01060|K2-female|2024-06|missed',
      kind: 'worse',
      status: 'missed',
      previous_status: null,
      state: 'sent',
      attempts: 1,
      last_error: null,
    });
    expect(JSON.parse(String(rows[0]?.recipients))).toEqual([
      'gf@jobcenter.example',
      'controlling@jobcenter.example',
    ]);
    const ids = String(rows[0]?.message_id).split(' ').sort();
    expect(ids).toEqual(smtp.received.map((m) => m.parsed.messageId).sort());
  });

  test('a K3 stock mean is shown as a de-DE count', async () => {
    const { smtp, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    const change = 100 * (6812.4 / 6300 - 1); // +8.1333 % against a target of +6.0 %
    goals.goals = [
      goal({ id: 'K3-total', status: 'at_risk', current: 6812.4, previous: 6300, changePct: change }),
    ];
    await alerts.evaluate('import');
    expect(smtp.received).toHaveLength(1);
    const text = smtp.received[0]?.parsed.text ?? '';
    expect(formatCount(6812.4)).toBe('6.812');
    expect(text).toContain('Ø Bestand Januar bis Juni 2024:');
    expect(text).toContain('6.812');
    expect(text).toContain('6.300');
    expect(text).toContain(`${formatChange(change, 2)} (Ziel: +6,00 %)`);
    expect(text).toContain('+8,13 %');
    expect(text).toContain('▲ gefährdet');
  });
});

describe('never twice', () => {
  test('evaluating again, or after a restart, sends nothing new', async () => {
    const { smtp, db, goals, clock, config, alerts } = await setup();
    goals.goals = [femaleMissed(), maleMet(), lzbMet()];
    await alerts.evaluate('import');
    expect(smtp.received).toHaveLength(2);

    const again = await alerts.evaluate('import');
    expect(again).toMatchObject({ changes: 0, alertsCreated: 0, delivery: { attempted: 0 } });
    await alerts.evaluate('manual');

    // A restart: a new service on the same database.
    const restarted = makeService({ db, config, goals, clock: clock.now });
    expect(await restarted.evaluate('daily')).toMatchObject({ changes: 0, alertsCreated: 0 });
    expect(await restarted.retryPending()).toEqual({ attempted: 0, sent: 0, failed: 0 });
    expect(smtp.received).toHaveLength(2);
    expect(await alertRows(db)).toHaveLength(1);
  });

  test('a status announced before is not announced again even when its state is lost', async () => {
    const { smtp, db, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    goals.goals = [femaleMissed()];
    await alerts.evaluate('import');
    await all(db, 'delete from alert_state');
    const again = await alerts.evaluate('import');
    expect(again).toMatchObject({ changes: 1, duplicates: 1, alertsCreated: 0, digestsCreated: 0 });
    expect(smtp.received).toHaveLength(1);
  });
});

describe('status changes', () => {
  test('first evaluation: at-risk and missed goals are announced in one digest, met goals are not', async () => {
    const { smtp, db, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    goals.goals = [
      femaleMissed(),
      maleMet(),
      goal({ id: 'K3-total', status: 'at_risk', current: 6812.4, previous: 6300, changePct: 8.1333 }),
    ];
    const s = await alerts.evaluate('import');
    expect(s).toMatchObject({ changes: 2, alertsCreated: 2, digestsCreated: 1 });
    expect(smtp.received).toHaveLength(1);
    const p = smtp.received[0]?.parsed;
    expect(p?.subject).toBe('Zielmonitor: 2 Ziele verändert – Kreis Segeberg, Datenstand Juni 2024');
    expect(p?.text).toContain('Integrationsquote Frauen (K2, 2024): verfehlt');
    expect(p?.text).toContain('Bestand Langzeitleistungsbeziehende insgesamt (K3, 2024): gefährdet');
    expect(p?.text).not.toContain('Integrationsquote Männer');
    expect(p?.headers.get('x-zielmonitor-alert-keys')).toBe(
      '01060|K2-female|2024-06|missed, 01060|K3-total|2024-06|at_risk',
    );
    // Both alerts point to the same digest mail.
    const rows = await alertRows(db);
    expect(rows.map((r) => r.message_id)).toEqual([p?.messageId, p?.messageId]);
  });

  test('a recovery produces one "wieder im Ziel" mail', async () => {
    const { smtp, db, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    goals.goals = [femaleMissed(), maleMet()];
    await alerts.evaluate('import');
    expect(smtp.received).toHaveLength(1);

    goals.dataMonth = M('2024-07');
    goals.goals = [
      goal({
        id: 'K2-female',
        month: M('2024-07'),
        status: 'met',
        current: 12.9,
        previous: 12.7,
        changePct: 1.5748,
      }),
      goal({
        id: 'K2-male',
        month: M('2024-07'),
        status: 'met',
        current: 18.8,
        previous: 18.7,
        changePct: 0.5348,
      }),
    ];
    const s = await alerts.evaluate('import');
    expect(s).toMatchObject({ changes: 1, alertsCreated: 1 });
    expect(smtp.received).toHaveLength(2);
    const p = smtp.received[1]?.parsed;
    expect(p?.subject).toBe(
      'Zielmonitor: Integrationsquote Frauen wieder im Ziel – Kreis Segeberg, Datenstand Juli 2024',
    );
    expect(p?.text).toContain('Das Ziel ist wieder erreicht (vorher: ✕ verfehlt).');
    expect(p?.text).toContain('✓ im Ziel');
    expect(p?.text).toContain('+1,57 % (Ziel: +1,10 %)');
    expect((await alertRows(db)).map((r) => [r.key, r.kind])).toEqual([
      ['01060|K2-female|2024-06|missed', 'worse'],
      ['01060|K2-female|2024-07|met', 'recovered'],
    ]);

    // Staying met: nothing more.
    goals.dataMonth = M('2024-08');
    goals.goals = [
      goal({
        id: 'K2-female',
        month: M('2024-08'),
        status: 'met',
        current: 14.1,
        previous: 13.9,
        changePct: 1.44,
      }),
    ];
    expect(await alerts.evaluate('import')).toMatchObject({ changes: 0 });
    expect(smtp.received).toHaveLength(2);
  });

  test('met → at risk → missed are each announced; missed → at risk is not', async () => {
    const { smtp, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    const step = async (month: Month, status: 'met' | 'at_risk' | 'missed') => {
      goals.dataMonth = month;
      goals.goals = [goal({ id: 'K3-total', month, status, current: 6500, previous: 6200, changePct: 4.8 })];
      return alerts.evaluate('import');
    };
    expect(await step(M('2024-04'), 'met')).toMatchObject({ changes: 0 });
    expect(await step(M('2024-05'), 'at_risk')).toMatchObject({ changes: 1 });
    expect(await step(M('2024-06'), 'missed')).toMatchObject({ changes: 1 });
    expect(await step(M('2024-07'), 'at_risk')).toMatchObject({ changes: 0 });
    expect(await step(M('2024-08'), 'missed')).toMatchObject({ changes: 1 });
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual([
      'Zielmonitor: Bestand Langzeitleistungsbeziehende insgesamt gefährdet – Kreis Segeberg, Datenstand Mai 2024',
      'Zielmonitor: Bestand Langzeitleistungsbeziehende insgesamt verfehlt – Kreis Segeberg, Datenstand Juni 2024',
      'Zielmonitor: Bestand Langzeitleistungsbeziehende insgesamt verfehlt – Kreis Segeberg, Datenstand August 2024',
    ]);
  });

  test('a revision that changes the status of the evaluated month is announced as a correction', async () => {
    const { smtp, db, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    goals.goals = [goal({ id: 'K2-female', status: 'met', current: 11.0, previous: 10.8, changePct: 1.85 })];
    await alerts.evaluate('import');
    expect(smtp.received).toHaveLength(0);

    // A re-import corrected June: same data month, new figures, now missed.
    await all(db, "update meta set value = '2' where key = 'data_version'");
    goals.goals = [femaleMissed()];
    const s = await alerts.evaluate('import');
    expect(s).toMatchObject({ changes: 1, dataVersion: '2' });
    expect(smtp.received).toHaveLength(1);
    const p = smtp.received[0]?.parsed;
    expect(p?.subject).toBe(
      'Zielmonitor: Integrationsquote Frauen nach Korrektur verfehlt – Kreis Segeberg, Datenstand Juni 2024',
    );
    expect(p?.text).toContain('Korrigierte Daten für Juni 2024 ändern die Bewertung (vorher: ✓ im Ziel).');
    expect((await alertRows(db))[0]).toMatchObject({
      kind: 'revision',
      previous_status: 'met',
      status: 'missed',
    });
  });

  test('no_data is not announced and does not hide a later recovery', async () => {
    const { smtp, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    goals.goals = [femaleMissed()];
    await alerts.evaluate('import');
    goals.dataMonth = M('2024-07');
    goals.goals = [
      goal({
        id: 'K2-female',
        month: M('2024-07'),
        status: 'no_data',
        current: null,
        previous: 12.7,
        changePct: null,
      }),
    ];
    expect(await alerts.evaluate('import')).toMatchObject({ changes: 0 });
    goals.dataMonth = M('2024-08');
    goals.goals = [
      goal({
        id: 'K2-female',
        month: M('2024-08'),
        status: 'met',
        current: 14.1,
        previous: 13.9,
        changePct: 1.44,
      }),
    ];
    expect(await alerts.evaluate('import')).toMatchObject({ changes: 1 });
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual([
      'Zielmonitor: Integrationsquote Frauen verfehlt – Kreis Segeberg, Datenstand Juni 2024',
      'Zielmonitor: Integrationsquote Frauen wieder im Ziel – Kreis Segeberg, Datenstand August 2024',
    ]);
  });
});

describe('delivery failures', () => {
  test('a delivery run longer than the claim lease: a mail claimed late is not sent again by another instance', async () => {
    const db = await freshDb();
    const goals = new FixtureGoals();
    const clock = new ManualClock(new Date('2024-10-30T08:00:00Z'));
    const instances: ReturnType<typeof makeService>[] = [];
    const otherRuns: unknown[] = [];
    const smtp = await startSmtp({
      onMail: async (index) => {
        // The first mail takes 11 minutes (a slow, greylisting server): longer than the lease.
        if (index === 0) clock.advanceMinutes(11);
        // While the second is being sent, the other instance looks for due mail.
        const other = instances[1];
        if (index === 1 && other) otherRuns.push(await other.retryPending());
      },
    });
    const config = smtpConfig(smtp.port);
    instances.push(makeService({ db, config, goals, clock: clock.now }));
    instances.push(makeService({ db, config, goals, clock: clock.now }));
    cleanups.push(async () => {
      for (const a of instances) await a.stop();
      await db.close();
      await smtp.close();
    });
    goals.goals = [femaleMissed()];
    const first = await instances[0]?.evaluate('import');
    expect(first?.delivery).toEqual({ attempted: 2, sent: 2, failed: 0 });
    // The second digest was claimed at 08:11 until 08:21; its lease counted from the run's start
    // (08:00 + 10 min) had already run out, and the other instance sent it a second time.
    expect(otherRuns).toEqual([{ attempted: 0, sent: 0, failed: 0 }]);
    expect(smtp.received).toHaveLength(2);
  });

  test('SMTP server down, then up: every pending mail is delivered exactly once', async () => {
    const port = await freePort();
    const db = await freshDb();
    const goals = new FixtureGoals();
    const clock = new ManualClock(new Date('2024-10-30T08:00:00Z'));
    const alerts = makeService({ db, config: smtpConfig(port), goals, clock: clock.now });
    let smtp: TestSmtp | null = null;
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
      await smtp?.close();
    });

    goals.goals = [femaleMissed()];
    const first = await alerts.evaluate('import');
    expect(first.delivery).toEqual({ attempted: 2, sent: 0, failed: 2 });
    // A second change while the server is still down.
    goals.dataMonth = M('2024-07');
    goals.goals = [
      goal({
        id: 'K2-female',
        month: M('2024-07'),
        status: 'met',
        current: 12.9,
        previous: 12.7,
        changePct: 1.57,
      }),
    ];
    clock.advanceMinutes(0.5);
    const second = await alerts.evaluate('import');
    expect(second.alertsCreated).toBe(1);

    let rows = await alertRows(db);
    expect(rows.map((r) => r.state)).toEqual(['failed', 'failed']);
    expect(String(rows[0]?.last_error)).toMatch(/ECONNREFUSED/);
    // First failure: retry after 1 minute.
    expect(rows[0]?.next_attempt_at).toBe('2024-10-30T08:01:00.000Z');

    // Not yet due: nothing is attempted.
    expect(await alerts.retryPending()).toEqual({ attempted: 0, sent: 0, failed: 0 });
    // Due (all four digests by 08:01:30), still down: the wait doubles.
    clock.advanceMinutes(1);
    expect(await alerts.retryPending()).toMatchObject({ attempted: 4, failed: 4 });
    rows = await alertRows(db);
    expect(rows[0]).toMatchObject({ attempts: 2, next_attempt_at: '2024-10-30T08:03:30.000Z' });

    smtp = await startSmtp({ port });
    clock.advanceMinutes(5);
    expect(await alerts.retryPending()).toEqual({ attempted: 4, sent: 4, failed: 0 });
    expect(await alerts.retryPending()).toEqual({ attempted: 0, sent: 0, failed: 0 });
    clock.advanceMinutes(120);
    expect(await alerts.retryPending()).toEqual({ attempted: 0, sent: 0, failed: 0 });
    expect(await alerts.evaluate('import')).toMatchObject({ changes: 0 });

    expect(smtp.received).toHaveLength(4);
    const perRecipient = new Map<string, string[]>();
    for (const m of smtp.received) {
      const to = m.rcptTo[0] ?? '';
      perRecipient.set(to, [...(perRecipient.get(to) ?? []), m.parsed.subject]);
    }
    for (const subjects of perRecipient.values()) {
      expect(subjects.sort()).toEqual([
        'Zielmonitor: Integrationsquote Frauen verfehlt – Kreis Segeberg, Datenstand Juni 2024',
        'Zielmonitor: Integrationsquote Frauen wieder im Ziel – Kreis Segeberg, Datenstand Juli 2024',
      ]);
    }
    expect(new Set(smtp.received.map((m) => m.parsed.messageId)).size).toBe(4);
    // Date is when the alert was raised (08:00 / 08:00:30), not when the server came back.
    expect(smtp.received.map((m) => m.parsed.headers.get('date')).sort()).toEqual([
      'Wed, 30 Oct 2024 08:00:00 +0000',
      'Wed, 30 Oct 2024 08:00:00 +0000',
      'Wed, 30 Oct 2024 08:00:30 +0000',
      'Wed, 30 Oct 2024 08:00:30 +0000',
    ]);
    rows = await alertRows(db);
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent']);
    // The history keeps what went wrong before.
    expect(String(rows[0]?.last_error)).toMatch(/ECONNREFUSED/);
    expect(rows[0]?.attempts).toBe(3);
  });

  test('an authentication failure is recorded in the history, and sent once credentials work', async () => {
    const smtp = await startSmtp({ auth: { user: 'zielmonitor', pass: 'richtig' } });
    const db = await freshDb();
    const goals = new FixtureGoals();
    const clock = new ManualClock(new Date('2024-10-30T08:00:00Z'));
    const base = { ALERT_RECIPIENTS: 'gf@jobcenter.example', SMTP_USER: 'zielmonitor' };
    const wrong = makeService({
      db,
      goals,
      clock: clock.now,
      config: smtpConfig(smtp.port, { ...base, SMTP_PASSWORD: 'falsch' }),
    });
    cleanups.push(async () => {
      await wrong.stop();
      await db.close();
      await smtp.close();
    });
    goals.goals = [femaleMissed()];
    const s = await wrong.evaluate('import');
    expect(s.delivery).toEqual({ attempted: 1, sent: 0, failed: 1 });
    expect(smtp.logins).toEqual([{ user: 'zielmonitor', ok: false }]);
    expect(smtp.received).toHaveLength(0);

    const [view] = await wrong.listAlerts({ limit: 10 });
    expect(view).toMatchObject({ state: 'failed', attempts: 1, key: '01060|K2-female|2024-06|missed' });
    expect(view?.lastError).toMatch(/EAUTH/);
    expect(view?.lastError).toMatch(/535/);

    // The operator fixes the password and restarts: the pending mail goes out, once.
    const fixed = makeService({
      db,
      goals,
      clock: clock.now,
      config: smtpConfig(smtp.port, { ...base, SMTP_PASSWORD: 'richtig' }),
    });
    cleanups.push(() => fixed.stop());
    clock.advanceMinutes(1);
    expect(await fixed.retryPending()).toEqual({ attempted: 1, sent: 1, failed: 0 });
    expect(await fixed.evaluate('import')).toMatchObject({ changes: 0 });
    expect(smtp.received).toHaveLength(1);
    const [after] = await fixed.listAlerts({ limit: 10 });
    expect(after).toMatchObject({ state: 'sent', attempts: 2 });
    expect(after?.lastError).toMatch(/EAUTH/);
  });
});

describe('content', () => {
  test('sample data are labelled in subject and body', async () => {
    const { smtp, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    goals.region = { ...REGION, sample: true, sampleAsOf: M('2024-09') };
    goals.goals = [femaleMissed()];
    await alerts.evaluate('import');
    const p = smtp.received[0]?.parsed;
    expect(p?.subject).toBe(
      'Zielmonitor: Integrationsquote Frauen verfehlt – Kreis Segeberg, Datenstand Juni 2024 (Beispieldaten)',
    );
    expect(p?.text).toContain('Beispieldaten, Stand September 2024');
    expect(p?.html).toContain('Beispieldaten, Stand September 2024');
  });

  test('names are HTML-escaped', async () => {
    const { smtp, goals, alerts } = await setup({ ALERT_RECIPIENTS: 'gf@jobcenter.example' });
    goals.region = { ...REGION, name: 'Kreis <b>"A" & B</b>' };
    goals.goals = [femaleMissed()];
    await alerts.evaluate('import');
    const p = smtp.received[0]?.parsed;
    expect(p?.html).toContain('Kreis &lt;b&gt;&quot;A&quot; &amp; B&lt;/b&gt;');
    expect(p?.html).not.toContain('<b>"A"');
    expect(p?.text).toContain('Kreis <b>"A" & B</b>');
  });
});

describe('timers', () => {
  async function until(cond: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 400 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 25));
  }

  test('start() evaluates soon after start-up and again when another process changed the data; stop() waits', async () => {
    const smtp = await startSmtp();
    const db = await freshDb();
    const goals = new FixtureGoals();
    const clock = new ManualClock(new Date('2024-10-30T08:00:00Z'));
    const alerts = makeService({
      db,
      goals,
      clock: clock.now,
      config: smtpConfig(smtp.port, { ALERT_RECIPIENTS: 'gf@jobcenter.example' }),
      timers: { firstCheckDelayMs: 10, checkIntervalMs: 100, retryIntervalMs: 60_000 },
    });
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
      await smtp.close();
    });
    goals.goals = [femaleMissed()];
    alerts.start();
    // Bounded waits for the ticks' effects (the assertions below do not depend on how long they took).
    await until(async () => (await alerts.listAlerts({ limit: 1, state: 'sent' })).length === 1);
    expect(smtp.received).toHaveLength(1);
    expect((await alertRows(db))[0]).toMatchObject({ trigger: 'daily', state: 'sent' });

    // Same day, data unchanged: later ticks evaluate nothing. A CLI import in another process bumps
    // the data version: the next tick evaluates and mails the recovery.
    goals.dataMonth = M('2024-07');
    goals.goals = [
      goal({
        id: 'K2-female',
        month: M('2024-07'),
        status: 'met',
        current: 12.9,
        previous: 12.7,
        changePct: 1.57,
      }),
    ];
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toHaveLength(1);
    await all(db, "update meta set value = '7' where key = 'data_version'");
    await until(async () => (await alerts.listAlerts({ limit: 5, state: 'sent' })).length === 2);
    await alerts.stop();
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual([
      'Zielmonitor: Integrationsquote Frauen verfehlt – Kreis Segeberg, Datenstand Juni 2024',
      'Zielmonitor: Integrationsquote Frauen wieder im Ziel – Kreis Segeberg, Datenstand Juli 2024',
    ]);
  });
});
