/** Writes one audit-log row for a write the signed-in person just made. */
import type { Context } from 'hono';
import { recordAudit } from '../db/repositories/audit.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';
import type { Auth } from './service.js';

export async function audit(
  deps: AppDeps,
  auth: Auth,
  c: Context<AppEnv>,
  action: string,
  subject: string | null,
  detail: Record<string, unknown> | null = null,
): Promise<void> {
  const p = c.get('principal');
  await recordAudit(
    deps.db.db,
    {
      userId: p.kind === 'person' ? p.userId : null,
      actor: p.kind === 'person' ? p.name : 'anonymous',
      via: p.kind === 'person' ? p.via : 'anonymous',
      action,
      subject,
      detail,
      address: auth.address(c),
    },
    deps.clock(),
  );
}

/** The name a write is recorded under: the person's; for the shared ADMIN_TOKEN, a name it gave. */
export function actorName(c: Context<AppEnv>, given: string | null | undefined): string | null {
  const p = c.get('principal');
  if (p.kind !== 'person') return given ?? null;
  if (p.via === 'admin_token') return given ?? p.name;
  return p.name;
}
