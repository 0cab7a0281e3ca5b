/**
 * The person in the header: name and role with "Abmelden", or "Anmelden" when OpenID Connect is
 * set up. A proxy or token sign-in has nothing to sign out of here.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation, useSearch } from 'wouter';

import { signInUrl, signOut, useMe } from '../api';

const ROLE_TEXT: Record<string, string> = { viewer: 'Lesen', controller: 'Controlling', admin: 'Verwaltung' };

export function AuthStatus() {
  const me = useMe();
  const qc = useQueryClient();
  const [path] = useLocation();
  const search = useSearch();
  const [error, setError] = useState<string | null>(null);
  if (!me.data) return null;
  const m = me.data;
  if (!m.signedIn) {
    return m.oidc ? (
      <div className="auth-status">
        <a className="button-link" href={signInUrl(`${path}${search ? `?${search}` : ''}`)}>
          Anmelden
        </a>
      </div>
    ) : null;
  }
  const out = async () => {
    try {
      await signOut();
      await qc.invalidateQueries();
    } catch {
      setError('Abmelden fehlgeschlagen.');
    }
  };
  return (
    <div className="auth-status" data-testid="auth-status">
      <span className="auth-name">{m.name}</span>{' '}
      <span className="muted">({m.role ? ROLE_TEXT[m.role] : 'ohne Rolle'})</span>
      {m.via === 'session' && (
        <button type="button" className="secondary" onClick={() => void out()}>
          Abmelden
        </button>
      )}
      {error && <span className="error-text"> {error}</span>}
    </div>
  );
}
