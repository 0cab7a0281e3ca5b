/**
 * A path of the API asked with a method it does not answer gets 405 with the Allow header (read
 * from the routes the app registered); a path that does not exist gets 404.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { methodsByPath } from '../../server/http/methods.js';
import { setup } from './fixture.js';

describe('405 Method Not Allowed', () => {
  it('answers 405 with Allow for a known path, 404 for an unknown one', async () => {
    const ctx = await setup();
    const app = createApp(ctx.deps);
    const cases: [string, string, number, string | null][] = [
      ['POST', '/api/goals', 405, 'GET, HEAD'],
      ['DELETE', '/api/goals', 405, 'GET, HEAD'],
      ['GET', '/api/alerts/mutes/1', 405, 'DELETE'],
      ['PATCH', '/api/alerts/mutes', 405, 'GET, HEAD, PUT'],
      ['OPTIONS', '/api/targets', 405, 'GET, HEAD, PUT'],
      ['POST', '/api/openapi.json', 405, 'GET, HEAD'],
      ['PUT', '/api/nothing', 404, null],
      ['GET', '/api/goals/K2-female/nothing/more', 404, null],
    ];
    for (const [method, path, status, allow] of cases) {
      const res = await app.request(path, { method });
      const what = `${method} ${path}`;
      expect(res.status, what).toBe(status);
      expect(res.headers.get('allow'), what).toBe(allow);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, what).toBe(status === 405 ? 'method_not_allowed' : 'not_found');
      if (status === 405)
        expect(body.error.message, what).toBe(`${method} is not answered at ${path} (it answers ${allow})`);
    }
    // The methods a path answers still answer.
    expect((await app.request('/api/goals')).status).toBe(200);
    expect((await app.request('/api/openapi.json')).status).toBe(200);
  });

  it('matches parameters as one segment and treats literal dots as dots', () => {
    const allowed = methodsByPath([
      { method: 'GET', path: '/api/goals/:id/series' },
      { method: 'ALL', path: '/api/*' },
      { method: 'GET', path: '/api/openapi.json' },
      { method: 'DELETE', path: '/api/x/:id{[0-9]+}' },
    ]);
    expect(allowed('/api/goals/K2-female/series')).toEqual(['GET', 'HEAD']);
    expect(allowed('/api/goals/a/b/series')).toEqual([]);
    expect(allowed('/api/openapiXjson')).toEqual([]);
    expect(allowed('/api/x/7')).toEqual(['DELETE']);
    expect(allowed('/api/anything')).toEqual([]);
  });
});
