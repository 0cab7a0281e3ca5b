/**
 * The hot JSON endpoints answer from a body serialised once per cached result: with its exact
 * length, an ETag that changes with the content, and a 304 on If-None-Match. Query validation
 * (our synchronous middleware) keeps hono/validator's shape: a repeated parameter is an array,
 * which the schema rejects with the one error shape.
 */
import { describe, expect, it } from 'vitest';
import { month } from '../../core/months.js';
import { syncDataVersion } from '../../server/db/repositories/meta.js';
import { goalsResponse } from '../../server/http/responses.js';
import { rows, sql } from '../helpers/db.js';
import { REGION_A, REGION_B, setup } from './fixture.js';

describe('cached JSON answers (GET /api/goals, /api/goals/:id/series)', () => {
  it('sends the exact Content-Length, an ETag, and 304 with no body when the ETag matches', async () => {
    const ctx = await setup();
    const first = await ctx.app.request(`/api/goals?region=${REGION_A}`);
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(first.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"[\w-]{22}"$/);
    expect(goalsResponse.parse(JSON.parse(text)).region.id).toBe(REGION_A);

    // The same answer again: byte for byte, same ETag; revalidation (also in a list) gives 304.
    const again = await ctx.app.request(`/api/goals?region=${REGION_A}`);
    expect(await again.text()).toBe(text);
    expect(again.headers.get('etag')).toBe(etag);
    for (const inm of [etag, etag.replace(/^W\//, ''), `"other", ${etag}`]) {
      const r = await ctx.app.request(`/api/goals?region=${REGION_A}`, { headers: { 'If-None-Match': inm } });
      expect(r.status, inm).toBe(304);
      expect(await r.text()).toBe('');
      expect(r.headers.get('etag')).toBe(etag);
      expect(r.headers.get('x-request-id')).toBeTruthy();
    }

    // Another region (other content): another ETag, and the old one does not match it.
    const other = await ctx.app.request(`/api/goals?region=${REGION_B}`, {
      headers: { 'If-None-Match': etag },
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
  });

  it('gives a new ETag once the data changed (a target edited by another process)', async () => {
    const ctx = await setup();
    const before = await ctx.app.request(`/api/goals?region=${REGION_A}`);
    const etag = before.headers.get('etag') ?? '';
    await rows(
      ctx.db,
      sql`update targets set target_change_pct = target_change_pct + 0.5 where region_id = ${REGION_A}`,
    );
    await rows(
      ctx.db,
      sql`update meta set value = cast(cast(value as integer) + 1 as text) where key = 'data_version'`,
    );
    const after = await ctx.app.request(`/api/goals?region=${REGION_A}`, {
      headers: { 'If-None-Match': etag },
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('serves the series endpoint the same way', async () => {
    const ctx = await setup();
    const r = await ctx.app.request(`/api/goals/K2-total/series?region=${REGION_A}`);
    expect(r.status).toBe(200);
    const etag = r.headers.get('etag') ?? '';
    const again = await ctx.app.request(`/api/goals/K2-total/series?region=${REGION_A}`, {
      headers: { 'If-None-Match': etag },
    });
    expect(again.status).toBe(304);
  });

  it('serves the backtest endpoint the same way, its report made once per data version and query', async () => {
    const ctx = await setup();
    const path = `/api/goals/K2-total/backtest?region=${REGION_A}&year=2024`;
    const r = await ctx.app.request(path);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    const etag = r.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"[\w-]{22}"$/);
    const again = await ctx.app.request(path, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    // The cached answer itself: the same object for the same query, a new one for another region
    // or once the data version moves on.
    const q = { id: 'K2-total', region: REGION_A, year: 2024 };
    const first = await ctx.deps.goals.backtestAnswer(q);
    expect(await ctx.deps.goals.backtestAnswer(q)).toBe(first);
    expect(first.etag).toBe(etag);
    // The report does not depend on the month: a month of the same year is the same answer.
    expect(await ctx.deps.goals.backtestAnswer({ ...q, month: month('2024-03') })).toBe(first);
    expect(await ctx.deps.goals.backtestAnswer({ ...q, region: REGION_B })).not.toBe(first);
    await rows(
      ctx.db,
      sql`update meta set value = cast(cast(value as integer) + 1 as text) where key = 'data_version'`,
    );
    // (On PostgreSQL every request reads the data version first; this call is not a request.)
    await syncDataVersion(ctx.db);
    expect(await ctx.deps.goals.backtestAnswer(q)).not.toBe(first);
  });
});

describe('query and path validation', () => {
  it('rejects a repeated query parameter and a bad path parameter with the one error shape', async () => {
    const ctx = await setup();
    const twice = await ctx.app.request(`/api/goals?region=${REGION_A}&region=${REGION_B}`);
    expect(twice.status).toBe(400);
    const body = (await twice.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/^Invalid query parameter: region: /);

    const badId = await ctx.app.request(`/api/goals/K9-nobody/series?region=${REGION_A}`);
    expect(badId.status).toBe(400);
    const e = (await badId.json()) as { error: { code: string; message: string } };
    expect(e.error.message).toMatch(/^Invalid path parameter: id: /);
  });
});
