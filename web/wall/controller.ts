/**
 * The wall's engine, free of React: polls the cheap version endpoint, re-fetches the figures when
 * the data version changes, keeps the last good figures through outages (retrying with backoff),
 * reloads the page after a new deployment, rotates the pages and ticks the clock — all on one
 * Scheduler, so stopping it leaves no timer, request or listener behind. React subscribes to it with
 * useSyncExternalStore (see useWall.ts).
 */

import { isPlanGoal } from '../lib/plan-view';
import { type PageSpec, resolvePages, type WallPage } from './params';
import {
  msUntilNextMinute,
  nextPageIndex,
  realTimers,
  retryDelayMs,
  Scheduler,
  type TimerApi,
  wallBackoff,
} from './timing';

/** What /api/version answers: a data version bumped by every import, and the deployed build. */
export interface VersionInfo {
  dataVersion: string | number;
  build: string;
}

export type VersionResult =
  | { status: 'not-modified' }
  | { status: 'ok'; etag: string | null; version: VersionInfo };

/** The fields of the goals answer the engine reads (the page reads the rest). */
export interface GoalsLike {
  /** `kind` is 'change' for Tabelle 3 goals (own chart pages); plan goals share one page. */
  goals: readonly { id: string; kind?: string }[];
  /** The data version the goals were computed from (the API sends it). */
  dataVersion?: string | number;
}

/** The wall's view of the API, already bound to its region and year (see api.ts). */
export interface WallApi<G extends GoalsLike, S> {
  version(etag: string | null, signal: AbortSignal): Promise<VersionResult>;
  /** The goals with the region's Datenstand, freshness and sample flag. */
  goals(signal: AbortSignal): Promise<G>;
  series(goalId: string, signal: AbortSignal): Promise<S>;
  /**
   * The same API for the server's default region, when this one is bound to a region of the
   * bookmark (used when the server does not know that region); absent otherwise.
   */
  withoutRegion?(): WallApi<G, S>;
}

/**
 * Why the last request failed: no answer at all ('offline': the network, a stopped server, a
 * timeout), or an answer with an error status from the server (`status` and the API's error
 * `code`, e.g. 404 `no_data` for an empty database, 500 for a fault on the server).
 */
export type WallFailure = { kind: 'offline' } | { kind: 'answer'; status: number; code: string | null };

/** One consistent set of figures, all fetched for the same data version. */
export interface WallData<G, S> {
  dataVersion: string;
  goals: G;
  /** Chart points per goal id, only for the goals that have a page. Replaced, never appended. */
  series: ReadonlyMap<string, S>;
}

export interface WallState<G, S> {
  /** The last good figures; kept while the connection is down. */
  data: WallData<G, S> | null;
  pages: readonly WallPage[];
  /** Goal ids from `pages` the server does not know. */
  unknownPages: readonly string[];
  pageIndex: number;
  /** Pages shown since start (a counter, for tests; nothing is kept per rotation). */
  rotations: number;
  /**
   * When the first of the current run of failed requests happened (epoch ms), or null while the
   * server answers. `failure` says what kind of failure the last one was.
   */
  failingSince: number | null;
  failure: WallFailure | null;
  failures: number;
  /** Short technical reason of the last failure (for diagnostics: the root's data-error). */
  lastError: string | null;
  /**
   * True while the bookmark's region is unknown to the server and the default region is shown
   * instead (tried again whenever the data change: an import may bring the region).
   */
  regionIgnored: boolean;
  /** The clock, updated on the full minute (epoch ms). */
  now: number;
}

export interface WallOptions {
  pages: PageSpec;
  intervalMs: number;
  pollMs: number;
  /** How often the goals are re-read even without new data: "stale" depends on the calendar too. */
  recheckEveryMs?: number;
  /** Abort a request that hangs longer than this. */
  requestTimeoutMs?: number;
  timers?: TimerApi;
  /** Called when the server runs a different build than the one this page was loaded with. */
  reload?: () => void;
  /** Called for errors that are bugs rather than outages (default console.error). */
  onError?: (err: unknown) => void;
  /** Called once with the build of the first version answer (the build this page belongs to). */
  onBuild?: (build: string) => void;
}

type TaskKey = 'poll' | 'rotate' | 'clock' | 'timeout';

