/**
 * The start-up warm-up: before the server listens, it sends itself the requests its first users
 * will send (goals and comparisons of its regions, the version and the region list) over a
 * loopback connection to the same app, then empties the answer caches those requests filled.
 *
 * Why: a fresh process runs the HTTP parser, the framework, the routes, the query builder and the
 * compression in V8's interpreter until they are hot. Measured on the national database (404
 * regions, docs/benchmarks.md): the goals of all regions cost a fresh server about 300 ms over one
 * keep-alive connection, the same uncached requests on a process that had answered others before
 * about 180 ms. The warm-up moves that difference into the start, before the health probes and
 * the load balancer see the instance, and leaves the caches as a process without it would have
 * them: the first users' requests read the stored goals and compress them as on any fresh server,
 * only on warm code.
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
  /** The paths to request, in order; repeated, with `reset` between rounds, until `requests`. */
  paths: readonly string[];
  /** How many requests at most (0: none). */
  requests: number;
  /** Stops after this long, also in the middle of a round (ms). */
  budgetMs: number;
  /** Empties what the requests cached; called after each round and at the end. */
  reset: () => void;
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
      options.reset();
    }
  } finally {
    clearTimeout(timer);
    agent.destroy();
    options.reset();
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

/**
 * The warm-up's paths for these regions: each one's goals and comparison (what the overview and
 * the wall ask first), with the version and the region list once per round.
 */
export function warmUpPaths(regionIds: readonly string[]): string[] {
  const paths = ['/api/version', '/api/regions'];
  for (const id of regionIds) {
    const q = encodeURIComponent(id);
    paths.push(`/api/goals?region=${q}`, `/api/comparison?region=${q}`);
  }
  return paths;
}
