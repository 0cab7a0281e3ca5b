/**
 * The one typed API client (`hc<AppType>`, types inferred from the server's routes) and one
 * react-query hook per endpoint. Response types are never redeclared here: they are inferred.
 */
import {
  keepPreviousData,
  type QueryClient,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { type ClientResponse, hc, type InferResponseType } from 'hono/client';
import { useEffect, useRef } from 'react';

import type { AppType } from '../server/app';
import type { MonthsServerQuery } from './lib/url-state';

export const client = hc<AppType>('/');

/** An API answer that was not 2xx: the server's `{ error: { code, message } }`, or the status. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

function errorBody(body: unknown): { code: string; message: string } | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const e = body.error;
  if (typeof e !== 'object' || e === null) return null;
  const code = 'code' in e && typeof e.code === 'string' ? e.code : 'error';
  const message = 'message' in e && typeof e.message === 'string' ? e.message : '';
  return { code, message };
}

type JsonOf<R> =
  R extends ClientResponse<infer T, infer _S, infer F> ? (F extends 'json' ? T : never) : never;

/** The ApiRequestError for a non-2xx answer (reads the body). */
export async function toApiError(res: {
  status: number;
  json(): Promise<unknown>;
}): Promise<ApiRequestError> {
  let info: { code: string; message: string } | null = null;
  try {
    info = errorBody(await res.json());
  } catch {
    // Not JSON (a proxy error page, a dropped connection): the status says enough.
  }
  return new ApiRequestError(
    res.status,
    info?.code ?? `http_${res.status}`,
    info?.message || `Der Server antwortete mit Status ${res.status}.`,
  );
}

/** Reads a JSON answer, turning a non-2xx answer into an ApiRequestError. */
export async function read<R extends ClientResponse<unknown, number, string>>(res: R): Promise<JsonOf<R>> {
  if (!res.ok) throw await toApiError(res);
  // The typed client knows the JSON shape of a 2xx answer; this only narrows away the non-JSON
  // variants (the CSV/XLSX bodies of the same route), which a JSON request never receives.
  try {
    return (await res.json()) as JsonOf<R>;
  } catch {
    // A 2xx that is not JSON: a sign-in page of a proxy in front, a captive portal.
    throw new ApiRequestError(res.status, 'bad_response', '');
  }
}

// ---------------------------------------------------------------------------------------------
// Response types (inferred)

export type HealthResponse = InferResponseType<typeof client.api.health.$get, 200>;
export type GoalsResponse = InferResponseType<typeof client.api.goals.$get, 200>;
export type Goal = GoalsResponse['goals'][number];
export type GoalSeriesResponse = InferResponseType<(typeof client.api.goals)[':id']['series']['$get'], 200>;
export type GoalBacktestResponse = InferResponseType<
  (typeof client.api.goals)[':id']['backtest']['$get'],
  200
>;
export type MonthsResponse = Extract<
  InferResponseType<typeof client.api.months.$get, 200>,
  { rows: unknown }
>;
export type MonthRow = MonthsResponse['rows'][number];
export type RevisionsResponse = InferResponseType<
  (typeof client.api.months)[':month']['revisions']['$get'],
  200
>;
export type ComparisonResponse = InferResponseType<typeof client.api.comparison.$get, 200>;
export type RegionsResponse = InferResponseType<typeof client.api.regions.$get, 200>;
export type ImportsResponse = InferResponseType<typeof client.api.imports.$get, 200>;
export type AlertsResponse = InferResponseType<typeof client.api.alerts.$get, 200>;
export type MutesResponse = InferResponseType<typeof client.api.alerts.mutes.$get, 200>;
export type Mute = MutesResponse['mutes'][number];
export type RecipientsResponse = InferResponseType<typeof client.api.alerts.recipients.$get, 200>;
export type AlertRecipient = RecipientsResponse['recipients'][number];
/** The body of POST /api/alerts/recipients (email, name?, regions?, goals?), as the server's schema types it. */
export type RecipientInput = Extract<
  Parameters<typeof client.api.alerts.recipients.$post>[0],
  { json: unknown }
>['json'];
/** The body of PUT /api/alerts/mutes (goal, region?, until, reason?), as the server's schema types it. */
export type MuteInput = Extract<
  Parameters<typeof client.api.alerts.mutes.$put>[0],
  { json: unknown }
>['json'];

// ---------------------------------------------------------------------------------------------
// Query hooks: one per endpoint

export type GoalQuery = { region?: string; year?: string; month?: string };
type MonthsQuery = MonthsServerQuery;

export const queryKeys = {
  version: ['version'] as const,
  goals: (q: GoalQuery) => ['goals', q] as const,
  goalSeries: (id: string, q: GoalQuery) => ['goal-series', id, q] as const,
  goalBacktest: (id: string, q: GoalQuery) => ['goal-backtest', id, q] as const,
  months: (q: MonthsQuery) => ['months', q] as const,
  revisions: (month: string, q: Record<string, string>) => ['revisions', month, q] as const,
  comparison: (q: { region?: string; month?: string }) => ['comparison', q] as const,
  regions: ['regions'] as const,
  indicators: ['indicators'] as const,
  imports: ['imports'] as const,
  alerts: ['alerts'] as const,
  mutes: ['alert-mutes'] as const,
  recipients: ['alert-recipients'] as const,
};

/**
 * The queries a page starts with, shared by its hooks and the route prefetch (web/App.tsx), so a
 * prefetched answer is the one the page asks for.
 */
export const pageQueries = {
  goals: (q: GoalQuery) =>
    queryOptions({
      queryKey: queryKeys.goals(q),
      queryFn: async () => read(await client.api.goals.$get({ query: q })),
    }),
  goalSeries: (id: string, q: GoalQuery) =>
    queryOptions({
      queryKey: queryKeys.goalSeries(id, q),
      queryFn: async () => read(await client.api.goals[':id'].series.$get({ param: { id }, query: q })),
    }),
  goalBacktest: (id: string, q: GoalQuery) =>
    queryOptions({
      queryKey: queryKeys.goalBacktest(id, q),
      queryFn: async () => read(await client.api.goals[':id'].backtest.$get({ param: { id }, query: q })),
    }),
  months: (q: MonthsQuery) =>
    queryOptions({
      queryKey: queryKeys.months(q),
      queryFn: async () => read(await client.api.months.$get({ query: q })),
    }),
  planMonths: (q: { region?: string }) =>
    queryOptions({
      queryKey: ['plan-months', q] as const,
      queryFn: async () => read(await client.api.months.plan.$get({ query: q })),
    }),
  regions: () =>
    queryOptions({
      queryKey: queryKeys.regions,
      queryFn: async () => read(await client.api.regions.$get()),
      staleTime: 10 * 60_000,
    }),
  /** The indicator catalog (names, units, formulas): the wizard's series, the mutes' goal names. */
  indicators: () =>
    queryOptions({
      queryKey: queryKeys.indicators,
      queryFn: async () => read(await client.api.indicators.$get()),
      staleTime: 10 * 60_000,
    }),
  comparison: (q: { region?: string; month?: string }) =>
    queryOptions({
      queryKey: queryKeys.comparison(q),
      queryFn: async () => read(await client.api.comparison.$get({ query: q })),
    }),
  /** The data version the dashboard polls (useDataVersionWatcher). */
  version: () => queryOptions({ queryKey: queryKeys.version, queryFn: () => readDataVersion() }),
  /** Who is signed in (the header's sign-in status, the admin link, the comment forms). */
  me: () =>
    queryOptions({
      queryKey: peopleKeys.me,
      queryFn: async () => read(await client.api.me.$get()),
      staleTime: 60_000,
    }),
  comments: (q: CommentsQuery) =>
    queryOptions({
      queryKey: peopleKeys.comments(q),
      queryFn: async () => read(await client.api.comments.$get({ query: q })),
    }),
};

export function useGoals(q: GoalQuery) {
  return useQuery({ ...pageQueries.goals(q), placeholderData: keepPreviousData });
}

export function useGoalSeries(id: string, q: GoalQuery) {
  return useQuery({ ...pageQueries.goalSeries(id, q), placeholderData: keepPreviousData });
}

/** The forecast's backtest report of one goal (Prognosegüte). */
export function useGoalBacktest(id: string, q: GoalQuery) {
  return useQuery({ ...pageQueries.goalBacktest(id, q), placeholderData: keepPreviousData });
}

/**
 * One goal's series for an overview card's sparkline: each card asks for its own (all in
 * parallel), so the answer redraws that card only. No placeholder: a new month shows its own line.
 */
export function useGoalSparkline(id: string, q: GoalQuery) {
  return useQuery(pageQueries.goalSeries(id, q));
}

export function useMonths(q: MonthsQuery) {
  return useQuery({ ...pageQueries.months(q), placeholderData: keepPreviousData });
}

export function useRevisions(month: string | null, q: Record<string, string>) {
  return useQuery({
    queryKey: queryKeys.revisions(month ?? '', q),
    queryFn: async () =>
      read(await client.api.months[':month'].revisions.$get({ param: { month: month ?? '' }, query: q })),
    enabled: month !== null,
  });
}

/** The series of the plan goals by month (Monatswerte, section Planwerte). */
export function usePlanMonths(q: { region?: string }) {
  return useQuery(pageQueries.planMonths(q));
}

export function useComparison(q: { region?: string; month?: string }) {
  return useQuery(pageQueries.comparison(q));
}

/** The region list; `enabled` false: not asked for (yet). */
export function useRegions(enabled = true) {
  return useQuery({ ...pageQueries.regions(), enabled });
}

export function useImports() {
  return useQuery({
    queryKey: queryKeys.imports,
    queryFn: async () => read(await client.api.imports.$get({ query: {} })),
  });
}

export function useAlerts() {
  return useQuery({
    queryKey: queryKeys.alerts,
    queryFn: async () => read(await client.api.alerts.$get({ query: {} })),
  });
}

/** The alert mutes (configuration file and API), with whether each is active today. */
export function useMutes() {
  return useQuery({
    queryKey: queryKeys.mutes,
    queryFn: async () => read(await client.api.alerts.mutes.$get()),
  });
}

/**
 * Sets a mute (replacing the one of the same goal and region). `headers` authenticate the write:
 * none for the session, the admin token otherwise (web/pages/imports/access.ts, authHeaders).
 */
export function useSetMute() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ mute, headers }: { mute: MuteInput; headers: Record<string, string> }) =>
      read(await client.api.alerts.mutes.$put({ json: mute, header: {} }, { headers })),
    // Also after a failure: a 404 or a replaced mute means the list shown is out of date.
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.mutes }),
  });
}

