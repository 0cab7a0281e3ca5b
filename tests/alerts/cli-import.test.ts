/**
 * An import by `npm run etl` (a separate process) while the server runs: the server notices the
 * moved data version by itself (no restart, no 15-minute tick) and mails the change within 60 s,
 * through a real SMTP server.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT, startServer, type TestServer, treatSampleAsReal } from '../helpers/server.js';
import { startSmtp, type TestSmtp } from './smtp.js';

let smtp: TestSmtp | null = null;
let server: TestServer | null = null;
afterAll(async () => {
  await server?.dispose();
  await smtp?.close();
});

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}\n${server?.logs.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'etl/cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'Europe/Berlin', ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('alerts after an import by the CLI', () => {
  test('a CLI import while the server runs is mailed within 60 seconds', async () => {
    smtp = await startSmtp();
    const mailbox = smtp;
    server = await startServer({
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(mailbox.port),
        SMTP_FROM: 'Zielmonitor <zielmonitor@jobcenter.example>',
        ALERT_RECIPIENTS: 'gf@jobcenter.example',
      },
    });
    const srv = server;
    // The sample data's first evaluation mails the off-track goals once.
    await waitFor('the first alert mail', () => mailbox.received.length >= 1, 60_000);
    // Corrections are made to real figures (real ones for a sample region replace all of its own).
    treatSampleAsReal(srv);
    await new Promise((r) => setTimeout(r, 1_000));
    const before = mailbox.received.length;

    // A corrected September 2024 with far more long-term recipients (LZB): the K3 goals are missed.
    const file = path.join(srv.dir, 'korrektur-2024-09.csv');
    writeFileSync(
      file,
      [
        'region;region_name;month;indicator;gender;value;flag',
        '01060;Kreis Segeberg;2024-09;LZB;total;30000;',
        '01060;Kreis Segeberg;2024-09;LZB;female;15000;',
        '01060;Kreis Segeberg;2024-09;LZB;male;15000;',
        '',
      ].join('\n'),
    );
    const cli = await runCli([file], {
      DATABASE_PATH: path.join(srv.dir, 'zielmonitor.db'),
      LOG_LEVEL: 'warn',
    });
    expect(cli.code, cli.out).toBe(0);

    // The server may also mail that this month's BA figures are missing (it runs on today's
    // date): the mail about the import is the one that names the goal.
    const aboutImport = () =>
      mailbox.received
        .slice(before)
        .find((m) => (m.parsed.text ?? '').includes('Bestand Langzeitleistungsbeziehende'));
    // Waited for at most 60 s: a hang guard (the watch looks every 20 s), not a speed check.
    await waitFor('the mail about the CLI import', () => aboutImport() !== undefined, 60_000);
    const mail = aboutImport();
    expect(mail?.rcptTo).toEqual(['gf@jobcenter.example']);
    expect(mail?.parsed.text).toContain('Bestand Langzeitleistungsbeziehende');
    expect(mail?.parsed.text).toContain('verfehlt');
    // Which evaluation noticed the import (the 20 s data-version watch, or the missing-data check
    // that also evaluates) depends on timing; what counts is that the mail came, waited for above.
  }, 150_000);
});
