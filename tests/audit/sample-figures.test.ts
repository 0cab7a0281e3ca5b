/**
 * Audit: the figures the API answers for the bundled sample (Kreis Segeberg, 2024) against an
 * independent re-computation from domain.md (tests/audit/reference.ts, which shares no code with
 * server/domain or server/goals). The product side goes through its real path: a fresh migrated
 * SQLite database, the first-start seeding of the ETL, the goal service and the HTTP app.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { seedIfEmpty } from '../../etl/index.js';
import { setup, type TestContext } from '../api/fixture.js';
import { get as getRow } from '../helpers/db.js';
import { checkExact, checkNumber, merge, newTally, type Tally } from './agreement.js';
import {
  AT_RISK_BAND,
  evaluate,
  GENDERS,
  type GoalFigures,
  jfw,
  k2TwelveMonth,
  k3,
  loadSample,
  lzbShareComparison,
  lzbYtdMean,
  monthIndex,
  monthOf,
  type Observations,
  parseGermanMonth,
  parseGermanNumber,
  readTargets,
  SEGEBERG,
  TARGETS_FILE,
  type Target,
  ym,
  yoy3,
} from './reference.js';

const YEAR = 2024;
const DATA_MONTHS = Array.from({ length: 9 }, (_, k) => k + 1); // 2024-01 .. 2024-09

// --- the API's answers, validated rather than cast ------------------------------------------------
const num = z.number().nullable();
const statusSchema = z.enum(['met', 'at_risk', 'missed', 'no_data']);
const goalSchema = z.object({
  id: z.string(),
  indicator: z.string(),
  gender: z.enum(['total', 'female', 'male']),
  better: z.enum(['higher', 'lower']),
  targetChangePct: z.number(),
  current: z.object({ month: z.string(), value: num }),
  previous: z.object({ month: z.string(), value: num }),
  changePct: num,
  status: statusSchema,
  missing: z.array(z.unknown()),
  monthly: z.object({ value: num, changePct: num }),
  forecast: z.object({ value: num, changePct: num, status: statusSchema }),
  published: z.object({ value: z.number(), computed: num, differs: z.boolean() }).nullable(),
});
const goalsSchema = z.object({
  region: z.object({ id: z.string(), sample: z.boolean(), sampleAsOf: z.string().nullable() }),
  year: z.number(),
  dataMonth: z.string().nullable(),
  // Tabelle 3 goals only: the plan goals (issue 16) have their own hand-computed tests.
  goals: z.preprocess(
    (gs) =>
      Array.isArray(gs)
        ? gs.filter((g: unknown) => typeof g === 'object' && g !== null && 'kind' in g && g.kind === 'change')
        : gs,
    z.array(goalSchema),
  ),
});
const seriesSchema = z.object({
  year: z.number(),
  dataMonth: z.string().nullable(),
  goal: goalSchema,
  points: z.array(
    z.object({
      month: z.string(),
      current: num,
      previous: num,
      target: num,
      atRiskEdge: num,
      forecast: num,
      revised: z.boolean(),
    }),
  ),
});
const flagSchema = z.enum(['*', '-', 'X']).nullable();
const monthsSchema = z.object({
  total: z.number(),
  rows: z.array(
    z.object({
      month: z.string(),
      gender: z.enum(['total', 'female', 'male']),
      int: num,
      elb: num,
      lzb: num,
      k2: num,
      jfw: num,
      k3: num,
      flags: z.object({ int: flagSchema, elb: flagSchema, lzb: flagSchema }),
      revised: z.object({ int: z.boolean(), elb: z.boolean(), lzb: z.boolean() }),
    }),
  ),
});
const comparisonSchema = z.object({
  comparisonType: z.string().nullable(),
  month: z.string().nullable(),
  own: z.object({ lzb: num, elb: num }),
  peers: z.array(z.object({ id: z.string(), sharePct: num })),
  ownSharePct: num,
  peerMeanPct: num,
  peerCount: z.number(),
  below: z.boolean().nullable(),
});

let ctx: TestContext;
let obs: Observations;
let targets: Target[];
const total = newTally();

async function get<T>(schema: z.ZodType<T>, url: string): Promise<T> {
  const res = await ctx.app.request(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return schema.parse(JSON.parse(text));
}

/** Fails with every mismatch listed, and adds the tally to the run's total. */
function settle(t: Tally): void {
  merge(total, t);
  expect(t.mismatches).toEqual([]);
  expect(t.compared).toBeGreaterThan(0);
}

