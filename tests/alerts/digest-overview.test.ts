/**
 * A digest with more changes than DIGEST_DETAIL_LIMIT lists each change on one line (and in one
 * table row) instead of as a block; up to the limit every change keeps its block. Every change is
 * in the mail either way, and each alert row keeps its own block.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { month as M } from '../../core/months.js';
import {
  type AlertItem,
  composeDigest,
  DIGEST_DETAIL_LIMIT,
  type GoalChangeItem,
} from '../../server/alerts/compose.js';
import { all } from '../helpers/db.js';
import { addObservation, alertRows, freshDb, goal, ManualClock, missingDataService } from './fixtures.js';
import { startSmtp } from './smtp.js';

const URL = 'https://zielmonitor.jobcenter.example';

function region(i: number) {
  return { id: String(1000 + i).padStart(5, '0'), name: `Jobcenter ${i}`, sample: false, sampleAsOf: null };
}

/** A K2 change for region i: the first assessment of the year, at risk. */
function k2(i: number): GoalChangeItem {
  return {
    type: 'goal',
    key: `k2-${i}`,
    kind: 'worse',
    region: region(i),
    year: 2024,
    dataMonth: M('2024-06'),
    previousStatus: null,
    goal: goal({ id: 'K2-female', status: 'at_risk', current: 23.88, previous: 24.89, changePct: -4.05 }),
    unit: 'percent',
  };
}

const count = (s: string, part: string) => s.split(part).length - 1;

