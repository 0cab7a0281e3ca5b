/** Users (role set by hand, disable), role mappings (user name or group → role), and sessions. */
import { type FormEvent, useId, useState } from 'react';
import { formatDateTime } from '../../core/format';
import { errorText } from '../lib/error-text';
import {
  useDeleteMapping,
  useMappings,
  useRevokeSession,
  useSessions,
  useSetMapping,
  useUpdateUser,
  useUsers,
} from './api';
import { ROLE_OPTIONS, ROLE_TEXT, roleOf } from './roles';

export function Users() {
  const users = useUsers();
  const update = useUpdateUser();
  return (
    <section className="card" aria-labelledby="users-h">
      <h2 id="users-h">Personen</h2>
      {update.isError && <p className="error-text">{errorText(update.error)}</p>}
      <div className="table-wrap">
        <table className="data-table">
          <caption>Rolle „aus Zuordnung“ folgt den Gruppen bzw. dem Benutzernamen bei der Anmeldung</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Quelle</th>
              <th scope="col">Rolle aus Zuordnung</th>
              <th scope="col">Rolle festgelegt</th>
              <th scope="col">Zuletzt gesehen</th>
              <th scope="col">Zugang</th>
            </tr>
          </thead>
          <tbody>
            {(users.data?.users ?? []).map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.source === 'oidc' ? 'OpenID Connect' : u.source === 'proxy' ? 'Proxy' : 'lokal'}</td>
                <td>{u.mappedRole ? ROLE_TEXT[u.mappedRole] : 'keine'}</td>
                <td>
                  <select
                    aria-label={`Rolle von ${u.name}`}
                    value={u.role ?? ''}
                    onChange={(e) => update.mutate({ id: u.id, role: roleOf(e.target.value) })}
                  >
                    <option value="">aus Zuordnung</option>
                    {ROLE_OPTIONS.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_TEXT[r]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{u.lastSeenAt ? formatDateTime(u.lastSeenAt) : '–'}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}
                  >
                    {u.disabled ? 'Gesperrt – entsperren' : 'Sperren'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Mappings() {
  const mappings = useMappings();
  const set = useSetMapping();
  const del = useDeleteMapping();
  const ids = { kind: useId(), value: useId(), role: useId() };
  const [form, setForm] = useState<{
    kind: 'user' | 'group';
    value: string;
    role: 'viewer' | 'controller' | 'admin';
  }>({ kind: 'group', value: '', role: 'viewer' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate(form, { onSuccess: () => setForm({ ...form, value: '' }) });
  };
  return (
    <section className="card" aria-labelledby="mappings-h">
      <h2 id="mappings-h">Rollen-Zuordnungen</h2>
      <p className="muted">
        Gruppe: ein Wert des Gruppen-Claims (OpenID Connect), „*“ für alle Angemeldeten. Benutzer: der
        Benutzername vom Proxy oder aus OpenID Connect. Die höchste zutreffende Rolle gilt.
      </p>
      <form className="admin-form" onSubmit={submit}>
        <label htmlFor={ids.kind}>Art</label>
        <select
          id={ids.kind}
          value={form.kind}
          onChange={(e) => setForm({ ...form, kind: e.target.value === 'user' ? 'user' : 'group' })}
        >
          <option value="group">Gruppe</option>
          <option value="user">Benutzer</option>
        </select>
        <label htmlFor={ids.value}>Wert</label>
        <input
          id={ids.value}
          required
          value={form.value}
          onChange={(e) => setForm({ ...form, value: e.target.value })}
        />
        <label htmlFor={ids.role}>Rolle</label>
        <select
          id={ids.role}
          value={form.role}
          onChange={(e) => setForm({ ...form, role: roleOf(e.target.value) ?? 'viewer' })}
        >
          {ROLE_OPTIONS.map((r) => (
            <option key={r} value={r}>
              {ROLE_TEXT[r]}
            </option>
          ))}
        </select>
        <button type="submit" disabled={set.isPending}>
          Zuordnen
        </button>
      </form>
      {(set.isError || del.isError) && <p className="error-text">{errorText(set.error ?? del.error)}</p>}
      <ul className="plain">
        {(mappings.data?.mappings ?? []).map((m) => (
          <li key={m.id}>
            {m.kind === 'group' ? 'Gruppe' : 'Benutzer'} „{m.value}“ → {ROLE_TEXT[m.role]}{' '}
            <button type="button" className="secondary" onClick={() => del.mutate(m.id)}>
              Entfernen
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Sessions() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  return (
    <section className="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Angemeldete Sitzungen</h2>
      <ul className="plain">
        {(sessions.data?.sessions ?? []).map((s) => (
          <li key={s.id}>
            {s.user}, seit {formatDateTime(s.createdAt)}, zuletzt {formatDateTime(s.lastSeenAt)}
            {s.address ? ` (${s.address})` : ''}{' '}
            <button type="button" className="secondary" onClick={() => revoke.mutate(s.id)}>
              Beenden
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
