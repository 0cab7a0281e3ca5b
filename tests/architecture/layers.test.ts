/**
 * The layer rule over the real import graph: core ← domain ← db ← etl / goals / alerts ← routes ←
 * app, the web on core and the API types only, no import cycles. The checker is shown to fail on a
 * small tree with planted wrong imports, so a pass on the real tree means something.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { checkLayers, layerOf } from './import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const planted = mkdtempSync(path.join(tmpdir(), 'zielmonitor-layers-'));
afterAll(() => rmSync(planted, { recursive: true, force: true }));

function plant(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(planted, 'tree-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('layer rule', () => {
  test('the source tree keeps its layers and has no import cycle', () => {
    expect(checkLayers(ROOT)).toEqual([]);
  });

  test.each([
    ['core/x.ts', 'core'],
    ['server/domain/goals.ts', 'domain'],
    ['server/db/schema.ts', 'db'],
    ['etl/run.ts', 'service'],
    ['server/goals/service.ts', 'service'],
    ['server/alerts/service.ts', 'service'],
    ['server/routes/goals.ts', 'routes'],
    ['server/auth/middleware.ts', 'routes'],
    ['server/http/errors.ts', 'routes'],
    ['server/errors.ts', 'routes'],
    ['server/domain/errors.ts', 'domain'],
    ['server/app.ts', 'app'],
    ['web/pages/Goal.tsx', 'web'],
  ])('%s is in layer %s', (file, layer) => {
    expect(layerOf(file)).toBe(layer);
  });

  test('a planted wrong import fails, naming file, line and reason', () => {
    const tree = plant({
      'core/words.ts':
        "import { goalStatus } from '../server/domain/status.js';\nexport const x = goalStatus;\n",
      'server/domain/status.ts': 'export const goalStatus = 1;\n',
    });
    expect(checkLayers(tree)).toEqual([
      'core/words.ts:1: core may not import the higher layer domain (server/domain/status.ts)',
    ]);
  });

  test('each wrong direction is caught; allowed imports pass', () => {
    const tree = plant({
      'core/months.ts': 'export const m = 1;\n',
      'server/domain/goals.ts': "import { m } from '../../core/months.js';\nexport const g = m;\n",
      'server/db/repo.ts': "import { r } from '../routes/goals.js';\nexport const d = r;\n",
      'server/routes/goals.ts': "import { g } from '../domain/goals.js';\nexport const r = g;\n",
      'etl/run.ts': "import { Page } from '../web/pages/Goal.js';\nexport const e = Page;\n",
      'server/app.ts': "import { r } from './routes/goals.js';\nexport type AppType = typeof r;\n",
      'web/pages/Goal.tsx': [
        "import type { AppType } from '../../server/app.js';",
        "import { m } from '../../core/months.js';",
        "import { d } from '../../server/db/repo.js';",
        'export const Page = [m, d] as unknown as AppType;',
        '',
      ].join('\n'),
      'web/api.ts': "import { r } from '../server/app.js';\nexport const a = r;\n",
    });
    expect(checkLayers(tree).sort()).toEqual(
      [
        'etl/run.ts:1: service imports the web (web/pages/Goal.tsx)',
        'server/db/repo.ts:1: db may not import the HTTP layer (server/routes/goals.ts): throw a DomainError (server/domain/errors.ts), the routes map it to HTTP',
        'web/api.ts:1: the web may import core/ and (type-only) the API types of server/app.ts, not server/app.ts',
        'web/pages/Goal.tsx:3: the web may import core/ and (type-only) the API types of server/app.ts, not server/db/repo.ts',
      ].sort(),
    );
  });

  test('a service, repository, domain module or the ETL importing HTTP (ApiError, server/http, routes) fails', () => {
    const tree = plant({
      'server/domain/errors.ts': 'export class DomainError extends Error {}\n',
      'server/errors.ts':
        "import { DomainError } from './domain/errors.js';\nexport class ApiError extends DomainError {}\n",
      'server/http/errors.ts': "import { ApiError } from '../errors.js';\nexport const onError = ApiError;\n",
      'server/routes/goals.ts': "import { ApiError } from '../errors.js';\nexport const r = ApiError;\n",
      // allowed: a service throws the domain error
      'server/goals/period.ts':
        "import { DomainError } from '../domain/errors.js';\nexport const p = DomainError;\n",
      // planted: each lower layer reaching for HTTP
      'server/goals/service.ts': "import { ApiError } from '../errors.js';\nexport const s = ApiError;\n",
      'server/alerts/service.ts': "import { onError } from '../http/errors.js';\nexport const a = onError;\n",
      'server/db/repo.ts': "import type { ApiError } from '../errors.js';\nexport type D = ApiError;\n",
      'server/domain/goals.ts': "import { r } from '../routes/goals.js';\nexport const g = r;\n",
      'etl/lock.ts': "import { ApiError } from '../server/errors.js';\nexport const l = ApiError;\n",
    });
    const why = (layer: string, target: string) =>
      `${layer} may not import the HTTP layer (${target}): throw a DomainError (server/domain/errors.ts), the routes map it to HTTP`;
    expect(checkLayers(tree).sort()).toEqual(
      [
        `etl/lock.ts:1: ${why('service', 'server/errors.ts')}`,
        `server/alerts/service.ts:1: ${why('service', 'server/http/errors.ts')}`,
        `server/db/repo.ts:1: ${why('db', 'server/errors.ts')}`,
        `server/domain/goals.ts:1: ${why('domain', 'server/routes/goals.ts')}`,
        `server/goals/service.ts:1: ${why('service', 'server/errors.ts')}`,
      ].sort(),
    );
  });

  test('an import cycle fails, also when it is type-only', () => {
    const tree = plant({
      'etl/parse.ts': "import type { Ctx } from './ba-xlsx.js';\nexport interface P { c: Ctx }\n",
      'etl/ba-xlsx.ts': "import type { P } from './parse.js';\nexport interface Ctx { p?: P }\n",
    });
    expect(checkLayers(tree)).toEqual(['import cycle: etl/ba-xlsx.ts → etl/parse.ts → etl/ba-xlsx.ts']);
  });
});
