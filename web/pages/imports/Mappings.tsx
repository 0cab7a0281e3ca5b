/**
 * Saved layout mappings: the built-in BA layouts and those made in the wizard, with their file
 * patterns; edit, delete and import JSON from another installation (role Verwaltung or the admin
 * token), export as JSON (everyone).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { formatDateTime } from '../../../core/format';
import { DataTable } from '../../components/DataTable';
import { type Message, MessageBanner } from '../../components/MessageBanner';
import { errorText } from '../../lib/error-text';
import type { Access } from './access';
import {
  deleteMapping,
  fetchMappings,
  importMappings,
  mappingsExportPath,
  updateMapping,
} from './wizard-api';

type SavedMapping = Awaited<ReturnType<typeof fetchMappings>>['mappings'][number];
interface Editing {
  id: number;
  name: string;
  pattern: string;
}

export function Mappings({ access }: { access: Access }) {
  const qc = useQueryClient();
  const fileId = useId();
  const q = useQuery({ queryKey: ['import-mappings'], queryFn: fetchMappings });
  const [message, setMessage] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['import-mappings'] });
  const { credential, reason } = access;

  const remove = (id: number, name: string) => {
    if (!credential || !window.confirm(`Zuordnung „${name}“ löschen?`)) return;
    deleteMapping(id, credential)
      .then(() => setMessage({ ok: true, text: `Zuordnung „${name}“ gelöscht.` }))
      .catch((e: unknown) => setMessage({ ok: false, text: errorText(e) }))
      .finally(refresh);
  };
  const saveEdit = (spec: unknown) => {
    if (!editing || !credential) return;
    updateMapping(editing.id, { name: editing.name, pattern: editing.pattern, spec }, credential)
      .then(() => {
        setMessage({ ok: true, text: `Zuordnung „${editing.name}“ gespeichert.` });
        setEditing(null);
      })
      .catch((e: unknown) => setMessage({ ok: false, text: errorText(e) }))
      .finally(refresh);
  };
  const load = async (file: File) => {
    if (!credential) return;
    try {
      const n = await importMappings(JSON.parse(await file.text()), credential);
      setMessage({ ok: true, text: `${n} Zuordnungen übernommen.` });
    } catch (e) {
      setMessage({
        ok: false,
        text: e instanceof SyntaxError ? 'Die Datei ist kein gültiges JSON.' : errorText(e),
      });
    }
    void refresh();
  };

  return (
    <section className="card" aria-labelledby="mappings-h" data-testid="mappings">
      <h2 id="mappings-h">Layout-Zuordnungen</h2>
      {q.isError && <p role="alert">{errorText(q.error)}</p>}
      {q.data && (
        <div className="table-scroll">
          <DataTable variant="compact" columns={['Name', 'Dateimuster', 'Geändert', 'Aktion']}>
            {q.data.builtin.map((b) => (
              <tr key={b.name}>
                <td>
                  {b.name} <span className="muted">(eingebaut)</span>
                  <br />
                  <span className="muted">{b.description}</span>
                </td>
                <td>
                  <code>{b.pattern}</code>
                </td>
                <td>–</td>
                <td>–</td>
              </tr>
            ))}
            {q.data.mappings.map((m) =>
              editing?.id === m.id ? (
                <EditRow
                  key={m.id}
                  mapping={m}
                  editing={editing}
                  onChange={setEditing}
                  onSave={() => saveEdit(m.spec)}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <MappingRow
                  key={m.id}
                  mapping={m}
                  disabled={!credential}
                  onEdit={() => setEditing({ id: m.id, name: m.name, pattern: m.pattern })}
                  onRemove={() => remove(m.id, m.name)}
                />
              ),
            )}
          </DataTable>
        </div>
      )}
      <p>
        <a href={mappingsExportPath()} download>
          Zuordnungen als JSON exportieren
        </a>
      </p>
      <div className="control">
        <label htmlFor={fileId}>Zuordnungen aus einer JSON-Datei übernehmen</label>
        <input
          id={fileId}
          type="file"
          accept=".json,application/json"
          disabled={!credential}
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void load(f);
          }}
        />
      </div>
      {reason && <p className="muted">{reason}</p>}
      <MessageBanner message={message} />
    </section>
  );
}

/** A saved mapping's row while its name and pattern are edited. */
function EditRow({
  mapping,
  editing,
  onChange,
  onSave,
  onCancel,
}: {
  mapping: SavedMapping;
  editing: Editing;
  onChange: (next: Editing) => void;
  onSave: () => void;
  onCancel: () => void;
}) {
  return (
    <tr>
      <InputCell
        label="Name der Zuordnung"
        value={editing.name}
        onChange={(name) => onChange({ ...editing, name })}
      />
      <InputCell
        label="Dateimuster"
        value={editing.pattern}
        onChange={(pattern) => onChange({ ...editing, pattern })}
      />
      <td>{formatDateTime(mapping.updatedAt)}</td>
      <td>
        <button type="button" onClick={onSave}>
          Speichern
        </button>{' '}
        <button type="button" className="secondary" onClick={onCancel}>
          Abbrechen
        </button>
      </td>
    </tr>
  );
}

/** A table cell holding a text input, labelled for screen readers. */
function InputCell({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <td>
      <input aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} />
    </td>
  );
}

/** A saved mapping's row with its actions (edit, delete). */
function MappingRow({
  mapping,
  disabled,
  onEdit,
  onRemove,
}: {
  mapping: SavedMapping;
  disabled: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  return (
    <tr>
      <td>{mapping.name}</td>
      <td>
        <code>{mapping.pattern}</code>
      </td>
      <td>{formatDateTime(mapping.updatedAt)}</td>
      <td>
        <button type="button" className="secondary" disabled={disabled} onClick={onEdit}>
          Bearbeiten
        </button>{' '}
        <button type="button" className="secondary" disabled={disabled} onClick={onRemove}>
          Löschen
        </button>
      </td>
    </tr>
  );
}
