/**
 * PostgreSQL only: while the database refuses connections (a restart, a failover, connections
 * switched off), API requests answer 503 `database_unavailable` with Retry-After, which a load
 * balancer retries elsewhere (the README's nginx example retries 502 and 503), not 500 `internal`.
 */
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import type { PgDb } from '../../server/db/connection.js';
import { getJson, REGION_A, setup } from '../api/fixture.js';
import { testDatabaseUrl } from '../helpers/db.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the database refuses connections', () => {
  test('API reads answer 503 database_unavailable with Retry-After, and work again afterwards', async () => {
    const ctx = await setup();
    const name = new URL((ctx.db as PgDb).url).pathname.slice(1);
    const path = `/api/comments?region=${REGION_A}`;
    expect((await getJson(ctx, path)).status).toBe(200);
    await admin(`alter database "${name}" allow_connections false`);
    cleanups.push(() => admin(`alter database "${name}" allow_connections true`));
    await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`);
    for (const p of [path, '/api/regions']) {
      const res = await ctx.app.request(p);
      const body = (await res.json()) as { error: { code: string } };
      expect({ path: p, status: res.status, code: body.error.code }).toEqual({
        path: p,
        status: 503,
        code: 'database_unavailable',
      });
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    await admin(`alter database "${name}" allow_connections true`);
    expect((await getJson(ctx, path)).status).toBe(200);
  });
});
