import { describe, expect, test } from 'vitest';
import { addMonths, dataMonthsOfYear, month as M, yearsBetween } from '../../core/months';
import { driversSentence, forecastLine, paceSentence, paceShort } from '../../core/steering-text';
import { itemText } from '../../server/alerts/compose';
import {
  formatChangeVsTarget,
  formatGoalValue,
  goalCardView,
  groupGoals,
  missingLines,
} from '../../web/lib/goal-view';
import { moreRows, ROWS_AT_ONCE, rowCountText } from '../../web/lib/months-view';
import { planCardView } from '../../web/lib/plan-view';
import { sparkline } from '../../web/lib/sparkline';
import { statusView } from '../../web/lib/status';
import {
  commonSearch,
  DEFAULT_SORT,
  monthsExportUrl,
  monthsLinkFor,
  monthsServerQuery,
  monthsTableSearch,
  parseCommon,
  parseMonthsTable,
  parseSort,
} from '../../web/lib/url-state';
import { goal as alertGoal } from '../alerts/fixtures';

const qs = (s: string) => new URLSearchParams(s);

describe('status mapping', () => {
  test.each([
    ['met', '✓', 'im Ziel', 'ok'],
    ['at_risk', '▲', 'gefährdet', 'warn'],
    ['missed', '✕', 'verfehlt', 'bad'],
    ['no_data', '?', 'keine Daten', 'none'],
    ['something_new', '?', 'keine Daten', 'none'],
  ])('%s → %s %s (%s)', (status, icon, word, tone) => {
    expect(statusView(status)).toEqual({ icon, word, tone, label: `Status: ${word}` });
  });
});

