import { describe, expect, it } from 'vitest';
import { goalsResponse, monthsResponse } from '../../server/http/responses.js';
import { rows, sql } from '../helpers/db.js';
import { getJson, REGION_A, setup } from './fixture.js';

const bump = (ctx: Awaited<ReturnType<typeof setup>>, v: string) =>
  rows(ctx.db, sql`update meta set value = ${v} where key = 'data_version'`);

describe('goal results cached per data version', () => {
  it('serves the cached result until meta.data_version moves, then recomputes', async () => {
    const ctx = await setup();
    const first = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    expect(first.goals.find((g) => g.id === 'K3-total')?.current.value).toBe(623.5);
    const monthsPath = '/api/months?from=2024-12&gender=total';
    expect(monthsResponse.parse((await getJson(ctx, monthsPath)).body).rows[0]?.lzb).toBe(618);

    // Change LZB total Dec 2024 from 618 to 630 behind the service's back, without a version bump:
    // the cached result is still served (computed once per version, not per request).
    await rows(
      ctx.db,
      sql`update observations set value = 630 where region_id = ${REGION_A} and indicator_code = 'LZB' and gender = 'total' and month = '2024-12'`,
    );
    const cached = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    expect(cached.goals.find((g) => g.id === 'K3-total')?.current.value).toBe(623.5);
    const cachedRows = monthsResponse.parse((await getJson(ctx, monthsPath)).body);
    expect(cachedRows.rows[0]?.lzb).toBe(618);

    // An import's transaction bumps the version: everything is recomputed from the database.
    await bump(ctx, '2');
    const fresh = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    expect(fresh.dataVersion).toBe('2');
    // mean LZB 2024 = (629 + ... + 619 + 630) / 12 = (7482 − 618 + 630) / 12 = 7494 / 12 = 624.5
    expect(fresh.goals.find((g) => g.id === 'K3-total')?.current.value).toBe(624.5);
    const freshRows = monthsResponse.parse((await getJson(ctx, monthsPath)).body);
    expect(freshRows.rows[0]?.lzb).toBe(630);
  });

  it('moves the default region and data month when new data arrive', async () => {
    const ctx = await setup();
    expect(goalsResponse.parse((await getJson(ctx, '/api/goals')).body).dataMonth).toBe('2024-12');
    const ins = (code: string, value: number) =>
      rows(
        ctx.db,
        sql`insert into observations (region_id, indicator_code, gender, month, value, flag, loaded_at, revision_count)
            values (${REGION_A}, ${code}, 'total', '2025-01', ${value}, null, '2025-02-20T06:00:00.000Z', 0)`,
      );
    await ins('INT', 24);
    await ins('ELB', 1185);
    // Without LZB total, January 2025 is not yet a data month.
    await bump(ctx, '2');
    expect(goalsResponse.parse((await getJson(ctx, '/api/goals')).body).dataMonth).toBe('2024-12');
    await ins('LZB', 617);
    await bump(ctx, '3');
    const r = goalsResponse.parse((await getJson(ctx, '/api/goals')).body);
    expect(r.dataMonth).toBe('2025-01');
    expect(r.year).toBe(2025);
    expect(r.loadedAt).toBe('2025-02-20T06:00:00.000Z');
  });

  it('answers repeated requests with identical bytes and the envelope headers', async () => {
    const ctx = await setup();
    const a = await ctx.app.request('/api/goals', { headers: { 'X-Request-Id': 'abc-123' } });
    const b = await ctx.app.request('/api/goals');
    expect(await a.text()).toBe(await b.text());
    expect(a.headers.get('x-request-id')).toBe('abc-123');
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('content-type')).toBe('application/json');
    expect(a.headers.get('content-security-policy')).toContain("default-src 'self'");
    // A hostile request id is replaced, not echoed.
    for (const hostile of ['<script>alert(1)</script>', 'a'.repeat(256)]) {
      const c = await ctx.app.request('/api/goals', { headers: { 'X-Request-Id': hostile } });
      expect(c.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
