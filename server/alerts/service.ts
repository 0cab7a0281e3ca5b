/**
 * The alert engine: evaluate → dedupe → send.
 *
 * 1. `evaluate` reads every region's goals (through the goal service), compares each status with
 *    the last one stored in `alert_state` and decides what is worth a mail (see changes.ts).
 * 2. In ONE transaction it inserts each alert under its UNIQUE key (an existing key means the
 *    change was handled before: nothing new), renders one digest per recipient, links the digest
 *    to its alerts and stores the new states. Nothing has been sent yet.
 * 3. Then every due digest is sent; it is marked sent only after the SMTP server accepted it. A
 *    failure is recorded (last_error, attempts) and retried with exponential backoff by
 *    `retryPending` until it is accepted. A crash between 2 and 3 leaves pending digests that the
 *    next `retryPending` sends. (A crash after the server accepted but before the row was marked
 *    would send that one mail again; its Message-ID is the same, so mail clients fold it.)
 *
 * All operations run one at a time (a promise chain), so an import finishing during the daily
 * check cannot make two evaluations race for the same state.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { addMonths } from '../domain/months.js';
import { expectedDataMonth, isStale } from '../domain/staleness.js';
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
import { decideStatusChange, goalAlertKey, missingAlertKey } from './changes.js';
import {
  type AlertItem,
  composeDigest,
  digestMessageId,
  type GoalChangeItem,
  itemSubject,
  itemText,
  type MissingDataItem,
} from './compose.js';
import {
  type AlertView,
  deleteMute as deleteStoredMute,
  dueDigests,
  indicatorUnits,
  insertAlertOnce,
  insertDigest,
  listAlerts,
  listStoredMutes,
  loadStates,
  markAttempt,
  markDigestFailed,
  markDigestSent,
  readDataVersion,
  regionsWithLatestMonth,
  regionsWithTargets,
  type StateUpdate,
  saveState,
  upsertMute,
} from './repository.js';
import { createTransportFromConfig, type MailTransport } from './transport.js';
import type { AlertDeliveryState, AlertTrigger, Clock, GoalsResult, GoalsSource } from './types.js';

export interface AlertServiceDeps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  goals: GoalsSource;
  /** Default: SMTP from the config, or the outbox folder when no SMTP is configured. */
  transport?: MailTransport;
  /** Default: read and validated from config.ALERT_CONFIG_FILE (null: no file). */
  alertConfig?: AlertConfigFile | null;
  /** Timer periods for `start()` (tests shorten them). */
  timers?: { retryIntervalMs?: number; checkIntervalMs?: number; firstCheckDelayMs?: number };
}

export interface DeliverySummary {
  attempted: number;
  sent: number;
  failed: number;
}

interface RecordSummary {
  changes: number;
  muted: number;
  unfollowed: number;
  duplicates: number;
  alertsCreated: number;
  digestsCreated: number;
}

export interface EvalSummary extends RecordSummary {
  trigger: AlertTrigger;
  /** False when ALERTS_ENABLED is off (then nothing was evaluated). */
  enabled: boolean;
  dataVersion: string;
  regions: number;
  goals: number;
  delivery: DeliverySummary;
}

export interface MissingDataSummary extends RecordSummary {
  enabled: boolean;
  /** The month that should be loaded by now (its deadline day has passed). */
  expectedMonth: string;
  regionsChecked: number;
  missing: number;
  delivery: DeliverySummary;
}

export interface MuteView extends Mute {
  /** Null for mutes from the configuration file (change them there). */
  id: number | null;
  source: 'file' | 'api';
  active: boolean;
  createdAt: string | null;
  createdBy: string | null;
}

export interface AlertService {
  /** Evaluates every region's goals and mails the changes. */
  evaluate(trigger: AlertTrigger): Promise<EvalSummary>;
  /** Mails "Daten für <Monat> fehlen" once per region and month when the expected month is not loaded by its deadline. */
  checkMissingData(): Promise<MissingDataSummary>;
  /** Sends every digest whose next attempt is due. */
  retryPending(): Promise<DeliverySummary>;
  listAlerts(opts: { limit: number; state?: AlertDeliveryState }): Promise<AlertView[]>;
  listMutes(): Promise<MuteView[]>;
  setMute(input: MuteInput, createdBy: string | null): Promise<MuteView>;
  deleteMute(id: number): Promise<boolean>;
  readonly recipients: readonly Recipient[];
  readonly transport: MailTransport;
  /** Starts the timers: retries of failed mails, the daily missing-data check and evaluation. */
  start(): void;
  /**
   * Stops the timers and waits for a running operation to finish; `start()` may follow (another
   * instance took over the schedule and alert delivery).
   */
  pause(): Promise<void>;
  /** Stops the timers, waits for a running operation to finish and closes the mail transport. */
  stop(): Promise<void>;
}

