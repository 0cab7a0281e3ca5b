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
import { alertsQuery, muteBody, muteIdParam, recipientBody, recipientIdParam } from './routes/alerts.js';
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
const upload = [{ contentType: 'multipart/form-data', schema: uploadForm }];

/** A response by its description, or its description and the zod schema of its JSON body. */
type ResponseDoc = string | [description: string, schema: z.ZodType];

/** One row of the table below: 'method path', summary, responses by status, and the inputs. */
function op(
  route: `${Endpoint['method']} /${string}`,
  summary: string,
  responses: Record<number, ResponseDoc>,
  inputs: Pick<Endpoint, 'role' | 'query' | 'params' | 'body'> = {},
): Endpoint {
  const [method, path] = route.split(' ') as [Endpoint['method'], string];
  const docs = Object.entries(responses).map(([code, doc]) => [
    code,
    typeof doc === 'string' ? { description: doc } : { description: doc[0], schema: doc[1] },
  ]);
  return { method, path, summary, ...inputs, responses: Object.fromEntries(docs) };
}

// biome-ignore format: a table, one endpoint a row
const ENDPOINTS: Endpoint[] = [
  op('get /api/health', 'State of the data (stale or not) and of the last import', { 200: ['Health', res.healthResponse] }),
  op('get /api/health/live', 'Liveness for a load balancer: the process answers (no database access)', { 200: ['Live', res.liveResponse] }),
  op('get /api/health/ready', 'Readiness for a load balancer: database reachable and migrations current (503 otherwise)', { 200: ['Ready', res.readyResponse], 503: ['Not ready', res.readyResponse] }),
  op('get /api/version', 'Data version and build (ETag; 304 on If-None-Match) for polling displays', { 200: ['Version', res.versionResponse], 304: 'Unchanged' }),
  op('get /api/goals', "The year's goals of a region evaluated at a data month", { 200: ['Goals', res.goalsResponse] }, { query: req.goalsQuery }),
  op('get /api/goals/{id}/series', "Monthly points of one goal's chart", { 200: ['Series', res.seriesResponse] }, { params: req.goalParam, query: req.goalsQuery }),
  op('get /api/goals/{id}/backtest', "The forecast's backtest report for one goal: by origin month the mean absolute error of the yoy3 forecast and of the naive baseline, and the coverage of the 80 % interval", { 200: ['Backtest report', res.backtestResponse] }, { params: req.goalParam, query: req.goalsQuery }),
  op('get /api/months', 'Monthly figures per month and gender (JSON pages, or CSV/XLSX export of all filtered rows)', { 200: ['Rows (JSON), or a CSV/XLSX file with format=csv|xlsx', res.monthsResponse], 422: 'Export larger than the row limit' }, { query: req.monthsQuery }),
  op('get /api/months/plan', 'Series of the plan goals (entries, spending, commitments, places) by month; format=csv|xlsx exports', { 200: ['Plan series by month', res.planMonthsResponse] }, { query: req.planMonthsQuery }),
  op('get /api/months/{month}/revisions', 'Revision history of a month, newest first', { 200: ['Revisions', res.revisionsResponse] }, { params: req.revisionsParam, query: req.revisionsQuery }),
  op('get /api/comparison', 'LZB share against the mean of the same Vergleichstyp', { 200: ['Comparison', res.comparisonResponse] }, { query: req.comparisonQuery }),
  op('get /api/regions', 'All regions', { 200: ['Regions', res.regionsResponse] }),
  op('get /api/indicators', 'Indicator definitions', { 200: ['Indicators', res.indicatorsResponse] }),
  op('get /api/targets', 'Targets (AIP) by region and year', { 200: ['Targets', res.targetsResponse], 404: 'Unknown region' }, { query: req.targetsQuery }),
  op('put /api/targets', 'Create or change a target (with history; name from changedBy or X-Changed-By)', { 200: ['The saved target', res.targetPutResponse] }, { role: 'admin', body: json(req.targetBody) }),
  op('get /api/targets/history', 'Who changed which target when, newest first', { 200: ['History', res.targetHistoryResponse], 404: 'Unknown region' }, { query: req.targetsQuery }),
  op('get /api/imports', 'Import run log with files', { 200: ['Runs', res.importsResponse] }, { query: req.importsQuery }),
  op('post /api/imports', 'Upload a file (multipart field "file") or run the configured sources ({"action":"run-sources"})', { 200: ['Imported or unchanged', res.importSummaryResponse], 409: 'Another import is running', 413: 'File larger than UPLOAD_MAX_BYTES', 422: 'File rejected (the summary names file, sheet, row and column)', 503: 'The upload cannot be stored for the import (upload_storage)' }, { role: 'controller', body: [...upload, ...json(req.runSourcesBody)] }),
  op('get /api/import-mappings', 'Layouts mapped in the import wizard (name, file pattern, spec) and the built-in BA layouts', { 200: 'Mappings' }),
  op('get /api/import-mappings/export', 'The saved mappings as a JSON download (for POST /api/import-mappings/import elsewhere)', { 200: 'Mappings JSON' }),
  op('post /api/import-mappings', 'Save a mapping (same name: replaced); applied to later files whose name matches the pattern', { 201: 'The saved mapping' }, { role: 'admin', body: json(savedMappingSchema) }),
  op('post /api/import-mappings/import', 'Load exported mappings', { 200: 'How many were loaded' }, { role: 'admin', body: json(mappingsImportBody) }),
  op('put /api/import-mappings/{id}', 'Change a mapping', { 200: 'The mapping', 404: 'No such mapping' }, { role: 'admin', params: mappingIdParam, body: json(savedMappingSchema) }),
  op('delete /api/import-mappings/{id}', 'Delete a mapping', { 200: 'Deleted', 404: 'No such mapping' }, { role: 'admin', params: mappingIdParam }),
  op('post /api/import-wizard/preview', 'A file\'s sheets, first rows, detected header rows, month axis and number cells; with a draft spec (form field "spec", JSON) the observations it yields and every failing cell. Writes nothing.', { 200: 'Preview', 413: 'File larger than UPLOAD_MAX_BYTES', 422: 'File not readable', 503: 'The upload cannot be stored (upload_storage), or two previews run and four wait already (preview_busy): try again shortly' }, { role: 'controller', body: upload }),
  op('post /api/import-wizard/jobs', 'Import an uploaded file in the background; poll GET /api/import-wizard/jobs/{id} for progress', { 202: 'The started job', 413: 'File larger than UPLOAD_MAX_BYTES', 503: 'The upload cannot be stored for the import (upload_storage)' }, { role: 'controller', body: upload }),
  op('get /api/import-wizard/jobs', 'Background imports of this server process, newest first', { 200: 'Jobs' }),
  op('get /api/import-wizard/jobs/{id}', 'Progress (rows, percent) and result of a background import', { 200: 'The job', 404: 'No such job' }, { params: jobParam }),
  op('get /api/jobcenters', 'The directory of all Jobcenters (BA id, label; Kreis key and name derived, not official)', { 200: 'Directory' }),
  op('post /api/jobcenters/home', "Set-up: choose one's own Jobcenter (its region is created or linked by alias)", { 200: 'The home region', 404: 'Unknown Jobcenter' }, { role: 'admin', body: json(setupBody) }),
  op('get /api/alerts', 'E-mail alert history, newest first', { 200: 'Alerts' }, { query: alertsQuery }),
  op('post /api/alerts/evaluate', 'Evaluate every goal now and mail the changes (and missing data)', { 200: 'Evaluation summary' }, { role: 'admin' }),
  op('get /api/alerts/mutes', 'Active and past mutes (file and API)', { 200: 'Mutes' }),
  op('put /api/alerts/mutes', 'Mute alerts of a goal until a day', { 200: 'The mute', 404: 'Unknown region or indicator' }, { role: 'admin', body: json(muteBody) }),
  op('delete /api/alerts/mutes/{id}', 'Delete a mute', { 200: 'Deleted', 404: 'No such mute' }, { role: 'admin', params: muteIdParam }),
  op('get /api/alerts/recipients', 'Alert recipients with their source (environment, configuration file, API)', { 200: 'Recipients' }, { role: 'admin' }),
  op('post /api/alerts/recipients', 'Add an alert recipient', { 201: 'The recipient', 404: 'Unknown region or indicator', 409: 'The address is already a recipient' }, { role: 'admin', body: json(recipientBody) }),
  op('delete /api/alerts/recipients/{id}', 'Remove a recipient added through the API', { 200: 'Deleted', 404: 'No such recipient' }, { role: 'admin', params: recipientIdParam }),
  op('get /api/comments', 'Comments of a region (a goal includes those on its whole indicator), oldest month first', { 200: 'Comments with edit history and canEdit for the asking person', 404: 'Unknown region' }, { query: commentsQuery }),
  op('post /api/comments', 'Write a comment on a goal (or indicator) and month; plain text, at most 2,000 characters', { 201: 'The comment', 400: 'Invalid body, or a month after the current calendar month', 404: 'Unknown region or indicator' }, { role: 'controller', body: json(commentBody) }),
  op('patch /api/comments/{id}', 'Change the text of a comment (its author, or an admin); the old text goes to the history', { 200: 'The comment', 404: 'No such comment' }, { role: 'controller', params: commentIdParam, body: json(commentPatchBody) }),
  op('delete /api/comments/{id}', 'Delete a comment (its author, or an admin)', { 200: 'Deleted', 404: 'No such comment' }, { role: 'controller', params: commentIdParam }),
  op('get /api/me', 'Who is asking (name, role, how signed in) and whether OpenID Connect sign-in is available', { 200: 'The principal' }),
  op('get /api/auth/login', 'Start the OpenID Connect sign-in (302 to the identity provider)', { 302: 'To the provider', 404: 'OIDC not configured' }, { query: loginQuery }),
  op('get /api/auth/callback', 'Back from the identity provider: checks state, nonce and PKCE, sets the session cookie', { 302: 'Signed in; to the page of returnTo' }, { query: callbackQuery }),
  op('post /api/auth/logout', 'Sign out: ends the browser session on the server and deletes the cookie', { 200: 'Signed out' }),
  op('get /api/admin/users', 'Users', { 200: 'Users' }, { role: 'admin' }),
  op('patch /api/admin/users/{id}', "Set a user's role by hand (null: from the mappings) or disable the user", { 200: 'The user', 404: 'No such user' }, { role: 'admin', params: idParam, body: json(userPatchBody) }),
  op('get /api/admin/role-mappings', 'Role mappings of the admin page', { 200: 'Mappings' }, { role: 'admin' }),
  op('put /api/admin/role-mappings', 'Map a user name or group (claim value) to a role', { 200: 'The mapping' }, { role: 'admin', body: json(roleMappingBody) }),
  op('delete /api/admin/role-mappings/{id}', 'Delete a role mapping', { 200: 'Deleted', 404: 'No such mapping' }, { role: 'admin', params: idParam }),
  op('get /api/admin/tokens', 'Personal API tokens (never the tokens themselves)', { 200: 'Tokens' }, { role: 'admin' }),
  op('post /api/admin/tokens', 'Create a personal API token; the answer shows it once', { 201: 'The token (once) and its record' }, { role: 'admin', body: json(tokenBody) }),
  op('delete /api/admin/tokens/{id}', 'Revoke a personal API token', { 200: 'Revoked', 404: 'No such active token' }, { role: 'admin', params: idParam }),
  op('get /api/admin/sessions', 'Active browser sessions', { 200: 'Sessions' }, { role: 'admin' }),
  op('delete /api/admin/sessions/{id}', 'End a browser session', { 200: 'Revoked', 404: 'No such active session' }, { role: 'admin', params: idParam }),
  op('get /api/admin/audit', 'Audit log of every write, newest first (format=csv: download)', { 200: 'Entries, or a CSV file with format=csv' }, { role: 'admin', query: auditQuery }),
  op('get /api/openapi.json', 'This description', { 200: 'OpenAPI 3.1 document' }),
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
