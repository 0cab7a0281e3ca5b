/** Personal API tokens: create (the token is shown once), list with last use, revoke. */
import { type FormEvent, useState } from 'react';
import { formatDateTime } from '../../core/format';
import { DataTable } from '../components/DataTable';
import { ActionError, Empty, ErrorState } from '../components/States';
import { type NewToken, useCreateToken, useRevokeToken, useTokens } from './api';
import { RoleSelect, TextField } from './fields';
import { ROLE_TEXT, type RoleOption } from './roles';

export function Tokens() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
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
        <TextField label="Person" value={form.user} onChange={(user) => setForm({ ...form, user })} />
        <TextField label="Zweck" value={form.name} onChange={(name) => setForm({ ...form, name })} />
        <RoleSelect
          label="Rolle"
          value={form.role}
          onChange={(role) => setForm({ ...form, role: role ?? 'viewer' })}
        />
        <TextField
          label="Gültig (Tage, leer: unbegrenzt)"
          numeric
          value={form.days}
          onChange={(days) => setForm({ ...form, days })}
        />
        <button type="submit" disabled={create.isPending}>
          Token erstellen
        </button>
      </form>
      <ActionError error={create.error} />
      {shown && (
        <div className="notice" role="status" data-testid="new-token">
          <p>
            Token für {shown.info.user} – <strong>nur jetzt sichtbar</strong>, bitte sofort kopieren:
          </p>
          <code className="token-value">{shown.token}</code>
        </div>
      )}
      <DataTable
        wrap
        caption="Tokens (nur ein Hash wird gespeichert)"
        columns={['Person', 'Zweck', 'Rolle', 'Gültig bis', 'Zuletzt benutzt', 'Status']}
      >
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
      </DataTable>
      {tokens.isError && (
        <ErrorState error={tokens.error} what="Tokens" retry={() => void tokens.refetch()} />
      )}
      {tokens.data?.tokens.length === 0 && <Empty>Noch kein Token erstellt.</Empty>}
    </section>
  );
}
