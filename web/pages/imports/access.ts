/**
 * Who may write on the Importe page, and how. A signed-in person (OpenID Connect session or the
 * trusted proxy's header) whose role a write needs sends nothing extra: the browser adds the
 * session cookie and, on POST/PUT/DELETE, the Origin header the server checks. Otherwise the admin
 * token pasted into this tab goes as `Authorization: Bearer`. An empty Authorization header is
 * never sent (the server would take it for a wrong token).
 */
import { ROLE_TEXT } from '../../admin/roles';
import { hasRole, type MeResponse, type Role } from '../../api';

/** How a write authenticates: the session the browser carries, or the pasted token. */
export type Credential = { readonly via: 'session' } | { readonly via: 'token'; readonly token: string };

/** Whether a write can be made, and if not, why (German, for the page). */
export interface Access {
  credential: Credential | null;
  reason: string | null;
}

/** One object for the session, so that a credential only changes when the way of signing in does. */
const SESSION: Credential = { via: 'session' };

const NEEDED_ROLE: Record<Exclude<Role, 'viewer'>, string> = {
  controller: 'der Rolle Controlling oder Verwaltung',
  admin: 'der Rolle Verwaltung',
};

/** The request headers for a credential: none for the session. */
export function authHeaders(credential: Credential): Record<string, string> {
  return credential.via === 'token' && credential.token !== ''
    ? { Authorization: `Bearer ${credential.token}` }
    : {};
}

/** True when someone is signed in (then the role decides, not a token field). */
export function isSignedIn(me: MeResponse | undefined): me is MeResponse {
  return me?.signedIn === true;
}

/** "Sie sind als Carla Controlling (Controlling) angemeldet." */
export function signedInAs(me: MeResponse): string {
  const role = me.role ? ROLE_TEXT[me.role] : 'ohne Rolle';
  return `Sie sind als ${me.name ?? 'unbekannt'} (${role}) angemeldet.`;
}

/**
 * The access of a write that needs `role`. `what` names the action for a signed-in person whose
 * role is too low ("Hochladen" → "Hochladen dürfen nur Personen mit der Rolle …");
 * `tokenHint` is said to an anonymous visitor without a token (null: the form itself asks).
 */
export function accessFor(
  me: MeResponse | undefined,
  token: string,
  role: Exclude<Role, 'viewer'>,
  what: string,
  tokenHint: string | null = null,
): Access {
  if (hasRole(me, role)) return { credential: SESSION, reason: null };
  if (token !== '') return { credential: { via: 'token', token }, reason: null };
  if (!isSignedIn(me)) return { credential: null, reason: tokenHint };
  return {
    credential: null,
    reason: `${what} dürfen nur Personen mit ${NEEDED_ROLE[role]}. ${signedInAs(me)}`,
  };
}
