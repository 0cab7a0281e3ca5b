/**
 * The import wizard: a file whose layout is not recognised is shown as a grid; the controller
 * marks by clicks where the months are, which column (or row) is which indicator and gender, and
 * which cell names the region. Every change is previewed on the server at once: the observations
 * that would result and every cell that would fail, named. Saved under a name with a file-name
 * pattern, the mapping imports every later file of that pattern (upload, inbox, SOURCE_URLS).
 * Previewing needs the role Controlling, saving a mapping the role Verwaltung (or the admin token).
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { formatCount, formatMonth, formatNumber, GENDER_TEXT } from '../../../core/format';
import { columnLetter, placeText } from '../../../core/spreadsheet';
import { GENDERS, type Gender } from '../../../core/vocabulary';
import { pageQueries } from '../../api';
import { SelectControl } from '../../components/Controls';
import { DataTable, num } from '../../components/DataTable';
import { errorText } from '../../lib/error-text';
import type { Access, Credential } from './access';
import { JobState, useJob } from './UploadPanel';
import { WizardGrid } from './WizardGrid';
import {
  type GridSpec,
  type ImportJob,
  type PreviewResponse,
  previewFile,
  saveMapping,
  startImportJob,
} from './wizard-api';
import {
  type Draft,
  defaultPattern,
  draftFromPreview,
  ISSUES_LISTED,
  issueCountText,
  type Tool,
  toSpec,
} from './wizard-draft';

function useLoadableIndicators() {
  return useQuery({
    ...pageQueries.indicators(),
    select: (d) => d.indicators.filter((i) => i.formula === 'count' || i.formula === 'published'),
  });
}

/** Debounced live preview of the draft on the server. */
function useLivePreview(file: File, spec: GridSpec | null, credential: Credential) {
  const [state, setState] = useState<{ data: PreviewResponse | null; error: unknown; busy: boolean }>({
    data: null,
    error: null,
    busy: true,
  });
  const key = JSON.stringify(spec);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `spec` (a new object each render)
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, busy: true }));
    const t = setTimeout(() => {
      previewFile(file, spec, credential)
        .then((data) => live && setState({ data, error: null, busy: false }))
        .catch((error: unknown) => live && setState({ data: null, error, busy: false }));
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [file, key, credential]);
  return state;
}

interface WizardProps {
  file: File;
  /** Previews and the import (role Controlling, or the admin token). */
  upload: Credential;
  /** Saving the mapping (role Verwaltung, or the admin token). */
  saveAccess: Access;
  onClose: () => void;
}

