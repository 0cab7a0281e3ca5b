/** Shared set-up for the alert tests: a migrated SQLite database, goals we control, a clock we move. */

import { join } from 'node:path';
import { month as M } from '../../core/months.js';
import { type AlertServiceDeps, createAlertService } from '../../server/alerts/service.js';
import type { GoalsQuery, GoalsResult, GoalsSource } from '../../server/alerts/types.js';
import { type Config, testConfig } from '../../server/config.js';
import { type Db, openDatabase } from '../../server/db/connection.js';
import type { GoalEvaluation, GoalStatus, Month } from '../../server/domain/types.js';
import { silentLogger } from '../../server/logger.js';
import { all, openTestDb, TEST_DB } from '../helpers/db.js';
import { scratchDir } from '../helpers/scratch.js';
import type { TestSmtp } from './smtp.js';

export const REGION = { id: '01060', name: 'Kreis Segeberg', sample: false, sampleAsOf: null };

/** A fresh database (a temp file, as in production) with Kreis Segeberg and its 2024 targets. */
export async function freshDb(): Promise<Db> {
  const db =
    TEST_DB === 'postgres'
      ? await openTestDb()
      : await openDatabase(join(scratchDir('zm-alerts-'), 'test.db'));
  const now = '2024-10-01T00:00:00.000Z';
  await all(
    db,
    'insert into regions (id, name, kind, sample, sample_as_of) values (?, ?, ?, ?, ?)',
    REGION.id,
    REGION.name,
    'kreis',
    0,
    null,
  );
  for (const [ind, gender, pct, better] of [
    ['K2', 'female', 1.1, 'higher'],
    ['K2', 'male', -1.0, 'higher'],
    ['K3', 'total', 6.0, 'lower'],
  ] as const) {
    await all(
      db,
      'insert into targets (region_id, year, indicator_code, gender, target_change_pct, better, updated_at) values (?, 2024, ?, ?, ?, ?, ?)',
      REGION.id,
      ind,
      gender,
      pct,
      better,
      now,
    );
  }
  return db;
}

/** Adds one observation so the missing-data check sees the region's newest month. */
export async function addObservation(db: Db, month: string, regionId = REGION.id): Promise<void> {
  await all(
    db,
    'insert into observations (region_id, indicator_code, gender, month, value, flag, loaded_at) values (?, ?, ?, ?, ?, null, ?)',
    regionId,
    'ELB',
    'total',
    month,
    10400,
    '2024-10-01T00:00:00.000Z',
  );
}

interface GoalInput {
  id: 'K2-female' | 'K2-male' | 'K3-total';
  status: GoalStatus;
  month?: Month;
  current: number | null;
  provisional?: boolean;
  previous: number | null;
  changePct: number | null;
  forecast?: Partial<GoalEvaluation['forecast']>;
  pace?: GoalEvaluation['pace'];
}

const META = {
  'K2-female': {
    indicator: 'K2',
    gender: 'female',
    label: 'Integrationsquote Frauen',
    better: 'higher',
    target: 1.1,
    unit: 'percent',
    formula: 'rate',
  },
  'K2-male': {
    indicator: 'K2',
    gender: 'male',
    label: 'Integrationsquote Männer',
    better: 'higher',
    target: -1.0,
    unit: 'percent',
    formula: 'rate',
  },
  'K3-total': {
    indicator: 'K3',
    gender: 'total',
    label: 'Bestand Langzeitleistungsbeziehende insgesamt',
    better: 'lower',
    target: 6.0,
    unit: 'count',
    formula: 'stock',
  },
} as const;

export function goal(g: GoalInput): GoalEvaluation {
  const m = META[g.id];
  const month = g.month ?? M('2024-06');
  const year = Number(month.slice(0, 4));
  return {
    id: g.id,
    indicator: m.indicator,
    gender: m.gender,
    label: m.label,
    better: m.better,
    targetChangePct: m.target,
    kind: 'change',
    unit: m.unit,
    formula: m.formula,
    // The default band of 1 point: short of the target by it when higher is better, past it when lower.
    atRiskEdgePct: m.better === 'higher' ? m.target - 1 : m.target + 1,
    plan: null,
    planToDate: null,
    planRule: null,
    commitments: null,
    current: { month, value: g.current },
    provisional: g.provisional ?? false,
    previous: { month: M(`${year - 1}${month.slice(4)}`), value: g.previous },
    changePct: g.changePct,
    status: g.status,
    missing: [],
    monthly: { value: null, changePct: null },
    forecast: {
      method: 'yoy3',
      value: null,
      changePct: null,
      status: g.status,
      interval: null,
      probabilityMet: null,
      basisMonths: [],
      reason: null,
      ...g.forecast,
    },
    pace: g.pace ?? null,
    drivers: null,
    published: null,
  };
}

/** A goal source whose answer the test sets; it answers only for regions it knows. */
export class FixtureGoals implements GoalsSource {
  dataMonth = M('2024-06');
  goals: GoalEvaluation[] = [];
  region: GoalsResult['region'] = REGION;
  calls: GoalsQuery[] = [];
  async getGoals(q: GoalsQuery): Promise<GoalsResult> {
    this.calls.push(q);
    if (q.region !== undefined && q.region !== this.region.id) throw new Error(`unknown region ${q.region}`);
    return {
      region: this.region,
      year: Number(this.dataMonth.slice(0, 4)),
      dataMonth: this.dataMonth,
      goals: this.goals,
    };
  }
}

export class ManualClock {
  constructor(public t: Date) {}
  now = (): Date => new Date(this.t);
  advanceMinutes(n: number): void {
    this.t = new Date(this.t.getTime() + n * 60_000);
  }
}

export function smtpConfig(port: number, extra: Record<string, string> = {}): Config {
  return testConfig({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(port),
    SMTP_FROM: 'Zielmonitor <zielmonitor@jobcenter.example>',
    ALERT_RECIPIENTS: 'gf@jobcenter.example, controlling@jobcenter.example',
    PUBLIC_URL: 'https://zielmonitor.jobcenter.example',
    ...extra,
  });
}

export function makeService(
  overrides: Partial<AlertServiceDeps> & Pick<AlertServiceDeps, 'db' | 'config' | 'goals'>,
) {
  return createAlertService({
    logger: silentLogger(),
    clock: new ManualClock(new Date('2024-10-30T08:00:00Z')).now,
    alertConfig: null,
    ...overrides,
  });
}

/**
 * The missing-data check as its tests run it, against a real SMTP server: one recipient, the
 * month due on the 28th, the BA's lag 4 months. `cleanups` gets the stop of the service, the
 * database and the SMTP server.
 */
export function missingDataService(
  db: Db,
  smtp: TestSmtp,
  clock: ManualClock,
  cleanups: (() => Promise<void>)[],
) {
  const config = smtpConfig(smtp.port, {
    ALERT_RECIPIENTS: 'controlling@jobcenter.example',
    ALERT_MISSING_DATA_DAY: '28',
    BA_LAG_MONTHS: '4',
  });
  const alerts = makeService({ db, config, goals: new FixtureGoals(), clock: clock.now });
  cleanups.push(async () => {
    await alerts.stop();
    await db.close();
    await smtp.close();
  });
  return alerts;
}

/** Rows of the alerts table straight from the database (not through the code under test). */
export function alertRows(db: Db): Promise<Record<string, unknown>[]> {
  return all(db, 'select * from alerts order by id');
}
