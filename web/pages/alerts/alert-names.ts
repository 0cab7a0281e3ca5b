/**
 * The goals' and indicators' German names and the region names the Hinweise page's sections
 * (Stummschaltungen, Empfänger) show and offer; one hook, so both read them alike (react-query
 * fetches each list once for both).
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

import { pageQueries, useGoals, useRegions } from '../../api';
import { goalNames, muteGoalOptions } from '../../lib/mute-view';

export function useAlertNames() {
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