export function Wizard({ file, upload, saveAccess, onClose }: WizardProps) {
  const ids = { name: useId(), pattern: useId() };
  const [draft, setDraft] = useState<Draft | null>(null);
  const [marking, setMarking] = useState<Marking>({ tool: 'month', indicator: 'LZB', gender: 'total' });
  const [name, setName] = useState(() => file.name.replace(/\.[^.]+$/, ''));
  const [pattern, setPattern] = useState(() => defaultPattern(file.name));
  const [saveError, setSaveError] = useState<unknown>(null);
  const [started, setStarted] = useState<ImportJob | null>(null);
  const { job, lost } = useJob(started);
  const spec = useMemo(() => (draft ? toSpec(draft) : null), [draft]);
  const live = useLivePreview(file, spec, upload);

  // The first answer (without a draft) seeds the draft with the detected month axis.
  useEffect(() => {
    if (draft === null && live.data) setDraft(draftFromPreview(live.data));
  }, [draft, live.data]);

  const sheets = live.data?.sheets ?? [];
  const sheet = sheets.find((s) => s.name === draft?.sheet) ?? sheets[0];

  const onCell = (row: number, col: number) => {
    if (!draft) return;
    const { tool, indicator, gender } = marking;
    const line = draft.monthAxis === 'rows' ? col : row;
    if (tool === 'month') setDraft({ ...draft, monthLine: line });
    else if (tool === 'region') setDraft({ ...draft, region: { from: 'cell', row, col } });
    else {
      const series = draft.series.filter((s) => s.line !== line);
      setDraft({
        ...draft,
        series: [...series, { line, indicator, gender }].sort((a, b) => a.line - b.line),
      });
    }
  };

  const save = () => {
    const credential = saveAccess.credential;
    if (!spec || !credential) return;
    setSaveError(null);
    saveMapping({ name, pattern, spec }, credential)
      .then(() => startImportJob(file, upload))
      .then(setStarted)
      .catch(setSaveError);
  };

  if (live.error && !live.data) {
    return (
      <section className="card wizard" aria-labelledby="wizard-h">
        <h2 id="wizard-h">Zuordnungsassistent: {file.name}</h2>
        <div className="banner banner-error" role="alert">
          {errorText(live.error)}
        </div>
        <button type="button" className="secondary" onClick={onClose}>
          Schließen
        </button>
      </section>
    );
  }

  return (
    <section className="card wizard" aria-labelledby="wizard-h" data-testid="wizard">
      <h2 id="wizard-h">Zuordnungsassistent: {file.name}</h2>
      <p className="muted">
        Das Layout dieser Datei ist nicht bekannt. Legen Sie per Klick fest, wo die Monate stehen, welche
        Spalte oder Zeile welche Kennzahl und welches Geschlecht ist und welche Zelle die Region nennt. Die
        Vorschau rechnet bei jeder Änderung neu.
      </p>
      {draft && (
        <div className="wizard-controls">
          <DraftControls draft={draft} onDraft={setDraft} sheets={sheets} />
          <MarkingControls marking={marking} onMarking={setMarking} monthAxis={draft.monthAxis} />
        </div>
      )}
      {draft && sheet && <WizardGrid sheet={sheet} draft={draft} onCell={onCell} />}
      {draft && <DraftSummary draft={draft} onChange={setDraft} />}
      <LiveResult data={live.data} busy={live.busy} error={live.error} hasSpec={spec !== null} />
      <div className="wizard-save">
        <div className="control">
          <label htmlFor={ids.name}>Name der Zuordnung</label>
          <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="control">
          <label htmlFor={ids.pattern}>Dateimuster</label>
          <input id={ids.pattern} value={pattern} onChange={(e) => setPattern(e.target.value)} />
        </div>
        <button
          type="button"
          disabled={
            !saveAccess.credential ||
            !spec ||
            !name.trim() ||
            !pattern.trim() ||
            (live.data?.result?.issues.length ?? 1) > 0
          }
          onClick={save}
        >
          Zuordnung speichern und importieren
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Schließen
        </button>
        {saveAccess.reason && <p className="muted">{saveAccess.reason}</p>}
      </div>
      <div aria-live="polite">
        {saveError !== null && (
          <div className="banner banner-error" role="alert">
            {errorText(saveError)}
          </div>
        )}
        {job && <JobState job={job} lost={lost} onOpenWizard={null} />}
      </div>
    </section>
  );
}

/** What a click in the grid sets, and the indicator and gender a clicked series line gets. */
interface Marking {
  tool: Tool;
  indicator: string;
  gender: Gender;
}

/** The draft's choices: the sheet and where the months stand (each resets the marked lines). */
function DraftControls({
  draft,
  onDraft,
  sheets,
}: {
  draft: Draft;
  onDraft: (d: Draft) => void;
  sheets: PreviewResponse['sheets'];
}) {
  return (
    <>
      {sheets.length > 1 && (
        <SelectControl
          label="Blatt"
          value={draft.sheet ?? ''}
          options={sheets.map((s) => [s.name ?? '', s.name ?? '(CSV)'] as const)}
          onChange={(v) => onDraft({ ...draft, sheet: v || null, series: [], monthLine: null })}
        />
      )}
      <fieldset className="control-group">
        <legend>Monate stehen</legend>
        {(['rows', 'columns'] as const).map((a) => (
          <label key={a}>
            <input
              type="radio"
              name="axis"
              checked={draft.monthAxis === a}
              onChange={() => onDraft({ ...draft, monthAxis: a, monthLine: null, series: [] })}
            />{' '}
            {a === 'rows' ? 'untereinander (eine Spalte)' : 'nebeneinander (eine Zeile)'}
          </label>
        ))}
      </fieldset>
    </>
  );
}

