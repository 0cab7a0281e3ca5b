/**
 * Empfänger on the Hinweise page: who gets the e-mail hints, for which regions and goals, and where
 * each entry comes from. The addresses are personal data: only the role Verwaltung (the session,
 * or the admin token pasted into this tab) sees the list, so nobody else asks the server for it.
 * Whoever sees it adds recipients in the form and removes those added here; the entries of
 * ALERT_RECIPIENTS and of the configuration file are changed there. Who may do what is decided as
 * for the mutes (admin-access.ts); the token field is the mute form's, one for the page, and a
 * token typed there is read with once it stops changing (useReadCredential).
 */
import { useRef } from 'react';

import { ROLE_TEXT } from '../../admin/roles';
import { useRecipients } from '../../api';
import { ErrorState, Loading } from '../../components/States';
import { worthRetrying } from '../../lib/error-text';
import { authHeaders, type Credential } from '../imports/access';
import { useAdminAccess, useReadCredential } from './admin-access';
import { useAlertNames } from './alert-names';
import { RecipientForm } from './RecipientForm';
import { RecipientList } from './RecipientList';

const WHAT = 'Die Empfängerliste sehen und ändern';
const TOKEN_HINT = `${WHAT} dürfen nur Personen mit der Rolle ${ROLE_TEXT.admin}. Ohne Anmeldung geht es mit dem Admin-Token: im Formular „Stummschaltung anlegen“ eingeben, es gilt für die ganze Seite.`;

/** The list and the form, for someone who may read and change them. */
function RecipientsForAdmin({
  credential,
  read,
  onRemoved,
}: {
  /** How the writes authenticate. */
  credential: Credential;
  /** How the list is read (null: a token is still being typed). */
  read: Credential | null;
  onRemoved: () => void;
}) {
  const recipients = useRecipients(read ? authHeaders(read) : {}, read !== null);
  const named = useAlertNames();
  return (
    <>
      {recipients.isPending ? (
        <Loading what="Empfänger" />
      ) : recipients.isError ? (
        <ErrorState
          error={recipients.error}
          what="Empfänger"
          // A wrong token is corrected in the token field, not sent again.
          {...(worthRetrying(recipients.error) ? { retry: () => void recipients.refetch() } : {})}
        />
      ) : (
        <RecipientList
          list={recipients.data}
          names={named.names}
          regionNames={named.regionNames}
          credential={credential}
          onRemoved={onRemoved}
        />
      )}
      <RecipientForm
        credential={credential}
        goalOptions={named.goalOptions}
        regions={named.regions}
        names={named.names}
        regionNames={named.regionNames}
      />
    </>
  );
}

export function Recipients() {
  const { who, access } = useAdminAccess(WHAT, TOKEN_HINT);
  const read = useReadCredential(access.credential);
  const headingRef = useRef<HTMLHeadingElement>(null);

  return (
    <section className="recipients" aria-labelledby="recipients-h" data-testid="recipients">
      <h2 id="recipients-h" ref={headingRef} tabIndex={-1}>
        Empfänger
      </h2>
      <p className="meta">
        An diese Adressen gehen die E-Mail-Hinweise, je Person zu den gewählten Regionen und Zielen. Einträge
        aus der Umgebungsvariable ALERT_RECIPIENTS und aus der Konfigurationsdatei werden dort geändert.
      </p>
      {who === null ? (
        <Loading what="Anmeldestatus" />
      ) : access.credential === null ? (
        <p className="banner" data-testid="recipients-need-role">
          {access.reason}
        </p>
      ) : (
        <RecipientsForAdmin
          credential={access.credential}
          read={read}
          // The removed entry's row and button go away: the focus goes to the list's heading.
          onRemoved={() => headingRef.current?.focus()}
        />
      )}
    </section>
  );
}
