/**
 * Saved layout mappings: the built-in BA layouts and those made in the wizard, with their file
 * patterns; delete (admin), export as JSON, import JSON from another installation.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { formatDateTime } from '../../../core/format';
import { errorText } from '../../components/States';
import {
  deleteMapping,
  fetchMappings,
  importMappings,
  mappingsExportPath,
  updateMapping,
} from './wizard-api';

export function Mappings({ token }: { token: string }) {
  const qc = useQueryClient();
  const fileId = useId();
  const q = useQuery({ queryKey: ['import-mappings'], queryFn: fetchMappings });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState<{ id: number; name: string; pattern: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['import-mappings'] });

  const remove = (id: number, name: string) => {
    if (!window.confirm(`Zuordnung „${name}“ löschen?`)) return;
    deleteMapping(id, token)
      .then(() => setMessage({ ok: true, text: `Zuordnung „${name}“ gelöscht.` }))
      .catch((e: unknown) => setMessage({ ok: false, text: errorText(e) }))
      .finally(refresh);
  };
  const saveEdit = (spec: unknown) => {
    if (!editing) return;
    updateMapping(editing.id, { name: editing.name, pattern: editing.pattern, spec }, token)
      .then(() => {
        setMessage({ ok: true, text: `Zuordnung „${editing.name}“ gespeichert.` });
        setEditing(null);
      })
      .catch((e: unknown) => setMessage({ ok: false, text: errorText(e) }))
      .finally(refresh);
  };
  const load = async (file: File) => {
    try {
      const n = await importMappings(JSON.parse(await file.text()), token);
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
        <table className="data-table compact">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Dateimuster</th>
              <th scope="col">Geändert</th>
              <th scope="col">Aktion</th>
            </tr>
          </thead>
          <tbody>
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
                <tr key={m.id}>
                  <td>
                    <input
                      aria-label="Name der Zuordnung"
                      value={editing.name}
                      onChange={(e) => setEditing({ ...editing, name: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label="Dateimuster"
                      value={editing.pattern}
                      onChange={(e) => setEditing({ ...editing, pattern: e.target.value })}
                    />
                  </td>
                  <td>{formatDateTime(m.updatedAt)}</td>
                  <td>
                    <button type="button" onClick={() => saveEdit(m.spec)}>
                      Speichern
                    </button>{' '}
                    <button type="button" className="secondary" onClick={() => setEditing(null)}>
                      Abbrechen
                    </button>
                  </td>
                </tr>
              ) : (
                <tr key={m.id}>
                  <td>{m.name}</td>
                  <td>
                    <code>{m.pattern}</code>
                  </td>
                  <td>{formatDateTime(m.updatedAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      disabled={!token}
                      onClick={() => setEditing({ id: m.id, name: m.name, pattern: m.pattern })}
                    >
                      Bearbeiten
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary"
                      disabled={!token}
                      onClick={() => remove(m.id, m.name)}
                    >
                      Löschen
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
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
          disabled={!token}
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void load(f);
          }}
        />
      </div>
      <div aria-live="polite">
        {message && (
          <p
            className={message.ok ? 'banner banner-ok' : 'banner banner-error'}
            role={message.ok ? 'status' : 'alert'}
          >
            {message.text}
          </p>
        )}
      </div>
    </section>
  );
}
