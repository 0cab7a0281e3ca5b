/**
 * The performance design must not change a single figure: goals read from the 36-month window
 * and from the stored snapshots equal the goals computed over the whole history; the comparison
 * aggregated per Vergleichstyp equals the one made peer by peer; /api/regions from the summaries
 * equals a scan of the observations. Plus: a fresh service serves the stored snapshot (cold is a
 * read), and a new data version or a snapshot from other code is rebuilt.
 */
import { describe, expect, it } from 'vitest';
import { addMonths, month as M, makeMonth, monthRange } from '../../core/months.js';
import { testConfig } from '../../server/config.js';
import { openDatabase, type SqliteDb } from '../../server/db/connection.js';
import {
  aggregateRegionSummaries,
  readRegionSummaries,
  storeRegionSummariesIn,
} from '../../server/db/repositories/region-summaries.js';
import { lzbShareComparison, lzbSharePct } from '../../server/domain/comparison.js';
import { buildSeriesLookup, type ObservationRow } from '../../server/domain/series.js';
import type { Gender, Month } from '../../server/domain/types.js';
import { rawBody } from '../../server/goals/answer.js';
import { computeBacktestPools, historyFor } from '../../server/goals/backtest-cache.js';
import { loadCatalog } from '../../server/goals/catalog.js';
import { computeRegionGoals, GOAL_FORMAT } from '../../server/goals/compute.js';
import { DATA_MONTH_CODES } from '../../server/goals/region-data.js';
import { createGoalService, type GoalService } from '../../server/goals/service.js';
import { ensureDerived } from '../../server/goals/snapshot.js';

const GENDERS: Gender[] = ['total', 'female', 'male'];
const TYPES = ['Ia', 'IIb', 'IIIc'];
const REGIONS = Array.from({ length: 9 }, (_, i) => `t${String(10_000 + i)}`);
const FIRST: Month = M('2020-01');
const LAST: Month = M('2024-09');

/** Deterministic, region- and month-dependent figures; region 4 stops two months earlier. */
function figure(r: number, code: string, g: number, k: number): number {
  const base = { INT: 40, ELB: 2000, LZB: 1300 }[code] ?? 1;
  return Math.round(base * (1 + r / 10) * (1 + g / 7) * (1 + ((k * 7 + r * 3) % 13) / 50));
}

