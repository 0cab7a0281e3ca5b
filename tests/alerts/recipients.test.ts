/** Who gets what: per-goal and per-region recipient lists, mutes from the file and the API, the config file. */

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { month as M } from '../../core/months.js';
import { AlertConfigError, loadAlertConfigFile } from '../../server/alerts/alert-config.js';
import { createAlertService, type RecipientView } from '../../server/alerts/service.js';
import { testConfig } from '../../server/config.js';
import { silentLogger } from '../../server/logger.js';
import { collectingLogger } from '../helpers/log-lines.js';
import { scratchDir } from '../helpers/scratch.js';
import { alertRows, FixtureGoals, freshDb, goal, ManualClock, makeService, smtpConfig } from './fixtures.js';
import { parseMail, startSmtp } from './smtp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const threeBad = () => [
  goal({ id: 'K2-female', status: 'missed', current: 10.25, previous: 10.8, changePct: -5.09 }),
  goal({ id: 'K2-male', status: 'missed', current: 14.9, previous: 16.0, changePct: -6.875 }),
  goal({ id: 'K3-total', status: 'at_risk', current: 6812, previous: 6300, changePct: 8.127 }),
];

describe('recipients and mutes', () => {
  test('per-goal and per-region filters, and a mute from the file, are respected', async () => {
    const smtp = await startSmtp();
    const db = await freshDb();
    const goals = new FixtureGoals();
    const clock = new ManualClock(new Date('2024-10-30T08:00:00Z'));
    const alerts = makeService({
      db,
      goals,
      clock: clock.now,
      config: smtpConfig(smtp.port, { ALERT_RECIPIENTS: '' }),
      alertConfig: {
        recipients: [
          { email: 'k2@jobcenter.example', name: 'Frau Integration', goals: ['K2'] },
          { email: 'lzb@jobcenter.example', regions: ['01060'], goals: ['K3-total'] },
          { email: 'land@ministerium.example', regions: ['02000'] },
          // Listed twice: follows the union (K2-female and K3).
          { email: 'LZB@jobcenter.example', goals: ['K2-female'] },
        ],
        mutes: [{ goal: 'K2-male', until: '2024-12-31', reason: 'Sondereffekt Maßnahmeende' }],
      },
    });
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
      await smtp.close();
    });
    goals.goals = threeBad();
    const s = await alerts.evaluate('import');
    expect(s).toMatchObject({ changes: 3, muted: 1, alertsCreated: 2, digestsCreated: 2 });

    const byTo = new Map(smtp.received.map((m) => [m.rcptTo.join(','), m.parsed]));
    expect([...byTo.keys()].sort()).toEqual(['k2@jobcenter.example', 'lzb@jobcenter.example']);
    const k2 = byTo.get('k2@jobcenter.example');
    expect(k2?.subject).toBe(
      'Zielmonitor: Integrationsquote Frauen verfehlt – Kreis Segeberg, Datenstand Juni 2024',
    );
    expect(k2?.text).toMatch(/^Guten Tag Frau Integration,/);
    expect(k2?.text).not.toContain('Männer');
    expect(k2?.text).not.toContain('Langzeitleistungsbeziehende');
    const lzb = byTo.get('lzb@jobcenter.example');
    expect(lzb?.subject).toBe('Zielmonitor: 2 Ziele verändert – Kreis Segeberg, Datenstand Juni 2024');
    expect(lzb?.text).toContain('Integrationsquote Frauen');
    expect(lzb?.text).toContain('Bestand Langzeitleistungsbeziehende insgesamt');
    // The muted goal is not recorded as an alert; its state is, so it is not sent after the mute either.
    expect((await alertRows(db)).map((r) => r.key)).toEqual([
      '01060|K2-female|2024-06|missed',
      '01060|K3-total|2024-06|at_risk',
    ]);
    expect(JSON.parse(String((await alertRows(db))[0]?.recipients))).toEqual([
      'k2@jobcenter.example',
      'lzb@jobcenter.example',
    ]);
    clock.t = new Date('2025-01-02T08:00:00Z');
    expect(await alerts.evaluate('daily')).toMatchObject({ changes: 0 });
  });

  test('a mute set through the service (the API) silences the goal until its date, inclusive', async () => {
    const smtp = await startSmtp();
    const db = await freshDb();
    const goals = new FixtureGoals();
    const clock = new ManualClock(new Date('2024-10-30T08:00:00Z'));
    const alerts = makeService({
      db,
      goals,
      clock: clock.now,
      config: smtpConfig(smtp.port, { ALERT_RECIPIENTS: 'gf@jobcenter.example' }),
    });
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
      await smtp.close();
    });
    const m = await alerts.setMute(
      { goal: 'K3', region: '01060', until: '2024-11-30', reason: 'Umstellung' },
      'Controlling',
    );
    expect(m).toMatchObject({
      goal: 'K3',
      regionId: '01060',
      until: '2024-11-30',
      source: 'api',
      active: true,
    });
    // Setting it again replaces it (one mute per goal and region).
    await alerts.setMute({ goal: 'K3', region: '01060', until: '2024-10-31' }, null);
    expect((await alerts.listMutes()).map((x) => [x.goal, x.until, x.reason])).toEqual([
      ['K3', '2024-10-31', null],
    ]);

    goals.dataMonth = M('2024-07');
    goals.goals = [
      goal({
        id: 'K3-total',
        month: M('2024-07'),
        status: 'missed',
        current: 6900,
        previous: 6300,
        changePct: 9.5,
      }),
    ];
    expect(await alerts.evaluate('import')).toMatchObject({ changes: 1, muted: 1, alertsCreated: 0 });
    expect(smtp.received).toHaveLength(0);

    // 1.11.: the mute is over; a later change is mailed again.
    clock.t = new Date('2024-11-01T08:00:00Z');
    goals.dataMonth = M('2024-08');
    goals.goals = [
      goal({
        id: 'K3-total',
        month: M('2024-08'),
        status: 'met',
        current: 6500,
        previous: 6300,
        changePct: 3.2,
      }),
    ];
    expect(await alerts.evaluate('import')).toMatchObject({ changes: 1, muted: 0, alertsCreated: 1 });
    expect(smtp.received[0]?.parsed.subject).toContain('wieder im Ziel');
    expect((await alerts.listMutes())[0]?.active).toBe(false);
  });
});

