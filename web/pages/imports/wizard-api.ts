/**
 * Requests of the import wizard, the background upload and the Jobcenter set-up. Multipart
 * requests go through fetch and FormData (the typed client does not model file fields); the
 * paths come from the typed client and the answers' types are inferred from the server's routes.
 * Each write takes a Credential: the session (same-origin fetch sends the cookie and the Origin
 * header on its own) or the pasted admin token (see access.ts).
 */
import type { InferResponseType } from 'hono/client';

import { ApiRequestError, client, read, toApiError } from '../../api';
import { authHeaders, type Credential } from './access';

const wizard = client.api['import-wizard'];
export type PreviewResponse = InferResponseType<typeof wizard.preview.$post, 200>;
export type ImportJob = InferResponseType<(typeof wizard.jobs)[':id']['$get'], 200>['job'];
export type MappingsResponse = InferResponseType<(typeof client.api)['import-mappings']['$get'], 200>;
export type JobcentersResponse = InferResponseType<typeof client.api.jobcenters.$get, 200>;
export type GridSpec = Extract<
  Parameters<(typeof client.api)['import-mappings']['$post']>[0],
  { json: unknown }
>['json']['spec'];

async function postForm<T>(
  path: string,
  form: FormData,
  credential: Credential,
  isT: (x: unknown) => x is T,
): Promise<T> {
  const res = await fetch(path, { method: 'POST', body: form, headers: authHeaders(credential) });
  if (!res.ok) throw await toApiError(res);
  const body: unknown = await res.json();
  if (!isT(body)) throw new ApiRequestError(res.status, 'bad_response', 'Unerwartete Antwort des Servers.');
  return body;
}

const hasKey =
  <K extends string>(key: K) =>
  <T>(x: unknown): x is T =>
    typeof x === 'object' && x !== null && key in x;

/** What the wizard shows of a file, and (with a draft) what the draft makes of it. */
export function previewFile(
  file: File,
  spec: GridSpec | null,
  credential: Credential,
): Promise<PreviewResponse> {
  const form = new FormData();
  form.append('file', file);
  if (spec) form.append('spec', JSON.stringify(spec));
  return postForm(wizard.preview.$path(), form, credential, hasKey('sheets')<PreviewResponse>);
}

/** Starts an import in the background; the page polls its progress. */
export async function startImportJob(file: File, credential: Credential): Promise<ImportJob> {
  const form = new FormData();
  form.append('file', file);
  const r = await postForm(wizard.jobs.$path(), form, credential, hasKey('job')<{ job: ImportJob }>);
  return r.job;
}

export async function fetchImportJob(id: string): Promise<ImportJob> {
  return (await read(await wizard.jobs[':id'].$get({ param: { id } }))).job;
}

export async function fetchMappings(): Promise<MappingsResponse> {
  return read(await client.api['import-mappings'].$get());
}

export async function saveMapping(
  m: { name: string; pattern: string; spec: GridSpec },
  credential: Credential,
): Promise<void> {
  await read(
    await client.api['import-mappings'].$post({ json: m, header: {} }, { headers: authHeaders(credential) }),
  );
}

export async function deleteMapping(id: number, credential: Credential): Promise<void> {
  await read(
    await client.api['import-mappings'][':id'].$delete(
      { param: { id: String(id) } },
      { headers: authHeaders(credential) },
    ),
  );
}

/** Renames a mapping or changes its file pattern (the spec is sent back as stored). */
export async function updateMapping(
  id: number,
  m: { name: string; pattern: string; spec: unknown },
  credential: Credential,
): Promise<void> {
  const res = await fetch(`${client.api['import-mappings'].$path()}/${id}`, {
    method: 'PUT',
    body: JSON.stringify(m),
    headers: { ...authHeaders(credential), 'Content-Type': 'application/json' },
  });
  if (!res.ok) throw await toApiError(res);
}

/** Loads mappings exported from another installation (the JSON of GET /export). */
export async function importMappings(json: unknown, credential: Credential): Promise<number> {
  const res = await fetch(client.api['import-mappings'].import.$path(), {
    method: 'POST',
    body: JSON.stringify(json),
    headers: { ...authHeaders(credential), 'Content-Type': 'application/json' },
  });
  if (!res.ok) throw await toApiError(res);
  const body: unknown = await res.json();
  return typeof body === 'object' && body !== null && 'imported' in body && typeof body.imported === 'number'
    ? body.imported
    : 0;
}

export const mappingsExportPath = () => client.api['import-mappings'].export.$path();

export async function fetchJobcenters(): Promise<JobcentersResponse> {
  return read(await client.api.jobcenters.$get());
}

export async function chooseHome(jobcenter: string, credential: Credential): Promise<string> {
  const r = await read(
    await client.api.jobcenters.home.$post({ json: { jobcenter } }, { headers: authHeaders(credential) }),
  );
  return r.home;
}