async function seed(): Promise<SqliteDb> {
  const db = await openDatabase(':memory:');
  const s = db.sqlite;
  const reg = s.prepare(`insert into regions (id, name, comparison_type) values (?, ?, ?)`);
  const obs = s.prepare(
    `insert into observations (region_id, indicator_code, gender, month, value, flag, loaded_at, revision_count)
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const tgt = s.prepare(
    `insert into targets (region_id, year, indicator_code, gender, target_change_pct, better, source, updated_at)
     values (?, ?, ?, ?, ?, ?, null, '2024-01-01T00:00:00Z')`,
  );
  s.transaction(() => {
    REGIONS.forEach((id, r) => {
      reg.run(id, `Jobcenter ${r}`, r === 8 ? null : TYPES[r % 3]);
      const last = r === 4 ? addMonths(LAST, -2) : LAST;
      monthRange(FIRST, last).forEach((m, k) => {
        GENDERS.forEach((g, gi) => {
          for (const code of ['INT', 'ELB', 'LZB']) {
            // A suppressed value and a revised one, to carry markers through every path.
            if (r === 2 && code === 'INT' && g === 'male' && m === M('2024-02')) {
              obs.run(id, code, g, m, null, '*', `2024-06-0${gi + 1}T00:00:00Z`, 0);
              continue;
            }
            const revised = r === 1 && code === 'ELB' && m === M('2023-05') ? 1 : 0;
            obs.run(
              id,
              code,
              g,
              m,
              figure(r, code, gi, k),
              null,
              `2024-0${(k % 9) + 1}-01T00:00:00Z`,
              revised,
            );
          }
        });
      });
      obs.run(id, 'K2_BA', 'total', M('2024-03'), 25.1, null, '2024-06-01T00:00:00Z', 0);
      for (const year of [2023, 2024]) {
        tgt.run(id, year, 'K2', 'total', -0.4, 'higher');
        tgt.run(id, year, 'K2', 'female', 1.1, 'higher');
        tgt.run(id, year, 'K3', 'male', 3.9, 'lower');
      }
    });
    s.prepare(`update meta set value = '7' where key = 'data_version'`).run();
  })();
  return db;
}

function service(db: SqliteDb): GoalService {
  return createGoalService({ db, config: testConfig(), clock: () => new Date('2025-02-01T00:00:00Z') });
}

/** A service over `db` that hands `seen` the tree of each query (as JSON) before it runs. */
function watchedService(db: SqliteDb, seen: (query: string) => void): GoalService {
  const watched = db.db.withPlugin({
    transformQuery(args) {
      seen(JSON.stringify(args.node));
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  return service({ ...db, db: watched });
}

/** Every observation of a region (the whole history) as a lookup: the reference path. */
function fullLookup(db: SqliteDb, regionId: string) {
  const rows = db.sqlite
    .prepare(
      'select indicator_code, gender, month, value, flag, revision_count from observations where region_id = ?',
    )
    .all(regionId) as {
    indicator_code: string;
    gender: Gender;
    month: Month;
    value: number | null;
    flag: '*' | '-' | 'X' | null;
    revision_count: number;
  }[];
  return buildSeriesLookup(
    rows.map(
      (r): ObservationRow => ({
        indicator: r.indicator_code,
        gender: r.gender,
        month: r.month,
        value: r.value,
        flag: r.flag,
        revised: r.revision_count > 0,
      }),
    ),
  );
}

describe('goals from the window and the snapshot equal goals over the whole history', () => {
  it('for every region and every month of 2023 and 2024', async () => {
    const db = await seed();
    const goals = service(db);
    const catalog = await loadCatalog(db.db);
    const options = { atRiskBandPct: testConfig().AT_RISK_BAND_PCT };
    // The forecast interval comes from the backtest over every region's whole history.
    const pools = await computeBacktestPools(db.db);
    let compared = 0;
    for (const id of REGIONS) {
      const lookup = fullLookup(db, id);
      const latest = id === REGIONS[4] ? addMonths(LAST, -2) : LAST;
      for (const month of monthRange(M('2023-01'), latest)) {
        const year = Number(month.slice(0, 4));
        const specs = await catalog.specs(id, year);
        const expected = computeRegionGoals({
          specs,
          planSpecs: await catalog.planSpecs(id, year),
          defs: catalog.defs,
          lookup,
          year,
          dataMonth: month,
          options,
          history: historyFor(pools, false, year),
        });
        const got = await goals.getGoals({ region: id, month });
        expect(got.goals, `${id} ${month}`).toEqual(expected);
        compared += expected.length;
      }
      // No period asked: the latest data month, from the stored snapshot.
      const byDefault = await goals.getGoals({ region: id });
      expect(byDefault.dataMonth).toBe(latest);
      expect(byDefault.goals).toEqual((await goals.getGoals({ region: id, month: latest })).goals);
      // A year asked: its latest data month.
      expect((await goals.getGoals({ region: id, year: 2023 })).dataMonth).toBe(M('2023-12'));
    }
    expect(compared).toBeGreaterThan(9 * 20 * 3);
    const published = (await goals.getGoals({ region: REGIONS[0], month: M('2024-03') })).goals.find(
      (g) => g.id === 'K2-total',
    );
    expect(published?.published?.value).toBe(25.1);
  });
});

describe('goal snapshots: computed once per data version, served from the database', () => {
  const snapshotCount = (db: SqliteDb) =>
    db.sqlite.prepare('select count(*) from goal_snapshots').pluck().get() as number;

  it('a fresh service serves the stored snapshot; a new version rebuilds it', async () => {
    const db = await seed();
    const first = service(db);
    await first.getGoals({ region: REGIONS[0] });
    // The request does not wait for every region's goals (issue 11); the build finishes behind it.
    await first.prepare();
    expect(snapshotCount(db)).toBe(REGIONS.length);
    const key = db.sqlite.prepare('select distinct snapshot_key from goal_snapshots').pluck().all();
    expect(key).toEqual([`7:${GOAL_FORMAT}:${testConfig().AT_RISK_BAND_PCT}`]);

    // Mark the stored goals of one region (not the probe, the first region with data): a fresh
    // service on the same database answers with the marked goals, so it read, not computed.
    const victim = REGIONS[3] ?? '';
    const stored = JSON.parse(
      db.sqlite.prepare('select body from goal_snapshots where region_id = ?').pluck().get(victim) as string,
    ) as { label: string }[];
    for (const g of stored) g.label = 'aus dem Speicher';
    db.sqlite
      .prepare('update goal_snapshots set body = ? where region_id = ?')
      .run(JSON.stringify(stored), victim);
    const fresh = await service(db).getGoals({ region: victim });
    expect(fresh.goals.map((g) => g.label)).toEqual(stored.map(() => 'aus dem Speicher'));
    // The stored goals go into the answer as text: its bytes are exactly JSON.stringify of the
    // whole result, the stored goals as they were written, last.
    const text = rawBody(await service(db).goalsAnswer({ region: victim })).toString('utf8');
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(text.endsWith(`,"goals":${JSON.stringify(stored)}}`)).toBe(true);
    expect(JSON.parse(text)).toEqual(fresh);

    // An import bumps the version: everything is computed again.
    db.sqlite.prepare(`update meta set value = '8' where key = 'data_version'`).run();
    const rebuilt = service(db);
    const after = await rebuilt.getGoals({ region: victim });
    expect(after.goals.every((g) => g.label !== 'aus dem Speicher')).toBe(true);
    await rebuilt.prepare();
    expect(db.sqlite.prepare('select distinct snapshot_key from goal_snapshots').pluck().all()).toEqual([
      `8:${GOAL_FORMAT}:${testConfig().AT_RISK_BAND_PCT}`,
    ]);
  });

  it('snapshots that this code would not compute are not served, not even to the first request', async () => {
    const db = await seed();
    await service(db).prepare();
    // Every stored goal as an older version of the goal rules might have written it.
    const rows = db.sqlite.prepare('select region_id, body from goal_snapshots').all() as {
      region_id: string;
      body: string;
    }[];
    const update = db.sqlite.prepare('update goal_snapshots set body = ? where region_id = ?');
    for (const r of rows) {
      const goals = JSON.parse(r.body) as { label: string }[];
      for (const g of goals) g.label = 'alte Regeln';
      update.run(JSON.stringify(goals), r.region_id);
    }
    const marked = () =>
      db.sqlite.prepare(`select count(*) from goal_snapshots where body like '%alte Regeln%'`).pluck().get();
    expect(marked()).toBe(rows.length);

    // A fresh service's very first request, before anything was checked: computed, not read.
    const fresh = service(db);
    const first = await fresh.getGoals({ region: REGIONS[3] ?? '' });
    expect(first.goals.length).toBeGreaterThan(0);
    expect(first.goals.every((g) => g.label !== 'alte Regeln')).toBe(true);
    expect(await fresh.storedGoalsChecked()).toBe(false);
    // The check failed, so the snapshots are built again, and served from then on.
    await fresh.prepare();
    expect(marked()).toBe(0);
    expect(await fresh.storedGoalsChecked()).toBe(true);
    // From here on the same service reads the rebuilt rows: mark one it has not answered yet.
    const later = REGIONS[5] ?? '';
    const rebuilt = JSON.parse(
      db.sqlite.prepare('select body from goal_snapshots where region_id = ?').pluck().get(later) as string,
    ) as { label: string }[];
    for (const g of rebuilt) g.label = 'neu gespeichert';
    update.run(JSON.stringify(rebuilt), later);
    const read = await fresh.getGoals({ region: later });
    expect(read.goals.map((g) => g.label)).toEqual(rebuilt.map(() => 'neu gespeichert'));
  });

  it('preloadLatestGoals reads the stored goals of every region into memory', async () => {
    const db = await seed();
    await service(db).prepare();
    const fresh = service(db);
    expect(await fresh.preloadLatestGoals()).toEqual({
      regions: REGIONS.length,
      comparisons: REGIONS.length,
      stopped: null,
    });
    // The stored goals marked afterwards (all but the first region's, which the start-up check of a
    // fresh service compares with its own): the preloaded answers do not show it, for any region.
    const update = db.sqlite.prepare('update goal_snapshots set body = ? where region_id = ?');
    const rows = db.sqlite
      .prepare('select region_id, body from goal_snapshots where region_id <> ?')
      .all(REGIONS[0]) as {
      region_id: string;
      body: string;
    }[];
    for (const r of rows) {
      const goals = JSON.parse(r.body) as { label: string }[];
      for (const g of goals) g.label = 'nach dem Vorladen';
      update.run(JSON.stringify(goals), r.region_id);
    }
    for (const region of REGIONS) {
      const goals = (await fresh.getGoals({ region })).goals;
      expect(goals.length).toBeGreaterThan(0);
      expect(goals.some((g) => g.label === 'nach dem Vorladen')).toBe(false);
    }
    // The control: a service that did not preload reads the marked rows.
    const again = (await service(db).getGoals({ region: REGIONS[2] ?? '' })).goals;
    expect(again.map((g) => g.label)).toEqual(again.map(() => 'nach dem Vorladen'));
  });

  it('preloadLatestGoals makes the comparison of every region at its latest month, the same as a request would', async () => {
    const db = await seed();
    await service(db).prepare();
    const fresh = service(db);
    const reference = service(db);
    // What requests of a service that did not preload answer, before anything changes.
    const expected = new Map<string, unknown>();
    for (const region of REGIONS) expected.set(region, await reference.getComparison({ region }));
    expect(await fresh.preloadLatestGoals()).toEqual({
      regions: REGIONS.length,
      comparisons: REGIONS.length,
      stopped: null,
    });
    // The figures change under the same data version (no import): answers made before stay.
    db.sqlite.prepare(`update observations set value = value + 100 where indicator_code = 'LZB'`).run();
    for (const [r, region] of REGIONS.entries()) {
      expect(await fresh.getComparison({ region })).toEqual(expected.get(region));
      // Asked with its latest month spelled out: the same cached answer.
      const latest = r === 4 ? addMonths(LAST, -2) : LAST;
      expect(await fresh.getComparison({ region, month: latest })).toEqual(expected.get(region));
    }
    // The control: a service that did not preload computes from the changed figures.
    const control = await service(db).getComparison({ region: REGIONS[0] ?? '' });
    expect(control.own.lzb).toBe(((expected.get(REGIONS[0] ?? '') as typeof control).own.lzb ?? 0) + 100);
  });

  it('preloadLatestGoals goes back to the event loop between regions (SQLite queries are synchronous)', async () => {
    const db = await seed();
    await service(db).prepare();
    const fresh = service(db);
    expect(await fresh.storedGoalsChecked()).toBe(true);
    // Turns of the event loop while the read runs: a request or a timer could run in each.
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const read = await fresh.preloadLatestGoals();
    counting = false;
    expect(read).toEqual({ regions: REGIONS.length, comparisons: REGIONS.length, stopped: null });
    // One turn at least before each region's goals and each region's comparison.
    expect(turns).toBeGreaterThanOrEqual(2 * REGIONS.length);
  });

  it('preloadLatestGoals reads nothing while the stored goals may not be served, and stops at a new version', async () => {
    const db = await seed();
    await service(db).prepare();
    db.sqlite.prepare(`update goal_snapshots set body = replace(body, '"label":"', '"label":"alt ')`).run();
    // The check of a fresh service fails: nothing is read (it would be computed instead).
    expect(await service(db).preloadLatestGoals()).toEqual({
      regions: 0,
      comparisons: 0,
      stopped: 'not servable',
    });

    // An import commits while the third region's stored goals are read: the rest is not read.
    const other = await seed();
    await service(other).prepare();
    let armed = false;
    let reads = 0;
    const preloading = watchedService(other, (query) => {
      if (armed && query.includes('"goal_snapshots"') && ++reads === 3)
        other.sqlite.prepare(`update meta set value = '8' where key = 'data_version'`).run();
    });
    expect(await preloading.storedGoalsChecked()).toBe(true);
    armed = true;
    expect(await preloading.preloadLatestGoals()).toEqual({
      regions: 3,
      comparisons: 0,
      stopped: 'version moved',
    });
  });

  it('preloadLatestGoals never computes: it stops at the first region without a stored row, once per version', async () => {
    const db = await seed();
    await service(db).prepare();
    // Queries that read observations: what computing goals needs, and reading stored ones does not.
    let observationReads = 0;
    const fresh = watchedService(db, (query) => {
      if (query.includes('"observations"')) observationReads++;
    });
    expect(await fresh.storedGoalsChecked()).toBe(true);
    // The rows of the fourth region on are gone (snapshots being replaced): the three before it are
    // read, nothing is computed, and the rest is left to the requests.
    db.sqlite.prepare('delete from goal_snapshots where region_id >= ?').run(REGIONS[3]);
    const before = observationReads;
    const first = fresh.preloadLatestGoals();
    expect(await first).toEqual({ regions: 3, comparisons: 0, stopped: 'not stored' });
    expect(observationReads).toBe(before);
    // The control: a request for the fourth region computes, and reads observations.
    await fresh.getGoals({ region: REGIONS[3] ?? '' });
    expect(observationReads).toBeGreaterThan(before);
    // A second call in the same data version gets the same read, not a new one.
    expect(fresh.preloadLatestGoals()).toBe(first);
  });

  it('a check that fails with an error rebuilds the snapshots instead of leaving them unused', async () => {
    const db = await seed();
    await service(db).prepare();
    const options = { atRiskBandPct: testConfig().AT_RISK_BAND_PCT };
    const marker = 'vor dem Fehler';
    db.sqlite
      .prepare(`update goal_snapshots set body = replace(body, '"label":"', '"label":"${marker} ')`)
      .run();
    const markedRows = () =>
      db.sqlite.prepare(`select count(*) from goal_snapshots where body like '%${marker}%'`).pluck().get();
    expect(markedRows()).toBe(REGIONS.length);
    // The check's backtest read fails once (a transient database error); the build's succeeds.
    let calls = 0;
    const pools = () => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('disk I/O error')) : computeBacktestPools(db.db);
    };
    const derived = await ensureDerived(db.db, options, pools);
    expect(calls).toBe(2);
    expect(derived.storeError).toBeUndefined();
    expect(await derived.storedGoals).toBe(true);
    expect(markedRows()).toBe(0);
  });

  it('an import that lands while the snapshot is computed is not overwritten by the old one', async () => {
    const db = await seed();
    const options = { atRiskBandPct: testConfig().AT_RISK_BAND_PCT };
    // The import commits when the builder reads the targets (after it read the version).
    let committed = false;
    const racing = db.db.withPlugin({
      transformQuery(args) {
        if (!committed && JSON.stringify(args.node).includes('"targets"')) {
          db.sqlite.prepare(`update meta set value = '9' where key = 'data_version'`).run();
          committed = true;
        }
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const derived = await ensureDerived(racing, options);
    expect(committed).toBe(true);
    expect(derived.version).toBe('7');
    expect(snapshotCount(db)).toBe(0);
    // Nothing was written, so nothing of this build may be served as stored.
    expect(await derived.storedGoals).toBe(false);
  });
});

describe('comparison per Vergleichstyp and the region list', () => {
  it('equals the comparison made peer by peer, for every region and two months', async () => {
    const db = await seed();
    const goals = service(db);
    const at = (id: string, code: string, m: string) =>
      (db.sqlite
        .prepare(
          `select value from observations where region_id = ? and indicator_code = ? and gender = 'total' and month = ?`,
        )
        .pluck()
        .get(id, code, m) as number | undefined) ?? null;
    for (const month of [undefined, M('2023-06')] as const) {
      for (const [r, id] of REGIONS.entries()) {
        const res = await goals.getComparison({ region: id, month });
        const m = month ?? (r === 4 ? addMonths(LAST, -2) : LAST);
        const type = r === 8 ? null : TYPES[r % 3];
        const peers = REGIONS.filter((p, k) => p !== id && type !== null && k !== 8 && TYPES[k % 3] === type);
        const inputs = peers.map((p) => ({ regionId: p, lzb: at(p, 'LZB', m), elb: at(p, 'ELB', m) }));
        const own = { lzb: at(id, 'LZB', m), elb: at(id, 'ELB', m) };
        expect(res.month).toBe(m);
        expect(res.own).toEqual(own);
        expect(res.peers.map((p) => p.id)).toEqual(peers);
        expect(res.peers.map((p) => p.sharePct)).toEqual(inputs.map(lzbSharePct));
        const { ownSharePct, peerMeanPct, peerCount, below } = res;
        expect({ ownSharePct, peerMeanPct, peerCount, below }).toEqual(lzbShareComparison(own, inputs));
      }
    }
  });

  it('/api/regions reports what a scan of the observations says', async () => {
    const db = await seed();
    const { regions, defaultRegion } = await service(db).getRegions();
    const scan = db.sqlite
      .prepare(
        'select region_id as id, count(*) as n, min(month) as first, max(month) as last from observations group by region_id order by region_id',
      )
      .all() as { id: string; n: number; first: string; last: string }[];
    expect(regions.map((r) => [r.id, r.observations, r.firstMonth, r.lastMonth])).toEqual(
      scan.map((s) => [s.id, s.n, s.first, s.last]),
    );
    // Most observations: the highest ids are no larger than the others, so the first full region.
    expect(defaultRegion).toBe(REGIONS[0]);
    expect(makeMonth(2024, 9)).toBe(LAST);
  });
});

describe('region summaries stored by the import worker', () => {
  it('storeRegionSummariesIn (inside the write transaction) equals aggregateRegionSummaries', async () => {
    const db = await seed();
    // A region without any data and one with an incomplete month, as edge cases.
    db.sqlite.prepare(`insert into regions (id, name) values ('77777', 'Leer')`).run();
    db.sqlite
      .prepare(
        `insert into observations (region_id, indicator_code, gender, month, value, flag, loaded_at)
         values ('${REGIONS[1]}', 'INT', 'total', '2030-01', 5, null, '2030-02-01T00:00:00.000Z')`,
      )
      .run();
    const expected = await aggregateRegionSummaries(db.db, DATA_MONTH_CODES);
    await db.db.transaction().execute((trx) => storeRegionSummariesIn(trx, '42', DATA_MONTH_CODES));
    expect(await readRegionSummaries(db.db, '42')).toEqual(expected);
    expect(expected.find((s) => s.regionId === '77777')).toMatchObject({
      observations: 0,
      latestDataMonth: null,
    });
  });
});