describe('outbox mode (no SMTP configured)', () => {
  test('writes one .eml per mail, addressed to the sender when nobody is configured, counted as sent', async () => {
    const outbox = scratchDir('zm-outbox-');
    const db = await freshDb();
    const goals = new FixtureGoals();
    const alerts = createAlertService({
      db,
      goals,
      logger: silentLogger(),
      clock: () => new Date('2024-10-30T08:00:00Z'),
      config: testConfig({ OUTBOX_DIR: outbox, PUBLIC_URL: 'http://localhost:8080' }),
      alertConfig: null,
    });
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
    });
    expect(alerts.transport.kind).toBe('outbox');
    goals.goals = [
      goal({ id: 'K2-female', status: 'missed', current: 10.25, previous: 10.8, changePct: -5.09 }),
    ];
    expect((await alerts.evaluate('import')).delivery).toEqual({ attempted: 1, sent: 1, failed: 0 });
    await alerts.evaluate('import');

    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^20241030T080000Z-[0-9a-f]{16}\.eml$/);
    const raw = readFileSync(join(outbox, files[0] ?? ''), 'utf8');
    expect(raw).toContain('\r\n'); // RFC 5322 line ends, so mail programs open it
    const mail = parseMail(raw);
    expect(mail.to).toBe('zielmonitor@localhost');
    expect(mail.subject).toBe(
      'Zielmonitor: Integrationsquote Frauen verfehlt – Kreis Segeberg, Datenstand Juni 2024',
    );
    expect(mail.text).toContain('http://localhost:8080/ziel/K2-female?region=01060&year=2024');
    expect(mail.html).toContain('✕ verfehlt');
    expect((await alertRows(db))[0]).toMatchObject({
      state: 'sent',
      recipients: '["zielmonitor@localhost"]',
    });
  });

  test('the list names the sender as the fallback until somebody is added; then mails go to them', async () => {
    const outbox = scratchDir('zm-outbox-');
    const db = await freshDb();
    const goals = new FixtureGoals();
    const alerts = createAlertService({
      db,
      goals,
      logger: silentLogger(),
      clock: () => new Date('2024-10-30T08:00:00Z'),
      config: testConfig({ OUTBOX_DIR: outbox }),
      alertConfig: null,
    });
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
    });
    expect(await alerts.listRecipients()).toEqual({ recipients: [], fallback: 'zielmonitor@localhost' });
    const added = await alerts.addRecipient({ email: 'controlling@jobcenter.example' }, 'admin');
    expect(added).toMatchObject({ source: 'api', email: 'controlling@jobcenter.example' });
    expect(await alerts.addRecipient({ email: 'CONTROLLING@jobcenter.example' }, 'admin')).toBe('duplicate');
    expect((await alerts.listRecipients()).fallback).toBeNull();
    // Two admins (or two instances) adding one address at once: one entry, the other a duplicate.
    const both = await Promise.all([
      alerts.addRecipient({ email: 'zwei@jobcenter.example' }, 'a'),
      alerts.addRecipient({ email: 'Zwei@jobcenter.example' }, 'b'),
    ]);
    expect(both.filter((r) => r === 'duplicate')).toHaveLength(1);
    expect((await alerts.listRecipients()).recipients.map((r) => r.email.toLowerCase())).toEqual([
      'controlling@jobcenter.example',
      'zwei@jobcenter.example',
    ]);
    const zwei = both.find((r): r is RecipientView => r !== 'duplicate');
    if (zwei?.id == null) throw new Error('one of the two adds must succeed');
    expect(await alerts.deleteRecipient(zwei.id)).toBe(zwei.email);
    expect(await alerts.deleteRecipient(zwei.id)).toBeNull();
    goals.goals = [
      goal({ id: 'K2-female', status: 'missed', current: 10.25, previous: 10.8, changePct: -5.09 }),
    ];
    await alerts.evaluate('import');
    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    expect(parseMail(readFileSync(join(outbox, files[0] ?? ''), 'utf8')).to).toBe(
      'controlling@jobcenter.example',
    );
  });
});

