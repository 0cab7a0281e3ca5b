/**
 * Hinweise: the history of e-mail alerts (sent, pending, failed), newest first, the mutes that
 * hold alerts back (alerts/Mutes.tsx) and who receives them (alerts/Recipients.tsx).
 */

import { formatDateTime, formatMonth } from '../../core/format';
import { useAlerts } from '../api';
import { DataTable } from '../components/DataTable';
import { PageHeading } from '../components/PageHeading';
import { StateBadge } from '../components/StateBadge';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { statusView } from '../lib/status';
import { Mutes } from './alerts/Mutes';
import { Recipients } from './alerts/Recipients';

const KIND_TEXT: Record<string, string> = {
  worse: 'Ziel verschlechtert',
  recovered: 'wieder im Ziel',
  revision: 'Werte revidiert',
  missing_data: 'Daten fehlen',
};

export default function Alerts() {
  return (
    <section className="page" aria-labelledby="alerts-h">
      <PageHeading id="alerts-h" title="Hinweise" />
      <p className="meta">E-Mail-Hinweise bei verfehlten, gefährdeten und wieder erreichten Zielen.</p>
      <AlertHistory />
      <Mutes />
      <Recipients />
    </section>
  );
}

function AlertHistory() {
  const alerts = useAlerts();
  return (
    <section aria-labelledby="alert-history-h">
      <h2 id="alert-history-h">Verlauf</h2>
      {alerts.isPending ? (
        <Loading what="Hinweise" />
      ) : alerts.isError ? (
        <ErrorState error={alerts.error} what="Hinweise" retry={() => void alerts.refetch()} />
      ) : alerts.data.alerts.length === 0 ? (
        <Empty>Noch keine Hinweise versendet.</Empty>
      ) : (
        <section className="table-scroll" aria-label="Hinweise">
          <DataTable
            variant="sticky"
            testId="alerts-table"
            columns={[
              'erstellt',
              'Art',
              'Status',
              'Betreff',
              'Datenstand',
              'Empfänger',
              'Zustand',
              'versendet',
            ]}
          >
            {alerts.data.alerts.map((a) => (
              <tr key={a.id}>
                <td>{formatDateTime(a.createdAt)}</td>
                <td>{KIND_TEXT[a.kind] ?? a.kind}</td>
                <td>
                  {a.status ? <StatusBadge status={a.status} size="sm" /> : '–'}
                  {a.previousStatus && a.status && a.previousStatus !== a.status && (
                    <span className="muted"> (vorher {statusView(a.previousStatus).word})</span>
                  )}
                </td>
                <td>{a.subject}</td>
                <td>{formatMonth(a.dataMonth)}</td>
                <td>{a.recipients.join(', ') || '–'}</td>
                <td>
                  <StateBadge of="mail" state={a.state} />
                  {a.attempts > 1 && <span className="muted"> ({a.attempts} Versuche)</span>}
                  {a.lastError && <p className="errors">{a.lastError}</p>}
                </td>
                <td>{a.sentAt ? formatDateTime(a.sentAt) : '–'}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      )}
    </section>
  );
}
