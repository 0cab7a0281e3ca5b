/**
 * The Importe page's access rule: a signed-in person with the role writes with the session (no
 * Authorization header at all), the pasted token otherwise, and a signed-in person whose role is
 * too low is told which role the write needs.
 */
import { describe, expect, test } from 'vitest';
import type { MeResponse } from '../../web/api';
import { accessFor, authHeaders } from '../../web/pages/imports/access';

function me(role: MeResponse['role'], name = 'Carla Controlling'): MeResponse {
  return { signedIn: true, name, role, via: 'session', userId: 7, anonymousRead: true, oidc: true };
}
const NOBODY: MeResponse = {
  signedIn: false,
  name: null,
  role: null,
  via: null,
  userId: null,
  anonymousRead: true,
  oidc: true,
};

describe('import page access', () => {
  test('a role high enough writes with the session, even with a token in the tab', () => {
    for (const token of ['', 'geheim']) {
      const a = accessFor(me('controller'), token, 'controller', 'Hochladen');
      expect(a).toEqual({ credential: { via: 'session' }, reason: null });
      expect(authHeaders({ via: 'session' })).toEqual({});
    }
    expect(accessFor(me('admin'), '', 'admin', 'Festlegen').credential).toEqual({ via: 'session' });
  });

  test('anonymous: the token, or the hint to type it', () => {
    const withToken = accessFor(NOBODY, 'geheim', 'admin', 'X', 'Token eingeben.');
    expect(withToken.credential).toEqual({ via: 'token', token: 'geheim' });
    expect(authHeaders({ via: 'token', token: 'geheim' })).toEqual({ Authorization: 'Bearer geheim' });
    expect(accessFor(NOBODY, '', 'admin', 'X', 'Token eingeben.')).toEqual({
      credential: null,
      reason: 'Token eingeben.',
    });
    expect(accessFor(undefined, '', 'controller', 'Hochladen')).toEqual({ credential: null, reason: null });
  });

  test('a role too low: the sentence names the role needed and who is signed in', () => {
    expect(accessFor(me('viewer', 'Vera Lesend'), '', 'controller', 'Hochladen').reason).toBe(
      'Hochladen dürfen nur Personen mit der Rolle Controlling oder Verwaltung. ' +
        'Sie sind als Vera Lesend (Lesen) angemeldet.',
    );
    expect(accessFor(me(null, 'Nora'), '', 'admin', 'Layout-Zuordnungen ändern').reason).toBe(
      'Layout-Zuordnungen ändern dürfen nur Personen mit der Rolle Verwaltung. ' +
        'Sie sind als Nora (ohne Rolle) angemeldet.',
    );
    // The break-glass token (typed under "Mit Admin-Token arbeiten") still works.
    expect(accessFor(me('controller'), 'geheim', 'admin', 'X').credential).toEqual({
      via: 'token',
      token: 'geheim',
    });
  });

  test('never an empty Authorization header', () => {
    expect(authHeaders({ via: 'token', token: '' })).toEqual({});
  });
});
