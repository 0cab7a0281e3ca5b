/** Who is making a request: nobody, or a person (or the break-glass ADMIN_TOKEN) with a role. */
import type { Role } from './roles.js';

/** How the person proved who they are. */
export type AuthVia = 'session' | 'token' | 'proxy' | 'admin_token';

export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'person';
      /** NULL for the break-glass ADMIN_TOKEN, which is nobody in particular. */
      userId: number | null;
      name: string;
      /** NULL: signed in, but no mapping gives a role (reads only, when reading is allowed). */
      role: Role | null;
      via: AuthVia;
      sessionId?: number;
      tokenId?: number;
    };

export type Person = Extract<Principal, { kind: 'person' }>;

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/** Cookies and proxy headers are sent by the browser on its own: their writes need an Origin check. */
export function isAmbient(p: Principal): boolean {
  return p.kind === 'person' && (p.via === 'session' || p.via === 'proxy');
}
