/**
 * The German text of an API error, chosen by its code (core/error-codes.ts), never the server's
 * English `message`. For a rejected file the server's message is German and names file, sheet,
 * row and column: it is shown after the text. Every view that shows a failed request uses
 * `errorText` (directly or through `ErrorState`).
 */
import { type ErrorCode, isErrorCode } from '../../core/error-codes';

export const ERROR_TEXT: Record<ErrorCode, string> = {
  bad_request: 'Die Anfrage ist ungültig. Bitte die Eingaben prüfen.',
  method_not_allowed: 'Diese Anfrage ist an dieser Stelle nicht möglich.',
  not_found: 'Diese Adresse gibt es nicht.',
  payload_too_large: 'Die Datei ist größer als erlaubt.',
  headers_too_large:
    'Die Anfrage hat zu große Kopfzeilen (oft zu viele Cookies). Bitte Cookies dieser Seite löschen.',
  request_timeout: 'Die Anfrage kam nicht rechtzeitig vollständig an. Bitte erneut versuchen.',
  export_too_large: 'Der Export wäre zu groß. Bitte Zeitraum oder Geschlecht eingrenzen.',
  upload_interrupted: 'Die Übertragung der Datei wurde unterbrochen. Bitte erneut hochladen.',
  unauthorized: 'Bitte zuerst anmelden.',
  invalid_token: 'Der Zugangsschlüssel (Token) ist ungültig oder abgelaufen.',
  forbidden: 'Dafür fehlt die Berechtigung.',
  csrf: 'Die Anfrage kam nicht von dieser Anwendung. Bitte die Seite neu laden.',
  too_many_failures: 'Zu viele fehlgeschlagene Anmeldungen. Bitte später erneut versuchen.',
  sign_in_failed: 'Die Anmeldung ist fehlgeschlagen.',
  oidc_disabled: 'Die Anmeldung über den Identitätsanbieter ist nicht eingerichtet.',
  oidc_unavailable: 'Der Identitätsanbieter ist nicht erreichbar. Bitte später erneut versuchen.',
  no_data: 'Es sind noch keine Daten geladen. Bitte zuerst Daten importieren.',
  region_not_found: 'Diese Region ist unbekannt.',
  goal_not_found: 'Dieses Ziel gibt es für die gewählte Region und das gewählte Jahr nicht.',
  indicator_not_found: 'Diese Kennzahl ist unbekannt.',
  jobcenter_not_found: 'Dieses Jobcenter ist unbekannt.',
  comment_not_found: 'Diesen Kommentar gibt es nicht (mehr).',
  mapping_not_found: 'Diese Zuordnung gibt es nicht (mehr).',
  mute_not_found: 'Diese Stummschaltung gibt es nicht (mehr).',
  recipient_not_found: 'Diesen Empfänger gibt es nicht (mehr).',
  user_not_found: 'Diese Person gibt es nicht (mehr).',
  token_not_found: 'Diesen Token gibt es nicht (mehr), oder er ist schon widerrufen.',
  session_not_found: 'Diese Sitzung gibt es nicht (mehr), oder sie ist schon beendet.',
  job_not_found: 'Dieser Importauftrag ist unbekannt (Aufträge gelten nur, solange der Server läuft).',
  invalid_target: 'Für diese Kennzahl lässt sich kein Ziel festlegen (nur für Quoten und Bestände).',
  mapping_name_taken: 'Eine andere Zuordnung trägt schon diesen Namen.',
  recipient_exists: 'Diese Adresse steht schon in der Empfängerliste.',
  file_rejected: 'Die Datei wurde abgelehnt.',
  import_busy: 'Ein anderer Import läuft gerade. Bitte später erneut versuchen.',
  database_busy:
    'Ein Import läuft gerade; die Datenbank ist belegt. Bitte in einigen Sekunden erneut versuchen.',
  database_unavailable:
    'Die Datenbank ist gerade nicht erreichbar. Bitte in einigen Sekunden erneut versuchen.',
  preview_busy: 'Gerade werden zu viele Dateivorschauen gelesen. Bitte in einigen Sekunden erneut versuchen.',
  upload_storage:
    'Der Server kann die Datei gerade nicht zwischenspeichern. Bitte später erneut versuchen oder die IT verständigen.',
  internal: 'Auf dem Server ist ein Fehler aufgetreten.',
};

/** Codes whose server message is German and says more than the text (which file, row, column). */
const GERMAN_DETAIL: ReadonlySet<ErrorCode> = new Set(['file_rejected']);

/** A failed API request as web/api.ts reports it (ApiRequestError). */
interface ApiFailure {
  status: number;
  code: string;
  message: string;
}

function isApiFailure(err: unknown): err is ApiFailure {
  return (
    err instanceof Error &&
    'status' in err &&
    typeof err.status === 'number' &&
    'code' in err &&
    typeof err.code === 'string'
  );
}

/** The German text for a failed API answer: by code, else by status. */
export function apiErrorText(err: ApiFailure): string {
  if (isErrorCode(err.code)) {
    const text = ERROR_TEXT[err.code];
    return GERMAN_DETAIL.has(err.code) && err.message ? `${text} ${err.message}` : text;
  }
  if (err.code === 'bad_response') return 'Der Server hat eine unerwartete Antwort geschickt.';
  if (err.status >= 500) return `Der Server hat einen Fehler gemeldet (Status ${err.status}).`;
  return `Der Server hat die Anfrage abgelehnt (Status ${err.status}).`;
}

/**
 * Whether asking again with the same credential can help: not after 401 or 403 (a wrong token is
 * sent again and counts as another failure against the server's limiter), nor after another 4xx.
 */
export function worthRetrying(err: unknown): boolean {
  return !isApiFailure(err) || err.status >= 500;
}

/** The German text for anything a request can fail with. */
export function errorText(err: unknown): string {
  if (isApiFailure(err)) return apiErrorText(err);
  // fetch rejects with a TypeError when the server cannot be reached
  if (err instanceof TypeError) return 'Der Server ist nicht erreichbar. Bitte Verbindung prüfen.';
  // JSON.parse of an answer that is not JSON (a proxy's sign-in page): never the parser's English
  if (err instanceof SyntaxError) return apiErrorText({ status: 200, code: 'bad_response', message: '' });
  // the web's own errors (a timeout, a file that is not JSON) are German already
  return err instanceof Error ? err.message : String(err);
}
