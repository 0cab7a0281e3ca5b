import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../server/db/connection.js';
import { tempDir, writeText } from './helpers.js';

// What `npm run etl` runs: the bundle (`npm run build`, which `npm test` does first), no tsx.
const CLI = fileURLToPath(new URL('../../dist/etl/cli.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url));
const HEADER = 'region;region_name;month;indicator;gender;value;flag';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function setup() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const env = { DATABASE_PATH: join(t.dir, 'db', 'zm.db') };
  return { dir: t.dir, env };
}

describe('npm run etl', () => {
  test('imports a folder, prints the summary table, exit 0; the same again is unchanged', async () => {
    const { dir, env } = setup();
    const data = join(dir, 'in');
    (await import('node:fs')).mkdirSync(data);
    writeText(
      data,
      'a.csv',
      `${HEADER}\n01060;Kreis Segeberg;2024-01;INT;total;1527;\n01060;Kreis Segeberg;2024-01;ELB;total;10.400;\n`,
    );
    writeText(data, 'b.csv', `${HEADER}\n01060;Kreis Segeberg;2024-02;INT;total;300;\n`);
    writeText(data, 'notes.md', 'ignored');
    const r = await run([data], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Datei\s+Status\s+neu\s+geändert\s+unverändert/);
    expect(r.stdout).toMatch(/a\.csv\s+importiert\s+2\s+0\s+0/);
    expect(r.stdout).toMatch(/Summe\s+3\s+0\s+0/);
    const again = await run([join(data, 'a.csv')], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('unverändert (schon geladen)');
    const db = await openDatabase(env.DATABASE_PATH);
    expect(db.sqlite.prepare('select count(*) from observations').pluck().get()).toBe(3);
    expect(db.sqlite.prepare('select distinct trigger from import_runs').pluck().all()).toEqual(['cli']);
    await db.close();
  });

  test('a rejected file: exit 1 with the error naming row and column', async () => {
    const { dir, env } = setup();
    const bad = writeText(dir, 'bad.csv', `${HEADER}\n01060;K;2024-01;INT;total;12,3,4;\n`);
    const r = await run([bad], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ABGELEHNT');
    expect(r.stdout).toContain(`Fehler: Datei ${bad}, Zeile 2, Spalte 'value': '12,3,4' ist keine Zahl`);
  });

  test('usage errors: exit 2', async () => {
    const { env } = setup();
    const none = await run([], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('keine Datei angegeben');
    const missing = await run(['/does/not/exist.csv'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nicht gefunden: /does/not/exist.csv');
    const option = await run(['--frobnicate'], env);
    expect(option.code).toBe(2);
  });

  test('--targets loads a targets file', async () => {
    const { dir, env } = setup();
    const t = writeText(
      dir,
      '2024.csv',
      'region;region_name;year;indicator;gender;target_change_pct;better;source\n01060;Kreis Segeberg;2024;K2;female;1,1;higher;AIP\n',
    );
    const r = await run(['--targets', t], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 neu, 0 geändert, 0 unverändert');
    const bad = writeText(
      dir,
      'bad.csv',
      'region;region_name;year;indicator;gender;target_change_pct\n01060;K;2024;K2;female;viel\n',
    );
    const b = await run(['--targets', bad], env);
    expect(b.code).toBe(1);
    expect(b.stdout).toContain("Zeile 2, Spalte 'target_change_pct'");
  });

  test('another import running: exit 3', async () => {
    const { dir, env } = setup();
    const db = await openDatabase(env.DATABASE_PATH);
    await db.close();
    const holder = spawn(process.execPath, ['--import', 'tsx', CHILD, 'hold', env.DATABASE_PATH], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => {
      holder.kill('SIGKILL');
    });
    await new Promise<void>((resolve) =>
      holder.stdout.on('data', (d: Buffer) => d.toString().includes('LOCKED') && resolve()),
    );
    const file = writeText(dir, 'a.csv', `${HEADER}\n01060;K;2024-01;INT;total;5;\n`);
    const r = await run([file], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Ein anderer Import läuft gerade');
  });
});
