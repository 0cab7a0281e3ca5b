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
  type RecipientInput,
  resolveRecipients,
} from './alert-config.js';
import type { AlertItem } from './compose.js';
import {
  deleteMute as deleteStoredMute,
  deleteRecipient as deleteStoredRecipient,
  insertRecipient,
  listStoredMutes,
  listStoredRecipients,
  type StoredRecipient,
  upsertMute,
} from './repository.js';
import type { MailTransport } from './transport.js';

export interface MuteView extends Mute {
  /** Null for mutes from the configuration file (change them there). */
  id: number | null;
  source: 'file' | 'api';
  active: boolean;
  createdAt: string | null;
  createdBy: string | null;
}

/** One entry of the recipient list as configured (not merged by address), with its source. */
export interface RecipientView {
  /** Null for ALERT_RECIPIENTS and the configuration file (change them there). */
  id: number | null;
  email: string;
  name: string | null;
  /** Region ids followed; null: every region. */
  regions: string[] | null;
  /** Goal references followed ('K2-female', 'K3', 'missing'); null: every goal. */
  goals: string[] | null;
  source: 'env' | 'file' | 'api';
  createdAt: string | null;
  createdBy: string | null;
}

export interface RecipientList {
  recipients: RecipientView[];
  /**
   * Where mails go while nobody is configured and no SMTP server is set (the outbox copies are
   * addressed to the sender); null otherwise.
   */
  fallback: string | null;
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
  /** The recipients of ALERT_RECIPIENTS and the configuration file (those of the API are read per use). */
  readonly configured: readonly Recipient[];
  readonly fileMutes: readonly Mute[];
  /** Splits a batch into routed items, muted ones and ones nobody follows (on `now`'s Berlin day). */
  route(items: readonly AlertItem[], now: Date): Promise<Routing>;
  listMutes(now: Date): Promise<MuteView[]>;
  setMute(input: MuteInput, createdBy: string | null, now: Date): Promise<MuteView>;
  deleteMute(id: number): Promise<boolean>;
  listRecipients(): Promise<RecipientList>;
  /** Adds a recipient; `duplicate` when the address (any case) is already listed from any source. */
  addRecipient(
    input: RecipientInput,
    createdBy: string | null,
    now: Date,
  ): Promise<RecipientView | 'duplicate'>;
  /** The removed address, or null when no recipient added through the API has this id. */
  deleteRecipient(id: number): Promise<string | null>;
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
 * Who receives mail now: ALERT_RECIPIENTS, the configuration file and those added through the API.
 * With nobody at all and no SMTP (the default install), the outbox copies are addressed to the
 * sender (`fallback`), so that the outbox shows what would be sent.
 */
function recipientsNow(
  configured: readonly Recipient[],
  stored: readonly StoredRecipient[],
  fallback: string | null,
): Recipient[] {
  const all =
    stored.length === 0
      ? [...configured]
      : resolveRecipients([], null, [...configured.map(plain), ...stored]);
  if (all.length > 0 || fallback === null) return all;
  return [{ email: fallback, name: null, regions: null, goals: null }];
}

/** A resolved recipient back as a plain entry (its sets as arrays), to merge it again. */
function plain(r: Recipient) {
  return {
    email: r.email,
    name: r.name,
    regions: r.regions === null ? null : [...r.regions],
    goals: r.goals === null ? null : [...r.goals],
  };
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
  config: Pick<Config, 'ALERT_RECIPIENTS' | 'SMTP_FROM'>;
  file: AlertConfigFile | null;
  transportKind: MailTransport['kind'];
  log: Logger;
}): RecipientBook {
  const { db, config, file, log } = opts;
  const configured = resolveRecipients(config.ALERT_RECIPIENTS, file);
  const fallback = opts.transportKind === 'outbox' ? addressOf(config.SMTP_FROM) : null;
  const listed = (email: string, stored: readonly { email: string }[]) => {
    const key = email.toLowerCase();
    return [
      ...config.ALERT_RECIPIENTS,
      ...(file?.recipients ?? []).map((r) => r.email),
      ...stored.map((r) => r.email),
    ].some((e) => e.toLowerCase() === key);
  };
  const fileMutes: Mute[] = (opts.file?.mutes ?? []).map((m) => ({
    goal: m.goal,
    regionId: m.region ?? null,
    until: m.until,
    reason: m.reason ?? null,
  }));

  return {
    configured,
    fileMutes,
    async route(items, now) {
      const today = berlinDay(now);
      const mutes = [...fileMutes, ...(await listStoredMutes(db))];
      const recipients = recipientsNow(configured, await listStoredRecipients(db), fallback);
      if (recipients.length === 0 && items.length > 0) {
        log.warn(
          'no alert recipients (ALERT_RECIPIENTS, ALERT_CONFIG_FILE, Hinweise page): changes are tracked but not mailed',
        );
      }
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
    async listRecipients() {
      const stored = await listStoredRecipients(db);
      const recipients: RecipientView[] = [
        ...config.ALERT_RECIPIENTS.map((email) =>
          entryView({ email, name: null, regions: null, goals: null }, 'env'),
        ),
        ...(file?.recipients ?? []).map((r) =>
          entryView(
            { email: r.email, name: r.name ?? null, regions: r.regions ?? null, goals: r.goals ?? null },
            'file',
          ),
        ),
        ...stored.map((r) => entryView(r, 'api')),
      ];
      return { recipients, fallback: recipients.length === 0 ? fallback : null };
    },
    async addRecipient(input, createdBy, now) {
      if (listed(input.email, await listStoredRecipients(db))) return 'duplicate';
      const entry = {
        email: input.email,
        name: input.name ?? null,
        regions: input.regions ?? null,
        goals: input.goals ?? null,
        createdBy,
      };
      let stored: Awaited<ReturnType<typeof insertRecipient>>;
      try {
        stored = await insertRecipient(db, entry, now.toISOString());
      } catch (e) {
        // Another instance added the same address in between: the unique index says so.
        if (listed(input.email, await listStoredRecipients(db))) return 'duplicate';
        throw e;
      }
      log.info({ recipient: stored.id }, 'alert recipient added');
      return entryView(stored, 'api');
    },
    deleteRecipient: (id) => deleteStoredRecipient(db, id),
  };
}

function entryView(
  r: {
    email: string;
    name: string | null;
    regions: string[] | null;
    goals: string[] | null;
    id?: number;
    createdAt?: string;
    createdBy?: string | null;
  },
  source: RecipientView['source'],
): RecipientView {
  return {
    id: r.id ?? null,
    email: r.email,
    name: r.name,
    regions: r.regions,
    goals: r.goals,
    source,
    createdAt: r.createdAt ?? null,
    createdBy: r.createdBy ?? null,
  };
}
