/**
 * The wall's engine, free of React: polls the cheap version endpoint, re-fetches the figures when
 * the data version changes, keeps the last good figures through outages (retrying with backoff),
 * reloads the page after a new deployment, rotates the pages and ticks the clock — all on one
 * Scheduler, so stopping it leaves no timer, request or listener behind. React subscribes to it with
 * useSyncExternalStore (see useWall.ts).
 */

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
}

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
  /** When the first of the current run of failed requests happened (epoch ms), or null when online. */
  offlineSince: number | null;
  failures: number;
  /** Short technical reason of the last failure, shown small under the banner. */
  lastError: string | null;
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
}

type TaskKey = 'poll' | 'rotate' | 'clock' | 'timeout';

/** The error text for a failure: the HTTP status or the network error's message. */
function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
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

  constructor(
    private readonly api: WallApi<G, S>,
    private readonly options: WallOptions,
  ) {
    this.timers = options.timers ?? realTimers;
    this.recheckEveryMs = options.recheckEveryMs ?? Math.max(options.pollMs, 15 * 60_000);
    this.requestTimeoutMs = options.requestTimeoutMs ?? Math.min(15_000, Math.max(2000, options.pollMs));
    this.state = {
      data: null,
      pages: [],
      unknownPages: [],
      pageIndex: 0,
      rotations: 0,
      offlineSince: null,
      failures: 0,
      lastError: null,
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
      if (this.state.offlineSince !== null || this.state.lastError !== null) {
        this.set({ offlineSince: null, failures: 0, lastError: null });
      }
      scheduler.schedule('poll', this.options.pollMs, () => void this.poll());
    } catch (err) {
      // Stopped while the request ran: not an outage, and nothing to schedule.
      if (this.scheduler !== scheduler) return;
      const failures = this.state.failures + 1;
      const reason = ctl.signal.aborted ? describe(ctl.signal.reason) : describe(err);
      this.set({ failures, offlineSince: this.state.offlineSince ?? this.timers.now(), lastError: reason });
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
    if (this.build === null) this.build = v.version.build;
    else if (v.version.build !== this.build) {
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
        : await this.api.goals(signal);
    const isChange = (g: { kind?: string }) => g.kind === undefined || g.kind === 'change';
    const { pages, unknown } = resolvePages(
      this.options.pages,
      goals.goals.filter(isChange).map((g) => g.id),
      goals.goals.some((g) => !isChange(g)),
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

  private async recheckGoalsIfDue(signal: AbortSignal, current: WallData<G, S>): Promise<void> {
    if (this.timers.now() - this.goalsAt < this.recheckEveryMs) return;
    const goals = await this.api.goals(signal);
    this.goalsAt = this.timers.now();
    if (this.state.data === current) this.set({ data: { ...current, goals } });
  }
}
