/**
 * The months table (TanStack Table): columns, server-side sorting, column visibility in the URL,
 * the pager, the rows shown on demand (web/lib/months-view) and the marker legend. Sorting and
 * paging run on the server; this only renders.
 */
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type RowData,
  type SortingState,
  type Table,
  type Updater,
  useReactTable,
  type VisibilityState,
} from '@tanstack/react-table';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatChange, formatCount, formatMonth, formatPercent, GENDER_TEXT } from '../../../core/format';
import { FLAG_TEXT, VALUE_FLAGS } from '../../../core/vocabulary';
import type { MonthRow } from '../../api';
import { moreRows, ROWS_AT_ONCE } from '../../lib/months-view';
import { formatProvisionalCount } from '../../lib/provisional';
import {
  MONTH_COLUMN_LABEL,
  MONTH_COLUMNS,
  type MonthColumn,
  type MonthsTableState,
} from '../../lib/url-state';

declare module '@tanstack/react-table' {
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligned, tabular figures. */
    numeric?: boolean;
  }
}

const FLAG_TITLE: Record<string, string> = FLAG_TEXT;

export type CountKey = 'int' | 'elb' | 'lzb';
export const INDICATOR_OF: Record<CountKey, string> = { int: 'INT', elb: 'ELB', lzb: 'LZB' };

export const isMonthColumn = (id: string): id is MonthColumn => MONTH_COLUMNS.some((c) => c === id);

function CountCell({
  row,
  k,
  onHistory,
}: {
  row: MonthRow;
  k: CountKey;
  onHistory: (row: MonthRow, k: CountKey) => void;
}) {
  const value = row[k];
  const flag = row.flags[k];
  const shown =
    value === null && flag ? (
      <abbr title={FLAG_TITLE[flag] ?? flag} data-flag={flag}>
        {flag}
        <span className="visually-hidden"> ({FLAG_TITLE[flag] ?? flag})</span>
      </abbr>
    ) : row.provisional[k] ? (
      <span data-provisional={`${row.month}-${row.gender}-${k}`}>{formatProvisionalCount(value)}</span>
    ) : (
      formatCount(value)
    );
  if (!row.revised[k]) return <>{shown}</>;
  return (
    <button
      type="button"
      className="revised-button"
      onClick={() => onHistory(row, k)}
      title="revidiert – Änderungshistorie anzeigen"
      data-revised={`${row.month}-${row.gender}-${k}`}
    >
      {shown} <span aria-hidden="true">↻</span>
      <span className="visually-hidden"> revidiert, Historie anzeigen</span>
    </button>
  );
}

function monthColumns(onHistory: (row: MonthRow, k: CountKey) => void): ColumnDef<MonthRow>[] {
  const numeric = (id: 'k2' | 'jfw' | 'k3', format: (v: number | null) => string): ColumnDef<MonthRow> => ({
    id,
    accessorKey: id,
    header: MONTH_COLUMN_LABEL[id],
    cell: (c) => format(c.row.original[id]),
    meta: { numeric: true },
  });
  return [
    {
      id: 'month',
      accessorKey: 'month',
      header: MONTH_COLUMN_LABEL.month,
      cell: (c) => formatMonth(c.row.original.month),
      enableHiding: false,
    },
    {
      id: 'gender',
      accessorKey: 'gender',
      header: MONTH_COLUMN_LABEL.gender,
      cell: (c) => GENDER_TEXT[c.row.original.gender],
    },
    ...(['int', 'elb', 'lzb'] as const).map(
      (k): ColumnDef<MonthRow> => ({
        id: k,
        accessorKey: k,
        header: MONTH_COLUMN_LABEL[k],
        cell: (c) => <CountCell row={c.row.original} k={k} onHistory={onHistory} />,
        meta: { numeric: true },
      }),
    ),
    numeric('k2', formatPercent),
    numeric('jfw', formatPercent),
    numeric('k3', formatChange),
  ];
}