beforeAll(async () => {
  obs = await loadSample();
  targets = readTargets(TARGETS_FILE, SEGEBERG, YEAR);
  ctx = await setup({ fixture: false });
  expect(await seedIfEmpty(ctx.deps.etl)).toBe(true);
});

afterAll(async () => {
  await ctx?.db.close();
  // The audit's headline, for the report.
  console.log(
    `audit: ${total.compared} figures compared, max abs diff ${total.maxAbsDiff} (${total.worst || '-'}), ` +
      `max rel diff ${total.maxRelDiff}, mismatches ${total.mismatches.length}`,
  );
});

describe('the independent reader sees the sample as documented', () => {
  test('all six AIP targets of 2024 and the default at-risk band', () => {
    expect(targets.map((t) => `${t.indicator}-${t.gender}:${t.targetPct}:${t.better}`).sort()).toEqual([
      'K2-female:1.1:higher',
      'K2-male:-1:higher',
      'K2-total:-0.4:higher',
      'K3-female:7.8:lower',
      'K3-male:3.9:lower',
      'K3-total:6:lower',
    ]);
    expect(ctx.config.AT_RISK_BAND_PCT).toBe(AT_RISK_BAND);
  });

  test('Segeberg has every base count from 2021-01 to 2024-09, total = women + men (but the one marker)', () => {
    let markers = 0;
    for (let i = monthIndex('2021-01'); i <= monthIndex('2024-09'); i++) {
      const m = monthOf(i);
      for (const ind of ['INT', 'ELB', 'LZB']) {
        const t = obs.peek(SEGEBERG, ind, 'total', m);
        const f = obs.peek(SEGEBERG, ind, 'female', m);
        const male = obs.peek(SEGEBERG, ind, 'male', m);
        expect(t, `${ind} total ${m}`).toEqual(expect.any(Number));
        expect(male, `${ind} male ${m}`).toEqual(expect.any(Number));
        if (f === null) {
          markers++;
          continue;
        }
        expect(f, `${ind} female ${m}`).toEqual(expect.any(Number));
        expect(t).toBe((f ?? 0) + (male ?? 0));
      }
    }
    expect(markers).toBe(1); // INT Frauen Mai 2021 is '*' (data/sample/README.md)
    expect(obs.peek(SEGEBERG, 'INT', 'female', '2021-05')).toBeNull();
  });

  test('my 12-month K2 rounds to the BA-style published Integrationsquote of the xlsx', () => {
    for (const m of DATA_MONTHS) {
      for (const g of GENDERS) {
        const month = ym(YEAR, m);
        const published = obs.get(SEGEBERG, 'K2_BA', g, month);
        const mine = k2TwelveMonth(obs, SEGEBERG, g, month).value;
        expect(Math.abs(mine - published), `${g} ${month}: ${mine} vs ${published}`).toBeLessThanOrEqual(
          0.05,
        );
      }
    }
  });

  test('the database holds exactly the rows of the sample files', async () => {
    // The indicators of the K2/K3 sample files (the plan-figure sample files hold other codes).
    const codes = [...new Set([...obs.values.keys()].map((k) => k.split('|')[1] ?? ''))];
    const inList = codes.map(() => '?').join(',');
    const row = z
      .object({ n: z.number() })
      .parse(
        await getRow(
          ctx.db,
          `select count(*) as n from observations where indicator_code in (${inList})`,
          ...codes,
        ),
      );
    expect(row.n).toBe(obs.values.size);
    const markers = z
      .object({ n: z.number() })
      .parse(
        await getRow(
          ctx.db,
          `select count(*) as n from observations where value is null and indicator_code in (${inList})`,
          ...codes,
        ),
      );
    expect(markers.n).toBe([...obs.values.values()].filter((v) => v === null).length);
  });
});