/**
 * How long a claimed digest stays with the instance sending it: another instance retries it only
 * after this (when the sender died between claiming and marking it).
 */
const CLAIM_LEASE_MS = 10 * 60_000;

/** Backoff before attempt n+1 after n failed attempts: 1, 2, 4, 8 … minutes, capped. */
export function retryDelayMs(failedAttempts: number, maxMinutes: number): number {
  const minutes = Math.min(maxMinutes, 2 ** Math.max(0, Math.min(failedAttempts - 1, 20)));
  return minutes * 60_000;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = 'code' in err && typeof err.code === 'string' ? err.code : null;
  return code && !err.message.startsWith(code) ? `${code}: ${err.message}` : err.message;
}

function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();
}

export function createAlertService(deps: AlertServiceDeps): AlertService {
  const { config, logger, clock, goals } = deps;
  const db = deps.db.db;
  const log = logger.child({ component: 'alerts' });
  const transport = deps.transport ?? createTransportFromConfig(config, log);
  const fileConfig =
    deps.alertConfig !== undefined
      ? deps.alertConfig
      : config.ALERT_CONFIG_FILE
        ? loadAlertConfigFile(config.ALERT_CONFIG_FILE)
        : null;
  const fileMutes: Mute[] = (fileConfig?.mutes ?? []).map((m) => ({
    goal: m.goal,
    regionId: m.region ?? null,
    until: m.until,
    reason: m.reason ?? null,
  }));
  let recipients = resolveRecipients(config.ALERT_RECIPIENTS, fileConfig);
  if (recipients.length === 0 && transport.kind === 'outbox') {
    // The default install: nobody configured, no SMTP. Address the outbox copies to the sender so
    // that the outbox shows what would be sent.
    recipients = [{ email: addressOf(config.SMTP_FROM), name: null, regions: null, goals: null }];
  } else if (recipients.length === 0) {
    log.warn(
      'no alert recipients configured (ALERT_RECIPIENTS, ALERT_CONFIG_FILE): changes are tracked but not mailed',
    );
  }

  let chain: Promise<unknown> = Promise.resolve();
  /** Operations queued or running; timers skip a tick while the service is busy (no pile-up behind a slow SMTP server). */
  let queued = 0;
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    queued++;
    const run = chain.then(fn, fn).finally(() => {
      queued--;
    });
    chain = run.catch(() => undefined);
    return run;
  }

  async function activeMutes(): Promise<Mute[]> {
    return [...fileMutes, ...(await listStoredMutes(db))];
  }

  function subjectOf(item: AlertItem): AlertSubject {
    return item.type === 'goal'
      ? { regionId: item.region.id, goalId: item.goal.id, indicator: item.goal.indicator }
      : { regionId: item.region.id, goalId: null, indicator: null };
  }

  /** Step 2: dedupe by key, route to recipients, render digests, store states — one transaction. */
  async function record(
    items: AlertItem[],
    updates: StateUpdate[],
    trigger: AlertTrigger,
    now: Date,
  ): Promise<RecordSummary> {
    const nowIso = now.toISOString();
    const today = berlinDay(now);
    const mutes = await activeMutes();
    const summary: RecordSummary = {
      changes: items.length,
      muted: 0,
      unfollowed: 0,
      duplicates: 0,
      alertsCreated: 0,
      digestsCreated: 0,
    };
    const routed: { item: AlertItem; to: Recipient[] }[] = [];
    for (const item of items) {
      const subject = subjectOf(item);
      const mute = findMute(mutes, subject, today);
      if (mute) {
        summary.muted++;
        log.info({ key: item.key, mute }, 'alert muted');
        continue;
      }
      const to = recipients.filter((r) => follows(r, subject));
      if (to.length === 0) {
        summary.unfollowed++;
        log.info({ key: item.key }, 'alert has no recipient following it');
        continue;
      }
      routed.push({ item, to });
    }

    await db.transaction().execute(async (trx) => {
      const byRecipient = new Map<
        string,
        { recipient: Recipient; entries: { item: AlertItem; alertId: number }[] }
      >();
      for (const { item, to } of routed) {
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
            body: itemText(item, config.PUBLIC_URL),
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
          { publicUrl: config.PUBLIC_URL, name: recipient.name },
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
      for (const u of updates) await saveState(trx, u, nowIso);
    });
    return summary;
  }

  /** Step 3: send every due digest; mark it sent only after the server accepted it. */
  async function deliverDue(): Promise<DeliverySummary> {
    const summary: DeliverySummary = { attempted: 0, sent: 0, failed: 0 };
    const now = clock();
    const due = await dueDigests(db, now.toISOString());
    for (const d of due) {
      const attempts = await markAttempt(db, d.id, {
        now: now.toISOString(),
        leaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString(),
      });
      // Another instance on the same database claimed it first (or sent it meanwhile).
      if (attempts === null) continue;
      summary.attempted++;
      try {
        const result = await transport.send({
          from: config.SMTP_FROM,
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
        const next = new Date(clock().getTime() + retryDelayMs(attempts, config.ALERT_RETRY_MAX_MINUTES));
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

  async function evaluateNow(trigger: AlertTrigger): Promise<EvalSummary> {
    const now = clock();
    const dataVersion = await readDataVersion(db);
    lastEvaluatedVersion = dataVersion;
    const empty: RecordSummary = {
      changes: 0,
      muted: 0,
      unfollowed: 0,
      duplicates: 0,
      alertsCreated: 0,
      digestsCreated: 0,
    };
    if (!config.ALERTS_ENABLED) {
      return {
        trigger,
        enabled: false,
        dataVersion,
        regions: 0,
        goals: 0,
        ...empty,
        delivery: { attempted: 0, sent: 0, failed: 0 },
      };
    }
    goals.refresh?.();
    const units = await indicatorUnits(db);
    const items: GoalChangeItem[] = [];
    const updates: StateUpdate[] = [];
    let regions = 0;
    let goalCount = 0;
    for (const regionId of await regionsWithTargets(db)) {
      let res: GoalsResult;
      try {
        res = await goals.getGoals({ region: regionId });
      } catch (err) {
        log.warn({ regionId, error: errorText(err) }, 'goals of a region could not be evaluated for alerts');
        continue;
      }
      const dataMonth = res.dataMonth;
      if (dataMonth === null || res.goals.length === 0) continue;
      regions++;
      const region = {
        id: res.region.id,
        name: res.region.name,
        sample: res.region.sample,
        sampleAsOf: res.region.sampleAsOf,
      };
      const prior = await loadStates(db, region.id, res.year);
      for (const goal of res.goals) {
        goalCount++;
        const before = prior.get(goal.id);
        const decision = decideStatusChange(before, goal.status, dataMonth);
        if (
          !before ||
          before.status !== decision.nextStatus ||
          before.dataMonth !== dataMonth ||
          before.dataVersion !== dataVersion
        ) {
          updates.push({
            regionId: region.id,
            year: res.year,
            goalId: goal.id,
            status: decision.nextStatus,
            dataMonth,
            dataVersion,
          });
        }
        if (decision.kind === null) continue;
        items.push({
          type: 'goal',
          key: goalAlertKey(region.id, goal.id, dataMonth, goal.status),
          kind: decision.kind,
          region,
          year: res.year,
          dataMonth,
          previousStatus: decision.previousStatus,
          goal,
          unit: units.get(goal.indicator) === 'percent' ? 'percent' : 'count',
        });
      }
    }
    const recorded = await record(items, updates, trigger, now);
    const delivery = await deliverDue();
    const summary: EvalSummary = {
      trigger,
      enabled: true,
      dataVersion,
      regions,
      goals: goalCount,
      ...recorded,
      delivery,
    };
    log.info(summary, 'alerts evaluated');
    return summary;
  }

  async function checkMissingNow(): Promise<MissingDataSummary> {
    const now = clock();
    const deadlineDay = config.ALERT_MISSING_DATA_DAY;
    const expected = expectedDataMonth(now, { releaseDay: deadlineDay, lagMonths: config.BA_LAG_MONTHS });
    const deadline = `${addMonths(expected, config.BA_LAG_MONTHS)}-${String(deadlineDay).padStart(2, '0')}`;
    const base = {
      enabled: config.ALERTS_ENABLED,
      expectedMonth: expected,
      regionsChecked: 0,
      missing: 0,
    };
    if (!config.ALERTS_ENABLED) {
      return {
        ...base,
        changes: 0,
        muted: 0,
        unfollowed: 0,
        duplicates: 0,
        alertsCreated: 0,
        digestsCreated: 0,
        delivery: { attempted: 0, sent: 0, failed: 0 },
      };
    }
    // Sample regions are frozen at their own month by design: they are never "missing" data.
    const regions = (await regionsWithLatestMonth(db)).filter((r) => !r.sample);
    const items: MissingDataItem[] = regions
      .filter((r) => isStale(r.latestMonth, expected))
      .map((r) => ({
        type: 'missing',
        key: missingAlertKey(r.id, expected),
        region: { id: r.id, name: r.name, sample: r.sample, sampleAsOf: r.sampleAsOf },
        month: expected,
        latestMonth: r.latestMonth,
        deadline,
      }));
    const recorded = await record(items, [], 'daily', now);
    const delivery = await deliverDue();
    const summary: MissingDataSummary = {
      ...base,
      regionsChecked: regions.length,
      missing: items.length,
      ...recorded,
      delivery,
    };
    if (items.length > 0) log.info(summary, 'missing-data check');
    return summary;
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

  const timerOpts = {
    retryIntervalMs: deps.timers?.retryIntervalMs ?? 30_000,
    checkIntervalMs: deps.timers?.checkIntervalMs ?? 15 * 60_000,
    firstCheckDelayMs: deps.timers?.firstCheckDelayMs ?? 5_000,
  };
  const timers: NodeJS.Timeout[] = [];
  let lastDailyEvaluation: string | null = null;
  /** The data version the last evaluation saw (any trigger). */
  let lastEvaluatedVersion: string | null = null;

  const service: AlertService = {
    evaluate: (trigger) => exclusive(() => evaluateNow(trigger)),
    checkMissingData: () => exclusive(() => checkMissingNow()),
    retryPending: () => exclusive(() => deliverDue()),
    listAlerts: (opts) => listAlerts(db, opts),
    async listMutes() {
      const today = berlinDay(clock());
      const stored = await listStoredMutes(db);
      return [
        ...fileMutes.map((m) => toView(m, 'file', today)),
        ...stored.map((m) => toView(m, 'api', today)),
      ];
    },
    async setMute(input, createdBy) {
      const now = clock();
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
    recipients,
    transport,
    start() {
      if (!config.ALERTS_ENABLED || timers.length > 0) return;
      const report = (what: string) => (err: unknown) =>
        log.error({ error: errorText(err) }, `alerts: ${what} failed`);
      // One tick is one exclusive operation, so stop() (which awaits the chain) never leaves half a tick running.
      const tick = () => {
        if (queued > 0 || timers.length === 0) return;
        void exclusive(async () => {
          await deliverDue().catch(report('retry'));
          await checkMissingNow().catch(report('missing-data check'));
          // Once a day, and whenever the data version moved without an evaluation here (an import
          // by the CLI in another process), evaluate: catches changed targets or settings too.
          const today = berlinDay(clock());
          const version = await readDataVersion(db).catch(() => null);
          if (lastDailyEvaluation !== today || (version !== null && version !== lastEvaluatedVersion)) {
            lastDailyEvaluation = today;
            await evaluateNow('daily').catch(report('daily evaluation'));
          }
        });
      };
      timers.push(
        setTimeout(tick, timerOpts.firstCheckDelayMs).unref(),
        setInterval(tick, timerOpts.checkIntervalMs).unref(),
        setInterval(() => {
          if (queued === 0) void service.retryPending().catch(report('retry'));
        }, timerOpts.retryIntervalMs).unref(),
      );
      log.info(
        { transport: transport.description, recipients: recipients.length, mutes: fileMutes.length },
        'alerts started',
      );
    },
    async pause() {
      for (const t of timers.splice(0)) clearTimeout(t);
      await chain;
    },
    async stop() {
      await service.pause();
      transport.close();
    },
  };
  return service;
}
