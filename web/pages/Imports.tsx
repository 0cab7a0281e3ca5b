/**
 * Importe: the run log (when, trigger, files, rows inserted/updated/unchanged, status, errors per
 * file), a file upload with progress, the import wizard for unknown layouts, the saved layout
 * mappings and the choice of one's own Jobcenter. A signed-in person writes with their session as
 * far as their role goes (upload: Controlling; mappings and Jobcenter: Verwaltung) and is told the
 * role a write needs otherwise; anonymous visitors type the admin token into the upload form. The
 * token stays in sessionStorage only (gone when the tab closes; web/lib/admin-token.ts) and is sent
 * only with writes.
 */
import { useMemo, useState } from 'react';
import { formatCount, formatDateTime } from '../../core/format';
import { hasRole, type ImportsResponse, type MeResponse, useImports, useMe } from '../api';
import { type Column, DataTable, num } from '../components/DataTable';
import { PageHeading } from '../components/PageHeading';
import { StateBadge } from '../components/StateBadge';
import { Empty, ErrorState, Loading } from '../components/States';
import { useAdminToken } from '../lib/admin-token';
import { accessFor, isSignedIn } from './imports/access';
import { JobcenterSetup } from './imports/JobcenterSetup';
import { Mappings } from './imports/Mappings';
import { TokenDetails } from './imports/TokenField';
import { UploadPanel } from './imports/UploadPanel';
import { Wizard } from './imports/Wizard';

const TRIGGER_TEXT: Record<string, string> = {
  cron: 'Zeitplan',
  cli: 'Kommandozeile',
  upload: 'Upload',
  api: 'API',
  startup: 'Start (Beispieldaten)',
};
const FILE_STATUS_TEXT: Record<string, string> = {
  imported: 'importiert',
  unchanged: 'unverändert',
  rejected: 'abgelehnt',
};

const RUN_COLUMNS: Column[] = [
  'Zeitpunkt',
  'Auslöser',
  'Dateien',
  num('neu'),
  num('geändert'),
  num('unverändert'),
  'Status',
  'Fehler',
];

type Run = ImportsResponse['runs'][number];

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function RunRow({ run }: { run: Run }) {
  const errors = run.files.filter((f) => f.error);
  return (
    <tr data-run={run.id}>
      <td>{formatDateTime(run.finishedAt ?? run.startedAt)}</td>
      <td>
        {TRIGGER_TEXT[run.trigger] ?? run.trigger}
        {run.startedBy && <span className="muted"> ({run.startedBy})</span>}
      </td>
      <td>
        {run.files.length === 0 ? (
          '–'
        ) : (
          <ul className="plain">
            {run.files.map((f) => (
              <li key={f.id} title={f.path}>
                {fileName(f.path)}{' '}
                <span className="muted">
                  ({FILE_STATUS_TEXT[f.status] ?? f.status}
                  {f.sample ? ', Beispieldaten' : ''})
                </span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="num">{formatCount(run.rowsInserted)}</td>
      <td className="num">{formatCount(run.rowsUpdated)}</td>
      <td className="num">{formatCount(run.rowsUnchanged)}</td>
      <td>
        <StateBadge of="run" state={run.status} />
      </td>
      <td className="errors">
        {/* The run's error repeats the files' errors; show it only when no file carries one. */}
        {run.error && errors.length === 0 && <p>{run.error}</p>}
        {errors.map((f) => (
          <p key={f.id}>
            <strong>{fileName(f.path)}:</strong> {f.error}
          </p>
        ))}
        {!run.error && errors.length === 0 && '–'}
      </td>
    </tr>
  );
}

/** The access of each write on the page, from who is signed in and the token of this tab. */
function usePageAccess(me: MeResponse | undefined, token: string) {
  return useMemo(
    () => ({
      upload: accessFor(me, token, 'controller', 'Hochladen'),
      mappings: accessFor(
        me,
        token,
        'admin',
        'Layout-Zuordnungen ändern',
        'Zum Ändern oben das Admin-Token eingeben.',
      ),
      mappingSave: accessFor(me, token, 'admin', 'Zuordnungen speichern'),
      home: accessFor(
        me,
        token,
        'admin',
        'Das eigene Jobcenter festlegen',
        'Zum Festlegen oben das Admin-Token eingeben.',
      ),
    }),
    [me, token],
  );
}

export default function Imports() {
  const runs = useImports();
  const me = useMe();
  const [token, onToken] = useAdminToken();
  const [wizardFile, setWizardFile] = useState<File | null>(null);
  // Until /api/me answers, it is not known whether to ask for a token; a failed answer counts as
  // nobody signed in (the token field then still works).
  const who = me.isPending ? null : me.data;
  const signedIn = isSignedIn(who ?? undefined);
  const access = usePageAccess(who ?? undefined, token);
  const upload = access.upload.credential;
  return (
    <section className="page" aria-labelledby="imports-h">
      <PageHeading id="imports-h" title="Importe" />
      <section aria-labelledby="log-h">
        <h2 id="log-h">Protokoll</h2>
        {runs.isPending ? (
          <Loading what="Importprotokoll" />
        ) : runs.isError ? (
          <ErrorState error={runs.error} what="Importprotokoll" retry={() => void runs.refetch()} />
        ) : runs.data.runs.length === 0 ? (
          <Empty>Noch keine Importe.</Empty>
        ) : (
          <section className="table-scroll" aria-label="Importprotokoll">
            <DataTable variant="sticky" testId="imports-table" columns={RUN_COLUMNS}>
              {runs.data.runs.map((r) => (
                <RunRow key={r.id} run={r} />
              ))}
            </DataTable>
          </section>
        )}
      </section>
      {who === null ? (
        <Loading what="Anmeldestatus" />
      ) : (
        <>
          <UploadPanel
            access={access.upload}
            token={signedIn ? null : { value: token, onChange: onToken }}
            onOpenWizard={setWizardFile}
          />
          {wizardFile && upload && (
            <Wizard
              key={`${wizardFile.name}-${wizardFile.size}`}
              file={wizardFile}
              upload={upload}
              saveAccess={access.mappingSave}
              onClose={() => setWizardFile(null)}
            />
          )}
          <Mappings access={access.mappings} />
          <JobcenterSetup access={access.home} />
          {signedIn && !hasRole(who, 'admin') && <TokenDetails token={token} onToken={onToken} />}
        </>
      )}
    </section>
  );
}
