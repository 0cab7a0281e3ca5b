/**
 * `npm run user -- token create …` prints the token on its last line; the token works against the
 * API on the same database, and `token revoke` ends it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { createAppDeps } from '../../server/app-deps.js';
import { testConfig } from '../../server/config.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'i15-cli-'));
const DATABASE_PATH = join(dir, 'zm.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'server/auth/cli.ts', ...args], {
    env: { ...process.env, DATABASE_PATH, LOG_LEVEL: 'silent' },
  });
}

async function me(token: string) {
  // The configured database (DATABASE_PATH), opened as the server opens it.
  const deps = await createAppDeps({ config: testConfig({ DATABASE_PATH }), build: 't' });
  try {
    const res = await createApp(deps).request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } finally {
    await deps.close();
  }
}

describe('npm run user', () => {
  it('creates a token (last line), which then works, and revokes it', async () => {
    const created = await cli(
      'token',
      'create',
      '--user',
      'Frau Meier',
      '--role',
      'controller',
      '--name',
      'Skript',
    );
    const lines = created.stdout.trim().split('\n');
    const token = lines[lines.length - 1] ?? '';
    expect(token).toMatch(/^zm_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('nur jetzt angezeigt');
    expect(await me(token)).toMatchObject({
      status: 200,
      body: { name: 'Frau Meier', role: 'controller', via: 'token' },
    });

    const listed = await cli('token', 'list');
    expect(listed.stdout).toContain('Frau Meier');
    expect(listed.stdout).not.toContain(token);

    await cli('token', 'revoke', '--id', '1');
    expect((await me(token)).status).toBe(401);
  }, 60_000);

  it('exits 2 with the usage on a bad role', async () => {
    const err = await cli('token', 'create', '--user', 'x', '--role', 'chef').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 2 });
    expect(String((err as { stderr: string }).stderr)).toContain(
      '--role muss viewer, controller oder admin sein',
    );
  }, 60_000);
});