function checkGoal(t: Tally, where: string, api: z.infer<typeof goalSchema>, mine: GoalFigures): void {
  const l = `${where} ${mine.id}`;
  checkExact(t, `${l} indicator`, api.indicator, mine.indicator);
  checkExact(t, `${l} better`, api.better, mine.better);
  checkNumber(t, `${l} targetChangePct`, api.targetChangePct, mine.targetPct);
  checkExact(t, `${l} current.month`, api.current.month, mine.month);
  checkExact(t, `${l} previous.month`, api.previous.month, mine.previousMonth);
  checkNumber(t, `${l} value`, api.current.value, mine.value);
  checkNumber(t, `${l} previous`, api.previous.value, mine.previous);
  checkNumber(t, `${l} changePct`, api.changePct, mine.changePct);
  checkExact(t, `${l} status`, api.status, mine.status);
  checkExact(t, `${l} missing`, api.missing.length, 0);
  checkNumber(t, `${l} monthly.value`, api.monthly.value, mine.monthly);
  checkNumber(t, `${l} monthly.changePct`, api.monthly.changePct, mine.monthlyChangePct);
  checkNumber(t, `${l} forecast.value`, api.forecast.value, mine.forecast);
  checkNumber(t, `${l} forecast.changePct`, api.forecast.changePct, mine.forecastChangePct);
  checkExact(t, `${l} forecast.status`, api.forecast.status, mine.forecastStatus);
  if (mine.indicator === 'K2') {
    // The xlsx carries the BA-style K2 (one decimal): the API compares it with the 12-month K2.
    const published = obs.get(SEGEBERG, 'K2_BA', mine.gender, mine.month);
    checkNumber(t, `${l} published.value`, api.published?.value, published);
    checkNumber(t, `${l} published.computed`, api.published?.computed, mine.monthly);
    checkExact(
      t,
      `${l} published.differs`,
      api.published?.differs,
      Math.abs(mine.monthly - published) > 0.05,
    );
  } else {
    checkExact(t, `${l} published`, api.published, null); // the sample has no K3_BA
  }
}

describe('GET /api/goals agrees with the independent figures', () => {
  test.each(DATA_MONTHS)('data month 2024-%i: all six goals', async (m) => {
    const month = ym(YEAR, m);
    const body = await get(goalsSchema, `/api/goals?region=${SEGEBERG}&year=${YEAR}&month=${month}`);
    expect(body.region).toEqual({ id: SEGEBERG, sample: true, sampleAsOf: '2024-09' });
    expect(body.dataMonth).toBe(month);
    expect(body.goals.map((g) => g.id).sort()).toEqual(
      targets.map((x) => `${x.indicator}-${x.gender}`).sort(),
    );
    const t = newTally();
    for (const target of targets) {
      const mine = evaluate(obs, SEGEBERG, target, YEAR, m);
      // A status decided within 1e-6 points of a boundary would hinge on rounding noise.
      expect(mine.boundaryDistance, `${mine.id} at ${month}`).toBeGreaterThan(1e-6);
      const api = body.goals.find((g) => g.id === mine.id);
      if (!api) throw new Error(`no goal ${mine.id} at ${month}`);
      checkGoal(t, month, api, mine);
    }
    settle(t);
  });

  test('at 2024-09 the sample shows met, at risk and missed', async () => {
    const body = await get(goalsSchema, `/api/goals?region=${SEGEBERG}&year=${YEAR}&month=2024-09`);
    const statuses = new Set(body.goals.map((g) => g.status));
    expect([...statuses].sort()).toEqual(['at_risk', 'met', 'missed']);
    const mine = new Set(targets.map((t) => evaluate(obs, SEGEBERG, t, YEAR, 9).status));
    expect(mine).toEqual(statuses);
  });
});

/** The tracked quantity of a goal in year y at month k (K2: JFW; K3: mean LZB Jan..k). */
function tracked(target: Target, year: number, k: number): number {
  return target.indicator === 'K2'
    ? jfw(obs, SEGEBERG, target.gender, year, k).value
    : lzbYtdMean(obs, SEGEBERG, target.gender, year, k);
}

