/**
 * The alert engine: evaluate → dedupe → send, composed from its steps.
 *
 * 1. evaluation.ts decides what is worth a mail (goal status changes, missing data).
 * 2. recipients.ts routes each item to the people who follow it and have not muted it; record.ts
 *    stores alerts, digests and states in ONE transaction. Nothing has been sent yet.
 * 3. delivery.ts sends every due digest; it is marked sent only after the SMTP server accepted it.
 *    A failure is retried with exponential backoff until it is accepted. A crash between 2 and 3
 *    leaves pending digests that the next delivery sends. (A crash after the server accepted but
 *    before the row was marked would send that one mail again; its Message-ID is the same, so mail
 *    clients fold it.)
 * timers.ts runs all of it one operation at a time and notices imports by other processes.
 */
import type { Kysely } from 'kysely';
import { indicatorOfGoalOrIndicator } from '../../core/goal-id.js';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { listIndicators } from '../db/repositories/indicators.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { AlertConfigFile, MuteInput, RecipientInput } from './alert-config.js';
import type { AlertItem } from './compose.js';
import { type DeliverySummary, deliverDue, NO_DELIVERY } from './delivery.js';
import { collectGoalChanges, collectMissingData } from './evaluation.js';
import {
  createRecipientBook,
  type MuteView,
  type RecipientBook,
  type RecipientList,
  type RecipientView,
  readAlertConfig,
} from './recipients.js';
import { NOTHING_RECORDED, type RecordSummary, recordAlerts } from './record.js';
import { type AlertView, listAlerts, readDataVersion, type StateUpdate } from './repository.js';
import { createSerialQueue, startAlertTimers, type TimerPeriods } from './timers.js';
import { createTransportFromConfig, type MailTransport } from './transport.js';
import type { AlertDeliveryState, AlertTrigger, Clock, GoalsSource } from './types.js';

export { type DeliverySummary, retryDelayMs } from './delivery.js';
export type { MuteView, RecipientList, RecipientView } from './recipients.js';

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
  timers?: TimerPeriods;
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
  /** Every recipient entry with its source, and where mails go while there is none. */
  listRecipients(): Promise<RecipientList>;
  addRecipient(input: RecipientInput, createdBy: string | null): Promise<RecipientView | 'duplicate'>;
  /** The removed address, or null when no recipient added through the API has this id. */
  deleteRecipient(id: number): Promise<string | null>;
  readonly transport: MailTransport;
  /** Starts the timers: retries of failed mails, the daily missing-data check and evaluation, the data-version watch. */
  start(): void;
  /**
   * Stops the timers and waits for a running operation to finish; `start()` may follow (another
   * instance took over the schedule and alert delivery).
   */
  pause(): Promise<void>;
  /** Stops the timers, waits for a running operation to finish and closes the mail transport. */
  stop(): Promise<void>;
}

interface Engine {
  deps: AlertServiceDeps;
  db: AlertServiceDeps['db']['db'];
  log: Logger;
  transport: MailTransport;
  book: RecipientBook;
  /** The data version the last evaluation saw (any trigger). */
  lastEvaluatedVersion: string | null;
}

function deliverNow(e: Engine): Promise<DeliverySummary> {
  const { config, clock } = e.deps;
  return deliverDue({
    db: e.db,
    transport: e.transport,
    clock,
    log: e.log,
    from: config.SMTP_FROM,
    retryMaxMinutes: config.ALERT_RETRY_MAX_MINUTES,
  });
}

async function recordAndDeliver(
  e: Engine,
  batch: { items: readonly AlertItem[]; updates: readonly StateUpdate[]; trigger: AlertTrigger },
  now: Date,
) {
  const routing = await e.book.route(batch.items, now);
  const recorded = await recordAlerts(
    e.db,
    { changes: batch.items.length, routing, updates: batch.updates, trigger: batch.trigger },
    { publicUrl: e.deps.config.PUBLIC_URL, now },
  );
  return { ...recorded, delivery: await deliverNow(e) };
}

async function evaluateNow(e: Engine, trigger: AlertTrigger): Promise<EvalSummary> {
  const now = e.deps.clock();
  const dataVersion = await readDataVersion(e.db);
  e.lastEvaluatedVersion = dataVersion;
  if (!e.deps.config.ALERTS_ENABLED) {
    return {
      trigger,
      enabled: false,
      dataVersion,
      regions: 0,
      goals: 0,
      ...NOTHING_RECORDED,
      delivery: { ...NO_DELIVERY },
    };
  }
  const changes = await collectGoalChanges({ db: e.db, goals: e.deps.goals, log: e.log }, dataVersion);
  const done = await recordAndDeliver(e, { items: changes.items, updates: changes.updates, trigger }, now);
  const summary: EvalSummary = {
    trigger,
    enabled: true,
    dataVersion,
    regions: changes.regions,
    goals: changes.goals,
    ...done,
  };
  e.log.info(summary, 'alerts evaluated');
  return summary;
}

