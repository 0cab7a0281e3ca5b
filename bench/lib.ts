/**
 * Helpers of the user-path benchmarks: the production server as a process, process CPU and memory
 * from /proc, median and range of repeated figures.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TICKS_PER_SECOND = 100;

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

/** "median (min–max)" with `digits` decimals. */
export function medianRange(xs: readonly number[], digits = 2, unit = ''): string {
  const f = (x: number) => x.toFixed(digits);
  if (xs.length < 2) return `${f(median(xs))}${unit}`;
  return `${f(median(xs))}${unit} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

/** CPU time of a process so far (user + system), in milliseconds. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is [0]; utime [11], stime [12] (man 5 proc, minus 3).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Resident memory now and its peak (VmRSS, VmHWM), in MB. */
export function processRss(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export interface ServerProcess {
  pid: number;
  base: string;
  stop(): Promise<void>;
}

/**
 * Starts the production server as `npm run serve` does (`node dist/server/main.js`) on `dbPath`,
 * its JSON log lines to `logFile` (as a service manager would keep them), and resolves once it
 * listens. `nodeArgs` go to node before the script (e.g. `--cpu-prof`, or the flags of
 * `npm run serve`, see `serveNodeArgs`).
 */
export function startServer(
  dbPath: string,
  logFile: string,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const args = [...nodeArgs];
  const child: ChildProcess = spawn(process.execPath, [...args, 'dist/server/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_PATH: dbPath,
      LOAD_SAMPLE_ON_EMPTY: 'false',
      SCHEDULE_ENABLED: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', openSync(logFile, 'a'), 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${err}`)), 120_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /läuft auf (http:\/\/[\d.]+:\d+)/.exec(err);
      if (m?.[1] && child.pid !== undefined) {
        clearTimeout(timer);
        const pid = child.pid;
        resolve({
          pid,
          base: m[1],
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${err}`));
    });
  });
}

/** GET `url`, the body read; throws on a non-2xx answer. Returns milliseconds taken. */
export async function timedGet(url: string, headers: Record<string, string> = {}): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}

/** The node flags `npm run serve` passes (package.json), so that a bench can start it the same way. */
export function serveNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
  const m = /^node\s+(.*?)\s*dist\/server\/main\.js$/.exec(pkg.scripts.serve ?? '');
  return m?.[1] ? m[1].split(/\s+/) : [];
}

const TIME = '/usr/bin/time';

/**
 * Runs a command to its exit; returns seconds. With `cpu` (and /usr/bin/time present) the
 * command runs under /usr/bin/time and its CPU seconds (user + system, children included) are
 * pushed to `cpu.into`.
 */
export function timed(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
  input?: string,
  cpu?: { file: string; into: number[] },
): number {
  const measured = cpu !== undefined && existsSync(TIME);
  const [command, argv] = measured ? [TIME, ['-f', '%U %S', '-o', cpu.file, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(command, argv, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  if (measured) {
    const [user, system] = readFileSync(cpu.file, 'utf8').trim().split(/\s+/).map(Number);
    cpu.into.push((user ?? 0) + (system ?? 0));
  }
  return seconds;
}