describe('GET /api/goals/:id/series agrees (chart points for every data month)', () => {
  test.each(DATA_MONTHS)('data month 2024-%i: the six goals, twelve points each', async (m) => {
    const t = newTally();
    for (const target of targets) {
      const id = `${target.indicator}-${target.gender}`;
      const body = await get(
        seriesSchema,
        `/api/goals/${id}/series?region=${SEGEBERG}&year=${YEAR}&month=${ym(YEAR, m)}`,
      );
      checkExact(t, `${id}@${m} dataMonth`, body.dataMonth, ym(YEAR, m));
      checkGoal(t, `series ${ym(YEAR, m)}`, body.goal, evaluate(obs, SEGEBERG, target, YEAR, m));
      checkExact(t, `${id}@${m} point count`, body.points.length, 12);
      const nowValue = tracked(target, YEAR, m);
      const sign = target.better === 'higher' ? -1 : 1;
      for (let k = 1; k <= 12; k++) {
        const p = body.points[k - 1];
        const l = `series ${id}@${ym(YEAR, m)} point ${ym(YEAR, k)}`;
        if (!p) {
          t.mismatches.push(`${l}: missing`);
          continue;
        }
        const prev = tracked(target, YEAR - 1, k);
        checkExact(t, `${l} month`, p.month, ym(YEAR, k));
        checkNumber(t, `${l} previous`, p.previous, prev);
        // Where this year has to be to meet the target, and where the at-risk band ends.
        checkNumber(t, `${l} target`, p.target, prev * (1 + target.targetPct / 100));
        checkNumber(
          t,
          `${l} atRiskEdge`,
          p.atRiskEdge,
          prev * (1 + (target.targetPct + sign * AT_RISK_BAND) / 100),
        );
        if (k <= m) checkNumber(t, `${l} current`, p.current, tracked(target, YEAR, k));
        else checkExact(t, `${l} current`, p.current, null);
        // Forecast path: null before the data month, the value at it, the December forecast at the end.
        if (k < m) checkExact(t, `${l} forecast`, p.forecast, null);
        else if (k === m) checkNumber(t, `${l} forecast`, p.forecast, nowValue);
        else if (k === 12)
          checkNumber(t, `${l} forecast`, p.forecast, yoy3(obs, SEGEBERG, target, YEAR, m).value);
        checkExact(t, `${l} revised`, p.revised, false);
      }
    }
    settle(t);
  });
});

describe('GET /api/months agrees (drill-down rows 2023-01 .. 2024-09)', () => {
  test('every month and gender: INT, ELB, LZB, 12-month K2, JFW, K3', async () => {
    const body = await get(
      monthsSchema,
      `/api/months?region=${SEGEBERG}&from=2023-01&to=2024-09&pageSize=500`,
    );
    const first = monthIndex('2023-01');
    const last = monthIndex('2024-09');
    const expectedRows = (last - first + 1) * GENDERS.length;
    expect(body.total).toBe(expectedRows);
    expect(body.rows).toHaveLength(expectedRows);
    const t = newTally();
    const seen = new Set<string>();
    for (const r of body.rows) {
      const key = `${r.month}|${r.gender}`;
      checkExact(t, `${key} unique`, seen.has(key), false);
      seen.add(key);
      const i = monthIndex(r.month);
      const year = Math.floor(i / 12);
      const moy = i - year * 12 + 1;
      const g = r.gender;
      checkNumber(t, `${key} int`, r.int, obs.get(SEGEBERG, 'INT', g, r.month));
      checkNumber(t, `${key} elb`, r.elb, obs.get(SEGEBERG, 'ELB', g, r.month));
      checkNumber(t, `${key} lzb`, r.lzb, obs.get(SEGEBERG, 'LZB', g, r.month));
      checkNumber(t, `${key} k2`, r.k2, k2TwelveMonth(obs, SEGEBERG, g, r.month).value);
      checkNumber(t, `${key} jfw`, r.jfw, jfw(obs, SEGEBERG, g, year, moy).value);
      checkNumber(t, `${key} k3`, r.k3, k3(obs, SEGEBERG, g, r.month));
      checkExact(
        t,
        `${key} flags`,
        JSON.stringify(r.flags),
        JSON.stringify({ int: null, elb: null, lzb: null }),
      );
      checkExact(t, `${key} revised`, r.revised.int || r.revised.elb || r.revised.lzb, false);
    }
    for (let i = first; i <= last; i++)
      for (const g of GENDERS) expect(seen.has(`${monthOf(i)}|${g}`)).toBe(true);
    settle(t);
  });
});

