/**
 * A comment on a goal and month travels in the next alert mail about that goal and month: as
 * plain text in the text part, HTML-escaped in the HTML part (a comment is never markup).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createComment } from '../../server/db/repositories/comments.js';
import { FixtureGoals, freshDb, goal, ManualClock, makeService, REGION, smtpConfig } from './fixtures.js';
import { startSmtp } from './smtp.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const XSS = '<script>alert("x")</script> & <img src=x onerror=alert(1)> Maßnahme X endete im Juni';

describe('comments in alert mails', () => {
  test('the comment of the goal and data month is quoted, escaped in HTML; others are not', async () => {
    const smtp = await startSmtp();
    const db = await freshDb();
    const goals = new FixtureGoals();
    const clock = new ManualClock(new Date('2024-10-30T08:00:00Z'));
    const alerts = makeService({ db, config: smtpConfig(smtp.port), goals, clock: clock.now });
    cleanups.push(async () => {
      await alerts.stop();
      await db.close();
      await smtp.close();
    });
    const at = new Date('2024-10-01T08:00:00Z');
    const write = (g: string, month: string, text: string, author: string) =>
      createComment(db.db, { region: REGION.id, goal: g, month, text, authorId: null, author }, at);
    await write('K2-female', '2024-06', XSS, 'Carla Controlling');
    await write('K2', '2024-06', 'Zugang ukrainischer Geflüchteter\nins SGB II', 'Ben');
    await write('K2-female', '2024-05', 'anderer Monat', 'Ben');
    await write('K3-total', '2024-06', 'anderes Ziel', 'Ben');

    goals.goals = [
      goal({ id: 'K2-female', status: 'missed', current: 10.25, previous: 10.8, changePct: -5.06 }),
    ];
    const summary = await alerts.evaluate('import');
    expect(summary.delivery.sent).toBeGreaterThan(0);
    const mail = smtp.received[0]?.parsed;
    expect(mail).toBeDefined();
    const text = mail?.text ?? '';
    const html = typeof mail?.html === 'string' ? mail.html : '';
    expect(text).toMatch(
      /Kommentar von Carla Controlling: +<script>alert\("x"\)<\/script> & <img src=x onerror=alert\(1\)> Maßnahme X/,
    );
    expect(text).toMatch(/Kommentar von Ben: +Zugang ukrainischer Geflüchteter\n +ins SGB II/);
    expect(text).not.toContain('anderer Monat');
    expect(text).not.toContain('anderes Ziel');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
  });
});
