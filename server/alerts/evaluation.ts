/**
 * Step 1 of the alert engine: what is worth a mail. Reads every region's goals (through the goal
 * service), compares each status with the last one stored in `alert_state` (see changes.ts), and
 * finds regions whose expected month is not loaded by its deadline. Writes nothing.
 */
import type { Kysely } from 'kysely';
import { addMonths } from '../../core/months.js';
import type { Database } from '../db/schema.js';
import { yieldToLoop } from '../db/yield.js';
import { expectedDataMonth, isStale } from '../domain/staleness.js';
import type { Logger } from '../logger.js';
import { decideStatusChange, goalAlertKey, missingAlertKey, nextStateMonth } from './changes.js';
import { monthComments } from './comments.js';
import type { AlertRegion, GoalChangeItem, MissingDataItem } from './compose.js';
import { errorText } from './delivery.js';
import { loadStates, regionsWithLatestMonth, regionsWithTargets, type StateUpdate } from './repository.js';
import type { GoalsResult, GoalsSource, Month } from './types.js';

export interface GoalChanges {
  items: GoalChangeItem[];
  /** New alert states to store (status, data month or data version moved). */
  updates: StateUpdate[];
  regions: number;
  goals: number;
}

function alertRegion(r: AlertRegion): AlertRegion {
  return { id: r.id, name: r.name, sample: r.sample, sampleAsOf: r.sampleAsOf };
}

/** The changes of one region's goals against the stored states. */
async function regionChanges(
  db: Kysely<Database>,
  res: GoalsResult,
  dataMonth: Month,
  dataVersion: string,
): Promise<Pick<GoalChanges, 'items' | 'updates'>> {
  const region = alertRegion(res.region);
  const prior = await loadStates(db, region.id, res.year);
  const items: GoalChangeItem[] = [];
  const updates: StateUpdate[] = [];
  for (const goal of res.goals) {
    const before = prior.get(goal.id);
    const decision = decideStatusChange(before, goal.status, dataMonth);
    const stateMonth = nextStateMonth(before, goal.status, dataMonth);
    if (
      !before ||
      before.status !== decision.nextStatus ||
      before.dataMonth !== stateMonth ||
      before.dataVersion !== dataVersion
    ) {
      updates.push({
        regionId: region.id,
        year: res.year,
        goalId: goal.id,
        status: decision.nextStatus,
        dataMonth: stateMonth,
        dataVersion,
      });
    }
    if (decision.kind === null) continue;
    items.push({
      type: 'goal',
      key: goalAlertKey(
        region.id,
        goal.id,
        dataMonth,
        goal.status,
        decision.kind === 'revision' ? { dataVersion } : undefined,
      ),
      kind: decision.kind,
      region,
      year: res.year,
      dataMonth,
      previousStatus: decision.previousStatus,
      goal,
      unit: goal.unit === 'percent' ? 'percent' : 'count',
      comments: await monthComments(db, region.id, goal.id, dataMonth),
    });
  }
  return { items, updates };
}

/** Every region's goal changes since the stored states (a region whose goals fail is logged and skipped). */
export async function collectGoalChanges(
  deps: { db: Kysely<Database>; goals: GoalsSource; log: Logger },
  dataVersion: string,
): Promise<GoalChanges> {
  const { db, goals, log } = deps;
  const out: GoalChanges = { items: [], updates: [], regions: 0, goals: 0 };
  for (const regionId of await regionsWithTargets(db)) {
    await yieldToLoop();
    let res: GoalsResult;
    try {
      res = await goals.getGoals({ region: regionId });
    } catch (err) {
      log.warn({ regionId, error: errorText(err) }, 'goals of a region could not be evaluated for alerts');
      continue;
    }
    if (res.dataMonth === null || res.goals.length === 0) continue;
    out.regions++;
    out.goals += res.goals.length;
    const changes = await regionChanges(db, res, res.dataMonth, dataVersion);
    out.items.push(...changes.items);
    out.updates.push(...changes.updates);
  }
  return out;
}

export interface MissingData {
  expectedMonth: Month;
  regionsChecked: number;
  items: MissingDataItem[];
}

/** The month that should be loaded by `now`, and the regions that miss it. */
export function expectedMonthAt(now: Date, opts: { deadlineDay: number; lagMonths: number }) {
  const expected = expectedDataMonth(now, { releaseDay: opts.deadlineDay, lagMonths: opts.lagMonths });
  const deadline = `${addMonths(expected, opts.lagMonths)}-${String(opts.deadlineDay).padStart(2, '0')}`;
  return { expected, deadline };
}

/** Regions (not samples: they are frozen at their own month by design) whose expected month is not loaded. */
export async function collectMissingData(
  db: Kysely<Database>,
  now: Date,
  opts: { deadlineDay: number; lagMonths: number },
): Promise<MissingData> {
  const { expected, deadline } = expectedMonthAt(now, opts);
  const regions = (await regionsWithLatestMonth(db)).filter((r) => !r.sample);
  const items: MissingDataItem[] = regions
    .filter((r) => isStale(r.latestMonth, expected))
    .map((r) => ({
      type: 'missing',
      key: missingAlertKey(r.id, expected),
      region: alertRegion(r),
      month: expected,
      latestMonth: r.latestMonth,
      deadline,
    }));
  return { expectedMonth: expected, regionsChecked: regions.length, items };
}
