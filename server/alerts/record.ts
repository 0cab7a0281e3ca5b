/**
 * Step 2 of the alert engine, in ONE transaction: insert each routed alert under its UNIQUE key
 * (an existing key means the change was handled before: nothing new), render one digest per
 * recipient, link the digest to its alerts and store the new goal states. Nothing is sent here.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Recipient } from './alert-config.js';
import { type AlertItem, composeDigest, digestMessageId, itemSubject, itemText } from './compose.js';
import type { Routing } from './recipients.js';
import { insertAlertOnce, insertDigest, type StateUpdate, saveState } from './repository.js';
import type { AlertTrigger } from './types.js';

export interface RecordSummary {
  changes: number;
  muted: number;
  unfollowed: number;
  duplicates: number;
  alertsCreated: number;
  digestsCreated: number;
}

export const NOTHING_RECORDED: Readonly<RecordSummary> = Object.freeze({
  changes: 0,
  muted: 0,
  unfollowed: 0,
  duplicates: 0,
  alertsCreated: 0,
  digestsCreated: 0,
});

type Group = { recipient: Recipient; entries: { item: AlertItem; alertId: number }[] };

export async function recordAlerts(
  db: Kysely<Database>,
  batch: { changes: number; routing: Routing; updates: readonly StateUpdate[]; trigger: AlertTrigger },
  opts: { publicUrl: string; now: Date },
): Promise<RecordSummary> {
  const nowIso = opts.now.toISOString();
  const { routing, trigger } = batch;
  const summary: RecordSummary = {
    ...NOTHING_RECORDED,
    changes: batch.changes,
    muted: routing.muted,
    unfollowed: routing.unfollowed,
  };
  await db.transaction().execute(async (trx) => {
    const byRecipient = new Map<string, Group>();
    for (const { item, to } of routing.routed) {
      const alertId = await insertAlertOnce(
        trx,
        {
          key: item.key,
          kind: item.type === 'goal' ? item.kind : 'missing_data',
          regionId: item.region.id,
          goalId: item.type === 'goal' ? item.goal.id : null,
          year: item.type === 'goal' ? item.year : null,
          dataMonth: item.type === 'goal' ? item.dataMonth : item.month,
          status: item.type === 'goal' ? item.goal.status : null,
          previousStatus: item.type === 'goal' ? item.previousStatus : null,
          subject: itemSubject(item),
          body: itemText(item, opts.publicUrl),
          recipients: to.map((r) => r.email),
          trigger,
        },
        nowIso,
      );
      if (alertId === null) {
        summary.duplicates++;
        continue;
      }
      summary.alertsCreated++;
      for (const r of to) {
        const k = r.email.toLowerCase();
        const group = byRecipient.get(k) ?? { recipient: r, entries: [] };
        group.entries.push({ item, alertId });
        byRecipient.set(k, group);
      }
    }
    for (const { recipient, entries } of byRecipient.values()) {
      const mail = composeDigest(
        entries.map((e) => e.item),
        { publicUrl: opts.publicUrl, name: recipient.name },
      );
      await insertDigest(
        trx,
        {
          recipient: recipient.email,
          subject: mail.subject,
          bodyText: mail.text,
          bodyHtml: mail.html,
          messageId: digestMessageId(
            entries.map((e) => e.item.key),
            recipient.email,
          ),
          alertIds: entries.map((e) => e.alertId),
        },
        nowIso,
      );
      summary.digestsCreated++;
    }
    for (const u of batch.updates) await saveState(trx, u, nowIso);
  });
  return summary;
}
