/**
 * Who receives which alert: the recipients (env + configuration file), the mutes (file + API) and
 * the routing of one batch of alert items to the people who follow them and have not muted them.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import {
  type AlertConfigFile,
  type AlertSubject,
  berlinDay,
  findMute,
  follows,
  loadAlertConfigFile,
  type Mute,
  type MuteInput,
  type Recipient,
  resolveRecipients,
} from './alert-config.js';
import type { AlertItem } from './compose.js';
import { deleteMute as deleteStoredMute, listStoredMutes, upsertMute } from './repository.js';
import type { MailTransport } from './transport.js';

export interface MuteView extends Mute {
  /** Null for mutes from the configuration file (change them there). */
  id: number | null;
  source: 'file' | 'api';
  active: boolean;
  createdAt: string | null;
  createdBy: string | null;
}

export interface RoutedItem {
  item: AlertItem;
  to: Recipient[];
}

export interface Routing {
  routed: RoutedItem[];
  muted: number;
  unfollowed: number;
}

export interface RecipientBook {
  readonly recipients: readonly Recipient[];
  readonly fileMutes: readonly Mute[];
  /** Splits a batch into routed items, muted ones and ones nobody follows (on `now`'s Berlin day). */
  route(items: readonly AlertItem[], now: Date): Promise<Routing>;
  listMutes(now: Date): Promise<MuteView[]>;
  setMute(input: MuteInput, createdBy: string | null, now: Date): Promise<MuteView>;
  deleteMute(id: number): Promise<boolean>;
}

/** The address inside a From header ('Name <a@b>' → 'a@b'). */
export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();
}

/** The alert configuration file: given (tests), read from ALERT_CONFIG_FILE, or none. */
export function readAlertConfig(
  config: Config,
  given: AlertConfigFile | null | undefined,
): AlertConfigFile | null {
  if (given !== undefined) return given;
  return config.ALERT_CONFIG_FILE ? loadAlertConfigFile(config.ALERT_CONFIG_FILE) : null;
}

export function subjectOf(item: AlertItem): AlertSubject {
  return item.type === 'goal'
    ? { regionId: item.region.id, goalId: item.goal.id, indicator: item.goal.indicator }
    : { regionId: item.region.id, goalId: null, indicator: null };
}

/**
 * The recipients of this install. With nobody configured and no SMTP (the default install), the
 * outbox copies are addressed to the sender, so that the outbox shows what would be sent.
 */
export function installRecipients(
  config: Pick<Config, 'ALERT_RECIPIENTS' | 'SMTP_FROM'>,
  file: AlertConfigFile | null,
  transportKind: MailTransport['kind'],
  log: Logger,
): Recipient[] {
  const recipients = resolveRecipients(config.ALERT_RECIPIENTS, file);
  if (recipients.length > 0) return recipients;
  if (transportKind === 'outbox') {
    return [{ email: addressOf(config.SMTP_FROM), name: null, regions: null, goals: null }];
  }
  log.warn(
    'no alert recipients configured (ALERT_RECIPIENTS, ALERT_CONFIG_FILE): changes are tracked but not mailed',
  );
  return recipients;
}

function toView(
  m: Mute & { id?: number; createdAt?: string; createdBy?: string | null },
  source: 'file' | 'api',
  today: string,
): MuteView {
  return {
    id: m.id ?? null,
    goal: m.goal,
    regionId: m.regionId,
    until: m.until,
    reason: m.reason,
    source,
    active: m.until >= today,
    createdAt: m.createdAt ?? null,
    createdBy: m.createdBy ?? null,
  };
}

export function createRecipientBook(opts: {
  db: Kysely<Database>;
  recipients: readonly Recipient[];
  file: AlertConfigFile | null;
  log: Logger;
}): RecipientBook {
  const { db, recipients, log } = opts;
  const fileMutes: Mute[] = (opts.file?.mutes ?? []).map((m) => ({
    goal: m.goal,
    regionId: m.region ?? null,
    until: m.until,
    reason: m.reason ?? null,
  }));

  return {
    recipients,
    fileMutes,
    async route(items, now) {
      const today = berlinDay(now);
      const mutes = [...fileMutes, ...(await listStoredMutes(db))];
      const out: Routing = { routed: [], muted: 0, unfollowed: 0 };
      for (const item of items) {
        const subject = subjectOf(item);
        const mute = findMute(mutes, subject, today);
        if (mute) {
          out.muted++;
          log.info({ key: item.key, mute }, 'alert muted');
          continue;
        }
        const to = recipients.filter((r) => follows(r, subject));
        if (to.length === 0) {
          out.unfollowed++;
          log.info({ key: item.key }, 'alert has no recipient following it');
          continue;
        }
        out.routed.push({ item, to });
      }
      return out;
    },
    async listMutes(now) {
      const today = berlinDay(now);
      const stored = await listStoredMutes(db);
      return [
        ...fileMutes.map((m) => toView(m, 'file', today)),
        ...stored.map((m) => toView(m, 'api', today)),
      ];
    },
    async setMute(input, createdBy, now) {
      const stored = await upsertMute(
        db,
        {
          goal: input.goal,
          regionId: input.region ?? null,
          until: input.until,
          reason: input.reason ?? null,
          createdBy,
        },
        now.toISOString(),
      );
      log.info({ mute: stored }, 'alert mute set');
      return toView(stored, 'api', berlinDay(now));
    },
    deleteMute: (id) => deleteStoredMute(db, id),
  };
}