/** The error text for a failure: the HTTP status or the network error's message. */
function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** The HTTP status and error code of a failed API answer (web/api.ts ApiRequestError), if any. */
function answerOf(err: unknown): { status: number; code: string | null } | null {
  if (typeof err !== 'object' || err === null || !('status' in err)) return null;
  const status = err.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100) return null;
  const code = 'code' in err && typeof err.code === 'string' ? err.code : null;
  return { status, code };
}

/** What kind of failure `err` is: an answer of the server with an error status, or no answer. */
export function classifyFailure(err: unknown, timedOut: boolean): WallFailure {
  const answer = timedOut ? null : answerOf(err);
  return answer ? { kind: 'answer', ...answer } : { kind: 'offline' };
}

function isUnknownRegion(err: unknown): boolean {
  const a = answerOf(err);
  return a !== null && a.status === 404 && a.code === 'region_not_found';
}

export class WallController<G extends GoalsLike, S> {
  private state: WallState<G, S>;
  private readonly listeners = new Set<() => void>();
  private scheduler: Scheduler<TaskKey> | null = null;
  private inflight: AbortController | null = null;
  private etag: string | null = null;
  private build: string | null = null;
  private goalsAt = 0;
  private readonly timers: TimerApi;
  private readonly recheckEveryMs: number;
  private readonly requestTimeoutMs: number;
  /** The API in use: the bookmark's, or the default region's while the bookmark's is unknown. */
  private api: WallApi<G, S>;

  constructor(
    private readonly bookmarkApi: WallApi<G, S>,
    private readonly options: WallOptions,
  ) {
    this.api = bookmarkApi;
    this.timers = options.timers ?? realTimers;
    this.recheckEveryMs = options.recheckEveryMs ?? Math.max(options.pollMs, 15 * 60_000);
    this.requestTimeoutMs = options.requestTimeoutMs ?? Math.min(15_000, Math.max(2000, options.pollMs));
    this.state = {
      data: null,
      pages: [],
      unknownPages: [],
      pageIndex: 0,
      rotations: 0,
      failingSince: null,
      failure: null,
      failures: 0,
      lastError: null,
      regionIgnored: false,
      now: this.timers.now(),
    };
  }

  getState = (): WallState<G, S> => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Starts polling, rotating and the clock. Safe to call again after stop() (React StrictMode). */
  start(): void {
    if (this.scheduler) return;
    this.scheduler = new Scheduler<TaskKey>(this.timers, this.options.onError);
    this.scheduler.schedule('poll', 0, () => void this.poll());
    this.tickClock();
    if (this.state.pages.length > 1) this.scheduleRotation();
  }

  /** Stops everything: the timer, the request in flight. Listeners stay (they belong to React). */
  stop(): void {
    this.scheduler?.dispose();
    this.scheduler = null;
    this.inflight?.abort();
    this.inflight = null;
  }

  get running(): boolean {
    return this.scheduler !== null;
  }