describe('goal figures', () => {
  const k2 = {
    indicator: 'K2',
    unit: 'percent',
    formula: 'rate',
    gender: 'female',
    targetChangePct: 1.1,
    current: { month: M('2024-06'), value: 14.7349 },
    previous: { month: M('2023-06'), value: 14.2 },
    changePct: -0.84,
    monthly: { value: 24.1, changePct: 0.4 },
    forecast: {
      value: 27.06,
      changePct: 1.84,
      status: 'met' as const,
      interval: { lowPct: 0.94, highPct: 2.61 },
      probabilityMet: 0.724,
      reason: null,
    },
    pace: {
      kind: 'integrations_needed',
      total: 1020.4,
      perMonth: 170.07,
      previousYearPerMonth: 151.2,
      forecastPerMonth: 149.6,
      months: 6,
    },
    drivers: { numeratorChangePct: 3.2, denominatorChangePct: 5.0 },
    missing: [],
  };
  test('values in percent are rates, values in counts integers (the unit comes from the API)', () => {
    expect(formatGoalValue({ unit: 'percent' }, 14.7349)).toBe('14,7 %');
    expect(formatGoalValue({ unit: 'count' }, 6512.4)).toBe('6.512');
    expect(formatGoalValue({ unit: 'count' }, null)).toBe('–');
  });
  test('change vs target', () => {
    expect(formatChangeVsTarget(-0.84, -1)).toBe('−0,8 % (Ziel: −1,0 %)');
    expect(formatChangeVsTarget(null, 6)).toBe('– (Ziel: +6,0 %)');
  });
  test('card view', () => {
    expect(goalCardView(k2)).toEqual({
      current: '14,7 %',
      previous: '14,2 %',
      change: '−0,8 % (Ziel: +1,1 %)',
      forecastChange: '+1,8 %',
      forecastInterval: '+0,9 … +2,6 %',
      forecastProbability: '72 % Zielerreichung',
      forecastValue: '27,1 %',
      forecastNote: null,
      // Still needed, rounded up: 1,020 more (170 a month) would fall short of 1,020.4.
      pace: 'Für das Ziel fehlen noch 1.021 Integrationen bis Dezember (171 je Monat; Vorjahr Juli–Dez.: 151 je Monat; Prognose: 150 je Monat).',
      paceShort: 'Bedarf: 171 Integrationen je Monat',
      drivers: 'Integrationen +3,2 %, eLb-Bestand +5,0 % → Quote −0,8 %',
    });
  });
  test('steering sentences: forecast line, K3 pace, secured pace, drivers of K3 insgesamt', () => {
    expect(forecastLine(k2.forecast, k2.targetChangePct)).toBe(
      'Prognose Dez.: +1,8 % (80 %: +0,9 … +2,6 %) · 72 % Zielerreichung',
    );
    expect(
      forecastLine(
        {
          ...k2.forecast,
          interval: null,
          probabilityMet: null,
          reason: 'zu wenig Historie (3 Vergleichsfälle, mindestens 10 nötig).',
        },
        k2.targetChangePct,
      ),
    ).toBe('Prognose Dez.: +1,8 % · zu wenig Historie (3 Vergleichsfälle, mindestens 10 nötig).');
    const k3Pace = {
      kind: 'max_mean_stock',
      total: 9450,
      perMonth: 3150,
      previousYearPerMonth: 3300,
      forecastPerMonth: 3280,
      months: 3,
    };
    expect(paceSentence(k3Pace, M('2024-09'), 3292)).toBe(
      'Der LZB-Bestand darf Okt.–Dez. im Schnitt höchstens 3.150 betragen (zuletzt 3.292).',
    );
    expect(paceShort(k3Pace, 3292)).toBe('Ø LZB höchstens 3.150 (zuletzt 3.292)');
    // What is allowed at most is rounded down, what is still needed up; floating-point noise is
    // not a unit (the audit's K3-male of September 2024: at most 3,584.578, and 3,585 misses).
    const atMost = { ...k3Pace, total: 3 * 3584.578, perMonth: 3584.578 };
    expect(paceShort(atMost, null)).toBe('Ø LZB höchstens 3.584');
    expect(paceSentence(atMost, M('2024-09'))).toContain('höchstens 3.584 betragen');
    expect(paceShort({ ...k3Pace, perMonth: 3150.9999999999995 }, null)).toBe('Ø LZB höchstens 3.151');
    const needed = { ...k2.pace, total: 202.46, perMonth: 202.46 / 3, months: 3 };
    expect(paceSentence(needed, M('2024-09'))).toMatch(
      /^Für das Ziel fehlen noch 203 Integrationen bis Dezember \(68 je Monat;/,
    );
    expect(paceShort(needed)).toBe('Bedarf: 68 Integrationen je Monat');
    expect(paceShort({ ...needed, perMonth: 67.00000000001 })).toBe('Bedarf: 67 Integrationen je Monat');
    expect(paceSentence({ ...k2.pace, total: -5, perMonth: -1 }, M('2024-06'))).toBe(
      'Ziel bereits gesichert, wenn der eLb-Bestand wie erwartet verläuft.',
    );
    expect(driversSentence({ femalePp: 10 / 3, malePp: -7 / 3 }, 1)).toBe(
      'Frauen +3,3 Prozentpunkte, Männer −2,3 Prozentpunkte → Bestand +1,0 %',
    );
    // 2.94 + 1.44 = 4.38: the parts read +2,9 and +1,4, the total +4,4 — said, not hidden.
    expect(driversSentence({ femalePp: 2.94, malePp: 1.44 }, 4.38)).toBe(
      'Frauen +2,9 Prozentpunkte, Männer +1,4 Prozentpunkte → Bestand +4,4 % (Summe weicht durch Runden ab)',
    );
    // Parts that do not add up exactly (a revised total, people of unknown gender): the gap is
    // not rounding's, and the sentence does not blame it (2.94 + 1.44 = 4.38, the change 5.0).
    expect(driversSentence({ femalePp: 2.94, malePp: 1.44 }, 5)).toBe(
      'Frauen +2,9 Prozentpunkte, Männer +1,4 Prozentpunkte → Bestand +5,0 %',
    );
    expect(driversSentence({ femalePp: -0.04, malePp: 1.24 }, 1.2)).toBe(
      'Frauen ±0,0 Prozentpunkte, Männer +1,2 Prozentpunkte → Bestand +1,2 %',
    );
  });
  test('the forecast change takes as many decimals as tell it from the target (audit finding 2)', () => {
    // 99001 K2 Männer, September 2024: forecast −1,0315 % against the target −1,0 % is short by
    // 0,03 pp ("gefährdet"); rounded alone it read "−1,0 %" beside "Ziel −1,0 %".
    const male = {
      ...k2,
      targetChangePct: -1,
      changePct: -0.8,
      forecast: { ...k2.forecast, changePct: -1.0315, status: 'at_risk' as const },
    };
    expect(goalCardView(male).forecastChange).toBe('−1,03 %');
    expect(goalCardView(male).change).toBe('−0,8 % (Ziel: −1,0 %)');
    expect(forecastLine(male.forecast, -1)).toBe(
      'Prognose Dez.: −1,03 % (80 %: +0,9 … +2,6 %) · 72 % Zielerreichung',
    );
    // 01060 2023-08 K2 insgesamt: −0,427 % against −0,4 %.
    expect(forecastLine({ ...male.forecast, changePct: -0.427 }, -0.4)).toMatch(/^Prognose Dez\.: −0,43 % /);
    // Far from the target: one decimal as before; the mails ask for two at least.
    expect(forecastLine(k2.forecast, 1.1)).toMatch(/^Prognose Dez\.: \+1,8 % /);
    expect(forecastLine(k2.forecast, 1.1, 2)).toMatch(/^Prognose Dez\.: \+1,84 % /);
    // The alert mail says the same.
    const mail = itemText(
      {
        type: 'goal',
        key: 'k',
        kind: 'worse',
        region: { id: '99001', name: 'Beispiel-Jobcenter A', sample: true, sampleAsOf: null },
        year: 2024,
        dataMonth: M('2024-09'),
        previousStatus: 'met',
        goal: alertGoal({
          id: 'K2-male',
          month: M('2024-09'),
          status: 'met',
          current: 28.5,
          previous: 28.7,
          changePct: -0.8,
          forecast: { changePct: -1.0315, status: 'at_risk', interval: null, probabilityMet: null },
        }),
        unit: 'percent',
      },
      'http://x',
    );
    expect(mail).toContain('Prognose Dez.: −1,03 %');
  });
  test('missing inputs are named', () => {
    expect(
      missingLines({
        missing: [
          { indicator: 'INT', gender: 'female', month: M('2024-03'), reason: 'suppressed' },
          { indicator: 'ELB', gender: 'total', month: M('2023-12'), reason: 'missing' },
        ],
      }),
    ).toEqual(['INT Frauen, März 2024: gesperrt (Datenschutz)', 'ELB insgesamt, Dezember 2023: fehlt']);
  });
  test('goals group by indicator, Frauen / Männer / insgesamt', () => {
    const groups = groupGoals([
      { indicator: 'K3', gender: 'total' },
      { indicator: 'K2', gender: 'total' },
      { indicator: 'K3', gender: 'female' },
      { indicator: 'K2', gender: 'male' },
      { indicator: 'K2', gender: 'female' },
      { indicator: 'K3', gender: 'male' },
    ]);
    expect(groups.map((g) => [g.indicator, g.goals.map((x) => x.gender)])).toEqual([
      ['K2', ['female', 'male', 'total']],
      ['K3', ['female', 'male', 'total']],
    ]);
  });
});

describe('plan card', () => {
  // Ausgaben Eingliederungstitel, September 2024 (audit finding 4): ytd 4.460.705,50 €, path
  // 4.411.024,42 €, forecast 6.472.082,79 € against the 6,4 Mio € available.
  const egt = {
    kind: 'budget',
    unit: 'eur' as const,
    label: 'Ausgaben Eingliederungstitel',
    plan: 6_400_000,
    planToDate: 4_411_024.42,
    changePct: 1.126,
    commitments: null,
    pace: null,
    current: { month: '2024-09', value: 4_460_705.5 },
    monthly: { value: 500_000 },
    forecast: { value: 6_472_082.79, changePct: 1.126, status: 'at_risk' },
  };
  test('a budget forecast above the plan says by how much', () => {
    expect(planCardView(egt).forecast).toEqual({
      label: 'Prognose Dezember',
      value: '6,47 Mio €',
      change: '+1,1 % zum Jahresplan, 72.083 € darüber',
    });
    const under = { ...egt, forecast: { value: 6_300_000, changePct: -1.5625, status: 'met' } };
    expect(planCardView(under).forecast?.change).toBe('−1,6 % zum Jahresplan');
  });
});

describe('months helpers', () => {
  test('months of the year up to the data month', () => {
    expect(dataMonthsOfYear(2024, M('2023-01'), M('2024-03'))).toEqual([
      M('2024-01'),
      M('2024-02'),
      M('2024-03'),
    ]);
    // The month choice of a year: only months with data (data from Nov 2022 to Sep 2024).
    expect(dataMonthsOfYear(2024, M('2022-11'), M('2024-09'))).toHaveLength(9);
    expect(dataMonthsOfYear(2022, M('2022-11'), M('2024-09'))).toEqual([M('2022-11'), M('2022-12')]);
    expect(dataMonthsOfYear(2025, M('2022-11'), M('2024-09'))).toEqual([]);
    expect(dataMonthsOfYear(2021, M('2022-11'), M('2024-09'))).toEqual([]);
    expect(dataMonthsOfYear(2024, null, null)).toEqual([]);
    expect(addMonths(M('2024-01'), -1)).toBe(M('2023-12'));
    expect(yearsBetween(2022, 2024)).toEqual([2024, 2023, 2022]);
    expect(yearsBetween(2025, 2024)).toEqual([]);
  });
});

describe('sparkline geometry', () => {
  test('maps min to the bottom and max to the top, breaks on gaps', () => {
    const g = sparkline([[0, 10, null, 5]], 100, 20, 4, 0);
    // x: 0, 33.3, 66.7, 100; y: 20 for 0, 0 for 10, 10 for 5.
    expect(g.paths[0]).toBe('M0 20L33.3 0M100 10');
  });
  test('a reference line shares the scale', () => {
    const g = sparkline([[1, 3]], 10, 10, 2, 0, 2);
    expect(g.refY).toBe(5);
  });
  test('no values: empty paths', () => {
    expect(sparkline([[null, null]], 10, 10)).toEqual({ paths: [''], refY: null });
  });
});

describe('URL state', () => {
  test('common parameters are validated one by one', () => {
    expect(parseCommon(qs('region=01060&year=2024&month=2024-06'))).toEqual({
      region: '01060',
      year: 2024,
      month: M('2024-06'),
    });
    expect(parseCommon(qs('region=<script>&year=20x4&month=2024-13'))).toEqual({
      region: null,
      year: null,
      month: null,
    });
    // A month of another year corrects the year.
    expect(parseCommon(qs('year=2023&month=2024-02')).year).toBe(2024);
  });

  test('common search carries region, year and month', () => {
    expect(commonSearch({ region: '01060', year: 2024, month: null })).toBe('?region=01060&year=2024');
    expect(commonSearch({ region: null, year: null, month: null })).toBe('');
  });

  test('sort parameter', () => {
    expect(parseSort('k2:desc,gender:asc')).toEqual([
      { id: 'k2', desc: true },
      { id: 'gender', desc: false },
    ]);
    expect(parseSort('bogus:desc')).toEqual(DEFAULT_SORT);
    expect(parseSort('int:sideways,elb:asc,elb:desc')).toEqual([{ id: 'elb', desc: false }]);
  });

  test('months table defaults', () => {
    const s = parseMonthsTable(qs(''));
    expect(s).toEqual({
      from: null,
      to: null,
      genders: ['female', 'male', 'total'],
      revisedOnly: false,
      sort: DEFAULT_SORT,
      columns: ['month', 'gender', 'int', 'elb', 'lzb', 'k2', 'jfw', 'k3'],
      page: 1,
    });
    expect(monthsTableSearch(null, s)).toBe('');
  });

  test('months table round trip through the URL', () => {
    const s = parseMonthsTable(
      qs(
        'from=2024-06&to=2024-01&gender=total,female,nonsense&revised=1&sort=int:asc&cols=k2,month,int&page=2',
      ),
    );
    // A reversed range is swapped; genders and columns are put in canonical order; month stays.
    expect(s).toEqual({
      from: M('2024-01'),
      to: M('2024-06'),
      genders: ['female', 'total'],
      revisedOnly: true,
      sort: [{ id: 'int', desc: false }],
      columns: ['month', 'int', 'k2'],
      page: 2,
    });
    const search = monthsTableSearch('01060', s);
    expect(parseMonthsTable(qs(search.slice(1)))).toEqual(s);
  });

  test('table state → server parameters', () => {
    const s = parseMonthsTable(
      qs('from=2024-01&to=2024-06&gender=female&revised=1&sort=k3:desc&cols=month,gender,k3'),
    );
    expect(monthsServerQuery('01060', s, 50)).toEqual({
      region: '01060',
      from: M('2024-01'),
      to: M('2024-06'),
      gender: 'female',
      revised: 'true',
      sort: 'k3:desc',
      page: '1',
      pageSize: '50',
    });
  });

  test('export URL passes filters, sort and visible columns, not paging', () => {
    const s = parseMonthsTable(
      qs('from=2024-01&gender=male,total&sort=int:asc,month:desc&cols=int,month&page=3'),
    );
    const url = new URL(monthsExportUrl('01060', s, 'xlsx'), 'http://x');
    expect(url.pathname).toBe('/api/months');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      region: '01060',
      from: M('2024-01'),
      gender: 'male,total',
      sort: 'int:asc,month:desc',
      columns: 'month,int',
      format: 'xlsx',
    });
  });

  test('chart point → Monatswerte link', () => {
    expect(monthsLinkFor('01060', M('2024-03'), 'female')).toBe(
      '/monate?region=01060&from=2024-03&to=2024-03&gender=female',
    );
    expect(monthsLinkFor(null, M('2024-03'), null)).toBe('/monate?from=2024-03&to=2024-03');
  });
});

