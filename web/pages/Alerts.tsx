/** Hinweise: the history of e-mail alerts (sent, pending, failed), newest first. */
import { useAlerts } from '../api';
import { PageHeading } from '../components/PageHeading';
import { Empty, ErrorState, Loading } from '../components/States';
import { formatDateTime, formatMonth } from '../format';

const KIND_TEXT: Record<string, string> = {
  missed: 'Ziel verfehlt',
  at_risk: 'Ziel gefährdet',
  recovered: 'wieder im Ziel',
  stale: 'Daten überfällig',
  digest: 'Zusammenfassung',
};
const STATE_TEXT: Record<string, { icon: string; word: string; tone: string }> = {
  sent: { icon: '✓', word: 'versendet', tone: 'ok' },
  pending: { icon: '…', word: 'wartet', tone: 'none' },
  retrying: { icon: '↻', word: 'neuer Versuch', tone: 'warn' },
  failed: { icon: '✕', word: 'fehlgeschlagen', tone: 'bad' },
  muted: { icon: '–', word: 'stummgeschaltet', tone: 'none' },
};

export default function Alerts() {
  const alerts = useAlerts();
  return (
    <section className="page" aria-labelledby="alerts-h">
      <PageHeading id="alerts-h" title="Hinweise" />
      <p className="meta">E-Mail-Hinweise bei verfehlten, gefährdeten und wieder erreichten Zielen.</p>
      {alerts.isPending ? (
        <Loading what="Die Hinweise" />
      ) : alerts.isError ? (
        <ErrorState error={alerts.error} what="Die Hinweise" retry={() => void alerts.refetch()} />
      ) : alerts.data.alerts.length === 0 ? (
        <Empty>Noch keine Hinweise versendet.</Empty>
      ) : (
        <section className="table-scroll" aria-label="Hinweise">
          <table className="data-table sticky" data-testid="alerts-table">
            <thead>
              <tr>
                <th scope="col">erstellt</th>
                <th scope="col">Art</th>
                <th scope="col">Betreff</th>
                <th scope="col">Datenstand</th>
                <th scope="col">Empfänger</th>
                <th scope="col">Zustand</th>
                <th scope="col">versendet</th>
              </tr>
            </thead>
            <tbody>
              {alerts.data.alerts.map((a) => {
                const st = STATE_TEXT[a.state] ?? { icon: '?', word: a.state, tone: 'none' };
                return (
                  <tr key={a.id}>
                    <td>{formatDateTime(a.createdAt)}</td>
                    <td>{KIND_TEXT[a.kind] ?? a.kind}</td>
                    <td>{a.subject}</td>
                    <td>{formatMonth(a.dataMonth)}</td>
                    <td>{Array.isArray(a.recipients) ? a.recipients.join(', ') : String(a.recipients)}</td>
                    <td>
                      <span className={`status status-${st.tone} status-sm`}>
                        <span aria-hidden="true">{st.icon}</span> {st.word}
                      </span>
                      {a.attempts > 1 && <span className="muted"> ({a.attempts} Versuche)</span>}
                      {a.lastError && <p className="errors">{a.lastError}</p>}
                    </td>
                    <td>{a.sentAt ? formatDateTime(a.sentAt) : '–'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