async function checkMissingNow(e: Engine): Promise<MissingDataSummary> {
  const { config } = e.deps;
  const now = e.deps.clock();
  const missing = await collectMissingData(e.db, now, {
    deadlineDay: config.ALERT_MISSING_DATA_DAY,
    lagMonths: config.BA_LAG_MONTHS,
  });
  const base = { enabled: config.ALERTS_ENABLED, expectedMonth: missing.expectedMonth };
  if (!config.ALERTS_ENABLED) {
    return { ...base, regionsChecked: 0, missing: 0, ...NOTHING_RECORDED, delivery: { ...NO_DELIVERY } };
  }
  const done = await recordAndDeliver(e, { items: missing.items, updates: [], trigger: 'daily' }, now);
  const summary: MissingDataSummary = {
    ...base,
    regionsChecked: missing.regionsChecked,
    missing: missing.items.length,
    ...done,
  };
  if (missing.items.length > 0) e.log.info(summary, 'missing-data check');
  return summary;
}

/**
 * The configuration file's goal references are checked for their shape only when it is read; one
 * naming no indicator ('K9-female', a typo) would follow or mute nothing, silently. Said once at
 * start, since the indicators live in the database.
 */
function warnUnknownGoalRefs(db: Kysely<Database>, file: AlertConfigFile | null, log: Logger): void {
  const refs = [
    ...(file?.recipients ?? []).flatMap((r) => (r.goals ?? []).map((g) => ({ ref: g, where: r.email }))),
    ...(file?.mutes ?? []).map((m) => ({ ref: m.goal, where: 'mutes' })),
  ].filter((r) => r.ref !== 'missing');
  if (refs.length === 0) return;
  listIndicators(db)
    .then((list) => {
      const known = new Set(list.map((i) => i.code));
      for (const r of refs) {
        const code = indicatorOfGoalOrIndicator(r.ref);
        if (!known.has(code)) {
          log.warn(
            { goal: r.ref, in: r.where },
            `ALERT_CONFIG_FILE: unknown indicator ${code}: it matches no alert`,
          );
        }
      }
    })
    .catch((e: unknown) => log.warn({ err: e }, 'indicators could not be read'));
}

export function createAlertService(deps: AlertServiceDeps): AlertService {
  const { config, clock } = deps;
  const db = deps.db.db;
  const log = deps.logger.child({ component: 'alerts' });
  const transport = deps.transport ?? createTransportFromConfig(config, log);
  const file = readAlertConfig(config, deps.alertConfig);
  const book = createRecipientBook({ db, config, file, transportKind: transport.kind, log });
  const engine: Engine = { deps, db, log, transport, book, lastEvaluatedVersion: null };
  const queue = createSerialQueue();
  let stopTimers: (() => void) | null = null;
  const deliver = () => deliverNow(engine);

  return {
    evaluate: (trigger) => queue.run(() => evaluateNow(engine, trigger)),
    checkMissingData: () => queue.run(() => checkMissingNow(engine)),
    retryPending: () => queue.run(() => deliver()),
    listAlerts: (opts) => listAlerts(db, opts),
    listMutes: () => book.listMutes(clock()),
    setMute: (input, createdBy) => book.setMute(input, createdBy, clock()),
    deleteMute: (id) => book.deleteMute(id),
    listRecipients: () => book.listRecipients(),
    addRecipient: (input, createdBy) => book.addRecipient(input, createdBy, clock()),
    deleteRecipient: (id) => book.deleteRecipient(id),
    transport,
    start() {
      if (!config.ALERTS_ENABLED || stopTimers) return;
      stopTimers = startAlertTimers(
        queue,
        {
          deliverDue: deliver,
          checkMissing: () => checkMissingNow(engine),
          evaluate: (trigger) => evaluateNow(engine, trigger),
          readDataVersion: () => readDataVersion(db),
          lastEvaluatedVersion: () => engine.lastEvaluatedVersion,
        },
        { clock, log, periods: deps.timers },
      );
      log.info(
        {
          transport: transport.description,
          recipients: book.configured.length,
          mutes: book.fileMutes.length,
        },
        'alerts started',
      );
      warnUnknownGoalRefs(db, file, log);
      if (book.configured.length === 0 && transport.kind !== 'outbox') {
        // Recipients may be kept on the Hinweise page only: warn when there is nobody at all.
        book
          .listRecipients()
          .then((list) => {
            if (list.recipients.length === 0) {
              log.warn(
                'no alert recipients (ALERT_RECIPIENTS, ALERT_CONFIG_FILE, Hinweise page): changes are tracked but not mailed',
              );
            }
          })
          .catch((e: unknown) => log.warn({ err: e }, 'alert recipients could not be read'));
      }
    },
    async pause() {
      stopTimers?.();
      stopTimers = null;
      await queue.idle();
    },
    async stop() {
      stopTimers?.();
      stopTimers = null;
      await queue.idle();
      transport.close();
    },
  };
}