  private set(patch: Partial<WallState<G, S>>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private tickClock(): void {
    const now = this.timers.now();
    if (now !== this.state.now) this.set({ now });
    this.scheduler?.schedule('clock', msUntilNextMinute(now), () => this.tickClock());
  }

  private scheduleRotation(): void {
    this.scheduler?.schedule('rotate', this.options.intervalMs, () => {
      this.set({
        pageIndex: nextPageIndex(this.state.pageIndex, this.state.pages.length),
        rotations: this.state.rotations + 1,
      });
      if (this.state.pages.length > 1) this.scheduleRotation();
    });
  }

  /** One poll cycle: version, then (only if it changed) the goals, then the series. */
  private async poll(): Promise<void> {
    const scheduler = this.scheduler;
    if (!scheduler) return;
    const ctl = new AbortController();
    this.inflight = ctl;
    scheduler.schedule('timeout', this.requestTimeoutMs, () => ctl.abort(new Error('Zeitüberschreitung')));
    try {
      await this.refresh(ctl.signal);
      if (this.scheduler !== scheduler) return;
      if (this.state.failingSince !== null || this.state.lastError !== null) {
        this.set({ failingSince: null, failure: null, failures: 0, lastError: null });
      }
      scheduler.schedule('poll', this.options.pollMs, () => void this.poll());
    } catch (err) {
      // Stopped while the request ran: not an outage, and nothing to schedule.
      if (this.scheduler !== scheduler) return;
      const failures = this.state.failures + 1;
      const timedOut = ctl.signal.aborted;
      const reason = timedOut ? describe(ctl.signal.reason) : describe(err);
      // An answer with an error status is not a lost connection: the banner names what it is.
      this.set({
        failures,
        failingSince: this.state.failingSince ?? this.timers.now(),
        failure: classifyFailure(err, timedOut),
        lastError: reason,
      });
      scheduler.schedule(
        'poll',
        retryDelayMs(failures, wallBackoff(this.options.pollMs)),
        () => void this.poll(),
      );
    } finally {
      if (this.inflight === ctl) this.inflight = null;
      if (this.scheduler === scheduler) scheduler.cancel('timeout');
    }
  }

  private async refresh(signal: AbortSignal): Promise<void> {
    const current = this.state.data;
    // Nothing shown yet: the goals are asked for beside the version, one round trip less before the
    // first tiles. They are used only if they carry the data version the version answer names.
    const early = current ? null : this.api.goals(signal).catch(() => null);
    const v = await this.api.version(current ? this.etag : null, signal);
    if (v.status === 'not-modified') {
      if (!current) throw new Error('304 ohne geladene Daten');
      await this.recheckGoalsIfDue(signal, current);
      return;
    }
    if (this.build === null) {
      this.build = v.version.build;
      this.options.onBuild?.(this.build);
    } else if (v.version.build !== this.build) {
      // A new deployment: its web code may not match this page any more.
      this.stop();
      (this.options.reload ?? (() => window.location.reload()))();
      return;
    }
    const dataVersion = String(v.version.dataVersion);
    if (current && current.dataVersion === dataVersion) {
      this.etag = v.etag;
      await this.recheckGoalsIfDue(signal, current);
      return;
    }

    const earlyGoals = early ? await early : null;
    const goals =
      earlyGoals !== null && String(earlyGoals.dataVersion) === dataVersion
        ? earlyGoals
        : await this.fetchGoals(signal);
    const { pages, unknown } = resolvePages(
      this.options.pages,
      goals.goals.filter((g) => !isPlanGoal(g)).map((g) => g.id),
      goals.goals.filter(isPlanGoal).length,
    );
    const seriesIds = pages.flatMap((p) => (p.kind === 'goal' ? [p.goalId] : []));
    const seriesList = await Promise.all(seriesIds.map((id) => this.api.series(id, signal)));
    const series = new Map<string, S>();
    seriesIds.forEach((id, i) => {
      const s = seriesList[i];
      if (s !== undefined) series.set(id, s);
    });
    signal.throwIfAborted();

    // Keep showing the same page when it still exists after the refresh.
    const shownKey = this.state.pages[this.state.pageIndex]?.key;
    const kept = pages.findIndex((p) => p.key === shownKey);
    const hadRotation = this.state.pages.length > 1;
    this.etag = v.etag;
    this.goalsAt = this.timers.now();
    this.set({
      data: { dataVersion, goals, series },
      pages,
      unknownPages: unknown,
      pageIndex: Math.max(kept, 0),
    });
    if (pages.length > 1 && !hadRotation) this.scheduleRotation();
    if (pages.length <= 1) this.scheduler?.cancel('rotate');
  }

  /**
   * The goals; when the server does not know the bookmark's region, those of its default region
   * (the bookmark's region is tried again with every new data version: an import may bring it).
   */
  private async fetchGoals(signal: AbortSignal): Promise<G> {
    const fallback = this.bookmarkApi.withoutRegion;
    if (this.api !== this.bookmarkApi) this.api = this.bookmarkApi;
    try {
      const goals = await this.api.goals(signal);
      if (this.state.regionIgnored) this.set({ regionIgnored: false });
      return goals;
    } catch (err) {
      if (!fallback || !isUnknownRegion(err)) throw err;
      const api = fallback.call(this.bookmarkApi);
      const goals = await api.goals(signal);
      this.api = api;
      if (!this.state.regionIgnored) this.set({ regionIgnored: true });
      return goals;
    }
  }

  private async recheckGoalsIfDue(signal: AbortSignal, current: WallData<G, S>): Promise<void> {
    if (this.timers.now() - this.goalsAt < this.recheckEveryMs) return;
    const goals = await this.api.goals(signal);
    this.goalsAt = this.timers.now();
    if (this.state.data === current) this.set({ data: { ...current, goals } });
  }
}
