/**
 * Importe: the run log (when, trigger, files, rows inserted/updated/unchanged, status, errors per
 * file) and, for holders of the admin token, a file upload. The token stays in sessionStorage only
 * (gone when the tab closes) and is sent only with the upload.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import { formatCount, formatDateTime } from '../../core/format';
import { hasRole, type ImportsResponse, type UploadResult, useImports, useMe, useUploadImport } from '../api';
import { PageHeading } from '../components/PageHeading';
import { Empty, ErrorState, errorText, Loading } from '../components/States';

const TOKEN_KEY = 'zielmonitor.adminToken';

const TRIGGER_TEXT: Record<string, string> = {
  cron: 'Zeitplan',
  cli: 'Kommandozeile',
  upload: 'Upload',
  api: 'API',
  startup: 'Start (Beispieldaten)',
};
const RUN_STATUS_TEXT: Record<string, { icon: string; word: string; tone: string }> = {
  running: { icon: '…', word: 'läuft', tone: 'none' },
  success: { icon: '✓', word: 'erfolgreich', tone: 'ok' },
  unchanged: { icon: '=', word: 'unverändert', tone: 'none' },
  partial: { icon: '▲', word: 'teilweise', tone: 'warn' },
  failed: { icon: '✕', word: 'fehlgeschlagen', tone: 'bad' },
  aborted: { icon: '✕', word: 'abgebrochen', tone: 'bad' },
};
const FILE_STATUS_TEXT: Record<string, string> = {
  imported: 'importiert',
  unchanged: 'unverändert',
  rejected: 'abgelehnt',
};

function readToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

type Run = ImportsResponse['runs'][number];

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function RunRow({ run }: { run: Run }) {
  const st = RUN_STATUS_TEXT[run.status] ?? { icon: '?', word: run.status, tone: 'none' };
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
        <span className={`status status-${st.tone} status-sm`}>
          <span aria-hidden="true">{st.icon}</span> {st.word}
        </span>
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

function UploadForm() {
  const ids = { token: useId(), file: useId(), help: useId() };
  const [token, setToken] = useState(readToken);
  const fileRef = useRef<HTMLInputElement>(null);
  const upload = useUploadImport();
  // A signed-in controller uploads with the session; a token is needed only without one.
  const signedIn = hasRole(useMe().data, 'controller');

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file || (!token && !signedIn)) return;
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage disabled: the token then lives only in this form.
    }
    upload.mutate({ file, token });
  };

  return (
    <section className="card upload" aria-labelledby="upload-h">
      <h2 id="upload-h">Datei hochladen (Administration)</h2>
      <p id={ids.help} className="muted">
        BA-Kennzahlen als XLSX oder CSV (Semikolon). Das Admin-Token wird nur in diesem Browser-Tab
        gespeichert.
      </p>
      <form onSubmit={onSubmit} aria-describedby={ids.help}>
        <div className="control">
          <label htmlFor={ids.token}>
            {signedIn ? 'Token (nicht nötig, Sie sind angemeldet)' : 'Admin-Token'}
          </label>
          <input
            id={ids.token}
            type="password"
            autoComplete="off"
            required={!signedIn}
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </div>
        <div className="control">
          <label htmlFor={ids.file}>Datei</label>
          <input id={ids.file} ref={fileRef} type="file" required accept=".xlsx,.csv,.txt" />
        </div>
        <button type="submit" disabled={upload.isPending}>
          {upload.isPending ? 'Wird importiert …' : 'Importieren'}
        </button>
        {token && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setToken('');
              sessionStorage.removeItem(TOKEN_KEY);
            }}
          >
            Token vergessen
          </button>
        )}
      </form>
      <div aria-live="polite" data-testid="upload-result">
        {upload.isError && (
          <div className="banner banner-error" role="alert">
            <strong>Import fehlgeschlagen:</strong> {errorText(upload.error)}
          </div>
        )}
        {upload.isSuccess && (
          <div className="banner banner-ok" role="status">
            <strong>Import abgeschlossen.</strong> <UploadSummary result={upload.data} />
          </div>
        )}
      </div>
    </section>
  );
}

function UploadSummary({ result }: { result: UploadResult }) {
  // "Nothing to import" (a run of the sources with an empty inbox) carries only a message.
  if (!('inserted' in result)) return <>{result.message}</>;
  // The run is also listed in the log below; here the headline numbers.
  return (
    <>
      {formatCount(result.inserted)} neu, {formatCount(result.updated)} geändert,{' '}
      {formatCount(result.unchanged)} unverändert.
    </>
  );
}

export default function Imports() {
  const runs = useImports();
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
            <table className="data-table sticky" data-testid="imports-table">
              <thead>
                <tr>
                  <th scope="col">Zeitpunkt</th>
                  <th scope="col">Auslöser</th>
                  <th scope="col">Dateien</th>
                  <th scope="col" className="num">
                    neu
                  </th>
                  <th scope="col" className="num">
                    geändert
                  </th>
                  <th scope="col" className="num">
                    unverändert
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Fehler</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.runs.map((r) => (
                  <RunRow key={r.id} run={r} />
                ))}
              </tbody>
            </table>
          </section>
        )}
      </section>
      <UploadForm />
    </section>
  );
}
