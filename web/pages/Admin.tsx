/**
 * Verwaltung (admins): people and roles, role mappings, personal tokens, sessions, and the audit
 * log with CSV export. Others see why they cannot use it.
 */
import { Audit } from '../admin/Audit';
import { Mappings, Sessions, Users } from '../admin/People';
import { Tokens } from '../admin/Tokens';
import { hasRole, useMe } from '../api';
import { PageHeading } from '../components/PageHeading';
import { Loading } from '../components/States';

export default function Admin() {
  const me = useMe();
  if (me.isPending) return <Loading what="Verwaltung" />;
  if (!hasRole(me.data, 'admin')) {
    return (
      <section className="page">
        <PageHeading title="Verwaltung" />
        <p>
          Diese Seite ist nur für Personen mit der Rolle Verwaltung. Bitte mit einem solchen Konto anmelden.
        </p>
      </section>
    );
  }
  return (
    <section className="page admin-page">
      <PageHeading title="Verwaltung" />
      <Users />
      <Mappings />
      <Tokens />
      <Sessions />
      <Audit />
    </section>
  );
}
