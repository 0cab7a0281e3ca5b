/** The audit log as a German CSV download (formula injection neutralised by the shared writer). */

import { formatDateTime } from '../../core/format.js';
import type { AuditEntry } from '../db/repositories/audit.js';
import { textRowsToCsv } from '../exports/csv.js';

const HEADER = ['Zeitpunkt', 'Person', 'Anmeldung über', 'Aktion', 'Gegenstand', 'Details', 'Adresse'];

export function auditToCsv(entries: readonly AuditEntry[]): string {
  return textRowsToCsv(
    HEADER,
    entries.map((e) => [
      formatDateTime(e.at),
      e.actor,
      e.via,
      e.action,
      e.subject ?? '',
      e.detail ?? '',
      e.address ?? '',
    ]),
  );
}
