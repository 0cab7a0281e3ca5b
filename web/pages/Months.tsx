/**
 * Monatswerte: the monthly figures behind the goals (month × gender) in a TanStack Table. Sorting
 * and filtering run on the server (the export uses the same parameters, so it holds exactly the
 * rows in view); column visibility is local and goes into the URL and the export. A screenful of the
 * page's rows renders at once, the rest on demand (web/lib/months-view). The pieces:
 * months/MonthsFilters (the form), months/MonthsTable (columns, table, pager), months/MonthsExport.
 */
import { memo, useCallback, useDeferredValue, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import {
  type CommentItem,
  type MonthRow,
  type MonthsResponse,
  regionCommentsQuery,
  useComments,
  useMonths,
} from '../api';
import { useCommentsColumn } from '../components/CommentsCell';
import { SampleBadge } from '../components/DataNotices';
import { RevisionDialog, type RevisionTarget } from '../components/RevisionDialog';
import { Empty, ErrorState, Loading } from '../components/States';
import { rowCountText } from '../lib/months-view';
import {
  MONTH_COLUMN_LABEL,
  MONTHS_PAGE_SIZE,
  type MonthsTableState,
  monthsServerQuery,
  monthsTableSearch,
  parseCommon,
  parseMonthsTable,
} from '../lib/url-state';
import { MonthsExport } from './months/MonthsExport';
import { MonthsFilters } from './months/MonthsFilters';
import { MONTHS_DESCRIPTION_ID, MONTHS_HEADING_ID, MonthsIntro } from './months/MonthsIntro';
import {
  type CountKey,
  INDICATOR_OF,
  MarkerLegend,
  MonthsTableView,
  MoreRows,
  Pager,
  useMonthsTable,
  useShownRows,
} from './months/MonthsTable';
import { PlanMonths } from './months/PlanMonths';

export default function Months() {
  const search = useSearch();
  const params = new URLSearchParams(search);
  const region = parseCommon(params).region;
  const months = useMonths(monthsServerQuery(region, parseMonthsTable(params)));
  const comments = useComments(regionCommentsQuery(months.data)).data?.comments;
  // The page renders from deferred copies: answers (and a new URL) arrive as urgent updates; the
  // table then renders as a transition, in slices that leave the main thread free in between. The
  // first render goes without the rows even when the answer is there already (prefetched), so the
  // heading paints before the table is built (`null`: React takes an initial value only when it is
  // not undefined). The region (heading, sample badge) comes at once, so the heading keeps its size.
  const deferredSearch = useDeferredValue(search);
  const data = useDeferredValue<MonthsResponse | null | undefined>(months.data, null) ?? undefined;
  const place = useDeferredValue(months.data?.region);
  const deferredComments = useDeferredValue(comments);
  const fetching = useDeferredValue(months.isFetching);
  return (
    <MonthsBody
      search={deferredSearch}
      place={place}
      data={data}
      comments={deferredComments}
      fetching={fetching}
      error={months.isError ? months.error : null}
      retry={months.refetch}
    />
  );
}

const MonthsBody = memo(function MonthsBody({
  search,
  place,
  data,
  comments,
  fetching,
  error,
  retry,
}: {
  search: string;
  /** The region of the answer (it may come a render before `data`). */
  place: MonthsResponse['region'] | undefined;
  data: MonthsResponse | undefined;
  comments: readonly CommentItem[] | undefined;
  fetching: boolean;
  error: Error | null;
  retry: () => unknown;
}) {
  const [, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const region = parseCommon(params).region;
  const state = parseMonthsTable(params);
  const [history, setHistory] = useState<RevisionTarget | null>(null);
  const regionId = region ?? place?.id ?? null;

  const update = (patch: Partial<MonthsTableState>, resetPage = true) => {
    // From the URL as it is now, not the deferred copy this render has: a change made a moment ago
    // (not yet rendered) is kept, not undone by this one.
    const now = parseMonthsTable(new URLSearchParams(window.location.search));
    const next: MonthsTableState = { ...now, ...patch, ...(resetPage ? { page: patch.page ?? 1 } : {}) };
    navigate(`/monate${monthsTableSearch(regionId, next)}`);
  };
  const openHistory = useCallback(
    (row: MonthRow, k: CountKey) =>
      setHistory({
        month: row.month,
        indicator: INDICATOR_OF[k],
        indicatorLabel: MONTH_COLUMN_LABEL[k],
        gender: row.gender,
        // The region of the table on screen (while another region loads, the previous one).
        region: place?.id ?? region,
      }),
    [place?.id, region],
  );
  const rows = data?.rows ?? [];
  // A "Kommentare" column only when the region has comments.
  const commentColumns = useCommentsColumn(comments);
  const table = useMonthsTable(rows, state, update, openHistory, commentColumns);
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / MONTHS_PAGE_SIZE));
  const regionName = place?.name;
  const rowsShown = useShownRows(JSON.stringify(monthsServerQuery(region, state)), rows.length);

  return (
    <section
      className="page months-page"
      aria-labelledby={MONTHS_HEADING_ID}
      aria-describedby={MONTHS_DESCRIPTION_ID}
    >
      <div className="page-head">
        <MonthsIntro
          regionName={regionName}
          badge={place && <SampleBadge sample={Boolean(place.sample)} asOf={place.sampleAsOf ?? null} />}
        />
        <MonthsExport region={region} state={state} />
      </div>

      <MonthsFilters state={state} update={update} table={table} />

      {error !== null ? (
        <ErrorState error={error} what="Monatswerte" retry={() => void retry()} />
      ) : data === undefined ? (
        <Loading what="Monatswerte" />
      ) : rows.length === 0 ? (
        <Empty>Keine Monatswerte für diese Filter. Filter zurücksetzen oder den Zeitraum erweitern.</Empty>
      ) : (
        <>
          <p className="table-info" role="status" data-testid="row-count">
            {rowCountText({ total, page: state.page, pages, shown: rowsShown.shown, onPage: rows.length })}
            {fetching ? ' – aktualisiere …' : ''}
          </p>
          <MonthsTableView table={table} rows={rowsShown} />
          <MoreRows rows={rowsShown} />
          <Pager page={state.page} pages={pages} go={(page) => update({ page })} />
          <MarkerLegend />
        </>
      )}
      <PlanMonths region={region} />
      <RevisionDialog target={history} onClose={() => setHistory(null)} />
    </section>
  );
});