/** The figure, or null when an input month is absent or a BA marker (the product's "no data"). */
function orNull(compute: () => number): number | null {
  try {
    return compute();
  } catch (e) {
    if (e instanceof Error && /^(no observation|observation .* is a marker)/.test(e.message)) return null;
    throw e;
  }
}

describe('GET /api/months?format=csv agrees (what a controller opens in Excel)', () => {
  test('2023-01 .. 2024-09: counts exact, K2/JFW/K3 to the 10 decimals exported', async () => {
    const res = await ctx.app.request(`/api/months?region=${SEGEBERG}&from=2023-01&to=2024-09&format=csv`);
    expect(res.status).toBe(200);
    // The table, then (sample data) a blank line and the sample note as a footer.
    const [table = '', footer = ''] = (await res.text()).replace(/^\uFEFF/, '').split('\r\n\r\n');
    expect(footer).toMatch(/^Beispieldaten, Stand September 2024 – synthetische Zahlen/);
    const lines = table.split('\r\n').filter((l) => l !== '');
    const header = (lines[0] ?? '').split(';');
    const col = (start: string) => {
      const i = header.findIndex((h) => h.startsWith(start));
      if (i < 0) throw new Error(`export has no column "${start}…": ${header.join(' | ')}`);
      return i;
    };
    const c = {
      month: col('Monat'),
      gender: col('Geschlecht'),
      int: col('Integrationen'),
      elb: col('Erwerbsfähige'),
      lzb: col('Langzeit'),
      k2: col('K2 Integrationsquote 12'),
      jfw: col('K2 Jahresfortschritt'),
      k3: col('K3'),
    };
    const genderOf: Record<string, (typeof GENDERS)[number]> = {
      insgesamt: 'total',
      Frauen: 'female',
      Männer: 'male',
    };
    const t = newTally();
    const rows = lines.slice(1);
    expect(rows).toHaveLength(21 * 3);
    for (const line of rows) {
      const f = line.split(';');
      const month = parseGermanMonth(f[c.month] ?? '');
      const g = genderOf[f[c.gender] ?? ''];
      if (month === null || g === undefined) throw new Error(`export row not understood: ${line}`);
      const i = monthIndex(month);
      const year = Math.floor(i / 12);
      const n = (k: keyof typeof c) => parseGermanNumber(f[c[k]] ?? '', `export ${month} ${g} ${k}`);
      const l = `csv ${month} ${g}`;
      checkNumber(t, `${l} int`, n('int'), obs.get(SEGEBERG, 'INT', g, month));
      checkNumber(t, `${l} elb`, n('elb'), obs.get(SEGEBERG, 'ELB', g, month));
      checkNumber(t, `${l} lzb`, n('lzb'), obs.get(SEGEBERG, 'LZB', g, month));
      checkNumber(t, `${l} k2`, n('k2'), k2TwelveMonth(obs, SEGEBERG, g, month).value, 5.01e-11);
      checkNumber(t, `${l} jfw`, n('jfw'), jfw(obs, SEGEBERG, g, year, i - year * 12 + 1).value, 5.01e-11);
      checkNumber(t, `${l} k3`, n('k3'), k3(obs, SEGEBERG, g, month), 5.01e-11);
    }
    // Kept out of the headline tally: these figures are rounded to 10 decimals on purpose.
    console.log(`audit (CSV export): ${t.compared} figures, max abs diff ${t.maxAbsDiff} (${t.worst})`);
    expect(t.mismatches).toEqual([]);
  });
});

