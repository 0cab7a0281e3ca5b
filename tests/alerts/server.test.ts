/**
 * The real server process (server/main.ts) with the bundled sample data, mailing through a real
 * SMTP server: the first start announces the off-track goals once; a restart sends nothing again.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { startServer, type TestServer } from '../helpers/server.js';
import { startSmtp, type TestSmtp } from './smtp.js';

let smtp: TestSmtp | null = null;
let server: TestServer | null = null;
afterAll(async () => {
  await server?.dispose();
  await smtp?.close();
});

async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}\n${server?.logs.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function evaluations(logs: readonly string[]): { trigger: string; changes: number }[] {
  const out: { trigger: string; changes: number }[] = [];
  for (const line of logs) {
    if (!line.includes('"alerts evaluated"')) continue;
    const o: unknown = JSON.parse(line);
    if (typeof o === 'object' && o !== null && 'trigger' in o && 'changes' in o) {
      out.push({ trigger: String(o.trigger), changes: Number(o.changes) });
    }
  }
  return out;
}

describe('server process', () => {
  test('sample data on first start: one digest per recipient; after a restart: nothing new', async () => {
    smtp = await startSmtp();
    const mailbox = smtp;
    server = await startServer({
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(mailbox.port),
        SMTP_FROM: 'Zielmonitor <zielmonitor@jobcenter.example>',
        ALERT_RECIPIENTS: 'gf@jobcenter.example,controlling@jobcenter.example',
      },
    });
    const srv = server;
    await waitFor('the first alert mails', () => mailbox.received.length >= 2);
    // Give a stray duplicate the chance to show up before counting.
    await waitFor('the first evaluation with changes', () =>
      evaluations(srv.logs).some((e) => e.changes > 0),
    );
    expect(mailbox.received.map((m) => m.rcptTo.join(',')).sort()).toEqual([
      'controlling@jobcenter.example',
      'gf@jobcenter.example',
    ]);
    for (const m of mailbox.received) {
      expect(m.parsed.subject).toMatch(
        /^Zielmonitor: .+ – Kreis Segeberg, Datenstand September 2024 \(Beispieldaten\)$/,
      );
      expect(m.parsed.text).toContain('Beispieldaten, Stand September 2024');
    }
    const res = await fetch(`${srv.url}/api/alerts`);
    const { alerts } = z
      .object({ alerts: z.array(z.object({ state: z.string(), key: z.string() })) })
      .parse(await res.json());
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.state === 'sent')).toBe(true);

    const before = evaluations(srv.logs).length;
    await srv.restart();
    // The restarted server evaluates again (daily tick shortly after start-up) and finds nothing new.
    await waitFor('an evaluation after the restart', () => evaluations(srv.logs).length > before);
    expect(
      evaluations(srv.logs)
        .slice(before)
        .every((e) => e.changes === 0),
    ).toBe(true);
    expect(mailbox.received).toHaveLength(2);
  });
});
