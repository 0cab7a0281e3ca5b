/**
 * Stummschaltungen on the Hinweise page: every mute (configuration file and API) with what it
 * silences, until when, why, where it comes from and whether it still holds. Who may write (role
 * Verwaltung with the session, otherwise the admin token pasted into this tab) adds mutes in the
 * form and lifts those made here; mutes of the configuration file are changed in that file. The
 * rule of who writes how is the Importe page's (imports/access.ts), reused, not repeated.
 */
import { useRef } from 'react';

import { hasRole, useMutes } from '../../api';
import { Loading } from '../../components/States';
import { TokenDetails } from '../imports/TokenField';
import { useAdminAccess } from './admin-access';
import { useAlertNames } from './alert-names';
import { MuteForm } from './MuteForm';
import { MuteList } from './MuteList';

export function Mutes() {
  const mutes = useMutes();
  const { who, signedIn, access, token, onToken } = useAdminAccess('Stummschaltungen ändern');
  const named = useAlertNames();
  const headingRef = useRef<HTMLHeadingElement>(null);

  return (
    <section className="mutes" aria-labelledby="mutes-h" data-testid="mutes">
      <h2 id="mutes-h" ref={headingRef} tabIndex={-1}>
        Stummschaltungen
      </h2>
      <p className="meta">
        Für ein stummgeschaltetes Ziel gehen bis einschließlich zum genannten Tag keine E-Mail-Hinweise
        hinaus; sein Status wird weiter festgehalten.
      </p>
      <MuteList
        mutes={mutes}
        names={named.names}
        regionNames={named.regionNames}
        credential={access.credential}
        // The lifted mute's row and button go away: the focus goes to the list's heading.
        onLifted={() => headingRef.current?.focus()}
      />
      {who === null ? (
        <Loading what="Anmeldestatus" />
      ) : (
        <>
          <MuteForm
            access={access}
            token={signedIn ? null : { value: token, onChange: onToken }}
            goalOptions={named.goalOptions}
            regions={named.regions}
            names={named.names}
            regionNames={named.regionNames}
          />
          {signedIn && !hasRole(who, 'admin') && <TokenDetails token={token} onToken={onToken} />}
        </>
      )}
    </section>
  );
}
