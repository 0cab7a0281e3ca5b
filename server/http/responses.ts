/**
 * zod schemas of the API's responses. They document the API (OpenAPI) and the API tests parse
 * real responses with them, so a drift between code and description fails a test.
 */
import { z } from 'zod';

const month = z.string().regex(/^\d{4}-\d{2}$/);
const gender = z.enum(['total', 'female', 'male']);
const better = z.enum(['higher', 'lower']);
const status = z.enum(['met', 'at_risk', 'missed', 'no_data']);
const flag = z.enum(['*', '-', 'X']).nullable();
const num = z.number().nullable();
const formula = z.enum(['count', 'rate', 'stock', 'published']);
/** An import run's and an imported file's outcome (server/db/schema.ts: ImportRunStatus, ImportedFileStatus). */
const runStatus = z.enum(['running', 'success', 'unchanged', 'failed', 'partial', 'aborted']);
const fileStatus = z.enum(['imported', 'unchanged', 'rejected']);

export const regionInfo = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  comparisonType: z.string().nullable(),
  sample: z.boolean(),
  sampleAsOf: month.nullable(),
});

export const missingPoint = z.object({
  indicator: z.string(),
  gender,
  month,
  reason: z.enum(['missing', 'suppressed', 'no_value', 'not_possible', 'zero_denominator']),
});

export const goalEvaluation = z.object({
  id: z.string(),
  indicator: z.string(),
  gender,
  label: z.string(),
  better: z.enum(['higher', 'lower', 'both']),
  targetChangePct: z.number(),
  kind: z.enum(['change', 'cumulative', 'budget', 'capacity']),
  unit: z
    .enum(['count', 'eur', 'places', 'percent'])
    .describe(
      "Unit of the tracked value: 'percent' (K2: JFW), 'count' (K3: mean stock; entries), 'eur', 'places'",
    ),
  formula,
  atRiskEdgePct: z
    .number()
    .describe('The change at which the at-risk band ends; beyond it the goal is missed'),
  plan: num,
  planToDate: num,
  planRule: z
    .object({
      profile: z.enum(['pro_rata', 'last_year', 'explicit']),
      tolerancePct: z.number(),
      bandPct: z.number(),
    })
    .nullable(),
  commitments: num,
  current: z.object({ month, value: num }),
  previous: z.object({ month, value: num }),
  changePct: num,
  status,
  missing: z.array(missingPoint),
  monthly: z.object({ value: num, changePct: num }),
  forecast: z.object({
    method: z.enum(['yoy3', 'plan_path']),
    value: num,
    changePct: num,
    status,
    interval: z.object({ lowPct: z.number(), highPct: z.number() }).nullable(),
    probabilityMet: z.number().min(0).max(1).nullable(),
    basisMonths: z.array(month),
    reason: z.string().nullable(),
  }),
  pace: z
    .object({
      kind: z.enum(['integrations_needed', 'max_mean_stock', 'plan_remaining']),
      total: z.number(),
      perMonth: z.number(),
      previousYearPerMonth: num,
      forecastPerMonth: num,
      months: z.number().int(),
      pathNext: z
        .object({ month, needed: z.number() })
        .nullable()
        .describe(
          'Plan goals with a profiled path: the first month whose path lies above the year so far, and what is still needed by then',
        ),
    })
    .nullable(),
  drivers: z
    .union([
      z.object({ numeratorChangePct: z.number(), denominatorChangePct: z.number() }),
      z.object({ femalePp: z.number(), malePp: z.number() }),
    ])
    .nullable(),
  published: z.object({ value: z.number(), computed: num, differs: z.boolean() }).nullable(),
});

export const goalsResponse = z.object({
  region: regionInfo,
  year: z.number().int(),
  dataMonth: month.nullable(),
  loadedAt: z.string().nullable(),
  dataVersion: z.string(),
  expectedMonth: month.nullable(),
  stale: z.boolean(),
  goals: z.array(goalEvaluation),
});

export const seriesResponse = z.object({
  region: regionInfo,
  year: z.number().int(),
  dataMonth: month.nullable(),
  goal: goalEvaluation,
  points: z.array(
    z.object({
      month,
      current: num,
      previous: num,
      target: num,
      atRiskEdge: num,
      forecast: num,
      forecastLow: num,
      forecastHigh: num,
      changePct: num.describe('100 × (current / previous − 1)'),
      forecastChangePct: num.describe('100 × (forecast / previous − 1)'),
      revised: z.boolean(),
    }),
  ),
});

const backtestRow = z.object({
  originMonth: z.number().int().min(1).max(11),
  cases: z.number().int(),
  maeForecast: num,
  maeNaive: num,
  coverage: z.number().min(0).max(1).nullable().describe('leave one case out'),
  covered: z.number().int(),
  yearCoverage: z.number().min(0).max(1).nullable().describe('leave one year out: the interval a goal shows'),
  yearCovered: z.number().int(),
});

export const backtestResponse = z.object({
  region: regionInfo,
  year: z.number().int(),
  goal: z.object({ id: z.string(), label: z.string(), indicator: z.string(), gender }),
  method: z.literal('yoy3'),
  minErrors: z.number().int(),
  minYears: z.number().int(),
  pool: z.object({ sample: z.boolean(), regions: z.number().int() }),
  rows: z.array(backtestRow),
  regionRows: z.array(backtestRow),
});

export const monthRow = z.object({
  month,
  gender,
  int: num,
  elb: num,
  lzb: num,
  k2: num,
  jfw: num,
  k3: num,
  flags: z.object({ int: flag, elb: flag, lzb: flag }),
  revised: z.object({ int: z.boolean(), elb: z.boolean(), lzb: z.boolean() }),
});