describe('GET /api/months over the whole sample (2021-01 .. 2024-09): null exactly where an input is missing', () => {
  test('K2 needs 13 months of history, JFW the December before, K3 the month a year ago; the marker blanks 12 months', async () => {
    const body = await get(
      monthsSchema,
      `/api/months?region=${SEGEBERG}&from=2021-01&to=2024-09&pageSize=1000`,
    );
    const first = monthIndex('2021-01');
    const last = monthIndex('2024-09');
    expect(body.rows).toHaveLength((last - first + 1) * GENDERS.length);
    const t = newTally();
    let nulls = 0;
    for (const r of body.rows) {
      const key = `${r.month}|${r.gender}`;
      const i = monthIndex(r.month);
      const year = Math.floor(i / 12);
      const moy = i - year * 12 + 1;
      const g = r.gender;
      const expected = {
        int: obs.peek(SEGEBERG, 'INT', g, r.month) ?? null,
        k2: orNull(() => k2TwelveMonth(obs, SEGEBERG, g, r.month).value),
        jfw: orNull(() => jfw(obs, SEGEBERG, g, year, moy).value),
        k3: orNull(() => k3(obs, SEGEBERG, g, r.month)),
      };
      for (const k of ['int', 'k2', 'jfw', 'k3'] as const) {
        const want = expected[k];
        if (want === null) {
          nulls++;
          checkExact(t, `${key} ${k}`, r[k], null);
        } else checkNumber(t, `${key} ${k}`, r[k], want);
      }
      checkExact(t, `${key} flags.int`, r.flags.int, expected.int === null ? '*' : null);
    }
    // 2021: K2, JFW and K3 of all three genders (3 × 36); INT and JFW Frauen 2021-05 are inside
    // that; K2 Frauen 2022-01..2022-04 (4) still reach back to May 2021; INT Frauen 2021-05 (1).
    expect(nulls).toBe(3 * 36 + 4 + 1);
    settle(t);
  });
});

describe('the at-risk band is configuration (AT_RISK_BAND_PCT=0.5)', () => {
  test('every status at every data month follows the narrower band', async () => {
    const narrow = await setup({ fixture: false, env: { AT_RISK_BAND_PCT: '0.5' } });
    try {
      await seedIfEmpty(narrow.deps.etl);
      const t = newTally();
      let changed = 0;
      for (const m of DATA_MONTHS) {
        const res = await narrow.app.request(
          `/api/goals?region=${SEGEBERG}&year=${YEAR}&month=${ym(YEAR, m)}`,
        );
        const body = goalsSchema.parse(await res.json());
        for (const target of targets) {
          const mine = evaluate(obs, SEGEBERG, target, YEAR, m, 0.5);
          if (mine.status !== evaluate(obs, SEGEBERG, target, YEAR, m).status) changed++;
          const api = body.goals.find((g) => g.id === mine.id);
          checkExact(t, `band 0.5 ${ym(YEAR, m)} ${mine.id} status`, api?.status, mine.status);
          checkExact(
            t,
            `band 0.5 ${ym(YEAR, m)} ${mine.id} forecast.status`,
            api?.forecast.status,
            mine.forecastStatus,
          );
        }
      }
      expect(changed).toBeGreaterThan(0); // the narrower band must matter somewhere, or this proves nothing
      settle(t);
    } finally {
      await narrow.db.close();
    }
  });
});

describe('GET /api/comparison agrees (LZB share against the Vergleichstyp)', () => {
  test('2024-09: own share, each peer, the unweighted peer mean', async () => {
    const body = await get(comparisonSchema, `/api/comparison?region=${SEGEBERG}&month=2024-09`);
    const mine = lzbShareComparison(obs, SEGEBERG, '2024-09');
    expect(body.comparisonType).toBe('IIIb');
    expect(body.month).toBe('2024-09');
    const t = newTally();
    checkNumber(t, 'own.lzb', body.own.lzb, mine.own.lzb);
    checkNumber(t, 'own.elb', body.own.elb, mine.own.elb);
    checkNumber(t, 'ownSharePct', body.ownSharePct, mine.ownSharePct);
    checkExact(t, 'peer ids', body.peers.map((p) => p.id).join(','), mine.peers.map((p) => p.id).join(','));
    for (const p of mine.peers) {
      checkNumber(t, `peer ${p.id} sharePct`, body.peers.find((x) => x.id === p.id)?.sharePct, p.sharePct);
    }
    checkExact(t, 'peerCount', body.peerCount, mine.peers.length);
    checkNumber(t, 'peerMeanPct', body.peerMeanPct, mine.peerMeanPct);
    checkExact(t, 'below', body.below, mine.below);
    expect(mine.peers).toHaveLength(4);
    settle(t);
  });
});
