/** German words for the audit log: how a person signed in, and what a write did. */

export const AUTH_VIA_TEXT: Readonly<Record<string, string>> = {
  session: 'Anmeldung (Sitzung)',
  token: 'persönlicher Token',
  proxy: 'Proxy-Anmeldung',
  admin_token: 'ADMIN_TOKEN (Notfallzugang)',
  cli: 'Kommandozeile',
};

export const AUDIT_ACTION_TEXT: Readonly<Record<string, string>> = {
  'import.upload': 'Datei importiert',
  'import.run_sources': 'Quellen importiert',
  'import.preview': 'Vorschau im Zuordnungsassistenten',
  'mapping.save': 'Layout-Zuordnung gespeichert',
  'mapping.update': 'Layout-Zuordnung geändert',
  'mapping.delete': 'Layout-Zuordnung gelöscht',
  'mapping.import': 'Layout-Zuordnungen eingelesen',
  'setup.home': 'eigenes Jobcenter festgelegt',
  'target.update': 'Ziel geändert',
  'mute.set': 'Hinweise stummgeschaltet',
  'mute.delete': 'Stummschaltung gelöscht',
  'recipient.add': 'Empfänger hinzugefügt',
  'recipient.delete': 'Empfänger entfernt',
  'alert.evaluate': 'Hinweise geprüft',
  'comment.create': 'Kommentar geschrieben',
  'comment.update': 'Kommentar geändert',
  'comment.delete': 'Kommentar gelöscht',
  'user.update': 'Person geändert',
  'user.role_mapping': 'Rollen-Zuordnung gesetzt',
  'user.role_mapping_delete': 'Rollen-Zuordnung entfernt',
  'token.create': 'Token erstellt',
  'token.revoke': 'Token widerrufen',
  'session.revoke': 'Sitzung beendet',
  'auth.sign_in': 'angemeldet',
  'auth.sign_out': 'abgemeldet',
};

/** The name the break-glass ADMIN_TOKEN writes under (audit log, mutes, recipients, comments). */
export const ADMIN_TOKEN_NAME = 'ADMIN_TOKEN';

/** Who wrote something, for people: the shared token reads as what it is, not as a variable name. */
export const actorText = (name: string): string =>
  name === ADMIN_TOKEN_NAME ? 'Admin-Token (Notfallzugang)' : name;

export const viaText = (via: string): string => AUTH_VIA_TEXT[via] ?? via;
export const actionText = (action: string): string => AUDIT_ACTION_TEXT[action] ?? action;
