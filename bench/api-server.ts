/**
 * Child process of bench/api.ts: serves the real app (createApp + @hono/node-server) and a bare
 * node:http server that answers every request with the same bytes and headers, both on loopback
 * ports chosen by the OS. Reports the ports (and later its RSS) to the parent over IPC.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createAlertService } from '../server/alerts/service.js';
import { createApp } from '../server/app.js';
import { testConfig } from '../server/config.js';
import { openDatabase, openPostgres } from '../server/db/connection.js';
import { createGoalService } from '../server/goals/service.js';

const [dbPath, path] = process.argv.slice(2);
if (!dbPath || !path || !process.send)
  throw new Error('usage: (forked by bench/api.ts) api-server.ts <db> <path>');

function portOf(address: string | { port: number } | null): number {
  if (address === null || typeof address === 'string')
    throw new Error('server is not listening on a TCP port');
  return address.port;
}

// A postgres:// URL: the same app on PostgreSQL (bench/pg.ts).
const db = /^postgres(ql)?:\/\//.test(dbPath) ? await openPostgres(dbPath) : await openDatabase(dbPath);
const config = testConfig({ LOG_LEVEL: 'info' });
// Production logging, as createLogger (server/logger.ts) sets it up: one JSON line per request,
// ISO timestamps, written synchronously (pino's default for stdout); here to /dev/null so the
// terminal stays quiet.
const logger = pino(
  { level: 'info', base: { app: 'zielmonitor' }, timestamp: pino.stdTimeFunctions.isoTime },
  pino.destination({ dest: '/dev/null', sync: true }),
);
const clock = () => new Date();
// As server/main.ts sets it up.
const goals = createGoalService({ db, config, clock, versionOncePerTurn: true });
const alerts = createAlertService({ db, config, logger, clock, goals, alertConfig: null });
const app = createApp({
  db,
  config,
  logger,
  clock,
  goals,
  alerts,
  etl: { db, logger, clock },
  build: 'bench',
});

const hono = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
await once(hono, 'listening');
const honoPort = portOf(hono.address());

// Capture the real response once (also warms the cache), then serve exactly that from node:http.
const res = await fetch(`http://127.0.0.1:${honoPort}${path}`);
const body = Buffer.from(await res.arrayBuffer());
const headers: Record<string, string> = {};
res.headers.forEach((v, k) => {
  if (k !== 'date' && k !== 'connection' && k !== 'keep-alive') headers[k] = v;
});
headers['content-length'] = String(body.length);
const bare = createServer((_req, r) => {
  r.writeHead(200, headers);
  r.end(body);
});
bare.listen(0, '127.0.0.1');
await once(bare, 'listening');
const barePort = portOf(bare.address());

process.send({ type: 'ready', honoPort, barePort, bytes: body.length, status: res.status });
process.on('message', (msg: unknown) => {
  if (msg === 'rss') process.send?.({ type: 'rss', rss: process.memoryUsage().rss });
  if (msg === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ type: 'cpu', cpu: u.user + u.system, user: u.user, system: u.system });
  }
  if (msg === 'stop') {
    hono.close();
    bare.close();
    void db.close().then(() => process.exit(0));
  }
});