describe('digest overview', () => {
  test(`up to ${DIGEST_DETAIL_LIMIT} changes each keeps its block; one more and each is one line`, () => {
    const items = Array.from({ length: DIGEST_DETAIL_LIMIT }, (_, i) => k2(i + 1));
    const detailed = composeDigest(items, { publicUrl: URL, name: null });
    expect(detailed.text).toContain(`der Zielmonitor meldet ${DIGEST_DETAIL_LIMIT} Änderungen:`);
    expect(detailed.text).toContain('Jede Änderung wird nur einmal gemeldet. Prognosen tragen');
    // A mail about a missing month only shows no forecast, and says nothing about forecasts.
    const missing = composeDigest(
      [
        {
          type: 'missing',
          key: 'm',
          region: region(1),
          month: M('2024-07'),
          latestMonth: M('2024-06'),
          deadline: '2024-09-30',
        },
      ],
      { publicUrl: URL, name: null },
    );
    expect(missing.text).toContain('Jede Änderung wird nur einmal gemeldet.');
    expect(missing.text).not.toContain('Prognose');
    expect(count(detailed.text, 'Prognose Dezember 2024:')).toBe(DIGEST_DETAIL_LIMIT);
    expect(detailed.html).not.toContain('<th style="padding:2px 12px 2px 0;text-align:left">Bewertung</th>');

    const more = [...items, k2(DIGEST_DETAIL_LIMIT + 1)];
    const overview = composeDigest(more, { publicUrl: URL, name: 'Carla' });
    const n = DIGEST_DETAIL_LIMIT + 1;
    expect(overview.subject).toBe(`Zielmonitor: ${n} Ziele verändert – ${n} Regionen, Datenstand Juni 2024`);
    expect(overview.text).toContain(
      `Guten Tag Carla,\n\nder Zielmonitor meldet ${n} Änderungen in ${n} Regionen, jede in einer Zeile. ` +
        'Prognose, was es noch braucht, und Kommentare zeigt der Link zum Ziel.\n\n' +
        `Ziele (${n}):\n` +
        '■ Jobcenter 1 (01001) – Integrationsquote Frauen (K2, 2024): ▲ gefährdet; 23,88 %, −4,05 % zum Vorjahr (Ziel: +1,10 %); Datenstand Juni 2024\n' +
        `  ${URL}/ziel/K2-female?region=01001&year=2024\n`,
    );
    expect(overview.text).not.toContain('Prognose Dezember');
    // Every change once: its line and its link.
    expect(count(overview.text, '\n■ ')).toBe(n);
    for (const i of more) expect(count(overview.text, `region=${i.region.id}&year=2024`)).toBe(1);
    expect(count(overview.html, '<tr>')).toBe(n + 1); // the head and one row per change
    expect(overview.html).toContain(
      '<a href="https://zielmonitor.jobcenter.example/ziel/K2-female?region=01031&amp;year=2024">Integrationsquote Frauen (K2, 2024)</a>',
    );
    // Status as icon and word, not colour alone.
    expect(count(overview.html, '<strong style="color:#9a6700">▲ gefährdet</strong>')).toBe(n);
  });

  test('each kind of change reads right on its line: before and after, recovered, revision, provisional, K3, plan, comments', () => {
    const items: AlertItem[] = Array.from({ length: DIGEST_DETAIL_LIMIT }, (_, i) => k2(i + 1));
    const r = { ...region(99), name: 'Kreis <Nord> & Süd' };
    items.push(
      {
        ...k2(99),
        region: r,
        kind: 'recovered',
        previousStatus: 'missed',
        goal: goal({ id: 'K2-male', status: 'met', current: 24.1, previous: 24, changePct: 0.42 }),
      },
      {
        ...k2(99),
        region: r,
        kind: 'revision',
        previousStatus: 'at_risk',
        goal: goal({
          id: 'K2-female',
          status: 'missed',
          current: 22.5,
          previous: 24.9,
          changePct: -9.64,
          provisional: true,
        }),
        comments: [{ author: 'Ben', text: 'Maßnahme X endete' }],
      },
      {
        ...k2(99),
        region: r,
        kind: 'worse',
        previousStatus: 'met',
        unit: 'count',
        goal: goal({ id: 'K3-total', status: 'missed', current: 10585.4, previous: 9800, changePct: 8.01 }),
        comments: [
          { author: 'Ben', text: 'a' },
          { author: 'Carla', text: 'b' },
        ],
      },
      {
        ...k2(99),
        region: r,
        key: 'plan',
        goal: {
          ...goal({ id: 'K2-female', status: 'missed', current: 105, previous: null, changePct: -12.9 }),
          id: 'FbW-total',
          indicator: 'FbW',
          label: 'Eintritte FbW',
          kind: 'cumulative',
          unit: 'count',
          plan: 240,
          planToDate: 120,
        },
        unit: 'count',
      },
      {
        type: 'missing',
        key: 'missing',
        region: r,
        month: M('2024-07'),
        latestMonth: null,
        deadline: '2024-11-28',
      },
    );
    const mail = composeDigest(items, { publicUrl: URL, name: null });
    const line = (start: string) => mail.text.split('\n').find((l) => l.startsWith(start));
    expect(line('■ Kreis <Nord> & Süd (01099) – Integrationsquote Männer')).toBe(
      '■ Kreis <Nord> & Süd (01099) – Integrationsquote Männer (K2, 2024): ✓ wieder im Ziel (vorher: ✕ verfehlt); 24,10 %, +0,42 % zum Vorjahr (Ziel: −1,00 %); Datenstand Juni 2024',
    );
    expect(line('■ Kreis <Nord> & Süd (01099) – Integrationsquote Frauen')).toBe(
      '■ Kreis <Nord> & Süd (01099) – Integrationsquote Frauen (K2, 2024): nach Korrektur ✕ verfehlt (vorher: ▲ gefährdet); 22,50 % (vorläufig), −9,64 % zum Vorjahr (Ziel: +1,10 %); Datenstand Juni 2024; ein Kommentar',
    );
    expect(line('■ Kreis <Nord> & Süd (01099) – Bestand')).toBe(
      '■ Kreis <Nord> & Süd (01099) – Bestand Langzeitleistungsbeziehende insgesamt (K3, 2024): ✕ verfehlt (vorher: ✓ im Ziel); 10.585, +8,01 % zum Vorjahr (Ziel: +6,00 %); Datenstand Juni 2024; 2 Kommentare',
    );
    expect(line('■ Kreis <Nord> & Süd (01099) – Eintritte FbW')).toBe(
      '■ Kreis <Nord> & Süd (01099) – Eintritte FbW (FbW, 2024): ✕ verfehlt; 105, Plan bis Juni 2024: 120 (−12,9 %); Datenstand Juni 2024',
    );
    expect(mail.text).toContain(
      'Fehlende Daten (1), bitte den Import prüfen:\n■ Kreis <Nord> & Süd (01099): Juli 2024 fehlt, fällig bis 28.11.2024; neuester geladener Monat: keiner',
    );
    expect(mail.text).toContain('der Zielmonitor meldet 35 Änderungen in 31 Regionen, jede in einer Zeile.');
    // The HTML escapes what came from the data, and links every goal.
    expect(mail.html).not.toContain('<Nord>');
    expect(count(mail.html, 'Kreis &lt;Nord&gt; &amp; Süd (01099)')).toBe(5);
    expect(mail.html).toContain('Eintritte FbW (FbW, 2024)</a>');
    expect(mail.html).toContain('Integrationsquote Frauen (K2, 2024)</a> (ein Kommentar)');
    expect(mail.html).toContain('<td style="padding:2px 12px 2px 0;vertical-align:top">Juli 2024</td>');
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

test('over SMTP: 35 regions without June get one overview mail; each alert row keeps its block', async () => {
  const smtp = await startSmtp();
  const db = await freshDb(); // Kreis Segeberg (01060)
  await addObservation(db, '2024-05');
  for (let i = 1; i <= 34; i++) {
    const r = region(i);
    await all(
      db,
      "insert into regions (id, name, kind, sample, sample_as_of) values (?, ?, 'kreis', 0, null)",
      r.id,
      r.name,
    );
    await addObservation(db, i === 7 ? '2024-04' : '2024-05', r.id);
  }
  const clock = new ManualClock(new Date('2024-10-28T08:00:00Z'));
  const alerts = missingDataService(db, smtp, clock, cleanups);

  expect(await alerts.checkMissingData()).toMatchObject({
    expectedMonth: '2024-06',
    missing: 35,
    alertsCreated: 35,
    delivery: { sent: 1 },
  });
  expect(smtp.received).toHaveLength(1);
  const p = smtp.received[0]?.parsed;
  expect(p?.subject).toBe('Zielmonitor: Daten für Juni 2024 fehlen – 35 Regionen');
  const text = p?.text ?? '';
  expect(text).toContain('der Zielmonitor meldet 35 Änderungen in 35 Regionen, jede in einer Zeile.');
  expect(text).toContain('Fehlende Daten (35), bitte den Import prüfen:\n');
  expect(text).toContain(
    '■ Jobcenter 7 (01007): Juni 2024 fehlt, fällig bis 28.10.2024; neuester geladener Monat: April 2024\n',
  );
  expect(text).toContain(
    '■ Kreis Segeberg (01060): Juni 2024 fehlt, fällig bis 28.10.2024; neuester geladener Monat: Mai 2024',
  );
  expect(count(text, '\n■ ')).toBe(35);
  expect(text).not.toContain('hätten bis zum');
  expect(count(String(p?.html), '<tr>')).toBe(36);

  const rows = await alertRows(db);
  expect(rows).toHaveLength(35);
  for (const row of rows) {
    expect(row.state).toBe('sent');
    expect(String(row.body)).toContain(
      'Die Zahlen für Juni 2024 hätten bis zum 28.10.2024 geladen sein sollen.',
    );
  }
});
