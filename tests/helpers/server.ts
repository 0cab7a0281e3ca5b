/**
 * Shared end-to-end helpers: the REAL server as a child process on a temporary database, and a
 * real Chromium (Debian's /usr/bin/chromium) driven by playwright-core.
 *
 * Used by tests/e2e/dashboard*.test.ts and tests/e2e/wall*.test.ts — keep these exports stable:
 *
 *   startServer(options?)  → Promise<TestServer>
 *     Spawns `node --import tsx server/main.ts` (options.entry and options.nodeArgs change what
 *     runs, e.g. the built `dist/server/main.js` without tsx) with DATABASE_PATH, INBOX_DIR, ... in a fresh temp
 *     directory, PORT=0 (a free port), HOST=127.0.0.1, LOAD_SAMPLE_ON_EMPTY=true (the sample data
 *     are loaded on first start), SCHEDULE_ENABLED=false and ADMIN_TOKEN=TEST_ADMIN_TOKEN; waits
 *     for the JSON log line with msg 'listening'. `options.env` adds or overrides variables.
 *     TestServer:
 *       url        'http://127.0.0.1:<port>' (no trailing slash)
 *       port, dir  the port and the temp directory (database, inbox, outbox, ...)
 *       logs       every stdout/stderr line so far (for diagnostics)
 *       stop()     SIGTERM (SIGKILL after 10 s); data stay, so start() can bring it back
 *       start()    starts again on the SAME port and database (e.g. after stop(), to test recovery)
 *       restart()  stop() + start()
 *       dispose()  stop() and delete the temp directory (call in afterAll)
 *       pid()      the running server process's pid (null when stopped)
 *
 *   launchBrowser(options?) → Promise<Browser>   (playwright-core Browser)
 *     Headless Chromium with --no-sandbox --disable-gpu --disable-quic --no-first-run
 *     --disable-background-networking --disable-component-update --disable-sync; playwright gives
 *     every launch a fresh temporary --user-data-dir. Close it with browser.close().
 *
 *   trackConsoleErrors(page) → string[]   console errors, uncaught page errors and failed requests
 *     (4xx/5xx of the app's own origin), collected live; assert it is empty at the end.
 *
 *   assertWebBuilt()       throws a clear error unless dist/web/index.html exists (the server serves
 *     the built dashboard; `npm test` runs `vite build` first, in a manual run do it yourself).
 *
 *   ARTIFACTS_DIR          test-artifacts/ (gitignored): screenshots go there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

import { type Browser, chromium, type LaunchOptions, type Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS_DIR = path.join(ROOT, 'test-artifacts');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The admin token the test server accepts (at least 16 characters, as the config demands). */
export const TEST_ADMIN_TOKEN = 'e2e-test-admin-token-0123456789';

export interface TestServer {
  url: string;
  port: number;
  dir: string;
  logs: string[];
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
  /** The running server process's pid (null when stopped), e.g. to SIGKILL it. */
  pid(): number | null;
}

export interface StartOptions {
  /** Extra or overriding environment variables. */
  env?: Record<string, string>;
  /** How long to wait for the 'listening' line (the first start loads the sample data). */
  timeoutMs?: number;
  /** The server entry to run (default server/main.ts; E2E_SERVER_ENTRY overrides it too). */
  entry?: string;
  /** A fixed port (e.g. from freePort(), when PUBLIC_URL must name it); default 0: any free port. */
  port?: number;
  /** node's arguments before the entry (default `--import tsx`; the built server needs none). */
  nodeArgs?: readonly string[];
}

export function assertWebBuilt(): void {
  if (!existsSync(path.join(ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npx vite build` before the e2e tests.');
  }
}

function listeningPort(line: string): number | null {
  if (!line.startsWith('{')) return null;
  try {
    const o: unknown = JSON.parse(line);
    if (typeof o !== 'object' || o === null || !('msg' in o) || o.msg !== 'listening') return null;
    if ('port' in o && typeof o.port === 'number') return o.port;
    if ('url' in o && typeof o.url === 'string') return Number(new URL(o.url).port) || null;
    return null;
  } catch {
    return null;
  }
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  assertWebBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'zielmonitor-e2e-'));
  for (const d of ['inbox', 'archive', 'rejected', 'outbox', 'backups']) mkdirSync(path.join(dir, d));
  const timeoutMs = options.timeoutMs ?? 90_000;
  const logs: string[] = [];
  let child: ChildProcess | null = null;
  let port = options.port ?? 0;

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    TZ: process.env.TZ ?? 'Europe/Berlin',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_PATH: path.join(dir, 'zielmonitor.db'),
    LOAD_SAMPLE_ON_EMPTY: 'true',
    SCHEDULE_ENABLED: 'false',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    INBOX_DIR: path.join(dir, 'inbox'),
    ARCHIVE_DIR: path.join(dir, 'archive'),
    REJECTED_DIR: path.join(dir, 'rejected'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    BACKUP_DIR: path.join(dir, 'backups'),
    LOG_LEVEL: 'info',
    ...options.env,
  };

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const entry = options.entry ?? process.env.E2E_SERVER_ENTRY ?? 'server/main.ts';
      const proc = spawn(process.execPath, [...(options.nodeArgs ?? ['--import', 'tsx']), entry], {
        cwd: ROOT,
        env: { ...env, PORT: String(port), PUBLIC_URL: env.PUBLIC_URL ?? 'http://127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        proc.kill('SIGKILL');
        reject(
          new Error(`server did not log 'listening' within ${timeoutMs} ms:\n${logs.slice(-30).join('\n')}`),
        );
      }, timeoutMs);
      const onLine = (line: string) => {
        logs.push(line);
        const p = listeningPort(line);
        if (p !== null && !settled) {
          settled = true;
          clearTimeout(timer);
          port = p;
          resolve();
        }
      };
      for (const stream of [proc.stdout, proc.stderr]) {
        let buf = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          buf += chunk;
          let i = buf.indexOf('\n');
          while (i >= 0) {
            onLine(buf.slice(0, i));
            buf = buf.slice(i + 1);
            i = buf.indexOf('\n');
          }
        });
      }
      proc.on('exit', (code, signal) => {
        logs.push(`[server exited: code ${code}, signal ${signal}]`);
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(new Error(`server exited before listening (code ${code}):\n${logs.slice(-30).join('\n')}`));
        }
      });
    });

  const stop = async () => {
    const proc: ChildProcess | null = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  };

  try {
    await launch();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dir,
    logs,
    pid: () => (child as ChildProcess | null)?.pid ?? null,
    stop,
    start: async () => {
      if (child) throw new Error('server is already running');
      await launch();
    },
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

export function trackConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // Downloads and navigations away abort requests on purpose; everything else is a failure.
    const failure = r.failure()?.errorText ?? '';
    if (!failure.includes('ERR_ABORTED')) errors.push(`requestfailed: ${r.url()} ${failure}`);
  });
  return errors;
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}

/**
 * Lets the bundled sample's figures stand in for real ones on a running test server: its regions
 * unmarked, as a real import leaves them, and the data version bumped, as every write does, so
 * that the server reads them anew. For tests of corrections to real figures (real figures for a
 * sample region replace all of its synthetic ones: etl/write.ts).
 */
export function treatSampleAsReal(server: TestServer): void {
  const db = new Database(path.join(server.dir, 'zielmonitor.db'));
  try {
    db.exec(`update regions set sample = 0, sample_as_of = null;
      update imported_files set sample = 0;
      update meta set value = cast(cast(value as integer) + 1 as text) where key = 'data_version';`);
  } finally {
    db.close();
  }
}
