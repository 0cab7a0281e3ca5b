/** Users (role set by hand, disable), role mappings (user name or group → role), and sessions. */
import { type FormEvent, useId, useState } from 'react';
import { formatDateTime } from '../../core/format';
import { DataTable } from '../components/DataTable';
import { ActionError, Empty, ErrorState } from '../components/States';
import {
  useDeleteMapping,
  useMappings,
  useRevokeSession,
  useSessions,
  useSetMapping,
  useUpdateUser,
  useUsers,
} from './api';
import { ItemWithAction, RoleSelect, TextField } from './fields';
import { ROLE_TEXT, type RoleOption } from './roles';

type UserItem = NonNullable<ReturnType<typeof useUsers>['data']>['users'][number];

/** A person: where they sign in from, their roles (the one set by hand changeable), lock. */
function UserRow({ user: u, update }: { user: UserItem; update: ReturnType<typeof useUpdateUser> }) {
  return (
    <tr>
      <td>{u.name}</td>
      <td>{u.source === 'oidc' ? 'OpenID Connect' : u.source === 'proxy' ? 'Proxy' : 'lokal'}</td>
      <td>{u.mappedRole ? ROLE_TEXT[u.mappedRole] : 'keine'}</td>
      <td>
        <RoleSelect
          ariaLabel={`Rolle von ${u.name}`}
          unset="aus Zuordnung"
          value={u.role}
          onChange={(role) => update.mutate({ id: u.id, role })}
        />
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
  );
}

export function Users() {
  const users = useUsers();
  const update = useUpdateUser();
  return (
    <section className="card" aria-labelledby="users-h">
      <h2 id="users-h">Personen</h2>
      <ActionError error={update.error} />
      <DataTable
        wrap
        caption="Rolle „aus Zuordnung“ folgt den Gruppen bzw. dem Benutzernamen bei der Anmeldung"
        columns={['Name', 'Quelle', 'Rolle aus Zuordnung', 'Rolle festgelegt', 'Zuletzt gesehen', 'Zugang']}
      >
        {(users.data?.users ?? []).map((u) => (
          <UserRow key={u.id} user={u} update={update} />
        ))}
      </DataTable>
    </section>
  );
}

export function Mappings() {
  const mappings = useMappings();
  const set = useSetMapping();
  const del = useDeleteMapping();
  const kindId = useId();
  const [form, setForm] = useState<{ kind: 'user' | 'group'; value: string; role: RoleOption }>({
    kind: 'group',
    value: '',
    role: 'viewer',
  });
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
        <label htmlFor={kindId}>Art</label>
        <select
          id={kindId}
          value={form.kind}
          onChange={(e) => setForm({ ...form, kind: e.target.value === 'user' ? 'user' : 'group' })}
        >
          <option value="group">Gruppe</option>
          <option value="user">Benutzer</option>
        </select>
        <TextField label="Wert" value={form.value} onChange={(value) => setForm({ ...form, value })} />
        <RoleSelect
          label="Rolle"
          value={form.role}
          onChange={(role) => setForm({ ...form, role: role ?? 'viewer' })}
        />
        <button type="submit" disabled={set.isPending}>
          Zuordnen
        </button>
      </form>
      <ActionError error={set.error ?? del.error} />
      <ul className="plain">
        {(mappings.data?.mappings ?? []).map((m) => (
          <ItemWithAction key={m.id} action="Entfernen" onAction={() => del.mutate(m.id)}>
            {m.kind === 'group' ? 'Gruppe' : 'Benutzer'} „{m.value}“ → {ROLE_TEXT[m.role]}
          </ItemWithAction>
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
      {sessions.isError && (
        <ErrorState error={sessions.error} what="Sitzungen" retry={() => void sessions.refetch()} />
      )}
      {sessions.data?.sessions.length === 0 && (
        <Empty>Niemand ist angemeldet (Zugriffe mit einem Token sind keine Sitzung).</Empty>
      )}
      <ul className="plain">
        {(sessions.data?.sessions ?? []).map((s) => (
          <ItemWithAction key={s.id} action="Beenden" onAction={() => revoke.mutate(s.id)}>
            {s.user}, seit {formatDateTime(s.createdAt)}, zuletzt {formatDateTime(s.lastSeenAt)}
            {s.address ? ` (${s.address})` : ''}
          </ItemWithAction>
        ))}
      </ul>
    </section>
  );
}