/** Removes a mute made through the API (those of the configuration file are changed there). */
export function useDeleteMute() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, headers }: { id: number; headers: Record<string, string> }) =>
      read(await client.api.alerts.mutes[':id'].$delete({ param: { id: String(id) } }, { headers })),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.mutes }),
  });
}

/** A short non-secret key of the request's credential: 'session', or a hash of the token. */
function credentialKey(headers: Record<string, string>): string {
  const auth = headers.Authorization;
  if (auth === undefined) return 'session';
  // FNV-1a, 32 bit: tells tokens apart in the query cache; not a protection of the token.
  let h = 0x811c9dc5;
  for (let i = 0; i < auth.length; i++) h = Math.imul(h ^ auth.charCodeAt(i), 0x01000193);
  return `token-${(h >>> 0).toString(16)}`;
}

/**
 * The alert recipients (environment, configuration file, API). Admins only: the addresses are
 * personal data. `headers` authenticate the read like the writes (none for the session, the admin
 * token otherwise); `enabled` false while it is known that the reader may not read them.
 */
export function useRecipients(headers: Record<string, string>, enabled: boolean) {
  return useQuery({
    // Keyed by who reads (another token, another answer), without the token itself in the cache.
    queryKey: [...queryKeys.recipients, credentialKey(headers)] as const,
    queryFn: async () => read(await client.api.alerts.recipients.$get(undefined, { headers })),
    enabled,
  });
}

