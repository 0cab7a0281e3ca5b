/** The admin page's queries and mutations, through the one typed client (types inferred). */

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InferResponseType } from 'hono/client';

import { client, peopleKeys, read } from '../api';

export type UsersResponse = InferResponseType<typeof client.api.admin.users.$get, 200>;
export type TokensResponse = InferResponseType<typeof client.api.admin.tokens.$get, 200>;
export type MappingsResponse = InferResponseType<(typeof client.api.admin)['role-mappings']['$get'], 200>;
export type SessionsResponse = InferResponseType<typeof client.api.admin.sessions.$get, 200>;
export type AuditResponse = InferResponseType<typeof client.api.admin.audit.$get, 200>;
export type NewToken = InferResponseType<typeof client.api.admin.tokens.$post, 201>;

export interface AuditFilter {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

const adminData = () => ['admin'] as const;

export function useUsers() {
  return useQuery({
    queryKey: peopleKeys.admin('users'),
    queryFn: async () => read(await client.api.admin.users.$get()),
  });
}

export function useTokens() {
  return useQuery({
    queryKey: peopleKeys.admin('tokens'),
    queryFn: async () => read(await client.api.admin.tokens.$get()),
  });
}

export function useMappings() {
  return useQuery({
    queryKey: peopleKeys.admin('mappings'),
    queryFn: async () => read(await client.api.admin['role-mappings'].$get()),
  });
}

export function useSessions() {
  return useQuery({
    queryKey: peopleKeys.admin('sessions'),
    queryFn: async () => read(await client.api.admin.sessions.$get()),
  });
}

export function useAudit(filter: AuditFilter) {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(filter)) if (v) query[k] = v;
  return useQuery({
    queryKey: peopleKeys.admin('audit', query),
    queryFn: async () => read(await client.api.admin.audit.$get({ query })),
  });
}

/** The CSV download of the audit log with the same filters. */
export function auditCsvUrl(filter: AuditFilter): string {
  const q = new URLSearchParams({ format: 'csv' });
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
  return `${client.api.admin.audit.$path()}?${q.toString()}`;
}

/** A mutation that refreshes every admin list (and the audit log) afterwards. */
function useAdminMutation<A, R>(fn: (a: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: adminData() }) });
}

export const useCreateToken = () =>
  useAdminMutation(
    async (body: {
      user: string;
      name: string;
      role: 'viewer' | 'controller' | 'admin';
      expiresInDays: number | null;
    }) => read(await client.api.admin.tokens.$post({ json: body })),
  );

export const useRevokeToken = () =>
  useAdminMutation(async (id: number) =>
    read(await client.api.admin.tokens[':id'].$delete({ param: { id: String(id) } })),
  );

export const useUpdateUser = () =>
  useAdminMutation(
    async ({
      id,
      ...body
    }: {
      id: number;
      role?: 'viewer' | 'controller' | 'admin' | null;
      disabled?: boolean;
    }) => read(await client.api.admin.users[':id'].$patch({ param: { id: String(id) }, json: body })),
  );

export const useSetMapping = () =>
  useAdminMutation(
    async (body: { kind: 'user' | 'group'; value: string; role: 'viewer' | 'controller' | 'admin' }) =>
      read(await client.api.admin['role-mappings'].$put({ json: body })),
  );

export const useDeleteMapping = () =>
  useAdminMutation(async (id: number) =>
    read(await client.api.admin['role-mappings'][':id'].$delete({ param: { id: String(id) } })),
  );

export const useRevokeSession = () =>
  useAdminMutation(async (id: number) =>
    read(await client.api.admin.sessions[':id'].$delete({ param: { id: String(id) } })),
  );
