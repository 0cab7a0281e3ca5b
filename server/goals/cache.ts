/**
 * The goal service's caches: everything is cached per data version and dropped as a whole when
 * the version (or the month the BA should have published by now) moves on, so nothing is ever
 * served stale. Every map is bounded, and sized so that the whole working set of a national
 * installation fits (404 regions × the months of a year): spreading requests over all regions
 * and months does not fall off a cliff, and walking every year of every region cannot grow
 * memory without bound. See docs/decisions/003-goal-precompute.md.
 */
import type { Db } from '../db/connection.js';
import { createDataVersionReader } from '../db/repositories/meta.js';
import { LruMap } from './lru.js';

/** What `memo` needs of a cache: a Map, or an LruMap where memory must stay bounded. */
export interface PromiseCache<T> {
  get(key: string): Promise<T> | undefined;
  set(key: string, value: Promise<T>): unknown;
  delete(key: string): boolean;
}

/**
 * Cache bounds per data version. Results (a region's goals at a month, a few kB each) hold
 * 404 regions × 12 months; goal series windows (36 months of a region, about 4 kB in typed
 * arrays) every region for a few years; the full-history month tables only a few regions, as
 * they are the large part and only the Monatswerte page asks for them.
 */
export const LIMITS = {
  results: 5000,
  queries: 5000,
  windows: 1500,
  series: 2048,
  /** A goal's forecast backtest as its page asks for it (the report over its pool, a few kB). */
  backtests: 512,
  months: 16,
  comparisons: 1024,
  peerTables: 256,
} as const;

/**
 * Memoises a promise in `map`; a rejected promise is dropped so that a transient failure is not
 * cached for the rest of the version.
 */
export function memo<T>(map: PromiseCache<T>, key: string, make: () => Promise<T>): Promise<T> {
  const hit = map.get(key);
  if (hit) return hit;
  const p = make();
  map.set(key, p);
  p.catch(() => {
    if (map.get(key) === p) map.delete(key);
  });
  return p;
}

/** A lazily made promise that is forgotten when it fails. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    if (p === null) {
      const made = make();
      p = made;
      made.catch(() => {
        if (p === made) p = null;
      });
    }
    return p;
  };
}

export function lru<T>(limit: number): PromiseCache<T> {
  return new LruMap<string, Promise<T>>(limit);
}

/**
 * A data-version reader that asks SQLite at most once per event-loop turn, unless this
 * connection changed rows since (SQLite's total_changes(), which costs no lock). See
 * `GoalServiceDeps.versionOncePerTurn`.
 */
export function createTurnVersionReader(db: Db): () => string {
  const read = createDataVersionReader(db);
  // PostgreSQL's reader is already a memory read (refreshed once per request).
  if (db.dialect !== 'sqlite') return read;
  const totalChanges = db.sqlite.prepare<[], number>('select total_changes()').pluck();
  let version: string | null = null;
  let changes = -1;
  const forget = () => {
    version = null;
  };
  return () => {
    const now = totalChanges.get() ?? -1;
    if (version === null || now !== changes) {
      version = read();
      changes = now;
      // Immediates run after the poll phase that handed us this turn's requests.
      setImmediate(forget);
    }
    return version;
  };
}

/**
 * Holds the state of the current version; `get(version, expected)` replaces it when either moved,
 * or when `fresh` asks for a new one (stored results were rebuilt within the same version).
 */
export function versionedState<S>(
  make: (version: string) => S,
): (version: string, expected: string, fresh?: boolean) => S {
  let state: S | null = null;
  let key = '';
  return (version, expected, fresh = false) => {
    const k = `${version}|${expected}`;
    if (state === null || k !== key || fresh) {
      state = make(version);
      key = k;
    }
    return state;
  };
}
