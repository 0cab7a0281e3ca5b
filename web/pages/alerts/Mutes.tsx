/**
 * Stummschaltungen on the Hinweise page: every mute (configuration file and API) with what it
 * silences, until when, why, where it comes from and whether it still holds. Who may write (role
 * Verwaltung with the session, otherwise the admin token pasted into this tab) adds mutes in the
 * form and lifts those made here; mutes of the configuration file are changed in that file. The
 * rule of who writes how is the Importe page's (imports/access.ts), reused, not repeated.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef } from 'react';

import { hasRole, pageQueries, useGoals, useMe, useMutes, useRegions } from '../../api';
import { Loading } from '../../components/States';
import { useAdminToken } from '../../lib/admin-token';
import { goalNames, muteGoalOptions } from '../../lib/mute-view';
import { accessFor, isSignedIn } from '../imports/access';
import { TokenDetails } from '../imports/TokenField';
import { MuteForm } from './MuteForm';
import { MuteList } from './MuteList';

/** The goals' and indicators' German names, and the region names, for the list and the form. */
function useNames() {
  // The goals of the default region and year: the ones the API evaluates and names.
  const goals = useGoals({});
  const indicators = useQuery(pageQueries.indicators());
  const regions = useRegions();
  const goalList = goals.data?.goals;
  const indicatorList = indicators.data?.indicators;
  const regionList = regions.data?.regions;
  return useMemo(() => {
    const names = goalNames(goalList, indicatorList);
    return {
      names,
      goalOptions: muteGoalOptions(goalList ?? [], names),
      regions: regionList ?? [],
      regionNames: new Map((regionList ?? []).map((r) => [r.id, r.name])),
    };
  }, [goalList, indicatorList, regionList]);
}

export function Mutes() {
  const mutes = useMutes();
  const me = useMe();
  const [token, onToken] = useAdminToken();
  const named = useNames();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Until /api/me answers it is not known whether to ask for the token; a failed answer counts as
  // nobody signed in (the token field then still works), as on Importe.
  const who = me.isPending ? null : me.data;
  const signedIn = isSignedIn(who ?? undefined);
  const access = useMemo(
    () => accessFor(who ?? undefined, token, 'admin', 'Stummschaltungen ändern'),
    [who, token],
  );

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
