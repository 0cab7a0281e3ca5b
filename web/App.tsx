/**
 * Routes and the app chrome (skip link, header, nav, main). Every page but the overview is its own
 * chunk; the wall display renders without the chrome (full screen, no navigation). The overview,
 * the landing page, is part of the main chunk: it is fetched with it (modulepreload) instead of
 * after it has run, one round trip less before the first goals show.
 */
import type { QueryClient } from '@tanstack/react-query';
import { type ReactNode, Suspense, useEffect, useRef } from 'react';
import { Link, Route, Switch, useLocation, useSearch } from 'wouter';

import {
  type GoalsResponse,
  goalCommentsQuery,
  hasRole,
  pageQueries,
  readDataVersion,
  regionCommentsQuery,
  useDataVersionWatcher,
  useMe,
} from './api';
import { AuthStatus } from './components/AuthStatus';
import { PageErrorBoundary, WallCodeWaiting } from './components/PageError';
import { announceNavigation, PageHeading } from './components/PageHeading';
import { Loading } from './components/States';
import { lazyPage, WALL_POLICY } from './lib/lazy';
import { noteBuildOf } from './lib/lazy-build';
import { isPlanGoal } from './lib/plan-view';
import {
  commonSearch,
  comparisonQuery,
  goalQuery,
  monthsServerQuery,
  parseCommon,
  parseMonthsTable,
  sparklineQuery,
} from './lib/url-state';
import { MonthsPageLoading } from './pages/months/MonthsIntro';
import Overview from './pages/Overview';

// Each page's download is retried; when it still fails, the page area says so (PageErrorBoundary)
// and the navigation keeps working. The wall retries until its code has loaded (web/lib/lazy.ts).
const Goal = lazyPage(() => import('./pages/Goal'));
const Months = lazyPage(() => import('./pages/Months'));
const Imports = lazyPage(() => import('./pages/Imports'));
const Alerts = lazyPage(() => import('./pages/Alerts'));
const Wall = lazyPage(() => import('./pages/Wall'), WALL_POLICY);
const Admin = lazyPage(() => import('./pages/Admin'));

/**
 * Starts what the page at `path` needs before React renders it: its code and its first API answers,
 * all at once. Left to the page, each waits for the one before (main chunk → page chunk → the
 * page's requests → render), a round trip or two on a phone. The queries are the pages' own
 * (pageQueries), with the parameters parsed as the pages parse them, so the pages find the answers
 * in the cache (or the requests already on their way).
 */
export function prefetchRoute(qc: QueryClient, path: string, search: string): void {
  const params = new URLSearchParams(search);
  const common = parseCommon(params);
  const q = goalQuery(common);
  const goalId = /^\/ziel\/([^/]+)$/.exec(path)?.[1];
  if (path !== '/wall') {
    // The header's (Chrome) own queries, otherwise started only once the header has rendered.
    void qc.prefetchQuery(pageQueries.me());
    // The version read notes the server's build: the one this document belongs to (lazy-build).
    void qc.prefetchQuery({ ...pageQueries.version(), queryFn: () => readDataVersion(noteBuildOf) });
  }
  if (path === '/') {
    qc.fetchQuery(pageQueries.goals(q)).then(
      (goals) => prefetchOverviewAnswers(qc, goals),
      () => undefined, // the page shows the error of its own query
    );
    void qc.prefetchQuery(pageQueries.regions());
  } else if (goalId !== undefined) {
    Goal.preload();
    let id: string;
    try {
      id = decodeURIComponent(goalId);
    } catch {
      return; // not a goal id; the page says so
    }
    qc.fetchQuery(pageQueries.goalSeries(id, q)).then(
      // The goal's comments (chart markers and the comments section), keyed by the series' own
      // region and year, as soon as they are known.
      (s) => void qc.prefetchQuery(pageQueries.comments(goalCommentsQuery(s))),
      () => undefined, // the page shows the error of its own query
    );
    void qc.prefetchQuery(pageQueries.goals(q));
    void qc.prefetchQuery(pageQueries.goalBacktest(id, q));
  } else if (path === '/monate') {
    Months.preload();
    qc.fetchQuery(pageQueries.months(monthsServerQuery(common.region, parseMonthsTable(params)))).then(
      // The region's comments (the table's comment column), as the page asks for them.
      (months) => {
        const c = regionCommentsQuery(months);
        if (c !== null) void qc.prefetchQuery(pageQueries.comments(c));
      },
      () => undefined, // the page shows the error of its own query
    );
    void qc.prefetchQuery(pageQueries.planMonths(common.region ? { region: common.region } : {}));
  } else if (path === '/wall') {
    Wall.preload();
  }
}

