/**
 * The wall display (`/wall`): an unattended TV mode. Configured by its URL alone (docs/wall.md):
 * it rotates from the overview of all goals through each goal's chart, picks up new data without
 * reloading, keeps the last good figures through outages and says so, and reloads itself after a
 * new deployment. The engine lives in web/wall/controller.ts; this page only renders its state.
 */
import '../wall/wall.css';

import { useDeferredValue, useEffect, useMemo } from 'react';
import { CodeLoader, useCode, WALL_POLICY } from '../lib/lazy';
import { applyCssVars } from '../lib/palette';

import { parseWallParams, unknownRegionWarning } from '../wall/params';
import { THEMES, themeCssVars } from '../wall/theme';
import { useViewportUnit, useWallController } from '../wall/useWall';
import { WallOverview } from '../wall/WallGoals';
import { failureBodyText, WallBanners, WallFooter, WallHeader } from '../wall/WallParts';
import { planTitle, WallPlanPage } from '../wall/WallPlan';

// The chart page carries ECharts (the bulk of the wall's code): fetched when the rotation first
// reaches a chart page, so the overview tiles paint with a fraction of the bytes. A failed download
// is retried until it succeeds (web/lib/lazy.ts); meanwhile the overview stands in for the charts.
const chartCode = new CodeLoader(() => import('../wall/WallGoalPage'), WALL_POLICY);

/** Smallest text on the wall, in units of `--u` (1 % of the 16:9 height): 26 px at 1080p. */
export const MIN_TEXT_U = 2.4;

export default function Wall() {
  // The bookmark is the configuration: read once, like a TV that is set up once.
  const params = useMemo(() => parseWallParams(window.location.search), []);
  const state = useWallController(params);
  const u = useViewportUnit();
  const colors = THEMES[params.theme];
  const style = useMemo(() => themeCssVars(params.theme), [params.theme]);
  // The page behind the wall (html, body) takes the theme's background too.
  useEffect(() => applyCssVars(document.documentElement, style), [style]);

  // The tiles render from a deferred copy of the figures: the engine's update is urgent (a store);
  // deferred, the tiles render as a transition, in slices that leave the main thread free.
  const data = useDeferredValue(state.data);
  const goals = data?.goals ?? null;
  const page = state.pages[state.pageIndex];
  const goal = page?.kind === 'goal' ? goals?.goals.find((g) => g.id === page.goalId) : undefined;
  const warnings = [
    ...params.warnings,
    ...(state.regionIgnored && params.region !== null ? [unknownRegionWarning(params.region)] : []),
    ...state.unknownPages.map((id) => `pages: Ziel ${id} gibt es hier nicht`),
  ];
  const chart = useCode(chartCode, goal !== undefined);
  const ChartPage = chart.module?.default;
  // The chart's code could not be loaded (yet): the overview stands in, and says so.
  const standIn = goal !== undefined && !ChartPage && chart.failures > 0;
  const pageTitle =
    goal && !standIn ? goal.label : page?.kind === 'plan' ? planTitle(page.part, page.parts) : 'Überblick';
  const failure = state.failure;

  return (
    <main
      className="wall"
      data-theme={params.theme}
      data-page={page?.key ?? 'loading'}
      data-rotations={state.rotations}
      data-data-version={data?.dataVersion ?? ''}
      data-offline={failure?.kind === 'offline' ? 'true' : 'false'}
      data-failure={failure === null ? '' : failure.kind === 'offline' ? 'offline' : String(failure.status)}
      data-error={state.lastError ?? ''}
      style={style}
      aria-label="Zielmonitor – Wandanzeige"
    >
      <WallHeader
        regionName={goals?.region.name ?? null}
        year={goals?.year ?? params.year}
        dataMonth={goals?.dataMonth ?? null}
        loadedAt={goals?.loadedAt ?? null}
        sample={goals?.region.sample ? { asOf: goals.region.sampleAsOf } : null}
        now={state.now}
      />
      <WallBanners
        now={state.now}
        failing={
          state.failingSince === null || failure === null
            ? null
            : { since: state.failingSince, failure, hasData: data !== null }
        }
        chartCodeMissing={standIn}
        stale={goals?.stale ? { dataMonth: goals.dataMonth, expectedMonth: goals.expectedMonth } : null}
      />
      {/* Keyed by whether the goals are there: the loading line is replaced by the first page, not
          moved down by a data banner arriving with it (a layout shift on the screen). */}
      <div className="wall-body" key={goals ? 'goals' : 'loading'}>
        {!goals ? (
          <p className="wall-empty">
            {failure === null ? 'Zielmonitor wird geladen …' : failureBodyText(failure)}
          </p>
        ) : goal && ChartPage ? (
          <ChartPage
            goal={goal}
            series={data?.series.get(goal.id)}
            year={goals.year}
            colors={colors}
            fontPx={Math.round(u * MIN_TEXT_U)}
          />
        ) : goal && !standIn ? (
          <p className="wall-empty">Verlauf wird geladen …</p>
        ) : page?.kind === 'plan' ? (
          <WallPlanPage goals={goals} part={page.part} parts={page.parts} />
        ) : (
          <WallOverview goals={goals} />
        )}
      </div>
      <WallFooter pages={state.pages} pageIndex={state.pageIndex} pageTitle={pageTitle} warnings={warnings} />
    </main>
  );
}
