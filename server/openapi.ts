/**
 * The OpenAPI 3.1 description of the API, generated from the same zod schemas the routes validate
 * with (server/http/schemas.ts) and the tests check responses against (server/http/responses.ts).
 */
import { z } from 'zod';
import { savedMappingSchema } from '../etl/wizard-mapping.js';
import type { Role } from './auth/roles.js';
import { errorBodySchema } from './http/errors.js';
import * as res from './http/responses.js';
import * as req from './http/schemas.js';
import { auditQuery, idParam, roleMappingBody, tokenBody, userPatchBody } from './routes/admin.js';
import { alertsQuery, muteBody, muteIdParam } from './routes/alerts.js';
import { callbackQuery, loginQuery } from './routes/auth.js';
import { commentBody, commentIdParam, commentPatchBody, commentsQuery } from './routes/comments.js';
import { mappingIdParam, mappingsImportBody } from './routes/import-mappings.js';
import { jobParam } from './routes/import-wizard.js';
import { setupBody } from './routes/jobcenters.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

interface Endpoint {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: { contentType: string; schema: z.ZodType | JsonSchema }[];
  /** The least role the route needs (writes); absent: anyone who may read. */
  role?: Role;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const uploadForm: JsonSchema = {
  type: 'object',
  properties: {
    file: { type: 'string', format: 'binary', description: 'CSV or XLSX file (canonical or BA layout)' },
  },
  required: ['file'],
};

const json = (schema: z.ZodType) => [{ contentType: 'application/json', schema }];

const COMMENT_ENDPOINTS: Endpoint[] = [
  {
    method: 'get',
    path: '/api/comments',
    summary: 'Comments of a region (a goal includes those on its whole indicator), oldest month first',
    query: commentsQuery,
    responses: { 200: { description: 'Comments with edit history and canEdit for the asking person' } },
  },
  {
    method: 'post',
    path: '/api/comments',
    summary: 'Write a comment on a goal (or indicator) and month; plain text, at most 2,000 characters',
    role: 'controller',
    body: json(commentBody),
    responses: { 201: { description: 'The comment' }, 404: { description: 'Unknown region or indicator' } },
  },
  {
    method: 'patch',
    path: '/api/comments/{id}',
    summary: 'Change the text of a comment (its author, or an admin); the old text goes to the history',
    role: 'controller',
    params: commentIdParam,
    body: json(commentPatchBody),
    responses: { 200: { description: 'The comment' }, 404: { description: 'No such comment' } },
  },
  {
    method: 'delete',
    path: '/api/comments/{id}',
    summary: 'Delete a comment (its author, or an admin)',
    role: 'controller',
    params: commentIdParam,
    responses: { 200: { description: 'Deleted' }, 404: { description: 'No such comment' } },
  },
];

const AUTH_ENDPOINTS: Endpoint[] = [
  {
    method: 'get',
    path: '/api/me',
    summary: 'Who is asking (name, role, how signed in) and whether OpenID Connect sign-in is available',
    responses: { 200: { description: 'The principal' } },
  },
  {
    method: 'get',
    path: '/api/auth/login',
    summary: 'Start the OpenID Connect sign-in (302 to the identity provider)',
    query: loginQuery,
    responses: { 302: { description: 'To the provider' }, 404: { description: 'OIDC not configured' } },
  },
  {
    method: 'get',
    path: '/api/auth/callback',
    summary: 'Back from the identity provider: checks state, nonce and PKCE, sets the session cookie',
    query: callbackQuery,
    responses: { 302: { description: 'Signed in; to the page of returnTo' } },
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out: ends the browser session on the server and deletes the cookie',
    responses: { 200: { description: 'Signed out' } },
  },
];

const ADMIN_ENDPOINTS: Endpoint[] = [
  {
    method: 'get',
    path: '/api/admin/users',
    summary: 'Users',
    role: 'admin',
    responses: { 200: { description: 'Users' } },
  },
  {
    method: 'patch',
    path: '/api/admin/users/{id}',
    summary: "Set a user's role by hand (null: from the mappings) or disable the user",
    role: 'admin',
    params: idParam,
    body: json(userPatchBody),
    responses: { 200: { description: 'The user' }, 404: { description: 'No such user' } },
  },
  {
    method: 'get',
    path: '/api/admin/role-mappings',
    summary: 'Role mappings of the admin page',
    role: 'admin',
    responses: { 200: { description: 'Mappings' } },
  },
  {
    method: 'put',
    path: '/api/admin/role-mappings',
    summary: 'Map a user name or group (claim value) to a role',
    role: 'admin',
    body: json(roleMappingBody),
    responses: { 200: { description: 'The mapping' } },
  },
  {
    method: 'delete',
    path: '/api/admin/role-mappings/{id}',
    summary: 'Delete a role mapping',
    role: 'admin',
    params: idParam,
    responses: { 200: { description: 'Deleted' }, 404: { description: 'No such mapping' } },
  },
  {
    method: 'get',
    path: '/api/admin/tokens',
    summary: 'Personal API tokens (never the tokens themselves)',
    role: 'admin',
    responses: { 200: { description: 'Tokens' } },
  },
  {
    method: 'post',
    path: '/api/admin/tokens',
    summary: 'Create a personal API token; the answer shows it once',
    role: 'admin',
    body: json(tokenBody),
    responses: { 201: { description: 'The token (once) and its record' } },
  },
  {
    method: 'delete',
    path: '/api/admin/tokens/{id}',
    summary: 'Revoke a personal API token',
    role: 'admin',
    params: idParam,
    responses: { 200: { description: 'Revoked' }, 404: { description: 'No such active token' } },
  },
  {
    method: 'get',
    path: '/api/admin/sessions',
    summary: 'Active browser sessions',
    role: 'admin',
    responses: { 200: { description: 'Sessions' } },
  },
  {
    method: 'delete',
    path: '/api/admin/sessions/{id}',
    summary: 'End a browser session',
    role: 'admin',
    params: idParam,
    responses: { 200: { description: 'Revoked' }, 404: { description: 'No such active session' } },
  },
  {
    method: 'get',
    path: '/api/admin/audit',
    summary: 'Audit log of every write, newest first (format=csv: download)',
    role: 'admin',
    query: auditQuery,
    responses: { 200: { description: 'Entries, or a CSV file with format=csv' } },
  },
];

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
    role: 'admin',
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
    role: 'controller',
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
    path: '/api/import-mappings',
    summary: 'Layouts mapped in the import wizard (name, file pattern, spec) and the built-in BA layouts',
    responses: { 200: { description: 'Mappings' } },
  },
  {
    method: 'get',
    path: '/api/import-mappings/export',
    summary: 'The saved mappings as a JSON download (for POST /api/import-mappings/import elsewhere)',
    responses: { 200: { description: 'Mappings JSON' } },
  },
  {
    method: 'post',
    path: '/api/import-mappings',
    summary: 'Save a mapping (same name: replaced); applied to later files whose name matches the pattern',
    role: 'admin',
    body: [{ contentType: 'application/json', schema: savedMappingSchema }],
    responses: { 201: { description: 'The saved mapping' } },
  },
  {
    method: 'post',
    path: '/api/import-mappings/import',
    summary: 'Load exported mappings',
    role: 'admin',
    body: [{ contentType: 'application/json', schema: mappingsImportBody }],
    responses: { 200: { description: 'How many were loaded' } },
  },
  {
    method: 'put',
    path: '/api/import-mappings/{id}',
    summary: 'Change a mapping',
    role: 'admin',
    params: mappingIdParam,
    body: [{ contentType: 'application/json', schema: savedMappingSchema }],
    responses: { 200: { description: 'The mapping' }, 404: { description: 'No such mapping' } },
  },
  {
    method: 'delete',
    path: '/api/import-mappings/{id}',
    summary: 'Delete a mapping',
    role: 'admin',
    params: mappingIdParam,
    responses: { 200: { description: 'Deleted' }, 404: { description: 'No such mapping' } },
  },
  {
    method: 'post',
    path: '/api/import-wizard/preview',
    summary:
      'A file\'s sheets, first rows, detected header rows, month axis and number cells; with a draft spec (form field "spec", JSON) the observations it yields and every failing cell. Writes nothing.',
    role: 'controller',
    body: [{ contentType: 'multipart/form-data', schema: uploadForm }],
    responses: { 200: { description: 'Preview' }, 422: { description: 'File not readable' } },
  },
  {
    method: 'post',
    path: '/api/import-wizard/jobs',
    summary: 'Import an uploaded file in the background; poll GET /api/import-wizard/jobs/{id} for progress',
    role: 'controller',
    body: [{ contentType: 'multipart/form-data', schema: uploadForm }],
    responses: { 202: { description: 'The started job' } },
  },
  {
    method: 'get',
    path: '/api/import-wizard/jobs',
    summary: 'Background imports of this server process, newest first',
    responses: { 200: { description: 'Jobs' } },
  },
  {
    method: 'get',
    path: '/api/import-wizard/jobs/{id}',
    summary: 'Progress (rows, percent) and result of a background import',
    params: jobParam,
    responses: { 200: { description: 'The job' }, 404: { description: 'No such job' } },
  },
  {
    method: 'get',
    path: '/api/jobcenters',
    summary: 'The directory of all Jobcenters (BA id, label; Kreis key and name derived, not official)',
    responses: { 200: { description: 'Directory' } },
  },
  {
    method: 'post',
    path: '/api/jobcenters/home',
    summary: "Set-up: choose one's own Jobcenter (its region is created or linked by alias)",
    role: 'admin',
    body: [{ contentType: 'application/json', schema: setupBody }],
    responses: { 200: { description: 'The home region' }, 404: { description: 'Unknown Jobcenter' } },
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
    role: 'admin',
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
    role: 'admin',
    body: [{ contentType: 'application/json', schema: muteBody }],
    responses: { 200: { description: 'The mute' } },
  },
  {
    method: 'delete',
    path: '/api/alerts/mutes/{id}',
    summary: 'Delete a mute',
    role: 'admin',
    params: muteIdParam,
    responses: { 200: { description: 'Deleted' }, 404: { description: 'No such mute' } },
  },
  ...COMMENT_ENDPOINTS,
  ...AUTH_ENDPOINTS,
  ...ADMIN_ENDPOINTS,
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
    if (e.role) {
      responses['401'] = {
        description: 'Not signed in, or the token is unknown, expired or revoked',
        content: errorContent(),
      };
      responses['403'] = {
        description: `Needs the role ${e.role} (or, with a cookie, the Origin is not PUBLIC_URL)`,
        content: errorContent(),
      };
      responses['429'] = {
        description: 'Too many wrong tokens or failed sign-ins from this address (Retry-After)',
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
      ...(e.role ? { security: [{ bearer: [] }, { session: [] }], 'x-role': e.role } : {}),
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
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A personal API token (zm_…), or the break-glass ADMIN_TOKEN',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'zm_session',
          description: 'Browser session after OpenID Connect sign-in (writes also need a matching Origin)',
        },
      },
      schemas: { Error: toSchema(errorBodySchema, 'output') },
    },
  };
}

function errorContent(): JsonSchema {
  return { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
}
