/**
 * The OpenAPI 3.1 description of the API, generated from the same zod schemas the routes validate
 * with (server/http/schemas.ts) and the tests check responses against (server/http/responses.ts).
 */
import { z } from 'zod';
import { errorBodySchema } from './http/errors.js';
import * as res from './http/responses.js';
import * as req from './http/schemas.js';
import { alertsQuery, muteBody, muteIdParam } from './routes/alerts.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

interface Endpoint {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: { contentType: string; schema: z.ZodType | JsonSchema }[];
  admin?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const uploadForm: JsonSchema = {
  type: 'object',
  properties: {
    file: { type: 'string', format: 'binary', description: 'CSV or XLSX file (canonical or BA layout)' },
  },
  required: ['file'],
};

const ENDPOINTS: Endpoint[] = [
  {
    method: 'get',
    path: '/api/health',
    summary: 'State of the data (stale or not) and of the last import',
    responses: { 200: { description: 'Health', schema: res.healthResponse } },
  },
  {
    method: 'get',
    path: '/api/health/live',
    summary: 'Liveness for a load balancer: the process answers (no database access)',
    responses: { 200: { description: 'Live', schema: res.liveResponse } },
  },
  {
    method: 'get',
    path: '/api/health/ready',
    summary: 'Readiness for a load balancer: database reachable and migrations current (503 otherwise)',
    responses: {
      200: { description: 'Ready', schema: res.readyResponse },
      503: { description: 'Not ready', schema: res.readyResponse },
    },
  },
  {
    method: 'get',
    path: '/api/version',
    summary: 'Data version and build (ETag; 304 on If-None-Match) for polling displays',
    responses: {
      200: { description: 'Version', schema: res.versionResponse },
      304: { description: 'Unchanged' },
    },
  },
  {
    method: 'get',
    path: '/api/goals',
    summary: "The year's goals of a region evaluated at a data month",
    query: req.goalsQuery,
    responses: { 200: { description: 'Goals', schema: res.goalsResponse } },
  },
  {
    method: 'get',
    path: '/api/goals/{id}/series',
    summary: "Monthly points of one goal's chart",
    params: req.goalParam,
    query: req.goalsQuery,
    responses: { 200: { description: 'Series', schema: res.seriesResponse } },
  },
  {
    method: 'get',
    path: '/api/goals/{id}/backtest',
    summary:
      "The forecast's backtest report for one goal: by origin month the mean absolute error of the yoy3 forecast and of the naive baseline, and the coverage of the 80 % interval",
    params: req.goalParam,
    query: req.goalsQuery,
    responses: { 200: { description: 'Backtest report', schema: res.backtestResponse } },
  },
  {
    method: 'get',
    path: '/api/months',
    summary: 'Monthly figures per month and gender (JSON pages, or CSV/XLSX export of all filtered rows)',
    query: req.monthsQuery,
    responses: {
      200: {
        description: 'Rows (JSON), or a CSV/XLSX file with format=csv|xlsx',
        schema: res.monthsResponse,
      },
      422: { description: 'Export larger than the row limit' },
    },
  },
  {
    method: 'get',
    path: '/api/months/plan',
    summary:
      'Series of the plan goals (entries, spending, commitments, places) by month; format=csv|xlsx exports',
    query: req.planMonthsQuery,
    responses: { 200: { description: 'Plan series by month', schema: res.planMonthsResponse } },
  },
  {
    method: 'get',
    path: '/api/months/{month}/revisions',
    summary: 'Revision history of a month, newest first',
    params: req.revisionsParam,
    query: req.revisionsQuery,
    responses: { 200: { description: 'Revisions', schema: res.revisionsResponse } },
  },
  {
    method: 'get',
    path: '/api/comparison',
    summary: 'LZB share against the mean of the same Vergleichstyp',
    query: req.comparisonQuery,
    responses: { 200: { description: 'Comparison', schema: res.comparisonResponse } },
  },
  {
    method: 'get',
    path: '/api/regions',
    summary: 'All regions',
    responses: { 200: { description: 'Regions', schema: res.regionsResponse } },
  },
  {
    method: 'get',
    path: '/api/indicators',
    summary: 'Indicator definitions',
    responses: { 200: { description: 'Indicators', schema: res.indicatorsResponse } },
  },
  {
    method: 'get',
    path: '/api/targets',
    summary: 'Targets (AIP) by region and year',
    query: req.targetsQuery,
    responses: { 200: { description: 'Targets', schema: res.targetsResponse } },
  },
  {
    method: 'put',
    path: '/api/targets',
    summary: 'Create or change a target (with history; name from changedBy or X-Changed-By)',
    admin: true,
    body: [{ contentType: 'application/json', schema: req.targetBody }],
    responses: { 200: { description: 'The saved target', schema: res.targetPutResponse } },
  },
  {
    method: 'get',
    path: '/api/targets/history',
    summary: 'Who changed which target when, newest first',
    query: req.targetsQuery,
    responses: { 200: { description: 'History', schema: res.targetHistoryResponse } },
  },
  {
    method: 'get',
    path: '/api/imports',
    summary: 'Import run log with files',
    query: req.importsQuery,
    responses: { 200: { description: 'Runs', schema: res.importsResponse } },
  },
  {
    method: 'post',
    path: '/api/imports',
    summary:
      'Upload a file (multipart field "file") or run the configured sources ({"action":"run-sources"})',
    admin: true,
    body: [
      { contentType: 'multipart/form-data', schema: uploadForm },
      { contentType: 'application/json', schema: req.runSourcesBody },
    ],
    responses: {
      200: { description: 'Imported or unchanged', schema: res.importSummaryResponse },
      409: { description: 'Another import is running' },
      413: { description: 'File larger than UPLOAD_MAX_BYTES' },
      422: { description: 'File rejected (the summary names file, sheet, row and column)' },
    },
  },
  {
    method: 'get',
    path: '/api/alerts',
    summary: 'E-mail alert history, newest first',
    query: alertsQuery,
    responses: { 200: { description: 'Alerts' } },
  },
  {
    method: 'post',
    path: '/api/alerts/evaluate',
    summary: 'Evaluate every goal now and mail the changes (and missing data)',
    admin: true,
    responses: { 200: { description: 'Evaluation summary' } },
  },
  {
    method: 'get',
    path: '/api/alerts/mutes',
    summary: 'Active and past mutes (file and API)',
    responses: { 200: { description: 'Mutes' } },
  },
  {
    method: 'put',
    path: '/api/alerts/mutes',
    summary: 'Mute alerts of a goal until a day',
    admin: true,
    body: [{ contentType: 'application/json', schema: muteBody }],
    responses: { 200: { description: 'The mute' } },
  },
  {
    method: 'delete',
    path: '/api/alerts/mutes/{id}',
    summary: 'Delete a mute',
    admin: true,
    params: muteIdParam,
    responses: { 200: { description: 'Deleted' }, 404: { description: 'No such mute' } },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This description',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
];

function parameters(e: Endpoint): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, obj] of [
    ['path', e.params],
    ['query', e.query],
  ] as const) {
    if (!obj) continue;
    for (const [name, schema] of Object.entries(obj.shape)) {
      const s = schema as z.ZodType;
      const json = toSchema(s, 'input');
      out.push({
        name,
        in: where,
        required: where === 'path' || !s.safeParse(undefined).success,
        ...(typeof json.description === 'string' ? { description: json.description } : {}),
        schema: json,
      });
    }
  }
  return out;
}

