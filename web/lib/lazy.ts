/**
 * Code-split pages that survive a failed download. A chunk can fail to load: the server was down
 * for a moment, or it was upgraded while the page was open (the old chunk names are gone). A bare
 * `lazy(() => import(…))` then rejects for good and, without an error boundary, React unmounts the
 * whole app: a white page, no more requests. Here a failed import is retried with backoff; since
 * Chromium caches a failed module URL (web/lib/lazy-build.ts), a retry imports the chunk under a
 * fresh URL (`?retry=n`), and the document is reloaded when only that helps: the server runs a
 * new build (everywhere), or a dependency failed in this document while the server answers (only
 * where no one's input can be lost: the wall).
 */
import { type ComponentType, createElement, lazy, useEffect, useSyncExternalStore } from 'react';
import {
  failedModuleUrl,
  otherPreloadFailed,
  probeServer,
  reloadDocument,
  watchPreloads,
} from './lazy-build';

export interface LoadPolicy {
  /** Retries after the first failure before giving up (Infinity: until the code has loaded). */
  retries: number;
  /** The wait before the first retry, doubled for each further one up to `capMs`. */
  baseMs: number;
  capMs: number;
  /**
   * Reload the document when the server answers but the code still does not load (a dependency
   * failed in this document): for the wall, which has no input to lose and no one to press F5.
   */
  reloadWhenStuck: boolean;
}

/** Dashboard pages: a few quick retries, then the page's message (components/PageError.tsx). */
export const PAGE_POLICY: LoadPolicy = { retries: 3, baseMs: 500, capMs: 2000, reloadWhenStuck: false };
/** The wall: retried until it loads, never slower than every 30 s. */
export const WALL_POLICY: LoadPolicy = {
  retries: Number.POSITIVE_INFINITY,
  baseMs: 1000,
  capMs: 30_000,
  reloadWhenStuck: true,
};

/** Fresh imports of the page's own chunk in a row while the server answers, before a wall reloads. */
const STUCK_AFTER = 3;

type Module = { default: unknown };

export interface LoadState<M> {
  /** The module once it has loaded. */
  module: M | null;
  /** Failed attempts so far. */
  failures: number;
  /** The last run gave up (the page shows its message); the next load() starts a new run. */
  gaveUp: boolean;
}

let freshImports = 0;

/**
 * The chunk at `url` under a URL not tried before. A chunk shared with other modules exports the
 * module's namespace under another name (Vite's own import reads it with `.then((m) => m.t)`).
 */
async function importFresh(url: string): Promise<Module> {
  freshImports += 1;
  const mod: unknown = await import(/* @vite-ignore */ `${url}?retry=${freshImports}`);
  if (typeof mod === 'object' && mod !== null) {
    if ('default' in mod) return mod as Module;
    for (const v of Object.values(mod)) {
      if (typeof v === 'object' && v !== null && 'default' in v) return v as Module;
    }
  }
  throw new Error(`${url}: kein Standardexport`);
}

const never = new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * After failed attempt number `attempt` (1 = the first): reloads the document when only that
 * helps (never resolving then: the page goes away), otherwise waits before the next attempt.
 */
async function recover(attempt: number, url: string | null, policy: LoadPolicy): Promise<void> {
  const server = await probeServer(url);
  if (server === 'new-build' && reloadDocument()) return never;
  const stuck = otherPreloadFailed(url) || attempt > STUCK_AFTER;
  if (server === 'answering' && policy.reloadWhenStuck && stuck && reloadDocument()) return never;
  await sleep(Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 20)));
}

/** Loads a chunk with retries (see the file comment); React reads its state with useCode(). */
export class CodeLoader<M extends Module> {
  private state: LoadState<M> = { module: null, failures: 0, gaveUp: false };
  private running: Promise<M> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly importer: () => Promise<M>,
    private readonly policy: LoadPolicy,
  ) {
    watchPreloads();
  }

  getState = (): LoadState<M> => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The module: loaded once, retried as the policy says; rejects when the run gives up. */
  load(): Promise<M> {
    if (this.state.module) return Promise.resolve(this.state.module);
    // The build's page shells render in Node (scripts/page-shells.ts): nothing to retry there.
    if (typeof window === 'undefined') return this.importer();
    this.running ??= this.attempts().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private set(patch: Partial<LoadState<M>>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private async attempts(): Promise<M> {
    let url: string | null = null;
    if (this.state.gaveUp) this.set({ gaveUp: false });
    for (let attempt = 0; ; attempt++) {
      try {
        // Vite's own import first (it preloads what the chunk needs); a failed URL stays failed,
        // so once an error names the chunk, the chunk under a fresh URL.
        const mod = url === null ? await this.importer() : ((await importFresh(url)) as M);
        this.set({ module: mod });
        return mod;
      } catch (err) {
        url = failedModuleUrl(err) ?? url;
        const gaveUp = attempt >= this.policy.retries;
        this.set({ failures: this.state.failures + 1, gaveUp });
        if (gaveUp) throw err;
        await recover(attempt + 1, url, this.policy);
      }
    }
  }
}

/** The loader's state; starts loading (once) while `wanted`. */
export function useCode<M extends Module>(loader: CodeLoader<M>, wanted: boolean): LoadState<M> {
  const state = useSyncExternalStore(loader.subscribe, loader.getState, loader.getState);
  const loaded = state.module !== null;
  useEffect(() => {
    if (wanted && !loaded) loader.load().catch(() => undefined);
  }, [wanted, loaded, loader]);
  return state;
}

/** How each page that gave up starts over (see lazyPage). */
const restarts = new Set<() => void>();

/**
 * Lets every page whose download gave up try again when it next renders: called by the page's
 * error boundary on "Erneut versuchen" and when the user moves to another page.
 */
export function retryFailedPages(): void {
  for (const restart of restarts) restart();
}

/**
 * A code-split page like `lazy(importer)`, whose download is retried. When a run gives up, the
 * error goes to the page's error boundary. React keeps a lazy component's failure for good, so
 * retryFailedPages() gives such a page a new lazy component, whose first render starts a new run.
 * (Not at once on the failure: React renders a failed component once more before it hands the
 * error to the boundary, and a new lazy component would start the next run instead.)
 */
export function lazyPage<P extends object>(
  importer: () => Promise<{ default: ComponentType<P> }>,
  policy: LoadPolicy = PAGE_POLICY,
) {
  const loader = new CodeLoader(importer, policy);
  let failed = false;
  const make = () =>
    lazy(() =>
      loader.load().catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    );
  let current = make();
  restarts.add(() => {
    if (!failed) return;
    failed = false;
    current = make();
  });
  // biome-ignore lint/correctness/noComponentHookFactories: called once per page at module level, as lazy() is
  function LazyPage(props: P) {
    return createElement(current, props);
  }
  return Object.assign(LazyPage, {
    loader,
    /** Starts the download before the page renders (its errors are the page's to show). */
    preload: () => void loader.load().catch(() => undefined),
  });
}
