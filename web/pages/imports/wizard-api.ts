/**
 * Requests of the import wizard, the background upload and the Jobcenter set-up. Multipart
 * requests go through fetch and FormData (the typed client does not model file fields); the
 * paths come from the typed client and the answers' types are inferred from the server's routes.
 */
import type { InferResponseType } from 'hono/client';

import { ApiRequestError, client, read, toApiError } from '../../api';

const wizard = client.api['import-wizard'];
export type PreviewResponse = InferResponseType<typeof wizard.preview.$post, 200>;
export type ImportJob = InferResponseType<(typeof wizard.jobs)[':id']['$get'], 200>['job'];
export type MappingsResponse = InferResponseType<(typeof client.api)['import-mappings']['$get'], 200>;
export type JobcentersResponse = InferResponseType<typeof client.api.jobcenters.$get, 200>;
export type GridSpec = Extract<
  Parameters<(typeof client.api)['import-mappings']['$post']>[0],
  { json: unknown }
>['json']['spec'];

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function postForm<T>(
  path: string,
  form: FormData,
  token: string,
  isT: (x: unknown) => x is T,
): Promise<T> {
  const res = await fetch(path, { method: 'POST', body: form, headers: bearer(token) });
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
export function previewFile(file: File, spec: GridSpec | null, token: string): Promise<PreviewResponse> {
  const form = new FormData();
  form.append('file', file);
  if (spec) form.append('spec', JSON.stringify(spec));
  return postForm(wizard.preview.$path(), form, token, hasKey('sheets')<PreviewResponse>);
}

/** Starts an import in the background; the page polls its progress. */
export async function startImportJob(file: File, token: string): Promise<ImportJob> {
  const form = new FormData();
  form.append('file', file);
  const r = await postForm(wizard.jobs.$path(), form, token, hasKey('job')<{ job: ImportJob }>);
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
  token: string,
): Promise<void> {
  await read(await client.api['import-mappings'].$post({ json: m, header: {} }, { headers: bearer(token) }));
}

export async function deleteMapping(id: number, token: string): Promise<void> {
  await read(
    await client.api['import-mappings'][':id'].$delete(
      { param: { id: String(id) } },
      { headers: bearer(token) },
    ),
  );
}

/** Renames a mapping or changes its file pattern (the spec is sent back as stored). */
export async function updateMapping(
  id: number,
  m: { name: string; pattern: string; spec: unknown },
  token: string,
): Promise<void> {
  const res = await fetch(`${client.api['import-mappings'].$path()}/${id}`, {
    method: 'PUT',
    body: JSON.stringify(m),
    headers: { ...bearer(token), 'Content-Type': 'application/json' },
  });
  if (!res.ok) throw await toApiError(res);
}

/** Loads mappings exported from another installation (the JSON of GET /export). */
export async function importMappings(json: unknown, token: string): Promise<number> {
  const res = await fetch(client.api['import-mappings'].import.$path(), {
    method: 'POST',
    body: JSON.stringify(json),
    headers: { ...bearer(token), 'Content-Type': 'application/json' },
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

export async function chooseHome(jobcenter: string, token: string): Promise<string> {
  const r = await read(
    await client.api.jobcenters.home.$post({ json: { jobcenter } }, { headers: bearer(token) }),
  );
  return r.home;
}
