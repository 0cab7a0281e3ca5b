/**
 * Who reads the Hinweise page and what the role Verwaltung lets them do there: the person of the
 * session (/api/me), the admin token of this tab, and the access that follows (imports/access.ts).
 * The sections that need the role (Stummschaltungen, Empfänger) ask here, so they agree.
 */
import { useEffect, useMemo, useState } from 'react';

import { type MeResponse, useMe } from '../../api';
import { useAdminToken } from '../../lib/admin-token';
import { type Access, accessFor, type Credential, isSignedIn } from '../imports/access';

export interface AdminAccess {
  /** Null until /api/me answers; undefined when it failed (counts as nobody signed in). */
  who: MeResponse | null | undefined;
  signedIn: boolean;
  access: Access;
  token: string;
  onToken: (t: string) => void;
}

/**
 * The access for an action of the role Verwaltung: `what` names it for a person whose role is too
 * low, `tokenHint` is said to an anonymous visitor without a token (imports/access.ts, accessFor).
 */
export function useAdminAccess(what: string, tokenHint: string | null = null): AdminAccess {
  const me = useMe();
  const [token, onToken] = useAdminToken();
  // Until /api/me answers it is not known whether to ask for the token; a failed answer counts as
  // nobody signed in (the token field then still works), as on Importe.
  const who = me.isPending ? null : me.data;
  const access = useMemo(
    () => accessFor(who ?? undefined, token, 'admin', what, tokenHint),
    [who, token, what, tokenHint],
  );
  return { who, signedIn: isSignedIn(who ?? undefined), access, token, onToken };
}

/** How long a token typed into the field stays unchanged before it is used to read. */
export const TOKEN_SETTLE_MS = 800;

/**
 * The credential to read with: the session at once, a token only once it has stayed the same for
 * `settleMs` (the one it was on mount at once: that one was stored, not typed). Reading with every
 * keystroke would send each partial token, a wrong token that the server's limiter counts
 * (AUTH_MAX_FAILURES_PER_MINUTE) until it blocks this address, writes included. A paste is one
 * change. Null while there is nothing to read with yet.
 */
export function useReadCredential(
  credential: Credential | null,
  settleMs = TOKEN_SETTLE_MS,
): Credential | null {
  const [settled, setSettled] = useState(credential);
  useEffect(() => {
    if (credential?.via !== 'token') {
      setSettled(credential);
      return undefined;
    }
    const timer = setTimeout(() => setSettled(credential), settleMs);
    return () => clearTimeout(timer);
  }, [credential, settleMs]);
  return credential?.via === 'token' ? settled : credential;
}