/** What a click sets, and the indicator and gender of a series line marked by a click. */
function MarkingControls({
  marking,
  onMarking,
  monthAxis,
}: {
  marking: Marking;
  onMarking: (m: Marking) => void;
  monthAxis: Draft['monthAxis'];
}) {
  const indicators = useLoadableIndicators().data ?? [];
  const line = monthAxis === 'rows' ? 'Spalte' : 'Zeile';
  const tools: readonly (readonly [Tool, string])[] = [
    ['month', monthAxis === 'rows' ? 'Monatsspalte' : 'Monatszeile'],
    ['series', `${line} = Kennzahl + Geschlecht`],
    ['region', 'Zelle mit der Region'],
  ];
  return (
    <>
      <fieldset className="control-group">
        <legend>Klick in die Tabelle legt fest</legend>
        {tools.map(([t, label]) => (
          <label key={t}>
            <input
              type="radio"
              name="tool"
              checked={marking.tool === t}
              onChange={() => onMarking({ ...marking, tool: t })}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <SelectControl
        label="Kennzahl"
        value={marking.indicator}
        options={indicators.map((i) => [i.code, `${i.code} – ${i.name}`] as const)}
        onChange={(indicator) => onMarking({ ...marking, indicator })}
      />
      <SelectControl
        label="Geschlecht"
        value={marking.gender}
        options={GENDERS.map((g) => [g, GENDER_TEXT[g]] as const)}
        onChange={(v) => onMarking({ ...marking, gender: GENDERS.find((g) => g === v) ?? 'total' })}
      />
    </>
  );
}

function DraftSummary({ draft, onChange }: { draft: Draft; onChange: (d: Draft) => void }) {
  const axisWord = draft.monthAxis === 'rows' ? 'Spalte' : 'Zeile';
  const lineName = (line: number) => (draft.monthAxis === 'rows' ? columnLetter(line) : String(line));
  return (
    <ul className="plain wizard-summary" data-testid="wizard-summary">
      <li>
        Monate: {draft.monthLine === null ? 'noch nicht gewählt' : `${axisWord} ${lineName(draft.monthLine)}`}
      </li>
      <li>
        Region:{' '}
        {draft.region === null
          ? 'noch nicht gewählt'
          : draft.region.from === 'cell'
            ? `Zelle ${columnLetter(draft.region.col)}${draft.region.row}`
            : draft.region.from}
      </li>
      {draft.series.map((s) => (
        <li key={s.line}>
          {axisWord} {lineName(s.line)}: {s.indicator} {GENDER_TEXT[s.gender]}{' '}
          <button
            type="button"
            className="secondary"
            aria-label={`${axisWord} ${lineName(s.line)} entfernen`}
            onClick={() => onChange({ ...draft, series: draft.series.filter((x) => x.line !== s.line) })}
          >
            entfernen
          </button>
        </li>
      ))}
    </ul>
  );
}

function LiveResult(props: {
  data: PreviewResponse | null;
  busy: boolean;
  error: unknown;
  hasSpec: boolean;
}) {
  const r = props.data?.result ?? null;
  return (
    <section aria-live="polite" aria-labelledby="wizard-result-h" data-testid="wizard-result">
      <h3 id="wizard-result-h">Ergebnis {props.busy ? '(wird berechnet …)' : ''}</h3>
      {props.error !== null && <p role="alert">{errorText(props.error)}</p>}
      {!props.hasSpec && <p className="muted">Monate, mindestens eine Reihe und die Region festlegen.</p>}
      {r && (
        <>
          <p>
            <strong data-testid="wizard-count">{formatCount(r.count)} Werte</strong>
            {r.issueCount > 0 ? (
              <span>
                {' '}
                · <span aria-hidden="true">✕</span> {issueCountText(r.issueCount)}
              </span>
            ) : (
              <span>
                {' '}
                · <span aria-hidden="true">✓</span> keine fehlerhaften Zellen
              </span>
            )}
          </p>
          {r.issues.length > 0 && (
            <ul className="errors" data-testid="wizard-issues">
              {r.issues.slice(0, ISSUES_LISTED).map((i) => (
                <li key={`${i.sheet}-${i.row}-${i.column}-${i.message}`}>
                  {placeText(i, 'answer')}: {i.message}
                </li>
              ))}
            </ul>
          )}
          {r.observations.length > 0 && (
            <DataTable
              variant="compact"
              testId="wizard-observations"
              columns={['Region', 'Monat', 'Kennzahl', 'Geschlecht', num('Wert')]}
            >
              {r.observations.slice(0, 24).map((o) => (
                <tr key={`${o.region}-${o.indicator}-${o.gender}-${o.month}`}>
                  <td>{o.region}</td>
                  <td>{formatMonth(o.month)}</td>
                  <td>{o.indicator}</td>
                  <td>{GENDER_TEXT[o.gender as 'total'] ?? o.gender}</td>
                  <td className="num">
                    {o.flag ??
                      (o.provisional ? `≈ ${formatNumber(o.value, 2)} (vorläufig)` : formatCount(o.value))}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </>
      )}
    </section>
  );
}