export function buildOpenApi(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const e of ENDPOINTS) {
    const responses: Record<string, JsonSchema> = {};
    for (const [code, r] of Object.entries(e.responses)) {
      responses[code] = {
        description: r.description,
        ...(r.schema
          ? { content: { [r.contentType ?? 'application/json']: { schema: toSchema(r.schema, 'output') } } }
          : {}),
      };
    }
    responses['400'] ??= {
      description: 'Bad input (the message names the parameter)',
      content: errorContent(),
    };
    if (e.admin) {
      responses['401'] = { description: 'Authorization header missing', content: errorContent() };
      responses['403'] = {
        description: 'Wrong token, or writes disabled (no ADMIN_TOKEN)',
        content: errorContent(),
      };
    }
    responses.default = { description: 'Error', content: errorContent() };
    const item = paths[e.path] ?? {};
    paths[e.path] = item;
    item[e.method] = {
      summary: e.summary,
      parameters: parameters(e),
      ...(e.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                e.body.map((b) => [
                  b.contentType,
                  { schema: b.schema instanceof z.ZodType ? toSchema(b.schema, 'input') : b.schema },
                ]),
              ),
            },
          }
        : {}),
      ...(e.admin ? { security: [{ bearer: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Zielmonitor API',
      version: '1',
      description: 'K2/K3 goals of the AIP against the monthly figures of the Statistik der BA.',
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
      schemas: { Error: toSchema(errorBodySchema, 'output') },
    },
  };
}

function errorContent(): JsonSchema {
  return { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
}
