/**
 * The start-up warm-up: before the server listens, and after it has read every region's stored
 * goals into memory (GoalService.preloadLatestGoals), it sends itself requests for some of those
 * goals over a loopback connection to the same app. They are answered from memory and add nothing
 * to the caches.
 *
 * Why: a fresh process runs the HTTP parser, the framework, the middleware and the answer path in
 * V8's interpreter until they are hot (docs/benchmarks.md, "Issue 13, sixth round"). Only goal
 * requests: a warm-up over several routes (version, region list, comparisons) taught V8 a mix of
 * shapes on the shared path and cost the cached goals 10 % of their throughput afterwards
 * (one-URL ratio 0.85 → 0.77, interleaved A/B).
 *
 * Its requests carry `warmUp` in the app's bindings (set by this server, not by any header a
 * client could send): they write no request log line unless they fail.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** What the warm-up needs of the app: its fetch handler (Hono's `app.fetch`). */
export interface WarmUpApp {
  fetch(request: Request, env: Record<string, unknown>): Response | Promise<Response>;
}

export interface WarmUpOptions {
  /** The paths to request, in order; repeated until `requests`. */
  paths: readonly string[];
  /** How many requests at most (0: none). */
  requests: number;
  /** Stops after this long, also in the middle of a round (ms). */
  budgetMs: number;
}

export interface WarmUpResult {
  requests: number;
  /** Answers other than 200 and 304 (a region without data answers 404: counted, not an error). */
  notOk: number;
  ms: number;
  /** True when the budget ran out before `requests`. */
  timedOut: boolean;
}

/** The encodings the dashboard's browsers send: the answers are compressed as for them. */
const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

/** Runs the warm-up; never throws for a failed request (it is counted), only for a server that cannot listen. */
export async function warmUp(app: WarmUpApp, options: WarmUpOptions): Promise<WarmUpResult> {
  const started = performance.now();
  const result: WarmUpResult = { requests: 0, notOk: 0, ms: 0, timedOut: false };
  if (options.requests <= 0 || options.paths.length === 0) return result;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      { fetch: (req, env) => app.fetch(req, { ...env, warmUp: true }), hostname: '127.0.0.1', port: 0 },
      () => resolve(s),
    );
  });
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const deadline = started + options.budgetMs;
  const timer = setTimeout(() => agent.destroy(), options.budgetMs);
  try {
    rounds: for (;;) {
      for (const path of options.paths) {
        if (result.requests >= options.requests) break rounds;
        if (performance.now() >= deadline) {
          result.timedOut = true;
          break rounds;
        }
        const status = await get(agent, port, path).catch(() => 0);
        result.requests++;
        if (status !== 200 && status !== 304) result.notOk++;
      }
    }
  } finally {
    clearTimeout(timer);
    agent.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ('closeAllConnections' in server) server.closeAllConnections();
    });
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}

/** One GET over the agent's connection; resolves with the status once the body is read. */
function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: '127.0.0.1', port, path, headers: { 'accept-encoding': ACCEPT_ENCODING } },
      (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The warm-up's paths for these regions: each one's goals, what the overview and the wall ask first. */
export function warmUpPaths(regionIds: readonly string[]): string[] {
  return regionIds.map((id) => `/api/goals?region=${encodeURIComponent(id)}`);
}
