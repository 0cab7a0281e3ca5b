/** The audit log as a German CSV download (formula injection neutralised by the shared writer). */

import { formatDateTime } from '../../core/format.js';
import { actionText, viaText } from '../../core/people.js';
import type { AuditEntry } from '../db/repositories/audit.js';
import { textRowsToCsv } from '../exports/csv.js';

const HEADER = [
  'Zeitpunkt',
  'Person',
  'Anmeldung über',
  'Aktion',
  'Code',
  'Gegenstand',
  'Details',
  'Adresse',
];

export function auditToCsv(entries: readonly AuditEntry[]): string {
  return textRowsToCsv(
    HEADER,
    entries.map((e) => [
      formatDateTime(e.at),
      e.actor,
      viaText(e.via),
      actionText(e.action),
      e.action,
      e.subject ?? '',
      e.detail ?? '',
      e.address ?? '',
    ]),
  );
}
