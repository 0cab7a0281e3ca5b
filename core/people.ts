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

/** German names of the keys an audit entry's details carry (the rest keep their own name). */
const DETAIL_KEY_TEXT: Readonly<Record<string, string>> = {
  runId: 'Lauf',
  status: 'Ergebnis',
  inserted: 'neu',
  updated: 'geändert',
  unchanged: 'unverändert',
  file: 'Datei',
  via: 'über',
  id: 'Nr.',
  ids: 'Nr.',
  deleted: 'entfernt Nr.',
  imported: 'eingelesen',
  regions: 'Regionen',
  goals: 'Ziele',
  until: 'bis',
  reason: 'Grund',
  role: 'Rolle',
  home: 'eigenes Jobcenter',
  pattern: 'Dateimuster',
  text: 'Text',
  email: 'E-Mail',
  name: 'Name',
  user: 'Person',
  mapping: 'Zuordnung',
  mute: 'Stummschaltung',
  tokens: 'Tokens',
  signedOut: 'abgemeldet',
  evaluation: 'Bewertung',
  missingData: 'fehlende Daten',
  targetChangePct: 'Zielwert (%)',
  source: 'Quelle',
};

const DETAIL_VALUE_TEXT: Readonly<Record<string, string>> = {
  success: 'erfolgreich',
  failed: 'fehlgeschlagen',
  partial: 'teilweise',
  wizard: 'Zuordnungsassistent',
  viewer: 'Lesen',
  controller: 'Controlling',
  admin: 'Verwaltung',
};

function detailValueText(v: unknown, depth: number): string {
  if (v === null || v === undefined) return 'alle';
  if (typeof v === 'boolean') return v ? 'ja' : 'nein';
  if (typeof v === 'number') return Number.isFinite(v) ? v.toLocaleString('de-DE') : String(v);
  if (typeof v === 'string') return DETAIL_VALUE_TEXT[v] ?? v;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null))
      return v.map((x) => detailValueText(x, depth)).join(', ');
    return `${v.length} ${v.length === 1 ? 'Eintrag' : 'Einträge'}`;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // A nested record (a mapping, a mute, a person): what names it, not all its fields.
    const label = o.name ?? o.email ?? o.goal ?? (o.id !== undefined ? `Nr. ${String(o.id)}` : undefined);
    if (depth > 0 && label !== undefined) return String(label);
    return Object.entries(o)
      .map(([k, x]) => `${DETAIL_KEY_TEXT[k] ?? k}: ${detailValueText(x, depth + 1)}`)
      .join(' · ');
  }
  return String(v);
}

/**
 * An audit entry's details (stored as JSON) as people read them: `{"runId":3,"status":"success",
 * "inserted":0}` → "Lauf: 3 · Ergebnis: erfolgreich · neu: 0"; text that is not a JSON object as it is.
 */
export function auditDetailText(detail: string | null): string {
  if (detail === null || detail === '') return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return detail;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? detailValueText(parsed, 0)
    : detail;
}
