/**
 * Upload (role Controlling or Verwaltung, or the admin token): the file is imported in the
 * background while the page shows its progress (rows, percent; polled). The page may be left: the
 * run log shows the result. A file whose layout is not recognised can be opened in the import
 * wizard from here. A signed-in person uploads with their session; an anonymous visitor types the
 * admin token into the form; a signed-in person whose role is too low is told which role it needs.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { formatCount, formatNumber } from '../../../core/format';
import { replacedSampleText } from '../../../core/vocabulary';
import { invalidateData } from '../../api';
import { errorText } from '../../lib/error-text';
import type { Access } from './access';
import { TokenField } from './TokenField';
import { fetchImportJob, type ImportJob, startImportJob } from './wizard-api';

const POLL_MS = 400;
/**
 * Polls in a row that may fail before the page stops asking (about 10 s). A job's progress is
 * kept by the instance that took the upload: behind a round-robin balancer every other poll
 * reaches an instance that does not know it (404), and if that instance goes away no poll will.
 */
const MAX_FAILED_POLLS = 25;

/**
 * Polls a running job until it is done or failed; `lost` when its progress could not be read
 * MAX_FAILED_POLLS times in a row (the import goes on; the run log shows its result).
 */
export function useJob(initial: ImportJob | null): { job: ImportJob | null; lost: boolean } {
  const [job, setJob] = useState(initial);
  const [failed, setFailed] = useState(0);
  const qc = useQueryClient();
  useEffect(() => {
    setJob(initial);
    setFailed(0);
  }, [initial]);
  const lost = failed >= MAX_FAILED_POLLS;
  useEffect(() => {
    if (job === null || job.state !== 'running' || lost) return;
    const t = setTimeout(() => {
      fetchImportJob(job.id)
        .then((j) => {
          setFailed(0);
          setJob(j);
          if (j.state !== 'running') void invalidateData(qc);
        })
        .catch(() => {
          // Transient (another instance, a restart): try again, up to MAX_FAILED_POLLS in a row.
          setFailed((n) => n + 1);
          setJob({ ...job });
        });
    }, POLL_MS);
    return () => clearTimeout(t);
  }, [job, qc, lost]);
  useEffect(() => {
    if (lost) void invalidateData(qc);
  }, [lost, qc]);
  return { job, lost };
}

export function UploadPanel(props: {
  access: Access;
  /** For anonymous visitors: the admin token, asked for in the form (required). */
  token: { value: string; onChange: (t: string) => void } | null;
  onOpenWizard: (file: File) => void;
}) {
  const ids = { file: useId(), help: useId() };
  const fileRef = useRef<HTMLInputElement>(null);
  const [started, setStarted] = useState<ImportJob | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [startError, setStartError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const { job, lost } = useJob(started);
  const { credential, reason } = props.access;
  const token = props.token;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const f = fileRef.current?.files?.[0];
    if (running || !f || !credential) return;
    setFile(f);
    setStartError(null);
    setPending(true);
    startImportJob(f, credential)
      .then(setStarted)
      .catch(setStartError)
      .finally(() => setPending(false));
  };
  const running = pending || (job?.state === 'running' && !lost);

  return (
    <section className="card upload" aria-labelledby="upload-h">
      <h2 id="upload-h">Datei hochladen</h2>
      <p id={ids.help} className="muted">
        BA-Kennzahlen als XLSX oder CSV (Semikolon): BA-Statistiktabellen, „Eckwerte für Jobcenter“, das
        kanonische CSV oder ein im Assistenten zugeordnetes Layout.
        {token && ' Das Admin-Token wird nur in diesem Browser-Tab gespeichert.'}
      </p>
      {token === null && credential === null ? (
        <p className="banner" data-testid="upload-needs-role">
          {reason}
        </p>
      ) : (
        <form onSubmit={onSubmit} aria-describedby={ids.help}>
          {token && <TokenField token={token.value} onToken={token.onChange} required />}
          <div className="control">
            <label htmlFor={ids.file}>Datei</label>
            <input id={ids.file} ref={fileRef} type="file" required accept=".xlsx,.csv,.txt" />
          </div>
          {/* aria-disabled, not disabled: a disabled button loses the keyboard focus to the page. */}
          <button type="submit" aria-disabled={running}>
            {running ? 'Wird importiert …' : 'Importieren'}
          </button>
          {token?.value && (
            <button type="button" className="secondary" onClick={() => token.onChange('')}>
              Token vergessen
            </button>
          )}
        </form>
      )}
      <div aria-live="polite" data-testid="upload-result">
        {startError !== null && (
          <div className="banner banner-error" role="alert">
            <strong>Import fehlgeschlagen:</strong> {errorText(startError)}
          </div>
        )}
        {job && (
          <JobState job={job} lost={lost} onOpenWizard={file ? () => props.onOpenWizard(file) : null} />
        )}
      </div>
    </section>
  );
}

export function JobState({
  job,
  lost,
  onOpenWizard,
}: {
  job: ImportJob;
  lost: boolean;
  onOpenWizard: (() => void) | null;
}) {
  if (job.state === 'running' && lost) {
    return (
      <div className="banner" role="status" data-testid="import-progress-lost">
        <strong>Fortschritt nicht abrufbar:</strong> Der Server, der {job.file} angenommen hat, antwortet
        nicht mehr auf die Nachfrage. Der Import wird trotzdem ganz oder gar nicht geschrieben; das Protokoll
        unten zeigt sein Ergebnis.
      </div>
    );
  }
  if (job.state === 'running') {
    return (
      <div className="banner" role="status" data-testid="import-progress">
        <label>
          Import läuft: {job.file} – {formatCount(job.rows)} Zeilen, {formatNumber(job.percent, 0)} %
          <progress max={100} value={job.percent} />
        </label>
        <p className="muted">Sie können die Seite verlassen; das Protokoll zeigt das Ergebnis.</p>
      </div>
    );
  }
  const s = job.summary;
  if (job.state === 'done' && s && !job.error) {
    return (
      <div className="banner banner-ok" role="status">
        <strong>Import abgeschlossen.</strong> {formatCount(s.inserted)} neu, {formatCount(s.updated)}{' '}
        geändert, {formatCount(s.unchanged)} unverändert.
        {s.files.map((f) =>
          f.replacedSample ? (
            <p key={f.path} data-testid="replaced-sample">
              {replacedSampleText(f.replacedSample)}
            </p>
          ) : null,
        )}
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert">
      <strong>Import fehlgeschlagen:</strong> {job.error ?? 'unbekannter Fehler'}
      {onOpenWizard && (
        <p>
          Layout nicht erkannt?{' '}
          <button type="button" className="secondary" onClick={onOpenWizard}>
            Im Zuordnungsassistenten öffnen
          </button>
        </p>
      )}
    </div>
  );
}