/** The table instance: sorting and column visibility live in the URL state (`update`). */
export function useMonthsTable(
  rows: MonthRow[],
  state: MonthsTableState,
  update: (patch: Partial<MonthsTableState>, resetPage?: boolean) => void,
  onHistory: (row: MonthRow, k: CountKey) => void,
  /** Columns after the figures (the comments), not sortable, not in the URL state. */
  extra: readonly ColumnDef<MonthRow>[] = [],
): Table<MonthRow> {
  const columns = useMemo(() => [...monthColumns(onHistory), ...extra], [onHistory, extra]);
  const sorting: SortingState = state.sort.map((s) => ({ id: s.id, desc: s.desc }));
  const columnVisibility: VisibilityState = Object.fromEntries(
    MONTH_COLUMNS.map((c) => [c, state.columns.includes(c)]),
  );
  const onSortingChange = (u: Updater<SortingState>) => {
    const next = typeof u === 'function' ? u(sorting) : u;
    const sort = next.flatMap((s) => (isMonthColumn(s.id) ? [{ id: s.id, desc: s.desc }] : []));
    update({ sort: sort.length ? sort : [{ id: 'month', desc: true }] });
  };
  return useReactTable({
    data: rows,
    columns,
    state: { sorting, columnVisibility },
    onSortingChange,
    onColumnVisibilityChange: (u) => {
      const next = typeof u === 'function' ? u(columnVisibility) : u;
      update({ columns: MONTH_COLUMNS.filter((c) => c === 'month' || next[c] !== false) }, false);
    },
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    enableMultiSort: true,
    enableSortingRemoval: false,
    sortDescFirst: false,
  });
}

