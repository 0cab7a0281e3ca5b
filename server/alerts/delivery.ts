/**
 * Step 3 of the alert engine: send every due digest and mark it sent only after the SMTP server
 * accepted it. A failure is recorded (last_error, attempts) and retried with exponential backoff.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { dueDigests, markAttempt, markDigestFailed, markDigestSent } from './repository.js';
import type { MailTransport } from './transport.js';
import type { Clock } from './types.js';

export interface DeliverySummary {
  attempted: number;
  sent: number;
  failed: number;
}

export const NO_DELIVERY: Readonly<DeliverySummary> = Object.freeze({ attempted: 0, sent: 0, failed: 0 });

/** Backoff before attempt n+1 after n failed attempts: 1, 2, 4, 8 … minutes, capped. */
export function retryDelayMs(failedAttempts: number, maxMinutes: number): number {
  const minutes = Math.min(maxMinutes, 2 ** Math.max(0, Math.min(failedAttempts - 1, 20)));
  return minutes * 60_000;
}

/** An error as one line for logs and `last_error` (Node's error code first when it has one). */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = 'code' in err && typeof err.code === 'string' ? err.code : null;
  return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
}

export interface DeliveryDeps {
  db: Kysely<Database>;
  transport: MailTransport;
  clock: Clock;
  log: Logger;
  /** The From header (config.SMTP_FROM). */
  from: string;
  /** Cap of the retry backoff (config.ALERT_RETRY_MAX_MINUTES). */
  retryMaxMinutes: number;
}

/**
 * How long a claimed digest stays with the instance sending it: another instance retries it only
 * after this (when the sender died between claiming and marking it).
 */
const CLAIM_LEASE_MS = 10 * 60_000;

/** Sends every digest whose next attempt is due, each claimed first (exactly once across instances). */
export async function deliverDue(deps: DeliveryDeps): Promise<DeliverySummary> {
  const { db, transport, clock, log } = deps;
  const summary: DeliverySummary = { attempted: 0, sent: 0, failed: 0 };
  const due = await dueDigests(db, clock().toISOString());
  for (const d of due) {
    // The lease counts from this claim, not from the run's start: a run of slow sends (a
    // greylisting server, 60 s socket timeouts) would otherwise claim later digests with a lease
    // already run out, free for another instance to send again.
    const now = clock();
    const attempts = await markAttempt(db, d.id, {
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString(),
    });
    // Another instance on the same database claimed it first (or sent it meanwhile).
    if (attempts === null) continue;
    summary.attempted++;
    try {
      const result = await transport.send({
        from: deps.from,
        to: d.recipient,
        subject: d.subject,
        text: d.bodyText,
        html: d.bodyHtml,
        messageId: d.messageId,
        // The digest was complete when it was stored: that is its origination date (RFC 5322), also on retries.
        date: new Date(d.createdAt),
        keys: d.keys,
      });
      await markDigestSent(db, d.id, result.response, clock().toISOString());
      summary.sent++;
      log.info({ digest: d.id, to: d.recipient, messageId: d.messageId, keys: d.keys }, 'alert mail sent');
    } catch (err) {
      const next = new Date(clock().getTime() + retryDelayMs(attempts, deps.retryMaxMinutes));
      const message = errorText(err);
      await markDigestFailed(db, d.id, message, next.toISOString());
      summary.failed++;
      log.warn(
        { digest: d.id, to: d.recipient, attempts, nextAttemptAt: next.toISOString(), error: message },
        'alert mail could not be sent; will retry',
      );
    }
  }
  return summary;
}
