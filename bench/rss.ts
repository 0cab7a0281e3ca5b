/**
 * Server memory with national data: the real server process, run the production way (`npm run
 * serve`: plain node on the bundle dist/server/main.js, rebuilt here first), on a database holding
 * 404 regions, after it has answered /api/goals and /api/months for every region; resident set
 * size read from /proc. Runnable alone: `npx tsx bench/rss.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildServer } from '../scripts/build-server.js';
import { openDatabase } from '../server/db/connection.js';
import { loadNationalData, regionIds } from './api-data.js';

export interface RssResult {
  regions: number;
  observations: number;
  rssIdleMb: number;
  rssAfterMb: number;
  peakRssMb: number;
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m?.[1]) throw new Error(`no ${field} for pid ${pid}`);
  return Number(m[1]) / 1024;
}

export async function benchRss(): Promise<RssResult> {
  const dir = mkdtempSync(join(tmpdir(), 'zm-rss-'));
  const dbPath = join(dir, 'national.db');
  const d = await openDatabase(dbPath);
  const observations = loadNationalData(d);
  await d.close();

  // Plain node on the bundle, as `npm run serve` and the systemd unit run it in production.
  const bundle = await buildServer();
  const child = spawn(process.execPath, [bundle], {
    env: {
      ...process.env,
      DATABASE_PATH: dbPath,
      PORT: '0',
      HOST: '127.0.0.1',
      LOAD_SAMPLE_ON_EMPTY: 'false',
      SCHEDULE_ENABLED: 'false',
      ALERTS_ENABLED: 'false',
      LOG_LEVEL: 'info',
      OUTBOX_DIR: join(dir, 'outbox'),
      INBOX_DIR: join(dir, 'inbox'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start within 60 s')), 60_000);
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        try {
          const msg: unknown = JSON.parse(line);
          if (msg && typeof msg === 'object' && 'msg' in msg && msg.msg === 'listening' && 'port' in msg) {
            clearTimeout(timer);
            resolve(Number(msg.port));
          }
        } catch {
          // not a JSON log line
        }
      });
    });
    const base = `http://127.0.0.1:${port}`;
    const pid = child.pid ?? 0;
    await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
    const rssIdleMb = rssMb(pid, 'VmRSS');
    for (const id of regionIds()) {
      for (const path of [`/api/goals?region=${id}`, `/api/months?region=${id}&pageSize=200`]) {
        const res = await fetch(base + path);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      }
    }
    return {
      regions: regionIds().length,
      observations,
      rssIdleMb,
      rssAfterMb: rssMb(pid, 'VmRSS'),
      peakRssMb: rssMb(pid, 'VmHWM'),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchRss();
  console.table({
    regions: r.regions,
    observations: r.observations,
    'RSS idle (MB)': r.rssIdleMb.toFixed(1),
    'RSS after all regions (MB)': r.rssAfterMb.toFixed(1),
    'peak RSS (MB)': r.peakRssMb.toFixed(1),
  });
}