function HeaderRow({ table, sortCount }: { table: Table<MonthRow>; sortCount: number }) {
  const sortIds = table.getState().sorting.map((s) => s.id);
  return (
    <>
      {table.getHeaderGroups().map((hg) => (
        <tr key={hg.id}>
          {hg.headers.map((h) => {
            const sorted = h.column.getIsSorted();
            const numeric = h.column.columnDef.meta?.numeric;
            const priority = sortIds.indexOf(h.column.id);
            return (
              <th
                key={h.id}
                scope="col"
                className={numeric ? 'num' : undefined}
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                data-col={h.column.id}
              >
                <button type="button" className="sort-button" onClick={h.column.getToggleSortingHandler()}>
                  {flexRender(h.column.columnDef.header, h.getContext())}
                  <span className="sort-icon" aria-hidden="true">
                    {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                    {sorted && sortCount > 1 ? priority + 1 : ''}
                  </span>
                </button>
              </th>
            );
          })}
        </tr>
      ))}
    </>
  );
}

/** Focuses a row head as it mounts: the first of the rows "Weitere Zeilen anzeigen" added. */
const focusOnMount = (el: HTMLElement | null) => el?.focus();

/**
 * The table with the first `rows.shown` rows of the page; scrolling to the end of its box shows
 * the next ones (the buttons of MoreRows do the same by keyboard).
 */
export function MonthsTableView({ table, rows }: { table: Table<MonthRow>; rows: ShownRows }) {
  const { shown, focusRow } = rows;
  const box = useRef<HTMLElement>(null);
  const query = useRef(rows.query);
  // Another query starts at the top of the box. Left where it was, the box would be clamped to the
  // shorter table, and that scroll event would show the next rows at once.
  useLayoutEffect(() => {
    if (query.current === rows.query) return;
    query.current = rows.query;
    if (box.current) box.current.scrollTop = 0;
  });
  return (
    <section
      ref={box}
      className="table-scroll"
      aria-label="Tabelle der Monatswerte"
      onScroll={(e) => {
        const box = e.currentTarget;
        if (box.scrollTop + box.clientHeight >= box.scrollHeight - NEAR_END_PX) rows.more();
      }}
    >
      <table className="data-table sticky" data-testid="months-table">
        <caption className="visually-hidden">
          Monatswerte; Spaltenköpfe sortieren (Umschalt für mehrere Spalten)
        </caption>
        <thead>
          <HeaderRow table={table} sortCount={table.getState().sorting.length} />
        </thead>
        <tbody>
          {table
            .getRowModel()
            .rows.slice(0, shown)
            .map((r, i) => (
              <tr key={r.id} data-month={r.original.month} data-gender={r.original.gender}>
                {r.getVisibleCells().map((c) => {
                  const numeric = c.column.columnDef.meta?.numeric;
                  const focus = i === focusRow;
                  return c.column.id === 'month' ? (
                    <th
                      key={c.id}
                      scope="row"
                      className="row-head"
                      data-col="month"
                      tabIndex={focus ? -1 : undefined}
                      ref={focus ? focusOnMount : undefined}
                    >
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </th>
                  ) : (
                    <td key={c.id} className={numeric ? 'num' : undefined} data-col={c.column.id}>
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </td>
                  );
                })}
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

/** How close (px) to the end of the table's box scrolling shows the next rows. */
const NEAR_END_PX = 120;

export interface ShownRows {
  /** The query the rows belong to (filters, sort, page). */
  query: string;
  /** Rows rendered, of `onPage` on the page. */
  shown: number;
  onPage: number;
  /** The row whose head takes the focus as it appears (the first one a button added), or null. */
  focusRow: number | null;
  /** Shows `rows` rows, the focus on the first new one (the buttons). */
  show: (rows: number) => void;
  /** Shows the next rows, the focus where it is (scrolling). */
  more: () => void;
}

/**
 * How many of the page's rows are rendered: `ROWS_AT_ONCE`, more on demand; back to that when the
 * query (`key`: filters, sort, page) changes. A refetch of the same query keeps what was opened.
 */
export function useShownRows(key: string, onPage: number): ShownRows {
  const [state, setState] = useState({ key, rows: ROWS_AT_ONCE, focus: null as number | null });
  const current = state.key === key ? state : { key, rows: ROWS_AT_ONCE, focus: null };
  const shown = Math.min(current.rows, onPage);
  return {
    query: key,
    shown,
    onPage,
    focusRow: current.focus,
    show: (rows) => setState({ key, rows, focus: shown }),
    more: () => {
      if (shown < onPage) setState({ key, rows: moreRows(shown, onPage), focus: null });
    },
  };
}

/** The buttons under a table showing part of its page: the next rows, or all of them. */
export function MoreRows({ rows }: { rows: ShownRows }) {
  const { shown, onPage, show } = rows;
  if (shown >= onPage) return null;
  const next = moreRows(shown, onPage);
  return (
    <div className="more-rows" data-testid="more-rows">
      <button type="button" onClick={() => show(next)}>
        {next - shown === 1
          ? 'Eine weitere Zeile anzeigen'
          : `Weitere ${formatCount(next - shown)} Zeilen anzeigen`}
      </button>
      {next < onPage && (
        <button type="button" className="secondary" onClick={() => show(onPage)}>
          Alle {formatCount(onPage)} Zeilen dieser Seite anzeigen
        </button>
      )}
    </div>
  );
}

export function Pager({ page, pages, go }: { page: number; pages: number; go: (page: number) => void }) {
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label="Seiten">
      <button type="button" disabled={page <= 1} onClick={() => go(page - 1)}>
        Vorherige Seite
      </button>
      <span>
        Seite {page} von {pages}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => go(page + 1)}>
        Nächste Seite
      </button>
    </nav>
  );
}

/** The BA markers and the revision mark, in the words of the shared vocabulary. */
export function MarkerLegend() {
  return (
    <p className="legend-note">
      {VALUE_FLAGS.map((f) => (
        <span key={f}>
          <abbr title={FLAG_TEXT[f]}>{f}</abbr> {FLAG_TEXT[f]} ·{' '}
        </span>
      ))}
      <span aria-hidden="true">↻</span> revidiert (anklicken für die Historie)
    </p>
  );
}