/** Adds a recipient (409 `recipient_exists` when the address is listed already). */
export function useAddRecipient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({
      recipient,
      headers,
    }: {
      recipient: RecipientInput;
      headers: Record<string, string>;
    }) => read(await client.api.alerts.recipients.$post({ json: recipient, header: {} }, { headers })),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.recipients }),
  });
}

/** Removes a recipient added through the API (the others are changed where they are configured). */
export function useDeleteRecipient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, headers }: { id: number; headers: Record<string, string> }) =>
      read(await client.api.alerts.recipients[':id'].$delete({ param: { id: String(id) } }, { headers })),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.recipients }),
  });
}

// ---------------------------------------------------------------------------------------------
// New data: poll the cheap version endpoint, refresh everything when the data version changes

export const VERSION_POLL_MS = 60_000;

export function invalidateData(qc: QueryClient): Promise<void> {
  return qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'version' });
}

/**
 * The data version from /api/version. Checked at run time: the route answers a 304 as a bare
 * Response (for its ETag), which leaves the client without an inferred body type. `seeBody` gets
 * the whole answer first (the dashboard notes the server's build from it).
 */
export async function readDataVersion(seeBody?: (body: unknown) => void): Promise<string> {
  const res = await client.api.version.$get();
  if (!res.ok) throw await toApiError(res);
  const body: unknown = await res.json();
  seeBody?.(body);
  if (typeof body === 'object' && body !== null && 'dataVersion' in body) {
    const v = body.dataVersion;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  throw new ApiRequestError(res.status, 'bad_response', 'Unerwartete Antwort von /api/version.');
}

/** Polls /api/version; when the data version changes (a new import landed), refetches all data. */
export function useDataVersionWatcher(intervalMs = VERSION_POLL_MS): void {
  const qc = useQueryClient();
  const version = useQuery({
    ...pageQueries.version(),
    refetchInterval: intervalMs,
    refetchIntervalInBackground: false,
  });
  const seen = useRef<string | null>(null);
  const current = version.data ?? null;
  useEffect(() => {
    if (current === null) return;
    if (seen.current !== null && seen.current !== current) void invalidateData(qc);
    seen.current = current;
  }, [current, qc]);
}

// ---------------------------------------------------------------------------------------------
// People: who am I, comments, the admin page (issue 15)

export type MeResponse = InferResponseType<typeof client.api.me.$get, 200>;
export type CommentsResponse = InferResponseType<typeof client.api.comments.$get, 200>;
export type CommentItem = CommentsResponse['comments'][number];
export type Role = 'viewer' | 'controller' | 'admin';

const ROLE_RANK: Record<Role, number> = { viewer: 1, controller: 2, admin: 3 };

/** True when the signed-in person has at least `role`. */
export function hasRole(me: MeResponse | undefined, role: Role): boolean {
  const r = me?.role;
  return r !== null && r !== undefined && ROLE_RANK[r] >= ROLE_RANK[role];
}

export const peopleKeys = {
  me: ['me'] as const,
  comments: (q: CommentsQuery) => ['comments', q] as const,
  admin: (what: string, q: Record<string, string> = {}) => ['admin', what, q] as const,
};

export function useMe() {
  return useQuery(pageQueries.me());
}

/** Ends the session on the server; the page then reloads as nobody. */
export async function signOut(): Promise<void> {
  const res = await client.api.auth.logout.$post();
  if (!res.ok) throw await toApiError(res);
}

/** Where the sign-in button sends the browser (back to `returnTo` afterwards). */
export function signInUrl(returnTo: string): string {
  return `${client.api.auth.login.$path()}?${new URLSearchParams({ returnTo }).toString()}`;
}

export interface CommentsQuery {
  region: string;
  goal?: string;
  year?: string;
}

/** The comments of a goal's year, keyed by the goal's series as the server resolved it. */
export function goalCommentsQuery(series: {
  region: { id: string };
  goal: { id: string };
  year: number;
}): CommentsQuery {
  return { region: series.region.id, goal: series.goal.id, year: String(series.year) };
}

/**
 * The comments of the month table's region: the region the months answer is of, so that while a
 * newly chosen region's table loads, the previous table keeps its own comments beside it.
 */
export function regionCommentsQuery(months: { region: { id: string } } | undefined): CommentsQuery | null {
  return months ? { region: months.region.id } : null;
}

export function useComments(q: CommentsQuery | null) {
  return useQuery({ ...pageQueries.comments(q ?? { region: '' }), enabled: q !== null && q.region !== '' });
}

function invalidateComments(qc: QueryClient) {
  return qc.invalidateQueries({ queryKey: ['comments'] });
}

export function useCreateComment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { region: string; goal: string; month: string; text: string }) =>
      read(await client.api.comments.$post({ json: body })),
    onSuccess: () => invalidateComments(qc),
  });
}

export function useEditComment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, text }: { id: number; text: string }) =>
      read(await client.api.comments[':id'].$patch({ param: { id: String(id) }, json: { text } })),
    onSuccess: () => invalidateComments(qc),
  });
}

export function useDeleteComment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      read(await client.api.comments[':id'].$delete({ param: { id: String(id) } })),
    onSuccess: () => invalidateComments(qc),
  });
}
