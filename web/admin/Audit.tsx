/** The audit log: filters (person, action, days) and the CSV download with the same filters. */
import { useId, useState } from 'react';
import { formatDateTime } from '../../core/format';
import { actionText, actorText, auditDetailText, viaText } from '../../core/people';
import { DataTable } from '../components/DataTable';
import { ErrorState, Loading } from '../components/States';
import { type AuditFilter, auditCsvUrl, useAudit } from './api';

const ACTIONS: [string, string][] = [
  ['', 'alle'],
  ['import', 'Importe'],
  ['target', 'Ziele'],
  ['mute', 'Stummschaltungen'],
  ['alert', 'Hinweise'],
  ['comment', 'Kommentare'],
  ['user', 'Personen und Rollen'],
  ['token', 'Tokens'],
  ['session', 'Sitzungen'],
  ['auth', 'An- und Abmeldungen'],
];

export function Audit() {
  const ids = { actor: useId(), action: useId(), from: useId(), to: useId() };
  const [filter, setFilter] = useState<AuditFilter>({});
  const audit = useAudit(filter);
  const field = (k: keyof AuditFilter) => (e: { target: { value: string } }) =>
    setFilter({ ...filter, [k]: e.target.value });
  return (
    <section className="card" aria-labelledby="audit-h">
      <h2 id="audit-h">Protokoll aller Änderungen</h2>
      <div className="admin-form">
        <label htmlFor={ids.actor}>Person</label>
        <input id={ids.actor} value={filter.actor ?? ''} onChange={field('actor')} />
        <label htmlFor={ids.action}>Bereich</label>
        <select id={ids.action} value={filter.action ?? ''} onChange={field('action')}>
          {ACTIONS.map(([v, t]) => (
            <option key={v} value={v}>
              {t}
            </option>
          ))}
        </select>
        <label htmlFor={ids.from}>von</label>
        <input id={ids.from} type="date" value={filter.from ?? ''} onChange={field('from')} />
        <label htmlFor={ids.to}>bis</label>
        <input id={ids.to} type="date" value={filter.to ?? ''} onChange={field('to')} />
        <a className="button-link" href={auditCsvUrl(filter)} download>
          Als CSV herunterladen
        </a>
      </div>
      {audit.isPending ? (
        <Loading what="Protokoll" />
      ) : audit.isError ? (
        <ErrorState error={audit.error} what="Protokoll" retry={() => void audit.refetch()} />
      ) : (
        <DataTable
          wrap
          testId="audit-table"
          caption="Neueste zuerst (höchstens 200; die CSV-Datei enthält bis zu 10.000)"
          columns={['Zeitpunkt', 'Person', 'Anmeldung über', 'Aktion', 'Gegenstand', 'Details']}
        >
          {audit.data.entries.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.at)}</td>
              <td>{actorText(e.actor)}</td>
              <td>{viaText(e.via)}</td>
              <td title={e.action}>{actionText(e.action)}</td>
              <td>{e.subject ?? ''}</td>
              <td className="audit-detail">{auditDetailText(e.detail ?? null)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
