/**
 * Services report failures as domain errors (a code, no HTTP status); the API's one error handler
 * maps the code to its status and answers `{ error: { code, message } }`.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../core/error-codes.js';
import { month } from '../../core/months.js';
import { ImportBusyError } from '../../etl/lock.js';
import { DatabaseBusyError } from '../../server/db/busy.js';
import { DomainError } from '../../server/domain/errors.js';
import { ApiError, HTTP_STATUS } from '../../server/errors.js';
import { getJson, REGION_A, setup } from './fixture.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('domain errors', () => {
  it('the goal service throws domain errors without an HTTP status', async () => {
    const ctx = await setup();
    const cases: [Promise<unknown>, string, RegExp][] = [
      [ctx.deps.goals.getGoals({ region: 'x999' }), 'region_not_found', /x999/],
      [ctx.deps.goals.getGoals({ year: 2023, month: month('2024-03') }), 'bad_request', /2024-03.*2023/],
      [ctx.deps.goals.getSeries({ region: REGION_A, id: 'K9-total' }), 'goal_not_found', /K9-total/],
    ];
    for (const [p, code, message] of cases) {
      const e = await rejection(p);
      expect(e).toBeInstanceOf(DomainError);
      expect(e).not.toBeInstanceOf(ApiError);
      expect(e).not.toHaveProperty('status');
      expect(e).toMatchObject({ code, message: expect.stringMatching(message) });
    }
    const empty = await setup({ fixture: false });
    expect(await rejection(empty.deps.goals.getGoals({}))).toMatchObject({ code: 'no_data' });
  });

  it('the error handler answers each with the status of its code and the one error shape', async () => {
    const ctx = await setup();
    const cases: [string, string][] = [
      ['/api/goals?region=x999', 'region_not_found'],
      ['/api/goals?year=2023&month=2024-03', 'bad_request'],
      [`/api/goals/K9-total/series?region=${REGION_A}`, 'goal_not_found'],
    ];
    for (const [path, code] of cases) {
      const { status, body } = await getJson(ctx, path);
      expect(status, path).toBe(HTTP_STATUS[code as keyof typeof HTTP_STATUS]);
      expect(body).toEqual({ error: { code, message: expect.any(String) } });
    }
    const empty = await setup({ fixture: false });
    const none = await getJson(empty, '/api/goals');
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ error: { code: 'no_data', message: expect.any(String) } });
  });

  it('the busy errors of the database and the ETL are domain errors with registered codes', () => {
    expect(new DatabaseBusyError(3)).toMatchObject({ code: 'database_busy', retryAfterSeconds: 3 });
    expect(new ImportBusyError()).toBeInstanceOf(DomainError);
    expect(new ImportBusyError().code).toBe('import_busy');
    expect(HTTP_STATUS.database_busy).toBe(503);
    expect(HTTP_STATUS.import_busy).toBe(409);
    // every registered code has a status, and only those
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });
});
