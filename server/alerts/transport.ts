/**
 * How a rendered mail leaves: nodemailer over SMTP, or — with no SMTP configured — an .eml file
 * in the outbox folder (so the default install shows what would be sent).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { maskPassword } from '../../core/redact.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** '<...@zielmonitor>' */
  messageId: string;
  date: Date;
  /** The alert keys the mail carries (as a header, for support). */
  keys: readonly string[];
}

export interface SendResult {
  /** The SMTP server's answer, or the outbox file written. */
  response: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  /** For logs and the start-up line, without the password. */
  readonly description: string;
  /** Resolves once the server accepted the mail (or the file is written); rejects otherwise. */
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
}

function headers(mail: OutgoingMail): Record<string, string> {
  return {
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'X-Zielmonitor-Alert-Keys': mail.keys.join(', '),
  };
}

function message(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date,
    headers: headers(mail),
  };
}

/**
 * nodemailer, loaded on first use: it costs ~15 MB of resident memory and most installations send
 * a mail a few times a month, so the server does not load it at start-up.
 */
async function loadNodemailer() {
  return (await import('nodemailer')).default;
}

/**
 * A transporter created on the first send (the module is loaded then). A failed load is not
 * remembered, so the next send tries again.
 */
function lazyTransporter<T extends Pick<Transporter, 'close'>>(
  create: (nm: Awaited<ReturnType<typeof loadNodemailer>>) => T,
) {
  let transporter: Promise<T> | null = null;
  return {
    get(): Promise<T> {
      if (transporter === null) {
        const p = loadNodemailer().then(create);
        p.catch(() => {
          if (transporter === p) transporter = null;
        });
        transporter = p;
      }
      return transporter;
    },
    close(): void {
      // Nothing to close when no mail was ever sent.
      void transporter?.then(
        (t) => t.close(),
        () => undefined,
      );
    },
  };
}

/** True when SMTP is configured (SMTP_URL or SMTP_HOST). */
export function smtpConfigured(config: Config): boolean {
  return config.SMTP_URL !== null || config.SMTP_HOST !== null;
}

/** SMTP through nodemailer, from SMTP_URL or SMTP_HOST/PORT/SECURE/USER/PASSWORD. */
export function createSmtpTransport(config: Config): MailTransport {
  const timeouts = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 };
  const auth =
    config.SMTP_USER !== null ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined;
  const transporter = lazyTransporter((nodemailer) =>
    config.SMTP_URL
      ? nodemailer.createTransport({ url: config.SMTP_URL, ...timeouts })
      : nodemailer.createTransport({
          host: config.SMTP_HOST ?? 'localhost',
          port: config.SMTP_PORT,
          secure: config.SMTP_SECURE,
          ...(auth ? { auth } : {}),
          ...timeouts,
        }),
  );
  const description = config.SMTP_URL
    ? maskPassword(config.SMTP_URL, 'smtp')
    : `smtp${config.SMTP_SECURE ? 's' : ''}://${config.SMTP_USER ? `${config.SMTP_USER}@` : ''}${config.SMTP_HOST}:${config.SMTP_PORT}`;
  return {
    kind: 'smtp',
    description,
    async send(mail) {
      const info = await (await transporter.get()).sendMail(message(mail));
      const rejected = info.rejected.map(String);
      if (rejected.length > 0) {
        throw new Error(`SMTP server rejected recipient(s) ${rejected.join(', ')}: ${info.response}`);
      }
      return { response: info.response };
    },
    close() {
      transporter.close();
    },
  };
}

/** Writes each mail as an .eml file to `dir`; the file name derives from the Message-ID (a retry overwrites). */
export function createOutboxTransport(dir: string, logger: Logger): MailTransport {
  const transporter = lazyTransporter((nodemailer) =>
    nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }),
  );
  return {
    kind: 'outbox',
    description: `outbox ${dir}`,
    async send(mail) {
      const info = await (await transporter.get()).sendMail(message(mail));
      const raw: unknown = info.message;
      if (!Buffer.isBuffer(raw)) throw new Error('outbox: nodemailer did not return a buffer');
      mkdirSync(dir, { recursive: true });
      // Named by origination date and Message-ID: a retry after a crash overwrites instead of duplicating.
      const stamp = mail.date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      const id = mail.messageId.replace(/^<|@.*$/g, '').slice(0, 16);
      const file = join(dir, `${stamp}-${id}.eml`);
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, raw);
      renameSync(tmp, file); // atomic: a reader never sees half a mail
      logger.info(
        { file, to: mail.to, subject: mail.subject },
        'alert mail written to the outbox (no SMTP configured)',
      );
      return { response: `written to ${file}` };
    },
    close() {},
  };
}

/** The transport the configuration asks for. */
export function createTransportFromConfig(config: Config, logger: Logger): MailTransport {
  return smtpConfigured(config)
    ? createSmtpTransport(config)
    : createOutboxTransport(config.OUTBOX_DIR, logger);
}