export const planMonthsResponse = z.object({
  region: regionInfo,
  columns: z.array(z.object({ code: z.string(), name: z.string(), unit: z.string() })),
  rows: z.array(
    z.object({
      month,
      values: z.record(z.string(), num),
      flags: z.record(z.string(), z.string().nullable()),
    }),
  ),
});

export const monthsResponse = z.object({
  region: regionInfo,
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  rows: z.array(monthRow),
});

export const revisionsResponse = z.object({
  region: regionInfo,
  month,
  revisions: z.array(
    z.object({
      id: z.number().int(),
      region: z.string(),
      indicator: z.string(),
      gender,
      month,
      oldValue: num,
      oldFlag: flag,
      newValue: num,
      newFlag: flag,
      changedAt: z.string(),
      sourceFile: z.string().nullable(),
      importRunId: z.number().int().nullable(),
    }),
  ),
});

export const comparisonResponse = z.object({
  region: regionInfo,
  comparisonType: z.string().nullable(),
  month: month.nullable(),
  own: z.object({ lzb: num, elb: num }),
  peers: z.array(z.object({ id: z.string(), name: z.string(), sharePct: num })),
  ownSharePct: num,
  peerMeanPct: num,
  peerCount: z.number().int(),
  below: z.boolean().nullable(),
});

export const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  dataMonth: month.nullable(),
  expectedMonth: month,
  stale: z.boolean(),
  sample: z.boolean(),
  lastImport: z.object({ finishedAt: z.string(), status: z.string() }).nullable(),
  dataVersion: z.string(),
  build: z.string(),
});

export const liveResponse = z.object({ status: z.literal('live') });

export const readyResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  database: z.enum(['sqlite', 'postgres']),
  reachable: z.boolean(),
  pendingMigrations: z.array(z.string()),
  error: z.string().nullable(),
});

export const versionResponse = z.object({ dataVersion: z.string(), build: z.string() });

export const regionsResponse = z.object({
  defaultRegion: z.string().nullable(),
  regions: z.array(
    regionInfo.extend({
      observations: z.number().int(),
      firstMonth: month.nullable(),
      lastMonth: month.nullable(),
      /** The newest month with every figure the goals need (their default data month). */
      latestDataMonth: month.nullable(),
    }),
  ),
});

export const indicatorsResponse = z.object({
  indicators: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      unit: z.string(),
      formula,
      numeratorCode: z.string().nullable(),
      denominatorCode: z.string().nullable(),
      better: better.nullable(),
      description: z.string().nullable(),
    }),
  ),
});

/** What a change target and a plan target both have: the key first, who changed it last. */
const targetKey = { id: z.number().int(), region: z.string(), year: z.number().int(), indicator: z.string() };
const targetStamp = {
  source: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
};

export const targetInfo = z.object({
  ...targetKey,
  gender,
  targetChangePct: z.number(),
  better,
  ...targetStamp,
});

export const planTargetInfo = z.object({
  ...targetKey,
  kind: z.enum(['cumulative', 'budget', 'capacity']),
  plan: z.number(),
  better: z.enum(['higher', 'lower', 'both']),
  tolerancePct: z.number(),
  bandPct: num,
  profile: z.enum(['pro_rata', 'last_year', 'explicit']),
  profileWeights: z.array(z.number()).nullable(),
  ...targetStamp,
});
export const targetsResponse = z.object({
  targets: z.array(targetInfo),
  planTargets: z.array(planTargetInfo),
});
export const targetPutResponse = z.object({ target: targetInfo, created: z.boolean(), changed: z.boolean() });
export const targetHistoryResponse = z.object({
  history: z.array(
    z.object({
      id: z.number().int(),
      targetId: z.number().int(),
      region: z.string(),
      year: z.number().int(),
      indicator: z.string(),
      gender,
      oldChangePct: num,
      newChangePct: z.number(),
      changedAt: z.string(),
      changedBy: z.string().nullable(),
      source: z.string().nullable(),
    }),
  ),
});

const importFile = z.object({
  id: z.number().int(),
  path: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  status: fileStatus,
  rowsInserted: z.number().int(),
  rowsUpdated: z.number().int(),
  rowsUnchanged: z.number().int(),
  error: z.string().nullable(),
  sample: z.boolean(),
  importedAt: z.string(),
});

export const importsResponse = z.object({
  runs: z.array(
    z.object({
      id: z.number().int(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      trigger: z.enum(['cron', 'cli', 'upload', 'api', 'startup']),
      status: runStatus,
      filesCount: z.number().int(),
      rowsInserted: z.number().int(),
      rowsUpdated: z.number().int(),
      rowsUnchanged: z.number().int(),
      error: z.string().nullable(),
      startedBy: z.string().nullable(),
      files: z.array(importFile),
    }),
  ),
});

/** The ImportSummary of etl/ as answered by POST /api/imports. */
export const importSummaryResponse = z.object({
  runId: z.number().int(),
  status: runStatus,
  startedAt: z.string(),
  finishedAt: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      sha256: z.string(),
      size: z.number().int(),
      status: fileStatus,
      inserted: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      error: z
        .object({
          file: z.string(),
          sheet: z.string().nullable(),
          row: z.number().int().nullable(),
          column: z.string().nullable(),
          message: z.string(),
        })
        .nullable(),
    }),
  ),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  changed: z.boolean(),
  dataVersion: z.string(),
});