describe('alert configuration file', () => {
  const write = (content: string) => {
    const file = join(scratchDir('zm-alertcfg-'), 'alerts.json');
    writeFileSync(file, content);
    return file;
  };

  test('the shipped example is valid', () => {
    const cfg = loadAlertConfigFile('data/alerts.example.json');
    expect(cfg.recipients.length).toBeGreaterThan(0);
    expect(cfg.mutes.length).toBeGreaterThan(0);
  });

  test('bad entries are named with file and field', () => {
    const file = write(
      JSON.stringify({
        recipients: [{ email: 'kein-mail' }, { email: 'a@b.example', goals: ['K2-divers'] }],
        mutes: [{ goal: 'K3', until: '2024-02-30' }],
        extra: true,
      }),
    );
    let err: unknown;
    try {
      loadAlertConfigFile(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlertConfigError);
    const msg = err instanceof Error ? err.message : '';
    expect(msg).toContain(file);
    expect(msg).toContain('recipients.0.email: must be an e-mail address');
    expect(msg).toContain('recipients.1.goals.0: must be a goal id');
    expect(msg).toContain('mutes.0.until: must be a date YYYY-MM-DD');
    expect(msg).toContain('Unrecognized key: "extra"');
  });

  test('broken JSON and a missing file are reported, and start-up fails', async () => {
    expect(() => loadAlertConfigFile(write('{ "recipients": [ }'))).toThrow(/not valid JSON/);
    expect(() => loadAlertConfigFile('/nonexistent/alerts.json')).toThrow(
      /alerts\.json:\n {2}- file not found/,
    );
    const db = await freshDb();
    cleanups.push(() => db.close());
    expect(() =>
      createAlertService({
        db,
        goals: new FixtureGoals(),
        logger: silentLogger(),
        clock: () => new Date(),
        config: testConfig({ ALERT_CONFIG_FILE: '/nonexistent/alerts.json' }),
      }),
    ).toThrow(AlertConfigError);
  });

  test('a goal reference naming no indicator is warned about at start, once per entry', async () => {
    const db = await freshDb();
    const { logger, lines } = collectingLogger('warn');
    const alerts = makeService({
      db,
      goals: new FixtureGoals(),
      logger,
      config: testConfig({ ALERTS_ENABLED: 'true', ALERT_RECIPIENTS: 'gf@jobcenter.example' }),
      alertConfig: {
        recipients: [{ email: 'k9@jobcenter.example', goals: ['K2', 'K9-female', 'missing'] }],
        mutes: [
          { goal: 'LZBX', until: '2099-12-31' },
          { goal: 'K3-total', until: '2099-12-31' },
        ],
      },
      timers: { firstCheckDelayMs: 60_000, checkIntervalMs: 60_000, retryIntervalMs: 60_000 },
    });
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
    });
    alerts.start();
    const unknown = () =>
      lines.filter((l) => String(l.msg).startsWith('ALERT_CONFIG_FILE: unknown indicator'));
    for (let i = 0; i < 200 && unknown().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(unknown().map((l) => [l.goal, l.in, l.msg])).toEqual([
      ['K9-female', 'k9@jobcenter.example', 'ALERT_CONFIG_FILE: unknown indicator K9: it matches no alert'],
      ['LZBX', 'mutes', 'ALERT_CONFIG_FILE: unknown indicator LZBX: it matches no alert'],
    ]);
  });
});