/**
 * Starts the overview's comparison and sparkline series as soon as its goals are known (their
 * keys need the goals' region, year and data month), each series in a task of its own. Left to
 * the cards, all of them start in the one task that runs the cards' effects after their first
 * commit: on a phone's CPU that task took about 100 ms longer with the six fetches in it (a CPU
 * profile of the page at 4× throttling), blocking input while the overview appears.
 */
function prefetchOverviewAnswers(qc: QueryClient, goals: GoalsResponse): void {
  void qc.prefetchQuery(pageQueries.comparison(comparisonQuery(goals)));
  const q = sparklineQuery(goals);
  for (const g of goals.goals) {
    if (isPlanGoal(g)) continue; // plan cards show no sparkline
    setTimeout(() => void qc.prefetchQuery(pageQueries.goalSeries(g.id, q)), 0);
  }
}

const NAV = [
  { href: '/', label: 'Überblick', match: (p: string) => p === '/' || p.startsWith('/ziel/') },
  { href: '/monate', label: 'Monatswerte', match: (p: string) => p === '/monate' },
  { href: '/importe', label: 'Importe', match: (p: string) => p === '/importe' },
  { href: '/hinweise', label: 'Hinweise', match: (p: string) => p === '/hinweise' },
];

function Chrome({ children }: { children: ReactNode }) {
  // The wall display polls on its own terms; the dashboard pages share this one watcher.
  useDataVersionWatcher();
  const [path] = useLocation();
  const search = useSearch();
  const isAdmin = hasRole(useMe().data, 'admin');
  // Region and year travel with the navigation; the rest belongs to the page it was set on.
  const common = parseCommon(new URLSearchParams(search));
  const carry = commonSearch({ region: common.region, year: common.year, month: null });

  // Moving to another page (not a gender tab or a filter on the same page) moves the focus to
  // the new page's heading.
  const pageKey = path.split('/')[1] ?? '';
  const lastPage = useRef(pageKey);
  useEffect(() => {
    if (lastPage.current === pageKey) return;
    lastPage.current = pageKey;
    announceNavigation();
  }, [pageKey]);

  return (
    <>
      <a className="skip-link" href="#main">
        Zum Inhalt springen
      </a>
      <header className="app-header">
        <Link href={`/${carry}`} className="brand">
          <span aria-hidden="true" className="brand-mark" />
          Zielmonitor
        </Link>
        <nav aria-label="Hauptnavigation">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={`${n.href}${carry}`} aria-current={n.match(path) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
            {isAdmin && (
              <li>
                <Link href={`/verwaltung${carry}`} aria-current={path === '/verwaltung' ? 'page' : undefined}>
                  Verwaltung
                </Link>
              </li>
            )}
          </ul>
        </nav>
        <AuthStatus />
      </header>
      <main id="main" tabIndex={-1}>
        <PageErrorBoundary resetKey={path}>
          <Suspense fallback={<Loading what="Seite" />}>{children}</Suspense>
        </PageErrorBoundary>
      </main>
      <footer className="app-footer">
        Zielmonitor · Kennzahlen nach § 48a SGB II · Zahlen: Statistik der Bundesagentur für Arbeit bzw.
        Beispieldaten (gekennzeichnet)
      </footer>
    </>
  );
}

function NotFound() {
  return (
    <section className="page">
      <PageHeading title="Seite nicht gefunden" />
      <p>
        Diese Adresse gibt es im Zielmonitor nicht. <Link href="/">Zum Überblick</Link>
      </p>
    </section>
  );
}

export function App() {
  return (
    <Switch>
      <Route path="/wall">
        <Suspense fallback={<WallCodeWaiting loader={Wall.loader} />}>
          <Wall />
        </Suspense>
      </Route>
      <Route>
        <Chrome>
          <Switch>
            <Route path="/" component={Overview} />
            <Route path="/ziel/:id" component={Goal} />
            <Route path="/monate">
              <Suspense fallback={<MonthsPageLoading />}>
                <Months />
              </Suspense>
            </Route>
            <Route path="/importe" component={Imports} />
            <Route path="/hinweise" component={Alerts} />
            <Route path="/verwaltung" component={Admin} />
            <Route component={NotFound} />
          </Switch>
        </Chrome>
      </Route>
    </Switch>
  );
}
