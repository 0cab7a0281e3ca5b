/** Personal API tokens: create (the token is shown once), list with last use, revoke. */
import { type FormEvent, useId, useState } from 'react';
import { formatDateTime } from '../../core/format';
import { errorText } from '../lib/error-text';
import { type NewToken, useCreateToken, useRevokeToken, useTokens } from './api';
import { ROLE_OPTIONS, ROLE_TEXT, type RoleOption } from './roles';

export function Tokens() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const ids = { user: useId(), name: useId(), role: useId(), days: useId() };
  const [form, setForm] = useState<{ user: string; name: string; role: RoleOption; days: string }>({
    user: '',
    name: '',
    role: 'controller',
    days: '90',
  });
  const [shown, setShown] = useState<NewToken | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const days = form.days.trim() === '' ? null : Number(form.days);
    create.mutate(
      { user: form.user, name: form.name, role: form.role, expiresInDays: days },
      { onSuccess: (t) => setShown(t) },
    );
  };
  return (
    <section className="card" aria-labelledby="tokens-h">
      <h2 id="tokens-h">Persönliche API-Tokens</h2>
      <form className="admin-form" onSubmit={submit}>
        <label htmlFor={ids.user}>Person</label>
        <input
          id={ids.user}
          required
          value={form.user}
          onChange={(e) => setForm({ ...form, user: e.target.value })}
        />
        <label htmlFor={ids.name}>Zweck</label>
        <input
          id={ids.name}
          required
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
        />
        <label htmlFor={ids.role}>Rolle</label>
        <select
          id={ids.role}
          value={form.role}
          onChange={(e) =>
            setForm({ ...form, role: ROLE_OPTIONS.find((r) => r === e.target.value) ?? 'viewer' })
          }
        >
          {ROLE_OPTIONS.map((r) => (
            <option key={r} value={r}>
              {ROLE_TEXT[r]}
            </option>
          ))}
        </select>
        <label htmlFor={ids.days}>Gültig (Tage, leer: unbegrenzt)</label>
        <input
          id={ids.days}
          inputMode="numeric"
          pattern="[0-9]*"
          value={form.days}
          onChange={(e) => setForm({ ...form, days: e.target.value })}
        />
        <button type="submit" disabled={create.isPending}>
          Token erstellen
        </button>
      </form>
      {create.isError && <p className="error-text">{errorText(create.error)}</p>}
      {shown && (
        <div className="notice" role="status" data-testid="new-token">
          <p>
            Token für {shown.info.user} – <strong>nur jetzt sichtbar</strong>, bitte sofort kopieren:
          </p>
          <code className="token-value">{shown.token}</code>
        </div>
      )}
      <div className="table-wrap">
        <table className="data-table">
          <caption>Tokens (nur ein Hash wird gespeichert)</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Zweck</th>
              <th scope="col">Rolle</th>
              <th scope="col">Gültig bis</th>
              <th scope="col">Zuletzt benutzt</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {(tokens.data?.tokens ?? []).map((t) => (
              <tr key={t.id}>
                <td>{t.user}</td>
                <td>{t.name}</td>
                <td>{ROLE_TEXT[t.role]}</td>
                <td>{t.expiresAt ? formatDateTime(t.expiresAt) : 'unbegrenzt'}</td>
                <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'nie'}</td>
                <td>
                  {t.revokedAt ? (
                    <>widerrufen {formatDateTime(t.revokedAt)}</>
                  ) : (
                    <button type="button" className="secondary" onClick={() => revoke.mutate(t.id)}>
                      Widerrufen
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