describe('Monatswerte: rows shown on demand', () => {
  test.each([
    [0, 200, ROWS_AT_ONCE],
    [36, 200, 36 + ROWS_AT_ONCE],
    [180, 200, 200],
    [200, 200, 200],
    [0, 20, 20],
  ])('from %i shown of %i on the page, one step more shows %i', (shown, onPage, next) => {
    expect(moreRows(shown, onPage)).toBe(next);
  });

  test.each([
    [{ total: 27, page: 1, pages: 1, shown: 27, onPage: 27 }, '27 Zeilen'],
    [{ total: 1, page: 1, pages: 1, shown: 1, onPage: 1 }, '1 Zeile'],
    [
      { total: 120, page: 1, pages: 1, shown: 36, onPage: 120 },
      '120 Zeilen, 36 angezeigt (der Export enthält alle 120 Zeilen)',
    ],
    [
      { total: 1080, page: 2, pages: 6, shown: 72, onPage: 200 },
      '1.080 Zeilen, Seite 2 von 6, 72 von 200 dieser Seite angezeigt (der Export enthält alle 1.080 Zeilen)',
    ],
    [
      { total: 1080, page: 6, pages: 6, shown: 80, onPage: 80 },
      '1.080 Zeilen, Seite 6 von 6 (der Export enthält alle 1.080 Zeilen)',
    ],
  ])('%o → %s', (counts, text) => {
    expect(rowCountText(counts)).toBe(text);
  });
});
